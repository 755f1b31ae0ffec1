/*
 * mbox.c -- mailboxes on a user's daemon: pairing with our own mailbox,
 * credentials for our contacts (granted inside the ratchet), deposits in
 * a contact's mailbox while they are away, and fetching from ours into
 * the normal exactly-once pipeline. doc/PROTOCOL.md 9 has the protocol and
 * the threat model; the mailbox role itself is mbox_serve.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "warren/rpc.h"
#include "core/api.h"
#include "core/core.h"
#include "core/mbox_int.h"
#include "core/node.h"
#include "core/plain.h"
#include "net/wire.h"
#include "store/store.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

static void mbox_tick_cb(evutil_socket_t, short, void *);

/* Set up the node's mailbox state; refuse a store of the other role. */
int
mbox_init(struct node *n, const struct mbox_opts *o)
{
	struct mbox *mb;
	char *v = NULL;
	int was;

	was = store_setting_get(n->st, MBOX_SET_ROLE, &v) == 0 &&
	    strcmp(v, "mailbox") == 0;
	free(v);
	if (was && !o->role) {
		log_error("this data directory belongs to a mailbox: start it "
		    "with warrend --mailbox");
		return ERR_STATE;
	}
	if (!was && o->role) {
		sqlite3_stmt *q = core_prep(n, "SELECT COUNT(*) FROM contacts");
		int k = 0;

		if (q != NULL && sqlite3_step(q) == SQLITE_ROW)
			k = sqlite3_column_int(q, 0);
		core_done(n, q);
		if (k > 0) {
			log_error("--mailbox: this data directory has contacts; "
			    "a mailbox needs a directory of its own");
			return ERR_STATE;
		}
		if (store_setting_set(n->st, MBOX_SET_ROLE, "mailbox") != 0)
			return ERR_DB;
	}
	mb = xcalloc(1, sizeof *mb);
	mb->opts = *o;
	if (mb->opts.interval <= 0)
		mb->opts.interval = MBOX_DEF_INTERVAL;
	if (mb->opts.quota_count <= 0)
		mb->opts.quota_count = MBOX_DEF_QUOTA_COUNT;
	if (mb->opts.quota_bytes <= 0)
		mb->opts.quota_bytes = MBOX_DEF_QUOTA_BYTES;
	if (mb->opts.ttl <= 0)
		mb->opts.ttl = MBOX_DEF_TTL;
	mb->reachable = -1;
	mb->tick = evtimer_new(n->base, mbox_tick_cb, n);
	n->mbox = mb;
	return 0;
}

/* Stop every session. */
void
mbox_stop(struct node *n)
{
	if (n->mbox == NULL)
		return;
	mbc_stop_all(n);
	mbox_srv_stop(n);
	evtimer_del(n->mbox->tick);
}

/* Free it all. */
void
mbox_free(struct node *n)
{
	if (n->mbox == NULL)
		return;
	mbox_stop(n);
	event_free(n->mbox->tick);
	free(n->mbox);
	n->mbox = NULL;
}

/* 1 on a mailbox. */
int
mbox_is_mailbox(const struct node *n)
{
	return n->mbox != NULL && n->mbox->opts.role;
}

/* Run the tick after secs seconds. */
void
mbox_arm(struct node *n, int secs)
{
	struct timeval tv = { secs, 0 };

	if (n->mbox != NULL)
		evtimer_add(n->mbox->tick, &tv);
}

/* Tor is ready: fetch now, then every interval. */
void
mbox_tor_ready(struct node *n)
{
	if (n->mbox == NULL)
		return;
	if (n->mbox->start_ms == 0)
		n->mbox->start_ms = node_now_ms();
	if (mbox_is_mailbox(n))
		mbox_srv_publish(n);
	mbox_arm(n, 0);
}

/* Note a problem for status (and the log). */
void
mbox_note(struct node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n->mbox->error, sizeof n->mbox->error, fmt, ap);
	va_end(ap);
	log_info("mailbox: %s", n->mbox->error);
}

/* Read a sealed column of mb_own or mb_peers into out (exactly len). */
static int
mbox_unseal(struct node *n, sqlite3_stmt *q, int col, const char *table,
    const char *column, int64_t row, void *out, size_t len)
{
	uint8_t *pt = NULL;
	size_t plen = 0;
	int r;

	if (sqlite3_column_type(q, col) == SQLITE_NULL)
		return ERR_NOTFOUND;
	if ((r = store_unseal(n->st, table, column, row,
	    sqlite3_column_blob(q, col), (size_t)sqlite3_column_bytes(q, col),
	    &pt, &plen)) != 0)
		return r;
	if (plen != len)
		r = ERR_PROTO;
	else
		memcpy(out, pt, len);
	secret_free(pt, plen);
	return r;
}

/* Our mailbox: its onion and our owner credential; ERR_NOTFOUND if none. */
int
mbox_own(struct node *n, char onion[ONION_LEN + 1],
    uint8_t secret[MBOX_SECRET_LEN], uint8_t pair[MBOX_PAIR_LEN +
    MBOX_AUTH_LEN], int *pairing)
{
	sqlite3_stmt *q;
	int r;

	q = core_prep(n, "SELECT addr, secret, pair FROM mb_own WHERE id = 1");
	if (q == NULL)
		return ERR_DB;
	if (sqlite3_step(q) != SQLITE_ROW) {
		core_done(n, q);
		return ERR_NOTFOUND;
	}
	onion[ONION_LEN] = '\0';
	r = mbox_unseal(n, q, 0, "mb_own", "addr", 1, onion, ONION_LEN);
	if (r == 0)
		r = mbox_unseal(n, q, 1, "mb_own", "secret", 1, secret,
		    MBOX_SECRET_LEN);
	*pairing = 0;
	if (r == 0 && sqlite3_column_type(q, 2) != SQLITE_NULL) {
		*pairing = 1;
		r = mbox_unseal(n, q, 2, "mb_own", "pair", 1, pair,
		    MBOX_PAIR_LEN + MBOX_AUTH_LEN);
	}
	core_done(n, q);
	if (r != 0 && r != ERR_NOTFOUND)
		log_error("mailbox: our mailbox settings are damaged: %s",
		    err_str(r));
	return r;
}

/* Seal and write one column of a row (inside node_txn). */
int
mbox_write(struct node *n, const char *sql, const char *table,
    const char *column, int64_t row, const void *v, size_t len)
{
	sqlite3_stmt *q;
	uint8_t *sealed = NULL;
	size_t slen = 0;
	int r;

	if (v != NULL && (r = store_seal(n->st, table, column, row, v, len,
	    &sealed, &slen)) != 0)
		return r;
	if ((q = core_prep(n, sql)) == NULL) {
		free(sealed);
		return ERR_DB;
	}
	sqlite3_bind_int64(q, 1, row);
	if (sealed != NULL)
		sqlite3_bind_blob(q, 2, sealed, (int)slen, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 2);
	r = core_step(n, q);
	free(sealed);
	return r;
}

/* A simple statement on one contact's mb_peers row. */
static int
mbox_peer_exec(struct node *n, const char *sql, int64_t contact, int64_t v)
{
	sqlite3_stmt *q;

	if ((q = core_prep(n, sql)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(q, 1, contact);
	sqlite3_bind_int64(q, 2, v);
	return core_step(n, q);
}

/* Send c the grant for our mailbox (inside node_txn); 0 once queued. */
int
mbox_grant_send(struct node *n, struct contact *c, const char *onion,
    const uint8_t mine[MBOX_SECRET_LEN],
    const uint8_t owner[MBOX_SECRET_LEN])
{
	char body[sizeof MBOX_GRANT_PREFIX + ONION_LEN + 2 * MBOX_SECRET_LEN +
	    2 * MBOX_AUTH_LEN + 3];
	char hex[2 * MBOX_SECRET_LEN + 1], ahex[2 * MBOX_AUTH_LEN + 1];
	uint8_t priv[MBOX_AUTH_LEN], pub[MBOX_AUTH_LEN];
	int r;

	if (onion == NULL)
		snprintf(body, sizeof body, "%s", MBOX_GRANT_NONE);
	else {
		mbox_auth_keys(owner, 1, priv, pub);
		sodium_bin2hex(hex, sizeof hex, mine, MBOX_SECRET_LEN);
		sodium_bin2hex(ahex, sizeof ahex, priv, sizeof priv);
		snprintf(body, sizeof body, "%s%s %s %s", MBOX_GRANT_PREFIX,
		    onion, hex, ahex);
		sodium_memzero(hex, sizeof hex);
		sodium_memzero(ahex, sizeof ahex);
		sodium_memzero(priv, sizeof priv);
	}
	r = delivery_send_control(n, c, PLAIN_MAILBOX, body, 0);
	sodium_memzero(body, sizeof body);
	return r;
}

/*
 * Owner side, before a session: a credential for every contact with a
 * session, and grants for those the mailbox already knows.
 */
static void
mbox_prepare_grants(struct node *n, const char *onion,
    const uint8_t owner[MBOX_SECRET_LEN])
{
	struct contact *c;
	sqlite3_stmt *q;
	uint8_t mine[MBOX_SECRET_LEN];
	int granted, have, r;

	for (c = n->contacts; c != NULL; c = c->next) {
		if (c->state != CONTACT_MUTUAL || !(c->flags & CF_HAS_RATCHET))
			continue;
		q = core_prep(n, "SELECT mine, granted FROM mb_peers WHERE "
		    "contact = ?");
		if (q == NULL)
			return;
		sqlite3_bind_int64(q, 1, c->id);
		have = 0;
		granted = 0;
		if (sqlite3_step(q) == SQLITE_ROW) {
			granted = sqlite3_column_int(q, 1);
			have = mbox_unseal(n, q, 0, "mb_peers", "mine", c->id,
			    mine, sizeof mine) == 0;
		}
		core_done(n, q);
		if (node_txn(n) != 0)
			return;
		if (!have) {
			randombytes_buf(mine, sizeof mine);
			r = mbox_peer_exec(n, "INSERT INTO mb_peers (contact, "
			    "granted) VALUES (?1, ?2) ON CONFLICT (contact) DO "
			    "UPDATE SET granted = ?2", c->id, 0);
			if (r == 0)
				r = mbox_write(n, "UPDATE mb_peers SET mine = "
				    "?2 WHERE contact = ?1", "mb_peers",
				    "mine", c->id, mine, sizeof mine);
			if (r != 0)
				log_warn("mailbox: %s", err_str(r));
		} else if (granted == 1 &&
		    mbox_grant_send(n, c, onion, mine, owner) == 0) {
			(void)mbox_peer_exec(n, "UPDATE mb_peers SET granted = "
			    "?2 WHERE contact = ?1", c->id, 2);
			log_info("mailbox: contact %lld can now deposit",
			    (long long)c->id);
		}
		sodium_memzero(mine, sizeof mine);
	}
}

/*
 * Start a session of kind to onion with secret, reaching the onion with
 * the client authorization key auth; 0 or ERR_*.
 */
static int
mbox_session(struct node *n, int kind, const char *onion,
    const uint8_t *secret, size_t len, int64_t contact,
    const uint8_t auth[MBOX_AUTH_LEN])
{
	struct mbox_cli *cl;

	if (n->tor == NULL || tor_auth_add(n->tor, onion, auth) != 0)
		return ERR_STATE;
	cl = xcalloc(1, sizeof *cl);

	cl->kind = kind;
	cl->contact = contact;
	memcpy(cl->onion, onion, ONION_LEN);
	memcpy(cl->secret, secret, len);
	return mbc_start(n, cl);
}

/* Our own mailbox: pair, or grant and fetch. */
static void
mbox_owner_tick(struct node *n)
{
	char onion[ONION_LEN + 1];
	uint8_t secret[MBOX_SECRET_LEN], pair[MBOX_PAIR_LEN + MBOX_AUTH_LEN];
	uint8_t priv[MBOX_AUTH_LEN], pub[MBOX_AUTH_LEN];
	struct mbox_cli *cl;
	int pairing;

	if (mbox_own(n, onion, secret, pair, &pairing) != 0)
		return;
	if (pairing) {
		if (mbc_find(n, MBC_PAIR, 0) == NULL &&
		    tor_auth_add(n->tor, onion, pair + MBOX_PAIR_LEN) == 0) {
			cl = xcalloc(1, sizeof *cl);
			cl->kind = MBC_PAIR;
			memcpy(cl->onion, onion, ONION_LEN);
			memcpy(cl->secret, pair, MBOX_PAIR_LEN);
			mbox_token(secret, cl->tag);
			mbox_tag(cl->tag, cl->tag);
			mbox_auth_keys(secret, 0, priv, cl->tag + MBOX_TAG_LEN);
			mbox_auth_keys(secret, 1, priv, cl->tag + MBOX_TAG_LEN +
			    MBOX_AUTH_LEN);
			(void)mbc_start(n, cl);
		}
	} else {
		mbox_prepare_grants(n, onion, secret);
		mbox_auth_keys(secret, 0, priv, pub);
		if (mbc_find(n, MBC_OWNER, 0) == NULL)
			(void)mbox_session(n, MBC_OWNER, onion, secret,
			    sizeof secret, 0, priv);
	}
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(pair, sizeof pair);
	sodium_memzero(priv, sizeof priv);
}

/* The next outbox row of c at or after from: its seq, or -1. */
static int64_t
mbox_next_row(struct node *n, struct contact *c, uint64_t from)
{
	sqlite3_stmt *q;
	int64_t seq = -1;

	q = core_prep(n, "SELECT seq FROM outbox WHERE contact = ? AND seq >= ? "
	    "ORDER BY seq LIMIT 1");
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, c->id);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)from);
	if (sqlite3_step(q) == SQLITE_ROW)
		seq = sqlite3_column_int64(q, 0);
	core_done(n, q);
	return seq;
}

/* c's mailbox (their grant) and how far we deposited; ERR_NOTFOUND. */
static int
mbox_theirs(struct node *n, int64_t contact, char onion[ONION_LEN + 1],
    uint8_t secret[MBOX_SECRET_LEN], uint8_t auth[MBOX_AUTH_LEN],
    uint64_t *dep_next)
{
	sqlite3_stmt *q;
	uint8_t v[ONION_LEN + MBOX_SECRET_LEN + MBOX_AUTH_LEN];
	int r = ERR_NOTFOUND;

	q = core_prep(n, "SELECT theirs, dep_next FROM mb_peers WHERE "
	    "contact = ?");
	if (q == NULL)
		return ERR_DB;
	sqlite3_bind_int64(q, 1, contact);
	if (sqlite3_step(q) == SQLITE_ROW) {
		r = mbox_unseal(n, q, 0, "mb_peers", "theirs", contact, v,
		    sizeof v);
		*dep_next = (uint64_t)sqlite3_column_int64(q, 1);
	}
	core_done(n, q);
	if (r == 0) {
		memcpy(onion, v, ONION_LEN);
		onion[ONION_LEN] = '\0';
		memcpy(secret, v + ONION_LEN, MBOX_SECRET_LEN);
		if (auth != NULL)
			memcpy(auth, v + ONION_LEN + MBOX_SECRET_LEN,
			    MBOX_AUTH_LEN);
	}
	sodium_memzero(v, sizeof v);
	return r;
}

/* 1 if c is reachable directly right now. */
static int
mbox_direct(struct contact *c)
{
	return c->live != NULL && c->resumed;
}

/* Deposit for every contact that is away and has something for us. */
static void
mbox_deposit_tick(struct node *n)
{
	struct contact *c;
	char onion[ONION_LEN + 1];
	uint8_t secret[MBOX_SECRET_LEN], auth[MBOX_AUTH_LEN];
	uint64_t dep_next;

	for (c = n->contacts; c != NULL; c = c->next) {
		if (c->state != CONTACT_MUTUAL || mbox_direct(c) ||
		    mbc_find(n, MBC_DEPOSIT, c->id) != NULL)
			continue;
		if (mbox_theirs(n, c->id, onion, secret, auth, &dep_next) != 0)
			continue;
		if (mbox_next_row(n, c, dep_next) >= 0)
			(void)mbox_session(n, MBC_DEPOSIT, onion, secret,
			    sizeof secret, c->id, auth);
		sodium_memzero(secret, sizeof secret);
		sodium_memzero(auth, sizeof auth);
	}
}

/* Every interval: expire (mailbox), or pair, fetch and deposit. */
static void
mbox_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct node *n = arg;

	if (!n->up || n->tor == NULL || tor_status(n->tor)->progress < 100)
		goto again;
	if (mbox_is_mailbox(n)) {
		(void)mbox_srv_expire(n);
		goto again;
	}
	mbox_owner_tick(n);
	mbox_deposit_tick(n);
	node_flush(n);
again:
	mbox_arm(n, n->mbox->opts.interval);
}

/* The session is up: prove who we are. */
void
mbox_cli_up(struct mbox_cli *cl)
{
	uint8_t token[MBOX_TOKEN_LEN];

	if (cl->kind == MBC_PAIR) {
		(void)mbc_send(cl, MBOX_OP_PAIR, 0, cl->secret, MBOX_PAIR_LEN,
		    cl->tag, sizeof cl->tag);
		return;
	}
	mbox_token(cl->secret, token);
	(void)mbc_send(cl, MBOX_OP_AUTH, 0, token, sizeof token, NULL, 0);
	sodium_memzero(token, sizeof token);
}

/* Owner: register the next credential, or ask for the next blob. */
static int
owner_next(struct mbox_cli *cl)
{
	struct node *n = cl->n;
	sqlite3_stmt *q;
	uint8_t mine[MBOX_SECRET_LEN], tag[MBOX_TAG_LEN];
	int64_t id = 0;

	q = core_prep(n, "SELECT contact, mine FROM mb_peers WHERE granted = 0 "
	    "AND mine IS NOT NULL AND contact > ? ORDER BY contact LIMIT 1");
	if (q == NULL)
		return ERR_DB;
	sqlite3_bind_int64(q, 1, cl->grant_contact);
	if (sqlite3_step(q) == SQLITE_ROW) {
		id = sqlite3_column_int64(q, 0);
		if (mbox_unseal(n, q, 1, "mb_peers", "mine", id, mine,
		    sizeof mine) != 0)
			id = -id;
	}
	core_done(n, q);
	if (id < 0) {
		cl->grant_contact = -id;
		return owner_next(cl);
	}
	if (id > 0) {
		cl->grant_contact = id;
		mbox_token(mine, tag);
		mbox_tag(tag, tag);
		sodium_memzero(mine, sizeof mine);
		return mbc_send(cl, MBOX_OP_CRED_ADD, 0, tag, sizeof tag, NULL,
		    0);
	}
	return mbc_send(cl, MBOX_OP_NEXT, cl->after, NULL, 0, NULL, 0);
}

/* Whose credential a tag is: the contact and our secret for it; or 0. */
static struct contact *
owner_depositor(struct node *n, const uint8_t *tag,
    uint8_t mine[MBOX_SECRET_LEN])
{
	sqlite3_stmt *q;
	uint8_t t[MBOX_TAG_LEN];
	struct contact *c;
	int64_t id = 0;

	q = core_prep(n, "SELECT contact, mine FROM mb_peers WHERE mine IS NOT "
	    "NULL");
	if (q == NULL)
		return NULL;
	while (id == 0 && sqlite3_step(q) == SQLITE_ROW) {
		int64_t cid = sqlite3_column_int64(q, 0);

		if (mbox_unseal(n, q, 1, "mb_peers", "mine", cid, mine,
		    MBOX_SECRET_LEN) != 0)
			continue;
		mbox_token(mine, t);
		mbox_tag(t, t);
		if (sodium_memcmp(t, tag, MBOX_TAG_LEN) == 0)
			id = cid;
	}
	core_done(n, q);
	for (c = n->contacts; c != NULL && id != 0; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

/*
 * Owner: one blob. Feed it to the pipeline, commit, then delete it from
 * the mailbox; keep what lies beyond a gap for later.
 */
static int
owner_item(struct mbox_cli *cl, const struct wire_msg *m)
{
	struct node *n = cl->n;
	uint8_t *buf, mine[MBOX_SECRET_LEN];
	struct wire_msg msg;
	struct contact *c;
	uint64_t id = m->u.mbox.n;
	int r;

	if (id <= cl->after || m->u.mbox.a_len != MBOX_TAG_LEN)
		return ERR_PROTO;
	cl->after = id;
	buf = xmalloc(MBOX_BLOB_MAX_PT);
	c = owner_depositor(n, m->u.mbox.a, mine);
	r = c == NULL ? ERR_NOTFOUND : mbox_blob_open(mine, m->u.mbox.b,
	    m->u.mbox.b_len, buf, &msg);
	sodium_memzero(mine, sizeof mine);
	if (r != 0) {
		log_info("mailbox: blob %llu is not for us (%s); deleted",
		    (unsigned long long)id, err_str(r));
		secret_free(buf, MBOX_BLOB_MAX_PT);
		return mbc_send(cl, MBOX_OP_NEXT_DEL, id, NULL, 0, NULL, 0);
	}
	if (msg.u.msg.seq > c->recv_seq) {
		/* Something before it has not come yet: keep it. */
		secret_free(buf, MBOX_BLOB_MAX_PT);
		return mbc_send(cl, MBOX_OP_NEXT, cl->after, NULL, 0, NULL, 0);
	}
	if (msg.u.msg.seq == c->recv_seq) {
		r = delivery_on_msg(n, c, &msg);
		secret_free(buf, MBOX_BLOB_MAX_PT);
		buf = NULL;
		/* Commit before the mailbox forgets it. */
		if (r != 0 || (r = node_commit(n)) != 0) {
			log_warn("mailbox: cannot store a fetched message: %s",
			    err_str(r));
			return ERR_DB;
		}
		cl->count++;
		n->mbox->fetched++;
	}
	if (buf != NULL)
		secret_free(buf, MBOX_BLOB_MAX_PT);
	/* Stored and committed: the mailbox may forget it now. */
	return mbc_send(cl, MBOX_OP_NEXT_DEL, id, NULL, 0, NULL, 0);
}

/* Depositor: PUT the next row, or finish. */
static int
deposit_next(struct mbox_cli *cl)
{
	struct node *n = cl->n;
	struct contact *c;
	char onion[ONION_LEN + 1];
	uint8_t secret[MBOX_SECRET_LEN], blob[WIRE_MBOX_B_MAX];
	struct wire_msg m;
	sqlite3_stmt *q;
	uint64_t dep_next;
	size_t len;
	int64_t seq;
	int r;

	for (c = n->contacts; c != NULL; c = c->next)
		if (c->id == cl->contact)
			break;
	if (c == NULL || c->state != CONTACT_MUTUAL || mbox_direct(c) ||
	    mbox_theirs(n, c->id, onion, secret, NULL, &dep_next) != 0) {
		mbc_close(cl);
		return 0;
	}
	if (dep_next < cl->put_seq)
		dep_next = cl->put_seq;
	if ((seq = mbox_next_row(n, c, dep_next)) < 0) {
		sodium_memzero(secret, sizeof secret);
		mbc_close(cl);
		return 0;
	}
	q = core_prep(n, "SELECT hdr, ct FROM outbox WHERE contact = ? AND "
	    "seq = ?");
	if (q == NULL || (sqlite3_bind_int64(q, 1, c->id),
	    sqlite3_bind_int64(q, 2, seq), sqlite3_step(q)) != SQLITE_ROW) {
		core_done(n, q);
		return ERR_DB;
	}
	memset(&m, 0, sizeof m);
	m.type = WIRE_MSG;
	m.u.msg.seq = (uint64_t)seq;
	m.u.msg.header = sqlite3_column_blob(q, 0);
	m.u.msg.header_len = (size_t)sqlite3_column_bytes(q, 0);
	m.u.msg.ct = sqlite3_column_blob(q, 1);
	m.u.msg.ct_len = (size_t)sqlite3_column_bytes(q, 1);
	r = mbox_blob_seal(secret, &m, blob, sizeof blob, &len);
	core_done(n, q);
	sodium_memzero(secret, sizeof secret);
	cl->put_seq = (uint64_t)seq + 1;
	if (r != 0) {
		/* Too big for a mailbox: it waits for the direct path. */
		log_info("contact %lld: message %lld does not fit a mailbox",
		    (long long)c->id, (long long)seq);
		return deposit_next(cl);
	}
	return mbc_send(cl, MBOX_OP_PUT, 0, NULL, 0, blob, len);
}

/* A deposit was stored: remember it (message state "in mailbox"). */
static int
deposit_done(struct mbox_cli *cl)
{
	struct node *n = cl->n;
	int r;

	cl->count++;
	if ((r = node_txn(n)) != 0 ||
	    (r = mbox_peer_exec(n, "UPDATE mb_peers SET dep_next = MAX("
	    "dep_next, ?2) WHERE contact = ?1", cl->contact,
	    (int64_t)cl->put_seq)) != 0)
		return r;
	return deposit_next(cl);
}

/* The address of a session's contact, for events (NULL if gone). */
static const char *
mbox_cli_contact(struct mbox_cli *cl)
{
	struct contact *c;

	for (c = cl->n->contacts; c != NULL; c = c->next)
		if (c->id == cl->contact)
			return c->onion;
	return NULL;
}

/* Finish a session with an event. */
static void
mbox_finish(struct mbox_cli *cl, const char *type, json_t *data)
{
	struct node *n = cl->n;

	if (node_txn(n) == 0)
		(void)event_emit(n, type, data);
	else
		json_decref(data);
	mbc_close(cl);
}

/* Grants need the owner credential: read it again. */
static void
mbox_regrant(struct node *n)
{
	char onion[ONION_LEN + 1];
	uint8_t secret[MBOX_SECRET_LEN], pair[MBOX_PAIR_LEN + MBOX_AUTH_LEN];
	int pairing;

	if (mbox_own(n, onion, secret, pair, &pairing) == 0 && !pairing)
		mbox_prepare_grants(n, onion, secret);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(pair, sizeof pair);
}

/* Pairing answered. */
static int
pair_reply(struct mbox_cli *cl, uint64_t st)
{
	struct node *n = cl->n;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	if (st == MBOX_OK) {
		r = core_step(n, core_prep(n, "UPDATE mb_own SET pair = NULL "
		    "WHERE id = 1"));
		n->mbox->error[0] = '\0';
		n->mbox->reachable = 1;
		log_info("mailbox: paired");
		mbox_finish(cl, RPC_EV_MB_PAIRED, json_pack("{s:s}", "state",
		    "paired"));
		mbox_arm(n, 0);
		return r;
	}
	mbox_note(n, "%s", "the mailbox refused the pairing code (used or "
	    "expired): make a new one with 'warren mailbox pair-code'");
	r = core_step(n, core_prep(n, "DELETE FROM mb_own WHERE id = 1"));
	mbox_finish(cl, RPC_EV_MB_PAIRED, json_pack("{s:s, s:s}", "state",
	    "refused", "error", n->mbox->error));
	return r;
}

/* A reply: the next step. */
int
mbox_cli_reply(struct mbox_cli *cl, const struct wire_msg *m)
{
	struct node *n = cl->n;
	struct mbox *mb = n->mbox;
	uint64_t op = cl->wait, st = m->u.mbox.op;

	cl->wait = 0;
	if (cl->kind == MBC_PAIR)
		return pair_reply(cl, st);
	if (op == MBOX_OP_AUTH) {
		if (st != MBOX_OK) {
			if (cl->kind == MBC_OWNER)
				mbox_note(n, "%s", "our mailbox refused our "
				    "credential: pair it again");
			else
				log_info("contact %lld: their mailbox refused "
				    "our credential", (long long)cl->contact);
			mbc_close(cl);
			return 0;
		}
		if (cl->kind == MBC_OWNER) {
			mb->reachable = 1;
			return owner_next(cl);
		}
		return deposit_next(cl);
	}
	if (cl->kind == MBC_DEPOSIT) {
		if (op != MBOX_OP_PUT)
			return ERR_PROTO;
		if (st == MBOX_OK)
			return deposit_done(cl);
		log_info("contact %lld: their mailbox is %s; the messages "
		    "stay queued", (long long)cl->contact, st == MBOX_E_FULL ?
		    "full" : "refusing deposits");
		mbox_finish(cl, RPC_EV_MB_DEPOSIT, json_pack("{s:s?, s:i, s:s}",
		    "contact", mbox_cli_contact(cl), "count", cl->count,
		    "error", st == MBOX_E_FULL ? "mailbox full" :
		    "deposit refused"));
		return 0;
	}
	/* Our own mailbox. */
	switch (op) {
	case MBOX_OP_CRED_ADD:
		if (st == MBOX_OK && node_txn(n) == 0 &&
		    mbox_peer_exec(n, "UPDATE mb_peers SET granted = ?2 WHERE "
		    "contact = ?1", cl->grant_contact, 1) == 0)
			mbox_regrant(n);
		return owner_next(cl);
	case MBOX_OP_NEXT:
	case MBOX_OP_NEXT_DEL:
		if (st == MBOX_ITEM)
			return owner_item(cl, m);
		if (st == MBOX_E_INTERNAL) {
			mbox_note(n, "%s", "our mailbox has a problem with its "
			    "store (see its log)");
			mbc_close(cl);
			return 0;
		}
		if (st != MBOX_EMPTY)
			return ERR_PROTO;
		return mbc_send(cl, MBOX_OP_STAT, 0, NULL, 0, NULL, 0);
	case MBOX_OP_DEL:
		return mbc_send(cl, MBOX_OP_NEXT, cl->after, NULL, 0, NULL, 0);
	case MBOX_OP_STAT:
		mb->queued = (long long)m->u.mbox.n;
		mb->last_fetch = (int64_t)time(NULL);
		mb->error[0] = '\0';
		if (cl->count > 0 && mb->queued == 0 && mb->drained_ms == 0)
			mb->drained_ms = node_now_ms();
		if (cl->count > 0) {
			mbox_finish(cl, RPC_EV_MB_FETCH, json_pack("{s:i, s:I}",
			    "count", cl->count, "queued",
			    (json_int_t)mb->queued));
			mbox_regrant(n);
		} else
			mbc_close(cl);
		return 0;
	}
	return ERR_PROTO;
}

/* A session ended. */
void
mbox_cli_lost(struct mbox_cli *cl, int reason)
{
	struct node *n = cl->n;

	if (cl->kind == MBC_DEPOSIT && cl->count > 0) {
		if (node_txn(n) == 0)
			(void)event_emit(n, RPC_EV_MB_DEPOSIT, json_pack(
			    "{s:s?, s:i}", "contact", mbox_cli_contact(cl),
			    "count", cl->count));
		log_info("contact %lld: %d messages deposited in their mailbox",
		    (long long)cl->contact, cl->count);
		cl->count = 0;
	}
	if (cl->closing)
		return;
	if (cl->kind == MBC_OWNER || cl->kind == MBC_PAIR) {
		n->mbox->reachable = 0;
		mbox_note(n, "our mailbox is unreachable: %s", err_str(reason));
	}
}

/* A grant from c: where we may deposit for them (inside node_txn). */
int
mbox_on_grant(struct node *n, struct contact *c, const char *body,
    size_t len)
{
	uint8_t v[ONION_LEN + MBOX_SECRET_LEN + MBOX_AUTH_LEN];
	char onion[ONION_LEN + 1];
	int r, has;

	if ((has = mbox_grant_parse(body, len, onion, v + ONION_LEN,
	    v + ONION_LEN + MBOX_SECRET_LEN)) < 0) {
		log_info("contact %lld: a mailbox grant we cannot read",
		    (long long)c->id);
		return 0;
	}
	memcpy(v, onion, ONION_LEN);
	if ((r = mbox_peer_exec(n, "INSERT INTO mb_peers (contact, dep_next) "
	    "VALUES (?1, ?2) ON CONFLICT (contact) DO UPDATE SET dep_next = "
	    "?2", c->id, 0)) == 0)
		r = mbox_write(n, "UPDATE mb_peers SET theirs = ?2 WHERE "
		    "contact = ?1", "mb_peers", "theirs", c->id,
		    has ? v : NULL, sizeof v);
	sodium_memzero(v, sizeof v);
	if (r == 0)
		log_info("contact %lld: %s", (long long)c->id,
		    has ? "gave us their mailbox" :
		    "withdrew their mailbox");
	return r;
}

