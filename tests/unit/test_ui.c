/*
 * test_ui.c -- the pure parts of `warren ui`: screen-safe wide strings,
 * display widths of wide and combining characters, word wrapping, and the
 * input line's editing keys and history.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli/ui.h"
#include "test.h"

int main(void);

/* Control characters and bad bytes are replaced; '\n' stays, tab is a space. */
static void
test_wcs_sanitizes(void)
{
	wchar_t *w;
	size_t n;

	w = ui_wcs("a\x1b[2Jb\tc\nd\xff", &n);
	CHECK_INT(n, 11);
	CHECK(w[0] == L'a');
	CHECK(w[1] == 0xfffd);		/* ESC */
	CHECK(w[2] == L'[');
	CHECK(w[5] == L'b');
	CHECK(w[6] == L' ');
	CHECK(w[8] == L'\n');
	CHECK(w[9] == L'd');
	CHECK(w[10] == 0xfffd);		/* a lone 0xff */
	free(w);
	w = ui_wcs("\xc2\x9b" "x", &n);	/* C1 CSI */
	CHECK_INT(n, 2);
	CHECK(w[0] == 0xfffd);
	free(w);
	w = ui_wcs("", &n);
	CHECK_INT(n, 0);
	free(w);
}

/* CJK takes two columns, a combining accent none; UTF-8 round-trips. */
static void
test_widths(void)
{
	const char *s = "\xe6\x97\xa5\xe6\x9c\xac e\xcc\x81";	/* 日本 é */
	wchar_t *w;
	char *back;
	size_t n;

	w = ui_wcs(s, &n);
	CHECK_INT(n, 5);
	CHECK_INT(ui_width(w, n), 6);
	back = ui_utf8(w, n);
	CHECK_STR(back, s);
	free(back);
	free(w);
}

/* Wrap at spaces, hard-break long words, honour newlines, never split CJK. */
static void
test_wrap(void)
{
	size_t st[16], en[16], k;
	wchar_t *w;

	w = ui_wcs("hello wide world", NULL);
	k = ui_wrap(w, wcslen(w), 11, st, en, 16);
	CHECK_INT(k, 2);
	CHECK_INT(st[0], 0);
	CHECK_INT(en[0], 10);		/* "hello wide" */
	CHECK_INT(st[1], 11);
	CHECK_INT(en[1], 16);
	free(w);

	w = ui_wcs("abcdefghij", NULL);
	k = ui_wrap(w, 10, 4, st, en, 16);
	CHECK_INT(k, 3);
	CHECK_INT(en[0], 4);
	CHECK_INT(en[2], 10);
	free(w);

	w = ui_wcs("a\n\nb", NULL);
	k = ui_wrap(w, 4, 10, st, en, 16);
	CHECK_INT(k, 3);
	CHECK_INT(en[1] - st[1], 0);	/* the empty line */
	free(w);

	w = ui_wcs("\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5", NULL); /* 日日日 */
	k = ui_wrap(w, 3, 5, st, en, 16);
	CHECK_INT(k, 2);
	CHECK_INT(en[0], 2);		/* 4 columns, the third would be 6 */
	free(w);

	w = ui_wcs("", NULL);
	CHECK_INT(ui_wrap(w, 0, 10, st, en, 16), 1);
	CHECK_INT(ui_wrap(w, 0, 0, NULL, NULL, 0), 1);
	free(w);
}

static void
type(struct ui_edit *e, const wchar_t *s)
{
	while (*s)
		CHECK_INT(ui_edit_insert(e, *s++), 0);
}

static void
check_line(struct ui_edit *e, const char *want)
{
	char *s = ui_utf8(e->buf, e->len);

	CHECK_STR(s, want);
	free(s);
}

/* Cursor keys, Home/End, ^K ^U ^W, insertion in the middle. */
static void
test_edit_keys(void)
{
	struct ui_edit e;

	ui_edit_init(&e);
	type(&e, L"hello world");
	ui_edit_key(&e, UI_K_HOME);
	type(&e, L">");
	check_line(&e, ">hello world");
	ui_edit_key(&e, UI_K_END);
	ui_edit_key(&e, UI_K_KILL_WORD);
	check_line(&e, ">hello ");
	ui_edit_key(&e, UI_K_LEFT);
	ui_edit_key(&e, UI_K_LEFT);
	ui_edit_key(&e, UI_K_KILL_END);
	check_line(&e, ">hell");
	ui_edit_key(&e, UI_K_LEFT);
	ui_edit_key(&e, UI_K_BS);
	check_line(&e, ">hel");
	CHECK_INT(e.cur, 3);
	ui_edit_key(&e, UI_K_DEL);
	check_line(&e, ">he");
	ui_edit_key(&e, UI_K_KILL_START);
	check_line(&e, "");
	CHECK_INT(ui_edit_key(&e, UI_K_BS), 0);
	CHECK_INT(ui_edit_key(&e, UI_K_LEFT), 0);
	ui_edit_free(&e);
}

/* Sent lines come back with Up; Down returns to what was being typed. */
static void
test_edit_history(void)
{
	struct ui_edit e;
	char *s;

	ui_edit_init(&e);
	type(&e, L"one");
	s = ui_edit_take(&e);
	CHECK_STR(s, "one");
	free(s);
	type(&e, L"\u65e5two");
	free(ui_edit_take(&e));
	type(&e, L"draft");
	CHECK_INT(ui_edit_key(&e, UI_K_UP), 1);
	check_line(&e, "\xe6\x97\xa5two");
	ui_edit_key(&e, UI_K_UP);
	check_line(&e, "one");
	CHECK_INT(ui_edit_key(&e, UI_K_UP), 0);
	ui_edit_key(&e, UI_K_DOWN);
	ui_edit_key(&e, UI_K_DOWN);
	check_line(&e, "draft");
	CHECK_INT(ui_edit_key(&e, UI_K_DOWN), 0);
	ui_edit_free(&e);
}

/* The line is bounded; the view keeps the cursor on screen. */
static void
test_edit_bounds(void)
{
	struct ui_edit e;
	size_t i, first;
	int col;

	ui_edit_init(&e);
	for (i = 0; i < UI_EDIT_MAX; i++)
		CHECK_INT(ui_edit_insert(&e, L'x'), 0);
	CHECK_INT(ui_edit_insert(&e, L'y'), -1);
	first = ui_edit_view(&e, 40, &col);
	CHECK(col < 40);
	CHECK(first > 0);
	ui_edit_key(&e, UI_K_HOME);
	first = ui_edit_view(&e, 40, &col);
	CHECK_INT(first, 0);
	CHECK_INT(col, 0);
	ui_edit_free(&e);
}

int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		printf("ok - test_ui # SKIP no C.UTF-8 locale\n");
		return 0;
	}
	RUN(test_wcs_sanitizes);
	RUN(test_widths);
	RUN(test_wrap);
	RUN(test_edit_keys);
	RUN(test_edit_history);
	RUN(test_edit_bounds);
	return TEST_EXIT();
}
