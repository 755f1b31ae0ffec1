/* fileproto.c -- file offers, open requests, chunk records. No I/O. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/fileproto.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/utf8.h"

#define TOKEN_CTX	"warren/files token"
#define CHUNK_KEY_CTX	"warren/files chunk key"
#define CHUNK_AD_CTX	"warren/files chunk"
#define CHUNK_AD_LEN	(sizeof CHUNK_AD_CTX - 1 + FILE_ID_LEN + 16)

/* A single file name: no separators, no controls, not "." or "..". */
int
file_name_ok(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > FILE_MAX_NAME)
		return ERR_INVAL;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return ERR_INVAL;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch < 0x20 || ch == 0x7f || ch == '/' || ch == '\\')
			return ERR_INVAL;
	}
	if (utf8_check(name, len, 0) != 0)
		return ERR_INVAL;
	return 0;
}

/* type/subtype, printable ASCII of a small set. */
int
file_type_ok(const char *type, size_t len)
{
	size_t i;

	if (len == 0 || len > FILE_MAX_TYPE)
		return ERR_INVAL;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)type[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '+' ||
		    ch == '-' || ch == '/'))
			return ERR_INVAL;
	}
	return 0;
}

/* The offer line. */
int
file_offer_encode(const struct file_offer *o, char *out, size_t cap,
    size_t *len)
{
	char id[FILE_ID_LEN * 2 + 1], hash[FILE_HASH_LEN * 2 + 1];
	char key[FILE_KEY_LEN * 2 + 1];
	int n;

	if (o->size > FILE_MAX_SIZE)
		return ERR_TOOBIG;
	if (file_name_ok(o->name, strlen(o->name)) != 0 ||
	    file_type_ok(o->type, strlen(o->type)) != 0)
		return ERR_INVAL;
	sodium_bin2hex(id, sizeof id, o->id, sizeof o->id);
	sodium_bin2hex(hash, sizeof hash, o->hash, sizeof o->hash);
	sodium_bin2hex(key, sizeof key, o->key, sizeof o->key);
	n = snprintf(out, cap, FILE_OFFER_PREFIX "%s %" PRIu64 " %s %s %s %s",
	    id, o->size, hash, key, o->type, o->name);
	sodium_memzero(key, sizeof key);
	if (n < 0 || (size_t)n >= cap)
		return ERR_TOOBIG;
	*len = (size_t)n;
	return 0;
}

/* One space-terminated field of exactly want lower-case hex digits. */
static int
offer_hex(const char **p, const char *end, uint8_t *out, size_t outlen)
{
	size_t bin_len, i;

	if ((size_t)(end - *p) < outlen * 2 + 1 || (*p)[outlen * 2] != ' ')
		return ERR_PROTO;
	/* One spelling only: what decodes re-encodes to the same bytes. */
	for (i = 0; i < outlen * 2; i++)
		if (!(((*p)[i] >= '0' && (*p)[i] <= '9') ||
		    ((*p)[i] >= 'a' && (*p)[i] <= 'f')))
			return ERR_PROTO;
	if (sodium_hex2bin(out, outlen, *p, outlen * 2, NULL, &bin_len,
	    NULL) != 0 || bin_len != outlen)
		return ERR_PROTO;
	*p += outlen * 2 + 1;
	return 0;
}

/* Decode strictly. */
int
file_offer_decode(const char *body, size_t len, struct file_offer *o)
{
	const char *p = body, *end = body + len, *sp;
	uint64_t size = 0;
	size_t n;
	int r;

	memset(o, 0, sizeof *o);
	n = sizeof FILE_OFFER_PREFIX - 1;
	if (len < n || len > FILE_OFFER_MAX || memcmp(p, FILE_OFFER_PREFIX,
	    n) != 0)
		return ERR_PROTO;
	p += n;
	if ((r = offer_hex(&p, end, o->id, sizeof o->id)) != 0)
		goto fail;
	/* Decimal size: 1..20 digits, no sign, no leading zero. */
	for (n = 0; p + n < end && p[n] >= '0' && p[n] <= '9'; n++) {
		if (n == 20 || (n == 1 && p[0] == '0'))
			goto proto;
		if (size > (UINT64_MAX - (uint64_t)(p[n] - '0')) / 10)
			goto toobig;
		size = size * 10 + (uint64_t)(p[n] - '0');
	}
	if (n == 0 || p + n >= end || p[n] != ' ')
		goto proto;
	p += n + 1;
	if ((r = offer_hex(&p, end, o->hash, sizeof o->hash)) != 0 ||
	    (r = offer_hex(&p, end, o->key, sizeof o->key)) != 0)
		goto fail;
	if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
		goto proto;
	if (file_type_ok(p, (size_t)(sp - p)) != 0)
		goto proto;
	memcpy(o->type, p, (size_t)(sp - p));
	p = sp + 1;
	if (memchr(p, '\0', (size_t)(end - p)) != NULL ||
	    file_name_ok(p, (size_t)(end - p)) != 0) {
		r = ERR_INVAL;
		goto fail;
	}
	memcpy(o->name, p, (size_t)(end - p));
	if (size > FILE_MAX_SIZE)
		goto toobig;
	o->size = size;
	return 0;
proto:
	r = ERR_PROTO;
	goto fail;
toobig:
	r = ERR_TOOBIG;
fail:
	sodium_memzero(o, sizeof *o);
	return r;
}

uint64_t
file_nchunks(uint64_t size)
{
	return size / FILE_CHUNK + (size % FILE_CHUNK != 0);
}

size_t
file_chunk_len(uint64_t size, uint64_t idx)
{
	uint64_t off = idx * FILE_CHUNK;

	if (off >= size)
		return 0;
	return size - off >= FILE_CHUNK ? FILE_CHUNK : (size_t)(size - off);
}

/* Keyed BLAKE2b-256 of ctx || extra. */
static void
file_kdf(const uint8_t key[FILE_KEY_LEN], const char *ctx,
    const uint8_t *extra, size_t extra_len, uint8_t out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, FILE_KEY_LEN, 32);
	crypto_generichash_update(&st, (const uint8_t *)ctx, strlen(ctx));
	if (extra_len > 0)
		crypto_generichash_update(&st, extra, extra_len);
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(&st, sizeof st);
}

void
file_token(const uint8_t key[FILE_KEY_LEN], const uint8_t id[FILE_ID_LEN],
    uint8_t tok[FILE_TOKEN_LEN])
{
	file_kdf(key, TOKEN_CTX, id, FILE_ID_LEN, tok);
}

void
file_open_encode(const uint8_t id[FILE_ID_LEN], uint64_t first,
    const uint8_t tok[FILE_TOKEN_LEN], uint8_t out[FILE_OPEN_LEN])
{
	memcpy(out, FILE_MAGIC, 4);
	memcpy(out + 4, id, FILE_ID_LEN);
	store_be64(out + 4 + FILE_ID_LEN, first);
	memcpy(out + 4 + FILE_ID_LEN + 8, tok, FILE_TOKEN_LEN);
}

int
file_open_decode(const uint8_t *in, size_t len, uint8_t id[FILE_ID_LEN],
    uint64_t *first, uint8_t tok[FILE_TOKEN_LEN])
{
	if (len >= 4 && memcmp(in, FILE_MAGIC, 4) != 0)
		return ERR_PROTO;
	if (len < FILE_OPEN_LEN)
		return ERR_AGAIN;
	memcpy(id, in + 4, FILE_ID_LEN);
	*first = load_be64(in + 4 + FILE_ID_LEN);
	memcpy(tok, in + 4 + FILE_ID_LEN + 8, FILE_TOKEN_LEN);
	return 0;
}

/* The AD of chunk idx. */
static void
chunk_ad(uint8_t ad[CHUNK_AD_LEN], const uint8_t id[FILE_ID_LEN],
    uint64_t size, uint64_t idx)
{
	size_t n = sizeof CHUNK_AD_CTX - 1;

	memcpy(ad, CHUNK_AD_CTX, n);
	memcpy(ad + n, id, FILE_ID_LEN);
	store_be64(ad + n + FILE_ID_LEN, idx);
	store_be64(ad + n + FILE_ID_LEN + 8, size);
}

void
file_chunk_seal(const uint8_t key[FILE_KEY_LEN],
    const uint8_t id[FILE_ID_LEN], uint64_t size, uint64_t idx,
    const uint8_t *pt, uint8_t *out)
{
	uint8_t ck[32], ad[CHUNK_AD_LEN];
	size_t len = file_chunk_len(size, idx);

	file_kdf(key, CHUNK_KEY_CTX, NULL, 0, ck);
	chunk_ad(ad, id, size, idx);
	/* Random nonces: a source that changes on disk never reuses one. */
	randombytes_buf(out, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 24, NULL, pt, len,
	    ad, sizeof ad, NULL, out, ck);
	sodium_memzero(ck, sizeof ck);
}

int
file_chunk_open(const uint8_t key[FILE_KEY_LEN],
    const uint8_t id[FILE_ID_LEN], uint64_t size, uint64_t idx,
    const uint8_t *rec, size_t rec_len, uint8_t *pt)
{
	uint8_t ck[32], ad[CHUNK_AD_LEN];
	size_t len;
	int r;

	if (idx >= file_nchunks(size))
		return ERR_PROTO;
	len = file_chunk_len(size, idx);
	if (rec_len != len + FILE_REC_OVERHEAD)
		return ERR_PROTO;
	file_kdf(key, CHUNK_KEY_CTX, NULL, 0, ck);
	chunk_ad(ad, id, size, idx);
	r = crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL,
	    rec + 24, rec_len - 24, ad, sizeof ad, rec, ck) == 0 ? 0 :
	    ERR_AUTH;
	sodium_memzero(ck, sizeof ck);
	return r;
}
