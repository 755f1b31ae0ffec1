/* seal.c -- XChaCha20-Poly1305 sealed column values bound to their cell. */
#include <string.h>

#include <sodium.h>

#include "store/seal.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/xmalloc.h"

#define SEAL_LABEL_1 "warren/1 seal "
#define SEAL_LABEL "warren/2 seal "

/*
 * The AD naming a cell: label, table, NUL, column, NUL, row, and from
 * version 2 on the owner and direction.
 */
int
seal_ad_v(uint8_t ad[SEAL_AD_MAX], int version, const char *table,
    const char *column, int64_t row, int64_t owner, int64_t dir)
{
	size_t tl, cl, n = 0;

	if (table == NULL || column == NULL)
		return ERR_INVAL;
	tl = strlen(table);
	cl = strlen(column);
	if (tl == 0 || tl > SEAL_NAME_MAX || cl == 0 || cl > SEAL_NAME_MAX)
		return ERR_INVAL;
	/* Both labels have the same length. */
	memcpy(ad, version == SEAL_VERSION_1 ? SEAL_LABEL_1 : SEAL_LABEL,
	    sizeof SEAL_LABEL - 1);
	n += sizeof SEAL_LABEL - 1;
	memcpy(ad + n, table, tl + 1);
	n += tl + 1;
	memcpy(ad + n, column, cl + 1);
	n += cl + 1;
	store_be64(ad + n, (uint64_t)row);
	n += 8;
	if (version == SEAL_VERSION_1)
		return (int)n;
	store_be64(ad + n, (uint64_t)owner);
	store_be64(ad + n + 8, (uint64_t)dir);
	return (int)(n + 16);
}

/* The current AD of a cell without owner. */
int
seal_ad(uint8_t ad[SEAL_AD_MAX], const char *table, const char *column,
    int64_t row)
{
	return seal_ad_v(ad, SEAL_VERSION, table, column, row, SEAL_NONE,
	    SEAL_NONE);
}

/* Seal len bytes for one cell. */
int
seal_box_ctx(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, int64_t owner, int64_t dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len)
{
	uint8_t ad[SEAL_AD_MAX], *b;
	int adlen;

	*out = NULL;
	*out_len = 0;
	if (len > SEAL_MAX)
		return ERR_TOOBIG;
	if (in == NULL && len != 0)
		return ERR_INVAL;
	if ((adlen = seal_ad_v(ad, SEAL_VERSION, table, column, row, owner,
	    dir)) < 0)
		return adlen;
	b = xmalloc(SEAL_OVERHEAD + len);
	b[0] = SEAL_VERSION;
	randombytes_buf(b + 1, SEAL_NONCE_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt(b + 1 + SEAL_NONCE_LEN,
	    NULL, in, len, ad, (unsigned long long)adlen, NULL, b + 1, key);
	*out = b;
	*out_len = SEAL_OVERHEAD + len;
	return 0;
}

/* Seal a cell without owner. */
int
seal_box(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, const void *in, size_t len,
    uint8_t **out, size_t *out_len)
{
	return seal_box_ctx(key, table, column, row, SEAL_NONE, SEAL_NONE,
	    in, len, out, out_len);
}

/* Open a value of the given version for one cell. */
static int
seal_open_v(const uint8_t key[SEAL_KEY_LEN], int version, const char *table,
    const char *column, int64_t row, int64_t owner, int64_t dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len)
{
	const uint8_t *b = in;
	uint8_t ad[SEAL_AD_MAX], *p;
	size_t n;
	int adlen;

	*out = NULL;
	*out_len = 0;
	if ((adlen = seal_ad_v(ad, version, table, column, row, owner,
	    dir)) < 0)
		return adlen;
	if (b == NULL || len < SEAL_OVERHEAD)
		return ERR_AUTH;
	if (b[0] != version)
		return ERR_UNSUPPORTED;
	if (len > SEAL_OVERHEAD + SEAL_MAX)
		return ERR_TOOBIG;
	n = len - SEAL_OVERHEAD;
	p = xmalloc(n + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(p, NULL, NULL,
	    b + 1 + SEAL_NONCE_LEN, len - 1 - SEAL_NONCE_LEN, ad,
	    (unsigned long long)adlen, b + 1, key) != 0) {
		secret_free(p, n + 1);
		return ERR_AUTH;
	}
	p[n] = '\0';
	*out = p;
	*out_len = n;
	return 0;
}

/* Open a cell that names its owner and direction. */
int
seal_open_ctx(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, int64_t owner, int64_t dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len)
{
	return seal_open_v(key, SEAL_VERSION, table, column, row, owner, dir,
	    in, len, out, out_len);
}

/* Open a cell without owner. */
int
seal_open(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, const void *in, size_t len,
    uint8_t **out, size_t *out_len)
{
	return seal_open_v(key, SEAL_VERSION, table, column, row, SEAL_NONE,
	    SEAL_NONE, in, len, out, out_len);
}

/* Open a version 1 value. */
int
seal_open_v1(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, const void *in, size_t len,
    uint8_t **out, size_t *out_len)
{
	return seal_open_v(key, SEAL_VERSION_1, table, column, row, SEAL_NONE,
	    SEAL_NONE, in, len, out, out_len);
}
