/* test_groups.c -- group items: shape, signatures, limits, the chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/groups.h"
#include "util/err.h"
#include "test.h"

#define GID "abababababababababababababababababababababababababababababababab"

static uint8_t pk[32], sk[64];

/* A signed item with body b (the signer's key, a fixed group id). */
static char *
make_item(const char *b)
{
	crypto_sign_state st;
	uint8_t sig[64];
	char spk[65], ssig[129], *out;
	json_t *o;

	crypto_sign_init(&st);
	crypto_sign_update(&st, (const uint8_t *)"warren/1 group item ", 20);
	crypto_sign_update(&st, (const uint8_t *)b, strlen(b));
	crypto_sign_final_create(&st, sig, NULL, sk);
	sodium_bin2hex(spk, sizeof spk, pk, 32);
	sodium_bin2hex(ssig, sizeof ssig, sig, 64);
	o = json_pack("{s:s, s:s, s:s, s:s}", "g", GID, "k", spk, "b", b, "s",
	    ssig);
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

static void
test_group_item_roundtrip(void)
{
	struct group_item it;
	char *s = make_item("{\"t\":\"msg\",\"g\":\"" GID "\",\"q\":0}");

	CHECK_INT(group_item_parse(s, strlen(s), &it), 0);
	CHECK_STR(it.type, "msg");
	CHECK_MEM(it.signer, pk, 32);
	CHECK_INT(group_item_verify(&it), 0);
	group_item_free(&it);
	free(s);
}

/* A relay that changes one byte of the body is caught. */
static void
test_group_item_altered(void)
{
	struct group_item it;
	char *s = make_item("{\"t\":\"msg\",\"g\":\"" GID "\",\"q\":0}"), *p;

	p = strstr(s, "q\\\":0");
	CHECK(p != NULL);
	p[4] = '1';
	CHECK_INT(group_item_parse(s, strlen(s), &it), 0);
	CHECK_INT(group_item_verify(&it), ERR_AUTH);
	group_item_free(&it);
	free(s);
}

static void
test_group_item_bad(void)
{
	struct group_item it;
	char *s, big[GROUP_ITEM_MAX + 2];

	/* body for another group */
	s = make_item("{\"t\":\"msg\",\"g\":\"cd" GID "\"}");
	CHECK_INT(group_item_parse(s, strlen(s), &it), ERR_PROTO);
	free(s);
	CHECK_INT(group_item_parse("", 0, &it), ERR_PROTO);
	CHECK_INT(group_item_parse("{}", 2, &it), ERR_PROTO);
	CHECK_INT(group_item_parse("[1,2]", 5, &it), ERR_PROTO);
	CHECK_INT(group_item_parse("{\"g\":\"", 6, &it), ERR_PROTO);
	/* over the limit */
	memset(big, ' ', sizeof big);
	CHECK_INT(group_item_parse(big, sizeof big - 1, &it), ERR_PROTO);
	/* no type */
	s = make_item("{\"g\":\"" GID "\"}");
	CHECK_INT(group_item_parse(s, strlen(s), &it), ERR_PROTO);
	free(s);
	/* an embedded NUL in the body */
	s = make_item("{\"t\":\"msg\\u0000\",\"g\":\"" GID "\"}");
	CHECK_INT(group_item_parse(s, strlen(s), &it), ERR_PROTO);
	free(s);
}

/* One key per step; the chain never repeats a key. */
static void
test_group_chain(void)
{
	uint8_t ck[32] = { 1 }, ck2[32] = { 1 }, mk1[32], mk2[32], mk3[32];

	group_chain_step(ck, mk1);
	group_chain_step(ck, mk2);
	group_chain_step(ck2, mk3);
	CHECK(memcmp(mk1, mk2, 32) != 0);
	CHECK_MEM(mk1, mk3, 32);
	CHECK(memcmp(ck, mk2, 32) != 0);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	RUN(test_group_item_roundtrip);
	RUN(test_group_item_altered);
	RUN(test_group_item_bad);
	RUN(test_group_chain);
	return TEST_EXIT();
}
