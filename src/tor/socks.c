/*
 * socks.c -- SOCKS5 CONNECT through tor to NAME.onion:PORT (RFC 1928, RFC
 * 1929 username for stream isolation, tor's extended error codes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "tor/addr.h"
#include "tor/socks.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SOCKS_VER	0x05
#define SOCKS_AUTH_VER	0x01	/* RFC 1929 subnegotiation version */
#define SOCKS_M_NONE	0x00
#define SOCKS_M_USER	0x02
#define SOCKS_M_REJECT	0xff
#define SOCKS_CONNECT	0x01
#define SOCKS_ATYP_V4	0x01
#define SOCKS_ATYP_NAME	0x03
#define SOCKS_ATYP_V6	0x04
#define SOCKS_NO_REP	0xff	/* "tor sent no code" for the callback */
#define SOCKS_MAX_NAME	255

enum socks_state { SOCKS_S_CONNECTING, SOCKS_S_METHOD, SOCKS_S_AUTH,
    SOCKS_S_REPLY };

struct socks_req {
	struct bufferevent *bev;
	struct event *timer;	/* timeout, and deferred early failure */
	socks_cb *cb;
	void *arg;
	enum socks_state state;
	int early_err;		/* set before the timer is activated */
	char name[SOCKS_MAX_NAME + 1];	/* "<onion>.onion" */
	uint16_t port;
	char user[SOCKS_MAX_NAME + 1];	/* isolation; "" for none */
	char why[160];
};

/* Parse tor's reply to CONNECT; its length depends on ATYP. */
int
socks_parse_reply(const uint8_t *buf, size_t len, uint8_t *rep,
    size_t *consumed)
{
	size_t need;

	if (len >= 1 && buf[0] != SOCKS_VER)
		return ERR_PROTO;
	if (len >= 3 && buf[2] != 0x00)
		return ERR_PROTO;
	if (len < 4)
		return ERR_AGAIN;
	switch (buf[3]) {
	case SOCKS_ATYP_V4:
		need = 4 + 4 + 2;
		break;
	case SOCKS_ATYP_V6:
		need = 4 + 16 + 2;
		break;
	case SOCKS_ATYP_NAME:
		if (len < 5)
			return ERR_AGAIN;
		need = 5 + (size_t)buf[4] + 2;
		break;
	default:
		return ERR_PROTO;
	}
	if (len < need)
		return ERR_AGAIN;
	*rep = buf[1];
	*consumed = need;
	return 0;
}

/* Readable reason for a REP code. */
const char *
socks_reason(uint8_t rep)
{
	switch (rep) {
	case 0x00: return "succeeded";
	case 0x01: return "general SOCKS server failure";
	case 0x02: return "connection not allowed by ruleset";
	case 0x03: return "network unreachable";
	case 0x04: return "host unreachable";
	case 0x05: return "connection refused (contact's daemon not listening?)";
	case 0x06: return "TTL expired (circuit failed)";
	case 0x07: return "command not supported";
	case 0x08: return "address type not supported";
	case 0xf0: return "onion service descriptor not found (contact offline?)";
	case 0xf1: return "onion service descriptor is invalid";
	case 0xf2: return "introduction failed (contact offline?)";
	case 0xf3: return "rendezvous failed";
	case 0xf4: return "onion service needs client authorization";
	case 0xf5: return "onion service rejected our client authorization";
	case 0xf6: return "invalid onion address";
	case 0xf7: return "introduction timed out (contact offline?)";
	case SOCKS_NO_REP: return "no SOCKS reply";
	default: return "unknown SOCKS error";
	}
}

/* Whether a later retry can succeed; unknown codes are assumed transient. */
int
socks_retryable(uint8_t rep)
{
	switch (rep) {
	case 0x02:
	case 0x07:
	case 0x08:
	case 0xf4:
	case 0xf5:
	case 0xf6:
		return 0;
	default:
		return 1;
	}
}

/* Free a request and its stream (if still ours). */
static void
socks_free(struct socks_req *s)
{
	if (s->bev != NULL)
		bufferevent_free(s->bev);
	if (s->timer != NULL)
		event_free(s->timer);
	free(s);
}

/* Report failure once and free the request. */
static void
socks_fail(struct socks_req *s, int err, uint8_t rep, const char *why)
{
	socks_cb *cb = s->cb;
	void *arg = s->arg;
	char reason[sizeof s->why];

	snprintf(reason, sizeof reason, "%s", why);
	socks_free(s);
	cb(NULL, err, rep, reason, arg);
}

/* Hand the connected stream to the caller and free the request. */
static void
socks_done(struct socks_req *s)
{
	struct bufferevent *bev = s->bev;
	socks_cb *cb = s->cb;
	void *arg = s->arg;

	bufferevent_setcb(bev, NULL, NULL, NULL, NULL);
	s->bev = NULL;
	socks_free(s);
	cb(bev, 0, 0x00, socks_reason(0x00), arg);
}

/* Send CONNECT with the name as ATYP 3: tor resolves, we never do. */
static void
socks_send_connect(struct socks_req *s)
{
	uint8_t req[4 + 1 + SOCKS_MAX_NAME + 2];
	size_t n = strlen(s->name), off = 0;

	req[off++] = SOCKS_VER;
	req[off++] = SOCKS_CONNECT;
	req[off++] = 0x00;
	req[off++] = SOCKS_ATYP_NAME;
	req[off++] = (uint8_t)n;
	memcpy(req + off, s->name, n);
	off += n;
	store_be16(req + off, s->port);
	off += 2;
	bufferevent_write(s->bev, req, off);
	s->state = SOCKS_S_REPLY;
}

/* Send RFC 1929 credentials: the isolation string, an empty password. */
static void
socks_send_auth(struct socks_req *s)
{
	uint8_t req[3 + SOCKS_MAX_NAME];
	size_t n = strlen(s->user), off = 0;

	req[off++] = SOCKS_AUTH_VER;
	req[off++] = (uint8_t)n;
	memcpy(req + off, s->user, n);
	off += n;
	req[off++] = 0;
	bufferevent_write(s->bev, req, off);
	s->state = SOCKS_S_AUTH;
}

/* Input from tor: advance the exchange as far as the buffered bytes allow. */
static void
socks_read_cb(struct bufferevent *bev, void *arg)
{
	struct socks_req *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t b[2], rep, *p;
	size_t len, used;
	int r;

	for (;;) {
		len = evbuffer_get_length(in);
		switch (s->state) {
		case SOCKS_S_CONNECTING:
			return;
		case SOCKS_S_METHOD:
			if (len < 2)
				return;
			evbuffer_remove(in, b, 2);
			if (b[0] != SOCKS_VER) {
				socks_fail(s, ERR_PROTO, SOCKS_NO_REP,
				    "not a SOCKS5 server");
				return;
			}
			if (b[1] == SOCKS_M_USER && s->user[0] != '\0')
				socks_send_auth(s);
			else if (b[1] == SOCKS_M_NONE && s->user[0] == '\0')
				socks_send_connect(s);
			else {
				socks_fail(s, ERR_PROTO, SOCKS_NO_REP,
				    "SOCKS server refused our auth method");
				return;
			}
			break;
		case SOCKS_S_AUTH:
			if (len < 2)
				return;
			evbuffer_remove(in, b, 2);
			if (b[0] != SOCKS_AUTH_VER || b[1] != 0x00) {
				socks_fail(s, ERR_AUTH, SOCKS_NO_REP,
				    "SOCKS username rejected");
				return;
			}
			socks_send_connect(s);
			break;
		case SOCKS_S_REPLY:
			if (len > 4 + 1 + 255 + 2)
				len = 4 + 1 + 255 + 2;
			p = evbuffer_pullup(in, (ev_ssize_t)len);
			r = socks_parse_reply(p, len, &rep, &used);
			if (r == ERR_AGAIN)
				return;
			if (r != 0) {
				socks_fail(s, r, SOCKS_NO_REP,
				    "malformed SOCKS reply");
				return;
			}
			evbuffer_drain(in, used);
			if (rep != 0x00) {
				socks_fail(s, ERR_REFUSED, rep,
				    socks_reason(rep));
				return;
			}
			socks_done(s);
			return;
		}
	}
}

/* Connected, closed or failed. */
static void
socks_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct socks_req *s = arg;
	uint8_t greet[3] = { SOCKS_VER, 1, SOCKS_M_NONE };
	char why[sizeof s->why];
	int e = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_CONNECTED) {
		if (s->user[0] != '\0')
			greet[2] = SOCKS_M_USER;
		bufferevent_write(bev, greet, sizeof greet);
		s->state = SOCKS_S_METHOD;
		return;
	}
	if (what & BEV_EVENT_EOF) {
		socks_fail(s, ERR_CLOSED, SOCKS_NO_REP,
		    "tor closed the SOCKS connection");
		return;
	}
	snprintf(why, sizeof why, "SOCKS connection to tor failed: %s",
	    evutil_socket_error_to_string(e));
	socks_fail(s, ERR_IO, SOCKS_NO_REP, why);
}

/* The deadline passed, or an early failure was deferred to here. */
static void
socks_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct socks_req *s = arg;

	if (s->early_err != 0)
		socks_fail(s, s->early_err, SOCKS_NO_REP, s->why);
	else
		socks_fail(s, ERR_TIMEOUT, SOCKS_NO_REP,
		    "timed out waiting for tor's SOCKS reply");
}

/* Start a CONNECT through tor. */
struct socks_req *
socks_connect(struct event_base *base, const char *socks_addr,
    const char *onion, uint16_t port, const char *isolation, int timeout_ms,
    socks_cb *cb, void *arg)
{
	struct sockaddr_storage ss;
	struct socks_req *s;
	struct timeval tv;
	socklen_t sslen;
	const char *c;

	if (base == NULL || socks_addr == NULL || onion == NULL || cb == NULL ||
	    port == 0 || timeout_ms <= 0)
		return NULL;
	if (*onion == '\0' || strlen(onion) + 6 > SOCKS_MAX_NAME)
		return NULL;
	for (c = onion; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
			return NULL;
	if (isolation != NULL && strlen(isolation) > SOCKS_MAX_NAME)
		return NULL;
	if (toraddr_parse(socks_addr, &ss, &sslen) != 0)
		return NULL;

	s = xcalloc(1, sizeof *s);
	s->cb = cb;
	s->arg = arg;
	s->port = port;
	snprintf(s->name, sizeof s->name, "%s.onion", onion);
	if (isolation != NULL)
		snprintf(s->user, sizeof s->user, "%s", isolation);
	s->timer = evtimer_new(base, socks_timer_cb, s);
	s->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (s->timer == NULL || s->bev == NULL) {
		socks_free(s);
		return NULL;
	}
	bufferevent_setcb(s->bev, socks_read_cb, NULL, socks_event_cb, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(s->timer, &tv);
	s->state = SOCKS_S_CONNECTING;
	if (bufferevent_socket_connect(s->bev, (struct sockaddr *)&ss,
	    (int)sslen) != 0) {
		/* Unix sockets fail at once; report it from the loop. */
		s->early_err = ERR_IO;
		snprintf(s->why, sizeof s->why,
		    "cannot connect to tor's SOCKS port %s: %s", socks_addr,
		    strerror(errno));
		event_active(s->timer, EV_TIMEOUT, 0);
	}
	return s;
}

/* Cancel without a callback. */
void
socks_cancel(struct socks_req *s)
{
	if (s != NULL)
		socks_free(s);
}
