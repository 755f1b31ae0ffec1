/* client.h -- the CLI's side of the local JSON-RPC API. */
#ifndef WARREN_CLIENT_H
#define WARREN_CLIENT_H

#include <stdio.h>
#include <jansson.h>

struct client;

/* Exit codes of warren(1). */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_NODAEMON	3

/* Connect to DIR/warren.sock; NULL with errno set (ENOENT/ECONNREFUSED: not running). */
struct client *client_connect(const char *dir);
void client_free(struct client *);
/*
 * Call a method (params: a new reference or NULL, stolen). Returns the
 * result (new reference) or NULL with *code and *msg (static until the
 * next call) set; *code is 0 if the connection failed.
 */
json_t *client_call(struct client *, const char *method, json_t *params,
    int *code, const char **msg);
/* Read the next line (a notification or reply); NULL at EOF. */
json_t *client_next(struct client *);
int client_fd(const struct client *);
/* For poll() loops: no data may hide in a stdio buffer. */
void client_unbuffered(struct client *);

#endif
