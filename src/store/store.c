/*
 * store.c -- opening and closing the store, the SQLite connection and its
 * pragmas, transactions, settings, and sealed values. The key file and
 * passphrase live in store_key.c, the schema in schema.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store/schema.h"
#include "store/store.h"
#include "store/store_int.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Wait this long (ms) for another connection's write lock. */
#define STORE_BUSY_MS	100

/* Log SQLite's message for what failed; returns ERR_DB. */
static int
store_dberr(struct store *st, const char *what)
{
	log_error("store: %s: %s", what, sqlite3_errmsg(st->db));
	return ERR_DB;
}

/* Run SQL without results. */
static int
store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("store: %s: %s", sql, msg != NULL ? msg :
		    sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return ERR_DB;
	}
	return 0;
}

/* The same for store_key.c and store_reseal.c. */
int
store_exec_sql(struct store *st, const char *sql)
{
	return store_exec(st, sql);
}

/*
 * warren_mac(table, id, ...): keyed BLAKE2b-128 of its arguments, each
 * tagged with its type, under the mac subkey. An error while locked.
 */
static void
store_mac_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store *st = sqlite3_user_data(ctx);
	crypto_generichash_state h;
	uint8_t tag[1 + 8], out[16];
	const void *p;
	int i, n;

	if (st->mac_key == NULL) {
		sqlite3_result_error(ctx, "warren_mac: the store is locked", -1);
		return;
	}
	crypto_generichash_init(&h, st->mac_key, 32, sizeof out);
	crypto_generichash_update(&h, (const uint8_t *)"warren/2 row", 12);
	for (i = 0; i < argc; i++) {
		tag[0] = (uint8_t)sqlite3_value_type(argv[i]);
		switch (tag[0]) {
		case SQLITE_INTEGER:
			store_be64(tag + 1,
			    (uint64_t)sqlite3_value_int64(argv[i]));
			crypto_generichash_update(&h, tag, 9);
			break;
		case SQLITE_TEXT:
		case SQLITE_BLOB:
			p = tag[0] == SQLITE_TEXT ?
			    (const void *)sqlite3_value_text(argv[i]) :
			    sqlite3_value_blob(argv[i]);
			n = sqlite3_value_bytes(argv[i]);
			store_be64(tag + 1, (uint64_t)n);
			crypto_generichash_update(&h, tag, 9);
			if (p != NULL && n > 0)
				crypto_generichash_update(&h, p, (size_t)n);
			break;
		case SQLITE_NULL:
			crypto_generichash_update(&h, tag, 1);
			break;
		default:	/* we never store floats */
			sqlite3_result_error(ctx, "warren_mac: bad type", -1);
			return;
		}
	}
	crypto_generichash_final(&h, out, sizeof out);
	sqlite3_result_blob(ctx, out, sizeof out, SQLITE_TRANSIENT);
}

/* The data directory must exist, be ours and be closed to others. */
static int
store_check_dir(const char *dir)
{
	struct stat sb;

	if (stat(dir, &sb) != 0) {
		log_error("store: %s: %s", dir, strerror(errno));
		return ERR_IO;
	}
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != geteuid()) {
		log_error("store: %s: not a directory owned by us", dir);
		return ERR_IO;
	}
	if ((sb.st_mode & 077) != 0) {
		log_error("store: %s: mode %04o lets others in; chmod 700 it",
		    dir, (unsigned int)(sb.st_mode & 07777));
		return ERR_IO;
	}
	return 0;
}

/* Open warren.db (0600), set the pragmas, run migrations. */
static int
store_db_open(struct store *st)
{
	static const char *const pragmas[] = {
		"PRAGMA synchronous = FULL",
		"PRAGMA secure_delete = ON",
		"PRAGMA foreign_keys = ON",
		"PRAGMA trusted_schema = OFF",
	};
	sqlite3_stmt *stmt = NULL;
	const char *mode;
	struct stat sb;
	mode_t mask;
	size_t i;
	int rc, r;

	mask = umask(077);
	rc = sqlite3_open_v2(st->db_path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
	umask(mask);
	if (rc != SQLITE_OK) {
		if (st->db == NULL) {
			log_error("store: %s: %s", st->db_path,
			    sqlite3_errstr(rc));
			return ERR_DB;
		}
		return store_dberr(st, st->db_path);
	}
	if (stat(st->db_path, &sb) == 0 && (sb.st_mode & 077) != 0) {
		log_warn("store: %s: mode %04o, setting 0600", st->db_path,
		    (unsigned int)(sb.st_mode & 07777));
		if (chmod(st->db_path, 0600) != 0) {
			log_error("store: chmod %s: %s", st->db_path,
			    strerror(errno));
			return ERR_IO;
		}
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	/* journal_mode answers with the mode it got: it must be WAL. */
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &stmt,
	    NULL) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
		r = store_dberr(st, "journal_mode");
		goto out;
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		log_error("store: %s: cannot use WAL (journal mode %s)",
		    st->db_path, mode != NULL ? mode : "unknown");
		r = ERR_DB;
		goto out;
	}
	/* An unfinished statement would keep the migrations from committing. */
	sqlite3_finalize(stmt);
	stmt = NULL;
	for (i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++)
		if ((r = store_exec(st, pragmas[i])) != 0)
			goto out;
	/* DIRECTONLY: a trigger or view planted in the file cannot mint
	 * MACs. */
	if (sqlite3_create_function_v2(st->db, "warren_mac", -1, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, st, store_mac_fn, NULL, NULL, NULL) !=
	    SQLITE_OK) {
		r = store_dberr(st, "warren_mac");
		goto out;
	}
	r = schema_migrate(st->db);
out:
	sqlite3_finalize(stmt);
	return r;
}

/* Open the store; see store.h. */
int
store_open(struct store **out, const char *dir, const char *passphrase)
{
	struct store *st = NULL;
	struct keyfile kf;
	uint8_t key[KEYFILE_KEY_LEN];
	char *check = NULL;
	int have_key, wrapped, unwrapped = 0, r;

	*out = NULL;
	memset(&kf, 0, sizeof kf);
	sodium_memzero(key, sizeof key);
	if (sodium_init() < 0) {
		log_error("store: sodium_init failed");
		return ERR_CRYPTO;
	}
	if (passphrase != NULL && passphrase[0] == '\0')
		passphrase = NULL;
	if ((r = store_check_dir(dir)) != 0)
		return r;
	st = xcalloc(1, sizeof *st);
	st->dir = xstrdup(dir);
	xasprintf(&st->db_path, "%s/warren.db", dir);
	xasprintf(&st->key_path, "%s/storage.key", dir);
	xasprintf(&st->tmp_path, "%s/storage.key.tmp", dir);
	xasprintf(&st->next_path, "%s/storage.key.next", dir);

	r = store_key_read(st, &kf);
	if (r != 0 && r != ERR_NOTFOUND)
		goto out;
	have_key = r == 0;
	if (have_key && kf.type == KEYFILE_RAW && passphrase != NULL) {
		log_warn("store: no passphrase is set; ignoring the one given");
		passphrase = NULL;
	}
	/* Unwrap before touching the DB: a wrong passphrase changes nothing. */
	if (have_key && kf.type == KEYFILE_WRAPPED) {
		st->wrapped = 1;
		if (passphrase != NULL &&
		    (r = keyfile_unwrap(&kf, passphrase, key)) != 0 &&
		    (r != ERR_PASSPHRASE || access(st->next_path, F_OK) != 0))
			goto out;	/* (the next key file may take it) */
		unwrapped = passphrase != NULL && r == 0;
	}

	if ((r = store_db_open(st)) != 0)
		goto out;
	if (!have_key) {
		/* Never make a new key for data sealed under another. */
		r = store_setting_get(st, STORE_KEY_CHECK, &check);
		if (r == 0) {
			log_error("store: %s is missing but %s holds data "
			    "sealed under it", st->key_path, st->db_path);
			r = ERR_NOTFOUND;
			goto out;
		}
		if (r != ERR_NOTFOUND ||
		    (r = store_key_create(st, passphrase)) != 0)
			goto out;
	} else if (kf.type == KEYFILE_RAW || passphrase != NULL) {
		if (access(st->next_path, F_OK) == 0 || (kf.type ==
		    KEYFILE_WRAPPED && !unwrapped)) {
			/* Settle an interrupted key change. */
			if ((r = store_key_obtain(st, passphrase, key,
			    &wrapped)) != 0)
				goto out;
			st->wrapped = wrapped;
		} else if (kf.type == KEYFILE_RAW)
			memcpy(key, kf.key, sizeof key);
		if ((r = store_keys_set(st, key)) != 0)
			goto out;
	}
	if (st->keys != NULL && ((r = store_key_verify(st)) != 0 ||
	    (r = store_upgrade(st)) != 0))
		goto out;
	*out = st;	/* the caller owns it now */
	st = NULL;
out:
	free(check);
	sodium_memzero(key, sizeof key);
	sodium_memzero(&kf, sizeof kf);
	store_close(st);
	return r;
}

/* Close the database and wipe the key. */
void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	store_keys_wipe(st);
	store_stmts_free(st);
	if (st->db != NULL && sqlite3_close_v2(st->db) != SQLITE_OK)
		log_error("store: close: %s", sqlite3_errmsg(st->db));
	free(st->dir);
	free(st->db_path);
	free(st->key_path);
	free(st->tmp_path);
	free(st->next_path);
	free(st);
}

/* The connection, for the modules that own tables. */
struct sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

/* PRAGMA user_version, or ERR_DB. */
int
store_schema_version(struct store *st)
{
	int v, r;

	if ((r = schema_version(st->db, &v)) != 0)
		return r;
	return v;
}

/* Start a write transaction now, not at the first write. */
int
store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

/* Commit; with synchronous=FULL it is on disk when this returns. */
int
store_commit(struct store *st)
{
	return store_exec(st, "COMMIT");
}

/* Roll back; harmless if no transaction is open. */
void
store_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return;
	store_exec(st, "ROLLBACK");
}

/* Copy the WAL into the DB and truncate it, so deleted pages leave it. */
int
store_checkpoint(struct store *st)
{
	if (sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		return store_dberr(st, "checkpoint");
	return 0;
}

/* Seal a value for a cell. */
int
store_seal(struct store *st, const char *table, const char *column,
    int64_t row, const void *in, size_t len, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (st->keys == NULL)
		return ERR_LOCKED;
	return seal_box(st->keys->seal, table, column, row, in, len, out,
	    out_len);
}

/* Open a sealed value for a cell. */
int
store_unseal(struct store *st, const char *table, const char *column,
    int64_t row, const void *in, size_t len, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (st->keys == NULL)
		return ERR_LOCKED;
	return seal_open(st->keys->seal, table, column, row, in, len, out,
	    out_len);
}

/* Seal messages.body of row, bound to its contact and direction. */
int
store_seal_msg(struct store *st, int64_t row, int64_t contact, int dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (st->keys == NULL)
		return ERR_LOCKED;
	return seal_box_ctx(st->keys->seal, "messages", "body", row, contact,
	    dir, in, len, out, out_len);
}

/* Open messages.body; ERR_AUTH also if it was moved to another contact. */
int
store_unseal_msg(struct store *st, int64_t row, int64_t contact, int dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (st->keys == NULL)
		return ERR_LOCKED;
	return seal_open_ctx(st->keys->seal, "messages", "body", row, contact,
	    dir, in, len, out, out_len);
}

/* Keyed BLAKE2b-256 under the lookup subkey. */
int
store_lookup_hash(struct store *st, const void *in, size_t len,
    uint8_t out[32])
{
	if (st->keys == NULL)
		return ERR_LOCKED;
	crypto_generichash(out, 32, in, len, st->keys->hash,
	    sizeof st->keys->hash);
	return 0;
}

/* Read one setting. */
int
store_setting_get(struct store *st, const char *key, char **value)
{
	sqlite3_stmt *stmt = NULL;
	const unsigned char *v;
	int rc, r;

	*value = NULL;
	if (sqlite3_prepare_v2(st->db,
	    "SELECT value FROM settings WHERE key = ?", -1, &stmt,
	    NULL) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) != SQLITE_OK) {
		r = store_dberr(st, "settings");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_DONE) {
		r = ERR_NOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = store_dberr(st, "settings");
		goto out;
	}
	if ((v = sqlite3_column_text(stmt, 0)) == NULL) {
		r = store_dberr(st, "settings");
		goto out;
	}
	*value = xstrdup((const char *)v);
	r = 0;
out:
	sqlite3_finalize(stmt);
	return r;
}

/* Write one setting. */
int
store_setting_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *stmt = NULL;
	int r = 0;

	if (sqlite3_prepare_v2(st->db,
	    "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", -1,
	    &stmt, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE)
		r = store_dberr(st, "settings");
	sqlite3_finalize(stmt);
	return r;
}

/* Read a sealed setting. */
int
store_secret_get(struct store *st, const char *key, char **value)
{
	sqlite3_stmt *stmt = NULL;
	uint8_t *pt;
	size_t len;
	int rc, r;

	*value = NULL;
	if (st->keys == NULL)
		return ERR_LOCKED;
	if (sqlite3_prepare_v2(st->db,
	    "SELECT value FROM settings WHERE key = ?", -1, &stmt,
	    NULL) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) != SQLITE_OK) {
		r = store_dberr(st, "settings");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_DONE) {
		r = ERR_NOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = store_dberr(st, "settings");
		goto out;
	}
	/* Text here would be a value from before sealing: refused. */
	if (sqlite3_column_type(stmt, 0) != SQLITE_BLOB ||
	    (r = seal_open(st->keys->seal, "settings", key, 0,
	    sqlite3_column_blob(stmt, 0), (size_t)sqlite3_column_bytes(stmt,
	    0), &pt, &len)) != 0) {
		log_error("store: the setting %s is damaged", key);
		r = ERR_AUTH;
		goto out;
	}
	*value = xstrndup((char *)pt, len);
	secret_free(pt, len);
out:
	sqlite3_finalize(stmt);
	return r;
}

/* Write (or with NULL delete) a sealed setting. */
int
store_secret_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *stmt = NULL;
	uint8_t *ct = NULL;
	size_t len = 0;
	int r;

	if (value != NULL && (r = store_seal(st, "settings", key, 0, value,
	    strlen(value), &ct, &len)) != 0)
		return r;
	if (sqlite3_prepare_v2(st->db, value != NULL ?
	    "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)" :
	    "DELETE FROM settings WHERE key = ?", -1, &stmt,
	    NULL) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (value != NULL && sqlite3_bind_blob(stmt, 2, ct, (int)len,
	    SQLITE_STATIC) != SQLITE_OK) || sqlite3_step(stmt) != SQLITE_DONE)
		r = store_dberr(st, "settings");
	else
		r = 0;
	sqlite3_finalize(stmt);
	free(ct);
	return r;
}

/*
 * Bring data written before schema 4 to sealing format 2 (owner and
 * direction in the AD, row MACs, the nick sealed), in one transaction:
 * a crash leaves it all old or all new. Then push the old cells out of
 * the WAL. Runs once, at the first open or unlock with the key.
 */
int
store_upgrade(struct store *st)
{
	char *fmt = NULL;
	int r;

	r = store_setting_get(st, STORE_FORMAT, &fmt);
	if (r == 0 && strcmp(fmt, "2") == 0) {
		free(fmt);
		return 0;
	}
	free(fmt);
	if (r != 0 && r != ERR_NOTFOUND)
		return r;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_reseal(st, st->keys, 1)) != 0 ||
	    (r = store_setting_set(st, STORE_FORMAT, "2")) != 0 ||
	    (r = store_commit(st)) != 0) {
		log_error("store: upgrading the sealed data failed: %s",
		    err_str(r));
		store_rollback(st);
		return r;
	}
	log_info("store: sealed data upgraded to format 2");
	return store_checkpoint(st);
}

/* Delete one setting. */
int
store_setting_del(struct store *st, const char *key)
{
	sqlite3_stmt *stmt = NULL;
	int r = 0;

	if (sqlite3_prepare_v2(st->db, "DELETE FROM settings WHERE key = ?",
	    -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE)
		r = store_dberr(st, "settings");
	sqlite3_finalize(stmt);
	return r;
}
