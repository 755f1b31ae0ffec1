/* cmd_messages.c -- warren send, log, watch. */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "cli/cli.h"
#include "cli/client.h"
#include "util/duration.h"


/* A duration as people type it ("90s", "1.5h", "1h30m", "off"); -1 if bad. */
static long
parse_duration(const char *s)
{
	long v;

	return duration_parse(s, &v) == 0 ? v : -1;
}

/* A string member or "". */
static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* Read all of stdin (up to the text limit + 1); its length in *lenp. */
static char *
read_stdin(size_t *lenp)
{
	size_t len = 0, cap = WARREN_MAX_TEXT + 2, n;
	char *buf = malloc(cap);

	if (buf == NULL)
		return NULL;
	while (len < cap - 1 && (n = fread(buf + len, 1, cap - 1 - len,
	    stdin)) > 0)
		len += n;
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* Ask on the terminal; 1 for yes. */
static int
confirm(const char *q)
{
	char buf[16];
	FILE *tty;
	int yes = 0;

	if (!isatty(STDIN_FILENO) || (tty = fopen("/dev/tty", "r+")) == NULL)
		return 0;
	fprintf(tty, "%s [y/N] ", q);
	fflush(tty);
	if (fgets(buf, sizeof buf, tty) != NULL)
		yes = buf[0] == 'y' || buf[0] == 'Y';
	fclose(tty);
	return yes;
}

/* warren send [--expire D] [--force] CONTACT TEXT... | CONTACT - */
int
cmd_send(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expire", required_argument, NULL, 'e' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	json_t *r, *p;
	const char *msg;
	char *text;
	size_t len = 0;
	struct cli_args a = { 0, 0 };
	long expire = -1;
	int i, ch, force = 0, code;

	while ((ch = cli_getopt(&a, &argc, argv, "e:f", opts)) != -1) {
		switch (ch) {
		case 'e':
			if ((expire = parse_duration(optarg)) < 0 ||
			    (expire > 0 && expire < 30)) {
				fprintf(stderr, "warren: --expire takes off or "
				    "30s to 4w (e.g. 90s, 5m, 1.5h, 1h30m, 2d, "
				    "1w)\n");
				return EXIT_USAGE;
			}
			break;
		case 'f':
			force = 1;
			break;
		default:
			return cli_usage(cli_find("send"), stderr);
		}
	}
	if (argc < 2)
		return cli_usage(cli_find("send"), stderr);
	cli_utf8(cli, "the contact", argv[1]);
	if (argc == 2 || (argc == 3 && strcmp(argv[2], "-") == 0)) {
		if ((text = read_stdin(&len)) == NULL)
			return EXIT_FAIL;
		if (strlen(text) != len) {
			cli_error(cli, RPC_E_BAD_TEXT, "message text contains "
			    "a NUL byte");
			free(text);
			return EXIT_FAIL;
		}
	} else {
		for (i = 2; i < argc; i++)
			len += strlen(argv[i]) + 1;
		text = calloc(1, len + 1);
		for (i = 2; i < argc; i++) {
			if (i > 2)
				strcat(text, " ");
			strcat(text, argv[i]);
		}
	}
	if (strlen(text) > WARREN_MAX_TEXT) {
		char e[64];

		snprintf(e, sizeof e, "message too long: the limit is %d "
		    "bytes", WARREN_MAX_TEXT);
		cli_error(cli, RPC_E_TOO_LONG, e);
		free(text);
		return EXIT_FAIL;
	}
	cli_utf8(cli, "message text", text);
	p = json_pack("{s:s, s:s, s:b}", "contact", argv[1], "text", text,
	    "force", force);
	if (expire >= 0)
		json_object_set_new(p, "expire", json_integer(expire));
	json_incref(p);
	r = cli_try(cli, "messages.send", p, &code, &msg);
	if (r == NULL && code == 1013 && !cli->json) {
		fprintf(stderr, "warren: %s\n", msg);
		if (!confirm("send anyway?")) {
			json_decref(p);
			free(text);
			return EXIT_FAIL;
		}
		json_object_set_new(p, "force", json_true());
		json_incref(p);
		r = cli_try(cli, "messages.send", p, &code, &msg);
	}
	json_decref(p);
	free(text);
	if (r == NULL) {
		cli_error(cli, code, msg);
		return EXIT_FAIL;
	}
	if (cli->json)
		cli_print_json(r);
	else
		printf("message %lld queued\n",
		    (long long)json_integer_value(json_object_get(r, "id")));
	json_decref(r);
	return EXIT_OK;
}

/* "3 min ago" and friends. */
static void
reltime(char *buf, size_t n, long long ms)
{
	long long d = (long long)time(NULL) - ms / 1000;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (d < 60)
		snprintf(buf, n, "just now");
	else if (d < 3600)
		snprintf(buf, n, "%lld min ago", d / 60);
	else if (d < 86400)
		snprintf(buf, n, "%lld h ago", d / 3600);
	else {
		localtime_r(&t, &tm);
		strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
	}
}

/*
 * " (disappears in 4 min)" for a message with an expiry time, else "".
 * The daemon deletes it then; until the next check it may still show.
 */
static void
expiry_mark(char *buf, size_t n, json_t *m)
{
	json_t *e = json_object_get(m, "expires");
	long long left;
	char words[64];

	buf[0] = '\0';
	if (!json_is_integer(e))
		return;
	left = (json_integer_value(e) - (long long)time(NULL) * 1000 + 999) /
	    1000;
	if (left <= 0) {
		snprintf(buf, n, " (disappearing now)");
		return;
	}
	duration_words(words, sizeof words, (long)left);
	snprintf(buf, n, " (disappears in %s)", words);
}

/* warren log CONTACT [--limit N] [--no-mark-read | --mark-read] */
int
cmd_log(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "no-mark-read", no_argument, NULL, 'R' },
		{ "mark-read", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args args = { 0, 0 };
	json_t *r, *a, *m;
	long limit = 100;
	size_t i;
	int ch, mark = -1;
	char when[64], exp[96];
	const char *st;

	while ((ch = cli_getopt(&args, &argc, argv, "n:", opts)) != -1) {
		char *end;

		if (ch == 'R' || ch == 'r') {
			mark = ch == 'r';
			continue;
		}
		if (ch != 'n' || (limit = strtol(optarg, &end, 10)) < 1 ||
		    limit > 10000 || *end != '\0')
			return cli_usage(cli_find("log"), stderr);
	}
	if (argc != 2)
		return cli_usage(cli_find("log"), stderr);
	cli_utf8(cli, "the contact", argv[1]);
	/* Scripts (--json) read without telling the contact: no receipts. */
	if (mark < 0)
		mark = !cli->json;
	r = cli_call(cli, "messages.list", json_pack("{s:s, s:i, s:b}",
	    "contact", argv[1], "limit", (int)limit, "mark_read", mark));
	if (cli->json) {
		cli_print_json(r);
		json_decref(r);
		return EXIT_OK;
	}
	/* Whether the contact's address was checked in person. */
	if (jstr(r, "name")[0])
		printf("%s (%.16s\xe2\x80\xa6): ", jstr(r, "name"),
		    jstr(r, "contact"));
	else
		printf("%s: ", jstr(r, "contact"));
	if (json_is_true(json_object_get(r, "verified")))
		printf("%sverified%s\n", cli_green(cli), cli_reset(cli));
	else
		printf("%sunverified%s \xe2\x80\x94 compare safety numbers "
		    "with 'warren verify %s'\n", cli_yellow(cli),
		    cli_reset(cli), argv[1]);
	a = json_object_get(r, "messages");
	if (json_array_size(a) == 0)
		printf("no messages with %s yet\n", jstr(r, "contact"));
	json_array_foreach(a, i, m) {
		reltime(when, sizeof when,
		    json_integer_value(json_object_get(m, "time")));
		st = jstr(m, "state");
		expiry_mark(exp, sizeof exp, m);
		if (strcmp(jstr(m, "direction"), "out") == 0)
			printf("%s%-14s%s me      %s  %s[%s]%s%s\n",
			    cli_bold(cli), when, cli_reset(cli),
			    jstr(m, "text"),
			    strcmp(st, "delivered") == 0 ||
			    strcmp(st, "read") == 0 ? cli_green(cli) :
			    cli_yellow(cli), st, cli_reset(cli), exp);
		else if (strcmp(jstr(m, "direction"), "note") == 0)
			printf("%s%-14s%s %s*** %s%s\n", cli_bold(cli), when,
			    cli_reset(cli), cli_yellow(cli), jstr(m, "text"),
			    cli_reset(cli));
		else if (strcmp(st, "undecryptable") == 0)
			printf("%s%-14s%s them    %s[undecryptable message]%s%s"
			    "\n", cli_bold(cli), when, cli_reset(cli),
			    cli_red(cli), cli_reset(cli), exp);
		else
			printf("%s%-14s%s them    %s%s\n", cli_bold(cli), when,
			    cli_reset(cli), jstr(m, "text"), exp);
	}
	json_decref(r);
	return EXIT_OK;
}

/* "14:03:05" today, else "2025-11-27 14:03:05" (local time). */
static void
stamp(char *buf, size_t n, long long ms)
{
	time_t t = (time_t)(ms / 1000), now = time(NULL);
	struct tm tm, today;

	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, n, "%H:%M:%S", &tm);
	else
		strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/* warren receive|unread [--limit N] [--no-mark-read] */
int
cmd_receive(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "no-mark-read", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args args = { 0, 0 };
	json_t *r, *m;
	long limit = 1000;
	size_t i;
	int ch, mark = 1;
	char when[32], exp[96];
	const char *name;

	while ((ch = cli_getopt(&args, &argc, argv, "n:", opts)) != -1) {
		char *end;

		if (ch == 'R') {
			mark = 0;
			continue;
		}
		if (ch != 'n' || (limit = strtol(optarg, &end, 10)) < 1 ||
		    limit > 10000 || *end != '\0')
			return cli_usage(cli_find(argv[0]), stderr);
	}
	if (argc != 1)
		return cli_usage(cli_find(argv[0]), stderr);
	r = cli_call(cli, "messages.unread", json_pack("{s:i, s:b}", "limit",
	    (int)limit, "mark_read", mark));
	if (cli->json) {
		cli_print_json(r);
		json_decref(r);
		return EXIT_OK;
	}
	if (json_array_size(json_object_get(r, "messages")) == 0)
		printf("no new messages\n");
	json_array_foreach(json_object_get(r, "messages"), i, m) {
		stamp(when, sizeof when,
		    json_integer_value(json_object_get(m, "time")));
		expiry_mark(exp, sizeof exp, m);
		name = jstr(m, "name")[0] ? jstr(m, "name") :
		    jstr(m, "contact");
		if (strcmp(jstr(m, "state"), "undecryptable") == 0)
			printf("%s%s%s %s: %s[undecryptable message]%s%s\n",
			    cli_bold(cli), when, cli_reset(cli), name,
			    cli_red(cli), cli_reset(cli), exp);
		else
			printf("%s%s%s %s: %s%s\n", cli_bold(cli), when,
			    cli_reset(cli), name, jstr(m, "text"), exp);
	}
	if (json_is_true(json_object_get(r, "more")))
		printf("(more are waiting: run 'warren %s' again)\n", argv[0]);
	json_decref(r);
	return EXIT_OK;
}

/* Remember what we call each address (watch shows names). */
static void
names_add(json_t *names, json_t *list)
{
	json_t *c;
	size_t i;

	json_array_foreach(list, i, c)
		if (jstr(c, "name")[0])
			json_object_set_new(names, jstr(c, "address"),
			    json_string(jstr(c, "name")));
}

/* One event as a line for people. */
static void
print_event(struct cli *cli, json_t *ev, json_t *names)
{
	json_t *d = json_object_get(ev, "data");
	const char *type = jstr(ev, "type");
	const char *who;
	char when[32];

	/* Keep the names current; a request's nick is not a name of ours. */
	if (jstr(d, "contact")[0] && (strcmp(type, "contact.added") == 0 ||
	    strcmp(type, "contact.changed") == 0)) {
		if (jstr(d, "name")[0] && strcmp(jstr(d, "change"),
		    "removed") != 0)
			json_object_set_new(names, jstr(d, "contact"),
			    json_string(jstr(d, "name")));
		else
			json_object_del(names, jstr(d, "contact"));
	}
	who = json_string_value(json_object_get(names, jstr(d, "contact")));
	if (who == NULL && jstr(d, "name")[0])
		who = jstr(d, "name");
	if (who == NULL || strcmp(type, "contact.request") == 0)
		who = jstr(d, "contact");
	stamp(when, sizeof when,
	    json_integer_value(json_object_get(ev, "time")));
	printf("%s %s[%lld]%s %s", when, cli_bold(cli),
	    (long long)json_integer_value(json_object_get(ev, "id")),
	    cli_reset(cli), type);
	if (strcmp(type, "message.received") == 0)
		printf(" from %s: %s", who, jstr(d, "text"));
	else if (strcmp(type, "tor.progress") == 0)
		printf(" %lld%% %s",
		    (long long)json_integer_value(json_object_get(d,
		    "progress")), jstr(d, "summary"));
	else if (strcmp(type, "message.delivered") == 0)
		printf(" message %lld to %s",
		    (long long)json_integer_value(json_object_get(d,
		    "message")), who);
	else if (strcmp(type, "message.read") == 0)
		printf(" message %lld by %s",
		    (long long)json_integer_value(json_object_get(d,
		    "message")), who);
	else if (strcmp(type, "conversation.timer") == 0) {
		char words[64];

		duration_words(words, sizeof words,
		    (long)json_integer_value(json_object_get(d, "timer")));
		printf(" with %s: %s (set by %s)", who, words, jstr(d, "by"));
	} else if (jstr(d, "contact")[0])
		printf(" %s", who);
	if (jstr(d, "alert")[0])
		printf(": %s%s%s", cli_red(cli), jstr(d, "alert"),
		    cli_reset(cli));
	if (strcmp(type, "contact.request") == 0 && jstr(d, "name")[0])
		printf(" (calls itself \"%s\")", jstr(d, "name"));
	if (jstr(d, "text")[0] && strcmp(type, "contact.request") == 0)
		printf(": \"%s\"", jstr(d, "text"));
	printf("\n");
}

/* warren watch [--since ID] */
int
cmd_watch(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args a = { 0, 0 };
	json_t *p, *r, *ev, *names;
	long long since = -1;
	int ch;

	while ((ch = cli_getopt(&a, &argc, argv, "s:", opts)) != -1) {
		char *end;

		if (ch != 's' || (since = strtoll(optarg, &end, 10)) < 0 ||
		    *end != '\0' || end == optarg)
			return cli_usage(cli_find("watch"), stderr);
	}
	if (argc != 1)
		return cli_usage(cli_find("watch"), stderr);
	p = json_object();
	if (since >= 0)
		json_object_set_new(p, "since", json_integer(since));
	names = json_object();
	if (!cli->json) {
		r = cli_call(cli, "contacts.list", NULL);
		names_add(names, json_object_get(r, "contacts"));
		json_decref(r);
	}
	r = cli_call(cli, "events.subscribe", p);
	json_decref(r);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((ev = client_next(cli->c)) != NULL) {
		json_t *params = json_object_get(ev, "params");

		if (params != NULL) {
			if (cli->json) {
				json_dumpf(params, stdout, JSON_COMPACT);
				fputc('\n', stdout);
			} else
				print_event(cli, params, names);
		}
		json_decref(ev);
	}
	json_decref(names);
	fprintf(stderr, "warren: warrend closed the event stream\n");
	return EXIT_FAIL;
}

/* What to call a contact in a sentence: its name, else its address. */
static const char *
who(json_t *c)
{
	return jstr(c, "name")[0] ? jstr(c, "name") : jstr(c, "address");
}

/* warren timer CONTACT: the conversation's timer now. */
static int
timer_show(struct cli *cli, const char *contact)
{
	json_t *r;
	char words[64];
	long secs;

	r = cli_call(cli, "contacts.get", json_pack("{s:s}", "contact",
	    contact));
	secs = (long)json_integer_value(json_object_get(r, "timer"));
	duration_words(words, sizeof words, secs);
	if (cli->json)
		cli_print_json(r);
	else if (secs == 0)
		printf("disappearing messages with %s: off\n", who(r));
	else
		printf("disappearing messages with %s: %s (messages disappear "
		    "%s after they are sent or received)\n", who(r), words,
		    words);
	json_decref(r);
	return EXIT_OK;
}

/* warren timer CONTACT [DURATION|off] */
int
cmd_timer(struct cli *cli, int argc, char **argv)
{
	json_t *r;
	char words[64];
	long secs;

	if (cli_noopts(&argc, argv) != 0)
		return cli_usage(cli_find("timer"), stderr);
	if (argc == 2) {
		cli_utf8(cli, "the contact", argv[1]);
		return timer_show(cli, argv[1]);
	}
	if (argc != 3)
		return cli_usage(cli_find("timer"), stderr);
	if ((secs = parse_duration(argv[2])) < 0 || (secs > 0 && secs < 30)) {
		fprintf(stderr, "warren: the timer is off or 30s to 4w "
		    "(e.g. 30s, 5m, 1.5h, 1h30m, 1d, 1w)\n");
		return EXIT_USAGE;
	}
	cli_utf8(cli, "the contact", argv[1]);
	r = cli_call(cli, "contacts.set_timer", json_pack("{s:s, s:i}",
	    "contact", argv[1], "seconds", (int)secs));
	duration_words(words, sizeof words, secs);
	if (cli->json)
		cli_print_json(r);
	else if (secs == 0)
		printf("disappearing messages off for %s\n", who(r));
	else
		printf("messages with %s now disappear %s after they are "
		    "sent or received\n", who(r), words);
	json_decref(r);
	return EXIT_OK;
}

/* warren resend CONTACT: accept a reset session, send what it held. */
int
cmd_resend(struct cli *cli, int argc, char **argv)
{
	json_t *r;
	long long waiting;

	if (argc != 2)
		return cli_usage(cli_find("resend"), stderr);
	r = cli_call(cli, "messages.resend", json_pack("{s:s}", "contact",
	    argv[1]));
	waiting = (long long)json_integer_value(json_object_get(r,
	    "waiting"));
	if (cli->json)
		cli_print_json(r);
	else if (waiting == 0)
		printf("nothing waits for %s\n", jstr(r, "contact"));
	else
		printf("%lld message%s to %s on the way\n", waiting,
		    waiting == 1 ? "" : "s", jstr(r, "contact"));
	json_decref(r);
	return EXIT_OK;
}
