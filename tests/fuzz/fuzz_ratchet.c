/*
 * fuzz_ratchet.c -- ratchet state parsing and decryption. The first byte
 * picks the mode. Odd: the rest is a serialised state; if it parses, it
 * serialises back to the same bytes (a version 1 state: to the same bytes
 * as version 2 with an empty KEM section). Even: the rest is header ||
 * ciphertext for a fixed state (built by deserialising fixed bytes); the
 * header is 40 bytes, or with bit 1 of the first byte set, 41 plus what
 * its KEM flags byte (its byte 40) says; on any failure the state is
 * unchanged, on success it still serialises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/ratchet.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Bob's side of a fixed conversation (version 1 layout): all chains, Alice's
 * ratchet key is 0x44.., nr = 3 with skipped keys 0 and 1, one old chain.
 * Alice's matching state (for the seed corpus) swaps the roles.
 */
size_t fuzz_ratchet_state(uint8_t *out, int alice);

/* Build the serialised fixed state into out (>= 1024 bytes). */
size_t
fuzz_ratchet_state(uint8_t *out, int alice)
{
	uint8_t bob_sk[32], bob_pk[32], al_sk[32], al_pk[32], *p = out;
	uint8_t old[32];
	uint32_t k;

	memset(bob_sk, 0x33, 32);
	crypto_scalarmult_base(bob_pk, bob_sk);
	memset(al_sk, 0x44, 32);
	crypto_scalarmult_base(al_pk, al_sk);
	memset(old, 0x55, 32);
	crypto_scalarmult_base(old, old);

	*p++ = 1;				/* version */
	*p++ = alice ? 0x03 : 0x07;		/* dhr, cks (, ckr) */
	memset(p, alice ? 0xa1 : 0xb1, 32), p += 32;	/* self ed pk */
	memset(p, alice ? 0xb1 : 0xa1, 32), p += 32;	/* peer ed pk */
	memcpy(p, alice ? al_sk : bob_sk, 32), p += 32;
	memcpy(p, alice ? al_pk : bob_pk, 32), p += 32;
	memcpy(p, alice ? bob_pk : al_pk, 32), p += 32;	/* dhr */
	memset(p, 0x66, 32), p += 32;			/* rk */
	memset(p, alice ? 0x77 : 0x88, 32), p += 32;	/* cks */
	if (alice)
		memset(p, 0, 32), p += 32;		/* no ckr */
	else
		memset(p, 0x77, 32), p += 32;	/* ckr: Alice's cks */
	store_be32(p, alice ? 0 : 5), p += 4;		/* ns */
	store_be32(p, 0), p += 4;			/* nr */
	store_be32(p, 0), p += 4;			/* pn */
	if (alice) {
		*p++ = 0;
		store_be16(p, 0), p += 2;
		return (size_t)(p - out);
	}
	/* Bob: nr stays 0 here; the old chain holds two skipped keys. */
	*p++ = 1;
	memcpy(p, old, 32), p += 32;
	store_be16(p, 2), p += 2;
	for (k = 0; k < 2; k++) {
		memcpy(p, old, 32), p += 32;
		store_be32(p, k), p += 4;
		memset(p, (int)(0x90 + k), 32), p += 32;
	}
	return (size_t)(p - out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t fixed[1024];
	struct ratchet *r = NULL;
	uint8_t *before, *after, *out;
	size_t flen, blen, alen, hlen = RATCHET_HEADER_LEN;
	int rc;

	if (len < 1 || len > 200000 || sodium_init() < 0)
		return 0;
	if (data[0] & 1) {
		if (ratchet_deserialize(&r, data + 1, len - 1) != 0)
			return 0;
		if (ratchet_serialize(r, &after, &alen) != 0)
			abort();
		if (data[1] == 1) {
			/* Upgraded: v2, the same body, a 45-byte KEM tail. */
			if (after[0] != 2 || alen != len - 1 + 45 ||
			    memcmp(after + 1, data + 2, len - 2) != 0 ||
			    after[len - 1] != 0)
				abort();
		} else if (alen != len - 1 || memcmp(after, data + 1, alen) != 0)
			abort();
		secret_free(after, alen);
		ratchet_free(r);
		return 0;
	}

	flen = fuzz_ratchet_state(fixed, 0);
	if (ratchet_deserialize(&r, fixed, flen) != 0 ||
	    ratchet_serialize(r, &before, &blen) != 0)
		abort();
	if ((data[0] & 2) && len - 1 > RATCHET_HEADER_LEN) {
		hlen++;
		if (data[1 + RATCHET_HEADER_LEN] & RATCHET_HDR_EK)
			hlen += 1184;
		if (data[1 + RATCHET_HEADER_LEN] & RATCHET_HDR_CT)
			hlen += 1088;
	}
	if (len - 1 >= hlen) {
		alen = len - 1 - hlen;
		out = xmalloc(alen + 1);
		rc = ratchet_decrypt(r, NULL, 0, data + 1, hlen,
		    data + 1 + hlen, alen, out);
		free(out);
		if (ratchet_serialize(r, &after, &alen) != 0)
			abort();
		if (rc != 0 && (alen != blen ||
		    memcmp(before, after, blen) != 0))
			abort();
		if (rc != 0 && rc != ERR_AUTH && rc != ERR_SKIP &&
		    rc != ERR_DUP && rc != ERR_PROTO && rc != ERR_CRYPTO)
			abort();
		secret_free(after, alen);
	}
	secret_free(before, blen);
	ratchet_free(r);
	return 0;
}
