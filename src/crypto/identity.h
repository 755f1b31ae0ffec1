/*
 * identity.h -- a node's identity: 32-byte Ed25519 seed -> Ed25519 pair,
 * v3 onion address, tor ED25519-V3 key blob, X25519 static key for Noise.
 */
#ifndef WARREN_IDENTITY_H
#define WARREN_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "util/onion.h"

#define IDENTITY_SEED_LEN	32
#define TOR_BLOB_LEN		88	/* base64 of the 64-byte expanded key */

struct identity;	/* opaque; lives in sodium_malloc memory */

/* From a seed. Returns 0 or ERR_*; caller frees with identity_free. */
int identity_from_seed(struct identity **, const uint8_t seed[IDENTITY_SEED_LEN]);
/* A new random identity. */
int identity_generate(struct identity **);
void identity_free(struct identity *);	/* accepts NULL; zeroes */

const uint8_t *identity_seed(const struct identity *);	/* 32 bytes */
const uint8_t *identity_ed_pk(const struct identity *);	/* 32 bytes */
const uint8_t *identity_ed_sk(const struct identity *);	/* 64 bytes, libsodium form */
const uint8_t *identity_x_pk(const struct identity *);	/* 32 bytes */
const uint8_t *identity_x_sk(const struct identity *);	/* 32 bytes */
const char *identity_onion(const struct identity *);	/* 56 chars + NUL */
/* The tor key blob, TOR_BLOB_LEN chars + NUL, into out (>= 89 bytes). */
int identity_tor_blob(const struct identity *, char *out, size_t outlen);

/* onion_from_pk, onion_parse: util/onion.h */
/*
 * -A for the Ed25519 public key A (the sign bit flipped). Both have the
 * same X25519 key, and whoever holds A's secret scalar a also holds -a:
 * A and -A (two different onion addresses) always belong to one holder.
 */
void ed_pk_negate(uint8_t out[32], const uint8_t pk[32]);
/*
 * The address in what a user pasted: white space around it, a "warren:"
 * link (warren:ADDR, warren://ADDR), a URL (scheme, user, port, path,
 * query) and subdomains before ADDR.onion are taken off; the rest goes to
 * out (n bytes with the NUL) for onion_parse. *link (may be NULL) tells
 * whether the input could only be meant as an address (a link, a URL or a
 * .onion name) rather than a contact's name. 0, or ERR_TOOBIG.
 */
int onion_input(const char *in, char *out, size_t n, int *link);
/* Whether s could be a unique-prefix abbreviation of an address:
 * ONION_MIN_PREFIX to ONION_LEN - 1 base32 digits, either case. */
#define ONION_MIN_PREFIX	4
int onion_is_prefix(const char *s);
/* Ed25519 public key -> X25519 public key; ERR_CRYPTO for a bad point. */
int ed_pk_to_x(uint8_t x_pk[32], const uint8_t ed_pk[32]);

#endif
