/*
 * ui_text.c -- wide strings for `warren ui`: UTF-8 in and out, display
 * widths (wcwidth) and word wrapping. Needs a UTF-8 LC_CTYPE; no I/O.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli/ui.h"
#include "util/xmalloc.h"

#define UI_REPLACEMENT	((wchar_t)0xfffd)

/* Columns of one character; unprintable ones were replaced before. */
int
ui_wcw(wchar_t c)
{
	int w;

	if (c == L'\n')
		return 1;
	if ((w = wcwidth(c)) < 0)
		return 1;
	return w;
}

/* Columns of s[0..n). */
int
ui_width(const wchar_t *s, size_t n)
{
	size_t i;
	int w = 0;

	for (i = 0; i < n; i++)
		w += ui_wcw(s[i]);
	return w;
}

/* One decoded character made safe for the screen. */
static wchar_t
screen_char(wchar_t c)
{
	if (c == L'\n')
		return c;
	if (c == L'\t')
		return L' ';
	if (c < 0x20 || (c >= 0x7f && c < 0xa0) || wcwidth(c) < 0)
		return UI_REPLACEMENT;
	return c;
}

/* UTF-8 to a screen-safe wide string. */
wchar_t *
ui_wcs(const char *s, size_t *lenp)
{
	size_t n = strlen(s), i = 0, len = 0, k;
	mbstate_t st;
	wchar_t *w, c;

	w = xcalloc(n + 1, sizeof *w);
	memset(&st, 0, sizeof st);
	while (i < n) {
		k = mbrtowc(&c, s + i, n - i, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			w[len++] = UI_REPLACEMENT;
			i++;
			continue;
		}
		w[len++] = screen_char(c);
		i += k;
	}
	w[len] = L'\0';
	if (lenp != NULL)
		*lenp = len;
	return w;
}

/* A wide string back to UTF-8. */
char *
ui_utf8(const wchar_t *w, size_t len)
{
	char *s, *p;
	mbstate_t st;
	size_t i, k;

	p = s = xmalloc(len * MB_CUR_MAX + 1);
	memset(&st, 0, sizeof st);
	for (i = 0; i < len; i++) {
		if ((k = wcrtomb(p, w[i], &st)) == (size_t)-1) {
			memset(&st, 0, sizeof st);
			continue;
		}
		p += k;
	}
	*p = '\0';
	return s;
}

/* Rows of at most width columns, broken at spaces where possible. */
size_t
ui_wrap(const wchar_t *s, size_t len, int width, size_t *starts,
    size_t *ends, size_t max)
{
	size_t i = 0, n = 0, j, sp, end, next;
	int w, cw;

	if (width < 1)
		width = 1;
	for (;;) {
		w = 0;
		sp = (size_t)-1;
		for (j = i; j < len && s[j] != L'\n'; j++) {
			cw = ui_wcw(s[j]);
			if (w + cw > width && j > i)
				break;
			if (s[j] == L' ')
				sp = j;
			w += cw;
		}
		if (j < len && s[j] != L'\n' && sp != (size_t)-1 && sp > i) {
			end = sp;	/* break at the last space */
			next = sp + 1;
		} else if (j < len && s[j] == L'\n') {
			end = j;
			next = j + 1;
		} else {
			end = j;
			next = j;
		}
		if (n < max) {
			starts[n] = i;
			ends[n] = end;
		}
		n++;
		if (next >= len && !(next == len && end < len &&
		    s[len - 1] == L'\n'))
			break;
		i = next;
	}
	return n;
}
