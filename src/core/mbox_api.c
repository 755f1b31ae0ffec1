/*
 * mbox_api.c -- the local API of mailboxes (mailbox.*) and the mailbox part
 * of status; the machinery is in mbox.c and mbox_serve.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/api.h"
#include "core/core.h"
#include "core/mbox_int.h"
#include "core/node.h"
#include "store/store.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"

/* 1 if seq went into c's mailbox. */
int
mbox_deposited(struct node *n, struct contact *c, uint64_t seq)
{
	sqlite3_stmt *q;
	int yes = 0;

	q = core_prep(n, "SELECT dep_next FROM mb_peers WHERE contact = ?");
	if (q == NULL)
		return 0;
	sqlite3_bind_int64(q, 1, c->id);
	if (sqlite3_step(q) == SQLITE_ROW)
		yes = seq < (uint64_t)sqlite3_column_int64(q, 0);
	core_done(n, q);
	return yes;
}

/* The "mailbox" of status. */
json_t *
mbox_status_json(struct node *n)
{
	struct mbox *mb = n->mbox;
	char onion[ONION_LEN + 1];
	uint8_t secret[MBOX_SECRET_LEN], pair[MBOX_PAIR_LEN + MBOX_AUTH_LEN];
	sqlite3_stmt *q;
	json_int_t granted = 0, theirs = 0;
	json_t *j;
	int pairing = 0, r;

	if (mb == NULL || !n->up)
		return json_null();
	if (mbox_is_mailbox(n))
		return mbox_srv_status(n);
	r = mbox_own(n, onion, secret, pair, &pairing);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(pair, sizeof pair);
	q = core_prep(n, "SELECT (SELECT COUNT(*) FROM mb_peers WHERE granted "
	    "= 2), (SELECT COUNT(*) FROM mb_peers WHERE theirs IS NOT NULL)");
	if (q != NULL && sqlite3_step(q) == SQLITE_ROW) {
		granted = sqlite3_column_int64(q, 0);
		theirs = sqlite3_column_int64(q, 1);
	}
	core_done(n, q);
	j = json_pack("{s:s, s:b, s:b, s:I, s:I}", "role", "user", "paired",
	    r == 0 && !pairing, "pairing", r == 0 && pairing, "granted",
	    granted, "contact_mailboxes", theirs);
	if (r == 0) {
		json_object_set_new(j, "address", json_string(onion));
		json_object_set_new(j, "reachable", mb->reachable < 0 ?
		    json_null() : json_boolean(mb->reachable));
		json_object_set_new(j, "last_fetch", mb->last_fetch > 0 ?
		    json_integer(mb->last_fetch) : json_null());
		json_object_set_new(j, "queued", json_integer(mb->queued));
		json_object_set_new(j, "fetched", json_integer(mb->fetched));
		json_object_set_new(j, "interval",
		    json_integer(mb->opts.interval));
		if (mb->drained_ms > 0 && mb->start_ms > 0)
			json_object_set_new(j, "drained_ms", json_integer(
			    mb->drained_ms - mb->start_ms));
	}
	if (mb->error[0] != '\0')
		json_object_set_new(j, "error", json_string(mb->error));
	return j;
}

/* mailbox.pair_code: a one-time code for the owner (mailbox role). */
int
api_mailbox_pair_code(struct node *n, json_t **res, struct api_err *err)
{
	uint8_t secret[MBOX_PAIR_LEN], h[32];
	uint8_t pub[MBOX_AUTH_LEN], priv[MBOX_AUTH_LEN];
	char hex[2 * MBOX_PAIR_LEN + 1], v[200], code[MBOX_CODE_LEN + 1];
	char phex[2 * MBOX_AUTH_LEN + 1], ahex[2 * MBOX_AUTH_LEN + 1];
	long long exp = (long long)time(NULL) + MBOX_PAIR_TTL;

	if (!mbox_is_mailbox(n))
		return api_fail(err, API_E_STATE, "this daemon is not a "
		    "mailbox (start one with warrend --mailbox)");
	randombytes_buf(secret, sizeof secret);
	torca_keypair(pub, priv);
	mbox_pair_hash(secret, sizeof secret, h);
	sodium_bin2hex(v, 65, h, sizeof h);
	sodium_bin2hex(phex, sizeof phex, pub, sizeof pub);
	snprintf(v + 64, sizeof v - 64, " %lld %s", exp, phex);
	if (store_setting_set(n->st, MBOX_SET_PAIR, v) != 0)
		return api_fail(err, API_E_INTERNAL, "cannot store the code");
	mbox_srv_publish(n);
	sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
	sodium_bin2hex(ahex, sizeof ahex, priv, sizeof priv);
	snprintf(code, sizeof code, "%s%s-%s-%s", MBOX_CODE_PREFIX,
	    node_onion(n), hex, ahex);
	sodium_memzero(priv, sizeof priv);
	sodium_memzero(ahex, sizeof ahex);
	sodium_memzero(secret, sizeof secret);
	*res = json_pack("{s:s, s:I}", "code", code, "expires",
	    (json_int_t)exp);
	sodium_memzero(code, sizeof code);
	sodium_memzero(hex, sizeof hex);
	return 0;
}

/* mailbox.pair {code}: pair with the mailbox the code names. */
int
api_mailbox_pair(struct node *n, const char *code, json_t **res,
    struct api_err *err)
{
	char onion[ONION_LEN + 1];
	uint8_t pair[MBOX_PAIR_LEN + MBOX_AUTH_LEN], secret[MBOX_SECRET_LEN];
	int r;

	if (mbox_is_mailbox(n))
		return api_fail(err, API_E_STATE, "this daemon is a mailbox; "
		    "run 'warren mailbox pair' against your own daemon");
	if (mbox_code_parse(code, onion, pair, pair + MBOX_PAIR_LEN) != 0)
		return api_fail(err, API_E_PARAMS, "not a mailbox pairing code "
		    "(wmb1-..., from 'warren mailbox pair-code' on the "
		    "mailbox)");
	if (strcmp(onion, node_onion(n)) == 0)
		return api_fail(err, API_E_SELF, "that code is for this "
		    "daemon's own address");
	randombytes_buf(secret, sizeof secret);
	if ((r = node_txn(n)) == 0)
		r = core_step(n, core_prep(n, "DELETE FROM mb_own"));
	/* Credentials given for another mailbox are void now. */
	if (r == 0)
		r = core_step(n, core_prep(n, "UPDATE mb_peers SET mine = NULL, "
		    "granted = 0"));
	if (r == 0)
		r = core_step(n, core_prep(n, "INSERT INTO mb_own (id, addr, "
		    "secret) VALUES (1, x'', x'')"));
	if (r == 0)
		r = mbox_write(n, "UPDATE mb_own SET addr = ?2 WHERE id = ?1",
		    "mb_own", "addr", 1, onion, ONION_LEN);
	if (r == 0)
		r = mbox_write(n, "UPDATE mb_own SET secret = ?2 WHERE id = ?1",
		    "mb_own", "secret", 1, secret, sizeof secret);
	if (r == 0)
		r = mbox_write(n, "UPDATE mb_own SET pair = ?2 WHERE id = ?1",
		    "mb_own", "pair", 1, pair, sizeof pair);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(pair, sizeof pair);
	if (r != 0)
		return api_fail(err, API_E_INTERNAL, "cannot store the "
		    "mailbox: %s", err_str(r));
	n->mbox->error[0] = '\0';
	n->mbox->reachable = -1;
	mbox_arm(n, 0);
	*res = json_pack("{s:s, s:s}", "address", onion, "state", "pairing");
	return 0;
}

/* mailbox.status */
int
api_mailbox_status(struct node *n, json_t **res, struct api_err *err)
{
	*res = mbox_status_json(n);
	return 0;
}

/* mailbox.unpair: forget our mailbox and tell contacts it is gone. */
int
api_mailbox_unpair(struct node *n, json_t **res, struct api_err *err)
{
	struct contact *c;
	sqlite3_stmt *q;
	int told = 0, r;

	if (mbox_is_mailbox(n))
		return api_fail(err, API_E_STATE, "this daemon is a mailbox");
	if ((r = node_txn(n)) != 0)
		return api_fail(err, API_E_INTERNAL, "%s", err_str(r));
	for (c = n->contacts; c != NULL; c = c->next) {
		q = core_prep(n, "SELECT granted FROM mb_peers WHERE contact = ?");
		if (q == NULL)
			continue;
		sqlite3_bind_int64(q, 1, c->id);
		if (sqlite3_step(q) == SQLITE_ROW &&
		    sqlite3_column_int(q, 0) == 2 &&
		    mbox_grant_send(n, c, NULL, NULL, NULL) == 0)
			told++;
		core_done(n, q);
	}
	if ((r = core_step(n, core_prep(n, "DELETE FROM mb_own"))) != 0 ||
	    (r = core_step(n, core_prep(n, "UPDATE mb_peers SET mine = NULL, "
	    "granted = 0"))) != 0)
		return api_fail(err, API_E_INTERNAL, "%s", err_str(r));
	mbc_stop_all(n);
	n->mbox->error[0] = '\0';
	n->mbox->reachable = -1;
	n->mbox->last_fetch = 0;
	*res = json_pack("{s:s, s:i}", "state", "unpaired", "contacts_told",
	    told);
	return 0;
}
