/*
 * bench_endpoints.c -- the cost of one endpoint onion per contact
 * (doc/PROTOCOL.md section 9), measured with warrend's own src/tor on the
 * private test network. A "service" tor (what warrend runs) adds N V3Auth
 * onions of one client each, with the public onion withdrawn; a "client"
 * tor registers the N client keys (ONION_CLIENT_AUTH_ADD) and dials every
 * endpoint (8 at a time) until each has answered once. Then the service
 * tor is stopped and started again and the same is timed once more.
 *
 *   bench_endpoints DIR N TORRC
 * Prints "bench ..." lines; while it waits after each phase a line
 * "pause SECS" lets a script read tor's RSS and CPU (tests/bench/
 * endpoints_bench.sh). Exits 0 if every endpoint was reached both times.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <sodium.h>

#include "tor/clientauth.h"
#include "tor/socks.h"
#include "tor/tor.h"
#include "util/log.h"
#include "util/xmalloc.h"

int main(int, char **);

#define PORT		9737
#define PARALLEL	8

static struct event_base *base;
static const char *dir, *torrc;
static int n;
static uint8_t (*seeds)[32], (*pubs)[32], (*privs)[32];
static char (*onions)[57];
static int *reached, published, reached_n, inflight, next_dial;
static struct tor *svc, *cli;
static char svc_dir[512], cli_dir[512], target[600];
static double t0;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int len, void *arg)
{
	close(fd);	/* reaching it is all we measure */
}

static void dial_more(void);

static void
on_dialled(struct bufferevent *bev, int err, uint8_t rep, const char *why,
    void *arg)
{
	int i = (int)(intptr_t)arg;

	inflight--;
	if (bev != NULL) {
		bufferevent_free(bev);
		if (!reached[i]) {
			reached[i] = 1;
			reached_n++;
		}
	}
	dial_more();
}

/* Keep PARALLEL dials going over the endpoints not reached yet. */
static void
dial_more(void)
{
	const char *socks = tor_socks_addr(cli);
	int tries = 0;

	if (reached_n == n) {
		event_base_loopbreak(base);
		return;
	}
	if (socks == NULL || tor_status(cli)->progress < 100)
		return;
	while (inflight < PARALLEL && tries++ < n) {
		next_dial = (next_dial + 1) % n;
		if (reached[next_dial])
			continue;
		inflight++;
		if (socks_connect(base, socks, onions[next_dial], PORT, "bench",
		    60000, on_dialled, (void *)(intptr_t)next_dial) == NULL)
			inflight--;
	}
}

static void
onion_cb(struct tor *t, const char *onion, int state, void *arg)
{
	if (state == TOR_ONION_PUBLISHED && ++published == n)
		printf("bench all %d endpoints published in %.1f s\n", n,
		    now() - t0);
	fflush(stdout);
}

static void
status_cb(struct tor *t, const struct tor_status *st, void *arg)
{
	if (t == cli)
		dial_more();
}

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	dial_more();
}

/* A tor with a random (withdrawn) public identity. */
static struct tor *
start_tor(const char *d, const char *sock)
{
	char onion[57], blob[89];
	uint8_t seed[32];
	struct tor *t;

	randombytes_buf(seed, sizeof seed);
	torca_onion_from_seed(seed, onion, blob);
	mkdir(d, 0700);
	t = tor_new(base, &(struct tor_opts){ .data_dir = d,
	    .torrc_append = torrc, .key_blob = blob, .onion = onion,
	    .target = sock, .port = PORT, .hidden = 1 }, status_cb, NULL);
	sodium_memzero(blob, sizeof blob);
	return t;
}

static void
add_endpoints(void)
{
	int i;

	for (i = 0; i < n; i++)
		if (tor_onion_add(svc, &(struct tor_onion_spec){
		    .seed = seeds[i], .target = target, .port = PORT,
		    .clients = (const uint8_t (*)[32])pubs[i], .n = 1 },
		    onions[i]) != 0)
			exit(2);
}

static long
self_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Run until every endpoint answered; report; pause for the script. */
static int
phase(const char *what)
{
	struct timeval tv = { 1, 0 };
	struct event *ev = event_new(base, -1, EV_PERSIST, tick, NULL);
	double deadline = now() + 900;

	evtimer_add(ev, &tv);
	while (reached_n < n && now() < deadline)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ev);
	printf("bench %s: %d of %d endpoints reachable after %.1f s "
	    "(published %d)\n", what, reached_n, n, now() - t0, published);
	printf("bench bench-process maxrss %ld KiB (tor.c registry of %d "
	    "onions + %d client keys, libevent, libsodium)\n", self_rss_kb(),
	    n, n);
	printf("pause 5\n");
	fflush(stdout);
	sleep(5);
	return reached_n == n;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct evconnlistener *l;
	char sock[600];
	int i, ok;

	if (argc != 4 || (n = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: bench_endpoints DIR N TORRC\n");
		return 2;
	}
	dir = argv[1];
	torrc = argv[3];
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	log_set_level(getenv("BENCH_LOG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	base = event_base_new();
	seeds = xcalloc((size_t)n, 32);
	pubs = xcalloc((size_t)n, 32);
	privs = xcalloc((size_t)n, 32);
	onions = xcalloc((size_t)n, 57);
	reached = xcalloc((size_t)n, sizeof *reached);
	for (i = 0; i < n; i++) {
		randombytes_buf(seeds[i], 32);
		torca_keypair(pubs[i], privs[i]);
	}
	snprintf(svc_dir, sizeof svc_dir, "%s/svc", dir);
	snprintf(cli_dir, sizeof cli_dir, "%s/cli", dir);
	snprintf(target, sizeof target, "%s/ep.sock", dir);
	snprintf(sock, sizeof sock, "%.100s/cli.sock", dir);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%.100s", target);
	unlink(target);
	l = evconnlistener_new_bind(base, on_accept, NULL,
	    LEV_OPT_CLOSE_ON_FREE, 64, (struct sockaddr *)&sun, sizeof sun);
	if (l == NULL)
		return 1;

	t0 = now();
	svc = start_tor(svc_dir, target);
	tor_set_onion_cb(svc, onion_cb, NULL);
	add_endpoints();
	cli = start_tor(cli_dir, sock);
	for (i = 0; i < n; i++)
		tor_auth_add(cli, onions[i], privs[i]);
	if (tor_start(svc) != 0 || tor_start(cli) != 0)
		return 1;
	ok = phase("first start");

	/* Restart the service side: warrend's start with N contacts. */
	tor_free(svc);
	memset(reached, 0, (size_t)n * sizeof *reached);
	reached_n = published = 0;
	tor_newnym(cli);	/* forget cached descriptors and circuits */
	t0 = now();
	svc = start_tor(svc_dir, target);
	tor_set_onion_cb(svc, onion_cb, NULL);
	add_endpoints();
	if (tor_start(svc) != 0)
		return 1;
	ok &= phase("after a restart");
	tor_free(svc);
	tor_free(cli);
	evconnlistener_free(l);
	event_base_free(base);
	return ok ? 0 : 1;
}
