/*
 * fuzz_ratchet.c -- ratchet state parsing and decryption. The first byte
 * picks the mode. Odd: the rest is a serialised state; if it parses, it
 * serialises back to the same bytes (a version 1 state: to the same bytes
 * as version 2 with an empty KEM section). 0 mod 4: the rest is the
 * daemon's associated data (the message's seq, u64 BE, as delivery.c
 * passes it; left out when bit 3 of the first byte is set) || header ||
 * ciphertext for a fixed state (built by deserialising fixed bytes); the
 * header is 40 bytes, or with bit 2 set, 41 plus what its KEM flags byte
 * (its byte 40) says; on any failure the state is unchanged, on success it
 * still serialises. 2 mod 4: the rest is k || seq || nonce (24) ||
 * plaintext, sealed here under stored skipped key k of the fixed state's
 * old chain: it must decrypt once (the key is then removed) and never
 * again, and a flipped bit must not decrypt.
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

/*
 * Seal pt as message k (0 or 1) of the fixed state's old chain with the
 * stored skipped key (0x90 + k), exactly as ratchet_encrypt would: nonce
 * || XChaCha20-Poly1305 under AD "warren/1 " || Alice || Bob || header ||
 * seq. It decrypts once, then never again; a flipped bit never does.
 */
static void
skipped_key(struct ratchet *r, const uint8_t *d, size_t n)
{
	uint8_t hdr[RATCHET_HEADER_LEN], mk[32], old[32], ad[9 + 64 + 40 + 8];
	uint8_t *ct, *pt;
	size_t ptlen, ctlen;
	unsigned int k;
	int rc;

	if (n < 1 + 8 + 24)
		return;
	k = d[0] & 1;
	ptlen = n - 1 - 8 - 24;
	memset(old, 0x55, 32);
	crypto_scalarmult_base(old, old);
	memcpy(hdr, old, 32);
	store_be32(hdr + 32, 0);
	store_be32(hdr + 36, k);
	memset(mk, (int)(0x90 + k), 32);
	memcpy(ad, "warren/1 ", 9);
	memset(ad + 9, 0xa1, 32);
	memset(ad + 9 + 32, 0xb1, 32);
	memcpy(ad + 9 + 64, hdr, 40);
	memcpy(ad + 9 + 64 + 40, d + 1, 8);
	ctlen = 24 + ptlen + 16;
	ct = xmalloc(ctlen);
	pt = xmalloc(ptlen + 1);
	memcpy(ct, d + 9, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct + 24, NULL, d + 33,
	    ptlen, ad, sizeof ad, NULL, ct, mk);
	/* A flipped bit (chosen by the plaintext's length) never opens. */
	ct[ptlen % ctlen] ^= 0x01;
	if (ratchet_decrypt(r, d + 1, 8, hdr, RATCHET_HEADER_LEN, ct, ctlen,
	    pt) == 0)
		abort();
	ct[ptlen % ctlen] ^= 0x01;
	rc = ratchet_decrypt(r, d + 1, 8, hdr, RATCHET_HEADER_LEN, ct, ctlen,
	    pt);
	if (rc != 0 || memcmp(pt, d + 33, ptlen) != 0)
		abort();
	if (ratchet_decrypt(r, d + 1, 8, hdr, RATCHET_HEADER_LEN, ct, ctlen,
	    pt) == 0)
		abort();
	free(ct);
	free(pt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t fixed[1024];
	struct ratchet *r = NULL;
	uint8_t *before, *after, *out;
	size_t flen, blen, alen, adlen, hlen = RATCHET_HEADER_LEN;
	const uint8_t *h;
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
	if ((data[0] & 3) == 2)
		skipped_key(r, data + 1, len - 1);
	else if (len - 1 >= (adlen = (data[0] & 8) ? 0 : 8) + hlen) {
		h = data + 1 + adlen;
		if ((data[0] & 4) && len - 1 > adlen + RATCHET_HEADER_LEN) {
			hlen++;
			if (h[RATCHET_HEADER_LEN] & RATCHET_HDR_EK)
				hlen += 1184;
			if (h[RATCHET_HEADER_LEN] & RATCHET_HDR_CT)
				hlen += 1088;
		}
		if (len - 1 < adlen + hlen)
			goto done;
		alen = len - 1 - adlen - hlen;
		out = xmalloc(alen + 1);
		rc = ratchet_decrypt(r, adlen ? data + 1 : NULL, adlen, h, hlen,
		    h + hlen, alen, out);
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
done:
	secret_free(before, blen);
	ratchet_free(r);
	return 0;
}
