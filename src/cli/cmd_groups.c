/* cmd_groups.c -- warren group SUBCOMMAND ... and warren groups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "cli/cli.h"
#include "cli/client.h"

#define GROUP_TEXT_READ	(8 * 1024)

static const char *
gstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* warren groups */
int
cmd_groups(struct cli *cli, int argc, char **argv)
{
	json_t *r, *g;
	size_t i;

	if (cli_noopts(&argc, argv) != 0)
		return EXIT_USAGE;
	if (argc != 1)
		return cli_usage(cli_find(argv[0]), stderr);
	r = cli_call(cli, RPC_M_GROUPS_LIST, json_object());
	if (cli->json) {
		cli_print_json(r);
		json_decref(r);
		return EXIT_OK;
	}
	if (json_array_size(json_object_get(r, "groups")) == 0)
		printf("no groups; 'warren group create NAME' makes one\n");
	else
		printf("%-4s %-9s %-7s %-6s %s\n", "ID", "STATUS", "MEMBERS",
		    "UNREAD", "NAME");
	json_array_foreach(json_object_get(r, "groups"), i, g)
		printf("%-4lld %-9s %-7lld %-6lld %s%s\n",
		    (long long)json_integer_value(json_object_get(g, "group")),
		    gstr(g, "status"),
		    (long long)json_integer_value(json_object_get(g,
		    "members")),
		    (long long)json_integer_value(json_object_get(g, "unread")),
		    gstr(g, "name"), json_is_true(json_object_get(g,
		    "creator")) ? " (yours)" : "");
	json_decref(r);
	return EXIT_OK;
}

/* The text: the words after `first`, or standard input for "-" or none. */
static char *
group_text(struct cli *cli, int argc, char **argv, int first)
{
	size_t len = 0, n;
	char *text;
	int i;

	if (argc == first || (argc == first + 1 &&
	    strcmp(argv[first], "-") == 0)) {
		text = calloc(1, GROUP_TEXT_READ + 1);
		if (text == NULL)
			return NULL;
		while (len < GROUP_TEXT_READ && (n = fread(text + len, 1,
		    GROUP_TEXT_READ - len, stdin)) > 0)
			len += n;
		while (len > 0 && text[len - 1] == '\n')
			len--;
		text[len] = '\0';
		if (strlen(text) != len) {
			cli_error(cli, RPC_E_BAD_TEXT, "message text contains "
			    "a NUL byte");
			free(text);
			return NULL;
		}
		return text;
	}
	for (i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((text = calloc(1, len + 1)) == NULL)
		return NULL;
	for (i = first; i < argc; i++) {
		if (i > first)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	return text;
}

/* Print a group's history. */
static void
group_print_log(struct cli *cli, json_t *r)
{
	json_t *m;
	size_t i;
	const char *who;

	printf("%s (group %lld, %s)\n", gstr(r, "name"),
	    (long long)json_integer_value(json_object_get(r, "group")),
	    gstr(r, "status"));
	if (json_array_size(json_object_get(r, "messages")) == 0)
		printf("no messages yet\n");
	json_array_foreach(json_object_get(r, "messages"), i, m) {
		who = gstr(m, "author_name")[0] ? gstr(m, "author_name") :
		    gstr(m, "author");
		if (strcmp(gstr(m, "state"), "damaged") == 0)
			printf("%s[damaged message]%s\n", cli_red(cli),
			    cli_reset(cli));
		else
			printf("%s%.16s%s: %s\n", cli_bold(cli), who,
			    cli_reset(cli), gstr(m, "text"));
	}
}

/* Print the member list. */
static void
group_print_members(json_t *r)
{
	json_t *m;
	size_t i;

	printf("%s (group %lld, epoch %lld)\n", gstr(r, "name"),
	    (long long)json_integer_value(json_object_get(r, "group")),
	    (long long)json_integer_value(json_object_get(r, "epoch")));
	json_array_foreach(json_object_get(r, "members"), i, m)
		printf("%s %s%s%s\n", gstr(m, "address"), gstr(m, "name"),
		    json_is_true(json_object_get(m, "creator")) ?
		    " (creator)" : "", json_is_true(json_object_get(m,
		    "contact")) || json_is_true(json_object_get(m, "you")) ?
		    "" : " (not a contact: reached through members)");
	json_array_foreach(json_object_get(r, "invited"), i, m)
		printf("%s (invited)\n", json_string_value(m));
}

/* warren group create|invite|accept|decline|send|log|members|leave|remove|rename */
int
cmd_group(struct cli *cli, int argc, char **argv)
{
	const char *sub, *method;
	json_t *p = NULL, *r;
	char *text = NULL;
	long limit = 100;
	int i, mark = 1;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") ==
		    0) {
			cli_help(cli_find("group"));
			return EXIT_OK;
		}
	if (argc < 3)
		return cli_usage(cli_find("group"), stderr);
	sub = argv[1];
	for (i = 2; i < argc; i++)
		cli_utf8(cli, "an argument", argv[i]);
	if (strcmp(sub, "create") == 0 && argc == 3) {
		method = RPC_M_GROUPS_CREATE;
		p = json_pack("{s:s}", "name", argv[2]);
	} else if (strcmp(sub, "invite") == 0 && argc == 4) {
		method = RPC_M_GROUPS_INVITE;
		p = json_pack("{s:s, s:s}", "group", argv[2], "contact",
		    argv[3]);
	} else if ((strcmp(sub, "accept") == 0 || strcmp(sub, "decline") ==
	    0 || strcmp(sub, "members") == 0 || strcmp(sub, "leave") == 0) &&
	    argc == 3) {
		method = strcmp(sub, "accept") == 0 ? RPC_M_GROUPS_ACCEPT :
		    strcmp(sub, "decline") == 0 ? RPC_M_GROUPS_DECLINE :
		    strcmp(sub, "members") == 0 ? RPC_M_GROUPS_MEMBERS :
		    RPC_M_GROUPS_LEAVE;
		p = json_pack("{s:s}", "group", argv[2]);
	} else if (strcmp(sub, "send") == 0) {
		if ((text = group_text(cli, argc, argv, 3)) == NULL)
			return EXIT_FAIL;
		method = RPC_M_GROUPS_SEND;
		p = json_pack("{s:s, s:s}", "group", argv[2], "text", text);
		free(text);
		if (p == NULL) {
			cli_error(cli, RPC_E_BAD_TEXT, "message is not valid "
			    "UTF-8");
			return EXIT_FAIL;
		}
	} else if (strcmp(sub, "log") == 0) {
		for (i = 3; i < argc; i++) {
			if (strcmp(argv[i], "--no-mark-read") == 0)
				mark = 0;
			else if (strcmp(argv[i], "--limit") == 0 &&
			    i + 1 < argc && (limit = atol(argv[++i])) > 0 &&
			    limit <= 10000)
				continue;
			else
				return cli_usage(cli_find("group"), stderr);
		}
		method = RPC_M_GROUPS_LOG;
		p = json_pack("{s:s, s:i, s:b}", "group", argv[2], "limit",
		    (int)limit, "mark_read", mark);
	} else if (strcmp(sub, "remove") == 0 && argc == 4) {
		method = RPC_M_GROUPS_REMOVE;
		p = json_pack("{s:s, s:s}", "group", argv[2], "member",
		    argv[3]);
	} else if (strcmp(sub, "rename") == 0 && argc == 4) {
		method = RPC_M_GROUPS_RENAME;
		p = json_pack("{s:s, s:s}", "group", argv[2], "name", argv[3]);
	} else
		return cli_usage(cli_find("group"), stderr);
	r = cli_call(cli, method, p);
	if (cli->json)
		cli_print_json(r);
	else if (strcmp(sub, "log") == 0)
		group_print_log(cli, r);
	else if (strcmp(sub, "members") == 0)
		group_print_members(r);
	else if (strcmp(sub, "send") == 0)
		printf("sent to group %lld (message %lld)\n",
		    (long long)json_integer_value(json_object_get(r, "group")),
		    (long long)json_integer_value(json_object_get(r,
		    "message")));
	else if (strcmp(sub, "invite") == 0)
		printf("invited %s to group %lld\n", gstr(r, "contact"),
		    (long long)json_integer_value(json_object_get(r, "group")));
	else
		printf("group %lld: %s (%s)\n",
		    (long long)json_integer_value(json_object_get(r, "group")),
		    gstr(r, "name")[0] ? gstr(r, "name") : "-",
		    gstr(r, "status")[0] ? gstr(r, "status") :
		    gstr(r, "state"));
	json_decref(r);
	return EXIT_OK;
}
