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
#include "cli/cli.h"
#include "cli/client.h"


/* "30s", "5m", "2h", "1d", "4w" or plain seconds; "off" is 0; -1 if bad. */
static long
parse_duration(const char *s)
{
	char *end;
	long v;

	if (strcmp(s, "off") == 0 || strcmp(s, "0") == 0)
		return 0;
	v = strtol(s, &end, 10);
	if (end == s || v <= 0 || v > 4 * 7 * 86400)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		v *= 60;
		break;
	case 'h':
		v *= 3600;
		break;
	case 'd':
		v *= 86400;
		break;
	case 'w':
		v *= 7 * 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	return v <= 4 * 7 * 86400 ? v : -1;
}

/* A string member or "". */
static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* Read all of stdin (up to the text limit + 1). */
static char *
read_stdin(void)
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
	long expire = -1;
	int i, ch, force = 0, code;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+e:f", opts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			if ((expire = parse_duration(optarg)) < 0 ||
			    (expire > 0 && expire < 30)) {
				fprintf(stderr, "warren: --expire takes off or "
				    "30s to 4w (e.g. 90s, 5m, 1h, 2d, 1w)\n");
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
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 2)
		return cli_usage(cli_find("send"), stderr);
	if (argc == 2 || (argc == 3 && strcmp(argv[2], "-") == 0)) {
		if ((text = read_stdin()) == NULL)
			return EXIT_FAIL;
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
		fprintf(stderr, "warren: message too long: the limit is %d "
		    "bytes\n", WARREN_MAX_TEXT);
		free(text);
		return EXIT_FAIL;
	}
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
		fprintf(stderr, "warren: %s\n", msg);
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

/* warren log CONTACT [--limit N] */
int
cmd_log(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	json_t *r, *a, *m;
	long limit = 100;
	size_t i;
	int ch;
	char when[64];
	const char *st;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		char *end;

		if (ch != 'n' || (limit = strtol(optarg, &end, 10)) < 1 ||
		    limit > 10000 || *end != '\0')
			return cli_usage(cli_find("log"), stderr);
	}
	if (argc - optind != 1)
		return cli_usage(cli_find("log"), stderr);
	r = cli_call(cli, "messages.list", json_pack("{s:s, s:i, s:b}",
	    "contact", argv[optind], "limit", (int)limit, "mark_read", 1));
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
		    cli_reset(cli), argv[optind]);
	a = json_object_get(r, "messages");
	if (json_array_size(a) == 0)
		printf("no messages with %s yet\n", jstr(r, "contact"));
	json_array_foreach(a, i, m) {
		reltime(when, sizeof when,
		    json_integer_value(json_object_get(m, "time")));
		st = jstr(m, "state");
		if (strcmp(jstr(m, "direction"), "out") == 0)
			printf("%s%-14s%s me      %s  %s[%s]%s\n", cli_bold(cli),
			    when, cli_reset(cli), jstr(m, "text"),
			    strcmp(st, "delivered") == 0 ||
			    strcmp(st, "read") == 0 ? cli_green(cli) :
			    cli_yellow(cli), st, cli_reset(cli));
		else if (strcmp(jstr(m, "direction"), "note") == 0)
			printf("%s%-14s%s %s*** %s%s\n", cli_bold(cli), when,
			    cli_reset(cli), cli_yellow(cli), jstr(m, "text"),
			    cli_reset(cli));
		else if (strcmp(st, "undecryptable") == 0)
			printf("%s%-14s%s them    %s[undecryptable message]%s\n",
			    cli_bold(cli), when, cli_reset(cli),
			    cli_red(cli), cli_reset(cli));
		else
			printf("%s%-14s%s them    %s\n", cli_bold(cli), when,
			    cli_reset(cli), jstr(m, "text"));
	}
	json_decref(r);
	return EXIT_OK;
}

/* One event as a line for people. */
static void
print_event(struct cli *cli, json_t *ev)
{
	json_t *d = json_object_get(ev, "data");
	const char *type = jstr(ev, "type");
	const char *who = jstr(d, "name")[0] ? jstr(d, "name") :
	    jstr(d, "contact");

	printf("%s[%lld]%s %s", cli_bold(cli),
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
	else if (jstr(d, "contact")[0])
		printf(" %s", who);
	if (jstr(d, "alert")[0])
		printf(": %s%s%s", cli_red(cli), jstr(d, "alert"),
		    cli_reset(cli));
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
	json_t *p, *r, *ev;
	long long since = -1;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
		char *end;

		if (ch != 's' || (since = strtoll(optarg, &end, 10)) < 0 ||
		    *end != '\0' || end == optarg)
			return cli_usage(cli_find("watch"), stderr);
	}
	if (argc != optind)
		return cli_usage(cli_find("watch"), stderr);
	p = json_object();
	if (since >= 0)
		json_object_set_new(p, "since", json_integer(since));
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
				print_event(cli, params);
		}
		json_decref(ev);
	}
	fprintf(stderr, "warren: warrend closed the event stream\n");
	return EXIT_FAIL;
}

/* warren timer CONTACT DURATION|off */
int
cmd_timer(struct cli *cli, int argc, char **argv)
{
	json_t *r;
	long secs;

	if (argc != 3)
		return cli_usage(cli_find("timer"), stderr);
	if ((secs = parse_duration(argv[2])) < 0 || (secs > 0 && secs < 30)) {
		fprintf(stderr, "warren: the timer is off or 30s to 4w "
		    "(e.g. 30s, 5m, 1h, 1d, 1w)\n");
		return EXIT_USAGE;
	}
	r = cli_call(cli, "contacts.set_timer", json_pack("{s:s, s:i}",
	    "contact", argv[1], "seconds", (int)secs));
	if (cli->json)
		cli_print_json(r);
	else if (secs == 0)
		printf("disappearing messages off for %s\n",
		    jstr(r, "address"));
	else
		printf("messages with %s now disappear %ld s after they are "
		    "sent or received\n", jstr(r, "address"), secs);
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
