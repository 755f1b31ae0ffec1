/*
 * warren.c -- the warren command line: global options, the command table
 * lookup, connecting to warrend, help. See warren(1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "config.h"
#include "warren/rpc.h"
#include "cli/cli.h"
#include "cli/client.h"
#include "util/datadir.h"
#include "util/xmalloc.h"

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: warren [-d DIR] [--json] COMMAND [ARGS]\n\n"
	    "Talk to your warren daemon (warrend). Commands:\n");
	for (i = 0; i < cli_ncmds; i++)
		fprintf(f, "  %-10s %s\n", cli_cmds[i].name,
		    cli_cmds[i].summary);
	fprintf(f, "\nOptions:\n"
	    "  -d, --data-dir DIR  the daemon's data directory (default\n"
	    "                      $WARREN_HOME, else $XDG_DATA_HOME/warren)\n"
	    "  -j, --json          print the API's JSON result\n"
	    "  -h, --help          this help; 'warren help CMD' for one command\n"
	    "  -V, --version       print the version\n"
	    "\nA command's options may follow its words; after '--' every word\n"
	    "is an argument, e.g. 'warren send bob -- -5 degrees'.\n"
	    "\nExit status: 0 ok, 1 failed, 2 usage, 3 daemon not running.\n");
}

/* Find a command by name. */
const struct cli_cmd *
cli_find(const char *name)
{
	size_t i;

	for (i = 0; i < cli_ncmds; i++)
		if (strcmp(cli_cmds[i].name, name) == 0)
			return &cli_cmds[i];
	return NULL;
}

/* One command's usage. */
int
cli_usage(const struct cli_cmd *cmd, FILE *f)
{
	fprintf(f, "usage: warren %s%s%s\n", cmd->name, cmd->args[0] ? " " : "",
	    cmd->args);
	return EXIT_USAGE;
}

/* One command's usage and help. */
void
cli_help(const struct cli_cmd *cmd)
{
	cli_usage(cmd, stdout);
	printf("\n%s\n%s", cmd->summary, cmd->help);
}

/* Connect on first use. */
static void
cli_connect(struct cli *cli)
{
	if (cli->c != NULL)
		return;
	if ((cli->c = client_connect(cli->dir)) != NULL)
		return;
	if (errno == ENOENT || errno == ECONNREFUSED) {
		fprintf(stderr, "warren: warrend is not running on %s\n"
		    "  start it with: warrend -d %s\n", cli->dir, cli->dir);
		exit(EXIT_NODAEMON);
	}
	fprintf(stderr, "warren: cannot reach warrend on %s: %s\n", cli->dir,
	    strerror(errno));
	exit(EXIT_NODAEMON);
}

/* Call; return the result or NULL with the error. */
json_t *
cli_try(struct cli *cli, const char *method, json_t *params, int *code,
    const char **msg)
{
	json_t *res;

	cli_connect(cli);
	res = client_call(cli->c, method, params, code, msg);
	if (res == NULL && *code == 0) {
		fprintf(stderr, "warren: %s\n", *msg);
		exit(EXIT_NODAEMON);
	}
	return res;
}

/* Call or exit with the error. */
json_t *
cli_call(struct cli *cli, const char *method, json_t *params)
{
	const char *msg;
	json_t *res;
	int code;

	if ((res = cli_try(cli, method, params, &code, &msg)) != NULL)
		return res;
	cli_error(cli, code, msg);
	exit(EXIT_FAIL);
}

/* An error: as JSON on stdout too with --json (warren(1)). */
void
cli_error(struct cli *cli, int code, const char *msg)
{
	if (cli->json) {
		json_t *e = json_pack("{s:{s:i, s:s}}", "error", "code", code,
		    "message", msg);

		cli_print_json(e);
		json_decref(e);
	}
	fprintf(stderr, "warren: %s\n", msg);
}

/* Exit with a clear error unless s can be sent: JSON strings are UTF-8. */
void
cli_utf8(struct cli *cli, const char *what, const char *s)
{
	json_t *j;
	char msg[128];

	if ((j = json_string(s)) != NULL) {
		json_decref(j);
		return;
	}
	snprintf(msg, sizeof msg, "%s is not valid UTF-8", what);
	cli_error(cli, RPC_E_BAD_TEXT, msg);
	exit(EXIT_FAIL);
}

/* Print JSON, pretty. */
void
cli_print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
}

const char *
cli_bold(const struct cli *cli)
{
	return cli->color ? "\033[1m" : "";
}

const char *
cli_green(const struct cli *cli)
{
	return cli->color ? "\033[32m" : "";
}

const char *
cli_yellow(const struct cli *cli)
{
	return cli->color ? "\033[33m" : "";
}

const char *
cli_red(const struct cli *cli)
{
	return cli->color ? "\033[31m" : "";
}

const char *
cli_reset(const struct cli *cli)
{
	return cli->color ? "\033[0m" : "";
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data-dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli;
	const struct cli_cmd *cmd;
	const char *dir_arg = NULL, *nc;
	int ch, r;

	memset(&cli, 0, sizeof cli);
	while ((ch = getopt_long(argc, argv, "+d:jhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dir_arg = optarg;
			break;
		case 'j':
			cli.json = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("warren %s (API %d)\n", PACKAGE_VERSION,
			    WARREN_RPC_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((cmd = cli_find(argv[0])) == NULL) {
		fprintf(stderr, "warren: unknown command \"%s\"; "
		    "'warren --help' lists them\n", argv[0]);
		return EXIT_USAGE;
	}
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		cli_help(cmd);
		return EXIT_OK;
	}
	nc = getenv("NO_COLOR");
	cli.color = isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
	if ((cli.dir = datadir_resolve(dir_arg)) == NULL)
		return EXIT_FAIL;
	r = cmd->fn(&cli, argc, argv);
	client_free(cli.c);
	free(cli.dir);
	return r;
}
