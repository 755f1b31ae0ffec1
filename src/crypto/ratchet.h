/*
 * ratchet.h -- Signal's Double Ratchet (rev. 1) as DESIGN.md §6 decides:
 * X25519 (plus an ML-KEM-768 exchange every RATCHET_KEM_MSGS messages or
 * RATCHET_KEM_SECS), KDF_RK = HKDF-SHA256, keyed-BLAKE2b chain step, XChaCha20-Poly1305
 * with a random nonce, AD = "warren/1 " || sender ed pk || recipient ed pk
 * || header || caller AD. Pure: no I/O. Decrypt works on a copy; the state
 * changes only on success.
 */
#ifndef WARREN_RATCHET_H
#define WARREN_RATCHET_H

#include <stddef.h>
#include <stdint.h>

#define RATCHET_HEADER_LEN	40	/* dh pub 32 || pn u32 BE || n u32 BE */
/*
 * KEM step (doc/PROTOCOL.md 5.1): a header may go on with
 * u8 flags || ML-KEM-768 ek (1184, flag 1) || ML-KEM-768 ct (1088, flag 2).
 */
#define RATCHET_HDR_EK		0x01
#define RATCHET_HDR_CT		0x02
#define RATCHET_HEADER_MAX	(RATCHET_HEADER_LEN + 1 + 1184 + 1088)
#define RATCHET_KEM_MSGS	50	/* a KEM step after this many sent */
#define RATCHET_KEM_SECS	3600	/* or this long, while sending */
#define RATCHET_OVERHEAD	(24 + 16) /* nonce + tag, added to the plaintext */
#define RATCHET_MAX_SKIP	1000	/* skipped keys stored in all */

struct ratchet;	/* opaque; keys in sodium_malloc memory */

/*
 * Alice: sk = shared secret (from the Noise handshake), bob_pub = Bob's
 * ratchet public key. self_pk / peer_pk: the two Ed25519 identity keys.
 */
int ratchet_init_alice(struct ratchet **, const uint8_t sk[32],
    const uint8_t bob_pub[32], const uint8_t self_pk[32],
    const uint8_t peer_pk[32]);
/* Bob: his ratchet key pair (the public half went to Alice in RATCHET_HELLO). */
int ratchet_init_bob(struct ratchet **, const uint8_t sk[32],
    const uint8_t bob_sk[32], const uint8_t bob_pub[32],
    const uint8_t self_pk[32], const uint8_t peer_pk[32]);
/* 1 if this side can encrypt now (Bob must first receive from Alice). */
int ratchet_can_send(const struct ratchet *);
/*
 * Encrypt len bytes: header into hdr (*hdr_len bytes, RATCHET_HEADER_LEN
 * unless it carries a KEM key or ciphertext), ciphertext (len +
 * RATCHET_OVERHEAD) into out. ad binds caller data (e.g. the sequence
 * number).
 */
int ratchet_encrypt(struct ratchet *, const uint8_t *ad, size_t ad_len,
    const uint8_t *in, size_t len, uint8_t hdr[RATCHET_HEADER_MAX],
    size_t *hdr_len, uint8_t *out);
/*
 * Decrypt; out gets len - RATCHET_OVERHEAD bytes. Returns 0, or ERR_AUTH,
 * ERR_SKIP (beyond the bound), ERR_DUP (key already used), ERR_PROTO
 * (malformed); on error the state is unchanged.
 */
int ratchet_decrypt(struct ratchet *, const uint8_t *ad, size_t ad_len,
    const uint8_t *hdr, size_t hdr_len, const uint8_t *in, size_t len,
    uint8_t *out);
/* Serialise the whole state (versioned); caller frees *out with secret_free. */
int ratchet_serialize(const struct ratchet *, uint8_t **out, size_t *len);
/* Deserialise; ERR_PROTO on anything malformed. */
int ratchet_deserialize(struct ratchet **, const uint8_t *in, size_t len);
void ratchet_free(struct ratchet *);	/* accepts NULL; zeroes */

/*
 * Test builds only (WARREN_TESTING, in libwarrentest.a; not in libwarren.a
 * or any installed program): called with every sending message key.
 */
typedef void ratchet_key_hook(const uint8_t mk[32], void *);
void ratchet_set_key_hook(struct ratchet *, ratchet_key_hook *, void *);
/* Test builds only: the clock (unix seconds; 0: the real one). */
void ratchet_set_clock(struct ratchet *, int64_t now);
/* Test builds only: never start a KEM step (answering one still works). */
void ratchet_set_kem(struct ratchet *, int on);
/* Test builds only: KEM steps this state has mixed into its root key. */
unsigned int ratchet_kem_steps(const struct ratchet *);

#endif
