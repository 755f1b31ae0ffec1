/*
 * tor.h -- the daemon's tor: spawn a child tor we own, or attach to an
 * existing one; publish our onion service; report bootstrap progress.
 * libevent, non-blocking. Restarts a spawned tor that exits, with backoff,
 * and re-adds the onion.
 */
#ifndef WARREN_TOR_H
#define WARREN_TOR_H

#include <stdint.h>

#include "tor/clientauth.h"

struct event_base;

struct tor_opts {
	const char *data_dir;	/* warren data dir; tor's DataDirectory is DIR/tor */
	const char *tor_binary;	/* NULL: "tor" from PATH */
	const char *torrc_append; /* NULL or a file whose lines are added */
	const char *control;	/* NULL: spawn; else "PORT", "HOST:PORT" or "unix:PATH" */
	const char *control_password; /* for HASHEDPASSWORD when attaching; may be NULL */
	const char *key_blob;	/* ED25519-V3 blob (88 chars); copied, wiped on free */
	const char *onion;	/* our address (56 chars), to match HS_DESC events */
	const char *target;	/* unix socket path that inbound streams go to */
	uint16_t port;		/* virtual port, WARREN_PORT */
	int probe;		/* first dial our own onion: refuse if it answers */
	int hidden;		/* do not publish the public onion (discoverable off) */
};

struct tor_status {
	int running;		/* control connection up and authenticated */
	int progress;		/* bootstrap 0..100 */
	char summary[128];	/* tor's SUMMARY, e.g. "Loading relay descriptors" */
	char tag[64];		/* tor's TAG, e.g. "loading_descriptors" */
	int published;		/* first HS_DESC UPLOADED for our address seen */
	int restarts;		/* how many times tor was restarted */
	char error[256];	/* last problem, readable; "" if none */
	char version[32];	/* tor's version, "" until known */
	int pow;		/* TOR_POW_*: proof-of-work on our onion */
	char pow_note[128];	/* why it is off, readable; "" if on */
	int probing;		/* checking that no other copy runs (opts.probe) */
	int elsewhere;		/* it does: our onion answered; not added */
	int public_on;		/* the public onion is wanted (not hidden) */
	int onions;		/* extra onions (endpoints, invites) registered */
	int onions_up;		/* of those, published (HS_DESC UPLOADED) */
	int auths;		/* client authorizations registered */
};

#define TOR_POW_UNKNOWN	0	/* not added yet */
#define TOR_POW_ON	1	/* ADD_ONION took PoWDefensesEnabled=1 */
#define TOR_POW_OFF	2	/* tor too old (< 0.4.9.2) or refused it */

struct tor;
/* Called whenever a field of tor_status changes. */
typedef void tor_status_cb(struct tor *, const struct tor_status *, void *);

/* Caller frees with tor_free. Nothing happens until tor_start. */
struct tor *tor_new(struct event_base *, const struct tor_opts *,
    tor_status_cb *, void *);
/* Start (spawn or attach). 0, or ERR_* with a log line saying why. */
int tor_start(struct tor *);
const struct tor_status *tor_status(const struct tor *);
/*
 * Where to send SOCKS5: "unix:/path" for a spawned tor, or "HOST:PORT"
 * learnt from GETINFO net/listeners/socks; NULL while unknown.
 */
const char *tor_socks_addr(const struct tor *);
/* SIGNAL NEWNYM: forget failed descriptor fetches (after repeated 0xF0). */
int tor_newnym(struct tor *);
/*
 * Extra onions (per-contact endpoints, invites) and client authorizations.
 * tor.c keeps them and (re)adds them on every control connection, after
 * the public onion (or instead of it when hidden); nothing goes to tor's
 * files. ADD_ONION and ONION_CLIENT_AUTH_ADD are sent as secrets.
 */
struct tor_onion_spec {
	const uint8_t *seed;	/* TORCA_SEED_LEN: the onion's ed25519 seed */
	const char *target;	/* unix socket inbound streams go to */
	uint16_t port;		/* virtual port */
	const uint8_t (*clients)[TORCA_KEY_LEN]; /* x25519 pubs; n == 0: open */
	size_t n;
};

#define TOR_ONION_NONE		0	/* not registered */
#define TOR_ONION_PENDING	1	/* registered, not (yet) added */
#define TOR_ONION_ADDED		2	/* ADD_ONION took it */
#define TOR_ONION_PUBLISHED	3	/* a descriptor was uploaded */
#define TOR_ONION_FAILED	4	/* tor refused it (see the log) */

/* An extra onion changed state (onion: 56 chars). */
typedef void tor_onion_cb(struct tor *, const char *onion, int state, void *);
void tor_set_onion_cb(struct tor *, tor_onion_cb *, void *);

/*
 * Register an onion (address into onion, may be NULL) and add it now if
 * tor is ready. Registering an address again replaces its client list:
 * DEL_ONION, then ADD_ONION (tor republishes). ERR_INVAL, ERR_TOOBIG.
 */
int tor_onion_add(struct tor *, const struct tor_onion_spec *,
    char onion[TORCA_ONION_CHARS + 1]);
/* Forget an onion and DEL_ONION it. ERR_NOTFOUND if not registered. */
int tor_onion_del(struct tor *, const char *onion);
/* TOR_ONION_* of an address. */
int tor_onion_state(const struct tor *, const char *onion);
/*
 * Register our client key for someone's onion and ONION_CLIENT_AUTH_ADD it
 * (memory only, never Flags=Permanent); again replaces the key.
 */
int tor_auth_add(struct tor *, const char *onion,
    const uint8_t priv[TORCA_KEY_LEN]);
/* Forget it and ONION_CLIENT_AUTH_REMOVE it. ERR_NOTFOUND if unknown. */
int tor_auth_remove(struct tor *, const char *onion);
/* Publish (1) or withdraw (0) the public onion; takes effect at once. */
int tor_set_public(struct tor *, int on);

/* Stops a spawned tor (closing the owning connection), frees. Accepts NULL. */
void tor_free(struct tor *);

#endif
