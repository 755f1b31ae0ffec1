/* ctl_parse.c -- tor control reply lines to struct ctl_reply. No I/O. */
#include <stdlib.h>
#include <string.h>

#include "tor/ctl_parse.h"
#include "util/err.h"
#include "util/xmalloc.h"

/* Lines of one reply (or one event) being collected. */
struct ctl_acc {
	struct ctl_line *lines;
	size_t n, cap;
	size_t count;		/* lines charged, data lines included */
	size_t bytes;
};

struct ctl_parser {
	struct ctl_acc reply;	/* lines of our command's reply */
	struct ctl_acc event;	/* lines of a 650 event; may interleave */
	struct ctl_acc *data;	/* collecting a data block for this one */
	char *dbuf;		/* the data block so far */
	size_t dlen, dcap;
};

/* Free the lines of an accumulator and empty it. */
static void
acc_clear(struct ctl_acc *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->lines[i].text);
		free(a->lines[i].data);
	}
	free(a->lines);
	memset(a, 0, sizeof *a);
}

/* Allocate an empty parser. */
struct ctl_parser *
ctl_parser_new(void)
{
	return xcalloc(1, sizeof(struct ctl_parser));
}

/* Drop partial state. */
void
ctl_parser_reset(struct ctl_parser *p)
{
	acc_clear(&p->reply);
	acc_clear(&p->event);
	p->data = NULL;
	free(p->dbuf);
	p->dbuf = NULL;
	p->dlen = p->dcap = 0;
}

/* Free a parser. */
void
ctl_parser_free(struct ctl_parser *p)
{
	if (p == NULL)
		return;
	ctl_parser_reset(p);
	free(p);
}

/* Free a reply. */
void
ctl_reply_free(struct ctl_reply *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->lines[i].text);
		free(r->lines[i].data);
	}
	free(r->lines);
	free(r);
}

/* Account for one more line of len bytes against the reply's limits. */
static int
acc_charge(struct ctl_acc *a, size_t len)
{
	if (a->count >= TORCTL_MAX_LINES || a->bytes + len > TORCTL_MAX_REPLY)
		return ERR_TOOBIG;
	a->count++;
	a->bytes += len;
	return 0;
}

/* A data-block line: "." ends it, a leading '.' is dot-stuffing. */
static int
data_line(struct ctl_parser *p, const char *s, size_t len)
{
	struct ctl_line *l;
	int r;

	if (len == 1 && s[0] == '.') {
		l = &p->data->lines[p->data->n - 1];
		l->data = p->dbuf ? p->dbuf : xstrdup("");
		l->data_len = p->dlen;
		p->dbuf = NULL;
		p->dlen = p->dcap = 0;
		p->data = NULL;
		return 0;
	}
	if (len > 0 && s[0] == '.') {
		s++;
		len--;
	}
	/* Each data line counts as a line of the reply. */
	if ((r = acc_charge(p->data, len + 1)) != 0)
		return r;
	if (p->dlen + len + 2 > p->dcap) {
		p->dcap = (p->dlen + len + 2) * 2;
		p->dbuf = xrealloc(p->dbuf, p->dcap);
	}
	memcpy(p->dbuf + p->dlen, s, len);
	p->dlen += len;
	p->dbuf[p->dlen++] = '\n';
	p->dbuf[p->dlen] = '\0';
	return 0;
}

/* One line without its CRLF. Sets *out when it ends a reply or event. */
static int
reply_line(struct ctl_parser *p, const char *s, size_t len,
    struct ctl_reply **out)
{
	struct ctl_acc *a;
	struct ctl_line *l;
	struct ctl_reply *rep;
	int code, r;

	if (len < 4 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9')
		return ERR_PROTO;
	if (s[3] != ' ' && s[3] != '-' && s[3] != '+')
		return ERR_PROTO;
	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	a = code == 650 ? &p->event : &p->reply;
	if ((r = acc_charge(a, len)) != 0)
		return r;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 4;
		a->lines = xreallocarray(a->lines, a->cap, sizeof *a->lines);
	}
	l = &a->lines[a->n++];
	l->code = code;
	l->sep = s[3];
	l->text = xstrndup(s + 4, len - 4);
	l->data = NULL;
	l->data_len = 0;
	if (l->sep == '+')
		p->data = a;
	if (l->sep != ' ')
		return 0;
	rep = xcalloc(1, sizeof *rep);
	rep->code = code;
	rep->event = code == 650;
	rep->n = a->n;
	rep->lines = a->lines;
	memset(a, 0, sizeof *a);
	*out = rep;
	return 0;
}

/* Frame CRLF lines out of buf and parse them until a reply completes. */
int
ctl_parse(struct ctl_parser *p, const uint8_t *buf, size_t len,
    size_t *consumed, struct ctl_reply **out)
{
	size_t pos = 0, i;
	int r;

	*out = NULL;
	*consumed = 0;
	for (i = 0; i < len; i++) {
		switch (buf[i]) {
		case '\0':
		case '\n':
			return ERR_PROTO;	/* tor never sends them bare */
		case '\r':
			if (i + 1 == len)
				goto again;
			if (buf[i + 1] != '\n')
				return ERR_PROTO;
			if (p->data != NULL)
				r = data_line(p, (const char *)buf + pos, i - pos);
			else
				r = reply_line(p, (const char *)buf + pos, i - pos,
				    out);
			if (r != 0)
				return r;
			pos = i + 2;
			i++;
			*consumed = pos;
			if (*out != NULL)
				return 0;
			break;
		default:
			if (i - pos >= TORCTL_MAX_LINE)
				return ERR_TOOBIG;
			break;
		}
	}
again:
	*consumed = pos;
	return ERR_AGAIN;
}

/* Unquote a QuotedString (control-spec 2.1.1): C escapes, octal. */
int
ctl_unquote(const char *s, char *out, size_t outlen, const char **end)
{
	size_t o = 0;
	int c, k;

	if (*s != '"' || outlen == 0)
		return ERR_PROTO;
	for (s++; *s != '"'; s++) {
		if (*s == '\0')
			return ERR_PROTO;
		c = (unsigned char)*s;
		if (c == '\\') {
			s++;
			switch (*s) {
			case '\0':
				return ERR_PROTO;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			default:
				c = (unsigned char)*s;
				if (c < '0' || c > '7')
					break;
				for (c = 0, k = 0; k < 3 && *s >= '0' &&
				    *s <= '7'; k++, s++)
					c = c * 8 + (*s - '0');
				s--;
				if (c == 0 || c > 255)
					return ERR_PROTO;
				break;
			}
		}
		if (o + 1 >= outlen)
			return ERR_TOOBIG;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (end != NULL)
		*end = s + 1;
	return 0;
}

/* Skip one word (quoted parts may hold spaces); returns its end. */
static const char *
skip_word(const char *s)
{
	int q = 0;

	for (; *s != '\0'; s++) {
		if (!q && *s == ' ')
			break;
		if (*s == '"')
			q = !q;
		else if (q && *s == '\\' && s[1] != '\0')
			s++;
	}
	return s;
}

/* Copy [s, e) into out. */
static int
copy_span(const char *s, const char *e, char *out, size_t outlen)
{
	size_t n = (size_t)(e - s);

	if (n + 1 > outlen)
		return ERR_TOOBIG;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* Find KEY=VALUE in text. */
int
ctl_kv(const char *text, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *s = text, *e;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		e = skip_word(s);
		if ((size_t)(e - s) > klen && strncmp(s, key, klen) == 0 &&
		    s[klen] == '=') {
			s += klen + 1;
			if (*s == '"')
				return ctl_unquote(s, out, outlen, NULL);
			return copy_span(s, e, out, outlen);
		}
		s = e;
	}
	return ERR_NOTFOUND;
}

/* The n-th word of text. */
int
ctl_word(const char *text, size_t n, char *out, size_t outlen)
{
	const char *s = text, *e;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		e = skip_word(s);
		if (n-- == 0)
			return copy_span(s, e, out, outlen);
		s = e;
	}
	return ERR_NOTFOUND;
}
