/* fuzz_group_item.c -- group items: never crash; what parses has a 32-byte
 * id and signer, a type, and a signed body that is its own "b". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/groups.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct group_item it;

	if (sodium_init() < 0)
		abort();
	if (group_item_parse((const char *)data, len, &it) != 0) {
		if (it.outer != NULL || it.body != NULL)
			abort();	/* a failure leaves nothing behind */
		return 0;
	}
	if (it.type == NULL || it.b == NULL || it.blen == 0 ||
	    strlen(it.b) != it.blen)
		abort();
	(void)group_item_verify(&it);
	group_item_free(&it);
	return 0;
}
