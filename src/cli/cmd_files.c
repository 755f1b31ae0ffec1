/* cmd_files.c -- warren send-file, files, accept-file, reject-file,
 * cancel-file, save-file; a progress bar on a terminal. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "util/duration.h"

/* A string member or "". */
static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static long long
jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* 1.5 MiB, 12 KiB, 800 B. */
static void
human(char *buf, size_t cap, long long b)
{
	if (b >= 1 << 30)
		snprintf(buf, cap, "%.1f GiB", (double)b / (1 << 30));
	else if (b >= 1 << 20)
		snprintf(buf, cap, "%.1f MiB", (double)b / (1 << 20));
	else if (b >= 1 << 10)
		snprintf(buf, cap, "%.1f KiB", (double)b / (1 << 10));
	else
		snprintf(buf, cap, "%lld B", b);
}

/* An absolute path for the daemon; exits on failure. */
static char *
abs_path(struct cli *cli, const char *p, int must_exist)
{
	char cwd[PATH_MAX], *r;

	if (must_exist) {
		if ((r = realpath(p, NULL)) == NULL) {
			fprintf(stderr, "warren: %s: cannot find it\n", p);
			exit(EXIT_FAIL);
		}
		return r;
	}
	if (p[0] == '/')
		return strdup(p);
	if (getcwd(cwd, sizeof cwd) == NULL) {
		fprintf(stderr, "warren: cannot get the current directory\n");
		exit(EXIT_FAIL);
	}
	if (asprintf(&r, "%s/%s", cwd, p) < 0)
		exit(EXIT_FAIL);
	(void)cli;
	return r;
}

/* One line of the bar: [#####.....]  45%  4.5/10.0 MiB  1.2 MiB/s  0:05 */
static void
bar(long long bytes, long long size, long long rate, long long eta)
{
	char b[32], s[32], r[32];
	int i, w = 30, fill = size > 0 ? (int)(bytes * w / size) : w;

	human(b, sizeof b, bytes);
	human(s, sizeof s, size);
	human(r, sizeof r, rate);
	fputs("\r[", stderr);
	for (i = 0; i < w; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%%  %s / %s  %s/s", size > 0 ?
	    (int)(bytes * 100 / size) : 100, b, s, r);
	if (eta >= 0)
		fprintf(stderr, "  eta %lld:%02lld", eta / 60, eta % 60);
	fputs("   ", stderr);
	fflush(stderr);
}

/* Follow file id's events until it ends; Ctrl-C leaves it running. */
static int
follow(struct cli *cli, long long id)
{
	json_t *r, *ev, *d;
	const char *m;
	int rc = EXIT_OK, done = 0;

	if (!isatty(STDERR_FILENO) || !isatty(STDOUT_FILENO) || cli->json)
		return EXIT_OK;
	fprintf(stderr, "(Ctrl-C leaves; the transfer goes on in warrend)\n");
	/* The whole log: this file's events may have started already. */
	r = cli_call(cli, "events.subscribe", json_pack("{s:i}", "since", 0));
	json_decref(r);
	while (!done && (ev = client_next(cli->c)) != NULL) {
		d = json_object_get(json_object_get(ev, "params"), "data");
		m = jstr(json_object_get(ev, "params"), "type");
		if (d == NULL || jint(d, "file") != id) {
			json_decref(ev);
			continue;
		}
		if (strcmp(m, "file.progress") == 0)
			bar(jint(d, "bytes"), jint(d, "size"), jint(d, "rate"),
			    jint(d, "eta"));
		else if (strcmp(m, "file.complete") == 0 ||
		    strcmp(m, "file.saved") == 0) {
			bar(jint(d, "size"), jint(d, "size"), 0, -1);
			fprintf(stderr, "\n%s\n", strcmp(m, "file.saved") == 0 ?
			    "saved" : "complete");
			done = 1;
		} else if (strcmp(m, "file.cancelled") == 0 ||
		    strcmp(m, "file.failed") == 0) {
			fprintf(stderr, "\n%s: %s\n", m + 5, jstr(d, "error"));
			rc = EXIT_FAIL;
			done = 1;
		}
		json_decref(ev);
	}
	return rc;
}

/* warren send-file CONTACT PATH */
int
cmd_send_file(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", no_argument, NULL, 'w' },
		{ "expire", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_args a = { 0, 0 };
	json_t *r, *p;
	char *path, sz[32];
	int ch, wait = 0;
	long long id;
	long expire = -1;

	while ((ch = cli_getopt(&a, &argc, argv, "we:", opts)) != -1) {
		if (ch == 'w')
			wait = 1;
		else if (ch == 'e' && duration_parse(optarg, &expire) == 0 &&
		    (expire == 0 || expire >= 30))
			continue;
		else {
			if (ch == 'e')
				fprintf(stderr, "warren: --expire takes off or "
				    "30s to 4w (e.g. 90s, 5m, 1.5h, 1d, 1w)\n");
			return cli_usage(cli_find("send-file"), stderr);
		}
	}
	if (argc != 3)
		return cli_usage(cli_find("send-file"), stderr);
	cli_utf8(cli, "the contact", argv[1]);
	path = abs_path(cli, argv[2], 1);
	cli_utf8(cli, "the path", path);
	p = json_pack("{s:s, s:s}", "contact", argv[1], "path", path);
	if (expire >= 0)
		json_object_set_new(p, "expire", json_integer(expire));
	r = cli_call(cli, "files.send", p);
	free(path);
	id = jint(r, "file");
	if (cli->json)
		cli_print_json(r);
	else {
		human(sz, sizeof sz, jint(r, "size"));
		printf("file %lld offered: %s (%s)\n", id, jstr(r, "filename"),
		    sz);
	}
	json_decref(r);
	return wait || isatty(STDOUT_FILENO) ? follow(cli, id) : EXIT_OK;
}

/* warren files */
int
cmd_files(struct cli *cli, int argc, char **argv)
{
	json_t *r, *f;
	size_t i;
	char b[32], s[32];

	if (cli_noopts(&argc, argv) != 0 || argc != 1)
		return cli_usage(cli_find("files"), stderr);
	r = cli_call(cli, "files.list", NULL);
	if (cli->json) {
		cli_print_json(r);
		json_decref(r);
		return EXIT_OK;
	}
	if (json_array_size(r) == 0)
		printf("no file transfers\n");
	json_array_foreach(r, i, f) {
		human(b, sizeof b, jint(f, "bytes"));
		human(s, sizeof s, jint(f, "size"));
		printf("%4lld %s %-12s %-28.28s %s / %s  %s %.16s\n",
		    jint(f, "file"), strcmp(jstr(f, "dir"), "in") == 0 ?
		    "<-" : "->", jstr(f, "state"), jstr(f, "filename"), b, s,
		    strcmp(jstr(f, "dir"), "in") == 0 ? "from" : "to",
		    jstr(f, "name")[0] ? jstr(f, "name") : jstr(f, "contact"));
	}
	json_decref(r);
	return EXIT_OK;
}

/* The ID argument. */
static long long
file_id(const char *s, const char *cmd)
{
	char *end;
	long long id = strtoll(s, &end, 10);

	if (end == s || *end != '\0' || id <= 0) {
		fprintf(stderr, "warren: %s: ID is a number from 'warren "
		    "files'\n", cmd);
		exit(EXIT_USAGE);
	}
	return id;
}

/* warren accept-file ID [PATH] */
int
cmd_accept_file(struct cli *cli, int argc, char **argv)
{
	json_t *p, *r;
	char *path = NULL;
	long long id;

	if (cli_noopts(&argc, argv) != 0 || argc < 2 || argc > 3)
		return cli_usage(cli_find("accept-file"), stderr);
	id = file_id(argv[1], "accept-file");
	p = json_pack("{s:I}", "file", (json_int_t)id);
	if (argc == 3) {
		path = abs_path(cli, argv[2], 0);
		cli_utf8(cli, "the path", path);
		json_object_set_new(p, "path", json_string(path));
		free(path);
	}
	r = cli_call(cli, "files.accept", p);
	if (cli->json)
		cli_print_json(r);
	else
		printf("file %lld accepted: %s\n", id, jstr(r, "filename"));
	json_decref(r);
	return follow(cli, id);
}

/* reject-file, cancel-file: one id. */
static int
one_id(struct cli *cli, int argc, char **argv, const char *cmd,
    const char *method, const char *done)
{
	json_t *r;
	long long id;

	if (cli_noopts(&argc, argv) != 0 || argc != 2)
		return cli_usage(cli_find(cmd), stderr);
	id = file_id(argv[1], cmd);
	r = cli_call(cli, method, json_pack("{s:I}", "file", (json_int_t)id));
	if (cli->json)
		cli_print_json(r);
	else
		printf("file %lld %s: %s\n", id, done, jstr(r, "filename"));
	json_decref(r);
	return EXIT_OK;
}

int
cmd_reject_file(struct cli *cli, int argc, char **argv)
{
	return one_id(cli, argc, argv, "reject-file", "files.reject",
	    "rejected");
}

int
cmd_cancel_file(struct cli *cli, int argc, char **argv)
{
	return one_id(cli, argc, argv, "cancel-file", "files.cancel",
	    "cancelled");
}

/* warren save-file ID PATH */
int
cmd_save_file(struct cli *cli, int argc, char **argv)
{
	json_t *r;
	char *path;
	long long id;

	if (cli_noopts(&argc, argv) != 0 || argc != 3)
		return cli_usage(cli_find("save-file"), stderr);
	id = file_id(argv[1], "save-file");
	path = abs_path(cli, argv[2], 0);
	cli_utf8(cli, "the path", path);
	r = cli_call(cli, "files.save", json_pack("{s:I, s:s}", "file",
	    (json_int_t)id, "path", path));
	free(path);
	if (cli->json)
		cli_print_json(r);
	else
		printf("saved %s\n", jstr(r, "path"));
	json_decref(r);
	return EXIT_OK;
}
