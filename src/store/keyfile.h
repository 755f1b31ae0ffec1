/*
 * keyfile.h -- the storage key file format (DIR/storage.key). Pure: no I/O.
 *
 * Every file starts with "WRNK" and a version byte (1), then a type byte:
 *   raw (0):     key[32] check[16]          check = BLAKE2b-128(all before)
 *   wrapped (1): opslimit u32 BE, memlimit u64 BE, salt[16], nonce[24],
 *                box[48] = XChaCha20-Poly1305(key) under
 *                Argon2id13(passphrase, salt, opslimit, memlimit),
 *                AD = every byte before box (the header).
 * Sizes are exact; the Argon2id limits are bounded so that a file on disk
 * cannot make us allocate or spin without limit.
 */
#ifndef WARREN_STORE_KEYFILE_H
#define WARREN_STORE_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define KEYFILE_KEY_LEN		32
#define KEYFILE_MAGIC		"WRNK"
#define KEYFILE_VERSION		1
#define KEYFILE_RAW		0
#define KEYFILE_WRAPPED		1
#define KEYFILE_SALT_LEN	16
#define KEYFILE_NONCE_LEN	24
#define KEYFILE_CHECK_LEN	16
#define KEYFILE_BOX_LEN		(KEYFILE_KEY_LEN + 16)
#define KEYFILE_RAW_LEN		(6 + KEYFILE_KEY_LEN + KEYFILE_CHECK_LEN)
#define KEYFILE_HEADER_LEN \
	(6 + 4 + 8 + KEYFILE_SALT_LEN + KEYFILE_NONCE_LEN)
#define KEYFILE_WRAPPED_LEN	(KEYFILE_HEADER_LEN + KEYFILE_BOX_LEN)
#define KEYFILE_MAX_LEN		KEYFILE_WRAPPED_LEN
/* Bounds accepted from a file (SENSITIVE is 4 passes over 1 GiB). */
#define KEYFILE_OPS_MAX		16
#define KEYFILE_MEM_MAX		(1024ULL * 1024 * 1024)
/* Longest passphrase we wrap with (bytes). */
#define KEYFILE_PASS_MAX	1024

struct keyfile {
	int type;			/* KEYFILE_RAW or KEYFILE_WRAPPED */
	uint8_t key[KEYFILE_KEY_LEN];	/* raw only; wipe after use */
	uint32_t opslimit;		/* wrapped only, from here on */
	uint64_t memlimit;
	uint8_t salt[KEYFILE_SALT_LEN];
	uint8_t nonce[KEYFILE_NONCE_LEN];
	uint8_t box[KEYFILE_BOX_LEN];
};

/*
 * Parse len bytes into kf. On error returns ERR_INVAL (malformed) or
 * ERR_UNSUPPORTED (unknown version or type) and points *why at a short
 * static reason. Never reads past len.
 */
int keyfile_parse(struct keyfile *kf, const uint8_t *buf, size_t len,
    const char **why);
/* Serialize kf into out (KEYFILE_MAX_LEN bytes); returns the length. */
size_t keyfile_encode(const struct keyfile *kf, uint8_t out[KEYFILE_MAX_LEN]);
/* Fill kf as a raw key file for key. */
void keyfile_make_raw(struct keyfile *kf, const uint8_t key[KEYFILE_KEY_LEN]);
/*
 * Fill kf as key wrapped under pass (fresh salt and nonce). ERR_INVAL for an
 * empty passphrase, ERR_TOOBIG over KEYFILE_PASS_MAX, ERR_NOMEM if Argon2id
 * cannot get its memory.
 */
int keyfile_wrap(struct keyfile *kf, const uint8_t key[KEYFILE_KEY_LEN],
    const char *pass, uint32_t opslimit, uint64_t memlimit);
/* Recover the key from a wrapped kf; ERR_PASSPHRASE if pass is wrong. */
int keyfile_unwrap(const struct keyfile *kf, const char *pass,
    uint8_t key[KEYFILE_KEY_LEN]);

#endif
