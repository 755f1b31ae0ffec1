/*
 * conn.c -- connections to peers: the onion listener, dialling through
 * tor's SOCKS port with backoff, access policy, one live connection per
 * contact (deterministic tie-break), and the contact-request / session
 * set-up exchange. Frames for the delivery engine go to delivery.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "core/core.h"
#include "core/endpoint.h"
#include "core/mbox.h"
#include "core/files.h"
#include "core/plain.h"
#include "crypto/identity.h"
#include "net/listener.h"
#include "net/peer.h"
#include "net/wire.h"
#include "store/store.h"
#include "tor/socks.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define DIAL_TIMEOUT_MS		(120 * 1000)	/* tor waits up to SocksTimeout */
#define BACKOFF_FIRST		2		/* seconds */
#define BACKOFF_MAX		300
#define NEWNYM_AFTER_F0		3
#define REQ_BURST		20		/* requests from unknown peers */
#define REQ_REFILL_MS		(30 * 1000)	/* one more every 30 s */
#define CROSSING_MS		(120 * 1000)	/* a late crossed request */

static peer_policy_cb on_policy;
static peer_up_cb on_up;
static peer_msg_cb on_msg;
static peer_drain_cb on_drain;
static peer_lost_cb on_lost;
static const struct peer_cbs conn_cbs = {
	on_policy, on_up, on_msg, on_drain, on_lost
};

/* Add a connection to the node's list. */
static struct pconn *
pconn_new(struct node *n, int outbound, struct contact *c)
{
	struct pconn *pc = xcalloc(1, sizeof *pc);

	pc->node = n;
	pc->outbound = outbound;
	pc->c = c;
	pc->next = n->conns;
	n->conns = pc;
	return pc;
}

/* Unlink and free a connection record (the peer is freed by the caller). */
static void
pconn_free(struct pconn *pc)
{
	struct node *n = pc->node;
	struct pconn **pp;

	for (pp = &n->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == pc) {
			*pp = pc->next;
			break;
		}
	}
	if (!pc->outbound && !pc->released && n->lis != NULL)
		listener_release(n->lis);
	if (pc->stranger)
		n->strangers--;
	if (pc->deadline != NULL)
		event_free(pc->deadline);
	free(pc);
}

/* An inbound stream from our onion service: a peer or a file stream. */
static void
on_accept(struct listener *l, struct bufferevent *bev, void *arg)
{
	struct node *n = arg;

	(void)l;
	if (mbox_is_mailbox(n)) {
		mbox_srv_accept(n, bev);	/* a mailbox serves nothing else */
		return;
	}
	files_accept(n, bev);
}

/* A peer connection; its first bytes may already be buffered. */
void
conn_accept_peer(struct node *n, struct bufferevent *bev)
{
	struct pconn *pc;

	pc = pconn_new(n, 0, NULL);
	if (peer_new_responder(&pc->peer, n->base, bev, n->id, &n->pcfg,
	    &conn_cbs, pc) != 0) {
		pconn_free(pc);
		return;
	}
	bufferevent_trigger(bev, EV_READ, 0);
	log_debug("peer: inbound connection");
}

/* Listen on DIR/peer.sock. */
int
conn_listen(struct node *n)
{
	char *path;
	int r;

	xasprintf(&path, "%s/peer.sock", n->dir);
	r = listener_new(&n->lis, n->base, path, WARREN_MAX_UNAUTH, on_accept,
	    n);
	if (r != 0)
		log_error("cannot listen on %s: %s", path, err_str(r));
	free(path);
	return r;
}

/* A contact's live connection is up: say so once (contacts only). */
static void
conn_online(struct node *n, struct contact *c)
{
	if (c->announced || c->state != CONTACT_MUTUAL || c->live == NULL ||
	    !peer_is_up(c->live->peer))
		return;
	c->announced = 1;
	c->last_seen = node_now_ms() / 1000;
	(void)contact_save(n, c);
	(void)event_emit(n, RPC_EV_ONLINE, json_pack("{s:s, s:s?}",
	    "contact", c->onion, "name", c->name));
}

/* The live connection ended (lost, blocked, removed, leaving): say so. */
static void
conn_offline(struct node *n, struct contact *c)
{
	if (!c->announced)
		return;
	c->announced = 0;
	(void)event_emit(n, RPC_EV_OFFLINE, json_pack("{s:s, s:s?}",
	    "contact", c->onion, "name", c->name));
}

/* Leaving: tell every peer, and record every contact as offline. */
void
conn_goodbye_all(struct node *n)
{
	struct contact *c;
	struct pconn *pc;

	for (pc = n->conns; pc != NULL; pc = pc->next)
		peer_goodbye(pc->peer);
	for (c = n->contacts; c != NULL; c = c->next)
		conn_offline(n, c);
}

/* Close everything (shutdown or lock). */
void
conn_stop_all(struct node *n)
{
	struct contact *c;
	struct pconn *pc;

	for (c = n->contacts; c != NULL; c = c->next) {
		socks_cancel(c->dialing);
		c->dialing = NULL;
		if (c->dial_timer != NULL)
			evtimer_del(c->dial_timer);
		c->live = NULL;
	}
	while ((pc = n->conns) != NULL) {
		peer_free(pc->peer);
		pconn_free(pc);
	}
	listener_free(n->lis);
	n->lis = NULL;
}

/* Whether c needs a connection for something. */
int
conn_wanted(struct node *n, struct contact *c)
{
	if (c->deleted || c->state == CONTACT_BLOCKED ||
	    c->state == CONTACT_IN_REQUEST)
		return 0;
	if (c->state == CONTACT_OUT_REQUEST)
		return !(c->flags & (CF_REQ_DELIVERED | CF_REQ_REJECTED));
	if (!(c->flags & CF_HAS_RATCHET))
		return 1;
	return delivery_outbox_count(n, c) > 0;
}

/* Send on the live connection. */
int
conn_send(struct contact *c, const struct wire_msg *m)
{
	if (c->live == NULL || c->live->peer == NULL)
		return ERR_STATE;
	return peer_send(c->live->peer, m);
}

/* The SOCKS connect finished. */
static void
on_socks(struct bufferevent *bev, int err, uint8_t rep, const char *reason,
    void *arg)
{
	struct contact *c = arg;
	struct node *n = c->node;
	struct pconn *pc;

	c->dialing = NULL;
	endpoint_dialled(c, bev != NULL);
	if (bev == NULL) {
		log_info("contact %s: cannot connect: %s", log_contact(c->id, c->onion), reason);
		if (rep == 0xf0 && ++c->f0_count >= NEWNYM_AFTER_F0 &&
		    n->tor != NULL) {
			/* Tor caches failed descriptor fetches; forget them. */
			tor_newnym(n->tor);
			c->f0_count = 0;
		}
		conn_schedule(n, c);
		return;
	}
	c->f0_count = 0;
	if (c->live != NULL) {
		/* They reached us meanwhile; keep theirs. */
		bufferevent_free(bev);
		return;
	}
	pc = pconn_new(n, 1, c);
	if (peer_new_initiator(&pc->peer, n->base, bev, n->id, c->ed_pk,
	    &n->pcfg, &conn_cbs, pc) != 0) {
		pconn_free(pc);
		conn_schedule(n, c);
		return;
	}
	log_debug("contact %s: dialled", log_contact(c->id, c->onion));
}

/* Dial now. */
void
conn_kick(struct node *n, struct contact *c)
{
	struct pconn *pc;
	const char *socks;
	char iso[33];
	uint8_t h[16];

	if (c->deleted || c->dialing != NULL || c->live != NULL ||
	    c->state == CONTACT_BLOCKED)
		return;
	/* A connection from them while they were a stranger is no use now. */
	for (pc = n->conns; pc != NULL; pc = pc->next)
		if (pc->c == NULL && !pc->outbound && peer_remote_onion(
		    pc->peer) != NULL && strcmp(peer_remote_onion(pc->peer),
		    c->onion) == 0)
			peer_close(pc->peer, ERR_CLOSED);
	if (n->tor == NULL || (socks = tor_socks_addr(n->tor)) == NULL ||
	    tor_status(n->tor)->progress < 100) {
		/* Tor is not ready: try again when it is (see node.c). */
		return;
	}
	if (c->dial_timer != NULL)
		evtimer_del(c->dial_timer);
	/* Per-contact circuit isolation: tor keys circuits on the username. */
	crypto_generichash(h, sizeof h, (const uint8_t *)c->onion, ONION_LEN,
	    NULL, 0);
	sodium_bin2hex(iso, sizeof iso, h, sizeof h);
	c->dialing = socks_connect(n->base, socks, endpoint_dial_onion(c),
	    WARREN_PORT, iso,
	    DIAL_TIMEOUT_MS, on_socks, c);
	if (c->dialing == NULL)
		conn_schedule(n, c);
}

/* Backoff timer fired. */
static void
on_dial_timer(evutil_socket_t fd, short what, void *arg)
{
	struct contact *c = arg;

	(void)fd;
	(void)what;
	conn_kick(c->node, c);
}

/* Redial later: exponential backoff with jitter. */
void
conn_schedule(struct node *n, struct contact *c)
{
	struct timeval tv;
	uint32_t jitter;

	if (c->deleted || !conn_wanted(n, c) || c->live != NULL)
		return;
	c->backoff = c->backoff == 0 ? BACKOFF_FIRST : c->backoff * 2;
	if (c->backoff > BACKOFF_MAX)
		c->backoff = BACKOFF_MAX;
	if (c->dial_timer == NULL)
		c->dial_timer = evtimer_new(n->base, on_dial_timer, c);
	/* Up to +/-25%, so that many contacts do not dial in step. */
	jitter = randombytes_uniform((uint32_t)c->backoff * 500 + 1);
	tv.tv_sec = c->backoff * 3 / 4;
	tv.tv_usec = 0;
	tv.tv_sec += jitter / 1000;
	tv.tv_usec = (suseconds_t)(jitter % 1000) * 1000;
	evtimer_add(c->dial_timer, &tv);
}

/* Forget a contact's connections (it is being deleted or blocked). */
void
conn_drop_contact(struct node *n, struct contact *c)
{
	struct pconn *pc;

	socks_cancel(c->dialing);
	c->dialing = NULL;
	if (c->dial_timer != NULL)
		evtimer_del(c->dial_timer);
	for (pc = n->conns; pc != NULL; pc = pc->next) {
		if (pc->c == c) {
			pc->c = NULL;
			peer_close(pc->peer, ERR_REFUSED);
		}
	}
	c->live = NULL;
	conn_offline(n, c);
}

/* Who may talk to us, and how much. */
static enum peer_policy
on_policy(struct peer *p, const uint8_t ed_pk[32], const char *onion,
    void *arg)
{
	struct pconn *pc = arg;
	struct node *n = pc->node;
	struct contact *c;
	uint8_t neg[32];
	char twin[ONION_LEN + 1];

	(void)p;
	if (strcmp(onion, identity_onion(n->id)) == 0)
		return PEER_REJECT;
	if ((c = contact_by_onion(n, onion)) == NULL) {
		/*
		 * The holder of a key we know also holds its negation (same
		 * X25519 key): an address we know under another sign is the
		 * same peer evading a block or a decision; it gets nothing.
		 */
		ed_pk_negate(neg, ed_pk);
		onion_from_pk(twin, neg);
		if (strcmp(twin, identity_onion(n->id)) == 0 ||
		    (c = contact_by_onion(n, twin)) != NULL) {
			log_info("peer: the negated key of %s %lld: closed",
			    c != NULL ? "contact" : "our own identity",
			    c != NULL ? (long long)c->id : 0LL);
			return PEER_REJECT;
		}
		return n->refuse_requests ? PEER_REJECT : PEER_REQUEST_ONLY;
	}
	switch (c->state) {
	case CONTACT_BLOCKED:
		log_info("peer %s is blocked: closed", log_onion(onion));
		return PEER_REJECT;
	case CONTACT_IN_REQUEST:
		return PEER_REQUEST_ONLY;
	}
	return PEER_FULL;
}

/* Which of two up connections to keep: both sides compute the same. */
static int
keep_new(struct node *n, struct pconn *old, struct pconn *new)
{
	const char *me = identity_onion(n->id), *them = new->c->onion;
	const char *init_old, *init_new;

	if (old->outbound == new->outbound)
		return 1;	/* same direction: the newer one */
	init_old = old->outbound ? me : them;
	init_new = new->outbound ? me : them;
	return strcmp(init_new, init_old) < 0;
}

/* A connection from a contact no longer counts against the stranger cap. */
static void
conn_release(struct node *n, struct pconn *pc)
{
	if (!pc->outbound && !pc->released && n->lis != NULL) {
		pc->released = 1;
		listener_release(n->lis);
	}
}

/* A stranger's time is up (PINGs or not): close. */
static void
on_stranger_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct pconn *pc = arg;

	(void)fd;
	(void)what;
	log_debug("peer: a non-contact stayed %d s: closed",
	    WARREN_STRANGER_SECS);
	peer_close(pc->peer, ERR_TIMEOUT);
}

/*
 * A non-contact (unknown, or its request is pending) finished the
 * handshake. It may ask (one request, answered and closed) within
 * WARREN_STRANGER_SECS, whatever it sends meanwhile, and at most
 * WARREN_MAX_STRANGERS of them stay at once; it leaves the listener's
 * handshake cap, so that strangers never crowd out contacts.
 */
static void
stranger_admit(struct node *n, struct pconn *pc)
{
	struct timeval tv = { WARREN_STRANGER_SECS, 0 };

	if (n->strangers >= WARREN_MAX_STRANGERS) {
		log_debug("peer: %d non-contacts connected, closing one",
		    n->strangers);
		peer_close(pc->peer, ERR_RATE);
		return;
	}
	n->strangers++;
	pc->stranger = 1;
	conn_release(n, pc);
	if (pc->deadline == NULL)
		pc->deadline = evtimer_new(n->base, on_stranger_deadline, pc);
	if (pc->deadline != NULL)
		evtimer_add(pc->deadline, &tv);
}

/* The stranger became a contact (accepted while connected). */
static void
stranger_end(struct node *n, struct pconn *pc)
{
	if (!pc->stranger)
		return;
	pc->stranger = 0;
	n->strangers--;
	if (pc->deadline != NULL)
		evtimer_del(pc->deadline);
}

/* Send a CONTACT_REQUEST (we dialled and want to be contacts). */
static void
send_request(struct node *n, struct contact *c)
{
	struct wire_msg m;
	char *nick = NULL, *text = NULL;

	(void)store_secret_get(n->st, "nick", &nick);
	if (c->state == CONTACT_OUT_REQUEST)
		text = contact_text(n, c);
	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_REQUEST;
	m.u.request.nick = nick != NULL ? nick : "";
	m.u.request.nick_len = strlen(m.u.request.nick);
	m.u.request.text = text != NULL ? text : "";
	m.u.request.text_len = strlen(m.u.request.text);
	if (conn_send(c, &m) == 0)
		c->live->req_sent = 1;	/* a RATCHET_HELLO may answer it */
	free(nick);
	free(text);
}

/* Send a one-field control frame. */
static void
send_simple(struct contact *c, uint64_t type, uint64_t v)
{
	struct wire_msg m;

	memset(&m, 0, sizeof m);
	m.type = type;
	if (type == WIRE_CONTACT_RESPONSE)
		m.u.response.status = v;
	else if (type == WIRE_ACK)
		m.u.ack.seq = v;
	else if (type == WIRE_RESUME)
		m.u.resume.next_expected = v;
	else if (type == WIRE_RECEIPT)
		m.u.receipt.seq = v;
	conn_send(c, &m);
}

/* After a commit: ACKs, RESUMEs and transmissions that waited for it. */
void
conn_after_commit(struct node *n)
{
	struct contact *c;

	for (c = n->contacts; c != NULL; c = c->next) {
		if (c->ack_pending && c->live != NULL) {
			if (c->recv_seq > 0)
				send_simple(c, WIRE_ACK, c->recv_seq - 1);
			if (c->ack_pending == 2)
				send_simple(c, WIRE_RESUME, c->recv_seq);
		}
		c->ack_pending = 0;
		if (c->prefs_pending && delivery_send_control(n, c,
		    PLAIN_PREFS, n->read_receipts ? "receipts=1" :
		    "receipts=0", 0) != ERR_STATE)
			c->prefs_pending = 0;
		if (c->receipt_pending && c->live != NULL) {
			c->receipt_pending = 0;
			if (c->read_seq > 0 && n->read_receipts &&
			    c->peer_receipts)
				send_simple(c, WIRE_RECEIPT, c->read_seq - 1);
		}
		if (c->flush_pending) {
			c->flush_pending = 0;
			delivery_flush(n, c);
		}
		/* Its outbox row goes out after the next commit. */
		endpoint_maybe_send(n, c);
	}
}

/* The handshake finished and the policy let them in. */
static void
on_up(struct peer *p, void *arg)
{
	struct pconn *pc = arg, *old;
	struct node *n = pc->node;
	struct contact *c;
	int was_online;

	c = contact_by_onion(n, peer_remote_onion(p));
	pc->c = c;
	if (c == NULL || c->state == CONTACT_IN_REQUEST) {
		stranger_admit(n, pc);	/* may only ask, briefly */
		return;
	}
	conn_release(n, pc);
	old = c->live;
	was_online = old != NULL && peer_is_up(old->peer);
	if (old != NULL && old != pc) {
		if (was_online && !keep_new(n, old, pc)) {
			log_debug("contact %s: duplicate connection closed",
			    log_contact(c->id, c->onion));
			pc->c = NULL;
			peer_close(p, ERR_EXISTS);
			return;
		}
		old->c = NULL;
		peer_close(old->peer, ERR_EXISTS);
	}
	c->live = pc;
	c->resumed = 0;
	c->tx_next = 0;
	c->backoff = 0;
	socks_cancel(c->dialing);
	c->dialing = NULL;
	if (c->dial_timer != NULL)
		evtimer_del(c->dial_timer);
	log_info("contact %s: connected (%s)", log_contact(c->id, c->onion),
	    pc->outbound ? "outbound" : "inbound");
	/* Only contacts: a stranger must not be able to fill the log. */
	conn_online(n, c);
	if (pc->outbound && (c->state == CONTACT_OUT_REQUEST ||
	    (c->state == CONTACT_MUTUAL && !(c->flags & CF_HAS_RATCHET))))
		send_request(n, c);
	else if (c->state == CONTACT_MUTUAL && (c->flags & CF_HAS_RATCHET)) {
		/* Anything still unencrypted goes out after their RESUME. */
		(void)delivery_encrypt_queued(n, c);
		send_simple(c, WIRE_RESUME, c->recv_seq);
		if (n->read_receipts && c->peer_receipts && c->read_seq > 0)
			c->receipt_pending = 1;
	}
	/*
	 * No session can start on a connection we dialled without asking,
	 * unless they answer our RESUME with RATCHET_RESET (they dropped the
	 * session): then we ask on it, and need the secret (on_msg).
	 */
	if (pc->outbound && !pc->req_sent && !(c->state == CONTACT_MUTUAL &&
	    (c->flags & CF_HAS_RATCHET)))
		peer_wipe_secret(p);
	(void)node_commit(n);
}

/* Keep fewer than max_requests pending requests: the oldest go. */
static int
request_make_room(struct node *n)
{
	struct contact *c, *old;
	int k, r;

	for (;;) {
		k = 0;
		old = NULL;
		for (c = n->contacts; c != NULL; c = c->next) {
			if (c->state != CONTACT_IN_REQUEST)
				continue;
			k++;
			if (old == NULL || c->created < old->created ||
			    (c->created == old->created && c->id < old->id))
				old = c;
		}
		if (old == NULL || k < n->max_requests)
			return 0;
		if ((r = event_emit(n, RPC_EV_REQ_DROPPED, json_pack("{s:s, "
		    "s:s?, s:s}", "contact", old->onion, "name", old->name,
		    "reason", "too many pending requests"))) != 0)
			return r;
		log_info("contact request %s dropped: more than %d pending",
		    log_contact(old->id, old->onion), n->max_requests);
		if ((r = contact_delete(n, old)) != 0)
			return r;
		n->requests_dropped++;
	}
}

/* Take in a request from an unknown peer, rate-limited. */
static int
request_from_unknown(struct node *n, struct pconn *pc,
    const struct wire_msg *m)
{
	struct contact *c;
	char nick[WARREN_MAX_NICK + 1], *text;
	int64_t now = node_now_ms();
	int r;

	if (n->refuse_requests)
		return ERR_REFUSED;
	n->req_tokens += (double)(now - n->req_refill_ms) / REQ_REFILL_MS;
	if (n->req_tokens > REQ_BURST)
		n->req_tokens = REQ_BURST;
	n->req_refill_ms = now;
	if (n->req_tokens < 1) {
		log_info("contact request from %s dropped: rate limit",
		    log_onion(peer_remote_onion(pc->peer)));
		n->requests_limited++;
		return ERR_RATE;
	}
	n->req_tokens -= 1;
	if ((r = request_make_room(n)) != 0)
		return r;
	memcpy(nick, m->u.request.nick, m->u.request.nick_len);
	nick[m->u.request.nick_len] = '\0';
	text = xstrndup(m->u.request.text, m->u.request.text_len);
	r = contact_create(n, peer_remote_onion(pc->peer),
	    peer_remote_ed_pk(pc->peer), nick[0] ? nick : NULL,
	    CONTACT_IN_REQUEST, text, &c);
	if (r == 0)
		r = event_emit(n, RPC_EV_REQUEST, json_pack("{s:s, s:s?, s:s}",
		    "contact", c->onion, "name", c->name, "text", text));
	free(text);
	if (r != 0 || (r = node_commit(n)) != 0)
		return r;
	log_info("contact request from %s", log_contact(c->id, c->onion));
	pc->c = c;
	c->live = pc;
	send_simple(c, WIRE_CONTACT_RESPONSE, WIRE_STATUS_PENDING);
	/* Nothing more to say to a stranger: do not let them linger. */
	peer_close(pc->peer, ERR_CLOSED);
	return 0;
}

/* A CONTACT_REQUEST: the initiator wants to be (or stay) contacts. */
static int
on_request(struct node *n, struct pconn *pc, const struct wire_msg *m)
{
	struct contact *c = pc->c;
	int r, added, crossing, stale, yield;

	if (pc->outbound)
		return ERR_PROTO;	/* only the dialling side asks */
	if (c == NULL)
		return request_from_unknown(n, pc, m);
	if (c->state == CONTACT_IN_REQUEST) {
		char *text, *old;
		int64_t now = node_now_ms();

		/* A repeated request: answer, close, write at most once a minute. */
		c->live = pc;
		send_simple(c, WIRE_CONTACT_RESPONSE, WIRE_STATUS_PENDING);
		peer_close(pc->peer, ERR_CLOSED);
		if (now - c->last_req_ms < REQ_REFILL_MS * 2)
			return 0;
		c->last_req_ms = now;
		text = xstrndup(m->u.request.text, m->u.request.text_len);
		old = contact_text(n, c);
		r = old != NULL && strcmp(old, text) == 0 ? 0 :
		    contact_set_text(n, c, text);
		free(text);
		free(old);
		return r;
	}
	/*
	 * They asked and we asked (or accepted): contacts now. Two requests
	 * that cross (each side dialled and asked before it saw the other's)
	 * must give one session, not two that replace each other (each with
	 * a "set up again" alert): the side with the greater identity key
	 * leaves theirs unanswered and waits for the answer to its own. A
	 * request that arrives after our own was answered (a fresh session
	 * from our request, nothing received yet) is the same crossing,
	 * late: it is not a reset either.
	 */
	crossing = !(c->flags & CF_HAS_RATCHET) && c->live != NULL &&
	    c->live != pc && c->live->outbound && c->live->req_sent;
	stale = (c->flags & CF_HAS_RATCHET) && c->recv_seq == 0 &&
	    c->alice_ms != 0 && node_now_ms() - c->alice_ms < CROSSING_MS;
	yield = stale || (crossing &&
	    memcmp(identity_ed_pk(n->id), c->ed_pk, 32) > 0);
	added = c->state != CONTACT_MUTUAL;
	c->state = CONTACT_MUTUAL;
	c->flags |= CF_REQ_DELIVERED;
	if ((r = contact_save(n, c)) != 0)
		return r;
	if (added && (r = event_emit(n, RPC_EV_CONTACT_ADDED, json_pack(
	    "{s:s, s:s?}", "contact", c->onion, "name", c->name))) != 0)
		return r;
	if (yield) {
		log_debug("contact %s: their request crossed ours; ours is "
		    "answered", log_contact(c->id, c->onion));
		peer_close(pc->peer, ERR_CLOSED);
		return 0;
	}
	if (crossing)
		c->live->req_sent = 0;	/* they leave ours unanswered */
	peer_set_policy(pc->peer, PEER_FULL);
	stranger_end(n, pc);
	conn_release(n, pc);
	conn_online(n, c);
	send_simple(c, WIRE_CONTACT_RESPONSE, WIRE_STATUS_ACCEPTED);
	return session_start_bob(n, c, pc);
}

/* A CONTACT_RESPONSE to our request. */
static int
on_response(struct node *n, struct pconn *pc, const struct wire_msg *m)
{
	struct contact *c = pc->c;
	int r;

	if (!pc->outbound)
		return ERR_PROTO;
	switch (m->u.response.status) {
	case WIRE_STATUS_PENDING:
		if (c->flags & CF_REQ_DELIVERED)
			return 0;
		c->flags |= CF_REQ_DELIVERED;
		if ((r = contact_save(n, c)) != 0)
			return r;
		return event_emit(n, RPC_EV_REQ_DELIVERED, json_pack(
		    "{s:s}", "contact", c->onion));
	case WIRE_STATUS_ACCEPTED:
		c->flags |= CF_REQ_DELIVERED;
		if (c->state == CONTACT_OUT_REQUEST) {
			c->state = CONTACT_MUTUAL;
			if ((r = event_emit(n, RPC_EV_CONTACT_ADDED, json_pack(
			    "{s:s, s:s?}", "contact", c->onion, "name",
			    c->name))) != 0)
				return r;
		}
		if ((r = contact_save(n, c)) != 0)
			return r;
		conn_online(n, c);
		return 0;
	case WIRE_STATUS_REJECTED:
		if (c->state != CONTACT_OUT_REQUEST)
			return 0;
		c->flags |= CF_REQ_REJECTED;
		if ((r = contact_save(n, c)) != 0)
			return r;
		return event_emit(n, RPC_EV_REJECTED, json_pack("{s:s}",
		    "contact", c->onion));
	}
	return ERR_PROTO;
}

/* One frame from a peer. */
static int
on_msg(struct peer *p, const struct wire_msg *m, void *arg)
{
	struct pconn *pc = arg;
	struct node *n = pc->node;
	struct contact *c = pc->c;
	int r;

	if (m->type == WIRE_CONTACT_REQUEST) {
		r = on_request(n, pc, m);
		/* The one request that could start a session is done. */
		peer_wipe_secret(p);
		return r;
	}
	/*
	 * They did not ask first: no session can start here, unless this is
	 * the RESUME of a contact whose session we dropped, which we answer
	 * with RATCHET_RESET; then their CONTACT_REQUEST may follow (after
	 * anything else they had queued) and needs the secret.
	 */
	if (!pc->outbound && !pc->reset_sent && !(m->type == WIRE_RESUME &&
	    c != NULL && c->live == pc && !(c->flags & CF_HAS_RATCHET)))
		peer_wipe_secret(p);
	/* Dialled with a session: anything but RATCHET_RESET shows they
	 * have one too. */
	if (pc->outbound && !pc->req_sent && m->type != WIRE_RATCHET_RESET)
		peer_wipe_secret(p);
	if (c == NULL || c->live != pc)
		return 0;	/* superseded or unknown: ignore */
	switch (m->type) {
	case WIRE_CONTACT_RESPONSE:
		if ((r = on_response(n, pc, m)) == 0 &&
		    m->u.response.status == WIRE_STATUS_REJECTED) {
			pc->req_sent = 0;
			peer_wipe_secret(p);
		}
		return r;
	case WIRE_RATCHET_HELLO:
		/*
		 * Only as the answer to our own request on this connection,
		 * once: anything else would let the peer replace a session.
		 */
		if (!pc->outbound || !pc->req_sent ||
		    c->state != CONTACT_MUTUAL)
			return ERR_PROTO;
		pc->req_sent = 0;
		return session_start_alice(n, c, pc, m->u.ratchet_hello.pub);
	case WIRE_RATCHET_RESET:
		/*
		 * They have no session with us (they removed and re-added
		 * us) and reached us on our connection, where only we may
		 * ask: ask, and the session is set up (loudly) as usual.
		 */
		if (pc->outbound && c->state == CONTACT_MUTUAL &&
		    (c->flags & CF_HAS_RATCHET)) {
			log_info("contact %s: has no session with us; asking",
			    log_contact(c->id, c->onion));
			send_request(n, c);
			return 0;
		}
		log_warn("contact %s: asked for a session reset",
		    log_contact(c->id, c->onion));
		return 0;
	case WIRE_MSG:
		return delivery_on_msg(n, c, m);
	case WIRE_ACK:
		return delivery_on_ack(n, c, m->u.ack.seq);
	case WIRE_RESUME:
		if (!(c->flags & CF_HAS_RATCHET)) {
			/*
			 * They kept a session we no longer have and dialled
			 * us; we cannot ask on their connection: say so.
			 */
			if (!pc->outbound && !c->resumed) {
				c->resumed = 1;
				pc->reset_sent = 1;
				send_simple(c, WIRE_RATCHET_RESET, 0);
			} else if (!pc->outbound && !pc->reset_sent)
				peer_wipe_secret(p);
			return 0;
		}
		return delivery_on_resume(n, c, m->u.resume.next_expected);
	case WIRE_RECEIPT:
		return delivery_on_receipt(n, c, m->u.receipt.seq);
	default:
		return 0;	/* from a newer version: ignore */
	}
}

/* The output buffer drained: carry on transmitting. */
static void
on_drain(struct peer *p, void *arg)
{
	struct pconn *pc = arg;

	(void)p;
	if (pc->c != NULL && pc->c->live == pc)
		delivery_flush(pc->node, pc->c);
}

/*
 * The other side speaks another protocol version (peer.c closed). Dialled
 * contact: say so once per run, in the log, an event and the
 * conversation. Inbound: we cannot know who it is (the preamble comes
 * before any identity); log it, at most every ten minutes.
 */
static void
conn_incompatible(struct node *n, struct pconn *pc, int version)
{
	struct contact *c = pc->c;
	char text[160];
	int64_t now = node_now_ms();

	if (version < PEER_VERSION)
		snprintf(text, sizeof text, "peer runs an older warren "
		    "protocol (%d, we speak %d): they must upgrade warren "
		    "before you can talk", version, PEER_VERSION);
	else
		snprintf(text, sizeof text, "peer runs a newer warren "
		    "protocol (%d, we speak %d): upgrade warren to talk to "
		    "them", version, PEER_VERSION);
	if (!pc->outbound || c == NULL) {
		if (now - n->old_proto_log_ms >= 600 * 1000) {
			n->old_proto_log_ms = now;
			log_warn("an inbound %s", text);
		}
		return;
	}
	if (c->proto_noted == version)
		return;
	c->proto_noted = version;
	log_warn("contact %lld: %s", (long long)c->id, text);
	if (message_note(n, c, text) != 0 || event_emit(n, RPC_EV_INCOMPATIBLE,
	    json_pack("{s:s, s:s?, s:i, s:i, s:s}", "contact", c->onion,
	    "name", c->name, "version", version, "ours", PEER_VERSION,
	    "text", text)) != 0)
		return;
	(void)node_commit(n);
}

/* A connection is gone. */
static void
on_lost(struct peer *p, int reason, void *arg)
{
	struct pconn *pc = arg;
	struct node *n = pc->node;
	struct contact *c = pc->c;

	if (reason == ERR_UNSUPPORTED && peer_remote_version(p) != 0)
		conn_incompatible(n, pc, peer_remote_version(p));

	if (c != NULL && c->live == pc) {
		c->live = NULL;
		c->resumed = 0;
		log_info("contact %s: disconnected (%s)", log_contact(c->id, c->onion),
		    err_str(reason));
		if (c->announced) {
			conn_offline(n, c);
			(void)node_commit(n);
		}
		conn_schedule(n, c);
	}
	peer_free(p);
	pconn_free(pc);
}

/* The contact became mutual by our own accept: set up the session. */
void
conn_accepted(struct node *n, struct contact *c)
{
	if (c->live != NULL && peer_is_up(c->live->peer)) {
		peer_set_policy(c->live->peer, PEER_FULL);
		stranger_end(n, c->live);
		conn_online(n, c);
		if (!c->live->outbound) {
			send_simple(c, WIRE_CONTACT_RESPONSE,
			    WIRE_STATUS_ACCEPTED);
			if (session_start_bob(n, c, c->live) == 0)
				return;
		} else if (peer_secret(c->live->peer) != NULL) {
			send_request(n, c);
			return;
		} else {
			/* No session can start here: ask on a new one. */
			peer_close(c->live->peer, ERR_CLOSED);
			return;
		}
	}
	conn_kick(n, c);
}
