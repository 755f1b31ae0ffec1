/*
 * group_send.c -- group data to contacts: into the pairwise outbox, or
 * (while a session cannot send yet) into group_outq until it can; and the
 * flooding of an item to the members among our contacts.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "core/core.h"
#include "core/groups.h"
#include "core/groups_int.h"
#include "core/plain.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Keep a plaintext for c until its session can send (inside node_txn). */
static int
grp_outq_add(struct node *n, struct contact *c, int kind, const char *body)
{
	sqlite3_stmt *s;
	uint8_t *ct;
	size_t clen;
	int64_t id;
	int r;

	if ((r = node_txn(n)) != 0 ||
	    (r = core_next_id(n, "group_outq", &id)) != 0 ||
	    (r = store_seal(n->st, "group_outq", "body", id, body,
	    strlen(body), &ct, &clen)) != 0)
		return r;
	if ((s = core_prep(n, "INSERT INTO group_outq (id, contact, kind, "
	    "body, time) VALUES (?, ?, ?, ?, ?)")) == NULL) {
		free(ct);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, c->id);
	sqlite3_bind_int(s, 3, kind);
	sqlite3_bind_blob(s, 4, ct, (int)clen, free);
	sqlite3_bind_int64(s, 5, node_now_ms());
	return core_step(n, s);
}

/*
 * Send what waited for c's session, oldest first, while it can send.
 * 1 if something still waits, 0 if nothing does, or an ERR_*.
 */
int
groups_outq_flush(struct node *n, struct contact *c)
{
	sqlite3_stmt *s, *d;
	uint8_t *pt;
	size_t plen;
	int64_t id;
	int r, kind;

	if ((r = node_txn(n)) != 0)
		return r;
	for (;;) {
		if ((s = core_prep(n, "SELECT id, kind, body FROM group_outq "
		    "WHERE contact = ? ORDER BY id LIMIT 1")) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, c->id);
		if (sqlite3_step(s) != SQLITE_ROW) {
			core_done(n, s);
			return 0;
		}
		id = sqlite3_column_int64(s, 0);
		kind = sqlite3_column_int(s, 1);
		r = store_unseal(n->st, "group_outq", "body", id,
		    sqlite3_column_blob(s, 2),
		    (size_t)sqlite3_column_bytes(s, 2), &pt, &plen);
		core_done(n, s);
		if (r == 0) {
			r = delivery_send_control(n, c, kind, (char *)pt, 0);
			secret_free(pt, plen);
			if (r == ERR_STATE)
				return 1;
			if (r != 0)
				return r;
		} else
			log_warn("contact %lld: queued group data damaged; "
			    "dropped", (long long)c->id);
		if ((d = core_prep(n, "DELETE FROM group_outq WHERE id = ?")) ==
		    NULL)
			return ERR_DB;
		sqlite3_bind_int64(d, 1, id);
		if ((r = core_step(n, d)) != 0)
			return r;
	}
}

/* Send a plaintext of kind to one contact: into its outbox, or to wait. */
int
grp_send_plain(struct node *n, struct contact *c, int kind, const char *body)
{
	int r;

	if (c->state != CONTACT_MUTUAL)
		return ERR_STATE;
	if ((r = groups_outq_flush(n, c)) < 0)
		return r;
	if (r == 0 && (r = delivery_send_control(n, c, kind, body, 0)) == 0) {
		if (c->live == NULL)
			conn_kick(n, c);
		return 0;
	}
	if (r != ERR_STATE && r != 1)
		return r;
	log_info("contact %lld: no sending session yet; group data waits",
	    (long long)c->id);
	return grp_outq_add(n, c, kind, body);
}

/* Flood an item to the members among our contacts but src (and extra). */
int
grp_flood(struct node *n, struct grp *g, const char *item, int64_t src,
    json_t *extra)
{
	struct contact *c;
	json_t *m;
	size_t i;
	int r;

	json_array_foreach(json_object_get(g->st, "members"), i, m) {
		c = contact_by_onion(n, json_string_value(json_array_get(m,
		    0)));
		if (c == NULL || c->id == src || c->state != CONTACT_MUTUAL)
			continue;
		if ((r = grp_send_plain(n, c, PLAIN_GROUP_ITEM, item)) != 0 &&
		    r != ERR_STATE)
			return r;
	}
	json_array_foreach(extra, i, m) {
		c = contact_by_onion(n, json_string_value(m));
		if (c != NULL && c->id != src && c->state == CONTACT_MUTUAL &&
		    (r = grp_send_plain(n, c, PLAIN_GROUP_ITEM, item)) != 0 &&
		    r != ERR_STATE)
			return r;
	}
	return 0;
}
