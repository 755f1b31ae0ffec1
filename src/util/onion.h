/* onion.h -- v3 onion addresses: from a public key, and parsed. */
#ifndef WARREN_UTIL_ONION_H
#define WARREN_UTIL_ONION_H

#include <stdint.h>

#define ONION_LEN		56	/* base32 chars, no ".onion" */

/* Onion address (56 chars + NUL) of an Ed25519 public key. */
void onion_from_pk(char out[ONION_LEN + 1], const uint8_t pk[32]);
/*
 * Parse a user-typed address: any case, optional ".onion". On success
 * fills pk (may be NULL) and norm (lower case, no suffix; may be NULL).
 * Errors, each with its own err_str: ERR_ADDR_LEN, ERR_ADDR_V2 (16 base32
 * digits: a v2 address), ERR_ADDR_BASE32, ERR_ADDR_CHECKSUM,
 * ERR_ADDR_VERSION, ERR_ADDR_POINT.
 */
int onion_parse(const char *s, uint8_t pk[32], char norm[ONION_LEN + 1]);

#endif
