/*
 * ui_edit.c -- the input line of `warren ui`: a wide-character buffer
 * with a cursor, Emacs-style kills and a history of sent lines. No I/O.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "cli/ui.h"
#include "util/xmalloc.h"

void
ui_edit_init(struct ui_edit *e)
{
	memset(e, 0, sizeof *e);
	e->cap = 64;
	e->buf = xcalloc(e->cap, sizeof *e->buf);
}

void
ui_edit_free(struct ui_edit *e)
{
	size_t i;

	for (i = 0; i < e->nhist; i++)
		free(e->hist[i]);
	free(e->hist);
	free(e->draft);
	free(e->buf);
	memset(e, 0, sizeof *e);
}

/* Replace the line; the cursor goes to its end. */
void
ui_edit_set(struct ui_edit *e, const wchar_t *s, size_t n)
{
	if (n > UI_EDIT_MAX)
		n = UI_EDIT_MAX;
	if (n + 1 > e->cap) {
		e->cap = n + 1;
		e->buf = xreallocarray(e->buf, e->cap, sizeof *e->buf);
	}
	memcpy(e->buf, s, n * sizeof *s);
	e->len = e->cur = n;
}

/* Insert at the cursor. */
int
ui_edit_insert(struct ui_edit *e, wchar_t c)
{
	if (e->len >= UI_EDIT_MAX)
		return -1;
	if (e->len + 1 > e->cap) {
		e->cap *= 2;
		e->buf = xreallocarray(e->buf, e->cap, sizeof *e->buf);
	}
	memmove(e->buf + e->cur + 1, e->buf + e->cur,
	    (e->len - e->cur) * sizeof *e->buf);
	e->buf[e->cur++] = c;
	e->len++;
	return 0;
}

/* Delete [a, b). */
static void
cut(struct ui_edit *e, size_t a, size_t b)
{
	memmove(e->buf + a, e->buf + b, (e->len - b) * sizeof *e->buf);
	e->len -= b - a;
	e->cur = a;
}

/* The start of the word before the cursor (spaces first, then a word). */
static size_t
word_left(const struct ui_edit *e)
{
	size_t i = e->cur;

	while (i > 0 && iswspace((wint_t)e->buf[i - 1]))
		i--;
	while (i > 0 && !iswspace((wint_t)e->buf[i - 1]))
		i--;
	return i;
}

/* The end of the word after the cursor. */
static size_t
word_right(const struct ui_edit *e)
{
	size_t i = e->cur;

	while (i < e->len && iswspace((wint_t)e->buf[i]))
		i++;
	while (i < e->len && !iswspace((wint_t)e->buf[i]))
		i++;
	return i;
}

/* Show history entry k (nhist: the draft). */
static void
hist_show(struct ui_edit *e, size_t k)
{
	const wchar_t *s;

	if (e->hpos == e->nhist) {
		free(e->draft);
		e->draft = xcalloc(e->len + 1, sizeof *e->draft);
		memcpy(e->draft, e->buf, e->len * sizeof *e->buf);
	}
	e->hpos = k;
	s = k == e->nhist ? e->draft : e->hist[k];
	ui_edit_set(e, s != NULL ? s : L"", s != NULL ? wcslen(s) : 0);
}

/* One editing key. */
int
ui_edit_key(struct ui_edit *e, int key)
{
	size_t len = e->len, cur = e->cur;

	switch (key) {
	case UI_K_LEFT:
		if (e->cur > 0)
			e->cur--;
		break;
	case UI_K_RIGHT:
		if (e->cur < e->len)
			e->cur++;
		break;
	case UI_K_HOME:
		e->cur = 0;
		break;
	case UI_K_END:
		e->cur = e->len;
		break;
	case UI_K_WORD_LEFT:
		e->cur = word_left(e);
		break;
	case UI_K_WORD_RIGHT:
		e->cur = word_right(e);
		break;
	case UI_K_BS:
		if (e->cur > 0)
			cut(e, e->cur - 1, e->cur);
		break;
	case UI_K_DEL:
		if (e->cur < e->len)
			cut(e, e->cur, e->cur + 1);
		break;
	case UI_K_KILL_END:
		e->len = e->cur;
		break;
	case UI_K_KILL_START:
		cut(e, 0, e->cur);
		break;
	case UI_K_KILL_WORD:
		cut(e, word_left(e), e->cur);
		break;
	case UI_K_UP:
		if (e->hpos == 0)
			return 0;
		hist_show(e, e->hpos - 1);
		return 1;
	case UI_K_DOWN:
		if (e->hpos >= e->nhist)
			return 0;
		hist_show(e, e->hpos + 1);
		return 1;
	default:
		return 0;
	}
	return e->len != len || e->cur != cur;
}

/* The line as UTF-8; it goes to history. */
char *
ui_edit_take(struct ui_edit *e)
{
	wchar_t *h;
	char *s;

	s = ui_utf8(e->buf, e->len);
	if (e->len > 0 && (e->nhist == 0 || wcslen(e->hist[e->nhist - 1]) !=
	    e->len || wmemcmp(e->hist[e->nhist - 1], e->buf, e->len) != 0)) {
		if (e->nhist == UI_HIST_MAX) {
			free(e->hist[0]);
			memmove(e->hist, e->hist + 1,
			    (e->nhist - 1) * sizeof *e->hist);
			e->nhist--;
		}
		h = xcalloc(e->len + 1, sizeof *h);
		memcpy(h, e->buf, e->len * sizeof *h);
		e->hist = xreallocarray(e->hist, e->nhist + 1,
		    sizeof *e->hist);
		e->hist[e->nhist++] = h;
	}
	free(e->draft);
	e->draft = NULL;
	e->hpos = e->nhist;
	e->len = e->cur = 0;
	return s;
}

/* First character to show so the cursor fits; its column after that. */
size_t
ui_edit_view(const struct ui_edit *e, int width, int *curcol)
{
	size_t first = 0;
	int w;

	if (width < 2)
		width = 2;
	w = ui_width(e->buf, e->cur);
	/* Keep the cursor inside, a quarter of the width from the edge. */
	while (w >= width - 1 && first < e->cur) {
		w -= ui_wcw(e->buf[first]);
		first++;
		if (w < width - width / 4 - 1)
			break;
	}
	*curcol = w;
	return first;
}
