/*
 * api_unread.c -- messages.unread: what arrived since you last read, from
 * all contacts at once (warren receive), and contacts.get: one contact.
 * "Read" is the contact's read_seq: their messages below it were read.
 */
#include <stdlib.h>

#include <jansson.h>
#include <sqlite3.h>

#include "core/api.h"
#include "core/api_unread.h"
#include "core/core.h"
#include "util/err.h"
#include "util/xmalloc.h"

struct unread {
	int64_t id;
	int64_t seq;
	struct contact *c;
};

/* Oldest first across contacts: message ids only grow. */
static int
unread_cmp(const void *a, const void *b)
{
	const struct unread *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Mark c's messages read below upto, then recount what is left. */
static int
mark_read_upto(struct node *n, struct contact *c, uint64_t upto)
{
	sqlite3_stmt *s;

	if (upto <= c->read_seq)
		return 0;
	if ((s = core_prep(n, "SELECT COUNT(*) FROM messages WHERE contact = ? "
	    "AND dir = 1 AND seq >= ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)upto);
	c->unread = sqlite3_step(s) == SQLITE_ROW ?
	    sqlite3_column_int64(s, 0) : 0;
	core_done(n, s);
	c->read_seq = upto;
	if (n->read_receipts && c->peer_receipts)
		c->receipt_pending = 1;
	return contact_save(n, c);
}

/* Collect up to limit unread messages of c into *v (grown as needed). */
static int
collect(struct node *n, struct contact *c, json_int_t limit,
    struct unread **v, size_t *len, size_t *cap)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = core_prep(n, "SELECT id, seq FROM messages WHERE contact = ? "
	    "AND dir = 1 AND seq >= ? ORDER BY id LIMIT ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)c->read_seq);
	sqlite3_bind_int64(s, 3, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*len == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*v = xreallocarray(*v, *cap, sizeof **v);
		}
		(*v)[*len].id = sqlite3_column_int64(s, 0);
		(*v)[*len].seq = sqlite3_column_int64(s, 1);
		(*v)[*len].c = c;
		(*len)++;
	}
	core_done(n, s);
	return rc == SQLITE_DONE ? 0 : ERR_DB;
}

/* messages.unread {limit?, mark_read?} */
int
api_message_unread(struct node *n, json_int_t limit, int mark_read,
    json_t **res, struct api_err *err)
{
	struct unread *v = NULL;
	struct contact *c;
	size_t len = 0, cap = 0, i, k;
	json_t *a, *j;
	int r = 0;

	/*
	 * Each contact's oldest `limit + 1` are enough to pick the oldest
	 * overall (and to know whether more wait); keep only that many.
	 */
	for (c = n->contacts; c != NULL && r == 0; c = c->next) {
		if (c->state == CONTACT_BLOCKED)
			continue;
		r = collect(n, c, limit + 1, &v, &len, &cap);
		if (len > (size_t)limit + 1) {
			qsort(v, len, sizeof *v, unread_cmp);
			len = (size_t)limit + 1;
		}
	}
	if (r != 0) {
		free(v);
		return api_fail(err, API_E_INTERNAL, "storage failed: %s",
		    err_str(r));
	}
	if (len > 1)
		qsort(v, len, sizeof *v, unread_cmp);
	k = len > (size_t)limit ? (size_t)limit : len;
	a = json_array();
	for (i = 0; i < k; i++) {
		if ((j = message_json(n, v[i].c, v[i].id)) == NULL)
			continue;
		json_object_set_new(j, "name", v[i].c->name != NULL ?
		    json_string(v[i].c->name) : json_null());
		json_array_append_new(a, j);
	}
	if (mark_read) {
		/* Up to the last message returned, per contact. */
		for (c = n->contacts; c != NULL && r == 0; c = c->next) {
			int64_t upto = -1;

			for (i = 0; i < k; i++)
				if (v[i].c == c && v[i].seq + 1 > upto)
					upto = v[i].seq + 1;
			if (upto > 0)
				r = mark_read_upto(n, c, (uint64_t)upto);
		}
		if (r == 0)
			r = node_commit(n);
	}
	free(v);
	if (r != 0) {
		json_decref(a);
		return api_fail(err, API_E_INTERNAL, "storage failed: %s",
		    err_str(r));
	}
	*res = json_pack("{s:o, s:b}", "messages", a, "more", len > k);
	return 0;
}

/* contacts.get {contact} */
int
api_contact_get(struct node *n, const char *who, json_t **res,
    struct api_err *err)
{
	struct contact *c;

	if ((c = api_find(n, who, LOOKUP_CONTACTS | LOOKUP_THEN_BLOCKED,
	    err)) == NULL)
		return -1;
	*res = contact_json(n, c);
	return 0;
}
