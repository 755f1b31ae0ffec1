/*
 * test_ratchet.c -- the Double Ratchet: round trips, many DH steps, the
 * reordering window and its bound, rejected ciphertexts leaving the state
 * unchanged, serialisation at any point, strict parsing, key uniqueness and
 * the deterministic deletion of skipped keys.
 */
#include <stdint.h>

#include <sodium.h>

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

int main(void);

struct conv {
	struct ratchet *a, *b;
	uint8_t a_pk[32], b_pk[32];
};

struct msg {
	uint8_t hdr[RATCHET_HEADER_LEN];
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
	    strlen(m->text), m->hdr, m->ct);
}

/* Decrypt m and check the text; -1000 if it decrypted to anything else. */
static int
open_msg(struct ratchet *r, const struct msg *m)
{
	uint8_t pt[PT_MAX];
	int rc;

	rc = ratchet_decrypt(r, ad, sizeof ad, m->hdr, m->ct, m->len, pt);
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
	CHECK_INT(ratchet_encrypt(c.a, NULL, 0, NULL, 0, m.hdr, m.ct), 0);
	CHECK_INT(ratchet_decrypt(c.b, NULL, 0, m.hdr, m.ct, RATCHET_OVERHEAD,
	    NULL), 0);
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
reject(struct ratchet *r, const uint8_t *hdr, const uint8_t *ct, size_t len,
    const uint8_t *a, size_t alen, int want)
{
	uint8_t *snap, pt[PT_MAX + RATCHET_OVERHEAD];
	size_t snap_len;
	int rc;

	if (ratchet_serialize(r, &snap, &snap_len) != 0)
		return;
	rc = ratchet_decrypt(r, a, alen, hdr, ct, len, pt);
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
	uint8_t hdr[RATCHET_HEADER_LEN], ct[PT_MAX + RATCHET_OVERHEAD];
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
		reject(c.b, m.hdr, m.ct, m.len - 1, ad, sizeof ad, ERR_AUTH);
		reject(c.b, m.hdr, m.ct, RATCHET_OVERHEAD - 1, ad, sizeof ad,
		    ERR_PROTO);
		reject(c.b, m.hdr, m.ct, 0, ad, sizeof ad, ERR_PROTO);
		reject(c.b, m.hdr, m.ct, m.len, ad, sizeof ad - 1, ERR_AUTH);
		reject(c.b, m.hdr, m.ct, m.len, NULL, 0, ERR_AUTH);
		for (i = 0; i < m.len; i++) {
			memcpy(ct, m.ct, m.len);
			ct[i] ^= (uint8_t)(1 << (i % 8));
			reject(c.b, m.hdr, ct, m.len, ad, sizeof ad, ERR_AUTH);
		}
		for (i = 0; i < RATCHET_HEADER_LEN; i++) {
			memcpy(hdr, m.hdr, sizeof hdr);
			hdr[i] ^= (uint8_t)(1 << (i % 8));
			reject(c.b, hdr, m.ct, m.len, ad, sizeof ad, 0);
		}
		/* Someone else's state, and the sender itself. */
		reject(other.b, m.hdr, m.ct, m.len, ad, sizeof ad, 0);
		reject(c.a, m.hdr, m.ct, m.len, ad, sizeof ad, 0);
		CHECK_INT(open_msg(c.b, &m), 0);
		reject(c.b, m.hdr, m.ct, m.len, ad, sizeof ad, ERR_DUP);
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
			reject(wrong, m.hdr, m.ct, m.len, ad, sizeof ad,
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
	reject(c.b, m.hdr, m.ct, m.len, ad, sizeof ad, ERR_CRYPTO);
	conv_free(&c);
}

/* AD longer than the stack buffer. */
static void
test_large_ad(void)
{
	uint8_t big[1000], hdr[RATCHET_HEADER_LEN], ct[10 + RATCHET_OVERHEAD];
	uint8_t pt[10];
	struct conv c;

	memset(big, 'a', sizeof big);
	conv_new(&c);
	CHECK_INT(ratchet_encrypt(c.a, big, sizeof big,
	    (const uint8_t *)"0123456789", 10, hdr, ct), 0);
	big[999] = 'b';
	reject(c.b, hdr, ct, sizeof ct, big, sizeof big, ERR_AUTH);
	big[999] = 'a';
	CHECK_INT(ratchet_decrypt(c.b, big, sizeof big, hdr, ct, sizeof ct,
	    pt), 0);
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
	CHECK_INT(len, SER_NOLD + 1 + 32 + 2 + 4 * 68);
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
	MUTATE(0, 2);
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
			reject(c.b, early[0].hdr, early[0].ct, early[0].len,
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
	return TEST_EXIT();
}
