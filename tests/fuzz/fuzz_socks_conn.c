/*
 * fuzz_socks_conn.c -- socks_read_cb driven by a scripted SOCKS server:
 * the method reply, the RFC 1929 auth reply and the CONNECT reply come
 * from the fuzzer in chunks of any size over a real socket. Invariants:
 * the callback runs at most once, a success hands over a stream, a
 * failure says why, and what the client sent is the greeting, then (with
 * a username) the credentials, then CONNECT to our name.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "tor/socks.h"
#include "util/err.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define ONION	"pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd"

static char dir[48], sock_path[100], addr[140];
static int ls = -1;

struct result {
	int calls, err;
	struct bufferevent *bev;
	char reason[200];
};

static void
cleanup(void)
{
	unlink(sock_path);
	rmdir(dir);
}

static void
setup(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	signal(SIGPIPE, SIG_IGN);	/* as warrend */
	log_set_level(getenv("FUZZ_LOG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	snprintf(dir, sizeof dir, "/tmp/warren-fuzz-socks.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(sock_path, sizeof sock_path, "%s/socks", dir);
	snprintf(addr, sizeof addr, "unix:%s", sock_path);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock_path);
	if ((ls = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(ls, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    listen(ls, 4) != 0)
		abort();
	atexit(cleanup);
}

static void
done_cb(struct bufferevent *bev, int err, uint8_t rep, const char *reason,
    void *arg)
{
	struct result *res = arg;

	res->calls++;
	res->err = err;
	res->bev = bev;
	snprintf(res->reason, sizeof res->reason, "%s", reason);
	if ((err == 0) != (bev != NULL) || reason == NULL || *reason == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct event_base *base;
	struct socks_req *req;
	struct result res = { 0 };
	uint8_t sent[1024];
	size_t pos = 1, n, got = 0, want;
	const char *user;
	ssize_t k;
	int fd = -1, i;

	if (len < 1)
		return 0;
	if (ls == -1)
		setup();
	user = data[0] & 1 ? "contact-isolation" : NULL;
	base = event_base_new();
	req = socks_connect(base, addr, ONION, 4242, user, 60000, done_cb,
	    &res);
	if (req == NULL)
		abort();
	for (i = 0; i < 100 && fd == -1; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
	}
	if (fd == -1)
		abort();
	event_base_loop(base, EVLOOP_NONBLOCK);
	/* Chunks: a length byte, then that many bytes from "tor". */
	while (pos < len && res.calls == 0) {
		n = data[pos++] % 16 + 1;
		if (n > len - pos)
			n = len - pos;
		(void)send(fd, data + pos, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		pos += n;
		for (i = 0; i < 2; i++)
			event_base_loop(base, EVLOOP_NONBLOCK);
	}
	if (res.calls > 1)
		abort();
	while ((k = recv(fd, sent + got, sizeof sent - got,
	    MSG_DONTWAIT)) > 0)
		got += (size_t)k;
	/* The greeting offers exactly one method. */
	if (got < 3 || sent[0] != 5 || sent[1] != 1 ||
	    sent[2] != (user ? 2 : 0))
		abort();
	want = 3;
	if (user != NULL && got > 3) {
		if (sent[3] != 1 || sent[4] != strlen(user) ||
		    memcmp(sent + 5, user, strlen(user)) != 0)
			abort();
		want += 3 + strlen(user);
	}
	if (got > want && (sent[want] != 5 || sent[want + 1] != 1 ||
	    sent[want + 3] != 3 || sent[want + 4] != strlen(ONION) + 6 ||
	    memcmp(sent + want + 5, ONION ".onion", strlen(ONION) + 6) != 0))
		abort();
	if (res.calls == 1 && res.err == 0)
		bufferevent_free(res.bev);
	else if (res.calls == 0)
		socks_cancel(req);
	close(fd);
	event_base_free(base);
	return 0;
}
