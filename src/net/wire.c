/*
 * wire.c -- encode and decode the padded msgpack plaintext of a transport
 * frame (struct wire_msg). Decoding bounds everything before msgpack-c
 * sees it and checks every field before reading it. Pure.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <msgpack.h>
#include <sodium.h>

#include "net/mp_prescan.h"
#include "net/wire.h"
#include "util/err.h"
#include "util/utf8.h"

/* Where msgpack's packer writes: a fixed buffer, never grown. */
struct wire_out {
	uint8_t *p;
	size_t cap;
	size_t len;
	int overflow;
};

/* msgpack write callback into a struct wire_out. */
static int
wire_write(void *data, const char *buf, size_t len)
{
	struct wire_out *o = data;

	if (len > o->cap - o->len) {
		o->overflow = 1;
		return -1;
	}
	if (len > 0)
		memcpy(o->p + o->len, buf, len);
	o->len += len;
	return 0;
}

/* Check a string field as both sides must: bounded, UTF-8, no NUL. */
static int
wire_check_str(const char *s, size_t len, size_t max, int allow_nl)
{
	if (len > max)
		return ERR_TOOBIG;
	if (s == NULL)
		return len == 0 ? 0 : ERR_INVAL;
	return utf8_check(s, len, allow_nl);
}

/* Check the fields of a message we are about to send. */
static int
wire_check(const struct wire_msg *m)
{
	int r;

	switch (m->type) {
	case WIRE_HELLO:
	case WIRE_PING:
	case WIRE_PONG:
	case WIRE_GOODBYE:
	case WIRE_RATCHET_HELLO:
	case WIRE_RATCHET_RESET:
	case WIRE_ACK:
	case WIRE_RESUME:
	case WIRE_RECEIPT:
		return 0;
	case WIRE_CONTACT_REQUEST:
		if ((r = wire_check_str(m->u.request.nick,
		    m->u.request.nick_len, WARREN_MAX_NICK, 0)) != 0)
			return r;
		return wire_check_str(m->u.request.text, m->u.request.text_len,
		    WARREN_MAX_REQUEST_TEXT, 1);
	case WIRE_CONTACT_RESPONSE:
		return m->u.response.status > WIRE_STATUS_REJECTED ?
		    ERR_INVAL : 0;
	case WIRE_MSG:
		if (m->u.msg.ct_len > WIRE_MAX_CT)
			return ERR_TOOBIG;
		if (m->u.msg.header == NULL ||
		    m->u.msg.header_len < WIRE_HEADER_LEN ||
		    m->u.msg.header_len > WIRE_HEADER_MAX)
			return ERR_INVAL;
		if (m->u.msg.ct == NULL && m->u.msg.ct_len != 0)
			return ERR_INVAL;
		return 0;
	case WIRE_MBOX:
	case WIRE_MBOX_REPLY:
		if (m->u.mbox.a_len > WIRE_MBOX_A_MAX ||
		    m->u.mbox.b_len > WIRE_MBOX_B_MAX)
			return ERR_TOOBIG;
		if ((m->u.mbox.a == NULL && m->u.mbox.a_len != 0) ||
		    (m->u.mbox.b == NULL && m->u.mbox.b_len != 0))
			return ERR_INVAL;
		return 0;
	}
	return ERR_INVAL;
}

/* Pack a str field (possibly empty, possibly NULL when empty). */
static void
wire_pack_str(msgpack_packer *pk, const char *s, size_t len)
{
	msgpack_pack_str(pk, len);
	if (len > 0)
		msgpack_pack_str_body(pk, s, len);
}

/* Pack a bin field. */
static void
wire_pack_bin(msgpack_packer *pk, const uint8_t *b, size_t len)
{
	msgpack_pack_bin(pk, len);
	if (len > 0)
		msgpack_pack_bin_body(pk, b, len);
}

/* Encode and pad; see wire.h. */
int
wire_encode(const struct wire_msg *m, uint8_t *out, size_t cap, size_t *len)
{
	struct wire_out o;
	msgpack_packer pk;
	size_t padded;
	int r;

	*len = 0;
	if ((r = wire_check(m)) != 0)
		return r;
	o.p = out;
	/* sodium_pad always adds at least one byte. */
	o.cap = cap < WARREN_MAX_FRAME ? cap : WARREN_MAX_FRAME;
	if (o.cap == 0)
		return ERR_TOOBIG;
	o.cap--;
	o.len = 0;
	o.overflow = 0;
	msgpack_packer_init(&pk, &o, wire_write);

	switch (m->type) {
	case WIRE_HELLO:
		msgpack_pack_array(&pk, 4);
		msgpack_pack_uint64(&pk, m->type);
		wire_pack_bin(&pk, m->u.hello.ed_pk, WIRE_KEY_LEN);
		msgpack_pack_uint64(&pk, m->u.hello.features);
		wire_pack_bin(&pk, m->u.hello.sig, WIRE_SIG_LEN);
		break;
	case WIRE_CONTACT_REQUEST:
		msgpack_pack_array(&pk, 3);
		msgpack_pack_uint64(&pk, m->type);
		wire_pack_str(&pk, m->u.request.nick, m->u.request.nick_len);
		wire_pack_str(&pk, m->u.request.text, m->u.request.text_len);
		break;
	case WIRE_CONTACT_RESPONSE:
		msgpack_pack_array(&pk, 2);
		msgpack_pack_uint64(&pk, m->type);
		msgpack_pack_uint64(&pk, m->u.response.status);
		break;
	case WIRE_RATCHET_HELLO:
		msgpack_pack_array(&pk, 2);
		msgpack_pack_uint64(&pk, m->type);
		wire_pack_bin(&pk, m->u.ratchet_hello.pub, WIRE_KEY_LEN);
		break;
	case WIRE_MSG:
		msgpack_pack_array(&pk, 4);
		msgpack_pack_uint64(&pk, m->type);
		msgpack_pack_uint64(&pk, m->u.msg.seq);
		wire_pack_bin(&pk, m->u.msg.header, m->u.msg.header_len);
		wire_pack_bin(&pk, m->u.msg.ct, m->u.msg.ct_len);
		break;
	case WIRE_MBOX:
	case WIRE_MBOX_REPLY:
		msgpack_pack_array(&pk, 5);
		msgpack_pack_uint64(&pk, m->type);
		msgpack_pack_uint64(&pk, m->u.mbox.op);
		msgpack_pack_uint64(&pk, m->u.mbox.n);
		wire_pack_bin(&pk, m->u.mbox.a, m->u.mbox.a_len);
		wire_pack_bin(&pk, m->u.mbox.b, m->u.mbox.b_len);
		break;
	case WIRE_ACK:
	case WIRE_RESUME:
	case WIRE_RECEIPT:
		/* The three share one layout: [type, u64]. */
		msgpack_pack_array(&pk, 2);
		msgpack_pack_uint64(&pk, m->type);
		msgpack_pack_uint64(&pk, m->type == WIRE_ACK ? m->u.ack.seq :
		    m->type == WIRE_RESUME ? m->u.resume.next_expected :
		    m->u.receipt.seq);
		break;
	default:	/* PING, PONG, GOODBYE, RATCHET_RESET */
		msgpack_pack_array(&pk, 1);
		msgpack_pack_uint64(&pk, m->type);
		break;
	}
	if (o.overflow)
		return ERR_TOOBIG;
	if (sodium_pad(&padded, out, o.len, WARREN_PAD_BLOCK, cap) != 0 ||
	    padded > WARREN_MAX_FRAME)
		return ERR_TOOBIG;
	*len = padded;
	return 0;
}

/* A non-negative integer field. */
static int
wire_get_uint(const msgpack_object *o, uint64_t *v)
{
	if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return ERR_PROTO;
	*v = o->via.u64;
	return 0;
}

/* A bin field of exactly n bytes, copied out. */
static int
wire_get_key(const msgpack_object *o, uint8_t *out, size_t n)
{
	if (o->type != MSGPACK_OBJECT_BIN || o->via.bin.size != n)
		return ERR_PROTO;
	memcpy(out, o->via.bin.ptr, n);
	return 0;
}

/* 1 if [p, p + n) lies inside [base, base + len). */
static int
wire_inside(const void *p, size_t n, const uint8_t *base, size_t len)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

	return a >= b && a - b <= len && n <= len - (a - b);
}

/* A bin field of at most max bytes, by reference into pt. */
static int
wire_get_bin(const msgpack_object *o, const uint8_t **p, size_t *len,
    size_t max, const uint8_t *pt, size_t ptlen)
{
	if (o->type != MSGPACK_OBJECT_BIN)
		return ERR_PROTO;
	if (o->via.bin.size > max)
		return ERR_TOOBIG;
	if (o->via.bin.size > 0 &&
	    !wire_inside(o->via.bin.ptr, o->via.bin.size, pt, ptlen))
		return ERR_PROTO;
	*p = o->via.bin.size > 0 ? (const uint8_t *)o->via.bin.ptr : pt;
	*len = o->via.bin.size;
	return 0;
}

/* A str field of at most max bytes of valid UTF-8, by reference into pt. */
static int
wire_get_str(const msgpack_object *o, const char **s, size_t *len,
    size_t max, int allow_nl, const uint8_t *pt, size_t ptlen)
{
	if (o->type != MSGPACK_OBJECT_STR)
		return ERR_PROTO;
	if (o->via.str.size > max)
		return ERR_TOOBIG;
	if (o->via.str.size > 0 &&
	    !wire_inside(o->via.str.ptr, o->via.str.size, pt, ptlen))
		return ERR_PROTO;
	*s = o->via.str.size > 0 ? o->via.str.ptr : (const char *)pt;
	*len = o->via.str.size;
	return utf8_check(*s, *len, allow_nl);
}

/* Fill m from the fields of a known type; n = number of elements. */
static int
wire_fields(const msgpack_object *el, uint32_t n, struct wire_msg *m,
    const uint8_t *pt, size_t ptlen)
{
	int r;

	switch (m->type) {
	case WIRE_HELLO:
		if (n != 4)
			return ERR_PROTO;
		if ((r = wire_get_key(&el[1], m->u.hello.ed_pk,
		    WIRE_KEY_LEN)) != 0 ||
		    (r = wire_get_uint(&el[2], &m->u.hello.features)) != 0)
			return r;
		return wire_get_key(&el[3], m->u.hello.sig, WIRE_SIG_LEN);
	case WIRE_PING:
	case WIRE_PONG:
	case WIRE_GOODBYE:
	case WIRE_RATCHET_RESET:
		return n == 1 ? 0 : ERR_PROTO;
	case WIRE_CONTACT_REQUEST:
		if (n != 3)
			return ERR_PROTO;
		if ((r = wire_get_str(&el[1], &m->u.request.nick,
		    &m->u.request.nick_len, WARREN_MAX_NICK, 0, pt,
		    ptlen)) != 0)
			return r;
		return wire_get_str(&el[2], &m->u.request.text,
		    &m->u.request.text_len, WARREN_MAX_REQUEST_TEXT, 1, pt,
		    ptlen);
	case WIRE_CONTACT_RESPONSE:
		if (n != 2)
			return ERR_PROTO;
		if ((r = wire_get_uint(&el[1], &m->u.response.status)) != 0)
			return r;
		return m->u.response.status > WIRE_STATUS_REJECTED ?
		    ERR_PROTO : 0;
	case WIRE_RATCHET_HELLO:
		if (n != 2)
			return ERR_PROTO;
		return wire_get_key(&el[1], m->u.ratchet_hello.pub,
		    WIRE_KEY_LEN);
	case WIRE_MSG:
		if (n != 4)
			return ERR_PROTO;
		if ((r = wire_get_uint(&el[1], &m->u.msg.seq)) != 0 ||
		    (r = wire_get_bin(&el[2], &m->u.msg.header,
		    &m->u.msg.header_len, WIRE_HEADER_MAX, pt, ptlen)) != 0)
			return r;
		if (m->u.msg.header_len < WIRE_HEADER_LEN)
			return ERR_PROTO;
		return wire_get_bin(&el[3], &m->u.msg.ct, &m->u.msg.ct_len,
		    WIRE_MAX_CT, pt, ptlen);
	case WIRE_ACK:
		return n == 2 ? wire_get_uint(&el[1], &m->u.ack.seq) :
		    ERR_PROTO;
	case WIRE_RESUME:
		return n == 2 ? wire_get_uint(&el[1],
		    &m->u.resume.next_expected) : ERR_PROTO;
	case WIRE_RECEIPT:
		return n == 2 ? wire_get_uint(&el[1], &m->u.receipt.seq) :
		    ERR_PROTO;
	case WIRE_MBOX:
	case WIRE_MBOX_REPLY:
		if (n != 5)
			return ERR_PROTO;
		if ((r = wire_get_uint(&el[1], &m->u.mbox.op)) != 0 ||
		    (r = wire_get_uint(&el[2], &m->u.mbox.n)) != 0 ||
		    (r = wire_get_bin(&el[3], &m->u.mbox.a, &m->u.mbox.a_len,
		    WIRE_MBOX_A_MAX, pt, ptlen)) != 0)
			return r;
		return wire_get_bin(&el[4], &m->u.mbox.b, &m->u.mbox.b_len,
		    WIRE_MBOX_B_MAX, pt, ptlen);
	}
	return WIRE_UNKNOWN;
}

/* Unpad, bound, unpack and check; see wire.h. */
int
wire_decode(const uint8_t *pt, size_t len, struct wire_msg *m)
{
	msgpack_unpacked up;
	const msgpack_object *o;
	size_t ulen, off = 0;
	int r;

	memset(m, 0, sizeof *m);
	if (len == 0 || len > WARREN_MAX_FRAME || len % WARREN_PAD_BLOCK != 0)
		return ERR_PROTO;
	if (sodium_unpad(&ulen, pt, len, WARREN_PAD_BLOCK) != 0)
		return ERR_PROTO;
	if ((r = mp_prescan(pt, ulen)) != 0)
		return r;

	msgpack_unpacked_init(&up);
	if (msgpack_unpack_next(&up, (const char *)pt, ulen, &off) !=
	    MSGPACK_UNPACK_SUCCESS || off != ulen) {
		r = ERR_PROTO;
		goto out;
	}
	o = &up.data;
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size == 0 ||
	    (r = wire_get_uint(&o->via.array.ptr[0], &m->type)) != 0) {
		r = ERR_PROTO;
		goto out;
	}
	r = wire_fields(o->via.array.ptr, o->via.array.size, m, pt, ulen);
out:
	msgpack_unpacked_destroy(&up);
	if (r < 0) {
		memset(m, 0, sizeof *m);
	} else if (r == WIRE_UNKNOWN) {
		uint64_t type = m->type;

		memset(m, 0, sizeof *m);
		m->type = type;
	}
	return r;
}

/* Compare two known messages field by field. */
int
wire_equal(const struct wire_msg *a, const struct wire_msg *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case WIRE_HELLO:
		return memcmp(a->u.hello.ed_pk, b->u.hello.ed_pk,
		    WIRE_KEY_LEN) == 0 &&
		    a->u.hello.features == b->u.hello.features &&
		    memcmp(a->u.hello.sig, b->u.hello.sig, WIRE_SIG_LEN) == 0;
	case WIRE_PING:
	case WIRE_PONG:
	case WIRE_GOODBYE:
	case WIRE_RATCHET_RESET:
		return 1;
	case WIRE_CONTACT_REQUEST:
		return a->u.request.nick_len == b->u.request.nick_len &&
		    a->u.request.text_len == b->u.request.text_len &&
		    (a->u.request.nick_len == 0 || memcmp(a->u.request.nick,
		    b->u.request.nick, a->u.request.nick_len) == 0) &&
		    (a->u.request.text_len == 0 || memcmp(a->u.request.text,
		    b->u.request.text, a->u.request.text_len) == 0);
	case WIRE_CONTACT_RESPONSE:
		return a->u.response.status == b->u.response.status;
	case WIRE_RATCHET_HELLO:
		return memcmp(a->u.ratchet_hello.pub, b->u.ratchet_hello.pub,
		    WIRE_KEY_LEN) == 0;
	case WIRE_MSG:
		return a->u.msg.seq == b->u.msg.seq &&
		    a->u.msg.header_len == b->u.msg.header_len &&
		    memcmp(a->u.msg.header, b->u.msg.header,
		    a->u.msg.header_len) == 0 &&
		    a->u.msg.ct_len == b->u.msg.ct_len &&
		    (a->u.msg.ct_len == 0 ||
		    memcmp(a->u.msg.ct, b->u.msg.ct, a->u.msg.ct_len) == 0);
	case WIRE_ACK:
		return a->u.ack.seq == b->u.ack.seq;
	case WIRE_RESUME:
		return a->u.resume.next_expected == b->u.resume.next_expected;
	case WIRE_RECEIPT:
		return a->u.receipt.seq == b->u.receipt.seq;
	case WIRE_MBOX:
	case WIRE_MBOX_REPLY:
		return a->u.mbox.op == b->u.mbox.op &&
		    a->u.mbox.n == b->u.mbox.n &&
		    a->u.mbox.a_len == b->u.mbox.a_len &&
		    a->u.mbox.b_len == b->u.mbox.b_len &&
		    (a->u.mbox.a_len == 0 || memcmp(a->u.mbox.a, b->u.mbox.a,
		    a->u.mbox.a_len) == 0) &&
		    (a->u.mbox.b_len == 0 || memcmp(a->u.mbox.b, b->u.mbox.b,
		    a->u.mbox.b_len) == 0);
	}
	return 0;
}

/* Name a frame type for logs. */
const char *
wire_type_name(uint64_t type)
{
	switch (type) {
	case WIRE_HELLO:
		return "HELLO";
	case WIRE_PING:
		return "PING";
	case WIRE_PONG:
		return "PONG";
	case WIRE_GOODBYE:
		return "GOODBYE";
	case WIRE_CONTACT_REQUEST:
		return "CONTACT_REQUEST";
	case WIRE_CONTACT_RESPONSE:
		return "CONTACT_RESPONSE";
	case WIRE_RATCHET_HELLO:
		return "RATCHET_HELLO";
	case WIRE_RATCHET_RESET:
		return "RATCHET_RESET";
	case WIRE_MSG:
		return "MSG";
	case WIRE_MBOX:
		return "MBOX";
	case WIRE_MBOX_REPLY:
		return "MBOX_REPLY";
	case WIRE_ACK:
		return "ACK";
	case WIRE_RESUME:
		return "RESUME";
	case WIRE_RECEIPT:
		return "RECEIPT";
	}
	return "unknown";
}
