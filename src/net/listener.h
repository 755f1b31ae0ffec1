/*
 * listener.h -- the AF_UNIX socket the onion service forwards to (e.g.
 * DATADIR/peer.sock): accepts connections and hands them to the owner as
 * bufferevents, at most max_unauth unauthenticated ones at a time.
 *
 * The cap: every connection handed to the callback counts as
 * unauthenticated until the owner calls listener_release exactly once for
 * it -- when its peer comes up (on_up) or, if it never did, when it is
 * lost. While the count is at the cap, new connections are closed at once.
 */
#ifndef WARREN_LISTENER_H
#define WARREN_LISTENER_H

#include <stddef.h>

struct bufferevent;
struct event_base;
struct listener;	/* opaque */

/*
 * A new connection: bev is connected, non-blocking, made with
 * BEV_OPT_CLOSE_ON_FREE; the owner owns it (typically passes it straight
 * to peer_new_responder).
 */
typedef void listener_cb(struct listener *, struct bufferevent *bev, void *);

/*
 * Listen at path: its directory must belong to us and not be group- or
 * world-writable; a stale socket there is removed (anything else there
 * is ERR_EXISTS); the socket is created mode 0600. Returns 0 with *out,
 * ERR_TOOBIG (path does not fit sun_path), ERR_INVAL (unsafe directory),
 * ERR_EXISTS, or ERR_IO. Caller frees with listener_free.
 */
int listener_new(struct listener **out, struct event_base *,
    const char *path, unsigned int max_unauth, listener_cb *, void *arg);
/* Stop listening and remove the socket file. Accepts NULL. */
void listener_free(struct listener *);
/* One handed-out connection is authenticated or gone; see above. */
void listener_release(struct listener *);
/* The number of unauthenticated connections now. */
unsigned int listener_unauth(const struct listener *);

#endif
