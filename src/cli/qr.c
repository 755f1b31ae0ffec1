/*
 * qr.c -- render a string as a QR code in Unicode half blocks (see qr.h).
 * Error correction level M: 15% of the symbol may be damaged.
 */
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "cli/qr.h"

#define QR_UPPER	"\xe2\x96\x80"	/* U+2580 upper half block */
#define QR_LOWER	"\xe2\x96\x84"	/* U+2584 lower half block */
#define QR_FULL		"\xe2\x96\x88"	/* U+2588 full block */
#define QR_ON_LIGHT	"\033[97;40m"	/* white ink on black */
#define QR_ON_DARK	"\033[30;107m"	/* black ink on white */
#define QR_OFF		"\033[0m"

/* Whether the module at (x, y) of the padded grid gets ink. */
static int
ink(const QRcode *q, int x, int y, int flags)
{
	int side = q->width + 2 * QR_QUIET, dark;

	if (y >= side)
		return 0;	/* the half row below an odd-height grid */
	x -= QR_QUIET;
	y -= QR_QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		dark = 0;
	else
		dark = q->data[y * q->width + x] & 1;
	return (flags & QR_INVERT) ? dark : !dark;
}

/* Append s to the buffer; the caller sized it. */
static void
put(char *out, size_t *off, const char *s)
{
	size_t n = strlen(s);

	memcpy(out + *off, s, n);
	*off += n;
}

/* Draw text's QR code into a new string. */
char *
qr_render(const char *text, int flags, int *modules)
{
	QRcode *q;
	const char *on;
	char *out;
	size_t len, cap, off = 0;
	int side, lines, x, y, top, bottom;

	if (modules != NULL)
		*modules = 0;
	len = strlen(text);
	if (len == 0 || len > QR_MAX_TEXT)
		return NULL;
	/* Mixed modes: the digits of a safety number go in numeric mode. */
	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return NULL;
	side = q->width + 2 * QR_QUIET;
	lines = (side + 1) / 2;
	on = (flags & QR_INVERT) ? QR_ON_DARK : QR_ON_LIGHT;
	cap = (size_t)lines * ((size_t)side * 3 + strlen(on) +
	    strlen(QR_OFF) + 1) + 1;
	if ((out = malloc(cap)) == NULL) {
		QRcode_free(q);
		return NULL;
	}
	for (y = 0; y < side; y += 2) {
		if (flags & QR_COLOR)
			put(out, &off, on);
		for (x = 0; x < side; x++) {
			top = ink(q, x, y, flags);
			bottom = ink(q, x, y + 1, flags);
			if (top && bottom)
				put(out, &off, QR_FULL);
			else if (top)
				put(out, &off, QR_UPPER);
			else if (bottom)
				put(out, &off, QR_LOWER);
			else
				put(out, &off, " ");
		}
		if (flags & QR_COLOR)
			put(out, &off, QR_OFF);
		put(out, &off, "\n");
	}
	out[off] = '\0';
	if (modules != NULL)
		*modules = q->width;
	QRcode_free(q);
	return out;
}
