/*
 * fuzz_mbox.c -- the mailbox parsers (core/mbox_parse.c). The first byte
 * picks one: 0 a pairing code, 1 a grant, 2 a deposited blob (under a fixed
 * credential). Never crash; a blob that opens holds an MSG that seals and
 * opens again to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mbox.h"
#include "net/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t buf[MBOX_BLOB_MAX_PT], buf2[MBOX_BLOB_MAX_PT];
	static uint8_t blob[WIRE_MBOX_B_MAX];
	uint8_t secret[MBOX_SECRET_LEN], auth[MBOX_AUTH_LEN];
	char onion[ONION_LEN + 1], *s;
	struct wire_msg m, m2;
	size_t blen;

	if (len < 1)
		return 0;
	memset(secret, 7, sizeof secret);
	switch (data[0]) {
	case 0:
		if ((s = malloc(len)) == NULL)
			return 0;
		memcpy(s, data + 1, len - 1);
		s[len - 1] = '\0';
		if (mbox_code_parse(s, onion, secret, auth) == 0 &&
		    strlen(onion) != ONION_LEN)
			abort();
		free(s);
		break;
	case 1:
		if (mbox_grant_parse((const char *)data + 1, len - 1, onion,
		    secret, auth) == 1 && strlen(onion) != ONION_LEN)
			abort();
		break;
	case 2:
		if (mbox_blob_open(secret, data + 1, len - 1, buf, &m) != 0)
			break;
		if (m.type != WIRE_MSG ||
		    mbox_blob_seal(secret, &m, blob, sizeof blob, &blen) != 0 ||
		    mbox_blob_open(secret, blob, blen, buf2, &m2) != 0 ||
		    !wire_equal(&m, &m2))
			abort();
		break;
	}
	return 0;
}
