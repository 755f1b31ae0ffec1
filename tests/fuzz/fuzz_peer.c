/*
 * fuzz_peer.c -- one real peer (src/net/peer.c, either role) against a
 * scripted one on a libevent bufferevent pair: real identities, the real
 * prologue (PEER_PROLOGUE || responder onion), deterministic randomness.
 * The scripted side runs the hybrid Noise XKhfs handshake itself
 * (noise.c, X25519 + ML-KEM-768), so it holds the live transport keys:
 * the fuzzer's wire messages, structured or raw plaintext, are padded and
 * encrypted with them and pass the tag, so they reach wire_decode, the
 * request-only policy and the owner's handler.
 * The fuzzer can also flip bits in the preamble and in any handshake
 * message, and send raw bytes at any point.
 *
 * Invariants: peer.c never hands HELLO, PING or PONG to the owner; a
 * request-only peer hands over nothing but CONTACT_REQUEST; the owner is
 * told the scripted side's real identity; on_lost comes exactly once and
 * nothing after it; every frame peer.c sends decrypts under the scripted
 * side's receive key and decodes (PONG for PING); a handshake completed
 * with untouched messages brings the peer up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include <warren/limits.h>

#include "crypto/identity.h"
#include "crypto/noise.h"
#include "net/frame.h"
#include "net/peer.h"
#include "net/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "fuzz_rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct identity *us, *them;	/* peer.c's, the scripted side's */

struct run {
	struct peer *p;
	enum peer_policy policy;
	int up, lost, lost_reason, msgs, msg_ret;
	int tampered;		/* the fuzzer touched the handshake */
};

static enum peer_policy
policy_cb(struct peer *p, const uint8_t ed_pk[32], const char *onion,
    void *arg)
{
	struct run *r = arg;

	if (r->lost)
		abort();
	/* Authenticated: only the scripted side's real key gets here. */
	if (memcmp(ed_pk, identity_ed_pk(them), 32) != 0 ||
	    strcmp(onion, identity_onion(them)) != 0)
		abort();
	return r->policy;
}

static void
up_cb(struct peer *p, void *arg)
{
	struct run *r = arg;

	if (r->lost || r->up)
		abort();
	r->up = 1;
}

static int
msg_cb(struct peer *p, const struct wire_msg *m, void *arg)
{
	struct run *r = arg;

	if (r->lost || !r->up)
		abort();
	if (m->type == WIRE_HELLO || m->type == WIRE_PING ||
	    m->type == WIRE_PONG)
		abort();
	if (r->policy != PEER_FULL && m->type != WIRE_CONTACT_REQUEST)
		abort();
	r->msgs++;
	return r->msg_ret;
}

static void
lost_cb(struct peer *p, int reason, void *arg)
{
	struct run *r = arg;

	if (r->lost)
		abort();
	r->lost = 1;
	r->lost_reason = reason;
	peer_free(p);
	r->p = NULL;
}

/* The scripted side. */
struct script {
	struct bufferevent *bev;
	struct noise_hs *hs;
	struct noise_cs *tx, *rx;
	int initiator;
	int pre_done;		/* read peer.c's preamble */
	int up;
};

static void
pump(struct event_base *base)
{
	int i;

	for (i = 0; i < 4; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Write bytes, XORed with a fuzzer mask (when given). */
static void
put_masked(struct script *s, const uint8_t *b, size_t len,
    const uint8_t *mask, size_t mlen, struct run *r)
{
	uint8_t buf[FRAME_HDR_LEN + FRAME_MAX_HS + 64];
	size_t i;

	if (len > sizeof buf)
		abort();
	memcpy(buf, b, len);
	for (i = 0; i < mlen && i < len; i++) {
		buf[i] ^= mask[i];
		if (mask[i] != 0)
			r->tampered = 1;
	}
	bufferevent_write(s->bev, buf, len);
}

/* A handshake message from our Noise state, framed. */
static int
hs_msg(struct script *s, const uint8_t *payload, size_t plen, uint8_t *out,
    size_t *olen)
{
	size_t n;

	if (noise_hs_write(s->hs, payload, plen, out + FRAME_HDR_LEN,
	    FRAME_MAX_HS, &n) != 0)
		return -1;
	out[0] = (uint8_t)(n >> 8);
	out[1] = (uint8_t)n;
	*olen = n + FRAME_HDR_LEN;
	return 0;
}

/* Take one framed handshake message from peer.c. */
static int
hs_take(struct script *s, uint8_t *pt, size_t cap, size_t *ptlen)
{
	struct evbuffer *in = bufferevent_get_input(s->bev);
	uint8_t msg[FRAME_MAX_HS];
	size_t len;

	if (frame_take(in, msg, sizeof msg, &len) != 0)
		return -1;
	return noise_hs_read(s->hs, msg, len, pt, cap, ptlen) == 0 ? 0 : -1;
}

static int
take_preamble(struct script *s)
{
	struct evbuffer *in = bufferevent_get_input(s->bev);
	uint8_t pre[PEER_PREAMBLE_LEN];

	if (s->pre_done)
		return 0;
	if (evbuffer_remove(in, pre, sizeof pre) != sizeof pre ||
	    memcmp(pre, "WRN\x02", 4) != 0)
		return -1;
	s->pre_done = 1;
	return 0;
}

/* Decrypt and decode everything peer.c sent since the handshake. */
static void
drain_frames(struct script *s, struct run *r)
{
	struct evbuffer *in = bufferevent_get_input(s->bev);
	uint8_t ct[FRAME_MAX_BODY], pt[WARREN_MAX_FRAME];
	struct wire_msg m;
	size_t len;

	if (!s->up)
		return;
	while (frame_take(in, ct, sizeof ct, &len) == 0) {
		if (len < NOISE_TAG_LEN ||
		    noise_cs_decrypt(s->rx, NULL, 0, ct, len, pt) != 0 ||
		    wire_decode(pt, len - NOISE_TAG_LEN, &m) != 0 ||
		    m.type != WIRE_PONG)
			abort();
	}
}

/* Encrypt a padded plaintext with the live key and send it framed. */
static void
send_pt(struct script *s, const uint8_t *pt, size_t len)
{
	uint8_t out[FRAME_HDR_LEN + FRAME_MAX_BODY];

	if (!s->up || len > WARREN_MAX_FRAME)
		return;
	if (noise_cs_encrypt(s->tx, NULL, 0, pt, len,
	    out + FRAME_HDR_LEN) != 0)
		abort();
	len += NOISE_TAG_LEN;
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	bufferevent_write(s->bev, out, len + FRAME_HDR_LEN);
}

/* A structured message from fuzzer bytes, wire_encode'd. */
static void
send_structured(struct script *s, const uint8_t *d, size_t n)
{
	static const uint64_t types[] = { WIRE_PING, WIRE_PONG,
	    WIRE_CONTACT_REQUEST, WIRE_CONTACT_RESPONSE, WIRE_RATCHET_HELLO,
	    WIRE_RATCHET_RESET, WIRE_MSG, WIRE_ACK, WIRE_RESUME, WIRE_RECEIPT,
	    WIRE_HELLO, 99 };
	uint8_t pt[WARREN_MAX_FRAME], zero[64] = { 0 };
	struct wire_msg m;
	uint64_t v = 0;
	size_t len, i, half;

	if (n < 1)
		return;
	memset(&m, 0, sizeof m);
	m.type = types[d[0] % (sizeof types / sizeof types[0])];
	for (i = 1; i < n && i < 9; i++)
		v = v << 8 | d[i];
	d += n > 9 ? 9 : n;
	n -= n > 9 ? 9 : n;
	half = n / 2;
	switch (m.type) {
	case WIRE_HELLO:
		memcpy(m.u.hello.ed_pk, identity_ed_pk(them), 32);
		break;
	case WIRE_CONTACT_REQUEST:
		m.u.request.nick = (const char *)d;
		m.u.request.nick_len = half > 64 ? 64 : half;
		m.u.request.text = (const char *)d + half;
		m.u.request.text_len = n - half;
		break;
	case WIRE_CONTACT_RESPONSE:
		m.u.response.status = v % 4;
		break;
	case WIRE_RATCHET_HELLO:
		memcpy(m.u.ratchet_hello.pub, n >= 32 ? d : zero, 32);
		break;
	case WIRE_MSG:
		m.u.msg.seq = v;
		/* 40 bytes, or (odd v) as many as there are: KEM fields. */
		m.u.msg.header = n >= 40 ? d : zero;
		m.u.msg.header_len = n > 40 && (v & 1) ?
		    (n < WIRE_HEADER_MAX ? n : WIRE_HEADER_MAX) : 40;
		m.u.msg.ct = d;
		m.u.msg.ct_len = n;
		break;
	case WIRE_ACK:
	case WIRE_RESUME:
	case WIRE_RECEIPT:
		m.u.ack.seq = v;	/* same layout in all three */
		break;
	default:
		break;
	}
	if (m.type == 99) {
		/* An unknown type: a well-formed array peer.c must skip. */
		len = 0;
		pt[len++] = 0x92;
		pt[len++] = 99;
		pt[len++] = 0xc0;
		memset(pt + len, 0, WARREN_PAD_BLOCK - len);
		pt[len] = 0x80;
		send_pt(s, pt, WARREN_PAD_BLOCK);
		return;
	}
	if (wire_encode(&m, pt, sizeof pt, &len) == 0)
		send_pt(s, pt, len);
}

/* Raw plaintext, padded to a block as wire_encode would. */
static void
send_raw_pt(struct script *s, const uint8_t *d, size_t n)
{
	uint8_t pt[WARREN_MAX_FRAME];
	size_t len;

	if (n >= WARREN_MAX_FRAME)
		n = WARREN_MAX_FRAME - 1;
	memcpy(pt, d, n);
	if (sodium_pad(&len, pt, n, WARREN_PAD_BLOCK, sizeof pt) != 0)
		return;
	send_pt(s, pt, len);
}

/*
 * Run the handshake. The input's first bytes are masks: the preamble's
 * (4) and then each handshake message's, each preceded by a length byte.
 */
static size_t
handshake(struct event_base *base, struct script *s, struct run *r,
    const uint8_t *d, size_t n)
{
	uint8_t buf[4 + FRAME_HDR_LEN + FRAME_MAX_HS], pt[WARREN_PAD_BLOCK];
	uint8_t hello[WARREN_PAD_BLOCK], sm[PEER_SIG_CTX_LEN + 32];
	uint8_t prologue[PEER_PROLOGUE_LEN];
	const uint8_t *mask[3] = { NULL, NULL, NULL };
	size_t mlen[3] = { 0, 0, 0 }, pos = 0, len, ptlen, i;
	struct wire_msg m;

	for (i = 0; i < 3 && pos < n; i++) {
		mlen[i] = d[pos++] % 64;
		if (mlen[i] > n - pos)
			mlen[i] = n - pos;
		mask[i] = d + pos;
		pos += mlen[i];
	}
	memcpy(prologue, PEER_PROLOGUE, sizeof PEER_PROLOGUE - 1);
	memcpy(prologue + sizeof PEER_PROLOGUE - 1,
	    identity_onion(s->initiator ? us : them), ONION_LEN);
	s->hs = noise_hs_new_hfs(s->initiator ? NOISE_INITIATOR :
	    NOISE_RESPONDER,
	    identity_x_sk(them), identity_x_pk(them),
	    s->initiator ? identity_x_pk(us) : NULL, prologue,
	    sizeof prologue);
	if (s->hs == NULL)
		abort();
	if (s->initiator) {
		/* Preamble + msg1 (mask 0 covers both), msg2, msg3. */
		memcpy(buf, "WRN\x02", 4);
		if (hs_msg(s, NULL, 0, buf + 4, &len) != 0)
			abort();
		put_masked(s, buf, len + 4, mask[0], mlen[0], r);
		pump(base);
		if (take_preamble(s) != 0 || hs_take(s, pt, sizeof pt,
		    &ptlen) != 0 || ptlen != 0)
			return pos;
		memset(&m, 0, sizeof m);
		m.type = WIRE_HELLO;
		memcpy(m.u.hello.ed_pk, identity_ed_pk(them), 32);
		memcpy(sm, PEER_SIG_CTX, PEER_SIG_CTX_LEN);
		memcpy(sm + PEER_SIG_CTX_LEN, noise_hs_hash(s->hs), 32);
		crypto_sign_detached(m.u.hello.sig, NULL, sm, sizeof sm,
		    identity_ed_sk(them));
		if (wire_encode(&m, hello, sizeof hello, &ptlen) != 0 ||
		    hs_msg(s, hello, ptlen, buf, &len) != 0)
			abort();
		put_masked(s, buf, len, mask[1], mlen[1], r);
	} else {
		/* peer.c wrote preamble + msg1 already. */
		pump(base);
		if (take_preamble(s) != 0 || hs_take(s, pt, sizeof pt,
		    &ptlen) != 0)
			return pos;
		memcpy(buf, "WRN\x02", 4);
		if (hs_msg(s, NULL, 0, buf + 4, &len) != 0)
			abort();
		put_masked(s, buf, len + 4, mask[0], mlen[0], r);
		pump(base);
		if (hs_take(s, pt, sizeof pt, &ptlen) != 0 ||
		    wire_decode(pt, ptlen, &m) != 0 || m.type != WIRE_HELLO ||
		    memcmp(m.u.hello.ed_pk, identity_ed_pk(us), 32) != 0)
			return pos;
	}
	if (noise_hs_split(s->hs, &s->tx, &s->rx, pt) != 0)
		abort();
	s->up = 1;
	pump(base);
	/* Untouched messages: the peer is up (or refused by policy). */
	if (!r->tampered && r->policy != PEER_REJECT && !r->up)
		abort();
	(void)mask[2];
	return pos;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const enum peer_policy pols[] = { PEER_FULL,
	    PEER_REQUEST_ONLY, PEER_FULL, PEER_REJECT };
	struct bufferevent *pair[2];
	struct event_base *base;
	struct peer_cfg cfg;
	struct peer_cbs cbs = { policy_cb, up_cb, msg_cb, NULL, lost_cb };
	struct script s;
	struct run r;
	uint8_t seed[32], flags;
	size_t pos = 1, n;
	uint8_t op;

	if (us == NULL) {
		fuzz_rng_init();
		log_set_level(getenv("FUZZ_LOG") ? LOG_LEVEL_DEBUG :
		    LOG_LEVEL_ERROR);
		memset(seed, 0x11, sizeof seed);
		if (identity_from_seed(&us, seed) != 0)
			abort();
		memset(seed, 0x22, sizeof seed);
		if (identity_from_seed(&them, seed) != 0)
			abort();
	}
	if (len < 1)
		return 0;
	fuzz_rng_reset();
	flags = data[0];
	memset(&r, 0, sizeof r);
	memset(&s, 0, sizeof s);
	r.policy = pols[(flags >> 1) % 4];
	r.msg_ret = (flags & 0x10) ? 1 : 0;
	s.initiator = !(flags & 1);	/* peer.c takes the other role */
	base = event_base_new();
	if (bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS, pair) != 0)
		abort();
	s.bev = pair[1];
	bufferevent_enable(s.bev, EV_READ | EV_WRITE);
	peer_cfg_default(&cfg);
	if (s.initiator) {
		if (peer_new_responder(&r.p, base, pair[0], us, &cfg, &cbs,
		    &r) != 0)
			abort();
	} else if (peer_new_initiator(&r.p, base, pair[0], us,
	    identity_ed_pk(them), &cfg, &cbs, &r) != 0)
		abort();
	if (!(flags & 0x80))
		pos += handshake(base, &s, &r, data + pos, len - pos);
	/* Then: messages, until the input or the connection ends. */
	while (pos < len && !r.lost) {
		op = data[pos++];
		n = pos < len ? data[pos++] : 0;
		if (op & 0x80 && pos < len)
			n = n << 8 | data[pos++];
		if (n > len - pos)
			n = len - pos;
		switch (op % 4) {
		case 0:
		case 1:
			send_structured(&s, data + pos, n);
			break;
		case 2:
			send_raw_pt(&s, data + pos, n);
			break;
		case 3:
			bufferevent_write(s.bev, data + pos, n);
			break;
		}
		pos += n;
		pump(base);
		drain_frames(&s, &r);
	}
	if (r.p != NULL)
		peer_free(r.p);
	/* Let the pair's deferred callbacks and finalizers run first. */
	pump(base);
	bufferevent_free(s.bev);
	pump(base);
	noise_hs_free(s.hs);
	noise_cs_free(s.tx);
	noise_cs_free(s.rx);
	event_base_free(base);
	return 0;
}
