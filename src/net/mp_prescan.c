/*
 * mp_prescan.c -- walk one msgpack object and bound every claimed count and
 * length by the bytes left, before msgpack-c sees it. Pure.
 */
#include <stddef.h>
#include <stdint.h>

#include "net/mp_prescan.h"
#include "util/bytes.h"
#include "util/err.h"

/* Read an n-byte (1, 2 or 4) big-endian length at p. */
static uint32_t
mp_len(const uint8_t *p, size_t n)
{
	if (n == 1)
		return p[0];
	if (n == 2)
		return load_be16(p);
	return load_be32(p);
}

/* Validate; see mp_prescan.h. */
int
mp_prescan(const uint8_t *buf, size_t len)
{
	size_t left[MP_PRESCAN_MAX_DEPTH];	/* elements still owed */
	size_t depth = 0, i = 0, hdr, body;
	uint32_t count;
	uint8_t b;
	int is_array;

	if (len == 0)
		return ERR_PROTO;
	for (;;) {
		if (i >= len)
			return ERR_PROTO;	/* truncated */
		b = buf[i];
		hdr = 1;
		body = 0;
		is_array = 0;
		count = 0;
		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 ||
		    b == 0xc3)
			;	/* fixint, nil, bool */
		else if (b >= 0x90 && b <= 0x9f) {
			is_array = 1;
			count = b & 0x0f;
		} else if (b >= 0xa0 && b <= 0xbf)
			body = b & 0x1f;
		else {
			switch (b) {
			case 0xcc: case 0xd0:
				body = 1;
				break;
			case 0xcd: case 0xd1:
				body = 2;
				break;
			case 0xca: case 0xce: case 0xd2:
				body = 4;
				break;
			case 0xcb: case 0xcf: case 0xd3:
				body = 8;
				break;
			case 0xc4: case 0xd9:	/* bin8, str8 */
				hdr = 2;
				break;
			case 0xc5: case 0xda:	/* bin16, str16 */
				hdr = 3;
				break;
			case 0xc6: case 0xdb:	/* bin32, str32 */
				hdr = 5;
				break;
			case 0xdc:		/* array16 */
				hdr = 3;
				is_array = 1;
				break;
			case 0xdd:		/* array32 */
				hdr = 5;
				is_array = 1;
				break;
			default:	/* 0xc1, maps, ext, fixext */
				return ERR_PROTO;
			}
			if (hdr > 1) {
				if (len - i < hdr)
					return ERR_PROTO;
				if (is_array)
					count = mp_len(buf + i + 1, hdr - 1);
				else
					body = mp_len(buf + i + 1, hdr - 1);
			}
		}
		if (len - i < hdr || len - i - hdr < body)
			return ERR_PROTO;
		i += hdr + body;
		if (is_array) {
			/* Each element takes at least one byte. */
			if (count > len - i || depth == MP_PRESCAN_MAX_DEPTH)
				return ERR_PROTO;
			if (count > 0) {
				left[depth++] = count;
				continue;
			}
		}
		/* One object done: close every array it completes. */
		while (depth > 0 && --left[depth - 1] == 0)
			depth--;
		if (depth == 0)
			return i == len ? 0 : ERR_PROTO;
	}
}
