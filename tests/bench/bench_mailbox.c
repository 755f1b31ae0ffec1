/*
 * bench_mailbox.c -- fills a mailbox (warrend --mailbox --no-tor) through
 * DIR/peer.sock, as tor would deliver its clients: pairs as its owner with
 * CODE, registers COUNT depositor credentials, and deposits one 1 KiB blob
 * under each (a fresh throwaway identity per session, as warrend does).
 * Then the caller measures the daemon. Exits 0 if every step was answered
 * OK.
 *
 *   bench_mailbox DIR CODE COUNT
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include "core/mbox.h"
#include "crypto/identity.h"
#include "net/peer.h"
#include "net/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "warren/limits.h"

int main(int, char **);

struct fill {
	struct event_base *base;
	const char *dir;
	uint8_t remote[32], pair[MBOX_PAIR_LEN], auth[MBOX_AUTH_LEN];
	uint8_t owner[MBOX_SECRET_LEN];
	int count, step, session, failed;
	struct identity *id;
};

static void fill_dial(struct fill *);

/* Derive depositor credential i. */
static void
cred(struct fill *f, int i, uint8_t s[MBOX_SECRET_LEN])
{
	crypto_generichash(s, MBOX_SECRET_LEN, (const uint8_t *)&i, sizeof i,
	    f->owner, sizeof f->owner);
}

/* Send one request. */
static void
req(struct peer *p, uint64_t op, const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen)
{
	struct wire_msg m;

	memset(&m, 0, sizeof m);
	m.type = WIRE_MBOX;
	m.u.mbox.op = op;
	m.u.mbox.a = a;
	m.u.mbox.a_len = alen;
	m.u.mbox.b = b;
	m.u.mbox.b_len = blen;
	if (peer_send(p, &m) != 0)
		peer_close(p, ERR_IO);
}

static enum peer_policy
on_policy(struct peer *p, const uint8_t pk[32], const char *onion, void *arg)
{
	return PEER_FULL;
}

/* Up: the first request of this session. */
static void
on_up(struct peer *p, void *arg)
{
	struct fill *f = arg;
	uint8_t b[MBOX_TAG_LEN + 2 * MBOX_AUTH_LEN], t[MBOX_TOKEN_LEN];
	uint8_t s[MBOX_SECRET_LEN], priv[MBOX_AUTH_LEN];

	f->step = 0;
	if (f->session == 0) {
		mbox_token(f->owner, t);
		mbox_tag(t, b);
		mbox_auth_keys(f->owner, 0, priv, b + MBOX_TAG_LEN);
		mbox_auth_keys(f->owner, 1, priv, b + MBOX_TAG_LEN +
		    MBOX_AUTH_LEN);
		req(p, MBOX_OP_PAIR, f->pair, sizeof f->pair, b, sizeof b);
		return;
	}
	cred(f, f->session, s);
	mbox_token(s, t);
	req(p, MBOX_OP_AUTH, t, sizeof t, NULL, 0);
}

/* A reply: the next request, or hang up. */
static int
on_msg(struct peer *p, const struct wire_msg *m, void *arg)
{
	struct fill *f = arg;
	uint8_t s[MBOX_SECRET_LEN], t[MBOX_TOKEN_LEN], blob[1064];

	if (m->type != WIRE_MBOX_REPLY)
		return 0;
	if (m->u.mbox.op != MBOX_OK) {
		fprintf(stderr, "bench_mailbox: session %d step %d: status "
		    "%llu\n", f->session, f->step,
		    (unsigned long long)m->u.mbox.op);
		f->failed = 1;
		peer_close(p, ERR_CLOSED);
		return 0;
	}
	f->step++;
	if (f->session == 0 && f->step <= f->count) {
		cred(f, f->step, s);
		mbox_token(s, t);
		mbox_tag(t, t);
		req(p, MBOX_OP_CRED_ADD, t, sizeof t, NULL, 0);
	} else if (f->session > 0 && f->step == 1) {
		randombytes_buf(blob, sizeof blob);
		req(p, MBOX_OP_PUT, NULL, 0, blob, sizeof blob);
	} else
		peer_close(p, ERR_CLOSED);
	return 0;
}

/* Gone: next session. */
static void
on_lost(struct peer *p, int reason, void *arg)
{
	struct fill *f = arg;

	peer_free(p);
	identity_free(f->id);
	f->id = NULL;
	if (f->failed || ++f->session > f->count) {
		event_base_loopexit(f->base, NULL);
		return;
	}
	fill_dial(f);
}

/* One session as a fresh identity. */
static void
fill_dial(struct fill *f)
{
	static const struct peer_cbs cbs = {
		.policy = on_policy, .up = on_up, .msg = on_msg,
		.lost = on_lost,
	};
	struct sockaddr_un sun;
	struct bufferevent *bev;
	struct peer_cfg cfg;
	struct peer *p;

	if (identity_generate(&f->id) != 0)
		fatalx("identity_generate");
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof sun.sun_path,
	    "%s/peer.sock", f->dir) >= sizeof sun.sun_path)
		fatalx("path too long");
	bev = bufferevent_socket_new(f->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&sun,
	    sizeof sun) != 0)
		fatalx("cannot connect to %s", sun.sun_path);
	peer_cfg_default(&cfg);
	if (peer_new_initiator(&p, f->base, bev, f->id, f->remote, &cfg, &cbs,
	    f) != 0)
		fatalx("peer_new_initiator");
}

int
main(int argc, char **argv)
{
	struct fill f;
	char onion[ONION_LEN + 1];

	if (argc != 4) {
		fprintf(stderr, "usage: bench_mailbox DIR CODE COUNT\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	log_init("bench_mailbox", 0, LOG_LEVEL_WARN);
	memset(&f, 0, sizeof f);
	f.dir = argv[1];
	f.count = atoi(argv[3]);
	if (mbox_code_parse(argv[2], onion, f.pair, f.auth) != 0 ||
	    onion_parse(onion, f.remote, NULL) != 0)
		fatalx("bad code");
	randombytes_buf(f.owner, sizeof f.owner);
	if ((f.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	fill_dial(&f);
	event_base_dispatch(f.base);
	event_base_free(f.base);
	return f.failed || f.session <= f.count ? 1 : 0;
}
