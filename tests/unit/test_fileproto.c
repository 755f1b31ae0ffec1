/* test_fileproto.c -- offers, open requests and chunk records (fileproto.h),
 * with the hostile cases of issue 14. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/fileproto.h"
#include "util/err.h"
#include "test.h"

#define Z64 "0000000000000000000000000000000000000000000000000000000000000000"
#define ID32 "000102030405060708090a0b0c0d0e0f"

static int
dec(const char *s, struct file_offer *o)
{
	return file_offer_decode(s, strlen(s), o);
}

static void
offer_roundtrip(void)
{
	struct file_offer o, p;
	char buf[FILE_OFFER_MAX + 1];
	size_t len;

	memset(&o, 0, sizeof o);
	randombytes_buf(o.id, sizeof o.id);
	randombytes_buf(o.key, sizeof o.key);
	randombytes_buf(o.hash, sizeof o.hash);
	o.size = 20 << 20;
	strcpy(o.type, "text/plain");
	strcpy(o.name, "my notes (1).txt");
	CHECK_INT(file_offer_encode(&o, buf, sizeof buf, &len), 0);
	CHECK_INT(len, strlen(buf));
	CHECK_INT(file_offer_decode(buf, len, &p), 0);
	CHECK_MEM(&o, &p, sizeof o);
}

static void
offer_limits(void)
{
	struct file_offer o;
	char buf[1024], name[FILE_MAX_NAME + 2];

	/* 0 bytes is a file; 1 TiB the max, + 1 over. */
	CHECK_INT(dec(FILE_OFFER_PREFIX ID32 " 0 " Z64 " " Z64 " a/b x", &o), 0);
	CHECK_INT(dec(FILE_OFFER_PREFIX ID32 " 1099511627776 " Z64 " " Z64
	    " a/b x", &o), 0);
	CHECK_INT(o.size, FILE_MAX_SIZE);
	CHECK_INT(dec(FILE_OFFER_PREFIX ID32 " 1099511627777 " Z64 " " Z64
	    " a/b x", &o), ERR_TOOBIG);
	/* The 2^63-byte offer, and 2^64 (overflow). */
	CHECK_INT(dec(FILE_OFFER_PREFIX ID32 " 9223372036854775808 " Z64 " "
	    Z64 " a/b x", &o), ERR_TOOBIG);
	CHECK_INT(dec(FILE_OFFER_PREFIX ID32 " 18446744073709551616 " Z64 " "
	    Z64 " a/b x", &o), ERR_TOOBIG);
	/* Name at the max and max + 1. */
	memset(name, 'n', sizeof name);
	name[FILE_MAX_NAME] = '\0';
	snprintf(buf, sizeof buf, FILE_OFFER_PREFIX ID32 " 1 " Z64 " " Z64
	    " a/b %s", name);
	CHECK_INT(dec(buf, &o), 0);
	name[FILE_MAX_NAME] = 'n';
	name[FILE_MAX_NAME + 1] = '\0';
	snprintf(buf, sizeof buf, FILE_OFFER_PREFIX ID32 " 1 " Z64 " " Z64
	    " a/b %s", name);
	CHECK(dec(buf, &o) != 0);
}

static void
offer_hostile(void)
{
	struct file_offer o;
	static const char *const names[] = { "../etc/passwd", "a/b", "..",
	    ".", "a\\b", "a\nb", "a\rb", "", "tab\there", "\x7f" };
	char buf[1024];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(buf, sizeof buf, FILE_OFFER_PREFIX ID32 " 1 " Z64 " "
		    Z64 " a/b %s", names[i]);
		CHECK(dec(buf, &o) != 0);
	}
	/* An embedded NUL in the name. */
	snprintf(buf, sizeof buf, FILE_OFFER_PREFIX ID32 " 1 " Z64 " " Z64
	    " a/b xy");
	buf[strlen(buf) - 1] = '\0';
	CHECK_INT(file_offer_decode(buf, strlen(buf) + 1, &o), ERR_INVAL);
	/* Bad UTF-8, a leading zero, a sign, short hex, wrong prefix. */
	CHECK(dec(FILE_OFFER_PREFIX ID32 " 1 " Z64 " " Z64 " a/b \xc3", &o) != 0);
	CHECK_INT(dec(FILE_OFFER_PREFIX ID32 " 01 " Z64 " " Z64 " a/b x", &o),
	    ERR_PROTO);
	CHECK_INT(dec(FILE_OFFER_PREFIX ID32 " -1 " Z64 " " Z64 " a/b x", &o),
	    ERR_PROTO);
	CHECK_INT(dec(FILE_OFFER_PREFIX "0001 1 " Z64 " " Z64 " a/b x", &o),
	    ERR_PROTO);
	/* Upper-case hex (found by fuzz_fileproto: not canonical). */
	CHECK_INT(dec(FILE_OFFER_PREFIX "000102030405060708090A0b0c0d0e0f 1 "
	    Z64 " " Z64 " a/b x", &o), ERR_PROTO);
	CHECK_INT(dec("warren-file/2 " ID32 " 1 " Z64 " " Z64 " a/b x", &o),
	    ERR_PROTO);
	CHECK_INT(dec(FILE_OFFER_PREFIX ID32 " 1 " Z64 " " Z64 " a;b x", &o),
	    ERR_PROTO);
	/* Truncated everywhere: never accepted. */
	snprintf(buf, sizeof buf, FILE_OFFER_PREFIX ID32 " 1 " Z64 " " Z64
	    " a/b x");
	for (i = 0; i < strlen(buf); i++)
		CHECK(file_offer_decode(buf, i, &o) != 0);
}

static void
chunks(void)
{
	CHECK_INT(file_nchunks(0), 0);
	CHECK_INT(file_nchunks(1), 1);
	CHECK_INT(file_nchunks(FILE_CHUNK), 1);
	CHECK_INT(file_nchunks(FILE_CHUNK + 1), 2);
	CHECK_INT(file_chunk_len(FILE_CHUNK + 1, 0), FILE_CHUNK);
	CHECK_INT(file_chunk_len(FILE_CHUNK + 1, 1), 1);
	CHECK_INT(file_chunk_len(FILE_CHUNK + 1, 2), 0);
}

static void
records(void)
{
	uint8_t key[FILE_KEY_LEN], key2[FILE_KEY_LEN], id[FILE_ID_LEN];
	static uint8_t pt[FILE_CHUNK], rec[FILE_REC_MAX], out[FILE_CHUNK];
	uint64_t size = FILE_CHUNK * 2 + 10;
	size_t len = FILE_CHUNK + FILE_REC_OVERHEAD;

	randombytes_buf(key, sizeof key);
	randombytes_buf(key2, sizeof key2);
	randombytes_buf(id, sizeof id);
	randombytes_buf(pt, sizeof pt);
	file_chunk_seal(key, id, size, 1, pt, rec);
	CHECK_INT(file_chunk_open(key, id, size, 1, rec, len, out), 0);
	CHECK_MEM(pt, out, FILE_CHUNK);
	/* The index, the size, the id and the key are bound. */
	CHECK_INT(file_chunk_open(key, id, size, 0, rec, len, out), ERR_AUTH);
	CHECK_INT(file_chunk_open(key, id, size + FILE_CHUNK, 1, rec, len,
	    out), ERR_AUTH);
	id[0] ^= 1;
	CHECK_INT(file_chunk_open(key, id, size, 1, rec, len, out), ERR_AUTH);
	id[0] ^= 1;
	CHECK_INT(file_chunk_open(key2, id, size, 1, rec, len, out), ERR_AUTH);
	/* Out of range, wrong length, a flipped bit. */
	CHECK_INT(file_chunk_open(key, id, size, 3, rec, len, out), ERR_PROTO);
	CHECK_INT(file_chunk_open(key, id, size, UINT64_MAX, rec, len, out),
	    ERR_PROTO);
	CHECK_INT(file_chunk_open(key, id, size, 1, rec, len - 1, out),
	    ERR_PROTO);
	CHECK_INT(file_chunk_open(key, id, size, 2, rec, len, out), ERR_PROTO);
	rec[100] ^= 1;
	CHECK_INT(file_chunk_open(key, id, size, 1, rec, len, out), ERR_AUTH);
	/* The short last chunk. */
	file_chunk_seal(key, id, size, 2, pt, rec);
	CHECK_INT(file_chunk_open(key, id, size, 2, rec, 10 +
	    FILE_REC_OVERHEAD, out), 0);
	CHECK_MEM(pt, out, 10);
}

static void
open_request(void)
{
	uint8_t id[FILE_ID_LEN], tok[FILE_TOKEN_LEN], req[FILE_OPEN_LEN];
	uint8_t id2[FILE_ID_LEN], tok2[FILE_TOKEN_LEN], key[FILE_KEY_LEN];
	uint64_t first;
	size_t i;

	randombytes_buf(id, sizeof id);
	randombytes_buf(key, sizeof key);
	file_token(key, id, tok);
	file_open_encode(id, 12345, tok, req);
	CHECK_INT(file_open_decode(req, sizeof req, id2, &first, tok2), 0);
	CHECK_MEM(id, id2, sizeof id);
	CHECK_MEM(tok, tok2, sizeof tok);
	CHECK_INT(first, 12345);
	for (i = 0; i < sizeof req; i++)
		CHECK_INT(file_open_decode(req, i, id2, &first, tok2),
		    ERR_AGAIN);
	req[0] = 'X';
	CHECK_INT(file_open_decode(req, sizeof req, id2, &first, tok2),
	    ERR_PROTO);
	/* A different key, a different token. */
	key[0] ^= 1;
	file_token(key, id, tok2);
	CHECK(memcmp(tok, tok2, sizeof tok) != 0);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(offer_roundtrip);
	RUN(offer_limits);
	RUN(offer_hostile);
	RUN(chunks);
	RUN(records);
	RUN(open_request);
	return TEST_EXIT();
}
