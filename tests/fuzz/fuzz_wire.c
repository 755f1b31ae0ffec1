/*
 * fuzz_wire.c -- wire_decode never crashes, and whatever decodes
 * re-encodes and decodes to the same message. First byte: 0 = the input
 * is a padded plaintext as is; otherwise the rest is padded for us, so
 * the fuzzer reaches the msgpack and field checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "net/wire.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t in[WARREN_MAX_FRAME + WARREN_PAD_BLOCK];
	static uint8_t out[WARREN_MAX_FRAME];
	struct wire_msg m, m2;
	size_t n, olen;
	int r;

	if (len < 1 || len - 1 > WARREN_MAX_FRAME)
		return 0;
	n = len - 1;
	if (n > 0)
		memcpy(in, data + 1, n);
	if (data[0] != 0 && sodium_pad(&n, in, n, WARREN_PAD_BLOCK,
	    sizeof in) != 0)
		return 0;
	r = wire_decode(in, n, &m);
	if (r == WIRE_UNKNOWN || r < 0)
		return 0;
	if (r != 0)
		abort();
	if (wire_encode(&m, out, sizeof out, &olen) != 0)
		abort();
	if (wire_decode(out, olen, &m2) != 0 || !wire_equal(&m, &m2))
		abort();
	return 0;
}
