/*
 * expiry.c -- disappearing messages: delete each message when its timer
 * runs out (also after a restart), with the events that quote it, then
 * checkpoint so that no copy stays in the WAL. secure_delete zeroes the
 * freed pages of the database itself.
 */
#include <event2/event.h>
#include <sqlite3.h>

#include "core/core.h"
#include "core/files.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"

#define EXPIRY_MAX_WAIT_MS	(3600 * 1000)	/* re-check at least hourly */

/* The timer fired. */
static void
expiry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)expiry_run(arg);
}

/* Arm the timer for the earliest expiry. */
void
expiry_schedule(struct node *n)
{
	sqlite3_stmt *s;
	struct timeval tv;
	int64_t next = -1, wait;

	n->expiry_dirty = 0;
	if (n->expiry_ev == NULL)
		n->expiry_ev = evtimer_new(n->base, expiry_cb, n);
	if (sqlite3_prepare_v2(store_db(n->st), "SELECT MIN(expires_at) FROM "
	    "messages WHERE expires_at IS NOT NULL", -1, &s, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		next = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	evtimer_del(n->expiry_ev);
	if (next < 0)
		return;
	wait = next - node_now_ms();
	if (wait < 0)
		wait = 0;
	if (wait > EXPIRY_MAX_WAIT_MS)
		wait = EXPIRY_MAX_WAIT_MS;
	tv.tv_sec = wait / 1000;
	tv.tv_usec = (wait % 1000) * 1000;
	evtimer_add(n->expiry_ev, &tv);
}

/* Delete what has expired. */
int
expiry_run(struct node *n)
{
	sqlite3 *db = store_db(n->st);
	sqlite3_stmt *s;
	int64_t now = node_now_ms();
	int r, k = 0;

	if ((r = node_txn(n)) != 0)
		return r;
	if (sqlite3_prepare_v2(db, "DELETE FROM events WHERE msg IN (SELECT id "
	    "FROM messages WHERE expires_at <= ?)", -1, &s, NULL) != SQLITE_OK)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, now);
	r = sqlite3_step(s) == SQLITE_DONE ? 0 : ERR_DB;
	sqlite3_finalize(s);
	if (r == 0 && sqlite3_prepare_v2(db, "DELETE FROM messages WHERE "
	    "expires_at <= ?", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, now);
		r = sqlite3_step(s) == SQLITE_DONE ? 0 : ERR_DB;
		k = sqlite3_changes(db);
		sqlite3_finalize(s);
	}
	if (r != 0) {
		log_error("expiry: %s", sqlite3_errmsg(db));
		return r;
	}
	k += files_expire(n, now);
	if ((r = node_commit(n)) != 0)
		return r;
	if (k > 0) {
		log_debug("expiry: %d message(s) deleted", k);
		(void)store_checkpoint(n->st);
	}
	expiry_schedule(n);
	return 0;
}
