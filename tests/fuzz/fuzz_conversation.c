/*
 * fuzz_conversation.c -- a scripted Alice/Bob Double Ratchet conversation
 * (src/crypto/ratchet.c) with deterministic randomness. Each input byte
 * pair is a step: send (one, or a burst whose earlier messages are lost),
 * deliver a message in flight (any order, again, or mutated, or under the
 * wrong seq), or persist and reload a side. The associated data is the
 * daemon's: the message's seq, u64 BE (delivery.c).
 *
 * Invariants: a delivered message decrypts to what was sent; nothing
 * decrypts twice; nothing mutated or under the wrong seq decrypts; a
 * failed decrypt leaves the state byte-for-byte unchanged; every state
 * serialises and reloads to the same bytes. Bursts let inputs reach the
 * RATCHET_MAX_SKIP (1,000) skipped-key eviction and, with turns, the
 * retirement of the oldest of RATCHET_MAX_CHAINS (5) receiving chains.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/ratchet.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "fuzz_rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define QLEN		32	/* messages in flight per direction */
#define PT_LEN		24
#define MAX_SENT	2400	/* encrypts per input, to bound the time */

struct msg {
	uint64_t seq;
	uint8_t hdr[RATCHET_HEADER_MAX];
	size_t hlen;
	uint8_t ct[PT_LEN + RATCHET_OVERHEAD];
	int delivered;
};

struct side {
	struct ratchet *r;
	uint64_t seq;		/* next seq to send */
	struct msg q[QLEN];	/* in flight to the other side */
	unsigned int nq;
};

static const uint8_t alice_pk[32] = { 0xa1 }, bob_pk[32] = { 0xb1 };

static void
plaintext(uint8_t pt[PT_LEN], int from_alice, uint64_t seq)
{
	memset(pt, from_alice ? 'A' : 'B', PT_LEN);
	store_be64(pt, seq);
}

/* Serialise, reload, serialise again: the same bytes. */
static void
reload(struct side *s)
{
	struct ratchet *r2;
	uint8_t *a, *b;
	size_t alen, blen;

	if (ratchet_serialize(s->r, &a, &alen) != 0 ||
	    ratchet_deserialize(&r2, a, alen) != 0 ||
	    ratchet_serialize(r2, &b, &blen) != 0 || alen != blen ||
	    memcmp(a, b, alen) != 0)
		abort();
	secret_free(a, alen);
	secret_free(b, blen);
	ratchet_free(s->r);
	s->r = r2;
}

/* Encrypt count messages; keep the last few in flight, the rest are lost. */
static void
send_burst(struct side *s, int from_alice, unsigned int count)
{
	uint8_t pt[PT_LEN], ad[8];
	struct msg *m, lost;
	unsigned int i;

	if (!ratchet_can_send(s->r))
		return;
	for (i = 0; i < count; i++) {
		if (i + QLEN / 4 >= count) {
			if (s->nq == QLEN) {
				memmove(&s->q[0], &s->q[1],
				    (QLEN - 1) * sizeof s->q[0]);
				s->nq--;
			}
			m = &s->q[s->nq++];
		} else
			m = &lost;
		memset(m, 0, sizeof *m);
		m->seq = s->seq++;
		plaintext(pt, from_alice, m->seq);
		store_be64(ad, m->seq);
		if (ratchet_encrypt(s->r, ad, sizeof ad, pt, sizeof pt, m->hdr,
		    &m->hlen, m->ct) != 0)
			abort();
	}
}

/*
 * Deliver message i of from's queue to to. how: 0 as sent, 1 one bit
 * flipped at pos, 2 under the wrong seq.
 */
static void
deliver(struct side *from, struct side *to, int from_alice, unsigned int i,
    int how, unsigned int pos)
{
	uint8_t hdr[RATCHET_HEADER_MAX], ct[PT_LEN + RATCHET_OVERHEAD];
	uint8_t pt[PT_LEN], want[PT_LEN], ad[8], *before, *after;
	size_t blen, alen;
	struct msg *m;
	int rc;

	if (from->nq == 0)
		return;
	m = &from->q[i % from->nq];
	memcpy(hdr, m->hdr, m->hlen);
	memcpy(ct, m->ct, sizeof ct);
	store_be64(ad, m->seq);
	if (how == 1) {
		pos %= m->hlen + sizeof ct;
		if (pos < m->hlen)
			hdr[pos] ^= 0x01;
		else
			ct[pos - m->hlen] ^= 0x01;
	} else if (how == 2)
		store_be64(ad, m->seq + 1 + pos);
	if (ratchet_serialize(to->r, &before, &blen) != 0)
		abort();
	rc = ratchet_decrypt(to->r, ad, sizeof ad, hdr, m->hlen, ct,
	    sizeof ct, pt);
	if (rc == 0) {
		/* Only the untouched message, once, to what was sent. */
		plaintext(want, from_alice, m->seq);
		if (how != 0 || m->delivered || memcmp(pt, want, PT_LEN) != 0)
			abort();
		m->delivered = 1;
	} else {
		if (rc != ERR_AUTH && rc != ERR_SKIP && rc != ERR_DUP &&
		    rc != ERR_PROTO && rc != ERR_CRYPTO)
			abort();
		if (ratchet_serialize(to->r, &after, &alen) != 0 ||
		    alen != blen || memcmp(before, after, blen) != 0)
			abort();
		secret_free(after, alen);
	}
	secret_free(before, blen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int init;
	uint8_t sk[32], bob_sk[32], bob_pub[32];
	struct side a, b, *from, *to;
	unsigned int sent = 0, count;
	size_t pos;
	uint8_t op, arg;
	int fa;

	if (!init) {
		fuzz_rng_init();
		init = 1;
	}
	fuzz_rng_reset();
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(sk, 0x5e, sizeof sk);
	memset(bob_sk, 0x42, sizeof bob_sk);
	crypto_scalarmult_base(bob_pub, bob_sk);
	if (ratchet_init_alice(&a.r, sk, bob_pub, alice_pk, bob_pk) != 0 ||
	    ratchet_init_bob(&b.r, sk, bob_sk, bob_pub, bob_pk,
	    alice_pk) != 0)
		abort();
	for (pos = 0; pos + 1 < len; pos += 2) {
		op = data[pos];
		arg = data[pos + 1];
		fa = !(op & 1);		/* Alice acts (sends, or is the source) */
		from = fa ? &a : &b;
		to = fa ? &b : &a;
		switch ((op >> 1) % 8) {
		case 0:		/* send one */
			if (sent < MAX_SENT) {
				send_burst(from, fa, 1);
				sent++;
			}
			break;
		case 1:		/* a burst: 8 * arg messages, most lost */
			count = 8u * arg + 1;
			if (op & 0x80)
				count = 4u * arg + 100;	/* up to 1,120 */
			if (sent + count <= MAX_SENT) {
				send_burst(from, fa, count);
				sent += count;
			}
			break;
		case 2:		/* deliver */
		case 3:
			deliver(from, to, fa, arg, 0, 0);
			break;
		case 4:		/* deliver the newest */
			deliver(from, to, fa, from->nq ? from->nq - 1 : 0, 0,
			    0);
			break;
		case 5:		/* deliver mutated */
			deliver(from, to, fa, arg & 0x1f, 1, (op >> 4) * 37u +
			    arg);
			break;
		case 6:		/* deliver under the wrong seq */
			deliver(from, to, fa, arg, 2, arg);
			break;
		case 7:		/* persist and reload */
			reload(from);
			break;
		}
	}
	reload(&a);
	reload(&b);
	ratchet_free(a.r);
	ratchet_free(b.r);
	return 0;
}
