/*
 * keyfile.c -- encode, parse, wrap and unwrap the storage key file
 * (format in keyfile.h). No I/O: store_key.c reads and writes the file.
 */
#include <string.h>

#include <sodium.h>

#include "store/keyfile.h"
#include "util/bytes.h"
#include "util/err.h"

/* The 6-byte prefix every key file starts with. */
static void
keyfile_prefix(uint8_t *p, int type)
{
	memcpy(p, KEYFILE_MAGIC, 4);
	p[4] = KEYFILE_VERSION;
	p[5] = (uint8_t)type;
}

/* The check value of a raw file: BLAKE2b-128 over prefix and key. */
static void
keyfile_check(uint8_t check[KEYFILE_CHECK_LEN], const uint8_t *p)
{
	crypto_generichash(check, KEYFILE_CHECK_LEN, p, 6 + KEYFILE_KEY_LEN,
	    NULL, 0);
}

/* Write the header of a wrapped file (the AEAD's AD). */
static void
keyfile_header(const struct keyfile *kf, uint8_t h[KEYFILE_HEADER_LEN])
{
	keyfile_prefix(h, KEYFILE_WRAPPED);
	store_be32(h + 6, kf->opslimit);
	store_be64(h + 10, kf->memlimit);
	memcpy(h + 18, kf->salt, KEYFILE_SALT_LEN);
	memcpy(h + 18 + KEYFILE_SALT_LEN, kf->nonce, KEYFILE_NONCE_LEN);
}

/* Parse a key file; see keyfile.h. */
int
keyfile_parse(struct keyfile *kf, const uint8_t *buf, size_t len,
    const char **why)
{
	uint8_t check[KEYFILE_CHECK_LEN];
	const uint8_t *p;

	memset(kf, 0, sizeof *kf);
	*why = NULL;
	if (len < 6 || memcmp(buf, KEYFILE_MAGIC, 4) != 0) {
		*why = "not a warren key file (bad magic)";
		return ERR_INVAL;
	}
	if (buf[4] != KEYFILE_VERSION) {
		*why = "unknown key file version";
		return ERR_UNSUPPORTED;
	}
	switch (buf[5]) {
	case KEYFILE_RAW:
		if (len != KEYFILE_RAW_LEN) {
			*why = "raw key file has the wrong size";
			return ERR_INVAL;
		}
		keyfile_check(check, buf);
		if (sodium_memcmp(check, buf + 6 + KEYFILE_KEY_LEN,
		    sizeof check) != 0) {
			*why = "raw key file is corrupt (check value)";
			return ERR_INVAL;
		}
		kf->type = KEYFILE_RAW;
		memcpy(kf->key, buf + 6, KEYFILE_KEY_LEN);
		return 0;
	case KEYFILE_WRAPPED:
		if (len != KEYFILE_WRAPPED_LEN) {
			*why = "wrapped key file has the wrong size";
			return ERR_INVAL;
		}
		p = buf + 6;
		kf->opslimit = load_be32(p);
		kf->memlimit = load_be64(p + 4);
		if (kf->opslimit < crypto_pwhash_OPSLIMIT_MIN ||
		    kf->opslimit > KEYFILE_OPS_MAX ||
		    kf->memlimit < crypto_pwhash_MEMLIMIT_MIN ||
		    kf->memlimit > KEYFILE_MEM_MAX) {
			memset(kf, 0, sizeof *kf);
			*why = "Argon2id limits out of range";
			return ERR_INVAL;
		}
		p += 12;
		memcpy(kf->salt, p, KEYFILE_SALT_LEN);
		p += KEYFILE_SALT_LEN;
		memcpy(kf->nonce, p, KEYFILE_NONCE_LEN);
		p += KEYFILE_NONCE_LEN;
		memcpy(kf->box, p, KEYFILE_BOX_LEN);
		kf->type = KEYFILE_WRAPPED;
		return 0;
	default:
		*why = "unknown key file type";
		return ERR_UNSUPPORTED;
	}
}

/* Serialize a key file. */
size_t
keyfile_encode(const struct keyfile *kf, uint8_t out[KEYFILE_MAX_LEN])
{
	if (kf->type == KEYFILE_RAW) {
		keyfile_prefix(out, KEYFILE_RAW);
		memcpy(out + 6, kf->key, KEYFILE_KEY_LEN);
		keyfile_check(out + 6 + KEYFILE_KEY_LEN, out);
		return KEYFILE_RAW_LEN;
	}
	keyfile_header(kf, out);
	memcpy(out + KEYFILE_HEADER_LEN, kf->box, KEYFILE_BOX_LEN);
	return KEYFILE_WRAPPED_LEN;
}

/* Fill a raw key file. */
void
keyfile_make_raw(struct keyfile *kf, const uint8_t key[KEYFILE_KEY_LEN])
{
	memset(kf, 0, sizeof *kf);
	kf->type = KEYFILE_RAW;
	memcpy(kf->key, key, KEYFILE_KEY_LEN);
}

/* Derive the wrapping key from a passphrase with kf's salt and limits. */
static int
keyfile_kek(const struct keyfile *kf, const char *pass,
    uint8_t kek[crypto_aead_xchacha20poly1305_ietf_KEYBYTES])
{
	size_t n;

	if (pass == NULL || (n = strlen(pass)) == 0)
		return ERR_INVAL;
	if (n > KEYFILE_PASS_MAX)
		return ERR_TOOBIG;
	if (crypto_pwhash(kek, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
	    pass, n, kf->salt, kf->opslimit, (size_t)kf->memlimit,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ERR_NOMEM;	/* the only way Argon2id fails */
	return 0;
}

/* Wrap key under a passphrase. */
int
keyfile_wrap(struct keyfile *kf, const uint8_t key[KEYFILE_KEY_LEN],
    const char *pass, uint32_t opslimit, uint64_t memlimit)
{
	uint8_t kek[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t h[KEYFILE_HEADER_LEN];
	int r;

	memset(kf, 0, sizeof *kf);
	kf->type = KEYFILE_WRAPPED;
	kf->opslimit = opslimit;
	kf->memlimit = memlimit;
	randombytes_buf(kf->salt, sizeof kf->salt);
	randombytes_buf(kf->nonce, sizeof kf->nonce);
	if ((r = keyfile_kek(kf, pass, kek)) != 0)
		goto out;
	keyfile_header(kf, h);
	crypto_aead_xchacha20poly1305_ietf_encrypt(kf->box, NULL, key,
	    KEYFILE_KEY_LEN, h, sizeof h, NULL, kf->nonce, kek);
out:
	sodium_memzero(kek, sizeof kek);
	return r;
}

/* Unwrap the key with a passphrase. */
int
keyfile_unwrap(const struct keyfile *kf, const char *pass,
    uint8_t key[KEYFILE_KEY_LEN])
{
	uint8_t kek[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t h[KEYFILE_HEADER_LEN];
	int r;

	if (kf->type != KEYFILE_WRAPPED)
		return ERR_STATE;
	if ((r = keyfile_kek(kf, pass, kek)) != 0) {
		if (r == ERR_INVAL || r == ERR_TOOBIG)
			r = ERR_PASSPHRASE;	/* we never wrap with such */
		goto out;
	}
	keyfile_header(kf, h);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(key, NULL, NULL,
	    kf->box, sizeof kf->box, h, sizeof h, kf->nonce, kek) != 0) {
		sodium_memzero(key, KEYFILE_KEY_LEN);
		r = ERR_PASSPHRASE;
	}
out:
	sodium_memzero(kek, sizeof kek);
	return r;
}
