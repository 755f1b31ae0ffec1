/*
 * ui_cmd.c -- the slash commands of `warren ui` (a table: /help and Tab
 * completion read it) and the popups they open (/verify, /remove,
 * /accept's list). Each command is a call on the daemon's socket.
 *
 * A command whose `needs` names an RPC method is there only when the
 * daemon offers that method (rpc.methods): /file appears once warrend
 * has file transfer (files.send) and is absent before.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cli/qr.h"
#include "cli/ui.h"
#include "crypto/safety.h"
#include "util/duration.h"
#include "util/xmalloc.h"

struct ui_cmd {
	const char *name;
	const char *args;
	const char *summary;
	void (*fn)(struct ui *, char *arg);
	const char *needs;	/* an RPC method, or NULL */
};

static void c_add(struct ui *, char *);
static void c_accept(struct ui *, char *);
static void c_reject(struct ui *, char *);
static void c_block(struct ui *, char *);
static void c_verify(struct ui *, char *);
static void c_timer(struct ui *, char *);
static void c_rename(struct ui *, char *);
static void c_remove(struct ui *, char *);
static void c_file(struct ui *, char *);
static void c_bell(struct ui *, char *);
static void c_help(struct ui *, char *);
static void c_quit(struct ui *, char *);

static const struct ui_cmd ui_cmds[] = {
	{ "add", "ADDRESS [NAME [GREETING]]", "send a contact request",
	    c_add, NULL },
	{ "accept", "[N|CONTACT]", "accept a request (alone: list them)",
	    c_accept, NULL },
	{ "reject", "N|CONTACT", "reject a contact request", c_reject,
	    NULL },
	{ "block", "[CONTACT]", "block this (or another) contact", c_block,
	    NULL },
	{ "verify", "[confirm]", "safety number and QR code to compare",
	    c_verify, NULL },
	{ "timer", "[DURATION|off]", "disappearing messages (e.g. 1h)",
	    c_timer, NULL },
	{ "rename", "NAME", "change what you call this contact", c_rename,
	    NULL },
	{ "remove", "", "remove this contact and its history", c_remove,
	    NULL },
	{ "file", "PATH", "send a file", c_file, "files.send" },
	{ "bell", "[on|off]", "the bell for messages in other chats",
	    c_bell, NULL },
	{ "help", "", "commands and keys", c_help, NULL },
	{ "quit", "", "leave (warrend keeps running)", c_quit, NULL },
};
#define NCMDS	(sizeof ui_cmds / sizeof ui_cmds[0])

static int
available(const struct ui *u, const struct ui_cmd *c)
{
	return c->needs == NULL || ui_has_method(u, c->needs);
}

/* Leading and trailing blanks off; returns s. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Split off the first word of *p (NULL when none). */
static char *
word(char **p)
{
	char *w;

	*p = trim(*p);
	if (**p == '\0')
		return NULL;
	w = *p;
	if ((*p = strchr(w, ' ')) != NULL)
		*(*p)++ = '\0';
	else
		*p = w + strlen(w);
	return w;
}

/* The selected contact's address, or NULL after saying so. */
static const char *
current(struct ui *u)
{
	if (u->cur[0] == '\0') {
		ui_info(u, 1, "no contact selected");
		return NULL;
	}
	if (ui_in_group(u)) {
		ui_info(u, 1, "a group is selected: this works on a contact "
		    "(Tab to one)");
		return NULL;
	}
	return u->cur;
}

/* Call; on error say it and return NULL. */
static json_t *
call(struct ui *u, const char *method, json_t *params)
{
	const char *msg;
	json_t *r;
	int code;

	if ((r = ui_call(u, method, params, &code, &msg)) == NULL)
		ui_info(u, 1, "%s", msg);
	return r;
}

/* Run a line that starts with '/'. */
void
ui_command(struct ui *u, const char *line)
{
	char *copy, *p, *name;
	size_t i;

	u->info[0] = '\0';
	p = copy = xstrdup(line + 1);
	if ((name = word(&p)) == NULL)
		name = "";
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(ui_cmds[i].name, name) == 0 &&
		    available(u, &ui_cmds[i])) {
			ui_cmds[i].fn(u, trim(p));
			free(copy);
			return;
		}
	}
	ui_info(u, 1, "no command /%s: /help lists them (// sends a line "
	    "starting with /)", name);
	free(copy);
}

/* Tab after "/pre" (no space yet): the command, or what all share. */
int
ui_complete(struct ui *u)
{
	struct ui_edit *e = &u->edit;
	const struct ui_cmd *m = NULL;
	wchar_t w[32];
	size_t i, j, n = 0, plen, common = 0;
	char pre[32];

	if (e->len == 0 || e->buf[0] != L'/' || e->len >= sizeof pre ||
	    wmemchr(e->buf, L' ', e->len) != NULL || e->cur != e->len)
		return 0;
	for (i = 1; i < e->len; i++) {
		if (e->buf[i] > 0x7e)
			return 0;
		pre[i - 1] = (char)e->buf[i];
	}
	pre[e->len - 1] = '\0';
	plen = strlen(pre);
	for (i = 0; i < NCMDS; i++) {
		if (!available(u, &ui_cmds[i]) ||
		    strncmp(ui_cmds[i].name, pre, plen) != 0)
			continue;
		if (m == NULL)
			common = strlen(ui_cmds[i].name);
		else
			for (j = plen; j < common &&
			    m->name[j] == ui_cmds[i].name[j]; j++)
				;
		if (m != NULL)
			common = j;
		if (m == NULL)
			m = &ui_cmds[i];
		n++;
	}
	if (m == NULL) {
		ui_info(u, 1, "no command starts with /%s", pre);
		return 1;
	}
	w[0] = L'/';
	for (i = 0; i < common && i + 2 < 32; i++)
		w[i + 1] = (wchar_t)m->name[i];
	i++;
	if (n == 1 && i + 1 < 32)
		w[i++] = L' ';
	ui_edit_set(e, w, i);
	if (n > 1) {
		char list[256] = "";

		for (j = 0; j < NCMDS; j++)
			if (available(u, &ui_cmds[j]) &&
			    strncmp(ui_cmds[j].name, pre, plen) == 0)
				snprintf(list + strlen(list), sizeof list -
				    strlen(list), " /%s", ui_cmds[j].name);
		ui_info(u, 0, "%s", list + 1);
	}
	return 1;
}

/* /help's text. */
char *
ui_help_text(const struct ui *u)
{
	char *s = NULL, *t, use[64];
	size_t i;

	xasprintf(&s, "%s", "");
	for (i = 0; i < NCMDS; i++) {
		if (!available(u, &ui_cmds[i]))
			continue;
		snprintf(use, sizeof use, "/%s %s", ui_cmds[i].name,
		    ui_cmds[i].args);
		xasprintf(&t, "%s%-33s %s\n", s, use, ui_cmds[i].summary);
		free(s);
		s = t;
	}
	xasprintf(&t, "%s\n"
	    "Enter sends; Alt-Enter or a paste adds a new line; //text\n"
	    "sends /text. Tab / Shift-Tab or Alt-1..9: switch contacts\n"
	    "(Tab after /x completes the command). PgUp/PgDn: history.\n"
	    "Left/Right, Home/End, Ctrl-A/E/K/U/W edit; Up/Down: lines\n"
	    "you sent. Ctrl-L redraws. Ctrl-C on an empty line leaves.\n"
	    "In the list: \xe2\x97\x8f online, \xe2\x9c\x93 verified, "
	    "\xe2\x8f\xb1 timer, ! session reset,\n? request sent, "
	    "a number: unread; # a group (below the contacts).\n\n"
	    "Any key closes this.", s);
	free(s);
	return t;
}

static void
c_help(struct ui *u, char *arg)
{
	char *s = ui_help_text(u);

	ui_popup(u, UI_POP_TEXT, "warren ui: help", s);
	free(s);
}

static void
c_quit(struct ui *u, char *arg)
{
	u->quit = 1;
}

static void
c_bell(struct ui *u, char *arg)
{
	if (strcmp(arg, "on") == 0)
		u->bell = 1;
	else if (strcmp(arg, "off") == 0)
		u->bell = 0;
	else if (*arg != '\0') {
		ui_info(u, 1, "usage: /bell [on|off]");
		return;
	}
	ui_info(u, 0, "bell %s", u->bell ? "on" : "off");
}

/* /add ADDRESS [NAME [GREETING]] */
static void
c_add(struct ui *u, char *arg)
{
	char *addr, *name;
	json_t *p, *r;

	if ((addr = word(&arg)) == NULL) {
		ui_info(u, 1, "usage: /add ADDRESS [NAME [GREETING]]");
		return;
	}
	if ((p = json_pack("{s:s}", "address", addr)) == NULL)
		goto bad;
	if ((name = word(&arg)) != NULL &&
	    json_object_set_new(p, "name", json_string(name)) != 0)
		goto bad;
	if (*trim(arg) != '\0' &&
	    json_object_set_new(p, "message", json_string(arg)) != 0)
		goto bad;
	if ((r = call(u, "contacts.add", p)) == NULL)
		return;
	ui_info(u, 0, "request sent to %s; it is retried until they are "
	    "reachable", name != NULL ? name : addr);
	json_decref(r);
	ui_reload_contacts(u);
	return;
bad:
	json_decref(p);
	ui_info(u, 1, "not valid UTF-8");
}

/* The address of request N (1-based), or NULL. */
static char *
request_n(struct ui *u, const char *arg)
{
	json_t *l, *c;
	char *addr = NULL;
	long k;

	if (*arg < '1' || *arg > '9' || strspn(arg, "0123456789") !=
	    strlen(arg) || strlen(arg) > 4)
		return xstrdup(arg);
	k = strtol(arg, NULL, 10);
	if ((l = call(u, "requests.list", NULL)) == NULL)
		return NULL;
	if ((c = json_array_get(json_object_get(l, "requests"),
	    (size_t)k - 1)) == NULL)
		ui_info(u, 1, "there is no request %ld: /accept lists them",
		    k);
	else
		addr = xstrdup(ui_jstr(c, "address"));
	json_decref(l);
	return addr;
}

/* The requests, numbered, in a popup. */
static void
list_requests(struct ui *u)
{
	json_t *l, *c;
	char *s, *t;
	size_t i;

	if ((l = call(u, "requests.list", NULL)) == NULL)
		return;
	if (json_array_size(json_object_get(l, "requests")) == 0) {
		ui_info(u, 0, "no requests are waiting");
		json_decref(l);
		return;
	}
	s = xstrdup("");
	json_array_foreach(json_object_get(l, "requests"), i, c) {
		xasprintf(&t, "%s%zu  %s  %.16s\xe2\x80\xa6\n   \"%s\"\n", s,
		    i + 1, ui_jstr(c, "name")[0] ? ui_jstr(c, "name") :
		    "(no name)", ui_jstr(c, "address"), ui_jstr(c, "text"));
		free(s);
		s = t;
	}
	xasprintf(&t, "%s\n/accept N or /reject N. Any key closes this.", s);
	ui_popup(u, UI_POP_TEXT, "contact requests", t);
	free(s);
	free(t);
	json_decref(l);
}

/* /accept and /reject. */
static void
request_verb(struct ui *u, char *arg, const char *method, const char *done)
{
	json_t *r;
	char *addr;

	if ((addr = request_n(u, arg)) == NULL)
		return;
	if ((r = call(u, method, json_pack("{s:s}", "contact", addr))) !=
	    NULL) {
		ui_info(u, 0, "%s %s", ui_jstr(r, "name")[0] ?
		    ui_jstr(r, "name") : ui_jstr(r, "address"), done);
		json_decref(r);
		ui_reload_contacts(u);
	}
	free(addr);
}

static void
c_accept(struct ui *u, char *arg)
{
	if (*arg == '\0')
		list_requests(u);
	else
		request_verb(u, arg, "contacts.accept", "is now a contact");
}

static void
c_reject(struct ui *u, char *arg)
{
	if (*arg == '\0')
		list_requests(u);
	else
		request_verb(u, arg, "contacts.reject", "rejected");
}

static void
c_block(struct ui *u, char *arg)
{
	const char *who = *arg != '\0' ? arg : current(u);
	json_t *r;

	if (who == NULL)
		return;
	if ((r = call(u, "contacts.block", json_pack("{s:s}", "contact",
	    who))) == NULL)
		return;
	ui_info(u, 0, "blocked");
	json_decref(r);
	ui_reload_contacts(u);
}

/* contacts.verify on the selected contact; show or confirm. */
static void
verify(struct ui *u, const char *addr, int confirm)
{
	json_t *r;
	const char *d;
	char *qr, *s, payload[sizeof SAFETY_QR_PREFIX + SAFETY_LEN], g[128];
	int i;

	if ((r = call(u, "contacts.verify", json_pack("{s:s, s:b}",
	    "contact", addr, "confirm", confirm))) == NULL)
		return;
	d = ui_jstr(r, "safety_number");
	if (strlen(d) != SAFETY_LEN || strspn(d, "0123456789") !=
	    SAFETY_LEN) {
		ui_info(u, 1, "warrend sent a malformed safety number");
		json_decref(r);
		return;
	}
	if (confirm) {
		ui_info(u, 0, "%s is verified", ui_jstr(r, "name")[0] ?
		    ui_jstr(r, "name") : "the contact");
		json_decref(r);
		ui_reload_contacts(u);
		ui_reload_conversation(u, 0);
		return;
	}
	g[0] = '\0';
	for (i = 0; i < SAFETY_GROUPS; i++)
		snprintf(g + strlen(g), sizeof g - strlen(g), "%.*s%s",
		    SAFETY_GROUP_LEN, d + i * SAFETY_GROUP_LEN,
		    i % 4 == 3 ? "\n" : " ");
	snprintf(payload, sizeof payload, "%s%s", SAFETY_QR_PREFIX, d);
	qr = qr_render(payload, 0, NULL);
	xasprintf(&s, "Safety number with %s:\n\n%s\n%s Compare it with them "
	    "in person\n(or scan each other's code).\n"
	    "c: they match, mark verified    any other key: close\n\n%s",
	    ui_jstr(r, "name")[0] ? ui_jstr(r, "name") : ui_jstr(r, "address"),
	    g, json_is_true(json_object_get(r, "verified")) ?
	    "Verified already." : "Not verified yet.", qr != NULL ? qr : "");
	ui_popup(u, UI_POP_VERIFY, "verify", s);
	snprintf(u->pop_arg, sizeof u->pop_arg, "%s", addr);
	free(s);
	free(qr);
	json_decref(r);
}

static void
c_verify(struct ui *u, char *arg)
{
	const char *addr;

	if ((addr = current(u)) == NULL)
		return;
	if (*arg != '\0' && strcmp(arg, "confirm") != 0) {
		ui_info(u, 1, "usage: /verify [confirm]");
		return;
	}
	verify(u, addr, *arg != '\0');
}

static void
c_timer(struct ui *u, char *arg)
{
	const struct ui_contact *c = ui_current(u);
	char words[64];
	long secs;
	json_t *r;

	if (current(u) == NULL)
		return;
	if (*arg == '\0') {
		duration_words(words, sizeof words, c != NULL ?
		    (long)c->timer : 0);
		ui_info(u, 0, "disappearing messages: %s", words);
		return;
	}
	if (duration_parse(arg, &secs) != 0 || (secs > 0 && secs < 30)) {
		ui_info(u, 1, "a timer is off or 30s .. 4w (e.g. 90s, 5m, "
		    "1.5h, 1d)");
		return;
	}
	if ((r = call(u, "contacts.set_timer", json_pack("{s:s, s:I}",
	    "contact", u->cur, "seconds", (json_int_t)secs))) == NULL)
		return;
	duration_words(words, sizeof words, secs);
	ui_info(u, 0, "disappearing messages: %s", words);
	json_decref(r);
	ui_reload_contacts(u);
	ui_reload_conversation(u, 0);
}

static void
c_rename(struct ui *u, char *arg)
{
	json_t *p, *r;

	if (current(u) == NULL)
		return;
	if (*arg == '\0') {
		ui_info(u, 1, "usage: /rename NAME");
		return;
	}
	if ((p = json_pack("{s:s, s:s}", "contact", u->cur, "name", arg)) ==
	    NULL) {
		ui_info(u, 1, "not valid UTF-8");
		return;
	}
	if ((r = call(u, "contacts.rename", p)) == NULL)
		return;
	ui_info(u, 0, "renamed");
	json_decref(r);
	ui_reload_contacts(u);
}

static void
c_remove(struct ui *u, char *arg)
{
	const struct ui_contact *c = ui_current(u);
	char *s;

	if (current(u) == NULL || c == NULL)
		return;
	xasprintf(&s, "Remove %s and the whole conversation?\n\n"
	    "y: remove    any other key: keep", c->name != NULL ? c->name :
	    c->address);
	ui_popup(u, UI_POP_REMOVE, "remove", s);
	snprintf(u->pop_arg, sizeof u->pop_arg, "%s", c->address);
	free(s);
}

/* The hook for file transfer: present only with files.send. */
static void
c_file(struct ui *u, char *arg)
{
	json_t *p, *r;
	const char *msg;
	char *abs;
	int code;

	if (current(u) == NULL)
		return;
	if (*arg == '\0') {
		ui_info(u, 1, "usage: /file PATH");
		return;
	}
	if ((abs = realpath(arg, NULL)) == NULL) {
		ui_info(u, 1, "/file %s: %s", arg, strerror(errno));
		return;
	}
	p = json_pack("{s:s, s:s}", "contact", u->cur, "path", abs);
	free(abs);
	if (p == NULL) {
		ui_info(u, 1, "the path is not valid UTF-8");
		return;
	}
	if ((r = ui_call(u, "files.send", p, &code, &msg)) == NULL) {
		ui_info(u, 1, "/file not sent: %s", msg);	/* warrend's why */
		return;
	}
	ui_info(u, 0, "file offered: %s (%lld bytes)", ui_jstr(r,
	    "filename"), (long long)json_integer_value(json_object_get(r,
	    "size")));
	json_decref(r);
	ui_reload_conversation(u, 0);
}

/* A key while the /verify or /remove popup is open. */
void
ui_popup_key(struct ui *u, int key)
{
	char addr[64];
	enum ui_popup kind = u->popup;
	json_t *r;

	snprintf(addr, sizeof addr, "%s", u->pop_arg);
	ui_popup(u, UI_POP_NONE, NULL, NULL);
	if (kind == UI_POP_VERIFY && (key == 'c' || key == 'C'))
		verify(u, addr, 1);
	else if (kind == UI_POP_REMOVE && (key == 'y' || key == 'Y')) {
		if ((r = call(u, "contacts.remove", json_pack("{s:s}",
		    "contact", addr))) == NULL)
			return;
		json_decref(r);
		ui_info(u, 0, "removed, with its history");
		ui_reload_contacts(u);
	}
}
