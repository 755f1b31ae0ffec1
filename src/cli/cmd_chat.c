/*
 * cmd_chat.c -- warren chat CONTACT: an interactive conversation. Lines
 * you type are sent; incoming messages and delivery ticks appear as they
 * come. Plain line I/O, so it works in any terminal, tmux, or a pipe.
 */
#include <errno.h>
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


#define CHAT_MAX_PENDING 4096	/* message ids we wait ticks for */

/* A string member or "". */
static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* HH:MM now. */
static const char *
now_hm(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, n, "%H:%M", &tm);
	return buf;
}

/* Show one event if it belongs to this conversation. */
static void
chat_event(struct cli *cli, json_t *ev, const char *addr, const char *name)
{
	json_t *d = json_object_get(ev, "data");
	const char *type = jstr(ev, "type");
	char hm[8];

	if (strcmp(jstr(d, "contact"), addr) != 0)
		return;
	if (strcmp(type, "message.received") == 0)
		printf("%s %s%s%s: %s\n", now_hm(hm, sizeof hm),
		    cli_bold(cli), name, cli_reset(cli), jstr(d, "text"));
	else if (strcmp(type, "message.delivered") == 0)
		printf("%s %s\xe2\x9c\x93 delivered (message %lld)%s\n",
		    now_hm(hm, sizeof hm), cli_green(cli),
		    (long long)json_integer_value(json_object_get(d,
		    "message")), cli_reset(cli));
	else if (strcmp(type, "message.read") == 0)
		printf("%s %s\xe2\x9c\x93\xe2\x9c\x93 read (message %lld)%s\n",
		    now_hm(hm, sizeof hm), cli_green(cli),
		    (long long)json_integer_value(json_object_get(d,
		    "message")), cli_reset(cli));
	else if (strcmp(type, "contact.online") == 0)
		printf("%s %s is online\n", now_hm(hm, sizeof hm), name);
	else if (strcmp(type, "contact.offline") == 0)
		printf("%s %s went offline; messages wait in your outbox\n",
		    now_hm(hm, sizeof hm), name);
	else if (strcmp(type, "contact.incompatible") == 0)
		printf("%s %s*** %s: %s%s\n", now_hm(hm, sizeof hm),
		    cli_red(cli), name, jstr(d, "text"), cli_reset(cli));
	else if (strcmp(type, "security.alert") == 0)
		printf("%s %s*** %s%s\n", now_hm(hm, sizeof hm), cli_red(cli),
		    jstr(d, "alert"), cli_reset(cli));
	else if (strcmp(type, "conversation.timer") == 0)
		printf("%s disappearing messages: %lld s\n",
		    now_hm(hm, sizeof hm),
		    (long long)json_integer_value(json_object_get(d,
		    "timer")));
	fflush(stdout);
}

/* warren chat CONTACT */
int
cmd_chat(struct cli *cli, int argc, char **argv)
{
	struct client *ev;
	struct pollfd pfd[2];
	json_t *r, *e;
	char *line = NULL, *refused = NULL, addr[64], name[128];
	size_t cap = 0;
	ssize_t n;
	int code;
	const char *msg;

	if (cli_noopts(&argc, argv) != 0 || argc != 2)
		return cli_usage(cli_find("chat"), stderr);
	cli_utf8(cli, "the contact", argv[1]);
	/* Resolve the contact (and show the last few messages). */
	r = cli_call(cli, "messages.list", json_pack("{s:s, s:i, s:b}",
	    "contact", argv[1], "limit", 10, "mark_read", 1));
	snprintf(addr, sizeof addr, "%s", jstr(r, "contact"));
	snprintf(name, sizeof name, "%s", jstr(r, "name")[0] ?
	    jstr(r, "name") : addr);
	{
		json_t *m;
		size_t i;

		json_array_foreach(json_object_get(r, "messages"), i, m)
			printf("%s%s%s: %s\n", cli_bold(cli),
			    strcmp(jstr(m, "direction"), "in") == 0 ? name :
			    strcmp(jstr(m, "direction"), "out") == 0 ? "me" :
			    "***", cli_reset(cli), jstr(m, "text"));
	}
	json_decref(r);
	printf("-- chatting with %s; type a line to send it, Ctrl-D to leave "
	    "--\n", name);
	fflush(stdout);

	if ((ev = client_connect(cli->dir)) == NULL) {
		fprintf(stderr, "warren: cannot reach warrend\n");
		return EXIT_NODAEMON;
	}
	if ((r = client_call(ev, "events.subscribe", NULL, &code, &msg)) ==
	    NULL) {
		fprintf(stderr, "warren: %s\n", msg);
		client_free(ev);
		return EXIT_FAIL;
	}
	json_decref(r);
	client_unbuffered(ev);
	setvbuf(stdin, NULL, _IONBF, 0);
	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = client_fd(ev);
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents & (POLLIN | POLLHUP)) {
			if ((e = client_next(ev)) == NULL) {
				fprintf(stderr, "warren: warrend went away\n");
				break;
			}
			if (json_object_get(e, "params") != NULL)
				chat_event(cli, json_object_get(e, "params"),
				    addr, name);
			json_decref(e);
			continue;
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		if ((n = getline(&line, &cap, stdin)) <= 0)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (strlen(line) > WARREN_MAX_TEXT) {
			printf("*** too long: the limit is %d bytes\n",
			    WARREN_MAX_TEXT);
			continue;
		}
		if ((e = json_string(line)) == NULL) {
			printf("*** not sent: the line is not valid UTF-8\n");
			continue;
		}
		json_decref(e);
		/* The same line twice after a session-reset warning: send. */
		r = cli_try(cli, "messages.send", json_pack("{s:s, s:s, s:b}",
		    "contact", addr, "text", line, "force", refused != NULL &&
		    strcmp(refused, line) == 0), &code, &msg);
		free(refused);
		refused = NULL;
		if (r == NULL && code == 1013) {
			printf("*** not sent: the session with %s was set up "
			    "again; compare safety numbers (warren verify), or "
			    "type the same line again to send it anyway\n",
			    name);
			refused = strdup(line);
		} else if (r == NULL)
			printf("*** not sent: %s\n", msg);
		else
			printf("%s(message %lld queued)%s\n", cli_yellow(cli),
			    (long long)json_integer_value(json_object_get(r,
			    "id")), cli_reset(cli));
		json_decref(r);
		fflush(stdout);
	}
	free(line);
	free(refused);
	client_free(ev);
	return EXIT_OK;
}
