/* auth.c -- SAFECOOKIE HMACs, cookie files and hex for tor control auth. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "tor/auth.h"
#include "util/err.h"
#include "util/log.h"

static const char torauth_server_key[] =
    "Tor safe cookie authentication server-to-controller hash";
static const char torauth_client_key[] =
    "Tor safe cookie authentication controller-to-server hash";

/* HMAC-SHA256(key, cookie || cn || sn). */
static void
torauth_hmac(uint8_t out[32], const char *key, const uint8_t *cookie,
    const uint8_t *cn, const uint8_t *sn)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key,
	    strlen(key));
	crypto_auth_hmacsha256_update(&st, cookie, TORAUTH_COOKIE_LEN);
	crypto_auth_hmacsha256_update(&st, cn, TORAUTH_NONCE_LEN);
	crypto_auth_hmacsha256_update(&st, sn, TORAUTH_NONCE_LEN);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

/* Both SAFECOOKIE hashes. */
void
torauth_safecookie(const uint8_t cookie[TORAUTH_COOKIE_LEN],
    const uint8_t cnonce[TORAUTH_NONCE_LEN],
    const uint8_t snonce[TORAUTH_NONCE_LEN],
    uint8_t server_hash[32], uint8_t client_hash[32])
{
	torauth_hmac(server_hash, torauth_server_key, cookie, cnonce, snonce);
	torauth_hmac(client_hash, torauth_client_key, cookie, cnonce, snonce);
}

/* Read the cookie: a regular file of exactly 32 bytes. */
int
torauth_read_cookie(const char *path, uint8_t cookie[TORAUTH_COOKIE_LEN])
{
	uint8_t buf[TORAUTH_COOKIE_LEN + 1];
	ssize_t n;
	size_t got = 0;
	int fd, r = ERR_PROTO;

	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK)) == -1) {
		log_warn("tor: cannot open cookie file %s: %s", path,
		    strerror(errno));
		return ERR_IO;
	}
	while (got < sizeof buf) {
		n = read(fd, buf + got, sizeof buf - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got == TORAUTH_COOKIE_LEN) {
		memcpy(cookie, buf, TORAUTH_COOKIE_LEN);
		r = 0;
	} else
		log_warn("tor: cookie file %s is not 32 bytes", path);
	sodium_memzero(buf, sizeof buf);
	return r;
}

/* Decode hex of an exact length. */
int
torauth_unhex(uint8_t *out, size_t len, const char *hex)
{
	size_t got;

	if (strlen(hex) != 2 * len)
		return ERR_PROTO;
	if (sodium_hex2bin(out, len, hex, 2 * len, NULL, &got, NULL) != 0 ||
	    got != len)
		return ERR_PROTO;
	return 0;
}

/* Encode hex. */
void
torauth_hex(char *out, const uint8_t *in, size_t len)
{
	sodium_bin2hex(out, 2 * len + 1, in, len);
}
