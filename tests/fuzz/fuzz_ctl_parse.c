/*
 * fuzz_ctl_parse.c -- the control reply parser never overruns, respects its
 * limits, and every reply it returns re-serializes to bytes that parse back
 * to the same reply.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tor/ctl_parse.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Wire form of a reply: lines, data blocks dot-stuffed. */
static size_t
serialize(const struct ctl_reply *r, char *out)
{
	size_t i, o = 0;
	const char *d, *nl;

	for (i = 0; i < r->n; i++) {
		o += (size_t)sprintf(out + o, "%03d%c%s\r\n", r->lines[i].code,
		    r->lines[i].sep, r->lines[i].text);
		if (r->lines[i].sep != '+')
			continue;
		for (d = r->lines[i].data; *d != '\0'; d = nl + 1) {
			nl = strchr(d, '\n');
			if (*d == '.')
				out[o++] = '.';
			memcpy(out + o, d, (size_t)(nl - d));
			o += (size_t)(nl - d);
			out[o++] = '\r';
			out[o++] = '\n';
		}
		o += (size_t)sprintf(out + o, ".\r\n");
	}
	return o;
}

/* Same structure? */
static int
same(const struct ctl_reply *a, const struct ctl_reply *b)
{
	size_t i;

	if (a->code != b->code || a->event != b->event || a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->lines[i].code != b->lines[i].code ||
		    a->lines[i].sep != b->lines[i].sep ||
		    strcmp(a->lines[i].text, b->lines[i].text) != 0)
			return 0;
		if ((a->lines[i].data == NULL) != (b->lines[i].data == NULL))
			return 0;
		if (a->lines[i].data != NULL &&
		    strcmp(a->lines[i].data, b->lines[i].data) != 0)
			return 0;
	}
	return 1;
}

/*
 * The serialized form of any reply: at most TORCTL_MAX_REPLY bytes parsed,
 * plus a dot per data line and a code per line. Static: allocating it per
 * reply made the target ten times slower.
 */
static char out[TORCTL_MAX_REPLY * 2 + TORCTL_MAX_LINES * 16];

/* Check one reply's invariants and its round trip. */
static void
check(const struct ctl_reply *r)
{
	struct ctl_parser *p2;
	struct ctl_reply *r2 = NULL;
	size_t i, len, used;
	char buf[64];

	if (r->n == 0 || r->n > TORCTL_MAX_LINES ||
	    r->lines[r->n - 1].sep != ' ' ||
	    r->code != r->lines[r->n - 1].code || r->event != (r->code == 650))
		abort();
	for (i = 0; i < r->n; i++) {
		if (strlen(r->lines[i].text) > TORCTL_MAX_LINE)
			abort();
		if ((r->lines[i].sep == '+') != (r->lines[i].data != NULL))
			abort();
		if (r->lines[i].data != NULL &&
		    strlen(r->lines[i].data) != r->lines[i].data_len)
			abort();
		(void)ctl_kv(r->lines[i].text, "K", buf, sizeof buf);
		(void)ctl_word(r->lines[i].text, 1, buf, sizeof buf);
	}
	len = serialize(r, out);
	p2 = ctl_parser_new();
	if (ctl_parse(p2, (uint8_t *)out, len, &used, &r2) != 0 ||
	    used != len || !same(r, r2))
		abort();
	ctl_reply_free(r2);
	ctl_parser_free(p2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r;
	size_t pos = 0, used;
	int rv;

	for (;;) {
		rv = ctl_parse(p, data + pos, len - pos, &used, &r);
		if (used > len - pos)
			abort();
		pos += used;
		if (rv != 0)
			break;
		check(r);
		ctl_reply_free(r);
	}
	if (rv != ERR_AGAIN && rv != ERR_PROTO && rv != ERR_TOOBIG)
		abort();
	ctl_parser_free(p);
	return 0;
}
