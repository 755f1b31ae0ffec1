/*
 * noise.h -- Noise_XK_25519_ChaChaPoly_SHA256 (Noise rev. 34). Pure: no I/O.
 *   XK:     <- s  ...  -> e, es         <- e, ee          -> s, se
 * and its hybrid post-quantum variant (the Noise "hfs" extension, with
 * ML-KEM-768 as the KEM), which the wire protocol uses:
 *   XKhfs:  <- s  ...  -> e, e1, es     <- e, ee, ekem1   -> s, se
 * e1 is an ephemeral ML-KEM-768 encapsulation key (sent in the clear, but
 * hashed); ekem1 is the ciphertext to it (encrypted), whose shared secret
 * is mixed into the chaining key: the session keys need both an X25519
 * and the ML-KEM secret.
 * The initiator knows the responder's static key (from its onion address).
 */
#ifndef WARREN_NOISE_H
#define WARREN_NOISE_H

#include <stddef.h>
#include <stdint.h>

#define NOISE_MAX_MSG		65535
#define NOISE_TAG_LEN		16
#define NOISE_KEY_LEN		32
#define NOISE_PROTOCOL_NAME	"Noise_XK_25519_ChaChaPoly_SHA256"
#define NOISE_HFS_NAME	"Noise_XKhfs_25519+MLKEM768_ChaChaPoly_SHA256"

/* Message sizes with an empty payload. */
#define NOISE_MSG1_MIN		(32 + NOISE_TAG_LEN)		/* 48 */
#define NOISE_MSG2_MIN		(32 + NOISE_TAG_LEN)		/* 48 */
#define NOISE_MSG3_MIN		(32 + 2 * NOISE_TAG_LEN)	/* 64 */
#define NOISE_HFS_MSG1_MIN	(32 + 1184 + NOISE_TAG_LEN)	/* 1232 */
#define NOISE_HFS_MSG2_MIN	(32 + 1088 + 2 * NOISE_TAG_LEN)	/* 1152 */

enum noise_role { NOISE_INITIATOR, NOISE_RESPONDER };

struct noise_hs;	/* handshake state, opaque */
struct noise_cs;	/* transport CipherState, opaque */

/*
 * New handshake. s_sk/s_pk: our X25519 static pair. rs: the responder's
 * static public key (initiator only; NULL for the responder). The prologue
 * is copied. Caller frees with noise_hs_free.
 */
struct noise_hs *noise_hs_new(enum noise_role, const uint8_t s_sk[32],
    const uint8_t s_pk[32], const uint8_t *rs, const uint8_t *prologue,
    size_t prologue_len);
/*
 * Test builds only (WARREN_TESTING, in libwarrentest.a; not in libwarren.a
 * or any installed program): use this ephemeral private key instead of a
 * random one.
 */
void noise_hs_set_ephemeral(struct noise_hs *, const uint8_t e_sk[32]);
/*
 * XKhfs with the same arguments: the name NOISE_HFS_NAME, messages 1 and 2
 * NOISE_HFS_MSG1_MIN and NOISE_HFS_MSG2_MIN bytes plus payload. Reading a
 * message 1 whose e1 fails ML-KEM's modulus check gives ERR_PROTO.
 */
struct noise_hs *noise_hs_new_hfs(enum noise_role, const uint8_t s_sk[32],
    const uint8_t s_pk[32], const uint8_t *rs, const uint8_t *prologue,
    size_t prologue_len);
/*
 * Test builds only, likewise: the initiator's e1 from the seed d || z, or
 * the responder's ekem1 from m = the first 32 bytes (once).
 */
void noise_hs_set_kem_seed(struct noise_hs *, const uint8_t seed[64]);
/*
 * Write the next handshake message with payload into out (cap bytes).
 * Returns 0 and *out_len, or ERR_STATE (not our turn / done), ERR_TOOBIG,
 * ERR_CRYPTO (low-order or all-zero DH result).
 */
int noise_hs_write(struct noise_hs *, const uint8_t *payload, size_t len,
    uint8_t *out, size_t cap, size_t *out_len);
/*
 * Read the next handshake message; the decrypted payload goes to payload
 * (cap bytes). Returns 0, or ERR_STATE, ERR_PROTO (wrong size), ERR_AUTH
 * (decrypt failed), ERR_CRYPTO. On error the handshake is dead.
 */
int noise_hs_read(struct noise_hs *, const uint8_t *msg, size_t len,
    uint8_t *payload, size_t cap, size_t *payload_len);
/* 1 once all three messages are done. */
int noise_hs_done(const struct noise_hs *);
/* The remote static key (responder: known after message 3). */
const uint8_t *noise_hs_remote_static(const struct noise_hs *);
/* The handshake hash h (public; for channel binding only). */
const uint8_t *noise_hs_hash(const struct noise_hs *);
/*
 * After done: the two transport CipherStates (ours to send, ours to
 * receive) and the exported ratchet secret, derived from ck as a third
 * HKDF output (never from h). Wipes ck.
 */
int noise_hs_split(struct noise_hs *, struct noise_cs **send,
    struct noise_cs **recv, uint8_t secret[32]);
void noise_hs_free(struct noise_hs *);	/* accepts NULL; zeroes */

/* Encrypt len bytes into out (len + NOISE_TAG_LEN). ERR_STATE at nonce 2^64-1. */
int noise_cs_encrypt(struct noise_cs *, const uint8_t *ad, size_t ad_len,
    const uint8_t *in, size_t len, uint8_t *out);
/* Decrypt len bytes (>= NOISE_TAG_LEN) into out (len - 16). ERR_AUTH on failure. */
int noise_cs_decrypt(struct noise_cs *, const uint8_t *ad, size_t ad_len,
    const uint8_t *in, size_t len, uint8_t *out);
void noise_cs_free(struct noise_cs *);	/* accepts NULL; zeroes */
/* Test builds only, likewise: jump the nonce (to test the 2^64-1 limit). */
void noise_cs_set_nonce(struct noise_cs *, uint64_t);

#endif
