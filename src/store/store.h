/*
 * store.h -- the encrypted store: SQLite (WAL, synchronous=FULL,
 * secure_delete) with a versioned schema, and sealed columns
 * (XChaCha20-Poly1305 under a 32-byte storage key; AD names table, column
 * and row). The storage key lives in DIR/storage.key (0600): raw, or
 * wrapped with Argon2id(passphrase). Key file changes are atomic
 * (write temp, fsync, rename, fsync dir): a crash leaves old or new.
 */
#ifndef WARREN_STORE_H
#define WARREN_STORE_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;
struct sqlite3_stmt;
struct store;

/*
 * Open DIR/warren.db (created 0600) and run migrations. A new store gets a
 * new storage key, wrapped under passphrase if one is given (else a raw
 * key file). An existing wrapped key with passphrase NULL opens *locked*
 * (store_locked() == 1; the DB works, seal/unseal return ERR_LOCKED).
 * A wrong passphrase: ERR_PASSPHRASE and nothing on disk changes.
 */
int store_open(struct store **, const char *dir, const char *passphrase);
void store_close(struct store *);	/* accepts NULL; wipes the key */

int store_locked(const struct store *);
int store_has_passphrase(const struct store *);
/* Unwrap the key; ERR_PASSPHRASE if wrong, ERR_STATE if not locked. */
int store_unlock(struct store *, const char *passphrase);
/* Drop the key from memory (only if a passphrase is set; else ERR_STATE). */
int store_lock(struct store *);
/*
 * Set, change or (new_pass NULL) remove the passphrase. old_pass must
 * match when one is set. Every change also rotates the storage key: a new
 * key is written to storage.key.next, every sealed value, lookup and row
 * MAC is redone under it in one transaction, then storage.key.next
 * replaces storage.key. A crash leaves the old key and data or the new
 * (settled at the next open or unlock). The old key file no longer opens
 * the database afterwards.
 */
int store_set_passphrase(struct store *, const char *old_pass,
    const char *new_pass);
/* Rotate the storage key, keeping the passphrase (pass; NULL if none). */
int store_rotate(struct store *, const char *pass);

/*
 * `warren export`: write the whole store (a consistent image of the
 * database and the storage key) to path, sealed under pass (Argon2id
 * MODERATE + XChaCha20-Poly1305 secretstream). path must not exist.
 */
int store_export(struct store *, const char *path, const char *pass);
/*
 * `warrend --import`: unpack such a file into dir, which must hold no
 * store; the store then has pass as its passphrase and a fresh storage key.
 */
int store_import(const char *dir, const char *path, const char *pass);
/* Delete a setting (no error if unset). */
int store_setting_del(struct store *, const char *key);

struct sqlite3 *store_db(struct store *);
/* A cached prepared statement (store_stmt.c); store_done() gives it back. */
struct sqlite3_stmt *store_prep(struct store *, const char *sql);
void store_done(struct store *, struct sqlite3_stmt *);	/* NULL: no-op */
int store_schema_version(struct store *);
int store_begin(struct store *);	/* BEGIN IMMEDIATE */
int store_commit(struct store *);
void store_rollback(struct store *);
/* PRAGMA wal_checkpoint(TRUNCATE): pushes deleted pages out of the WAL. */
int store_checkpoint(struct store *);

/* Seal len bytes for (table, column, row); caller frees *out with free(). */
int store_seal(struct store *, const char *table, const char *column,
    int64_t row, const void *in, size_t len, uint8_t **out, size_t *out_len);
/* Open a sealed value; ERR_AUTH if it was tampered with or moved. Caller
 * frees *out with secret_free(*out, *out_len). *out is NUL-terminated
 * (not counted in out_len) so text can be used directly. */
int store_unseal(struct store *, const char *table, const char *column,
    int64_t row, const void *in, size_t len, uint8_t **out, size_t *out_len);
/* The same for messages.body, bound also to its contact and direction. */
int store_seal_msg(struct store *, int64_t row, int64_t contact, int dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len);
int store_unseal_msg(struct store *, int64_t row, int64_t contact, int dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len);
/* A keyed hash (32 bytes) for looking up sealed values by equality. */
int store_lookup_hash(struct store *, const void *in, size_t len,
    uint8_t out[32]);

/*
 * The settings table (plain text: never put secrets here). Keys starting
 * with "store." are the store's own. get: ERR_NOTFOUND if unset, caller
 * frees *value with free(). set: insert or replace.
 */
int store_setting_get(struct store *, const char *key, char **value);
int store_setting_set(struct store *, const char *key, const char *value);
/*
 * A sealed setting (such as "nick"): stored as a sealed BLOB in settings.
 * get: ERR_NOTFOUND if unset, ERR_AUTH if damaged; caller frees *value.
 * set: value NULL deletes it.
 */
int store_secret_get(struct store *, const char *key, char **value);
int store_secret_set(struct store *, const char *key, const char *value);

/*
 * Row MACs: the SQL function warren_mac(table, id, ...) (keyed BLAKE2b
 * under a subkey of the storage key, callable only from top-level SQL, not
 * from triggers or views) authenticates the bookkeeping columns of
 * contacts and messages. Write it with "mac = " STORE_MAC_*; a row whose
 * "mac IS " STORE_MAC_* is false was changed outside warren.
 */
#define STORE_MAC_CONTACTS "warren_mac('contacts', id, lookup, state, " \
	"flags, verified, created, send_seq, recv_seq, unread, last_seen, " \
	"timer, peer_receipts, read_seq)"
#define STORE_MAC_MESSAGES "warren_mac('messages', id, contact, dir, seq, " \
	"state, time, sent, timer, expires_at)"

#endif
