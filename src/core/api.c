/*
 * api.c -- what the local API can ask of the node: contacts, requests,
 * messages, events. Parameters arrive validated for type; the checks of
 * meaning (addresses, states, limits) are here. Errors carry API_E_* codes
 * (api.h); src/rpc maps them to JSON-RPC codes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sqlite3.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "core/api.h"
#include "core/core.h"
#include "core/endpoint.h"
#include "core/mbox.h"
#include "core/files.h"
#include "core/node.h"
#include "core/plain.h"
#include "net/wire.h"
#include "store/store.h"
#include "util/duration.h"
#include "util/err.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

int
api_fail(struct api_err *err, enum api_code code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return -1;
}

/* How many bytes of s to quote: at most max, never half a character. */
static int
quote_len(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

/* Map a contact_lookup failure to an API error. */
static int
lookup_fail(struct node *n, struct api_err *err, int r, const char *what,
    int scope, const struct lookup *lk)
{
	const char *kind = "contact", *list = "warren contacts", *hint = "";
	char buf[sizeof err->message];
	size_t off;
	int i, k, q = quote_len(what, 80);

	scope &= ~LOOKUP_THEN_BLOCKED;
	if (scope == LOOKUP_REQUESTS) {
		kind = "pending request";
		list = "warren requests";
	} else if (scope == LOOKUP_BLOCKED) {
		kind = "blocked peer";
		list = "warren contacts";
	}
	switch (r) {
	case ERR_NOTFOUND:
		if (lk != NULL && lk->other != NULL)
			hint = lk->other->state == CONTACT_IN_REQUEST ?
			    " (a pending request matches: 'warren requests')" :
			    lk->other->state == CONTACT_BLOCKED ?
			    " (a blocked peer matches)" :
			    " (a contact matches: 'warren contacts')";
		return api_fail(err, API_E_NO_CONTACT, "no %s \"%.*s\"%s; "
		    "'%s' lists them", kind, q, what, hint, list);
	case ERR_EXISTS:
		off = (size_t)snprintf(buf, sizeof buf, "\"%.*s\" matches %d "
		    "%ss: ", quote_len(what, 40), what, lk != NULL ?
		    lk->nmatch : 2, kind);
		k = lk != NULL ? lk->nmatch : 0;
		for (i = 0; i < k && i < LOOKUP_MAX_CAND && off < sizeof buf;
		    i++)
			off += (size_t)snprintf(buf + off, sizeof buf - off,
			    "%s%.*s (%s)", i > 0 ? ", " : "",
			    contact_prefix_len(n, lk->cand[i], 8),
			    lk->cand[i]->onion,
			    contact_state_name(lk->cand[i]->state));
		if (k > LOOKUP_MAX_CAND && off < sizeof buf)
			off += (size_t)snprintf(buf + off, sizeof buf - off,
			    " and %d more", k - LOOKUP_MAX_CAND);
		return api_fail(err, API_E_AMBIGUOUS, "%s; give the address "
		    "or enough of it to be unique", buf);
	default:
		return api_fail(err, API_E_BAD_ADDRESS, "%s", err_str(r));
	}
}

/* Find a contact in scope or fail. */
struct contact *
api_find(struct node *n, const char *who, int scope, struct api_err *err)
{
	struct lookup lk;
	struct contact *c;
	int r;

	if ((r = contact_lookup_in(n, who, scope, &c, &lk)) != 0) {
		lookup_fail(n, err, r, who, scope, &lk);
		return NULL;
	}
	return c;
}

/* Find a contact (not a request, not a blocked peer) or fail. */
static struct contact *
find(struct node *n, const char *who, struct api_err *err)
{
	return api_find(n, who, LOOKUP_CONTACTS, err);
}

/* The same, but a blocked peer is found if no contact matches. */
static struct contact *
find_or_blocked(struct node *n, const char *who, struct api_err *err)
{
	return api_find(n, who, LOOKUP_CONTACTS | LOOKUP_THEN_BLOCKED, err);
}

/* A database failure as an API error. */
static int
db_fail(struct node *n, struct api_err *err, int r)
{
	(void)n;
	return api_fail(err, API_E_INTERNAL, "storage failed: %s", err_str(r));
}

/* Tell subscribers a contact changed (UIs refresh their lists). */
static int
changed(struct node *n, const char *onion, const char *name, const char *what)
{
	return event_emit(n, RPC_EV_CHANGED, json_pack("{s:s, s:s?, s:s}",
	    "contact", onion, "name", name, "change", what));
}

/* Check a contact name: UTF-8, no control characters, <= 64 bytes. */
static int
check_name(const char *name, struct api_err *err)
{
	if (name == NULL)
		return 0;
	if (strlen(name) > WARREN_MAX_NICK)
		return api_fail(err, API_E_TOO_LONG, "name is %zu bytes; the "
		    "limit is %d", strlen(name), WARREN_MAX_NICK);
	if (utf8_check(name, strlen(name), 0) != 0)
		return api_fail(err, API_E_BAD_TEXT, "name must be UTF-8 "
		    "text without control characters");
	if (name[0] == '\0')
		return api_fail(err, API_E_PARAMS, "name is empty");
	return 0;
}

/* contacts.add */
int
api_contact_add(struct node *n, const char *addr, const char *name,
    const char *text, json_t **res, struct api_err *err)
{
	struct contact *c;
	char onion[ONION_LEN + 1], in[ONION_LEN + 16];
	uint8_t pk[32];
	int r;

	if (mbox_is_mailbox(n))
		return api_fail(err, API_E_STATE, "this daemon is a mailbox: "
		    "it has no conversations (run warrend without --mailbox "
		    "on another data directory)");
	if (onion_input(addr, in, sizeof in, NULL) != 0)
		return api_fail(err, API_E_BAD_ADDRESS, "%s",
		    err_str(ERR_ADDR_LEN));
	if ((r = onion_parse(in, pk, onion)) != 0) {
		/* A unique prefix of a pending request's address accepts it. */
		if (r == ERR_ADDR_LEN && onion_is_prefix(in) &&
		    contact_lookup_in(n, in, LOOKUP_REQUESTS, &c, NULL) == 0 &&
		    strncasecmp(c->onion, in, strlen(in)) == 0) {
			memcpy(onion, c->onion, sizeof onion);
			memcpy(pk, c->ed_pk, sizeof pk);
		} else
			return api_fail(err, API_E_BAD_ADDRESS, "%s",
			    err_str(r));
	}
	if (strcmp(onion, identity_onion(n->id)) == 0)
		return api_fail(err, API_E_SELF, "that is your own address");
	if (check_name(name, err) != 0)
		return -1;
	if (text != NULL && strlen(text) > WARREN_MAX_REQUEST_TEXT)
		return api_fail(err, API_E_TOO_LONG, "message is %zu bytes; "
		    "the limit is %d", strlen(text), WARREN_MAX_REQUEST_TEXT);
	if (text != NULL && utf8_check(text, strlen(text), 1) != 0)
		return api_fail(err, API_E_BAD_TEXT, "message must be UTF-8 "
		    "text without control characters");
	if ((c = contact_by_onion(n, onion)) != NULL) {
		if (c->state == CONTACT_BLOCKED)
			return api_fail(err, API_E_BLOCKED, "%s is blocked; "
			    "'warren unblock' first", onion);
		if (c->state != CONTACT_IN_REQUEST)
			return api_fail(err, API_E_EXISTS, "%s is already %s",
			    onion, c->state == CONTACT_MUTUAL ?
			    "a contact" : "requested");
		/* They asked us already: adding them is accepting. */
		if (name != NULL && (r = contact_set_name(n, c, name)) != 0)
			return db_fail(n, err, r);
		return api_contact_accept(n, onion, res, err);
	}
	if ((r = contact_create(n, onion, pk, name, CONTACT_OUT_REQUEST,
	    text != NULL ? text : "", &c)) != 0 || (r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	log_info("contact request to %s queued", log_contact(c->id, c->onion));
	conn_kick(n, c);
	*res = contact_json(n, c);
	return 0;
}

/* contacts.accept */
int
api_contact_accept(struct node *n, const char *who, json_t **res,
    struct api_err *err)
{
	struct contact *c;
	int r;

	if ((c = api_find(n, who, LOOKUP_REQUESTS, err)) == NULL)
		return -1;
	if (c->state != CONTACT_IN_REQUEST)
		return api_fail(err, API_E_NO_REQUEST, "no pending request "
		    "from %s", c->onion);
	c->state = CONTACT_MUTUAL;
	if ((r = contact_save(n, c)) != 0 || (r = event_emit(n,
	    RPC_EV_CONTACT_ADDED, json_pack("{s:s, s:s?}", "contact", c->onion,
	    "name", c->name))) != 0 || (r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	conn_accepted(n, c);
	*res = contact_json(n, c);
	return 0;
}

/* contacts.reject: nothing about the request is kept. */
int
api_contact_reject(struct node *n, const char *who, json_t **res,
    struct api_err *err)
{
	struct wire_msg m;
	struct contact *c;
	char onion[ONION_LEN + 1];
	int r;

	if ((c = api_find(n, who, LOOKUP_REQUESTS, err)) == NULL)
		return -1;
	if (c->state != CONTACT_IN_REQUEST)
		return api_fail(err, API_E_NO_REQUEST, "no pending request "
		    "from %s", c->onion);
	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_RESPONSE;
	m.u.response.status = WIRE_STATUS_REJECTED;
	(void)conn_send(c, &m);
	memcpy(onion, c->onion, sizeof onion);
	if ((r = contact_delete(n, c)) != 0 || (r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	*res = json_pack("{s:s, s:s}", "address", onion, "state", "rejected");
	return 0;
}

/* contacts.block: by contact or by any address. */
int
api_contact_block(struct node *n, const char *who, json_t **res,
    struct api_err *err)
{
	struct lookup lk;
	struct contact *c;
	char onion[ONION_LEN + 1], in[ONION_LEN + 16];
	uint8_t pk[32];
	int r;

	if ((r = contact_lookup_in(n, who, LOOKUP_CONTACTS, &c, &lk)) ==
	    ERR_NOTFOUND && onion_input(who, in, sizeof in, NULL) == 0 &&
	    onion_parse(in, pk, onion) == 0) {
		if (strcmp(onion, identity_onion(n->id)) == 0)
			return api_fail(err, API_E_SELF, "that is your own "
			    "address");
		if ((r = contact_create(n, onion, pk, NULL, CONTACT_BLOCKED,
		    NULL, &c)) != 0 || (r = node_commit(n)) != 0)
			return db_fail(n, err, r);
	} else if (r != 0)
		return lookup_fail(n, err, r, who, LOOKUP_CONTACTS, &lk);
	else {
		c->state = CONTACT_BLOCKED;
		conn_drop_contact(n, c);
		if ((r = endpoint_revoke(n, c)) != 0 ||
		    (r = contact_save(n, c)) != 0 ||
		    (r = changed(n, c->onion, c->name, "blocked")) != 0 ||
		    (r = node_commit(n)) != 0)
			return db_fail(n, err, r);
	}
	*res = contact_json(n, c);
	return 0;
}

/* contacts.unblock */
int
api_contact_unblock(struct node *n, const char *who, json_t **res,
    struct api_err *err)
{
	struct contact *c;
	char onion[ONION_LEN + 1];
	int r;

	if ((c = api_find(n, who, LOOKUP_BLOCKED, err)) == NULL)
		return -1;
	if (c->state != CONTACT_BLOCKED)
		return api_fail(err, API_E_STATE, "%s is not blocked",
		    c->onion);
	if (c->flags & CF_HAS_RATCHET) {
		c->state = CONTACT_MUTUAL;
		if ((r = contact_save(n, c)) != 0 ||
		    (r = changed(n, c->onion, c->name, "unblocked")) != 0 ||
		    (r = node_commit(n)) != 0)
			return db_fail(n, err, r);
		conn_kick(n, c);
		*res = contact_json(n, c);
		return 0;
	}
	memcpy(onion, c->onion, sizeof onion);
	if ((r = contact_delete(n, c)) != 0 || (r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	*res = json_pack("{s:s, s:s}", "address", onion, "state", "removed");
	return 0;
}

/* contacts.remove: the contact and its history. */
int
api_contact_remove(struct node *n, const char *who, json_t **res,
    struct api_err *err)
{
	struct contact *c;
	char onion[ONION_LEN + 1];
	int r;

	if ((c = find_or_blocked(n, who, err)) == NULL)
		return -1;
	memcpy(onion, c->onion, sizeof onion);
	if ((r = contact_delete(n, c)) != 0 ||
	    (r = changed(n, onion, NULL, "removed")) != 0 ||
	    (r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	(void)store_checkpoint(n->st);
	*res = json_pack("{s:s, s:s}", "address", onion, "state", "removed");
	return 0;
}

/* contacts.rename */
int
api_contact_rename(struct node *n, const char *who, const char *name,
    json_t **res, struct api_err *err)
{
	struct contact *c;
	int r;

	if ((c = find_or_blocked(n, who, err)) == NULL ||
	    check_name(name, err) != 0)
		return -1;
	if ((r = contact_set_name(n, c, name)) != 0 ||
	    (r = changed(n, c->onion, c->name, "renamed")) != 0 ||
	    (r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	*res = contact_json(n, c);
	return 0;
}

/* contacts.list / requests.list */
int
api_contact_list(struct node *n, int requests, json_t **res,
    struct api_err *err)
{
	struct contact *c;
	json_t *a = json_array(), *j;
	char *text;

	(void)err;
	for (c = n->contacts; c != NULL; c = c->next) {
		if ((c->state == CONTACT_IN_REQUEST) != requests)
			continue;
		j = contact_json(n, c);
		if (requests && (text = contact_text(n, c)) != NULL) {
			json_object_set_new(j, "text", json_string(text));
			free(text);
		}
		json_array_append_new(a, j);
	}
	*res = json_pack("{s:o}", requests ? "requests" : "contacts", a);
	return 0;
}

/* messages.send; timer < 0: the conversation's timer. */
int
api_message_send(struct node *n, const char *who, const char *text,
    int64_t timer, int force, json_t **res, struct api_err *err)
{
	struct contact *c;
	int64_t id;
	int r;

	if ((c = find(n, who, err)) == NULL)
		return -1;
	if (text[0] == '\0')
		return api_fail(err, API_E_PARAMS, "message is empty");
	if (strlen(text) > WARREN_MAX_TEXT)
		return api_fail(err, API_E_TOO_LONG, "message is %zu bytes; "
		    "the limit is %d", strlen(text), WARREN_MAX_TEXT);
	if (utf8_check(text, strlen(text), 1) != 0)
		return api_fail(err, API_E_BAD_TEXT, "message must be UTF-8 "
		    "text without control characters (newlines and tabs are "
		    "fine)");
	if (c->state == CONTACT_BLOCKED)
		return api_fail(err, API_E_BLOCKED, "%s is blocked", c->onion);
	if (c->state == CONTACT_IN_REQUEST)
		return api_fail(err, API_E_STATE, "accept %s's request first",
		    c->onion);
	if (c->flags & CF_ALERT) {
		if (!force)
			return api_fail(err, API_E_UNVERIFIED_CHANGE, "the "
			    "encrypted session with %s was set up again: "
			    "compare safety numbers ('warren verify'), or send "
			    "anyway with --force", c->name != NULL ? c->name :
			    c->onion);
		/* Acknowledged: what was held goes first, then this. */
		if ((r = delivery_accept_session(n, c)) != 0)
			return db_fail(n, err, r);
	}
	if ((r = delivery_queue(n, c, text, timer, &id)) != 0)
		return db_fail(n, err, r);
	/* The reply goes out after the grouped commit (node_flush). */
	*res = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "contact",
	    c->onion, "state", "queued");
	if (c->live == NULL)
		conn_kick(n, c);
	return 0;
}

/*
 * messages.resend {contact}: accept a reset session without verifying, so
 * that the messages held since the reset are encrypted under it and sent.
 * Without a reset, it sends whatever still waits (normally nothing).
 */
int
api_message_resend(struct node *n, const char *who, json_t **res,
    struct api_err *err)
{
	struct contact *c;
	int r, alert;

	if ((c = find(n, who, err)) == NULL)
		return -1;
	if (c->state == CONTACT_BLOCKED)
		return api_fail(err, API_E_BLOCKED, "%s is blocked", c->onion);
	if (c->state != CONTACT_MUTUAL || !(c->flags & CF_HAS_RATCHET))
		return api_fail(err, API_E_STATE, "the session with %s is not "
		    "set up yet; queued messages go once it is", c->onion);
	alert = (c->flags & CF_ALERT) != 0;
	if ((r = node_txn(n)) != 0 ||
	    (r = delivery_accept_session(n, c)) != 0 ||
	    (alert && (r = changed(n, c->onion, c->name, "accepted")) != 0) ||
	    (r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	if (alert)
		log_info("contact %s: new session accepted",
		    log_contact(c->id, c->onion));
	if (c->live == NULL && conn_wanted(n, c))
		conn_kick(n, c);
	*res = json_pack("{s:s, s:s?, s:b, s:i}", "contact", c->onion,
	    "name", c->name, "accepted", alert, "waiting",
	    delivery_outbox_count(n, c));
	return 0;
}

/* messages.list {contact, limit, before}: newest last. */
int
api_message_list(struct node *n, const char *who, json_int_t limit,
    json_int_t before, int mark_read, json_t **res, struct api_err *err)
{
	struct contact *c;
	sqlite3_stmt *s;
	json_t *a, *j;
	int r;

	if ((c = find_or_blocked(n, who, err)) == NULL)
		return -1;
	if (sqlite3_prepare_v2(store_db(n->st), "SELECT id FROM (SELECT id "
	    "FROM messages WHERE contact = ? AND id < ? ORDER BY id DESC "
	    "LIMIT ?) ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return db_fail(n, err, ERR_DB);
	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_int64(s, 2, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int64(s, 3, limit);
	a = json_array();
	while (sqlite3_step(s) == SQLITE_ROW)
		if ((j = message_json(n, c, sqlite3_column_int64(s, 0))) !=
		    NULL)
			json_array_append_new(a, j);
	sqlite3_finalize(s);
	if (mark_read) {
		if ((r = delivery_mark_read(n, c)) != 0 ||
		    (r = node_commit(n)) != 0) {
			json_decref(a);
			return db_fail(n, err, r);
		}
	}
	*res = json_pack("{s:s, s:s?, s:b, s:o}", "contact", c->onion,
	    "name", c->name, "verified", c->verified, "messages", a);
	return 0;
}

/* contacts.set_timer: 0 (off) or 30 s .. 4 weeks, for both sides. */
int
api_contact_set_timer(struct node *n, const char *who, json_int_t secs,
    json_t **res, struct api_err *err)
{
	struct contact *c;
	char line[128], words[32];
	int r;

	if ((c = find(n, who, err)) == NULL)
		return -1;
	if (secs != 0 && (secs < 30 || secs > PLAIN_MAX_TIMER))
		return api_fail(err, API_E_PARAMS, "the timer is off (0) or "
		    "from 30 seconds to 4 weeks (%d seconds)", PLAIN_MAX_TIMER);
	if (c->state != CONTACT_MUTUAL)
		return api_fail(err, API_E_STATE, "%s is not a contact yet",
		    c->onion);
	/* The peer learns it in order with the messages around it. */
	if ((r = delivery_send_control(n, c, PLAIN_TIMER, "",
	    (uint32_t)secs)) == ERR_STATE)
		return api_fail(err, API_E_STATE, "the session with %s is not "
		    "set up yet; try again once you have talked", c->onion);
	if (r != 0)
		return db_fail(n, err, r);
	c->timer = (uint32_t)secs;
	duration_words(words, sizeof words, (long)c->timer);
	snprintf(line, sizeof line, "you set disappearing messages to %s",
	    words);
	if ((r = message_note(n, c, line)) != 0 ||
	    (r = contact_save(n, c)) != 0 ||
	    (r = event_emit(n, RPC_EV_TIMER, json_pack("{s:s, s:s?, s:i, s:s}",
	    "contact", c->onion, "name", c->name, "timer", (int)secs, "by",
	    "you"))) != 0 || (r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	if (c->live == NULL)
		conn_kick(n, c);
	*res = contact_json(n, c);
	return 0;
}

/* settings.get */
int
api_settings_get(struct node *n, json_t **res, struct api_err *err)
{
	char *nick = NULL;

	(void)err;
	(void)store_secret_get(n->st, "nick", &nick);
	*res = json_pack("{s:s, s:b, s:b, s:b, s:I}", "nick", nick ? nick : "",
	    "refuse_requests", n->refuse_requests, "read_receipts",
	    n->read_receipts, "discoverable", endpoint_discoverable(n),
	    "auto_accept_files", (json_int_t)(n->files != NULL ?
	    n->files->auto_accept : 0));
	free(nick);
	return 0;
}

/* settings.set {key, value} */
int
api_settings_set(struct node *n, const char *key, json_t *value,
    json_t **res, struct api_err *err)
{
	struct contact *c;
	int r, on;

	if (strcmp(key, "nick") == 0) {
		const char *v = json_string_value(value);

		if (v == NULL)
			return api_fail(err, API_E_PARAMS, "nick is a string");
		if (v[0] != '\0' && check_name(v, err) != 0)
			return -1;
		if ((r = store_secret_set(n->st, "nick", v[0] != '\0' ? v :
		    NULL)) != 0)
			return db_fail(n, err, r);
	} else if (strcmp(key, "refuse_requests") == 0 ||
	    strcmp(key, "read_receipts") == 0) {
		if (!json_is_boolean(value))
			return api_fail(err, API_E_PARAMS, "%s is true or "
			    "false", key);
		on = json_is_true(value);
		if ((r = store_setting_set(n->st, key, on ? "1" : "0")) != 0)
			return db_fail(n, err, r);
		if (key[0] == 'r' && key[2] == 'f')
			n->refuse_requests = on;
		else if (on != n->read_receipts) {
			n->read_receipts = on;
			/* Tell every contact; each needs both sides on. */
			for (c = n->contacts; c != NULL; c = c->next)
				if (c->state == CONTACT_MUTUAL &&
				    (c->flags & CF_HAS_RATCHET))
					c->prefs_pending = 1;
			(void)node_txn(n);
		}
	} else if (strcmp(key, "discoverable") == 0) {
		if (!json_is_boolean(value))
			return api_fail(err, API_E_PARAMS, "%s is true or "
			    "false", key);
		if ((r = endpoint_set_discoverable(n, json_is_true(value))) !=
		    0)
			return db_fail(n, err, r);
	} else if (strcmp(key, "auto_accept_files") == 0) {
		if ((r = api_files_setting(n, value, err)) != 0)
			return r;
	} else
		return api_fail(err, API_E_PARAMS, "unknown setting \"%.64s\" "
		    "(nick, refuse_requests, read_receipts, discoverable, "
		    "auto_accept_files)",
		    key);
	if ((r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	return api_settings_get(n, res, err);
}

/* daemon.passwd {old?, new?}: set, change or remove the passphrase. */
int
api_passwd(struct node *n, const char *old, const char *new, int rotate,
    json_t **res, struct api_err *err)
{
	int had = store_has_passphrase(n->st), r;

	if (had && old == NULL)
		return api_fail(err, API_E_PARAMS, "missing parameter \"old\" "
		    "(the current passphrase)");
	if (rotate && new != NULL)
		return api_fail(err, API_E_PARAMS, "rotate keeps the "
		    "passphrase: leave out \"new\"");
	if (new != NULL && new[0] == '\0')
		return api_fail(err, API_E_PARAMS, "the new passphrase is "
		    "empty (to remove the passphrase: remove)");
	/* The re-seal is its own transaction. */
	if ((r = node_commit(n)) != 0)
		return db_fail(n, err, r);
	if (rotate)
		r = store_rotate(n->st, had ? old : NULL);
	else
		r = store_set_passphrase(n->st, had ? old : NULL, new);
	if (r == ERR_PASSPHRASE || r == ERR_AUTH)
		return api_fail(err, API_E_PASSPHRASE, "wrong passphrase");
	if (r != 0)
		return api_fail(err, API_E_INTERNAL, "could not change the "
		    "passphrase: %s", err_str(r));
	log_info("%s; storage key rotated", rotate ? "passphrase unchanged" :
	    new == NULL ? "passphrase removed" : had ? "passphrase changed" :
	    "passphrase set");
	*res = json_pack("{s:b, s:b}", "passphrase",
	    store_has_passphrase(n->st), "rotated", 1);
	return 0;
}
