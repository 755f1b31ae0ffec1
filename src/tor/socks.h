/*
 * socks.h -- SOCKS5 client to tor for ADDR.onion:PORT (RFC 1928/1929),
 * name never resolved locally, per-contact isolation by username.
 */
#ifndef WARREN_SOCKS_H
#define WARREN_SOCKS_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct bufferevent;

/* Pure reply parser: returns 0 and fills rep/consumed when a whole reply is
 * in buf, ERR_AGAIN if more bytes are needed, ERR_PROTO on garbage. */
int socks_parse_reply(const uint8_t *buf, size_t len, uint8_t *rep,
    size_t *consumed);
/* Readable reason for a REP code (standard or tor's 0xF0-0xF7). */
const char *socks_reason(uint8_t rep);
/* 1 if retrying later may help (offline peer), 0 if it is permanent. */
int socks_retryable(uint8_t rep);

struct socks_req;
/*
 * On success bev is the connected stream (the callback owns it), err 0.
 * On failure bev is NULL, err is ERR_* and reason is readable; rep is the
 * SOCKS code if tor sent one, else 0xff.
 */
typedef void socks_cb(struct bufferevent *bev, int err, uint8_t rep,
    const char *reason, void *arg);
/*
 * Connect through tor at socks_addr ("unix:/path" or "HOST:PORT") to
 * onion.onion:port. isolation becomes the SOCKS username. Returns NULL
 * only for bad arguments; failures arrive through cb (exactly once).
 */
struct socks_req *socks_connect(struct event_base *, const char *socks_addr,
    const char *onion, uint16_t port, const char *isolation, int timeout_ms,
    socks_cb *, void *);
/* Cancel a pending request; cb is not called. Accepts NULL. */
void socks_cancel(struct socks_req *);

#endif
