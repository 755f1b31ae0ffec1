/*
 * shake.h -- SHAKE-128 (FIPS 202) on nettle's exported Keccak-f[1600]
 * permutation (nettle 3.8 has SHA3-256/512 and SHAKE-256, but no
 * SHAKE-128). Absorb any number of times, then squeeze any number of
 * times; absorbing after the first squeeze is a programming error.
 */
#ifndef WARREN_SHAKE_H
#define WARREN_SHAKE_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha3.h>

#define SHAKE128_RATE	168	/* bytes */

struct shake128 {
	struct sha3_state st;
	size_t pos;		/* byte offset into the rate */
	int squeezing;
};

void shake128_init(struct shake128 *);
void shake128_absorb(struct shake128 *, const uint8_t *, size_t);
void shake128_squeeze(struct shake128 *, uint8_t *, size_t);

#endif
