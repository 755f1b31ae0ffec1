/*
 * args.c -- a command's options and words, the same for every command:
 * options are taken anywhere before "--" (before or after CONTACT, in any
 * order), everything after "--" is a word, and "-" alone is a word. A word
 * that looks like an option but is none is an error with a hint, never
 * text: `warren send bob --expire 30s hi` expires, and
 * `warren send bob -x` sends nothing. The same with POSIXLY_CORRECT set.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"


/* Print "warren CMD --help" and exit. */
static void __attribute__((noreturn))
args_help(const char *name)
{
	const struct cli_cmd *cmd = cli_find(name);

	if (cmd == NULL)
		exit(EXIT_USAGE);
	cli_help(cmd);
	exit(EXIT_OK);
}

/* A bad option: say which and how to pass such a word. */
static int
args_bad(const char *name, int ch, const char *word, int none)
{
	char opt[64];

	if (strncmp(word, "--", 2) != 0 && optopt != 0)
		snprintf(opt, sizeof opt, "-%c", optopt);
	else
		snprintf(opt, sizeof opt, "%.*s", (int)strcspn(word, "="),
		    word);
	if (ch == ':')
		fprintf(stderr, "warren %s: option %s needs a value\n", name,
		    opt);
	else if (strcmp(opt, "--json") == 0 || strcmp(opt, "-j") == 0 ||
	    strcmp(opt, "--data-dir") == 0 || strcmp(opt, "-d") == 0)
		fprintf(stderr, "warren %s: %s is a global option: it goes "
		    "before the command ('warren %s %s ...')\n", name, opt,
		    opt, name);
	else
		fprintf(stderr, "warren %s: unknown option %s%s\n"
		    "  a word that starts with '-' must come after '--', e.g. "
		    "'warren %s ... -- %s'\n  'warren help %s' lists its "
		    "options\n", name, opt, none ? " (it takes none)" : "",
		    name, word, name);
	return '?';
}

int
cli_getopt(struct cli_args *a, int *argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	char spec[64];
	const char *word;
	int ch, i;

	if (!a->started) {
		a->started = 1;
		a->w = 1;
		optind = 0;	/* glibc: start over */
	}
	opterr = 0;
	snprintf(spec, sizeof spec, "+:%s", shortopts);
	for (;;) {
		/* optind 0 (first call) makes glibc read spec afresh. */
		i = optind == 0 ? 1 : optind;
		if (i >= *argc)
			break;
		word = argv[i];
		if (strcmp(word, "--") == 0) {
			optind = i + 1;
			while (optind < *argc)
				argv[a->w++] = argv[optind++];
			break;
		}
		if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0)
			args_help(argv[0]);
		optopt = 0;
		ch = getopt_long(*argc, argv, spec,
		    longopts != NULL ? longopts : none, NULL);
		if (ch == -1) {
			if (optind >= *argc)
				break;
			/* A word ("-" too): keep it, go on after it. */
			argv[a->w++] = argv[optind++];
			continue;
		}
		if (ch == '?' || ch == ':')
			return args_bad(argv[0], ch, word, longopts == NULL);
		return ch;
	}
	*argc = a->w;
	argv[a->w] = NULL;
	return -1;
}

int
cli_noopts(int *argc, char **argv)
{
	struct cli_args a = { 0, 0 };

	return cli_getopt(&a, argc, argv, "", NULL) == -1 ? 0 : -1;
}
