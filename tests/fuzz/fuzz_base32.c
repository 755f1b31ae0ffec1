/* fuzz_base32.c -- base32_decode never overruns and round-trips. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/base32.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t out[64];
	char enc[BASE32_LEN(64) + 1];
	int n;

	if (len > 100)
		return 0;
	n = base32_decode(out, sizeof out, (const char *)data, len);
	if (n < 0)
		return 0;
	/* Whatever decodes re-encodes to the same text, up to case. */
	base32_encode(enc, out, (size_t)n);
	if (strlen(enc) != len || strncasecmp(enc, (const char *)data, len) != 0)
		abort();
	return 0;
}
