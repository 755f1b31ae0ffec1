/*
 * bench_mlkem.c -- ML-KEM-768 operations per second (src/crypto/mlkem.c),
 * best of REPS runs against a busy machine. One line per case:
 *   bench=mlkem impl=warren case=keygen ops_per_s=N n=N
 * Cases: keygen, encaps, decaps (a valid ciphertext) and decaps-reject
 * (a corrupt one: implicit rejection, which must cost the same).
 * Usage: bench_mlkem [-q]; -q runs a tenth of each.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypto/mlkem.h"

int main(int, char **);

#define REPS	3

static uint8_t ek[MLKEM768_EK_LEN], dk[MLKEM768_DK_LEN];
static uint8_t ct[MLKEM768_CT_LEN], bad[MLKEM768_CT_LEN];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
op_keygen(void)
{
	return mlkem768_keypair(ek, dk);
}

static int
op_encaps(void)
{
	uint8_t k[32];

	return mlkem768_encaps(ct, k, ek);
}

static int
op_decaps(void)
{
	uint8_t k[32];

	return mlkem768_decaps(k, ct, dk);
}

static int
op_decaps_reject(void)
{
	uint8_t k[32];

	return mlkem768_decaps(k, bad, dk);
}

static const struct {
	const char *name;
	int (*op)(void);
	size_t n;
} cases[] = {
	{ "keygen", op_keygen, 5000 },
	{ "encaps", op_encaps, 5000 },
	{ "decaps", op_decaps, 5000 },
	{ "decaps-reject", op_decaps_reject, 5000 },
};

int
main(int argc, char **argv)
{
	size_t scale = 1, c, i, n;
	double t, rate, best;
	int rep;

	if (argc > 1 && strcmp(argv[1], "-q") == 0)
		scale = 10;
	if (sodium_init() < 0 || mlkem768_keypair(ek, dk) != 0)
		return 1;
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		n = cases[c].n / scale;
		best = 0;
		for (rep = 0; rep < REPS; rep++) {
			/* Every case starts from a matching ek, dk and ct. */
			if (mlkem768_keypair(ek, dk) != 0 || op_encaps() != 0)
				return 1;
			memcpy(bad, ct, sizeof bad);
			bad[0] ^= 1;
			t = now();
			for (i = 0; i < n; i++) {
				if (cases[c].op() != 0) {
					fprintf(stderr, "%s failed\n",
					    cases[c].name);
					return 1;
				}
			}
			t = now() - t;
			rate = t > 0 ? (double)n / t : 0;
			if (rate > best)
				best = rate;
		}
		printf("bench=mlkem impl=warren case=%s ops_per_s=%.0f n=%zu\n",
		    cases[c].name, best, n);
		fflush(stdout);
	}
	return 0;
}
