/*
 * tor_probe.c -- integration helper: SOCKS5-connect through tor with
 * src/tor/socks.c to ONION:PORT, send "ping\n", expect it echoed.
 * Retries retryable failures every second until the deadline.
 *
 *   tor_probe SOCKSADDR ONION [PORT [DEADLINE_SECS [TIMEOUT_MS]]]
 * Prints "ok ..." and exits 0, or "error ..." and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "tor/socks.h"
#include "util/err.h"
#include "util/log.h"

int main(int, char **);

struct probe {
	struct event_base *base;
	const char *socks, *onion;
	uint16_t port;
	int timeout_ms;
	time_t deadline;
	int tries;
	int result;		/* 0 ok, 1 failed */
	struct event *retry;
};

static socks_cb on_connect;

/* Start one attempt. */
static void
attempt(evutil_socket_t fd, short what, void *arg)
{
	struct probe *p = arg;

	p->tries++;
	if (socks_connect(p->base, p->socks, p->onion, p->port, "probe",
	    p->timeout_ms, on_connect, p) == NULL) {
		printf("error bad arguments\n");
		p->result = 1;
		event_base_loopbreak(p->base);
	}
}

/* Echo arrived (or not). */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct probe *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char buf[8];

	if (evbuffer_get_length(in) < 5)
		return;
	evbuffer_remove(in, buf, 5);
	p->result = memcmp(buf, "ping\n", 5) != 0;
	printf("%s tries=%d echo=%s\n", p->result ? "error" : "ok", p->tries,
	    p->result ? "wrong" : "ok");
	bufferevent_free(bev);
	event_base_loopbreak(p->base);
}

/* The stream closed before the echo. */
static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct probe *p = arg;

	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	printf("error stream closed before the echo\n");
	p->result = 1;
	bufferevent_free(bev);
	event_base_loopbreak(p->base);
}

/* SOCKS done: send the ping, or retry / give up. */
static void
on_connect(struct bufferevent *bev, int err, uint8_t rep, const char *reason,
    void *arg)
{
	struct probe *p = arg;

	if (err == 0) {
		bufferevent_setcb(bev, on_read, NULL, on_event, p);
		bufferevent_enable(bev, EV_READ | EV_WRITE);
		bufferevent_write(bev, "ping\n", 5);
		return;
	}
	fprintf(stderr, "tor_probe: try %d: %s (rep 0x%02x): %s\n", p->tries,
	    err_str(err), rep, reason);
	if (socks_retryable(rep) && err != ERR_PROTO &&
	    time(NULL) < p->deadline) {
		struct timeval tv = { 1, 0 };

		evtimer_add(p->retry, &tv);
		return;
	}
	printf("error err=\"%s\" rep=0x%02x reason=\"%s\" tries=%d\n",
	    err_str(err), rep, reason, p->tries);
	p->result = 1;
	event_base_loopbreak(p->base);
}

int
main(int argc, char **argv)
{
	struct probe p;

	log_init("tor_probe", 0, LOG_LEVEL_WARN);
	if (argc < 3) {
		fprintf(stderr, "usage: tor_probe SOCKSADDR ONION [PORT "
		    "[DEADLINE_SECS [TIMEOUT_MS]]]\n");
		return 2;
	}
	memset(&p, 0, sizeof p);
	p.base = event_base_new();
	p.socks = argv[1];
	p.onion = argv[2];
	p.port = (uint16_t)(argc > 3 ? atoi(argv[3]) : 9737);
	p.deadline = time(NULL) + (argc > 4 ? atoi(argv[4]) : 60);
	p.timeout_ms = argc > 5 ? atoi(argv[5]) : 30000;
	p.result = 1;
	p.retry = evtimer_new(p.base, attempt, &p);
	attempt(-1, 0, &p);
	event_base_dispatch(p.base);
	fflush(stdout);
	event_free(p.retry);
	event_base_free(p.base);
	return p.result;
}
