/*
 * test_mlkem_ct.c -- ML-KEM-768 is constant time (the ctgrind technique):
 * every secret input (d, z, m, the secret half of dk, and the ciphertext
 * given to decaps) is marked undefined for valgrind's memcheck, so a
 * branch or a memory index that depends on it is reported as a use of an
 * uninitialised value. Built from mlkem.c with MLKEM_CTGRIND, which marks
 * rho (public, part of ek) defined again once derived.
 *
 * Run alone it only checks the results; tests/unit/mlkem_ct.sh runs it
 * under valgrind (so does scripts/test's valgrind stage), and runs it with
 * --leak, a deliberate secret-dependent branch and table lookup, to show
 * that valgrind does catch those.
 */
#include <stdint.h>

#include <sodium.h>
#include <valgrind/memcheck.h>

#include "crypto/mlkem.h"
#include "test.h"

int main(int, char **);

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

#define ROUNDS	3

static uint8_t ek[MLKEM768_EK_LEN], dk[MLKEM768_DK_LEN];
static uint8_t ct[MLKEM768_CT_LEN];

/* Secret d and z: ek is public afterwards, dk stays secret. */
static void
test_keygen(void)
{
	uint8_t d[32], z[32];
	int i;

	for (i = 0; i < ROUNDS; i++) {
		randombytes_buf(d, sizeof d);
		randombytes_buf(z, sizeof z);
		SECRET(d, sizeof d);
		SECRET(z, sizeof z);
		CHECK_INT(mlkem768_keypair_derand(ek, dk, d, z), 0);
		PUBLIC(ek, sizeof ek);
		PUBLIC(dk, sizeof dk);
	}
}

/* Secret m: ct is public afterwards, k secret. */
static void
test_encaps(void)
{
	uint8_t m[32], k[32], k2[32];
	int i;

	for (i = 0; i < ROUNDS; i++) {
		randombytes_buf(m, sizeof m);
		SECRET(m, sizeof m);
		CHECK_INT(mlkem768_encaps_derand(ct, k, ek, m), 0);
		PUBLIC(ct, sizeof ct);
		PUBLIC(k, sizeof k);
		CHECK_INT(mlkem768_decaps(k2, ct, dk), 0);
		CHECK_MEM(k, k2, 32);
	}
}

/*
 * Secret s and z in dk (its ek and H(ek) are public: the hash check reads
 * them), and even the ciphertext: a valid one and a corrupt one (implicit
 * rejection) must take the same path.
 */
static void
test_decaps(void)
{
	uint8_t k[32], k2[32], kbad[32], c[MLKEM768_CT_LEN];
	int i;

	CHECK_INT(mlkem768_encaps(ct, k, ek), 0);
	for (i = 0; i < ROUNDS; i++) {
		memcpy(c, ct, sizeof c);
		if (i > 0)
			c[i * 101] ^= 0x10;
		SECRET(dk, 1152);
		SECRET(dk + 2368, 32);
		SECRET(c, sizeof c);
		CHECK_INT(mlkem768_decaps(i > 0 ? kbad : k2, c, dk), 0);
		PUBLIC(dk, sizeof dk);
		PUBLIC(k2, sizeof k2);
		PUBLIC(kbad, sizeof kbad);
	}
	CHECK_MEM(k, k2, 32);
	CHECK(memcmp(k, kbad, 32) != 0);
}

/* What the test must catch: a branch and an index on a secret. */
static int
leak(void)
{
	static const uint8_t table[256] = { 1 };
	uint8_t s[2];
	int r = 0;

	randombytes_buf(s, sizeof s);
	SECRET(s, sizeof s);
	if (s[0] & 1)
		r = 1;
	r += table[s[1]];
	PUBLIC(&r, sizeof r);
	return r;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc > 1 && strcmp(argv[1], "--leak") == 0) {
		printf("leak %d\n", leak());
		return 0;
	}
	if (!RUNNING_ON_VALGRIND)
		printf("# not under valgrind: results only\n");
	RUN(test_keygen);
	RUN(test_encaps);
	RUN(test_decaps);
	return TEST_EXIT();
}
