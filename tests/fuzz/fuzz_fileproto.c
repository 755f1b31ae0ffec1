/*
 * fuzz_fileproto.c -- file offers, open requests and chunk records from a
 * peer: never crash; an offer that decodes has a safe name, a size within
 * the limit, and re-encodes to the same bytes; a record opens only if it
 * was sealed for that index.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileproto.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t key[FILE_KEY_LEN] = { 1, 2, 3 };
static const uint8_t fid[FILE_ID_LEN] = { 9, 8, 7 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct file_offer o;
	char out[FILE_OFFER_MAX + 1];
	uint8_t id[FILE_ID_LEN], tok[FILE_TOKEN_LEN], pt[FILE_CHUNK];
	uint64_t first, size, idx;
	size_t olen;

	if (len < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (file_offer_decode((const char *)data + 1, len - 1,
		    &o) != 0)
			return 0;
		if (o.size > FILE_MAX_SIZE || strchr(o.name, '/') != NULL ||
		    strcmp(o.name, "..") == 0 || strcmp(o.name, ".") == 0)
			abort();
		if (file_offer_encode(&o, out, sizeof out, &olen) != 0 ||
		    olen != len - 1 || memcmp(out, data + 1, olen) != 0)
			abort();
		break;
	case 1:
		(void)file_open_decode(data + 1, len - 1, id, &first, tok);
		break;
	case 2:
		/* size and index from the input, then a record. */
		if (len < 17)
			return 0;
		memcpy(&size, data + 1, 8);
		memcpy(&idx, data + 9, 8);
		size %= FILE_MAX_SIZE + 1;
		if (file_chunk_open(key, fid, size, idx, data + 17, len - 17,
		    pt) == 0)
			abort();	/* nobody can forge a record */
		break;
	}
	return 0;
}
