/*
 * store_passwd_helper.c -- child process for test_store's crash test:
 * opens DIR with passphrase A, then changes it A -> B, B -> A, ... COUNT
 * times. Linked with store_key.c built with STORE_CRASH_HOOKS, so
 * WARREN_TEST_CRASH_AT=N kills it at step N of the key file write.
 * Usage: store_passwd_helper DIR A B COUNT
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"
#include "util/err.h"
#include "util/log.h"

int main(int, char **);

/* Run the passphrase changes; exit 0 if all succeeded. */
int
main(int argc, char **argv)
{
	struct store *st;
	const char *a, *b, *t;
	int i, n, r;

	if (argc != 5) {
		fprintf(stderr, "usage: %s DIR A B COUNT\n", argv[0]);
		return 2;
	}
	log_init("store_passwd_helper", 0, LOG_LEVEL_WARN);
	a = argv[2];
	b = argv[3];
	n = atoi(argv[4]);
	if ((r = store_open(&st, argv[1], a)) != 0) {
		fprintf(stderr, "store_open: %s\n", err_str(r));
		return 1;
	}
	for (i = 0; i < n; i++) {
		if ((r = store_set_passphrase(st, a, b)) != 0) {
			fprintf(stderr, "store_set_passphrase: %s\n",
			    err_str(r));
			store_close(st);
			return 1;
		}
		t = a;
		a = b;
		b = t;
	}
	store_close(st);
	return 0;
}
