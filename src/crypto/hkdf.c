/* hkdf.c -- HKDF-SHA256 (RFC 5869) on libsodium's HMAC-SHA256. */
#include <string.h>

#include <sodium.h>

#include "crypto/hkdf.h"
#include "util/err.h"

#define HKDF_HASH_LEN	crypto_auth_hmacsha256_BYTES

/* Extract, then expand into out_len bytes. */
int
hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *salt,
    size_t salt_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
    size_t info_len)
{
	crypto_auth_hmacsha256_state st;
	uint8_t zero[HKDF_HASH_LEN], prk[HKDF_HASH_LEN], t[HKDF_HASH_LEN];
	uint8_t ctr;
	size_t done, n;

	if (out == NULL || out_len > 255 * HKDF_HASH_LEN ||
	    (ikm == NULL && ikm_len != 0) || (info == NULL && info_len != 0))
		return ERR_INVAL;
	if (salt == NULL) {
		memset(zero, 0, sizeof zero);
		salt = zero;
		salt_len = sizeof zero;
	}

	crypto_auth_hmacsha256_init(&st, salt, salt_len);
	crypto_auth_hmacsha256_update(&st, ikm, ikm_len);
	crypto_auth_hmacsha256_final(&st, prk);

	for (done = 0, ctr = 1; done < out_len; done += n, ctr++) {
		crypto_auth_hmacsha256_init(&st, prk, sizeof prk);
		if (ctr > 1)
			crypto_auth_hmacsha256_update(&st, t, sizeof t);
		crypto_auth_hmacsha256_update(&st, info, info_len);
		crypto_auth_hmacsha256_update(&st, &ctr, 1);
		crypto_auth_hmacsha256_final(&st, t);
		n = out_len - done < sizeof t ? out_len - done : sizeof t;
		memcpy(out + done, t, n);
	}

	sodium_memzero(&st, sizeof st);
	sodium_memzero(prk, sizeof prk);
	sodium_memzero(t, sizeof t);
	return 0;
}
