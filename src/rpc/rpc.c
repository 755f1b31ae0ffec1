/*
 * rpc.c -- JSON-RPC 2.0 server: accept clients on the UNIX socket, split
 * lines (bounded), decode requests, dispatch through rpc_cmds[], write
 * replies and event notifications. Hostile input gets an error reply; the
 * connection and the daemon live on.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <jansson.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "core/api.h"
#include "core/node.h"
#include "rpc/rpc.h"
#include "rpc/rpc_parse.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define RPC_STR(x)	#x
#define RPC_XSTR(x)	RPC_STR(x)

struct rpc_client {
	struct rpc_server *srv;
	struct bufferevent *bev;
	int discarding;		/* dropping an overlong line until its newline */
	size_t scanned;		/* input bytes searched without finding LF */
	int paused;		/* not reading until our replies are taken */
	int closing;		/* peer sent EOF: flush the replies, then free */
	int dead;		/* cut off; freed by the sweep event */
	json_t *cur_id;		/* id of the request being handled */
	int replied;		/* the handler replied itself */
	int subscribed;
	int replaying;		/* old events go first, in chunks */
	json_int_t cursor;	/* last event id sent */
	/*
	 * Replies wait here until the grouped transaction they depend on is
	 * committed (rpc_server_release), so a reply never promises what a
	 * crash could still undo.
	 */
	struct evbuffer *held;
	struct rpc_client *next;
};

/* Above this much unread output a client's requests wait (not events). */
#define RPC_PAUSE_OUTBUF	(256 * 1024)

struct rpc_server {
	struct event_base *base;
	struct node *node;
	struct evconnlistener *lev;
	char *path;
	struct rpc_client *clients;
	int nclients;
	struct event *sweep;	/* frees dead clients outside their callbacks */
};

static void rpc_client_free(struct rpc_client *);
static void rpc_client_kill(struct rpc_client *);
static void rpc_server_release(struct rpc_server *);
static void rpc_server_event(void *, json_int_t, json_t *);
static void rpc_server_committed(void *);
static int rpc_replay_more(struct rpc_client *);

static const struct node_sink rpc_sink = {
	.event = rpc_server_event,
	.committed = rpc_server_committed,
};

/* Fill err and return -1. */
int
rpc_fail(struct rpc_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return -1;
}

/* The JSON-RPC code of each core error. */
int
rpc_api(struct rpc_error *err, const struct api_err *ae, int r)
{
	static const struct {
		enum api_code api;
		int rpc;
	} map[] = {
		{ API_E_PARAMS, RPC_E_PARAMS },
		{ API_E_INTERNAL, RPC_E_INTERNAL },
		{ API_E_LOCKED, RPC_E_LOCKED },
		{ API_E_PASSPHRASE, RPC_E_PASSPHRASE },
		{ API_E_NO_CONTACT, RPC_E_NO_CONTACT },
		{ API_E_AMBIGUOUS, RPC_E_AMBIGUOUS },
		{ API_E_BAD_ADDRESS, RPC_E_BAD_ADDRESS },
		{ API_E_TOO_LONG, RPC_E_TOO_LONG },
		{ API_E_EXISTS, RPC_E_EXISTS },
		{ API_E_SELF, RPC_E_SELF },
		{ API_E_BLOCKED, RPC_E_BLOCKED },
		{ API_E_NOT_LOCKED, RPC_E_NOT_LOCKED },
		{ API_E_BAD_TEXT, RPC_E_BAD_TEXT },
		{ API_E_UNVERIFIED_CHANGE, RPC_E_UNVERIFIED_CHANGE },
		{ API_E_NO_REQUEST, RPC_E_NO_REQUEST },
		{ API_E_STATE, RPC_E_STATE },
	};
	size_t i;

	if (r == 0)
		return 0;
	err->code = RPC_E_INTERNAL;
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].api == ae->code)
			err->code = map[i].rpc;
	snprintf(err->message, sizeof err->message, "%s", ae->message);
	return -1;
}

/* Serialise one object as a line and queue it. */
static void
rpc_client_write(struct rpc_client *c, json_t *obj)
{
	char *s;

	s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s == NULL)
		return;
	evbuffer_add(c->held, s, strlen(s));
	evbuffer_add(c->held, "\n", 1);
	free(s);
}

/* Output queued or held for a client. */
static size_t
rpc_client_outlen(struct rpc_client *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev)) +
	    evbuffer_get_length(c->held);
}

/* The transaction is committed: let every held reply go out. */
static void
rpc_server_release(struct rpc_server *srv)
{
	struct rpc_client *c;

	for (c = srv->clients; c != NULL; c = c->next)
		if (!c->dead && evbuffer_get_length(c->held) > 0)
			evbuffer_add_buffer(bufferevent_get_output(c->bev),
			    c->held);
}

static void
rpc_server_committed(void *arg)
{
	rpc_server_release(arg);
}

/* Queue an error reply; id may be NULL (JSON null). */
static void
rpc_reply_error(struct rpc_client *c, json_t *id, int code, const char *msg)
{
	json_t *r;

	r = json_pack("{s:s, s:O?, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", id,
	    "error", "code", code, "message", msg);
	if (r == NULL)
		return;
	if (id == NULL)
		json_object_set_new(r, "id", json_null());
	rpc_client_write(c, r);
	json_decref(r);
}

/* Look up a method. */
static const struct rpc_cmd *
rpc_find(const char *name)
{
	size_t i;

	for (i = 0; i < rpc_ncmds; i++)
		if (strcmp(rpc_cmds[i].name, name) == 0)
			return &rpc_cmds[i];
	return NULL;
}

/* Decode and run one request line. */
static void
rpc_handle_line(struct rpc_client *c, const char *line, size_t len)
{
	const struct rpc_cmd *cmd;
	struct rpc_request req;
	struct rpc_error err = { 0, "" };
	json_t *params, *result = NULL, *r;
	int rc;

	if (rpc_parse(line, len, &req) != 0) {
		/* A malformed request is answered even without an id. */
		if (!req.notification || req.code != RPC_E_PARAMS)
			rpc_reply_error(c, req.id, req.code, req.message);
		goto out;
	}
	if ((cmd = rpc_find(req.method)) == NULL) {
		char msg[300];

		snprintf(msg, sizeof msg, "unknown method \"%.200s\"; "
		    "rpc.methods lists them", req.method);
		if (!req.notification)
			rpc_reply_error(c, req.id, RPC_E_METHOD, msg);
		goto out;
	}
	if ((cmd->flags & RPC_F_UNLOCKED) && node_locked(c->srv->node)) {
		if (!req.notification)
			rpc_reply_error(c, req.id, RPC_E_LOCKED,
			    "the daemon is locked: run 'warren unlock'");
		goto out;
	}
	params = req.params != NULL ? json_incref(req.params) : json_object();
	c->cur_id = req.id;
	c->replied = 0;
	rc = cmd->handler(c, c->srv->node, params, &result, &err);
	c->cur_id = NULL;
	json_decref(params);
	if (rc != 0) {
		/* After its own reply a handler's failure is only logged. */
		if (c->replied)
			log_warn("rpc: %s failed after replying (error %d)",
			    cmd->name, err.code);
		else if (!req.notification)
			rpc_reply_error(c, req.id, err.code, err.message);
		goto out;
	}
	if (c->replied || req.notification)
		goto out;
	r = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", req.id,
	    "result", result != NULL ? result : json_null());
	result = NULL;
	if (r != NULL) {
		rpc_client_write(c, r);
		json_decref(r);
	}
out:
	json_decref(result);
	rpc_request_clear(&req);
}

/* Split the input into lines; bound each line. */
static void
rpc_read_cb(struct bufferevent *bev, void *arg)
{
	struct rpc_client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr from, eol;
	size_t avail, n;
	char *line;

	for (;;) {
		if (c->dead || c->paused)
			break;
		if ((avail = evbuffer_get_length(in)) == 0)
			break;
		/* Search only the bytes not yet searched: a slow line is O(n). */
		if (c->scanned > avail)
			c->scanned = 0;
		evbuffer_ptr_set(in, &from, c->scanned, EVBUFFER_PTR_SET);
		eol = evbuffer_search_eol(in, &from, NULL, EVBUFFER_EOL_LF);
		if (c->discarding) {
			c->scanned = 0;
			if (eol.pos < 0) {
				evbuffer_drain(in, avail);
				break;
			}
			evbuffer_drain(in, (size_t)eol.pos + 1);
			c->discarding = 0;
			continue;
		}
		if (eol.pos < 0) {
			c->scanned = avail;
			if (avail > WARREN_RPC_MAX_LINE) {
				rpc_reply_error(c, NULL, RPC_E_INVALID_REQUEST,
				    "request line longer than 1 MiB");
				evbuffer_drain(in, avail);
				c->scanned = 0;
				c->discarding = 1;
			}
			break;
		}
		c->scanned = 0;
		n = (size_t)eol.pos;
		if (n > WARREN_RPC_MAX_LINE) {
			rpc_reply_error(c, NULL, RPC_E_INVALID_REQUEST,
			    "request line longer than 1 MiB");
			evbuffer_drain(in, n + 1);
			continue;
		}
		/* A client that does not read its replies is not read either. */
		if (rpc_client_outlen(c) > RPC_PAUSE_OUTBUF) {
			c->paused = 1;
			bufferevent_disable(bev, EV_READ);
			break;
		}
		line = xmalloc(n + 1);
		evbuffer_remove(in, line, n + 1);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		line[n] = '\0';
		if (n > 0)
			rpc_handle_line(c, line, n);
		free(line);
	}
	/* Replies go out once what they promise is committed. */
	if (!node_txn_open(c->srv->node))
		rpc_server_release(c->srv);
}

/* Output drained: read again, or finish closing. */
static void
rpc_write_cb(struct bufferevent *bev, void *arg)
{
	struct rpc_client *c = arg;
	size_t left = evbuffer_get_length(bufferevent_get_output(bev));

	if (c->dead)
		return;
	if (c->closing) {
		if (left == 0)
			rpc_client_kill(c);
		return;
	}
	if (c->replaying && left <= RPC_PAUSE_OUTBUF / 2) {
		/* It took the last chunk of its backlog: the next one. */
		c->replaying = !rpc_replay_more(c);
		rpc_server_release(c->srv);
	}
	if (c->paused && left <= RPC_PAUSE_OUTBUF / 2) {
		c->paused = 0;
		bufferevent_enable(bev, EV_READ);
		rpc_read_cb(bev, c);
	}
}

/* A client went away: write what it asked for, then free it. */
static void
rpc_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct rpc_client *c = arg;

	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    !c->dead && rpc_client_outlen(c) > 0) {
		/* A half-closed socket still takes our replies. */
		c->closing = 1;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		rpc_client_kill(c);
}

/* Mark a client dead; the sweep frees it outside any of its callbacks. */
static void
rpc_client_kill(struct rpc_client *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	event_active(c->srv->sweep, EV_TIMEOUT, 0);
}

/* Free every dead client. */
static void
rpc_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_server *srv = arg;
	struct rpc_client *c, *next;

	(void)fd;
	(void)what;
	for (c = srv->clients; c != NULL; c = next) {
		next = c->next;
		if (c->dead)
			rpc_client_free(c);
	}
}

/* Unlink and free a client. */
static void
rpc_client_free(struct rpc_client *c)
{
	struct rpc_server *srv = c->srv;
	struct rpc_client **pp;

	for (pp = &srv->clients; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	srv->nclients--;
	bufferevent_free(c->bev);
	evbuffer_free(c->held);
	free(c);
}

/* Accept a client whose uid is ours. */
static void
rpc_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct rpc_server *srv = arg;
	struct rpc_client *c;
	struct ucred cred;
	socklen_t clen = sizeof cred;

	(void)lev;
	(void)sa;
	(void)salen;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0 ||
	    cred.uid != getuid()) {
		log_warn("rpc: refused a client of another user");
		evutil_closesocket(fd);
		return;
	}
	if (srv->nclients >= RPC_MAX_CLIENTS) {
		static const char busy[] = "{\"jsonrpc\":\"2.0\",\"id\":null,"
		    "\"error\":{\"code\":" RPC_XSTR(RPC_E_TOO_BUSY) ",\"message\":"
		    "\"too many clients\"}}\n";

		(void)!write(fd, busy, sizeof busy - 1);
		evutil_closesocket(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->held = evbuffer_new();
	c->srv = srv;
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		evutil_closesocket(fd);
		free(c);
		return;
	}
	/* Bigger reads, fewer commits: a burst of requests shares one fsync. */
	bufferevent_set_max_single_read(c->bev, 256 * 1024);
	bufferevent_setcb(c->bev, rpc_read_cb, rpc_write_cb, rpc_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, RPC_PAUSE_OUTBUF / 2, 0);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = srv->clients;
	srv->clients = c;
	srv->nclients++;
}

/* Listen on the socket path. */
struct rpc_server *
rpc_server_new(struct event_base *base, struct node *node, const char *path)
{
	struct rpc_server *srv;
	struct sockaddr_un sun;
	mode_t old;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		log_error("rpc: socket path too long (%zu bytes, max %zu): %s",
		    strlen(path), sizeof sun.sun_path - 1, path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (unlink(path) != 0 && errno != ENOENT) {
		log_error("rpc: cannot remove stale %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	srv = xcalloc(1, sizeof *srv);
	srv->base = base;
	srv->node = node;
	srv->path = xstrdup(path);
	srv->sweep = event_new(base, -1, 0, rpc_sweep_cb, srv);
	old = umask(0177);
	srv->lev = evconnlistener_new_bind(base, rpc_accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 64,
	    (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (srv->lev == NULL) {
		log_error("rpc: cannot listen on %s: %s", path,
		    strerror(errno));
		event_free(srv->sweep);
		free(srv->path);
		free(srv);
		return NULL;
	}
	chmod(path, 0600);
	node_set_sink(node, &rpc_sink, srv);
	return srv;
}

/* Close every client, the listener, and remove the socket. */
void
rpc_server_free(struct rpc_server *srv)
{
	if (srv == NULL)
		return;
	node_set_sink(srv->node, NULL, NULL);
	while (srv->clients != NULL)
		rpc_client_free(srv->clients);
	evconnlistener_free(srv->lev);
	event_free(srv->sweep);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}

/* Number of connected clients. */
int
rpc_server_clients(const struct rpc_server *srv)
{
	return srv->nclients;
}

/* Queue a notification; cut off a client whose buffer is full. */
void
rpc_client_notify(struct rpc_client *c, json_t *params)
{
	json_t *n;

	if (c->dead)
		return;
	if (rpc_client_outlen(c) > RPC_MAX_OUTBUF) {
		log_info("rpc: subscriber not reading; cutting it off");
		rpc_client_kill(c);
		return;
	}
	n = json_pack("{s:s, s:s, s:O}", "jsonrpc", "2.0", "method", "event",
	    "params", params);
	if (n == NULL)
		return;
	rpc_client_write(c, n);
	json_decref(n);
}

/* Reply to the request being handled, now (before a replay). */
void
rpc_client_queue_result(struct rpc_client *c, json_t *result)
{
	json_t *r;

	r = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id",
	    c->cur_id != NULL ? c->cur_id : json_null(), "result", result);
	if (r != NULL && c->cur_id != NULL) {
		rpc_client_write(c, r);
		c->replied = 1;
	}
	json_decref(r);
}




/* Fan an event out to subscribers (the node's sink). */
static void
rpc_server_event(void *arg, json_int_t id, json_t *event)
{
	struct rpc_server *srv = arg;
	struct rpc_client *c, *next;

	for (c = srv->clients; c != NULL; c = next) {
		next = c->next;
		if (c->dead || !c->subscribed || c->replaying ||
		    id <= c->cursor)
			continue;
		c->cursor = id;
		rpc_client_notify(c, event);
	}
}

#define REPLAY_CHUNK_BYTES	(256 * 1024)	/* then wait for the client */

/* Replay one event; stop when the client's buffer fills. */
static int
replay_one(json_t *ev, void *arg)
{
	struct rpc_client *c = arg;

	rpc_client_notify(c, ev);
	c->cursor = json_integer_value(json_object_get(ev, "id"));
	return rpc_client_outlen(c) > REPLAY_CHUNK_BYTES;
}

/*
 * Replay the next chunk of a subscriber's backlog (called again when the
 * client has read what it got). 1 when the backlog is done and the client
 * follows live events.
 */
static int
rpc_replay_more(struct rpc_client *c)
{
	int stopped = 0;

	if (node_events_replay(c->srv->node, c->cursor, replay_one, c,
	    &stopped) != 0)
		return 1;
	return !stopped;
}

void
rpc_client_subscribe_from(struct rpc_client *c, json_int_t since)
{
	struct node *n = c->srv->node;
	json_int_t last;

	node_flush(n);
	last = node_events_last(n);
	if (since < 0)
		since = last;	/* only new events */
	/*
	 * The reply is queued first, then the backlog in chunks as the
	 * client reads it (so a long one never overflows its buffer), then
	 * live events.
	 */
	rpc_client_queue_result(c, json_pack("{s:I, s:I}", "since", since,
	    "last", last));
	c->subscribed = 1;
	c->cursor = since;
	c->replaying = !rpc_replay_more(c);
}
