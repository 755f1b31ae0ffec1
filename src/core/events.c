/*
 * events.c -- the persisted, bounded event log. Every event gets an
 * increasing id; events.subscribe replays from a cursor, then streams. The
 * data is sealed (it names contacts and can quote messages).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "core/core.h"
#include "core/node.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define EVENTS_KEEP	10000	/* the newest this many are kept */
#define EVENTS_TRIM	500	/* trim every this many inserts */

/* Persist one event inside the current transaction. */
int
event_emit(struct node *n, const char *type, json_t *data)
{
	return event_emit_msg(n, type, data, 0);
}

/* Persist an event that quotes a message (deleted when it expires). */
int
event_emit_msg(struct node *n, const char *type, json_t *data, int64_t msg)
{
	sqlite3 *db = store_db(n->st);
	sqlite3_stmt *s = NULL;
	struct node_event *ne;
	uint8_t *ct = NULL;
	size_t ctlen;
	char *js = NULL;
	json_int_t id;
	int64_t now = node_now_ms();
	int r;

	if (data == NULL)
		data = json_object();
	if ((r = node_txn(n)) != 0)
		goto out;
	id = n->next_event_id++;
	if ((js = json_dumps(data, JSON_COMPACT)) == NULL) {
		r = ERR_NOMEM;
		goto out;
	}
	if ((r = store_seal(n->st, "events", "data", id, js, strlen(js), &ct,
	    &ctlen)) != 0)
		goto out;
	if ((s = core_prep(n, "INSERT INTO events (id, time, type, data, "
	    "msg) VALUES (?, ?, ?, ?, ?)")) == NULL) {
		r = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, ct, (int)ctlen, SQLITE_STATIC);
	if (msg > 0)
		sqlite3_bind_int64(s, 5, msg);
	else
		sqlite3_bind_null(s, 5);
	if (sqlite3_step(s) != SQLITE_DONE) {
		r = ERR_DB;
		goto out;
	}
	if (++n->events_since_trim >= EVENTS_TRIM) {
		char sql[128];

		n->events_since_trim = 0;
		snprintf(sql, sizeof sql, "DELETE FROM events WHERE id <= %lld",
		    (long long)(id - EVENTS_KEEP));
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	ne = xcalloc(1, sizeof *ne);
	ne->id = id;
	ne->ev = json_pack("{s:I, s:s, s:I, s:O}", "id", id, "type", type,
	    "time", (json_int_t)now, "data", data);
	*n->ev_tail = ne;
	n->ev_tail = &ne->next;
out:
	if (r == ERR_DB)
		log_error("events: %s", sqlite3_errmsg(db));
	core_done(n, s);
	free(ct);
	free(js);
	json_decref(data);
	return r;
}

/* The next event id: above every id ever used, also trimmed ones. */
int
events_init(struct node *n)
{
	sqlite3_stmt *s;
	int r = ERR_DB;

	if (sqlite3_prepare_v2(store_db(n->st), "SELECT COALESCE(MAX(id), 0) + 1 "
	    "FROM (SELECT MAX(id) AS id FROM events UNION ALL SELECT seq FROM "
	    "sqlite_sequence WHERE name = 'events')", -1, &s, NULL) !=
	    SQLITE_OK)
		return ERR_DB;
	if (sqlite3_step(s) == SQLITE_ROW) {
		n->next_event_id = sqlite3_column_int64(s, 0);
		r = 0;
	}
	sqlite3_finalize(s);
	return r;
}

/* Send what the last commit made durable. */
void
events_flush(struct node *n)
{
	struct node_event *ne;

	while ((ne = n->ev_head) != NULL) {
		n->ev_head = ne->next;
		if (n->sink != NULL && n->sink->event != NULL)
			n->sink->event(n->sink_arg, ne->id, ne->ev);
		json_decref(ne->ev);
		free(ne);
	}
	n->ev_tail = &n->ev_head;
}

/* Drop events of a rolled-back transaction. */
void
events_discard(struct node *n)
{
	struct node_event *ne;

	while ((ne = n->ev_head) != NULL) {
		n->ev_head = ne->next;
		json_decref(ne->ev);
		free(ne);
	}
	n->ev_tail = &n->ev_head;
}

/* Replay stored events after `since`. */
int
events_replay(struct node *n, json_int_t since,
    int (*fn)(json_t *, void *), void *arg)
{
	int stopped;

	return events_replay_from(n, since, fn, arg, &stopped);
}

/* The same; *stopped = 1 if fn asked to stop before the end. */
int
events_replay_from(struct node *n, json_int_t since,
    int (*fn)(json_t *, void *), void *arg, int *stopped)
{
	sqlite3 *db = store_db(n->st);
	sqlite3_stmt *s;
	json_t *data, *ev;
	uint8_t *pt;
	size_t len;
	int64_t id;
	int rc;

	*stopped = 0;
	if (sqlite3_prepare_v2(db, "SELECT id, time, type, data FROM events "
	    "WHERE id > ? ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (store_unseal(n->st, "events", "data", id,
		    sqlite3_column_blob(s, 3),
		    (size_t)sqlite3_column_bytes(s, 3), &pt, &len) != 0) {
			log_warn("events: event %lld is damaged; skipped",
			    (long long)id);
			continue;
		}
		data = json_loadb((char *)pt, len, 0, NULL);
		secret_free(pt, len);
		ev = json_pack("{s:I, s:s, s:I, s:o}", "id", (json_int_t)id,
		    "type", (const char *)sqlite3_column_text(s, 2), "time",
		    (json_int_t)sqlite3_column_int64(s, 1), "data",
		    data ? data : json_object());
		rc = fn(ev, arg);
		json_decref(ev);
		if (rc != 0) {
			*stopped = 1;
			break;
		}
	}
	sqlite3_finalize(s);
	return 0;
}

/* The newest event id (0 if none). */
json_int_t
events_last_id(struct node *n)
{
	sqlite3_stmt *s;
	json_int_t id = 0;

	if (sqlite3_prepare_v2(store_db(n->st), "SELECT COALESCE(MAX(id), 0) "
	    "FROM events", -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}
