/*
 * fuzz_ui_text.c -- what `warren ui` draws from the daemon's strings:
 * ui_wcs leaves no control character but '\n', ui_utf8 of it decodes to
 * the same characters, and ui_wrap's rows are in order, inside the text
 * and at most the width wide (or one character, when that alone is wider).
 * The first byte is the width.
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli/ui.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_ROWS	4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int init;
	static size_t st[MAX_ROWS], en[MAX_ROWS];
	wchar_t *w, *w2;
	char *s, *back;
	size_t n, n2, i, k;
	int width;

	if (!init) {
		if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
			abort();
		init = 1;
	}
	if (len < 1 || len > 8192)
		return 0;
	width = data[0] % 90;
	s = malloc(len);
	memcpy(s, data + 1, len - 1);
	s[len - 1] = '\0';
	w = ui_wcs(s, &n);
	for (i = 0; i < n; i++)
		if ((w[i] < 0x20 && w[i] != L'\n') || w[i] == 0x7f ||
		    (w[i] >= 0x80 && w[i] < 0xa0))
			abort();
	back = ui_utf8(w, n);
	w2 = ui_wcs(back, &n2);
	if (n2 != n || wmemcmp(w, w2, n) != 0)
		abort();
	k = ui_wrap(w, n, width, st, en, MAX_ROWS);
	if (k == 0)
		abort();
	for (i = 0; i < k && i < MAX_ROWS; i++) {
		if (st[i] > en[i] || en[i] > n || (i > 0 && st[i] < en[i - 1]))
			abort();
		if (en[i] - st[i] > 1 &&
		    ui_width(w + st[i], en[i] - st[i]) > (width < 1 ? 1 : width))
			abort();
	}
	free(w);
	free(w2);
	free(back);
	free(s);
	return 0;
}
