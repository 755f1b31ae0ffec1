/*
 * contacts.c -- contact rows: addresses and names sealed at rest, looked up
 * by a keyed hash; the in-memory list the rest of the core works on.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>
#include <sqlite3.h>

#include "core/core.h"
#include "core/endpoint.h"
#include "core/files.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

/*
 * A prepared statement from the store's cache; logs and returns NULL on
 * failure. Give it back with core_done() (or core_step()), never
 * sqlite3_finalize().
 */
sqlite3_stmt *
core_prep(struct node *n, const char *sql)
{
	return store_prep(n->st, sql);
}

/* Done with a statement from core_prep() (NULL: nothing). */
void
core_done(struct node *n, sqlite3_stmt *s)
{
	store_done(n->st, s);
}

/* Unseal a column into a new string (NULL column -> NULL). */
static int
unseal_col(struct node *n, sqlite3_stmt *s, int col, const char *column,
    int64_t row, char **out)
{
	uint8_t *pt;
	size_t len;
	int r;

	*out = NULL;
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return 0;
	r = store_unseal(n->st, "contacts", column, row,
	    sqlite3_column_blob(s, col), (size_t)sqlite3_column_bytes(s, col),
	    &pt, &len);
	if (r != 0)
		return r;
	*out = xstrndup((char *)pt, len);
	secret_free(pt, len);
	return 0;
}

/* Bind a sealed value (or NULL) for (contacts, column, row). */
static int
bind_sealed(struct node *n, sqlite3_stmt *s, int idx, const char *column,
    int64_t row, const char *text)
{
	uint8_t *ct;
	size_t len;
	int r;

	if (text == NULL)
		return sqlite3_bind_null(s, idx) == SQLITE_OK ? 0 : ERR_DB;
	if ((r = store_seal(n->st, "contacts", column, row, text, strlen(text),
	    &ct, &len)) != 0)
		return r;
	r = sqlite3_bind_blob(s, idx, ct, (int)len, free) == SQLITE_OK ?
	    0 : ERR_DB;
	return r;
}

/*
 * The next row id of `table` (inside node_txn): above every id the table
 * ever had, also deleted ones, so an API client never sees an id reused.
 * table is one of our literals, never input.
 */
int
core_next_id(struct node *n, const char *table, int64_t *id)
{
	sqlite3_stmt *s;
	char sql[256];
	int r;

	snprintf(sql, sizeof sql, "SELECT MAX(COALESCE((SELECT MAX(id) FROM "
	    "%s), 0), COALESCE((SELECT CAST(value AS INTEGER) FROM settings "
	    "WHERE key = 'next_id.%s'), 1) - 1) + 1", table, table);
	if ((s = core_prep(n, sql)) == NULL)
		return ERR_DB;
	if (sqlite3_step(s) != SQLITE_ROW) {
		core_done(n, s);
		return ERR_DB;
	}
	*id = sqlite3_column_int64(s, 0);
	core_done(n, s);
	snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO settings (key, value) "
	    "VALUES ('next_id.%s', ?)", table);
	if ((s = core_prep(n, sql)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, *id + 1);
	r = core_step(n, s);
	return r;
}

/* Run a prepared write to completion and finalize it (NULL: ERR_DB). */
int
core_step(struct node *n, sqlite3_stmt *s)
{
	int rc;

	if (s == NULL)
		return ERR_DB;
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		log_error("store: %s", sqlite3_errmsg(store_db(n->st)));
	core_done(n, s);
	if (rc != SQLITE_DONE)
		return ERR_DB;
	return 0;
}

/* Allocate the in-memory part. */
static struct contact *
contact_alloc(struct node *n)
{
	struct contact *c = xcalloc(1, sizeof *c);

	c->node = n;
	return c;
}

/* Free one contact's memory. */
static void
contact_free_mem(struct contact *c)
{
	if (c->dial_timer != NULL)
		event_free(c->dial_timer);
	ratchet_free(c->rc);
	endpoint_free(c);
	free(c->name);
	free(c);
}

/* Load every contact into memory. */
int
contacts_load(struct node *n)
{
	sqlite3_stmt *s;
	struct contact *c, **tail = &n->contacts;
	char *addr;
	int rc, r = 0;

	s = core_prep(n, "SELECT id, addr, name, state, flags, verified, created, "
	    "send_seq, recv_seq, unread, last_seen, timer, peer_receipts, "
	    "read_seq, mac IS " STORE_MAC_CONTACTS " FROM contacts ORDER BY id");
	if (s == NULL)
		return ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c = contact_alloc(n);
		c->id = sqlite3_column_int64(s, 0);
		addr = NULL;
		if (sqlite3_column_int(s, 14) != 1) {
			/* Bookkeeping (state, verified...) edited outside. */
			log_error("contacts: row %lld is damaged: changed "
			    "outside warren; ignored", (long long)c->id);
			n->damaged++;
			contact_free_mem(c);
			continue;
		}
		if ((r = unseal_col(n, s, 1, "addr", c->id, &addr)) != 0 ||
		    addr == NULL || onion_parse(addr, c->ed_pk, c->onion) != 0 ||
		    (r = unseal_col(n, s, 2, "name", c->id, &c->name)) != 0) {
			log_error("contacts: row %lld is damaged: %s",
			    (long long)c->id, err_str(r ? r : ERR_PROTO));
			n->damaged++;
			free(addr);
			contact_free_mem(c);
			r = 0;
			continue;
		}
		free(addr);
		c->state = sqlite3_column_int(s, 3);
		c->flags = sqlite3_column_int(s, 4);
		c->verified = sqlite3_column_int(s, 5);
		c->created = sqlite3_column_int64(s, 6);
		c->send_seq = (uint64_t)sqlite3_column_int64(s, 7);
		c->recv_seq = (uint64_t)sqlite3_column_int64(s, 8);
		c->unread = sqlite3_column_int64(s, 9);
		c->last_seen = sqlite3_column_int64(s, 10);
		c->timer = (uint32_t)sqlite3_column_int64(s, 11);
		c->peer_receipts = sqlite3_column_int(s, 12);
		c->read_seq = (uint64_t)sqlite3_column_int64(s, 13);
		*tail = c;
		tail = &c->next;
	}
	core_done(n, s);
	if (rc != SQLITE_DONE) {
		log_error("store: %s", sqlite3_errmsg(store_db(n->st)));
		return ERR_DB;
	}
	if (r == 0)
		r = endpoints_load(n);
	return r;
}

/* Free the list (connections must be gone). */
void
contacts_free(struct node *n)
{
	struct contact *c;

	while ((c = n->contacts) != NULL) {
		n->contacts = c->next;
		contact_free_mem(c);
	}
}

/* By normalised address. */
struct contact *
contact_by_onion(struct node *n, const char *onion)
{
	struct contact *c;

	for (c = n->contacts; c != NULL; c = c->next)
		if (strcmp(c->onion, onion) == 0)
			return c;
	return NULL;
}

/* Count a match of a lookup in or out of its scope. */
static void
lookup_add(struct lookup *lk, int scope, struct contact *c)
{
	if (!(scope & (1 << c->state))) {
		if (lk->other == NULL)
			lk->other = c;
		return;
	}
	if (lk->nmatch < LOOKUP_MAX_CAND)
		lk->cand[lk->nmatch] = c;
	lk->nmatch++;
}

/* Contacts named s, or (prefix) whose address starts with s. */
static void
lookup_scan(struct node *n, const char *s, int prefix, int scope,
    struct lookup *lk)
{
	struct contact *c;
	size_t len = strlen(s);

	for (c = n->contacts; c != NULL; c = c->next) {
		if (prefix ? strncasecmp(c->onion, s, len) == 0 :
		    c->name != NULL && strcmp(c->name, s) == 0)
			lookup_add(lk, scope, c);
	}
}

/*
 * By address (any state), else by name, else by unique address prefix.
 * Names and prefixes only select contacts in scope: a stranger chooses
 * the nick its request carries (and can grind an address prefix), so
 * requests and blocked peers must not make your names ambiguous.
 */
int
contact_lookup_in(struct node *n, const char *s, int scope,
    struct contact **out, struct lookup *lkp)
{
	struct lookup tmp, *lk = lkp != NULL ? lkp : &tmp;
	struct contact *c, *named;
	char in[ONION_LEN + 16], norm[ONION_LEN + 1];
	int r, link;

	*out = NULL;
	memset(lk, 0, sizeof *lk);
	if (strlen(s) == ONION_LEN && (c = contact_by_onion(n, s)) != NULL) {
		*out = c;	/* the common case, without the point check */
		return 0;
	}
	if (onion_input(s, in, sizeof in, &link) != 0) {
		in[0] = '\0';	/* too long for an address: a name */
		link = 0;
	}
	if ((r = onion_parse(in, NULL, norm)) == 0) {
		if ((*out = contact_by_onion(n, norm)) == NULL)
			return ERR_NOTFOUND;
		return 0;
	}
	lookup_scan(n, s, 0, scope, lk);
	/* A URL or .onion: say what is wrong with it, unless it is a name. */
	if (link && lk->nmatch == 0)
		return r;
	if (lk->nmatch == 0 && lk->other == NULL && in[0] != '\0' &&
	    strcmp(in, s) != 0)
		lookup_scan(n, in, 0, scope, lk);
	if (lk->nmatch == 0 && !link && onion_is_prefix(in)) {
		named = lk->other;
		lk->other = NULL;
		lookup_scan(n, in, 1, scope, lk);
		if (named != NULL)
			lk->other = named;
	}
	if (lk->nmatch == 1) {
		*out = lk->cand[0];
		return 0;
	}
	if (lk->nmatch > 1)
		return ERR_EXISTS;
	/* Only when nothing else matches: a blocked peer (history, remove). */
	if ((scope & LOOKUP_THEN_BLOCKED) && lk->other != NULL) {
		struct lookup first = *lk;

		if (contact_lookup_in(n, s, LOOKUP_BLOCKED, out, lk) == 0)
			return 0;
		*lk = first;
	}
	/* Looks like an address: say what is wrong with it. */
	if (r == ERR_ADDR_V2 || strlen(in) == ONION_LEN)
		return r;
	return ERR_NOTFOUND;
}

/* By address or unambiguous name among contacts (not requests, not blocked). */
int
contact_lookup(struct node *n, const char *s, struct contact **out)
{
	return contact_lookup_in(n, s, LOOKUP_CONTACTS, out, NULL);
}

/* The length of the shortest prefix (>= min) of c's address no other has. */
int
contact_prefix_len(struct node *n, const struct contact *c, int min)
{
	struct contact *o;
	int len = min, k;

	for (o = n->contacts; o != NULL; o = o->next) {
		if (o == c)
			continue;
		for (k = 0; k < ONION_LEN && o->onion[k] == c->onion[k]; k++)
			;
		if (k + 1 > len)
			len = k + 1;
	}
	return len > ONION_LEN ? ONION_LEN : len;
}

/* Insert a contact (inside node_txn). */
int
contact_create(struct node *n, const char *onion, const uint8_t ed_pk[32],
    const char *name, int state, const char *text, struct contact **out)
{
	sqlite3_stmt *s;
	struct contact *c, **tail;
	uint8_t lookup[32];
	int64_t id;
	int r;

	*out = NULL;
	if ((r = node_txn(n)) != 0)
		return r;
	if ((r = core_next_id(n, "contacts", &id)) != 0)
		return r;
	if ((r = store_lookup_hash(n->st, onion, strlen(onion), lookup)) != 0)
		return r;
	s = core_prep(n, "INSERT INTO contacts (id, lookup, addr, name, state, "
	    "created, req_text) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, lookup, sizeof lookup, SQLITE_TRANSIENT);
	if ((r = bind_sealed(n, s, 3, "addr", id, onion)) != 0 ||
	    (r = bind_sealed(n, s, 4, "name", id, name)) != 0 ||
	    (r = bind_sealed(n, s, 7, "req_text", id, text)) != 0) {
		core_done(n, s);
		return r;
	}
	sqlite3_bind_int(s, 5, state);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)time(NULL));
	if ((r = core_step(n, s)) != 0)
		return r;
	s = core_prep(n, "UPDATE contacts SET mac = " STORE_MAC_CONTACTS
	    " WHERE id = ?");
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	if ((r = core_step(n, s)) != 0)
		return r;

	c = contact_alloc(n);
	c->id = id;
	memcpy(c->onion, onion, sizeof c->onion);
	memcpy(c->ed_pk, ed_pk, 32);
	c->name = name != NULL ? xstrdup(name) : NULL;
	c->state = state;
	c->created = (int64_t)time(NULL);
	for (tail = &n->contacts; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = c;
	*out = c;
	return 0;
}

/* Persist the mutable fields. */
int
contact_save(struct node *n, struct contact *c)
{
	sqlite3_stmt *s;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	s = core_prep(n, "UPDATE contacts SET state = ?1, flags = ?2, "
	    "verified = ?3, send_seq = ?4, recv_seq = ?5, unread = ?6, "
	    "last_seen = ?7, timer = ?8, peer_receipts = ?9, read_seq = ?10, "
	    "mac = warren_mac('contacts', id, lookup, ?1, ?2, ?3, created, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10) WHERE id = ?11");
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int(s, 1, c->state);
	sqlite3_bind_int(s, 2, c->flags);
	sqlite3_bind_int(s, 3, c->verified);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)c->send_seq);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)c->recv_seq);
	sqlite3_bind_int64(s, 6, c->unread);
	sqlite3_bind_int64(s, 7, c->last_seen);
	sqlite3_bind_int64(s, 8, c->timer);
	sqlite3_bind_int(s, 9, c->peer_receipts);
	sqlite3_bind_int64(s, 10, (sqlite3_int64)c->read_seq);
	sqlite3_bind_int64(s, 11, c->id);
	return core_step(n, s);
}

/* Rename (NULL clears). */
int
contact_set_name(struct node *n, struct contact *c, const char *name)
{
	sqlite3_stmt *s;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	if ((s = core_prep(n, "UPDATE contacts SET name = ? WHERE id = ?")) == NULL)
		return ERR_DB;
	if ((r = bind_sealed(n, s, 1, "name", c->id, name)) != 0) {
		core_done(n, s);
		return r;
	}
	sqlite3_bind_int64(s, 2, c->id);
	if ((r = core_step(n, s)) != 0)
		return r;
	free(c->name);
	c->name = name != NULL ? xstrdup(name) : NULL;
	return 0;
}

/* Replace the stored request text. */
int
contact_set_text(struct node *n, struct contact *c, const char *text)
{
	sqlite3_stmt *s;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	if ((s = core_prep(n, "UPDATE contacts SET req_text = ? WHERE id = ?")) ==
	    NULL)
		return ERR_DB;
	if ((r = bind_sealed(n, s, 1, "req_text", c->id, text)) != 0) {
		core_done(n, s);
		return r;
	}
	sqlite3_bind_int64(s, 2, c->id);
	return core_step(n, s);
}

/* The stored request text. */
char *
contact_text(struct node *n, struct contact *c)
{
	sqlite3_stmt *s;
	char *t = NULL;

	if ((s = core_prep(n, "SELECT req_text FROM contacts WHERE id = ?")) ==
	    NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, c->id);
	if (sqlite3_step(s) == SQLITE_ROW)
		(void)unseal_col(n, s, 0, "req_text", c->id, &t);
	core_done(n, s);
	return t;
}

/* Delete the row (messages and outbox go with it) and the memory. */
int
contact_delete(struct node *n, struct contact *c)
{
	struct contact **pp;
	sqlite3_stmt *s;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	if ((s = core_prep(n, "DELETE FROM contacts WHERE id = ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	if ((r = core_step(n, s)) != 0 || (r = endpoint_revoke(n, c)) != 0)
		return r;
	conn_drop_contact(n, c);
	files_drop_contact(n, c->id);
	for (pp = &n->contacts; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	contact_free_mem(c);
	return 0;
}

/* A state's name for the API. */
const char *
contact_state_name(int state)
{
	switch (state) {
	case CONTACT_OUT_REQUEST:
		return "requested";
	case CONTACT_IN_REQUEST:
		return "pending";
	case CONTACT_MUTUAL:
		return "contact";
	case CONTACT_BLOCKED:
		return "blocked";
	}
	return "unknown";
}

/* The API form of a contact. */
json_t *
contact_json(struct node *n, struct contact *c)
{
	json_t *j;

	j = json_pack("{s:I, s:s, s:s?, s:s, s:b, s:b, s:I, s:I, s:i}",
	    "id", (json_int_t)c->id, "address", c->onion, "name", c->name,
	    "state", contact_state_name(c->state),
	    "online", c->live != NULL && peer_is_up(c->live->peer),
	    "verified", c->verified, "unread", (json_int_t)c->unread,
	    "created", (json_int_t)c->created,
	    "outbox", delivery_outbox_count(n, c));
	if (c->state == CONTACT_OUT_REQUEST)
		json_object_set_new(j, "request",
		    json_string((c->flags & CF_REQ_REJECTED) ? "rejected" :
		    (c->flags & CF_REQ_DELIVERED) ? "delivered" : "sending"));
	if (c->last_seen != 0)
		json_object_set_new(j, "last_seen",
		    json_integer(c->last_seen));
	json_object_set_new(j, "timer", json_integer(c->timer));
	json_object_set_new(j, "alert", json_boolean(c->flags & CF_ALERT));
	if (c->state == CONTACT_MUTUAL)
		json_object_set_new(j, "endpoint", endpoint_json(n, c));
	return j;
}

/* How many contacts have a live connection. */
int
contacts_online(struct node *n)
{
	struct contact *c;
	int k = 0;

	for (c = n->contacts; c != NULL; c = c->next)
		if (c->live != NULL && peer_is_up(c->live->peer))
			k++;
	return k;
}
