/*
 * endpoint.c -- private per-contact endpoint onions (endpoint.h).
 *
 * One onion per contact: its ed25519 seed and the x25519 client key we
 * gave them live sealed in endpoints.data (row = the contact's id), with
 * their endpoint's address and our key for it. tor gets them at every
 * start (tor_onion_add, tor_auth_add: memory only). PLAIN_ENDPOINT carries
 * "1 ONION KEY HAVE" inside the ratchet: ONION our endpoint for them, KEY
 * the base64 x25519 private key they authorize with, HAVE 1 if we already
 * hold theirs (0 asks them to send theirs again: they may have sent it to
 * a warren that ignored it, before an upgrade).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "core/core.h"
#include "core/endpoint.h"
#include "core/plain.h"
#include "store/store.h"
#include "tor/clientauth.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define EP_VERSION	1
#define EP_FLAG_SENT	0x1	/* our PLAIN_ENDPOINT is in the outbox */
#define EP_FLAG_HAVE	0x2	/* theirs is known */
/* version, seed, client key, flags, their address, our key for theirs */
#define EP_REC_LEN	(1 + 32 + 32 + 1 + TORCA_ONION_CHARS + 32)
#define EP_BODY_LEN	(2 + TORCA_ONION_CHARS + 1 + TORCA_PRIV_CHARS + 2)
/* After this many failed dials of their endpoint, every other dial goes
 * to their public address (they may have lost or reset theirs). */
#define EP_FALLBACK	3

struct endpoint {
	uint8_t seed[TORCA_SEED_LEN];	/* our onion for them */
	uint8_t cpriv[TORCA_KEY_LEN];	/* the client key we gave them */
	uint8_t cpub[TORCA_KEY_LEN];
	char ours[TORCA_ONION_CHARS + 1];
	int flags;
	char theirs[TORCA_ONION_CHARS + 1];
	uint8_t tpriv[TORCA_KEY_LEN];	/* our key for theirs */
	int fails;			/* failed dials of theirs in a row */
	int dial_ep;			/* the current dial is to theirs */
};

/* Derived parts after loading or creating. */
static void
ep_derive(struct endpoint *e)
{
	crypto_scalarmult_base(e->cpub, e->cpriv);
	torca_onion_from_seed(e->seed, e->ours, NULL);
}

/* Store the record (inside node_txn). */
static int
ep_save(struct node *n, struct contact *c)
{
	struct endpoint *e = c->ep;
	uint8_t rec[EP_REC_LEN], *ct = NULL, *p = rec;
	sqlite3_stmt *s;
	size_t clen;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	*p++ = EP_VERSION;
	memcpy(p, e->seed, 32);
	p += 32;
	memcpy(p, e->cpriv, 32);
	p += 32;
	*p++ = (uint8_t)e->flags;
	memset(p, 0, TORCA_ONION_CHARS);
	if (e->flags & EP_FLAG_HAVE)
		memcpy(p, e->theirs, TORCA_ONION_CHARS);
	p += TORCA_ONION_CHARS;
	memcpy(p, e->tpriv, 32);
	r = store_seal(n->st, "endpoints", "data", c->id, rec, sizeof rec,
	    &ct, &clen);
	sodium_memzero(rec, sizeof rec);
	if (r != 0)
		return r;
	if ((s = core_prep(n, "INSERT OR REPLACE INTO endpoints (id, data) "
	    "VALUES (?, ?)")) == NULL) {
		free(ct);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_blob(s, 2, ct, (int)clen, free);
	return core_step(n, s);
}

/* Parse a record; ERR_PROTO if it is not one. */
static int
ep_parse(struct endpoint *e, const uint8_t *rec, size_t len)
{
	const uint8_t *p = rec;

	if (len != EP_REC_LEN || *p++ != EP_VERSION)
		return ERR_PROTO;
	memcpy(e->seed, p, 32);
	p += 32;
	memcpy(e->cpriv, p, 32);
	p += 32;
	e->flags = *p++ & (EP_FLAG_SENT | EP_FLAG_HAVE);
	memcpy(e->theirs, p, TORCA_ONION_CHARS);
	e->theirs[TORCA_ONION_CHARS] = '\0';
	p += TORCA_ONION_CHARS;
	memcpy(e->tpriv, p, 32);
	if ((e->flags & EP_FLAG_HAVE) && !torca_onion_ok(e->theirs))
		return ERR_PROTO;
	ep_derive(e);
	return 0;
}

/* Give tor our onion for c. */
static void
ep_tor_onion(struct node *n, struct contact *c)
{
	char *target;
	int r;

	if (n->tor == NULL || c->ep == NULL)
		return;
	xasprintf(&target, "%s/peer.sock", n->dir);
	r = tor_onion_add(n->tor, &(struct tor_onion_spec){
	    .seed = c->ep->seed, .target = target, .port = WARREN_PORT,
	    .clients = (const uint8_t (*)[TORCA_KEY_LEN])c->ep->cpub,
	    .n = 1 }, NULL);
	free(target);
	if (r != 0)
		log_warn("contact %lld: cannot add its endpoint: %s",
		    (long long)c->id, err_str(r));
}

/* Give tor our key for c's endpoint. */
static void
ep_tor_auth(struct node *n, struct contact *c)
{
	if (n->tor != NULL && c->ep != NULL && (c->ep->flags & EP_FLAG_HAVE))
		(void)tor_auth_add(n->tor, c->ep->theirs, c->ep->tpriv);
}

/* A stored record: 0 if it parses (fuzz_endpoint). */
int
endpoint_record_check(const uint8_t *rec, size_t len)
{
	struct endpoint *e = xcalloc(1, sizeof *e);
	int r = ep_parse(e, rec, len);

	secret_free(e, sizeof *e);
	return r;
}

int
endpoints_load(struct node *n)
{
	struct contact *c;
	sqlite3_stmt *s;
	uint8_t *pt;
	size_t len;
	int64_t id;
	int r;

	if ((s = core_prep(n, "SELECT id, data FROM endpoints")) == NULL)
		return ERR_DB;
	while (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		for (c = n->contacts; c != NULL && c->id != id; c = c->next)
			;
		if (c == NULL || c->ep != NULL)
			continue;
		r = store_unseal(n->st, "endpoints", "data", id,
		    sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1), &pt, &len);
		if (r != 0) {
			log_error("contact %lld: its endpoint record is damaged "
			    "(%s): a new one is made", (long long)id,
			    err_str(r));
			continue;
		}
		c->ep = xcalloc(1, sizeof *c->ep);
		if (ep_parse(c->ep, pt, len) != 0) {
			log_error("contact %lld: its endpoint record is "
			    "malformed: a new one is made", (long long)id);
			endpoint_free(c);
		}
		secret_free(pt, len);
	}
	core_done(n, s);
	return 0;
}

void
endpoints_register(struct node *n)
{
	struct contact *c;

	if (n->tor == NULL)
		return;
	(void)tor_set_public(n->tor, endpoint_discoverable(n));
	for (c = n->contacts; c != NULL; c = c->next) {
		if (c->ep == NULL || c->state != CONTACT_MUTUAL)
			continue;
		ep_tor_auth(n, c);
		ep_tor_onion(n, c);
	}
}

void
endpoint_free(struct contact *c)
{
	if (c->ep != NULL)
		secret_free(c->ep, sizeof *c->ep);
	c->ep = NULL;
}

/* A fresh endpoint for c (inside node_txn). */
static int
ep_create(struct node *n, struct contact *c)
{
	int r;

	c->ep = xcalloc(1, sizeof *c->ep);
	randombytes_buf(c->ep->seed, sizeof c->ep->seed);
	torca_keypair(c->ep->cpub, c->ep->cpriv);
	ep_derive(c->ep);
	if ((r = ep_save(n, c)) != 0) {
		endpoint_free(c);
		return r;
	}
	log_info("contact %lld: endpoint %s created", (long long)c->id,
	    log_onion(c->ep->ours));
	ep_tor_onion(n, c);
	return 0;
}

void
endpoint_maybe_send(struct node *n, struct contact *c)
{
	char body[EP_BODY_LEN + 1], b64[TORCA_PRIV_CHARS + 1];
	int r;

	if (c->ep != NULL && (c->ep->flags & EP_FLAG_SENT))
		return;
	if (c->deleted || c->state != CONTACT_MUTUAL ||
	    !(c->flags & CF_HAS_RATCHET))
		return;
	if (c->ep == NULL && ep_create(n, c) != 0)
		return;
	torca_priv_b64(b64, c->ep->cpriv);
	snprintf(body, sizeof body, "%d %s %s %d", EP_VERSION, c->ep->ours,
	    b64, (c->ep->flags & EP_FLAG_HAVE) ? 1 : 0);
	r = delivery_send_control(n, c, PLAIN_ENDPOINT, body, 0);
	sodium_memzero(body, sizeof body);
	sodium_memzero(b64, sizeof b64);
	if (r != 0)
		return;		/* ERR_STATE: not yet; tried after the next commit */
	c->ep->flags |= EP_FLAG_SENT;
	if (ep_save(n, c) != 0)
		return;
	c->flush_pending = 1;
	log_info("contact %lld: our endpoint sent", (long long)c->id);
}

/* "1 ONION KEY HAVE" into its parts; ERR_PROTO otherwise. */
int
endpoint_body_parse(const char *b, size_t len, char *onion, uint8_t *priv,
    int *have)
{
	char canon[TORCA_PRIV_CHARS + 1];
	size_t klen;
	int r;

	if (len != EP_BODY_LEN || b[0] != '1' || b[1] != ' ' ||
	    b[2 + TORCA_ONION_CHARS] != ' ' ||
	    b[3 + TORCA_ONION_CHARS + TORCA_PRIV_CHARS] != ' ' ||
	    (b[len - 1] != '0' && b[len - 1] != '1'))
		return ERR_PROTO;
	memcpy(onion, b + 2, TORCA_ONION_CHARS);
	onion[TORCA_ONION_CHARS] = '\0';
	if (!torca_onion_ok(onion))
		return ERR_PROTO;
	if (sodium_base642bin(priv, TORCA_KEY_LEN, b + 3 + TORCA_ONION_CHARS,
	    TORCA_PRIV_CHARS, NULL, &klen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || klen != TORCA_KEY_LEN)
		return ERR_PROTO;
	/* Canonical only: unused bits of the last character are zero. */
	torca_priv_b64(canon, priv);
	r = memcmp(canon, b + 3 + TORCA_ONION_CHARS, TORCA_PRIV_CHARS);
	sodium_memzero(canon, sizeof canon);
	if (r != 0) {
		sodium_memzero(priv, TORCA_KEY_LEN);
		return ERR_PROTO;
	}
	*have = b[len - 1] == '1';
	return 0;
}

int
endpoint_on_plain(struct node *n, struct contact *c, const struct plain *p)
{
	char onion[TORCA_ONION_CHARS + 1];
	uint8_t priv[TORCA_KEY_LEN];
	struct endpoint *e;
	int have, r, fresh;

	r = endpoint_body_parse(p->body, p->body_len, onion, priv, &have);
	sodium_memzero(p->body, p->body_len);
	if (r != 0) {
		log_warn("contact %lld: sent a malformed endpoint: ignored",
		    (long long)c->id);
		return 0;
	}
	if (c->state != CONTACT_MUTUAL || strcmp(onion, c->onion) == 0 ||
	    strcmp(onion, identity_onion(c->node->id)) == 0) {
		sodium_memzero(priv, sizeof priv);
		return 0;
	}
	if (c->ep == NULL && (r = ep_create(n, c)) != 0)
		goto out;
	e = c->ep;
	fresh = !(e->flags & EP_FLAG_HAVE) || strcmp(e->theirs, onion) != 0 ||
	    sodium_memcmp(e->tpriv, priv, sizeof priv) != 0;
	if (fresh) {
		if ((e->flags & EP_FLAG_HAVE) && n->tor != NULL &&
		    strcmp(e->theirs, onion) != 0)
			(void)tor_auth_remove(n->tor, e->theirs);
		memcpy(e->theirs, onion, sizeof e->theirs);
		memcpy(e->tpriv, priv, sizeof e->tpriv);
		e->flags |= EP_FLAG_HAVE;
		e->fails = 0;
		ep_tor_auth(n, c);
		log_info("contact %lld: their endpoint %s received",
		    (long long)c->id, log_onion(onion));
		if ((r = event_emit(n, RPC_EV_ENDPOINT, json_pack("{s:s, s:s?, "
		    "s:s}", "contact", c->onion, "name", c->name, "endpoint",
		    "received"))) != 0)
			goto out;
	}
	/* They lack ours (an older warren dropped it): send it again. */
	if (!have && (e->flags & EP_FLAG_SENT))
		e->flags &= ~EP_FLAG_SENT;
	r = ep_save(n, c);
out:
	sodium_memzero(priv, sizeof priv);
	return r;
}

int
endpoint_revoke(struct node *n, struct contact *c)
{
	sqlite3_stmt *s;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	if ((s = core_prep(n, "DELETE FROM endpoints WHERE id = ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	if ((r = core_step(n, s)) != 0)
		return r;
	if (c->ep == NULL)
		return 0;
	if (n->tor != NULL) {
		(void)tor_onion_del(n->tor, c->ep->ours);
		if (c->ep->flags & EP_FLAG_HAVE)
			(void)tor_auth_remove(n->tor, c->ep->theirs);
	}
	log_info("contact %lld: endpoint %s revoked", (long long)c->id,
	    log_onion(c->ep->ours));
	endpoint_free(c);
	return 0;
}

const char *
endpoint_dial_onion(struct contact *c)
{
	struct endpoint *e = c->ep;

	if (e == NULL || !(e->flags & EP_FLAG_HAVE) ||
	    (e->fails >= EP_FALLBACK && e->fails % 2 == 1)) {
		if (e != NULL)
			e->dial_ep = 0;
		return c->onion;
	}
	e->dial_ep = 1;
	return e->theirs;
}

void
endpoint_dialled(struct contact *c, int ok)
{
	if (c->ep == NULL)
		return;
	if (ok)
		c->ep->fails = 0;
	else
		c->ep->fails++;
}

json_t *
endpoint_json(struct node *n, struct contact *c)
{
	const char *ours = "none";

	if (c->ep != NULL) {
		ours = "pending";
		if (n->tor != NULL)
			switch (tor_onion_state(n->tor, c->ep->ours)) {
			case TOR_ONION_ADDED:
				ours = "added";
				break;
			case TOR_ONION_PUBLISHED:
				ours = "published";
				break;
			case TOR_ONION_FAILED:
				ours = "failed";
				break;
			}
	}
	return json_pack("{s:s, s:s?, s:b, s:b}", "ours", ours, "address",
	    c->ep != NULL ? c->ep->ours : NULL, "sent",
	    c->ep != NULL && (c->ep->flags & EP_FLAG_SENT), "theirs",
	    c->ep != NULL && (c->ep->flags & EP_FLAG_HAVE));
}

json_t *
endpoints_status(struct node *n)
{
	const struct tor_status *ts;
	struct contact *c;
	int k = 0, have = 0;

	for (c = n->contacts; c != NULL; c = c->next) {
		if (c->ep == NULL)
			continue;
		k++;
		if (c->ep->flags & EP_FLAG_HAVE)
			have++;
	}
	if (n->tor == NULL)
		return json_pack("{s:b, s:s, s:i, s:i, s:i}", "discoverable",
		    endpoint_discoverable(n), "public", "down", "endpoints", k,
		    "endpoints_published", 0, "contact_endpoints", have);
	ts = tor_status(n->tor);
	return json_pack("{s:b, s:s, s:i, s:i, s:i}", "discoverable",
	    endpoint_discoverable(n), "public", !ts->public_on ? "withdrawn" :
	    ts->published ? "published" : "adding", "endpoints", k,
	    "endpoints_published", ts->onions_up, "contact_endpoints", have);
}

int
endpoint_discoverable(struct node *n)
{
	char *v = NULL;
	int on = 1;

	if (store_setting_get(n->st, "discoverable", &v) == 0)
		on = strcmp(v, "0") != 0;
	free(v);
	return on;
}

int
endpoint_set_discoverable(struct node *n, int on)
{
	int r;

	if ((r = store_setting_set(n->st, "discoverable", on ? "1" : "0")) != 0)
		return r;
	if (n->tor != NULL)
		(void)tor_set_public(n->tor, on);
	log_info("discoverable %s: the public onion is %s", on ? "on" : "off",
	    on ? "published" : "withdrawn");
	return 0;
}
