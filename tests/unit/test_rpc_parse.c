/* test_rpc_parse.c -- rpc_parse: one request line to struct rpc_request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "rpc/rpc_parse.h"
#include "test.h"

int main(void);

enum { ID_NONE, ID_NULL, ID_INT, ID_STR };

struct tcase {
	const char *name;
	const char *in;
	int code;		/* 0: decodes */
	const char *method;	/* on success */
	int params;		/* 1: params is an object */
	int id;			/* ID_*: what req.id is afterwards */
	int notification;
};

static const struct tcase cases[] = {
	{ "minimal", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}",
	    0, "status", 0, ID_INT, 0 },
	{ "string id", "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"x\","
	    "\"params\":{}}", 0, "x", 1, ID_STR, 0 },
	{ "null id", "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"x\"}",
	    0, "x", 0, ID_NULL, 0 },
	{ "notification", "{\"jsonrpc\":\"2.0\",\"method\":\"x\"}",
	    0, "x", 0, ID_NONE, 1 },
	{ "null params", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
	    "\"params\":null}", 0, "x", 0, ID_INT, 0 },
	{ "params kept", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\","
	    "\"params\":{\"a\":[1,2],\"b\":\"c\"}}", 0, "m", 1, ID_INT, 0 },
	{ "whitespace and tabs", " \t{ \"jsonrpc\" : \"2.0\",\t\"id\" : 7 ,"
	    " \"method\" : \"x\" }\t ", 0, "x", 0, ID_INT, 0 },
	{ "utf-8 method", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"\xc3\xa9t\xc3\xa9\"}", 0, "\xc3\xa9t\xc3\xa9", 0, ID_INT, 0 },
	{ "escaped method", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"st\\u0061tus\"}", 0, "status", 0, ID_INT, 0 },
	{ "extra member ignored", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"x\",\"extra\":true}", 0, "x", 0, ID_INT, 0 },
	{ "max id", "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,"
	    "\"method\":\"x\"}", 0, "x", 0, ID_INT, 0 },
	{ "min id", "{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775808,"
	    "\"method\":\"x\"}", 0, "x", 0, ID_INT, 0 },

	{ "empty", "", RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "garbage", "hello", RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "truncated", "{\"jsonrpc\":\"2.0\",\"id\":1,\"meth", RPC_E_PARSE,
	    NULL, 0, ID_NONE, 0 },
	{ "two objects", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}{}",
	    RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "duplicate key", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
	    "\"method\":\"y\"}", RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "duplicate param", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
	    "\"params\":{\"a\":1,\"a\":2}}", RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "invalid utf-8", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"\xff\"}", RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "overlong utf-8", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"\xc0\xaf\"}", RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "surrogate utf-8", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"\xed\xa0\x80\"}", RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "control char", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}\x01",
	    RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "carriage return", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}\r",
	    RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "escaped NUL in method", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"a\\u0000b\"}", RPC_E_INVALID_REQUEST, NULL, 0, ID_INT, 0 },
	/* Valid JSON: the method's param check refuses it by name (-32602). */
	{ "escaped NUL in a param", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"x\",\"params\":{\"text\":\"a\\u0000b\"}}", 0, "x", 1, ID_INT, 0 },
	{ "escaped NUL in a key", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"x\",\"params\":{\"a\\u0000b\":1}}", RPC_E_PARSE, NULL, 0, ID_NONE,
	    0 },
	{ "int beyond int64", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
	    "\"params\":{\"n\":9223372036854775808}}", RPC_E_PARSE, NULL, 0,
	    ID_NONE, 0 },
	{ "1e400", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
	    "\"params\":{\"n\":1e400}}", RPC_E_PARSE, NULL, 0, ID_NONE, 0 },
	{ "NaN", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
	    "\"params\":{\"n\":NaN}}", RPC_E_PARSE, NULL, 0, ID_NONE, 0 },

	{ "batch", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}]",
	    RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 0 },
	{ "empty batch", "[]", RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 0 },
	{ "nested batch", "[[[]]]", RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE,
	    0 },
	{ "string", "\"status\"", RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 0 },
	{ "number", "42", RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 0 },
	{ "null", "null", RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 0 },
	{ "empty object", "{}", RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 1 },
	{ "no jsonrpc", "{\"id\":1,\"method\":\"x\"}", RPC_E_INVALID_REQUEST,
	    NULL, 0, ID_INT, 0 },
	{ "jsonrpc 1.0", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"x\"}",
	    RPC_E_INVALID_REQUEST, NULL, 0, ID_INT, 0 },
	{ "jsonrpc number", "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"x\"}",
	    RPC_E_INVALID_REQUEST, NULL, 0, ID_INT, 0 },
	{ "jsonrpc 2.0 prefix", "{\"jsonrpc\":\"2.00\",\"id\":1,\"method\":"
	    "\"x\"}", RPC_E_INVALID_REQUEST, NULL, 0, ID_INT, 0 },
	{ "float id", "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"x\"}",
	    RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 0 },
	{ "object id", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}",
	    RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 0 },
	{ "array id", "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"x\"}",
	    RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 0 },
	{ "bool id", "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"x\"}",
	    RPC_E_INVALID_REQUEST, NULL, 0, ID_NONE, 0 },
	{ "no method", "{\"jsonrpc\":\"2.0\",\"id\":1}", RPC_E_INVALID_REQUEST,
	    NULL, 0, ID_INT, 0 },
	{ "method number", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
	    RPC_E_INVALID_REQUEST, NULL, 0, ID_INT, 0 },
	{ "method null", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":null}",
	    RPC_E_INVALID_REQUEST, NULL, 0, ID_INT, 0 },
	{ "params array", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
	    "\"params\":[1]}", RPC_E_PARAMS, NULL, 0, ID_INT, 0 },
	{ "params string", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
	    "\"params\":\"a\"}", RPC_E_PARAMS, NULL, 0, ID_INT, 0 },
	{ "params number", "{\"jsonrpc\":\"2.0\",\"method\":\"x\","
	    "\"params\":1}", RPC_E_PARAMS, NULL, 0, ID_NONE, 1 },
};

/* Check one case's id against what it expects. */
static int
id_kind(const json_t *id)
{
	if (id == NULL)
		return ID_NONE;
	if (json_is_null(id))
		return ID_NULL;
	if (json_is_integer(id))
		return ID_INT;
	if (json_is_string(id))
		return ID_STR;
	return -1;
}

/* Every row of the table. */
static void
test_table(void)
{
	struct rpc_request req;
	size_t i;
	int r;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *t = &cases[i];
		int before = test_case_failed;

		r = rpc_parse(t->in, strlen(t->in), &req);
		CHECK_INT(r, t->code == 0 ? 0 : -1);
		CHECK_INT(req.code, t->code);
		CHECK_INT(id_kind(req.id), t->id);
		CHECK_INT(req.notification, t->notification);
		if (t->code == 0) {
			CHECK_STR(req.method, t->method);
			CHECK_INT(req.params != NULL, t->params);
			CHECK(req.params == NULL || json_is_object(req.params));
			CHECK_INT(req.message[0], 0);
		} else {
			CHECK(req.method == NULL);
			CHECK(req.params == NULL);
			CHECK(req.message[0] != '\0');
		}
		if (test_case_failed && !before)
			fprintf(stderr, "  in case \"%s\"\n", t->name);
		rpc_request_clear(&req);
	}
}

/* The params object survives the parse with its values. */
static void
test_params_values(void)
{
	static const char in[] = "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":"
	    "\"messages.send\",\"params\":{\"contact\":\"bob\",\"text\":"
	    "\"hi\\nthere\"}}";
	struct rpc_request req;

	CHECK_INT(rpc_parse(in, sizeof in - 1, &req), 0);
	CHECK_STR(json_string_value(req.id), "q");
	CHECK_STR(json_string_value(json_object_get(req.params, "contact")),
	    "bob");
	CHECK_STR(json_string_value(json_object_get(req.params, "text")),
	    "hi\nthere");
	rpc_request_clear(&req);
	CHECK(req.id == NULL && req.method == NULL && req.params == NULL);
	rpc_request_clear(&req);	/* twice is fine */
}

/* An embedded NUL byte ends nothing: the length counts. */
static void
test_embedded_nul(void)
{
	static const char in[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"x\"}\0garbage";
	struct rpc_request req;

	CHECK_INT(rpc_parse(in, sizeof in - 1, &req), -1);
	CHECK_INT(req.code, RPC_E_PARSE);
	rpc_request_clear(&req);
	CHECK_INT(rpc_parse(in, strlen(in), &req), 0);
	rpc_request_clear(&req);
}

/* A line without a terminating NUL is read only to len. */
static void
test_length_bound(void)
{
	static const char in[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"x\"}";
	struct rpc_request req;
	char *copy;
	size_t i, n = sizeof in - 1;

	copy = malloc(n);
	memcpy(copy, in, n);	/* exact size, no NUL: ASan sees over-reads */
	CHECK_INT(rpc_parse(copy, n, &req), 0);
	rpc_request_clear(&req);
	for (i = 0; i < n; i++) {
		CHECK_INT(rpc_parse(copy, i, &req), -1);
		CHECK_INT(req.code, RPC_E_PARSE);
		rpc_request_clear(&req);
	}
	free(copy);
}

/* Nesting: jansson's depth limit turns 100,000 '[' into a parse error. */
static void
test_deep_nesting(void)
{
	struct rpc_request req;
	size_t n = 100000;
	char *s = malloc(n);

	memset(s, '[', n);
	CHECK_INT(rpc_parse(s, n, &req), -1);
	CHECK_INT(req.code, RPC_E_PARSE);
	rpc_request_clear(&req);
	/* Deep but closed, inside params: still an error, never a crash. */
	{
		size_t d = 5000, k = 0, i;
		char *p = malloc(2 * d + 100);

		k = (size_t)sprintf(p, "{\"jsonrpc\":\"2.0\",\"id\":1,"
		    "\"method\":\"x\",\"params\":{\"a\":");
		for (i = 0; i < d; i++)
			p[k++] = '[';
		for (i = 0; i < d; i++)
			p[k++] = ']';
		p[k++] = '}';
		p[k++] = '}';
		CHECK_INT(rpc_parse(p, k, &req), -1);
		CHECK_INT(req.code, RPC_E_PARSE);
		rpc_request_clear(&req);
		free(p);
	}
	free(s);
}

/* A request of the largest line size decodes; its params are intact. */
static void
test_max_line(void)
{
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"x\",\"params\":{\"t\":\"";
	static const char tail[] = "\"}}";
	struct rpc_request req;
	size_t n = WARREN_RPC_MAX_LINE, fill = n - (sizeof head - 1) -
	    (sizeof tail - 1);
	char *s = malloc(n);

	memcpy(s, head, sizeof head - 1);
	memset(s + sizeof head - 1, 'a', fill);
	memcpy(s + n - (sizeof tail - 1), tail, sizeof tail - 1);
	CHECK_INT(rpc_parse(s, n, &req), 0);
	CHECK_INT(json_string_length(json_object_get(req.params, "t")), fill);
	rpc_request_clear(&req);
	free(s);
}

/* Error messages stay bounded and quote at most a prefix. */
static void
test_message_bound(void)
{
	struct rpc_request req;
	size_t n = 10000;
	char *s = malloc(n);

	memset(s, '{', n);
	CHECK_INT(rpc_parse(s, n, &req), -1);
	CHECK(strlen(req.message) < sizeof req.message);
	rpc_request_clear(&req);
	free(s);
}

int
main(void)
{
	RUN(test_table);
	RUN(test_params_values);
	RUN(test_embedded_nul);
	RUN(test_length_bound);
	RUN(test_deep_nesting);
	RUN(test_max_line);
	RUN(test_message_bound);
	return TEST_EXIT();
}
