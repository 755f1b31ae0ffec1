/*
 * ui_draw.c -- the screen of `warren ui`: contacts on the left, the
 * conversation on the right, a status bar and the input line at the
 * bottom, and a popup over them. Redrawn from the state after every
 * change; curses sends only what differs.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <curses.h>

#include "cli/cli.h"
#include "cli/ui.h"
#include "util/duration.h"
#include "util/xmalloc.h"

#define PAIR_GREEN	1
#define PAIR_YELLOW	2
#define PAIR_RED	3
#define PAIR_CYAN	4
#define INDENT		6	/* continuation rows of a message */

struct row {
	const wchar_t *s;
	size_t n;
	int x;		/* indent */
	size_t bold;	/* the first bold characters (the name) */
	attr_t attr;
};

struct rows {
	struct row *r;
	size_t n, cap;
	wchar_t **own;	/* strings the rows point into */
	size_t nown;
};

/* Colours unless NO_COLOR; the terminal's own background. */
void
ui_draw_init(struct ui *u)
{
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	timeout(0);
	if (u->color && has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_GREEN, COLOR_GREEN, -1);
		init_pair(PAIR_YELLOW, COLOR_YELLOW, -1);
		init_pair(PAIR_RED, COLOR_RED, -1);
		init_pair(PAIR_CYAN, COLOR_CYAN, -1);
	} else
		u->color = 0;
	/* Bracketed paste: a pasted newline is not Enter. */
	printf("\033[?2004h");
	fflush(stdout);
}

static attr_t
color(const struct ui *u, short pair)
{
	return u->color ? COLOR_PAIR(pair) : 0;
}

/* Put s[0..n) at y, x within cols columns; returns the columns used. */
static int
put(int y, int x, int cols, const wchar_t *s, size_t n)
{
	size_t k = 0;
	int w = 0, cw;

	while (k < n && (cw = ui_wcw(s[k])) + w <= cols) {
		w += cw;
		k++;
	}
	if (k > 0)
		mvaddnwstr(y, x, s, (int)k);
	return w;
}

/* Put a UTF-8 string; returns the columns used. */
static int
puts8(int y, int x, int cols, const char *s)
{
	wchar_t *w;
	size_t n;
	int r;

	w = ui_wcs(s, &n);
	r = put(y, x, cols, w, n);
	free(w);
	return r;
}

/* The name to show for a contact. */
static const char *
display_name(const struct ui_contact *c)
{
	static char buf[24];

	if (c->name != NULL)
		return c->name;
	snprintf(buf, sizeof buf, "%.8s\xe2\x80\xa6", c->address);
	return buf;
}

/* The left pane. */
static void
draw_contacts(struct ui *u, int w, int h)
{
	const struct ui_contact *c;
	char right[64];
	size_t i, first = 0;
	int y, rw;

	attron(A_BOLD);
	puts8(0, 0, w, "Contacts");
	attroff(A_BOLD);
	if (u->ncontacts == 0) {
		puts8(2, 1, w - 1, "(none: /add)");
		return;
	}
	if (u->sel >= (size_t)h)
		first = u->sel - (size_t)h + 1;
	for (i = first, y = 1; i < u->ncontacts && y <= h; i++, y++) {
		c = &u->contacts[i];
		snprintf(right, sizeof right, "%s%s%s%s%s",
		    strcmp(c->state, "invited") == 0 ? "invited" :
		    strcmp(c->state, "removed") == 0 ? "removed" : "",
		    c->alert ? "!" : "", c->verified ? "\xe2\x9c\x93" : "",
		    c->timer ? "\xe2\x8f\xb1" : "",
		    strcmp(c->state, "requested") == 0 ? "?" : "");
		if (c->unread > 0)
			snprintf(right + strlen(right), sizeof right -
			    strlen(right), " %lld", c->unread);
		if (i == u->sel)
			attron(A_REVERSE);
		mvhline(y, 0, ' ', w);
		if (c->online)
			attron(color(u, PAIR_GREEN));
		puts8(y, 0, 2, c->group ? "#" : c->online ? "\xe2\x97\x8f" :
		    "\xe2\x97\x8b");
		attroff(color(u, PAIR_GREEN));
		rw = 0;
		{
			wchar_t *rs = ui_wcs(right, NULL);

			rw = ui_width(rs, wcslen(rs));
			if (rw < w - 5)
				put(y, w - rw - 1, rw, rs, wcslen(rs));
			else
				rw = 0;
			free(rs);
		}
		if (c->unread > 0 && i != u->sel)
			attron(A_BOLD);
		puts8(y, 2, w - 4 - rw, display_name(c));
		attroff(A_BOLD | A_REVERSE);
	}
}

static void
rows_add(struct rows *rs, const wchar_t *s, size_t n, int x, size_t bold,
    attr_t attr)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->r = xreallocarray(rs->r, rs->cap, sizeof *rs->r);
	}
	rs->r[rs->n].s = s;
	rs->r[rs->n].n = n;
	rs->r[rs->n].x = x;
	rs->r[rs->n].bold = bold;
	rs->r[rs->n].attr = attr;
	rs->n++;
}

/* Keep a string alive until the rows are drawn. */
static wchar_t *
rows_own(struct rows *rs, wchar_t *w)
{
	rs->own = xreallocarray(rs->own, rs->nown + 1, sizeof *rs->own);
	rs->own[rs->nown++] = w;
	return w;
}

static void
rows_free(struct rows *rs)
{
	size_t i;

	for (i = 0; i < rs->nown; i++)
		free(rs->own[i]);
	free(rs->own);
	free(rs->r);
}

/*
 * Wrap a string into rows: the first row the full width, the rest
 * indented. The first `bold` characters are the name.
 */
static void
rows_wrap(struct rows *rs, const char *s, int width, size_t bold,
    attr_t attr)
{
	size_t n, k, i, st0, en0, rest, *st, *en;
	wchar_t *w;

	w = rows_own(rs, ui_wcs(s, &n));
	ui_wrap(w, n, width, &st0, &en0, 1);
	rows_add(rs, w, en0, 0, bold, attr);
	rest = en0;
	if (rest < n && (w[rest] == L' ' || w[rest] == L'\n'))
		rest++;
	if (rest >= n)
		return;
	k = ui_wrap(w + rest, n - rest, width - INDENT, NULL, NULL, 0);
	st = xcalloc(k, sizeof *st);
	en = xcalloc(k, sizeof *en);
	ui_wrap(w + rest, n - rest, width - INDENT, st, en, k);
	for (i = 0; i < k; i++)
		rows_add(rs, w + rest + st[i], en[i] - st[i], INDENT, 0, attr);
	free(st);
	free(en);
}

/* The day of a time in ms, as local yyyymmdd. */
static long
day_of(long long ms, char *label, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	if (label != NULL)
		strftime(label, n, "%a %-d %b %Y", &tm);
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

/* A sent message's state, as a suffix. */
static const char *
state_mark(const struct ui_msg *m)
{
	if (strcmp(m->state, "queued") == 0)
		return "  \xc2\xb7\xc2\xa0queued";
	if (strcmp(m->state, "sent") == 0)
		return "  \xc2\xb7\xc2\xa0sent";
	if (strcmp(m->state, "delivered") == 0)
		return "  \xe2\x9c\x93\xc2\xa0" "delivered";
	if (strcmp(m->state, "read") == 0)
		return "  \xe2\x9c\x93\xe2\x9c\x93\xc2\xa0read";
	return "";
}

/* One message as rows. */
static void
rows_msg(struct ui *u, struct rows *rs, const struct ui_msg *m,
    const char *name, int width)
{
	char hm[8], *s;
	time_t t = (time_t)(m->time / 1000);
	struct tm tm;
	attr_t attr = 0;
	size_t bold;
	const char *who, *text = m->text;

	localtime_r(&t, &tm);
	strftime(hm, sizeof hm, "%H:%M", &tm);
	if (m->dir == 'n') {
		who = "***";
		attr = strncmp(m->text, "security", 8) == 0 ||
		    strcmp(m->state, "damaged") == 0 ?
		    color(u, PAIR_RED) | A_BOLD : color(u, PAIR_YELLOW);
		if (strcmp(m->state, "damaged") == 0)
			text = "(a damaged row: its text is not shown)";
	} else if (m->dir == 'o')
		who = "me";
	else
		who = m->who != NULL ? m->who : name;
	if (strcmp(m->state, "undecryptable") == 0) {
		attr = color(u, PAIR_RED) | A_BOLD;
		text = "(a message that could not be decrypted)";
	}
	xasprintf(&s, "%s %s%s %s%s%s", hm, who, m->dir == 'n' ? "" : ":",
	    text, m->timer ? " \xe2\x8f\xb1" : "",
	    m->dir == 'o' ? state_mark(m) : "");
	{
		wchar_t *w = ui_wcs(who, NULL);

		bold = 6 + wcslen(w);
		free(w);
	}
	rows_wrap(rs, s, width, m->dir == 'n' ? 0 : bold, attr);
	free(s);
}

/* The conversation as rows, oldest first, with day separators. */
static void
build_rows(struct ui *u, struct rows *rs, int width)
{
	const struct ui_contact *c = ui_current(u);
	const char *name = c != NULL ? display_name(c) : "";
	char label[64], *s;
	long day = 0, d;
	size_t i;

	if (!u->older)
		rows_wrap(rs, "\xe2\x80\x94 the beginning of your conversation "
		    "\xe2\x80\x94", width, 0, A_DIM);
	for (i = 0; i < u->nmsgs; i++) {
		if ((d = day_of(u->msgs[i].time, label, sizeof label)) !=
		    day) {
			xasprintf(&s, "\xe2\x94\x80\xe2\x94\x80 %s "
			    "\xe2\x94\x80\xe2\x94\x80", label);
			rows_wrap(rs, s, width, 0, A_DIM);
			free(s);
			day = d;
		}
		rows_msg(u, rs, &u->msgs[i], name, width);
	}
}

/* The header above the conversation. */
static void
draw_header(struct ui *u, int x, int w)
{
	const struct ui_contact *c = ui_current(u);
	char t[64], *s;
	int used;	/* columns the name took */

	if (c == NULL) {
		puts8(0, x, w, "no conversation: /add ADDRESS [NAME]");
		return;
	}
	if (c->group) {
		xasprintf(&s, " group %s \xc2\xb7 %s", c->address, strcmp(c->state,
		    "invited") == 0 ? "invited: 'warren group accept' joins" :
		    c->state);
		attron(A_BOLD);
		used = puts8(0, x, w, c->name);
		attroff(A_BOLD);
		puts8(0, x + used, w - used, s);
		free(s);
		return;
	}
	t[0] = '\0';
	if (c->timer)
		duration_words(t, sizeof t, (long)c->timer);
	xasprintf(&s, " %s%s%s%s%s%s  %.8s\xe2\x80\xa6",
	    c->online ? "online" : "offline",
	    strcmp(c->state, "requested") == 0 ? " \xc2\xb7 request sent" : "",
	    c->verified ? " \xc2\xb7 verified" : " \xc2\xb7 unverified",
	    c->timer ? " \xc2\xb7 timer " : "", t,
	    c->alert ? " \xc2\xb7 SESSION RESET: /verify" : "", c->address);
	attron(A_BOLD);
	used = puts8(0, x, w, display_name(c));
	attroff(A_BOLD);
	if (c->alert)
		attron(color(u, PAIR_RED));
	puts8(0, x + used, w - used, s);
	attroff(color(u, PAIR_RED));
	free(s);
	if (u->scroll > 0) {
		attron(A_REVERSE);
		puts8(0, COLS - 12, 12, " \xe2\x86\x91 history ");
		attroff(A_REVERSE);
	}
}

/* The right pane: header and the rows that fit. */
static void
draw_conversation(struct ui *u, int x, int w, int h)
{
	struct rows rs;
	size_t first, i;
	int y, maxs;
	const struct row *r;

	memset(&rs, 0, sizeof rs);
	draw_header(u, x, w);
	if (u->cur[0] == '\0')
		return;
	build_rows(u, &rs, w);
	maxs = rs.n > (size_t)h ? (int)(rs.n - (size_t)h) : 0;
	if (u->scroll >= maxs) {
		if (u->older && u->scroll > 0)
			u->want_older = 1;
		u->scroll = maxs;
	}
	first = rs.n > (size_t)h ? rs.n - (size_t)h - (size_t)u->scroll : 0;
	for (i = first, y = 1; i < rs.n && y <= h; i++, y++) {
		r = &rs.r[i];
		attron(r->attr);
		if (r->bold > 0) {
			attron(A_BOLD);
			put(y, x + r->x, w - r->x, r->s, r->bold < r->n ?
			    r->bold : r->n);
			attroff(A_BOLD);
			if (r->bold < r->n)
				put(y, x + r->x + ui_width(r->s, r->bold),
				    w - r->x - ui_width(r->s, r->bold),
				    r->s + r->bold, r->n - r->bold);
		} else
			put(y, x + r->x, w - r->x, r->s, r->n);
		attroff(r->attr);
	}
	rows_free(&rs);
}

/* The status bar: tor, onion, requests, then the last result. */
static void
draw_status(struct ui *u, int y)
{
	char s[768];
	int x = 0;

	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	if (!u->connected)
		snprintf(s, sizeof s, " %s \xe2\x80\x94 retrying; /quit "
		    "leaves ", u->down);
	else if (strcmp(u->tor_state, "disabled") == 0)
		snprintf(s, sizeof s, " tor disabled (warrend --no-tor) ");
	else if (strcmp(u->tor_state, "ready") == 0)
		snprintf(s, sizeof s, " tor ready \xc2\xb7 onion %s%s ",
		    u->published ? "published" : "not published yet",
		    u->bell ? "" : " \xc2\xb7 bell off");
	else
		snprintf(s, sizeof s, " tor %d%% (%s) \xc2\xb7 onion %s ",
		    u->tor_progress, u->tor_state,
		    u->published ? "published" : "not published yet");
	if (!u->connected)
		attron(color(u, PAIR_RED));
	x += puts8(y, x, COLS - x, s);
	attroff(color(u, PAIR_RED));
	if (u->connected && u->requests > 0) {
		snprintf(s, sizeof s, "\xc2\xb7 %lld request%s waiting "
		    "(/accept) ", u->requests, u->requests == 1 ? "" : "s");
		x += puts8(y, x, COLS - x, s);
	}
	if (u->connected && u->mailbox[0] != '\0') {
		snprintf(s, sizeof s, "\xc2\xb7 mailbox %s ", u->mailbox);
		x += puts8(y, x, COLS - x, s);
	}
	if (u->info[0] != '\0') {
		if (u->info_bad)
			attron(color(u, PAIR_RED));
		x += puts8(y, x, COLS - x, "\xe2\x94\x82 ");
		puts8(y, x, COLS - x, u->info);
		attroff(color(u, PAIR_RED));
	}
	attroff(A_REVERSE);
}

/* The input line; leaves the cursor in it. */
static void
draw_input(struct ui *u, int y)
{
	wchar_t *v;
	size_t first, i, n;
	int col;

	move(y, 0);
	clrtoeol();
	puts8(y, 0, 2, "> ");
	first = ui_edit_view(&u->edit, COLS - 2, &col);
	n = u->edit.len - first;
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = u->edit.buf[first + i] == L'\n' ? (wchar_t)0x21b5 :
		    u->edit.buf[first + i];
	put(y, 2, COLS - 3, v, n);
	free(v);
	move(y, 2 + col);
}

/* A box in the middle with the popup's lines. */
static void
draw_popup(struct ui *u)
{
	wchar_t *lines[64];
	size_t lens[64], n = 0, i;
	char *copy, *p, *line;
	int w = 20, h, x, y, lw;

	copy = xstrdup(u->pop_text != NULL ? u->pop_text : "");
	for (p = copy; n < 64 && (line = strsep(&p, "\n")) != NULL;) {
		if (p == NULL && *line == '\0')
			break;
		lines[n] = ui_wcs(line, &lens[n]);
		if ((lw = ui_width(lines[n], lens[n]) + 4) > w)
			w = lw;
		n++;
	}
	free(copy);
	if (w > COLS)
		w = COLS;
	h = (int)n + 2;
	if (h > LINES)
		h = LINES;
	x = (COLS - w) / 2;
	y = (LINES - h) / 2;
	for (i = 0; i < (size_t)h; i++)
		mvhline(y + (int)i, x, ' ', w);
	attron(A_BOLD);
	mvhline(y, x, ACS_HLINE, w);
	mvhline(y + h - 1, x, ACS_HLINE, w);
	mvvline(y, x, ACS_VLINE, h);
	mvvline(y, x + w - 1, ACS_VLINE, h);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	if (u->pop_title != NULL) {
		puts8(y, x + 2, w - 4, " ");
		puts8(y, x + 3, w - 5, u->pop_title);
		puts8(y, x + 3 + (int)strlen(u->pop_title), 1, " ");
	}
	attroff(A_BOLD);
	for (i = 0; i < n; i++) {
		if ((int)i + 1 < h - 1)
			put(y + 1 + (int)i, x + 2, w - 4, lines[i], lens[i]);
		free(lines[i]);
	}
	curs_set(0);
}

/* Everything. */
void
ui_draw(struct ui *u)
{
	int lw, h;

	erase();
	curs_set(1);
	if (LINES < 6 || COLS < 30) {
		puts8(0, 0, COLS, "warren ui: the terminal is too small");
		refresh();
		return;
	}
	h = LINES - 3;		/* rows under the header */
	lw = COLS / 4;
	if (lw < 14)
		lw = 14;
	if (lw > 28)
		lw = 28;
	draw_contacts(u, lw, h);
	mvvline(0, lw, ACS_VLINE, LINES - 2);
	draw_conversation(u, lw + 2, COLS - lw - 2, h);
	draw_status(u, LINES - 2);
	if (u->popup != UI_POP_NONE)
		draw_popup(u);
	draw_input(u, LINES - 1);
	if (u->popup != UI_POP_NONE)
		curs_set(0);
	refresh();
}
