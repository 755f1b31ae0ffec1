/*
 * fuzz_frame.c -- frame_take over arbitrary bytes: every frame it returns
 * is exactly what the headers said, it never waits for an impossible
 * frame, and it never drains a partial one. The first byte picks the limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "net/frame.h"
#include "util/bytes.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t buf[FRAME_MAX_BODY];
	struct evbuffer *in;
	size_t cap, off = 1, n, claim, chunk, fed;
	int r;

	if (len < 1 || len > 4 * FRAME_MAX_BODY)
		return 0;
	cap = data[0] & 1 ? FRAME_MAX_HS : FRAME_MAX_BODY;
	chunk = (size_t)(data[0] >> 1) + 1;
	if ((in = evbuffer_new()) == NULL)
		abort();
	/* Feed in chunks so frames straddle evbuffer chains. */
	for (fed = 1; fed < len || evbuffer_get_length(in) > 0;) {
		if (fed < len) {
			n = len - fed < chunk ? len - fed : chunk;
			evbuffer_add(in, data + fed, n);
			fed += n;
		}
		while ((r = frame_take(in, buf, cap, &n)) == 0) {
			claim = load_be16(data + off);
			if (n != claim || n == 0 || n > cap ||
			    memcmp(buf, data + off + 2, n) != 0)
				abort();
			off += 2 + n;
		}
		if (evbuffer_get_length(in) != fed - off)
			abort();	/* drained what it did not return */
		if (r == ERR_PROTO) {
			claim = load_be16(data + off);
			if (claim != 0 && claim <= cap)
				abort();
			break;
		}
		if (r != ERR_AGAIN)
			abort();
		if (fed == len)
			break;
	}
	evbuffer_free(in);
	return 0;
}
