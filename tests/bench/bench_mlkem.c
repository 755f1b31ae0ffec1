/*
 * bench_mlkem.c -- ML-KEM-768 operations per second (src/crypto/mlkem.c),
 * best of REPS runs against a busy machine. One line per case:
 *   bench=mlkem impl=warren case=keygen ops_per_s=N n=N
 * Cases: keygen, encaps, decaps (a valid ciphertext) and decaps-reject
 * (a corrupt one: implicit rejection, which must cost the same). Then the
 * whole Noise handshake, both sides in one process (three messages and
 * Split), plain XK against the hybrid XKhfs that warren uses:
 *   bench=noise impl=warren case=handshake-xkhfs hs_per_s=N ms_per_hs=N n=N
 * Usage: bench_mlkem [-q]; -q runs a tenth of each.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypto/mlkem.h"
#include "crypto/noise.h"

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

/* One whole handshake, hybrid or not; both sides here. */
static int
handshake(int hfs)
{
	static uint8_t isk[32], ipk[32], rsk[32], rpk[32];
	static int have_keys;
	uint8_t msg[2048], pay[64], secret[32];
	struct noise_hs *i, *r, *w, *rd;
	struct noise_cs *a, *b, *c, *d;
	size_t len, plen;
	int k, rc = 0;

	if (!have_keys) {
		crypto_box_keypair(ipk, isk);
		crypto_box_keypair(rpk, rsk);
		have_keys = 1;
	}
	i = (hfs ? noise_hs_new_hfs : noise_hs_new)(NOISE_INITIATOR, isk, ipk,
	    rpk, NULL, 0);
	r = (hfs ? noise_hs_new_hfs : noise_hs_new)(NOISE_RESPONDER, rsk, rpk,
	    NULL, NULL, 0);
	for (k = 0; k < 3 && rc == 0; k++) {
		w = k == 1 ? r : i;
		rd = k == 1 ? i : r;
		rc = noise_hs_write(w, NULL, 0, msg, sizeof msg, &len);
		if (rc == 0)
			rc = noise_hs_read(rd, msg, len, pay, sizeof pay, &plen);
	}
	if (rc == 0 && (rc = noise_hs_split(i, &a, &b, secret)) == 0) {
		if ((rc = noise_hs_split(r, &c, &d, secret)) == 0) {
			noise_cs_free(c);
			noise_cs_free(d);
		}
		noise_cs_free(a);
		noise_cs_free(b);
	}
	noise_hs_free(i);
	noise_hs_free(r);
	return rc;
}

static int
op_hs_xk(void)
{
	return handshake(0);
}

static int
op_hs_xkhfs(void)
{
	return handshake(1);
}

static const struct {
	const char *bench, *name;
	int (*op)(void);
	size_t n;
} cases[] = {
	{ "mlkem", "keygen", op_keygen, 5000 },
	{ "mlkem", "encaps", op_encaps, 5000 },
	{ "mlkem", "decaps", op_decaps, 5000 },
	{ "mlkem", "decaps-reject", op_decaps_reject, 5000 },
	{ "noise", "handshake-xk", op_hs_xk, 2000 },
	{ "noise", "handshake-xkhfs", op_hs_xkhfs, 2000 },
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
		if (strcmp(cases[c].bench, "noise") == 0)
			printf("bench=noise impl=warren case=%s hs_per_s=%.0f "
			    "ms_per_hs=%.3f n=%zu\n", cases[c].name, best,
			    best > 0 ? 1000 / best : 0, n);
		else
			printf("bench=mlkem impl=warren case=%s ops_per_s=%.0f "
			    "n=%zu\n", cases[c].name, best, n);
		fflush(stdout);
	}
	return 0;
}
