/*
 * peer.c -- one peer connection: preamble, Noise XK handshake, transport
 * frames, keepalive, handshake deadline, write backpressure, and the
 * single way to lose a peer (peer.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include <warren/limits.h>

#include "crypto/identity.h"
#include "crypto/noise.h"
#include "net/frame.h"
#include "net/peer.h"
#include "net/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define PEER_MAX_OUTBUF		(256 * 1024)
/* Reading stops while this much is buffered: a frame always fits. */
#define PEER_READ_HIGH		(2 * (FRAME_HDR_LEN + FRAME_MAX_BODY))

static const uint8_t peer_preamble[PEER_PREAMBLE_LEN] = {
	'W', 'R', 'N', PEER_VERSION
};

enum peer_state {
	PEER_S_PREAMBLE,	/* waiting for the other side's preamble */
	PEER_S_HANDSHAKE,	/* Noise messages */
	PEER_S_UP,		/* transport */
	PEER_S_FLUSH,		/* closing: writing out what is queued */
	PEER_S_DEAD		/* torn down; on_lost pending or delivered */
};

struct peer {
	struct event_base *base;
	struct bufferevent *bev;
	struct peer_cfg cfg;
	struct peer_cbs cbs;
	void *arg;

	enum peer_state state;
	int initiator;
	enum peer_policy policy;
	int reason;		/* for on_lost */
	int busy;		/* inside one of our libevent callbacks */
	int freed;		/* peer_free came while busy */
	int want_drain;		/* peer_send said ERR_AGAIN */
	int pinged;		/* PING sent, no frame since */

	struct noise_hs *hs;
	struct noise_cs *tx;
	struct noise_cs *rx;
	const struct identity *self;	/* signs our HELLO (initiator) */
	uint8_t hs_hash[32];	/* responder: h after msg2, what HELLO signs */
	int remote_version;	/* from their preamble; 0 before it */
	uint8_t self_ed_pk[32];
	uint8_t remote_ed_pk[32];
	char remote_onion[ONION_LEN + 1];
	int authenticated;	/* remote_* are valid */
	uint64_t remote_features;
	uint8_t *secret;	/* sodium_malloc'd; NULL once wiped */

	struct event *hs_ev;	/* handshake deadline; flush bound */
	struct event *idle_ev;	/* PING, then idle close */
	struct event *lost_ev;	/* delivers on_lost from the loop */
};

static void peer_read_cb(struct bufferevent *, void *);
static void peer_write_cb(struct bufferevent *, void *);
static void peer_event_cb(struct bufferevent *, short, void *);
static void peer_hs_timer(evutil_socket_t, short, void *);
static void peer_idle_timer(evutil_socket_t, short, void *);
static void peer_lost_event(evutil_socket_t, short, void *);

/* Defaults from limits.h. */
void
peer_cfg_default(struct peer_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->handshake.tv_sec = WARREN_HANDSHAKE_SECS;
	cfg->ping.tv_sec = WARREN_PING_SECS;
	cfg->idle_close.tv_sec = WARREN_IDLE_CLOSE_SECS;
	cfg->max_outbuf = PEER_MAX_OUTBUF;
}

/* Release the connection, keys and timers; the struct itself stays. */
static void
peer_teardown(struct peer *p)
{
	if (p->bev != NULL) {
		bufferevent_free(p->bev);
		p->bev = NULL;
	}
	event_del(p->hs_ev);
	event_del(p->idle_ev);
	noise_hs_free(p->hs);
	p->hs = NULL;
	noise_cs_free(p->tx);
	p->tx = NULL;
	noise_cs_free(p->rx);
	p->rx = NULL;
	peer_wipe_secret(p);
	p->state = PEER_S_DEAD;
}

/* Tear down now and schedule the one on_lost. */
static void
peer_fail(struct peer *p, int reason)
{
	if (p->state == PEER_S_DEAD)
		return;
	log_debug("peer %p: lost: %s", (void *)p, err_str(reason));
	p->reason = reason;
	peer_teardown(p);
	event_active(p->lost_ev, EV_TIMEOUT, 1);
}

/* Free everything. */
static void
peer_destroy(struct peer *p)
{
	peer_teardown(p);
	event_free(p->hs_ev);
	event_free(p->idle_ev);
	event_free(p->lost_ev);
	sodium_memzero(p, sizeof *p);
	free(p);
}

/* Leave one of our libevent callbacks; free if the owner asked to. */
static void
peer_unbusy(struct peer *p)
{
	if (--p->busy == 0 && p->freed)
		peer_destroy(p);
}

/* 1 while the peer still reads and handles input. */
static int
peer_reading(const struct peer *p)
{
	return p->state == PEER_S_PREAMBLE || p->state == PEER_S_HANDSHAKE ||
	    p->state == PEER_S_UP;
}

/* Common part of both constructors. bev is ours from here on. */
static int
peer_new(struct peer **out, struct event_base *base, struct bufferevent *bev,
    const struct identity *self, const struct peer_cfg *cfg,
    const struct peer_cbs *cbs, void *arg, int initiator)
{
	struct peer *p;

	p = xcalloc(1, sizeof *p);
	p->base = base;
	p->bev = bev;
	p->cfg = *cfg;
	p->cbs = *cbs;
	p->arg = arg;
	p->initiator = initiator;
	p->policy = PEER_REJECT;
	p->state = PEER_S_PREAMBLE;
	p->self = self;
	memcpy(p->self_ed_pk, identity_ed_pk(self), sizeof p->self_ed_pk);
	p->hs_ev = evtimer_new(base, peer_hs_timer, p);
	p->idle_ev = evtimer_new(base, peer_idle_timer, p);
	p->lost_ev = event_new(base, -1, 0, peer_lost_event, p);
	if (p->hs_ev == NULL || p->idle_ev == NULL || p->lost_ev == NULL) {
		if (p->hs_ev != NULL)
			event_free(p->hs_ev);
		if (p->idle_ev != NULL)
			event_free(p->idle_ev);
		if (p->lost_ev != NULL)
			event_free(p->lost_ev);
		bufferevent_free(bev);
		free(p);
		return ERR_NOMEM;
	}
	/* Read and write whole bursts of frames per syscall (libevent's
	 * default is 16 KiB, about 50 padded frames). */
	bufferevent_set_max_single_read(bev, 64 * 1024);
	bufferevent_set_max_single_write(bev, 64 * 1024);
	bufferevent_setcb(bev, peer_read_cb, peer_write_cb, peer_event_cb, p);
	bufferevent_setwatermark(bev, EV_READ, 0, PEER_READ_HIGH);
	bufferevent_setwatermark(bev, EV_WRITE, p->cfg.max_outbuf / 2, 0);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	evtimer_add(p->hs_ev, &p->cfg.handshake);
	*out = p;
	return 0;
}

/* Start a Noise handshake with the given prologue onion and remote key. */
static int
peer_hs_start(struct peer *p, const struct identity *self, const char *onion,
    const uint8_t *rs)
{
	uint8_t prologue[PEER_PROLOGUE_LEN];

	memcpy(prologue, PEER_PROLOGUE, sizeof PEER_PROLOGUE - 1);
	memcpy(prologue + sizeof PEER_PROLOGUE - 1, onion, ONION_LEN);
	p->hs = noise_hs_new_hfs(p->initiator ? NOISE_INITIATOR :
	    NOISE_RESPONDER,
	    identity_x_sk(self), identity_x_pk(self), rs, prologue,
	    sizeof prologue);
	return p->hs == NULL ? ERR_CRYPTO : 0;
}

/* Frame and queue one handshake message. */
static int
peer_hs_send(struct peer *p, const uint8_t *payload, size_t len)
{
	uint8_t msg[FRAME_MAX_HS];
	size_t n;
	int r;

	if ((r = noise_hs_write(p->hs, payload, len, msg, sizeof msg,
	    &n)) != 0)
		return r;
	return frame_put(bufferevent_get_output(p->bev), msg, n);
}

/* Dial side; see peer.h. */
int
peer_new_initiator(struct peer **out, struct event_base *base,
    struct bufferevent *bev, const struct identity *self,
    const uint8_t remote_ed_pk[32], const struct peer_cfg *cfg,
    const struct peer_cbs *cbs, void *arg)
{
	struct peer *p = NULL;
	uint8_t rs[32];
	int r;

	*out = NULL;
	if (ed_pk_to_x(rs, remote_ed_pk) != 0) {
		bufferevent_free(bev);
		return ERR_CRYPTO;
	}
	if ((r = peer_new(&p, base, bev, self, cfg, cbs, arg, 1)) != 0)
		return r;
	memcpy(p->remote_ed_pk, remote_ed_pk, sizeof p->remote_ed_pk);
	onion_from_pk(p->remote_onion, remote_ed_pk);
	if ((r = peer_hs_start(p, self, p->remote_onion, rs)) != 0)
		goto out;
	/* The preamble and msg1 go together: a Tor round trip saved. */
	if (bufferevent_write(bev, peer_preamble, sizeof peer_preamble) != 0) {
		r = ERR_NOMEM;
		goto out;
	}
	if ((r = peer_hs_send(p, NULL, 0)) != 0)
		goto out;
	*out = p;
	p = NULL;
out:
	if (p != NULL)
		peer_destroy(p);
	return r;
}

/* Accept side; see peer.h. */
int
peer_new_responder(struct peer **out, struct event_base *base,
    struct bufferevent *bev, const struct identity *self,
    const struct peer_cfg *cfg, const struct peer_cbs *cbs, void *arg)
{
	struct peer *p = NULL;
	int r;

	*out = NULL;
	if ((r = peer_new(&p, base, bev, self, cfg, cbs, arg, 0)) != 0)
		return r;
	if ((r = peer_hs_start(p, self, identity_onion(self), NULL)) != 0) {
		peer_destroy(p);
		return r;
	}
	*out = p;
	return 0;
}

/* (Re)arm the keepalive: a frame arrived. */
static void
peer_alive(struct peer *p)
{
	p->pinged = 0;
	evtimer_add(p->idle_ev, &p->cfg.ping);
}

/* Handshake done: split, ask the owner, go up. */
static int
peer_up(struct peer *p)
{
	enum peer_policy pol;
	int r;

	/* Guarded memory, freed (wiped) as soon as the owner is done. */
	if ((p->secret = sodium_malloc(PEER_SECRET_LEN)) == NULL)
		return ERR_NOMEM;
	if ((r = noise_hs_split(p->hs, &p->tx, &p->rx, p->secret)) != 0)
		return r;
	noise_hs_free(p->hs);
	p->hs = NULL;
	p->authenticated = 1;

	pol = p->cbs.policy(p, p->remote_ed_pk, p->remote_onion, p->arg);
	if (p->state != PEER_S_HANDSHAKE)
		return 0;	/* the owner closed or freed it */
	if (pol != PEER_FULL && pol != PEER_REQUEST_ONLY)
		return ERR_REFUSED;
	p->policy = pol;
	p->state = PEER_S_UP;
	event_del(p->hs_ev);
	peer_alive(p);
	log_debug("peer %p: up with %s (%s)", (void *)p,
	    log_onion(p->remote_onion),
	    pol == PEER_FULL ? "contact" : "request only");
	if (p->cbs.up != NULL)
		p->cbs.up(p, p->arg);
	return 0;
}

/* The other side's preamble. */
static int
peer_read_preamble(struct peer *p, struct evbuffer *in)
{
	uint8_t pre[PEER_PREAMBLE_LEN];

	if (evbuffer_get_length(in) < sizeof pre)
		return ERR_AGAIN;
	evbuffer_remove(in, pre, sizeof pre);
	if (memcmp(pre, peer_preamble, 3) != 0)
		return ERR_PROTO;
	p->remote_version = pre[3];
	if (pre[3] != PEER_VERSION)
		log_info("peer %p: speaks warren protocol %u, we speak %u: "
		    "closed", (void *)p, pre[3], PEER_VERSION);
	if (p->initiator) {
		if (pre[3] != PEER_VERSION)
			return ERR_UNSUPPORTED;
	} else {
		bufferevent_write(p->bev, peer_preamble, sizeof peer_preamble);
		if (pre[3] != PEER_VERSION) {
			/* Say which version we speak, then go. */
			peer_close(p, ERR_UNSUPPORTED);
			return 0;
		}
	}
	p->state = PEER_S_HANDSHAKE;
	return 0;
}

/* What HELLO's signature covers: PEER_SIG_CTX || h after msg2. */
static void
peer_sig_msg(uint8_t out[PEER_SIG_CTX_LEN + 32], const uint8_t h[32])
{
	memcpy(out, PEER_SIG_CTX, PEER_SIG_CTX_LEN);
	memcpy(out + PEER_SIG_CTX_LEN, h, 32);
}

/*
 * Responder: check msg3's HELLO against the Noise static key and its
 * signature against the exact Ed25519 key it names.
 */
static int
peer_check_hello(struct peer *p, const uint8_t *pt, size_t len)
{
	struct wire_msg m;
	uint8_t x[32], sm[PEER_SIG_CTX_LEN + 32];
	int r;

	if ((r = wire_decode(pt, len, &m)) != 0)
		return r < 0 ? r : ERR_PROTO;
	if (m.type != WIRE_HELLO)
		return ERR_PROTO;
	if (ed_pk_to_x(x, m.u.hello.ed_pk) != 0 ||
	    sodium_memcmp(x, noise_hs_remote_static(p->hs), sizeof x) != 0)
		return ERR_AUTH;
	/*
	 * X25519 drops the sign of the Ed25519 key: A and -A have the same
	 * Noise key. The signature binds the exact Ed25519 key (and so the
	 * onion address) to this handshake.
	 */
	peer_sig_msg(sm, p->hs_hash);
	if (crypto_sign_verify_detached(m.u.hello.sig, sm, sizeof sm,
	    m.u.hello.ed_pk) != 0)
		return ERR_AUTH;
	memcpy(p->remote_ed_pk, m.u.hello.ed_pk, sizeof p->remote_ed_pk);
	onion_from_pk(p->remote_onion, p->remote_ed_pk);
	p->remote_features = m.u.hello.features;
	return 0;
}

/* One handshake message. */
static int
peer_read_hs(struct peer *p, struct evbuffer *in)
{
	uint8_t msg[FRAME_MAX_HS], pt[WARREN_PAD_BLOCK];
	uint8_t hello[WARREN_PAD_BLOCK], sm[PEER_SIG_CTX_LEN + 32];
	struct wire_msg m;
	size_t len, ptlen, hlen;
	int r;

	if ((r = frame_take(in, msg, sizeof msg, &len)) != 0)
		return r;
	if ((r = noise_hs_read(p->hs, msg, len, pt, sizeof pt, &ptlen)) != 0)
		return r == ERR_TOOBIG ? ERR_PROTO : r;
	if (p->initiator) {
		/* msg2 read: answer with msg3 carrying our HELLO. */
		if (ptlen != 0)
			return ERR_PROTO;
		memset(&m, 0, sizeof m);
		m.type = WIRE_HELLO;
		memcpy(m.u.hello.ed_pk, p->self_ed_pk, sizeof m.u.hello.ed_pk);
		m.u.hello.features = WIRE_FEATURES;
		peer_sig_msg(sm, noise_hs_hash(p->hs));
		if (crypto_sign_detached(m.u.hello.sig, NULL, sm, sizeof sm,
		    identity_ed_sk(p->self)) != 0)
			return ERR_CRYPTO;
		if ((r = wire_encode(&m, hello, sizeof hello, &hlen)) != 0 ||
		    (r = peer_hs_send(p, hello, hlen)) != 0)
			return r;
		return peer_up(p);
	}
	if (!noise_hs_done(p->hs)) {
		/* msg1 read: answer with msg2. */
		if (ptlen != 0)
			return ERR_PROTO;
		if ((r = peer_hs_send(p, NULL, 0)) != 0)
			return r;
		memcpy(p->hs_hash, noise_hs_hash(p->hs), sizeof p->hs_hash);
		return 0;
	}
	r = peer_check_hello(p, pt, ptlen);
	sodium_memzero(pt, sizeof pt);
	if (r != 0)
		return r;
	return peer_up(p);
}

/* 1 if a request-only peer may send this type. */
static int
peer_request_allowed(uint64_t type)
{
	return type == WIRE_CONTACT_REQUEST || type == WIRE_PING ||
	    type == WIRE_PONG || type == WIRE_GOODBYE;
}

/* One transport frame. */
static int
peer_read_frame(struct peer *p, struct evbuffer *in)
{
	uint8_t ct[FRAME_MAX_BODY], pt[WARREN_MAX_FRAME];
	struct wire_msg m, pong;
	size_t len;
	int r;

	if ((r = frame_take(in, ct, sizeof ct, &len)) != 0)
		return r;
	if (len < NOISE_TAG_LEN + WARREN_PAD_BLOCK)
		return ERR_PROTO;
	if ((r = noise_cs_decrypt(p->rx, NULL, 0, ct, len, pt)) != 0)
		return r;
	len -= NOISE_TAG_LEN;
	peer_alive(p);
	r = wire_decode(pt, len, &m);
	if (r == WIRE_UNKNOWN) {
		log_debug("peer %p: ignored frame type %llu", (void *)p,
		    (unsigned long long)m.type);
		r = 0;
		goto out;
	}
	if (r != 0)
		goto out;
	if (p->policy != PEER_FULL && !peer_request_allowed(m.type)) {
		r = ERR_REFUSED;
		goto out;
	}
	switch (m.type) {
	case WIRE_HELLO:
		r = ERR_PROTO;
		break;
	case WIRE_PING:
		memset(&pong, 0, sizeof pong);
		pong.type = WIRE_PONG;
		/* A peer that never reads our PONGs just misses some. */
		if (peer_send(p, &pong) == ERR_CLOSED)
			r = ERR_CLOSED;
		break;
	case WIRE_PONG:
		break;
	case WIRE_GOODBYE:
		/* They are leaving: lost now, not after the keepalive. */
		r = ERR_CLOSED;
		break;
	default:
		r = p->cbs.msg(p, &m, p->arg);
		if (r > 0)
			r = ERR_PROTO;
		break;
	}
out:
	sodium_memzero(pt, len);
	return r;
}

/* Input: handle every whole unit buffered, as the state says. */
static void
peer_read_cb(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	int r = 0;

	p->busy++;
	while (peer_reading(p)) {
		if (p->state == PEER_S_PREAMBLE)
			r = peer_read_preamble(p, in);
		else if (p->state == PEER_S_HANDSHAKE)
			r = peer_read_hs(p, in);
		else
			r = peer_read_frame(p, in);
		if (r != 0)
			break;
	}
	if (r != 0 && r != ERR_AGAIN)
		peer_fail(p, r);
	peer_unbusy(p);
}

/* Output fell to the low watermark (or empty while flushing). */
static void
peer_write_cb(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;

	p->busy++;
	if (p->state == PEER_S_FLUSH) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			peer_fail(p, p->reason);
	} else if (p->state == PEER_S_UP && p->want_drain) {
		p->want_drain = 0;
		if (p->cbs.drain != NULL)
			p->cbs.drain(p, p->arg);
	}
	peer_unbusy(p);
}

/* EOF or a socket error. */
static void
peer_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct peer *p = arg;

	p->busy++;
	if (p->state == PEER_S_FLUSH)
		peer_fail(p, p->reason);
	else if (what & BEV_EVENT_EOF)
		peer_fail(p, ERR_CLOSED);
	else if (what & (BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		peer_fail(p, ERR_IO);
	peer_unbusy(p);
}

/* Handshake deadline, or the bound on a closing flush. */
static void
peer_hs_timer(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;

	p->busy++;
	if (p->state == PEER_S_FLUSH)
		peer_fail(p, p->reason);
	else if (p->state != PEER_S_UP)
		peer_fail(p, ERR_TIMEOUT);
	peer_unbusy(p);
}

/* Receive-idle: PING first, close if still silent. */
static void
peer_idle_timer(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;
	struct wire_msg m;
	struct timeval rest;

	p->busy++;
	if (p->state != PEER_S_UP)
		goto out;
	if (p->pinged) {
		peer_fail(p, ERR_TIMEOUT);
		goto out;
	}
	memset(&m, 0, sizeof m);
	m.type = WIRE_PING;
	if (peer_send(p, &m) == ERR_CLOSED)
		goto out;
	p->pinged = 1;
	timersub(&p->cfg.idle_close, &p->cfg.ping, &rest);
	if (rest.tv_sec < 0)
		timerclear(&rest);
	evtimer_add(p->idle_ev, &rest);
out:
	peer_unbusy(p);
}

/* Deliver the one on_lost; p may be freed by it. */
static void
peer_lost_event(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;

	p->cbs.lost(p, p->reason, p->arg);
	/* Nothing may touch p from here. */
}

/* Encrypt and queue one message; see peer.h. */
int
peer_send(struct peer *p, const struct wire_msg *m)
{
	uint8_t pt[WARREN_MAX_FRAME], ct[FRAME_MAX_BODY];
	struct evbuffer *out;
	size_t len = 0;
	int r;

	if (p->state != PEER_S_UP)
		return ERR_STATE;
	if (m->type == WIRE_HELLO)
		return ERR_INVAL;
	out = bufferevent_get_output(p->bev);
	if (evbuffer_get_length(out) > p->cfg.max_outbuf) {
		p->want_drain = 1;
		return ERR_AGAIN;
	}
	if ((r = wire_encode(m, pt, sizeof pt, &len)) != 0)
		goto out;
	if ((r = noise_cs_encrypt(p->tx, NULL, 0, pt, len, ct)) != 0 ||
	    (r = frame_put(out, ct, len + NOISE_TAG_LEN)) != 0) {
		peer_fail(p, r);
		r = ERR_CLOSED;
	}
out:
	sodium_memzero(pt, len);
	return r;
}

/* Say GOODBYE and write it out now; see peer.h. */
void
peer_goodbye(struct peer *p)
{
	struct wire_msg m;
	struct evbuffer *out;
	evutil_socket_t fd;
	int r, n = -1;

	if (p == NULL || p->state != PEER_S_UP)
		return;
	memset(&m, 0, sizeof m);
	m.type = WIRE_GOODBYE;
	if ((r = peer_send(p, &m)) != 0) {
		log_debug("peer %p: no GOODBYE: %s", (void *)p, err_str(r));
		return;
	}
	/*
	 * The loop may not run again (shutdown): write without it. The
	 * bufferevent keeps the front of its output frozen for itself.
	 */
	if ((fd = bufferevent_getfd(p->bev)) >= 0) {
		out = bufferevent_get_output(p->bev);
		evbuffer_unfreeze(out, 1);
		n = evbuffer_write(out, fd);
		evbuffer_freeze(out, 1);
	}
	log_debug("peer %p: GOODBYE (%d bytes written)", (void *)p, n);
}

/* Close after flushing; see peer.h. */
void
peer_close(struct peer *p, int reason)
{
	if (!peer_reading(p))
		return;
	if (evbuffer_get_length(bufferevent_get_output(p->bev)) == 0) {
		peer_fail(p, reason);
		return;
	}
	p->reason = reason;
	p->state = PEER_S_FLUSH;
	bufferevent_disable(p->bev, EV_READ);
	bufferevent_setwatermark(p->bev, EV_WRITE, 0, 0);
	event_del(p->idle_ev);
	evtimer_add(p->hs_ev, &p->cfg.handshake);
}

/* Free now; see peer.h. */
void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	if (p->busy > 0) {
		/* Inside our own callback: finish when it unwinds. */
		peer_teardown(p);
		event_del(p->lost_ev);
		p->freed = 1;
		return;
	}
	peer_destroy(p);
}

/* Replace the callback argument. */
void
peer_set_arg(struct peer *p, void *arg)
{
	p->arg = arg;
}

/* Change the access level. */
void
peer_set_policy(struct peer *p, enum peer_policy pol)
{
	p->policy = pol;
}

/* The access level. */
enum peer_policy
peer_get_policy(const struct peer *p)
{
	return p->policy;
}

/* Did we dial? */
int
peer_is_initiator(const struct peer *p)
{
	return p->initiator;
}

/* Between on_up and close? */
int
peer_is_up(const struct peer *p)
{
	return p->state == PEER_S_UP;
}

/* The authenticated remote Ed25519 key, or NULL. */
const uint8_t *
peer_remote_ed_pk(const struct peer *p)
{
	return p->authenticated ? p->remote_ed_pk : NULL;
}

/* The authenticated remote onion, or NULL. */
const char *
peer_remote_onion(const struct peer *p)
{
	return p->authenticated ? p->remote_onion : NULL;
}

/* The version byte of their preamble; 0 before it. */
int
peer_remote_version(const struct peer *p)
{
	return p->remote_version;
}

/* The initiator's HELLO features (responder). */
uint64_t
peer_remote_features(const struct peer *p)
{
	return p->remote_features;
}

/* The exported handshake secret, or NULL. */
const uint8_t *
peer_secret(const struct peer *p)
{
	return p->secret;
}

/* Forget the exported secret. */
void
peer_wipe_secret(struct peer *p)
{
	if (p->secret != NULL)
		sodium_free(p->secret);	/* zeroes it */
	p->secret = NULL;
}
