/*
 * plain.h -- the plaintext inside a ratchet message:
 *   [msg_id bin16, composed_at u64 ms, kind u8, body str <= 4 KiB, timer u32]
 * The timer (seconds, 0 = keep) may be absent (older senders). Pure.
 */
#ifndef WARREN_PLAIN_H
#define WARREN_PLAIN_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#define PLAIN_INIT	0	/* empty: gives Bob his receiving chain */
#define PLAIN_TEXT	1	/* a message */
#define PLAIN_TIMER	2	/* the conversation's timer changed to `timer` */
#define PLAIN_PREFS	3	/* body "receipts=0|1": the sender's preference */
#define PLAIN_ENDPOINT	20	/* body "1 ONION KEY HAVE": endpoint.c */
#define PLAIN_MAILBOX	30	/* body: a mailbox grant (core/mbox.h) */
#define PLAIN_FILE_OFFER	10	/* body: fileproto.h offer line */
#define PLAIN_FILE_DONE		11	/* body: file id (hex); all verified */
#define PLAIN_FILE_CANCEL	12	/* body: file id (hex)[ reason] */
/* Groups (src/core/groups.c; bodies are JSON, doc/PROTOCOL.md "Groups"). */
#define PLAIN_GROUP_INVITE	40	/* the creator-signed roster */
#define PLAIN_GROUP_JOIN	41	/* {g, k}: accepted, with our group key */
#define PLAIN_GROUP_ITEM	42	/* a signed item, flooded to members */
#define PLAIN_ID_LEN	16
#define PLAIN_MAX_TIMER	(4 * 7 * 24 * 3600)	/* 4 weeks */

struct plain {
	int kind;
	int64_t when;		/* ms since the epoch, the sender's clock */
	uint32_t timer;		/* seconds; 0 = does not disappear */
	char *body;		/* NUL-terminated copy; free with free() */
	size_t body_len;
};

/*
 * Append an encoded plaintext (random msg_id) to sb. sb grows once, before
 * writing, so no reallocation leaves a copy behind; free it with
 * plain_sbuffer_wipe.
 */
void plain_encode(msgpack_sbuffer *sb, int kind, int64_t when,
    const char *body, size_t len, uint32_t timer);
/* Zero all of sb's buffer, then msgpack_sbuffer_destroy. */
void plain_sbuffer_wipe(msgpack_sbuffer *sb);
/*
 * Decode: mp_prescan first, then strict types and sizes; the body must be
 * UTF-8 without NUL or controls (newlines and tabs allowed). Returns 0,
 * ERR_PROTO or ERR_UTF8; on success p->body is the caller's.
 */
int plain_decode(const uint8_t *buf, size_t len, struct plain *p);

#endif
