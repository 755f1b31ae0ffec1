/* cmd_contacts.c -- warren add, requests, accept, reject, block, unblock,
 * remove, rename, contacts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/client.h"


/* A string member or "". */
static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* What to call a contact in a sentence: its name, else its address. */
static const char *
who(json_t *c)
{
	return jstr(c, "name")[0] ? jstr(c, "name") : jstr(c, "address");
}

/* warren add ADDR [--name N] [--message TEXT] */
int
cmd_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "message", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *msg = NULL;
	struct cli_args a = { 0, 0 };
	json_t *p, *r;
	int ch;

	while ((ch = cli_getopt(&a, &argc, argv, "n:m:", opts)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'm':
			msg = optarg;
			break;
		default:
			return cli_usage(cli_find("add"), stderr);
		}
	}
	if (argc != 2)
		return cli_usage(cli_find("add"), stderr);
	cli_utf8(cli, "the address", argv[1]);
	if (name != NULL)
		cli_utf8(cli, "the name", name);
	if (msg != NULL)
		cli_utf8(cli, "the greeting (--message)", msg);
	p = json_pack("{s:s}", "address", argv[1]);
	if (name != NULL)
		json_object_set_new(p, "name", json_string(name));
	if (msg != NULL)
		json_object_set_new(p, "message", json_string(msg));
	r = cli_call(cli, "contacts.add", p);
	if (cli->json)
		cli_print_json(r);
	else if (strcmp(jstr(r, "state"), "contact") == 0)
		printf("%s is now a contact\n", who(r));
	else
		printf("contact request to %s queued; it is sent as soon as "
		    "they are online\n", who(r));
	json_decref(r);
	return EXIT_OK;
}

/* Commands of the form `warren VERB CONTACT`. */
static int
contact_verb(struct cli *cli, int argc, char **argv, const char *method,
    const char *done)
{
	json_t *r;

	if (cli_noopts(&argc, argv) != 0 || argc != 2)
		return cli_usage(cli_find(argv[0]), stderr);
	cli_utf8(cli, "the contact", argv[1]);
	r = cli_call(cli, method, json_pack("{s:s}", "contact", argv[1]));
	if (cli->json)
		cli_print_json(r);
	else
		printf("%s %s\n", who(r), done);
	json_decref(r);
	return EXIT_OK;
}

/*
 * accept/reject N: the Nth of `warren requests` (the order is that of
 * arrival, so a new request never shifts the numbers before it).
 */
static int
request_verb(struct cli *cli, int argc, char **argv, const char *method,
    const char *done)
{
	json_t *l, *c, *r;
	const char *p = argc == 2 ? argv[1] : "";
	char addr[128];
	long k;

	if (argc != 2 || *p < '1' || *p > '9' || strspn(p, "0123456789") !=
	    strlen(p) || strlen(p) > 4)
		return contact_verb(cli, argc, argv, method, done);
	k = strtol(p, NULL, 10);
	l = cli_call(cli, "requests.list", NULL);
	if ((c = json_array_get(json_object_get(l, "requests"),
	    (size_t)k - 1)) == NULL) {
		fprintf(stderr, "warren: there is no request %ld; 'warren "
		    "requests' lists them\n", k);
		json_decref(l);
		return EXIT_FAIL;
	}
	snprintf(addr, sizeof addr, "%s", jstr(c, "address"));
	json_decref(l);
	r = cli_call(cli, method, json_pack("{s:s}", "contact", addr));
	if (cli->json)
		cli_print_json(r);
	else if (jstr(r, "name")[0])
		printf("%s (%s) %s\n", jstr(r, "name"), jstr(r, "address"),
		    done);
	else
		printf("%s %s\n", jstr(r, "address"), done);
	json_decref(r);
	return EXIT_OK;
}

int
cmd_accept(struct cli *cli, int argc, char **argv)
{
	return request_verb(cli, argc, argv, "contacts.accept",
	    "is now a contact");
}

int
cmd_reject(struct cli *cli, int argc, char **argv)
{
	return request_verb(cli, argc, argv, "contacts.reject",
	    "rejected; nothing about the request is kept");
}

int
cmd_block(struct cli *cli, int argc, char **argv)
{
	return contact_verb(cli, argc, argv, "contacts.block", "blocked");
}

int
cmd_unblock(struct cli *cli, int argc, char **argv)
{
	return contact_verb(cli, argc, argv, "contacts.unblock", "unblocked");
}

int
cmd_remove(struct cli *cli, int argc, char **argv)
{
	return contact_verb(cli, argc, argv, "contacts.remove",
	    "removed, with its history");
}

/* warren rename CONTACT NAME */
int
cmd_rename(struct cli *cli, int argc, char **argv)
{
	json_t *r;

	if (cli_noopts(&argc, argv) != 0 || argc != 3)
		return cli_usage(cli_find("rename"), stderr);
	cli_utf8(cli, "the contact", argv[1]);
	cli_utf8(cli, "the name", argv[2]);
	r = cli_call(cli, "contacts.rename", json_pack("{s:s, s:s}", "contact",
	    argv[1], "name", argv[2]));
	if (cli->json)
		cli_print_json(r);
	else
		printf("%s is now called %s\n", jstr(r, "address"),
		    jstr(r, "name"));
	json_decref(r);
	return EXIT_OK;
}

/* Display width of a UTF-8 string (code points; good enough for names). */
static int
width(const char *s)
{
	int w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Print s padded to w columns. */
static void
pad(const char *s, int w)
{
	int k;

	fputs(s, stdout);
	for (k = width(s); k < w; k++)
		putchar(' ');
}

/* warren requests */
int
cmd_requests(struct cli *cli, int argc, char **argv)
{
	json_t *r, *a, *c;
	size_t i;

	if (cli_noopts(&argc, argv) != 0 || argc != 1)
		return cli_usage(cli_find("requests"), stderr);
	r = cli_call(cli, "requests.list", NULL);
	if (cli->json) {
		cli_print_json(r);
		json_decref(r);
		return EXIT_OK;
	}
	a = json_object_get(r, "requests");
	if (json_array_size(a) == 0)
		printf("no pending contact requests\n");
	json_array_foreach(a, i, c) {
		printf("%2zu. %s%s%s", i + 1, cli_bold(cli),
		    jstr(c, "address"), cli_reset(cli));
		if (jstr(c, "name")[0])
			printf(" (calls itself \"%s\")", jstr(c, "name"));
		printf("\n");
		if (jstr(c, "text")[0])
			printf("    \"%s\"\n", jstr(c, "text"));
	}
	if (json_array_size(a) > 0)
		printf("\n'warren accept N' or 'warren reject N' (N as above, "
		    "or the address)\n");
	json_decref(r);
	return EXIT_OK;
}

/* warren contacts */
int
cmd_contacts(struct cli *cli, int argc, char **argv)
{
	json_t *r, *a, *c;
	size_t i;
	int w = 4, k;
	char buf[32];

	if (cli_noopts(&argc, argv) != 0 || argc != 1)
		return cli_usage(cli_find("contacts"), stderr);
	r = cli_call(cli, "contacts.list", NULL);
	if (cli->json) {
		cli_print_json(r);
		json_decref(r);
		return EXIT_OK;
	}
	a = json_object_get(r, "contacts");
	if (json_array_size(a) == 0) {
		printf("no contacts yet: 'warren add ADDRESS' sends a "
		    "request\n");
		json_decref(r);
		return EXIT_OK;
	}
	json_array_foreach(a, i, c)
		if ((k = width(jstr(c, "name"))) > w)
			w = k;
	printf("%s", cli_bold(cli));
	pad("NAME", w + 2);
	pad("ADDRESS", 58);
	printf("%-10s %-8s %-7s %s%s\n", "STATE", "ONLINE", "UNREAD",
	    "VERIFIED", cli_reset(cli));
	json_array_foreach(a, i, c) {
		pad(jstr(c, "name")[0] ? jstr(c, "name") : "-", w + 2);
		pad(jstr(c, "address"), 58);
		snprintf(buf, sizeof buf, "%s", jstr(c, "state"));
		if (json_object_get(c, "request") != NULL)
			snprintf(buf, sizeof buf, "%s", jstr(c, "request"));
		printf("%-10s %s%-8s%s %-7lld %s\n", buf,
		    json_is_true(json_object_get(c, "online")) ?
		    cli_green(cli) : "",
		    json_is_true(json_object_get(c, "online")) ? "online" :
		    "offline", cli_reset(cli),
		    (long long)json_integer_value(json_object_get(c, "unread")),
		    json_is_true(json_object_get(c, "verified")) ? "yes" : "no");
	}
	json_decref(r);
	return EXIT_OK;
}
