/*
 * api_groups.c -- groups.*: create, invite, accept, decline, send, log,
 * members, leave, remove, rename, list. Membership changes are the
 * creator's (it signs the roster); every member can send.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/api.h"
#include "core/api_groups.h"
#include "core/core.h"
#include "core/groups.h"
#include "core/node.h"
#include "core/groups_int.h"
#include "core/plain.h"
#include "store/store.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* A storage failure as an API error. */
static int
grp_dbfail(struct api_err *err, int r)
{
	return api_fail(err, API_E_INTERNAL, "storage failed: %s", err_str(r));
}

struct select {
	const char *want;
	int64_t num;
	struct grp *found;
	int matches;
};

static int
select_cb(struct node *n, struct grp **g, void *arg)
{
	struct select *s = arg;

	(void)n;
	if ((*g)->id != s->num && strcmp(grp_str(*g, "name"), s->want) != 0)
		return 0;
	if ((*g)->id == s->num) {	/* a number wins over names */
		grp_free(s->found);
		s->found = *g;
		*g = NULL;
		s->matches = 1;
		return 1;
	}
	s->matches++;
	if (s->found == NULL) {
		s->found = *g;
		*g = NULL;
	}
	return 0;
}

/* Find GROUP (its number or unique name) or fail. */
static struct grp *
grp_select(struct node *n, const char *want, struct api_err *err)
{
	struct select s = { want, -1, NULL, 0 };
	char *end;
	long long v;
	int r;

	v = strtoll(want, &end, 10);
	if (*want != '\0' && *end == '\0' && v > 0)
		s.num = v;
	if ((r = grp_each(n, select_cb, &s)) != 0) {
		grp_free(s.found);
		grp_dbfail(err, r);
		return NULL;
	}
	if (s.matches > 1) {
		grp_free(s.found);
		api_fail(err, API_E_AMBIGUOUS, "several groups are called "
		    "\"%.64s\"; give its number ('warren groups')", want);
		return NULL;
	}
	if (s.found == NULL)
		api_fail(err, API_E_NO_CONTACT, "no group \"%.64s\"; 'warren "
		    "groups' lists them", want);
	return s.found;
}

/* The name must be 1..GROUP_MAX_NAME bytes of text on one line. */
static int
check_name(const char *name, struct api_err *err)
{
	if (name[0] == '\0' || strlen(name) > GROUP_MAX_NAME)
		return api_fail(err, API_E_TOO_LONG, "a group name is 1 to %d "
		    "bytes", GROUP_MAX_NAME);
	if (utf8_check(name, strlen(name), 0) != 0)
		return api_fail(err, API_E_BAD_TEXT, "a group name must be "
		    "UTF-8 text on one line");
	return 0;
}

static int
is_creator(struct grp *g)
{
	return strcmp(grp_str(g, "creator"), grp_str(g, "pk")) == 0 &&
	    grp_str(g, "pk")[0] != '\0';
}

/* Fail unless we are a member (and, if creator, the creator). */
static int
need_member(struct grp *g, int creator, struct api_err *err)
{
	if (strcmp(grp_str(g, "status"), "member") != 0)
		return api_fail(err, API_E_STATE, "you are not a member of "
		    "group %lld (%s)", (long long)g->id, grp_str(g, "status"));
	if (creator && !is_creator(g))
		return api_fail(err, API_E_STATE, "only the group's creator "
		    "changes its members and name");
	return 0;
}

/* A group as the API shows it. */
static json_t *
grp_json(struct node *n, struct grp *g)
{
	sqlite3_stmt *s;
	json_int_t unread = 0;

	if ((s = core_prep(n, "SELECT unread FROM groups WHERE id = ?")) !=
	    NULL) {
		sqlite3_bind_int64(s, 1, g->id);
		if (sqlite3_step(s) == SQLITE_ROW)
			unread = sqlite3_column_int64(s, 0);
		core_done(n, s);
	}
	return json_pack("{s:I, s:s, s:s, s:I, s:I, s:b, s:I}", "group",
	    (json_int_t)g->id, "name", grp_str(g, "name"), "status",
	    grp_str(g, "status"), "members", (json_int_t)json_array_size(
	    json_object_get(g->st, "members")), "unread", unread, "creator",
	    is_creator(g), "epoch", grp_int(g, "v"));
}

/* A fresh per-group key pair into the state. */
static void
grp_keys(struct grp *g)
{
	uint8_t pk[32], sk[64];

	crypto_sign_keypair(pk, sk);
	json_object_set_new(g->st, "pk", grp_hex(pk, sizeof pk));
	json_object_set_new(g->st, "sk", grp_hex(sk, sizeof sk));
	sodium_memzero(sk, sizeof sk);
}

int
api_group_create(struct node *n, const char *name, json_t **res,
    struct api_err *err)
{
	struct grp *g;
	uint8_t gid[32], hk[32];
	json_t *body;
	int r;

	if (check_name(name, err) != 0)
		return -1;
	g = xcalloc(1, sizeof *g);
	g->st = json_object();
	randombytes_buf(gid, sizeof gid);
	randombytes_buf(hk, sizeof hk);
	json_object_set_new(g->st, "gid", grp_hex(gid, sizeof gid));
	json_object_set_new(g->st, "hk", grp_hex(hk, sizeof hk));
	json_object_set_new(g->st, "status", json_string("creating"));
	json_object_set_new(g->st, "name", json_string(name));
	json_object_set_new(g->st, "v", json_integer(0));
	json_object_set_new(g->st, "seq", json_integer(0));
	json_object_set_new(g->st, "lam", json_integer(0));
	json_object_set_new(g->st, "invited", json_array());
	grp_keys(g);
	json_object_set(g->st, "creator", json_object_get(g->st, "pk"));
	body = json_pack("{s:I, s:s, s:s, s:[[s, s]]}", "v", (json_int_t)1,
	    "n", name, "c", grp_str(g, "pk"), "m", node_onion(n),
	    grp_str(g, "pk"));
	if ((r = grp_save(n, g)) == 0)
		r = grp_publish_roster(n, g, body);
	json_decref(body);
	if (r != 0) {
		grp_free(g);
		return grp_dbfail(err, r);
	}
	*res = grp_json(n, g);
	grp_free(g);
	return 0;
}

static int
list_cb(struct node *n, struct grp **g, void *arg)
{
	if (strcmp(grp_str(*g, "status"), "declined") != 0)
		json_array_append_new(arg, grp_json(n, *g));
	return 0;
}

int
api_group_list(struct node *n, json_t **res, struct api_err *err)
{
	json_t *a = json_array();
	int r;

	if ((r = grp_each(n, list_cb, a)) != 0) {
		json_decref(a);
		return grp_dbfail(err, r);
	}
	*res = json_pack("{s:o}", "groups", a);
	return 0;
}

int
api_group_invite(struct node *n, const char *grp, const char *who,
    json_t **res, struct api_err *err)
{
	struct grp *g;
	struct contact *c;
	json_t *inv, *v;
	size_t i;
	int r, already = 0;

	if ((g = grp_select(n, grp, err)) == NULL)
		return -1;
	r = -1;
	if (need_member(g, 1, err) != 0 ||
	    (c = api_find(n, who, LOOKUP_CONTACTS, err)) == NULL)
		goto out;
	if (c->state != CONTACT_MUTUAL) {
		api_fail(err, API_E_STATE, "%s has not accepted you as a "
		    "contact yet", c->onion);
		goto out;
	}
	json_array_foreach(json_object_get(g->st, "members"), i, v)
		if (strcmp(json_string_value(json_array_get(v, 0)),
		    c->onion) == 0) {
			api_fail(err, API_E_EXISTS, "%s is a member already",
			    c->onion);
			goto out;
		}
	inv = json_object_get(g->st, "invited");
	json_array_foreach(inv, i, v)
		if (strcmp(json_string_value(v), c->onion) == 0)
			already = 1;
	if (json_array_size(json_object_get(g->st, "members")) +
	    json_array_size(inv) >= GROUP_MAX_MEMBERS && !already) {
		api_fail(err, API_E_TOO_LONG, "a group has at most %d members",
		    GROUP_MAX_MEMBERS);
		goto out;
	}
	if (!already)
		json_array_append_new(inv, json_string(c->onion));
	if ((r = grp_send_plain(n, c, PLAIN_GROUP_INVITE,
	    grp_str(g, "roster"))) != 0 || (r = grp_save(n, g)) != 0) {
		if (r == ERR_STATE)
			api_fail(err, API_E_STATE, "the session with %s cannot "
			    "send yet; try again once they were online",
			    c->onion);
		else
			grp_dbfail(err, r);
		r = -1;
		goto out;
	}
	*res = json_pack("{s:I, s:s, s:s}", "group", (json_int_t)g->id,
	    "contact", c->onion, "state", "invited");
out:
	grp_free(g);
	return r;
}

int
api_group_accept(struct node *n, const char *grp, json_t **res,
    struct api_err *err)
{
	struct grp *g;
	struct contact *c;
	json_t *j;
	char *body;
	int r = -1;

	if ((g = grp_select(n, grp, err)) == NULL)
		return -1;
	if (strcmp(grp_str(g, "status"), "invited") != 0) {
		api_fail(err, API_E_STATE, "no invitation to group %lld "
		    "waits", (long long)g->id);
		goto out;
	}
	for (c = n->contacts; c != NULL; c = c->next)
		if (c->id == grp_int(g, "inviter"))
			break;
	if (c == NULL || c->state != CONTACT_MUTUAL) {
		api_fail(err, API_E_STATE, "who invited you is no longer a "
		    "contact");
		goto out;
	}
	grp_keys(g);
	json_object_set_new(g->st, "status", json_string("joining"));
	j = json_pack("{s:s, s:s}", "g", grp_str(g, "gid"), "k",
	    grp_str(g, "pk"));
	body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	r = grp_send_plain(n, c, PLAIN_GROUP_JOIN, body);
	free(body);
	if (r == 0)
		r = grp_save(n, g);
	if (r != 0) {
		if (r == ERR_STATE)
			api_fail(err, API_E_STATE, "the session with the "
			    "inviter cannot send yet");
		else
			grp_dbfail(err, r);
		r = -1;
		goto out;
	}
	*res = grp_json(n, g);
out:
	grp_free(g);
	return r;
}

/* Delete a group and everything of it (inside node_txn). */
static int
grp_delete(struct node *n, struct grp *g)
{
	static const char *const sql[] = {
		"DELETE FROM group_msgs WHERE grp = ?",
		"DELETE FROM group_items WHERE grp = ?",
		"DELETE FROM groups WHERE id = ?",
	};
	sqlite3_stmt *s;
	size_t i;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if ((s = core_prep(n, sql[i])) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, g->id);
		if ((r = core_step(n, s)) != 0)
			return r;
	}
	return 0;
}

int
api_group_decline(struct node *n, const char *grp, json_t **res,
    struct api_err *err)
{
	struct grp *g;
	int r;

	if ((g = grp_select(n, grp, err)) == NULL)
		return -1;
	if (strcmp(grp_str(g, "status"), "invited") != 0) {
		grp_free(g);
		return api_fail(err, API_E_STATE, "no invitation to that "
		    "group waits");
	}
	r = grp_delete(n, g);
	*res = json_pack("{s:I, s:s}", "group", (json_int_t)g->id, "state",
	    "declined");
	grp_free(g);
	if (r != 0) {
		json_decref(*res);
		return grp_dbfail(err, r);
	}
	return 0;
}

int
api_group_send(struct node *n, const char *grp, const char *text,
    json_t **res, struct api_err *err)
{
	struct grp *g;
	int64_t row;
	int r = -1;

	if (text[0] == '\0')
		return api_fail(err, API_E_PARAMS, "message is empty");
	if (strlen(text) > GROUP_MAX_TEXT)
		return api_fail(err, API_E_TOO_LONG, "a group message is at "
		    "most %d bytes", GROUP_MAX_TEXT);
	if (utf8_check(text, strlen(text), 1) != 0)
		return api_fail(err, API_E_BAD_TEXT, "message must be UTF-8 "
		    "text without control characters (newlines and tabs are "
		    "fine)");
	if ((g = grp_select(n, grp, err)) == NULL)
		return -1;
	if (need_member(g, 0, err) != 0)
		goto out;
	if ((r = grp_send_msg(n, g, text, &row)) == 0)
		r = grp_save(n, g);
	if (r != 0) {
		if (r == ERR_TOOBIG)
			api_fail(err, API_E_TOO_LONG, "the message is too long "
			    "once encoded; make it shorter");
		else
			grp_dbfail(err, r);
		r = -1;
		goto out;
	}
	*res = json_pack("{s:I, s:I, s:I}", "group", (json_int_t)g->id,
	    "message", (json_int_t)row, "seq", grp_int(g, "seq") - 1);
out:
	grp_free(g);
	return r;
}

/* A member's display name: our contact's name, "you", or NULL. */
static const char *
member_name(struct node *n, const char *onion)
{
	struct contact *c;

	if (strcmp(onion, node_onion(n)) == 0)
		return "you";
	c = contact_by_onion(n, onion);
	return c != NULL && c->state == CONTACT_MUTUAL ? c->name : NULL;
}

int
api_group_log(struct node *n, const char *grp, json_int_t limit,
    int mark_read, json_t **res, struct api_err *err)
{
	struct grp *g;
	sqlite3_stmt *s;
	json_t *a, *m;
	json_error_t je;
	uint8_t *pt;
	size_t plen;
	int64_t id;
	int r;

	if ((g = grp_select(n, grp, err)) == NULL)
		return -1;
	a = json_array();
	s = core_prep(n, "SELECT id, body, lamport, time FROM (SELECT * FROM "
	    "group_msgs WHERE grp = ? ORDER BY lamport DESC, id DESC LIMIT ?) "
	    "ORDER BY lamport, id");
	if (s == NULL) {
		r = ERR_DB;
		goto fail;
	}
	sqlite3_bind_int64(s, 1, g->id);
	sqlite3_bind_int64(s, 2, limit);
	while (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (store_unseal(n->st, "group_msgs", "body", id,
		    sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1), &pt, &plen) != 0) {
			json_array_append_new(a, json_pack("{s:I, s:s}", "id",
			    (json_int_t)id, "state", "damaged"));
			continue;
		}
		m = json_loadb((char *)pt, plen, 0, &je);
		secret_free(pt, plen);
		if (m == NULL)
			continue;
		json_array_append_new(a, json_pack("{s:I, s:O, s:s?, s:O, "
		    "s:O, s:O, s:I, s:I, s:O}", "id", (json_int_t)id, "author",
		    json_object_get(m, "a"), "author_name", member_name(n,
		    json_string_value(json_object_get(m, "a"))), "seq",
		    json_object_get(m, "q"), "text", json_object_get(m, "x"),
		    "sent", json_object_get(m, "w"), "lamport",
		    (json_int_t)sqlite3_column_int64(s, 2), "time",
		    (json_int_t)sqlite3_column_int64(s, 3), "mine",
		    json_object_get(m, "mine")));
		json_decref(m);
	}
	core_done(n, s);
	if (mark_read) {
		if ((r = node_txn(n)) != 0 || (s = core_prep(n, "UPDATE "
		    "groups SET unread = 0 WHERE id = ? AND unread != 0")) ==
		    NULL) {
			r = r != 0 ? r : ERR_DB;
			goto fail;
		}
		sqlite3_bind_int64(s, 1, g->id);
		if ((r = core_step(n, s)) != 0)
			goto fail;
	}
	*res = json_pack("{s:I, s:s, s:s, s:o}", "group", (json_int_t)g->id,
	    "name", grp_str(g, "name"), "status", grp_str(g, "status"),
	    "messages", a);
	grp_free(g);
	return 0;
fail:
	json_decref(a);
	grp_free(g);
	return grp_dbfail(err, r);
}

int
api_group_members(struct node *n, const char *grp, json_t **res,
    struct api_err *err)
{
	struct grp *g;
	json_t *a, *m;
	const char *onion;
	size_t i;

	if ((g = grp_select(n, grp, err)) == NULL)
		return -1;
	a = json_array();
	json_array_foreach(json_object_get(g->st, "members"), i, m) {
		onion = json_string_value(json_array_get(m, 0));
		json_array_append_new(a, json_pack("{s:s, s:s?, s:b, s:b, "
		    "s:b}", "address", onion, "name", member_name(n, onion),
		    "creator", strcmp(json_string_value(json_array_get(m, 1)),
		    grp_str(g, "creator")) == 0, "contact",
		    contact_by_onion(n, onion) != NULL, "you",
		    strcmp(onion, node_onion(n)) == 0));
	}
	*res = json_pack("{s:I, s:s, s:s, s:I, s:o, s:O}", "group",
	    (json_int_t)g->id, "name", grp_str(g, "name"), "status",
	    grp_str(g, "status"), "epoch", grp_int(g, "v"), "members", a,
	    "invited", json_object_get(g->st, "invited") != NULL ?
	    json_object_get(g->st, "invited") : json_array());
	grp_free(g);
	return 0;
}

int
api_group_leave(struct node *n, const char *grp, json_t **res,
    struct api_err *err)
{
	struct grp *g;
	json_t *body;
	char *item;
	int r = -1;

	if ((g = grp_select(n, grp, err)) == NULL)
		return -1;
	if (need_member(g, 0, err) != 0)
		goto out;
	body = json_pack("{s:s}", "t", "leave");
	item = grp_sign(g, body);
	json_decref(body);
	r = grp_publish(n, g, item, NULL);
	free(item);
	json_object_set_new(g->st, "status", json_string("left"));
	json_object_del(g->st, "mck");
	json_object_del(g->st, "chains");
	if (r == 0)
		r = grp_save(n, g);
	if (r != 0) {
		grp_dbfail(err, r);
		r = -1;
		goto out;
	}
	*res = grp_json(n, g);
out:
	grp_free(g);
	return r;
}

/* A new roster with name and members (list stolen). */
static int
grp_reroster(struct node *n, struct grp *g, const char *name, json_t *list)
{
	json_t *body;
	int r;

	body = json_pack("{s:I, s:s, s:s, s:o}", "v", grp_int(g, "v") + 1,
	    "n", name, "c", grp_str(g, "creator"), "m", list);
	r = grp_publish_roster(n, g, body);
	json_decref(body);
	return r;
}

int
api_group_remove(struct node *n, const char *grp, const char *who,
    json_t **res, struct api_err *err)
{
	struct grp *g;
	struct contact *c;
	json_t *list, *m;
	const char *onion = who;
	size_t i;
	int r = -1, found = 0;

	if ((g = grp_select(n, grp, err)) == NULL)
		return -1;
	if (need_member(g, 1, err) != 0)
		goto out;
	if (strlen(who) != ONION_LEN &&
	    contact_lookup(n, who, &c) == 0)
		onion = c->onion;
	if (strcmp(onion, node_onion(n)) == 0) {
		api_fail(err, API_E_SELF, "you cannot remove yourself; use "
		    "'warren group leave'");
		goto out;
	}
	list = json_array();
	json_array_foreach(json_object_get(g->st, "members"), i, m) {
		if (strcmp(json_string_value(json_array_get(m, 0)), onion) ==
		    0)
			found = 1;
		else
			json_array_append(list, m);
	}
	if (!found) {
		json_decref(list);
		api_fail(err, API_E_NO_CONTACT, "\"%.64s\" is not a member "
		    "('warren group members')", who);
		goto out;
	}
	if ((r = grp_reroster(n, g, grp_str(g, "name"), list)) != 0) {
		grp_dbfail(err, r);
		r = -1;
		goto out;
	}
	*res = grp_json(n, g);
out:
	grp_free(g);
	return r;
}

int
api_group_rename(struct node *n, const char *grp, const char *name,
    json_t **res, struct api_err *err)
{
	struct grp *g;
	char *nm;
	int r = -1;

	if (check_name(name, err) != 0 ||
	    (g = grp_select(n, grp, err)) == NULL)
		return -1;
	if (need_member(g, 1, err) != 0)
		goto out;
	nm = xstrdup(name);
	r = grp_reroster(n, g, nm, json_deep_copy(json_object_get(g->st,
	    "members")));
	free(nm);
	if (r != 0) {
		grp_dbfail(err, r);
		r = -1;
		goto out;
	}
	*res = grp_json(n, g);
out:
	grp_free(g);
	return r;
}
