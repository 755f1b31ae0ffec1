/*
 * group_parse.c -- group items (the body of PLAIN_GROUP_ITEM) taken apart
 * and their signatures checked. No I/O, no node: fuzzed alone.
 */
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/groups.h"
#include "util/err.h"
#include "util/utf8.h"

#define SIG_LABEL "warren/1 group item "

/* Exactly n bytes of lowercase hex into out. */
static int
hex_exact(json_t *v, uint8_t *out, size_t n)
{
	const char *s;
	size_t bin;

	if (!json_is_string(v) || json_string_length(v) != 2 * n)
		return ERR_PROTO;
	s = json_string_value(v);
	if (sodium_hex2bin(out, n, s, 2 * n, NULL, &bin, NULL) != 0 ||
	    bin != n)
		return ERR_PROTO;
	return 0;
}

/* Parse and check the shape of an item. */
int
group_item_parse(const char *buf, size_t len, struct group_item *it)
{
	json_error_t je;
	json_t *b, *t, *g;
	uint8_t bg[32];

	memset(it, 0, sizeof *it);
	if (len == 0 || len > GROUP_ITEM_MAX)
		return ERR_PROTO;
	it->outer = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(it->outer) || json_object_size(it->outer) != 4)
		goto bad;
	if (hex_exact(json_object_get(it->outer, "g"), it->gid, 32) != 0 ||
	    hex_exact(json_object_get(it->outer, "k"), it->signer, 32) != 0 ||
	    hex_exact(json_object_get(it->outer, "s"), it->sig, 64) != 0)
		goto bad;
	b = json_object_get(it->outer, "b");
	if (!json_is_string(b) || json_string_length(b) == 0)
		goto bad;
	it->b = json_string_value(b);
	it->blen = json_string_length(b);
	if (memchr(it->b, '\0', it->blen) != NULL)
		goto bad;
	it->body = json_loadb(it->b, it->blen, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(it->body))
		goto bad;
	t = json_object_get(it->body, "t");
	g = json_object_get(it->body, "g");
	if (!json_is_string(t) || hex_exact(g, bg, 32) != 0 ||
	    memcmp(bg, it->gid, 32) != 0)
		goto bad;
	it->type = json_string_value(t);
	return 0;
bad:
	group_item_free(it);
	return ERR_PROTO;
}

/* Check the signer's signature over SIG_LABEL || b. */
int
group_item_verify(const struct group_item *it)
{
	crypto_sign_state st;

	crypto_sign_init(&st);
	crypto_sign_update(&st, (const uint8_t *)SIG_LABEL,
	    sizeof SIG_LABEL - 1);
	crypto_sign_update(&st, (const uint8_t *)it->b, it->blen);
	if (crypto_sign_final_verify(&st, it->sig, it->signer) != 0)
		return ERR_AUTH;
	return 0;
}

void
group_item_free(struct group_item *it)
{
	json_decref(it->body);
	json_decref(it->outer);
	memset(it, 0, sizeof *it);
}

/* ck' = BLAKE2b_ck("ck"), mk = BLAKE2b_ck("mk"): one key per message. */
void
group_chain_step(uint8_t ck[32], uint8_t mk[32])
{
	uint8_t next[32];

	crypto_generichash(mk, 32, (const uint8_t *)"warren/1 group mk", 17,
	    ck, 32);
	crypto_generichash(next, 32, (const uint8_t *)"warren/1 group ck", 17,
	    ck, 32);
	memcpy(ck, next, 32);
	sodium_memzero(next, sizeof next);
}
