/* fuzz_socks.c -- socks_parse_reply never reads past len and is consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tor/socks.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t *copy, rep = 0, rep2 = 0;
	size_t used = 0, used2 = 0, i;
	int r, r2;

	/* An exact-size heap copy so ASan sees any over-read. */
	copy = malloc(len ? len : 1);
	memcpy(copy, data, len);
	r = socks_parse_reply(copy, len, &rep, &used);
	if (r != 0 && r != ERR_AGAIN && r != ERR_PROTO)
		abort();
	if (r == 0) {
		if (used > len || used < 7 || copy[0] != 5)
			abort();
		/* The reply alone parses the same; any prefix needs more. */
		r2 = socks_parse_reply(copy, used, &rep2, &used2);
		if (r2 != 0 || used2 != used || rep2 != rep)
			abort();
		for (i = 0; i < used; i++)
			if (socks_parse_reply(copy, i, &rep2, &used2) !=
			    ERR_AGAIN)
				abort();
		if (socks_reason(rep) == NULL)
			abort();
		(void)socks_retryable(rep);
	}
	free(copy);
	return 0;
}
