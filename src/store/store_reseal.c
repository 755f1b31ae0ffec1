/*
 * store_reseal.c -- open every sealed value under the old keys and seal it
 * again under st->keys, recompute the address lookups and the row MACs:
 * the format upgrade (version 1 seals, no MACs, a clear nick) and the
 * storage key rotation. Runs inside the caller's transaction, one row at a
 * time by id. A value or row that does not verify under the old keys is
 * left damaged (it is never laundered into a valid one).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Settings whose values are sealed (store_secret_*). */
static const char *const reseal_settings[] = { "nick", "mailbox.auth",
    NULL };

/*
 * Every sealed column: table, column, whether it names owner and dir. Rows
 * are walked by rowid (every table's INTEGER PRIMARY KEY, whatever its
 * name); contacts.addr also has its lookup hash recomputed.
 */
static const struct {
	const char *table, *column;
	int msg;
} reseal_cols[] = {
	{ "identity", "seed", 0 },
	{ "contacts", "addr", 0 },
	{ "contacts", "name", 0 },
	{ "contacts", "req_text", 0 },
	{ "contacts", "ratchet", 0 },
	{ "messages", "body", 1 },
	{ "events", "data", 0 },
	{ "endpoints", "data", 0 },
	{ "files", "meta", 0 },
	{ "groups", "state", 0 },
	{ "group_items", "body", 0 },
	{ "group_msgs", "body", 0 },
	{ "group_outq", "body", 0 },
	{ "mb_own", "addr", 0 },
	{ "mb_own", "secret", 0 },
	{ "mb_own", "pair", 0 },
	{ "mb_peers", "mine", 0 },
	{ "mb_peers", "theirs", 0 },
	{ "mb_blobs", "data", 0 },
};

/* Log SQLite's message; ERR_DB. */
static int
reseal_dberr(struct store *st, const char *what)
{
	log_error("store: reseal %s: %s", what, sqlite3_errmsg(st->db));
	return ERR_DB;
}

/* Open one value under the old keys; ERR_AUTH if it does not. */
static int
reseal_open(const struct store_keys *old, int format, const char *table,
    const char *column, int64_t row, int64_t owner, int64_t dir,
    const void *in, size_t len, uint8_t **out, size_t *out_len)
{
	if (format == 1)
		return seal_open_v1(old->seal, table, column, row, in, len,
		    out, out_len);
	if (owner != SEAL_NONE)
		return seal_open_ctx(old->seal, table, column, row, owner, dir,
		    in, len, out, out_len);
	return seal_open(old->seal, table, column, row, in, len, out,
	    out_len);
}

/* Run "UPDATE table SET mac = <expr> WHERE id = ?" with the new keys. */
static int
reseal_mac(struct store *st, const char *table, int64_t id, int valid)
{
	sqlite3_stmt *s = NULL;
	char sql[512];
	int r = 0;

	snprintf(sql, sizeof sql, "UPDATE %s SET mac = %s WHERE id = ?",
	    table, !valid ? "X'00'" : strcmp(table, "contacts") == 0 ?
	    STORE_MAC_CONTACTS : STORE_MAC_MESSAGES);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return reseal_dberr(st, table);
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = reseal_dberr(st, table);
	sqlite3_finalize(s);
	return r;
}

/* The rows whose MAC did not verify under the old keys, by id. */
struct reseal_bad {
	int64_t *ids;
	size_t n;
};

/* Collect table's rows with a bad MAC (format 1 had none: no rows). */
static int
reseal_find_bad(struct store *st, const struct store_keys *old, int format,
    const char *table, struct reseal_bad *b)
{
	sqlite3_stmt *s = NULL;
	char sql[512];
	int rc, r = 0;

	b->ids = NULL;
	b->n = 0;
	if (format == 1)
		return 0;
	snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE mac IS NOT %s "
	    "ORDER BY id", table, strcmp(table, "contacts") == 0 ?
	    STORE_MAC_CONTACTS : STORE_MAC_MESSAGES);
	st->mac_key = old->mac;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		r = reseal_dberr(st, table);
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		b->ids = xreallocarray(b->ids, b->n + 1, sizeof *b->ids);
		b->ids[b->n++] = sqlite3_column_int64(s, 0);
	}
	if (rc != SQLITE_DONE)
		r = reseal_dberr(st, table);
	else if (b->n > 0)
		log_warn("store: %zu damaged row%s in %s left as they are",
		    b->n, b->n == 1 ? "" : "s", table);
out:
	sqlite3_finalize(s);
	st->mac_key = st->keys->mac;
	return r;
}

/* Whether id is among the bad rows (sorted). */
static int
reseal_is_bad(const struct reseal_bad *b, int64_t id)
{
	size_t lo = 0, hi = b != NULL ? b->n : 0, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->ids[mid] == id)
			return 1;
		if (b->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Re-seal one column of every row of its table. */
static int
reseal_column(struct store *st, const struct store_keys *old, int format,
    const char *table, const char *column, int msg,
    const struct reseal_bad *badrows)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	char sql[256];
	uint8_t *pt, *ct, lookup[32];
	size_t len, clen;
	int64_t id = -1, owner, dir;
	int rc, r = 0, bad = 0, lookup_col;

	lookup_col = strcmp(table, "contacts") == 0 &&
	    strcmp(column, "addr") == 0;
	snprintf(sql, sizeof sql, "SELECT rowid, %s, %s FROM %s WHERE rowid > "
	    "? ORDER BY rowid LIMIT 1", column, msg ? "contact, dir" : "0, 0",
	    table);
	if (sqlite3_prepare_v2(st->db, sql, -1, &sel, NULL) != SQLITE_OK)
		return reseal_dberr(st, table);
	snprintf(sql, sizeof sql, "UPDATE %s SET %s = ?%s WHERE rowid = ?",
	    table, column, lookup_col ? ", lookup = ?" : "");
	if (sqlite3_prepare_v2(st->db, sql, -1, &upd, NULL) != SQLITE_OK) {
		r = reseal_dberr(st, table);
		goto out;
	}
	for (;;) {
		sqlite3_reset(sel);
		sqlite3_bind_int64(sel, 1, id);
		if ((rc = sqlite3_step(sel)) == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			r = reseal_dberr(st, table);
			goto out;
		}
		id = sqlite3_column_int64(sel, 0);
		if (sqlite3_column_type(sel, 1) == SQLITE_NULL)
			continue;
		owner = msg ? sqlite3_column_int64(sel, 2) : SEAL_NONE;
		dir = msg ? sqlite3_column_int64(sel, 3) : SEAL_NONE;
		if (reseal_is_bad(badrows, id) || reseal_open(old, format, table, column, id, owner,
		    dir, sqlite3_column_blob(sel, 1),
		    (size_t)sqlite3_column_bytes(sel, 1), &pt, &len) != 0) {
			bad++;	/* stays damaged */
			continue;
		}
		r = msg ? seal_box_ctx(st->keys->seal, table, column, id, owner,
		    dir, pt, len, &ct, &clen) : seal_box(st->keys->seal, table,
		    column, id, pt, len, &ct, &clen);
		if (r == 0 && lookup_col)
			crypto_generichash(lookup, sizeof lookup, pt, len,
			    st->keys->hash, sizeof st->keys->hash);
		secret_free(pt, len);
		if (r != 0)
			goto out;
		sqlite3_reset(upd);
		sqlite3_bind_blob(upd, 1, ct, (int)clen, free);
		if (lookup_col) {
			sqlite3_bind_blob(upd, 2, lookup, sizeof lookup,
			    SQLITE_TRANSIENT);
			sqlite3_bind_int64(upd, 3, id);
		} else
			sqlite3_bind_int64(upd, 2, id);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			r = reseal_dberr(st, table);
			goto out;
		}
	}
	if (bad > 0)
		log_warn("store: %d damaged value%s in %s.%s left as they are",
		    bad, bad == 1 ? "" : "s", table, column);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return r;
}

/* Recompute the MAC of every row of a table that verified before. */
static int
reseal_macs(struct store *st, const char *table,
    const struct reseal_bad *badrows)
{
	sqlite3_stmt *sel = NULL;
	char sql[128];
	int64_t id = -1;
	int rc, r = 0;

	snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE id > ? ORDER BY id "
	    "LIMIT 1", table);
	if (sqlite3_prepare_v2(st->db, sql, -1, &sel, NULL) != SQLITE_OK)
		return reseal_dberr(st, table);
	for (;;) {
		sqlite3_reset(sel);
		sqlite3_bind_int64(sel, 1, id);
		if ((rc = sqlite3_step(sel)) == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			r = reseal_dberr(st, table);
			break;
		}
		id = sqlite3_column_int64(sel, 0);
		if ((r = reseal_mac(st, table, id,
		    !reseal_is_bad(badrows, id))) != 0)
			break;
	}
	sqlite3_finalize(sel);
	return r;
}

/* Re-seal the sealed settings (format 1: seal the clear value). */
static int
reseal_settings_all(struct store *st, const struct store_keys *old,
    int format)
{
	sqlite3_stmt *s = NULL;
	uint8_t *pt = NULL;
	char *v;
	size_t len;
	int i, r = 0;

	for (i = 0; r == 0 && reseal_settings[i] != NULL; i++) {
		if (sqlite3_prepare_v2(st->db, "SELECT value FROM settings "
		    "WHERE key = ?", -1, &s, NULL) != SQLITE_OK)
			return reseal_dberr(st, "settings");
		sqlite3_bind_text(s, 1, reseal_settings[i], -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_ROW) {
			sqlite3_finalize(s);
			continue;
		}
		if (sqlite3_column_type(s, 0) == SQLITE_BLOB) {
			if (format == 1 || seal_open(old->seal, "settings",
			    reseal_settings[i], 0, sqlite3_column_blob(s, 0),
			    (size_t)sqlite3_column_bytes(s, 0), &pt,
			    &len) != 0) {
				log_warn("store: the setting %s is damaged; "
				    "left as it is", reseal_settings[i]);
				sqlite3_finalize(s);
				continue;
			}
			v = xstrndup((char *)pt, len);
			secret_free(pt, len);
		} else
			v = xstrdup((const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
		r = store_secret_set(st, reseal_settings[i], v);
		sodium_memzero(v, strlen(v));
		free(v);
	}
	return r;
}

/* Everything, under st->keys. */
int
store_reseal(struct store *st, const struct store_keys *old, int old_format)
{
	struct reseal_bad bc, bm;
	const struct reseal_bad *b;
	size_t i;
	int r;

	memset(&bm, 0, sizeof bm);
	if ((r = reseal_find_bad(st, old, old_format, "contacts", &bc)) != 0 ||
	    (r = reseal_find_bad(st, old, old_format, "messages", &bm)) != 0)
		goto out;
	for (i = 0; i < sizeof reseal_cols / sizeof reseal_cols[0]; i++) {
		b = strcmp(reseal_cols[i].table, "contacts") == 0 ? &bc :
		    strcmp(reseal_cols[i].table, "messages") == 0 ? &bm : NULL;
		if ((r = reseal_column(st, old, old_format,
		    reseal_cols[i].table, reseal_cols[i].column,
		    reseal_cols[i].msg, b)) != 0)
			goto out;
	}
	if ((r = reseal_macs(st, "contacts", &bc)) != 0 ||
	    (r = reseal_macs(st, "messages", &bm)) != 0)
		goto out;
	r = reseal_settings_all(st, old, old_format);
out:
	free(bc.ids);
	free(bm.ids);
	return r;
}
