/* cmd_daemon.c -- warren id, status, unlock, lock, stop, help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

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

/* warren id [--qr] */
int
cmd_id(struct cli *cli, int argc, char **argv)
{
	json_t *r;
	int qr = argc == 2 && strcmp(argv[1], "--qr") == 0, rc = EXIT_OK;

	if (argc != 1 && !qr)
		return cli_usage(cli_find("id"), stderr);
	r = cli_call(cli, "identity.get", NULL);
	if (cli->json)
		cli_print_json(r);
	else {
		printf("%s\n", jstr(r, "onion"));
		if (qr && (putchar('\n') == EOF ||
		    cli_print_qr(cli, jstr(r, "address")) != 0))
			rc = EXIT_FAIL;
	}
	json_decref(r);
	return rc;
}

/* warren status */
int
cmd_status(struct cli *cli, int argc, char **argv)
{
	json_t *r, *t;
	const char *state;

	if (argc != 1)
		return cli_usage(cli_find("status"), stderr);
	r = cli_call(cli, "status", NULL);
	if (cli->json) {
		cli_print_json(r);
		json_decref(r);
		return EXIT_OK;
	}
	t = json_object_get(r, "tor");
	state = jstr(t, "state");
	printf("warrend: %s (api %d)\n", jstr(r, "version"),
	    (int)json_integer_value(json_object_get(r, "api")));
	if (json_is_true(json_object_get(r, "locked")))
		printf("store:   %slocked%s (run 'warren unlock')\n",
		    cli_yellow(cli), cli_reset(cli));
	else {
		printf("address: %s.onion\n", jstr(r, "onion"));
		printf("store:   unlocked%s\n",
		    json_is_true(json_object_get(r, "passphrase")) ?
		    ", passphrase set" : ", no passphrase");
	}
	if (strcmp(state, "ready") == 0)
		printf("tor:     %sready%s\n", cli_green(cli), cli_reset(cli));
	else if (strcmp(state, "bootstrapping") == 0) {
		char summary[128];
		size_t i;

		/* tor's summary starts with a capital: "Loading ..." */
		snprintf(summary, sizeof summary, "%s", jstr(t, "summary"));
		for (i = 0; summary[i] != '\0'; i++)
			if (summary[i] >= 'A' && summary[i] <= 'Z')
				summary[i] = (char)(summary[i] - 'A' + 'a');
		printf("tor:     %d%%%s%s%s\n",
		    (int)json_integer_value(json_object_get(t, "progress")),
		    summary[0] ? " (" : "", summary, summary[0] ? ")" : "");
	} else
		printf("tor:     %s%s%s%s%s\n", strcmp(state, "error") == 0 ?
		    cli_red(cli) : "", state, cli_reset(cli),
		    jstr(t, "error")[0] ? ": " : "", jstr(t, "error"));
	if (json_object_get(t, "pow") != NULL) {
		const char *pow = jstr(t, "pow");

		if (strcmp(pow, "enabled") == 0)
			printf("pow:     %senabled%s (onion-service proof-of-work "
			    "defences, tor %s)\n", cli_green(cli),
			    cli_reset(cli), jstr(t, "version"));
		else if (strcmp(pow, "unavailable") == 0)
			printf("pow:     %sunavailable%s: %s\n", cli_yellow(cli),
			    cli_reset(cli), jstr(t, "pow_note"));
		else
			printf("pow:     not known yet\n");
	}
	if (strcmp(state, "disabled") != 0 &&
	    !json_is_true(json_object_get(r, "locked")))
		printf("onion:   %s\n",
		    json_is_true(json_object_get(t, "published")) ?
		    "published" : "not yet published");
	if (json_object_get(r, "contacts") != NULL) {
		printf("contacts: %d (%d online), %d request%s waiting\n",
		    (int)json_integer_value(json_object_get(r, "contacts")),
		    (int)json_integer_value(json_object_get(r, "online")),
		    (int)json_integer_value(json_object_get(r, "requests")),
		    json_integer_value(json_object_get(r, "requests")) == 1 ?
		    "" : "s");
		printf("requests: %s\n",
		    json_is_true(json_object_get(r, "refuse_requests")) ?
		    "refused (only existing contacts can reach you)" :
		    "accepted (rate-limited)");
		if (json_object_get(r, "requests_max") != NULL)
			printf("          %d of at most %d pending; since start "
			    "%d dropped (oldest first), %d over the rate "
			    "limit\n",
			    (int)json_integer_value(json_object_get(r,
			    "requests")),
			    (int)json_integer_value(json_object_get(r,
			    "requests_max")),
			    (int)json_integer_value(json_object_get(r,
			    "requests_dropped")),
			    (int)json_integer_value(json_object_get(r,
			    "requests_rate_limited")));
		printf("receipts: read receipts %s\n",
		    json_is_true(json_object_get(r, "read_receipts")) ?
		    "on (shown when the contact has them on too)" : "off");
	}
	json_decref(r);
	return EXIT_OK;
}

/* warren unlock */
int
cmd_unlock(struct cli *cli, int argc, char **argv)
{
	json_t *r;
	char *pass;

	if (argc != 1)
		return cli_usage(cli_find("unlock"), stderr);
	if ((pass = cli_read_passphrase("passphrase: ")) == NULL) {
		fprintf(stderr, "warren: no passphrase given\n");
		return EXIT_FAIL;
	}
	r = cli_call(cli, "daemon.unlock", json_pack("{s:s}", "passphrase",
	    pass));
	sodium_memzero(pass, strlen(pass));
	free(pass);
	if (cli->json)
		cli_print_json(r);
	else
		printf("unlocked: %s.onion\n", jstr(r, "onion"));
	json_decref(r);
	return EXIT_OK;
}

/* warren lock */
int
cmd_lock(struct cli *cli, int argc, char **argv)
{
	json_t *r;

	if (argc != 1)
		return cli_usage(cli_find("lock"), stderr);
	r = cli_call(cli, "daemon.lock", NULL);
	if (cli->json)
		cli_print_json(r);
	else
		printf("locked: keys dropped from memory, onion offline\n");
	json_decref(r);
	return EXIT_OK;
}

/* warren stop */
int
cmd_stop(struct cli *cli, int argc, char **argv)
{
	json_t *r;

	if (argc != 1)
		return cli_usage(cli_find("stop"), stderr);
	r = cli_call(cli, "daemon.shutdown", NULL);
	if (cli->json)
		cli_print_json(r);
	json_decref(r);
	return EXIT_OK;
}

/* warren help [CMD] */
int
cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd *cmd;
	size_t i;

	if (argc == 1) {
		printf("warren commands ('warren help CMD' for more):\n");
		for (i = 0; i < cli_ncmds; i++)
			printf("  %-10s %s\n", cli_cmds[i].name,
			    cli_cmds[i].summary);
		return EXIT_OK;
	}
	if (argc != 2 || (cmd = cli_find(argv[1])) == NULL) {
		fprintf(stderr, "warren: no command \"%s\"\n",
		    argc > 1 ? argv[1] : "");
		return EXIT_USAGE;
	}
	cli_usage(cmd, stdout);
	printf("\n%s\n%s", cmd->summary, cmd->help);
	return EXIT_OK;
}

/* warren passwd [--remove] */
int
cmd_passwd(struct cli *cli, int argc, char **argv)
{
	json_t *st, *p, *r;
	char *old = NULL, *new = NULL, *again = NULL;
	int remove = argc == 2 && strcmp(argv[1], "--remove") == 0, rc;

	if (argc != 1 && !remove)
		return cli_usage(cli_find("passwd"), stderr);
	st = cli_call(cli, "status", NULL);
	p = json_object();
	if (json_is_true(json_object_get(st, "passphrase"))) {
		if ((old = cli_read_passphrase("current passphrase: ")) == NULL)
			goto fail;
		json_object_set_new(p, "old", json_string(old));
	}
	if (!remove) {
		if ((new = cli_read_passphrase("new passphrase: ")) == NULL ||
		    (again = cli_read_passphrase("again: ")) == NULL ||
		    new[0] == '\0')
			goto fail;
		if (strcmp(new, again) != 0) {
			fprintf(stderr, "warren: the two do not match\n");
			goto fail;
		}
		json_object_set_new(p, "new", json_string(new));
	}
	r = cli_call(cli, "daemon.passwd", p);
	p = NULL;
	if (cli->json)
		cli_print_json(r);
	else
		printf("passphrase %s\n", remove ? "removed" : "set");
	json_decref(r);
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "warren: passphrase unchanged\n");
	rc = EXIT_FAIL;
out:
	json_decref(p);
	json_decref(st);
	if (old != NULL)
		sodium_memzero(old, strlen(old));
	if (new != NULL)
		sodium_memzero(new, strlen(new));
	if (again != NULL)
		sodium_memzero(again, strlen(again));
	free(old);
	free(new);
	free(again);
	return rc;
}

/* warren settings */
int
cmd_settings(struct cli *cli, int argc, char **argv)
{
	json_t *r;

	if (argc != 1)
		return cli_usage(cli_find("settings"), stderr);
	r = cli_call(cli, "settings.get", NULL);
	if (cli->json)
		cli_print_json(r);
	else
		printf("nick             %s\nrefuse_requests  %s\n"
		    "read_receipts    %s\n", jstr(r, "nick")[0] ?
		    jstr(r, "nick") : "(none)",
		    json_is_true(json_object_get(r, "refuse_requests")) ?
		    "on" : "off",
		    json_is_true(json_object_get(r, "read_receipts")) ?
		    "on" : "off");
	json_decref(r);
	return EXIT_OK;
}

/* warren set KEY VALUE */
int
cmd_set(struct cli *cli, int argc, char **argv)
{
	json_t *v, *r;

	if (argc != 3)
		return cli_usage(cli_find("set"), stderr);
	if (strcmp(argv[1], "nick") == 0)
		v = json_string(argv[2]);
	else if (strcmp(argv[2], "on") == 0 || strcmp(argv[2], "true") == 0)
		v = json_true();
	else if (strcmp(argv[2], "off") == 0 || strcmp(argv[2], "false") == 0)
		v = json_false();
	else {
		fprintf(stderr, "warren: %s is on or off\n", argv[1]);
		return EXIT_USAGE;
	}
	r = cli_call(cli, "settings.set", json_pack("{s:s, s:o}", "key",
	    argv[1], "value", v));
	json_decref(r);
	return cmd_settings(cli, 1, argv);
}
