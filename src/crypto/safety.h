/*
 * safety.h -- safety numbers: what two people compare to know that the
 * addresses they hold are each other's. Pure code, no I/O.
 *
 * Each key's half: x = "warren/1 safety" || be16(SAFETY_VERSION) || pk,
 * then SAFETY_ITERATIONS times x = SHA-512(x || pk); from the final 64
 * bytes, six 5-byte big-endian integers (bytes 0-4, 5-9, ..., 25-29), each
 * mod 100000, give six groups of five digits: 30 digits. The number of a
 * pair is its two halves sorted as strings and concatenated: 60 digits,
 * the same on both sides.
 */
#ifndef WARREN_SAFETY_H
#define WARREN_SAFETY_H

#include <stdint.h>

#define SAFETY_VERSION		1
#define SAFETY_ITERATIONS	5200
#define SAFETY_GROUPS		12	/* of SAFETY_GROUP_LEN digits */
#define SAFETY_GROUP_LEN	5
#define SAFETY_HALF_LEN		30	/* digits per key */
#define SAFETY_LEN		60	/* digits per pair */
/* The QR code payload: SAFETY_QR_PREFIX followed by the 60 digits. */
#define SAFETY_QR_PREFIX	"warren-safety:1:"

/* One key's 30 digits (NUL-terminated). 0 or ERR_CRYPTO. */
int safety_half(char out[SAFETY_HALF_LEN + 1], const uint8_t pk[32]);
/*
 * The 60 digits (NUL-terminated) of two Ed25519 public keys, independent
 * of their order. 0 or ERR_CRYPTO.
 */
int safety_number(char out[SAFETY_LEN + 1], const uint8_t a[32],
    const uint8_t b[32]);

#endif
