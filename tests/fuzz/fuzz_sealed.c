/*
 * fuzz_sealed.c -- sealed values and the key file parser on hostile bytes.
 * seal_open (what store_unseal runs) under a fixed key must accept only a
 * blob that is exactly the encryption of what it returns under that key and
 * cell; keyfile_parse must never overread, must explain every refusal, and
 * what it accepts must encode back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/keyfile.h"
#include "store/seal.h"
#include "util/xmalloc.h"

#define FUZZ_TABLE	"fuzz"
#define FUZZ_COLUMN	"value"
#define FUZZ_ROW	7
#define FUZZ_MAX	4096

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The fixed seal key: 00 01 02 ... 1f (the seed corpus is sealed under it). */
static void
fuzz_key(uint8_t key[SEAL_KEY_LEN])
{
	int i;

	for (i = 0; i < SEAL_KEY_LEN; i++)
		key[i] = (uint8_t)i;
}

/* An accepted blob must be the sealing of its plaintext, byte for byte. */
static void
fuzz_seal(const uint8_t *data, size_t len)
{
	uint8_t key[SEAL_KEY_LEN], ad[SEAL_AD_MAX], *p = NULL, *c;
	size_t n = 0;
	int adlen;

	fuzz_key(key);
	if (seal_open(key, FUZZ_TABLE, FUZZ_COLUMN, FUZZ_ROW, data, len, &p,
	    &n) != 0) {
		if (p != NULL || n != 0)
			abort();
		return;
	}
	if (data[0] != SEAL_VERSION || len != n + SEAL_OVERHEAD ||
	    p[n] != '\0')
		abort();
	adlen = seal_ad(ad, FUZZ_TABLE, FUZZ_COLUMN, FUZZ_ROW);
	c = xmalloc(n + 16);
	crypto_aead_xchacha20poly1305_ietf_encrypt(c, NULL, p, n, ad,
	    (unsigned long long)adlen, NULL, data + 1, key);
	if (memcmp(c, data + 1 + SEAL_NONCE_LEN, n + 16) != 0)
		abort();
	/* The same blob in any other cell is refused. */
	free(c);
	secret_free(p, n);
	if (seal_open(key, FUZZ_TABLE, FUZZ_COLUMN, FUZZ_ROW + 1, data, len,
	    &p, &n) == 0)
		abort();
}

/* Parse as a key file; what parses re-encodes identically. */
static void
fuzz_keyfile(const uint8_t *data, size_t len)
{
	uint8_t out[KEYFILE_MAX_LEN];
	struct keyfile kf;
	const char *why = NULL;

	if (keyfile_parse(&kf, data, len, &why) != 0) {
		if (why == NULL)
			abort();
		return;
	}
	if (keyfile_encode(&kf, out) != len || memcmp(out, data, len) != 0)
		abort();
	if (kf.type == KEYFILE_WRAPPED &&
	    (kf.opslimit > KEYFILE_OPS_MAX || kf.memlimit > KEYFILE_MEM_MAX))
		abort();
	sodium_memzero(&kf, sizeof kf);
}

/* One input, tried both as a sealed value and as a key file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len > FUZZ_MAX || sodium_init() < 0)
		return 0;
	fuzz_seal(data, len);
	fuzz_keyfile(data, len);
	return 0;
}
