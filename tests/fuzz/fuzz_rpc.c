/*
 * fuzz_rpc.c -- rpc_parse never crashes; a decoded request has a string
 * method and object params (or none), and re-encoding it decodes to the
 * same id, method and params.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "rpc/rpc_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Rebuild a request from its decoded parts. */
static char *
reencode(const struct rpc_request *req)
{
	json_t *o;
	char *s;

	o = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", req->method);
	if (o == NULL)
		abort();
	if (req->id != NULL)
		json_object_set(o, "id", req->id);
	if (req->params != NULL)
		json_object_set(o, "params", req->params);
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct rpc_request req, again;
	char *copy, *s;
	int r;

	if (len > WARREN_RPC_MAX_LINE)
		return 0;
	/* An exact-size heap copy so ASan sees any over-read. */
	copy = malloc(len ? len : 1);
	memcpy(copy, data, len);
	r = rpc_parse(copy, len, &req);
	free(copy);
	if (r != 0) {
		if (req.code != RPC_E_PARSE && req.code != RPC_E_INVALID_REQUEST &&
		    req.code != RPC_E_PARAMS)
			abort();
		if (req.method != NULL || req.params != NULL ||
		    req.message[0] == '\0' ||
		    strlen(req.message) >= sizeof req.message)
			abort();
		rpc_request_clear(&req);
		return 0;
	}
	if (req.code != 0 || req.method == NULL ||
	    (req.params != NULL && !json_is_object(req.params)) ||
	    req.notification != (req.id == NULL))
		abort();
	if ((s = reencode(&req)) == NULL)
		abort();
	if (rpc_parse(s, strlen(s), &again) != 0 ||
	    strcmp(again.method, req.method) != 0 ||
	    again.notification != req.notification ||
	    (req.id != NULL && !json_equal(again.id, req.id)) ||
	    (req.params == NULL) != (again.params == NULL) ||
	    (req.params != NULL && !json_equal(again.params, req.params)))
		abort();
	free(s);
	rpc_request_clear(&again);
	rpc_request_clear(&req);
	return 0;
}
