/*
 * ui.h -- `warren ui`, the full-screen terminal client: its state (shared
 * by ui.c, ui_draw.c and ui_cmd.c) and the pure helpers of ui_edit.c and
 * ui_text.c (no curses, no I/O: unit-tested in tests/unit/test_ui.c).
 */
#ifndef WARREN_UI_H
#define WARREN_UI_H

#include <stddef.h>
#include <time.h>
#include <wchar.h>

#include <jansson.h>

/* --- ui_text.c: wide strings for a terminal. */

/*
 * UTF-8 to a wide string for the screen: invalid bytes and control
 * characters other than '\n' become U+FFFD, a tab a space. *len (may be
 * NULL) gets the length. Never NULL; the caller frees.
 */
wchar_t *ui_wcs(const char *, size_t *len);
/* A wide string back to UTF-8; the caller frees. */
char *ui_utf8(const wchar_t *, size_t len);
/* Columns of one character (0 for combining marks, 2 for wide ones). */
int ui_wcw(wchar_t);
/* Columns of s[0..n). */
int ui_width(const wchar_t *, size_t n);
/*
 * Break s[0..len) into rows of at most width columns (width >= 1), at a
 * space when the row has one, at '\n' always. starts[i] and ends[i] get
 * row i (the breaking space or newline is in neither). Returns the number
 * of rows (at least 1), of which at most max are stored.
 */
size_t ui_wrap(const wchar_t *, size_t len, int width, size_t *starts,
    size_t *ends, size_t max);

/* --- ui_edit.c: the input line. */

#define UI_EDIT_MAX	8192	/* characters */
#define UI_HIST_MAX	100	/* lines of history */

enum ui_key {
	UI_K_LEFT = 0x110000, UI_K_RIGHT, UI_K_HOME, UI_K_END, UI_K_BS,
	UI_K_DEL, UI_K_UP, UI_K_DOWN, UI_K_KILL_END, UI_K_KILL_START,
	UI_K_KILL_WORD, UI_K_WORD_LEFT, UI_K_WORD_RIGHT
};

struct ui_edit {
	wchar_t *buf;		/* not NUL-terminated */
	size_t len, cap, cur;
	wchar_t **hist;		/* oldest first, NUL-terminated */
	size_t nhist, hpos;	/* hpos == nhist: the line being typed */
	wchar_t *draft;		/* the line being typed while in history */
};

void ui_edit_init(struct ui_edit *);
void ui_edit_free(struct ui_edit *);
/* Insert a character (a '\n' too); 0, or -1 when full. */
int ui_edit_insert(struct ui_edit *, wchar_t);
/* An editing key (enum ui_key); 0 if it changed nothing. */
int ui_edit_key(struct ui_edit *, int key);
/* The line as UTF-8 (caller frees); it goes to history and the line empties. */
char *ui_edit_take(struct ui_edit *);
/* Replace the line (completion). */
void ui_edit_set(struct ui_edit *, const wchar_t *, size_t);
/*
 * The first column to show so that the cursor fits in width columns, and
 * the cursor's column relative to it. '\n' shows as one column.
 */
size_t ui_edit_view(const struct ui_edit *, int width, int *curcol);

/* --- the client's state. */

struct cli;
struct client;

struct ui_contact {
	char *address;		/* a group's: "#N" */
	char *name;		/* NULL: none */
	char state[16];		/* a group's status (member, invited, ...) */
	long long group;	/* a group's number; 0: a contact */
	int online, verified, alert;
	long long unread, timer;
};

struct ui_msg {
	long long id;
	char dir;		/* 'i', 'o' or 'n' (a note) */
	char state[16];
	char *text;
	char *who;		/* a group message's author; NULL otherwise */
	long long time;		/* ms */
	long long timer;	/* s, 0: kept */
};

enum ui_popup { UI_POP_NONE, UI_POP_TEXT, UI_POP_VERIFY, UI_POP_REMOVE };

struct ui {
	struct cli *cli;
	const char *dir;
	struct client *call;	/* requests */
	struct client *ev;	/* events.subscribe */
	char *inbuf;		/* partial lines from ev */
	size_t inlen, incap;
	long long last_event;	/* 0: none seen yet */
	long long replay_until;	/* events up to this came before our reload */
	int connected;
	time_t retry_at;
	char down[256];		/* why we are not connected */
	json_t *methods;	/* rpc.methods result: what the daemon offers */

	/* status */
	int locked, tor_progress, published;
	char tor_state[16];
	long long requests;
	char mailbox[48];	/* status.mailbox in words, "" when none */

	/* contacts (state contact or requested), then groups */
	struct ui_contact *contacts;
	size_t ncontacts, sel;
	char cur[64];		/* the selected contact's address, "" none */

	/* the conversation with cur, oldest first */
	struct ui_msg *msgs;
	size_t nmsgs;
	int older;		/* more may exist before msgs[0] */
	int scroll;		/* rows scrolled back from the newest */
	int rows_max;		/* scroll limit of the last draw */
	int want_older;		/* the last draw ran out of history */

	struct ui_edit edit;
	int paste;		/* inside a bracketed paste */
	int bell;
	int color;
	char info[512];		/* the last command's result */
	int info_bad;

	enum ui_popup popup;
	char *pop_title;
	char *pop_text;		/* UTF-8 lines */
	char pop_arg[64];	/* the contact it is about */

	char *refused;		/* a line refused by 1013, sent if typed again */
	int quit;
};

/* ui.c */
json_t *ui_call(struct ui *, const char *method, json_t *params, int *code,
    const char **msg);
void ui_info(struct ui *, int bad, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ui_reload_contacts(struct ui *);
void ui_reload_conversation(struct ui *, int mark_read);
/* Append new messages and update states from the newest few. */
void ui_refresh_recent(struct ui *, int mark_read);
void ui_select(struct ui *, size_t);
int ui_has_method(const struct ui *, const char *);
void ui_popup(struct ui *, enum ui_popup, const char *title,
    const char *text);
const struct ui_contact *ui_current(const struct ui *);
/* The selected row is a group. */
int ui_in_group(const struct ui *);

/* ui_keys.c: every key waiting on the terminal. */
void ui_read_keys(struct ui *);

/* ui_draw.c */
void ui_draw_init(struct ui *);
void ui_draw(struct ui *);

/* ui_cmd.c */
/* A line that starts with '/': run it. */
void ui_command(struct ui *, const char *line);
/* Tab on "/pre": complete the command name in place; 0 if nothing. */
int ui_complete(struct ui *);
/* The /help text; the caller frees. */
char *ui_help_text(const struct ui *);
/* The popup's answer key for UI_POP_VERIFY / UI_POP_REMOVE. */
void ui_popup_key(struct ui *, int key);
/* A string member or "". */
const char *ui_jstr(json_t *, const char *);

#endif
