/* frame.c -- "u16 BE length || body" framing over an evbuffer. */
#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>

#include "net/frame.h"
#include "util/bytes.h"
#include "util/err.h"

/* Take one whole frame of at most cap bytes, or say why not. */
int
frame_take(struct evbuffer *in, uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t hdr[FRAME_HDR_LEN];
	size_t n;

	*len = 0;
	if (evbuffer_get_length(in) < FRAME_HDR_LEN)
		return ERR_AGAIN;
	if (evbuffer_copyout(in, hdr, sizeof hdr) != (ev_ssize_t)sizeof hdr)
		return ERR_PROTO;
	n = load_be16(hdr);
	if (n == 0 || n > cap)
		return ERR_PROTO;
	if (evbuffer_get_length(in) < FRAME_HDR_LEN + n)
		return ERR_AGAIN;
	if (evbuffer_drain(in, FRAME_HDR_LEN) != 0 ||
	    evbuffer_remove(in, buf, n) != (int)n)
		return ERR_PROTO;
	*len = n;
	return 0;
}

/* Append one frame; all of it or nothing. */
int
frame_put(struct evbuffer *out, const uint8_t *body, size_t len)
{
	uint8_t hdr[FRAME_HDR_LEN];

	if (len == 0 || len > UINT16_MAX)
		return ERR_INVAL;
	store_be16(hdr, (uint16_t)len);
	/* Reserve first so that the second add cannot fail halfway. */
	if (evbuffer_expand(out, sizeof hdr + len) != 0)
		return ERR_NOMEM;
	if (evbuffer_add(out, hdr, sizeof hdr) != 0 ||
	    evbuffer_add(out, body, len) != 0)
		return ERR_NOMEM;
	return 0;
}
