/*
 * test_mlkem.c -- ML-KEM-768 against tests/unit/data/mlkem768/ (full0.txt:
 * one whole vector; vectors.txt: 100 vectors by hash; the 10,000-test
 * accumulated hash of its README), the modulus check of ek at every
 * coefficient, the hash check of dk, and SHAKE-128.
 */
#include "config.h"

#include <stdint.h>

#include <nettle/sha3.h>
#include <sodium.h>

#include "crypto/mlkem.h"
#include "crypto/shake.h"
#include "test.h"

#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

int main(void);

#define DATA_DIR	"tests/unit/data/mlkem768"
#define Q		3329
#define EK		MLKEM768_EK_LEN
#define DK		MLKEM768_DK_LEN
#define CT		MLKEM768_CT_LEN

static FILE *
open_data(const char *name)
{
	char path[4096];
	const char *srcdir;
	FILE *f;

	if ((srcdir = getenv("srcdir")) == NULL)
		srcdir = ".";
	snprintf(path, sizeof path, "%s/%s/%s", srcdir, DATA_DIR, name);
	if ((f = fopen(path, "r")) == NULL)
		fprintf(stderr, "  cannot open %s\n", path);
	return f;
}

static void
sha3_256(uint8_t out[32], const uint8_t *in, size_t len)
{
	struct sha3_256_ctx h;

	sha3_256_init(&h);
	sha3_256_update(&h, len, in);
	sha3_256_digest(&h, 32, out);
}

/* Read one hex field: exactly len bytes. */
static int
hexfield(uint8_t *out, size_t len, const char *hex)
{
	return strlen(hex) == 2 * len && test_unhex(out, len, hex) == len;
}

/* The SHAKE-128 stream of the empty string, across block boundaries. */
static void
test_shake128(void)
{
	struct shake128 x, y;
	uint8_t a[400], b[400], want[16];
	size_t i;

	shake128_init(&x);
	shake128_squeeze(&x, a, sizeof a);
	test_unhex(want, sizeof want, "7f9c2ba4e88f827d616045507605853e");
	CHECK_MEM(a, want, 16);
	/* Squeezed in odd pieces, the stream is the same. */
	shake128_init(&y);
	for (i = 0; i < sizeof b; i += 7)
		shake128_squeeze(&y, b + i, sizeof b - i < 7 ? sizeof b - i : 7);
	CHECK_MEM(a, b, sizeof a);
	/* Absorbed in one piece or in many, the digest is the same. */
	shake128_init(&x);
	shake128_absorb(&x, a, sizeof a);
	shake128_squeeze(&x, want, sizeof want);
	shake128_init(&y);
	for (i = 0; i < sizeof a; i++)
		shake128_absorb(&y, a + i, 1);
	shake128_squeeze(&y, b, 16);
	CHECK_MEM(want, b, 16);
}

/* full0.txt: every byte of ek, dk, ct, k and the rejection key. */
static void
test_full_vector(void)
{
	static uint8_t d[32], z[32], m[32], ek[EK], dk[DK], ct[CT], k[32];
	static uint8_t bad[CT], krej[32], ek2[EK], dk2[DK], ct2[CT], k2[32];
	char line[8192], *key, *hex;
	unsigned int fields = 0;
	FILE *f;

	if ((f = open_data("full0.txt")) == NULL) {
		CHECK(0);
		return;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((hex = strchr(line, ' ')) == NULL)
			continue;
		*hex++ = '\0';
		key = line;
#define FIELD(name, buf, bit)						\
		if (strcmp(key, name) == 0 && hexfield(buf, sizeof buf, hex)) \
			fields |= bit
		FIELD("d", d, 0x001);
		FIELD("z", z, 0x002);
		FIELD("m", m, 0x004);
		FIELD("ek", ek, 0x008);
		FIELD("dk", dk, 0x010);
		FIELD("ct", ct, 0x020);
		FIELD("k", k, 0x040);
		FIELD("bad_ct", bad, 0x080);
		FIELD("k_reject", krej, 0x100);
#undef FIELD
	}
	fclose(f);
	CHECK_INT(fields, 0x1ff);

	CHECK_INT(mlkem768_keypair_derand(ek2, dk2, d, z), 0);
	CHECK_MEM(ek2, ek, EK);
	CHECK_MEM(dk2, dk, DK);
	CHECK_INT(mlkem768_encaps_derand(ct2, k2, ek, m), 0);
	CHECK_MEM(ct2, ct, CT);
	CHECK_MEM(k2, k, 32);
	memset(k2, 0, sizeof k2);
	CHECK_INT(mlkem768_decaps(k2, ct, dk), 0);
	CHECK_MEM(k2, k, 32);
	CHECK_INT(mlkem768_decaps(k2, bad, dk), 0);
	CHECK_MEM(k2, krej, 32);
}

/* vectors.txt: 100 vectors, ek/dk/ct/bad_ct by SHA3-256. */
static void
test_vectors(void)
{
	static uint8_t ek[EK], dk[DK], ct[CT], bad[CT];
	uint8_t d[32], z[32], m[32], hek[32], hdk[32], hct[32], k[32];
	uint8_t hbad[32], krej[32], got[32];
	char line[1024], f[10][80];
	unsigned int idx, n = 0, bad_lines = 0;
	struct shake128 rng;
	FILE *fp;

	if ((fp = open_data("vectors.txt")) == NULL) {
		CHECK(0);
		return;
	}
	/* bad_ct is not stored, only its hash: it comes from the stream. */
	shake128_init(&rng);
	while (fgets(line, sizeof line, fp) != NULL) {
		if (sscanf(line, "%u %79s %79s %79s %79s %79s %79s %79s %79s %79s",
		    &idx, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],
		    f[8]) != 10 || idx != n ||
		    !hexfield(d, 32, f[0]) || !hexfield(z, 32, f[1]) ||
		    !hexfield(m, 32, f[2]) || !hexfield(hek, 32, f[3]) ||
		    !hexfield(hdk, 32, f[4]) || !hexfield(hct, 32, f[5]) ||
		    !hexfield(k, 32, f[6]) || !hexfield(hbad, 32, f[7]) ||
		    !hexfield(krej, 32, f[8])) {
			bad_lines++;
			break;
		}
		shake128_squeeze(&rng, got, 32);
		CHECK_MEM(got, d, 32);
		shake128_squeeze(&rng, got, 32);
		CHECK_MEM(got, z, 32);
		shake128_squeeze(&rng, got, 32);
		CHECK_MEM(got, m, 32);
		shake128_squeeze(&rng, bad, CT);
		sha3_256(got, bad, CT);
		CHECK_MEM(got, hbad, 32);

		CHECK_INT(mlkem768_keypair_derand(ek, dk, d, z), 0);
		sha3_256(got, ek, EK);
		CHECK_MEM(got, hek, 32);
		sha3_256(got, dk, DK);
		CHECK_MEM(got, hdk, 32);
		CHECK_INT(mlkem768_encaps_derand(ct, got, ek, m), 0);
		CHECK_MEM(got, k, 32);
		sha3_256(got, ct, CT);
		CHECK_MEM(got, hct, 32);
		CHECK_INT(mlkem768_decaps(got, ct, dk), 0);
		CHECK_MEM(got, k, 32);
		CHECK_INT(mlkem768_decaps(got, bad, dk), 0);
		CHECK_MEM(got, krej, 32);
		n++;
	}
	fclose(fp);
	CHECK_INT(bad_lines, 0);
	CHECK_INT(n, 100);
}

/* The README's accumulated test: 10,000 vectors from one SHAKE-128. */
static void
test_accumulated(void)
{
	static uint8_t ek[EK], dk[DK], ct[CT], bad[CT];
	uint8_t dzm[96], k[32], k2[32], krej[32], got[32], want[32];
	struct shake128 rng, acc;
	unsigned int i, mismatch = 0;

	shake128_init(&rng);
	shake128_init(&acc);
	for (i = 0; i < 10000; i++) {
		shake128_squeeze(&rng, dzm, sizeof dzm);
		shake128_squeeze(&rng, bad, CT);
		mlkem768_keypair_derand(ek, dk, dzm, dzm + 32);
		if (mlkem768_encaps_derand(ct, k, ek, dzm + 64) != 0 ||
		    mlkem768_decaps(k2, ct, dk) != 0 ||
		    mlkem768_decaps(krej, bad, dk) != 0)
			mismatch++;
		mismatch += memcmp(k, k2, 32) != 0;
		shake128_absorb(&acc, ek, EK);
		shake128_absorb(&acc, dk, DK);
		shake128_absorb(&acc, ct, CT);
		shake128_absorb(&acc, k, 32);
		shake128_absorb(&acc, krej, 32);
	}
	shake128_squeeze(&acc, got, 32);
	test_unhex(want, 32, "f959d18d3d1180121433bf0e05f11e79"
	    "08cf9d03edc150b2b07cb90bef5bc1c1");
	CHECK_INT(mismatch, 0);
	CHECK_MEM(got, want, 32);
}

/* Set the 12-bit coefficient at position pos (0..767) of ek. */
static void
set12(uint8_t *ek, unsigned int pos, unsigned int v)
{
	uint8_t *p = ek + pos / 2 * 3;

	if (pos % 2 == 0) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)((p[1] & 0xf0) | (v >> 8));
	} else {
		p[1] = (uint8_t)((p[1] & 0x0f) | ((v & 0x0f) << 4));
		p[2] = (uint8_t)(v >> 4);
	}
}

/*
 * The modulus check: at every one of the 768 positions, q, 4095 and a
 * value between (all of q..4095 across the positions) are refused, with
 * ct and k untouched; q - 1 and 0 are accepted.
 */
static void
test_modulus_check(void)
{
	static uint8_t ek[EK], dk[DK], t[EK], ct[CT], ct0[CT];
	uint8_t d[32], z[32], m[32], k[32], k0[32];
	unsigned int pos, i, refused = 0, accepted = 0;
	unsigned int bad[3];

	memset(d, 1, sizeof d);
	memset(z, 2, sizeof z);
	memset(m, 3, sizeof m);
	mlkem768_keypair_derand(ek, dk, d, z);
	CHECK_INT(mlkem768_encaps_derand(ct, k, ek, m), 0);
	memset(ct0, 0xaa, sizeof ct0);
	memset(k0, 0xbb, sizeof k0);
	for (pos = 0; pos < 768; pos++) {
		bad[0] = Q;
		bad[1] = 4095;
		bad[2] = Q + pos % (4096 - Q);
		for (i = 0; i < 3; i++) {
			memcpy(t, ek, EK);
			set12(t, pos, bad[i]);
			memcpy(ct, ct0, CT);
			memcpy(k, k0, 32);
			if (mlkem768_encaps_derand(ct, k, t, m) == -1 &&
			    memcmp(ct, ct0, CT) == 0 && memcmp(k, k0, 32) == 0)
				refused++;
			else
				fprintf(stderr, "  pos %u value %u accepted\n",
				    pos, bad[i]);
		}
		memcpy(t, ek, EK);
		set12(t, pos, Q - 1);
		accepted += mlkem768_encaps_derand(ct, k, t, m) == 0;
		set12(t, pos, 0);
		accepted += mlkem768_encaps_derand(ct, k, t, m) == 0;
	}
	CHECK_INT(refused, 3 * 768);
	CHECK_INT(accepted, 2 * 768);
	/* rho (the last 32 bytes) is not checked: any value is fine. */
	memcpy(t, ek, EK);
	memset(t + EK - 32, 0xff, 32);
	CHECK_INT(mlkem768_encaps_derand(ct, k, t, m), 0);
}

/* Random keys round trip; a changed ct or a corrupt dk is caught. */
static void
test_roundtrip(void)
{
	static uint8_t ek[EK], dk[DK], ct[CT];
	uint8_t k[32], k2[32], k3[32];
	unsigned int i;

	for (i = 0; i < 20; i++) {
		CHECK_INT(mlkem768_keypair(ek, dk), 0);
		CHECK_INT(mlkem768_encaps(ct, k, ek), 0);
		CHECK_INT(mlkem768_decaps(k2, ct, dk), 0);
		CHECK_MEM(k, k2, 32);
		ct[i * 53 % CT] ^= (uint8_t)(1 << (i % 8));
		CHECK_INT(mlkem768_decaps(k3, ct, dk), 0);
		CHECK(memcmp(k, k3, 32) != 0);
	}
	/* The hash check: ek inside dk no longer hashes to H(ek). */
	dk[1152 + 100] ^= 1;
	CHECK_INT(mlkem768_decaps(k3, ct, dk), -1);
	dk[1152 + 100] ^= 1;
	dk[2336] ^= 1;
	CHECK_INT(mlkem768_decaps(k3, ct, dk), -1);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_shake128);
	RUN(test_full_vector);
	RUN(test_vectors);
	RUN(test_modulus_check);
	RUN(test_roundtrip);
	/* Minutes under valgrind (scripts/test): make check runs it. */
	if (RUNNING_ON_VALGRIND)
		printf("ok - test_accumulated # SKIP under valgrind\n");
	else
		RUN(test_accumulated);
	return TEST_EXIT();
}
