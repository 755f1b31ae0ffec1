/*
 * rpc_parse.c -- one JSON-RPC 2.0 request line to struct rpc_request: UTF-8
 * text, JSON without duplicate keys, a single object (no batches),
 * "jsonrpc": "2.0", an id that is a string, an integer or null, a string
 * method, and named params. No I/O.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "warren/rpc.h"
#include "rpc/rpc_parse.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* Record a failure; returns -1. */
static int
parse_fail(struct rpc_request *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
parse_fail(struct rpc_request *req, int code, const char *fmt, ...)
{
	va_list ap;

	req->code = code;
	va_start(ap, fmt);
	vsnprintf(req->message, sizeof req->message, fmt, ap);
	va_end(ap);
	return -1;
}

/* Decode one request line. */
int
rpc_parse(const char *line, size_t len, struct rpc_request *req)
{
	json_error_t jerr;
	json_t *root, *id, *v;
	const char *s;
	int r = -1;

	memset(req, 0, sizeof *req);
	/* Tab and newline are JSON whitespace; other controls never are. */
	if (utf8_check(line, len, 1) != 0)
		return parse_fail(req, RPC_E_PARSE, "request is not valid "
		    "UTF-8 text (or holds control characters)");
	/* \u0000 is valid JSON: param_str refuses it (-32602), by name. */
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY |
	    JSON_ALLOW_NUL, &jerr);
	if (root == NULL)
		return parse_fail(req, RPC_E_PARSE, "parse error: %.200s",
		    jerr.text);
	if (json_is_array(root)) {
		parse_fail(req, RPC_E_INVALID_REQUEST, "batch requests are "
		    "not supported; send one request per line");
		goto out;
	}
	if (!json_is_object(root)) {
		parse_fail(req, RPC_E_INVALID_REQUEST, "request must be a "
		    "JSON object");
		goto out;
	}
	id = json_object_get(root, "id");
	req->notification = (id == NULL);
	if (id != NULL && !json_is_string(id) && !json_is_integer(id) &&
	    !json_is_null(id)) {
		parse_fail(req, RPC_E_INVALID_REQUEST, "id must be a string, "
		    "an integer or null");
		goto out;
	}
	req->id = json_incref(id);
	v = json_object_get(root, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0) {
		parse_fail(req, RPC_E_INVALID_REQUEST,
		    "jsonrpc must be \"2.0\"");
		goto out;
	}
	v = json_object_get(root, "method");
	if (!json_is_string(v)) {
		parse_fail(req, RPC_E_INVALID_REQUEST,
		    "method must be a string");
		goto out;
	}
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v)) {
		parse_fail(req, RPC_E_INVALID_REQUEST,
		    "method contains a NUL character");
		goto out;
	}
	v = json_object_get(root, "params");
	if (v != NULL && !json_is_null(v) && !json_is_object(v)) {
		parse_fail(req, RPC_E_PARAMS, "params must be an object "
		    "(named parameters)");
		goto out;
	}
	req->method = xstrdup(s);
	if (v != NULL && !json_is_null(v))
		req->params = json_incref(v);
	r = 0;
out:
	json_decref(root);
	return r;
}

/* Release a decoded request. */
void
rpc_request_clear(struct rpc_request *req)
{
	json_decref(req->id);
	json_decref(req->params);
	free(req->method);
	memset(req, 0, sizeof *req);
}
