/*
 * test_mbox.c -- the pure parts of mailboxes (core/mbox_parse.c): pairing
 * codes, grants, and sealed blobs at 0, the limits, one over, truncated
 * and changed. With a directory argument it also writes fuzz seeds there.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/mbox.h"
#include "net/wire.h"
#include "util/err.h"
#include "test.h"

#define ONION "aoqqpp7tzyil4hlq3umoos6atft6jvrqtosq2xy53sdgiesvgg4bqead"
#define HEX16 "00112233445566778899aabbccddeeff"
#define HEX32 HEX16 HEX16
#define CODE "wmb1-" ONION "-" HEX16 "-" HEX32

static const char *seed_dir;

/* Write a fuzz seed: selector byte, then the input. */
static void
seed(const char *name, int sel, const void *p, size_t len)
{
	char path[512];
	FILE *f;

	if (seed_dir == NULL)
		return;
	snprintf(path, sizeof path, "%s/%s", seed_dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		return;
	fputc(sel, f);
	fwrite(p, 1, len, f);
	fclose(f);
}

static void
test_code(void)
{
	char onion[ONION_LEN + 1];
	uint8_t s[MBOX_PAIR_LEN], a[MBOX_AUTH_LEN];
	const char *good = CODE;

	CHECK_INT(mbox_code_parse(good, onion, s, a), 0);
	CHECK_INT(a[31], 0xff);
	CHECK_STR(onion, ONION);
	CHECK_INT(s[1], 0x11);
	seed("code", 0, good, strlen(good));
	CHECK_INT(mbox_code_parse("", onion, s, a), ERR_INVAL);
	CHECK_INT(mbox_code_parse(CODE "0", onion, s, a), ERR_INVAL);
	CHECK_INT(mbox_code_parse("wmb1-" ONION "-" HEX16 "-" HEX16, onion, s,
	    a), ERR_INVAL);
	CHECK_INT(mbox_code_parse("wmb2-" ONION "-" HEX16 "-" HEX32, onion,
	    s, a), ERR_INVAL);
	CHECK_INT(mbox_code_parse("wmb1-" ONION "-0011223344556677889"
	    "9AABBCCDDEEFF-" HEX32, onion, s, a), ERR_INVAL);
	CHECK_INT(mbox_code_parse("wmb1-" ONION "-" HEX16 "+" HEX32, onion,
	    s, a), ERR_INVAL);
	/* A bad checksum in the address. */
	CHECK_INT(mbox_code_parse("wmb1-boqqpp7tzyil4hlq3umoos6atft6jvrqtosq2"
	    "xy53sdgiesvgg4bqead-" HEX16 "-" HEX32, onion, s, a), ERR_INVAL);
}

static void
test_grant(void)
{
	char onion[ONION_LEN + 1], buf[256];
	uint8_t s[MBOX_SECRET_LEN], a[MBOX_AUTH_LEN];
	const char *good = "mailbox1 " ONION " " HEX32 " " HEX32;

	CHECK_INT(mbox_grant_parse(good, strlen(good), onion, s, a), 1);
	CHECK_INT(a[0], 0x00);
	CHECK_STR(onion, ONION);
	CHECK_INT(s[31], 0xff);
	seed("grant", 1, good, strlen(good));
	seed("grant_none", 1, MBOX_GRANT_NONE, strlen(MBOX_GRANT_NONE));
	CHECK_INT(mbox_grant_parse(MBOX_GRANT_NONE, strlen(MBOX_GRANT_NONE),
	    onion, s, a), 0);
	CHECK_INT(mbox_grant_parse(good, strlen(good) - 1, onion, s, a),
	    ERR_PROTO);
	CHECK_INT(mbox_grant_parse("", 0, onion, s, a), ERR_PROTO);
	snprintf(buf, sizeof buf, "%s0", good);
	CHECK_INT(mbox_grant_parse(buf, strlen(buf), onion, s, a), ERR_PROTO);
	memcpy(buf, good, strlen(good) + 1);
	buf[9 + ONION_LEN] = '\0';	/* an embedded NUL */
	CHECK_INT(mbox_grant_parse(buf, strlen(good), onion, s, a), ERR_PROTO);
	memcpy(buf, good, strlen(good) + 1);
	buf[9 + ONION_LEN + 1 + 64] = '\n';	/* a newline as separator */
	CHECK_INT(mbox_grant_parse(buf, strlen(good), onion, s, a), ERR_PROTO);
}

static void
test_blob(void)
{
	uint8_t secret[MBOX_SECRET_LEN], other[MBOX_SECRET_LEN];
	uint8_t hdr[WIRE_HEADER_LEN], ct[4096], blob[WIRE_MBOX_B_MAX];
	uint8_t buf[MBOX_BLOB_MAX_PT], big[WIRE_MAX_CT];
	struct wire_msg m, got;
	size_t len, len2;

	memset(secret, 7, sizeof secret);
	memset(other, 8, sizeof other);
	randombytes_buf(hdr, sizeof hdr);
	randombytes_buf(ct, sizeof ct);
	memset(&m, 0, sizeof m);
	m.type = WIRE_MSG;
	m.u.msg.seq = 42;
	m.u.msg.header = hdr;
	m.u.msg.header_len = sizeof hdr;
	m.u.msg.ct = ct;
	m.u.msg.ct_len = 100;
	CHECK_INT(mbox_blob_seal(secret, &m, blob, sizeof blob, &len), 0);
	CHECK_INT((len - MBOX_BLOB_OVERHEAD) % MBOX_BLOB_PAD, 0);
	CHECK_INT(mbox_blob_open(secret, blob, len, buf, &got), 0);
	CHECK(wire_equal(&m, &got));
	seed("blob", 2, blob, len);
	/* Sizes are padded: 100 and 600 bytes give the same length. */
	m.u.msg.ct_len = 600;
	CHECK_INT(mbox_blob_seal(secret, &m, blob, sizeof blob, &len2), 0);
	CHECK_INT(len2, len);
	CHECK_INT(mbox_blob_open(other, blob, len2, buf, &got), ERR_AUTH);
	blob[len2 - 1] ^= 1;
	CHECK_INT(mbox_blob_open(secret, blob, len2, buf, &got), ERR_AUTH);
	CHECK_INT(mbox_blob_open(secret, blob, 0, buf, &got), ERR_PROTO);
	CHECK_INT(mbox_blob_open(secret, blob, MBOX_BLOB_OVERHEAD +
	    MBOX_BLOB_MAX_PT + 1, buf, &got), ERR_PROTO);
	/* Text-sized messages fit; the largest frame (KEM step) does not. */
	m.u.msg.ct_len = sizeof ct;
	CHECK_INT(mbox_blob_seal(secret, &m, blob, sizeof blob, &len), 0);
	CHECK(len <= WIRE_MBOX_B_MAX);
	memset(big, 1, sizeof big);
	m.u.msg.header = big;
	m.u.msg.header_len = WIRE_HEADER_MAX;
	m.u.msg.ct = big;
	m.u.msg.ct_len = sizeof big;
	CHECK_INT(mbox_blob_seal(secret, &m, blob, sizeof blob, &len),
	    ERR_TOOBIG);
	m.type = WIRE_ACK;
	CHECK_INT(mbox_blob_seal(secret, &m, blob, sizeof blob, &len),
	    ERR_INVAL);
}

static void
test_tags(void)
{
	uint8_t s[MBOX_SECRET_LEN], t[MBOX_TOKEN_LEN], g[MBOX_TAG_LEN];
	uint8_t t2[MBOX_TOKEN_LEN];

	memset(s, 1, sizeof s);
	mbox_token(s, t);
	mbox_tag(t, g);
	CHECK(memcmp(t, s, sizeof s) != 0);
	CHECK(memcmp(g, t, sizeof t) != 0);
	s[0] = 2;
	mbox_token(s, t2);
	CHECK(memcmp(t, t2, sizeof t) != 0);
	{
		uint8_t p0[32], k0[32], p1[32], k1[32], chk[32];

		mbox_auth_keys(s, 0, k0, p0);
		mbox_auth_keys(s, 1, k1, p1);
		CHECK(memcmp(p0, p1, 32) != 0);
		crypto_scalarmult_base(chk, k1);
		CHECK_MEM(chk, p1, 32);
	}
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc > 1)
		seed_dir = argv[1];
	RUN(test_code);
	RUN(test_grant);
	RUN(test_blob);
	RUN(test_tags);
	return TEST_EXIT();
}
