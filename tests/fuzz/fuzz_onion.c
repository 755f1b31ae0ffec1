/* fuzz_onion.c -- onion_parse: codes are its own; success round-trips. */
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
	uint8_t pk[32], pk2[32];
	int r;

	if (len >= sizeof s)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	r = onion_parse(s, pk, norm);
	if (r != 0) {
		if (r != ERR_ADDR_LEN && r != ERR_ADDR_BASE32 &&
		    r != ERR_ADDR_CHECKSUM && r != ERR_ADDR_VERSION &&
		    r != ERR_ADDR_POINT)
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
