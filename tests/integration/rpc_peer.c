/*
 * rpc_peer.c -- test-only: a local source of daemon events without tor.
 * Dials DIR/peer.sock (the socket the daemon's onion service points at)
 * COUNT times, each time as a fresh identity, sends a CONTACT_REQUEST and
 * waits for the CONTACT_RESPONSE, then hangs up. The daemon records one
 * contact.request, one contact.online and one contact.offline event per
 * knock. Prints "knock N ADDRESS STATUS" per request; exits 0 if every
 * request was answered.
 *
 * With "again", one identity knocks once and then only connects and hangs
 * up COUNT - 1 more times: each visit is one contact.online and one
 * contact.offline event, without the daemon's rate limit on requests. Its
 * nick is 64 bytes of emoji, so that these events are large.
 * Exits 0 if every visit got through the handshake.
 *
 *   rpc_peer DIR DAEMON-ONION COUNT [again]
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include "crypto/identity.h"
#include "net/peer.h"
#include "net/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "warren/limits.h"

int main(int, char **);

struct knock {
	struct event_base *base;
	const char *dir;
	uint8_t remote[32];
	int count, done, answered, ups, again;
	struct identity *id;
	struct peer *p;
	char nick[WARREN_MAX_NICK + 1], text[64];
};

static void knock_next(struct knock *);

/* We dialled the daemon on purpose: take whatever it says. */
static enum peer_policy
on_policy(struct peer *p, const uint8_t pk[32], const char *onion, void *arg)
{
	(void)p;
	(void)pk;
	(void)onion;
	(void)arg;
	return PEER_FULL;
}

/* Handshake done: ask. */
static void
on_up(struct peer *p, void *arg)
{
	struct knock *k = arg;
	struct wire_msg m;

	k->ups++;
	if (k->again && k->done > 0) {
		peer_close(p, ERR_CLOSED);
		return;
	}
	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_REQUEST;
	m.u.request.nick = k->nick;
	m.u.request.nick_len = strlen(k->nick);
	m.u.request.text = k->text;
	m.u.request.text_len = strlen(k->text);
	if (peer_send(p, &m) != 0)
		peer_close(p, ERR_IO);
}

/* The answer: print it and hang up. */
static int
on_msg(struct peer *p, const struct wire_msg *m, void *arg)
{
	struct knock *k = arg;

	if (m->type != WIRE_CONTACT_RESPONSE)
		return 0;
	printf("knock %d %s %s\n", k->done + 1, identity_onion(k->id),
	    m->u.response.status == WIRE_STATUS_PENDING ? "pending" :
	    m->u.response.status == WIRE_STATUS_ACCEPTED ? "accepted" :
	    "rejected");
	fflush(stdout);
	k->answered++;
	peer_close(p, ERR_CLOSED);
	return 0;
}

/* Gone: next knock. */
static void
on_lost(struct peer *p, int reason, void *arg)
{
	struct knock *k = arg;

	(void)reason;
	peer_free(p);
	k->p = NULL;
	if (!k->again) {
		identity_free(k->id);
		k->id = NULL;
	}
	k->done++;
	knock_next(k);
}

/* Dial once more, or stop. */
static void
knock_next(struct knock *k)
{
	static const struct peer_cbs cbs = {
		.policy = on_policy, .up = on_up, .msg = on_msg,
		.lost = on_lost,
	};
	struct sockaddr_un sun;
	struct bufferevent *bev;
	struct peer_cfg cfg;
	int r;

	if (k->done >= k->count) {
		event_base_loopexit(k->base, NULL);
		return;
	}
	if (k->id == NULL && (r = identity_generate(&k->id)) != 0)
		fatalx("identity_generate: %s", err_str(r));
	if (k->again) {
		/* 64 bytes that JSON escapes to 192: bigger events. */
		for (r = 0; r < WARREN_MAX_NICK; r += 4)
			memcpy(k->nick + r, "\xf0\x9f\x98\x80", 4);
		k->nick[WARREN_MAX_NICK] = '\0';
	} else
		snprintf(k->nick, sizeof k->nick, "knock%d", k->done + 1);
	snprintf(k->text, sizeof k->text, "knock %d from rpc_peer",
	    k->done + 1);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof sun.sun_path,
	    "%s/peer.sock", k->dir) >= sizeof sun.sun_path)
		fatalx("path too long");
	bev = bufferevent_socket_new(k->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&sun,
	    sizeof sun) != 0)
		fatalx("cannot connect to %s", sun.sun_path);
	peer_cfg_default(&cfg);
	if ((r = peer_new_initiator(&k->p, k->base, bev, k->id, k->remote,
	    &cfg, &cbs, k)) != 0)
		fatalx("peer_new_initiator: %s", err_str(r));
}

int
main(int argc, char **argv)
{
	struct knock k;

	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "again") == 0)) {
		fprintf(stderr, "usage: rpc_peer DIR DAEMON-ONION COUNT "
		    "[again]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	log_init("rpc_peer", 0, LOG_LEVEL_WARN);
	memset(&k, 0, sizeof k);
	k.dir = argv[1];
	k.count = atoi(argv[3]);
	k.again = argc == 5;
	if (onion_parse(argv[2], k.remote, NULL) != 0)
		fatalx("bad onion %s", argv[2]);
	if ((k.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	knock_next(&k);
	event_base_dispatch(k.base);
	event_base_free(k.base);
	identity_free(k.id);
	if (k.again)
		return k.answered == 1 && k.ups == k.count ? 0 : 1;
	return k.answered == k.count ? 0 : 1;
}
