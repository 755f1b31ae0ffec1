/*
 * test_qr.c -- terminal QR codes: size, quiet zone, determinism, and the
 * drawn modules read back against libqrencode's (and zbarimg's decoding
 * of them when zbarimg is installed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <qrencode.h>

#include "cli/qr.h"
#include "test.h"

int main(void);

#define ADDR	"pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndfpco7yd" \
		"q.onion"
#define SAFETY	"warren-safety:1:586161721569101086406017747230" \
		"784244574278465394613458256014"
#define MAXSIDE	(177 + 2 * QR_QUIET)

/* Read a drawing back: ink[y][x]; returns lines, sets *cols; -1 if bad. */
static int
parse(const char *s, uint8_t ink[MAXSIDE + 1][MAXSIDE], int *cols)
{
	int x = 0, y = 0;

	*cols = -1;
	while (*s != '\0') {
		if (*s == '\033') {	/* skip an SGR sequence */
			while (*s != '\0' && *s != 'm')
				s++;
			if (*s != '\0')
				s++;
			continue;
		}
		if (*s == '\n') {
			if (*cols != -1 && *cols != x)
				return -1;
			*cols = x;
			x = 0;
			y += 2;
			s++;
			continue;
		}
		if (x >= MAXSIDE || y >= MAXSIDE)
			return -1;
		if (strncmp(s, "\xe2\x96\x88", 3) == 0)
			ink[y][x] = ink[y + 1][x] = 1;
		else if (strncmp(s, "\xe2\x96\x80", 3) == 0) {
			ink[y][x] = 1;
			ink[y + 1][x] = 0;
		} else if (strncmp(s, "\xe2\x96\x84", 3) == 0) {
			ink[y][x] = 0;
			ink[y + 1][x] = 1;
		} else if (*s == ' ')
			ink[y][x] = ink[y + 1][x] = 0;
		else
			return -1;
		s += *s == ' ' ? 1 : 3;
		x++;
	}
	return x == 0 ? y / 2 : -1;
}

static uint8_t grid[MAXSIDE + 1][MAXSIDE];

/* The drawn modules are libqrencode's, light as ink, in a quiet zone. */
static void
check_modules(const char *text, int flags)
{
	QRcode *q;
	char *s;
	int lines, cols, modules, x, y, dark, want;

	s = qr_render(text, flags, &modules);
	CHECK(s != NULL);
	q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	CHECK(q != NULL);
	if (s == NULL || q == NULL)
		goto out;
	CHECK_INT(modules, q->width);
	lines = parse(s, grid, &cols);
	CHECK_INT(cols, q->width + 2 * QR_QUIET);
	CHECK_INT(lines, (cols + 1) / 2);
	for (y = 0; y < cols; y++) {
		for (x = 0; x < cols; x++) {
			dark = x >= QR_QUIET && y >= QR_QUIET &&
			    x < QR_QUIET + q->width &&
			    y < QR_QUIET + q->width &&
			    (q->data[(y - QR_QUIET) * q->width + x -
			    QR_QUIET] & 1);
			want = (flags & QR_INVERT) ? dark : !dark;
			if (grid[y][x] != want) {
				CHECK_INT(grid[y][x], want);
				goto out;
			}
		}
	}
	/* The half row below the grid is never inked. */
	for (x = 0; x < cols; x++)
		CHECK_INT(grid[cols][x], 0);
out:
	QRcode_free(q);
	free(s);
}

/* An address is version 4 at level M: 33 modules, 41 columns, 21 lines. */
static void
test_address_size(void)
{
	char *s;
	int modules, lines, cols;

	CHECK((s = qr_render(ADDR, 0, &modules)) != NULL);
	CHECK_INT(modules, 33);
	lines = parse(s, grid, &cols);
	CHECK_INT(cols, 33 + 2 * QR_QUIET);
	CHECK_INT(lines, (33 + 2 * QR_QUIET + 1) / 2);
	free(s);
}

/* Modules match libqrencode in every mode. */
static void
test_modules(void)
{
	check_modules(ADDR, 0);
	check_modules(ADDR, QR_INVERT);
	check_modules(SAFETY, 0);
	check_modules(SAFETY, QR_COLOR);
	check_modules(SAFETY, QR_COLOR | QR_INVERT);
	check_modules("x", 0);
}

/* Same text, same drawing; other text, other drawing. */
static void
test_deterministic(void)
{
	char *a, *b, *c;

	a = qr_render(SAFETY, 0, NULL);
	b = qr_render(SAFETY, 0, NULL);
	c = qr_render(ADDR, 0, NULL);
	CHECK(a != NULL && b != NULL && c != NULL);
	if (a != NULL && b != NULL && c != NULL) {
		CHECK_STR(a, b);
		CHECK(strcmp(a, c) != 0);
	}
	free(a);
	free(b);
	free(c);
}

/* The quiet zone: two full lines of ink (or none, inverted) on top. */
static void
test_quiet_zone(void)
{
	char *s, *line;
	int i;

	s = qr_render(ADDR, 0, NULL);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	line = s;
	for (i = 0; i < 41; i++, line += 3)
		CHECK(strncmp(line, "\xe2\x96\x88", 3) == 0);
	CHECK(*line == '\n');
	free(s);
	s = qr_render(ADDR, QR_INVERT, NULL);
	CHECK(s != NULL && strncmp(s, "                                    "
	    "     \n", 42) == 0);
	free(s);
}

/* Colour: each line is wrapped in SGR set and reset. */
static void
test_color(void)
{
	char *s, *p;
	int lines = 0;

	CHECK((s = qr_render(ADDR, QR_COLOR, NULL)) != NULL);
	if (s == NULL)
		return;
	for (p = s; *p != '\0'; p = strchr(p, '\n') + 1) {
		CHECK(strncmp(p, "\033[97;40m", 8) == 0);
		CHECK(strncmp(strchr(p, '\n') - 4, "\033[0m", 4) == 0);
		lines++;
	}
	CHECK_INT(lines, 21);
	free(s);
}

/* Bounds: empty and over QR_MAX_TEXT fail; QR_MAX_TEXT works. */
static void
test_bounds(void)
{
	char big[QR_MAX_TEXT + 2];
	char *s;
	int modules = -1;

	CHECK(qr_render("", 0, &modules) == NULL);
	CHECK_INT(modules, 0);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK(qr_render(big, 0, NULL) == NULL);
	big[QR_MAX_TEXT] = '\0';
	CHECK((s = qr_render(big, 0, &modules)) != NULL);
	CHECK(modules > 33 && modules <= 177);
	free(s);
	check_modules(big, 0);
}

/* zbarimg reads the drawing (as a scaled PBM) back to the text. */
static void
zbar_roundtrip(const char *text, int flags)
{
	char path[] = "/tmp/test_qr.XXXXXX", cmd[128], got[256];
	FILE *f, *p;
	char *s;
	int lines, cols, x, y, k, fd, inked;
	const int scale = 4;

	s = qr_render(text, flags, NULL);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	lines = parse(s, grid, &cols);
	free(s);
	CHECK(lines > 0);
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		CHECK(!"mkstemp");
		return;
	}
	/* PBM: 1 is black. Ink is light unless inverted. */
	fprintf(f, "P1\n%d %d\n", cols * scale, cols * scale);
	for (y = 0; y < cols * scale; y++) {
		for (x = 0; x < cols * scale; x++) {
			inked = grid[y / scale][x / scale];
			fputs(inked == !!(flags & QR_INVERT) ? "1" : "0", f);
		}
		fputc('\n', f);
	}
	fclose(f);
	snprintf(cmd, sizeof cmd, "zbarimg -q --raw %s 2>/dev/null", path);
	memset(got, 0, sizeof got);
	if ((p = popen(cmd, "r")) != NULL) {
		k = (int)fread(got, 1, sizeof got - 1, p);
		pclose(p);
		while (k > 0 && got[k - 1] == '\n')
			got[--k] = '\0';
	}
	CHECK_STR(got, text);
	unlink(path);
}

/* The bonus check, when a decoder is at hand. */
static void
test_zbarimg(void)
{
	if (system("zbarimg --version >/dev/null 2>&1") != 0) {
		printf("# skip test_zbarimg: zbarimg not installed "
		    "(apt-get install zbar-tools)\n");
		return;
	}
	zbar_roundtrip(ADDR, 0);
	zbar_roundtrip(ADDR, QR_INVERT);
	zbar_roundtrip(SAFETY, QR_COLOR);
}

int
main(void)
{
	RUN(test_address_size);
	RUN(test_modules);
	RUN(test_deterministic);
	RUN(test_quiet_zone);
	RUN(test_color);
	RUN(test_bounds);
	RUN(test_zbarimg);
	return TEST_EXIT();
}
