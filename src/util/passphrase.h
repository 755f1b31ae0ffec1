#ifndef WARREN_UTIL_PASSPHRASE_H
#define WARREN_UTIL_PASSPHRASE_H

/*
 * A passphrase: with standard input a terminal, prompt on /dev/tty and read
 * a line there without echo; else read one line of standard input. The line
 * without its end (\r or \n), malloc'd (wipe before free), or NULL at end of
 * input or when it holds a NUL byte (said on stderr, with the program's name).
 */
char *passphrase_read(const char *prompt);

#endif
