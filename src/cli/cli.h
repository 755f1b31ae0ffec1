/* cli.h -- shared state and helpers of warren(1)'s commands. */
#ifndef WARREN_CLI_H
#define WARREN_CLI_H

#include <stdio.h>
#include <jansson.h>

struct client;

struct cli {
	char *dir;
	int json;		/* --json: print the API result */
	int color;		/* stdout is a TTY and NO_COLOR is unset */
	struct client *c;	/* connected on first use */
};

struct cli_cmd {
	const char *name;
	const char *args;	/* usage after the name */
	const char *summary;	/* one line */
	const char *help;	/* the rest of `warren help CMD` */
	int (*fn)(struct cli *, int, char **);
};

/*
 * A command's options: call cli_getopt until it returns -1 (then argv[1..
 * *argc) are the words, options and "--" taken out) or '?' (it said what is
 * wrong: return EXIT_USAGE). Options count anywhere before "--"; --help
 * and -h print the command's help and exit. longopts may be NULL.
 */
struct option;
struct cli_args {
	int started;
	int w;		/* next word goes to argv[w] */
};
int cli_getopt(struct cli_args *, int *argc, char **argv,
    const char *shortopts, const struct option *longopts);
/* For a command without options: 0, or -1 after saying what is wrong. */
int cli_noopts(int *argc, char **argv);
/* Print a command's usage and help to stdout. */
void cli_help(const struct cli_cmd *);

/* The commands, one group per cmd_*.c file; the table is in cmds.c. */
int cmd_accept(struct cli *, int, char **);
int cmd_add(struct cli *, int, char **);
int cmd_block(struct cli *, int, char **);
int cmd_chat(struct cli *, int, char **);
int cmd_contacts(struct cli *, int, char **);
int cmd_group(struct cli *, int, char **);
int cmd_groups(struct cli *, int, char **);
int cmd_help(struct cli *, int, char **);
int cmd_id(struct cli *, int, char **);
int cmd_lock(struct cli *, int, char **);
int cmd_mailbox(struct cli *, int, char **);
/* The mailbox part of status (cmd_mailbox.c). */
void cli_mailbox_print(const struct cli *, json_t *);
int cmd_log(struct cli *, int, char **);
int cmd_passwd(struct cli *, int, char **);
int cmd_receive(struct cli *, int, char **);
int cmd_export(struct cli *, int, char **);
int cmd_reject(struct cli *, int, char **);
int cmd_remove(struct cli *, int, char **);
int cmd_rename(struct cli *, int, char **);
int cmd_requests(struct cli *, int, char **);
int cmd_resend(struct cli *, int, char **);
int cmd_send(struct cli *, int, char **);
int cmd_set(struct cli *, int, char **);
int cmd_settings(struct cli *, int, char **);
int cmd_status(struct cli *, int, char **);
int cmd_stop(struct cli *, int, char **);
int cmd_timer(struct cli *, int, char **);
int cmd_ui(struct cli *, int, char **);
int cmd_unblock(struct cli *, int, char **);
int cmd_unlock(struct cli *, int, char **);
int cmd_verify(struct cli *, int, char **);
int cmd_watch(struct cli *, int, char **);
int cmd_send_file(struct cli *, int, char **);
int cmd_files(struct cli *, int, char **);
int cmd_accept_file(struct cli *, int, char **);
int cmd_reject_file(struct cli *, int, char **);
int cmd_cancel_file(struct cli *, int, char **);
int cmd_save_file(struct cli *, int, char **);

extern const struct cli_cmd cli_cmds[];
extern const size_t cli_ncmds;

/* Call a method; on failure print the error and exit (1, or 3 if no daemon). */
json_t *cli_call(struct cli *, const char *method, json_t *params);
/* Like cli_call but returns NULL and the code instead of exiting on an API error. */
json_t *cli_try(struct cli *, const char *method, json_t *params, int *code,
    const char **msg);
/* Print an error: to stderr, and as {"error":...} to stdout with --json. */
void cli_error(struct cli *, int code, const char *msg);
/* Exit with "WHAT is not valid UTF-8" unless s is (JSON needs it). */
void cli_utf8(struct cli *, const char *what, const char *s);
/* Print a result as JSON (for --json). */
void cli_print_json(json_t *);
/* Print usage of one command to f and return EXIT_USAGE. */
int cli_usage(const struct cli_cmd *, FILE *f);
const struct cli_cmd *cli_find(const char *);
/* ANSI colour helpers: empty strings when colour is off. */
const char *cli_bold(const struct cli *);
const char *cli_green(const struct cli *);
const char *cli_yellow(const struct cli *);
const char *cli_red(const struct cli *);
const char *cli_reset(const struct cli *);
/* Read a passphrase from the terminal without echo (or a line of stdin). */

#endif
