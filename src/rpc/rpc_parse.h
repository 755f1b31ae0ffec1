/*
 * rpc_parse.h -- decode one JSON-RPC 2.0 request line into a struct. Pure:
 * no I/O, no daemon state, so it is unit-tested and fuzzed alone.
 */
#ifndef WARREN_RPC_PARSE_H
#define WARREN_RPC_PARSE_H

#include <stddef.h>

#include <jansson.h>

#define RPC_PARSE_MSG	256	/* bytes of an error message, NUL included */

/*
 * A decoded request. On success method is a string and params an object or
 * NULL (absent or null). On failure code is RPC_E_PARSE,
 * RPC_E_INVALID_REQUEST or RPC_E_PARAMS and message says why; id is set
 * whenever a valid id was seen, so the error reply can carry it.
 * notification is 1 when the request has no "id" member (no reply is due
 * for a well-formed notification). Release with rpc_request_clear.
 */
struct rpc_request {
	json_t *id;			/* owned; NULL: absent or invalid */
	char *method;			/* owned; NUL-free */
	json_t *params;			/* owned; an object, or NULL */
	int notification;
	int code;			/* 0, or the RPC_E_* of the failure */
	char message[RPC_PARSE_MSG];
};

/*
 * Decode line[0..len) (the newline and any CR already removed; len is
 * bounded by the caller, WARREN_RPC_MAX_LINE). Returns 0, or -1 with
 * req->code and req->message set. req is always initialised.
 */
int rpc_parse(const char *line, size_t len, struct rpc_request *req);
/* Free what req owns and zero it; accepts a zeroed struct. */
void rpc_request_clear(struct rpc_request *req);

#endif
