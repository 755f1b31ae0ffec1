/*
 * mlkem.h -- ML-KEM-768 (FIPS 203, final), written from the standard.
 * Hashes: SHA3-256 (H), SHA3-512 (G), SHAKE-256 (J, PRF) from nettle and
 * SHAKE-128 (XOF) from crypto/shake.c. Constant time in every secret: no
 * branch and no table index depends on d, z, m, dk or the decapsulated
 * message (tests/unit/test_mlkem_ct checks that under valgrind).
 */
#ifndef WARREN_MLKEM_H
#define WARREN_MLKEM_H

#include <stdint.h>

#define MLKEM768_EK_LEN		1184	/* encapsulation (public) key */
#define MLKEM768_DK_LEN		2400	/* decapsulation (secret) key */
#define MLKEM768_CT_LEN		1088	/* ciphertext */
#define MLKEM768_SS_LEN		32	/* shared secret */
#define MLKEM768_SEED_LEN	32	/* d, z and m */

/* ML-KEM.KeyGen_internal(d, z). Always 0. */
int mlkem768_keypair_derand(uint8_t ek[1184], uint8_t dk[2400],
    const uint8_t d[32], const uint8_t z[32]);
/*
 * ML-KEM.Encaps_internal(ek, m). -1 if ek fails the modulus check (a
 * coefficient of its encoded vector is not below q = 3329), else 0.
 */
int mlkem768_encaps_derand(uint8_t ct[1088], uint8_t k[32],
    const uint8_t ek[1184], const uint8_t m[32]);
/*
 * ML-KEM.Decaps: k is the shared secret, or for a ciphertext that does not
 * re-encrypt to itself the implicit rejection J(z || ct). -1 if dk fails
 * the hash check (its H(ek) is not the hash of its ek), else 0.
 */
int mlkem768_decaps(uint8_t k[32], const uint8_t ct[1088],
    const uint8_t dk[2400]);

/* The same with d, z and m from libsodium's RNG. */
int mlkem768_keypair(uint8_t ek[1184], uint8_t dk[2400]);
int mlkem768_encaps(uint8_t ct[1088], uint8_t k[32], const uint8_t ek[1184]);

#endif
