/* base32.h -- RFC 4648 base32, lower case, no padding (onion addresses). */
#ifndef WARREN_BASE32_H
#define WARREN_BASE32_H

#include <stddef.h>
#include <stdint.h>

/* Encoded length (no padding) of n bytes. */
#define BASE32_LEN(n) (((n) * 8 + 4) / 5)

/* Encode n bytes into out (BASE32_LEN(n) + 1 bytes, NUL-terminated). */
void base32_encode(char *out, const uint8_t *in, size_t n);
/*
 * Decode len characters (either case) into out (cap bytes). Returns the
 * number of bytes written, or ERR_INVAL on a non-base32 character, leftover
 * non-zero bits, or a result longer than cap.
 */
int base32_decode(uint8_t *out, size_t cap, const char *in, size_t len);

#endif
