/* test_ctl_parse.c -- tor control reply parser: framing, data, events, limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tor/ctl_parse.h"
#include "util/err.h"
#include "test.h"

int main(void);

/* Feed s in one go; collect up to max replies; return the last status. */
static int
feed(struct ctl_parser *p, const char *s, size_t len, struct ctl_reply **out,
    size_t max, size_t *nout, size_t *left)
{
	size_t pos = 0, used;
	struct ctl_reply *rep;
	int r;

	*nout = 0;
	for (;;) {
		r = ctl_parse(p, (const uint8_t *)s + pos, len - pos, &used,
		    &rep);
		pos += used;
		if (r != 0)
			break;
		if (*nout < max)
			out[(*nout)++] = rep;
		else
			ctl_reply_free(rep);
	}
	*left = len - pos;
	return r;
}

/* Parse a whole string; expect exactly the given number of replies. */
static int
feed_str(struct ctl_parser *p, const char *s, struct ctl_reply **out,
    size_t max, size_t *nout)
{
	size_t left;

	return feed(p, s, strlen(s), out, max, nout, &left);
}

static void
free_all(struct ctl_reply **r, size_t n)
{
	while (n > 0)
		ctl_reply_free(r[--n]);
}

static void
single_line(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[4];
	size_t n;

	CHECK_INT(feed_str(p, "250 OK\r\n", r, 4, &n), ERR_AGAIN);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(r[0]->code, 250);
		CHECK_INT(r[0]->event, 0);
		CHECK_INT(r[0]->n, 1);
		CHECK_STR(r[0]->lines[0].text, "OK");
		CHECK_INT(r[0]->lines[0].sep, ' ');
	}
	free_all(r, n);
	ctl_parser_free(p);
}

static void
multi_line(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[4];
	size_t n;

	CHECK_INT(feed_str(p, "250-PROTOCOLINFO 1\r\n"
	    "250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"/x/c\"\r\n"
	    "250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n", r, 4, &n),
	    ERR_AGAIN);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(r[0]->n, 4);
		CHECK_STR(r[0]->lines[1].text,
		    "AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"/x/c\"");
		CHECK_INT(r[0]->lines[0].sep, '-');
	}
	free_all(r, n);
	ctl_parser_free(p);
}

static void
data_block(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[4];
	size_t n;

	CHECK_INT(feed_str(p, "250+onions/current=\r\nabc\r\n..dot\r\n\r\n"
	    ".\r\n250 OK\r\n", r, 4, &n), ERR_AGAIN);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(r[0]->n, 2);
		CHECK_INT(r[0]->lines[0].sep, '+');
		CHECK_STR(r[0]->lines[0].text, "onions/current=");
		/* Dot-stuffing removed, each line ends in "\n". */
		CHECK_STR(r[0]->lines[0].data, "abc\n.dot\n\n");
		CHECK_INT(r[0]->lines[0].data_len, 10);
		CHECK(r[0]->lines[1].data == NULL);
	}
	free_all(r, n);
	ctl_parser_free(p);
}

static void
empty_data_block(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[4];
	size_t n;

	CHECK_INT(feed_str(p, "250+x=\r\n.\r\n250 OK\r\n", r, 4, &n),
	    ERR_AGAIN);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(r[0]->lines[0].data, "");
		CHECK_INT(r[0]->lines[0].data_len, 0);
	}
	free_all(r, n);
	ctl_parser_free(p);
}

/* A 650 between the lines of a reply is delivered first, whole. */
static void
event_mid_reply(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[4];
	size_t n;

	CHECK_INT(feed_str(p, "250-ServiceID=abc\r\n"
	    "650 HS_DESC UPLOAD abc UNKNOWN x\r\n"
	    "250 OK\r\n", r, 4, &n), ERR_AGAIN);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(r[0]->event, 1);
		CHECK_INT(r[0]->code, 650);
		CHECK_STR(r[0]->lines[0].text, "HS_DESC UPLOAD abc UNKNOWN x");
		CHECK_INT(r[1]->event, 0);
		CHECK_INT(r[1]->n, 2);
		CHECK_STR(r[1]->lines[0].text, "ServiceID=abc");
	}
	free_all(r, n);
	ctl_parser_free(p);
}

/* A multi-line 650 (with a data block) interleaved with a reply. */
static void
multiline_event(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[4];
	size_t n;

	CHECK_INT(feed_str(p, "250-a=1\r\n650-NS\r\n650+more\r\nline\r\n.\r\n"
	    "250-b=2\r\n650 OK\r\n250 OK\r\n", r, 4, &n), ERR_AGAIN);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(r[0]->event, 1);
		CHECK_INT(r[0]->n, 3);
		CHECK_STR(r[0]->lines[1].data, "line\n");
		CHECK_INT(r[1]->event, 0);
		CHECK_INT(r[1]->n, 3);
		CHECK_STR(r[1]->lines[1].text, "b=2");
	}
	free_all(r, n);
	ctl_parser_free(p);
}

/* Byte by byte gives the same result as all at once. */
static void
byte_by_byte(void)
{
	const char *s = "250-a\r\n650 E\r\n250+d\r\n.x\r\n.\r\n250 OK\r\n";
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *rep;
	size_t len = strlen(s), have = 0, pos = 0, used, got = 0;
	int r;

	while (have < len) {
		have++;
		r = ctl_parse(p, (const uint8_t *)s + pos, have - pos, &used,
		    &rep);
		pos += used;
		if (r == 0) {
			got++;
			ctl_reply_free(rep);
			/* Rest of what is buffered may hold more. */
			while (ctl_parse(p, (const uint8_t *)s + pos,
			    have - pos, &used, &rep) == 0) {
				pos += used;
				got++;
				ctl_reply_free(rep);
			}
			pos += used;
		} else
			CHECK_INT(r, ERR_AGAIN);
	}
	CHECK_INT(got, 2);
	CHECK_INT(pos, len);
	ctl_parser_free(p);
}

/* The longest line is fine, one more byte is ERR_TOOBIG. */
static void
max_line(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[2];
	size_t n, len = TORCTL_MAX_LINE + 2;
	char *s = malloc(len + 2);

	memcpy(s, "250 ", 4);
	memset(s + 4, 'a', TORCTL_MAX_LINE - 4);
	memcpy(s + TORCTL_MAX_LINE, "\r\n", 2);
	CHECK_INT(feed(p, s, len, r, 2, &n, &(size_t){ 0 }), ERR_AGAIN);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_INT(strlen(r[0]->lines[0].text), TORCTL_MAX_LINE - 4);
	free_all(r, n);

	/* max + 1: refused as soon as the extra byte is seen. */
	memset(s + 4, 'a', TORCTL_MAX_LINE - 3);
	memcpy(s + TORCTL_MAX_LINE + 1, "\r\n", 2);
	CHECK_INT(feed(p, s, len + 1, r, 2, &n, &(size_t){ 0 }), ERR_TOOBIG);
	CHECK_INT(n, 0);
	ctl_parser_reset(p);
	CHECK_INT(feed(p, s, TORCTL_MAX_LINE + 1, r, 2, &n, &(size_t){ 0 }),
	    ERR_TOOBIG);
	ctl_parser_free(p);
	free(s);
}

/* More lines than TORCTL_MAX_LINES in one reply. */
static void
max_lines(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[2];
	size_t n, i, len = 0;
	char *s = malloc((TORCTL_MAX_LINES + 1) * 8 + 16);

	for (i = 0; i < TORCTL_MAX_LINES - 1; i++)
		len += (size_t)sprintf(s + len, "250-x\r\n");
	len += (size_t)sprintf(s + len, "250 x\r\n");
	CHECK_INT(feed(p, s, len, r, 2, &n, &(size_t){ 0 }), ERR_AGAIN);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_INT(r[0]->n, TORCTL_MAX_LINES);
	free_all(r, n);

	len = 0;
	for (i = 0; i < TORCTL_MAX_LINES; i++)
		len += (size_t)sprintf(s + len, "250-x\r\n");
	len += (size_t)sprintf(s + len, "250 x\r\n");
	CHECK_INT(feed(p, s, len, r, 2, &n, &(size_t){ 0 }), ERR_TOOBIG);
	CHECK_INT(n, 0);
	ctl_parser_free(p);
	free(s);
}

/* A data block that never ends stops at the reply size limit. */
static void
huge_data_block(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[2];
	size_t n, len = 0, i;
	char *s = malloc(TORCTL_MAX_REPLY * 2);

	len += (size_t)sprintf(s, "250+x=\r\n");
	for (i = 0; len + 1100 < TORCTL_MAX_REPLY * 2; i++) {
		memset(s + len, 'd', 1000);
		len += 1000;
		len += (size_t)sprintf(s + len, "\r\n");
	}
	CHECK_INT(feed(p, s, len, r, 2, &n, &(size_t){ 0 }), ERR_TOOBIG);
	CHECK_INT(n, 0);
	ctl_parser_free(p);
	free(s);
}

/* Truncated input is ERR_AGAIN and leaves the partial line unconsumed. */
static void
truncated(void)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r[2];
	size_t n, left;

	CHECK_INT(feed(p, "250-a\r\n250 O", 12, r, 2, &n, &left), ERR_AGAIN);
	CHECK_INT(n, 0);
	CHECK_INT(left, 5);
	ctl_parser_reset(p);
	CHECK_INT(feed(p, "250 OK\r", 7, r, 2, &n, &left), ERR_AGAIN);
	CHECK_INT(left, 7);
	CHECK_INT(feed(p, "", 0, r, 2, &n, &left), ERR_AGAIN);
	CHECK_INT(left, 0);
	ctl_parser_free(p);
}

/* Garbage of every kind is ERR_PROTO. */
static void
bad_input(void)
{
	static const struct { const char *s; size_t len; } bad[] = {
		{ "25 OK\r\n", 7 },		/* short code */
		{ "2a0 OK\r\n", 8 },		/* not digits */
		{ "250_OK\r\n", 8 },		/* bad separator */
		{ "250\r\n", 5 },		/* no separator */
		{ "\r\n", 2 },			/* empty line */
		{ "250 OK\n", 7 },		/* bare LF */
		{ "250 O\rK\r\n", 9 },		/* bare CR */
		{ "250 O\0K\r\n", 9 },		/* embedded NUL */
		{ "250+x\r\nab\0\r\n.\r\n", 15 }, /* NUL in data */
		{ "250+x\r\nab\n", 10 },	/* LF in data */
	};
	struct ctl_parser *p;
	struct ctl_reply *r[2];
	size_t i, n, left;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = ctl_parser_new();
		CHECK_INT(feed(p, bad[i].s, bad[i].len, r, 2, &n, &left),
		    ERR_PROTO);
		CHECK_INT(n, 0);
		ctl_parser_free(p);
	}
}

static void
kv_and_words(void)
{
	const char *ev = "STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=45 "
	    "TAG=requesting_descriptors SUMMARY=\"Asking for \\\"relay\\\" "
	    "descriptors\"";
	char buf[64];

	CHECK_INT(ctl_kv(ev, "PROGRESS", buf, sizeof buf), 0);
	CHECK_STR(buf, "45");
	CHECK_INT(ctl_kv(ev, "SUMMARY", buf, sizeof buf), 0);
	CHECK_STR(buf, "Asking for \"relay\" descriptors");
	CHECK_INT(ctl_kv(ev, "TAG", buf, 5), ERR_TOOBIG);
	CHECK_INT(ctl_kv(ev, "MISSING", buf, sizeof buf), ERR_NOTFOUND);
	CHECK_INT(ctl_kv(ev, "PROG", buf, sizeof buf), ERR_NOTFOUND);
	CHECK_INT(ctl_word(ev, 2, buf, sizeof buf), 0);
	CHECK_STR(buf, "BOOTSTRAP");
	CHECK_INT(ctl_word(ev, 6, buf, sizeof buf), ERR_NOTFOUND);
	CHECK_INT(ctl_kv("A=\"unterminated", "A", buf, sizeof buf),
	    ERR_PROTO);
	CHECK_INT(ctl_kv("F=\"/a\\\\b\\101\\n\"", "F", buf, sizeof buf), 0);
	CHECK_STR(buf, "/a\\bA\n");
	CHECK_INT(ctl_kv("F=\"a\\0b\"", "F", buf, sizeof buf), ERR_PROTO);
	CHECK_INT(ctl_kv("", "F", buf, sizeof buf), ERR_NOTFOUND);
}

int
main(void)
{
	RUN(single_line);
	RUN(multi_line);
	RUN(data_block);
	RUN(empty_data_block);
	RUN(event_mid_reply);
	RUN(multiline_event);
	RUN(byte_by_byte);
	RUN(max_line);
	RUN(max_lines);
	RUN(huge_data_block);
	RUN(truncated);
	RUN(bad_input);
	RUN(kv_and_words);
	return TEST_EXIT();
}
