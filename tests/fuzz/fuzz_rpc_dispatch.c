/*
 * fuzz_rpc_dispatch.c -- the local API end to end: a real node (--no-tor,
 * a template store with contacts) behind the real RPC server on its unix
 * socket, fed the input's lines by a client. The JSON dictionary
 * (tests/fuzz/dict/json.dict) holds every method and parameter name, so
 * the fuzzer reaches the handlers (src/rpc/cmd_*.c) and the core behind
 * them. Skipped, to keep an execution short: daemon.passwd, daemon.export,
 * daemon.lock, daemon.unlock and daemon.shutdown (key derivation, files
 * outside the data dir, stopping the loop; covered by integration tests).
 *
 * Invariants: every output line is a JSON-RPC 2.0 object with a result or
 * an error (or a notification); every request with an id is answered with
 * that id; no failed transaction.
 */
#include <dirent.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>

#include <warren/limits.h>
#include <warren/rpc.h>

#include "core/api.h"
#include "core/core.h"
#include "core/node.h"
#include "crypto/identity.h"
#include "rpc/rpc.h"
#include "util/err.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmalloc.h"
#include "fuzz_dir.h"
#include "fuzz_rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_LINES	16

static char top[40], tpl[60], work[60];

static const char *denied[] = { RPC_M_PASSWD, RPC_M_EXPORT, RPC_M_LOCK,
    RPC_M_UNLOCK, RPC_M_SHUTDOWN };

static void
cleanup(void)
{
	clear_dir(tpl);
	clear_dir(work);
	rmdir(tpl);
	rmdir(work);
	rmdir(top);
}

/* A node with a contact we asked, one blocked and a queued message. */
static void
make_template(void)
{
	struct node_opts o = { .no_tor = 1 };
	struct event_base *base;
	struct identity *id;
	struct api_err err;
	struct node *n;
	json_t *res = NULL;
	uint8_t seed[32];
	int i;

	fuzz_rng_init();
	signal(SIGPIPE, SIG_IGN);	/* as warrend: a closed peer is an error */
	log_set_level(getenv("FUZZ_LOG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	snprintf(top, sizeof top, "/tmp/warren-fuzz-rpc.XXXXXX");
	if (mkdtemp(top) == NULL)
		abort();
	snprintf(tpl, sizeof tpl, "%s/tpl", top);
	snprintf(work, sizeof work, "%s/w", top);
	if (mkdir(tpl, 0700) != 0 || mkdir(work, 0700) != 0)
		abort();
	atexit(cleanup);
	o.data_dir = tpl;
	base = event_base_new();
	if (node_open(&n, base, &o) != 0)
		abort();
	for (i = 0; i < 3; i++) {
		memset(seed, 0x60 + i, sizeof seed);
		if (identity_from_seed(&id, seed) != 0)
			abort();
		if (i < 2 && api_contact_add(n, identity_onion(id),
		    i ? "bob" : "alice", "hi", &res, &err) != 0)
			abort();
		json_decref(res);
		res = NULL;
		if (i == 2 && api_contact_block(n, identity_onion(id), &res,
		    &err) != 0)
			abort();
		json_decref(res);
		res = NULL;
		identity_free(id);
	}
	node_flush(n);
	event_base_loop(base, EVLOOP_NONBLOCK);
	node_free(n);
	event_base_free(base);
}

/* Is this line a request for a method we skip? */
static int
skip_line(const char *line, size_t len)
{
	json_t *j = json_loadb(line, len, JSON_DECODE_ANY, NULL);
	const char *m;
	size_t i;
	int skip = 0;

	if (j == NULL)
		return 0;
	if (json_is_object(j) && (m = json_string_value(json_object_get(j,
	    "method"))) != NULL)
		for (i = 0; i < sizeof denied / sizeof denied[0]; i++)
			if (strcmp(m, denied[i]) == 0)
				skip = 1;
	if (json_is_array(j))
		skip = 1;	/* no batches in this API; keep it simple */
	json_decref(j);
	return skip;
}

/* The id a line's request expects an answer to, or NULL. */
static json_t *
wanted_id(const char *line, size_t len)
{
	json_t *j, *id;

	/* As rpc_parse: text with a control character has no id to answer. */
	if (utf8_check(line, len, 1) != 0)
		return NULL;
	j = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	    NULL);
	if (j == NULL || !json_is_object(j) ||
	    json_string_value(json_object_get(j, "method")) == NULL ||
	    (id = json_object_get(j, "id")) == NULL ||
	    !(json_is_integer(id) || json_is_string(id)) ||
	    json_object_size(j) > 4 || !json_is_string(json_object_get(j,
	    "jsonrpc")) || strcmp(json_string_value(json_object_get(j,
	    "jsonrpc")), "2.0") != 0 ||
	    (json_object_get(j, "params") != NULL &&
	    !json_is_object(json_object_get(j, "params")))) {
		json_decref(j);
		return NULL;
	}
	id = json_incref(id);
	json_decref(j);
	return id;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct node_opts o = { .no_tor = 1 };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct event_base *base;
	struct rpc_server *srv;
	struct node *n;
	json_t *want[MAX_LINES], *j;
	char path[100], *out, *line, *nl;
	size_t pos = 0, e, nwant = 0, olen = 0, ocap = 1 << 20, i;
	ssize_t k;
	int fd, lines = 0, it;

	if (tpl[0] == '\0')
		make_template();
	if (len > 8192)
		return 0;
	fuzz_rng_reset();
	clear_dir(work);
	copy_dir(tpl, work);
	o.data_dir = work;
	base = event_base_new();
	if (node_open(&n, base, &o) != 0)
		abort();
	snprintf(path, sizeof path, "%s/warren.sock", work);
	if ((srv = rpc_server_new(base, n, path)) == NULL)
		abort();
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		abort();
	out = xmalloc(ocap);
	while (pos < len && lines < MAX_LINES) {
		for (e = pos; e < len && data[e] != '\n'; e++)
			;
		if (!skip_line((const char *)data + pos, e - pos)) {
			if ((j = wanted_id((const char *)data + pos,
			    e - pos)) != NULL)
				want[nwant++] = j;
			(void)send(fd, data + pos, e - pos, MSG_NOSIGNAL);
			(void)send(fd, "\n", 1, MSG_NOSIGNAL);
			lines++;
		}
		pos = e + 1;
		for (it = 0; it < 4; it++) {
			event_base_loop(base, EVLOOP_NONBLOCK);
			/* Replies wait for the grouped commit: do it now. */
			node_flush(n);
		}
	}
	for (it = 0; it < 8; it++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		node_flush(n);
		while (olen < ocap - 1 && (k = recv(fd, out + olen,
		    ocap - 1 - olen, MSG_DONTWAIT)) > 0)
			olen += (size_t)k;
	}
	out[olen] = '\0';
	if (n->txn_failed)
		abort();
	/* Every line out is a well-formed JSON-RPC 2.0 message. */
	for (line = out; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		if ((j = json_loads(line, 0, NULL)) == NULL ||
		    !json_is_object(j) || !json_is_string(json_object_get(j,
		    "jsonrpc")) || strcmp(json_string_value(json_object_get(j,
		    "jsonrpc")), "2.0") != 0 ||
		    (json_object_get(j, "result") == NULL &&
		    json_object_get(j, "error") == NULL &&
		    json_object_get(j, "method") == NULL))
			abort();
		for (i = 0; i < nwant; i++) {
			if (want[i] != NULL && json_equal(want[i],
			    json_object_get(j, "id"))) {
				json_decref(want[i]);
				want[i] = NULL;
				break;
			}
		}
		json_decref(j);
	}
	/* Every request with an id was answered (unless the output filled). */
	for (i = 0; i < nwant; i++) {
		if (want[i] != NULL && olen < ocap - 1) {
			if (getenv("FUZZ_LOG") != NULL)
				fprintf(stderr, "unanswered request\n");
			abort();
		}
		json_decref(want[i]);
	}
	free(out);
	close(fd);
	for (it = 0; it < 2; it++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	rpc_server_free(srv);
	node_free(n);
	event_base_free(base);
	return 0;
}
