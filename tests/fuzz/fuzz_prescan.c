/*
 * fuzz_prescan.c -- whatever mp_prescan accepts, msgpack-c parses to the
 * last byte; and msgpack-c never allocates more than the input justifies.
 */
#include <stdint.h>
#include <stdlib.h>

#include <msgpack.h>

#include "net/mp_prescan.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	msgpack_unpacked up;
	size_t off = 0;

	if (len > 65536 || mp_prescan(data, len) != 0)
		return 0;
	msgpack_unpacked_init(&up);
	if (msgpack_unpack_next(&up, (const char *)data, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS || off != len)
		abort();
	msgpack_unpacked_destroy(&up);
	return 0;
}
