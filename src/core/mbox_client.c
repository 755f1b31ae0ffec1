/*
 * mbox_client.c -- the transport of our sessions to mailboxes: SOCKS to the
 * mailbox's onion, the usual handshake under a throwaway identity (the
 * mailbox never learns who we are), one request at a time. What to ask
 * is mbox.c's business.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include "warren/limits.h"
#include "core/core.h"
#include "core/mbox_int.h"
#include "net/peer.h"
#include "net/wire.h"
#include "tor/socks.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define MBC_DIAL_MS	(120 * 1000)

static peer_policy_cb mbc_policy;
static peer_up_cb mbc_up;
static peer_msg_cb mbc_msg;
static peer_lost_cb mbc_lost;
static const struct peer_cbs mbc_cbs = {
	mbc_policy, mbc_up, mbc_msg, NULL, mbc_lost
};

/* Unlink and free a session record. */
static void
mbc_free(struct mbox_cli *cl)
{
	struct mbox_cli **pp;

	for (pp = &cl->n->mbox->cli; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	socks_cancel(cl->dialing);
	identity_free(cl->eph);
	sodium_memzero(cl->secret, sizeof cl->secret);
	free(cl);
}

/* The session of a kind (and contact). */
struct mbox_cli *
mbc_find(struct node *n, int kind, int64_t contact)
{
	struct mbox_cli *cl;

	for (cl = n->mbox->cli; cl != NULL; cl = cl->next)
		if (cl->kind == kind && (kind != MBC_DEPOSIT ||
		    cl->contact == contact))
			return cl;
	return NULL;
}

/* The SOCKS connect finished. */
static void
mbc_socks(struct bufferevent *bev, int err, uint8_t rep, const char *reason,
    void *arg)
{
	struct mbox_cli *cl = arg;
	struct node *n = cl->n;
	uint8_t pk[32];
	char norm[ONION_LEN + 1];

	cl->dialing = NULL;
	if (bev == NULL) {
		log_info("mailbox: cannot connect: %s", reason);
		if (rep == 0xf0 && n->tor != NULL)
			tor_newnym(n->tor);
		mbox_cli_lost(cl, err != 0 ? err : ERR_CLOSED);
		mbc_free(cl);
		return;
	}
	if (onion_parse(cl->onion, pk, norm) != 0 ||
	    identity_generate(&cl->eph) != 0 ||
	    peer_new_initiator(&cl->peer, n->base, bev, cl->eph, pk, &n->pcfg,
	    &mbc_cbs, cl) != 0) {
		cl->peer = NULL;
		mbox_cli_lost(cl, ERR_CRYPTO);
		mbc_free(cl);
	}
}

/* Dial. */
int
mbc_start(struct node *n, struct mbox_cli *cl)
{
	const char *socks;
	char iso[33];
	uint8_t r[16];

	cl->n = n;
	if (n->tor == NULL || (socks = tor_socks_addr(n->tor)) == NULL ||
	    tor_status(n->tor)->progress < 100) {
		free(cl);
		return ERR_STATE;
	}
	/* A circuit of its own: nothing links it to our other traffic. */
	randombytes_buf(r, sizeof r);
	sodium_bin2hex(iso, sizeof iso, r, sizeof r);
	cl->next = n->mbox->cli;
	n->mbox->cli = cl;
	cl->dialing = socks_connect(n->base, socks, cl->onion, WARREN_PORT,
	    iso, MBC_DIAL_MS, mbc_socks, cl);
	if (cl->dialing == NULL) {
		mbc_free(cl);
		return ERR_INVAL;
	}
	return 0;
}

/* Send one request. */
int
mbc_send(struct mbox_cli *cl, uint64_t op, uint64_t v, const uint8_t *a,
    size_t alen, const uint8_t *b, size_t blen)
{
	struct wire_msg m;
	int r;

	memset(&m, 0, sizeof m);
	m.type = WIRE_MBOX;
	m.u.mbox.op = op;
	m.u.mbox.n = v;
	m.u.mbox.a = a;
	m.u.mbox.a_len = alen;
	m.u.mbox.b = b;
	m.u.mbox.b_len = blen;
	if (cl->peer == NULL)
		return ERR_STATE;
	if ((r = peer_send(cl->peer, &m)) == 0)
		cl->wait = op;
	return r;
}

/* Done: close (the lost callback frees the record). */
void
mbc_close(struct mbox_cli *cl)
{
	if (cl->closing)
		return;
	cl->closing = 1;
	if (cl->peer != NULL)
		peer_close(cl->peer, ERR_CLOSED);
}

/* Stop every session at once (node_down). */
void
mbc_stop_all(struct node *n)
{
	struct mbox_cli *cl;

	while ((cl = n->mbox->cli) != NULL) {
		peer_free(cl->peer);
		cl->peer = NULL;
		mbc_free(cl);
	}
}

/* The mailbox is who its onion says: nothing more to decide. */
static enum peer_policy
mbc_policy(struct peer *p, const uint8_t ed_pk[32], const char *onion,
    void *arg)
{
	return PEER_FULL;
}

/* Up: start talking. */
static void
mbc_up(struct peer *p, void *arg)
{
	struct mbox_cli *cl = arg;

	peer_wipe_secret(p);
	mbox_cli_up(cl);
}

/* A reply. */
static int
mbc_msg(struct peer *p, const struct wire_msg *m, void *arg)
{
	struct mbox_cli *cl = arg;

	if (m->type != WIRE_MBOX_REPLY || cl->wait == 0)
		return ERR_PROTO;
	if (cl->closing)
		return 0;
	return mbox_cli_reply(cl, m);
}

/* Gone. */
static void
mbc_lost(struct peer *p, int reason, void *arg)
{
	struct mbox_cli *cl = arg;

	peer_free(p);
	cl->peer = NULL;
	mbox_cli_lost(cl, reason);
	mbc_free(cl);
}
