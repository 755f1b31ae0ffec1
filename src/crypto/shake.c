/*
 * shake.c -- SHAKE-128 as a sponge over nettle's sha3_permute. The state
 * is 25 little-endian 64-bit lanes; byte i of the rate is byte i % 8 of
 * lane i / 8. Padding is the SHAKE domain (0x1f) and the final 0x80.
 */
#include <string.h>

#include "crypto/shake.h"

static void
xor_byte(struct sha3_state *st, size_t i, uint8_t b)
{
	st->a[i / 8] ^= (uint64_t)b << (8 * (i % 8));
}

void
shake128_init(struct shake128 *x)
{
	memset(x, 0, sizeof *x);
}

void
shake128_absorb(struct shake128 *x, const uint8_t *in, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		xor_byte(&x->st, x->pos, in[i]);
		if (++x->pos == SHAKE128_RATE) {
			sha3_permute(&x->st);
			x->pos = 0;
		}
	}
}

void
shake128_squeeze(struct shake128 *x, uint8_t *out, size_t len)
{
	size_t i;

	if (!x->squeezing) {
		xor_byte(&x->st, x->pos, 0x1f);
		xor_byte(&x->st, SHAKE128_RATE - 1, 0x80);
		sha3_permute(&x->st);
		x->pos = 0;
		x->squeezing = 1;
	}
	for (i = 0; i < len; i++) {
		if (x->pos == SHAKE128_RATE) {
			sha3_permute(&x->st);
			x->pos = 0;
		}
		out[i] = (uint8_t)(x->st.a[x->pos / 8] >> (8 * (x->pos % 8)));
		x->pos++;
	}
}
