/* cmd_daemon.c -- warren id, status, unlock, lock, stop, help. */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "warren/rpc.h"
#include "cli/cli.h"
#include "cli/client.h"
#include "cli/qr.h"
#include "util/passphrase.h"
#include "util/xmalloc.h"


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
	static const struct option opts[] = {
		{ "qr", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args a = { 0, 0 };
	json_t *r;
	int qr = 0, rc = EXIT_OK, ch;

	while ((ch = cli_getopt(&a, &argc, argv, "", opts)) != -1) {
		if (ch != 'q')
			return cli_usage(cli_find("id"), stderr);
		qr = 1;
	}
	if (argc != 1)
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
	json_t *r, *t, *o;
	const char *state;

	if (cli_noopts(&argc, argv) != 0 || argc != 1)
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
	if ((o = json_object_get(r, "onions")) != NULL)
		printf("public:  %s (discoverable %s)\nendpoints: %d of %d "
		    "published; %d contact%s gave theirs\n", jstr(o, "public"),
		    json_is_true(json_object_get(o, "discoverable")) ? "on" :
		    "off: only contacts can reach you",
		    (int)json_integer_value(json_object_get(o,
		    "endpoints_published")),
		    (int)json_integer_value(json_object_get(o, "endpoints")),
		    (int)json_integer_value(json_object_get(o,
		    "contact_endpoints")),
		    json_integer_value(json_object_get(o,
		    "contact_endpoints")) == 1 ? "" : "s");
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
	cli_mailbox_print(cli, json_object_get(r, "mailbox"));
	json_decref(r);
	return EXIT_OK;
}

/*
 * Put a passphrase into p: as key when it is UTF-8 text (what every daemon
 * takes), else as key_b64, the base64 of its bytes: never dropped.
 */
static void
pass_param(json_t *p, const char *key, const char *pass)
{
	json_t *s;
	char k[32], *b64;
	size_t n, len = strlen(pass);

	if ((s = json_string(pass)) != NULL) {
		json_object_set_new(p, key, s);
		return;
	}
	n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	if ((b64 = malloc(n)) == NULL) {
		fprintf(stderr, "warren: out of memory\n");
		exit(EXIT_FAIL);
	}
	sodium_bin2base64(b64, n, (const unsigned char *)pass, len,
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(k, sizeof k, "%s_b64", key);
	json_object_set_new(p, k, json_string(b64));
	sodium_memzero(b64, n);
	free(b64);
}

/* warren unlock */
int
cmd_unlock(struct cli *cli, int argc, char **argv)
{
	json_t *p, *r;
	char *pass;

	if (cli_noopts(&argc, argv) != 0 || argc != 1)
		return cli_usage(cli_find("unlock"), stderr);
	if ((pass = passphrase_read("passphrase: ")) == NULL) {
		cli_error(cli, RPC_E_PARAMS, "no passphrase given");
		return EXIT_FAIL;
	}
	p = json_object();
	pass_param(p, "passphrase", pass);
	r = cli_call(cli, "daemon.unlock", p);
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

	if (cli_noopts(&argc, argv) != 0 || argc != 1)
		return cli_usage(cli_find("lock"), stderr);
	r = cli_call(cli, "daemon.lock", NULL);
	if (cli->json)
		cli_print_json(r);
	else
		printf("locked: keys dropped from memory, onion offline\n");
	json_decref(r);
	return EXIT_OK;
}

#define STOP_WAIT_MS	30000	/* warrend gives its tor up to 3 s */

/*
 * Wait until the daemon on dir is gone: it holds an exclusive flock on
 * DIR/warrend.lock until it exits (after its tor), and a new warrend needs
 * that lock. 0 when gone, -1 after ms milliseconds.
 */
static int
stop_wait(const char *dir, int ms)
{
	char *path;
	int fd, waited;

	xasprintf(&path, "%s/warrend.lock", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return 0;
	for (waited = 0; waited < ms; waited += 20) {
		if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
			flock(fd, LOCK_UN);
			close(fd);
			return 0;
		}
		usleep(20 * 1000);
	}
	close(fd);
	return -1;
}

/* warren stop [--no-wait] */
int
cmd_stop(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-wait", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args a = { 0, 0 };
	json_t *r;
	int ch, wait = 1, gone;

	while ((ch = cli_getopt(&a, &argc, argv, "", opts)) != -1) {
		if (ch != 'n')
			return cli_usage(cli_find("stop"), stderr);
		wait = 0;
	}
	if (argc != 1)
		return cli_usage(cli_find("stop"), stderr);
	r = cli_call(cli, "daemon.shutdown", NULL);
	gone = !wait || stop_wait(cli->dir, STOP_WAIT_MS) == 0;
	if (wait)
		json_object_set_new(r, "stopped", json_boolean(gone));
	if (cli->json)
		cli_print_json(r);
	json_decref(r);
	if (!gone) {
		fprintf(stderr, "warren: warrend on %s has not stopped after "
		    "%d s\n", cli->dir, STOP_WAIT_MS / 1000);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* warren help [CMD] */
int
cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd *cmd;
	size_t i;

	if (cli_noopts(&argc, argv) != 0)
		return cli_usage(cli_find("help"), stderr);
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

/* warren passwd [--remove | --rotate] */
int
cmd_passwd(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "remove", no_argument, NULL, 'r' },
		{ "rotate", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args a = { 0, 0 };
	json_t *st, *p, *r;
	char *old = NULL, *new = NULL, *again = NULL;
	int remove = 0, rotate = 0, rc, ch;

	while ((ch = cli_getopt(&a, &argc, argv, "", opts)) != -1) {
		if (ch == 'r')
			remove = 1;
		else if (ch == 'R')
			rotate = 1;
		else
			return cli_usage(cli_find("passwd"), stderr);
	}
	if (argc != 1 || (remove && rotate))
		return cli_usage(cli_find("passwd"), stderr);
	st = cli_call(cli, "status", NULL);
	p = json_object();
	if (json_is_true(json_object_get(st, "passphrase"))) {
		if ((old = passphrase_read("current passphrase: ")) == NULL)
			goto fail;
		pass_param(p, "old", old);
	}
	if (rotate)
		json_object_set_new(p, "rotate", json_true());
	else if (!remove) {
		if ((new = passphrase_read("new passphrase: ")) == NULL ||
		    (again = passphrase_read("again: ")) == NULL ||
		    new[0] == '\0')
			goto fail;
		if (strcmp(new, again) != 0) {
			fprintf(stderr, "warren: the two do not match\n");
			goto fail;
		}
		pass_param(p, "new", new);
	} else
		json_object_set_new(p, "remove", json_true());
	r = cli_call(cli, "daemon.passwd", p);
	p = NULL;
	if (cli->json)
		cli_print_json(r);
	else
		printf("%s; storage key rotated\n", rotate ?
		    "passphrase unchanged" : remove ? "passphrase removed" :
		    "passphrase set");
	json_decref(r);
	rc = EXIT_OK;
	goto out;
fail:
	cli_error(cli, RPC_E_PARAMS, "passphrase unchanged");
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

	if (cli_noopts(&argc, argv) != 0 || argc != 1)
		return cli_usage(cli_find("settings"), stderr);
	r = cli_call(cli, "settings.get", NULL);
	if (cli->json)
		cli_print_json(r);
	else
		printf("nick             %s\nrefuse_requests  %s\n"
		    "read_receipts    %s\ndiscoverable     %s\n"
		    "auto_accept_files %lld\n",
		    jstr(r, "nick")[0] ? jstr(r, "nick") : "(none)",
		    json_is_true(json_object_get(r, "refuse_requests")) ?
		    "on" : "off",
		    json_is_true(json_object_get(r, "read_receipts")) ?
		    "on" : "off",
		    json_is_false(json_object_get(r, "discoverable")) ?
		    "off" : "on", (long long)json_integer_value(
		    json_object_get(r, "auto_accept_files")));
	json_decref(r);
	return EXIT_OK;
}

/* warren set KEY VALUE */
int
cmd_set(struct cli *cli, int argc, char **argv)
{
	json_t *v, *r;

	if (cli_noopts(&argc, argv) != 0 || argc != 3)
		return cli_usage(cli_find("set"), stderr);
	cli_utf8(cli, "the setting", argv[1]);
	if (strcmp(argv[1], "nick") == 0) {
		cli_utf8(cli, "the nick", argv[2]);
		v = json_string(argv[2]);
	} else if (strcmp(argv[1], "auto_accept_files") == 0) {
		cli_utf8(cli, "the size", argv[2]);
		v = json_string(argv[2]);
	}
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

/* warren export [--keep] FILE */
int
cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args a = { 0, 0 };
	json_t *p, *r;
	char *pass = NULL, *again = NULL, *path = NULL, cwd[4096];
	int keep = 0, rc, ch;
	const char *file;

	while ((ch = cli_getopt(&a, &argc, argv, "", opts)) != -1) {
		if (ch != 'k')
			return cli_usage(cli_find("export"), stderr);
		keep = 1;
	}
	if (argc != 2)
		return cli_usage(cli_find("export"), stderr);
	file = argv[1];
	if (file[0] == '\0')
		return cli_usage(cli_find("export"), stderr);
	cli_utf8(cli, "the file name", file);
	if (file[0] == '/')
		path = xstrdup(file);
	else if (getcwd(cwd, sizeof cwd) != NULL)
		xasprintf(&path, "%s/%s", cwd, file);
	else {
		fprintf(stderr, "warren: getcwd: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	if ((pass = passphrase_read("passphrase for the file: ")) ==
	    NULL || (again = passphrase_read("again: ")) == NULL ||
	    pass[0] == '\0') {
		fprintf(stderr, "warren: nothing exported\n");
		rc = EXIT_FAIL;
		goto out;
	}
	if (strcmp(pass, again) != 0) {
		fprintf(stderr, "warren: the two do not match; nothing "
		    "exported\n");
		rc = EXIT_FAIL;
		goto out;
	}
	p = json_pack("{s:s, s:b}", "file", path, "keep", keep);
	pass_param(p, "passphrase", pass);
	r = cli_call(cli, "daemon.export", p);
	if (cli->json)
		cli_print_json(r);
	else if (keep)
		printf("exported to %s; this copy carries on\n", path);
	else
		printf("exported to %s; this daemon has stopped and this data "
		    "directory is retired.\nStart the copy with: warrend -d "
		    "NEWDIR --import %s\n", path, path);
	json_decref(r);
	rc = EXIT_OK;
out:
	if (pass != NULL) {
		sodium_memzero(pass, strlen(pass));
		free(pass);
	}
	if (again != NULL) {
		sodium_memzero(again, strlen(again));
		free(again);
	}
	free(path);
	return rc;
}
