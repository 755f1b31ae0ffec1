/* hkdf.h -- HKDF-SHA256 (RFC 5869) on libsodium's HMAC-SHA256. */
#ifndef WARREN_HKDF_H
#define WARREN_HKDF_H

#include <stddef.h>
#include <stdint.h>

/* out_len <= 255 * 32. salt may be NULL (then 32 zero bytes). 0 or ERR_INVAL. */
int hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *salt,
    size_t salt_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
    size_t info_len);

#endif
