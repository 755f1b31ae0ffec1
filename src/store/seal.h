/*
 * seal.h -- sealed column values under a 32-byte seal key (a subkey of the
 * storage key). Format: version (2) || nonce[24] || XChaCha20-Poly1305
 * ciphertext+tag, AD = "warren/2 seal " || table || 0 || column || 0 ||
 * row || owner || dir (each int64 BE; owner and dir are SEAL_NONE where a
 * cell has none: messages.body names its contact and direction). Version 1
 * (before schema 4) had AD "warren/1 seal " || table || 0 || column || 0 ||
 * row; only the format upgrade reads it. Internal to src/store (and its
 * tests and fuzzer).
 */
#ifndef WARREN_STORE_SEAL_H
#define WARREN_STORE_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define SEAL_VERSION	2
#define SEAL_VERSION_1	1	/* read by the format upgrade only */
#define SEAL_NONE	(-1)	/* no owner or direction */
#define SEAL_KEY_LEN	32
#define SEAL_NONCE_LEN	24
#define SEAL_OVERHEAD	(1 + SEAL_NONCE_LEN + 16)
/* Largest plaintext we seal (bytes). */
#define SEAL_MAX	(16 * 1024 * 1024)
/* Longest table or column name (bytes). */
#define SEAL_NAME_MAX	64
#define SEAL_AD_MAX	(14 + 2 * (SEAL_NAME_MAX + 1) + 3 * 8)

/* Build the AD into ad (SEAL_AD_MAX bytes); returns its length, or
 * ERR_INVAL if a name is empty or longer than SEAL_NAME_MAX. seal_ad is
 * the current version without owner; seal_ad_v builds either version. */
int seal_ad(uint8_t ad[SEAL_AD_MAX], const char *table, const char *column,
    int64_t row);
int seal_ad_v(uint8_t ad[SEAL_AD_MAX], int version, const char *table,
    const char *column, int64_t row, int64_t owner, int64_t dir);
/* Seal; caller frees *out with free(). ERR_TOOBIG over SEAL_MAX. */
int seal_box(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, const void *in, size_t len,
    uint8_t **out, size_t *out_len);
/* Open; ERR_AUTH if short, tampered with or moved; ERR_UNSUPPORTED for an
 * unknown version. *out is NUL-terminated (not counted); caller frees it
 * with secret_free(*out, *out_len). */
int seal_open(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, const void *in, size_t len,
    uint8_t **out, size_t *out_len);
/* The same for a cell that names its owner (contact id) and direction. */
int seal_box_ctx(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, int64_t owner, int64_t dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len);
int seal_open_ctx(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, int64_t owner, int64_t dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len);
/* Open a version 1 value (the format upgrade); ERR_UNSUPPORTED if it is
 * not version 1. */
int seal_open_v1(const uint8_t key[SEAL_KEY_LEN], const char *table,
    const char *column, int64_t row, const void *in, size_t len,
    uint8_t **out, size_t *out_len);

#endif
