/* params.h -- typed access to JSON-RPC params with readable errors. */
#ifndef WARREN_RPC_PARAMS_H
#define WARREN_RPC_PARAMS_H

#include <stddef.h>
#include <jansson.h>

struct rpc_error;

/*
 * A string param. Required: missing -> error. Checks UTF-8 and max bytes
 * (0 = no limit beyond the line). *out points into params (or NULL when an
 * optional param is absent). 0, or -1 with err filled.
 */
int param_str(json_t *, const char *key, int required, size_t max,
    const char **out, struct rpc_error *);
/* An integer param in [min, max]; absent optional -> *out = def. */
int param_int(json_t *, const char *key, int required, json_int_t min,
    json_int_t max, json_int_t def, json_int_t *out, struct rpc_error *);
/* A boolean param; absent optional -> *out = def. */
int param_bool(json_t *, const char *key, int required, int def, int *out,
    struct rpc_error *);
/*
 * A secret (a passphrase): the string param key, or key_b64, the base64
 * (standard, padded) of its bytes, which need not be UTF-8; not both, no
 * NUL byte, at most max bytes. *out is NULL when an optional one is absent,
 * else a guarded copy to release with param_secret_free.
 */
int param_secret(json_t *, const char *key, int required, size_t max,
    char **out, struct rpc_error *);
void param_secret_free(char *);	/* wipes; accepts NULL */
/* Reject keys not in the NULL-terminated list. */
int param_only(json_t *, const char *const *keys, struct rpc_error *);

#endif
