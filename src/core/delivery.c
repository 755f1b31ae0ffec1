/*
 * delivery.c -- exactly-once, in-order delivery (DESIGN.md §7) and the
 * ratchet session set-up (§6). Send: encrypt, store the outbox row and the
 * new ratchet state in one transaction; transmit only after the commit;
 * retransmit stored bytes. Receive: decrypt on a copy; store the message,
 * the state and the next expected seq in one transaction; ACK only after
 * the commit.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <msgpack.h>
#include <sodium.h>
#include <sqlite3.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "core/core.h"
#include "core/endpoint.h"
#include "core/mbox.h"
#include "core/files.h"
#include "core/groups_int.h"
#include "core/plain.h"
#include "crypto/ratchet.h"
#include "net/mp_prescan.h"
#include "net/wire.h"
#include "store/store.h"
#include "util/bytes.h"
#include "util/duration.h"
#include "util/err.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

_Static_assert(RATCHET_HEADER_MAX == WIRE_HEADER_MAX,
    "a ratchet header fits a MSG");

#define FLUSH_BATCH	64
#define FLUSH_BATCH_STR	"64"	/* the same, for the SQL LIMIT */

/* Load a contact's ratchet. */
static int
ratchet_load(struct node *n, struct contact *c, struct ratchet **out)
{
	sqlite3_stmt *s;
	uint8_t *pt;
	size_t len;
	int r = ERR_NOTFOUND;

	*out = NULL;
	if ((s = core_prep(n, "SELECT ratchet FROM contacts WHERE id = ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL) {
		r = store_unseal(n->st, "contacts", "ratchet", c->id,
		    sqlite3_column_blob(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0), &pt, &len);
		if (r == 0) {
			r = ratchet_deserialize(out, pt, len);
			secret_free(pt, len);
		}
	}
	core_done(n, s);
	if (r != 0 && r != ERR_NOTFOUND)
		log_error("contact %lld: cannot load the session: %s",
		    (long long)c->id, err_str(r));
	return r;
}

/*
 * The contact's ratchet for this transaction: loaded once, changed in
 * memory, stored by delivery_presync() just before the commit.
 */
static int
ratchet_get(struct node *n, struct contact *c, struct ratchet **out)
{
	int r;

	if (c->rc == NULL && (r = ratchet_load(n, c, &c->rc)) != 0)
		return r;
	*out = c->rc;
	return 0;
}

/* Replace the cached ratchet with a new session's. */
void
ratchet_set(struct contact *c, struct ratchet *rc)
{
	if (c->rc != rc)
		ratchet_free(c->rc);
	c->rc = rc;
	c->rc_dirty = 1;
}

/* Store a contact's ratchet (inside node_txn). */
static int
ratchet_store(struct node *n, struct contact *c, const struct ratchet *rc)
{
	sqlite3_stmt *s;
	uint8_t *ser = NULL, *ct = NULL;
	size_t slen = 0, clen;
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	if ((r = ratchet_serialize(rc, &ser, &slen)) != 0)
		return r;
	r = store_seal(n->st, "contacts", "ratchet", c->id, ser, slen, &ct,
	    &clen);
	secret_free(ser, slen);
	if (r != 0)
		return r;
	if ((s = core_prep(n, "UPDATE contacts SET ratchet = ? WHERE id = ?")) ==
	    NULL) {
		free(ct);
		return ERR_DB;
	}
	sqlite3_bind_blob(s, 1, ct, (int)clen, free);
	sqlite3_bind_int64(s, 2, c->id);
	return core_step(n, s);
}

/* Encrypt one plaintext as the next seq and store it in the outbox. */
int
outbox_add(struct node *n, struct contact *c, struct ratchet *rc,
    const uint8_t *pt, size_t len, int64_t msg_row)
{
	uint8_t hdr[RATCHET_HEADER_MAX], ad[8], *ct;
	size_t hlen;
	sqlite3_stmt *s;
	uint64_t seq = c->send_seq;
	int r;

	ct = xmalloc(len + RATCHET_OVERHEAD);
	store_be64(ad, seq);
	if ((r = ratchet_encrypt(rc, ad, sizeof ad, pt, len, hdr, &hlen,
	    ct)) != 0)
		goto out;
	s = core_prep(n, "INSERT INTO outbox (contact, seq, hdr, ct, msg) "
	    "VALUES (?, ?, ?, ?, ?)");
	if (s == NULL) {
		r = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
	sqlite3_bind_blob(s, 3, hdr, (int)hlen, SQLITE_TRANSIENT);
	sqlite3_bind_blob(s, 4, ct, (int)(len + RATCHET_OVERHEAD),
	    SQLITE_TRANSIENT);
	if (msg_row > 0)
		sqlite3_bind_int64(s, 5, msg_row);
	else
		sqlite3_bind_null(s, 5);
	if ((r = core_step(n, s)) != 0)
		goto out;
	if (msg_row > 0) {
		s = core_prep(n, "UPDATE messages SET seq = ?1, mac = "
		    "warren_mac('messages', id, contact, dir, ?1, state, time, "
		    "sent, timer, expires_at) WHERE id = ?2 AND mac IS "
		    STORE_MAC_MESSAGES);
		if (s == NULL) {
			r = ERR_DB;
			goto out;
		}
		sqlite3_bind_int64(s, 1, (sqlite3_int64)seq);
		sqlite3_bind_int64(s, 2, msg_row);
		if ((r = core_step(n, s)) != 0)
			goto out;
	}
	c->send_seq = seq + 1;
	c->flush_pending = 1;
out:
	free(ct);
	return r;
}

/*
 * Insert a history row (inside node_txn) with a sealed body. dir 0 out,
 * 1 in, 2 a local line (timer changes, security notes). A non-zero timer
 * makes the row disappear timer seconds from now.
 */
int
message_insert(struct node *n, struct contact *c, int dir, int64_t seq,
    int state, const char *body, size_t len, int64_t sent, uint32_t timer,
    int64_t *row)
{
	sqlite3_stmt *s;
	uint8_t *ct;
	size_t clen;
	int64_t id, now = node_now_ms();
	int r;

	if ((r = node_txn(n)) != 0)
		return r;
	if ((r = core_next_id(n, "messages", &id)) != 0)
		return r;
	if ((r = store_seal_msg(n->st, id, c->id, dir, body, len, &ct,
	    &clen)) != 0)
		return r;
	s = core_prep(n, "INSERT INTO messages (id, contact, dir, seq, state, body, "
	    "time, sent, timer, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?)");
	if (s == NULL) {
		free(ct);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, c->id);
	sqlite3_bind_int(s, 3, dir);
	if (seq >= 0)
		sqlite3_bind_int64(s, 4, seq);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int(s, 5, state);
	sqlite3_bind_blob(s, 6, ct, (int)clen, free);
	sqlite3_bind_int64(s, 7, now);
	if (sent > 0)
		sqlite3_bind_int64(s, 8, sent);
	else
		sqlite3_bind_null(s, 8);
	sqlite3_bind_int64(s, 9, timer);
	if (timer > 0) {
		sqlite3_bind_int64(s, 10, now + (int64_t)timer * 1000);
		n->expiry_dirty = 1;
	} else
		sqlite3_bind_null(s, 10);
	if ((r = core_step(n, s)) != 0)
		return r;
	s = core_prep(n, "UPDATE messages SET mac = " STORE_MAC_MESSAGES
	    " WHERE id = ?");
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	if ((r = core_step(n, s)) != 0)
		return r;
	if (row != NULL)
		*row = id;
	return 0;
}

/* A local line in the conversation. */
int
message_note(struct node *n, struct contact *c, const char *text)
{
	return message_insert(n, c, 2, -1, MSG_NOTE, text, strlen(text), 0, 0,
	    NULL);
}

/* Queue a text message; timer < 0: the conversation's timer. */
int
delivery_queue(struct node *n, struct contact *c, const char *text,
    int64_t timer, int64_t *msg_id)
{
	int r;

	if ((r = message_insert(n, c, 0, -1, MSG_QUEUED, text, strlen(text), 0,
	    (uint32_t)(timer >= 0 ? timer : c->timer), msg_id)) != 0)
		return r;
	if (c->flags & CF_HAS_RATCHET)
		return delivery_encrypt_queued(n, c);
	return 0;
}

/* Encrypt a control plaintext now; ERR_STATE if the session cannot send. */
int
delivery_send_control(struct node *n, struct contact *c, int kind,
    const char *body, uint32_t timer)
{
	struct ratchet *rc;
	msgpack_sbuffer sb;
	int r;

	if (!(c->flags & CF_HAS_RATCHET))
		return ERR_STATE;
	if ((r = ratchet_get(n, c, &rc)) != 0)
		return r;
	if (!ratchet_can_send(rc))
		return ERR_STATE;
	if ((r = node_txn(n)) != 0 || (r = delivery_encrypt_queued(n, c)) != 0)
		return r;
	msgpack_sbuffer_init(&sb);
	plain_encode(&sb, kind, node_now_ms(), body, strlen(body), timer);
	r = outbox_add(n, c, rc, (uint8_t *)sb.data, sb.size, 0);
	plain_sbuffer_wipe(&sb);
	if (r == 0) {
		c->rc_dirty = 1;
		r = contact_save(n, c);
	}
	return r;
}

/*
 * Encrypt every queued message the session can now carry. After a session
 * reset nothing goes until the user accepts the new session (CF_ALERT
 * cleared by verify --confirm, send --force or resend): what was queued for
 * the old session is held, not handed to whoever set up the new one.
 */
int
delivery_encrypt_queued(struct node *n, struct contact *c)
{
	struct ratchet *rc = NULL;
	msgpack_sbuffer sb;
	sqlite3_stmt *s;
	uint8_t *body;
	size_t blen;
	int64_t row;
	int r, rc2, any = 0;

	if (!(c->flags & CF_HAS_RATCHET) || (c->flags & CF_ALERT))
		return 0;
	if ((r = ratchet_get(n, c, &rc)) != 0)
		return r;
	if (!ratchet_can_send(rc))
		return 0;
	if ((r = node_txn(n)) != 0)
		return r;
	/* A row changed outside warren is left out (message_json shows it
	 * as damaged). */
	s = core_prep(n, "SELECT id, body, time, timer FROM messages WHERE "
	    "contact = ? AND dir = 0 AND state < 2 AND seq IS NULL AND mac IS "
	    STORE_MAC_MESSAGES " ORDER BY id");
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	while ((rc2 = sqlite3_step(s)) == SQLITE_ROW) {
		row = sqlite3_column_int64(s, 0);
		r = store_unseal_msg(n->st, row, c->id, 0,
		    sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1), &body, &blen);
		if (r == ERR_AUTH) {
			log_error("contact %lld: message %lld is damaged; not "
			    "sent", (long long)c->id, (long long)row);
			r = 0;
			continue;
		}
		if (r != 0)
			break;
		msgpack_sbuffer_init(&sb);
		plain_encode(&sb, PLAIN_TEXT, sqlite3_column_int64(s, 2),
		    (char *)body, blen, (uint32_t)sqlite3_column_int64(s, 3));
		secret_free(body, blen);
		r = outbox_add(n, c, rc, (uint8_t *)sb.data, sb.size, row);
		plain_sbuffer_wipe(&sb);
		if (r != 0)
			break;
		any = 1;
	}
	core_done(n, s);
	if (r == 0 && any) {
		c->rc_dirty = 1;
		r = contact_save(n, c);
	}
	return r;
}

/* The user accepted the new session: release what was held. */
int
delivery_accept_session(struct node *n, struct contact *c)
{
	int r;

	if (c->flags & CF_ALERT) {
		c->flags &= ~CF_ALERT;
		if ((r = contact_save(n, c)) != 0)
			return r;
	}
	return delivery_encrypt_queued(n, c);
}

/* A decrypted plaintext: store or apply it (inside node_txn). */
static int
delivery_on_plain(struct node *n, struct contact *c, uint64_t seq,
    const struct plain *p)
{
	char line[128], words[32];
	int64_t row;
	int r, on;

	switch (p->kind) {
	case PLAIN_INIT:
		/* We can send now: tell them our receipt preference. */
		if (n->read_receipts)
			c->prefs_pending = 1;
		return 0;
	case PLAIN_TEXT:
		if ((r = message_insert(n, c, 1, (int64_t)seq, MSG_RECEIVED,
		    p->body, p->body_len, p->when, p->timer > 0 &&
		    p->timer < 30 ? 30 : p->timer, &row)) != 0)
			return r;
		c->unread++;
		return event_emit_msg(n, RPC_EV_MESSAGE, json_pack(
		    "{s:I, s:s, s:s?, s:s, s:I, s:I, s:i}", "message",
		    (json_int_t)row, "contact", c->onion, "name", c->name,
		    "text", p->body, "sent", (json_int_t)p->when, "seq",
		    (json_int_t)seq, "timer", (int)p->timer), row);
	case PLAIN_TIMER:
		/* Our floor applies to what a peer sets, too. */
		c->timer = p->timer > 0 && p->timer < 30 ? 30 : p->timer;
		duration_words(words, sizeof words, (long)p->timer);
		snprintf(line, sizeof line, "%s set disappearing messages to %s",
		    c->name != NULL ? c->name : "they", words);
		if ((r = message_note(n, c, line)) != 0)
			return r;
		return event_emit(n, RPC_EV_TIMER, json_pack("{s:s, s:s?, s:i, "
		    "s:s}", "contact", c->onion, "name", c->name, "timer",
		    (int)p->timer, "by", "them"));
	case PLAIN_PREFS:
		on = strcmp(p->body, "receipts=1") == 0;
		if (on != c->peer_receipts) {
			c->peer_receipts = on;
			if (on && n->read_receipts && c->read_seq > 0)
				c->receipt_pending = 1;
		}
		return 0;
	case PLAIN_ENDPOINT:
		return endpoint_on_plain(n, c, p);
	case PLAIN_MAILBOX:
		return mbox_on_grant(n, c, p->body, p->body_len);
	case PLAIN_FILE_OFFER:
	case PLAIN_FILE_DONE:
	case PLAIN_FILE_CANCEL:
		return files_on_plain(n, c, seq, p);
	}
	if (p->kind >= PLAIN_GROUP_INVITE && p->kind <= PLAIN_GROUP_ITEM)
		return groups_on_plain(n, c, p->kind, p->body);
	return 0;	/* a kind from the future: nothing to show */
}

/* RECEIPT(seq): they read everything of ours up to seq. */
int
delivery_on_receipt(struct node *n, struct contact *c, uint64_t seq)
{
	sqlite3_stmt *s;
	int r = 0, rc;

	/* Only when both sides opted in: else ignore (and say nothing). */
	if (!n->read_receipts || !c->peer_receipts)
		return 0;
	if (seq >= c->send_seq)
		return ERR_PROTO;
	if ((r = node_txn(n)) != 0)
		return r;
	s = core_prep(n, "SELECT id FROM messages WHERE contact = ? AND dir = 0 AND "
	    "state = ? AND seq <= ?");
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_int(s, 2, MSG_DELIVERED);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)seq);
	while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
		r = event_emit(n, RPC_EV_READ, json_pack("{s:I, s:s}",
		    "message", (json_int_t)sqlite3_column_int64(s, 0),
		    "contact", c->onion));
	core_done(n, s);
	if (r != 0)
		return r;
	s = core_prep(n, "UPDATE messages SET state = ?1, mac = "
	    "warren_mac('messages', id, contact, dir, seq, ?1, time, sent, "
	    "timer, expires_at) WHERE contact = ?2 AND dir = 0 AND state = ?3 "
	    "AND seq <= ?4 AND mac IS " STORE_MAC_MESSAGES);
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int(s, 1, MSG_READ);
	sqlite3_bind_int64(s, 2, c->id);
	sqlite3_bind_int(s, 3, MSG_DELIVERED);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)seq);
	return core_step(n, s);
}

/* The user read the conversation: remember up to where. */
int
delivery_mark_read(struct node *n, struct contact *c)
{
	sqlite3_stmt *s;
	uint64_t upto = c->read_seq;

	s = core_prep(n, "SELECT MAX(seq) FROM messages WHERE contact = ? AND "
	    "dir = 1");
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		upto = (uint64_t)sqlite3_column_int64(s, 0) + 1;
	core_done(n, s);
	if (upto == c->read_seq && c->unread == 0)
		return 0;
	c->read_seq = upto;
	c->unread = 0;
	if (n->read_receipts && c->peer_receipts)
		c->receipt_pending = 1;
	return contact_save(n, c);
}

/* Received MSG. */
int
delivery_on_msg(struct node *n, struct contact *c, const struct wire_msg *m)
{
	struct ratchet *rc = NULL;
	struct plain p;
	uint64_t seq = m->u.msg.seq;
	uint8_t ad[8], *pt = NULL;
	size_t ptlen = 0;
	int64_t row = 0;
	int r, dec, could_send;

	memset(&p, 0, sizeof p);
	if (!(c->flags & CF_HAS_RATCHET) || c->state != CONTACT_MUTUAL) {
		log_info("contact %lld: MSG without a session; ignored",
		    (long long)c->id);
		return 0;
	}
	if ((r = node_txn(n)) != 0)
		return r;
	if (seq < c->recv_seq) {
		/* A duplicate: we have it; make sure they hear so. */
		if (c->ack_pending == 0)
			c->ack_pending = 1;
		return 0;
	}
	if (seq > c->recv_seq) {
		log_info("contact %lld: gap (seq %llu, expected %llu): RESUME",
		    (long long)c->id, (unsigned long long)seq,
		    (unsigned long long)c->recv_seq);
		c->ack_pending = 2;	/* ACK what we have, and RESUME */
		return 0;
	}
	if (m->u.msg.ct_len < RATCHET_OVERHEAD)
		return ERR_PROTO;
	if ((r = ratchet_get(n, c, &rc)) != 0)
		return 0;
	could_send = ratchet_can_send(rc);
	ptlen = m->u.msg.ct_len - RATCHET_OVERHEAD;
	pt = xmalloc(ptlen + 1);
	store_be64(ad, seq);
	dec = ratchet_decrypt(rc, ad, sizeof ad, m->u.msg.header,
	    m->u.msg.header_len, m->u.msg.ct, m->u.msg.ct_len, pt);
	if (dec == 0)
		dec = plain_decode(pt, ptlen, &p);
	if (dec != 0) {
		/* A visible placeholder, ACKed so the queue is not blocked. */
		log_warn("contact %lld: message %llu undecryptable: %s",
		    (long long)c->id, (unsigned long long)seq, err_str(dec));
		if ((r = message_insert(n, c, 1, (int64_t)seq,
		    MSG_UNDECRYPTABLE, "", 0, 0, 0, &row)) != 0 ||
		    (r = event_emit(n, RPC_EV_SECURITY, json_pack("{s:s, s:s, "
		    "s:s?, s:I}", "alert", "undecryptable message", "contact",
		    c->onion, "name", c->name, "message", (json_int_t)row))) != 0)
			goto out;
	} else {
		c->rc_dirty = 1;
		if (m->u.msg.header_len > RATCHET_HEADER_LEN)
			log_debug("contact %lld: message %llu carries a KEM "
			    "step (%zu-byte ratchet header)", (long long)c->id,
			    (unsigned long long)seq, m->u.msg.header_len);
		if ((r = delivery_on_plain(n, c, seq, &p)) != 0)
			goto out;
	}
	c->recv_seq = seq + 1;
	if (c->ack_pending == 0)
		c->ack_pending = 1;
	c->last_seen = node_now_ms() / 1000;
	if ((r = contact_save(n, c)) != 0)
		goto out;
	/* Their first message gave us a sending chain: what waited goes now. */
	if (!could_send && ratchet_can_send(rc) &&
	    (r = delivery_encrypt_queued(n, c)) == 0)
		r = groups_outq_flush(n, c) < 0 ? ERR_DB : 0;
out:
	if (pt != NULL) {
		sodium_memzero(pt, ptlen);
		free(pt);
	}
	if (p.body != NULL) {
		sodium_memzero(p.body, p.body_len);
		free(p.body);
	}
	return r;
}

/* Store every ratchet changed in the open transaction. */
int
delivery_presync(struct node *n)
{
	struct contact *c;
	int r;

	for (c = n->contacts; c != NULL; c = c->next) {
		if (!c->rc_dirty)
			continue;
		if ((r = ratchet_store(n, c, c->rc)) != 0)
			return r;
		c->rc_dirty = 0;
	}
	return 0;
}

/* Drop the loaded states (they are on disk, or the transaction failed). */
void
delivery_release(struct node *n)
{
	struct contact *c;

	for (c = n->contacts; c != NULL; c = c->next) {
		ratchet_free(c->rc);
		c->rc = NULL;
		c->rc_dirty = 0;
	}
}

/* Everything up to `upto` (exclusive) has arrived: drop it, mark delivered. */
static int
outbox_settle(struct node *n, struct contact *c, uint64_t upto)
{
	sqlite3_stmt *s;
	int r, rc;

	if ((r = node_txn(n)) != 0)
		return r;
	s = core_prep(n, "SELECT id FROM messages WHERE contact = ? AND dir = 0 AND "
	    "state < 2 AND seq < ? AND state < ? ORDER BY seq");
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)upto);
	sqlite3_bind_int(s, 3, MSG_DELIVERED);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((r = event_emit(n, RPC_EV_DELIVERED, json_pack(
		    "{s:I, s:s}", "message", (json_int_t)sqlite3_column_int64(
		    s, 0), "contact", c->onion))) != 0)
			break;
	}
	core_done(n, s);
	if (r != 0)
		return r;
	s = core_prep(n, "UPDATE messages SET state = ?1, mac = "
	    "warren_mac('messages', id, contact, dir, seq, ?1, time, sent, "
	    "timer, expires_at) WHERE contact = ?2 AND dir = 0 AND state < 2 "
	    "AND seq < ?3 AND state < ?4 AND mac IS " STORE_MAC_MESSAGES);
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int(s, 1, MSG_DELIVERED);
	sqlite3_bind_int64(s, 2, c->id);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)upto);
	sqlite3_bind_int(s, 4, MSG_DELIVERED);
	if ((r = core_step(n, s)) != 0)
		return r;
	s = core_prep(n, "DELETE FROM outbox WHERE contact = ? AND seq < ?");
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)upto);
	return core_step(n, s);
}

/* ACK(seq): everything <= seq is stored at the peer. */
int
delivery_on_ack(struct node *n, struct contact *c, uint64_t seq)
{
	if (seq >= c->send_seq) {
		log_warn("contact %lld: ACK %llu for a seq never sent",
		    (long long)c->id, (unsigned long long)seq);
		return ERR_PROTO;
	}
	return outbox_settle(n, c, seq + 1);
}

/* RESUME(next): the peer has everything below next; resend the rest. */
int
delivery_on_resume(struct node *n, struct contact *c, uint64_t next)
{
	int r;

	if (next > c->send_seq) {
		log_warn("contact %lld: peer expects seq %llu but we only "
		    "sent up to %llu; its session is out of step",
		    (long long)c->id, (unsigned long long)next,
		    (unsigned long long)c->send_seq);
		next = c->send_seq;
	}
	if (next > 0 && (r = outbox_settle(n, c, next)) != 0)
		return r;
	c->tx_next = next;
	c->resumed = 1;
	c->flush_pending = 1;
	return node_txn(n);
}

/* Transmit stored outbox rows on the live connection. */
void
delivery_flush(struct node *n, struct contact *c)
{
	struct wire_msg m;
	sqlite3_stmt *s;
	int batch;

	/*
	 * "sent" is not written to disk (it would cost a commit per burst):
	 * message_json derives it from tx_next while the connection lives.
	 */
	if (c->live == NULL || !peer_is_up(c->live->peer) || !c->resumed)
		return;
	do {
		s = core_prep(n, "SELECT seq, hdr, ct FROM outbox WHERE contact = ? "
		    "AND seq >= ? ORDER BY seq LIMIT " FLUSH_BATCH_STR);
		if (s == NULL)
			return;
		sqlite3_bind_int64(s, 1, c->id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)c->tx_next);
		batch = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			if (sqlite3_column_bytes(s, 1) < RATCHET_HEADER_LEN ||
			    sqlite3_column_bytes(s, 1) > RATCHET_HEADER_MAX)
				break;
			memset(&m, 0, sizeof m);
			m.type = WIRE_MSG;
			m.u.msg.seq = (uint64_t)sqlite3_column_int64(s, 0);
			m.u.msg.header = sqlite3_column_blob(s, 1);
			m.u.msg.header_len =
			    (size_t)sqlite3_column_bytes(s, 1);
			m.u.msg.ct = sqlite3_column_blob(s, 2);
			m.u.msg.ct_len = (size_t)sqlite3_column_bytes(s, 2);
			if (conn_send(c, &m) != 0)
				break;
			c->tx_next = m.u.msg.seq + 1;
			batch++;
		}
		core_done(n, s);
	} while (batch == FLUSH_BATCH);
}

/* Rows waiting in the outbox (or not yet encrypted). */
int
delivery_outbox_count(struct node *n, struct contact *c)
{
	sqlite3_stmt *s;
	int k = 0;

	s = core_prep(n, "SELECT COUNT(*) FROM messages WHERE contact = ? AND "
	    "dir = 0 AND state < 2 AND state < ?");
	if (s == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_int(s, 2, MSG_DELIVERED);
	if (sqlite3_step(s) == SQLITE_ROW)
		k = sqlite3_column_int(s, 0);
	core_done(n, s);
	return k;
}

/* The API form of one message. */
json_t *
message_json(struct node *n, struct contact *c, int64_t id)
{
	static const char *const states[] = { "queued", "sent", "delivered",
	    "read" };
	sqlite3_stmt *s;
	json_t *j = NULL;
	uint8_t *body;
	size_t len;
	int st, dir;

	s = core_prep(n, "SELECT dir, seq, state, body, time, sent, timer, "
	    "expires_at, mac IS " STORE_MAC_MESSAGES " FROM messages "
	    "WHERE id = ?");
	if (s == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		core_done(n, s);
		return NULL;
	}
	if (sqlite3_column_int(s, 8) != 1 || store_unseal_msg(n->st, id, c->id,
	    sqlite3_column_int(s, 0), sqlite3_column_blob(s, 3),
	    (size_t)sqlite3_column_bytes(s, 3), &body, &len) != 0) {
		/* Moved from another conversation or edited outside warren. */
		log_error("contact %lld: message %lld is damaged (changed "
		    "outside warren)", (long long)c->id, (long long)id);
		j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id",
		    (json_int_t)id, "contact", c->onion, "direction", "note",
		    "state", "damaged", "text", "a message here was changed "
		    "outside warren and is not shown", "time",
		    (json_int_t)sqlite3_column_int64(s, 4));
	} else {
		st = sqlite3_column_int(s, 2);
		if (st == MSG_QUEUED && sqlite3_column_type(s, 1) !=
		    SQLITE_NULL && c->live != NULL && c->resumed &&
		    (uint64_t)sqlite3_column_int64(s, 1) < c->tx_next)
			st = MSG_SENT;
		dir = sqlite3_column_int(s, 0);
		if (dir == 0 && st < MSG_DELIVERED && sqlite3_column_type(s,
		    1) != SQLITE_NULL && mbox_deposited(n, c,
		    (uint64_t)sqlite3_column_int64(s, 1)))
			st = MSG_IN_MAILBOX;
		j = json_pack("{s:I, s:s, s:s, s:s, s:s%, s:I}", "id",
		    (json_int_t)id, "contact", c->onion, "direction",
		    dir == 2 ? "note" : dir == 1 ? "in" : "out", "state",
		    st == MSG_RECEIVED ? "received" : st == MSG_UNDECRYPTABLE ?
		    "undecryptable" : st == MSG_NOTE ? "note" :
		    st == MSG_IN_MAILBOX ? "in mailbox" :
		    (st >= 0 && st <= 3) ? states[st] : "unknown", "text",
		    (char *)body, len, "time",
		    (json_int_t)sqlite3_column_int64(s, 4));
		if (sqlite3_column_int64(s, 6) > 0)
			json_object_set_new(j, "timer", json_integer(
			    sqlite3_column_int64(s, 6)));
		if (sqlite3_column_type(s, 7) != SQLITE_NULL)
			json_object_set_new(j, "expires", json_integer(
			    sqlite3_column_int64(s, 7)));
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			json_object_set_new(j, "seq", json_integer(
			    sqlite3_column_int64(s, 1)));
		if (sqlite3_column_type(s, 5) != SQLITE_NULL)
			json_object_set_new(j, "sent", json_integer(
			    sqlite3_column_int64(s, 5)));
		secret_free(body, len);
	}
	core_done(n, s);
	return j;
}
