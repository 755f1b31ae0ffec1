/*
 * twin_sign.h -- tests only: what the holder of an identity can do with
 * the negation of its key. An Ed25519 signature by -A, made with the
 * scalar -a (a = the identity's clamped secret scalar, which is also its
 * X25519 secret key), is a valid signature for the onion address of -A.
 * test_peer and evil_peer use it to play a peer that logs in as onion(-A).
 */
#ifndef WARREN_TWIN_SIGN_H
#define WARREN_TWIN_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "crypto/identity.h"

/* Sign msg as -A: sig = R || S, S = r + H(R || -A || msg) * (-a). */
static inline void
twin_sign(uint8_t sig[64], const struct identity *id, const uint8_t *msg,
    size_t len)
{
	crypto_hash_sha512_state st;
	uint8_t na[32], neg_pk[32], r[32], k64[64], k[32], kna[32];

	crypto_core_ed25519_scalar_negate(na, identity_x_sk(id));
	ed_pk_negate(neg_pk, identity_ed_pk(id));
	crypto_core_ed25519_scalar_random(r);
	crypto_scalarmult_ed25519_base_noclamp(sig, r);
	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, sig, 32);
	crypto_hash_sha512_update(&st, neg_pk, 32);
	crypto_hash_sha512_update(&st, msg, len);
	crypto_hash_sha512_final(&st, k64);
	crypto_core_ed25519_scalar_reduce(k, k64);
	crypto_core_ed25519_scalar_mul(kna, k, na);
	crypto_core_ed25519_scalar_add(sig + 32, r, kna);
	sodium_memzero(na, sizeof na);
	sodium_memzero(r, sizeof r);
}

#endif
