/*
 * clientauth.c -- tor v3 client authorization: key encodings, the
 * ADD_ONION / ONION_CLIENT_AUTH_* / DEL_ONION lines and their replies.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "util/onion.h"
#include "tor/addr.h"
#include "tor/clientauth.h"
#include "util/base32.h"
#include "util/err.h"

/* A fresh x25519 keypair. */
void
torca_keypair(uint8_t pub[TORCA_KEY_LEN], uint8_t priv[TORCA_KEY_LEN])
{
	randombytes_buf(priv, TORCA_KEY_LEN);
	/* Clamped, as tor's own curve25519_secret_key_generate stores it. */
	priv[0] &= 248;
	priv[31] &= 127;
	priv[31] |= 64;
	crypto_scalarmult_base(pub, priv);
}

/* base32, upper case, no padding: 52 chars. */
void
torca_pub_b32(char out[TORCA_PUB_CHARS + 1], const uint8_t pub[TORCA_KEY_LEN])
{
	size_t i;

	base32_encode(out, pub, TORCA_KEY_LEN);
	for (i = 0; out[i] != '\0'; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
}

/* Exactly 52 base32 chars to 32 bytes. */
int
torca_pub_parse(uint8_t pub[TORCA_KEY_LEN], const char *s)
{
	if (strlen(s) != TORCA_PUB_CHARS ||
	    base32_decode(pub, TORCA_KEY_LEN, s, TORCA_PUB_CHARS) !=
	    TORCA_KEY_LEN)
		return ERR_INVAL;
	return 0;
}

/* base64 (original alphabet) with padding: 44 chars. */
void
torca_priv_b64(char out[TORCA_PRIV_CHARS + 1],
    const uint8_t priv[TORCA_KEY_LEN])
{
	sodium_bin2base64(out, TORCA_PRIV_CHARS + 1, priv, TORCA_KEY_LEN,
	    sodium_base64_VARIANT_ORIGINAL);
}

/* Address and expanded-key blob of the onion whose ed25519 seed is seed. */
void
torca_onion_from_seed(const uint8_t seed[TORCA_SEED_LEN],
    char onion[TORCA_ONION_CHARS + 1], char blob[TORCA_BLOB_CHARS + 1])
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	uint8_t h[crypto_hash_sha512_BYTES];

	if (onion != NULL) {
		crypto_sign_seed_keypair(pk, sk, seed);
		onion_from_pk(onion, pk);
		sodium_memzero(sk, sizeof sk);
	}
	if (blob != NULL) {
		/* tor's blob is the expanded key: SHA-512(seed), clamped. */
		crypto_hash_sha512(h, seed, TORCA_SEED_LEN);
		h[0] &= 248;
		h[31] &= 127;
		h[31] |= 64;
		sodium_bin2base64(blob, TORCA_BLOB_CHARS + 1, h, sizeof h,
		    sodium_base64_VARIANT_ORIGINAL);
		sodium_memzero(h, sizeof h);
	}
}

/* A canonical v3 address (lower case, right checksum and version). */
int
torca_onion_ok(const char *s)
{
	char norm[ONION_LEN + 1];
	uint8_t pk[32];

	if (strlen(s) != TORCA_ONION_CHARS ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz234567") != TORCA_ONION_CHARS)
		return 0;
	return onion_parse(s, pk, norm) == 0 && strcmp(norm, s) == 0;
}

/* Safe as a unix: target inside ADD_ONION's Port= argument? */
static int
torca_target_ok(const char *s)
{
	return s[0] == '/' && strpbrk(s, " ,\"\\\r\n\t") == NULL &&
	    toraddr_unix_fits(s) == 0;
}

/* A blob is 88 base64 characters. */
static int
torca_blob_ok(const char *s)
{
	return strlen(s) == TORCA_BLOB_CHARS && strspn(s, "ABCDEFGHIJKLMNOPQRS"
	    "TUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
	    TORCA_BLOB_CHARS;
}

/* The ADD_ONION line, in guarded memory. */
int
torca_add_onion_cmd(char **out, const char *blob, uint16_t port,
    const char *target, const uint8_t (*clients)[TORCA_KEY_LEN], size_t n,
    int pow)
{
	char key[TORCA_PUB_CHARS + 1];
	size_t len, used, i;
	char *cmd;

	*out = NULL;
	if (!torca_blob_ok(blob) || !torca_target_ok(target) || port == 0)
		return ERR_INVAL;
	if (n > TORCA_MAX_CLIENTS)
		return ERR_TOOBIG;
	len = 256 + strlen(target) + n * (TORCA_PUB_CHARS + 14);
	if ((cmd = sodium_malloc(len)) == NULL)
		return ERR_NOMEM;
	used = (size_t)snprintf(cmd, len, "ADD_ONION ED25519-V3:%s "
	    "Flags=DiscardPK%s%s Port=%u,unix:%s", blob,
	    n > 0 ? ",V3Auth" : "", pow ? " PoWDefensesEnabled=1" : "",
	    (unsigned)port, target);
	for (i = 0; i < n; i++) {
		torca_pub_b32(key, clients[i]);
		used += (size_t)snprintf(cmd + used, len - used,
		    " ClientAuthV3=%s", key);
	}
	*out = cmd;
	return 0;
}

/* "ONION_CLIENT_AUTH_ADD <onion> x25519:<base64>" */
int
torca_auth_add_cmd(char *out, size_t outlen, const char *onion,
    const uint8_t priv[TORCA_KEY_LEN])
{
	char b64[TORCA_PRIV_CHARS + 1];
	int n;

	if (!torca_onion_ok(onion))
		return ERR_INVAL;
	torca_priv_b64(b64, priv);
	n = snprintf(out, outlen, "ONION_CLIENT_AUTH_ADD %s x25519:%s", onion,
	    b64);
	sodium_memzero(b64, sizeof b64);
	if (n < 0 || (size_t)n >= outlen) {
		sodium_memzero(out, outlen);
		return ERR_TOOBIG;
	}
	return 0;
}

/* "<verb> <onion>" */
static int
torca_onion_cmd(char *out, size_t outlen, const char *verb,
    const char *onion)
{
	int n;

	if (!torca_onion_ok(onion))
		return ERR_INVAL;
	n = snprintf(out, outlen, "%s %s", verb, onion);
	return n < 0 || (size_t)n >= outlen ? ERR_TOOBIG : 0;
}

int
torca_auth_remove_cmd(char *out, size_t outlen, const char *onion)
{
	return torca_onion_cmd(out, outlen, "ONION_CLIENT_AUTH_REMOVE", onion);
}

int
torca_del_onion_cmd(char *out, size_t outlen, const char *onion)
{
	return torca_onion_cmd(out, outlen, "DEL_ONION", onion);
}

/* "250-ServiceID=<onion>" ... "250 OK" */
int
torca_add_onion_reply(const struct ctl_reply *rep,
    char onion[TORCA_ONION_CHARS + 1])
{
	const char *v;
	size_t i;

	if (rep->code != 250)
		return ERR_PROTO;
	for (i = 0; i < rep->n; i++) {
		if (strncmp(rep->lines[i].text, "ServiceID=", 10) != 0)
			continue;
		v = rep->lines[i].text + 10;
		if (!torca_onion_ok(v))
			return ERR_PROTO;
		memcpy(onion, v, TORCA_ONION_CHARS + 1);
		return 0;
	}
	return ERR_PROTO;
}

/* 250/251 fine, 552 unknown, anything else a refusal. */
int
torca_simple_reply(const struct ctl_reply *rep)
{
	if (rep->code == 250 || rep->code == 251)
		return 0;
	if (rep->code == 552)
		return ERR_NOTFOUND;
	return ERR_PROTO;
}
