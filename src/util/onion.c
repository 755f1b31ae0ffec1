/*
 * onion.c -- v3 onion addresses (rend-spec-v3 §6): an Ed25519 public key,
 * a SHA3-256 checksum and the version, in base32. Pure; here (not in
 * crypto) so that src/tor can name the onions it adds.
 */
#include <string.h>
#include <strings.h>

#include <nettle/sha3.h>
#include <sodium.h>

#include "util/base32.h"
#include "util/err.h"
#include "util/onion.h"

#define ONION_VERSION		3
/* pk 32 || checksum 2 || version 1 */
#define ONION_RAW_LEN		35
#define ONION_SUFFIX		".onion"
#define ONION_SUFFIX_LEN	6
#define ONION_CSUM_PREFIX	".onion checksum"
#define ONION_V2_LEN		16

/* The two checksum bytes of an onion address for pk. */
static void
onion_checksum(uint8_t out[2], const uint8_t pk[32])
{
	struct sha3_256_ctx ctx;
	uint8_t digest[SHA3_256_DIGEST_SIZE], version = ONION_VERSION;

	sha3_256_init(&ctx);
	sha3_256_update(&ctx, sizeof ONION_CSUM_PREFIX - 1,
	    (const uint8_t *)ONION_CSUM_PREFIX);
	sha3_256_update(&ctx, 32, pk);
	sha3_256_update(&ctx, 1, &version);
	sha3_256_digest(&ctx, sizeof digest, digest);
	memcpy(out, digest, 2);
}

/* Onion address of an Ed25519 public key. */
void
onion_from_pk(char out[ONION_LEN + 1], const uint8_t pk[32])
{
	uint8_t raw[ONION_RAW_LEN];

	memcpy(raw, pk, 32);
	onion_checksum(raw + 32, pk);
	raw[34] = ONION_VERSION;
	base32_encode(out, raw, sizeof raw);
}

/* Is c a base32 digit (either case)? */
static int
is_b32(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '2' && c <= '7');
}

/* Is s (len bytes) a v2 address: 16 base32 digits, optional ".onion"? */
static int
onion_v2_len(const char *s, size_t len)
{
	size_t i;

	if (len == ONION_V2_LEN + ONION_SUFFIX_LEN &&
	    strncasecmp(s + ONION_V2_LEN, ONION_SUFFIX, ONION_SUFFIX_LEN) == 0)
		len = ONION_V2_LEN;
	if (len != ONION_V2_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!is_b32((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Parse and check a user-typed onion address. */
int
onion_parse(const char *s, uint8_t pk[32], char norm[ONION_LEN + 1])
{
	uint8_t raw[ONION_RAW_LEN], csum[2];
	size_t len, i;

	if (s == NULL)
		return ERR_INVAL;
	len = strnlen(s, ONION_LEN + ONION_SUFFIX_LEN + 1);
	if (len == ONION_LEN + ONION_SUFFIX_LEN &&
	    strncasecmp(s + ONION_LEN, ONION_SUFFIX, ONION_SUFFIX_LEN) == 0)
		len = ONION_LEN;
	if (len != ONION_LEN)
		return onion_v2_len(s, len) ? ERR_ADDR_V2 : ERR_ADDR_LEN;
	if (base32_decode(raw, sizeof raw, s, len) != ONION_RAW_LEN)
		return ERR_ADDR_BASE32;
	if (raw[34] != ONION_VERSION)
		return ERR_ADDR_VERSION;
	onion_checksum(csum, raw);
	if (memcmp(csum, raw + 32, 2) != 0)
		return ERR_ADDR_CHECKSUM;
	if (crypto_core_ed25519_is_valid_point(raw) != 1)
		return ERR_ADDR_POINT;
	if (pk != NULL)
		memcpy(pk, raw, 32);
	if (norm != NULL) {
		for (i = 0; i < ONION_LEN; i++) {
			norm[i] = s[i];
			if (norm[i] >= 'A' && norm[i] <= 'Z')
				norm[i] = (char)(norm[i] - 'A' + 'a');
		}
		norm[ONION_LEN] = '\0';
	}
	return 0;
}
