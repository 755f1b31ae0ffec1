/*
 * test_peer.c -- two peers in one process over socketpairs: handshake,
 * messages both ways, key checks, preamble, policy, garbage, timeouts,
 * keepalive, backpressure; and the unix listener. A hand-driven
 * initiator ("manual") plays a peer that lies or goes silent.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include "crypto/identity.h"
#include "crypto/noise.h"
#include "net/frame.h"
#include "net/listener.h"
#include "net/peer.h"
#include "net/wire.h"
#include "util/err.h"
#include "test.h"
#include "twin_sign.h"

static struct event_base *base;
static struct identity *id_a, *id_b, *id_c;

/* What one side saw. */
struct side {
	struct peer *p;
	enum peer_policy pol;	/* what our policy callback answers */
	int policy_calls;
	uint8_t policy_pk[32];
	char policy_onion[ONION_LEN + 1];
	int up;
	int lost;
	int reason;
	int nmsg;
	uint64_t last_type;
	uint64_t last_seq;
	size_t last_ct_len;
	uint8_t secret[32];
	int misbehave;		/* on_msg returns ERR_PROTO */
	int free_in_msg;	/* on_msg frees the peer */
	int drains;
	int version;		/* peer_remote_version at on_lost */
};

static enum peer_policy
cb_policy(struct peer *p, const uint8_t pk[32], const char *onion, void *arg)
{
	struct side *s = arg;

	s->policy_calls++;
	memcpy(s->policy_pk, pk, 32);
	memcpy(s->policy_onion, onion, ONION_LEN + 1);
	return s->pol;
}

static void
cb_up(struct peer *p, void *arg)
{
	struct side *s = arg;

	s->up++;
	if (peer_secret(p) != NULL)
		memcpy(s->secret, peer_secret(p), 32);
}

static int
cb_msg(struct peer *p, const struct wire_msg *m, void *arg)
{
	struct side *s = arg;

	s->nmsg++;
	s->last_type = m->type;
	if (m->type == WIRE_MSG) {
		s->last_seq = m->u.msg.seq;
		s->last_ct_len = m->u.msg.ct_len;
	} else if (m->type == WIRE_ACK)
		s->last_seq = m->u.ack.seq;
	if (s->free_in_msg) {
		peer_free(p);
		s->p = NULL;
		return 0;
	}
	return s->misbehave ? ERR_PROTO : 0;
}

static void
cb_drain(struct peer *p, void *arg)
{
	struct side *s = arg;

	s->drains++;
}

static void
cb_lost(struct peer *p, int reason, void *arg)
{
	struct side *s = arg;

	s->lost++;
	s->reason = reason;
	s->version = peer_remote_version(p);
	peer_free(p);	/* allowed inside on_lost */
	s->p = NULL;
}

static const struct peer_cbs cbs = {
	cb_policy, cb_up, cb_msg, cb_drain, cb_lost
};

/* Short timers so the timeout tests take milliseconds. */
static void
short_cfg(struct peer_cfg *cfg)
{
	peer_cfg_default(cfg);
	cfg->handshake.tv_sec = 0;
	cfg->handshake.tv_usec = 300 * 1000;
	cfg->ping.tv_sec = 0;
	cfg->ping.tv_usec = 100 * 1000;
	cfg->idle_close.tv_sec = 0;
	cfg->idle_close.tv_usec = 300 * 1000;
}

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	*(int *)arg = 1;
	event_base_loopbreak(base);
}

/* Run the loop until *a and *b are both non-zero, or ms pass. */
static int
run_until(const int *a, const int *b, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	struct event *ev;
	int expired = 0;

	ev = evtimer_new(base, on_deadline, &expired);
	evtimer_add(ev, &tv);
	while (!expired && !((a == NULL || *a) && (b == NULL || *b)))
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ev);
	return !expired;
}

/* Run the loop for ms, whatever happens. */
static void
run_for(int ms)
{
	int never = 0;

	run_until(&never, NULL, ms);
}

/* A socketpair as two bufferevents; sv keeps the raw fds. */
static void
pair(struct bufferevent **x, struct bufferevent **y, int sv[2])
{
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	*x = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	*y = bufferevent_socket_new(base, sv[1], BEV_OPT_CLOSE_ON_FREE);
}

/* A (initiator, id_a, dialling remote) <-> B (responder, id_b). */
static void
connect_ab(struct side *a, struct side *b, const uint8_t *remote,
    const struct peer_cfg *cfg, int sv[2])
{
	struct bufferevent *x, *y;

	pair(&x, &y, sv);
	CHECK_INT(peer_new_responder(&b->p, base, y, id_b, cfg, &cbs, b), 0);
	CHECK_INT(peer_new_initiator(&a->p, base, x, id_a, remote, cfg, &cbs,
	    a), 0);
}

static void
side_init(struct side *s, enum peer_policy pol)
{
	memset(s, 0, sizeof *s);
	s->pol = pol;
}

static void
test_peer_handshake(void)
{
	struct side a, b;
	struct peer_cfg cfg;
	int sv[2];

	peer_cfg_default(&cfg);
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_FULL);
	connect_ab(&a, &b, identity_ed_pk(id_b), &cfg, sv);
	CHECK(run_until(&a.up, &b.up, 5000));
	CHECK_INT(a.up, 1);
	CHECK_INT(b.up, 1);
	/* Both sides export the same secret, and it is not all zero. */
	CHECK_MEM(a.secret, b.secret, 32);
	CHECK(!sodium_is_zero(a.secret, 32));
	/* Each knows who the other is. */
	CHECK_MEM(b.policy_pk, identity_ed_pk(id_a), 32);
	CHECK_STR(b.policy_onion, identity_onion(id_a));
	CHECK_MEM(a.policy_pk, identity_ed_pk(id_b), 32);
	CHECK_STR(peer_remote_onion(b.p), identity_onion(id_a));
	CHECK_MEM(peer_remote_ed_pk(a.p), identity_ed_pk(id_b), 32);
	CHECK_INT(peer_is_initiator(a.p), 1);
	CHECK_INT(peer_is_initiator(b.p), 0);
	CHECK_INT(peer_is_up(a.p), 1);
	CHECK_INT(peer_remote_features(b.p), WIRE_FEATURES);
	peer_wipe_secret(a.p);
	CHECK(peer_secret(a.p) == NULL);
	CHECK(peer_secret(b.p) != NULL);
	/* peer_free before on_lost: silent. */
	peer_free(a.p);
	peer_free(b.p);
	run_for(20);
	CHECK_INT(a.lost + b.lost, 0);
}

static void
test_peer_messages(void)
{
	static uint8_t ct[WIRE_MAX_CT], hdr[WIRE_HEADER_MAX];
	struct side a, b;
	struct peer_cfg cfg;
	struct wire_msg m;
	int sv[2], i;

	peer_cfg_default(&cfg);
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_FULL);
	connect_ab(&a, &b, identity_ed_pk(id_b), &cfg, sv);
	/* Sending before up is refused. */
	memset(&m, 0, sizeof m);
	m.type = WIRE_ACK;
	CHECK_INT(peer_send(a.p, &m), ERR_STATE);
	CHECK(run_until(&a.up, &b.up, 5000));

	memset(&m, 0, sizeof m);
	m.type = WIRE_MSG;
	m.u.msg.seq = 42;
	m.u.msg.header = hdr;
	m.u.msg.header_len = WIRE_HEADER_MAX;	/* the largest */
	m.u.msg.ct = ct;
	m.u.msg.ct_len = sizeof ct;
	CHECK_INT(peer_send(a.p, &m), 0);
	CHECK(run_until(&b.nmsg, NULL, 5000));
	CHECK_INT(b.last_type, WIRE_MSG);
	CHECK_INT(b.last_seq, 42);
	CHECK_INT(b.last_ct_len, WIRE_MAX_CT);

	memset(&m, 0, sizeof m);
	m.type = WIRE_ACK;
	m.u.ack.seq = 42;
	CHECK_INT(peer_send(b.p, &m), 0);
	CHECK(run_until(&a.nmsg, NULL, 5000));
	CHECK_INT(a.last_type, WIRE_ACK);
	CHECK_INT(a.last_seq, 42);

	/* Many in a row arrive in order, all of them. */
	for (i = 0; i < 50; i++) {
		memset(&m, 0, sizeof m);
		m.type = WIRE_MSG;
		m.u.msg.seq = (uint64_t)i;
		m.u.msg.header = hdr;
		m.u.msg.header_len = WIRE_HEADER_LEN;
		m.u.msg.ct = ct;
		m.u.msg.ct_len = 100;
		CHECK_INT(peer_send(b.p, &m), 0);
	}
	a.nmsg = 0;
	while (a.nmsg < 50 && run_until(&a.lost, NULL, 100) == 0 && a.nmsg < 50)
		;
	CHECK_INT(a.nmsg, 50);
	CHECK_INT(a.last_seq, 49);
	/* HELLO is for the handshake only; bad messages are refused. */
	m.type = WIRE_HELLO;
	CHECK_INT(peer_send(a.p, &m), ERR_INVAL);
	m.type = 99;
	CHECK_INT(peer_send(a.p, &m), ERR_INVAL);
	CHECK_INT(a.lost + b.lost, 0);

	/* peer_close: the other side sees EOF, both lose the peer once. */
	peer_close(a.p, ERR_CLOSED);
	CHECK(run_until(&a.lost, &b.lost, 5000));
	CHECK_INT(a.lost, 1);
	CHECK_INT(b.lost, 1);
	CHECK_INT(a.reason, ERR_CLOSED);
	CHECK_INT(b.reason, ERR_CLOSED);
}

static void
test_peer_wrong_responder_key(void)
{
	struct side a, b;
	struct peer_cfg cfg;
	int sv[2];

	peer_cfg_default(&cfg);
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_FULL);
	/* A thinks it dials C, but B answers. */
	connect_ab(&a, &b, identity_ed_pk(id_c), &cfg, sv);
	CHECK(run_until(&a.lost, &b.lost, 5000));
	CHECK_INT(a.up + b.up, 0);
	CHECK_INT(b.policy_calls, 0);
	CHECK_INT(b.reason, ERR_AUTH);
	CHECK_INT(a.reason, ERR_CLOSED);
}

static void
test_peer_policy(void)
{
	static const uint8_t hdr[WIRE_HEADER_LEN];
	struct side a, b;
	struct peer_cfg cfg;
	struct wire_msg m;
	int sv[2];

	peer_cfg_default(&cfg);
	/* Rejected: closed at once. */
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_REJECT);
	connect_ab(&a, &b, identity_ed_pk(id_b), &cfg, sv);
	CHECK(run_until(&a.lost, &b.lost, 5000));
	CHECK_INT(b.up, 0);
	CHECK_INT(b.policy_calls, 1);
	CHECK_INT(b.reason, ERR_REFUSED);

	/* Request only: a CONTACT_REQUEST passes, a MSG closes. */
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_REQUEST_ONLY);
	connect_ab(&a, &b, identity_ed_pk(id_b), &cfg, sv);
	CHECK(run_until(&a.up, &b.up, 5000));
	CHECK_INT(peer_get_policy(b.p), PEER_REQUEST_ONLY);
	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_REQUEST;
	m.u.request.nick = "alice";
	m.u.request.nick_len = 5;
	m.u.request.text = "hi";
	m.u.request.text_len = 2;
	CHECK_INT(peer_send(a.p, &m), 0);
	CHECK(run_until(&b.nmsg, NULL, 5000));
	CHECK_INT(b.last_type, WIRE_CONTACT_REQUEST);
	memset(&m, 0, sizeof m);
	m.type = WIRE_MSG;
	m.u.msg.header = hdr;
	m.u.msg.header_len = sizeof hdr;
	CHECK_INT(peer_send(a.p, &m), 0);
	CHECK(run_until(&a.lost, &b.lost, 5000));
	CHECK_INT(b.nmsg, 1);
	CHECK_INT(b.reason, ERR_REFUSED);

	/* Upgraded while connected: a MSG now passes. */
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_REQUEST_ONLY);
	connect_ab(&a, &b, identity_ed_pk(id_b), &cfg, sv);
	CHECK(run_until(&a.up, &b.up, 5000));
	peer_set_policy(b.p, PEER_FULL);
	CHECK_INT(peer_send(a.p, &m), 0);
	CHECK(run_until(&b.nmsg, NULL, 5000));
	CHECK_INT(b.last_type, WIRE_MSG);
	CHECK_INT(b.lost, 0);
	peer_free(a.p);
	peer_free(b.p);
}

static void
test_peer_owner_closes(void)
{
	struct side a, b;
	struct peer_cfg cfg;
	struct wire_msg m;
	int sv[2];

	peer_cfg_default(&cfg);
	/* on_msg says the peer misbehaved. */
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_FULL);
	b.misbehave = 1;
	connect_ab(&a, &b, identity_ed_pk(id_b), &cfg, sv);
	CHECK(run_until(&a.up, &b.up, 5000));
	memset(&m, 0, sizeof m);
	m.type = WIRE_RATCHET_RESET;
	CHECK_INT(peer_send(a.p, &m), 0);
	CHECK_INT(peer_send(a.p, &m), 0);
	CHECK(run_until(&a.lost, &b.lost, 5000));
	CHECK_INT(b.nmsg, 1);	/* nothing after the bad one */
	CHECK_INT(b.reason, ERR_PROTO);

	/* on_msg frees the peer: no on_lost, no crash; A sees EOF. */
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_FULL);
	b.free_in_msg = 1;
	connect_ab(&a, &b, identity_ed_pk(id_b), &cfg, sv);
	CHECK(run_until(&a.up, &b.up, 5000));
	CHECK_INT(peer_send(a.p, &m), 0);
	CHECK_INT(peer_send(a.p, &m), 0);
	CHECK(run_until(&a.lost, NULL, 5000));
	CHECK_INT(b.nmsg, 1);
	CHECK_INT(b.lost, 0);
}

/* How the manual initiator signs HELLO. */
enum {
	MANUAL_SIGN_SELF,	/* with its own Ed25519 key (honest) */
	MANUAL_SIGN_TWIN,	/* as -A, with the scalar -a (valid for -A) */
	MANUAL_SIGN_NONE	/* 64 zero bytes */
};

/*
 * GOODBYE: peer_goodbye writes it to the socket itself (no loop turn in
 * between, as at shutdown); the other side is lost with ERR_CLOSED at
 * once (the sender keeps its end open), also under the request-only
 * policy, and the frame never reaches the owner.
 */
static void
test_peer_goodbye(void)
{
	struct side a, b;
	struct peer_cfg cfg;
	int sv[2], i, queued;

	peer_cfg_default(&cfg);
	for (i = 0; i < 2; i++) {
		side_init(&a, PEER_FULL);
		side_init(&b, i == 0 ? PEER_FULL : PEER_REQUEST_ONLY);
		connect_ab(&a, &b, identity_ed_pk(id_b), &cfg, sv);
		CHECK(run_until(&a.up, &b.up, 5000));
		queued = 0;
		if (i == 0) {
			peer_goodbye(b.p);
			CHECK(ioctl(sv[0], FIONREAD, &queued) == 0);
			CHECK(queued > 0);
			CHECK(run_until(&a.lost, NULL, 5000));
			CHECK_INT(a.reason, ERR_CLOSED);
			CHECK_INT(a.nmsg, 0);
		} else {
			peer_goodbye(a.p);
			CHECK(ioctl(sv[1], FIONREAD, &queued) == 0);
			CHECK(queued > 0);
			CHECK(run_until(&b.lost, NULL, 5000));
			CHECK_INT(b.reason, ERR_CLOSED);
			CHECK_INT(b.nmsg, 0);
		}
		CHECK(run_until(&a.lost, &b.lost, 5000));
	}
	peer_goodbye(NULL);	/* accepted */
}

/* A hand-driven initiator: may lie in HELLO, send raw bytes, go silent. */
struct manual {
	struct bufferevent *bev;
	struct noise_hs *hs;
	struct noise_cs *tx, *rx;
	const struct identity *self;
	const uint8_t *hello_pk;	/* the key HELLO claims */
	int sign;		/* HELLO sig: MANUAL_SIGN_* */
	uint8_t preamble[4];
	int got_preamble;
	int up;
	int eof;
	int pings;
	int answer_pings;
};

static void
manual_send(struct manual *mc, const struct wire_msg *m, uint64_t raw_type)
{
	uint8_t pt[WARREN_MAX_FRAME], ct[FRAME_MAX_BODY];
	size_t len;

	if (m != NULL)
		CHECK_INT(wire_encode(m, pt, sizeof pt, &len), 0);
	else {
		/* [raw_type] as a fixint, for types wire_encode refuses. */
		pt[0] = 0x91;
		pt[1] = (uint8_t)raw_type;
		CHECK_INT(sodium_pad(&len, pt, 2, WARREN_PAD_BLOCK, sizeof pt),
		    0);
	}
	CHECK_INT(noise_cs_encrypt(mc->tx, NULL, 0, pt, len, ct), 0);
	CHECK_INT(frame_put(bufferevent_get_output(mc->bev), ct,
	    len + NOISE_TAG_LEN), 0);
}

static void
manual_read(struct bufferevent *bev, void *arg)
{
	struct manual *mc = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t msg[FRAME_MAX_BODY], pt[WARREN_MAX_FRAME], hello[256];
	uint8_t sm[PEER_SIG_CTX_LEN + 32];
	struct wire_msg m;
	size_t len, n;
	uint8_t secret[32];

	if (!mc->got_preamble) {
		if (evbuffer_get_length(in) < 4)
			return;
		evbuffer_remove(in, mc->preamble, 4);
		mc->got_preamble = 1;
	}
	while (mc->hs != NULL &&
	    frame_take(in, msg, FRAME_MAX_HS, &len) == 0) {
		CHECK_INT(noise_hs_read(mc->hs, msg, len, pt, sizeof pt, &n),
		    0);
		memset(&m, 0, sizeof m);
		m.type = WIRE_HELLO;
		memcpy(m.u.hello.ed_pk, mc->hello_pk, 32);
		memcpy(sm, PEER_SIG_CTX, PEER_SIG_CTX_LEN);
		memcpy(sm + PEER_SIG_CTX_LEN, noise_hs_hash(mc->hs), 32);
		if (mc->sign == MANUAL_SIGN_SELF)
			crypto_sign_detached(m.u.hello.sig, NULL, sm, sizeof sm,
			    identity_ed_sk(mc->self));
		else if (mc->sign == MANUAL_SIGN_TWIN)
			twin_sign(m.u.hello.sig, mc->self, sm, sizeof sm);
		CHECK_INT(wire_encode(&m, hello, sizeof hello, &n), 0);
		CHECK_INT(noise_hs_write(mc->hs, hello, n, msg, sizeof msg,
		    &len), 0);
		frame_put(bufferevent_get_output(bev), msg, len);
		CHECK_INT(noise_hs_split(mc->hs, &mc->tx, &mc->rx, secret), 0);
		noise_hs_free(mc->hs);
		mc->hs = NULL;
		mc->up = 1;
	}
	while (mc->up && frame_take(in, msg, sizeof msg, &len) == 0) {
		if (noise_cs_decrypt(mc->rx, NULL, 0, msg, len, pt) != 0 ||
		    wire_decode(pt, len - NOISE_TAG_LEN, &m) != 0)
			continue;
		if (m.type == WIRE_PING) {
			mc->pings++;
			if (mc->answer_pings) {
				memset(&m, 0, sizeof m);
				m.type = WIRE_PONG;
				manual_send(mc, &m, 0);
			}
		}
	}
}

static void
manual_event(struct bufferevent *bev, short what, void *arg)
{
	struct manual *mc = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		mc->eof = 1;
}

/*
 * Connect a manual initiator (Noise key of self, HELLO claiming hello_pk,
 * this preamble; do_hs = also send msg1) to a real responder B.
 */
static void
manual_start(struct manual *mc, struct side *b, const struct peer_cfg *cfg,
    const struct identity *self, const uint8_t *hello_pk,
    const char *preamble, int do_hs, int sv[2])
{
	struct bufferevent *y;
	uint8_t prologue[PEER_PROLOGUE_LEN], msg[FRAME_MAX_HS];
	size_t len;

	memset(mc, 0, sizeof *mc);
	pair(&mc->bev, &y, sv);
	mc->self = self;
	mc->hello_pk = hello_pk;
	bufferevent_setcb(mc->bev, manual_read, NULL, manual_event, mc);
	bufferevent_enable(mc->bev, EV_READ | EV_WRITE);
	CHECK_INT(peer_new_responder(&b->p, base, y, id_b, cfg, &cbs, b), 0);
	if (preamble != NULL)
		bufferevent_write(mc->bev, preamble, 4);
	if (!do_hs)
		return;
	memcpy(prologue, PEER_PROLOGUE, sizeof PEER_PROLOGUE - 1);
	memcpy(prologue + sizeof PEER_PROLOGUE - 1, identity_onion(id_b),
	    ONION_LEN);
	mc->hs = noise_hs_new_hfs(NOISE_INITIATOR, identity_x_sk(self),
	    identity_x_pk(self), identity_x_pk(id_b), prologue,
	    sizeof prologue);
	CHECK_INT(noise_hs_write(mc->hs, NULL, 0, msg, sizeof msg, &len), 0);
	frame_put(bufferevent_get_output(mc->bev), msg, len);
}

static void
manual_free(struct manual *mc)
{
	bufferevent_free(mc->bev);
	noise_hs_free(mc->hs);
	noise_cs_free(mc->tx);
	noise_cs_free(mc->rx);
}

static void
test_peer_hello_key_mismatch(void)
{
	struct manual mc;
	struct side b;
	struct peer_cfg cfg;
	int sv[2];

	peer_cfg_default(&cfg);
	/* Control: an honest manual initiator gets through. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, identity_ed_pk(id_a), "WRN\x02", 1,
	    sv);
	CHECK(run_until(&b.up, &mc.up, 5000));
	CHECK_MEM(mc.preamble, "WRN\x02", 4);
	CHECK_STR(b.policy_onion, identity_onion(id_a));
	peer_free(b.p);
	manual_free(&mc);

	/* Noise key of A, HELLO claiming C: closed, policy never asked. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, identity_ed_pk(id_c), "WRN\x02", 1,
	    sv);
	CHECK(run_until(&b.lost, NULL, 5000));
	CHECK_INT(b.up, 0);
	CHECK_INT(b.policy_calls, 0);
	CHECK_INT(b.reason, ERR_AUTH);
	CHECK(run_until(&mc.eof, NULL, 5000));
	manual_free(&mc);
}

/*
 * The negated key -A has the same X25519 key as A. A HELLO claiming -A
 * that is not signed by -A is refused at the handshake (before version 2
 * the X25519 check alone let it in as onion(-A)); one signed with -a is
 * cryptographically -A's, and the owner's policy sees onion(-A) (conn.c
 * refuses it when it knows A).
 */
static void
test_peer_hello_negated_key(void)
{
	struct manual mc;
	struct side b;
	struct peer_cfg cfg;
	uint8_t neg[32];
	char twin[ONION_LEN + 1];
	int sv[2];

	peer_cfg_default(&cfg);
	ed_pk_negate(neg, identity_ed_pk(id_a));
	onion_from_pk(twin, neg);

	/* Claims -A, signed with A's own key: refused. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, neg, "WRN\x02", 1, sv);
	CHECK(run_until(&b.lost, NULL, 5000));
	CHECK_INT(b.up, 0);
	CHECK_INT(b.policy_calls, 0);
	CHECK_INT(b.reason, ERR_AUTH);
	manual_free(&mc);

	/* Claims A, no signature: refused. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, identity_ed_pk(id_a), "WRN\x02", 1,
	    sv);
	mc.sign = MANUAL_SIGN_NONE;	/* read when msg2 comes */
	CHECK(run_until(&b.lost, NULL, 5000));
	CHECK_INT(b.policy_calls, 0);
	CHECK_INT(b.reason, ERR_AUTH);
	manual_free(&mc);

	/* Claims -A, signed with -a: the policy is asked about onion(-A). */
	side_init(&b, PEER_REJECT);
	manual_start(&mc, &b, &cfg, id_a, neg, "WRN\x02", 1, sv);
	mc.sign = MANUAL_SIGN_TWIN;
	CHECK(run_until(&b.lost, NULL, 5000));
	CHECK_INT(b.policy_calls, 1);
	CHECK_STR(b.policy_onion, twin);
	CHECK_MEM(b.policy_pk, neg, 32);
	CHECK_INT(b.reason, ERR_REFUSED);
	manual_free(&mc);
}

static void
test_peer_bad_preamble(void)
{
	struct manual mc;
	struct side a, b;
	struct peer_cfg cfg;
	struct bufferevent *x, *y;
	int sv[2];

	peer_cfg_default(&cfg);
	/* Not "WRN": closed without an answer. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, NULL, "GET ", 0, sv);
	CHECK(run_until(&b.lost, &mc.eof, 5000));
	CHECK_INT(b.reason, ERR_PROTO);
	CHECK_INT(mc.got_preamble, 0);
	manual_free(&mc);

	/* Another version: B says which it speaks, then closes. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, NULL, "WRN\x07", 0, sv);
	CHECK(run_until(&b.lost, &mc.eof, 5000));
	CHECK_INT(b.reason, ERR_UNSUPPORTED);
	CHECK_INT(b.version, 7);
	CHECK_INT(mc.got_preamble, 1);
	CHECK_MEM(mc.preamble, "WRN\x02", 4);
	manual_free(&mc);

	/* Version 1 (before the signed HELLO): told our version, closed. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, NULL, "WRN\x01", 0, sv);
	CHECK(run_until(&b.lost, &mc.eof, 5000));
	CHECK_INT(b.reason, ERR_UNSUPPORTED);
	CHECK_INT(b.version, 1);
	CHECK_INT(b.policy_calls, 0);
	CHECK_MEM(mc.preamble, "WRN\x02", 4);
	manual_free(&mc);

	/* The initiator gets a version it does not speak. */
	side_init(&a, PEER_FULL);
	pair(&x, &y, sv);
	CHECK_INT(peer_new_initiator(&a.p, base, x, id_a, identity_ed_pk(id_b),
	    &cfg, &cbs, &a), 0);
	CHECK(write(sv[1], "WRN\x01", 4) == 4);
	CHECK(run_until(&a.lost, NULL, 5000));
	CHECK_INT(a.reason, ERR_UNSUPPORTED);
	CHECK_INT(a.version, 1);
	bufferevent_free(y);
}

static void
test_peer_garbage_after_handshake(void)
{
	struct side a1, b1, a2, b2;
	struct peer_cfg cfg;
	struct wire_msg m;
	uint8_t junk[2 + 400];
	int sv1[2], sv2[2];

	peer_cfg_default(&cfg);
	side_init(&a1, PEER_FULL);
	side_init(&b1, PEER_FULL);
	side_init(&a2, PEER_FULL);
	side_init(&b2, PEER_FULL);
	connect_ab(&a1, &b1, identity_ed_pk(id_b), &cfg, sv1);
	connect_ab(&a2, &b2, identity_ed_pk(id_b), &cfg, sv2);
	CHECK(run_until(&b1.up, &b2.up, 5000));
	CHECK(run_until(&a1.up, &a2.up, 5000));
	/* A well-sized frame of random bytes under A1's bufferevent. */
	randombytes_buf(junk, sizeof junk);
	junk[0] = 0x01;
	junk[1] = 0x90;
	CHECK(write(sv1[0], junk, sizeof junk) == (ssize_t)sizeof junk);
	CHECK(run_until(&b1.lost, &a1.lost, 5000));
	CHECK_INT(b1.reason, ERR_AUTH);
	/* The other connection lives on. */
	memset(&m, 0, sizeof m);
	m.type = WIRE_RESUME;
	m.u.resume.next_expected = 9;
	CHECK_INT(peer_send(a2.p, &m), 0);
	CHECK(run_until(&b2.nmsg, NULL, 5000));
	CHECK_INT(b2.last_type, WIRE_RESUME);
	CHECK_INT(a2.lost + b2.lost, 0);

	/* A length no frame may have: closed from the header alone. */
	CHECK(write(sv2[0], "\xff\xff", 2) == 2);
	CHECK(run_until(&b2.lost, &a2.lost, 5000));
	CHECK_INT(b2.reason, ERR_PROTO);
}

static void
test_peer_unknown_type_ignored(void)
{
	struct manual mc;
	struct side b;
	struct peer_cfg cfg;
	struct wire_msg m;
	int sv[2];

	peer_cfg_default(&cfg);
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, identity_ed_pk(id_a), "WRN\x02", 1,
	    sv);
	CHECK(run_until(&b.up, &mc.up, 5000));
	manual_send(&mc, NULL, 99);
	memset(&m, 0, sizeof m);
	m.type = WIRE_ACK;
	m.u.ack.seq = 3;
	manual_send(&mc, &m, 0);
	CHECK(run_until(&b.nmsg, NULL, 5000));
	CHECK_INT(b.nmsg, 1);
	CHECK_INT(b.last_type, WIRE_ACK);
	CHECK_INT(b.lost, 0);
	/* A second HELLO after the handshake is a protocol error. */
	memset(&m, 0, sizeof m);
	m.type = WIRE_HELLO;
	manual_send(&mc, &m, 0);
	CHECK(run_until(&b.lost, NULL, 5000));
	CHECK_INT(b.reason, ERR_PROTO);
	manual_free(&mc);
}

static void
test_peer_handshake_timeout(void)
{
	struct manual mc;
	struct side a, b;
	struct peer_cfg cfg;
	struct bufferevent *x, *y;
	int sv[2];

	short_cfg(&cfg);
	/* A responder that hears nothing. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, NULL, NULL, 0, sv);
	CHECK(run_until(&b.lost, NULL, 5000));
	CHECK_INT(b.reason, ERR_TIMEOUT);
	manual_free(&mc);
	/* One that hears the preamble only. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, NULL, "WRN\x02", 0, sv);
	CHECK(run_until(&b.lost, NULL, 5000));
	CHECK_INT(b.reason, ERR_TIMEOUT);
	manual_free(&mc);
	/* An initiator whose responder never answers. */
	side_init(&a, PEER_FULL);
	pair(&x, &y, sv);
	CHECK_INT(peer_new_initiator(&a.p, base, x, id_a, identity_ed_pk(id_b),
	    &cfg, &cbs, &a), 0);
	CHECK(run_until(&a.lost, NULL, 5000));
	CHECK_INT(a.reason, ERR_TIMEOUT);
	bufferevent_free(y);
}

static void
test_peer_keepalive(void)
{
	struct manual mc;
	struct side a, b;
	struct peer_cfg cfg;
	int sv[2];

	short_cfg(&cfg);
	/* Two real peers stay up through several idle periods. */
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_FULL);
	connect_ab(&a, &b, identity_ed_pk(id_b), &cfg, sv);
	CHECK(run_until(&a.up, &b.up, 5000));
	run_for(1000);
	CHECK_INT(a.lost + b.lost, 0);
	peer_free(a.p);
	peer_free(b.p);

	/* A peer that answers PINGs stays; B did ping it. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, identity_ed_pk(id_a), "WRN\x02", 1,
	    sv);
	mc.answer_pings = 1;
	CHECK(run_until(&b.up, &mc.up, 5000));
	run_for(1000);
	CHECK(mc.pings >= 2);
	CHECK_INT(b.lost, 0);
	peer_free(b.p);
	manual_free(&mc);

	/* One that stays silent is pinged, then closed. */
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, identity_ed_pk(id_a), "WRN\x02", 1,
	    sv);
	CHECK(run_until(&b.up, &mc.up, 5000));
	CHECK(run_until(&b.lost, NULL, 5000));
	CHECK_INT(b.reason, ERR_TIMEOUT);
	CHECK_INT(mc.pings, 1);
	manual_free(&mc);
}

static void
test_peer_backpressure(void)
{
	static uint8_t ct[WIRE_MAX_CT], hdr[WIRE_HEADER_MAX];
	struct manual mc;
	struct side b;
	struct peer_cfg cfg;
	struct wire_msg m;
	int sv[2], i, r = 0, sent = 0;

	peer_cfg_default(&cfg);
	cfg.max_outbuf = 64 * 1024;
	side_init(&b, PEER_FULL);
	manual_start(&mc, &b, &cfg, id_a, identity_ed_pk(id_a), "WRN\x02", 1,
	    sv);
	CHECK(run_until(&b.up, &mc.up, 5000));
	/* The manual side stops reading: B's output fills up. */
	bufferevent_disable(mc.bev, EV_READ);
	memset(&m, 0, sizeof m);
	m.type = WIRE_MSG;
	m.u.msg.header = hdr;
	m.u.msg.header_len = WIRE_HEADER_MAX;	/* the largest */
	m.u.msg.ct = ct;
	m.u.msg.ct_len = sizeof ct;
	for (i = 0; i < 1000 && (r = peer_send(b.p, &m)) == 0; i++) {
		sent++;
		run_for(1);
	}
	CHECK_INT(r, ERR_AGAIN);
	CHECK(sent < 1000);
	/* It reads again: B says there is room. */
	bufferevent_enable(mc.bev, EV_READ);
	CHECK(run_until(&b.drains, NULL, 5000));
	CHECK_INT(peer_send(b.p, &m), 0);
	CHECK_INT(b.lost, 0);
	peer_free(b.p);
	manual_free(&mc);
}

/* What the listener handed out. */
struct accepted {
	int n;
	struct bufferevent *bev[8];
};

static void
cb_accept(struct listener *l, struct bufferevent *bev, void *arg)
{
	struct accepted *acc = arg;

	if (acc->n < 8)
		acc->bev[acc->n++] = bev;
	else
		bufferevent_free(bev);
}

/* A blocking client connection to path; -1 on failure. */
static int
dial(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
test_listener_paths(void)
{
	char dir[] = "/tmp/warren-net-XXXXXX", path[64], lng[200];
	struct sockaddr_un sun;
	struct listener *l;
	struct accepted acc = { 0 };
	struct stat sb;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/peer.sock", dir);
	/* sun_path overflow is an error, not a truncation. */
	memset(lng, 'x', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	CHECK_INT(listener_new(&l, base, lng, 4, cb_accept, &acc), ERR_TOOBIG);
	CHECK(l == NULL);
	/* A regular file in the way is not removed. */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	CHECK(fd != -1);
	close(fd);
	CHECK_INT(listener_new(&l, base, path, 4, cb_accept, &acc),
	    ERR_EXISTS);
	unlink(path);
	/* A stale socket is. */
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(fd, (struct sockaddr *)&sun, sizeof sun) == 0);
	close(fd);
	CHECK_INT(listener_new(&l, base, path, 4, cb_accept, &acc), 0);
	CHECK(stat(path, &sb) == 0 && S_ISSOCK(sb.st_mode));
	CHECK_INT(sb.st_mode & 0777, 0600);
	listener_free(l);
	CHECK(stat(path, &sb) != 0);	/* removed */
	/* A directory others can write to is refused. */
	chmod(dir, 0777);
	CHECK_INT(listener_new(&l, base, path, 4, cb_accept, &acc), ERR_INVAL);
	chmod(dir, 0700);
	rmdir(dir);
}

static void
test_listener_cap_and_peer(void)
{
	char dir[] = "/tmp/warren-net-XXXXXX", path[64], c;
	struct listener *l;
	struct accepted acc = { 0 };
	struct side a, b;
	struct peer_cfg cfg;
	struct bufferevent *x;
	int fd[4], i;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/peer.sock", dir);
	CHECK_INT(listener_new(&l, base, path, 2, cb_accept, &acc), 0);
	for (i = 0; i < 3; i++)
		fd[i] = dial(path);
	CHECK(fd[0] != -1 && fd[1] != -1 && fd[2] != -1);
	run_for(100);
	CHECK_INT(acc.n, 2);
	CHECK_INT(listener_unauth(l), 2);
	/* The third was closed at once. */
	CHECK(read(fd[2], &c, 1) == 0);
	/* One is released: the next connection gets through. */
	listener_release(l);
	fd[3] = dial(path);
	run_for(50);
	CHECK_INT(acc.n, 3);
	CHECK_INT(listener_unauth(l), 2);

	/* A handshake through the listener: B answers on what it handed us. */
	peer_cfg_default(&cfg);
	side_init(&a, PEER_FULL);
	side_init(&b, PEER_FULL);
	CHECK_INT(peer_new_responder(&b.p, base, acc.bev[2], id_b, &cfg, &cbs,
	    &b), 0);
	evutil_make_socket_nonblocking(fd[3]);
	x = bufferevent_socket_new(base, fd[3], BEV_OPT_CLOSE_ON_FREE);
	CHECK_INT(peer_new_initiator(&a.p, base, x, id_a, identity_ed_pk(id_b),
	    &cfg, &cbs, &a), 0);
	CHECK(run_until(&a.up, &b.up, 5000));
	CHECK_MEM(a.secret, b.secret, 32);
	listener_release(l);
	CHECK_INT(listener_unauth(l), 1);
	peer_free(a.p);
	peer_free(b.p);
	bufferevent_free(acc.bev[0]);
	bufferevent_free(acc.bev[1]);
	for (i = 0; i < 3; i++)
		close(fd[i]);
	listener_free(l);
	rmdir(dir);
}

int
main(void)
{
	if (sodium_init() < 0 || (base = event_base_new()) == NULL)
		return 1;
	if (identity_generate(&id_a) != 0 || identity_generate(&id_b) != 0 ||
	    identity_generate(&id_c) != 0)
		return 1;
	RUN(test_peer_handshake);
	RUN(test_peer_messages);
	RUN(test_peer_wrong_responder_key);
	RUN(test_peer_policy);
	RUN(test_peer_owner_closes);
	RUN(test_peer_goodbye);
	RUN(test_peer_hello_key_mismatch);
	RUN(test_peer_hello_negated_key);
	RUN(test_peer_bad_preamble);
	RUN(test_peer_garbage_after_handshake);
	RUN(test_peer_unknown_type_ignored);
	RUN(test_peer_handshake_timeout);
	RUN(test_peer_keepalive);
	RUN(test_peer_backpressure);
	RUN(test_listener_paths);
	RUN(test_listener_cap_and_peer);
	identity_free(id_a);
	identity_free(id_b);
	identity_free(id_c);
	event_base_free(base);
	return TEST_EXIT();
}
