/* test_safety.c -- safety numbers: fixed vectors, symmetry, separation. */
#include <ctype.h>
#include <stdint.h>

#include <sodium.h>

#include "crypto/safety.h"
#include "test.h"

int main(void);

/*
 * The Ed25519 public keys of RFC 8032's TEST 1 and TEST 2, and their
 * digits as computed independently with python3's hashlib:
 *
 *   def half(pk):
 *       x = b"warren/1 safety" + (1).to_bytes(2, "big") + pk
 *       for _ in range(5200):
 *           x = hashlib.sha512(x + pk).digest()
 *       return "".join("%05d" % (int.from_bytes(x[i:i+5], "big") % 100000)
 *           for i in range(0, 30, 5))
 *   "".join(sorted([half(a), half(b)]))
 */
#define PK_A	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define PK_B	"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
#define HALF_A	"784244574278465394613458256014"
#define HALF_B	"586161721569101086406017747230"
#define HALF_0	"936152011000345536825845489681"	/* 32 zero bytes */

/* Only digits, exactly n of them. */
static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[n] == '\0';
}

/* Each key's half matches the Python reference. */
static void
test_half_vectors(void)
{
	uint8_t a[32], b[32], z[32];
	char h[SAFETY_HALF_LEN + 1];

	CHECK_INT(test_unhex(a, sizeof a, PK_A), 32);
	CHECK_INT(test_unhex(b, sizeof b, PK_B), 32);
	memset(z, 0, sizeof z);
	CHECK_INT(safety_half(h, a), 0);
	CHECK_STR(h, HALF_A);
	CHECK_INT(safety_half(h, b), 0);
	CHECK_STR(h, HALF_B);
	CHECK_INT(safety_half(h, z), 0);
	CHECK_STR(h, HALF_0);
}

/* The pair's 60 digits: the smaller half first, matching the reference. */
static void
test_pair_vector(void)
{
	uint8_t a[32], b[32];
	char n[SAFETY_LEN + 1];

	test_unhex(a, sizeof a, PK_A);
	test_unhex(b, sizeof b, PK_B);
	CHECK_INT(safety_number(n, a, b), 0);
	CHECK_STR(n, HALF_B HALF_A);
	CHECK(all_digits(n, SAFETY_LEN));
}

/* Both sides see the same digits. */
static void
test_symmetric(void)
{
	uint8_t a[32], b[32];
	char ab[SAFETY_LEN + 1], ba[SAFETY_LEN + 1];
	int i;

	for (i = 0; i < 16; i++) {
		randombytes_buf(a, sizeof a);
		randombytes_buf(b, sizeof b);
		CHECK_INT(safety_number(ab, a, b), 0);
		CHECK_INT(safety_number(ba, b, a), 0);
		CHECK_STR(ab, ba);
		CHECK(all_digits(ab, SAFETY_LEN));
	}
}

/* The same keys always give the same digits. */
static void
test_deterministic(void)
{
	uint8_t a[32], b[32];
	char n1[SAFETY_LEN + 1], n2[SAFETY_LEN + 1];

	randombytes_buf(a, sizeof a);
	randombytes_buf(b, sizeof b);
	CHECK_INT(safety_number(n1, a, b), 0);
	CHECK_INT(safety_number(n2, a, b), 0);
	CHECK_STR(n1, n2);
}

/* A third party, or one flipped bit, gives another number. */
static void
test_different_keys(void)
{
	uint8_t a[32], b[32], c[32];
	char ab[SAFETY_LEN + 1], ac[SAFETY_LEN + 1], bc[SAFETY_LEN + 1];
	char flip[SAFETY_LEN + 1];
	int bit;

	test_unhex(a, sizeof a, PK_A);
	test_unhex(b, sizeof b, PK_B);
	memcpy(c, b, sizeof c);
	c[31] ^= 0x80;
	CHECK_INT(safety_number(ab, a, b), 0);
	CHECK_INT(safety_number(ac, a, c), 0);
	CHECK_INT(safety_number(bc, b, c), 0);
	CHECK(strcmp(ab, ac) != 0);
	CHECK(strcmp(ab, bc) != 0);
	CHECK(strcmp(ac, bc) != 0);
	/* Every single-bit change of one key changes its half. */
	for (bit = 0; bit < 256; bit++) {
		memcpy(c, a, sizeof c);
		c[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		CHECK_INT(safety_number(flip, c, b), 0);
		CHECK(strcmp(flip, ab) != 0);
	}
}

/* A key paired with itself: its half twice. */
static void
test_same_key(void)
{
	uint8_t a[32];
	char n[SAFETY_LEN + 1];

	test_unhex(a, sizeof a, PK_A);
	CHECK_INT(safety_number(n, a, a), 0);
	CHECK_STR(n, HALF_A HALF_A);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_half_vectors);
	RUN(test_pair_vector);
	RUN(test_symmetric);
	RUN(test_deterministic);
	RUN(test_different_keys);
	RUN(test_same_key);
	return TEST_EXIT();
}
