/*
 * fuzz_mlkem.c -- ML-KEM-768 on hostile input. The first byte picks the
 * mode, the rest (cut or zero-padded to length) is:
 *   0  an encapsulation key: encaps refuses it exactly when a 12-bit
 *      coefficient is >= q (checked here independently), and then leaves
 *      ct and k alone;
 *   1  a ciphertext for a fixed key pair (that of the reference vector
 *      full0.txt): decaps succeeds, deterministically, and gives the
 *      encapsulated key only for the genuine ciphertext;
 *   2  a decapsulation key, with a fixed ciphertext: decaps refuses it
 *      exactly when its H(ek) is not the hash of its ek.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha3.h>

#include "crypto/mlkem.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define EK	MLKEM768_EK_LEN
#define DK	MLKEM768_DK_LEN
#define CT	MLKEM768_CT_LEN

/* d, z and m of tests/unit/data/mlkem768/full0.txt. */
static const uint8_t seed_d[32] = {
	0x7f, 0x9c, 0x2b, 0xa4, 0xe8, 0x8f, 0x82, 0x7d, 0x61, 0x60, 0x45,
	0x50, 0x76, 0x05, 0x85, 0x3e, 0xd7, 0x3b, 0x80, 0x93, 0xf6, 0xef,
	0xbc, 0x88, 0xeb, 0x1a, 0x6e, 0xac, 0xfa, 0x66, 0xef, 0x26,
};
static const uint8_t seed_z[32] = {
	0x3c, 0xb1, 0xee, 0xa9, 0x88, 0x00, 0x4b, 0x93, 0x10, 0x3c, 0xfb,
	0x0a, 0xee, 0xfd, 0x2a, 0x68, 0x6e, 0x01, 0xfa, 0x4a, 0x58, 0xe8,
	0xa3, 0x63, 0x9c, 0xa8, 0xa1, 0xe3, 0xf9, 0xae, 0x57, 0xe2,
};
static const uint8_t seed_m[32] = {
	0x35, 0xb8, 0xcc, 0x87, 0x3c, 0x23, 0xdc, 0x62, 0xb8, 0xd2, 0x60,
	0x16, 0x9a, 0xfa, 0x2f, 0x75, 0xab, 0x91, 0x6a, 0x58, 0xd9, 0x74,
	0x91, 0x88, 0x35, 0xd2, 0x5e, 0x6a, 0x43, 0x50, 0x85, 0xb2,
};

static void
fill(uint8_t *out, size_t len, const uint8_t *in, size_t n)
{
	memset(out, 0, len);
	memcpy(out, in, n < len ? n : len);
}

static void
mode_ek(const uint8_t *in, size_t n)
{
	static uint8_t ek[EK], ct[CT];
	uint8_t k[32];
	size_t i;
	unsigned int v, valid = 1;
	int r;

	fill(ek, EK, in, n);
	for (i = 0; i < 384 * 3; i += 3) {
		v = ek[i] | (ek[i + 1] & 0x0fu) << 8;
		valid &= v < 3329;
		v = ek[i + 1] >> 4 | (unsigned int)ek[i + 2] << 4;
		valid &= v < 3329;
	}
	memset(ct, 0xa5, CT);
	memset(k, 0x5a, sizeof k);
	r = mlkem768_encaps_derand(ct, k, ek, seed_m);
	if (r != (valid ? 0 : -1))
		abort();
	if (!valid && (ct[0] != 0xa5 || ct[CT - 1] != 0xa5 || k[0] != 0x5a))
		abort();
}

static void
mode_ct(const uint8_t *in, size_t n)
{
	static uint8_t ek[EK], dk[DK], ct[CT], good[CT];
	uint8_t k[32], k2[32], kg[32];

	mlkem768_keypair_derand(ek, dk, seed_d, seed_z);
	if (mlkem768_encaps_derand(good, kg, ek, seed_m) != 0)
		abort();
	fill(ct, CT, in, n);
	if (mlkem768_decaps(k, ct, dk) != 0 ||
	    mlkem768_decaps(k2, ct, dk) != 0 || memcmp(k, k2, 32) != 0)
		abort();
	if ((memcmp(ct, good, CT) == 0) != (memcmp(k, kg, 32) == 0))
		abort();
}

static void
mode_dk(const uint8_t *in, size_t n)
{
	static uint8_t dk[DK], ct[CT];
	struct sha3_256_ctx h;
	uint8_t k[32], hash[32];
	int r;

	fill(dk, DK, in, n);
	memset(ct, 0x11, CT);
	sha3_256_init(&h);
	sha3_256_update(&h, EK, dk + 1152);
	sha3_256_digest(&h, 32, hash);
	r = mlkem768_decaps(k, ct, dk);
	if (r != (memcmp(hash, dk + 1152 + EK, 32) == 0 ? 0 : -1))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		mode_ek(data + 1, size - 1);
		break;
	case 1:
		mode_ct(data + 1, size - 1);
		break;
	default:
		mode_dk(data + 1, size - 1);
		break;
	}
	return 0;
}
