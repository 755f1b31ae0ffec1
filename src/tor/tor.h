/*
 * tor.h -- the daemon's tor: spawn a child tor we own, or attach to an
 * existing one; publish our onion service; report bootstrap progress.
 * libevent, non-blocking. Restarts a spawned tor that exits, with backoff,
 * and re-adds the onion.
 */
#ifndef WARREN_TOR_H
#define WARREN_TOR_H

#include <stdint.h>

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
/* Stops a spawned tor (closing the owning connection), frees. Accepts NULL. */
void tor_free(struct tor *);

#endif
