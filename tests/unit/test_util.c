/* test_util.c -- base32, UTF-8 validation, byte order, error names. */
#include <stdint.h>
#include <string.h>

#include "util/base32.h"
#include "util/bytes.h"
#include "util/duration.h"
#include "util/err.h"
#include "util/log.h"
#include "util/utf8.h"
#include "test.h"

static void
test_base32_rfc4648(void)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "my" }, { "fo", "mzxq" }, { "foo", "mzxw6" },
		{ "foob", "mzxw6yq" }, { "fooba", "mzxw6ytb" },
		{ "foobar", "mzxw6ytboi" },
	};
	char enc[32];
	uint8_t dec[32];
	size_t i;
	int n;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		base32_encode(enc, (const uint8_t *)v[i].in, strlen(v[i].in));
		CHECK_STR(enc, v[i].out);
		n = base32_decode(dec, sizeof dec, v[i].out, strlen(v[i].out));
		CHECK_INT(n, strlen(v[i].in));
		CHECK(n >= 0 && memcmp(dec, v[i].in, (size_t)n) == 0);
	}
	CHECK_INT(base32_decode(dec, sizeof dec, "MZXW6YTB", 8), 5);
}

static void
test_base32_bad(void)
{
	uint8_t dec[4];

	CHECK_INT(base32_decode(dec, sizeof dec, "mzx1", 4), ERR_INVAL);
	CHECK_INT(base32_decode(dec, sizeof dec, "my!", 3), ERR_INVAL);
	CHECK_INT(base32_decode(dec, sizeof dec, "mz", 2), ERR_INVAL);
	/* Output longer than the buffer. */
	CHECK_INT(base32_decode(dec, 2, "mzxw6", 5), ERR_INVAL);
	/* A stray NUL is not base32. */
	CHECK_INT(base32_decode(dec, sizeof dec, "m\0", 2), ERR_INVAL);
}

static void
test_utf8(void)
{
	CHECK_INT(utf8_check("hello", 5, 0), 0);
	CHECK_INT(utf8_check("gr\xc3\xbc\xc3\x9f", 6, 0), 0);
	CHECK_INT(utf8_check("\xf0\x9f\x90\x87", 4, 0), 0);
	CHECK_INT(utf8_check("a\nb", 3, 1), 0);
	CHECK_INT(utf8_check("a\nb", 3, 0), ERR_UTF8);
	CHECK_INT(utf8_check("a\0b", 3, 1), ERR_UTF8);
	CHECK_INT(utf8_check("\x1b[31m", 5, 1), ERR_UTF8);
	CHECK_INT(utf8_check("\xc0\xaf", 2, 0), ERR_UTF8);	 /* overlong */
	CHECK_INT(utf8_check("\xed\xa0\x80", 3, 0), ERR_UTF8); /* surrogate */
	CHECK_INT(utf8_check("\xf4\x90\x80\x80", 4, 0), ERR_UTF8); /* > 10FFFF */
	CHECK_INT(utf8_check("\xc3", 1, 0), ERR_UTF8);		 /* truncated */
	CHECK_INT(utf8_check("\xc2\x85", 2, 1), ERR_UTF8);	 /* C1 NEL */
	CHECK_INT(utf8_check("\xff", 1, 0), ERR_UTF8);
}

static void
test_bytes(void)
{
	uint8_t b[8];

	store_be64(b, 0x0102030405060708ULL);
	CHECK(b[0] == 1 && b[7] == 8);
	CHECK(load_be64(b) == 0x0102030405060708ULL);
	CHECK(load_be32(b + 4) == 0x05060708u);
	store_be16(b, 0xbeef);
	CHECK(load_be16(b) == 0xbeef);
}

static void
test_err_str(void)
{
	CHECK_STR(err_str(0), "success");
	CHECK_STR(err_str(ERR_ADDR_CHECKSUM),
	    "onion address checksum does not match (typo?)");
	CHECK_STR(err_str(ERR_LAST), "unknown error");
	CHECK_STR(err_str(5), "unknown error");
	CHECK(strcmp(err_str(ERR_LAST + 1), "unknown error") != 0);
}

static void
test_log_escape(void)
{
	char buf[64];

	CHECK_STR(log_escape(buf, sizeof buf, "a\nb\x1b", 4), "a\\x0ab\\x1b");
	CHECK_STR(log_escape(buf, 8, "abcdefghij", 10), "abc");
}

/* Durations: units, decimals, sums, the bounds and garbage. */
static void
test_duration(void)
{
	static const struct { const char *in; long secs; } good[] = {
		{ "off", 0 }, { "OFF", 0 }, { "0", 0 }, { "30", 30 },
		{ "30s", 30 }, { "90m", 5400 }, { "1.5h", 5400 },
		{ "1h30m", 5400 }, { "1h 30m", 5400 }, { "0.5m", 30 },
		{ "2 days", 172800 }, { "1w", 604800 }, { "4w", 2419200 },
		{ "28d", 2419200 }, { "1.25 hours", 4500 }, { "5M", 300 },
		{ "2419200", 2419200 }, { "0.001s", 1 }, { "1.001s", 1 },
	};
	static const char *const bad[] = {
		"", " ", "h", "1x", "1.h", ".5h", "-1h", "1h30", "4w1s",
		"2419201", "5w", "1.0001s", "99999999999999999999h",
		"1h-30m", "1,5h", "one", "1h\n", "1 h 30",
	};
	char buf[64];
	size_t i;
	long v;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		v = -1;
		CHECK_INT(duration_parse(good[i].in, &v), 0);
		CHECK_INT(v, good[i].secs);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (duration_parse(bad[i], &v) != ERR_INVAL) {
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
			CHECK(0);
		}
	duration_words(buf, sizeof buf, 0);
	CHECK_STR(buf, "off");
	duration_words(buf, sizeof buf, 5400);
	CHECK_STR(buf, "1 h 30 min");
	duration_words(buf, sizeof buf, 172800);
	CHECK_STR(buf, "2 days");
	duration_words(buf, sizeof buf, 86405);
	CHECK_STR(buf, "1 day");
	duration_words(buf, sizeof buf, 45);
	CHECK_STR(buf, "45 s");
	duration_words(buf, 4, 604800);
	CHECK_STR(buf, "1 w");
}

int
main(void)
{
	RUN(test_base32_rfc4648);
	RUN(test_base32_bad);
	RUN(test_utf8);
	RUN(test_bytes);
	RUN(test_err_str);
	RUN(test_log_escape);
	RUN(test_duration);
	return TEST_EXIT();
}
