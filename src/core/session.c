/*
 * session.c -- setting up the Double Ratchet session with a contact, on the
 * connection where the contact became mutual (DESIGN.md §6): the responder
 * is Bob and sends RATCHET_HELLO; the initiator is Alice and answers with
 * an INIT message so Bob can send. A session that replaces an existing one
 * is announced loudly.
 */
#include <string.h>

#include <jansson.h>
#include <msgpack.h>
#include <sodium.h>
#include <sqlite3.h>

#include "warren/rpc.h"
#include "core/core.h"
#include "core/groups_int.h"
#include "core/plain.h"
#include "crypto/ratchet.h"
#include "net/wire.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"

/*
 * A new session replaces any old one: sequence numbers restart, and
 * messages the old session had not delivered are queued again. They are
 * held (session_alert sets CF_ALERT) and encrypted under the new session
 * only once the user accepts it (delivery_encrypt_queued).
 */
static int
session_reset_queue(struct node *n, struct contact *c)
{
	sqlite3_stmt *s;
	int r;

	if ((s = core_prep(n, "DELETE FROM outbox WHERE contact = ?")) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, c->id);
	if ((r = core_step(n, s)) != 0)
		return r;
	s = core_prep(n, "UPDATE messages SET seq = NULL, state = ?1, mac = "
	    "warren_mac('messages', id, contact, dir, NULL, ?1, time, sent, "
	    "timer, expires_at) WHERE contact = ?2 AND dir = 0 AND state < 2 "
	    "AND state < ?3 AND mac IS " STORE_MAC_MESSAGES);
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int(s, 1, MSG_QUEUED);
	sqlite3_bind_int64(s, 2, c->id);
	sqlite3_bind_int(s, 3, MSG_DELIVERED);
	if ((r = core_step(n, s)) != 0)
		return r;
	c->send_seq = 0;
	c->recv_seq = 0;
	c->tx_next = 0;
	c->resumed = 0;
	c->ack_pending = 0;
	return 0;
}

/* Note a replaced session loudly. */
static int
session_alert(struct node *n, struct contact *c)
{
	if (!(c->flags & CF_HAS_RATCHET))
		return 0;
	int r;

	log_warn("contact %s: session re-established; verify this contact",
	    log_contact(c->id, c->onion));
	c->verified = 0;
	c->flags |= CF_ALERT;
	if ((r = message_note(n, c, "security: the encrypted session was set "
	    "up again (their device lost its state, or it is someone else). "
	    "Compare safety numbers: warren verify. Messages not yet "
	    "delivered wait until you accept the new session (verify "
	    "--confirm, send --force, or resend)")) != 0)
		return r;
	return event_emit(n, RPC_EV_SECURITY, json_pack("{s:s, s:s, s:s?}",
	    "alert", "session reset", "contact", c->onion, "name", c->name));
}

/* Responder side of set-up: we are Bob; send RATCHET_HELLO. */
int
session_start_bob(struct node *n, struct contact *c, struct pconn *pc)
{
	const uint8_t *secret = peer_secret(pc->peer);
	struct ratchet *rc = NULL;
	struct wire_msg m;
	uint8_t sk[32], pk[32];
	int r;

	if (secret == NULL)
		return ERR_STATE;
	crypto_box_keypair(pk, sk);
	r = ratchet_init_bob(&rc, secret, sk, pk, identity_ed_pk(n->id),
	    c->ed_pk);
	sodium_memzero(sk, sizeof sk);
	if (r != 0)
		return r;
	if ((r = node_txn(n)) != 0 || (r = session_alert(n, c)) != 0 ||
	    (r = session_reset_queue(n, c)) != 0)
		goto out;
	ratchet_set(c, rc);
	rc = NULL;
	c->flags |= CF_HAS_RATCHET;
	if ((r = contact_save(n, c)) != 0 || (r = node_commit(n)) != 0)
		goto out;
	peer_wipe_secret(pc->peer);
	memset(&m, 0, sizeof m);
	m.type = WIRE_RATCHET_HELLO;
	memcpy(m.u.ratchet_hello.pub, pk, 32);
	conn_send(c, &m);
	memset(&m, 0, sizeof m);
	m.type = WIRE_RESUME;
	m.u.resume.next_expected = c->recv_seq;
	conn_send(c, &m);
out:
	ratchet_free(rc);
	return r;
}

/* Initiator side: Bob's key arrived; we are Alice. */
int
session_start_alice(struct node *n, struct contact *c, struct pconn *pc,
    const uint8_t bob_pub[32])
{
	const uint8_t *secret = peer_secret(pc->peer);
	struct ratchet *rc = NULL;
	struct wire_msg m;
	msgpack_sbuffer sb;
	int r;

	if (secret == NULL)
		return ERR_STATE;
	if ((r = ratchet_init_alice(&rc, secret, bob_pub,
	    identity_ed_pk(n->id), c->ed_pk)) != 0)
		return r;
	peer_wipe_secret(pc->peer);
	if ((r = node_txn(n)) != 0 || (r = session_alert(n, c)) != 0 ||
	    (r = session_reset_queue(n, c)) != 0)
		goto out;
	ratchet_set(c, rc);
	rc = NULL;
	msgpack_sbuffer_init(&sb);
	plain_encode(&sb, PLAIN_INIT, node_now_ms(), "", 0, c->timer);
	r = outbox_add(n, c, c->rc, (uint8_t *)sb.data, sb.size, 0);
	plain_sbuffer_wipe(&sb);
	if (r != 0)
		goto out;
	c->flags |= CF_HAS_RATCHET;
	c->alice_ms = node_now_ms();
	if (n->read_receipts)
		c->prefs_pending = 1;
	if ((r = contact_save(n, c)) != 0 ||
	    (r = delivery_encrypt_queued(n, c)) != 0 ||
	    (r = groups_outq_flush(n, c)) < 0 ||
	    (r = node_commit(n)) != 0)
		goto out;
	memset(&m, 0, sizeof m);
	m.type = WIRE_RESUME;
	m.u.resume.next_expected = c->recv_seq;
	conn_send(c, &m);
out:
	ratchet_free(rc);
	return r;
}

