/* test_frame.c -- u16 length framing: 0, max, max + 1, truncated, split. */
#include <stdint.h>
#include <string.h>

#include <event2/buffer.h>

#include "net/frame.h"
#include "util/bytes.h"
#include "util/err.h"
#include "test.h"

static uint8_t body[FRAME_MAX_BODY + 1];
static uint8_t got[FRAME_MAX_BODY + 1];

/* Append a raw header claiming n bytes, then have bytes of body. */
static void
put_raw(struct evbuffer *b, size_t n, size_t have)
{
	uint8_t hdr[2];

	store_be16(hdr, (uint16_t)n);
	evbuffer_add(b, hdr, 2);
	if (have > 0)
		evbuffer_add(b, body, have);
}

static void
test_frame_roundtrip(void)
{
	struct evbuffer *b = evbuffer_new();
	size_t len, i;

	for (i = 0; i < sizeof body; i++)
		body[i] = (uint8_t)(i * 7 + 1);
	CHECK_INT(frame_put(b, body, 1), 0);
	CHECK_INT(frame_put(b, body, 300), 0);
	CHECK_INT(evbuffer_get_length(b), 2 + 1 + 2 + 300);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), 0);
	CHECK_INT(len, 1);
	CHECK_MEM(got, body, 1);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), 0);
	CHECK_INT(len, 300);
	CHECK_MEM(got, body, 300);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), ERR_AGAIN);
	CHECK_INT(evbuffer_get_length(b), 0);
	evbuffer_free(b);
}

static void
test_frame_zero(void)
{
	struct evbuffer *b = evbuffer_new();
	size_t len;

	CHECK_INT(frame_put(b, body, 0), ERR_INVAL);
	CHECK_INT(evbuffer_get_length(b), 0);
	put_raw(b, 0, 0);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), ERR_PROTO);
	evbuffer_free(b);
}

static void
test_frame_max(void)
{
	struct evbuffer *b = evbuffer_new();
	size_t len;

	/* Exactly the maximum. */
	CHECK_INT(frame_put(b, body, FRAME_MAX_BODY), 0);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), 0);
	CHECK_INT(len, FRAME_MAX_BODY);
	CHECK_MEM(got, body, FRAME_MAX_BODY);
	/* One more: rejected from the header alone, without waiting. */
	put_raw(b, FRAME_MAX_BODY + 1, 0);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), ERR_PROTO);
	evbuffer_drain(b, evbuffer_get_length(b));
	/* The handshake limit is smaller. */
	put_raw(b, FRAME_MAX_HS + 1, 0);
	CHECK_INT(frame_take(b, got, FRAME_MAX_HS, &len), ERR_PROTO);
	evbuffer_drain(b, evbuffer_get_length(b));
	put_raw(b, 0xffff, 0);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), ERR_PROTO);
	evbuffer_drain(b, evbuffer_get_length(b));
	/* frame_put refuses what a u16 cannot say. */
	CHECK_INT(frame_put(b, body, 65536), ERR_INVAL);
	CHECK_INT(evbuffer_get_length(b), 0);
	evbuffer_free(b);
}

static void
test_frame_truncated(void)
{
	struct evbuffer *b = evbuffer_new();
	size_t len;

	/* No header, half a header, header without body, body - 1. */
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), ERR_AGAIN);
	evbuffer_add(b, "\x00", 1);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), ERR_AGAIN);
	evbuffer_drain(b, 1);
	put_raw(b, 100, 0);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), ERR_AGAIN);
	evbuffer_add(b, body, 99);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), ERR_AGAIN);
	/* Nothing was drained while waiting. */
	CHECK_INT(evbuffer_get_length(b), 2 + 99);
	evbuffer_add(b, body + 99, 1);
	CHECK_INT(frame_take(b, got, FRAME_MAX_BODY, &len), 0);
	CHECK_INT(len, 100);
	CHECK_MEM(got, body, 100);
	evbuffer_free(b);
}

static void
test_frame_split(void)
{
	struct evbuffer *b = evbuffer_new(), *wire = evbuffer_new();
	uint8_t all[2 + 1000 + 2 + 5];
	size_t len, n, i;
	int frames = 0, r;

	frame_put(wire, body, 1000);
	frame_put(wire, body + 3, 5);
	n = evbuffer_get_length(wire);
	CHECK_INT(n, sizeof all);
	evbuffer_remove(wire, all, n);
	/* One byte at a time, as separate chains. */
	for (i = 0; i < n; i++) {
		evbuffer_add(b, all + i, 1);
		while ((r = frame_take(b, got, FRAME_MAX_BODY, &len)) == 0) {
			frames++;
			CHECK_INT(len, frames == 1 ? 1000 : 5);
			CHECK_MEM(got, frames == 1 ? body : body + 3, len);
		}
		CHECK_INT(r, ERR_AGAIN);
	}
	CHECK_INT(frames, 2);
	CHECK_INT(evbuffer_get_length(b), 0);
	evbuffer_free(b);
	evbuffer_free(wire);
}

int
main(void)
{
	RUN(test_frame_roundtrip);
	RUN(test_frame_zero);
	RUN(test_frame_max);
	RUN(test_frame_truncated);
	RUN(test_frame_split);
	return TEST_EXIT();
}
