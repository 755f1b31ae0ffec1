/*
 * safety.c -- safety numbers from two Ed25519 identity keys (see safety.h).
 * The construction follows the idea of Signal's numeric fingerprints: an
 * iterated hash per key makes a collision search 5200 times dearer, and
 * sorting the halves makes both sides show the same digits.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "crypto/safety.h"
#include "util/bytes.h"
#include "util/err.h"

#define SAFETY_DOMAIN	"warren/1 safety"

/* One key's 30 digits. */
int
safety_half(char out[SAFETY_HALF_LEN + 1], const uint8_t pk[32])
{
	crypto_hash_sha512_state st;
	uint8_t h[crypto_hash_sha512_BYTES], ver[2];
	uint64_t v;
	int i, r = ERR_CRYPTO;

	store_be16(ver, SAFETY_VERSION);
	if (crypto_hash_sha512_init(&st) != 0 ||
	    crypto_hash_sha512_update(&st, (const uint8_t *)SAFETY_DOMAIN,
	    sizeof SAFETY_DOMAIN - 1) != 0 ||
	    crypto_hash_sha512_update(&st, ver, sizeof ver) != 0 ||
	    crypto_hash_sha512_update(&st, pk, 32) != 0 ||
	    crypto_hash_sha512_update(&st, pk, 32) != 0 ||
	    crypto_hash_sha512_final(&st, h) != 0)
		goto out;
	for (i = 1; i < SAFETY_ITERATIONS; i++) {
		if (crypto_hash_sha512_init(&st) != 0 ||
		    crypto_hash_sha512_update(&st, h, sizeof h) != 0 ||
		    crypto_hash_sha512_update(&st, pk, 32) != 0 ||
		    crypto_hash_sha512_final(&st, h) != 0)
			goto out;
	}
	for (i = 0; i < SAFETY_HALF_LEN / SAFETY_GROUP_LEN; i++) {
		v = ((uint64_t)h[i * 5] << 32) | load_be32(h + i * 5 + 1);
		snprintf(out + i * SAFETY_GROUP_LEN, SAFETY_GROUP_LEN + 1,
		    "%05u", (unsigned int)(v % 100000));
	}
	r = 0;
out:
	if (r != 0)
		memset(out, 0, SAFETY_HALF_LEN + 1);
	return r;
}

/* Both halves, the smaller first. */
int
safety_number(char out[SAFETY_LEN + 1], const uint8_t a[32],
    const uint8_t b[32])
{
	char ha[SAFETY_HALF_LEN + 1], hb[SAFETY_HALF_LEN + 1];
	int r;

	memset(out, 0, SAFETY_LEN + 1);
	if ((r = safety_half(ha, a)) != 0 || (r = safety_half(hb, b)) != 0)
		return r;
	if (strcmp(ha, hb) <= 0) {
		memcpy(out, ha, SAFETY_HALF_LEN);
		memcpy(out + SAFETY_HALF_LEN, hb, SAFETY_HALF_LEN);
	} else {
		memcpy(out, hb, SAFETY_HALF_LEN);
		memcpy(out + SAFETY_HALF_LEN, ha, SAFETY_HALF_LEN);
	}
	out[SAFETY_LEN] = '\0';
	return 0;
}
