/*
 * ui_keys.c -- the keys of `warren ui`: editing the input line (through
 * ui_edit.c), Enter (send, or run a /command), switching contacts,
 * scrolling, bracketed paste and the popups' answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>
#include <jansson.h>

#include "warren/limits.h"
#include "cli/ui.h"
#include "util/xmalloc.h"

/* Send the input line to the selected group. */
static void
send_group(struct ui *u, const char *text)
{
	json_t *p, *r;
	const char *msg;
	int code;

	if ((p = json_pack("{s:I, s:s}", "group",
	    (json_int_t)ui_current(u)->group, "text", text)) == NULL) {
		ui_info(u, 1, "not sent: not valid UTF-8");
		return;
	}
	if ((r = ui_call(u, "groups.send", p, &code, &msg)) == NULL) {
		ui_info(u, 1, "not sent: %s", msg);
		return;
	}
	json_decref(r);
	u->info[0] = '\0';
	u->scroll = 0;
	ui_reload_conversation(u, 0);
}

/* Send the input line as a message to the selected contact. */
static void
send_text(struct ui *u, const char *text)
{
	json_t *p, *r;
	const char *msg;
	int code, force;

	if (u->cur[0] == '\0') {
		ui_info(u, 1, "no contact selected: /add ADDRESS first");
		return;
	}
	if (strlen(text) > WARREN_MAX_TEXT) {
		ui_info(u, 1, "not sent: longer than %d bytes",
		    WARREN_MAX_TEXT);
		return;
	}
	if (ui_in_group(u)) {
		send_group(u, text);
		return;
	}
	force = u->refused != NULL && strcmp(u->refused, text) == 0;
	p = json_pack("{s:s, s:s}", "contact", u->cur, "text", text);
	if (p == NULL) {
		ui_info(u, 1, "not sent: not valid UTF-8");
		return;
	}
	if (force)
		json_object_set_new(p, "force", json_true());
	free(u->refused);
	u->refused = NULL;
	if ((r = ui_call(u, "messages.send", p, &code, &msg)) == NULL) {
		if (code == 1013) {
			ui_info(u, 1, "not sent: the session was set up again; "
			    "/verify, or send the same text again to send it "
			    "anyway");
			u->refused = xstrdup(text);
		} else
			ui_info(u, 1, "not sent: %s", msg);
		return;
	}
	json_decref(r);
	u->info[0] = '\0';
	u->scroll = 0;
	ui_refresh_recent(u, 0);
}

/* Enter: a command, or a message ("//" sends a leading "/"). */
static void
enter(struct ui *u)
{
	char *line;

	if (u->edit.len == 0)
		return;
	line = ui_edit_take(&u->edit);
	if (line[0] == '/' && line[1] != '/')
		ui_command(u, line);
	else
		send_text(u, line[0] == '/' ? line + 1 : line);
	free(line);
}

/* Move the selection by d, wrapping around. */
static void
switch_by(struct ui *u, int d)
{
	if (u->ncontacts == 0)
		return;
	if (d > 0)
		ui_select(u, (u->sel + 1) % u->ncontacts);
	else
		ui_select(u, (u->sel + u->ncontacts - 1) % u->ncontacts);
}

/* An open popup: the key answers or closes it. */
static void
popup_key(struct ui *u, int key)
{
	if (u->popup == UI_POP_VERIFY || u->popup == UI_POP_REMOVE) {
		ui_popup_key(u, key);
		return;
	}
	ui_popup(u, UI_POP_NONE, NULL, NULL);
}

/* ESC then more: Alt-1..9, Alt-Enter, and bracketed paste markers. */
static void
escape(struct ui *u)
{
	char seq[8];
	size_t n = 0;
	wint_t c;
	int r;

	timeout(50);
	r = get_wch(&c);
	if (r == OK && c >= L'1' && c <= L'9') {
		if ((size_t)(c - L'1') < u->ncontacts)
			ui_select(u, (size_t)(c - L'1'));
	} else if (r == OK && (c == L'\r' || c == L'\n'))
		(void)ui_edit_insert(&u->edit, L'\n');
	else if (r == OK && c == L'[') {
		while (n < sizeof seq - 1 && get_wch(&c) == OK && c < 0x80) {
			seq[n++] = (char)c;
			if (c == L'~' || (c >= L'A' && c <= L'Z'))
				break;
		}
		seq[n] = '\0';
		if (strcmp(seq, "200~") == 0)
			u->paste = 1;
		else if (strcmp(seq, "201~") == 0)
			u->paste = 0;
	} else if (r == OK && u->popup != UI_POP_NONE)
		popup_key(u, (int)c);
	else if (u->popup != UI_POP_NONE)
		ui_popup(u, UI_POP_NONE, NULL, NULL);
	timeout(0);
}

/* Keys that curses decodes. */
static void
special_key(struct ui *u, int k)
{
	int h;

	h = LINES > 6 ? LINES - 4 : 2;
	switch (k) {
	case KEY_RESIZE:
		break;
	case KEY_LEFT: ui_edit_key(&u->edit, UI_K_LEFT); break;
	case KEY_RIGHT: ui_edit_key(&u->edit, UI_K_RIGHT); break;
	case KEY_HOME: ui_edit_key(&u->edit, UI_K_HOME); break;
	case KEY_END: ui_edit_key(&u->edit, UI_K_END); break;
	case KEY_UP: ui_edit_key(&u->edit, UI_K_UP); break;
	case KEY_DOWN: ui_edit_key(&u->edit, UI_K_DOWN); break;
	case KEY_BACKSPACE: ui_edit_key(&u->edit, UI_K_BS); break;
	case KEY_DC: ui_edit_key(&u->edit, UI_K_DEL); break;
	case KEY_BTAB: switch_by(u, -1); break;
	case KEY_ENTER: enter(u); break;
	case KEY_PPAGE:
		u->scroll += h;
		break;
	case KEY_NPAGE:
		u->scroll = u->scroll > h ? u->scroll - h : 0;
		break;
	default:
		break;
	}
}

/* One character key. */
static void
char_key(struct ui *u, wint_t c)
{
	switch (c) {
	case 1: ui_edit_key(&u->edit, UI_K_HOME); return;	/* ^A */
	case 2: ui_edit_key(&u->edit, UI_K_LEFT); return;	/* ^B */
	case 4: ui_edit_key(&u->edit, UI_K_DEL); return;	/* ^D */
	case 5: ui_edit_key(&u->edit, UI_K_END); return;	/* ^E */
	case 6: ui_edit_key(&u->edit, UI_K_RIGHT); return;	/* ^F */
	case 8: case 127: ui_edit_key(&u->edit, UI_K_BS); return;
	case 11: ui_edit_key(&u->edit, UI_K_KILL_END); return;	/* ^K */
	case 12: clearok(curscr, TRUE); return;			/* ^L */
	case 14: ui_edit_key(&u->edit, UI_K_DOWN); return;	/* ^N */
	case 16: ui_edit_key(&u->edit, UI_K_UP); return;	/* ^P */
	case 21: ui_edit_key(&u->edit, UI_K_KILL_START); return; /* ^U */
	case 23: ui_edit_key(&u->edit, UI_K_KILL_WORD); return;	/* ^W */
	case 3:							/* ^C */
		if (u->edit.len == 0)
			u->quit = 1;
		else
			ui_edit_set(&u->edit, L"", 0);
		return;
	case 27: escape(u); return;
	case L'\t':
		if (u->paste)
			(void)ui_edit_insert(&u->edit, L' ');
		else if (ui_complete(u) == 0)
			switch_by(u, 1);
		return;
	case L'\r': case L'\n':
		if (u->paste)
			(void)ui_edit_insert(&u->edit, L'\n');
		else
			enter(u);
		return;
	default:
		break;
	}
	if (c < 0x20 || c == 0x7f)
		return;
	if (ui_edit_insert(&u->edit, (wchar_t)c) != 0)
		ui_info(u, 1, "the input line is full");
}

/* Read every key waiting. */
void
ui_read_keys(struct ui *u)
{
	wint_t c;
	int r;

	while ((r = get_wch(&c)) != ERR) {
		if (u->popup != UI_POP_NONE && r == OK && c != 27) {
			popup_key(u, (int)c);
			continue;
		}
		if (r == KEY_CODE_YES) {
			if (u->popup != UI_POP_NONE && c != KEY_RESIZE)
				ui_popup(u, UI_POP_NONE, NULL, NULL);
			else
				special_key(u, (int)c);
		} else
			char_key(u, c);
		if (u->quit)
			return;
	}
}
