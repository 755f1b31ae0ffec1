/*
 * fuzz_onion.c -- onion_parse: codes are its own; success round-trips.
 * onion_input: what it keeps is a part of the input without white space at
 * either end, and it fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/identity.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char s[128], norm[ONION_LEN + 1], again[ONION_LEN + 1];
	char in[ONION_LEN + 16];
	uint8_t pk[32], pk2[32];
	size_t n;
	int r, link;

	if (len >= sizeof s)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	r = onion_input(s, in, sizeof in, &link);
	if (r == 0) {
		n = strlen(in);
		if (n >= sizeof in || strstr(s, in) == NULL || (link != 0 &&
		    link != 1) || (n > 0 && (in[0] == ' ' || in[n - 1] == ' ' ||
		    in[0] == '\n' || in[n - 1] == '\n')))
			abort();
		(void)onion_is_prefix(in);
	} else if (r != ERR_TOOBIG)
		abort();
	r = onion_parse(s, pk, norm);
	if (r != 0) {
		if (r != ERR_ADDR_LEN && r != ERR_ADDR_BASE32 &&
		    r != ERR_ADDR_CHECKSUM && r != ERR_ADDR_VERSION &&
		    r != ERR_ADDR_POINT && r != ERR_ADDR_V2)
			abort();
		return 0;
	}
	/* The normal form is the key's address and parses to the same key. */
	onion_from_pk(again, pk);
	if (strcmp(again, norm) != 0 || onion_parse(norm, pk2, NULL) != 0 ||
	    memcmp(pk, pk2, 32) != 0 || strncasecmp(s, norm, ONION_LEN) != 0)
		abort();
	return 0;
}
