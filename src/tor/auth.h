/* auth.h -- tor control authentication helpers (SAFECOOKIE, cookie file). */
#ifndef WARREN_TOR_AUTH_H
#define WARREN_TOR_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define TORAUTH_COOKIE_LEN	32
#define TORAUTH_NONCE_LEN	32

/*
 * SAFECOOKIE (control-spec 3.24): HMAC-SHA256 keyed with tor's constant
 * strings over cookie || client nonce || server nonce. Both outputs are
 * secrets of the session; callers wipe them.
 */
void torauth_safecookie(const uint8_t cookie[TORAUTH_COOKIE_LEN],
    const uint8_t cnonce[TORAUTH_NONCE_LEN],
    const uint8_t snonce[TORAUTH_NONCE_LEN],
    uint8_t server_hash[32], uint8_t client_hash[32]);
/* Read a 32-byte cookie file (any other size is ERR_PROTO). */
int torauth_read_cookie(const char *path, uint8_t cookie[TORAUTH_COOKIE_LEN]);
/* Exactly len bytes from 2*len hex digits; ERR_PROTO otherwise. */
int torauth_unhex(uint8_t *out, size_t len, const char *hex);
/* Lower-case hex of len bytes into out (2*len+1). */
void torauth_hex(char *out, const uint8_t *in, size_t len);

#endif
