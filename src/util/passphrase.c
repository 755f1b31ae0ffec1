/*
 * passphrase.c -- read a passphrase from the terminal without echo, or a
 * line of standard input (warren's prompts, warrend --import).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "util/passphrase.h"

/* See passphrase.h. */
char *
passphrase_read(const char *prompt)
{
	struct termios t, old;
	char *line = NULL;
	size_t cap = 0, len;
	ssize_t n;
	FILE *tty;
	int echo_off = 0;

	tty = fopen("/dev/tty", "r+");
	if (tty != NULL && isatty(STDIN_FILENO)) {
		fprintf(tty, "%s", prompt);
		fflush(tty);
		if (tcgetattr(fileno(tty), &old) == 0) {
			t = old;
			t.c_lflag &= ~(tcflag_t)ECHO;
			echo_off = tcsetattr(fileno(tty), TCSAFLUSH, &t) == 0;
		}
		n = getline(&line, &cap, tty);
		if (echo_off)
			tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fprintf(tty, "\n");
	} else
		n = getline(&line, &cap, stdin);
	if (tty != NULL)
		fclose(tty);
	if (n <= 0) {
		free(line);
		return NULL;
	}
	/* The first line, as warrend --passphrase-file reads it. */
	for (len = 0; len < (size_t)n && line[len] != '\r' &&
	    line[len] != '\n'; len++)
		;
	line[len] = '\0';
	if (strlen(line) != len) {
		/* A NUL would cut the passphrase short: refuse, not guess. */
		fprintf(stderr, "%s: the passphrase holds a NUL byte\n",
		    program_invocation_short_name);
		sodium_memzero(line, (size_t)n);
		free(line);
		return NULL;
	}
	return line;
}
