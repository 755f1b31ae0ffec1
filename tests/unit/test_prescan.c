/* test_prescan.c -- msgpack pre-validation: bounds before msgpack-c. */
#include <stdint.h>
#include <string.h>

#include <msgpack.h>

#include "net/mp_prescan.h"
#include "util/err.h"
#include "test.h"

/* Prescan a hex string. */
static int
scan_hex(const char *hex)
{
	uint8_t b[256];
	size_t n = test_unhex(b, sizeof b, hex);

	return mp_prescan(b, n);
}

/* If prescan passes, msgpack-c parses exactly the same bytes. */
static void
agree(const uint8_t *b, size_t n)
{
	msgpack_unpacked up;
	size_t off = 0;

	if (mp_prescan(b, n) != 0)
		return;
	msgpack_unpacked_init(&up);
	CHECK_INT(msgpack_unpack_next(&up, (const char *)b, n, &off),
	    MSGPACK_UNPACK_SUCCESS);
	CHECK_INT(off, n);
	msgpack_unpacked_destroy(&up);
}

static void
test_prescan_scalars(void)
{
	CHECK_INT(scan_hex(""), ERR_PROTO);
	CHECK_INT(scan_hex("00"), 0);
	CHECK_INT(scan_hex("7f"), 0);
	CHECK_INT(scan_hex("ff"), 0);		/* -1 */
	CHECK_INT(scan_hex("c0"), 0);		/* nil */
	CHECK_INT(scan_hex("c3"), 0);
	CHECK_INT(scan_hex("cf0102030405060708"), 0);
	CHECK_INT(scan_hex("cf01020304050607"), ERR_PROTO);
	CHECK_INT(scan_hex("d3ffffffffffffffff"), 0);
	CHECK_INT(scan_hex("cb3ff0000000000000"), 0);
	CHECK_INT(scan_hex("a3616263"), 0);
	CHECK_INT(scan_hex("a2616263"), ERR_PROTO);	/* trailing byte */
	CHECK_INT(scan_hex("c40100"), 0);
	CHECK_INT(scan_hex("c400"), 0);			/* empty bin */
	CHECK_INT(scan_hex("90"), 0);			/* empty array */
}

static void
test_prescan_c1(void)
{
	CHECK_INT(scan_hex("c1"), ERR_PROTO);
	CHECK_INT(scan_hex("9201c1"), ERR_PROTO);
}

static void
test_prescan_ext(void)
{
	CHECK_INT(scan_hex("d40100"), ERR_PROTO);		/* fixext1 */
	CHECK_INT(scan_hex("d801000102030405060708090a0b0c0d0e0f"),
	    ERR_PROTO);						/* fixext16 */
	CHECK_INT(scan_hex("c7010100"), ERR_PROTO);		/* ext8 */
	CHECK_INT(scan_hex("c8000101ff"), ERR_PROTO);		/* ext16 */
	CHECK_INT(scan_hex("c9000000010100"), ERR_PROTO);	/* ext32 */
	CHECK_INT(scan_hex("9201d40100"), ERR_PROTO);
}

static void
test_prescan_maps(void)
{
	/* Frames are arrays: every map is refused, sane or not. */
	CHECK_INT(scan_hex("80"), ERR_PROTO);
	CHECK_INT(scan_hex("810102"), ERR_PROTO);
	/* A count far larger than the bytes. */
	CHECK_INT(scan_hex("df7fffffff"), ERR_PROTO);
	CHECK_INT(scan_hex("deffff0102"), ERR_PROTO);
	CHECK_INT(scan_hex("920181a0c0"), ERR_PROTO);
}

static void
test_prescan_array_counts(void)
{
	/* 6 bytes claiming 2^32 - 1 and 2^26 elements. */
	CHECK_INT(scan_hex("ddffffffff00"), ERR_PROTO);
	CHECK_INT(scan_hex("dd0400000000"), ERR_PROTO);
	CHECK_INT(scan_hex("dcffff"), ERR_PROTO);
	/* count == bytes left is fine; count == bytes left + 1 is not. */
	CHECK_INT(scan_hex("dc0003010203"), 0);
	CHECK_INT(scan_hex("dc0004010203"), ERR_PROTO);
	CHECK_INT(scan_hex("dd00000003010203"), 0);
	CHECK_INT(scan_hex("dd00000004010203"), ERR_PROTO);
	CHECK_INT(scan_hex("93010203"), 0);
	CHECK_INT(scan_hex("94010203"), ERR_PROTO);
	/* Truncated headers. */
	CHECK_INT(scan_hex("dc00"), ERR_PROTO);
	CHECK_INT(scan_hex("dd000000"), ERR_PROTO);
	/* Elements that are there by count but short in bytes. */
	CHECK_INT(scan_hex("9201cd00"), ERR_PROTO);
}

static void
test_prescan_str_len(void)
{
	CHECK_INT(scan_hex("d903616263"), 0);
	CHECK_INT(scan_hex("d904616263"), ERR_PROTO);
	CHECK_INT(scan_hex("da0003616263"), 0);
	CHECK_INT(scan_hex("daffff616263"), ERR_PROTO);
	CHECK_INT(scan_hex("dbffffffff616263"), ERR_PROTO);
	CHECK_INT(scan_hex("c6ffffffff00"), ERR_PROTO);
	CHECK_INT(scan_hex("c5000200"), ERR_PROTO);
	CHECK_INT(scan_hex("c4"), ERR_PROTO);
	/* Embedded NUL is fine at this layer (wire.c checks text). */
	CHECK_INT(scan_hex("a3610062"), 0);
}

static void
test_prescan_depth(void)
{
	uint8_t b[32];
	size_t i;

	/* 8 nested arrays around a scalar: accepted. */
	for (i = 0; i < 8; i++)
		b[i] = 0x91;
	b[8] = 0x01;
	CHECK_INT(mp_prescan(b, 9), 0);
	agree(b, 9);
	/* 9: rejected, with or without content. */
	for (i = 0; i < 9; i++)
		b[i] = 0x91;
	b[9] = 0x01;
	CHECK_INT(mp_prescan(b, 10), ERR_PROTO);
	b[8] = 0x90;
	CHECK_INT(mp_prescan(b, 9), ERR_PROTO);
	/* Depth comes back down: [[[..8..]], 1] siblings are fine. */
	CHECK_INT(scan_hex("92919191919191910102"), 0);
	CHECK_INT(scan_hex("929191919191919191010102"), ERR_PROTO);
	/* Wide but shallow. */
	CHECK_INT(scan_hex("93909090"), 0);
	CHECK_INT(scan_hex("939090"), ERR_PROTO);
}

static void
test_prescan_trailing(void)
{
	CHECK_INT(scan_hex("9101"), 0);
	CHECK_INT(scan_hex("910100"), ERR_PROTO);
	CHECK_INT(scan_hex("0000"), ERR_PROTO);
	CHECK_INT(scan_hex("9101c0"), ERR_PROTO);
	/* Truncated: an array owed more elements. */
	CHECK_INT(scan_hex("9301"), ERR_PROTO);
	CHECK_INT(scan_hex("929201"), ERR_PROTO);
}

static void
test_prescan_agrees_with_msgpack(void)
{
	static const char *ok[] = {
		"9301a3616263c403010203", "920a92a0a0",
		"9501c0c2c3cb3ff0000000000000",
		"dc000101", "dd0000000291c0d0ff",
	};
	uint8_t b[64];
	size_t i, n;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		n = test_unhex(b, sizeof b, ok[i]);
		CHECK_INT(mp_prescan(b, n), 0);
		agree(b, n);
	}
}

int
main(void)
{
	RUN(test_prescan_scalars);
	RUN(test_prescan_c1);
	RUN(test_prescan_ext);
	RUN(test_prescan_maps);
	RUN(test_prescan_array_counts);
	RUN(test_prescan_str_len);
	RUN(test_prescan_depth);
	RUN(test_prescan_trailing);
	RUN(test_prescan_agrees_with_msgpack);
	return TEST_EXIT();
}
