/*
 * mbox.h -- mailboxes (doc/PROTOCOL.md 9): a daemon started with --mailbox
 * keeps opaque blobs for its owner's contacts; a user's daemon pairs with
 * one, hands each contact a credential inside the ratchet, deposits MSG
 * frames in a contact's mailbox while the contact is away, and fetches
 * from its own. Internal to src/core; the pure parts are in mbox_parse.c.
 */
#ifndef WARREN_MBOX_H
#define WARREN_MBOX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "crypto/identity.h"

struct node;
struct contact;
struct wire_msg;
struct api_err;

/* Requests (WIRE_MBOX op). */
enum mbox_op {
	MBOX_OP_AUTH = 1,	/* a = token (32) */
	MBOX_OP_PAIR = 2,	/* a = pairing secret, b = owner tag (32) */
	MBOX_OP_PUT = 3,	/* b = blob (depositor) */
	MBOX_OP_NEXT = 4,	/* n = after this id (owner) */
	MBOX_OP_DEL = 5,	/* n = id (owner) */
	MBOX_OP_CRED_ADD = 6,	/* a = tag (owner) */
	MBOX_OP_CRED_DEL = 7,	/* a = tag (owner) */
	MBOX_OP_STAT = 8,	/* -> OK, n = blobs stored (owner) */
	MBOX_OP_NEXT_DEL = 9	/* DEL n, then NEXT after n (owner) */
};

/* Replies (WIRE_MBOX_REPLY op). */
enum mbox_status {
	MBOX_OK = 0,		/* PUT: n = id */
	MBOX_ITEM = 1,		/* n = id, a = depositor's tag, b = blob */
	MBOX_EMPTY = 2,
	MBOX_E_AUTH = 10,	/* unknown credential or code */
	MBOX_E_FULL = 11,	/* the credential's quota is used up */
	MBOX_E_DENIED = 12,	/* not allowed for this credential */
	MBOX_E_INTERNAL = 13
};

#define MBOX_ROLE_OWNER		1
#define MBOX_ROLE_DEPOSITOR	2
#define MBOX_SECRET_LEN		32	/* a credential */
#define MBOX_TOKEN_LEN		32	/* what proves it to the mailbox */
#define MBOX_TAG_LEN		32	/* what the mailbox stores */
#define MBOX_PAIR_LEN		16	/* one-time pairing secret */
#define MBOX_AUTH_LEN		32	/* tor client authorization key (x25519) */
#define MBOX_BLOB_PAD		1024	/* blobs are padded to this */
#define MBOX_NONCE_LEN		24
#define MBOX_BLOB_OVERHEAD	(MBOX_NONCE_LEN + 16)
/* The largest padded plaintext that still fits a WIRE_MBOX frame. */
#define MBOX_BLOB_MAX_PT	(15 * 1024)
/*
 * A pairing code: "wmb1-" onion "-" 32 hex digits (the secret) "-" 64 hex
 * digits (the client authorization key that reaches the onion meanwhile).
 */
#define MBOX_CODE_PREFIX	"wmb1-"
#define MBOX_CODE_LEN	(5 + ONION_LEN + 1 + 2 * MBOX_PAIR_LEN + 1 + \
	2 * MBOX_AUTH_LEN)
/*
 * The grant inside the ratchet: "mailbox1 " onion " " 64 hex digits (the
 * credential) " " 64 hex digits (the depositors' client authorization key).
 */
#define MBOX_GRANT_PREFIX	"mailbox1 "
#define MBOX_GRANT_NONE		"mailbox1 none"

/* Defaults of the mailbox role (warrend --mailbox-*). */
#define MBOX_DEF_QUOTA_COUNT	1000
#define MBOX_DEF_QUOTA_BYTES	(16LL * 1024 * 1024)
#define MBOX_DEF_TTL		(14 * 24 * 3600)
#define MBOX_DEF_INTERVAL	60
#define MBOX_MAX_CREDS		10000
#define MBOX_PAIR_TTL		(24 * 3600)

/* mbox_parse.c: pure. */
void mbox_token(const uint8_t secret[MBOX_SECRET_LEN],
    uint8_t token[MBOX_TOKEN_LEN]);
void mbox_tag(const uint8_t token[MBOX_TOKEN_LEN], uint8_t tag[MBOX_TAG_LEN]);
/* A code's secret as stored by the mailbox (hash, 32 bytes). */
void mbox_pair_hash(const uint8_t *secret, size_t len, uint8_t out[32]);
/*
 * Seal an MSG frame for the holder of secret: out (cap bytes) gets at most
 * MBOX_BLOB_MAX_PT + MBOX_BLOB_OVERHEAD bytes. ERR_TOOBIG if it cannot.
 */
int mbox_blob_seal(const uint8_t secret[MBOX_SECRET_LEN],
    const struct wire_msg *msg, uint8_t *out, size_t cap, size_t *len);
/*
 * Open a blob into buf (len bytes at least) and decode the MSG in it; m's
 * pointers point into buf. 0, ERR_AUTH (not for this secret or changed),
 * ERR_PROTO (not an MSG frame).
 */
int mbox_blob_open(const uint8_t secret[MBOX_SECRET_LEN], const uint8_t *blob,
    size_t len, uint8_t *buf, struct wire_msg *m);
/* "wmb1-ONION-HEX": 0 with onion and the pairing secret, or ERR_INVAL. */
int mbox_code_parse(const char *s, char onion[ONION_LEN + 1],
    uint8_t secret[MBOX_PAIR_LEN], uint8_t auth[MBOX_AUTH_LEN]);
/* The owner's (which 0) or the depositors' (1) client authorization keys. */
void mbox_auth_keys(const uint8_t owner_secret[MBOX_SECRET_LEN], int which,
    uint8_t priv[MBOX_AUTH_LEN], uint8_t pub[MBOX_AUTH_LEN]);
/*
 * A grant body: 1 with onion and secret, 0 for MBOX_GRANT_NONE (the
 * mailbox was withdrawn), or ERR_PROTO.
 */
int mbox_grant_parse(const char *s, size_t len, char onion[ONION_LEN + 1],
    uint8_t secret[MBOX_SECRET_LEN], uint8_t auth[MBOX_AUTH_LEN]);

/* mbox.c: the node's mailbox state. */
struct mbox_opts {
	int role;			/* 1: this daemon is a mailbox */
	int interval;			/* seconds between fetches/deposits */
	long long quota_count;		/* per credential */
	long long quota_bytes;
	long long ttl;			/* seconds */
};
int mbox_init(struct node *, const struct mbox_opts *);
void mbox_free(struct node *);
/* Tor is ready (start: fetch now). */
void mbox_tor_ready(struct node *);
/* 1 if this daemon is a mailbox: inbound connections go to mbox_srv_accept. */
int mbox_is_mailbox(const struct node *);
struct bufferevent;
/* A grant arrived inside the ratchet (delivery.c, inside node_txn). */
int mbox_on_grant(struct node *, struct contact *, const char *body,
    size_t len);
/* 1 if seq of c went to c's mailbox (message state "in mailbox"). */
int mbox_deposited(struct node *, struct contact *, uint64_t seq);
/* The "mailbox" object of status. */
json_t *mbox_status_json(struct node *);
/* Stop every mailbox connection (node_down). */
void mbox_stop(struct node *);

/* The API (rpc mailbox.*). Each: 0 with *res, or -1 with err filled. */
int api_mailbox_pair_code(struct node *, json_t **, struct api_err *);
int api_mailbox_pair(struct node *, const char *code, json_t **,
    struct api_err *);
int api_mailbox_status(struct node *, json_t **, struct api_err *);
int api_mailbox_unpair(struct node *, json_t **, struct api_err *);

/* mbox_serve.c: the mailbox role. */
struct mbox_srv;
void mbox_srv_accept(struct node *, struct bufferevent *);
void mbox_srv_stop(struct node *);
int mbox_srv_expire(struct node *);
json_t *mbox_srv_status(struct node *);
/* Publish the mailbox's onion for the keys it knows (client authorization). */
void mbox_srv_publish(struct node *);

#endif
