/*
 * tor_node.c -- integration driver for src/tor: one identity, one struct
 * tor, a unix listener for inbound streams (echoed back). Prints one line
 * per status change and per inbound connection until SIGTERM.
 *
 *   tor_node DIR [--tor-control ADDR] [--torrc-append FILE]
 *                [--tor-binary PATH] [--control-password PW]
 *                [--peer ratchet]
 *
 * --peer ratchet: inbound streams speak the real warren protocol (peer.c,
 * as the responder, everyone let in) and play a contact that replaces
 * sessions: a CONTACT_REQUEST is accepted as a real peer would (accepted,
 * RATCHET_HELLO, RESUME 0; printed "session"), and that connection is
 * closed a second later; on every later connection it sends a
 * RATCHET_HELLO at once, unasked ("sent ratchet_hello"). "lost REASON"
 * when a connection ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <sodium.h>

#include "crypto/identity.h"
#include "net/peer.h"
#include "net/wire.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "warren/limits.h"

int main(int, char **);

/* Load DIR/seed, or create it (0600) with a fresh identity. */
static int
load_identity(const char *dir, struct identity **id)
{
	uint8_t seed[IDENTITY_SEED_LEN];
	char *path;
	ssize_t n;
	int fd, r;

	xasprintf(&path, "%s/seed", dir);
	if ((fd = open(path, O_RDONLY)) != -1) {
		n = read(fd, seed, sizeof seed);
		close(fd);
		free(path);
		if (n != (ssize_t)sizeof seed)
			fatalx("%s/seed: not %d bytes", dir, IDENTITY_SEED_LEN);
		r = identity_from_seed(id, seed);
		sodium_memzero(seed, sizeof seed);
		return r;
	}
	if ((r = identity_generate(id)) != 0)
		fatalx("identity_generate: %s", err_str(r));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1 || write(fd, identity_seed(*id), IDENTITY_SEED_LEN) !=
	    IDENTITY_SEED_LEN)
		fatal("%s", path);
	close(fd);
	free(path);
	return 0;
}

/* Print the status whenever it changes. */
static void
on_status(struct tor *t, const struct tor_status *st, void *arg)
{
	static int was_published;	/* per process; this is a driver */
	const char *onion = arg;
	const char *socks = tor_socks_addr(t);

	printf("status running=%d progress=%d tag=%s published=%d "
	    "restarts=%d socks=%s pow=%d version=%s summary=\"%s\" "
	    "error=\"%s\"\n", st->running, st->progress, st->tag,
	    st->published, st->restarts, socks ? socks : "-", st->pow,
	    st->version[0] ? st->version : "-", st->summary, st->error);
	if (st->published && !was_published)
		printf("published onion=%s\n", onion);
	was_published = st->published;
	fflush(stdout);
}

/* Echo what an inbound stream sends. */
static void
on_inbound_read(struct bufferevent *bev, void *arg)
{
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

/* Close an inbound stream on EOF or error. */
static void
on_inbound_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		bufferevent_free(bev);
}

/* A stream arrived from tor through the onion service. */
static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct bufferevent *bev;

	printf("inbound\n");
	fflush(stdout);
	bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, on_inbound_read, NULL, on_inbound_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* --peer ratchet: one inbound warren connection. */
struct evil_conn {
	struct peer *p;
	struct event *close_ev;
};

static struct identity *peer_id;
static struct peer_cfg peer_cfg;
static int peer_conns;	/* connections that came up */

static enum peer_policy
evil_policy(struct peer *p, const uint8_t pk[32], const char *onion,
    void *arg)
{
	return PEER_FULL;
}

/* Send a RATCHET_HELLO with a fresh key. */
static void
evil_ratchet_hello(struct peer *p)
{
	struct wire_msg m;

	memset(&m, 0, sizeof m);
	m.type = WIRE_RATCHET_HELLO;
	randombytes_buf(m.u.ratchet_hello.pub, sizeof m.u.ratchet_hello.pub);
	(void)peer_send(p, &m);
}

static void
evil_up(struct peer *p, void *arg)
{
	if (++peer_conns == 1)
		return;	/* the first one asks: answered in evil_msg */
	evil_ratchet_hello(p);
	printf("sent ratchet_hello\n");
	fflush(stdout);
}

static void
evil_close_later(evutil_socket_t fd, short what, void *arg)
{
	struct evil_conn *ec = arg;

	peer_close(ec->p, ERR_CLOSED);
}

static int
evil_msg(struct peer *p, const struct wire_msg *m, void *arg)
{
	struct evil_conn *ec = arg;
	struct wire_msg r;
	struct timeval tv = { 1, 0 };

	if (m->type != WIRE_CONTACT_REQUEST)
		return 0;
	memset(&r, 0, sizeof r);
	r.type = WIRE_CONTACT_RESPONSE;
	r.u.response.status = WIRE_STATUS_ACCEPTED;
	(void)peer_send(p, &r);
	evil_ratchet_hello(p);
	memset(&r, 0, sizeof r);
	r.type = WIRE_RESUME;
	(void)peer_send(p, &r);
	printf("session\n");
	fflush(stdout);
	evtimer_add(ec->close_ev, &tv);
	return 0;
}

static void
evil_lost(struct peer *p, int reason, void *arg)
{
	struct evil_conn *ec = arg;

	printf("lost %s\n", err_str(reason));
	fflush(stdout);
	event_free(ec->close_ev);
	peer_free(p);
	free(ec);
}

static const struct peer_cbs evil_cbs = {
	evil_policy, evil_up, evil_msg, NULL, evil_lost
};

/* A stream for the evil warren peer. */
static void
on_accept_peer(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct event_base *base = evconnlistener_get_base(l);
	struct bufferevent *bev;
	struct evil_conn *ec;

	printf("inbound\n");
	fflush(stdout);
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	ec = xcalloc(1, sizeof *ec);
	ec->close_ev = evtimer_new(base, evil_close_later, ec);
	if (peer_new_responder(&ec->p, base, bev, peer_id, &peer_cfg,
	    &evil_cbs, ec) != 0) {
		event_free(ec->close_ev);
		free(ec);
	}
}

/* SIGTERM or SIGINT: leave the loop. */
static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(arg);
}

int
main(int argc, char **argv)
{
	struct tor_opts o = { 0 };
	struct event_base *base;
	struct evconnlistener *l;
	struct identity *id = NULL;
	struct sockaddr_un sun;
	struct event *sigterm, *sigint;
	struct tor *t;
	char blob[TOR_BLOB_LEN + 1], *target;
	int i, r, evil = 0;

	log_init("tor_node", 0, LOG_LEVEL_INFO);
	if (argc < 2)
		fatalx("usage: tor_node DIR [--tor-control ADDR] "
		    "[--torrc-append FILE] [--tor-binary PATH] "
		    "[--control-password PW] [--peer ratchet]");
	o.data_dir = argv[1];
	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--tor-control") == 0)
			o.control = argv[i + 1];
		else if (strcmp(argv[i], "--torrc-append") == 0)
			o.torrc_append = argv[i + 1];
		else if (strcmp(argv[i], "--tor-binary") == 0)
			o.tor_binary = argv[i + 1];
		else if (strcmp(argv[i], "--control-password") == 0)
			o.control_password = argv[i + 1];
		else if (strcmp(argv[i], "--peer") == 0 &&
		    strcmp(argv[i + 1], "ratchet") == 0)
			evil = 1;
		else
			fatalx("unknown option %s", argv[i]);
	}
	if (i != argc)
		fatalx("option %s needs a value", argv[i]);
	if (sodium_init() < 0)
		fatalx("sodium_init");
	signal(SIGPIPE, SIG_IGN);
	if (mkdir(o.data_dir, 0700) == -1 && errno != EEXIST)
		fatal("mkdir %s", o.data_dir);
	if ((r = load_identity(o.data_dir, &id)) != 0)
		fatalx("identity: %s", err_str(r));
	if ((r = identity_tor_blob(id, blob, sizeof blob)) != 0)
		fatalx("identity_tor_blob: %s", err_str(r));
	printf("onion=%s\n", identity_onion(id));
	fflush(stdout);

	base = event_base_new();
	xasprintf(&target, "%s/peer.sock", o.data_dir);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(target) >= sizeof sun.sun_path)
		fatalx("%s: path too long for a unix socket", target);
	strcpy(sun.sun_path, target);
	unlink(target);
	peer_id = id;
	peer_cfg_default(&peer_cfg);
	l = evconnlistener_new_bind(base, evil ? on_accept_peer : on_accept,
	    NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
	    (struct sockaddr *)&sun, sizeof sun);
	if (l == NULL)
		fatal("listen on %s", target);

	o.key_blob = blob;
	o.onion = identity_onion(id);
	o.target = target;
	o.port = WARREN_PORT;
	t = tor_new(base, &o, on_status, (void *)identity_onion(id));
	sodium_memzero(blob, sizeof blob);
	if ((r = tor_start(t)) != 0)
		fatalx("tor_start: %s", err_str(r));

	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	event_base_dispatch(base);

	printf("exiting\n");
	fflush(stdout);
	tor_free(t);
	evconnlistener_free(l);
	unlink(target);
	free(target);
	event_free(sigterm);
	event_free(sigint);
	event_base_free(base);
	identity_free(id);
	return 0;
}
