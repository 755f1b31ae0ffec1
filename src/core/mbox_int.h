/* mbox_int.h -- what mbox.c, mbox_client.c and mbox_serve.c share. */
#ifndef WARREN_MBOX_INT_H
#define WARREN_MBOX_INT_H

#include <stdint.h>

#include "core/mbox.h"

/* Settings: the pairing code's hash and expiry; the role of a store. */
#define MBOX_SET_PAIR	"mailbox.pair"
#define MBOX_SET_ROLE	"mailbox.role"
#define MBOX_SET_AUTH	"mailbox.auth"	/* sealed: owner, depositor pubs */

struct event;
struct peer;
struct socks_req;
struct mbox_srv;

enum mbox_cli_kind {
	MBC_PAIR = 1,		/* redeem a pairing code */
	MBC_OWNER = 2,		/* our own mailbox: grants, fetch, delete */
	MBC_DEPOSIT = 3		/* a contact's mailbox: PUT */
};

/* One session from us to a mailbox. */
struct mbox_cli {
	struct node *n;
	int kind;
	int64_t contact;		/* MBC_DEPOSIT: whose mailbox */
	char onion[ONION_LEN + 1];
	uint8_t secret[MBOX_SECRET_LEN];	/* credential, or pairing code */
	uint8_t tag[MBOX_TAG_LEN + 2 * MBOX_AUTH_LEN]; /* MBC_PAIR: PAIR's b */
	struct identity *eph;		/* a throwaway identity per session */
	struct socks_req *dialing;
	struct peer *peer;
	uint64_t wait;			/* the op awaiting its reply */
	uint64_t after;			/* NEXT: last id seen */
	uint64_t put_seq;		/* PUT: the seq in flight */
	int64_t grant_contact;		/* CRED_ADD: for whom */
	int count;			/* blobs moved in this session */
	int closing;
	struct mbox_cli *next;
};

struct mbox {
	struct mbox_opts opts;
	struct event *tick;
	struct mbox_srv *srv;		/* mailbox role: sessions */
	struct mbox_cli *cli;		/* our sessions to mailboxes */
	/* Our own mailbox, as last seen. */
	int64_t last_fetch;		/* s; 0 never */
	long long queued;		/* blobs left after the last fetch */
	long long fetched;		/* since start */
	int reachable;			/* -1 unknown, 0 no, 1 yes */
	char error[160];		/* the last problem, for status */
	int64_t start_ms;		/* when the node came up (benchmark) */
	int64_t drained_ms;		/* first fetch that found it empty */
};

/* mbox_client.c: the transport of a session. */
/* Dial cli->onion and add it to the node's list (cli is owned there). */
int mbc_start(struct node *, struct mbox_cli *);
int mbc_send(struct mbox_cli *, uint64_t op, uint64_t v, const uint8_t *a,
    size_t alen, const uint8_t *b, size_t blen);
/* Finish the session (its record goes with the connection). */
void mbc_close(struct mbox_cli *);
/* The session of this kind (and contact), or NULL. */
struct mbox_cli *mbc_find(struct node *, int kind, int64_t contact);
void mbc_stop_all(struct node *);

/* mbox.c: helpers mbox_api.c shares. */
/* Run the tick after secs seconds. */
void mbox_arm(struct node *, int secs);
/* Note a problem for status (and the log). */
void mbox_note(struct node *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
/* Our mailbox (ERR_NOTFOUND if none); pair: secret and key while pairing. */
int mbox_own(struct node *, char onion[ONION_LEN + 1],
    uint8_t secret[MBOX_SECRET_LEN], uint8_t pair[MBOX_PAIR_LEN +
    MBOX_AUTH_LEN], int *pairing);
/* Seal v (NULL: write NULL) into ?2 of sql for row ?1 (inside node_txn). */
int mbox_write(struct node *, const char *sql, const char *table,
    const char *column, int64_t row, const void *v, size_t len);
/* Queue c's grant (onion NULL: "none") inside the ratchet. */
int mbox_grant_send(struct node *, struct contact *, const char *onion,
    const uint8_t mine[MBOX_SECRET_LEN],
    const uint8_t owner[MBOX_SECRET_LEN]);

/* mbox.c: what a session does. */
void mbox_cli_up(struct mbox_cli *);
int mbox_cli_reply(struct mbox_cli *, const struct wire_msg *);
void mbox_cli_lost(struct mbox_cli *, int reason);

#endif
