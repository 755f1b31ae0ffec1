/*
 * mbox_serve.c -- the mailbox role (warrend --mailbox): every inbound
 * connection is a mailbox session. A session proves a credential (AUTH)
 * or redeems a pairing code (PAIR); a depositor may only PUT, the owner
 * lists (NEXT), deletes, and adds or withdraws depositors' credentials.
 * Blobs are stored sealed, with their size, time and credential; every
 * change is committed before its reply goes out.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>
#include <sqlite3.h>

#include "warren/limits.h"
#include "core/core.h"
#include "core/mbox.h"
#include "core/mbox_int.h"
#include "core/node.h"
#include "net/listener.h"
#include "net/peer.h"
#include "net/wire.h"
#include "store/store.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Failed AUTH or PAIR attempts before a session is closed. */
#define SRV_MAX_FAILS	3

struct mbox_srv {
	struct node *n;
	struct peer *peer;
	int64_t cred;		/* 0 until AUTH or PAIR */
	int role;
	int fails;
	int released;		/* counted no longer as unauthenticated */
	struct mbox_srv *next;
};

static peer_policy_cb srv_policy;
static peer_msg_cb srv_msg;
static peer_lost_cb srv_lost;
static const struct peer_cbs srv_cbs = {
	srv_policy, NULL, srv_msg, NULL, srv_lost
};

/* Unlink and free a session record (its peer is freed by the caller). */
static void
srv_free(struct mbox_srv *s)
{
	struct mbox *mb = s->n->mbox;
	struct mbox_srv **pp;

	for (pp = &mb->srv; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	if (!s->released && s->n->lis != NULL)
		listener_release(s->n->lis);
	free(s);
}

/* An inbound stream: a mailbox session. */
void
mbox_srv_accept(struct node *n, struct bufferevent *bev)
{
	struct mbox_srv *s = xcalloc(1, sizeof *s);

	s->n = n;
	s->next = n->mbox->srv;
	n->mbox->srv = s;
	if (peer_new_responder(&s->peer, n->base, bev, n->id, &n->pcfg,
	    &srv_cbs, s) != 0) {
		srv_free(s);
		return;
	}
	log_debug("mailbox: inbound session");
}

/* Close every session (node_down). */
void
mbox_srv_stop(struct node *n)
{
	struct mbox_srv *s;

	while ((s = n->mbox->srv) != NULL) {
		peer_free(s->peer);
		srv_free(s);
	}
}

/* Anyone may open a session; the credential decides what it may do. */
static enum peer_policy
srv_policy(struct peer *p, const uint8_t ed_pk[32], const char *onion,
    void *arg)
{
	return PEER_FULL;
}

/* The session is gone. */
static void
srv_lost(struct peer *p, int reason, void *arg)
{
	struct mbox_srv *s = arg;

	log_debug("mailbox: session closed: %s", err_str(reason));
	peer_free(p);
	srv_free(s);
}

/* Send a reply. */
static int
srv_reply(struct mbox_srv *s, uint64_t status, uint64_t v, const uint8_t *a,
    size_t alen, const uint8_t *b, size_t blen)
{
	struct wire_msg m;

	memset(&m, 0, sizeof m);
	m.type = WIRE_MBOX_REPLY;
	m.u.mbox.op = status;
	m.u.mbox.n = v;
	m.u.mbox.a = a;
	m.u.mbox.a_len = alen;
	m.u.mbox.b = b;
	m.u.mbox.b_len = blen;
	return peer_send(s->peer, &m) == ERR_CLOSED ? ERR_CLOSED : 0;
}

/* The credential with this tag: its id and role, or 0. */
static int64_t
srv_cred(struct node *n, const uint8_t *tag, int *role)
{
	sqlite3_stmt *q;
	int64_t id = 0;

	q = core_prep(n, "SELECT id, role FROM mb_creds WHERE tag = ?");
	if (q == NULL)
		return 0;
	sqlite3_bind_blob(q, 1, tag, MBOX_TAG_LEN, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		id = sqlite3_column_int64(q, 0);
		*role = sqlite3_column_int(q, 1);
	}
	core_done(n, q);
	return id;
}

/* A failed AUTH or PAIR: say so; close after a few. */
static int
srv_refuse(struct mbox_srv *s)
{
	if (++s->fails >= SRV_MAX_FAILS)
		return ERR_AUTH;
	return srv_reply(s, MBOX_E_AUTH, 0, NULL, 0, NULL, 0);
}

/* Authenticated: no longer counted against the unauthenticated cap. */
static void
srv_admit(struct mbox_srv *s, int64_t cred, int role)
{
	s->cred = cred;
	s->role = role;
	if (!s->released && s->n->lis != NULL)
		listener_release(s->n->lis);
	s->released = 1;
}

/* AUTH a = token. */
static int
srv_auth(struct mbox_srv *s, const struct wire_msg *m)
{
	uint8_t tag[MBOX_TAG_LEN];
	int64_t id;
	int role = 0;

	if (m->u.mbox.a_len != MBOX_TOKEN_LEN)
		return ERR_PROTO;
	mbox_tag(m->u.mbox.a, tag);
	if ((id = srv_cred(s->n, tag, &role)) == 0)
		return srv_refuse(s);
	srv_admit(s, id, role);
	return srv_reply(s, MBOX_OK, (uint64_t)role, NULL, 0, NULL, 0);
}

/* Insert a credential (inside node_txn). */
static int
srv_cred_add(struct node *n, const uint8_t *tag, int role, int64_t *id)
{
	sqlite3_stmt *q;
	int r;

	q = core_prep(n, "INSERT OR IGNORE INTO mb_creds (tag, role, created) "
	    "VALUES (?, ?, ?)");
	if (q == NULL)
		return ERR_DB;
	sqlite3_bind_blob(q, 1, tag, MBOX_TAG_LEN, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, role);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)time(NULL));
	if ((r = core_step(n, q)) != 0)
		return r;
	*id = srv_cred(n, tag, &role);
	return *id != 0 ? 0 : ERR_DB;
}

/*
 * Publish our onion (the identity's key) with tor client authorization for
 * the keys we know: the owner's, the depositors' (shared by the owner's
 * contacts; per-contact credentials decide what they may do) and a pending
 * pairing code's. Without any key nothing is published.
 */
void
mbox_srv_publish(struct node *n)
{
	uint8_t keys[3][MBOX_AUTH_LEN];
	struct tor_onion_spec spec;
	char *v = NULL, *target;
	size_t k = 0, got;
	int r;

	if (n->tor == NULL || n->id == NULL)
		return;
	if (store_secret_get(n->st, MBOX_SET_AUTH, &v) == 0) {
		if (strlen(v) == 4 * MBOX_AUTH_LEN &&
		    sodium_hex2bin(keys[0], 2 * MBOX_AUTH_LEN, v,
		    4 * MBOX_AUTH_LEN, NULL, &got, NULL) == 0 &&
		    got == 2 * MBOX_AUTH_LEN)
			k = 2;
		free(v);
		v = NULL;
	}
	if (store_setting_get(n->st, MBOX_SET_PAIR, &v) == 0) {
		if (strlen(v) > 64 + 2 * MBOX_AUTH_LEN &&
		    sodium_hex2bin(keys[k], MBOX_AUTH_LEN, v + strlen(v) -
		    2 * MBOX_AUTH_LEN, 2 * MBOX_AUTH_LEN, NULL, &got,
		    NULL) == 0 && got == MBOX_AUTH_LEN)
			k++;
		free(v);
	}
	if (k == 0) {
		log_info("mailbox: not published yet: make a pairing code "
		    "('warren mailbox pair-code')");
		return;
	}
	xasprintf(&target, "%s/peer.sock", n->dir);
	memset(&spec, 0, sizeof spec);
	spec.seed = identity_seed(n->id);
	spec.target = target;
	spec.port = WARREN_PORT;
	spec.clients = (const uint8_t (*)[TORCA_KEY_LEN])keys;
	spec.n = k;
	if ((r = tor_onion_add(n->tor, &spec, NULL)) != 0)
		log_warn("mailbox: cannot publish the onion: %s", err_str(r));
	else
		log_info("mailbox: onion for %zu client keys", k);
	free(target);
}

/* PAIR a = pairing secret, b = the owner's tag and its two auth keys. */
static int
srv_pair(struct mbox_srv *s, const struct wire_msg *m)
{
	struct node *n = s->n;
	uint8_t h[32], want[32];
	char *v = NULL;
	size_t got;
	long long exp = 0;
	int64_t id;
	int r, ok;

	char auth[4 * MBOX_AUTH_LEN + 1];

	if (m->u.mbox.a_len != MBOX_PAIR_LEN ||
	    m->u.mbox.b_len != MBOX_TAG_LEN + 2 * MBOX_AUTH_LEN)
		return ERR_PROTO;
	if (store_setting_get(n->st, MBOX_SET_PAIR, &v) != 0)
		return srv_refuse(s);
	mbox_pair_hash(m->u.mbox.a, MBOX_PAIR_LEN, h);
	ok = strlen(v) > 66 + 2 * MBOX_AUTH_LEN && sodium_hex2bin(want, sizeof want, v, 64, NULL,
	    &got, NULL) == 0 && got == 32 && v[64] == ' ' &&
	    (exp = strtoll(v + 65, NULL, 10)) >= (long long)time(NULL) &&
	    sodium_memcmp(h, want, 32) == 0;
	free(v);
	if (!ok)
		return srv_refuse(s);
	/* One owner: a new pairing replaces the old one. */
	sodium_bin2hex(auth, sizeof auth, m->u.mbox.b + MBOX_TAG_LEN,
	    2 * MBOX_AUTH_LEN);
	if ((r = node_txn(n)) != 0 ||
	    (r = store_secret_set(n->st, MBOX_SET_AUTH, auth)) != 0 ||
	    (r = core_step(n, core_prep(n, "DELETE FROM mb_creds WHERE "
	    "role = 1"))) != 0 ||
	    (r = srv_cred_add(n, m->u.mbox.b, MBOX_ROLE_OWNER, &id)) != 0 ||
	    (r = core_step(n, core_prep(n, "DELETE FROM settings WHERE key = "
	    "'" MBOX_SET_PAIR "'"))) != 0 || (r = node_commit(n)) != 0)
		return srv_reply(s, MBOX_E_INTERNAL, 0, NULL, 0, NULL, 0);
	log_info("mailbox: paired with its owner");
	(void)exp;
	mbox_srv_publish(n);
	srv_admit(s, id, MBOX_ROLE_OWNER);
	return srv_reply(s, MBOX_OK, MBOX_ROLE_OWNER, NULL, 0, NULL, 0);
}

/* 1 if the credential may store len more bytes. */
static int
srv_room(struct mbox_srv *s, size_t len)
{
	struct mbox *mb = s->n->mbox;
	sqlite3_stmt *q;
	long long k = 0, bytes = 0;

	q = core_prep(s->n, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM "
	    "mb_blobs WHERE cred = ?");
	if (q == NULL)
		return 0;
	sqlite3_bind_int64(q, 1, s->cred);
	if (sqlite3_step(q) == SQLITE_ROW) {
		k = sqlite3_column_int64(q, 0);
		bytes = sqlite3_column_int64(q, 1);
	}
	core_done(s->n, q);
	return k < mb->opts.quota_count &&
	    bytes + (long long)len <= mb->opts.quota_bytes;
}

/* PUT b = blob: store it, commit, then say OK. */
static int
srv_put(struct mbox_srv *s, const struct wire_msg *m)
{
	struct node *n = s->n;
	sqlite3_stmt *q;
	uint8_t *sealed = NULL;
	size_t slen;
	int64_t id;
	int r;

	if (s->role != MBOX_ROLE_DEPOSITOR)
		return srv_reply(s, MBOX_E_DENIED, 0, NULL, 0, NULL, 0);
	if (m->u.mbox.b_len == 0)
		return ERR_PROTO;
	if (!srv_room(s, m->u.mbox.b_len)) {
		log_info("mailbox: credential %lld is full",
		    (long long)s->cred);
		return srv_reply(s, MBOX_E_FULL, 0, NULL, 0, NULL, 0);
	}
	if ((r = node_txn(n)) != 0 ||
	    (r = core_next_id(n, "mb_blobs", &id)) != 0 ||
	    (r = store_seal(n->st, "mb_blobs", "data", id, m->u.mbox.b,
	    m->u.mbox.b_len, &sealed, &slen)) != 0)
		goto fail;
	q = core_prep(n, "INSERT INTO mb_blobs (id, cred, time, size, data) "
	    "VALUES (?, ?, ?, ?, ?)");
	if (q == NULL) {
		r = ERR_DB;
		goto fail;
	}
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, s->cred);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(q, 4, (sqlite3_int64)m->u.mbox.b_len);
	sqlite3_bind_blob(q, 5, sealed, (int)slen, SQLITE_STATIC);
	if ((r = core_step(n, q)) != 0 || (r = node_commit(n)) != 0)
		goto fail;
	free(sealed);
	return srv_reply(s, MBOX_OK, (uint64_t)id, NULL, 0, NULL, 0);
fail:
	free(sealed);
	log_warn("mailbox: cannot store a blob: %s", err_str(r));
	return srv_reply(s, MBOX_E_INTERNAL, 0, NULL, 0, NULL, 0);
}

/* NEXT n = after: the next blob, or EMPTY. */
static int
srv_next(struct mbox_srv *s, const struct wire_msg *m)
{
	struct node *n = s->n;
	sqlite3_stmt *q;
	uint8_t tag[MBOX_TAG_LEN], *pt = NULL;
	size_t len = 0;
	int64_t id;
	int r;

	if (m->u.mbox.n > INT64_MAX)
		return ERR_PROTO;
	q = core_prep(n, "SELECT b.id, c.tag, b.data FROM mb_blobs b JOIN "
	    "mb_creds c ON c.id = b.cred WHERE b.id > ? ORDER BY b.id "
	    "LIMIT 1");
	if (q == NULL)
		return srv_reply(s, MBOX_E_INTERNAL, 0, NULL, 0, NULL, 0);
	sqlite3_bind_int64(q, 1, (sqlite3_int64)m->u.mbox.n);
	if (sqlite3_step(q) != SQLITE_ROW) {
		core_done(n, q);
		return srv_reply(s, MBOX_EMPTY, 0, NULL, 0, NULL, 0);
	}
	id = sqlite3_column_int64(q, 0);
	if (sqlite3_column_bytes(q, 1) != MBOX_TAG_LEN ||
	    store_unseal(n->st, "mb_blobs", "data", id,
	    sqlite3_column_blob(q, 2), (size_t)sqlite3_column_bytes(q, 2),
	    &pt, &len) != 0 || len > WIRE_MBOX_B_MAX) {
		core_done(n, q);
		log_error("mailbox: blob %lld is damaged; dropped",
		    (long long)id);
		if (pt != NULL)
			secret_free(pt, len);
		if (node_txn(n) == 0) {
			q = core_prep(n, "DELETE FROM mb_blobs WHERE id = ?");
			if (q != NULL)
				sqlite3_bind_int64(q, 1, id);
			(void)core_step(n, q);
			(void)node_commit(n);
		}
		return srv_reply(s, MBOX_E_INTERNAL, 0, NULL, 0, NULL, 0);
	}
	memcpy(tag, sqlite3_column_blob(q, 1), MBOX_TAG_LEN);
	core_done(n, q);
	r = srv_reply(s, MBOX_ITEM, (uint64_t)id, tag, sizeof tag, pt, len);
	secret_free(pt, len);
	return r;
}

/* Delete blob id and commit (one round trip for the owner's fetch loop). */
static int
srv_del(struct node *n, uint64_t id)
{
	sqlite3_stmt *q;
	int r;

	if (id > INT64_MAX)
		return ERR_PROTO;
	if ((r = node_txn(n)) != 0)
		return r;
	q = core_prep(n, "DELETE FROM mb_blobs WHERE id = ?");
	if (q != NULL)
		sqlite3_bind_int64(q, 1, (sqlite3_int64)id);
	if ((r = core_step(n, q)) != 0)
		return r;
	return node_commit(n);
}

/* DEL n = id; CRED_ADD/CRED_DEL a = tag: the owner's. */
static int
srv_owner_op(struct mbox_srv *s, const struct wire_msg *m)
{
	struct node *n = s->n;
	sqlite3_stmt *q = NULL;
	int64_t id;
	int r;

	if (s->role != MBOX_ROLE_OWNER)
		return srv_reply(s, MBOX_E_DENIED, 0, NULL, 0, NULL, 0);
	if (m->u.mbox.op == MBOX_OP_STAT) {
		long long k = 0;

		q = core_prep(n, "SELECT COUNT(*) FROM mb_blobs");
		if (q != NULL && sqlite3_step(q) == SQLITE_ROW)
			k = sqlite3_column_int64(q, 0);
		core_done(n, q);
		return srv_reply(s, MBOX_OK, (uint64_t)k, NULL, 0, NULL, 0);
	}
	if (m->u.mbox.op != MBOX_OP_DEL && m->u.mbox.a_len != MBOX_TAG_LEN)
		return ERR_PROTO;
	if ((r = node_txn(n)) != 0)
		goto fail;
	switch (m->u.mbox.op) {
	case MBOX_OP_DEL:
		if (m->u.mbox.n > INT64_MAX)
			return ERR_PROTO;
		q = core_prep(n, "DELETE FROM mb_blobs WHERE id = ?");
		if (q != NULL)
			sqlite3_bind_int64(q, 1, (sqlite3_int64)m->u.mbox.n);
		r = core_step(n, q);
		break;
	case MBOX_OP_CRED_ADD:
		q = core_prep(n, "SELECT COUNT(*) FROM mb_creds");
		if (q != NULL && sqlite3_step(q) == SQLITE_ROW &&
		    sqlite3_column_int64(q, 0) >= MBOX_MAX_CREDS) {
			core_done(n, q);
			return srv_reply(s, MBOX_E_FULL, 0, NULL, 0, NULL, 0);
		}
		core_done(n, q);
		r = srv_cred_add(n, m->u.mbox.a, MBOX_ROLE_DEPOSITOR, &id);
		break;
	case MBOX_OP_CRED_DEL:
		q = core_prep(n, "DELETE FROM mb_creds WHERE tag = ? AND "
		    "role = 2");
		if (q != NULL)
			sqlite3_bind_blob(q, 1, m->u.mbox.a, MBOX_TAG_LEN,
			    SQLITE_TRANSIENT);
		r = core_step(n, q);
		break;
	}
	if (r != 0 || (r = node_commit(n)) != 0)
		goto fail;
	return srv_reply(s, MBOX_OK, 0, NULL, 0, NULL, 0);
fail:
	log_warn("mailbox: %s", err_str(r));
	return srv_reply(s, MBOX_E_INTERNAL, 0, NULL, 0, NULL, 0);
}

/* One request. */
static int
srv_msg(struct peer *p, const struct wire_msg *m, void *arg)
{
	struct mbox_srv *s = arg;

	if (m->type != WIRE_MBOX)
		return 0;	/* nothing else is spoken here */
	switch (m->u.mbox.op) {
	case MBOX_OP_AUTH:
		return s->cred != 0 ? ERR_PROTO : srv_auth(s, m);
	case MBOX_OP_PAIR:
		return s->cred != 0 ? ERR_PROTO : srv_pair(s, m);
	}
	if (s->cred == 0)
		return ERR_PROTO;
	switch (m->u.mbox.op) {
	case MBOX_OP_PUT:
		return srv_put(s, m);
	case MBOX_OP_NEXT:
	case MBOX_OP_NEXT_DEL:
		if (s->role != MBOX_ROLE_OWNER)
			return srv_reply(s, MBOX_E_DENIED, 0, NULL, 0, NULL,
			    0);
		if (m->u.mbox.op == MBOX_OP_NEXT_DEL && srv_del(s->n,
		    m->u.mbox.n) != 0)
			return srv_reply(s, MBOX_E_INTERNAL, 0, NULL, 0, NULL,
			    0);
		return srv_next(s, m);
	case MBOX_OP_DEL:
	case MBOX_OP_CRED_ADD:
	case MBOX_OP_CRED_DEL:
	case MBOX_OP_STAT:
		return srv_owner_op(s, m);
	}
	return ERR_PROTO;
}

/* Drop blobs older than the TTL. */
int
mbox_srv_expire(struct node *n)
{
	sqlite3_stmt *q;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	q = core_prep(n, "DELETE FROM mb_blobs WHERE time < ?");
	if (q == NULL)
		return ERR_DB;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)time(NULL) -
	    n->mbox->opts.ttl);
	if ((r = core_step(n, q)) != 0)
		return r;
	if (sqlite3_changes(store_db(n->st)) > 0)
		log_info("mailbox: %d blobs expired",
		    sqlite3_changes(store_db(n->st)));
	return node_commit(n);
}

/* The mailbox role's part of status. */
json_t *
mbox_srv_status(struct node *n)
{
	struct mbox *mb = n->mbox;
	sqlite3_stmt *q;
	json_int_t creds = 0, blobs = 0, bytes = 0, owner = 0;
	char *v = NULL;
	int pairing;

	q = core_prep(n, "SELECT (SELECT COUNT(*) FROM mb_creds WHERE role = "
	    "2), (SELECT COUNT(*) FROM mb_creds WHERE role = 1), (SELECT "
	    "COUNT(*) FROM mb_blobs), (SELECT COALESCE(SUM(size), 0) FROM "
	    "mb_blobs)");
	if (q != NULL && sqlite3_step(q) == SQLITE_ROW) {
		creds = sqlite3_column_int64(q, 0);
		owner = sqlite3_column_int64(q, 1);
		blobs = sqlite3_column_int64(q, 2);
		bytes = sqlite3_column_int64(q, 3);
	}
	core_done(n, q);
	pairing = store_setting_get(n->st, MBOX_SET_PAIR, &v) == 0;
	free(v);
	return json_pack("{s:s, s:b, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "role", "mailbox", "published", n->tor != NULL &&
	    (tor_status(n->tor)->published || tor_onion_state(n->tor,
	    node_onion(n)) == TOR_ONION_PUBLISHED), "paired", owner > 0, "pairing", pairing,
	    "credentials", creds, "blobs", blobs, "bytes", bytes,
	    "quota_count", (json_int_t)mb->opts.quota_count, "quota_bytes",
	    (json_int_t)mb->opts.quota_bytes, "ttl",
	    (json_int_t)mb->opts.ttl);
}
