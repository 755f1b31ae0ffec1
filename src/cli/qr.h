/*
 * qr.h -- QR codes for the terminal: libqrencode's modules drawn with
 * Unicode half blocks, two module rows per text line, QR_QUIET modules of
 * quiet zone on every side.
 *
 * A block is ink. By default ink marks the light modules, so the code
 * reads right on a dark terminal (the usual case) and appears inverted on
 * a light one. QR_COLOR paints the ink white on black with SGR codes, which
 * is right on any terminal; QR_INVERT inks the dark modules instead (for a
 * light terminal without colour).
 */
#ifndef WARREN_QR_H
#define WARREN_QR_H

#define QR_QUIET	4	/* modules, as ISO/IEC 18004 asks */
#define QR_MAX_TEXT	1024	/* bytes: anything longer is unreadable here */

#define QR_COLOR	0x1	/* explicit white-on-black (black-on-white) */
#define QR_INVERT	0x2	/* ink the dark modules */

struct cli;

/*
 * text (1..QR_MAX_TEXT bytes, NUL-terminated) as lines ending in '\n',
 * each QR width + 2 * QR_QUIET characters wide, (that + 1) / 2 of them.
 * *modules (may be NULL) gets the symbol's width without the quiet zone.
 * Returns a string the caller frees, or NULL (empty, too long, no memory).
 */
char *qr_render(const char *text, int flags, int *modules);

/* Print text as a QR code on stdout, coloured when cli->color. 0 or -1. */
int cli_print_qr(const struct cli *, const char *text);

#endif
