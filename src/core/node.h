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
};

/*
 * Open the store in opts->data_dir (which must exist, 0700) and, when the
 * store is not locked, bring the node up. ERR_PASSPHRASE for a wrong
 * passphrase (nothing is changed on disk). Caller frees with node_free.
 */
int node_open(struct node **, struct event_base *, const struct node_opts *);
void node_free(struct node *);
/* The RPC server events go to (may be NULL). */
void node_set_rpc(struct node *, struct rpc_server *);

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
struct rpc_client;
/* Replay a subscriber's next chunk of events; 1 when caught up. */
int node_events_more(struct node *, struct rpc_client *, long long cursor);
/* Ask the main loop to stop. */
void node_shutdown(struct node *);

#endif
