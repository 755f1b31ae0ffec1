/*
 * test_wire.c -- frame plaintexts: every type round-trips, every field at
 * its max and max + 1, wrong types, negatives, missing and extra fields,
 * unknown types, bad padding, bad UTF-8.
 */
#include <stdint.h>
#include <string.h>

#include <msgpack.h>
#include <sodium.h>

#include "net/wire.h"
#include "util/err.h"
#include "test.h"

static uint8_t pt[WARREN_MAX_FRAME + WARREN_PAD_BLOCK];
static uint8_t big[WARREN_MAX_FRAME + 16];

/* Writes msgpack into a fixed buffer, for hand-built frames. */
struct raw {
	uint8_t b[WARREN_MAX_FRAME + WARREN_PAD_BLOCK];
	size_t len;
};

static int
raw_write(void *data, const char *buf, size_t len)
{
	struct raw *r = data;

	if (len > sizeof r->b - r->len)
		return -1;
	memcpy(r->b + r->len, buf, len);
	r->len += len;
	return 0;
}

/* Pad a hand-built frame in place; returns its padded length. */
static size_t
raw_pad(struct raw *r)
{
	size_t n;

	if (sodium_pad(&n, r->b, r->len, WARREN_PAD_BLOCK, sizeof r->b) != 0)
		return 0;
	return n;
}

/* Decode a hand-built, padded frame. */
static int
raw_decode(struct raw *r, struct wire_msg *m)
{
	size_t n = raw_pad(r);

	return wire_decode(r->b, n, m);
}

/* Encode, check the padding rule, decode into *out; returns decode's code. */
static int
roundtrip(const struct wire_msg *m, struct wire_msg *out)
{
	size_t len;
	int r;

	if ((r = wire_encode(m, pt, sizeof pt, &len)) != 0)
		return r;
	CHECK(len > 0 && len % WARREN_PAD_BLOCK == 0);
	CHECK(len <= WARREN_MAX_FRAME);
	r = wire_decode(pt, len, out);
	if (r == 0)
		CHECK(wire_equal(m, out));
	return r;
}

static void
test_wire_roundtrip_all(void)
{
	struct wire_msg m, d;
	static uint8_t hdr[WIRE_HEADER_MAX];
	uint64_t simple[] = { WIRE_PING, WIRE_PONG, WIRE_GOODBYE,
	    WIRE_RATCHET_RESET };
	size_t i;

	memset(&m, 0, sizeof m);
	m.type = WIRE_HELLO;
	randombytes_buf(m.u.hello.ed_pk, sizeof m.u.hello.ed_pk);
	m.u.hello.features = UINT64_MAX;
	randombytes_buf(m.u.hello.sig, sizeof m.u.hello.sig);
	CHECK_INT(roundtrip(&m, &d), 0);
	CHECK_INT(d.type, WIRE_HELLO);
	CHECK_MEM(d.u.hello.ed_pk, m.u.hello.ed_pk, 32);
	CHECK_MEM(d.u.hello.sig, m.u.hello.sig, 64);

	for (i = 0; i < sizeof simple / sizeof simple[0]; i++) {
		memset(&m, 0, sizeof m);
		m.type = simple[i];
		CHECK_INT(roundtrip(&m, &d), 0);
		CHECK_INT(d.type, simple[i]);
	}

	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_REQUEST;
	m.u.request.nick = "b\xc3\xb6" "b";
	m.u.request.nick_len = 4;
	m.u.request.text = "hi\nit's me";
	m.u.request.text_len = 10;
	CHECK_INT(roundtrip(&m, &d), 0);
	CHECK_INT(d.u.request.nick_len, 4);
	/* Decoded fields point into the plaintext buffer. */
	CHECK(d.u.request.nick >= (const char *)pt &&
	    d.u.request.nick < (const char *)pt + sizeof pt);
	/* Empty nick and text are well-formed. */
	m.u.request.nick = NULL;
	m.u.request.nick_len = 0;
	m.u.request.text = NULL;
	m.u.request.text_len = 0;
	CHECK_INT(roundtrip(&m, &d), 0);

	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_RESPONSE;
	for (i = 0; i <= WIRE_STATUS_REJECTED; i++) {
		m.u.response.status = i;
		CHECK_INT(roundtrip(&m, &d), 0);
	}

	memset(&m, 0, sizeof m);
	m.type = WIRE_RATCHET_HELLO;
	randombytes_buf(m.u.ratchet_hello.pub, 32);
	CHECK_INT(roundtrip(&m, &d), 0);

	memset(&m, 0, sizeof m);
	m.type = WIRE_MSG;
	m.u.msg.seq = 0x0102030405060708ULL;
	randombytes_buf(hdr, sizeof hdr);
	m.u.msg.header = hdr;
	m.u.msg.header_len = WIRE_HEADER_LEN;
	randombytes_buf(big, 1000);
	m.u.msg.ct = big;
	m.u.msg.ct_len = 1000;
	CHECK_INT(roundtrip(&m, &d), 0);
	m.u.msg.ct_len = 0;
	m.u.msg.seq = 0;
	CHECK_INT(roundtrip(&m, &d), 0);
	/* A header with a KEM step's ek and ct. */
	m.u.msg.header_len = WIRE_HEADER_MAX;
	CHECK_INT(roundtrip(&m, &d), 0);
	CHECK_INT(d.u.msg.header_len, WIRE_HEADER_MAX);
	m.u.msg.header_len = WIRE_HEADER_MAX + 1;
	CHECK_INT(roundtrip(&m, &d), ERR_INVAL);
	m.u.msg.header_len = WIRE_HEADER_LEN - 1;
	CHECK_INT(roundtrip(&m, &d), ERR_INVAL);

	memset(&m, 0, sizeof m);
	m.type = WIRE_ACK;
	m.u.ack.seq = UINT64_MAX;
	CHECK_INT(roundtrip(&m, &d), 0);
	CHECK(d.u.ack.seq == UINT64_MAX);
	m.type = WIRE_RESUME;
	m.u.resume.next_expected = 77;
	CHECK_INT(roundtrip(&m, &d), 0);
	CHECK(d.u.resume.next_expected == 77);
	m.type = WIRE_RECEIPT;
	m.u.receipt.seq = 5;
	CHECK_INT(roundtrip(&m, &d), 0);
	CHECK(d.u.receipt.seq == 5);
}

static void
test_wire_nick_limits(void)
{
	struct wire_msg m, d;
	struct raw r;
	msgpack_packer pk;
	char nick[WARREN_MAX_NICK + 1];

	memset(nick, 'n', sizeof nick);
	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_REQUEST;
	m.u.request.nick = nick;
	m.u.request.nick_len = WARREN_MAX_NICK;
	CHECK_INT(roundtrip(&m, &d), 0);
	m.u.request.nick_len = WARREN_MAX_NICK + 1;
	CHECK_INT(roundtrip(&m, &d), ERR_TOOBIG);
	/* A peer that sends max + 1 anyway. */
	r.len = 0;
	msgpack_packer_init(&pk, &r, raw_write);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint8(&pk, WIRE_CONTACT_REQUEST);
	msgpack_pack_str_with_body(&pk, nick, WARREN_MAX_NICK + 1);
	msgpack_pack_str_with_body(&pk, "", 0);
	CHECK_INT(raw_decode(&r, &d), ERR_TOOBIG);
	/* No newline in a nick; bad UTF-8; NUL; escape sequences. */
	m.u.request.nick = "a\nb";
	m.u.request.nick_len = 3;
	CHECK_INT(roundtrip(&m, &d), ERR_UTF8);
	m.u.request.nick = "\xc0\xaf";
	m.u.request.nick_len = 2;
	CHECK_INT(roundtrip(&m, &d), ERR_UTF8);
	r.len = 0;
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint8(&pk, WIRE_CONTACT_REQUEST);
	msgpack_pack_str_with_body(&pk, "\xff\xfe", 2);
	msgpack_pack_str_with_body(&pk, "", 0);
	CHECK_INT(raw_decode(&r, &d), ERR_UTF8);
	r.len = 0;
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint8(&pk, WIRE_CONTACT_REQUEST);
	msgpack_pack_str_with_body(&pk, "a\0b", 3);
	msgpack_pack_str_with_body(&pk, "", 0);
	CHECK_INT(raw_decode(&r, &d), ERR_UTF8);
	r.len = 0;
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint8(&pk, WIRE_CONTACT_REQUEST);
	msgpack_pack_str_with_body(&pk, "a\nb", 3);
	msgpack_pack_str_with_body(&pk, "", 0);
	CHECK_INT(raw_decode(&r, &d), ERR_UTF8);
}

static void
test_wire_text_limits(void)
{
	struct wire_msg m, d;
	struct raw r;
	msgpack_packer pk;
	static char text[WARREN_MAX_REQUEST_TEXT + 1];

	memset(text, 't', sizeof text);
	text[10] = '\n';
	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_REQUEST;
	m.u.request.text = text;
	m.u.request.text_len = WARREN_MAX_REQUEST_TEXT;
	CHECK_INT(roundtrip(&m, &d), 0);
	CHECK_INT(d.u.request.text_len, WARREN_MAX_REQUEST_TEXT);
	m.u.request.text_len = WARREN_MAX_REQUEST_TEXT + 1;
	CHECK_INT(roundtrip(&m, &d), ERR_TOOBIG);
	r.len = 0;
	msgpack_packer_init(&pk, &r, raw_write);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint8(&pk, WIRE_CONTACT_REQUEST);
	msgpack_pack_str_with_body(&pk, "n", 1);
	msgpack_pack_str_with_body(&pk, text, WARREN_MAX_REQUEST_TEXT + 1);
	CHECK_INT(raw_decode(&r, &d), ERR_TOOBIG);
	/* CRLF and an ANSI escape in the text. */
	m.u.request.text = "a\r\nb";
	m.u.request.text_len = 4;
	CHECK_INT(roundtrip(&m, &d), ERR_UTF8);
	m.u.request.text = "\x1b[2J";
	m.u.request.text_len = 4;
	CHECK_INT(roundtrip(&m, &d), ERR_UTF8);
}

static void
test_wire_ct_limits(void)
{
	struct wire_msg m, d;
	struct raw r;
	msgpack_packer pk;
	uint8_t hdr[WIRE_HEADER_LEN] = { 0 };
	static uint8_t maxhdr[WIRE_HEADER_MAX];

	memset(&m, 0, sizeof m);
	m.type = WIRE_MSG;
	m.u.msg.seq = UINT64_MAX;	/* the longest encoding */
	m.u.msg.header = maxhdr;	/* and the longest header */
	m.u.msg.header_len = sizeof maxhdr;
	m.u.msg.ct = big;
	m.u.msg.ct_len = WIRE_MAX_CT;
	CHECK_INT(roundtrip(&m, &d), 0);
	CHECK_INT(d.u.msg.ct_len, WIRE_MAX_CT);
	m.u.msg.ct_len = WIRE_MAX_CT + 1;
	CHECK_INT(roundtrip(&m, &d), ERR_TOOBIG);
	m.u.msg.ct = NULL;
	m.u.msg.ct_len = 1;
	CHECK_INT(roundtrip(&m, &d), ERR_INVAL);
	/* A peer that sends WIRE_MAX_CT + 1 (still inside one frame). */
	r.len = 0;
	msgpack_packer_init(&pk, &r, raw_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, WIRE_MSG);
	msgpack_pack_uint8(&pk, 1);
	msgpack_pack_bin_with_body(&pk, hdr, sizeof hdr);
	msgpack_pack_bin_with_body(&pk, big, WIRE_MAX_CT + 1);
	CHECK(raw_pad(&r) <= WARREN_MAX_FRAME);
	r.len = 0;
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, WIRE_MSG);
	msgpack_pack_uint8(&pk, 1);
	msgpack_pack_bin_with_body(&pk, hdr, sizeof hdr);
	msgpack_pack_bin_with_body(&pk, big, WIRE_MAX_CT + 1);
	CHECK_INT(raw_decode(&r, &d), ERR_TOOBIG);
	/* Header one byte short and one long. */
	r.len = 0;
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, WIRE_MSG);
	msgpack_pack_uint8(&pk, 1);
	msgpack_pack_bin_with_body(&pk, hdr, sizeof hdr - 1);
	msgpack_pack_bin_with_body(&pk, big, 1);
	CHECK_INT(raw_decode(&r, &d), ERR_PROTO);
	r.len = 0;
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, WIRE_MSG);
	msgpack_pack_uint8(&pk, 1);
	msgpack_pack_bin_with_body(&pk, big, WIRE_HEADER_MAX + 1);
	msgpack_pack_bin_with_body(&pk, big, 1);
	CHECK_INT(raw_decode(&r, &d), ERR_TOOBIG);
}

static void
test_wire_frame_size(void)
{
	struct wire_msg m, d;
	struct raw r;
	msgpack_packer pk;
	size_t len;

	/* Exactly WARREN_MAX_FRAME decodes; one block more does not. */
	r.len = 0;
	msgpack_packer_init(&pk, &r, raw_write);
	msgpack_pack_array(&pk, 2);
	msgpack_pack_uint8(&pk, 99);
	msgpack_pack_bin_with_body(&pk, big, WARREN_MAX_FRAME - 1 - 1 - 1 - 3);
	CHECK_INT(r.len, WARREN_MAX_FRAME - 1);
	len = raw_pad(&r);
	CHECK_INT(len, WARREN_MAX_FRAME);
	CHECK_INT(wire_decode(r.b, len, &d), WIRE_UNKNOWN);
	CHECK_INT(d.type, 99);
	r.len = 0;
	msgpack_pack_array(&pk, 2);
	msgpack_pack_uint8(&pk, 99);
	msgpack_pack_bin_with_body(&pk, big, WARREN_MAX_FRAME - 1 - 1 - 3);
	len = raw_pad(&r);
	CHECK_INT(len, WARREN_MAX_FRAME + WARREN_PAD_BLOCK);
	CHECK_INT(wire_decode(r.b, len, &d), ERR_PROTO);
	/* Encoding into a buffer that is too small. */
	memset(&m, 0, sizeof m);
	m.type = WIRE_PING;
	CHECK_INT(wire_encode(&m, pt, WARREN_PAD_BLOCK - 1, &len), ERR_TOOBIG);
	CHECK_INT(wire_encode(&m, pt, 0, &len), ERR_TOOBIG);
	CHECK_INT(wire_encode(&m, pt, WARREN_PAD_BLOCK, &len), 0);
	CHECK_INT(len, WARREN_PAD_BLOCK);
}

static void
test_wire_bad_padding(void)
{
	struct wire_msg m, d;
	size_t len;

	memset(&m, 0, sizeof m);
	m.type = WIRE_PING;
	CHECK_INT(wire_encode(&m, pt, sizeof pt, &len), 0);
	CHECK_INT(wire_decode(pt, len, &d), 0);
	/* Not a multiple of the block; empty; too short. */
	CHECK_INT(wire_decode(pt, len - 1, &d), ERR_PROTO);
	CHECK_INT(wire_decode(pt, 0, &d), ERR_PROTO);
	CHECK_INT(wire_decode(pt, 2, &d), ERR_PROTO);
	/* No 0x80 marker: all zero after the payload. */
	memset(pt + 2, 0, len - 2);
	CHECK_INT(wire_decode(pt, len, &d), ERR_PROTO);
	/* A non-zero byte after the marker. */
	CHECK_INT(wire_encode(&m, pt, sizeof pt, &len), 0);
	pt[len - 1] = 1;
	CHECK_INT(wire_decode(pt, len, &d), ERR_PROTO);
	/* All zeros. */
	memset(pt, 0, WARREN_PAD_BLOCK);
	CHECK_INT(wire_decode(pt, WARREN_PAD_BLOCK, &d), ERR_PROTO);
	/* Padding that leaves trailing garbage after the array. */
	CHECK_INT(wire_encode(&m, pt, sizeof pt, &len), 0);
	pt[2] = 0x00;
	pt[3] = 0x80;
	CHECK_INT(wire_decode(pt, len, &d), ERR_PROTO);
}

/* Encode [type, f] with f packed by fn; decode it. */
static int
decode_with(uint64_t type, int nfields, void (*fn)(msgpack_packer *))
{
	struct raw r;
	struct wire_msg d;
	msgpack_packer pk;

	r.len = 0;
	msgpack_packer_init(&pk, &r, raw_write);
	msgpack_pack_array(&pk, (size_t)nfields + 1);
	msgpack_pack_uint64(&pk, type);
	if (fn != NULL)
		fn(&pk);
	return raw_decode(&r, &d);
}

static void
f_neg(msgpack_packer *pk)
{
	msgpack_pack_int8(pk, -1);
}

static void
f_str(msgpack_packer *pk)
{
	msgpack_pack_str_with_body(pk, "x", 1);
}

static void
f_nil(msgpack_packer *pk)
{
	msgpack_pack_nil(pk);
}

static void
f_float(msgpack_packer *pk)
{
	msgpack_pack_double(pk, 1.0);
}

static void
f_u64(msgpack_packer *pk)
{
	msgpack_pack_uint64(pk, 1);
}

static void
f_u64x2(msgpack_packer *pk)
{
	msgpack_pack_uint64(pk, 1);
	msgpack_pack_uint64(pk, 2);
}

static void
f_bin32(msgpack_packer *pk)
{
	static const uint8_t k[32];

	msgpack_pack_bin_with_body(pk, k, 32);
}

static void
f_bin32_str(msgpack_packer *pk)
{
	static const char k[32];

	msgpack_pack_str_with_body(pk, k, 32);
}

static void
f_bin32_neg(msgpack_packer *pk)
{
	f_bin32(pk);
	f_neg(pk);
}

static void
f_bin32_u64(msgpack_packer *pk)
{
	f_bin32(pk);
	f_u64(pk);
}

static void
f_bin32_u64_u64(msgpack_packer *pk)
{
	f_bin32_u64(pk);
	f_u64(pk);
}

static void
f_bin64(msgpack_packer *pk)
{
	static const uint8_t k[64];

	msgpack_pack_bin_with_body(pk, k, 64);
}

static void
f_bin32_u64_bin64(msgpack_packer *pk)
{
	f_bin32_u64(pk);
	f_bin64(pk);
}

static void
f_bin32_u64_bin32(msgpack_packer *pk)
{
	f_bin32_u64(pk);
	f_bin32(pk);
}

static void
f_bin32_u64_bin64_u64(msgpack_packer *pk)
{
	f_bin32_u64_bin64(pk);
	f_u64(pk);
}

static void
f_nested(msgpack_packer *pk)
{
	msgpack_pack_array(pk, 1);
	msgpack_pack_uint64(pk, 1);
}

static void
f_status3(msgpack_packer *pk)
{
	msgpack_pack_uint64(pk, 3);
}

static void
test_wire_wrong_types(void)
{
	/* Integers must be non-negative integers. */
	CHECK_INT(decode_with(WIRE_ACK, 1, f_neg), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_ACK, 1, f_str), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_ACK, 1, f_nil), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_ACK, 1, f_float), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_ACK, 1, f_nested), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_ACK, 1, f_u64), 0);
	CHECK_INT(decode_with(WIRE_RESUME, 1, f_neg), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_CONTACT_RESPONSE, 1, f_status3), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_HELLO, 2, f_bin32_neg), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_HELLO, 3, f_bin32_u64_bin64), 0);
	/* The signature is exactly 64 bytes of bin. */
	CHECK_INT(decode_with(WIRE_HELLO, 3, f_bin32_u64_bin32), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_HELLO, 3, f_bin32_u64_u64), ERR_PROTO);
	/* A key as str instead of bin. */
	CHECK_INT(decode_with(WIRE_RATCHET_HELLO, 1, f_bin32_str), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_RATCHET_HELLO, 1, f_bin32), 0);
	/* A type that is not a non-negative integer. */
	CHECK_INT(decode_with(0, 0, NULL), WIRE_UNKNOWN);
}

static void
test_wire_type_field(void)
{
	struct raw r;
	struct wire_msg d;
	msgpack_packer pk;

	msgpack_packer_init(&pk, &r, raw_write);
	r.len = 0;
	msgpack_pack_array(&pk, 1);
	msgpack_pack_int8(&pk, -2);
	CHECK_INT(raw_decode(&r, &d), ERR_PROTO);
	r.len = 0;
	msgpack_pack_array(&pk, 1);
	msgpack_pack_str_with_body(&pk, "\x02", 1);
	CHECK_INT(raw_decode(&r, &d), ERR_PROTO);
	r.len = 0;
	msgpack_pack_array(&pk, 0);
	CHECK_INT(raw_decode(&r, &d), ERR_PROTO);
	/* Not an array at all. */
	r.len = 0;
	msgpack_pack_uint8(&pk, 2);
	CHECK_INT(raw_decode(&r, &d), ERR_PROTO);
	/* A map is refused by the prescan. */
	r.len = 0;
	msgpack_pack_map(&pk, 1);
	msgpack_pack_uint8(&pk, 0);
	msgpack_pack_uint8(&pk, 2);
	CHECK_INT(raw_decode(&r, &d), ERR_PROTO);
	/* A non-canonical encoding of PING (int8 2) is still PING. */
	r.len = 0;
	msgpack_pack_array(&pk, 1);
	r.b[r.len++] = 0xd0;
	r.b[r.len++] = 0x02;
	CHECK_INT(raw_decode(&r, &d), 0);
	CHECK_INT(d.type, WIRE_PING);
}

static void
test_wire_missing_extra(void)
{
	/* Missing fields. */
	CHECK_INT(decode_with(WIRE_ACK, 0, NULL), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_HELLO, 1, f_bin32), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_MSG, 1, f_u64), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_CONTACT_REQUEST, 1, f_str), ERR_PROTO);
	/* Extra fields: rejected for every known type, consistently. */
	CHECK_INT(decode_with(WIRE_PING, 1, f_u64), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_PONG, 1, f_u64), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_GOODBYE, 1, f_u64), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_RATCHET_RESET, 1, f_u64), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_ACK, 2, f_u64x2), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_RECEIPT, 2, f_u64x2), ERR_PROTO);
	CHECK_INT(decode_with(WIRE_HELLO, 4, f_bin32_u64_bin64_u64), ERR_PROTO);
	/* A version-1 HELLO (no signature) is a missing field now. */
	CHECK_INT(decode_with(WIRE_HELLO, 2, f_bin32_u64), ERR_PROTO);
}

/* MBOX / MBOX_REPLY (mailboxes): both fields at their limits and over. */
static void
test_wire_mbox(void)
{
	static uint8_t buf[WARREN_MAX_FRAME], b[WIRE_MBOX_B_MAX + 1];
	uint8_t a[WIRE_MBOX_A_MAX + 1];
	struct wire_msg m, d;
	size_t len;

	memset(a, 0xa5, sizeof a);
	memset(b, 0x5a, sizeof b);
	memset(&m, 0, sizeof m);
	m.type = WIRE_MBOX;
	m.u.mbox.op = 3;
	m.u.mbox.n = UINT64_MAX;
	m.u.mbox.a = a;
	m.u.mbox.a_len = WIRE_MBOX_A_MAX;
	m.u.mbox.b = b;
	m.u.mbox.b_len = WIRE_MBOX_B_MAX;
	CHECK_INT(wire_encode(&m, buf, sizeof buf, &len), 0);
	CHECK_INT(wire_decode(buf, len, &d), 0);
	CHECK(wire_equal(&m, &d));
	m.type = WIRE_MBOX_REPLY;
	m.u.mbox.a_len = 0;
	m.u.mbox.b_len = 0;
	CHECK_INT(wire_encode(&m, buf, sizeof buf, &len), 0);
	CHECK_INT(wire_decode(buf, len, &d), 0);
	CHECK(wire_equal(&m, &d));
	m.u.mbox.a_len = WIRE_MBOX_A_MAX + 1;
	CHECK_INT(wire_encode(&m, buf, sizeof buf, &len), ERR_TOOBIG);
	m.u.mbox.a_len = 0;
	m.u.mbox.b_len = WIRE_MBOX_B_MAX + 1;
	CHECK_INT(wire_encode(&m, buf, sizeof buf, &len), ERR_TOOBIG);
	m.u.mbox.b = NULL;
	m.u.mbox.b_len = 1;
	CHECK_INT(wire_encode(&m, buf, sizeof buf, &len), ERR_INVAL);
	CHECK_STR(wire_type_name(WIRE_MBOX), "MBOX");
}

static void
test_wire_unknown(void)
{
	struct wire_msg m, d;
	size_t len;

	/* Unknown types are well-formed and ignored, with any fields. */
	CHECK_INT(decode_with(34, 0, NULL), WIRE_UNKNOWN);
	CHECK_INT(decode_with(12345, 2, f_u64x2), WIRE_UNKNOWN);
	CHECK_INT(decode_with(UINT64_MAX, 1, f_nested), WIRE_UNKNOWN);
	/* But we never send them. */
	memset(&m, 0, sizeof m);
	m.type = 34;
	CHECK_INT(wire_encode(&m, pt, sizeof pt, &len), ERR_INVAL);
	m.type = 0;
	CHECK_INT(wire_encode(&m, pt, sizeof pt, &len), ERR_INVAL);
	m.type = WIRE_CONTACT_RESPONSE;
	m.u.response.status = 3;
	CHECK_INT(wire_encode(&m, pt, sizeof pt, &len), ERR_INVAL);
	(void)d;
	CHECK_STR(wire_type_name(WIRE_MSG), "MSG");
	CHECK_STR(wire_type_name(34), "unknown");
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_wire_roundtrip_all);
	RUN(test_wire_nick_limits);
	RUN(test_wire_text_limits);
	RUN(test_wire_ct_limits);
	RUN(test_wire_frame_size);
	RUN(test_wire_bad_padding);
	RUN(test_wire_wrong_types);
	RUN(test_wire_type_field);
	RUN(test_wire_missing_extra);
	RUN(test_wire_unknown);
	RUN(test_wire_mbox);
	return TEST_EXIT();
}
