/*
 * rpc.h -- the local JSON-RPC 2.0 server on DIR/warren.sock: one JSON object
 * per line, peer uid checked, lines bounded by WARREN_RPC_MAX_LINE, and
 * event notifications for subscribers with a bounded output buffer.
 */
#ifndef WARREN_RPC_SERVER_H
#define WARREN_RPC_SERVER_H

#include <jansson.h>

struct event_base;
struct node;
struct rpc_server;
struct rpc_client;

#define RPC_MAX_CLIENTS		128	/* connected clients at once */
#define RPC_MAX_OUTBUF		(4 * 1024 * 1024) /* a subscriber past this is cut off */

/* A handler's failure: code (RPC_E_*) and message; data may be NULL. */
struct rpc_error {
	int code;
	char message[256];
};

enum {
	RPC_F_UNLOCKED = 0x1,	/* needs the store unlocked */
	RPC_F_ASYNC = 0x2,	/* replies later through rpc_reply */
};

/* Handler: 0 with *result set (a new reference), or -1 with err filled. */
typedef int rpc_handler(struct rpc_client *, struct node *, json_t *params,
    json_t **result, struct rpc_error *err);

struct rpc_cmd {
	const char *name;
	int flags;
	const char *params;	/* for rpc.methods and docs, e.g. "{contact, text}" */
	const char *summary;
	rpc_handler *handler;
};

/*
 * Listen on path (0600) and take the node's events and commits (its sink).
 * Caller frees with rpc_server_free.
 */
struct rpc_server *rpc_server_new(struct event_base *, struct node *,
    const char *path);
void rpc_server_free(struct rpc_server *);	/* closes clients, unlinks */
int rpc_server_clients(const struct rpc_server *);

/* Reply to the request being handled right now (result is stolen). */
void rpc_client_queue_result(struct rpc_client *, json_t *result);
/* Queue one notification to a client (used for replay). */
void rpc_client_notify(struct rpc_client *, json_t *params);

struct api_err;
/* rpc_api(err, &ae, api_x(..., &ae)): pass r on, mapping a core error. */
int rpc_api(struct rpc_error *, const struct api_err *, int r);
/*
 * events.subscribe: reply {since, last} now, then the backlog after since
 * (-1: none) in chunks as the client reads, then live events.
 */
void rpc_client_subscribe_from(struct rpc_client *, json_int_t since);

/* Set an error. */
int rpc_fail(struct rpc_error *, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

extern const struct rpc_cmd rpc_cmds[];
extern const size_t rpc_ncmds;

#endif
