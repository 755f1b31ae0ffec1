/*
 * group_msg.c -- group messages (sender chains), pending items, and the
 * invitation handshake (PLAIN_GROUP_INVITE, PLAIN_GROUP_JOIN).
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
#include "util/utf8.h"
#include "util/xmalloc.h"

#define GROUP_MAX_SKIP		1000	/* chain steps to catch up */
#define GROUP_MAX_INVITES	100	/* invitations waiting */

/* Delete an item row (it is applied again and re-remembered). */
int
grp_forget(struct node *n, struct grp *g, const uint8_t sig[64])
{
	sqlite3_stmt *s;
	uint8_t hk[32], h[32];

	if (grp_unhex(g->st, "hk", hk, sizeof hk) != 0)
		return ERR_PROTO;
	crypto_generichash(h, 32, sig, 64, hk, sizeof hk);
	if ((s = core_prep(n, "DELETE FROM group_items WHERE grp = ? AND "
	    "lookup = ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, g->id);
	sqlite3_bind_blob(s, 2, h, sizeof h, SQLITE_TRANSIENT);
	return core_step(n, s);
}

/* One integer from a query bound to the group id. */
static int
grp_query_int(struct node *n, struct grp *g, const char *sql, int64_t *v)
{
	sqlite3_stmt *s;

	if ((s = core_prep(n, sql)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, g->id);
	*v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	core_done(n, s);
	return 0;
}

int
grp_pending_count(struct node *n, struct grp *g)
{
	int64_t v = 0;

	grp_query_int(n, g, "SELECT COUNT(*) FROM group_items WHERE grp = ? "
	    "AND body IS NOT NULL", &v);
	return (int)v;
}

int
grp_pending_last(struct node *n, struct grp *g, int64_t *last)
{
	return grp_query_int(n, g, "SELECT COALESCE(MAX(id), 0) FROM "
	    "group_items WHERE grp = ?", last);
}

int
grp_pending_next(struct node *n, struct grp *g, int64_t *cursor,
    int64_t limit, char **text, int64_t *src)
{
	sqlite3_stmt *s;
	uint8_t *pt;
	size_t plen;
	int r = ERR_NOTFOUND;

	if ((s = core_prep(n, "SELECT id, body, src FROM group_items WHERE "
	    "grp = ? AND body IS NOT NULL AND id > ? AND id <= ? ORDER BY id "
	    "LIMIT 1")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, g->id);
	sqlite3_bind_int64(s, 2, *cursor);
	sqlite3_bind_int64(s, 3, limit);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*cursor = sqlite3_column_int64(s, 0);
		*src = sqlite3_column_int64(s, 2);
		r = store_unseal(n->st, "group_items", "body", *cursor,
		    sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1), &pt, &plen);
		if (r == 0)
			*text = (char *)pt;	/* NUL-terminated */
	}
	core_done(n, s);
	return r;
}

/* The additional data of a message: what it claims to be. */
static void
msg_ad(char *ad, size_t n, struct grp *g, const char *author, json_int_t v,
    json_int_t q)
{
	snprintf(ad, n, "warren/1 group msg %s %s %lld %lld",
	    grp_str(g, "gid"), author, (long long)v, (long long)q);
}

/* Store a history row (sealed) and bump unread for theirs. */
static int
grp_msg_store(struct node *n, struct grp *g, json_t *m, json_int_t lamport,
    int mine, int64_t *row)
{
	sqlite3_stmt *s;
	uint8_t *ct;
	size_t clen;
	char *txt;
	int64_t id;
	int r;

	if ((r = core_next_id(n, "group_msgs", &id)) != 0)
		return r;
	txt = json_dumps(m, JSON_COMPACT);
	r = store_seal(n->st, "group_msgs", "body", id, txt, strlen(txt), &ct,
	    &clen);
	secret_free(txt, strlen(txt));
	if (r != 0)
		return r;
	if ((s = core_prep(n, "INSERT INTO group_msgs (id, grp, lamport, body, "
	    "time) VALUES (?, ?, ?, ?, ?)")) == NULL) {
		free(ct);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, g->id);
	sqlite3_bind_int64(s, 3, lamport);
	sqlite3_bind_blob(s, 4, ct, (int)clen, free);
	sqlite3_bind_int64(s, 5, node_now_ms());
	if ((r = core_step(n, s)) != 0)
		return r;
	*row = id;
	if (mine)
		return 0;
	if ((s = core_prep(n, "UPDATE groups SET unread = unread + 1 WHERE "
	    "id = ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, g->id);
	return core_step(n, s);
}

/* Raise our Lamport clock to at least l. */
static void
grp_clock(struct grp *g, json_int_t l)
{
	if (l > grp_int(g, "lam"))
		json_object_set_new(g->st, "lam", json_integer(l));
}

/* Open a message with the author's chain; 1 if it must wait. */
static int
grp_open(struct grp *g, struct group_item *it, const char *signer,
    json_t **pt)
{
	json_t *ch, *ep, *b = it->body;
	json_int_t v, q, pos;
	uint8_t ck[32], mk[32], nonce[24], *ct = NULL, *out = NULL;
	const char *c64;
	char ad[256], key[24];
	size_t ctlen, olen = 0;
	unsigned long long mlen;
	json_error_t je;
	int r = 1;

	*pt = NULL;
	if (!json_is_integer(json_object_get(b, "v")) ||
	    !json_is_integer(json_object_get(b, "q")) ||
	    !json_is_integer(json_object_get(b, "l")) ||
	    json_integer_value(json_object_get(b, "l")) < 0 ||
	    json_integer_value(json_object_get(b, "l")) > GROUP_MAX_SEQ ||
	    json_integer_value(json_object_get(b, "q")) < 0 ||
	    json_integer_value(json_object_get(b, "q")) > GROUP_MAX_SEQ ||
	    grp_unhex(b, "n", nonce, sizeof nonce) != 0 ||
	    !json_is_string(json_object_get(b, "c")))
		return ERR_PROTO;
	v = json_integer_value(json_object_get(b, "v"));
	q = json_integer_value(json_object_get(b, "q"));
	ch = json_object_get(json_object_get(g->st, "chains"), signer);
	if (ch == NULL)
		return 1;		/* no sender key yet */
	if (q < json_integer_value(json_object_get(ch, "next")))
		return 2;		/* an old one: shown already */
	if (q > json_integer_value(json_object_get(ch, "next")))
		return 1;		/* an earlier one is missing */
	snprintf(key, sizeof key, "%lld", (long long)v);
	if ((ep = json_object_get(json_object_get(ch, "e"), key)) == NULL)
		return 1;
	pos = json_integer_value(json_object_get(ep, "pos"));
	if (pos > q || q - pos > GROUP_MAX_SKIP ||
	    grp_unhex(ep, "ck", ck, sizeof ck) != 0)
		return ERR_PROTO;
	for (; pos <= q; pos++)
		group_chain_step(ck, mk);
	c64 = json_string_value(json_object_get(b, "c"));
	ctlen = strlen(c64);
	ct = xmalloc(ctlen + 1);
	out = xmalloc(ctlen + 1);
	if (sodium_base642bin(ct, ctlen, c64, ctlen, NULL, &ctlen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    ctlen < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
		r = ERR_PROTO;
		goto out;
	}
	msg_ad(ad, sizeof ad, g, signer, v, q);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL, ct,
	    ctlen, (uint8_t *)ad, strlen(ad), nonce, mk) != 0) {
		r = ERR_AUTH;
		goto out;
	}
	olen = (size_t)mlen;
	*pt = json_loadb((char *)out, olen, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(*pt) ||
	    !json_is_string(json_object_get(*pt, "x")) ||
	    json_string_length(json_object_get(*pt, "x")) > GROUP_MAX_TEXT ||
	    utf8_check(json_string_value(json_object_get(*pt, "x")),
	    json_string_length(json_object_get(*pt, "x")), 1) != 0 ||
	    !json_is_integer(json_object_get(*pt, "w"))) {
		json_decref(*pt);
		*pt = NULL;
		r = ERR_PROTO;
		goto out;
	}
	json_object_set_new(ep, "ck", grp_hex(ck, sizeof ck));
	json_object_set_new(ep, "pos", json_integer(q + 1));
	json_object_set_new(ch, "next", json_integer(q + 1));
	r = 0;
out:
	sodium_memzero(ck, sizeof ck);
	sodium_memzero(mk, sizeof mk);
	if (out != NULL)
		sodium_memzero(out, ctlen);
	free(out);
	free(ct);
	return r;
}

/* A member's message: decrypt in per-author order, store, tell. */
int
grp_take_msg(struct node *n, struct grp *g, struct group_item *it,
    const char *signer)
{
	json_t *pt, *m, *member = grp_member_by_pk(g, signer);
	const char *onion = json_string_value(json_array_get(member, 0));
	struct contact *c = contact_by_onion(n, onion);
	json_int_t q = json_integer_value(json_object_get(it->body, "q"));
	json_int_t l = json_integer_value(json_object_get(it->body, "l"));
	int64_t row;
	int r;

	if (strcmp(signer, grp_str(g, "pk")) == 0)
		return 0;	/* ours, back again */
	if ((r = grp_open(g, it, signer, &pt)) != 0)
		return r == 2 ? 0 : r;
	grp_clock(g, l);
	m = json_pack("{s:s, s:s, s:I, s:O, s:O, s:b}", "a", onion, "k",
	    signer, "q", q, "x", json_object_get(pt, "x"), "w",
	    json_object_get(pt, "w"), "mine", 0);
	r = grp_msg_store(n, g, m, l, 0, &row);
	json_decref(m);
	if (r == 0)
		r = event_emit(n, RPC_EV_GROUP_MESSAGE, json_pack("{s:I, s:s, "
		    "s:I, s:s, s:s?, s:O, s:I, s:I, s:O}", "group",
		    (json_int_t)g->id, "name", grp_str(g, "name"), "message",
		    (json_int_t)row, "author", onion, "author_name",
		    c != NULL ? c->name : NULL, "text", json_object_get(pt, "x"),
		    "seq", q, "lamport", l, "sent", json_object_get(pt, "w")));
	json_decref(pt);
	return r;
}

/* Encrypt and publish our message. */
int
grp_send_msg(struct node *n, struct grp *g, const char *text, int64_t *row)
{
	uint8_t ck[32], mk[32], nonce[24], *ct;
	json_int_t seq = grp_int(g, "seq"), lam = grp_int(g, "lam") + 1;
	json_int_t v = grp_int(g, "mv");
	json_t *pt, *body, *m;
	char *ptxt, *item = NULL, *c64 = NULL, ad[256];
	size_t ptlen, ctlen;
	int r;

	if (grp_unhex(g->st, "mck", ck, sizeof ck) != 0)
		return ERR_STATE;
	if (grp_int(g, "mpos") != seq)
		return ERR_STATE;
	group_chain_step(ck, mk);
	pt = json_pack("{s:s, s:I}", "x", text, "w", (json_int_t)node_now_ms());
	ptxt = json_dumps(pt, JSON_COMPACT);
	json_decref(pt);
	ptlen = strlen(ptxt);
	ctlen = ptlen + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	ct = xmalloc(ctlen);
	randombytes_buf(nonce, sizeof nonce);
	msg_ad(ad, sizeof ad, g, grp_str(g, "pk"), v, seq);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, (uint8_t *)ptxt,
	    ptlen, (uint8_t *)ad, strlen(ad), NULL, nonce, mk);
	secret_free(ptxt, strlen(ptxt));
	sodium_memzero(mk, sizeof mk);
	c64 = xmalloc(sodium_base64_ENCODED_LEN(ctlen,
	    sodium_base64_VARIANT_ORIGINAL));
	sodium_bin2base64(c64, sodium_base64_ENCODED_LEN(ctlen,
	    sodium_base64_VARIANT_ORIGINAL), ct, ctlen,
	    sodium_base64_VARIANT_ORIGINAL);
	free(ct);
	body = json_pack("{s:s, s:I, s:I, s:I, s:o, s:s}", "t", "msg", "v", v,
	    "q", seq, "l", lam, "n", grp_hex(nonce, sizeof nonce), "c", c64);
	free(c64);
	item = grp_sign(g, body);
	json_decref(body);
	if (strlen(item) > GROUP_ITEM_MAX) {
		r = ERR_TOOBIG;
		goto out;
	}
	json_object_set_new(g->st, "mck", grp_hex(ck, sizeof ck));
	json_object_set_new(g->st, "mpos", json_integer(seq + 1));
	json_object_set_new(g->st, "seq", json_integer(seq + 1));
	json_object_set_new(g->st, "lam", json_integer(lam));
	m = json_pack("{s:s, s:s, s:I, s:s, s:I, s:b}", "a", node_onion(n),
	    "k", grp_str(g, "pk"), "q", seq, "x", text, "w",
	    (json_int_t)node_now_ms(), "mine", 1);
	r = grp_msg_store(n, g, m, lam, 1, row);
	json_decref(m);
	if (r == 0)
		r = grp_publish(n, g, item, NULL);
out:
	sodium_memzero(ck, sizeof ck);
	free(item);
	return r;
}

/* A member leaves: the creator drops them (a new roster, new keys). */
int
grp_take_leave(struct node *n, struct grp *g, const char *signer)
{
	json_t *body, *list, *m;
	size_t i;
	int r;

	if (strcmp(grp_str(g, "creator"), grp_str(g, "pk")) != 0 ||
	    strcmp(signer, grp_str(g, "pk")) == 0)
		return 0;
	list = json_array();
	json_array_foreach(json_object_get(g->st, "members"), i, m)
		if (strcmp(json_string_value(json_array_get(m, 1)), signer) != 0)
			json_array_append(list, m);
	body = json_pack("{s:I, s:s, s:s, s:o}", "v", grp_int(g, "v") + 1, "n",
	    grp_str(g, "name"), "c", grp_str(g, "creator"), "m", list);
	r = grp_publish_roster(n, g, body);
	json_decref(body);
	return r;
}

/* How many invitations wait. */
static int
invites_cb(struct node *n, struct grp **g, void *arg)
{
	(void)n;
	if (strcmp(grp_str(*g, "status"), "invited") == 0)
		(*(int *)arg)++;
	return 0;
}

/* PLAIN_GROUP_INVITE: the group's signed roster, from a contact. */
int
groups_on_invite(struct node *n, struct contact *c, const char *body)
{
	struct group_item it;
	struct grp *g = NULL;
	uint8_t hk[32];
	char gid[65], creator[65];
	int r, waiting = 0;

	if (group_item_parse(body, strlen(body), &it) != 0 ||
	    strcmp(it.type, "roster") != 0 || group_item_verify(&it) != 0 ||
	    grp_roster_check(it.body, it.signer) != 0) {
		log_info("contact %lld: invalid group invitation",
		    (long long)c->id);
		if (it.outer != NULL)
			group_item_free(&it);
		return 0;
	}
	sodium_bin2hex(gid, sizeof gid, it.gid, 32);
	sodium_bin2hex(creator, sizeof creator, it.signer, 32);
	r = grp_find_gid(n, gid, &g);
	if (r == 0 && (strcmp(grp_str(g, "status"), "member") == 0 ||
	    strcmp(grp_str(g, "creator"), creator) != 0)) {
		log_info("contact %lld: invitation to a group we know; "
		    "ignored", (long long)c->id);
		r = 0;
		goto out;	/* in it already, or not that group's creator */
	}
	if (r != 0 && r != ERR_NOTFOUND)
		goto out;
	if (r == ERR_NOTFOUND) {
		if ((r = grp_each(n, invites_cb, &waiting)) != 0)
			goto out;
		if (waiting >= GROUP_MAX_INVITES) {
			log_warn("contact %lld: group invitation dropped (too "
			    "many waiting)", (long long)c->id);
			r = 0;
			goto out;
		}
		g = xcalloc(1, sizeof *g);
		g->st = json_object();
		randombytes_buf(hk, sizeof hk);
		json_object_set_new(g->st, "hk", grp_hex(hk, sizeof hk));
		json_object_set_new(g->st, "gid", json_string(gid));
		json_object_set_new(g->st, "seq", json_integer(0));
		json_object_set_new(g->st, "lam", json_integer(0));
	}
	json_object_set_new(g->st, "status", json_string("invited"));
	json_object_set_new(g->st, "creator", json_string(creator));
	json_object_set_new(g->st, "inviter", json_integer(c->id));
	json_object_set(g->st, "members", json_object_get(it.body, "m"));
	json_object_set(g->st, "name", json_object_get(it.body, "n"));
	json_object_set(g->st, "v", json_object_get(it.body, "v"));
	json_object_set_new(g->st, "roster", json_string(body));
	if ((r = grp_save(n, g)) == 0)
		r = event_emit(n, RPC_EV_GROUP_INVITE, json_pack("{s:I, s:s, "
		    "s:s, s:s?, s:I}", "group", (json_int_t)g->id, "name",
		    grp_str(g, "name"), "from", c->onion, "from_name", c->name,
		    "members", (json_int_t)json_array_size(json_object_get(g->st,
		    "members"))));
out:
	grp_free(g);
	group_item_free(&it);
	return r;
}

/* PLAIN_GROUP_JOIN {g, k}: an invited contact accepted (we created it). */
int
groups_on_join(struct node *n, struct contact *c, const char *body)
{
	json_error_t je;
	json_t *j, *inv, *list, *body2;
	struct grp *g = NULL;
	uint8_t pk[32], xpk[32];
	size_t i;
	int r = 0, found = -1;

	j = json_loads(body, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_string(json_object_get(j, "g")) ||
	    grp_unhex(j, "k", pk, sizeof pk) != 0 ||
	    crypto_sign_ed25519_pk_to_curve25519(xpk, pk) != 0)
		goto out;
	if ((r = grp_find_gid(n, json_string_value(json_object_get(j, "g")),
	    &g)) != 0) {
		r = r == ERR_NOTFOUND ? 0 : r;
		goto out;
	}
	inv = json_object_get(g->st, "invited");
	json_array_foreach(inv, i, list)
		if (strcmp(json_string_value(list), c->onion) == 0)
			found = (int)i;
	if (found < 0 || strcmp(grp_str(g, "status"), "member") != 0 ||
	    strcmp(grp_str(g, "creator"), grp_str(g, "pk")) != 0 ||
	    json_array_size(json_object_get(g->st, "members")) >=
	    GROUP_MAX_MEMBERS || grp_member_by_pk(g,
	    json_string_value(json_object_get(j, "k"))) != NULL) {
		log_info("contact %lld: group join not expected; ignored",
		    (long long)c->id);
		goto out;
	}
	json_array_remove(inv, (size_t)found);
	list = json_deep_copy(json_object_get(g->st, "members"));
	json_array_append_new(list, json_pack("[s, O]", c->onion,
	    json_object_get(j, "k")));
	body2 = json_pack("{s:I, s:s, s:s, s:o}", "v", grp_int(g, "v") + 1,
	    "n", grp_str(g, "name"), "c", grp_str(g, "creator"), "m", list);
	r = grp_publish_roster(n, g, body2);
	json_decref(body2);
out:
	json_decref(j);
	grp_free(g);
	return r;
}
