/* plain.c -- encode and decode ratchet plaintexts (see plain.h). No I/O. */
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>
#include <sodium.h>

#include "warren/limits.h"
#include "core/plain.h"
#include "net/mp_prescan.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* Array, msg_id, time, kind, str header, timer: at most this much. */
#define PLAIN_OVERHEAD	64

/* Encode. */
void
plain_encode(msgpack_sbuffer *sb, int kind, int64_t when, const char *body,
    size_t len, uint32_t timer)
{
	msgpack_packer pk;
	uint8_t mid[PLAIN_ID_LEN];
	size_t need = len + PLAIN_OVERHEAD;
	char *p;

	/*
	 * Room for all of it now: msgpack_sbuffer_write must never realloc,
	 * which would free a copy of the plaintext unwiped.
	 */
	if (sb->alloc - sb->size < need) {
		p = xmalloc(sb->size + need);
		if (sb->size > 0)
			memcpy(p, sb->data, sb->size);
		if (sb->data != NULL) {
			sodium_memzero(sb->data, sb->alloc);
			free(sb->data);
		}
		sb->data = p;
		sb->alloc = sb->size + need;
	}
	randombytes_buf(mid, sizeof mid);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 5);
	msgpack_pack_bin(&pk, sizeof mid);
	msgpack_pack_bin_body(&pk, mid, sizeof mid);
	msgpack_pack_uint64(&pk, (uint64_t)when);
	msgpack_pack_uint8(&pk, (uint8_t)kind);
	msgpack_pack_str(&pk, len);
	msgpack_pack_str_body(&pk, body, len);
	msgpack_pack_uint32(&pk, timer);
}

/* Zero and free a buffer plain_encode wrote into. */
void
plain_sbuffer_wipe(msgpack_sbuffer *sb)
{
	if (sb->data != NULL)
		sodium_memzero(sb->data, sb->alloc);
	msgpack_sbuffer_destroy(sb);
}

/* Decode. */
int
plain_decode(const uint8_t *buf, size_t len, struct plain *p)
{
	msgpack_unpacked u;
	msgpack_object *a;
	size_t off = 0;
	int r = ERR_PROTO;

	memset(p, 0, sizeof *p);
	if (mp_prescan(buf, len) != 0)
		return ERR_PROTO;
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, (const char *)buf, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS || off != len)
		goto out;
	if (u.data.type != MSGPACK_OBJECT_ARRAY || u.data.via.array.size < 4 ||
	    u.data.via.array.size > 5)
		goto out;
	a = u.data.via.array.ptr;
	if (a[0].type != MSGPACK_OBJECT_BIN ||
	    a[0].via.bin.size != PLAIN_ID_LEN ||
	    a[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a[1].via.u64 > INT64_MAX ||
	    a[2].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a[2].via.u64 > 255 || a[3].type != MSGPACK_OBJECT_STR ||
	    a[3].via.str.size > WARREN_MAX_TEXT)
		goto out;
	if (u.data.via.array.size == 5) {
		if (a[4].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
		    a[4].via.u64 > PLAIN_MAX_TIMER)
			goto out;
		p->timer = (uint32_t)a[4].via.u64;
	}
	if (memchr(a[3].via.str.ptr, 0, a[3].via.str.size) != NULL ||
	    utf8_check(a[3].via.str.ptr, a[3].via.str.size, 1) != 0) {
		r = ERR_UTF8;
		goto out;
	}
	p->kind = (int)a[2].via.u64;
	p->when = (int64_t)a[1].via.u64;
	p->body_len = a[3].via.str.size;
	p->body = xstrndup(a[3].via.str.ptr, p->body_len);
	r = 0;
out:
	msgpack_unpacked_destroy(&u);
	return r;
}
