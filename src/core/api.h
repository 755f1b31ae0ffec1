/* api.h -- the node's operations behind the local API (see doc/rpc.md). */
#ifndef WARREN_API_H
#define WARREN_API_H

#include <stdint.h>

#include <jansson.h>

struct node;
struct rpc_client;
struct rpc_error;

/* Each returns 0 with *res (a new reference), or -1 with err filled. */
int api_contact_add(struct node *, const char *addr, const char *name,
    const char *text, json_t **res, struct rpc_error *);
int api_contact_accept(struct node *, const char *, json_t **,
    struct rpc_error *);
int api_contact_reject(struct node *, const char *, json_t **,
    struct rpc_error *);
int api_contact_block(struct node *, const char *, json_t **,
    struct rpc_error *);
int api_contact_unblock(struct node *, const char *, json_t **,
    struct rpc_error *);
int api_contact_remove(struct node *, const char *, json_t **,
    struct rpc_error *);
int api_contact_rename(struct node *, const char *, const char *name,
    json_t **, struct rpc_error *);
int api_contact_list(struct node *, int requests, json_t **,
    struct rpc_error *);
int api_message_send(struct node *, const char *who, const char *text,
    int64_t timer, int force, json_t **, struct rpc_error *);
int api_contact_set_timer(struct node *, const char *who, json_int_t secs,
    json_t **, struct rpc_error *);
int api_settings_get(struct node *, json_t **, struct rpc_error *);
int api_settings_set(struct node *, const char *key, json_t *value,
    json_t **, struct rpc_error *);
int api_passwd(struct node *, const char *old, const char *new, json_t **,
    struct rpc_error *);
int api_message_list(struct node *, const char *who, json_int_t limit,
    json_int_t before, int mark_read, json_t **, struct rpc_error *);
/* Replies itself (then replays, then streams); *res stays NULL. */
int api_events_subscribe(struct node *, struct rpc_client *,
    json_int_t since, json_t **, struct rpc_error *);

#endif
