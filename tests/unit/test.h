/*
 * test.h -- a minimal unit-test harness. Each case prints "ok - NAME" or
 * "not ok - NAME: where: what"; main returns non-zero if any case failed.
 * scripts/test counts these lines.
 */
#ifndef WARREN_TEST_H
#define WARREN_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failed_cases;
static int test_case_failed;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: CHECK(%s) failed\n",		\
		    __FILE__, __LINE__, #cond);				\
		test_case_failed = 1;					\
	}								\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long test_a_ = (long long)(a), test_b_ = (long long)(b);	\
	if (test_a_ != test_b_) {					\
		fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
		    __FILE__, __LINE__, #a, test_a_, #b, test_b_);	\
		test_case_failed = 1;					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *test_a_ = (a), *test_b_ = (b);			\
	if (test_a_ == NULL || test_b_ == NULL ||			\
	    strcmp(test_a_, test_b_) != 0) {				\
		fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", \
		    __FILE__, __LINE__, #a, test_a_ ? test_a_ : "(null)", \
		    test_b_ ? test_b_ : "(null)");			\
		test_case_failed = 1;					\
	}								\
} while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

#define RUN(fn) do {							\
	test_case_failed = 0;						\
	fn();								\
	printf("%s - %s\n", test_case_failed ? "not ok" : "ok", #fn);	\
	fflush(stdout);							\
	if (test_case_failed)						\
		test_failed_cases++;					\
} while (0)

#define TEST_EXIT() (test_failed_cases ? 1 : 0)

/* Hex string to bytes; returns the byte count. For test vectors only. */
static inline size_t
test_unhex(unsigned char *out, size_t cap, const char *hex)
{
	size_t n = 0;
	unsigned int v;

	while (hex[0] && hex[1] && n < cap) {
		if (sscanf(hex, "%2x", &v) != 1)
			break;
		out[n++] = (unsigned char)v;
		hex += 2;
	}
	return n;
}

#endif
