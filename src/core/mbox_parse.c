/*
 * mbox_parse.c -- the pure parts of mailboxes: credential hashes, sealing
 * and opening deposited blobs, pairing codes and grants. No I/O.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "warren/limits.h"
#include "core/mbox.h"
#include "net/wire.h"
#include "util/err.h"

#define TOKEN_CTX	"warren/1 mailbox token"
#define KEY_CTX		"warren/1 mailbox key"
#define PAIR_CTX	"warren/1 mailbox pair"
#define BLOB_AD		"warren/1 mailbox blob"
#define AUTH_CTX_OWNER	"warren/1 mailbox auth owner"
#define AUTH_CTX_DEP	"warren/1 mailbox auth depositors"

/* Client authorization keys derived from the owner's credential. */
void
mbox_auth_keys(const uint8_t owner_secret[MBOX_SECRET_LEN], int which,
    uint8_t priv[MBOX_AUTH_LEN], uint8_t pub[MBOX_AUTH_LEN])
{
	const char *ctx = which == 0 ? AUTH_CTX_OWNER : AUTH_CTX_DEP;

	crypto_generichash(priv, MBOX_AUTH_LEN, (const uint8_t *)ctx,
	    strlen(ctx), owner_secret, MBOX_SECRET_LEN);
	/* tor clamps the scalar as crypto_scalarmult_base does. */
	crypto_scalarmult_base(pub, priv);
}

/* What a credential's holder shows the mailbox. */
void
mbox_token(const uint8_t secret[MBOX_SECRET_LEN], uint8_t token[MBOX_TOKEN_LEN])
{
	crypto_generichash(token, MBOX_TOKEN_LEN, (const uint8_t *)TOKEN_CTX,
	    sizeof TOKEN_CTX - 1, secret, MBOX_SECRET_LEN);
}

/* What the mailbox keeps of a token: its hash. */
void
mbox_tag(const uint8_t token[MBOX_TOKEN_LEN], uint8_t tag[MBOX_TAG_LEN])
{
	crypto_generichash(tag, MBOX_TAG_LEN, token, MBOX_TOKEN_LEN, NULL, 0);
}

/* The stored form of a pairing secret. */
void
mbox_pair_hash(const uint8_t *secret, size_t len, uint8_t out[32])
{
	crypto_generichash(out, 32, secret, len, (const uint8_t *)PAIR_CTX,
	    sizeof PAIR_CTX - 1);
}

/* The blob key: only the owner and the credential's holder know it. */
static void
mbox_key(const uint8_t secret[MBOX_SECRET_LEN], uint8_t key[32])
{
	crypto_generichash(key, 32, (const uint8_t *)KEY_CTX,
	    sizeof KEY_CTX - 1, secret, MBOX_SECRET_LEN);
}

/* Seal an MSG frame as a padded blob. */
int
mbox_blob_seal(const uint8_t secret[MBOX_SECRET_LEN],
    const struct wire_msg *msg, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t pt[MBOX_BLOB_MAX_PT], key[32];
	unsigned long long clen;
	size_t plen, padded;
	int r;

	*len = 0;
	if (msg->type != WIRE_MSG)
		return ERR_INVAL;
	if ((r = wire_encode(msg, pt, sizeof pt, &plen)) != 0)
		return r;
	if (sodium_pad(&padded, pt, plen, MBOX_BLOB_PAD, sizeof pt) != 0)
		return ERR_TOOBIG;
	if (cap < padded + MBOX_BLOB_OVERHEAD)
		return ERR_TOOBIG;
	randombytes_buf(out, MBOX_NONCE_LEN);
	mbox_key(secret, key);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + MBOX_NONCE_LEN, &clen,
	    pt, padded, (const uint8_t *)BLOB_AD, sizeof BLOB_AD - 1, NULL,
	    out, key);
	sodium_memzero(key, sizeof key);
	*len = MBOX_NONCE_LEN + (size_t)clen;
	return 0;
}

/* Open a blob and decode its MSG frame (pointers into buf). */
int
mbox_blob_open(const uint8_t secret[MBOX_SECRET_LEN], const uint8_t *blob,
    size_t len, uint8_t *buf, struct wire_msg *m)
{
	uint8_t key[32];
	unsigned long long plen;
	size_t ulen;
	int r;

	memset(m, 0, sizeof *m);
	if (len < MBOX_BLOB_OVERHEAD + MBOX_BLOB_PAD ||
	    len > MBOX_BLOB_OVERHEAD + MBOX_BLOB_MAX_PT)
		return ERR_PROTO;
	mbox_key(secret, key);
	r = crypto_aead_xchacha20poly1305_ietf_decrypt(buf, &plen, NULL,
	    blob + MBOX_NONCE_LEN, len - MBOX_NONCE_LEN,
	    (const uint8_t *)BLOB_AD, sizeof BLOB_AD - 1, blob, key);
	sodium_memzero(key, sizeof key);
	if (r != 0)
		return ERR_AUTH;
	if (plen % MBOX_BLOB_PAD != 0 ||
	    sodium_unpad(&ulen, buf, (size_t)plen, MBOX_BLOB_PAD) != 0)
		return ERR_PROTO;
	if ((r = wire_decode(buf, ulen, m)) != 0 || m->type != WIRE_MSG) {
		memset(m, 0, sizeof *m);
		return ERR_PROTO;
	}
	return 0;
}

/* Exactly n lower-case hex digits into out (n / 2 bytes). */
static int
mbox_hex(const char *s, size_t n, uint8_t *out)
{
	size_t i, got;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return ERR_INVAL;
	if (sodium_hex2bin(out, n / 2, s, n, NULL, &got, NULL) != 0 ||
	    got != n / 2)
		return ERR_INVAL;
	return 0;
}

/* A 56-character onion (checked) at s into onion. */
static int
mbox_onion(const char *s, char onion[ONION_LEN + 1])
{
	char tmp[ONION_LEN + 1];

	memcpy(tmp, s, ONION_LEN);
	tmp[ONION_LEN] = '\0';
	return onion_parse(tmp, NULL, onion) == 0 ? 0 : ERR_INVAL;
}

/* A pairing code. */
int
mbox_code_parse(const char *s, char onion[ONION_LEN + 1],
    uint8_t secret[MBOX_PAIR_LEN], uint8_t auth[MBOX_AUTH_LEN])
{
	size_t plen = sizeof MBOX_CODE_PREFIX - 1;
	size_t apos = plen + ONION_LEN + 1 + 2 * MBOX_PAIR_LEN;

	if (strlen(s) != MBOX_CODE_LEN ||
	    strncmp(s, MBOX_CODE_PREFIX, plen) != 0 ||
	    s[plen + ONION_LEN] != '-' || s[apos] != '-')
		return ERR_INVAL;
	if (mbox_onion(s + plen, onion) != 0 ||
	    mbox_hex(s + plen + ONION_LEN + 1, 2 * MBOX_PAIR_LEN, secret) != 0)
		return ERR_INVAL;
	return mbox_hex(s + apos + 1, 2 * MBOX_AUTH_LEN, auth);
}

/* A grant body. */
int
mbox_grant_parse(const char *s, size_t len, char onion[ONION_LEN + 1],
    uint8_t secret[MBOX_SECRET_LEN], uint8_t auth[MBOX_AUTH_LEN])
{
	size_t plen = sizeof MBOX_GRANT_PREFIX - 1;
	size_t apos = plen + ONION_LEN + 1 + 2 * MBOX_SECRET_LEN;

	if (len == sizeof MBOX_GRANT_NONE - 1 &&
	    memcmp(s, MBOX_GRANT_NONE, len) == 0)
		return 0;
	if (len != apos + 1 + 2 * MBOX_AUTH_LEN ||
	    memcmp(s, MBOX_GRANT_PREFIX, plen) != 0 ||
	    s[plen + ONION_LEN] != ' ' || s[apos] != ' ')
		return ERR_PROTO;
	if (mbox_onion(s + plen, onion) != 0 ||
	    mbox_hex(s + plen + ONION_LEN + 1, 2 * MBOX_SECRET_LEN,
	    secret) != 0 || mbox_hex(s + apos + 1, 2 * MBOX_AUTH_LEN,
	    auth) != 0)
		return ERR_PROTO;
	return 1;
}
