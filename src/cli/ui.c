/*
 * ui.c -- `warren ui`: the main loop (poll on the terminal and the event
 * socket), the two daemon connections and their reconnection, and the
 * state kept from events. Drawing is ui_draw.c, slash commands ui_cmd.c.
 *
 * The UI is only a client of warren.sock: one connection for calls, one
 * subscribed to events. When warrend goes away it says so and retries
 * every second; back, it reloads everything and subscribes with `since`
 * set to the last event it handled, so nothing is missed.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/ui.h"
#include "util/xmalloc.h"

#define UI_PAGE		200	/* messages loaded at once */
#define UI_CALL_TIMEOUT	10	/* s: a call that takes longer drops the link */
#define UI_EV_MAX	(1024 * 1024 + 4096)	/* one event line at most */
#define UI_RECENT	50	/* messages refreshed every second */

/* A string member or "". */
const char *
ui_jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* An integer member or 0. */
static long long
jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* Say something in the status line until the next command. */
void
ui_info(struct ui *u, int bad, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->info, sizeof u->info, fmt, ap);
	va_end(ap);
	u->info_bad = bad;
}

/* Both connections are gone: say why and retry soon. */
static void
disconnect(struct ui *u, const char *why)
{
	if (u->connected || u->down[0] == '\0')
		snprintf(u->down, sizeof u->down, "%s", why);
	u->connected = 0;
	client_free(u->call);
	client_free(u->ev);
	u->call = u->ev = NULL;
	u->inlen = 0;
	u->retry_at = time(NULL) + 1;
}

/* A call on the request connection; code 0 means the link failed. */
json_t *
ui_call(struct ui *u, const char *method, json_t *params, int *code,
    const char **msg)
{
	json_t *r;

	if (u->call == NULL) {
		json_decref(params);
		*code = 0;
		*msg = "warrend is not running";
		return NULL;
	}
	r = client_call(u->call, method, params, code, msg);
	if (r == NULL && *code == 0)
		disconnect(u, "warrend went away");
	return r;
}

/* Does the daemon offer this method? (hooks for /file and the like) */
int
ui_has_method(const struct ui *u, const char *name)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(u->methods, "methods"), i, m) {
		if (strcmp(ui_jstr(m, "name"), name) == 0)
			return 1;
	}
	return 0;
}

/* The selected contact or NULL. */
const struct ui_contact *
ui_current(const struct ui *u)
{
	if (u->sel >= u->ncontacts)
		return NULL;
	return &u->contacts[u->sel];
}

/* The selected row is a group. */
int
ui_in_group(const struct ui *u)
{
	const struct ui_contact *c = ui_current(u);

	return c != NULL && c->group > 0 && u->cur[0] != '\0';
}

static void
contacts_free(struct ui *u)
{
	size_t i;

	for (i = 0; i < u->ncontacts; i++) {
		free(u->contacts[i].address);
		free(u->contacts[i].name);
	}
	free(u->contacts);
	u->contacts = NULL;
	u->ncontacts = 0;
}

static void
msgs_free(struct ui *u)
{
	size_t i;

	for (i = 0; i < u->nmsgs; i++) {
		free(u->msgs[i].text);
		free(u->msgs[i].who);
	}
	free(u->msgs);
	u->msgs = NULL;
	u->nmsgs = 0;
}

/*
 * The status bar's word for status.mailbox (doc/rpc.md): "pairing", then
 * "reachable", "unreachable" or "paired" (not tried yet), with the number
 * of messages the last fetch left in it; "" without a mailbox.
 */
static void
ui_mailbox_state(struct ui *u, json_t *m)
{
	json_t *reach = json_object_get(m, "reachable");
	const char *w;

	u->mailbox[0] = '\0';
	if (!json_is_object(m) || strcmp(ui_jstr(m, "role"), "user") != 0)
		return;
	if (json_is_true(json_object_get(m, "pairing")))
		w = "pairing";
	else if (!json_is_true(json_object_get(m, "paired")))
		return;
	else if (json_is_boolean(reach))
		w = json_is_true(reach) ? "reachable" : "unreachable";
	else
		w = "paired";
	if (jint(m, "queued") > 0)
		snprintf(u->mailbox, sizeof u->mailbox, "%s, %lld waiting", w,
		    jint(m, "queued"));
	else
		snprintf(u->mailbox, sizeof u->mailbox, "%s", w);
}

/* Refresh the status bar's facts. */
static void
reload_status(struct ui *u)
{
	json_t *r, *t;
	const char *msg;
	int code;

	if ((r = ui_call(u, "status", NULL, &code, &msg)) == NULL)
		return;
	u->locked = json_is_true(json_object_get(r, "locked"));
	t = json_object_get(r, "tor");
	u->tor_progress = (int)jint(t, "progress");
	u->published = json_is_true(json_object_get(t, "published"));
	snprintf(u->tor_state, sizeof u->tor_state, "%s",
	    ui_jstr(t, "state"));
	u->requests = jint(r, "requests");
	ui_mailbox_state(u, json_object_get(r, "mailbox"));
	json_decref(r);
}

/* Reload the contact list, keeping the selection on the same address. */
void
ui_reload_contacts(struct ui *u)
{
	json_t *r, *c, *g = NULL;
	struct ui_contact *k;
	const char *msg, *st;
	size_t i;
	int code;

	if ((r = ui_call(u, "contacts.list", NULL, &code, &msg)) == NULL) {
		if (code != 0)
			ui_info(u, 1, "%s", msg);
		return;
	}
	if (ui_has_method(u, "groups.list") && (g = ui_call(u,
	    "groups.list", NULL, &code, &msg)) == NULL) {
		json_decref(r);
		if (code != 0)
			ui_info(u, 1, "%s", msg);
		return;
	}
	contacts_free(u);
	u->contacts = xcalloc(json_array_size(json_object_get(r,
	    "contacts")) + json_array_size(json_object_get(g, "groups")) + 1,
	    sizeof *u->contacts);
	u->sel = 0;
	json_array_foreach(json_object_get(r, "contacts"), i, c) {
		st = ui_jstr(c, "state");
		if (strcmp(st, "contact") != 0 && strcmp(st, "requested") != 0)
			continue;
		k = &u->contacts[u->ncontacts];
		k->address = xstrdup(ui_jstr(c, "address"));
		k->name = ui_jstr(c, "name")[0] ?
		    xstrdup(ui_jstr(c, "name")) : NULL;
		snprintf(k->state, sizeof k->state, "%s", st);
		k->online = json_is_true(json_object_get(c, "online"));
		k->verified = json_is_true(json_object_get(c, "verified"));
		k->alert = json_is_true(json_object_get(c, "alert"));
		k->unread = jint(c, "unread");
		k->timer = jint(c, "timer");
		if (strcmp(k->address, u->cur) == 0)
			u->sel = u->ncontacts;
		u->ncontacts++;
	}
	json_decref(r);
	json_array_foreach(json_object_get(g, "groups"), i, c) {
		if (strcmp(ui_jstr(c, "status"), "left") == 0 ||
		    jint(c, "group") <= 0)
			continue;
		k = &u->contacts[u->ncontacts];
		k->group = jint(c, "group");
		xasprintf(&k->address, "#%lld", k->group);
		k->name = xstrdup(ui_jstr(c, "name"));
		snprintf(k->state, sizeof k->state, "%s",
		    ui_jstr(c, "status"));
		k->unread = jint(c, "unread");
		if (strcmp(k->address, u->cur) == 0)
			u->sel = u->ncontacts;
		u->ncontacts++;
	}
	json_decref(g);
	if (u->ncontacts == 0 || strcmp(u->contacts[u->sel].address,
	    u->cur) != 0)
		ui_select(u, u->sel);	/* ours went away: show another */
}

/* One message object of messages.list. */
static void
msg_from_json(struct ui_msg *m, json_t *j)
{
	const char *d = ui_jstr(j, "direction");

	m->id = jint(j, "id");
	m->dir = strcmp(d, "in") == 0 ? 'i' : strcmp(d, "out") == 0 ? 'o' :
	    'n';
	snprintf(m->state, sizeof m->state, "%s", ui_jstr(j, "state"));
	m->text = xstrdup(ui_jstr(j, "text"));
	m->time = jint(j, "time");
	m->timer = jint(j, "timer");
}

/* messages.list for cur; NULL on failure (said in the status line). */
static json_t *
list_messages(struct ui *u, long long before, int limit, int mark_read)
{
	json_t *p, *r;
	const char *msg;
	int code;

	p = json_pack("{s:s, s:i}", "contact", u->cur, "limit", limit);
	if (before > 0)
		json_object_set_new(p, "before", json_integer(before));
	if (mark_read)
		json_object_set_new(p, "mark_read", json_true());
	if ((r = ui_call(u, "messages.list", p, &code, &msg)) == NULL &&
	    code != 0)
		ui_info(u, 1, "%s", msg);
	return r;
}

/* One message of groups.log. */
static void
gmsg_from_json(struct ui_msg *m, json_t *j)
{
	const char *a = ui_jstr(j, "author_name");

	m->id = jint(j, "id");
	m->dir = json_is_true(json_object_get(j, "mine")) ? 'o' : 'i';
	snprintf(m->state, sizeof m->state, "%s", ui_jstr(j, "state"));
	m->text = xstrdup(ui_jstr(j, "text"));
	if (*a != '\0')
		m->who = xstrdup(a);
	else
		xasprintf(&m->who, "%.8s\xe2\x80\xa6", ui_jstr(j, "author"));
	m->time = jint(j, "time");
}

/* The selected group's newest messages (groups.log has no paging). */
static void
reload_group(struct ui *u, int mark_read)
{
	const struct ui_contact *c = ui_current(u);
	json_t *r, *a, *j;
	const char *msg;
	size_t i;
	int code;

	if (strcmp(c->state, "invited") == 0) {
		msgs_free(u);
		return;	/* nothing to read before accepting */
	}
	if ((r = ui_call(u, "groups.log", json_pack("{s:I, s:i, s:b}",
	    "group", (json_int_t)c->group, "limit", UI_PAGE, "mark_read",
	    mark_read), &code, &msg)) == NULL) {
		if (code != 0)
			ui_info(u, 1, "%s", msg);
		return;
	}
	msgs_free(u);
	a = json_object_get(r, "messages");
	u->msgs = xcalloc(json_array_size(a) + 1, sizeof *u->msgs);
	json_array_foreach(a, i, j)
		gmsg_from_json(&u->msgs[u->nmsgs++], j);
	u->older = json_array_size(a) == UI_PAGE;
	json_decref(r);
	if (mark_read && u->sel < u->ncontacts)
		u->contacts[u->sel].unread = 0;
}

/* Reload the newest messages of the conversation (as many as shown). */
void
ui_reload_conversation(struct ui *u, int mark_read)
{
	json_t *r, *a, *j;
	size_t i, n;
	int limit = UI_PAGE;

	if (u->cur[0] == '\0') {
		msgs_free(u);
		return;
	}
	if (ui_in_group(u)) {
		reload_group(u, mark_read);
		return;
	}
	if (u->nmsgs > UI_PAGE)
		limit = u->nmsgs > 10000 ? 10000 : (int)u->nmsgs;
	if ((r = list_messages(u, 0, limit, mark_read)) == NULL)
		return;
	msgs_free(u);
	a = json_object_get(r, "messages");
	n = json_array_size(a);
	u->msgs = xcalloc(n + 1, sizeof *u->msgs);
	json_array_foreach(a, i, j)
		msg_from_json(&u->msgs[u->nmsgs++], j);
	u->older = n == (size_t)limit;
	json_decref(r);
	if (mark_read && u->sel < u->ncontacts)
		u->contacts[u->sel].unread = 0;
}

/* PgUp ran past the oldest loaded message: load a page before it. */
static void
load_older(struct ui *u)
{
	json_t *r, *a, *j;
	struct ui_msg *m;
	size_t i, n;

	u->want_older = 0;
	if (!u->older || u->nmsgs == 0 || ui_in_group(u))
		return;
	if ((r = list_messages(u, u->msgs[0].id, UI_PAGE, 0)) == NULL)
		return;
	a = json_object_get(r, "messages");
	n = json_array_size(a);
	m = xcalloc(n + u->nmsgs + 1, sizeof *m);
	json_array_foreach(a, i, j)
		msg_from_json(&m[i], j);
	memcpy(m + n, u->msgs, u->nmsgs * sizeof *m);
	free(u->msgs);
	u->msgs = m;
	u->nmsgs += n;
	u->older = n == UI_PAGE;
	json_decref(r);
}

/* Update a message's state in place. */
static void
set_state(struct ui *u, long long id, const char *state)
{
	size_t i;

	for (i = u->nmsgs; i-- > 0;) {
		if (u->msgs[i].id == id) {
			snprintf(u->msgs[i].state, sizeof u->msgs[i].state,
			    "%s", state);
			return;
		}
	}
}

/* Drop disappearing messages whose time is up (warrend deletes them too). */
static void
drop_expired(struct ui *u)
{
	struct timespec now;
	long long ms;
	size_t i, k = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	ms = now.tv_sec * 1000LL + now.tv_nsec / 1000000;
	for (i = 0; i < u->nmsgs; i++) {
		if (u->msgs[i].timer > 0 &&
		    u->msgs[i].time + u->msgs[i].timer * 1000 <= ms) {
			free(u->msgs[i].text);
			continue;
		}
		u->msgs[k++] = u->msgs[i];
	}
	u->nmsgs = k;
}

/*
 * The newest messages again: append the new ones (from events, from other
 * clients) and update the states of those we have ("sent" has no event).
 */
void
ui_refresh_recent(struct ui *u, int mark_read)
{
	json_t *r, *a, *j;
	long long last;
	size_t i, n;

	if (u->cur[0] == '\0')
		return;
	if (ui_in_group(u)) {
		ui_reload_conversation(u, mark_read);
		return;
	}
	if (u->nmsgs == 0) {
		ui_reload_conversation(u, mark_read);
		return;
	}
	last = u->msgs[u->nmsgs - 1].id;
	if ((r = list_messages(u, 0, UI_RECENT, mark_read)) == NULL)
		return;
	a = json_object_get(r, "messages");
	n = json_array_size(a);
	if (n == UI_RECENT && jint(json_array_get(a, 0), "id") > last) {
		json_decref(r);	/* a gap: more than UI_RECENT are new */
		ui_reload_conversation(u, 0);
		return;
	}
	u->msgs = xreallocarray(u->msgs, u->nmsgs + n + 1, sizeof *u->msgs);
	json_array_foreach(a, i, j) {
		if (jint(j, "id") > last)
			msg_from_json(&u->msgs[u->nmsgs++], j);
		else
			set_state(u, jint(j, "id"), ui_jstr(j, "state"));
	}
	json_decref(r);
	drop_expired(u);
	if (mark_read && u->sel < u->ncontacts)
		u->contacts[u->sel].unread = 0;
}

/* Show contact i's conversation (marking it read). */
void
ui_select(struct ui *u, size_t i)
{
	if (u->ncontacts == 0) {
		u->cur[0] = '\0';
		u->sel = 0;
		msgs_free(u);
		return;
	}
	if (i >= u->ncontacts)
		i = u->ncontacts - 1;
	u->sel = i;
	if (strcmp(u->cur, u->contacts[i].address) != 0) {
		snprintf(u->cur, sizeof u->cur, "%s", u->contacts[i].address);
		u->scroll = 0;
		msgs_free(u);
		free(u->refused);
		u->refused = NULL;
	}
	ui_reload_conversation(u, u->contacts[i].unread > 0);
}

/* Index of a contact by address, or ncontacts. */
static size_t
find_contact(const struct ui *u, const char *addr)
{
	size_t i;

	for (i = 0; i < u->ncontacts; i++)
		if (strcmp(u->contacts[i].address, addr) == 0)
			break;
	return i;
}

/* A message arrived: in view, show it and mark it read; else count it. */
static void
on_received(struct ui *u, json_t *d)
{
	const char *who = ui_jstr(d, "contact");
	size_t k;

	if (strcmp(who, u->cur) == 0) {
		ui_refresh_recent(u, 1);
		return;
	}
	if ((k = find_contact(u, who)) < u->ncontacts)
		u->contacts[k].unread++;
	if (u->bell)
		beep();
}

/* A group message was stored: as on_received, for the group's row. */
static void
on_group_message(struct ui *u, json_t *d)
{
	char addr[32];
	size_t k;

	snprintf(addr, sizeof addr, "#%lld", jint(d, "group"));
	if (strcmp(addr, u->cur) == 0) {
		ui_reload_conversation(u, 1);
		return;
	}
	if ((k = find_contact(u, addr)) < u->ncontacts)
		u->contacts[k].unread++;
	if (u->bell)
		beep();
}

/* One event notification. */
static void
on_event(struct ui *u, json_t *ev)
{
	json_t *d = json_object_get(ev, "data");
	const char *type = ui_jstr(ev, "type"), *who = ui_jstr(d, "contact");
	long long id = jint(ev, "id");

	if (id > u->last_event)
		u->last_event = id;
	if (id <= u->replay_until)
		return;	/* before the reload that followed subscribing */
	if (strcmp(type, "message.received") == 0)
		on_received(u, d);
	else if (strcmp(type, "group.message") == 0)
		on_group_message(u, d);
	else if (strncmp(type, "group.", 6) == 0) {
		ui_reload_contacts(u);
		if (ui_in_group(u))
			ui_reload_conversation(u, 0);
	} else if (strcmp(type, "message.delivered") == 0)
		set_state(u, jint(d, "message"), "delivered");
	else if (strcmp(type, "message.read") == 0)
		set_state(u, jint(d, "message"), "read");
	else if (strcmp(type, "tor.progress") == 0 ||
	    strcmp(type, "onion.published") == 0)
		reload_status(u);
	else if (strncmp(type, "contact.", 8) == 0 ||
	    strcmp(type, "conversation.timer") == 0 ||
	    strcmp(type, "security.alert") == 0) {
		ui_reload_contacts(u);
		reload_status(u);
		if (strcmp(who, u->cur) == 0 && (strcmp(type,
		    "contact.online") != 0 && strcmp(type,
		    "contact.offline") != 0))
			ui_reload_conversation(u, 0);
		if (strcmp(type, "security.alert") == 0 && u->bell)
			beep();
	}
}

/* Handle every complete line read from the event connection. */
static void
read_events(struct ui *u)
{
	ssize_t n;
	char *nl;
	json_t *j;
	size_t len;

	if (u->incap - u->inlen < 65536) {
		u->incap = u->inlen + 65536;
		u->inbuf = xrealloc(u->inbuf, u->incap);
	}
	n = read(client_fd(u->ev), u->inbuf + u->inlen, u->incap - u->inlen);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		disconnect(u, "warrend went away");
		return;
	}
	u->inlen += (size_t)n;
	while (u->ev != NULL &&
	    (nl = memchr(u->inbuf, '\n', u->inlen)) != NULL) {
		len = (size_t)(nl - u->inbuf);
		j = json_loadb(u->inbuf, len, 0, NULL);
		/* Consume the line first: a call made while handling it may
		 * fail and disconnect, which empties the buffer. */
		memmove(u->inbuf, nl + 1, u->inlen - len - 1);
		u->inlen -= len + 1;
		if (j == NULL)
			continue;
		if (strcmp(ui_jstr(j, "method"), "event") == 0)
			on_event(u, json_object_get(j, "params"));
		else if (json_object_get(j, "result") != NULL)
			u->replay_until = jint(json_object_get(j, "result"),
			    "last");
		json_decref(j);
	}
	if (u->inlen > UI_EV_MAX)
		disconnect(u, "warrend sent an overlong line");
}

/* Send events.subscribe on the event connection (its reply is skipped). */
static int
subscribe(struct ui *u)
{
	json_t *req;
	char *s;
	size_t len, off = 0;
	ssize_t w;

	req = json_pack("{s:s, s:i, s:s, s:{}}", "jsonrpc", "2.0", "id", 1,
	    "method", "events.subscribe", "params");
	if (u->last_event > 0)
		json_object_set_new(json_object_get(req, "params"), "since",
		    json_integer(u->last_event));
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	len = strlen(s);
	s[len++] = '\n';
	while (off < len) {
		if ((w = write(client_fd(u->ev), s + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			free(s);
			return -1;
		}
		off += (size_t)w;
	}
	free(s);
	return 0;
}

/* Try to (re)connect; fills everything in on success. */
static void
reconnect(struct ui *u)
{
	struct timeval tv = { UI_CALL_TIMEOUT, 0 };
	const char *msg;
	int code;

	u->retry_at = time(NULL) + 1;
	if ((u->call = client_connect(u->dir)) == NULL ||
	    (u->ev = client_connect(u->dir)) == NULL) {
		snprintf(u->down, sizeof u->down, "daemon not running (%s)",
		    strerror(errno));
		client_free(u->call);
		u->call = NULL;
		return;
	}
	(void)setsockopt(client_fd(u->call), SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof tv);
	u->connected = 1;
	reload_status(u);
	if (!u->connected)
		return;
	if (u->locked) {
		disconnect(u, "the daemon is locked: run 'warren unlock'");
		snprintf(u->down, sizeof u->down, "the daemon is locked: run "
		    "'warren unlock'");
		return;
	}
	json_decref(u->methods);
	u->methods = ui_call(u, "rpc.methods", NULL, &code, &msg);
	if (subscribe(u) != 0) {
		disconnect(u, "warrend went away");
		return;
	}
	ui_reload_contacts(u);
	if (u->connected && u->cur[0] == '\0')
		ui_select(u, 0);
	else if (u->connected)
		ui_reload_conversation(u, u->sel < u->ncontacts &&
		    u->contacts[u->sel].unread > 0);
	if (u->connected)
		u->down[0] = '\0';
}

/* Every second: reconnect, or refresh what no event announces. */
static void
tick(struct ui *u)
{
	if (!u->connected) {
		if (time(NULL) >= u->retry_at)
			reconnect(u);
		return;
	}
	reload_status(u);
	if (u->connected && u->locked) {
		disconnect(u, "");
		snprintf(u->down, sizeof u->down, "the daemon is locked: run "
		    "'warren unlock'");
		return;
	}
	if (u->connected && !ui_in_group(u))
		ui_refresh_recent(u, 0);	/* a group's events suffice */
}

/* Open (or, with UI_POP_NONE, close) a popup. */
void
ui_popup(struct ui *u, enum ui_popup kind, const char *title,
    const char *text)
{
	free(u->pop_title);
	free(u->pop_text);
	u->pop_title = title != NULL ? xstrdup(title) : NULL;
	u->pop_text = text != NULL ? xstrdup(text) : NULL;
	u->popup = kind;
	if (kind == UI_POP_NONE)
		u->pop_arg[0] = '\0';
}

/* Milliseconds until the next whole tick. */
static int
until_tick(struct timespec *next)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (next->tv_sec - now.tv_sec) * 1000LL +
	    (next->tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0) {
		*next = now;
		next->tv_sec++;
		return 0;
	}
	return (int)ms;
}

/* The loop: keys, events, ticks; draw after each. */
static void
run(struct ui *u)
{
	struct pollfd pfd[2];
	struct timespec next;
	int ms;

	clock_gettime(CLOCK_MONOTONIC, &next);
	reconnect(u);
	while (!u->quit) {
		if (u->want_older && u->connected)
			load_older(u);
		ui_draw(u);
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = u->ev != NULL ? client_fd(u->ev) : -1;
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		if ((ms = until_tick(&next)) == 0) {
			tick(u);
			continue;
		}
		if (poll(pfd, 2, ms) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;	/* the terminal is gone */
		ui_read_keys(u);	/* also after EINTR: KEY_RESIZE */
		if (u->ev != NULL && (pfd[1].revents & (POLLIN | POLLHUP |
		    POLLERR)))
			read_events(u);
	}
}

/* warren ui [--no-bell] */
int
cmd_ui(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-bell", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args a = { 0, 0 };
	struct ui u;
	const char *nc;
	int ch;

	memset(&u, 0, sizeof u);
	u.bell = 1;
	while ((ch = cli_getopt(&a, &argc, argv, "", opts)) != -1) {
		if (ch != 'b')
			return cli_usage(cli_find("ui"), stderr);
		u.bell = 0;
	}
	if (argc != 1)
		return cli_usage(cli_find("ui"), stderr);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "warren: ui needs a terminal; 'warren chat "
		    "CONTACT' works in pipes\n");
		return EXIT_FAIL;
	}
	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	nc = getenv("NO_COLOR");
	u.color = nc == NULL || *nc == '\0';
	u.cli = cli;
	u.dir = cli->dir;
	ui_edit_init(&u.edit);
	snprintf(u.down, sizeof u.down, "connecting to warrend");
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	ui_draw_init(&u);
	run(&u);
	printf("\033[?2004l");
	fflush(stdout);
	endwin();
	disconnect(&u, "");
	contacts_free(&u);
	msgs_free(&u);
	ui_popup(&u, UI_POP_NONE, NULL, NULL);
	ui_edit_free(&u.edit);
	json_decref(u.methods);
	free(u.inbuf);
	free(u.refused);
	return EXIT_OK;
}
