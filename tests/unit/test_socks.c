/*
 * test_socks.c -- the SOCKS5 client against a scripted fake server on a
 * unix socket in the same event loop, and the pure reply parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "tor/socks.h"
#include "util/err.h"
#include "test.h"

int main(void);

#define ONION "aoqqpp7tzyil4hlq3umoos6atft6jvrqtosq2xy53sdgiesvgg4bqead"

/* What the fake server answers at each stage; NULL = stay silent. */
struct script {
	const uint8_t *method;
	size_t method_len;
	const uint8_t *auth;
	size_t auth_len;
	const uint8_t *reply;
	size_t reply_len;
	int close_after;	/* close after the reply */
};

struct fake {
	const struct script *sc;
	struct bufferevent *bev;
	uint8_t got[600];	/* everything the client sent */
	size_t got_len;
	int stage;
};

struct result {
	int called;
	int err;
	uint8_t rep;
	char reason[160];
	char extra[16];		/* bytes after the reply, on success */
	struct event_base *base;
};

static char sock_path[108];

/* Server side: answer each complete client message per the script. */
static void
fake_read(struct bufferevent *bev, void *arg)
{
	struct fake *f = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n, need;

	n = evbuffer_remove(in, f->got + f->got_len,
	    sizeof f->got - f->got_len);
	f->got_len += n;
	for (;;) {
		if (f->stage == 0 && f->got_len >= 3) {
			f->stage = 1;
			if (f->sc->method)
				bufferevent_write(bev, f->sc->method,
				    f->sc->method_len);
			continue;
		}
		/* Auth: 01 ULEN user PLEN pass, right after the greeting. */
		if (f->stage == 1 && f->got[2] == 0x02 && f->got_len >= 5 &&
		    f->got_len >= (size_t)(3 + 2 + f->got[4] + 1)) {
			f->stage = 2;
			if (f->sc->auth)
				bufferevent_write(bev, f->sc->auth,
				    f->sc->auth_len);
			continue;
		}
		if (f->stage == 1 && f->got[2] == 0x00)
			f->stage = 2;
		need = f->got[2] == 0x02 ? 3 + 3 + f->got[4] : 3;
		if (f->stage == 2 && f->got_len >= need + 5 &&
		    f->got_len >= need + 5 + f->got[need + 4] + 2) {
			f->stage = 3;
			if (f->sc->reply)
				bufferevent_write(bev, f->sc->reply,
				    f->sc->reply_len);
			if (f->sc->close_after) {
				bufferevent_free(bev);
				f->bev = NULL;
				return;
			}
			continue;
		}
		break;
	}
}

/* Server side: the client went away. */
static void
fake_event(struct bufferevent *bev, short what, void *arg)
{
	struct fake *f = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		bufferevent_free(bev);
		f->bev = NULL;
	}
}

/* Accept one client. */
static void
fake_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct fake *f = arg;

	f->bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(f->bev, fake_read, NULL, fake_event, f);
	bufferevent_enable(f->bev, EV_READ | EV_WRITE);
}

/* The client's callback: record and stop the loop. */
static void
on_done(struct bufferevent *bev, int err, uint8_t rep, const char *reason,
    void *arg)
{
	struct result *r = arg;
	size_t n;

	r->called++;
	r->err = err;
	r->rep = rep;
	snprintf(r->reason, sizeof r->reason, "%s", reason);
	if (bev != NULL) {
		n = evbuffer_remove(bufferevent_get_input(bev), r->extra,
		    sizeof r->extra - 1);
		r->extra[n] = '\0';
		bufferevent_free(bev);
	}
	event_base_loopexit(r->base, &(struct timeval){ 0, 50000 });
}

/* Run one exchange against the script; fills res and the server's view. */
static void
run(const struct script *sc, const char *isolation, int timeout_ms,
    struct result *res, struct fake *f)
{
	struct event_base *base = event_base_new();
	struct evconnlistener *l;
	struct sockaddr_un sun;
	struct socks_req *req;
	char addr[128];

	memset(res, 0, sizeof *res);
	memset(f, 0, sizeof *f);
	f->sc = sc;
	res->base = base;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock_path);
	unlink(sock_path);
	l = evconnlistener_new_bind(base, fake_accept, f,
	    LEV_OPT_CLOSE_ON_FREE, 4, (struct sockaddr *)&sun, sizeof sun);
	CHECK(l != NULL);
	snprintf(addr, sizeof addr, "unix:%s", sock_path);
	req = socks_connect(base, addr, ONION, 9737, isolation, timeout_ms,
	    on_done, res);
	CHECK(req != NULL);
	event_base_loopexit(base, &(struct timeval){ 5, 0 });
	event_base_dispatch(base);
	if (f->bev != NULL)
		bufferevent_free(f->bev);
	evconnlistener_free(l);
	event_base_free(base);
	unlink(sock_path);
	CHECK_INT(res->called, 1);
}

static const uint8_t m_user[] = { 5, 2 }, m_none[] = { 5, 0 };
static const uint8_t m_reject[] = { 5, 0xff }, a_ok[] = { 1, 0 };
static const uint8_t a_bad[] = { 1, 1 };
static const uint8_t r_v4[] = { 5, 0, 0, 1, 0, 0, 0, 0, 0, 0, 'h', 'i' };
static const uint8_t r_v6[] = { 5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 'h', 'i' };
static const uint8_t r_name[] = { 5, 0, 0, 3, 3, 'a', 'b', 'c', 0, 80,
    'h', 'i' };

/* The client's bytes: greeting, credentials, CONNECT to the name. */
static void
request_bytes(void)
{
	struct script sc = { m_user, 2, a_ok, 2, r_v4, sizeof r_v4, 0 };
	struct result res;
	struct fake f;
	size_t off;

	run(&sc, "contact-7", 2000, &res, &f);
	CHECK_INT(res.err, 0);
	CHECK_MEM(f.got, "\x05\x01\x02", 3);
	CHECK_MEM(f.got + 3, "\x01\x09" "contact-7" "\x00", 12);
	off = 15;
	CHECK_MEM(f.got + off, "\x05\x01\x00\x03\x3e", 5);
	CHECK_MEM(f.got + off + 5, ONION ".onion", 62);
	CHECK_INT(f.got[off + 67], 9737 >> 8);
	CHECK_INT(f.got[off + 68], 9737 & 0xff);
	CHECK_INT(f.got_len, off + 69);
}

static void
success_atyp1(void)
{
	struct script sc = { m_user, 2, a_ok, 2, r_v4, sizeof r_v4, 0 };
	struct result res;
	struct fake f;

	run(&sc, "iso", 2000, &res, &f);
	CHECK_INT(res.err, 0);
	CHECK_INT(res.rep, 0);
	CHECK_STR(res.extra, "hi");	/* stream bytes stay for the caller */
}

static void
success_atyp3(void)
{
	struct script sc = { m_user, 2, a_ok, 2, r_name, sizeof r_name, 0 };
	struct result res;
	struct fake f;

	run(&sc, "iso", 2000, &res, &f);
	CHECK_INT(res.err, 0);
	CHECK_STR(res.extra, "hi");
}

/* Unix SocksPorts answer with ATYP 4 (22 bytes). */
static void
success_atyp4(void)
{
	struct script sc = { m_user, 2, a_ok, 2, r_v6, sizeof r_v6, 0 };
	struct result res;
	struct fake f;

	run(&sc, "iso", 2000, &res, &f);
	CHECK_INT(res.err, 0);
	CHECK_STR(res.extra, "hi");
}

static void
success_no_isolation(void)
{
	struct script sc = { m_none, 2, NULL, 0, r_v4, sizeof r_v4, 0 };
	struct result res;
	struct fake f;

	run(&sc, NULL, 2000, &res, &f);
	CHECK_INT(res.err, 0);
	CHECK_MEM(f.got, "\x05\x01\x00", 3);
}

static void
truncated_reply(void)
{
	struct script sc = { m_user, 2, a_ok, 2, r_v6, 12, 1 };
	struct result res;
	struct fake f;

	run(&sc, "iso", 2000, &res, &f);
	CHECK_INT(res.err, ERR_CLOSED);
	CHECK_INT(res.rep, 0xff);
}

static void
garbage_reply(void)
{
	static const uint8_t http[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
	struct script sc = { m_user, 2, a_ok, 2, http, sizeof http - 1, 0 };
	struct result res;
	struct fake f;

	run(&sc, "iso", 2000, &res, &f);
	CHECK_INT(res.err, ERR_PROTO);
	sc.method = http;
	run(&sc, "iso", 2000, &res, &f);
	CHECK_INT(res.err, ERR_PROTO);
	CHECK(strstr(res.reason, "SOCKS5") != NULL);
}

/* Tor's extended codes map to their reasons; only some are retryable. */
static void
extended_codes(void)
{
	uint8_t reply[10] = { 5, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	struct script sc = { m_user, 2, a_ok, 2, reply, sizeof reply, 0 };
	struct result res;
	struct fake f;
	int code;

	for (code = 0xf0; code <= 0xf7; code++) {
		reply[1] = (uint8_t)code;
		run(&sc, "iso", 2000, &res, &f);
		CHECK_INT(res.err, ERR_REFUSED);
		CHECK_INT(res.rep, code);
		CHECK_STR(res.reason, socks_reason((uint8_t)code));
		CHECK(strcmp(res.reason, "unknown SOCKS error") != 0);
	}
	CHECK(strstr(socks_reason(0xf0), "not found") != NULL);
	CHECK_INT(socks_retryable(0xf0), 1);
	CHECK_INT(socks_retryable(0xf2), 1);
	CHECK_INT(socks_retryable(0xf7), 1);
	CHECK_INT(socks_retryable(0xf6), 0);
	CHECK_INT(socks_retryable(0xf4), 0);
	CHECK_INT(socks_retryable(0x02), 0);
	CHECK_INT(socks_retryable(0xf8), 1);
	CHECK_STR(socks_reason(0xf8), "unknown SOCKS error");
}

static void
auth_rejected(void)
{
	struct script sc = { m_user, 2, a_bad, 2, r_v4, sizeof r_v4, 0 };
	struct result res;
	struct fake f;

	run(&sc, "iso", 2000, &res, &f);
	CHECK_INT(res.err, ERR_AUTH);
	sc.method = m_reject;
	run(&sc, "iso", 2000, &res, &f);
	CHECK_INT(res.err, ERR_PROTO);
	/* We asked for username auth; a server choosing none is refused. */
	sc.method = m_none;
	run(&sc, "iso", 2000, &res, &f);
	CHECK_INT(res.err, ERR_PROTO);
}

static void
timeout(void)
{
	struct script sc = { m_user, 2, a_ok, 2, NULL, 0, 0 };
	struct result res;
	struct fake f;

	run(&sc, "iso", 200, &res, &f);
	CHECK_INT(res.err, ERR_TIMEOUT);
	CHECK_INT(res.rep, 0xff);
}

/* Nothing listening: the error still comes through the callback. */
static void
no_server(void)
{
	struct event_base *base = event_base_new();
	struct result res;
	char addr[128];

	memset(&res, 0, sizeof res);
	res.base = base;
	unlink(sock_path);
	snprintf(addr, sizeof addr, "unix:%s", sock_path);
	CHECK(socks_connect(base, addr, ONION, 9737, "i", 1000, on_done,
	    &res) != NULL);
	CHECK_INT(res.called, 0);	/* never from inside socks_connect */
	event_base_loopexit(base, &(struct timeval){ 3, 0 });
	event_base_dispatch(base);
	CHECK_INT(res.called, 1);
	CHECK_INT(res.err, ERR_IO);
	event_base_free(base);
}

static void
cancel(void)
{
	struct event_base *base = event_base_new();
	struct socks_req *req;
	struct result res;

	memset(&res, 0, sizeof res);
	res.base = base;
	req = socks_connect(base, "unix:/nonexistent/x.sock", ONION, 9737,
	    "i", 100, on_done, &res);
	CHECK(req != NULL);
	socks_cancel(req);
	socks_cancel(NULL);
	event_base_loopexit(base, &(struct timeval){ 0, 300000 });
	event_base_dispatch(base);
	CHECK_INT(res.called, 0);
	event_base_free(base);
}

static void
bad_args(void)
{
	struct event_base *base = event_base_new();
	struct result res;
	char longname[300];

	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	CHECK(socks_connect(base, "bogus", ONION, 1, NULL, 10, on_done,
	    &res) == NULL);
	CHECK(socks_connect(base, "unix:/x", "bad name", 1, NULL, 10,
	    on_done, &res) == NULL);
	CHECK(socks_connect(base, "unix:/x", longname, 1, NULL, 10, on_done,
	    &res) == NULL);
	CHECK(socks_connect(base, "unix:/x", ONION, 1, longname, 10,
	    on_done, &res) == NULL);
	CHECK(socks_connect(base, "unix:/x", ONION, 0, NULL, 10, on_done,
	    &res) == NULL);
	/* A unix path one byte too long for sun_path. */
	memset(longname, 'a', sizeof longname);
	memcpy(longname, "unix:/", 6);
	longname[5 + 108] = '\0';
	CHECK(socks_connect(base, longname, ONION, 1, NULL, 10, on_done,
	    &res) == NULL);
	event_base_free(base);
}

/* The pure parser at every length: 0, truncated, exact, garbage. */
static void
parse_reply(void)
{
	uint8_t rep;
	size_t used, i;

	for (i = 0; i < 10; i++)
		CHECK_INT(socks_parse_reply(r_v4, i, &rep, &used), ERR_AGAIN);
	CHECK_INT(socks_parse_reply(r_v4, 10, &rep, &used), 0);
	CHECK_INT(used, 10);
	for (i = 0; i < 22; i++)
		CHECK_INT(socks_parse_reply(r_v6, i, &rep, &used), ERR_AGAIN);
	CHECK_INT(socks_parse_reply(r_v6, 22, &rep, &used), 0);
	CHECK_INT(used, 22);
	for (i = 0; i < 10; i++)
		CHECK_INT(socks_parse_reply(r_name, i, &rep, &used),
		    ERR_AGAIN);
	CHECK_INT(socks_parse_reply(r_name, sizeof r_name, &rep, &used), 0);
	CHECK_INT(used, 10);
	CHECK_INT(socks_parse_reply((const uint8_t *)"\x04", 1, &rep, &used),
	    ERR_PROTO);
	CHECK_INT(socks_parse_reply((const uint8_t *)"\x05\x00\x01", 3, &rep,
	    &used), ERR_PROTO);
	CHECK_INT(socks_parse_reply((const uint8_t *)"\x05\x00\x00\x02", 4,
	    &rep, &used), ERR_PROTO);
}

int
main(void)
{
	snprintf(sock_path, sizeof sock_path, "/tmp/test_socks.%ld.sock",
	    (long)getpid());
	RUN(parse_reply);
	RUN(request_bytes);
	RUN(success_atyp1);
	RUN(success_atyp3);
	RUN(success_atyp4);
	RUN(success_no_isolation);
	RUN(truncated_reply);
	RUN(garbage_reply);
	RUN(extended_codes);
	RUN(auth_rejected);
	RUN(timeout);
	RUN(no_server);
	RUN(cancel);
	RUN(bad_args);
	return TEST_EXIT();
}
