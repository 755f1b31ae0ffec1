/*
 * core.h -- internals shared by the files of src/core (node, contacts,
 * delivery, events, conn). Outside src/core only node.h is visible.
 *
 * Transactions are grouped: node_txn() opens one lazily and schedules its
 * commit for later in the same loop iteration, so every frame of one read
 * burst and every request of one RPC read shares one fsync. What must only
 * happen after a commit -- ACKs, transmitting new MSG frames, event
 * notifications -- is recorded and done by node_commit().
 */
#ifndef WARREN_CORE_H
#define WARREN_CORE_H

#include <stdint.h>

#include <jansson.h>

#include "crypto/identity.h"
#include "crypto/ratchet.h"
#include "net/peer.h"

struct bufferevent;
struct event;
struct listener;
struct socks_req;
struct store;
struct tor;
struct node_sink;
struct endpoint;

enum contact_state {
	CONTACT_OUT_REQUEST = 1,	/* we asked them; no answer yet */
	CONTACT_IN_REQUEST = 2,		/* they asked us; we have not answered */
	CONTACT_MUTUAL = 3,		/* contacts */
	CONTACT_BLOCKED = 4
};

/* contacts.flags */
#define CF_REQ_DELIVERED	0x1	/* our request reached them */
#define CF_REQ_REJECTED		0x2	/* they rejected it */
#define CF_HAS_RATCHET		0x4	/* a session exists */
#define CF_ALERT		0x8	/* session reset not yet acknowledged */

/* Message states (messages.state). */
enum msg_state {
	MSG_QUEUED = 0, MSG_SENT = 1, MSG_DELIVERED = 2, MSG_READ = 3,
	MSG_RECEIVED = 10, MSG_UNDECRYPTABLE = 11, MSG_NOTE = 20,
	MSG_IN_MAILBOX = 30	/* shown only: queued/sent and deposited */
};

struct contact {
	int64_t id;
	char onion[ONION_LEN + 1];
	uint8_t ed_pk[32];
	char *name;			/* may be NULL */
	int state;			/* enum contact_state */
	int flags;			/* CF_* */
	int verified;
	int64_t created;
	uint64_t send_seq;		/* next seq we assign */
	uint64_t recv_seq;		/* next seq we expect */
	int64_t unread;
	int64_t last_seen;
	uint32_t timer;			/* disappearing messages, seconds */
	int peer_receipts;		/* they send and want read receipts */
	uint64_t read_seq;		/* we read their messages below this */

	/* Runtime only. */
	struct node *node;
	struct pconn *live;		/* the one connection we use */
	int resumed;			/* peer's RESUME seen on live */
	int announced;			/* contact.online emitted, offline not yet */
	uint64_t tx_next;		/* next outbox seq to transmit on live */
	int ack_pending;		/* after the commit: 1 ACK, 2 ACK + RESUME */
	int flush_pending;		/* transmit after the commit */
	int receipt_pending;		/* send RECEIPT after the commit */
	int prefs_pending;		/* send our preferences when possible */
	struct ratchet *rc;		/* loaded for the open transaction */
	int rc_dirty;			/* store rc before the commit */
	struct socks_req *dialing;
	struct event *dial_timer;
	int backoff;			/* seconds, 0 = none yet */
	int f0_count;
	int deleted;
	int64_t last_req_ms;		/* last stored repeat of their request */
	int64_t alice_ms;		/* our own request set up the session */
	int proto_noted;		/* their other protocol version, told */
	struct endpoint *ep;		/* endpoint.c: our onion for them, theirs */
	struct contact *next;
};

/* One connection, authenticated or not. */
struct pconn {
	struct node *node;
	struct peer *peer;
	struct contact *c;		/* NULL until known */
	int outbound;
	int released;			/* listener_release done */
	int req_sent;			/* our CONTACT_REQUEST went on it */
	int reset_sent;			/* we asked them to ask (inbound) */
	int stranger;			/* counted in node.strangers */
	struct event *deadline;		/* a stranger's hard deadline */
	struct pconn *next;
};

struct node_event {
	json_int_t id;
	json_t *ev;
	struct node_event *next;
};

struct node {
	struct event_base *base;
	char *dir;
	int no_tor;
	const char *tor_binary, *torrc_append, *tor_control, *tor_password;
	struct store *st;
	struct identity *id;
	struct tor *tor;
	struct tor *tor_leaving;		/* stopped a moment after node_down */
	struct event *tor_leave_ev;
	const struct node_sink *sink;	/* where events go (the RPC server) */
	void *sink_arg;
	struct listener *lis;
	struct peer_cfg pcfg;
	int up;
	int tor_progress;		/* last seen, for events */
	int tor_published;
	int refused;			/* our onion answered elsewhere */

	struct contact *contacts;
	struct pconn *conns;
	int strangers;			/* up connections of non-contacts */

	int txn_open;
	int64_t last_commit_ms;
	int txn_failed;
	struct event *commit_ev;
	struct node_event *ev_head, **ev_tail;
	int events_since_trim;
	json_int_t next_event_id;

	/* Request rate limit: a token bucket for all unknown senders. */
	double req_tokens;
	int64_t req_refill_ms;
	int refuse_requests;
	int read_receipts;
	int64_t old_proto_log_ms;	/* last "inbound, other version" log */
	int max_requests;		/* pending requests kept (oldest go) */
	long long requests_dropped;	/* since start: over max_requests */
	long long requests_limited;	/* since start: by the rate limit */

	struct event *expiry_ev;	/* next disappearing message */
	int expiry_dirty;		/* an expiring row was written */
	int damaged;			/* rows refused as changed outside */
	struct mbox *mbox;		/* mailboxes: core/mbox.h */
	struct files *files;		/* files.h; NULL while down */
};

/* node.c */
int64_t node_now_ms(void);
/* Open (or join) the grouped transaction. */
int node_txn(struct node *);
/* Commit now and run the after-commit work. */
int node_commit(struct node *);

/* contacts.c */
/* A cached prepared statement; logs and returns NULL on failure. */
struct sqlite3_stmt *core_prep(struct node *, const char *sql);
/* Give it back (reset for the next user); never sqlite3_finalize() it. */
void core_done(struct node *, struct sqlite3_stmt *);
/* The next id of a table, never reused (inside node_txn). */
int core_next_id(struct node *, const char *table, int64_t *id);
/* Step a write to SQLITE_DONE and give it back; ERR_DB (logged) otherwise. */
int core_step(struct node *, struct sqlite3_stmt *);
int contacts_load(struct node *);
void contacts_free(struct node *);
struct contact *contact_by_onion(struct node *, const char *onion);
/* Find by address or unambiguous name: 0, ERR_NOTFOUND, ERR_EXISTS (ambiguous), ERR_ADDR_*. */
int contact_lookup(struct node *, const char *, struct contact **);
/* Which states a name or an address prefix may select (1 << state). */
#define LOOKUP_CONTACTS \
    ((1 << CONTACT_OUT_REQUEST) | (1 << CONTACT_MUTUAL))
#define LOOKUP_REQUESTS	(1 << CONTACT_IN_REQUEST)
#define LOOKUP_BLOCKED	(1 << CONTACT_BLOCKED)
/* With LOOKUP_CONTACTS: if nothing there matches, a unique blocked peer. */
#define LOOKUP_THEN_BLOCKED	(1 << 16)
#define LOOKUP_MAX_CAND	4
/* What a failed lookup found. */
struct lookup {
	/* ERR_EXISTS: the first few matches, and how many there are */
	struct contact *cand[LOOKUP_MAX_CAND];
	int nmatch;
	struct contact *other;	/* ERR_NOTFOUND: one outside the scope */
};
/*
 * The same with a scope for names and address prefixes (full addresses
 * find any state); lk (may be NULL) says more about a failure.
 */
int contact_lookup_in(struct node *, const char *, int scope,
    struct contact **, struct lookup *lk);
/* Shortest prefix length (at least min) of c's address that is unique. */
int contact_prefix_len(struct node *, const struct contact *, int min);
/* api.c: find in scope, or fill err (ambiguities list the candidates). */
struct api_err;
struct contact *api_find(struct node *, const char *, int scope,
    struct api_err *);
/* Insert a new contact row (inside node_txn). */
int contact_create(struct node *, const char *onion, const uint8_t ed_pk[32],
    const char *name, int state, const char *text, struct contact **);
/* Write state, flags, seqs, unread, verified (inside node_txn). */
int contact_save(struct node *, struct contact *);
int contact_set_name(struct node *, struct contact *, const char *);
int contact_set_text(struct node *, struct contact *, const char *);
/* The stored request text, or NULL; caller frees. */
char *contact_text(struct node *, struct contact *);
int contact_delete(struct node *, struct contact *);
const char *contact_state_name(int);
json_t *contact_json(struct node *, struct contact *);
int contacts_online(struct node *);

/* events.c */
/* Persist an event (inside node_txn); broadcast after the commit. data is stolen. */
int event_emit(struct node *, const char *type, json_t *data);
/* The same, for an event that quotes message `msg` (deleted with it). */
int event_emit_msg(struct node *, const char *type, json_t *data, int64_t msg);
/* Broadcast what the last commit persisted. */
void events_flush(struct node *);
/* Forget events of a rolled-back transaction. */
void events_discard(struct node *);
int events_replay_from(struct node *, json_int_t since,
    int (*)(json_t *, void *), void *, int *stopped);
/* Read the next event id from the store (once, at start). */
int events_init(struct node *);
/* Replay events with id > since to a callback; 0 or ERR_DB. */
int events_replay(struct node *, json_int_t since, int (*)(json_t *, void *),
    void *);
json_int_t events_last_id(struct node *);

/* delivery.c */
/* A history row with a sealed body (dir 0 out, 1 in, 2 note). */
int message_insert(struct node *, struct contact *, int dir, int64_t seq,
    int state, const char *body, size_t len, int64_t sent, uint32_t timer,
    int64_t *row);
/* A local note in the conversation. */
int message_note(struct node *, struct contact *, const char *);
/* Queue text (inside node_txn); timer < 0: the conversation's. */
int delivery_queue(struct node *, struct contact *, const char *text,
    int64_t timer, int64_t *msg_id);
/* A control plaintext (timer, prefs) now; ERR_STATE if it cannot be sent. */
int delivery_send_control(struct node *, struct contact *, int kind,
    const char *body, uint32_t timer);
int delivery_on_receipt(struct node *, struct contact *, uint64_t seq);
int delivery_mark_read(struct node *, struct contact *);

/* expiry.c */
/* Arm the timer for the next expiring message. */
void expiry_schedule(struct node *);
/* Delete what has expired now (and its events), then checkpoint. */
int expiry_run(struct node *);
/* Encrypt queued messages that can now be encrypted (none while CF_ALERT). */
int delivery_encrypt_queued(struct node *, struct contact *);
/*
 * The user accepted a reset session (inside node_txn): clear CF_ALERT and
 * encrypt what was held; it goes out after the commit (or on the next
 * connection, which the caller asks for with conn_kick).
 */
int delivery_accept_session(struct node *, struct contact *);
int delivery_on_msg(struct node *, struct contact *, const struct wire_msg *);
int delivery_on_ack(struct node *, struct contact *, uint64_t seq);
int delivery_on_resume(struct node *, struct contact *, uint64_t next);
/* Before a commit: store the ratchet states changed in the transaction. */
int delivery_presync(struct node *);
/* After a commit or rollback: free the loaded ratchet states. */
void delivery_release(struct node *);
/* Transmit outbox rows from tx_next on the live connection. */
void delivery_flush(struct node *, struct contact *);
int delivery_outbox_count(struct node *, struct contact *);
/* Replace the contact's cached ratchet with rc (stored before the commit). */
void ratchet_set(struct contact *, struct ratchet *rc);
/* Encrypt a plaintext as the next seq into the outbox (inside node_txn). */
int outbox_add(struct node *, struct contact *, struct ratchet *,
    const uint8_t *pt, size_t len, int64_t msg_row);

/* session.c */
/* Ratchet set-up on the connection where the contact became mutual. */
int session_start_bob(struct node *, struct contact *, struct pconn *);
int session_start_alice(struct node *, struct contact *, struct pconn *,
    const uint8_t bob_pub[32]);
json_t *message_json(struct node *, struct contact *, int64_t id);

/* conn.c */
int conn_listen(struct node *);
/* An inbound stream that is a peer connection (files_net.c sniffs). */
void conn_accept_peer(struct node *, struct bufferevent *);
void conn_stop_all(struct node *);
/* Dial a contact now (if not connected/dialling). */
void conn_kick(struct node *, struct contact *);
/* Arrange a redial later with backoff. */
void conn_schedule(struct node *, struct contact *);
void conn_drop_contact(struct node *, struct contact *);
/* Leaving (shutdown, lock): GOODBYE to every peer, contacts offline. */
void conn_goodbye_all(struct node *);
int conn_send(struct contact *, const struct wire_msg *);
/* Whether we still need a connection to c (something to send or set up). */
int conn_wanted(struct node *, struct contact *);
/* The contact became mutual while connected: set up the session. */
void conn_accepted(struct node *, struct contact *);
/* ACKs, RESUMEs and transmissions that waited for a commit. */
void conn_after_commit(struct node *);

#endif
