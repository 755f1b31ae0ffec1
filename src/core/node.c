/*
 * node.c -- the daemon's state and its start-up order: store -> (unlock) ->
 * identity -> tor + onion. Everything runs on one event_base.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "config.h"
#include "warren/limits.h"
#include "warren/rpc.h"
#include "core/core.h"
#include "core/endpoint.h"
#include "core/files.h"
#include "core/node.h"
#include "core/mbox.h"
#include "net/listener.h"
#include "net/peer.h"
#include "crypto/identity.h"
#include "store/store.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* The settings row that marks a store moved out by `warren export`. */
#define NODE_EXPORTED	"node.exported"
/* Set by --import; cleared once our onion is up (no other copy answered). */
#define NODE_UNCHECKED	"node.import_unchecked"

/* Load the identity from the store, or create it on first start. */
static int
node_load_identity(struct node *n)
{
	sqlite3 *db = store_db(n->st);
	sqlite3_stmt *stmt = NULL;
	uint8_t *seed = NULL, *sealed = NULL;
	size_t seed_len = 0, sealed_len = 0;
	int r, rc;

	rc = sqlite3_prepare_v2(db, "SELECT seed FROM identity WHERE id = 1",
	    -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		log_error("store: %s", sqlite3_errmsg(db));
		return ERR_DB;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		r = store_unseal(n->st, "identity", "seed", 1,
		    sqlite3_column_blob(stmt, 0),
		    (size_t)sqlite3_column_bytes(stmt, 0), &seed, &seed_len);
		sqlite3_finalize(stmt);
		if (r != 0) {
			log_error("identity: cannot open the stored seed: %s",
			    err_str(r));
			return r;
		}
		if (seed_len != IDENTITY_SEED_LEN) {
			secret_free(seed, seed_len);
			log_error("identity: stored seed has the wrong size");
			return ERR_PROTO;
		}
		r = identity_from_seed(&n->id, seed);
		secret_free(seed, seed_len);
		return r;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		log_error("store: %s", sqlite3_errmsg(db));
		return ERR_DB;
	}

	if ((r = identity_generate(&n->id)) != 0)
		return r;
	if ((r = store_seal(n->st, "identity", "seed", 1,
	    identity_seed(n->id), IDENTITY_SEED_LEN, &sealed,
	    &sealed_len)) != 0)
		goto fail;
	if ((r = store_begin(n->st)) != 0)
		goto fail;
	rc = sqlite3_prepare_v2(db, "INSERT INTO identity (id, seed, created) "
	    "VALUES (1, ?, ?)", -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(stmt, 1, sealed, (int)sealed_len,
		    SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)time(NULL));
		rc = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
	}
	if (rc != SQLITE_DONE) {
		log_error("store: %s", sqlite3_errmsg(db));
		store_rollback(n->st);
		r = ERR_DB;
		goto fail;
	}
	if ((r = store_commit(n->st)) != 0)
		goto fail;
	free(sealed);
	log_info("created a new identity: %s",
	    log_onion(identity_onion(n->id)));
	return 0;
fail:
	free(sealed);
	identity_free(n->id);
	n->id = NULL;
	return r;
}

/* Milliseconds since the epoch. */
int64_t
node_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * How long a transaction stays open for more work to join it. Everything
 * that waits on the commit (replies, ACKs, transmissions) waits this long
 * at most; in exchange a burst shares one fsync.
 */
#define COMMIT_WINDOW_US	2000

/* Open the grouped transaction (or join the open one). */
int
node_txn(struct node *n)
{
	struct timeval tv = { 0, COMMIT_WINDOW_US };

	if (n->txn_open)
		return 0;
	if (store_begin(n->st) != 0)
		return ERR_DB;
	n->txn_open = 1;
	/* Idle: commit at the end of this loop iteration; busy: batch. */
	if (node_now_ms() - n->last_commit_ms > 5)
		tv.tv_usec = 0;
	evtimer_add(n->commit_ev, &tv);
	return 0;
}

/* 1 while the grouped transaction is open. */
int
node_txn_open(const struct node *n)
{
	return n->txn_open;
}

/* Commit the group, then do what had to wait for it. */
int
node_commit(struct node *n)
{
	int r;

	if (n->txn_open) {
		r = delivery_presync(n);	/* inside the transaction */
		n->txn_open = 0;
		if (r != 0 || store_commit(n->st) != 0) {
			/*
			 * Memory ran ahead of the disk: reload from the store
			 * and let RESUME put both sides back in step.
			 */
			log_error("store: commit failed; reloading state");
			store_rollback(n->st);
			delivery_release(n);
			events_discard(n);
			conn_stop_all(n);
			contacts_free(n);
			if (contacts_load(n) != 0 || conn_listen(n) != 0)
				log_error("store: reload failed");
			return ERR_DB;
		}
		delivery_release(n);
		evtimer_del(n->commit_ev);
		n->last_commit_ms = node_now_ms();
	}
	conn_after_commit(n);
	events_flush(n);
	if (n->sink != NULL && n->sink->committed != NULL)
		n->sink->committed(n->sink_arg);
	if (n->expiry_dirty)
		expiry_schedule(n);
	return 0;
}

/* The scheduled commit of the group. */
static void
node_commit_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)node_commit(arg);
}

/* Commit whatever the last requests did (the RPC server calls this). */
void
node_flush(struct node *n)
{
	if (n->txn_open)
		(void)node_commit(n);
}

/* Dial every contact we have business with (tor just became ready). */
static void
node_dial_all(struct node *n)
{
	struct contact *c;

	for (c = n->contacts; c != NULL; c = c->next)
		if (c->state == CONTACT_MUTUAL || conn_wanted(n, c))
			conn_kick(n, c);
	files_kick(n);
}

/* 1 while an imported store has not yet seen its onion up (--import). */
static int
node_unchecked(struct node *n)
{
	char *v = NULL;
	int r;

	r = store_setting_get(n->st, NODE_UNCHECKED, &v);
	free(v);
	return r == 0;
}

/* Tor reported a change. */
static void
node_tor_cb(struct tor *t, const struct tor_status *ts, void *arg)
{
	struct node *n = arg;
	int progress = ts->progress, published = ts->published;

	(void)t;
	log_debug("tor: %d%% %s%s", ts->progress, ts->summary,
	    ts->published ? ", onion published" : "");
	if (!n->up)
		return;
	if (ts->elsewhere && !n->refused) {
		n->refused = 1;
		log_error("refusing to start: this identity is already running "
		    "elsewhere (its onion answered); running both breaks your "
		    "sessions. Stop the other copy, then start this one again");
		node_shutdown(n);
		return;
	}
	if (published && !n->tor_published &&
	    node_unchecked(n)) {
		if (store_setting_del(n->st, NODE_UNCHECKED) != 0)
			log_warn("cannot clear the import check mark");
		else
			log_info("no other copy of this identity answered; "
			    "the import is complete");
	}
	if (progress != n->tor_progress) {
		(void)event_emit(n, RPC_EV_TOR, json_pack("{s:i, s:s, s:s}",
		    "progress", progress, "summary", ts->summary, "tag",
		    ts->tag));
		if (progress >= 100 && n->tor_progress < 100)
			log_info("tor: bootstrapped");
	}
	if (published && !n->tor_published) {
		log_info("onion %s published", log_onion(identity_onion(n->id)));
		(void)event_emit(n, RPC_EV_PUBLISHED, json_pack("{s:s}",
		    "onion", identity_onion(n->id)));
	}
	if (progress >= 100 && (n->tor_progress < 100 ||
	    (published && !n->tor_published)))
		node_dial_all(n);
	if (progress >= 100 && n->tor_progress < 100)
		mbox_tor_ready(n);
	n->tor_progress = progress;
	n->tor_published = published;
}

/*
 * How long tor outlives our connections when we leave: long enough to
 * carry the GOODBYEs (and the ends of the streams) out of the process.
 */
#define TOR_LEAVE_MS	500

/* Stop the tor that was kept for the GOODBYEs. */
static void
node_tor_gone(struct node *n)
{
	if (n->tor_leaving == NULL)
		return;
	if (n->tor_leave_ev != NULL)
		evtimer_del(n->tor_leave_ev);
	tor_free(n->tor_leaving);
	n->tor_leaving = NULL;
}

/* The moment is over. */
static void
node_tor_leave_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	node_tor_gone(arg);
}

/* Stop tor TOR_LEAVE_MS from now (the loop runs on: a lock). */
static void
node_tor_leave(struct node *n)
{
	struct timeval tv = { 0, TOR_LEAVE_MS * 1000 };

	node_tor_gone(n);
	if (n->tor == NULL)
		return;
	if (n->tor_leave_ev == NULL)
		n->tor_leave_ev = evtimer_new(n->base, node_tor_leave_cb, n);
	n->tor_leaving = n->tor;
	n->tor = NULL;
	if (n->tor_leave_ev == NULL || evtimer_add(n->tor_leave_ev, &tv) != 0)
		node_tor_gone(n);
}

/* Start tor and publish our onion. */
static int
node_start_tor(struct node *n)
{
	struct tor_opts to;
	char blob[TOR_BLOB_LEN + 1], *target;
	int r;

	if (n->no_tor)
		return 0;
	node_tor_gone(n);	/* unlocked at once: the old one goes first */
	if ((r = identity_tor_blob(n->id, blob, sizeof blob)) != 0)
		return r;
	xasprintf(&target, "%s/peer.sock", n->dir);
	memset(&to, 0, sizeof to);
	to.data_dir = n->dir;
	to.tor_binary = n->tor_binary;
	to.torrc_append = n->torrc_append;
	to.control = n->tor_control;
	to.control_password = n->tor_password;
	to.key_blob = blob;
	to.onion = identity_onion(n->id);
	to.target = target;
	to.port = WARREN_PORT;
	to.probe = node_unchecked(n);
	/*
	 * Hidden: discoverable off (endpoint.c), or a mailbox, which publishes
	 * only with client authorization (mbox_serve.c).
	 */
	to.hidden = mbox_is_mailbox(n) || !endpoint_discoverable(n);
	n->tor = tor_new(n->base, &to, node_tor_cb, n);
	sodium_memzero(blob, sizeof blob);
	free(target);
	if (n->tor == NULL)
		return ERR_INVAL;
	endpoints_register(n);
	return tor_start(n->tor);
}

/* Bring the node up once the store is unlocked. */
static int
node_up(struct node *n)
{
	int r;

	if (n->up)
		return 0;
	if ((r = node_load_identity(n)) != 0)
		return r;
	if ((r = contacts_load(n)) != 0 || (r = events_init(n)) != 0 ||
	    (r = files_start(n)) != 0)
		return r;
	n->refuse_requests = 0;
	{
		char *v = NULL;

		if (store_setting_get(n->st, "refuse_requests", &v) == 0)
			n->refuse_requests = strcmp(v, "1") == 0;
		free(v);
		v = NULL;
		if (store_setting_get(n->st, "read_receipts", &v) == 0)
			n->read_receipts = strcmp(v, "1") == 0;
		free(v);
	}
	n->up = 1;
	log_info("identity %s", log_onion(identity_onion(n->id)));
	/* Messages that expired while we were down go now. */
	(void)expiry_run(n);
	if ((r = conn_listen(n)) != 0)
		return r;
	if ((r = node_start_tor(n)) != 0)
		log_error("tor: could not start: %s", err_str(r));
	return 0;
}

/* Take the node down to the locked state. */
static void node_down(struct node *);

/* daemon.export: write the archive; unless keep, retire this copy. */
int
node_export(struct node *n, const char *path, const char *pass, int keep)
{
	char when[32];
	time_t now = time(NULL);
	int r;

	if ((r = node_commit(n)) != 0)
		return r;
	if (!keep) {
		/* Offline before the image is taken: nothing changes after. */
		node_down(n);
	}
	if ((r = store_export(n->st, path, pass)) != 0) {
		if (!keep && node_up(n) != 0)
			log_error("export: could not come back up");
		return r;
	}
	if (keep)
		return 0;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	if ((r = store_setting_set(n->st, NODE_EXPORTED, when)) != 0)
		return r;
	log_info("exported: this copy stops; start the new one with "
	    "warrend --import");
	node_shutdown(n);
	return 0;
}


static void
node_down(struct node *n)
{
	/* Peers hear that we leave; our events say they are offline. */
	conn_goodbye_all(n);
	node_flush(n);
	conn_stop_all(n);
	mbox_stop(n);
	files_stop(n);
	node_tor_leave(n);
	n->tor_progress = 0;
	n->tor_published = 0;
	contacts_free(n);
	n->damaged = 0;
	if (n->expiry_ev != NULL) {
		event_free(n->expiry_ev);
		n->expiry_ev = NULL;
	}
	identity_free(n->id);
	n->id = NULL;
	n->up = 0;
}

/*
 * A store moved out with `warren export` does not start again: two copies
 * of one identity break every session (doc/SECURITY.md, "Export").
 * --reclaim clears the mark.
 */
static int
node_check_exported(struct node *n, int reclaim)
{
	char *v = NULL;
	int r;

	if ((r = store_setting_get(n->st, NODE_EXPORTED, &v)) == ERR_NOTFOUND)
		return 0;
	if (r != 0)
		return r;
	if (!reclaim) {
		log_error("this identity was moved out with 'warren export' "
		    "(at %s); start its new copy with 'warrend --import', or "
		    "this one with --reclaim if the other never ran "
		    "(running both breaks your sessions)", v);
		free(v);
		return ERR_REFUSED;
	}
	free(v);
	log_warn("reclaiming an identity that was exported; make sure its "
	    "other copy never runs again");
	return store_setting_del(n->st, NODE_EXPORTED);
}

/* Open the store and start. */
int
node_open(struct node **out, struct event_base *base,
    const struct node_opts *opts)
{
	struct node *n;
	int r;

	*out = NULL;
	n = xcalloc(1, sizeof *n);
	n->base = base;
	n->dir = xstrdup(opts->data_dir);
	n->no_tor = opts->no_tor;
	n->tor_binary = opts->tor_binary;
	n->torrc_append = opts->torrc_append;
	n->tor_control = opts->tor_control;
	n->tor_password = opts->tor_password;
	n->max_requests = opts->max_requests > 0 ? opts->max_requests :
	    WARREN_MAX_PENDING;
	n->commit_ev = evtimer_new(base, node_commit_cb, n);
	n->ev_tail = &n->ev_head;
	n->req_tokens = 20;
	n->req_refill_ms = node_now_ms();
	peer_cfg_default(&n->pcfg);
	if ((r = store_open(&n->st, n->dir, opts->passphrase)) != 0)
		goto fail;
	if ((r = node_check_exported(n, opts->reclaim)) != 0)
		goto fail;
	{
		struct mbox_opts mo = { opts->mailbox, opts->mb_interval,
		    opts->mb_quota_count, opts->mb_quota_bytes, opts->mb_ttl };

		if ((r = mbox_init(n, &mo)) != 0)
			goto fail;
	}
	if (opts->imported && !store_locked(n->st) &&
	    (r = store_setting_set(n->st, NODE_UNCHECKED, "1")) != 0)
		goto fail;
	if (!store_locked(n->st) && (r = node_up(n)) != 0)
		goto fail;
	*out = n;
	return 0;
fail:
	node_free(n);
	return r;
}

/* Free everything. */
void
node_free(struct node *n)
{
	if (n == NULL)
		return;
	node_down(n);
	if (n->tor_leaving != NULL) {
		/* No loop any more (shutdown): the moment passes here. */
		usleep(TOR_LEAVE_MS * 1000);
		node_tor_gone(n);
	}
	if (n->tor_leave_ev != NULL)
		event_free(n->tor_leave_ev);
	events_discard(n);
	mbox_free(n);
	if (n->commit_ev != NULL)
		event_free(n->commit_ev);
	store_close(n->st);
	free(n->dir);
	free(n);
}

/* The identity answered elsewhere: the daemon exits non-zero. */
int
node_refused(const struct node *n)
{
	return n != NULL && n->refused;
}

/* Where events go. */
void
node_set_sink(struct node *n, const struct node_sink *sink, void *arg)
{
	if (n != NULL) {
		n->sink = sink;
		n->sink_arg = arg;
	}
}

/* Replay durable events after `since` until cb returns non-zero. */
int
node_events_replay(struct node *n, long long since,
    int (*cb)(json_t *, void *), void *arg, int *stopped)
{
	return events_replay_from(n, since, cb, arg, stopped);
}

/* The id of the newest durable event. */
long long
node_events_last(struct node *n)
{
	return events_last_id(n);
}

/* 1 while the storage key is not in memory. */
int
node_locked(const struct node *n)
{
	return store_locked(n->st);
}

/* 1 if a passphrase wraps the storage key. */
int
node_has_passphrase(const struct node *n)
{
	return store_has_passphrase(n->st);
}

/* Unlock and bring the node up. */
int
node_unlock(struct node *n, const char *passphrase)
{
	int r;

	if ((r = store_unlock(n->st, passphrase)) != 0)
		return r;
	return node_up(n);
}

/* Lock: drop keys and go offline. */
int
node_lock(struct node *n)
{
	int r;

	if (!store_has_passphrase(n->st))
		return ERR_STATE;
	node_down(n);
	if ((r = store_lock(n->st)) != 0)
		return r;
	log_info("locked");
	return 0;
}

/* Our address. */
const char *
node_onion(const struct node *n)
{
	return n->id != NULL ? identity_onion(n->id) : NULL;
}

/* Build the status object. */
json_t *
node_status(struct node *n)
{
	const struct tor_status *ts;
	json_t *s, *t;
	const char *state;

	s = json_pack("{s:s, s:i, s:b, s:b, s:s?}", "version", PACKAGE_VERSION,
	    "api", WARREN_RPC_VERSION, "locked", node_locked(n),
	    "passphrase", node_has_passphrase(n), "onion", node_onion(n));
	if (n->no_tor || n->tor == NULL) {
		state = n->no_tor ? "disabled" : node_locked(n) ?
		    "stopped" : "error";
		t = json_pack("{s:s, s:i, s:s, s:b}", "state", state,
		    "progress", 0, "summary", "", "published", 0);
	} else {
		ts = tor_status(n->tor);
		if (ts->error[0] != '\0' && !ts->running)
			state = "error";
		else if (ts->progress >= 100)
			state = "ready";
		else
			state = "bootstrapping";
		t = json_pack("{s:s, s:i, s:s, s:s, s:b, s:i, s:s}", "state",
		    state, "progress", ts->progress, "summary", ts->summary,
		    "tag", ts->tag, "published", ts->published, "restarts",
		    ts->restarts, "error", ts->error);
		json_object_set_new(t, "version", json_string(ts->version));
		json_object_set_new(t, "pow", json_string(ts->pow == TOR_POW_ON ?
		    "enabled" : ts->pow == TOR_POW_OFF ? "unavailable" :
		    "unknown"));
		json_object_set_new(t, "pow_note", json_string(ts->pow_note));
	}
	json_object_set_new(s, "tor", t);
	if (n->up)
		json_object_set_new(s, "onions", endpoints_status(n));
	if (n->up) {
		struct contact *c;
		int k = 0, req = 0;

		for (c = n->contacts; c != NULL; c = c->next) {
			if (c->state == CONTACT_MUTUAL)
				k++;
			else if (c->state == CONTACT_IN_REQUEST)
				req++;
		}
		json_object_set_new(s, "contacts", json_integer(k));
		json_object_set_new(s, "requests", json_integer(req));
		json_object_set_new(s, "requests_max",
		    json_integer(n->max_requests));
		json_object_set_new(s, "requests_dropped",
		    json_integer(n->requests_dropped));
		json_object_set_new(s, "requests_rate_limited",
		    json_integer(n->requests_limited));
		json_object_set_new(s, "online",
		    json_integer(contacts_online(n)));
		json_object_set_new(s, "refuse_requests",
		    json_boolean(n->refuse_requests));
		json_object_set_new(s, "read_receipts",
		    json_boolean(n->read_receipts));
		if (n->damaged > 0)
			json_object_set_new(s, "damaged_rows",
			    json_integer(n->damaged));
		json_object_set_new(s, "mailbox", mbox_status_json(n));
	}
	return s;
}

/* Stop the main loop, after a moment in which replies are written. */
void
node_shutdown(struct node *n)
{
	struct timeval tv = { 0, 200 * 1000 };

	node_flush(n);
	event_base_loopexit(n->base, &tv);
}
