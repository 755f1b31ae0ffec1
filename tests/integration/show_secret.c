/*
 * show_secret.c -- test-only: open a data directory's store with its key
 * file (or a passphrase file), unseal the identity row and print the
 * secrets the store must never show in the clear, one per line:
 *
 *   seed SEED-HEX
 *   blob TOR-KEY-BLOB (base64 of the expanded key, as ADD_ONION takes it)
 *   onion ADDRESS
 *
 * foundation.sh greps copies of warren.db, its WAL and storage.key for
 * these (and their raw bytes). Run it on a copy: opening a store may
 * checkpoint its WAL.
 *
 *   show_secret DIR [PASSPHRASE-FILE]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "crypto/identity.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

int main(int, char **);

/* The first line of a small file, or NULL. */
static char *
first_line(const char *path)
{
	char buf[1100];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return xstrdup(buf);
}

int
main(int argc, char **argv)
{
	struct store *st = NULL;
	struct identity *id = NULL;
	sqlite3_stmt *s = NULL;
	uint8_t *seed = NULL;
	size_t seed_len = 0, i;
	char blob[TOR_BLOB_LEN + 1], *pass = NULL;
	int r, status = 1;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: show_secret DIR [PASSPHRASE-FILE]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	log_init("show_secret", 0, LOG_LEVEL_WARN);
	if (argc == 3 && (pass = first_line(argv[2])) == NULL) {
		fprintf(stderr, "show_secret: cannot read %s\n", argv[2]);
		return 1;
	}
	if ((r = store_open(&st, argv[1], pass)) != 0) {
		fprintf(stderr, "show_secret: store_open: %s\n", err_str(r));
		goto out;
	}
	if (store_locked(st)) {
		fprintf(stderr, "show_secret: the store is locked\n");
		goto out;
	}
	if (sqlite3_prepare_v2(store_db(st), "SELECT seed FROM identity "
	    "WHERE id = 1", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		fprintf(stderr, "show_secret: no identity row\n");
		goto out;
	}
	if ((r = store_unseal(st, "identity", "seed", 1,
	    sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0),
	    &seed, &seed_len)) != 0 || seed_len != IDENTITY_SEED_LEN) {
		fprintf(stderr, "show_secret: unseal: %s\n", err_str(r));
		goto out;
	}
	if ((r = identity_from_seed(&id, seed)) != 0 ||
	    (r = identity_tor_blob(id, blob, sizeof blob)) != 0) {
		fprintf(stderr, "show_secret: identity: %s\n", err_str(r));
		goto out;
	}
	printf("seed ");
	for (i = 0; i < seed_len; i++)
		printf("%02x", seed[i]);
	printf("\nblob %s\nonion %s\n", blob, identity_onion(id));
	sodium_memzero(blob, sizeof blob);
	status = 0;
out:
	sqlite3_finalize(s);
	if (seed != NULL)
		secret_free(seed, seed_len);
	identity_free(id);
	store_close(st);
	if (pass != NULL) {
		sodium_memzero(pass, strlen(pass));
		free(pass);
	}
	return status;
}
