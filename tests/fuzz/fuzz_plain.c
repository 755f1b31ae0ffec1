/* fuzz_plain.c -- ratchet plaintexts: never crash; what decodes re-encodes
 * and decodes to the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "core/plain.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct plain a, b;
	msgpack_sbuffer sb;

	if (plain_decode(data, len, &a) != 0)
		return 0;
	msgpack_sbuffer_init(&sb);
	plain_encode(&sb, a.kind, a.when, a.body, a.body_len, a.timer);
	if (plain_decode((uint8_t *)sb.data, sb.size, &b) != 0 ||
	    a.kind != b.kind || a.when != b.when || a.timer != b.timer ||
	    a.body_len != b.body_len || memcmp(a.body, b.body, a.body_len))
		abort();
	free(a.body);
	free(b.body);
	plain_sbuffer_wipe(&sb);
	return 0;
}
