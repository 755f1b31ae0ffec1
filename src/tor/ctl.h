/*
 * ctl.h -- one tor control connection: a FIFO of commands matched to their
 * replies, 650 events to a handler, one "lost" callback when it breaks.
 */
#ifndef WARREN_CTL_H
#define WARREN_CTL_H

#include "tor/ctl_parse.h"

struct bufferevent;
struct torctl;

#define TORCTL_MAX_PENDING	32	/* commands awaiting a reply */

/* The reply to one command. */
typedef void torctl_reply_cb(struct torctl *, const struct ctl_reply *,
    void *);
/* An asynchronous 650 event. */
typedef void torctl_event_cb(struct torctl *, const struct ctl_reply *,
    void *);
/* The connection broke (EOF, I/O or protocol error: err says which). */
typedef void torctl_lost_cb(struct torctl *, int err, void *);

/*
 * Takes ownership of bev (connected). Caller frees with torctl_free, which
 * may be called from inside any of the callbacks; no callback follows it.
 */
struct torctl *torctl_new(struct bufferevent *, torctl_event_cb *,
    torctl_lost_cb *, void *);
void torctl_free(struct torctl *);	/* accepts NULL; closes the socket */
/*
 * Queue one command line (no CRLF). ERR_INVAL if it holds CR, LF or NUL,
 * ERR_TOOBIG if too long or too many are pending. cb may be NULL.
 */
int torctl_send(struct torctl *, const char *cmd, torctl_reply_cb *, void *);
/*
 * torctl_send for a command that holds a secret (ADD_ONION's key): the
 * line goes out of a sodium_malloc'd copy that libevent references (it
 * never lands in libevent's own buffers) and that is wiped and freed once
 * written or when the connection goes. The caller wipes its own copy.
 */
int torctl_send_secret(struct torctl *, const char *cmd, torctl_reply_cb *,
    void *);
/* Quote s as a control-spec QuotedString into out; ERR_INVAL on CR/LF/NUL. */
int torctl_quote(const char *s, char *out, size_t outlen);

#endif
