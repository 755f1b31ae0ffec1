/*
 * fuzz_endpoint.c -- the PLAIN_ENDPOINT body a contact sends
 * ("1 ONION KEY HAVE", doc/PROTOCOL.md section 9) and the sealed record's
 * plaintext (core/endpoint.c): never crash; a body that parses names a
 * valid v3 address and re-encodes to the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/endpoint.h"
#include "tor/clientauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char onion[TORCA_ONION_CHARS + 1], b64[TORCA_PRIV_CHARS + 1], *body;
	char again[256];
	uint8_t priv[TORCA_KEY_LEN];
	int have;

	if (sodium_init() < 0)
		abort();
	(void)endpoint_record_check(data, len);
	body = malloc(len + 1);
	memcpy(body, data, len);
	body[len] = '\0';
	if (endpoint_body_parse(body, len, onion, priv, &have) == 0) {
		if (!torca_onion_ok(onion) || (have != 0 && have != 1))
			abort();
		torca_priv_b64(b64, priv);
		snprintf(again, sizeof again, "1 %s %s %d", onion, b64, have);
		if (strlen(again) != len || memcmp(again, data, len) != 0)
			abort();
	}
	free(body);
	return 0;
}
