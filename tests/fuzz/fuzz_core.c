/*
 * fuzz_core.c -- a real node (src/core, SQLite store, --no-tor) fed by
 * scripted peers over its own listening socket. A template data dir is
 * made once: T0 is a contact with a live ratchet session (the harness
 * holds Alice's side), T1 has asked us (a pending request), T2 is
 * blocked, T3 is a stranger and T4 is someone we asked. Every input starts
 * from a copy of that template and is a script of steps: connect as one of
 * them (the real Noise handshake, HELLO and prologue), send CONTACT_REQUEST,
 * CONTACT_RESPONSE, RATCHET_HELLO, RATCHET_RESET, MSG (sealed with the
 * live ratchet and the daemon's AD, at the next or a peer-chosen seq, any
 * plaintext kind), ACK, RESUME or RECEIPT with peer-chosen numbers, raw
 * plaintext frames, replays of earlier MSGs, and the owner's own actions
 * (send, accept, block, unblock, remove).
 *
 * Invariants, after every step: no failed transaction and no row refused
 * as damaged (no database error); every contact's recv_seq only grows and
 * never passes what the peer sent; no message is delivered twice (texts
 * are unique, and so is each (contact, seq) of message.received).
 */
#include <dirent.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>
#include <msgpack.h>
#include <sodium.h>

#include <warren/limits.h>
#include <warren/rpc.h>

#include "core/api.h"
#include "core/core.h"
#include "core/node.h"
#include "core/plain.h"
#include "crypto/identity.h"
#include "crypto/noise.h"
#include "crypto/ratchet.h"
#include "net/frame.h"
#include "net/peer.h"
#include "net/wire.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "fuzz_dir.h"
#include "fuzz_rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NIDS		5
#define NREPLAY		8
#define MAX_SEEN	512

static char top[64], tpl[96], work[96];
static struct identity *ids[NIDS];
static uint8_t *alice_tpl;		/* T0's Alice state, serialised */
static size_t alice_tpl_len;

/* The harness's view of one scripted identity. */
struct who {
	struct ratchet *alice;
	uint64_t seq;			/* next MSG seq */
	uint64_t max_sent;		/* highest seq sent + 1 */
};

struct conn {
	int k;				/* which identity, -1: none */
	struct bufferevent *bev;
	struct noise_hs *hs;
	struct noise_cs *tx, *rx;
	uint8_t secret[32];
	int up;
};

struct replay {
	uint64_t seq;
	uint8_t hdr[RATCHET_HEADER_MAX];
	size_t hlen;
	uint8_t *ct;
	size_t ct_len;
};

static struct run {
	struct event_base *base;
	struct node *n;
	struct who who[NIDS];
	struct conn c;
	struct replay rp[NREPLAY];
	unsigned int nrp;
	unsigned int texts;		/* unique suffix counter */
	char *seen_text[MAX_SEEN];
	char *seen_contact[MAX_SEEN];
	int64_t seen_seq[MAX_SEEN];
	unsigned int nseen;
	uint64_t last_recv[NIDS];	/* per identity, this session */
} R;

/* Events: message.received must be new, by text and by (contact, seq). */
static void
sink_event(void *arg, json_int_t id, json_t *ev)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	json_t *d = json_object_get(ev, "data");
	const char *text, *contact;
	json_int_t seq;
	unsigned int i;

	if (type == NULL || strcmp(type, RPC_EV_MESSAGE) != 0)
		return;
	text = json_string_value(json_object_get(d, "text"));
	contact = json_string_value(json_object_get(d, "contact"));
	seq = json_integer_value(json_object_get(d, "seq"));
	if (text == NULL || contact == NULL)
		abort();
	for (i = 0; i < R.nseen; i++) {
		if (strcmp(R.seen_text[i], text) == 0 && text[0] != '\0')
			abort();	/* delivered twice */
		if (R.seen_seq[i] == seq &&
		    strcmp(R.seen_contact[i], contact) == 0)
			abort();	/* one seq, two messages */
	}
	if (R.nseen == MAX_SEEN)
		return;
	R.seen_text[R.nseen] = xstrdup(text);
	R.seen_contact[R.nseen] = xstrdup(contact);
	R.seen_seq[R.nseen] = seq;
	R.nseen++;
}

/* A new session with contact: its seqs may be used again. */
static void
forget_seqs(const char *contact)
{
	unsigned int i;

	for (i = 0; i < R.nseen; i++)
		if (strcmp(R.seen_contact[i], contact) == 0)
			R.seen_seq[i] = -1;
}

static void
sink_committed(void *arg)
{
}

static const struct node_sink sink = { sink_event, sink_committed };

static void
pump(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		event_base_loop(R.base, EVLOOP_NONBLOCK);
		/* ACKs and events wait for the grouped commit: do it now. */
		if (R.n != NULL)
			node_flush(R.n);
	}
}

/* The node's invariants. */
static void
check(void)
{
	struct contact *c;
	int k;

	if (R.n == NULL)
		return;
	if (R.n->txn_failed || R.n->damaged)
		abort();
	for (c = R.n->contacts; c != NULL; c = c->next) {
		for (k = 0; k < NIDS; k++) {
			if (memcmp(c->ed_pk, identity_ed_pk(ids[k]), 32) != 0)
				continue;
			/* Within a session seqs only grow, up to ours. */
			if (c->recv_seq < R.last_recv[k] ||
			    c->recv_seq > R.who[k].max_sent)
				abort();
			R.last_recv[k] = c->recv_seq;
		}
	}
}

static void
conn_close(void)
{
	if (R.c.bev != NULL)
		bufferevent_free(R.c.bev);
	noise_hs_free(R.c.hs);
	noise_cs_free(R.c.tx);
	noise_cs_free(R.c.rx);
	memset(&R.c, 0, sizeof R.c);
	R.c.k = -1;
	pump();
}

/* Send a padded plaintext on the live connection. */
static void
send_pt(const uint8_t *pt, size_t len)
{
	uint8_t out[FRAME_HDR_LEN + FRAME_MAX_BODY];
	struct wire_msg m;

	if (!R.c.up || len > WARREN_MAX_FRAME)
		return;
	/* Any MSG the peer sends, sealed or not, may take its seq. */
	if (R.c.k >= 0 && wire_decode(pt, len, &m) == 0 &&
	    m.type == WIRE_MSG && m.u.msg.seq != UINT64_MAX &&
	    m.u.msg.seq + 1 > R.who[R.c.k].max_sent)
		R.who[R.c.k].max_sent = m.u.msg.seq + 1;
	if (noise_cs_encrypt(R.c.tx, NULL, 0, pt, len,
	    out + FRAME_HDR_LEN) != 0)
		abort();
	len += NOISE_TAG_LEN;
	store_be16(out, (uint16_t)len);
	bufferevent_write(R.c.bev, out, len + FRAME_HDR_LEN);
}

static void
send_msg(const struct wire_msg *m)
{
	uint8_t pt[WARREN_MAX_FRAME];
	size_t len;

	if (wire_encode(m, pt, sizeof pt, &len) == 0)
		send_pt(pt, len);
}

/* Read what the node said: RATCHET_HELLO starts our Alice. */
static void
drain(void)
{
	struct evbuffer *in;
	uint8_t ct[FRAME_MAX_BODY], pt[WARREN_MAX_FRAME];
	struct who *w;
	struct wire_msg m;
	size_t len;

	if (!R.c.up || R.c.bev == NULL)
		return;
	in = bufferevent_get_input(R.c.bev);
	while (frame_take(in, ct, sizeof ct, &len) == 0) {
		if (len < NOISE_TAG_LEN ||
		    noise_cs_decrypt(R.c.rx, NULL, 0, ct, len, pt) != 0)
			abort();	/* the node's frames always open */
		if (wire_decode(pt, len - NOISE_TAG_LEN, &m) != 0)
			abort();
		w = &R.who[R.c.k];
		if (m.type == WIRE_RATCHET_HELLO) {
			ratchet_free(w->alice);
			w->alice = NULL;
			if (ratchet_init_alice(&w->alice, R.c.secret,
			    m.u.ratchet_hello.pub, identity_ed_pk(ids[R.c.k]),
			    identity_ed_pk(R.n->id)) != 0)
				w->alice = NULL;
			/* A new session: seqs start again at 0 both ways. */
			w->max_sent = 0;
			R.last_recv[R.c.k] = 0;
			forget_seqs(identity_onion(ids[R.c.k]));
			w->seq = 0;
		} else if (m.type == WIRE_PING) {
			memset(&m, 0, sizeof m);
			m.type = WIRE_PONG;
			send_msg(&m);
		}
	}
}

/*
 * Connect as identity k: the real handshake, as the initiator. 0, or -1
 * if the node did not answer (it may refuse connections).
 */
static int
conn_open(int k)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint8_t buf[FRAME_HDR_LEN + FRAME_MAX_HS + 4], msg[FRAME_MAX_HS];
	uint8_t pt[WARREN_PAD_BLOCK], hello[WARREN_PAD_BLOCK];
	uint8_t sm[PEER_SIG_CTX_LEN + 32], prologue[PEER_PROLOGUE_LEN];
	uint8_t pre[PEER_PREAMBLE_LEN];
	struct evbuffer *in;
	struct wire_msg m;
	size_t len, ptlen;
	int i;

	conn_close();
	R.c.k = k;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/peer.sock", work);
	R.c.bev = bufferevent_socket_new(R.base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_enable(R.c.bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(R.c.bev, (struct sockaddr *)&sun,
	    sizeof sun) != 0)
		abort();
	memcpy(prologue, PEER_PROLOGUE, sizeof PEER_PROLOGUE - 1);
	memcpy(prologue + sizeof PEER_PROLOGUE - 1, node_onion(R.n),
	    ONION_LEN);
	R.c.hs = noise_hs_new_hfs(NOISE_INITIATOR, identity_x_sk(ids[k]),
	    identity_x_pk(ids[k]), identity_x_pk(R.n->id), prologue,
	    sizeof prologue);
	memcpy(buf, "WRN\x02", 4);
	if (noise_hs_write(R.c.hs, NULL, 0, buf + 6, FRAME_MAX_HS, &len) != 0)
		abort();
	store_be16(buf + 4, (uint16_t)len);
	bufferevent_write(R.c.bev, buf, len + 6);
	in = bufferevent_get_input(R.c.bev);
	for (i = 0; i < 50 && evbuffer_get_length(in) <
	    4 + 2 + NOISE_HFS_MSG2_MIN; i++)
		pump();
	if (evbuffer_remove(in, pre, 4) != 4 || memcmp(pre, "WRN\x02", 4) ||
	    frame_take(in, msg, sizeof msg, &len) != 0 ||
	    noise_hs_read(R.c.hs, msg, len, pt, sizeof pt, &ptlen) != 0)
		return -1;
	memset(&m, 0, sizeof m);
	m.type = WIRE_HELLO;
	memcpy(m.u.hello.ed_pk, identity_ed_pk(ids[k]), 32);
	memcpy(sm, PEER_SIG_CTX, PEER_SIG_CTX_LEN);
	memcpy(sm + PEER_SIG_CTX_LEN, noise_hs_hash(R.c.hs), 32);
	crypto_sign_detached(m.u.hello.sig, NULL, sm, sizeof sm,
	    identity_ed_sk(ids[k]));
	if (wire_encode(&m, hello, sizeof hello, &ptlen) != 0 ||
	    noise_hs_write(R.c.hs, hello, ptlen, buf + 2, FRAME_MAX_HS,
	    &len) != 0 ||
	    noise_hs_split(R.c.hs, &R.c.tx, &R.c.rx, R.c.secret) != 0)
		abort();
	store_be16(buf, (uint16_t)len);
	bufferevent_write(R.c.bev, buf, len + 2);
	R.c.up = 1;
	pump();
	drain();
	return 0;
}

/* A CONTACT_REQUEST. */
static void
send_request(const uint8_t *d, size_t n)
{
	struct wire_msg m;
	size_t half = n / 2;

	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_REQUEST;
	m.u.request.nick = (const char *)d;
	m.u.request.nick_len = half > WARREN_MAX_NICK ? WARREN_MAX_NICK : half;
	m.u.request.text = (const char *)d + half;
	m.u.request.text_len = n - half;
	send_msg(&m);
}

/* A MSG sealed with our Alice: kind and seq from the fuzzer. */
static void
send_sealed(uint8_t op, const uint8_t *d, size_t n)
{
	struct who *w;
	msgpack_sbuffer sb;
	struct wire_msg m;
	struct replay *rp;
	uint8_t ad[8], hdr[RATCHET_HEADER_MAX], *ct;
	size_t hlen;
	char body[300];
	uint64_t seq;
	int kind;

	if (R.c.k < 0 || !R.c.up || (w = &R.who[R.c.k])->alice == NULL ||
	    !ratchet_can_send(w->alice))
		return;
	seq = w->seq;
	if (op & 0x10 && n > 0) {
		/* A peer-chosen seq: around the next, or far off. */
		seq = op & 0x20 ? (uint64_t)d[0] << 56 | d[0] :
		    w->seq + (uint64_t)(int8_t)d[0];
		d++;
		n--;
	}
	kind = PLAIN_TEXT;
	if (op & 0x40 && n > 0) {
		kind = d[0] % 5;	/* 4: a kind we do not know */
		d++;
		n--;
	}
	/* A unique suffix: a text delivered twice is a bug, not a repeat. */
	snprintf(body, sizeof body, "%.*s #%u", (int)(n > 200 ? 200 : n),
	    (const char *)d, R.texts++);
	msgpack_sbuffer_init(&sb);
	plain_encode(&sb, kind, 1700000000000, body, strlen(body),
	    op & 0x08 ? 60 : 0);
	ct = xmalloc(sb.size + RATCHET_OVERHEAD);
	store_be64(ad, seq);
	if (ratchet_encrypt(w->alice, ad, sizeof ad, (uint8_t *)sb.data,
	    sb.size, hdr, &hlen, ct) != 0)
		abort();
	memset(&m, 0, sizeof m);
	m.type = WIRE_MSG;
	m.u.msg.seq = seq;
	m.u.msg.header = hdr;
	m.u.msg.header_len = hlen;
	m.u.msg.ct = ct;
	m.u.msg.ct_len = sb.size + RATCHET_OVERHEAD;
	send_msg(&m);
	if (seq + 1 > w->max_sent)
		w->max_sent = seq + 1;
	if (seq == w->seq)
		w->seq++;
	rp = &R.rp[R.nrp++ % NREPLAY];
	free(rp->ct);
	rp->seq = seq;
	memcpy(rp->hdr, hdr, hlen);
	rp->hlen = hlen;
	rp->ct = ct;
	rp->ct_len = m.u.msg.ct_len;
	plain_sbuffer_wipe(&sb);
}

/* An earlier MSG again (a replay), possibly under another seq. */
static void
send_replay(uint8_t arg)
{
	struct replay *rp;
	struct wire_msg m;

	if (R.nrp == 0)
		return;
	rp = &R.rp[arg % (R.nrp < NREPLAY ? R.nrp : NREPLAY)];
	memset(&m, 0, sizeof m);
	m.type = WIRE_MSG;
	m.u.msg.seq = arg & 0x80 ? rp->seq + 1 : rp->seq;
	m.u.msg.header = rp->hdr;
	m.u.msg.header_len = rp->hlen;
	m.u.msg.ct = rp->ct;
	m.u.msg.ct_len = rp->ct_len;
	send_msg(&m);
}

/* ACK, RESUME, RECEIPT, CONTACT_RESPONSE, RATCHET_HELLO, RATCHET_RESET. */
static void
send_simple_msg(uint8_t op, const uint8_t *d, size_t n)
{
	static const uint64_t types[] = { WIRE_ACK, WIRE_RESUME,
	    WIRE_RECEIPT, WIRE_CONTACT_RESPONSE, WIRE_RATCHET_HELLO,
	    WIRE_RATCHET_RESET, WIRE_PING, WIRE_ACK };
	struct wire_msg m;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n && i < 8; i++)
		v = v << 8 | d[i];
	memset(&m, 0, sizeof m);
	m.type = types[(op >> 4) % 8];
	switch (m.type) {
	case WIRE_CONTACT_RESPONSE:
		m.u.response.status = v % 3;
		break;
	case WIRE_RATCHET_HELLO:
		if (n >= 32)
			memcpy(m.u.ratchet_hello.pub, d, 32);
		break;
	default:
		m.u.ack.seq = v;	/* ACK, RESUME, RECEIPT alike */
		break;
	}
	send_msg(&m);
}

/* Raw plaintext, padded. */
static void
send_raw(const uint8_t *d, size_t n)
{
	uint8_t pt[WARREN_MAX_FRAME];
	size_t len;

	if (n >= sizeof pt)
		n = sizeof pt - 1;
	memcpy(pt, d, n);
	if (sodium_pad(&len, pt, n, WARREN_PAD_BLOCK, sizeof pt) == 0)
		send_pt(pt, len);
}

/* What the user does meanwhile. */
static void
owner_action(uint8_t arg, const uint8_t *d, size_t n)
{
	struct api_err err;
	json_t *res = NULL;
	const char *who = identity_onion(ids[arg % NIDS]);
	char text[128];

	snprintf(text, sizeof text, "%.*s", (int)(n > 100 ? 100 : n),
	    (const char *)d);
	switch ((arg >> 3) % 6) {
	case 0:
	case 1:
		(void)api_message_send(R.n, who, text[0] ? text : "hi", 0, 0,
		    &res, &err);
		break;
	case 2:
		(void)api_contact_accept(R.n, who, &res, &err);
		break;
	case 3:
		(void)api_contact_block(R.n, who, &res, &err);
		break;
	case 4:
		(void)api_contact_unblock(R.n, who, &res, &err);
		break;
	case 5:
		(void)api_contact_add(R.n, who, NULL, text, &res, &err);
		break;
	}
	json_decref(res);
}

static void
open_node(const char *dir)
{
	struct node_opts o = { .data_dir = dir, .no_tor = 1 };

	R.base = event_base_new();
	if (node_open(&R.n, R.base, &o) != 0 || node_locked(R.n))
		abort();
	node_set_sink(R.n, &sink, NULL);
}

static void
close_node(void)
{
	unsigned int i;
	int k;

	conn_close();
	node_flush(R.n);
	pump();
	node_free(R.n);
	R.n = NULL;
	event_base_free(R.base);
	for (k = 0; k < NIDS; k++)
		ratchet_free(R.who[k].alice);
	for (i = 0; i < NREPLAY; i++)
		free(R.rp[i].ct);
	for (i = 0; i < R.nseen; i++) {
		free(R.seen_text[i]);
		free(R.seen_contact[i]);
	}
	memset(&R, 0, sizeof R);
	R.c.k = -1;
}

/* The template: a node and its contacts in every state. */
static void
make_template(void)
{
	struct api_err err;
	json_t *res = NULL;
	uint8_t seed[32];
	uint8_t *ser;
	int k;

	fuzz_rng_init();
	signal(SIGPIPE, SIG_IGN);	/* as warrend: a closed peer is an error */
	log_set_level(getenv("FUZZ_LOG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	snprintf(top, sizeof top, "/tmp/warren-fuzz-core.XXXXXX");
	if (mkdtemp(top) == NULL)
		abort();
	snprintf(tpl, sizeof tpl, "%s/tpl", top);
	snprintf(work, sizeof work, "%s/w", top);
	if (mkdir(tpl, 0700) != 0 || mkdir(work, 0700) != 0)
		abort();
	for (k = 0; k < NIDS; k++) {
		memset(seed, 0x30 + k, sizeof seed);
		if (identity_from_seed(&ids[k], seed) != 0)
			abort();
	}
	memcpy(work, tpl, sizeof work);	/* the template's socket */
	R.c.k = -1;
	open_node(tpl);
	/* T0: we asked, they ask too: contacts, and a session (we = Alice). */
	if (api_contact_add(R.n, identity_onion(ids[0]), "zero", "hello",
	    &res, &err) != 0)
		abort();
	json_decref(res);
	pump();
	if (conn_open(0) != 0)
		abort();
	send_request((const uint8_t *)"zerohello", 9);
	pump();
	drain();
	if (R.who[0].alice == NULL)
		abort();
	/* T1: a request to us, pending. */
	if (conn_open(1) != 0)
		abort();
	send_request((const uint8_t *)"onehi there", 11);
	pump();
	/* T2: blocked. T4: we asked. T3: a stranger. */
	if (api_contact_block(R.n, identity_onion(ids[2]), &res, &err) != 0)
		abort();
	json_decref(res);
	if (api_contact_add(R.n, identity_onion(ids[4]), "four", "hi four",
	    &res, &err) != 0)
		abort();
	json_decref(res);
	if (ratchet_serialize(R.who[0].alice, &ser, &alice_tpl_len) != 0)
		abort();
	alice_tpl = xmalloc(alice_tpl_len);
	memcpy(alice_tpl, ser, alice_tpl_len);
	secret_free(ser, alice_tpl_len);
	close_node();
	snprintf(work, sizeof work, "%s/w", top);
}

static void
cleanup(void)
{
	clear_dir(tpl);
	clear_dir(work);
	rmdir(tpl);
	rmdir(work);
	rmdir(top);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	size_t pos = 0, n;
	uint8_t op, arg;
	int steps = 0;

	if (alice_tpl == NULL) {
		make_template();
		atexit(cleanup);
	}
	fuzz_rng_reset();
	clear_dir(work);
	copy_dir(tpl, work);
	open_node(work);
	if (ratchet_deserialize(&R.who[0].alice, alice_tpl,
	    alice_tpl_len) != 0)
		abort();
	while (pos < len && steps++ < 64) {
		op = data[pos++];
		arg = pos < len ? data[pos++] : 0;
		n = arg;
		if (n > len - pos)
			n = len - pos;
		switch (op % 8) {
		case 0:	/* connect as someone */
			(void)conn_open(arg % NIDS);
			n = 0;
			break;
		case 1:
			send_request(data + pos, n);
			break;
		case 2:
		case 3:
			send_sealed(op, data + pos, n);
			break;
		case 4:
			send_simple_msg(op, data + pos, n);
			break;
		case 5:
			send_raw(data + pos, n);
			break;
		case 6:
			send_replay(arg);
			n = 0;
			break;
		case 7:
			owner_action(arg, data + pos, n > 16 ? 16 : n);
			n = n > 16 ? 16 : n;
			break;
		}
		pos += n;
		pump();
		drain();
		check();
	}
	close_node();
	return 0;
}
