/* base32.c -- RFC 4648 base32 without padding. */
#include "util/base32.h"
#include "util/err.h"

static const char b32_alpha[] = "abcdefghijklmnopqrstuvwxyz234567";

/* Encode. */
void
base32_encode(char *out, const uint8_t *in, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32_alpha[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32_alpha[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

/* Value of one base32 character, or -1. */
static int
b32_val(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/* Decode. */
int
base32_decode(uint8_t *out, size_t cap, const char *in, size_t len)
{
	uint32_t acc = 0;
	int bits = 0, v;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if ((v = b32_val(in[i])) < 0)
			return ERR_INVAL;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= cap)
				return ERR_INVAL;
			out[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		return ERR_INVAL;
	return (int)o;
}
