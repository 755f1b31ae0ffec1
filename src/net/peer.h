/*
 * peer.h -- one connection to one peer over a bufferevent: the "WRN" 0x02
 * preamble, the hybrid Noise handshake XKhfs (X25519 + ML-KEM-768,
 * noise.h; each message framed u16 BE || bytes),
 * then transport frames u16 BE || Noise ciphertext of a padded wire
 * plaintext (wire.h). Keepalive, handshake deadline and write
 * backpressure live here; everything a peer says goes to the owner.
 *
 * Handshake (DESIGN.md §5): the initiator sends the preamble and msg1
 * together (no extra round trip); the responder answers "WRN" 0x02, or
 * its own version and closes (ERR_UNSUPPORTED on both sides;
 * peer_remote_version says what the other side speaks). Prologue =
 * PEER_PROLOGUE || responder onion (56 ASCII), so the version and the
 * hybrid handshake are bound to it. msg1 and msg2 carry empty payloads; msg3 carries a
 * padded wire HELLO [1, initiator ed pk, features, sig], sig = Ed25519
 * signature by that key of "warren/2 hello" || the handshake hash after
 * msg2. The responder requires ed_pk_to_x(HELLO ed pk) == the Noise
 * remote static key and a valid signature, else closes (ERR_AUTH): X25519
 * alone would accept the negated Ed25519 key too. Both sides then ask the
 * owner's policy callback about the remote key.
 *
 * Lifetime -- a single way to lose a peer: once created, a peer reports
 * exactly one on_lost (reason = ERR_*), from the event loop with none of
 * our code below it on the stack, and never again calls the owner after
 * that. The owner then frees it with peer_free (inside on_lost is fine).
 * peer_close asks for that on_lost; peer_free before on_lost tears the
 * connection down silently (no on_lost at all). peer_free is safe
 * anywhere, including inside any callback of that peer.
 */
#ifndef WARREN_PEER_H
#define WARREN_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "crypto/identity.h"

struct bufferevent;
struct event_base;
struct wire_msg;
struct peer;	/* opaque */

/* PREAMBLE ("WRN" + version) and the version we speak. */
#define PEER_PREAMBLE_LEN	4
#define PEER_VERSION		2
#define PEER_SECRET_LEN		32
/* The Noise prologue: this, then the responder's onion (56 ASCII). */
#define PEER_PROLOGUE		"warren/2 XKhfs+MLKEM768 "
#define PEER_PROLOGUE_LEN	(sizeof PEER_PROLOGUE - 1 + ONION_LEN)
/* What HELLO's signature covers: this, then the handshake hash after msg2. */
#define PEER_SIG_CTX		"warren/2 hello"
#define PEER_SIG_CTX_LEN	(sizeof PEER_SIG_CTX - 1)

enum peer_policy {
	PEER_REJECT,		/* close now */
	PEER_REQUEST_ONLY,	/* unknown: CONTACT_REQUEST, PING, PONG, GOODBYE */
	PEER_FULL		/* a contact: everything */
};

struct peer_cfg {
	struct timeval handshake;	/* preamble + Noise, and close flush */
	struct timeval ping;		/* receive-idle time before a PING */
	struct timeval idle_close;	/* receive silence before closing */
	size_t max_outbuf;		/* peer_send: ERR_AGAIN above this */
};

/*
 * Responder and initiator: the authenticated remote identity. onion is 56
 * chars + NUL. Return the access level; PEER_REJECT closes (ERR_REFUSED).
 */
typedef enum peer_policy peer_policy_cb(struct peer *, const uint8_t ed_pk[32],
    const char *onion, void *);
/*
 * Handshake done and policy applied: peer_send works from now on. On the
 * initiator this follows sending msg3; the responder may still refuse
 * (on_lost follows). Choosing one of two connections to the same contact
 * (DESIGN.md §5.5) is the owner's job.
 */
typedef void peer_up_cb(struct peer *, void *);
/*
 * One decoded frame (never HELLO, PING or PONG: handled here). m's
 * pointers are valid only during the call. Non-zero = the peer
 * misbehaved: the connection is closed (a negative ERR_* becomes the
 * on_lost reason, else ERR_PROTO).
 */
typedef int peer_msg_cb(struct peer *, const struct wire_msg *m, void *);
/* After peer_send said ERR_AGAIN: the output buffer has room again. */
typedef void peer_drain_cb(struct peer *, void *);
/* The connection is gone; see the lifetime rule above. */
typedef void peer_lost_cb(struct peer *, int reason, void *);

struct peer_cbs {
	peer_policy_cb *policy;	/* required */
	peer_up_cb *up;		/* may be NULL */
	peer_msg_cb *msg;	/* required */
	peer_drain_cb *drain;	/* may be NULL */
	peer_lost_cb *lost;	/* required */
};

/* WARREN_HANDSHAKE_SECS, WARREN_PING_SECS, WARREN_IDLE_CLOSE_SECS, 256 KiB. */
void peer_cfg_default(struct peer_cfg *);

/*
 * A connection we dialled to the owner of remote_ed_pk (after SOCKS).
 * Writes the preamble and msg1 at once. bev: connected, created with
 * BEV_OPT_CLOSE_ON_FREE; the peer owns it from now on, also on error
 * (it is freed). self must outlive the peer (it signs HELLO); cfg
 * and cbs are copied. Returns 0 with *out, or ERR_CRYPTO (a remote key
 * that is not a valid point), ERR_NOMEM.
 */
int peer_new_initiator(struct peer **out, struct event_base *,
    struct bufferevent *bev, const struct identity *self,
    const uint8_t remote_ed_pk[32], const struct peer_cfg *,
    const struct peer_cbs *, void *arg);
/* An accepted connection (from the listener); as above. */
int peer_new_responder(struct peer **out, struct event_base *,
    struct bufferevent *bev, const struct identity *self,
    const struct peer_cfg *, const struct peer_cbs *, void *arg);

/*
 * Send one message (not HELLO). Returns 0; ERR_STATE before on_up or after
 * close; ERR_AGAIN if the output buffer is over cfg.max_outbuf (nothing
 * sent; on_drain follows when there is room); what wire_encode returns for
 * a bad message; or ERR_CLOSED if sending killed the connection (on_lost
 * follows).
 */
int peer_send(struct peer *, const struct wire_msg *);
/*
 * Close: stop reading, flush what is queued (bounded by cfg.handshake),
 * then on_lost(reason). Does nothing if already closing.
 */
void peer_close(struct peer *, int reason);
/*
 * Tell an up peer we are leaving (shutdown, lock): queue a GOODBYE frame
 * and write out as much as the socket takes now, without the event loop.
 * Best effort; the caller then frees or closes the peer. Accepts NULL.
 * A peer that receives GOODBYE is lost at once (reason ERR_CLOSED).
 */
void peer_goodbye(struct peer *);
/* Free at once, with no on_lost if it has not come yet. Accepts NULL. */
void peer_free(struct peer *);

/* Replace the callback argument (e.g. once the contact is known). */
void peer_set_arg(struct peer *, void *);
/* Change the access level (e.g. a request was accepted while connected). */
void peer_set_policy(struct peer *, enum peer_policy);
enum peer_policy peer_get_policy(const struct peer *);
/* 1 if we dialled, 0 if we accepted. */
int peer_is_initiator(const struct peer *);
/* 1 between on_up and close. */
int peer_is_up(const struct peer *);
/* The remote Ed25519 key (32 bytes), or NULL while not yet authenticated. */
const uint8_t *peer_remote_ed_pk(const struct peer *);
/* The remote onion address (56 chars + NUL), or NULL likewise. */
const char *peer_remote_onion(const struct peer *);
/*
 * The version byte of the other side's preamble (PEER_VERSION once the
 * handshake goes on; another one before an ERR_UNSUPPORTED), 0 before it.
 */
int peer_remote_version(const struct peer *);
/* Responder: the features word of the initiator's HELLO; initiator: 0. */
uint64_t peer_remote_features(const struct peer *);
/*
 * The secret exported by this connection's handshake (noise_hs_split),
 * PEER_SECRET_LEN bytes in sodium_malloc'd memory, to seed the ratchet:
 * valid from on_up until peer_wipe_secret or the connection is lost; NULL
 * otherwise. The owner wipes it as soon as it knows that no session will
 * be set up on this connection.
 */
const uint8_t *peer_secret(const struct peer *);
void peer_wipe_secret(struct peer *);

#endif
