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
	uint8_t mac[32];		/* row MACs (warren_mac) */
};

struct store {
	char *dir;
	char *db_path;			/* DIR/warren.db */
	char *key_path;			/* DIR/storage.key */
	char *tmp_path;			/* DIR/storage.key.tmp */
	struct sqlite3 *db;
	char *next_path;		/* DIR/storage.key.next */
	struct store_keys *keys;	/* NULL while locked */
	const uint8_t *mac_key;		/* warren_mac's key (keys->mac) */
	int wrapped;			/* the key file holds a passphrase */
	struct store_stmts *stmts;	/* store_stmt.c */
};

/* The settings row that holds the key check value (hex). */
#define STORE_KEY_CHECK "store.key_check"
/* The settings row that says the data is in sealing format 2 ("2"). */
#define STORE_FORMAT "store.format"

/* store_key.c */
int store_key_read(struct store *, struct keyfile *);
int store_key_create(struct store *, const char *passphrase);
int store_keys_set(struct store *, const uint8_t key[KEYFILE_KEY_LEN]);
void store_keys_wipe(struct store *);
int store_key_verify(struct store *);
int store_key_obtain(struct store *, const char *passphrase,
    uint8_t key[KEYFILE_KEY_LEN], int *wrapped);
int store_write_all(int fd, const uint8_t *buf, size_t len);

/* Write DIR/storage.key for key, wrapped under pass (import). */
int store_key_install(const char *dir, const uint8_t key[KEYFILE_KEY_LEN],
    const char *pass);

/* store_stmt.c */
void store_stmts_free(struct store *);

/* store.c */
int store_exec_sql(struct store *, const char *sql);
int store_upgrade(struct store *);

/* store_reseal.c: inside a transaction, open every sealed value with old
 * (format 1 or 2) and seal it again, recompute lookups and row MACs, with
 * st->keys. */
int store_reseal(struct store *, const struct store_keys *old,
    int old_format);

#endif
