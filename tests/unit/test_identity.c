/* test_identity.c -- identity derivation, onion addresses, tor key blob. */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "crypto/identity.h"
#include "util/base32.h"
#include "util/err.h"
#include "test.h"
#include "twin_sign.h"

#define VEC_PK \
    "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
#define VEC_ONION \
    "aoqqpp7tzyil4hlq3umoos6atft6jvrqtosq2xy53sdgiesvgg4bqead"
#define VEC_BLOB \
    "OJTupJxYCu+BaTV2K+BJVZ1tFEDe3hLmoSXxhB//jm+p1xhio+V0a1cb49GHsAQQ" \
    "RvUuvYUMfL1f3o7jhHO2SQ=="
#define RFC8032_PK \
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define RFC8032_ONION \
    "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid"

int main(void);

/* The seed 00 01 ... 1f. */
static void
vector_seed(uint8_t seed[32])
{
	int i;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
}

/* Seed 00..1f gives the known key, address and tor blob. */
static void
test_identity_vector(void)
{
	struct identity *id = NULL;
	uint8_t seed[32], pk[32], x[32];
	char blob[TOR_BLOB_LEN + 1];

	vector_seed(seed);
	test_unhex(pk, sizeof pk, VEC_PK);
	CHECK_INT(identity_from_seed(&id, seed), 0);
	if (id == NULL)
		return;
	CHECK_MEM(identity_seed(id), seed, 32);
	CHECK_MEM(identity_ed_pk(id), pk, 32);
	CHECK_MEM(identity_ed_sk(id), seed, 32);
	CHECK_MEM(identity_ed_sk(id) + 32, pk, 32);
	CHECK_STR(identity_onion(id), VEC_ONION);
	CHECK_INT(identity_tor_blob(id, blob, sizeof blob), 0);
	CHECK_STR(blob, VEC_BLOB);
	CHECK_INT(identity_tor_blob(id, blob, TOR_BLOB_LEN), ERR_TOOBIG);
	/* The X25519 pair matches, and matches the converted public key. */
	crypto_scalarmult_base(x, identity_x_sk(id));
	CHECK_MEM(x, identity_x_pk(id), 32);
	CHECK_INT(ed_pk_to_x(x, pk), 0);
	CHECK_MEM(x, identity_x_pk(id), 32);
	identity_free(id);
}

/* RFC 8032 test 1 public key -> tor's address for it. */
static void
test_onion_rfc8032(void)
{
	uint8_t pk[32], back[32];
	char onion[ONION_LEN + 1], norm[ONION_LEN + 1];

	test_unhex(pk, sizeof pk, RFC8032_PK);
	onion_from_pk(onion, pk);
	CHECK_STR(onion, RFC8032_ONION);
	CHECK_INT(onion_parse(RFC8032_ONION, back, norm), 0);
	CHECK_MEM(back, pk, 32);
	CHECK_STR(norm, RFC8032_ONION);
}

/* Generated identities differ and sign verifiably under their address. */
static void
test_identity_generate(void)
{
	struct identity *a = NULL, *b = NULL;
	uint8_t sig[crypto_sign_BYTES], pk[32];
	const uint8_t msg[] = "warren/1 test";

	CHECK_INT(identity_generate(&a), 0);
	CHECK_INT(identity_generate(&b), 0);
	if (a == NULL || b == NULL)
		goto out;
	CHECK(memcmp(identity_seed(a), identity_seed(b), 32) != 0);
	CHECK(strcmp(identity_onion(a), identity_onion(b)) != 0);
	CHECK_INT(strlen(identity_onion(a)), ONION_LEN);
	crypto_sign_detached(sig, NULL, msg, sizeof msg, identity_ed_sk(a));
	CHECK_INT(onion_parse(identity_onion(a), pk, NULL), 0);
	CHECK_INT(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
out:
	identity_free(a);
	identity_free(b);
	identity_free(NULL);
}

/* Any case and an optional ".onion" are accepted and normalised. */
static void
test_onion_parse_forms(void)
{
	char buf[128], norm[ONION_LEN + 1];
	uint8_t pk[32], want[32];
	size_t i;

	test_unhex(want, sizeof want, VEC_PK);
	CHECK_INT(onion_parse(VEC_ONION, NULL, NULL), 0);
	snprintf(buf, sizeof buf, "%s.onion", VEC_ONION);
	CHECK_INT(onion_parse(buf, pk, norm), 0);
	CHECK_MEM(pk, want, 32);
	CHECK_STR(norm, VEC_ONION);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
	memset(norm, 0, sizeof norm);
	CHECK_INT(onion_parse(buf, pk, norm), 0);
	CHECK_STR(norm, VEC_ONION);
	buf[ONION_LEN] = '\0';
	CHECK_INT(onion_parse(buf, pk, norm), 0);
	CHECK_STR(norm, VEC_ONION);
}

/* Lengths: 0, 55, 57, a suffix that is not ".onion", NUL, whitespace. */
static void
test_onion_parse_len(void)
{
	char buf[128];

	CHECK_INT(onion_parse("", NULL, NULL), ERR_ADDR_LEN);
	CHECK_INT(onion_parse(NULL, NULL, NULL), ERR_INVAL);
	snprintf(buf, sizeof buf, "%.55s", VEC_ONION);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_LEN);
	snprintf(buf, sizeof buf, "%sa", VEC_ONION);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_LEN);
	snprintf(buf, sizeof buf, "%s.onio", VEC_ONION);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_LEN);
	snprintf(buf, sizeof buf, "%s.oniom", VEC_ONION);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_LEN);
	snprintf(buf, sizeof buf, "%s.onion.", VEC_ONION);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_LEN);
	snprintf(buf, sizeof buf, "x.%s.onion", VEC_ONION);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_LEN);
	snprintf(buf, sizeof buf, "%s\n", VEC_ONION);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_LEN);
	snprintf(buf, sizeof buf, "%s", VEC_ONION);
	buf[20] = '\0';	/* an embedded NUL ends the string early */
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_LEN);
}

/* Characters outside base32, the checksum, the version and the point. */
static void
test_onion_parse_errors(void)
{
	static const char bad[] = "0189=_ .\r";
	uint8_t raw[35], zero[32];
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof bad - 1; i++) {
		snprintf(buf, sizeof buf, "%s", VEC_ONION);
		buf[10] = bad[i];
		CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_BASE32);
	}
	/* A typo in the key part breaks the checksum. */
	snprintf(buf, sizeof buf, "%s", VEC_ONION);
	buf[0] = buf[0] == 'a' ? 'b' : 'a';
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_CHECKSUM);
	/* A typo in the checksum itself. */
	snprintf(buf, sizeof buf, "%s", VEC_ONION);
	buf[52] = buf[52] == 'a' ? 'b' : 'a';
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_CHECKSUM);

	/* Version 4 (and 0, 0xff) with everything else intact. */
	CHECK_INT(base32_decode(raw, sizeof raw, VEC_ONION, ONION_LEN), 35);
	raw[34] = 4;
	base32_encode(buf, raw, sizeof raw);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_VERSION);
	raw[34] = 0;
	base32_encode(buf, raw, sizeof raw);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_VERSION);

	/* Correct checksum over keys that are not valid points. */
	memset(zero, 0, sizeof zero);
	onion_from_pk(buf, zero);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_POINT);
	zero[0] = 1;		/* the identity point */
	onion_from_pk(buf, zero);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_POINT);
	memset(zero, 0xff, sizeof zero);	/* not canonical */
	onion_from_pk(buf, zero);
	CHECK_INT(onion_parse(buf, NULL, NULL), ERR_ADDR_POINT);
	/* Each error has its own message. */
	CHECK(strcmp(err_str(ERR_ADDR_POINT), err_str(ERR_ADDR_CHECKSUM)) != 0);
}

/* ed_pk_to_x refuses small-order keys. */
static void
test_ed_pk_to_x_bad(void)
{
	uint8_t pk[32], x[32];

	memset(pk, 0, sizeof pk);
	CHECK_INT(ed_pk_to_x(x, pk), ERR_CRYPTO);
	pk[0] = 1;
	CHECK_INT(ed_pk_to_x(x, pk), ERR_CRYPTO);
}

/*
 * -A: a different onion address with the same X25519 key, whose secret
 * scalar (-a) the holder of A has: twin_sign makes valid signatures for
 * it. This is why the handshake cannot tell A's holder from -A's
 * (doc/SECURITY.md), and why the access policy treats them as one.
 */
static void
test_ed_pk_negate(void)
{
	struct identity *id;
	uint8_t neg[32], back[32], x1[32], x2[32], na[32], pt[32], sig[64];
	char o1[ONION_LEN + 1], o2[ONION_LEN + 1];
	static const uint8_t msg[] = "warren/2 hello test";

	CHECK_INT(identity_generate(&id), 0);
	ed_pk_negate(neg, identity_ed_pk(id));
	CHECK(memcmp(neg, identity_ed_pk(id), 32) != 0);
	ed_pk_negate(back, neg);
	CHECK_MEM(back, identity_ed_pk(id), 32);
	/* -A = [-a]B, with a the X25519 secret scalar. */
	crypto_core_ed25519_scalar_negate(na, identity_x_sk(id));
	CHECK_INT(crypto_scalarmult_ed25519_base_noclamp(pt, na), 0);
	CHECK_MEM(pt, neg, 32);
	CHECK_INT(crypto_core_ed25519_is_valid_point(neg), 1);
	CHECK_INT(ed_pk_to_x(x1, identity_ed_pk(id)), 0);
	CHECK_INT(ed_pk_to_x(x2, neg), 0);
	CHECK_MEM(x1, x2, 32);
	onion_from_pk(o1, identity_ed_pk(id));
	onion_from_pk(o2, neg);
	CHECK(strcmp(o1, o2) != 0);
	CHECK_INT(onion_parse(o2, NULL, NULL), 0);
	/* The holder of A signs for -A; A's own signature is not -A's. */
	twin_sign(sig, id, msg, sizeof msg);
	CHECK_INT(crypto_sign_verify_detached(sig, msg, sizeof msg, neg), 0);
	CHECK(crypto_sign_verify_detached(sig, msg, sizeof msg,
	    identity_ed_pk(id)) != 0);
	crypto_sign_detached(sig, NULL, msg, sizeof msg, identity_ed_sk(id));
	CHECK(crypto_sign_verify_detached(sig, msg, sizeof msg, neg) != 0);
	identity_free(id);
}

/* What users paste: white space, links, URLs; v2 addresses; prefixes. */
static void
test_onion_input(void)
{
	static const struct { const char *pre, *post; int link; } ok[] = {
		{ "", "", 0 }, { "  ", "\n", 0 }, { "\t", ".onion ", 1 },
		{ "", ".ONION", 1 }, { "warren:", "", 1 },
		{ "WARREN://", "", 1 }, { "warren:", "?name=bob", 1 },
		{ "http://", ".onion", 1 }, { "http://", ".onion/", 1 },
		{ " https://", ".onion:9737/a/b?c#d", 1 },
		{ "http://user:pw@", ".onion/x", 1 },
		{ "http://www.", ".onion/", 1 }, { "x.", ".onion", 1 },
		{ "warren: ", " ", 1 },
	};
	char in[256], out[ONION_LEN + 16], norm[ONION_LEN + 1];
	size_t i;
	int link;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(in, sizeof in, "%s%s%s", ok[i].pre, VEC_ONION,
		    ok[i].post);
		link = -1;
		CHECK_INT(onion_input(in, out, sizeof out, &link), 0);
		CHECK_INT(link, ok[i].link);
		CHECK_INT(onion_parse(out, NULL, norm), 0);
		CHECK_STR(norm, VEC_ONION);
	}
	/* Names stay as they are, but for the white space around them. */
	CHECK_INT(onion_input(" bob smith ", out, sizeof out, &link), 0);
	CHECK_STR(out, "bob smith");
	CHECK_INT(link, 0);
	CHECK_INT(onion_input("a/b:c", out, sizeof out, &link), 0);
	CHECK_STR(out, "a/b:c");
	CHECK_INT(onion_input("", out, sizeof out, &link), 0);
	CHECK_STR(out, "");
	CHECK_INT(onion_input("http://", out, sizeof out, &link), 0);
	CHECK_INT(onion_parse(out, NULL, NULL), ERR_ADDR_LEN);
	CHECK_INT(onion_input("warren:", out, sizeof out, &link), 0);
	CHECK_STR(out, "");
	CHECK_INT(link, 1);
	memset(in, 'a', sizeof in - 1);
	in[sizeof in - 1] = '\0';
	CHECK_INT(onion_input(in, out, sizeof out, &link), ERR_TOOBIG);
	/* v2: 16 base32 digits, with or without .onion. */
	CHECK_INT(onion_parse("expyuzz4wqqyqhjn", NULL, NULL), ERR_ADDR_V2);
	CHECK_INT(onion_parse("EXPYUZZ4WQQYQHJN.onion", NULL, NULL),
	    ERR_ADDR_V2);
	CHECK_INT(onion_parse("expyuzz4wqqyqhj1", NULL, NULL), ERR_ADDR_LEN);
	CHECK_INT(onion_parse("expyuzz4wqqyqhjnx", NULL, NULL), ERR_ADDR_LEN);
	CHECK_INT(onion_input("http://expyuzz4wqqyqhjn.onion/", out,
	    sizeof out, &link), 0);
	CHECK_INT(onion_parse(out, NULL, NULL), ERR_ADDR_V2);
	/* Prefixes: 4 to 55 base32 digits. */
	CHECK_INT(onion_is_prefix("abc"), 0);
	CHECK_INT(onion_is_prefix("abcd"), 1);
	CHECK_INT(onion_is_prefix("AB2D"), 1);
	CHECK_INT(onion_is_prefix("ab1d"), 0);
	CHECK_INT(onion_is_prefix("ab d"), 0);
	snprintf(in, sizeof in, "%.55s", VEC_ONION);
	CHECK_INT(onion_is_prefix(in), 1);
	CHECK_INT(onion_is_prefix(VEC_ONION), 0);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_identity_vector);
	RUN(test_onion_rfc8032);
	RUN(test_identity_generate);
	RUN(test_onion_parse_forms);
	RUN(test_onion_parse_len);
	RUN(test_onion_parse_errors);
	RUN(test_ed_pk_to_x_bad);
	RUN(test_ed_pk_negate);
	RUN(test_onion_input);
	return TEST_EXIT();
}
