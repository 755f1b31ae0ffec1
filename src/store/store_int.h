/* store_int.h -- the store's body, shared by store.c and store_key.c. */
#ifndef WARREN_STORE_INT_H
#define WARREN_STORE_INT_H

#include <stdint.h>

#include "store/keyfile.h"
#include "store/seal.h"

/* Subkeys of the storage key, all in one sodium_malloc() block. */
struct store_keys {
	uint8_t key[KEYFILE_KEY_LEN];	/* the storage key itself */
	uint8_t seal[SEAL_KEY_LEN];	/* sealed values */
	uint8_t hash[32];		/* store_lookup_hash */
	uint8_t check[32];		/* proves the key belongs to the DB */
};

struct store {
	char *dir;
	char *db_path;			/* DIR/warren.db */
	char *key_path;			/* DIR/storage.key */
	char *tmp_path;			/* DIR/storage.key.tmp */
	struct sqlite3 *db;
	struct store_keys *keys;	/* NULL while locked */
	int wrapped;			/* the key file holds a passphrase */
};

/* The settings row that holds the key check value (hex). */
#define STORE_KEY_CHECK "store.key_check"

/* store_key.c */
int store_key_read(struct store *, struct keyfile *);
int store_key_create(struct store *, const char *passphrase);
int store_keys_set(struct store *, const uint8_t key[KEYFILE_KEY_LEN]);
void store_keys_wipe(struct store *);
int store_key_verify(struct store *);

#endif
