/*
 * groups.c -- group state, items and their flooding between members.
 *
 * A group's state is one sealed JSON object (groups.state): the signed
 * roster as received, our per-group Ed25519 key, our sender chain and the
 * chains of the other members per epoch. Items are applied in one
 * transaction with what they change; an item that cannot be applied yet
 * (its signer's roster or sender key, or an earlier message of its author,
 * has not arrived) waits sealed in group_items and is retried after every
 * item that applied. Every item we accept goes on to the members among our
 * contacts (except where it came from) through the pairwise sessions, whose
 * outboxes keep it until they are online: that is the store-and-forward.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "warren/rpc.h"
#include "core/core.h"
#include "core/groups.h"
#include "core/node.h"
#include "core/groups_int.h"
#include "core/plain.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

static int grp_retry(struct node *, struct grp *);

/* Hex of n (<= 128) bytes into a new JSON string. */
json_t *
grp_hex(const uint8_t *b, size_t n)
{
	char buf[2 * 128 + 1];
	json_t *j;

	if (n > 128)
		return NULL;	/* json_pack then fails loudly */
	sodium_bin2hex(buf, sizeof buf, b, n);
	j = json_string(buf);
	sodium_memzero(buf, sizeof buf);
	return j;
}

/* n bytes from a hex member of o; ERR_PROTO if absent or wrong. */
int
grp_unhex(json_t *o, const char *key, uint8_t *out, size_t n)
{
	json_t *v = json_object_get(o, key);
	size_t bin;

	if (!json_is_string(v) || json_string_length(v) != 2 * n ||
	    sodium_hex2bin(out, n, json_string_value(v), 2 * n, NULL, &bin,
	    NULL) != 0 || bin != n)
		return ERR_PROTO;
	return 0;
}

void
grp_free(struct grp *g)
{
	if (g == NULL)
		return;
	json_decref(g->st);
	free(g);
}

/* Unseal one row's state. */
static int
grp_decode(struct node *n, int64_t id, const void *blob, size_t len,
    struct grp **out)
{
	uint8_t *pt;
	size_t plen;
	json_error_t je;
	struct grp *g;
	int r;

	*out = NULL;
	if ((r = store_unseal(n->st, "groups", "state", id, blob, len, &pt,
	    &plen)) != 0)
		return r;
	g = xcalloc(1, sizeof *g);
	g->id = id;
	g->st = json_loadb((char *)pt, plen, 0, &je);
	secret_free(pt, plen);
	if (!json_is_object(g->st)) {
		grp_free(g);
		return ERR_PROTO;
	}
	*out = g;
	return 0;
}

/* Load a group by row id. */
int
grp_load(struct node *n, int64_t id, struct grp **out)
{
	sqlite3_stmt *s;
	int r = ERR_NOTFOUND;

	*out = NULL;
	if ((s = core_prep(n, "SELECT state FROM groups WHERE id = ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		r = grp_decode(n, id, sqlite3_column_blob(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0), out);
	core_done(n, s);
	return r;
}

/* Every group, newest last; cb may steal g (set it to NULL). */
int
grp_each(struct node *n, int (*cb)(struct node *, struct grp **, void *),
    void *arg)
{
	sqlite3_stmt *s;
	struct grp *g;
	int r = 0;

	if ((s = core_prep(n, "SELECT id, state FROM groups ORDER BY id")) ==
	    NULL)
		return ERR_DB;
	while (r == 0 && sqlite3_step(s) == SQLITE_ROW) {
		if (grp_decode(n, sqlite3_column_int64(s, 0),
		    sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1), &g) != 0) {
			log_warn("group %lld: state damaged; skipped",
			    (long long)sqlite3_column_int64(s, 0));
			continue;
		}
		r = cb(n, &g, arg);
		grp_free(g);
	}
	core_done(n, s);
	return r > 0 ? 0 : r;
}

struct find_gid {
	const char *gid;
	struct grp *found;
};

static int
find_gid_cb(struct node *n, struct grp **g, void *arg)
{
	struct find_gid *f = arg;

	(void)n;
	if (strcmp(grp_str(*g, "gid"), f->gid) != 0)
		return 0;
	f->found = *g;
	*g = NULL;
	return 1;
}

/* The group with this id (hex), or ERR_NOTFOUND. */
int
grp_find_gid(struct node *n, const char *gid, struct grp **out)
{
	struct find_gid f = { gid, NULL };
	int r;

	if ((r = grp_each(n, find_gid_cb, &f)) != 0)
		return r;
	*out = f.found;
	return f.found != NULL ? 0 : ERR_NOTFOUND;
}

/* Seal and write the state (a new row when g->id is 0). */
int
grp_save(struct node *n, struct grp *g)
{
	sqlite3_stmt *s;
	uint8_t *ct;
	size_t clen;
	char *txt;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	if (g->id == 0) {
		if ((r = core_next_id(n, "groups", &g->id)) != 0)
			return r;
		s = core_prep(n, "INSERT INTO groups (id, state, created) "
		    "VALUES (?2, ?1, ?3)");
	} else
		s = core_prep(n, "UPDATE groups SET state = ?1 WHERE id = ?2");
	if (s == NULL)
		return ERR_DB;
	txt = json_dumps(g->st, JSON_COMPACT);
	r = store_seal(n->st, "groups", "state", g->id, txt, strlen(txt), &ct,
	    &clen);
	secret_free(txt, strlen(txt));
	if (r != 0) {
		core_done(n, s);
		return r;
	}
	sqlite3_bind_blob(s, 1, ct, (int)clen, free);
	sqlite3_bind_int64(s, 2, g->id);
	sqlite3_bind_int64(s, 3, node_now_ms());
	return core_step(n, s);
}

const char *
grp_str(struct grp *g, const char *key)
{
	const char *s = json_string_value(json_object_get(g->st, key));

	return s != NULL ? s : "";
}

json_int_t
grp_int(struct grp *g, const char *key)
{
	return json_integer_value(json_object_get(g->st, key));
}

/* Our public key in this group (hex), or "" before we joined. */
static const char *
grp_me(struct grp *g)
{
	return grp_str(g, "pk");
}

/* The member [onion, pk] with this key (hex), or NULL. */
json_t *
grp_member_by_pk(struct grp *g, const char *pk)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(g->st, "members"), i, m)
		if (strcmp(json_string_value(json_array_get(m, 1)), pk) == 0)
			return m;
	return NULL;
}

/* Sign a body for this group as us: the item text, caller frees. */
char *
grp_sign(struct grp *g, json_t *body)
{
	crypto_sign_state cs;
	uint8_t sk[64], sig[64];
	char *b, *out;
	json_t *o;

	json_object_set_new(body, "g", json_string(grp_str(g, "gid")));
	b = json_dumps(body, JSON_COMPACT);
	grp_unhex(g->st, "sk", sk, sizeof sk);
	crypto_sign_init(&cs);
	crypto_sign_update(&cs, (const uint8_t *)"warren/1 group item ", 20);
	crypto_sign_update(&cs, (const uint8_t *)b, strlen(b));
	crypto_sign_final_create(&cs, sig, NULL, sk);
	sodium_memzero(sk, sizeof sk);
	o = json_pack("{s:s, s:s, s:s, s:o}", "g", grp_str(g, "gid"), "k",
	    grp_me(g), "b", b, "s", grp_hex(sig, sizeof sig));
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	secret_free(b, strlen(b));
	return out;
}

/* The item's de-duplication hash, keyed by the group's hk. */
static int
grp_item_hash(struct grp *g, const uint8_t sig[64], uint8_t out[32])
{
	uint8_t hk[32];

	if (grp_unhex(g->st, "hk", hk, sizeof hk) != 0)
		return ERR_PROTO;
	crypto_generichash(out, 32, sig, 64, hk, sizeof hk);
	sodium_memzero(hk, sizeof hk);
	return 0;
}

/* Whether we have seen the item: 1 yes, 0 no, or an ERR_*. */
static int
grp_seen(struct node *n, struct grp *g, const uint8_t sig[64])
{
	sqlite3_stmt *s;
	uint8_t h[32];
	int r;

	if ((r = grp_item_hash(g, sig, h)) != 0)
		return r;
	if ((s = core_prep(n, "SELECT 1 FROM group_items WHERE grp = ? AND "
	    "lookup = ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, g->id);
	sqlite3_bind_blob(s, 2, h, sizeof h, SQLITE_TRANSIENT);
	r = sqlite3_step(s) == SQLITE_ROW;
	core_done(n, s);
	return r;
}

/* Remember an item: pending (text sealed, src to exclude) or applied. */
int
grp_remember(struct node *n, struct grp *g, const uint8_t sig[64],
    const char *pending, int64_t src)
{
	sqlite3_stmt *s;
	uint8_t h[32], *ct = NULL;
	size_t clen = 0;
	int64_t id;
	int r;

	if ((r = grp_item_hash(g, sig, h)) != 0 ||
	    (r = core_next_id(n, "group_items", &id)) != 0)
		return r;
	if (pending != NULL && (r = store_seal(n->st, "group_items", "body",
	    id, pending, strlen(pending), &ct, &clen)) != 0)
		return r;
	if ((s = core_prep(n, "INSERT INTO group_items (id, grp, lookup, body, "
	    "src, time) VALUES (?, ?, ?, ?, ?, ?)")) == NULL) {
		free(ct);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, g->id);
	sqlite3_bind_blob(s, 3, h, sizeof h, SQLITE_TRANSIENT);
	if (ct != NULL)
		sqlite3_bind_blob(s, 4, ct, (int)clen, free);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int64(s, 5, src);
	sqlite3_bind_int64(s, 6, node_now_ms());
	return core_step(n, s);
}

/* A security event about a group. */
int
grp_alert(struct node *n, struct grp *g, const char *what, int64_t src)
{
	struct contact *c;

	for (c = n->contacts; c != NULL && c->id != src; c = c->next)
		;
	log_warn("group %lld: %s (via contact %lld)", (long long)g->id, what,
	    (long long)src);
	return event_emit(n, RPC_EV_SECURITY, json_pack("{s:s, s:I, s:s, "
	    "s:s?}", "alert", what, "group", (json_int_t)g->id, "name",
	    grp_str(g, "name"), "contact", c != NULL ? c->onion : NULL));
}

/*
 * Start a new sender chain for the roster's epoch and send its key to
 * every other member, each sealed to that member's key (inside node_txn).
 */
int
grp_rotate(struct node *n, struct grp *g)
{
	uint8_t ck[32], xpk[32], pk[32], box[32 + crypto_box_SEALBYTES];
	json_t *m, *body;
	const char *mpk;
	char *item;
	size_t i;
	int r = 0;

	randombytes_buf(ck, sizeof ck);
	json_object_set_new(g->st, "mv", json_integer(grp_int(g, "v")));
	json_object_set_new(g->st, "mck", grp_hex(ck, sizeof ck));
	json_object_set_new(g->st, "mpos", json_integer(grp_int(g, "seq")));
	json_array_foreach(json_object_get(g->st, "members"), i, m) {
		mpk = json_string_value(json_array_get(m, 1));
		if (strcmp(mpk, grp_me(g)) == 0)
			continue;
		if (sodium_hex2bin(pk, 32, mpk, 64, NULL, NULL, NULL) != 0 ||
		    crypto_sign_ed25519_pk_to_curve25519(xpk, pk) != 0)
			continue;	/* checked when the roster came */
		crypto_box_seal(box, ck, sizeof ck, xpk);
		body = json_pack("{s:s, s:I, s:s, s:I, s:o}", "t", "skey", "v",
		    grp_int(g, "v"), "to", mpk, "q", grp_int(g, "seq"), "box",
		    grp_hex(box, sizeof box));
		item = grp_sign(g, body);
		json_decref(body);
		r = grp_publish(n, g, item, NULL);
		free(item);
		if (r != 0)
			break;
	}
	sodium_memzero(ck, sizeof ck);
	return r;
}

/* An item of ours: remember it (never applied again) and flood it. */
int
grp_publish(struct node *n, struct grp *g, const char *item, json_t *extra)
{
	struct group_item it;
	int r;

	if ((r = group_item_parse(item, strlen(item), &it)) != 0)
		return r;	/* over GROUP_ITEM_MAX */
	r = grp_remember(n, g, it.sig, NULL, 0);
	group_item_free(&it);
	if (r != 0)
		return r;
	return grp_flood(n, g, item, 0, extra);
}

/* Check a roster body; fill members. 0 or ERR_PROTO. */
int
grp_roster_check(json_t *body, const uint8_t signer[32])
{
	json_t *m, *list = json_object_get(body, "m"), *name;
	uint8_t pk[32], c[32], xpk[32];
	char norm[ONION_LEN + 1];
	size_t i, j;
	int self = 0;

	name = json_object_get(body, "n");
	if (!json_is_integer(json_object_get(body, "v")) ||
	    json_integer_value(json_object_get(body, "v")) < 1 ||
	    !json_is_string(name) || json_string_length(name) == 0 ||
	    json_string_length(name) > GROUP_MAX_NAME ||
	    grp_unhex(body, "c", c, 32) != 0 || memcmp(c, signer, 32) != 0 ||
	    !json_is_array(list) || json_array_size(list) < 1 ||
	    json_array_size(list) > GROUP_MAX_MEMBERS)
		return ERR_PROTO;
	json_array_foreach(list, i, m) {
		if (!json_is_array(m) || json_array_size(m) != 2 ||
		    !json_is_string(json_array_get(m, 0)) ||
		    json_string_length(json_array_get(m, 0)) != ONION_LEN ||
		    onion_parse(json_string_value(json_array_get(m, 0)), pk,
		    norm) != 0 ||
		    strcmp(norm, json_string_value(json_array_get(m, 0))) != 0)
			return ERR_PROTO;
		if (!json_is_string(json_array_get(m, 1)) ||
		    json_string_length(json_array_get(m, 1)) != 64 ||
		    sodium_hex2bin(pk, 32, json_string_value(json_array_get(m,
		    1)), 64, NULL, NULL, NULL) != 0 ||
		    crypto_sign_ed25519_pk_to_curve25519(xpk, pk) != 0)
			return ERR_PROTO;
		if (memcmp(pk, signer, 32) == 0)
			self = 1;
		for (j = 0; j < i; j++)
			if (strcmp(json_string_value(json_array_get(
			    json_array_get(list, j), 0)), json_string_value(
			    json_array_get(m, 0))) == 0 ||
			    strcmp(json_string_value(json_array_get(
			    json_array_get(list, j), 1)), json_string_value(
			    json_array_get(m, 1))) == 0)
				return ERR_PROTO;
	}
	return self ? 0 : ERR_PROTO;
}

/* Whether an onion is in a member list. */
static int
in_members(json_t *list, const char *onion)
{
	json_t *m;
	size_t i;

	json_array_foreach(list, i, m)
		if (strcmp(json_string_value(json_array_get(m, 0)), onion) == 0)
			return 1;
	return 0;
}

/*
 * Take a newer roster (verified, signed by the creator): members, name,
 * epoch; our status follows; a new epoch gets a new sender chain.
 */
int
grp_take_roster(struct node *n, struct grp *g, const char *item,
    json_t *body)
{
	json_t *old = json_incref(json_object_get(g->st, "members"));
	const char *me = node_onion(n), *status = grp_str(g, "status");
	json_t *m;
	size_t i;
	int r = 0, was = strcmp(status, "member") == 0;

	json_object_set(g->st, "members", json_object_get(body, "m"));
	json_object_set(g->st, "name", json_object_get(body, "n"));
	json_object_set(g->st, "v", json_object_get(body, "v"));
	json_object_set_new(g->st, "roster", json_string(item));
	if (in_members(json_object_get(body, "m"), me) &&
	    grp_member_by_pk(g, grp_me(g)) != NULL) {
		if (!was)
			json_object_set_new(g->st, "status",
			    json_string("member"));
		if ((r = grp_rotate(n, g)) != 0)
			goto out;
		if (!was)
			r = event_emit(n, RPC_EV_GROUP_JOINED, json_pack(
			    "{s:I, s:s}", "group", (json_int_t)g->id, "name",
			    grp_str(g, "name")));
	} else if (was) {
		json_object_set_new(g->st, "status", json_string("removed"));
		json_object_del(g->st, "mck");
		r = event_emit(n, RPC_EV_GROUP_REMOVED, json_pack("{s:I, s:s}",
		    "group", (json_int_t)g->id, "name", grp_str(g, "name")));
	}
	if (r == 0)
		r = event_emit(n, RPC_EV_GROUP_MEMBERS, json_pack("{s:I, s:s, "
		    "s:I, s:I}", "group", (json_int_t)g->id, "name",
		    grp_str(g, "name"), "members", (json_int_t)json_array_size(
		    json_object_get(body, "m")), "epoch", grp_int(g, "v")));
	/* Who left the roster still hears of it (from whoever they know). */
	json_array_foreach(old, i, m)
		if (!in_members(json_object_get(body, "m"),
		    json_string_value(json_array_get(m, 0))))
			json_array_append(g->gone, json_array_get(m, 0));
out:
	json_decref(old);
	return r;
}

/* Forget an author's chains of epochs older than the ones kept. */
static void
grp_prune_epochs(struct grp *g, json_t *eps)
{
	const char *k;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(eps, tmp, k, v)
		if (strtoll(k, NULL, 10) < grp_int(g, "v") - GROUP_KEEP_EPOCHS)
			json_object_del(eps, k);
}

/* A sender key for us: open the box and keep the chain. */
static int
grp_take_skey(struct grp *g, const struct group_item *it)
{
	uint8_t sk[64], xsk[32], xpk[32], pk[32], box[32 + crypto_box_SEALBYTES];
	uint8_t ck[32];
	json_t *chains, *ch, *ep;
	char author[65], v[24];
	json_int_t q = json_integer_value(json_object_get(it->body, "q"));
	int r = ERR_AUTH;

	json_int_t ev = json_integer_value(json_object_get(it->body, "v"));

	if (grp_unhex(it->body, "box", box, sizeof box) != 0 || q < 0 ||
	    q > GROUP_MAX_SEQ)
		return ERR_PROTO;
	if (ev > grp_int(g, "v"))
		return 1;	/* its roster has not reached us yet */
	if (ev < grp_int(g, "v") - GROUP_KEEP_EPOCHS)
		return 0;	/* too old to matter */
	grp_unhex(g->st, "sk", sk, sizeof sk);
	grp_unhex(g->st, "pk", pk, sizeof pk);
	if (crypto_sign_ed25519_sk_to_curve25519(xsk, sk) != 0 ||
	    crypto_sign_ed25519_pk_to_curve25519(xpk, pk) != 0 ||
	    crypto_box_seal_open(ck, box, sizeof box, xpk, xsk) != 0)
		goto out;
	sodium_bin2hex(author, sizeof author, it->signer, 32);
	snprintf(v, sizeof v, "%lld", (long long)json_integer_value(
	    json_object_get(it->body, "v")));
	if ((chains = json_object_get(g->st, "chains")) == NULL) {
		chains = json_object();
		json_object_set_new(g->st, "chains", chains);
	}
	if ((ch = json_object_get(chains, author)) == NULL) {
		ch = json_pack("{s:I, s:{}}", "next", q, "e");
		json_object_set_new(chains, author, ch);
	}
	if (json_object_get(json_object_get(ch, "e"), v) != NULL) {
		r = 0;		/* that epoch's key is set once */
		goto out;
	}
	grp_prune_epochs(g, json_object_get(ch, "e"));
	ep = json_pack("{s:o, s:I}", "ck", grp_hex(ck, sizeof ck), "pos", q);
	json_object_set_new(json_object_get(ch, "e"), v, ep);
	r = 0;
out:
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(xsk, sizeof xsk);
	sodium_memzero(ck, sizeof ck);
	return r;
}

/*
 * Apply one verified item: 0 applied, 1 not yet (keep it pending), or an
 * error (ERR_PROTO/ERR_AUTH: drop it).
 */
static int
grp_apply(struct node *n, struct grp *g, struct group_item *it,
    const char *text)
{
	char signer[65];
	json_int_t v;

	sodium_bin2hex(signer, sizeof signer, it->signer, 32);
	if (strcmp(it->type, "roster") == 0) {
		if (strcmp(signer, grp_str(g, "creator")) != 0 ||
		    grp_roster_check(it->body, it->signer) != 0)
			return ERR_AUTH;
		v = json_integer_value(json_object_get(it->body, "v"));
		if (v <= grp_int(g, "v"))
			return 0;	/* older: nothing to do */
		return grp_take_roster(n, g, text, it->body);
	}
	if (grp_member_by_pk(g, signer) == NULL)
		return 1;	/* a roster we have not seen yet */
	if (strcmp(it->type, "skey") == 0) {
		if (!json_is_integer(json_object_get(it->body, "v")) ||
		    !json_is_integer(json_object_get(it->body, "q")) ||
		    !json_is_string(json_object_get(it->body, "to")))
			return ERR_PROTO;
		if (strcmp(json_string_value(json_object_get(it->body, "to")),
		    grp_me(g)) != 0)
			return 0;	/* for someone else: only relayed */
		return grp_take_skey(g, it);
	}
	if (strcmp(it->type, "msg") == 0)
		return grp_take_msg(n, g, it, signer);
	if (strcmp(it->type, "leave") == 0)
		return grp_take_leave(n, g, signer);
	return 0;	/* a type from the future: relay only */
}

/*
 * An item from contact src (0: retried from the store): check it, apply
 * it or keep it pending, and pass it on. Inside node_txn.
 */
static int
grp_on_item(struct node *n, struct grp *g, const char *text, int64_t src,
    int fresh)
{
	struct group_item it;
	int r, a;

	if ((r = group_item_parse(text, strlen(text), &it)) != 0) {
		log_info("group %lld: malformed item from contact %lld",
		    (long long)g->id, (long long)src);
		return 0;
	}
	if (fresh && (r = grp_seen(n, g, it.sig)) != 0) {
		group_item_free(&it);
		return r < 0 ? r : 0;
	}
	if (group_item_verify(&it) != 0) {
		r = grp_alert(n, g, "group item with a bad signature dropped "
		    "(altered on the way)", src);
		group_item_free(&it);
		return r;
	}
	if (!fresh && (r = grp_forget(n, g, it.sig)) != 0)
		goto out;
	a = grp_apply(n, g, &it, text);
	if (a < 0 && a != ERR_AUTH && a != ERR_PROTO) {
		r = a;
		goto out;
	}
	if (a < 0) {
		r = grp_alert(n, g, "group item refused (not allowed or "
		    "malformed)", src);
		if (r == 0)
			r = grp_remember(n, g, it.sig, NULL, src);
		goto out;
	}
	if (a == 1) {
		if (grp_pending_count(n, g) >= GROUP_MAX_PENDING) {
			log_warn("group %lld: too many items waiting; one "
			    "dropped", (long long)g->id);
			r = 0;
			goto out;
		}
		r = grp_remember(n, g, it.sig, text, src);
		goto out;
	}
	if ((r = grp_remember(n, g, it.sig, NULL, src)) != 0 ||
	    (r = grp_flood(n, g, text, src, g->gone)) != 0)
		goto out;
	g->progress = 1;
out:
	group_item_free(&it);
	return r;
}

/* Apply what waited, until a round applies nothing more. */
static int
grp_retry(struct node *n, struct grp *g)
{
	char *text;
	int64_t src, cursor, limit;
	int r, rounds;

	for (rounds = 0; g->progress && rounds < GROUP_MAX_PENDING; rounds++) {
		g->progress = 0;
		cursor = 0;
		if ((r = grp_pending_last(n, g, &limit)) != 0)
			return r;
		while ((r = grp_pending_next(n, g, &cursor, limit, &text,
		    &src)) == 0) {
			r = grp_on_item(n, g, text, src, 0);
			secret_free(text, strlen(text));
			if (r != 0)
				return r;
		}
		if (r != ERR_NOTFOUND)
			return r;
	}
	return 0;
}

/* PLAIN_GROUP_ITEM from contact c. */
static int
groups_on_item(struct node *n, struct contact *c, const char *body)
{
	struct group_item it;
	struct grp *g = NULL;
	char gid[65];
	int r;

	if (group_item_parse(body, strlen(body), &it) != 0) {
		log_info("contact %lld: malformed group item", (long long)c->id);
		return 0;
	}
	sodium_bin2hex(gid, sizeof gid, it.gid, 32);
	group_item_free(&it);
	if ((r = grp_find_gid(n, gid, &g)) != 0)
		return r == ERR_NOTFOUND ? 0 : r;	/* not ours */
	r = 0;
	if (strcmp(grp_str(g, "status"), "member") != 0 &&
	    strcmp(grp_str(g, "status"), "joining") != 0)
		goto out;
	g->gone = json_array();
	if ((r = grp_on_item(n, g, body, c->id, 1)) == 0 &&
	    (r = grp_retry(n, g)) == 0)
		r = grp_save(n, g);
out:
	if (g != NULL)
		json_decref(g->gone);
	grp_free(g);
	return r;
}

/* Apply our own new roster (creator): take it, rotate, flood. */
int
grp_publish_roster(struct node *n, struct grp *g, json_t *body)
{
	struct group_item it;
	char *item;
	int r;

	json_t *outer_gone = g->gone;

	json_object_set_new(body, "t", json_string("roster"));
	item = grp_sign(g, body);
	if ((r = group_item_parse(item, strlen(item), &it)) != 0)
		goto out;
	g->gone = json_array();
	if ((r = grp_remember(n, g, it.sig, NULL, 0)) == 0 &&
	    (r = grp_take_roster(n, g, item, it.body)) == 0 &&
	    (r = grp_flood(n, g, item, 0, g->gone)) == 0)
		r = grp_save(n, g);
	json_decref(g->gone);
	g->gone = outer_gone;
	group_item_free(&it);
out:
	free(item);
	return r;
}

/* Plaintext kinds PLAIN_GROUP_* from contact c (inside node_txn). */
int
groups_on_plain(struct node *n, struct contact *c, int kind,
    const char *body)
{
	switch (kind) {
	case PLAIN_GROUP_INVITE:
		return groups_on_invite(n, c, body);
	case PLAIN_GROUP_JOIN:
		return groups_on_join(n, c, body);
	case PLAIN_GROUP_ITEM:
		return groups_on_item(n, c, body);
	}
	return 0;
}
