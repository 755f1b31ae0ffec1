/*
 * seal.h -- sealed column values under a 32-byte seal key (a subkey of the
 * storage key). Format: version (1) || nonce[24] || XChaCha20-Poly1305
 * ciphertext+tag, AD = "warren/1 seal " || table || 0 || column || 0 ||
 * row (int64 BE). Internal to src/store (and its tests and fuzzer).
 */
#ifndef WARREN_STORE_SEAL_H
#define WARREN_STORE_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define SEAL_VERSION	1
#define SEAL_KEY_LEN	32
#define SEAL_NONCE_LEN	24
#define SEAL_OVERHEAD	(1 + SEAL_NONCE_LEN + 16)
/* Largest plaintext we seal (bytes). */
#define SEAL_MAX	(16 * 1024 * 1024)
/* Longest table or column name (bytes). */
#define SEAL_NAME_MAX	64
#define SEAL_AD_MAX	(14 + 2 * (SEAL_NAME_MAX + 1) + 8)

/* Build the AD into ad (SEAL_AD_MAX bytes); returns its length, or
 * ERR_INVAL if a name is empty or longer than SEAL_NAME_MAX. */
int seal_ad(uint8_t ad[SEAL_AD_MAX], const char *table, const char *column,
    int64_t row);
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

#endif
