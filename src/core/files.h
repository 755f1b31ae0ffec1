/*
 * files.h -- file transfer inside src/core (doc/PROTOCOL.md section 9):
 * offers and their state in the store (files.c), the transfer streams
 * (files_net.c). Each transfer is one row of `files`; received chunks are
 * kept as sealed records in DIR/files/ROW.part until saved.
 */
#ifndef WARREN_FILES_H
#define WARREN_FILES_H

#include <stdint.h>

#include <jansson.h>

#include "core/fileproto.h"

struct bufferevent;
struct contact;
struct event;
struct node;
struct plain;
struct socks_req;

/* files.state */
enum file_state {
	FS_OFFERED = 1,		/* out: offered; in: waiting for the user */
	FS_TRANSFERRING = 2,	/* chunks are moving (or will on reconnect) */
	FS_COMPLETE = 3,	/* in: all verified, sealed here; out: done */
	FS_SAVED = 4,		/* in: written out, sealed copy deleted */
	FS_CANCELLED = 5,
	FS_REJECTED = 6,
	FS_FAILED = 7
};

#define FILE_STALL_SECS		60	/* no byte for this long: reconnect */
#define FILE_RETRY_MAX_SECS	30	/* reconnect backoff cap */
#define FILE_BAD_MAX		3	/* streams in a row with a bad record */
#define FILE_PROGRESS_MS	500	/* at most two progress events a second */
#define FILE_SERVE_MAX		8	/* transfer streams served at once */
#define FILE_OUTBUF		(1024 * 1024)	/* sender's write queue */
#define FILE_DISK_MARGIN	((uint64_t)64 << 20)	/* kept free */

struct xfer {
	struct node *node;
	int64_t row;
	int64_t contact;
	int dir;			/* 0 out, 1 in */
	int state;			/* enum file_state */
	struct file_offer off;		/* with the key: wiped on free */
	char *path;			/* out: the source; in: save to (or NULL) */
	char *error;			/* why it failed, or NULL */
	uint64_t done;			/* in: chunks verified and stored */
	uint64_t sent;			/* out: chunks written to streams */
	int64_t created;
	int64_t expires;		/* ms; 0 = kept (disappearing: timer) */
	int64_t note;			/* its note in the conversation, or 0 */
	uint32_t ttl;			/* seconds, for its note (0 = kept) */

	/* Receiver runtime. */
	struct socks_req *dialing;
	struct bufferevent *bev;
	int part_fd;
	int got_status;
	uint8_t *buf;			/* FILE_CHUNK bytes of plaintext */
	struct event *timer;		/* retry */
	int backoff;
	int bad;			/* streams in a row that sent a bad record */
	uint64_t since_sync;
	/* Progress (both directions). */
	int64_t prog_ms;		/* last event */
	uint64_t prog_bytes;		/* bytes at the last event */
	int64_t start_ms;
	uint64_t start_bytes;
	struct xfer *next;
};

struct files {
	struct xfer *xfers;
	struct fserve *serves;
	int nserves;
	uint64_t auto_accept;		/* bytes; 0 = off */
	struct event *expiry;
};

/* files.c */
int files_start(struct node *);		/* load rows, resume transfers */
void files_stop(struct node *);		/* close streams, free state */
/* A PLAIN_FILE_* plaintext from c (inside node_txn). */
int files_on_plain(struct node *, struct contact *, uint64_t seq,
    const struct plain *);
/* The contact is gone: forget its transfers (rows go with ON DELETE). */
void files_drop_contact(struct node *, int64_t contact);
/* Delete transfers whose time is up (expiry.c); how many. */
int files_expire(struct node *, int64_t now);
/* Write x's note into c's conversation (with x->ttl). */
int xfer_note(struct xfer *, struct contact *, const char *text);
struct xfer *files_find(struct node *, int64_t row);
int xfer_set_state(struct xfer *, int state, const char *error);
/* Store state, counters and meta (opens node_txn). */
int xfer_store(struct xfer *);
void xfer_progress(struct xfer *, uint64_t bytes, int force);
char *xfer_part_path(struct xfer *);
void xfer_discard(struct xfer *);
/* Insert a new transfer's row (inside node_txn); sets x->row. */
int xfer_insert(struct xfer *);
/* Accept an incoming offer (path: save there when complete). */
int files_accept_xfer(struct xfer *, const char *path);
/* Tell x's contact (PLAIN_FILE_DONE or _CANCEL; reason may be NULL). */
int xfer_tell(struct xfer *, int kind, const char *reason);
/* Cancel or reject from our side and tell the contact. */
int files_cancel(struct xfer *);
/* Verify the stored records and the hash; mark complete (and save). */
void xfer_finish(struct xfer *);
int xfer_save(struct xfer *, const char *path, char **final);
const char *file_state_name(int);
json_t *xfer_json(struct xfer *);
int files_set_auto_accept(struct node *, const char *value);

/* files_net.c */
/* An inbound stream from our onion: a transfer or a peer connection. */
void files_accept(struct node *, struct bufferevent *);
/* Start (or restart) pulling an incoming transfer. */
void xfer_pull(struct xfer *);
/* Tor became ready: start waiting pulls now. */
void files_kick(struct node *);
/* Stop pulling (no state change). */
void xfer_halt(struct xfer *);
/* Close the streams serving an outgoing transfer. */
void files_unserve(struct node *, struct xfer *);
void files_serve_free_all(struct node *);

#endif
