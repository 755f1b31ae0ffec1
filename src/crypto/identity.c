/*
 * identity.c -- a node's identity from its 32-byte Ed25519 seed: the key
 * pairs (Ed25519 and X25519), the v3 onion address and tor's key blob.
 */
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "crypto/identity.h"
#include "util/base32.h"
#include "util/err.h"

#define ONION_SUFFIX		".onion"
#define ONION_SUFFIX_LEN	6
#define ONION_LINK		"warren:"

struct identity {
	uint8_t seed[IDENTITY_SEED_LEN];
	uint8_t ed_pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t ed_sk[crypto_sign_SECRETKEYBYTES];
	uint8_t x_pk[crypto_scalarmult_BYTES];
	uint8_t x_sk[crypto_scalarmult_SCALARBYTES];
	char onion[ONION_LEN + 1];
};

/* Is c a base32 digit (either case)? */
static int
is_b32(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '2' && c <= '7');
}


/* Is c white space (what a paste brings along)? */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/* The end of a URL scheme ("http:") at s, or NULL. */
static const char *
url_scheme(const char *s, const char *e)
{
	const char *p = s;

	if (p == e || !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return NULL;
	while (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))
		p++;
	if (e - p < 3 || memcmp(p, "://", 3) != 0)
		return NULL;
	return p + 3;
}

/* The last c in [s, e), or NULL. */
static const char *
last_of(const char *s, const char *e, int c)
{
	while (e > s)
		if (*--e == c)
			return e;
	return NULL;
}

/* Pull the address out of what a user pasted. */
int
onion_input(const char *in, char *out, size_t n, int *link)
{
	const char *p = in, *e, *q;
	int is_link = 0;
	size_t len;

	e = in + strlen(in);
	while (p < e && is_space((unsigned char)*p))
		p++;
	while (e > p && is_space((unsigned char)e[-1]))
		e--;
	if ((size_t)(e - p) >= sizeof ONION_LINK - 1 &&
	    strncasecmp(p, ONION_LINK, sizeof ONION_LINK - 1) == 0) {
		p += sizeof ONION_LINK - 1;
		if (e - p >= 2 && p[0] == '/' && p[1] == '/')
			p += 2;
		is_link = 1;
	} else if ((q = url_scheme(p, e)) != NULL) {
		p = q;
		is_link = 1;
	}
	if (is_link) {
		while (p < e && is_space((unsigned char)*p))
			p++;	/* "warren: ADDR" */
		/* Only the host: no path, query, fragment, user or port. */
		for (q = p; q < e; q++)
			if (*q == '/' || *q == '?' || *q == '#')
				break;
		e = q;
		if ((q = last_of(p, e, '@')) != NULL)
			p = q + 1;
		if ((q = last_of(p, e, ':')) != NULL)
			e = q;
	}
	if ((size_t)(e - p) > ONION_SUFFIX_LEN &&
	    strncasecmp(e - ONION_SUFFIX_LEN, ONION_SUFFIX,
	    ONION_SUFFIX_LEN) == 0) {
		is_link = 1;
		/* Keep ".onion" (onion_parse takes it) but no subdomain. */
		if ((q = last_of(p, e - ONION_SUFFIX_LEN, '.')) != NULL)
			p = q + 1;
	}
	while (p < e && is_space((unsigned char)*p))
		p++;
	while (e > p && is_space((unsigned char)e[-1]))
		e--;
	if (link != NULL)
		*link = is_link;
	if ((len = (size_t)(e - p)) >= n)
		return ERR_TOOBIG;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

/* Could s be the start of an address: 4 to 55 base32 digits? */
int
onion_is_prefix(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!is_b32((unsigned char)s[i]) || i >= ONION_LEN - 1)
			return 0;
	return i >= ONION_MIN_PREFIX;
}

/* Ed25519 public key to X25519 public key. */
int
ed_pk_to_x(uint8_t x_pk[32], const uint8_t ed_pk[32])
{
	if (crypto_sign_ed25519_pk_to_curve25519(x_pk, ed_pk) != 0)
		return ERR_CRYPTO;
	return 0;
}

/* The same point with the other sign: -A (an involution). */
void
ed_pk_negate(uint8_t out[32], const uint8_t pk[32])
{
	memcpy(out, pk, 32);
	out[31] ^= 0x80;
}

/* Derive every key of an identity from its seed. */
int
identity_from_seed(struct identity **out,
    const uint8_t seed[IDENTITY_SEED_LEN])
{
	struct identity *id;
	int r;

	*out = NULL;
	if (sodium_init() < 0)
		return ERR_CRYPTO;
	if ((id = sodium_malloc(sizeof *id)) == NULL)
		return ERR_NOMEM;
	memcpy(id->seed, seed, IDENTITY_SEED_LEN);
	if (crypto_sign_seed_keypair(id->ed_pk, id->ed_sk, id->seed) != 0 ||
	    crypto_sign_ed25519_sk_to_curve25519(id->x_sk, id->ed_sk) != 0) {
		r = ERR_CRYPTO;
		goto out;
	}
	if ((r = ed_pk_to_x(id->x_pk, id->ed_pk)) != 0)
		goto out;
	onion_from_pk(id->onion, id->ed_pk);
	*out = id;
	id = NULL;
out:
	identity_free(id);
	return r;
}

/* A fresh random identity. */
int
identity_generate(struct identity **out)
{
	uint8_t seed[IDENTITY_SEED_LEN];
	int r;

	*out = NULL;
	if (sodium_init() < 0)
		return ERR_CRYPTO;
	randombytes_buf(seed, sizeof seed);
	r = identity_from_seed(out, seed);
	sodium_memzero(seed, sizeof seed);
	return r;
}

/* Free an identity; sodium_free zeroes it. */
void
identity_free(struct identity *id)
{
	if (id != NULL)
		sodium_free(id);
}

/* The 32-byte seed. */
const uint8_t *
identity_seed(const struct identity *id)
{
	return id->seed;
}

/* The Ed25519 public key. */
const uint8_t *
identity_ed_pk(const struct identity *id)
{
	return id->ed_pk;
}

/* The Ed25519 secret key, libsodium form (seed || pk). */
const uint8_t *
identity_ed_sk(const struct identity *id)
{
	return id->ed_sk;
}

/* The X25519 public key. */
const uint8_t *
identity_x_pk(const struct identity *id)
{
	return id->x_pk;
}

/* The X25519 secret key. */
const uint8_t *
identity_x_sk(const struct identity *id)
{
	return id->x_sk;
}

/* The onion address, 56 lower-case characters. */
const char *
identity_onion(const struct identity *id)
{
	return id->onion;
}

/* tor's ED25519-V3 blob: base64 of SHA-512(seed), first half clamped. */
int
identity_tor_blob(const struct identity *id, char *out, size_t outlen)
{
	uint8_t h[crypto_hash_sha512_BYTES];

	if (outlen < TOR_BLOB_LEN + 1)
		return ERR_TOOBIG;
	crypto_hash_sha512(h, id->seed, sizeof id->seed);
	h[0] &= 248;
	h[31] &= 127;
	h[31] |= 64;
	sodium_bin2base64(out, outlen, h, sizeof h,
	    sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(h, sizeof h);
	return 0;
}
