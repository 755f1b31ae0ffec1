/*
 * fuzz_ctl_unquote.c -- ctl_unquote, ctl_kv and ctl_word (tor's
 * QuotedStrings, KEY=VALUE and words: COOKIEFILE, SERVERHASH, ServiceID,
 * PROGRESS, the SOCKS listener) never overrun, always terminate their
 * output, and an unquoted value quotes back (torctl_quote) to a string that
 * unquotes to the same value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tor/ctl.h"
#include "tor/ctl_parse.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *keys[] = { "METHODS", "COOKIEFILE", "SERVERHASH",
    "SERVERNONCE", "PROGRESS", "TAG", "SUMMARY", "WARNING", "REASON",
    "ServiceID", "K", "" };

static void
check_out(int r, const char *out, size_t cap)
{
	if (r != 0 && r != ERR_NOTFOUND && r != ERR_TOOBIG && r != ERR_PROTO)
		abort();
	if (r == 0 && strnlen(out, cap) >= cap)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *s, *out, *q, *out2;
	const char *end;
	size_t cap, i;
	int r;

	if (len < 1)
		return 0;
	/* The first byte picks the output size: small ones hit ERR_TOOBIG. */
	cap = (size_t)data[0] % 64 + 1;
	if (data[0] & 0x40)
		cap = len + 1;
	data++;
	len--;
	s = malloc(len + 1);
	memcpy(s, data, len);
	s[len] = '\0';
	out = malloc(cap);
	out2 = malloc(cap);
	q = malloc(2 * cap + 3);

	r = ctl_unquote(s, out, cap, &end);
	check_out(r, out, cap);
	if (r == 0) {
		if (s[0] != '"' || end <= s || end > s + strlen(s) ||
		    end[-1] != '"')
			abort();
		/* A value without CR/LF quotes and unquotes to itself. */
		if (strpbrk(out, "\r\n") == NULL) {
			if (torctl_quote(out, q, 2 * cap + 3) != 0 ||
			    ctl_unquote(q, out2, cap, &end) != 0 ||
			    strcmp(out, out2) != 0 || *end != '\0')
				abort();
		}
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		r = ctl_kv(s, keys[i], out, cap);
		check_out(r, out, cap);
	}
	for (i = 0; i < 4; i++) {
		r = ctl_word(s, i, out, cap);
		check_out(r, out, cap);
	}
	free(q);
	free(out2);
	free(out);
	free(s);
	return 0;
}
