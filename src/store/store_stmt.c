/*
 * store_stmt.c -- a cache of prepared statements. The message path runs
 * the same few dozen statements for every message; preparing one costs
 * more than running it. store_prep() hands out the cached statement for
 * an SQL text (preparing it the first time); store_done() resets it and
 * clears its bindings for the next caller. A statement still in use (a
 * SELECT whose loop runs another copy of itself) gets a fresh one that
 * store_done() finalizes, so callers never share a statement.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* More than the distinct statements of the message path. */
#define STORE_STMT_SLOTS	96

struct store_stmt {
	char *sql;
	uint32_t hash;
	sqlite3_stmt *s;
	int busy;		/* handed out, not yet done */
};

struct store_stmts {
	struct store_stmt slot[STORE_STMT_SLOTS];
	size_t n;
};

/* FNV-1a: the slots are found by text, not by the pointer. */
static uint32_t
store_stmt_hash(const char *sql)
{
	uint32_t h = 2166136261u;

	for (; *sql != '\0'; sql++)
		h = (h ^ (uint8_t)*sql) * 16777619u;
	return h;
}

/* A statement not in the cache; NULL (logged) on failure. */
static sqlite3_stmt *
store_stmt_new(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		log_error("store: %s: %s", sqlite3_errmsg(st->db), sql);
		return NULL;
	}
	return s;
}

/* The statement for sql, ready to bind; give it back with store_done(). */
sqlite3_stmt *
store_prep(struct store *st, const char *sql)
{
	struct store_stmts *c = st->stmts;
	struct store_stmt *e;
	uint32_t h = store_stmt_hash(sql);
	size_t i;

	if (c == NULL)
		c = st->stmts = xcalloc(1, sizeof *c);
	for (i = 0; i < c->n; i++) {
		e = &c->slot[i];
		if (e->hash != h || strcmp(e->sql, sql) != 0)
			continue;
		if (e->busy)
			return store_stmt_new(st, sql);
		e->busy = 1;
		return e->s;
	}
	if (c->n == STORE_STMT_SLOTS)
		return store_stmt_new(st, sql);
	e = &c->slot[c->n];
	if ((e->s = store_stmt_new(st, sql)) == NULL)
		return NULL;
	e->sql = xstrdup(sql);
	e->hash = h;
	e->busy = 1;
	c->n++;
	return e->s;
}

/* Done with s (from store_prep): reset it, or finalize one not cached. */
void
store_done(struct store *st, sqlite3_stmt *s)
{
	struct store_stmts *c = st->stmts;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; c != NULL && i < c->n; i++) {
		if (c->slot[i].s != s)
			continue;
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		c->slot[i].busy = 0;
		return;
	}
	sqlite3_finalize(s);
}

/* Finalize every cached statement (before closing the database). */
void
store_stmts_free(struct store *st)
{
	struct store_stmts *c = st->stmts;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		sqlite3_finalize(c->slot[i].s);
		free(c->slot[i].sql);
	}
	free(c);
	st->stmts = NULL;
}
