/* ctl.c -- a tor control connection over a bufferevent: commands, replies, events. */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include "tor/ctl.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define TORCTL_MAX_CMD	4096	/* bytes of one command line */
#define TORCTL_CHUNK	(64 * 1024) /* bytes handed to the parser at once */

struct torctl_cmd {
	torctl_reply_cb *cb;
	void *arg;
	TAILQ_ENTRY(torctl_cmd) entry;
};

struct torctl {
	struct bufferevent *bev;
	struct ctl_parser *parser;
	TAILQ_HEAD(, torctl_cmd) pending;
	size_t npending;
	torctl_event_cb *event_cb;
	torctl_lost_cb *lost_cb;
	void *arg;
	int depth;		/* inside our callbacks */
	int dead;		/* torctl_free was called while depth > 0 */
	int broken;		/* lost_cb already reported */
};

/* Release everything. */
static void
torctl_destroy(struct torctl *c)
{
	struct torctl_cmd *cmd;

	while ((cmd = TAILQ_FIRST(&c->pending)) != NULL) {
		TAILQ_REMOVE(&c->pending, cmd, entry);
		free(cmd);
	}
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	ctl_parser_free(c->parser);
	free(c);
}

/* Free now, or when the outermost callback returns. */
void
torctl_free(struct torctl *c)
{
	if (c == NULL)
		return;
	if (c->depth > 0) {
		c->dead = 1;
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
		return;
	}
	torctl_destroy(c);
}

/* Report the loss once; further input is ignored. */
static void
torctl_lose(struct torctl *c, int err)
{
	if (c->broken || c->dead)
		return;
	c->broken = 1;
	bufferevent_disable(c->bev, EV_READ);
	c->lost_cb(c, err, c->arg);
}

/* Route one parsed reply to the event handler or the oldest command. */
static void
torctl_dispatch(struct torctl *c, struct ctl_reply *rep)
{
	struct torctl_cmd *cmd;

	if (rep->event) {
		c->event_cb(c, rep, c->arg);
		return;
	}
	if ((cmd = TAILQ_FIRST(&c->pending)) == NULL) {
		log_warn("torctl: reply %d without a command", rep->code);
		torctl_lose(c, ERR_PROTO);
		return;
	}
	TAILQ_REMOVE(&c->pending, cmd, entry);
	c->npending--;
	if (cmd->cb != NULL)
		cmd->cb(c, rep, cmd->arg);
	free(cmd);
}

/* Parse everything buffered, one reply at a time. */
static void
torctl_read_cb(struct bufferevent *bev, void *arg)
{
	struct torctl *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct ctl_reply *rep;
	size_t len, used;
	uint8_t *p;
	int r;

	c->depth++;
	while (!c->dead && !c->broken &&
	    (len = evbuffer_get_length(in)) > 0) {
		if (len > TORCTL_CHUNK)
			len = TORCTL_CHUNK;
		p = evbuffer_pullup(in, (ev_ssize_t)len);
		r = ctl_parse(c->parser, p, len, &used, &rep);
		evbuffer_drain(in, used);
		if (r == ERR_AGAIN)
			break;
		if (r != 0) {
			log_warn("torctl: %s in tor's reply; dropping the "
			    "connection", err_str(r));
			torctl_lose(c, r);
			break;
		}
		torctl_dispatch(c, rep);
		ctl_reply_free(rep);
	}
	c->depth--;
	if (c->dead && c->depth == 0)
		torctl_destroy(c);
}

/* EOF or error on the socket. */
static void
torctl_event_cb_(struct bufferevent *bev, short what, void *arg)
{
	struct torctl *c = arg;

	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	c->depth++;
	torctl_lose(c, (what & BEV_EVENT_EOF) ? ERR_CLOSED : ERR_IO);
	c->depth--;
	if (c->dead && c->depth == 0)
		torctl_destroy(c);
}

/* Wrap a connected bufferevent. */
struct torctl *
torctl_new(struct bufferevent *bev, torctl_event_cb *event_cb,
    torctl_lost_cb *lost_cb, void *arg)
{
	struct torctl *c;

	c = xcalloc(1, sizeof *c);
	c->bev = bev;
	c->parser = ctl_parser_new();
	TAILQ_INIT(&c->pending);
	c->event_cb = event_cb;
	c->lost_cb = lost_cb;
	c->arg = arg;
	bufferevent_setcb(bev, torctl_read_cb, NULL, torctl_event_cb_, c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	return c;
}

/* libevent is done with a secret line: wipe and free it. */
static void
torctl_secret_done(const void *data, size_t len, void *arg)
{
	sodium_free(arg);	/* zeroes it */
}

/* Queue the line (plus CRLF), as is or by reference to a wiped copy. */
static int
torctl_write(struct torctl *c, const char *line, size_t len, int secret)
{
	char *copy;

	if (!secret)
		return bufferevent_write(c->bev, line, len) != 0 ||
		    bufferevent_write(c->bev, "\r\n", 2) != 0 ? ERR_IO : 0;
	if ((copy = sodium_malloc(len + 2)) == NULL)
		return ERR_NOMEM;
	memcpy(copy, line, len);
	memcpy(copy + len, "\r\n", 2);
	if (evbuffer_add_reference(bufferevent_get_output(c->bev), copy,
	    len + 2, torctl_secret_done, copy) != 0) {
		sodium_free(copy);
		return ERR_IO;
	}
	return 0;
}

/* Queue a command. */
static int
torctl_queue(struct torctl *c, const char *line, torctl_reply_cb *cb,
    void *arg, int secret)
{
	struct torctl_cmd *cmd;
	size_t len = strlen(line);
	int r;

	if (strpbrk(line, "\r\n") != NULL)
		return ERR_INVAL;
	if (len > TORCTL_MAX_CMD || c->npending >= TORCTL_MAX_PENDING)
		return ERR_TOOBIG;
	if (c->broken || c->dead)
		return ERR_CLOSED;
	if ((r = torctl_write(c, line, len, secret)) != 0)
		return r;
	cmd = xcalloc(1, sizeof *cmd);
	cmd->cb = cb;
	cmd->arg = arg;
	TAILQ_INSERT_TAIL(&c->pending, cmd, entry);
	c->npending++;
	return 0;
}

/* Queue a command. */
int
torctl_send(struct torctl *c, const char *line, torctl_reply_cb *cb,
    void *arg)
{
	return torctl_queue(c, line, cb, arg, 0);
}

/* Queue a command holding a secret; see ctl.h. */
int
torctl_send_secret(struct torctl *c, const char *line, torctl_reply_cb *cb,
    void *arg)
{
	return torctl_queue(c, line, cb, arg, 1);
}

/* Make a QuotedString. */
int
torctl_quote(const char *s, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen < 3)
		return ERR_TOOBIG;
	out[o++] = '"';
	for (; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n')
			return ERR_INVAL;
		if (o + 4 > outlen)
			return ERR_TOOBIG;
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}
