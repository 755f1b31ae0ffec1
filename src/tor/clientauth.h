/*
 * clientauth.h -- tor v3 onion client authorization (rend-spec-v3 G.1.2,
 * control-spec ADD_ONION ClientAuthV3, ONION_CLIENT_AUTH_ADD/REMOVE,
 * DEL_ONION): key encodings, command lines and reply checks. Pure: no
 * I/O, so it can be unit-tested and fuzzed alone. tor.c sends the lines.
 */
#ifndef WARREN_TOR_CLIENTAUTH_H
#define WARREN_TOR_CLIENTAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "tor/ctl_parse.h"

#define TORCA_KEY_LEN		32	/* x25519 public or private key */
#define TORCA_SEED_LEN		32	/* ed25519 seed of an onion */
#define TORCA_PUB_CHARS		52	/* base32 of a public key, no padding */
#define TORCA_PRIV_CHARS	44	/* base64 of a private key, padded */
#define TORCA_ONION_CHARS	56
#define TORCA_BLOB_CHARS	88	/* ED25519-V3 key blob */
/* Clients per onion we allow; tor's descriptor fits about 30 (PROTOCOL.md). */
#define TORCA_MAX_CLIENTS	32

/* A fresh x25519 keypair for a client (libsodium, clamped by use). */
void torca_keypair(uint8_t pub[TORCA_KEY_LEN], uint8_t priv[TORCA_KEY_LEN]);
/* Public key as ClientAuthV3 wants it: base32, upper case, no padding. */
void torca_pub_b32(char out[TORCA_PUB_CHARS + 1],
    const uint8_t pub[TORCA_KEY_LEN]);
/* Parse that back (either case). 0 or ERR_INVAL. */
int torca_pub_parse(uint8_t pub[TORCA_KEY_LEN], const char *s);
/* Private key as ONION_CLIENT_AUTH_ADD wants it: base64 with padding. */
void torca_priv_b64(char out[TORCA_PRIV_CHARS + 1],
    const uint8_t priv[TORCA_KEY_LEN]);
/*
 * An onion service key from a 32-byte ed25519 seed: its address (56
 * base32 chars) and tor's ED25519-V3 blob (the expanded secret key, a
 * secret: callers wipe it). Either output may be NULL.
 */
void torca_onion_from_seed(const uint8_t seed[TORCA_SEED_LEN],
    char onion[TORCA_ONION_CHARS + 1], char blob[TORCA_BLOB_CHARS + 1]);
/* Is s a 56-char lower-case v3 address with a valid checksum? */
int torca_onion_ok(const char *s);

/*
 * "ADD_ONION ED25519-V3:<blob> Flags=DiscardPK[,V3Auth] Port=P,unix:T
 * [ClientAuthV3=K]..." into guarded memory (*out, sodium_free it: it holds
 * the blob). With n == 0 the onion is public. ERR_INVAL for a bad blob,
 * target (spaces, commas, quotes) or key, ERR_TOOBIG for n over
 * TORCA_MAX_CLIENTS, ERR_NOMEM.
 */
int torca_add_onion_cmd(char **out, const char *blob, uint16_t port,
    const char *target, const uint8_t (*clients)[TORCA_KEY_LEN], size_t n,
    int pow);
/*
 * "ONION_CLIENT_AUTH_ADD <onion> x25519:<base64>" (no Flags=Permanent:
 * tor keeps it in memory only) into out (a secret: wipe it). ERR_INVAL for
 * a bad onion, ERR_TOOBIG if out is short.
 */
int torca_auth_add_cmd(char *out, size_t outlen, const char *onion,
    const uint8_t priv[TORCA_KEY_LEN]);
/* "ONION_CLIENT_AUTH_REMOVE <onion>"; as above. */
int torca_auth_remove_cmd(char *out, size_t outlen, const char *onion);
/* "DEL_ONION <onion>"; as above. */
int torca_del_onion_cmd(char *out, size_t outlen, const char *onion);

/*
 * ADD_ONION's reply: 0 and the ServiceID into onion; ERR_PROTO for a
 * refusal or a reply without a well-formed ServiceID.
 */
int torca_add_onion_reply(const struct ctl_reply *,
    char onion[TORCA_ONION_CHARS + 1]);
/*
 * ONION_CLIENT_AUTH_ADD/REMOVE and DEL_ONION replies: 0 for 250 (and 251,
 * "replaced" / "no such client": the wanted state holds), ERR_NOTFOUND for
 * 552 (unknown onion on DEL_ONION), ERR_PROTO for anything else.
 */
int torca_simple_reply(const struct ctl_reply *);

#endif
