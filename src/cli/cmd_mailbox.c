/*
 * cmd_mailbox.c -- warren mailbox pair-code|pair|status|unpair, and the
 * mailbox line of `warren status` (cli_mailbox_line).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/qr.h"

/* A string member or "". */
static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* "12s ago", "3m ago" ... or "never". */
static void
ago(char *buf, size_t len, json_t *t)
{
	long long d;

	if (!json_is_integer(t)) {
		snprintf(buf, len, "never");
		return;
	}
	d = (long long)time(NULL) - json_integer_value(t);
	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(buf, len, "%llds ago", d);
	else if (d < 7200)
		snprintf(buf, len, "%lldm ago", d / 60);
	else
		snprintf(buf, len, "%lldh ago", d / 3600);
}

/* Print a mailbox object (from status or mailbox.status). */
void
cli_mailbox_print(const struct cli *cli, json_t *m)
{
	char when[32];
	json_t *reach;

	if (!json_is_object(m))
		return;
	if (strcmp(jstr(m, "role"), "mailbox") == 0) {
		printf("mailbox: this daemon is a mailbox; owner %s\n",
		    json_is_true(json_object_get(m, "paired")) ? "paired" :
		    "not paired (run 'warren mailbox pair-code')");
		printf("         %lld blobs (%lld bytes) from %lld "
		    "depositors; quota %lld blobs / %lld bytes each, kept "
		    "%lld days\n",
		    (long long)json_integer_value(json_object_get(m, "blobs")),
		    (long long)json_integer_value(json_object_get(m, "bytes")),
		    (long long)json_integer_value(json_object_get(m,
		    "credentials")),
		    (long long)json_integer_value(json_object_get(m,
		    "quota_count")),
		    (long long)json_integer_value(json_object_get(m,
		    "quota_bytes")),
		    (long long)json_integer_value(json_object_get(m, "ttl")) /
		    86400);
		return;
	}
	if (json_is_true(json_object_get(m, "pairing")))
		printf("mailbox: pairing with %s.onion\n", jstr(m, "address"));
	else if (!json_is_true(json_object_get(m, "paired")))
		printf("mailbox: none (messages wait until you are online)\n");
	else {
		reach = json_object_get(m, "reachable");
		ago(when, sizeof when, json_object_get(m, "last_fetch"));
		printf("mailbox: %s%s%s, last fetch %s, %lld waiting there, "
		    "%lld contacts can deposit\n",
		    json_is_false(reach) ? cli_red(cli) : cli_green(cli),
		    json_is_false(reach) ? "unreachable" : json_is_true(reach) ?
		    "reachable" : "not tried yet", cli_reset(cli), when,
		    (long long)json_integer_value(json_object_get(m, "queued")),
		    (long long)json_integer_value(json_object_get(m,
		    "granted")));
	}
	if (json_integer_value(json_object_get(m, "contact_mailboxes")) > 0)
		printf("         %lld contacts gave you their mailbox\n",
		    (long long)json_integer_value(json_object_get(m,
		    "contact_mailboxes")));
	if (jstr(m, "error")[0] != '\0')
		printf("         %s%s%s\n", cli_yellow(cli), jstr(m, "error"),
		    cli_reset(cli));
}

/* warren mailbox pair-code [--qr] */
static int
mb_pair_code(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "qr", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args a = { 0, 0 };
	json_t *r;
	int ch, qr = 0;

	while ((ch = cli_getopt(&a, &argc, argv, "", longopts)) != -1) {
		if (ch != 'q')
			return cli_usage(cli_find("mailbox"), stderr);
		qr = 1;
	}
	if (argc != 1)
		return cli_usage(cli_find("mailbox"), stderr);
	r = cli_call(cli, "mailbox.pair_code", json_object());
	if (cli->json)
		cli_print_json(r);
	else {
		printf("%s\n", jstr(r, "code"));
		if (qr)
			(void)cli_print_qr(cli, jstr(r, "code"));
		fprintf(stderr, "give this one-time code to the owner: 'warren "
		    "mailbox pair CODE' (valid 24 hours)\n");
	}
	json_decref(r);
	return EXIT_OK;
}

/* warren mailbox pair CODE */
static int
mb_pair(struct cli *cli, int argc, char **argv)
{
	json_t *r;

	if (cli_noopts(&argc, argv) != 0 || argc != 2)
		return cli_usage(cli_find("mailbox"), stderr);
	cli_utf8(cli, "the code", argv[1]);
	r = cli_call(cli, "mailbox.pair", json_pack("{s:s}", "code",
	    argv[1]));
	if (cli->json)
		cli_print_json(r);
	else
		printf("pairing with %s.onion; 'warren mailbox status' shows "
		    "when it is done\n", jstr(r, "address"));
	json_decref(r);
	return EXIT_OK;
}

/* warren mailbox status|unpair */
static int
mb_simple(struct cli *cli, int argc, char **argv, const char *method)
{
	json_t *r;

	if (cli_noopts(&argc, argv) != 0 || argc != 1)
		return cli_usage(cli_find("mailbox"), stderr);
	r = cli_call(cli, method, json_object());
	if (cli->json)
		cli_print_json(r);
	else if (strcmp(method, "mailbox.unpair") == 0)
		printf("mailbox forgotten; %lld contacts told to stop "
		    "depositing\n", (long long)json_integer_value(
		    json_object_get(r, "contacts_told")));
	else
		cli_mailbox_print(cli, r);
	json_decref(r);
	return EXIT_OK;
}

/* warren mailbox SUBCOMMAND ... */
int
cmd_mailbox(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(cli_find("mailbox"), stderr);
	if (strcmp(argv[1], "pair-code") == 0)
		return mb_pair_code(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "pair") == 0)
		return mb_pair(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return mb_simple(cli, argc - 1, argv + 1, "mailbox.status");
	if (strcmp(argv[1], "unpair") == 0)
		return mb_simple(cli, argc - 1, argv + 1, "mailbox.unpair");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_help(cli_find("mailbox"));
		return EXIT_OK;
	}
	fprintf(stderr, "warren: mailbox: unknown subcommand \"%s\"\n",
	    argv[1]);
	return cli_usage(cli_find("mailbox"), stderr);
}
