/*
 * ctl_parse.h -- tor control-port replies (control-spec 2.3) to structs.
 * Pure: bytes in, replies out, no I/O, so it can be fuzzed alone.
 */
#ifndef WARREN_CTL_PARSE_H
#define WARREN_CTL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define TORCTL_MAX_LINE		(16 * 1024)	/* bytes, without CRLF */
#define TORCTL_MAX_LINES	1024		/* lines per reply, data included */
#define TORCTL_MAX_REPLY	(256 * 1024)	/* bytes per reply */

/* One reply line: "CODE SEP text", plus the data block if SEP is '+'. */
struct ctl_line {
	int code;		/* 100..999 */
	char sep;		/* ' ', '-' or '+' */
	char *text;		/* after SEP, NUL-terminated, no NUL inside */
	char *data;		/* '+' only: unstuffed lines joined by "\n" */
	size_t data_len;
};

/* A whole reply (or a 650 event). Caller frees with ctl_reply_free. */
struct ctl_reply {
	int code;		/* of the final line */
	int event;		/* 1 for an asynchronous 650 event */
	size_t n;
	struct ctl_line *lines;	/* n >= 1; lines[n - 1].sep == ' ' */
};

struct ctl_parser;

/* Caller frees with ctl_parser_free. */
struct ctl_parser *ctl_parser_new(void);
void ctl_parser_free(struct ctl_parser *);	/* accepts NULL */
/* Forget partial replies; needed after an error or a reconnect. */
void ctl_parser_reset(struct ctl_parser *);
/*
 * Feed bytes. Stops after the first complete reply or event: returns 0,
 * sets *out (caller frees) and *consumed. ERR_AGAIN: everything that could
 * be used was consumed (*consumed may be < len: a partial line stays with
 * the caller), feed more. ERR_PROTO (bad code, bare LF or CR, NUL) or
 * ERR_TOOBIG (line, line count or reply size over its limit): the stream
 * is unusable; reset before reusing the parser.
 */
int ctl_parse(struct ctl_parser *, const uint8_t *buf, size_t len,
    size_t *consumed, struct ctl_reply **out);
void ctl_reply_free(struct ctl_reply *);	/* accepts NULL */

/*
 * Find KEY=VALUE among space-separated words of text (VALUE may be a
 * QuotedString, unescaped into out). 0, ERR_NOTFOUND, ERR_TOOBIG if out is
 * too small, ERR_PROTO for a bad quoted string.
 */
int ctl_kv(const char *text, const char *key, char *out, size_t outlen);
/* The n-th (0-based) space-separated word of text into out; as ctl_kv. */
int ctl_word(const char *text, size_t n, char *out, size_t outlen);
/* Unquote a QuotedString starting at s ('"'); *end after the closing '"'. */
int ctl_unquote(const char *s, char *out, size_t outlen, const char **end);

#endif
