/*
 * tor.c -- the daemon's tor: spawn (or attach), authenticate, add our
 * onion, follow bootstrap and HS_DESC events, restart with backoff.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include "tor/addr.h"
#include "tor/auth.h"
#include "tor/ctl.h"
#include "tor/launch.h"
#include "tor/socks.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define TOR_BLOB_CHARS		88
#define TOR_ONION_CHARS		56
#define TOR_BACKOFF_MIN_MS	1000
#define TOR_BACKOFF_MAX_MS	60000
#define TOR_SETUP_SECS		30	/* connect + auth + ADD_ONION */
#define TOR_REAP_MS		100	/* poll for the child's exit */
#define TOR_REAP_TERM		20	/* polls before SIGTERM */
#define TOR_REAP_KILL		50	/* polls before SIGKILL */
/* The first tor whose ADD_ONION takes PoWDefensesEnabled. */
#define TOR_POW_MIN		0, 4, 9, 2
#define TOR_POW_MIN_STR		"0.4.9.2"
#define TOR_PROBE_MS		120000	/* the dial to our own onion */
#define TOR_PROBE_SUMMARY	"checking that this identity is not running " \
				"elsewhere"

/* An extra onion: a contact's endpoint or an invite (tor.h). */
struct tor_extra {
	char onion[TORCA_ONION_CHARS + 1];
	uint8_t seed[TORCA_SEED_LEN];	/* secret */
	char *target;
	uint16_t port;
	uint8_t (*clients)[TORCA_KEY_LEN];
	size_t n;
	int state;			/* TOR_ONION_* */
	unsigned long seq;		/* its ADD_ONION in flight, or 0 */
	struct tor_extra *next;
};

/* Our key for someone's onion. */
struct tor_auth {
	char onion[TORCA_ONION_CHARS + 1];
	uint8_t priv[TORCA_KEY_LEN];	/* secret */
	struct tor_auth *next;
};

struct tor {
	struct event_base *base;
	char *data_dir, *tor_binary, *torrc_append, *control, *password;
	char *onion, *target;
	char *blob;		/* secret: the ED25519-V3 key blob */
	uint16_t port;
	tor_status_cb *cb;
	void *arg;
	struct tor_status st;

	struct torctl *ctl;
	struct bufferevent *connecting;	/* attach: not yet connected */
	pid_t pid;		/* spawned child, or -1 */
	int reaps;
	char *socks;		/* tor_socks_addr() */
	int backoff_ms;
	int started;
	struct event *retry_ev, *reap_ev, *deadline_ev;

	int pow_try;		/* ask for PoW in ADD_ONION */
	int probe;		/* dial our onion before adding it */
	struct socks_req *probe_req;
	uint8_t cookie[TORAUTH_COOKIE_LEN];	/* secret while authenticating */
	uint8_t cnonce[TORAUTH_NONCE_LEN];

	int hidden;		/* public onion withdrawn (discoverable off) */
	int public_added;	/* ADD_ONION of the public onion succeeded */
	int ready;		/* setup done: extras go out as registered */
	struct tor_extra *extras;
	struct tor_auth *auths;
	unsigned long add_sent, add_answered;	/* extra ADD_ONIONs */
	tor_onion_cb *onion_cb;
	void *onion_arg;
};

static torctl_event_cb tor_on_event;
static torctl_lost_cb tor_on_lost;
static torctl_reply_cb tor_on_protocolinfo, tor_on_authchallenge;
static torctl_reply_cb tor_on_authenticate, tor_on_setevents;
static torctl_reply_cb tor_on_bootstrap, tor_on_add_onion, tor_on_setconf;
static torctl_reply_cb tor_on_listeners, tor_on_newnym, tor_on_version;
static void tor_connect(struct tor *);
static void tor_connected_cb(struct bufferevent *, short, void *);
static void tor_drop(struct tor *);
static void tor_probe_dial(struct tor *);
static void tor_extras_flush(struct tor *);
static void tor_after_onion(struct tor *);
static void tor_extras_reset(struct tor *);
static void tor_extras_free(struct tor *);
static void tor_extra_desc(struct tor *, const char *, const char *);

/* Tell the owner that the status changed. */
static void
tor_notify(struct tor *t)
{
	if (t->cb != NULL)
		t->cb(t, &t->st, t->arg);
}

/* Record a readable problem, log it and notify. */
static void __attribute__((format(printf, 2, 3)))
tor_error(struct tor *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->st.error, sizeof t->st.error, fmt, ap);
	va_end(ap);
	log_warn("tor: %s", t->st.error);
	tor_notify(t);
}

/* A reply is "250 ..." on its last line. */
static int
tor_ok(const struct ctl_reply *rep)
{
	return rep->code == 250;
}

/* The text of the final line of a reply, for error messages. */
static const char *
tor_reply_text(const struct ctl_reply *rep)
{
	return rep->lines[rep->n - 1].text;
}

/* Send a command; on failure drop the connection. */
static int
tor_send(struct tor *t, const char *cmd, torctl_reply_cb *cb)
{
	int r;

	if ((r = torctl_send(t->ctl, cmd, cb, t)) != 0) {
		tor_error(t, "cannot send a control command: %s", err_str(r));
		tor_drop(t);
	}
	return r;
}

/* Add or replace a timer. */
static void
tor_arm(struct event *ev, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(ev, &tv);
}

/* Try again after the backoff, which then doubles. */
static void
tor_schedule_retry(struct tor *t)
{
	log_info("tor: retrying in %d ms", t->backoff_ms);
	tor_arm(t->retry_ev, t->backoff_ms);
	t->backoff_ms *= 2;
	if (t->backoff_ms > TOR_BACKOFF_MAX_MS)
		t->backoff_ms = TOR_BACKOFF_MAX_MS;
}

/* Forget the connection's state in the status. */
static void
tor_reset_status(struct tor *t)
{
	t->st.running = 0;
	t->st.progress = 0;
	t->st.published = 0;
	t->st.tag[0] = '\0';
	t->st.summary[0] = '\0';
	t->st.pow = TOR_POW_UNKNOWN;
	t->st.pow_note[0] = '\0';
	t->st.probing = 0;
	t->public_added = 0;
	t->ready = 0;
	tor_extras_reset(t);
}

/* Read the last non-empty line of a small file (tor's stdout). */
static void
tor_last_line(const char *path, char *buf, size_t len)
{
	char tail[512];
	ssize_t n;
	off_t end;
	char *p;
	int fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return;
	end = lseek(fd, 0, SEEK_END);
	if (end > (off_t)sizeof tail - 1)
		lseek(fd, end - (off_t)sizeof tail + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, tail, sizeof tail - 1);
	close(fd);
	if (n <= 0)
		return;
	tail[n] = '\0';
	while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r'))
		tail[--n] = '\0';
	p = strrchr(tail, '\n');
	snprintf(buf, len, "%s", p ? p + 1 : tail);
}

/* Poll the spawned child until it has exited, then schedule a restart. */
static void
tor_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tor *t = arg;
	char how[64], line[512], *path, *log;
	int status;
	pid_t r;

	r = waitpid(t->pid, &status, WNOHANG);
	if (r == 0) {
		if (++t->reaps == TOR_REAP_TERM)
			kill(t->pid, SIGTERM);
		else if (t->reaps >= TOR_REAP_KILL)
			kill(t->pid, SIGKILL);
		tor_arm(t->reap_ev, TOR_REAP_MS);
		return;
	}
	if (r == t->pid) {
		torlaunch_describe(status, how, sizeof how);
		xasprintf(&path, "%s/tor/stdout.log", t->data_dir);
		tor_last_line(path, line, sizeof line);
		if (line[0] != '\0')
			log_warn("tor: last output: %s", line);
		/* Point at tor's log if it got that far, else its output. */
		xasprintf(&log, "%s/tor/notice.log", t->data_dir);
		if (access(log, F_OK) != 0 && access(path, F_OK) == 0) {
			free(log);
			log = path;
			path = NULL;
		}
		tor_error(t, "tor (pid %ld) %s; see %s", (long)t->pid, how,
		    log);
		free(path);
		free(log);
	}
	t->pid = -1;
	tor_schedule_retry(t);
}

/* Close the control connection; restart or reconnect after a backoff. */
static void
tor_drop(struct tor *t)
{
	evtimer_del(t->deadline_ev);
	socks_cancel(t->probe_req);
	t->probe_req = NULL;
	torctl_free(t->ctl);
	t->ctl = NULL;
	if (t->connecting != NULL) {
		bufferevent_free(t->connecting);
		t->connecting = NULL;
	}
	sodium_memzero(t->cookie, sizeof t->cookie);
	tor_reset_status(t);
	tor_notify(t);
	if (t->pid > 0) {
		/* Closing the owning connection makes tor exit. */
		t->reaps = 0;
		tor_arm(t->reap_ev, TOR_REAP_MS);
	} else
		tor_schedule_retry(t);
}

/* Backoff over: start again. */
static void
tor_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tor *t = arg;

	t->st.restarts++;
	tor_notify(t);
	tor_connect(t);
}

/* Connecting, authenticating or adding the onion took too long. */
static void
tor_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tor *t = arg;

	tor_error(t, "tor did not answer within %d s", TOR_SETUP_SECS);
	tor_drop(t);
}

/* Add our onion, with proof-of-work defences if tor has them. */
static void
tor_add_onion(struct tor *t)
{
	char *cmd;
	size_t len;
	int r;

	if (t->hidden) {
		evtimer_del(t->deadline_ev);
		log_info("tor: not publishing our public onion "
		    "(discoverable off)");
		tor_notify(t);
		tor_after_onion(t);
		return;
	}
	/*
	 * The key blob: never logged; built in guarded memory, wiped after
	 * queueing, and libevent writes it from a guarded copy that is wiped
	 * once sent (torctl_send_secret).
	 */
	len = strlen(t->blob) + strlen(t->target) + 120;
	if ((cmd = sodium_malloc(len)) == NULL) {
		tor_error(t, "no guarded memory for the onion key");
		tor_drop(t);
		return;
	}
	snprintf(cmd, len, "ADD_ONION ED25519-V3:%s Flags=DiscardPK%s "
	    "Port=%u,unix:%s", t->blob,
	    t->pow_try ? " PoWDefensesEnabled=1" : "", (unsigned)t->port,
	    t->target);
	if ((r = torctl_send_secret(t->ctl, cmd, tor_on_add_onion, t)) != 0) {
		tor_error(t, "cannot send a control command: %s", err_str(r));
		tor_drop(t);
	}
	sodium_free(cmd);
}

/* Authenticated: events, bootstrap state, version, then the onion. */
static void
tor_setup(struct tor *t)
{
	t->st.running = 1;
	tor_notify(t);
	if (tor_send(t, "SETEVENTS STATUS_CLIENT HS_DESC",
	    tor_on_setevents) != 0)
		return;
	if (tor_send(t, "GETINFO status/bootstrap-phase",
	    tor_on_bootstrap) != 0)
		return;
	(void)tor_send(t, "GETINFO version", tor_on_version);
}

/* The onion is there: let tor out (our tor) or learn its SOCKS port. */
static void
tor_after_onion(struct tor *t)
{
	if (t->ready)
		return;		/* the public onion again (tor_set_public) */
	t->ready = 1;
	tor_extras_flush(t);
	if (t->pid > 0)
		tor_send(t, "SETCONF DisableNetwork=0", tor_on_setconf);
	else
		tor_send(t, "GETINFO net/listeners/socks", tor_on_listeners);
}

/* Is "0.4.9.11 (git-...)" at least a.b.c.d? */
static int
tor_version_at_least(const char *v, int a, int b, int c, int d)
{
	int have[4] = { 0, 0, 0, 0 }, want[4] = { a, b, c, d }, i;

	if (sscanf(v, "%d.%d.%d.%d", &have[0], &have[1], &have[2],
	    &have[3]) < 3)
		return 0;
	for (i = 0; i < 4; i++)
		if (have[i] != want[i])
			return have[i] > want[i];
	return 1;
}

/*
 * A store fresh from `warren export --keep` may still run elsewhere. Before
 * our onion goes up, let tor out and dial it: if it answers, another copy
 * is live and we add nothing (doc/SECURITY.md, "Export").
 */
static void
tor_probe_start(struct tor *t)
{
	evtimer_del(t->deadline_ev);
	t->st.probing = 1;
	snprintf(t->st.summary, sizeof t->st.summary, "%s",
	    TOR_PROBE_SUMMARY);
	log_info("tor: %s", TOR_PROBE_SUMMARY);
	tor_notify(t);
	if (t->pid > 0)
		tor_send(t, "SETCONF DisableNetwork=0", tor_on_setconf);
	else
		tor_send(t, "GETINFO net/listeners/socks", tor_on_listeners);
	tor_probe_dial(t);
}

/* The dial is over: a stream means the other copy is up. */
static void
tor_probe_cb(struct bufferevent *bev, int err, uint8_t rep,
    const char *reason, void *arg)
{
	struct tor *t = arg;

	(void)err;
	(void)rep;
	t->probe_req = NULL;
	if (bev != NULL) {
		bufferevent_free(bev);
		t->st.probing = 0;
		t->st.elsewhere = 1;
		tor_error(t, "this identity is running elsewhere: its onion "
		    "answered; stop the other copy (or discard this one) "
		    "before starting this one");
		return;
	}
	log_info("tor: no other copy answered (%s)", reason);
	t->probe = 0;
	t->st.probing = 0;
	t->st.summary[0] = '\0';
	tor_notify(t);
	tor_arm(t->deadline_ev, TOR_SETUP_SECS * 1000);
	tor_add_onion(t);
}

/* Bootstrapped with a SOCKS port: dial our own onion, once. */
static void
tor_probe_dial(struct tor *t)
{
	if (!t->st.probing || t->probe_req != NULL || t->ctl == NULL ||
	    t->st.progress < 100 || t->socks == NULL)
		return;
	t->probe_req = socks_connect(t->base, t->socks, t->onion, t->port,
	    "warren-probe", TOR_PROBE_MS, tor_probe_cb, t);
	if (t->probe_req == NULL) {
		tor_error(t, "cannot dial our own onion to check it");
		tor_drop(t);
	}
}

/* GETINFO version answered: decide on PoW, then add the onion. */
static void
tor_on_version(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;
	const char *v;

	t->st.version[0] = '\0';
	if (tor_ok(rep) && strncmp(rep->lines[0].text, "version=", 8) == 0) {
		v = rep->lines[0].text + 8;
		snprintf(t->st.version, sizeof t->st.version, "%.*s",
		    (int)strcspn(v, " "), v);
	}
	t->pow_try = t->st.version[0] != '\0' &&
	    tor_version_at_least(t->st.version, TOR_POW_MIN);
	if (!t->pow_try) {
		t->st.pow = TOR_POW_OFF;
		snprintf(t->st.pow_note, sizeof t->st.pow_note,
		    "tor %s is older than " TOR_POW_MIN_STR,
		    t->st.version[0] ? t->st.version : "(version unknown)");
		log_info("tor: no proof-of-work defences: %s",
		    t->st.pow_note);
	}
	if (t->probe)
		tor_probe_start(t);
	else
		tor_add_onion(t);
}

/* Start (or restart) tor, or connect to the configured one. */
static void
tor_connect(struct tor *t)
{
	struct sockaddr_storage ss;
	struct bufferevent *bev;
	socklen_t sslen;
	int fd, r;

	tor_arm(t->deadline_ev, TOR_SETUP_SECS * 1000);
	if (t->control == NULL) {
		if ((r = torlaunch_spawn(&(struct tor_opts){
		    .data_dir = t->data_dir, .tor_binary = t->tor_binary,
		    .torrc_append = t->torrc_append }, &fd, &t->pid)) != 0) {
			evtimer_del(t->deadline_ev);
			tor_error(t, "cannot start tor: %s", err_str(r));
			tor_schedule_retry(t);
			return;
		}
		bev = bufferevent_socket_new(t->base, fd, BEV_OPT_CLOSE_ON_FREE);
		t->ctl = torctl_new(bev, tor_on_event, tor_on_lost, t);
		/* __OwningControllerFD is already authenticated. */
		tor_setup(t);
		return;
	}
	if (toraddr_parse(t->control, &ss, &sslen) != 0) {
		/* Checked in tor_start; cannot happen. */
		tor_error(t, "bad control address %s", t->control);
		return;
	}
	t->connecting = bufferevent_socket_new(t->base, -1,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(t->connecting, NULL, NULL, tor_connected_cb, t);
	if (bufferevent_socket_connect(t->connecting, (struct sockaddr *)&ss,
	    (int)sslen) != 0) {
		tor_error(t, "cannot connect to tor's control port %s: %s",
		    t->control, strerror(errno));
		tor_drop(t);
	}
}

/* The attach connection is up (or failed). */
static void
tor_connected_cb(struct bufferevent *bev, short what, void *arg)
{
	struct tor *t = arg;

	if (!(what & BEV_EVENT_CONNECTED)) {
		tor_error(t, "cannot connect to tor's control port %s: %s",
		    t->control,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		tor_drop(t);
		return;
	}
	t->connecting = NULL;
	t->ctl = torctl_new(bev, tor_on_event, tor_on_lost, t);
	tor_send(t, "PROTOCOLINFO 1", tor_on_protocolinfo);
}

/* The connection broke: EOF (tor exited?), I/O or protocol error. */
static void
tor_on_lost(struct torctl *c, int err, void *arg)
{
	struct tor *t = arg;

	tor_error(t, "tor control connection lost: %s", err_str(err));
	tor_drop(t);
}

/* Is word one of the comma-separated items of list? */
static int
tor_in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' ||
		    p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* Pick an auth method from PROTOCOLINFO and start it. */
static void
tor_on_protocolinfo(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;
	char methods[256], cookiefile[1024], hex[2 * TORAUTH_COOKIE_LEN + 1];
	char cmd[1200], quoted[1100];
	const char *auth = NULL;
	int have_cookie = 0;
	size_t i;

	if (!tor_ok(rep))
		goto fail;
	for (i = 0; i < rep->n; i++)
		if (strncmp(rep->lines[i].text, "AUTH ", 5) == 0)
			auth = rep->lines[i].text;
	if (auth == NULL || ctl_kv(auth, "METHODS", methods,
	    sizeof methods) != 0)
		goto fail;
	if (ctl_kv(auth, "COOKIEFILE", cookiefile, sizeof cookiefile) == 0 &&
	    tor_in_list(methods, "SAFECOOKIE"))
		have_cookie = torauth_read_cookie(cookiefile, t->cookie) == 0;

	if (tor_in_list(methods, "NULL")) {
		tor_send(t, "AUTHENTICATE", tor_on_authenticate);
	} else if (have_cookie && tor_in_list(methods, "SAFECOOKIE")) {
		randombytes_buf(t->cnonce, sizeof t->cnonce);
		torauth_hex(hex, t->cnonce, sizeof t->cnonce);
		snprintf(cmd, sizeof cmd, "AUTHCHALLENGE SAFECOOKIE %s", hex);
		tor_send(t, cmd, tor_on_authchallenge);
	} else if (t->password != NULL &&
	    tor_in_list(methods, "HASHEDPASSWORD")) {
		if (torctl_quote(t->password, quoted, sizeof quoted) != 0) {
			tor_error(t, "control password is too long or holds "
			    "a line break");
			tor_drop(t);
			return;
		}
		snprintf(cmd, sizeof cmd, "AUTHENTICATE %s", quoted);
		tor_send(t, cmd, tor_on_authenticate);
		sodium_memzero(quoted, sizeof quoted);
		sodium_memzero(cmd, sizeof cmd);
	} else if (tor_in_list(methods, "COOKIE") &&
	    !tor_in_list(methods, "SAFECOOKIE")) {
		/*
		 * Plain COOKIE sends the file's bytes to whatever answers on
		 * the control port, and the path is its word: anything
		 * listening there could read any 32-byte file of ours. Only
		 * SAFECOOKIE, where tor proves it knows the cookie first.
		 */
		sodium_memzero(t->cookie, sizeof t->cookie);
		tor_error(t, "tor offers only plain COOKIE authentication, "
		    "which would send the cookie file to whatever answers on "
		    "the control port without it proving it is tor; enable "
		    "SAFECOOKIE (tor 0.2.3 or later) or HASHEDPASSWORD");
		tor_drop(t);
	} else {
		tor_error(t, "no usable authentication method (tor offers "
		    "%s%s)", methods, tor_in_list(methods, "HASHEDPASSWORD") &&
		    t->password == NULL ? "; give a control password" : "");
		tor_drop(t);
	}
	return;
fail:
	tor_error(t, "bad PROTOCOLINFO reply: %d %s", rep->code,
	    tor_reply_text(rep));
	tor_drop(t);
}

/* Check tor's SERVERHASH, then prove we read the cookie. */
static void
tor_on_authchallenge(struct torctl *c, const struct ctl_reply *rep,
    void *arg)
{
	struct tor *t = arg;
	uint8_t snonce[TORAUTH_NONCE_LEN], shash[32], want[32], mine[32];
	char hexbuf[2 * 32 + 1], cmd[128];
	const char *why = NULL;

	if (!tor_ok(rep))
		why = "AUTHCHALLENGE failed";
	else if (ctl_kv(rep->lines[0].text, "SERVERHASH", hexbuf,
	    sizeof hexbuf) != 0 || torauth_unhex(shash, 32, hexbuf) != 0 ||
	    ctl_kv(rep->lines[0].text, "SERVERNONCE", hexbuf,
	    sizeof hexbuf) != 0 || torauth_unhex(snonce, 32, hexbuf) != 0)
		why = "malformed AUTHCHALLENGE reply";
	if (why == NULL) {
		torauth_safecookie(t->cookie, t->cnonce, snonce, want, mine);
		if (sodium_memcmp(want, shash, sizeof want) != 0)
			why = "tor's SAFECOOKIE server hash is wrong "
			    "(is this our tor?)";
		else {
			torauth_hex(hexbuf, mine, sizeof mine);
			snprintf(cmd, sizeof cmd, "AUTHENTICATE %s", hexbuf);
			tor_send(t, cmd, tor_on_authenticate);
		}
	}
	sodium_memzero(t->cookie, sizeof t->cookie);
	sodium_memzero(want, sizeof want);
	sodium_memzero(mine, sizeof mine);
	sodium_memzero(hexbuf, sizeof hexbuf);
	sodium_memzero(cmd, sizeof cmd);
	if (why != NULL) {
		tor_error(t, "%s", why);
		tor_drop(t);
	}
}

/* AUTHENTICATE answered. */
static void
tor_on_authenticate(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;

	sodium_memzero(t->cookie, sizeof t->cookie);
	if (!tor_ok(rep)) {
		tor_error(t, "tor refused authentication: %d %s", rep->code,
		    tor_reply_text(rep));
		tor_drop(t);
		return;
	}
	log_info("tor: authenticated to %s", t->control);
	tor_setup(t);
}

/* Generic check for setup commands. */
static int
tor_setup_ok(struct tor *t, const struct ctl_reply *rep, const char *what)
{
	if (tor_ok(rep))
		return 1;
	tor_error(t, "%s failed: %d %s", what, rep->code, tor_reply_text(rep));
	tor_drop(t);
	return 0;
}

/* SETEVENTS answered. */
static void
tor_on_setevents(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	tor_setup_ok(arg, rep, "SETEVENTS");
}

/* Parse "... PROGRESS=n TAG=t SUMMARY=\"s\" [WARNING=...]" into status. */
static void
tor_bootstrap(struct tor *t, const char *text, int warn)
{
	char num[8], tag[sizeof t->st.tag], summary[sizeof t->st.summary];
	char warning[128], reason[64], old_error[sizeof t->st.error];
	char *end;
	long p;

	if (ctl_kv(text, "PROGRESS", num, sizeof num) != 0)
		return;
	p = strtol(num, &end, 10);
	if (*end != '\0' || p < 0 || p > 100)
		return;
	if (ctl_kv(text, "TAG", tag, sizeof tag) != 0)
		tag[0] = '\0';
	if (ctl_kv(text, "SUMMARY", summary, sizeof summary) != 0)
		summary[0] = '\0';
	memcpy(old_error, t->st.error, sizeof old_error);
	if (warn && ctl_kv(text, "WARNING", warning, sizeof warning) == 0) {
		if (ctl_kv(text, "REASON", reason, sizeof reason) != 0)
			reason[0] = '\0';
		snprintf(t->st.error, sizeof t->st.error,
		    "bootstrap problem at %ld%%: %s (%s)", p, warning, reason);
	} else if (p == 100)
		t->st.error[0] = '\0';
	if (p == t->st.progress && strcmp(tag, t->st.tag) == 0 &&
	    strcmp(old_error, t->st.error) == 0)
		return;
	t->st.progress = (int)p;
	snprintf(t->st.tag, sizeof t->st.tag, "%s", tag);
	snprintf(t->st.summary, sizeof t->st.summary, "%s", summary);
	log_info("tor: bootstrapped %d%% (%s): %s", t->st.progress, t->st.tag,
	    t->st.summary);
	if (t->st.probing)
		snprintf(t->st.summary, sizeof t->st.summary, "%s",
		    TOR_PROBE_SUMMARY);
	tor_notify(t);
	if (p == 100 && t->socks == NULL && t->ctl != NULL)
		tor_send(t, "GETINFO net/listeners/socks", tor_on_listeners);
	tor_probe_dial(t);
}

/* GETINFO status/bootstrap-phase answered (a value or a data block). */
static void
tor_on_bootstrap(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;
	const struct ctl_line *l = &rep->lines[0];

	if (!tor_setup_ok(t, rep, "GETINFO status/bootstrap-phase"))
		return;
	tor_bootstrap(t, l->sep == '+' && l->data ? l->data : l->text,
	    strstr(l->text, "=WARN ") != NULL);
}

/* ADD_ONION answered: check the ServiceID is our address. */
static void
tor_on_add_onion(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;
	size_t i;

	if ((rep->code == 512 || rep->code == 513) && t->pow_try) {
		/* A tor built without the pow module says no: go without. */
		t->pow_try = 0;
		t->st.pow = TOR_POW_OFF;
		snprintf(t->st.pow_note, sizeof t->st.pow_note,
		    "tor refused PoWDefensesEnabled: %d %.80s", rep->code,
		    tor_reply_text(rep));
		log_warn("tor: %s; adding the onion without", t->st.pow_note);
		tor_add_onion(t);
		return;
	}
	if (!tor_setup_ok(t, rep, "ADD_ONION"))
		return;
	for (i = 0; i < rep->n; i++) {
		if (strncmp(rep->lines[i].text, "ServiceID=", 10) != 0)
			continue;
		if (strcmp(rep->lines[i].text + 10, t->onion) != 0) {
			tor_error(t, "tor's ServiceID differs from our "
			    "address: wrong key blob?");
			tor_drop(t);
			return;
		}
		evtimer_del(t->deadline_ev);
		t->public_added = 1;
		if (t->pow_try)
			t->st.pow = TOR_POW_ON;
		log_info("tor: onion service %s added on port %u%s",
		    log_onion(t->onion), (unsigned)t->port,
		    t->pow_try ? ", proof-of-work defences on" : "");
		tor_notify(t);
		tor_after_onion(t);
		return;
	}
	tor_error(t, "ADD_ONION reply without a ServiceID");
	tor_drop(t);
}

/* SETCONF DisableNetwork=0 answered. */
static void
tor_on_setconf(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;

	if (tor_setup_ok(t, rep, "SETCONF DisableNetwork=0"))
		log_info("tor: network enabled");
}

/* net/listeners/socks: the first listener, quoted, "HOST:PORT" or unix. */
static void
tor_on_listeners(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;
	struct sockaddr_storage ss;
	socklen_t sslen;
	char addr[256];
	const char *v;

	if (!tor_ok(rep) || (v = strchr(rep->lines[0].text, '=')) == NULL)
		return;
	v++;
	if (*v == '"') {
		if (ctl_unquote(v, addr, sizeof addr, NULL) != 0)
			return;
	} else if (ctl_word(v, 0, addr, sizeof addr) != 0)
		return;
	if (toraddr_parse(addr, &ss, &sslen) != 0) {
		log_info("tor: ignoring SOCKS listener \"%s\"", addr);
		return;
	}
	free(t->socks);
	t->socks = xstrdup(addr);
	log_info("tor: SOCKS listener %s", t->socks);
	tor_notify(t);
	tor_probe_dial(t);
}

/* Count the extras for the status. */
static void
tor_extras_count(struct tor *t)
{
	struct tor_extra *e;
	struct tor_auth *a;

	t->st.onions = t->st.onions_up = t->st.auths = 0;
	for (e = t->extras; e != NULL; e = e->next) {
		t->st.onions++;
		if (e->state == TOR_ONION_PUBLISHED)
			t->st.onions_up++;
	}
	for (a = t->auths; a != NULL; a = a->next)
		t->st.auths++;
}

/* An extra changed state: tell the owner. */
static void
tor_extra_state(struct tor *t, struct tor_extra *e, int state)
{
	if (e->state == state)
		return;
	e->state = state;
	tor_extras_count(t);
	if (t->onion_cb != NULL)
		t->onion_cb(t, e->onion, state, t->onion_arg);
}

static struct tor_extra *
tor_extra_find(const struct tor *t, const char *onion)
{
	struct tor_extra *e;

	for (e = t->extras; e != NULL; e = e->next)
		if (strcmp(e->onion, onion) == 0)
			return e;
	return NULL;
}

static struct tor_auth *
tor_auth_find(const struct tor *t, const char *onion)
{
	struct tor_auth *a;

	for (a = t->auths; a != NULL; a = a->next)
		if (strcmp(a->onion, onion) == 0)
			return a;
	return NULL;
}

/* The connection went: every extra must be added again. */
static void
tor_extras_reset(struct tor *t)
{
	struct tor_extra *e;

	t->add_sent = t->add_answered = 0;
	for (e = t->extras; e != NULL; e = e->next) {
		e->seq = 0;
		e->state = TOR_ONION_PENDING;
	}
	tor_extras_count(t);
}

/* Free one extra, wiping its seed. */
static void
tor_extra_free(struct tor_extra *e)
{
	free(e->target);
	free(e->clients);
	secret_free(e, sizeof *e);
}

static void
tor_extras_free(struct tor *t)
{
	struct tor_extra *e;
	struct tor_auth *a;

	while ((e = t->extras) != NULL) {
		t->extras = e->next;
		tor_extra_free(e);
	}
	while ((a = t->auths) != NULL) {
		t->auths = a->next;
		secret_free(a, sizeof *a);
	}
}

/* A reply we only log when it is a refusal (the line names no onion). */
static void
tor_on_extra_simple(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	int r;

	if ((r = torca_simple_reply(rep)) != 0 && r != ERR_NOTFOUND)
		log_warn("tor: client authorization command refused: %d %.80s",
		    rep->code, tor_reply_text(rep));
}

/* An extra's ADD_ONION answered; replies come in the order sent. */
static void
tor_on_extra_add(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;
	char onion[TORCA_ONION_CHARS + 1];
	struct tor_extra *e;
	unsigned long seq = ++t->add_answered;

	for (e = t->extras; e != NULL; e = e->next)
		if (e->seq == seq)
			break;
	if (e == NULL)
		return;		/* deleted or replaced meanwhile */
	e->seq = 0;
	if (torca_add_onion_reply(rep, onion) != 0 ||
	    strcmp(onion, e->onion) != 0) {
		log_warn("tor: ADD_ONION of an extra onion (%s) failed: "
		    "%d %.80s", log_onion(e->onion), rep->code,
		    tor_reply_text(rep));
		tor_extra_state(t, e, TOR_ONION_FAILED);
		return;
	}
	tor_extra_state(t, e, TOR_ONION_ADDED);
}

/* Send an extra's ADD_ONION (the line holds its key: a secret). */
static int
tor_extra_send(struct tor *t, struct tor_extra *e)
{
	char blob[TORCA_BLOB_CHARS + 1];
	char *cmd;
	int r;

	torca_onion_from_seed(e->seed, NULL, blob);
	r = torca_add_onion_cmd(&cmd, blob, e->port, e->target,
	    (const uint8_t (*)[TORCA_KEY_LEN])e->clients, e->n, 0);
	sodium_memzero(blob, sizeof blob);
	if (r != 0)
		return r;
	r = torctl_send_secret(t->ctl, cmd, tor_on_extra_add, t);
	sodium_free(cmd);
	if (r == 0)
		e->seq = ++t->add_sent;
	return r;
}

/* Send our key for an onion. */
static int
tor_auth_send(struct tor *t, const struct tor_auth *a)
{
	char cmd[TORCA_ONION_CHARS + TORCA_PRIV_CHARS + 40];
	int r;

	if ((r = torca_auth_add_cmd(cmd, sizeof cmd, a->onion, a->priv)) == 0)
		r = torctl_send_secret(t->ctl, cmd, tor_on_extra_simple, t);
	sodium_memzero(cmd, sizeof cmd);
	return r;
}

/* Send "VERB onion", reply only logged. */
static int
tor_onion_verb(struct tor *t, int del, const char *onion)
{
	char cmd[TORCA_ONION_CHARS + 40];
	int r;

	r = del ? torca_del_onion_cmd(cmd, sizeof cmd, onion) :
	    torca_auth_remove_cmd(cmd, sizeof cmd, onion);
	if (r == 0)
		r = torctl_send(t->ctl, cmd, tor_on_extra_simple, t);
	return r;
}

/* Ready: our keys first (fetches may start at once), then our onions. */
static void
tor_extras_flush(struct tor *t)
{
	struct tor_extra *e;
	struct tor_auth *a;
	int r = 0;

	for (a = t->auths; a != NULL && r == 0; a = a->next)
		r = tor_auth_send(t, a);
	for (e = t->extras; e != NULL && r == 0; e = e->next)
		if (e->seq == 0 && e->state == TOR_ONION_PENDING)
			r = tor_extra_send(t, e);
	if (r != 0) {
		tor_error(t, "cannot send a control command: %s", err_str(r));
		tor_drop(t);
	}
}

/* HS_DESC for some other address than ours: an extra's upload? */
static void
tor_extra_desc(struct tor *t, const char *action, const char *onion)
{
	struct tor_extra *e;

	if ((e = tor_extra_find(t, onion)) == NULL)
		return;
	if (strcmp(action, "UPLOADED") == 0 &&
	    e->state == TOR_ONION_ADDED) {
		log_debug("tor: extra onion %s published", log_onion(onion));
		tor_extra_state(t, e, TOR_ONION_PUBLISHED);
		tor_notify(t);
	}
}

void
tor_set_onion_cb(struct tor *t, tor_onion_cb *cb, void *arg)
{
	t->onion_cb = cb;
	t->onion_arg = arg;
}

/* Register (or replace) an extra onion; add it if tor is ready. */
int
tor_onion_add(struct tor *t, const struct tor_onion_spec *s,
    char out[TORCA_ONION_CHARS + 1])
{
	char onion[TORCA_ONION_CHARS + 1];
	struct tor_extra *e;
	int r, fresh = 0;

	if (s->seed == NULL || s->target == NULL || s->port == 0 ||
	    (s->n > 0 && s->clients == NULL))
		return ERR_INVAL;
	if (s->n > TORCA_MAX_CLIENTS)
		return ERR_TOOBIG;
	torca_onion_from_seed(s->seed, onion, NULL);
	if ((e = tor_extra_find(t, onion)) == NULL) {
		e = xcalloc(1, sizeof *e);
		memcpy(e->onion, onion, sizeof e->onion);
		memcpy(e->seed, s->seed, sizeof e->seed);
		fresh = 1;
	} else {
		free(e->target);
		free(e->clients);
		e->clients = NULL;
	}
	e->target = xstrdup(s->target);
	e->port = s->port;
	e->n = s->n;
	if (s->n > 0) {
		e->clients = xreallocarray(NULL, s->n, TORCA_KEY_LEN);
		memcpy(e->clients, s->clients, s->n * TORCA_KEY_LEN);
	}
	if (fresh) {
		e->next = t->extras;
		t->extras = e;
	}
	if (out != NULL)
		memcpy(out, onion, sizeof onion);
	if (!t->ready || t->ctl == NULL) {
		e->state = TOR_ONION_PENDING;
		tor_extras_count(t);
		return 0;
	}
	/* Replacing: take the old one down first; its reply is ignored. */
	if (!fresh && (r = tor_onion_verb(t, 1, onion)) != 0)
		goto fail;
	e->seq = 0;
	e->state = TOR_ONION_PENDING;
	tor_extras_count(t);
	if ((r = tor_extra_send(t, e)) != 0)
		goto fail;
	return 0;
fail:
	tor_error(t, "cannot send a control command: %s", err_str(r));
	tor_drop(t);
	return 0;	/* registered: added again on reconnect */
}

/* Forget an extra onion and take it down. */
int
tor_onion_del(struct tor *t, const char *onion)
{
	struct tor_extra **pp, *e;

	for (pp = &t->extras; (e = *pp) != NULL; pp = &e->next)
		if (strcmp(e->onion, onion) == 0)
			break;
	if (e == NULL)
		return ERR_NOTFOUND;
	*pp = e->next;
	tor_extra_free(e);
	tor_extras_count(t);
	if (t->ready && t->ctl != NULL &&
	    tor_onion_verb(t, 1, onion) != 0) {
		tor_error(t, "cannot send DEL_ONION");
		tor_drop(t);
	}
	return 0;
}

int
tor_onion_state(const struct tor *t, const char *onion)
{
	const struct tor_extra *e = tor_extra_find(t, onion);

	return e == NULL ? TOR_ONION_NONE : e->state;
}

/* Register our client key for onion and hand it to tor. */
int
tor_auth_add(struct tor *t, const char *onion,
    const uint8_t priv[TORCA_KEY_LEN])
{
	struct tor_auth *a;

	if (!torca_onion_ok(onion))
		return ERR_INVAL;
	if ((a = tor_auth_find(t, onion)) == NULL) {
		a = xcalloc(1, sizeof *a);
		memcpy(a->onion, onion, sizeof a->onion);
		a->next = t->auths;
		t->auths = a;
	}
	memcpy(a->priv, priv, sizeof a->priv);
	tor_extras_count(t);
	if (t->ready && t->ctl != NULL && tor_auth_send(t, a) != 0) {
		tor_error(t, "cannot send ONION_CLIENT_AUTH_ADD");
		tor_drop(t);
	}
	return 0;
}

/* Forget our key for onion; tor forgets it too. */
int
tor_auth_remove(struct tor *t, const char *onion)
{
	struct tor_auth **pp, *a;

	for (pp = &t->auths; (a = *pp) != NULL; pp = &a->next)
		if (strcmp(a->onion, onion) == 0)
			break;
	if (a == NULL)
		return ERR_NOTFOUND;
	*pp = a->next;
	secret_free(a, sizeof *a);
	tor_extras_count(t);
	if (t->ready && t->ctl != NULL &&
	    tor_onion_verb(t, 0, onion) != 0) {
		tor_error(t, "cannot send ONION_CLIENT_AUTH_REMOVE");
		tor_drop(t);
	}
	return 0;
}

/* The public onion's ADD_ONION when it comes back while running. */
static void
tor_on_public_again(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;
	char onion[TORCA_ONION_CHARS + 1];

	if (torca_add_onion_reply(rep, onion) == 0 &&
	    strcmp(onion, t->onion) == 0) {
		t->public_added = 1;
		log_info("tor: public onion %s added again",
		    log_onion(t->onion));
	} else
		tor_error(t, "re-adding the public onion failed: %d %.80s",
		    rep->code, tor_reply_text(rep));
	tor_notify(t);
}

/* Discoverable on or off. */
int
tor_set_public(struct tor *t, int on)
{
	char *cmd;
	int r;

	if (t->hidden == !on)
		return 0;
	t->hidden = !on;
	t->st.public_on = on;
	if (!t->ready || t->ctl == NULL) {
		tor_notify(t);
		return 0;
	}
	if (!on) {
		t->public_added = 0;
		t->st.published = 0;
		r = tor_onion_verb(t, 1, t->onion);
	} else {
		r = torca_add_onion_cmd(&cmd, t->blob, t->port, t->target,
		    NULL, 0, t->st.pow == TOR_POW_ON);
		if (r == 0) {
			r = torctl_send_secret(t->ctl, cmd,
			    tor_on_public_again, t);
			sodium_free(cmd);
		}
	}
	tor_notify(t);
	if (r != 0) {
		tor_error(t, "cannot send a control command: %s", err_str(r));
		tor_drop(t);
	}
	return 0;
}

/* A 650 event: bootstrap progress or descriptor uploads. */
static void
tor_on_event(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	struct tor *t = arg;
	const char *text = rep->lines[0].text;
	char w0[32], w1[32], w2[64], why[64];

	if (ctl_word(text, 0, w0, sizeof w0) != 0 ||
	    ctl_word(text, 1, w1, sizeof w1) != 0 ||
	    ctl_word(text, 2, w2, sizeof w2) != 0)
		return;
	if (strcmp(w0, "STATUS_CLIENT") == 0 && strcmp(w2, "BOOTSTRAP") == 0)
		tor_bootstrap(t, text, strcmp(w1, "WARN") == 0);
	else if (strcmp(w0, "HS_DESC") == 0 && strcmp(w2, t->onion) != 0)
		tor_extra_desc(t, w1, w2);
	else if (strcmp(w0, "HS_DESC") == 0 && strcmp(w2, t->onion) == 0) {
		if (strcmp(w1, "UPLOADED") == 0 && !t->st.published) {
			t->st.published = 1;
			t->backoff_ms = TOR_BACKOFF_MIN_MS;
			log_info("tor: onion %s published", log_onion(t->onion));
			tor_notify(t);
		} else if (strcmp(w1, "FAILED") == 0) {
			/* The line names our address: only its reason. */
			if (ctl_kv(text, "REASON", why, sizeof why) != 0)
				snprintf(why, sizeof why, "?");
			log_info("tor: a descriptor upload failed: %s", why);
		}
	}
}

/* True if s is a safe ADD_ONION unix target (no space, comma, quote). */
static int
tor_good_target(const char *s)
{
	return s[0] == '/' && strpbrk(s, " ,\"\\\r\n\t") == NULL &&
	    toraddr_unix_fits(s) == 0;
}

/* Allocate; check options that cannot change later. */
struct tor *
tor_new(struct event_base *base, const struct tor_opts *o, tor_status_cb *cb,
    void *arg)
{
	struct tor *t;

	t = xcalloc(1, sizeof *t);
	t->base = base;
	t->data_dir = o->data_dir ? xstrdup(o->data_dir) : NULL;
	t->tor_binary = o->tor_binary ? xstrdup(o->tor_binary) : NULL;
	t->torrc_append = o->torrc_append ? xstrdup(o->torrc_append) : NULL;
	t->control = o->control ? xstrdup(o->control) : NULL;
	t->password = o->control_password ? xstrdup(o->control_password) :
	    NULL;
	t->blob = o->key_blob ? secret_strdup(o->key_blob) : NULL;
	t->onion = o->onion ? xstrdup(o->onion) : NULL;
	t->target = o->target ? xstrdup(o->target) : NULL;
	t->port = o->port;
	t->probe = o->probe;
	t->hidden = o->hidden;
	t->st.public_on = !o->hidden;
	t->cb = cb;
	t->arg = arg;
	t->pid = -1;
	t->backoff_ms = TOR_BACKOFF_MIN_MS;
	t->retry_ev = evtimer_new(base, tor_retry_cb, t);
	t->reap_ev = evtimer_new(base, tor_reap_cb, t);
	t->deadline_ev = evtimer_new(base, tor_deadline_cb, t);
	if (t->retry_ev == NULL || t->reap_ev == NULL ||
	    t->deadline_ev == NULL)
		fatalx("tor: cannot create timers");
	return t;
}

/* Validate the options and start. */
int
tor_start(struct tor *t)
{
	char *tor_dir = NULL, *torrc = NULL, *socks = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen;
	const char *c;
	int r;

	if (t->started)
		return ERR_STATE;
	if (t->blob == NULL || strlen(t->blob) != TOR_BLOB_CHARS ||
	    strspn(t->blob, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=") != TOR_BLOB_CHARS) {
		log_error("tor: the key blob is not %d base64 characters",
		    TOR_BLOB_CHARS);
		return ERR_INVAL;
	}
	if (t->onion == NULL || strlen(t->onion) != TOR_ONION_CHARS ||
	    strspn(t->onion, "abcdefghijklmnopqrstuvwxyz234567") !=
	    TOR_ONION_CHARS) {
		log_error("tor: our onion address is not 56 base32 characters");
		return ERR_INVAL;
	}
	if (t->target == NULL || !tor_good_target(t->target)) {
		log_error("tor: target socket %s must be an absolute path "
		    "under 108 bytes without spaces, commas or quotes",
		    t->target ? t->target : "(none)");
		return ERR_INVAL;
	}
	if (t->port == 0)
		return ERR_INVAL;
	if (t->control != NULL) {
		if ((r = toraddr_parse(t->control, &ss, &sslen)) != 0) {
			log_error("tor: bad control address %s: use PORT, "
			    "HOST:PORT or unix:/path", t->control);
			return r;
		}
		for (c = t->control; *c != '\0'; c++)
			if (*c == '\r' || *c == '\n')
				return ERR_INVAL;
	} else {
		if (t->data_dir == NULL)
			return ERR_INVAL;
		r = torlaunch_paths(t->data_dir, &tor_dir, &torrc, &socks);
		if (r == 0)
			xasprintf(&t->socks, "unix:%s", socks);
		free(tor_dir);
		free(torrc);
		free(socks);
		if (r != 0)
			return r;
		if (torlaunch_find(t->tor_binary) != 0) {
			if (t->tor_binary != NULL)
				snprintf(t->st.error, sizeof t->st.error,
				    "tor not found at %s (install tor or use "
				    "--tor PATH)", t->tor_binary);
			else
				snprintf(t->st.error, sizeof t->st.error,
				    "%s", TORLAUNCH_NOTFOUND);
			log_error("%s", t->st.error);
			return ERR_NOTFOUND;
		}
	}
	t->started = 1;
	tor_connect(t);
	return 0;
}

/* Current status. */
const struct tor_status *
tor_status(const struct tor *t)
{
	return &t->st;
}

/* Where SOCKS goes. */
const char *
tor_socks_addr(const struct tor *t)
{
	return t->socks;
}

/* NEWNYM answered. */
static void
tor_on_newnym(struct torctl *c, const struct ctl_reply *rep, void *arg)
{
	if (!tor_ok(rep))
		log_warn("tor: SIGNAL NEWNYM failed: %d %s", rep->code,
		    tor_reply_text(rep));
}

/* Ask tor to forget failed descriptor fetches and use new circuits. */
int
tor_newnym(struct tor *t)
{
	if (t->ctl == NULL || !t->st.running)
		return ERR_STATE;
	return tor_send(t, "SIGNAL NEWNYM", tor_on_newnym);
}

/* Stop a spawned tor: it exits when its owning connection closes. */
static void
tor_stop_child(struct tor *t)
{
	int i, status;

	for (i = 0; i < 300; i++) {
		if (waitpid(t->pid, &status, WNOHANG) != 0)
			return;
		if (i == 100)
			kill(t->pid, SIGTERM);
		usleep(10 * 1000);
	}
	kill(t->pid, SIGKILL);
	waitpid(t->pid, &status, 0);
}

/* Stop and free. */
void
tor_free(struct tor *t)
{
	if (t == NULL)
		return;
	socks_cancel(t->probe_req);
	torctl_free(t->ctl);
	if (t->connecting != NULL)
		bufferevent_free(t->connecting);
	if (t->pid > 0)
		tor_stop_child(t);
	event_free(t->retry_ev);
	event_free(t->reap_ev);
	event_free(t->deadline_ev);
	tor_extras_free(t);
	secret_strfree(t->blob);
	if (t->password != NULL)
		secret_free(t->password, strlen(t->password));
	sodium_memzero(t->cookie, sizeof t->cookie);
	free(t->data_dir);
	free(t->tor_binary);
	free(t->torrc_append);
	free(t->control);
	free(t->onion);
	free(t->target);
	free(t->socks);
	free(t);
}
