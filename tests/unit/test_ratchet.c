/*
 * test_ratchet.c -- the Double Ratchet: round trips, many DH steps, the
 * reordering window and its bound, rejected ciphertexts leaving the state
 * unchanged, serialisation at any point, strict parsing, key uniqueness and
 * the deterministic deletion of skipped keys; the KEM step (by count and
 * by time, across serialisation, from a version 1 state, tampered KEM
 * fields, and an attacker holding every X25519 secret).
 */
#include <stdint.h>
#include <time.h>

#include <sodium.h>

#include "crypto/hkdf.h"
#include "crypto/ratchet.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "test.h"

#define PT_MAX		64
#define MAX_MSGS	(RATCHET_MAX_SKIP + 8)
#define MAX_KEYS	4096

/* Offsets in the serialised form (version 1). */
#define SER_FLAGS	1
#define SER_DHS_PK	(2 + 3 * 32)
#define SER_NOLD	(2 + 8 * 32 + 12)
#define SER_KEM_FIXED	(1 + 4 + 8 + 32)	/* version 2's KEM section */
#define SER_DHS_SK	(2 + 2 * 32)
#define SER_RK		(2 + 5 * 32)

/* Header lengths: plain, with an ML-KEM ek, with a ct, with both. */
#define HDR_PLAIN	RATCHET_HEADER_LEN
#define HDR_EK		(RATCHET_HEADER_LEN + 1 + 1184)
#define HDR_CT		(RATCHET_HEADER_LEN + 1 + 1088)
#define HDR_BOTH	RATCHET_HEADER_MAX

int main(void);

struct conv {
	struct ratchet *a, *b;
	uint8_t a_pk[32], b_pk[32];
};

struct msg {
	uint8_t hdr[RATCHET_HEADER_MAX];
	size_t hlen;
	uint8_t ct[PT_MAX + RATCHET_OVERHEAD];
	size_t len;
	char text[PT_MAX];
};

struct keylog {
	uint8_t keys[MAX_KEYS][32];
	size_t n;
};

static struct msg msgs[MAX_MSGS];
static const uint8_t ad[] = "seq 42";

/* Alice and Bob, as after a handshake and RATCHET_HELLO. */
static void
conv_new(struct conv *c)
{
	uint8_t sk[32], bob_sk[32], bob_pub[32];

	randombytes_buf(sk, sizeof sk);
	randombytes_buf(c->a_pk, sizeof c->a_pk);
	randombytes_buf(c->b_pk, sizeof c->b_pk);
	crypto_box_keypair(bob_pub, bob_sk);
	c->a = c->b = NULL;
	CHECK_INT(ratchet_init_alice(&c->a, sk, bob_pub, c->a_pk, c->b_pk),
	    0);
	CHECK_INT(ratchet_init_bob(&c->b, sk, bob_sk, bob_pub, c->b_pk,
	    c->a_pk), 0);
}

/* Free both sides. */
static void
conv_free(struct conv *c)
{
	ratchet_free(c->a);
	ratchet_free(c->b);
}

/* Encrypt a numbered text into m. */
static int
seal(struct ratchet *r, struct msg *m, int i)
{
	snprintf(m->text, sizeof m->text, "message %d", i);
	m->len = strlen(m->text) + RATCHET_OVERHEAD;
	return ratchet_encrypt(r, ad, sizeof ad, (const uint8_t *)m->text,
	    strlen(m->text), m->hdr, &m->hlen, m->ct);
}

/* Decrypt m and check the text; -1000 if it decrypted to anything else. */
static int
open_msg(struct ratchet *r, const struct msg *m)
{
	uint8_t pt[PT_MAX];
	int rc;

	rc = ratchet_decrypt(r, ad, sizeof ad, m->hdr, m->hlen, m->ct, m->len,
	    pt);
	if (rc == 0 && (m->len - RATCHET_OVERHEAD != strlen(m->text) ||
	    memcmp(pt, m->text, strlen(m->text)) != 0))
		return -1000;
	return rc;
}

/* Send one message from one side to the other and check it arrives. */
static void
exchange(struct ratchet *from, struct ratchet *to, int i)
{
	struct msg m;

	CHECK_INT(seal(from, &m, i), 0);
	CHECK_INT(open_msg(to, &m), 0);
}

/* 1 if the serialised state of r equals buf. */
static int
same_state(const struct ratchet *r, const uint8_t *buf, size_t len)
{
	uint8_t *now;
	size_t n;
	int same;

	if (ratchet_serialize(r, &now, &n) != 0)
		return 0;
	same = n == len && memcmp(now, buf, n) == 0;
	secret_free(now, n);
	return same;
}

/* Replace r by a copy that went through serialise and deserialise. */
static void
reload(struct ratchet **r)
{
	struct ratchet *copy = NULL;
	uint8_t *buf;
	size_t len;

	CHECK_INT(ratchet_serialize(*r, &buf, &len), 0);
	CHECK_INT(ratchet_deserialize(&copy, buf, len), 0);
	if (copy != NULL) {
		CHECK(same_state(copy, buf, len));
		ratchet_free(*r);
		*r = copy;
	}
	secret_free(buf, len);
}

/* Both ways, several messages each; Bob waits for Alice's first. */
static void
test_roundtrip(void)
{
	struct conv c;
	struct msg m;
	int i;

	conv_new(&c);
	CHECK(ratchet_can_send(c.a));
	CHECK(!ratchet_can_send(c.b));
	CHECK_INT(seal(c.b, &m, 0), ERR_STATE);
	for (i = 0; i < 3; i++)
		exchange(c.a, c.b, i);
	CHECK(ratchet_can_send(c.b));
	for (i = 0; i < 3; i++)
		exchange(c.b, c.a, i);
	exchange(c.a, c.b, 10);
	/* An empty plaintext. */
	CHECK_INT(ratchet_encrypt(c.a, NULL, 0, NULL, 0, m.hdr, &m.hlen, m.ct),
	    0);
	CHECK_INT(ratchet_decrypt(c.b, NULL, 0, m.hdr, m.hlen, m.ct,
	    RATCHET_OVERHEAD, NULL), 0);
	conv_free(&c);
}

/* Alternating senders (a DH step each time), bursts and reloads. */
static void
test_pingpong(void)
{
	struct conv c;
	int i, k;

	conv_new(&c);
	for (i = 0; i < 300; i++) {
		for (k = 0; k < (i % 7 == 0 ? 3 : 1); k++)
			exchange(i % 2 == 0 ? c.a : c.b,
			    i % 2 == 0 ? c.b : c.a, i);
		if (i % 25 == 0) {
			reload(&c.a);
			reload(&c.b);
		}
	}
	conv_free(&c);
}

/* A reversed window of RATCHET_MAX_SKIP messages decrypts completely. */
static void
test_reorder_window(void)
{
	struct conv c;
	int i, n = RATCHET_MAX_SKIP;

	/* On a new chain (Bob has none yet). */
	conv_new(&c);
	for (i = 0; i < n; i++)
		CHECK_INT(seal(c.a, &msgs[i], i), 0);
	for (i = n - 1; i >= 0; i--)
		CHECK_INT(open_msg(c.b, &msgs[i]), 0);
	/* Each is now a replay. */
	for (i = 0; i < n; i += 97)
		CHECK_INT(open_msg(c.b, &msgs[i]), ERR_DUP);
	exchange(c.b, c.a, 0);
	exchange(c.a, c.b, 1);

	/* On the current chain, after a few in order. */
	for (i = 0; i < 3; i++)
		exchange(c.a, c.b, i);
	for (i = 0; i < n + 1; i++)
		CHECK_INT(seal(c.a, &msgs[i], i), 0);
	for (i = n; i >= 0; i--)
		CHECK_INT(open_msg(c.b, &msgs[i]), 0);
	exchange(c.b, c.a, 2);
	conv_free(&c);
}

/* One key more than the bound: ERR_SKIP, and nothing changes. */
static void
test_skip_bound(void)
{
	uint8_t *snap;
	size_t snap_len;
	struct conv c;
	int i, n = RATCHET_MAX_SKIP;

	/* New chain: n may be RATCHET_MAX_SKIP, not one more. */
	conv_new(&c);
	for (i = 0; i <= n + 1; i++)
		CHECK_INT(seal(c.a, &msgs[i], i), 0);
	CHECK_INT(ratchet_serialize(c.b, &snap, &snap_len), 0);
	CHECK_INT(open_msg(c.b, &msgs[n + 1]), ERR_SKIP);
	CHECK(same_state(c.b, snap, snap_len));
	secret_free(snap, snap_len);
	CHECK_INT(open_msg(c.b, &msgs[n]), 0);
	for (i = 0; i < n; i++)
		CHECK_INT(open_msg(c.b, &msgs[i]), 0);
	CHECK_INT(open_msg(c.b, &msgs[n + 1]), 0);
	conv_free(&c);

	/* Current chain: nr + RATCHET_MAX_SKIP + 1 is too far. */
	conv_new(&c);
	exchange(c.a, c.b, 0);
	for (i = 0; i <= n + 1; i++)
		CHECK_INT(seal(c.a, &msgs[i], i), 0);
	CHECK_INT(ratchet_serialize(c.b, &snap, &snap_len), 0);
	CHECK_INT(open_msg(c.b, &msgs[n + 1]), ERR_SKIP);
	CHECK(same_state(c.b, snap, snap_len));
	secret_free(snap, snap_len);
	CHECK_INT(open_msg(c.b, &msgs[n]), 0);
	conv_free(&c);

	/* A DH step counts the rest of the old chain too (pn - nr + n). */
	conv_new(&c);
	for (i = 0; i < 5; i++)
		CHECK_INT(seal(c.a, &msgs[i], i), 0);
	CHECK_INT(open_msg(c.b, &msgs[0]), 0);
	exchange(c.b, c.a, 0);
	for (i = 0; i < n; i++)
		CHECK_INT(seal(c.a, &msgs[i], i), 0);
	CHECK_INT(ratchet_serialize(c.b, &snap, &snap_len), 0);
	CHECK_INT(open_msg(c.b, &msgs[n - 4 + 1]), ERR_SKIP);
	CHECK(same_state(c.b, snap, snap_len));
	secret_free(snap, snap_len);
	CHECK_INT(open_msg(c.b, &msgs[n - 4]), 0);
	conv_free(&c);
}

/* Check that r rejects (hdr, ct, len) with want and keeps its state. */
static void
reject(struct ratchet *r, const uint8_t *hdr, size_t hlen, const uint8_t *ct,
    size_t len, const uint8_t *a, size_t alen, int want)
{
	uint8_t *snap, pt[PT_MAX + RATCHET_OVERHEAD];
	size_t snap_len;
	int rc;

	if (ratchet_serialize(r, &snap, &snap_len) != 0)
		return;
	rc = ratchet_decrypt(r, a, alen, hdr, hlen, ct, len, pt);
	if (want != 0)
		CHECK_INT(rc, want);
	else
		CHECK(rc != 0);
	CHECK(same_state(r, snap, snap_len));
	secret_free(snap, snap_len);
}

/* Bad inputs on the current chain and on a DH step. */
static void
test_rejects(void)
{
	uint8_t hdr[RATCHET_HEADER_MAX], ct[PT_MAX + RATCHET_OVERHEAD];
	struct conv c, other;
	struct ratchet *wrong = NULL;
	struct msg m;
	size_t i;
	int round;

	conv_new(&c);
	conv_new(&other);
	exchange(c.a, c.b, 0);
	for (round = 0; round < 2; round++) {
		/* round 0: same chain; round 1: first message of a new one. */
		if (round == 1)
			exchange(c.b, c.a, 1);
		CHECK_INT(seal(c.a, &m, 2), 0);
		reject(c.b, m.hdr, m.hlen, m.ct, m.len - 1, ad, sizeof ad, ERR_AUTH);
		reject(c.b, m.hdr, m.hlen, m.ct, RATCHET_OVERHEAD - 1, ad, sizeof ad,
		    ERR_PROTO);
		reject(c.b, m.hdr, m.hlen, m.ct, 0, ad, sizeof ad, ERR_PROTO);
		reject(c.b, m.hdr, m.hlen, m.ct, m.len, ad, sizeof ad - 1, ERR_AUTH);
		reject(c.b, m.hdr, m.hlen, m.ct, m.len, NULL, 0, ERR_AUTH);
		for (i = 0; i < m.len; i++) {
			memcpy(ct, m.ct, m.len);
			ct[i] ^= (uint8_t)(1 << (i % 8));
			reject(c.b, m.hdr, m.hlen, ct, m.len, ad, sizeof ad, ERR_AUTH);
		}
		for (i = 0; i < RATCHET_HEADER_LEN; i++) {
			memcpy(hdr, m.hdr, sizeof hdr);
			hdr[i] ^= (uint8_t)(1 << (i % 8));
			reject(c.b, hdr, m.hlen, m.ct, m.len, ad, sizeof ad, 0);
		}
		/* Someone else's state, and the sender itself. */
		reject(other.b, m.hdr, m.hlen, m.ct, m.len, ad, sizeof ad, 0);
		reject(c.a, m.hdr, m.hlen, m.ct, m.len, ad, sizeof ad, 0);
		CHECK_INT(open_msg(c.b, &m), 0);
		reject(c.b, m.hdr, m.hlen, m.ct, m.len, ad, sizeof ad, ERR_DUP);
	}

	/* The same keys but other identity keys: the AD differs. */
	{
		uint8_t sk[32], bsk[32], bpk[32], x[32];

		randombytes_buf(sk, sizeof sk);
		randombytes_buf(x, sizeof x);
		crypto_box_keypair(bpk, bsk);
		ratchet_free(c.a);
		CHECK_INT(ratchet_init_alice(&c.a, sk, bpk, c.a_pk, c.b_pk),
		    0);
		CHECK_INT(ratchet_init_bob(&wrong, sk, bsk, bpk, c.b_pk, x), 0);
		CHECK_INT(seal(c.a, &m, 3), 0);
		if (wrong != NULL)
			reject(wrong, m.hdr, m.hlen, m.ct, m.len, ad, sizeof ad,
			    ERR_AUTH);
		ratchet_free(wrong);
		CHECK_INT(ratchet_init_bob(&wrong, sk, bsk, bpk, c.b_pk,
		    c.a_pk), 0);
		CHECK_INT(open_msg(wrong, &m), 0);
		ratchet_free(wrong);
	}
	conv_free(&c);
	conv_free(&other);
}

/* All-zero and low-order ratchet keys are refused. */
static void
test_low_order(void)
{
	uint8_t sk[32], zero[32], a_pk[32], b_pk[32], bsk[32], bpk[32];
	struct ratchet *r = NULL;
	struct conv c;
	struct msg m;

	memset(zero, 0, sizeof zero);
	randombytes_buf(sk, sizeof sk);
	randombytes_buf(a_pk, sizeof a_pk);
	randombytes_buf(b_pk, sizeof b_pk);
	CHECK_INT(ratchet_init_alice(&r, sk, zero, a_pk, b_pk), ERR_CRYPTO);
	CHECK(r == NULL);
	crypto_box_keypair(bpk, bsk);
	CHECK_INT(ratchet_init_bob(&r, sk, bsk, zero, b_pk, a_pk), ERR_INVAL);
	CHECK(r == NULL);

	conv_new(&c);
	exchange(c.a, c.b, 0);
	CHECK_INT(seal(c.a, &m, 1), 0);
	memset(m.hdr, 0, 32);
	reject(c.b, m.hdr, m.hlen, m.ct, m.len, ad, sizeof ad, ERR_CRYPTO);
	conv_free(&c);
}

/* AD longer than the stack buffer. */
static void
test_large_ad(void)
{
	uint8_t big[1000], hdr[RATCHET_HEADER_MAX], ct[10 + RATCHET_OVERHEAD];
	uint8_t pt[10];
	size_t hlen;
	struct conv c;

	memset(big, 'a', sizeof big);
	conv_new(&c);
	CHECK_INT(ratchet_encrypt(c.a, big, sizeof big,
	    (const uint8_t *)"0123456789", 10, hdr, &hlen, ct), 0);
	big[999] = 'b';
	reject(c.b, hdr, hlen, ct, sizeof ct, big, sizeof big, ERR_AUTH);
	big[999] = 'a';
	CHECK_INT(ratchet_decrypt(c.b, big, sizeof big, hdr, hlen, ct,
	    sizeof ct, pt), 0);
	CHECK_MEM(pt, "0123456789", 10);
	conv_free(&c);
}

/* Serialise both sides at every step of a conversation with gaps. */
static void
test_serialize_anywhere(void)
{
	struct conv c;
	struct msg held[3];
	int i;

	conv_new(&c);
	reload(&c.a);
	reload(&c.b);
	for (i = 0; i < 40; i++) {
		CHECK_INT(seal(i % 3 == 2 ? c.b : c.a, &held[i % 3], i), 0);
		reload(&c.a);
		reload(&c.b);
		if (i % 3 == 2) {
			/* Deliver Alice's two out of order, then Bob's. */
			CHECK_INT(open_msg(c.b, &held[1]), 0);
			reload(&c.b);
			CHECK_INT(open_msg(c.b, &held[0]), 0);
			reload(&c.b);
			CHECK_INT(open_msg(c.a, &held[2]), 0);
			reload(&c.a);
		} else if (i == 0) {
			CHECK_INT(open_msg(c.b, &held[0]), 0);
			i = 2;	/* so that Bob can send from here on */
			CHECK_INT(seal(c.a, &held[0], 100), 0);
			CHECK_INT(seal(c.a, &held[1], 101), 0);
			CHECK_INT(seal(c.b, &held[2], 102), 0);
			reload(&c.a);
			reload(&c.b);
			CHECK_INT(open_msg(c.b, &held[1]), 0);
			CHECK_INT(open_msg(c.a, &held[2]), 0);
			reload(&c.a);
			reload(&c.b);
			CHECK_INT(open_msg(c.b, &held[0]), 0);
		}
	}
	conv_free(&c);
}

/* Every truncation, extension and bad field is ERR_PROTO. */
static void
test_deserialize_strict(void)
{
	struct ratchet *r = NULL;
	uint8_t *buf, *bad;
	size_t len, i;
	struct conv c;
	int k;

	conv_new(&c);
	for (k = 0; k < 5; k++)
		CHECK_INT(seal(c.a, &msgs[k], k), 0);
	CHECK_INT(open_msg(c.b, &msgs[4]), 0);	/* 4 skipped keys */
	exchange(c.b, c.a, 0);
	exchange(c.a, c.b, 1);			/* one old chain */
	CHECK_INT(ratchet_serialize(c.b, &buf, &len), 0);
	CHECK_INT(len, SER_NOLD + 1 + 32 + 2 + 4 * 68 + SER_KEM_FIXED);
	bad = xmalloc(len + 1);

	for (i = 0; i < len; i++) {
		CHECK_INT(ratchet_deserialize(&r, buf, i), ERR_PROTO);
		CHECK(r == NULL);
	}
	memcpy(bad, buf, len);
	bad[len] = 0;
	CHECK_INT(ratchet_deserialize(&r, bad, len + 1), ERR_PROTO);
	CHECK_INT(ratchet_deserialize(&r, NULL, 0), ERR_PROTO);

#define MUTATE(off, val) do {						\
	memcpy(bad, buf, len);						\
	bad[(off)] = (uint8_t)(val);					\
	CHECK_INT(ratchet_deserialize(&r, bad, len), ERR_PROTO);	\
	CHECK(r == NULL);						\
} while (0)
	MUTATE(0, 0);				/* version */
	MUTATE(0, 3);
	MUTATE(SER_FLAGS, 0x08);		/* unknown flag */
	MUTATE(SER_FLAGS, 0x04);		/* ckr without dhr */
	MUTATE(SER_DHS_PK, buf[SER_DHS_PK] ^ 1); /* pair does not match */
	MUTATE(SER_NOLD, 6);			/* too many old chains */
	MUTATE(SER_NOLD, 2);			/* count beyond the bytes */
	MUTATE(SER_NOLD + 1 + 32 + 1, 5);	/* skipped count too high */
	MUTATE(SER_NOLD + 1 + 32, 0xff);	/* skipped count huge */
	MUTATE(SER_NOLD + 1 + 32 + 2, buf[SER_NOLD + 1 + 32 + 2] ^ 1);
						/* key of an unknown chain */
	/* A duplicate skipped key: copy entry 0 over entry 1. */
	memcpy(bad, buf, len);
	memcpy(bad + SER_NOLD + 1 + 32 + 2 + 68, bad + SER_NOLD + 1 + 32 + 2,
	    68);
	CHECK_INT(ratchet_deserialize(&r, bad, len), ERR_PROTO);
#undef MUTATE

	CHECK_INT(ratchet_deserialize(&r, buf, len), 0);
	CHECK(r != NULL && same_state(r, buf, len));
	if (r != NULL)
		CHECK_INT(open_msg(r, &msgs[2]), 0);
	ratchet_free(r);
	free(bad);
	secret_free(buf, len);
	conv_free(&c);
}

/* Collect every sending message key. */
static void
log_key(const uint8_t mk[32], void *arg)
{
	struct keylog *kl = arg;

	if (kl->n < MAX_KEYS)
		memcpy(kl->keys[kl->n++], mk, 32);
}

/* Order 32-byte keys. */
static int
cmp_key(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* Neither side ever derives the same sending key twice. */
static void
test_unique_keys(void)
{
	static struct keylog kl;
	struct conv c;
	size_t i;
	int k, j;

	kl.n = 0;
	conv_new(&c);
	ratchet_set_key_hook(c.a, log_key, &kl);
	ratchet_set_key_hook(c.b, log_key, &kl);
	for (k = 0; k < 200; k++) {
		for (j = 0; j < 1 + k % 5; j++)
			exchange(k % 2 == 0 ? c.a : c.b,
			    k % 2 == 0 ? c.b : c.a, k);
	}
	CHECK(kl.n > 500);
	qsort(kl.keys, kl.n, 32, cmp_key);
	for (i = 1; i < kl.n; i++)
		CHECK(memcmp(kl.keys[i - 1], kl.keys[i], 32) != 0);
	conv_free(&c);
}

/* Skipped keys of a chain go after five newer receiving chains. */
static void
test_chain_eviction(void)
{
	struct msg early[2];
	struct conv c;
	int rounds, i;

	for (rounds = 5; rounds <= 6; rounds++) {
		conv_new(&c);
		CHECK_INT(seal(c.a, &early[0], 0), 0);
		CHECK_INT(seal(c.a, &early[1], 1), 0);
		CHECK_INT(open_msg(c.b, &early[1]), 0);
		for (i = 0; i < rounds; i++) {
			exchange(c.b, c.a, i);
			exchange(c.a, c.b, i);
		}
		/* Once the chain is forgotten the key is gone for good. */
		if (rounds == 5)
			CHECK_INT(open_msg(c.b, &early[0]), 0);
		else
			reject(c.b, early[0].hdr, early[0].hlen, early[0].ct, early[0].len,
			    ad, sizeof ad, 0);
		conv_free(&c);
	}
}

/* Over RATCHET_MAX_SKIP stored keys, the oldest go first. */
static void
test_fifo_eviction(void)
{
	static struct msg first[600];
	struct conv c;
	int i;

	conv_new(&c);
	for (i = 0; i < 600; i++)
		CHECK_INT(seal(c.a, &first[i], i), 0);
	CHECK_INT(open_msg(c.b, &first[599]), 0);	/* 599 skipped */
	exchange(c.b, c.a, 0);
	for (i = 0; i < 600; i++)
		CHECK_INT(seal(c.a, &msgs[i], i), 0);
	CHECK_INT(open_msg(c.b, &msgs[599]), 0);	/* 599 more */
	CHECK_INT(open_msg(c.b, &first[197]), ERR_DUP);
	CHECK_INT(open_msg(c.b, &first[198]), 0);
	CHECK_INT(open_msg(c.b, &msgs[0]), 0);
	conv_free(&c);
}

/* Send one message and return its header length (0 on failure). */
static size_t
send_len(struct ratchet *from, struct ratchet *to, int i)
{
	struct msg m;

	if (seal(from, &m, i) != 0 || open_msg(to, &m) != 0)
		return 0;
	return m.hlen;
}

/*
 * The 50th message sent carries an ek; the peer answers at its next DH
 * step with a ct on every message of that chain; then headers are plain.
 */
static void
test_kem_by_count(void)
{
	struct conv c;
	int i, eks = 0, cts = 0;
	size_t l;

	conv_new(&c);
	for (i = 0; i < RATCHET_KEM_MSGS - 1; i++)
		CHECK_INT(send_len(c.a, c.b, i), HDR_PLAIN);
	CHECK_INT(send_len(c.a, c.b, 49), HDR_EK);	/* the 50th */
	CHECK_INT(send_len(c.a, c.b, 50), HDR_PLAIN);
	CHECK_INT(ratchet_kem_steps(c.a), 0);
	/* Bob's chain predates the ek: no ct yet. */
	CHECK_INT(send_len(c.b, c.a, 51), HDR_PLAIN);
	/* Alice's new chain repeats the ek; Bob's step answers it. */
	CHECK_INT(send_len(c.a, c.b, 52), HDR_EK);
	CHECK_INT(ratchet_kem_steps(c.b), 1);
	CHECK_INT(send_len(c.b, c.a, 53), HDR_CT);
	CHECK_INT(send_len(c.b, c.a, 54), HDR_CT);	/* same chain */
	CHECK_INT(ratchet_kem_steps(c.a), 1);
	CHECK_INT(send_len(c.a, c.b, 55), HDR_PLAIN);
	CHECK_INT(send_len(c.b, c.a, 56), HDR_PLAIN);
	CHECK_INT(send_len(c.a, c.b, 57), HDR_PLAIN);

	/* A long conversation: a step at least every 50 sent, each side. */
	for (i = 0; i < 600; i++) {
		l = send_len(i % 3 ? c.a : c.b, i % 3 ? c.b : c.a, i);
		CHECK(l == HDR_PLAIN || l == HDR_EK || l == HDR_CT ||
		    l == HDR_BOTH);
		eks += l == HDR_EK || l == HDR_BOTH;
		cts += l == HDR_CT || l == HDR_BOTH;
	}
	CHECK(eks > 0 && cts > 0);
	/*
	 * Alice sent 400: a step starts at her 50th since the last one and
	 * completes within a few messages (any step resets both counters).
	 */
	CHECK(ratchet_kem_steps(c.a) >= 1 + 400 / 56);
	CHECK(ratchet_kem_steps(c.b) >= 1 + 400 / 56);
	conv_free(&c);
}

/* An hour after the last KEM secret, the next message starts a step. */
static void
test_kem_by_time(void)
{
	int64_t t = (int64_t)time(NULL);
	struct conv c;

	conv_new(&c);
	CHECK_INT(send_len(c.a, c.b, 0), HDR_PLAIN);
	CHECK_INT(send_len(c.b, c.a, 1), HDR_PLAIN);
	ratchet_set_clock(c.a, t + RATCHET_KEM_SECS - 5);
	ratchet_set_clock(c.b, t + RATCHET_KEM_SECS - 5);
	CHECK_INT(send_len(c.a, c.b, 2), HDR_PLAIN);
	ratchet_set_clock(c.a, t + RATCHET_KEM_SECS + 1);
	ratchet_set_clock(c.b, t + RATCHET_KEM_SECS + 1);
	/* Bob's due too: his ek rides with his answer. */
	CHECK_INT(send_len(c.a, c.b, 3), HDR_EK);
	CHECK_INT(send_len(c.b, c.a, 4), HDR_EK);
	CHECK_INT(send_len(c.a, c.b, 5), HDR_BOTH);
	CHECK_INT(send_len(c.b, c.a, 6), HDR_CT);
	CHECK_INT(ratchet_kem_steps(c.a), 2);
	CHECK_INT(ratchet_kem_steps(c.b), 2);
	CHECK_INT(send_len(c.a, c.b, 7), HDR_PLAIN);
	CHECK_INT(send_len(c.b, c.a, 8), HDR_PLAIN);
	/* The clock restarted at the step. */
	ratchet_set_clock(c.a, t + 2 * RATCHET_KEM_SECS);
	CHECK_INT(send_len(c.a, c.b, 9), HDR_PLAIN);
	ratchet_set_clock(c.a, t + 2 * RATCHET_KEM_SECS + 2);
	CHECK_INT(send_len(c.a, c.b, 10), HDR_EK);
	conv_free(&c);
}

/* Serialised length of r. */
static size_t
ser_len(const struct ratchet *r)
{
	uint8_t *buf;
	size_t len;

	if (ratchet_serialize(r, &buf, &len) != 0)
		return 0;
	secret_free(buf, len);
	return len;
}

/* Both sides reloaded at every point of a KEM step. */
static void
test_kem_serialize_midstep(void)
{
	struct conv c;
	size_t before;
	int i;

	conv_new(&c);
	for (i = 0; i < RATCHET_KEM_MSGS - 1; i++)
		CHECK_INT(send_len(c.a, c.b, i), HDR_PLAIN);
	before = ser_len(c.a);
	CHECK_INT(send_len(c.a, c.b, 49), HDR_EK);
	CHECK_INT(ser_len(c.a), before + 2400);	/* dk kept */
	reload(&c.a);
	reload(&c.b);
	CHECK_INT(send_len(c.b, c.a, 50), HDR_PLAIN);
	reload(&c.a);
	reload(&c.b);
	CHECK_INT(send_len(c.a, c.b, 51), HDR_EK);	/* ek survived */
	reload(&c.a);
	reload(&c.b);
	CHECK_INT(send_len(c.b, c.a, 52), HDR_CT);	/* ct survived */
	reload(&c.a);
	reload(&c.b);
	CHECK_INT(send_len(c.b, c.a, 53), HDR_CT);
	/* No ek on Alice's new chains: her dk went with the step. */
	for (i = 54; i < 80; i++) {
		CHECK_INT(send_len(i % 2 ? c.b : c.a, i % 2 ? c.a : c.b, i),
		    HDR_PLAIN);
		reload(&c.a);
		reload(&c.b);
	}
	conv_free(&c);
}

/* A version 1 state (today's data directories) as version 2 would store it. */
static void
to_v1(struct ratchet **r)
{
	struct ratchet *old = NULL;
	uint8_t *buf, *again;
	size_t len, alen;

	CHECK_INT(ratchet_serialize(*r, &buf, &len), 0);
	CHECK_INT(buf[0], 2);
	CHECK_INT(buf[len - SER_KEM_FIXED], 0);	/* no KEM under way */
	buf[0] = 1;
	CHECK_INT(ratchet_deserialize(&old, buf, len - SER_KEM_FIXED), 0);
	CHECK(old != NULL);
	if (old == NULL)
		return;
	/* Stored again: version 2, the same body, step due (time 0). */
	CHECK_INT(ratchet_serialize(old, &again, &alen), 0);
	CHECK_INT(alen, len);
	CHECK_INT(again[0], 2);
	CHECK(memcmp(again + 1, buf + 1, len - SER_KEM_FIXED - 1) == 0);
	CHECK(sodium_is_zero(again + len - SER_KEM_FIXED, SER_KEM_FIXED));
	secret_free(again, alen);
	secret_free(buf, len);
	ratchet_free(*r);
	*r = old;
}

/* Old states load, keep their messages, and switch at their next step. */
static void
test_kem_upgrade(void)
{
	struct msg inflight;
	struct conv c;
	size_t l;
	int i, seen = 0;

	conv_new(&c);
	for (i = 0; i < 6; i++)
		CHECK_INT(send_len(i % 2 ? c.b : c.a, i % 2 ? c.a : c.b, i),
		    HDR_PLAIN);
	CHECK_INT(seal(c.a, &inflight, 100), 0);	/* sent before */
	/* Only Bob's side was upgraded so far: Alice is a fresh v2. */
	to_v1(&c.b);
	CHECK_INT(open_msg(c.b, &inflight), 0);
	/* Bob's step is due at once: his next message has his ek. */
	CHECK_INT(send_len(c.b, c.a, 6), HDR_EK);
	CHECK_INT(send_len(c.a, c.b, 7), HDR_CT);
	CHECK_INT(ratchet_kem_steps(c.b), 1);
	CHECK_INT(send_len(c.b, c.a, 8), HDR_PLAIN);
	/* Now both from version 1, mid-conversation. */
	to_v1(&c.a);
	to_v1(&c.b);
	for (i = 9; i < 20; i++) {
		l = send_len(i % 2 ? c.a : c.b, i % 2 ? c.b : c.a, i);
		CHECK(l != 0);
		seen |= l == HDR_EK ? 1 : l == HDR_BOTH ? 3 : l == HDR_CT ? 2 :
		    0;
	}
	CHECK_INT(seen, 3);
	CHECK(ratchet_kem_steps(c.a) >= 1);
	CHECK(ratchet_kem_steps(c.b) >= 1);
	conv_free(&c);
}

/* Tampered KEM fields are refused and leave the state alone. */
static void
test_kem_tamper(void)
{
	struct conv c;
	struct msg m, t;
	size_t off;
	int i;

	conv_new(&c);
	for (i = 0; i < RATCHET_KEM_MSGS - 1; i++)
		CHECK_INT(send_len(c.a, c.b, i), HDR_PLAIN);
	/* An ek on the current chain. */
	CHECK_INT(seal(c.a, &m, 49), 0);
	CHECK_INT(m.hlen, HDR_EK);
	for (off = RATCHET_HEADER_LEN + 1; off < m.hlen; off += 97) {
		t = m;
		t.hdr[off] ^= 0x10;
		reject(c.b, t.hdr, t.hlen, t.ct, t.len, ad, sizeof ad, 0);
	}
	t = m;
	t.hdr[m.hlen - 1] ^= 1;
	reject(c.b, t.hdr, t.hlen, t.ct, t.len, ad, sizeof ad, 0);
	t = m;
	t.hdr[RATCHET_HEADER_LEN] = 0;		/* no flags */
	reject(c.b, t.hdr, t.hlen, t.ct, t.len, ad, sizeof ad, ERR_PROTO);
	t.hdr[RATCHET_HEADER_LEN] = 0x04;	/* unknown flag */
	reject(c.b, t.hdr, t.hlen, t.ct, t.len, ad, sizeof ad, ERR_PROTO);
	t.hdr[RATCHET_HEADER_LEN] = 0x03;	/* length disagrees */
	reject(c.b, t.hdr, t.hlen, t.ct, t.len, ad, sizeof ad, ERR_PROTO);
	t = m;
	reject(c.b, t.hdr, t.hlen - 1, t.ct, t.len, ad, sizeof ad, ERR_PROTO);
	reject(c.b, t.hdr, RATCHET_HEADER_LEN + 1, t.ct, t.len, ad, sizeof ad,
	    ERR_PROTO);
	reject(c.b, t.hdr, RATCHET_HEADER_LEN, t.ct, t.len, ad, sizeof ad,
	    ERR_AUTH);				/* ek stripped */
	/* An ek with a coefficient >= q fails the modulus check. */
	t.hdr[RATCHET_HEADER_LEN + 1] = 0xff;
	t.hdr[RATCHET_HEADER_LEN + 2] = 0xff;
	reject(c.b, t.hdr, t.hlen, t.ct, t.len, ad, sizeof ad, ERR_PROTO);
	CHECK_INT(open_msg(c.b, &m), 0);

	/* A ct on a DH step. */
	CHECK_INT(send_len(c.b, c.a, 50), HDR_PLAIN);
	CHECK_INT(send_len(c.a, c.b, 51), HDR_EK);
	CHECK_INT(seal(c.b, &m, 52), 0);
	CHECK_INT(m.hlen, HDR_CT);
	for (off = RATCHET_HEADER_LEN + 1; off < m.hlen; off += 89) {
		t = m;
		t.hdr[off] ^= 0x01;
		reject(c.a, t.hdr, t.hlen, t.ct, t.len, ad, sizeof ad,
		    ERR_AUTH);
	}
	t = m;
	reject(c.a, t.hdr, RATCHET_HEADER_LEN, t.ct, t.len, ad, sizeof ad,
	    ERR_AUTH);				/* ct stripped */
	t.hdr[RATCHET_HEADER_LEN] = RATCHET_HDR_EK;	/* ct called an ek */
	reject(c.a, t.hdr, t.hlen, t.ct, t.len, ad, sizeof ad, ERR_PROTO);
	CHECK_INT(ratchet_kem_steps(c.a), 0);
	CHECK_INT(open_msg(c.a, &m), 0);
	CHECK_INT(ratchet_kem_steps(c.a), 1);
	/* Replayed on a fresh state with no dk: an answer to nothing. */
	{
		struct conv o;

		conv_new(&o);
		CHECK_INT(send_len(o.a, o.b, 0), HDR_PLAIN);
		reject(o.a, m.hdr, m.hlen, m.ct, m.len, ad, sizeof ad,
		    ERR_PROTO);
		conv_free(&o);
	}
	conv_free(&c);
}

#define ATK_MSGS	130

/*
 * An attacker who holds the root key at one point and every X25519 secret
 * afterwards (a quantum adversary breaking each ratchet key) follows the
 * message keys exactly until the first KEM step and none after it.
 */
static void
test_kem_pcs(void)
{
	static struct keylog kl;
	static const uint8_t mk_label[16] = "warren/1 ck mk\x01";
	uint8_t pub[ATK_MSGS][32], sk[ATK_MSGS][32], rk[32], dh[32];
	uint8_t okm[64], mk[32], check[32], *buf;
	size_t len, hlen[ATK_MSGS];
	struct conv c;
	struct msg m;
	int i, first_kem = -1, match_before = 0, match_after = 0;

	kl.n = 0;
	conv_new(&c);
	ratchet_set_key_hook(c.a, log_key, &kl);
	ratchet_set_key_hook(c.b, log_key, &kl);
	for (i = 0; i < ATK_MSGS; i++) {
		struct ratchet *from = i % 2 ? c.b : c.a;

		CHECK_INT(seal(from, &m, i), 0);
		memcpy(pub[i], m.hdr, 32);
		hlen[i] = m.hlen;
		CHECK_INT(ratchet_serialize(from, &buf, &len), 0);
		memcpy(sk[i], buf + SER_DHS_SK, 32);
		crypto_scalarmult_base(check, sk[i]);
		CHECK_MEM(check, pub[i], 32);
		if (i == 0)
			memcpy(rk, buf + SER_RK, 32);	/* the compromise */
		secret_free(buf, len);
		CHECK_INT(open_msg(i % 2 ? c.a : c.b, &m), 0);
	}
	CHECK_INT(kl.n, ATK_MSGS);
	for (i = 1; i < ATK_MSGS; i++) {
		if (first_kem < 0 && (hlen[i] == HDR_CT || hlen[i] == HDR_BOTH))
			first_kem = i;
		CHECK_INT(crypto_scalarmult(dh, sk[i], pub[i - 1]), 0);
		CHECK_INT(hkdf_sha256(okm, sizeof okm, rk, 32, dh, 32,
		    (const uint8_t *)"warren/1 root", 13), 0);
		memcpy(rk, okm, 32);
		crypto_generichash_blake2b_salt_personal(mk, 32, NULL, 0,
		    okm + 32, 32, NULL, mk_label);
		if (memcmp(mk, kl.keys[i], 32) == 0) {
			if (first_kem < 0)
				match_before++;
			else
				match_after++;
		}
	}
	/* The ek went out with Alice's 50th; Bob's answer is the next. */
	CHECK_INT(hlen[2 * (RATCHET_KEM_MSGS - 1)], HDR_EK);
	CHECK_INT(first_kem, 2 * (RATCHET_KEM_MSGS - 1) + 1);
	CHECK_INT(match_before, first_kem - 1);	/* the model is right */
	CHECK_INT(match_after, 0);		/* and then locked out */
	conv_free(&c);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_roundtrip);
	RUN(test_pingpong);
	RUN(test_reorder_window);
	RUN(test_skip_bound);
	RUN(test_rejects);
	RUN(test_low_order);
	RUN(test_large_ad);
	RUN(test_serialize_anywhere);
	RUN(test_deserialize_strict);
	RUN(test_unique_keys);
	RUN(test_chain_eviction);
	RUN(test_fifo_eviction);
	RUN(test_kem_by_count);
	RUN(test_kem_by_time);
	RUN(test_kem_serialize_midstep);
	RUN(test_kem_upgrade);
	RUN(test_kem_tamper);
	RUN(test_kem_pcs);
	return TEST_EXIT();
}
