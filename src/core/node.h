/*
 * node.h -- the daemon's state: store, identity, tor, peers, contacts,
 * delivery, events. RPC handlers and warrend's main talk to it only through
 * these functions.
 */
#ifndef WARREN_NODE_H
#define WARREN_NODE_H

#include <jansson.h>

struct event_base;
struct node;
struct rpc_server;

struct node_opts {
	const char *data_dir;
	const char *passphrase;		/* NULL: none given */
	int no_tor;			/* run without tor (offline, tests) */
	const char *tor_binary;
	const char *torrc_append;
	const char *tor_control;	/* attach instead of spawning */
	const char *tor_password;
	int reclaim;			/* start a store marked exported */
	int imported;			/* fresh from --import: check first */
	int max_requests;		/* pending requests kept; 0: default */
	int mailbox;			/* --mailbox: be a mailbox */
	int mb_interval;		/* seconds between fetches; 0: default */
	long long mb_quota_count;	/* per credential; 0: default */
	long long mb_quota_bytes;
	long long mb_ttl;		/* seconds; 0: default */
};

/*
 * Open the store in opts->data_dir (which must exist, 0700) and, when the
 * store is not locked, bring the node up. ERR_PASSPHRASE for a wrong
 * passphrase (nothing is changed on disk). Caller frees with node_free.
 */
int node_open(struct node **, struct event_base *, const struct node_opts *);
void node_free(struct node *);
/* 1 if the node stopped because its identity runs elsewhere. */
int node_refused(const struct node *);
/* Where the node's output goes (the RPC server); the layer above fills it. */
struct node_sink {
	/* An event the last commit made durable (ev is borrowed). */
	void (*event)(void *arg, json_int_t id, json_t *ev);
	/* A commit happened: send what waited for it. */
	void (*committed)(void *arg);
};
/* Set the sink (NULL: events are only stored). */
void node_set_sink(struct node *, const struct node_sink *, void *arg);

int node_locked(const struct node *);
int node_has_passphrase(const struct node *);
/* Unlock with a passphrase and bring the node up. */
int node_unlock(struct node *, const char *passphrase);
/* Drop keys from memory and take the onion offline. */
int node_lock(struct node *);
/* Our address (56 chars) or NULL while locked. */
const char *node_onion(const struct node *);
/* The status object of the `status` method (new reference). */
json_t *node_status(struct node *);
/* 1 while a grouped transaction is open (replies must wait for it). */
int node_txn_open(const struct node *);
/* Commit the grouped transaction now (after a batch of requests). */
void node_flush(struct node *);
/*
 * Replay durable events with id > since to cb until it returns non-zero
 * (then *stopped = 1). 0, or an ERR_* code.
 */
int node_events_replay(struct node *, long long since,
    int (*cb)(json_t *, void *), void *, int *stopped);
long long node_events_last(struct node *);
/* Ask the main loop to stop. */
void node_shutdown(struct node *);
/*
 * Write the export archive to path under pass. Unless keep, this copy
 * goes offline first, is marked exported (it will not start again without
 * node_opts.reclaim) and shuts down.
 */
int node_export(struct node *, const char *path, const char *pass,
    int keep);

#endif
