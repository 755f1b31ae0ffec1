/* gen_onions.c -- print N fresh, valid onion addresses (for benchmarks). */
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "crypto/identity.h"

int main(int, char **);

int
main(int argc, char **argv)
{
	struct identity *id;
	long i, n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;

	if (sodium_init() < 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (identity_generate(&id) != 0)
			return 1;
		printf("%s\n", identity_onion(id));
		identity_free(id);
	}
	return 0;
}
