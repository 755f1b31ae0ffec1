/* test_hkdf.c -- HKDF-SHA256 against RFC 5869 (A.1-A.3) and its bounds. */
#include <stdint.h>

#include <sodium.h>

#include "crypto/hkdf.h"
#include "util/err.h"
#include "test.h"

int main(void);

/* Fill buf with start, start + 1, ... (the RFC's counting inputs). */
static void
count_bytes(uint8_t *buf, size_t n, uint8_t start)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)(start + i);
}

/* A.1: basic test case with SHA-256. */
static void
test_rfc5869_case1(void)
{
	uint8_t ikm[22], salt[13], info[10], okm[42], want[42];

	memset(ikm, 0x0b, sizeof ikm);
	count_bytes(salt, sizeof salt, 0x00);
	count_bytes(info, sizeof info, 0xf0);
	test_unhex(want, sizeof want, "3cb25f25faacd57a90434f64d0362f2a"
	    "2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
	CHECK_INT(hkdf_sha256(okm, sizeof okm, salt, sizeof salt, ikm,
	    sizeof ikm, info, sizeof info), 0);
	CHECK_MEM(okm, want, sizeof want);
}

/* A.2: longer inputs and outputs. */
static void
test_rfc5869_case2(void)
{
	uint8_t ikm[80], salt[80], info[80], okm[82], want[82];

	count_bytes(ikm, sizeof ikm, 0x00);
	count_bytes(salt, sizeof salt, 0x60);
	count_bytes(info, sizeof info, 0xb0);
	test_unhex(want, sizeof want, "b11e398dc80327a1c8e7f78c596a4934"
	    "4f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
	    "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f"
	    "1d87");
	CHECK_INT(hkdf_sha256(okm, sizeof okm, salt, sizeof salt, ikm,
	    sizeof ikm, info, sizeof info), 0);
	CHECK_MEM(okm, want, sizeof want);
}

/* A.3: zero-length salt and info; NULL salt means the same. */
static void
test_rfc5869_case3(void)
{
	uint8_t ikm[22], okm[42], want[42];

	memset(ikm, 0x0b, sizeof ikm);
	test_unhex(want, sizeof want, "8da4e775a563c18f715f802a063c5a31"
	    "b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
	CHECK_INT(hkdf_sha256(okm, sizeof okm, NULL, 0, ikm, sizeof ikm,
	    NULL, 0), 0);
	CHECK_MEM(okm, want, sizeof want);
	memset(okm, 0, sizeof okm);
	CHECK_INT(hkdf_sha256(okm, sizeof okm, (const uint8_t *)"", 0, ikm,
	    sizeof ikm, (const uint8_t *)"", 0), 0);
	CHECK_MEM(okm, want, sizeof want);
}

/* Output length: 0 and 255 * 32 work, 255 * 32 + 1 does not. */
static void
test_hkdf_bounds(void)
{
	static uint8_t big[255 * 32 + 1];
	uint8_t ikm[32] = { 1 }, short_okm[42];

	CHECK_INT(hkdf_sha256(big, 0, NULL, 0, ikm, sizeof ikm, NULL, 0), 0);
	CHECK_INT(hkdf_sha256(big, 255 * 32, NULL, 0, ikm, sizeof ikm, NULL,
	    0), 0);
	CHECK_INT(hkdf_sha256(big, 255 * 32 + 1, NULL, 0, ikm, sizeof ikm,
	    NULL, 0), ERR_INVAL);
	/* A prefix of a longer output is the shorter output. */
	CHECK_INT(hkdf_sha256(short_okm, sizeof short_okm, NULL, 0, ikm,
	    sizeof ikm, NULL, 0), 0);
	CHECK_MEM(short_okm, big, sizeof short_okm);
	CHECK_INT(hkdf_sha256(NULL, 1, NULL, 0, ikm, sizeof ikm, NULL, 0),
	    ERR_INVAL);
	CHECK_INT(hkdf_sha256(short_okm, 1, NULL, 0, NULL, 1, NULL, 0),
	    ERR_INVAL);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_rfc5869_case1);
	RUN(test_rfc5869_case2);
	RUN(test_rfc5869_case3);
	RUN(test_hkdf_bounds);
	return TEST_EXIT();
}
