/*
 * wire.h -- the plaintext of one transport frame: a msgpack array
 * [type, field...] padded with sodium_pad to a multiple of WARREN_PAD_BLOCK,
 * at most WARREN_MAX_FRAME bytes. Pure: no I/O.
 *
 *   type                  fields (in order)
 *    1 HELLO              ed_pk bin32, features uint, sig bin64
 *                         (XK msg3 only; sig: peer.h)
 *    2 PING, 3 PONG       -
 *    4 GOODBYE            -  (the sender is leaving: shutdown or lock)
 *   10 CONTACT_REQUEST    nick str <= 64 B, text str <= 2 KiB (UTF-8;
 *                         the nick has no newline, the text may)
 *   11 CONTACT_RESPONSE   status uint: 0 pending, 1 accepted, 2 rejected
 *   20 RATCHET_HELLO      ratchet_pub bin32
 *   21 RATCHET_RESET      -
 *   30 MSG                seq uint64, header bin 40..WIRE_HEADER_MAX
 *                         (40, or more with a KEM key or ciphertext),
 *                         ct bin <= WIRE_MAX_CT
 *   31 ACK                seq uint64 (cumulative: everything <= seq stored)
 *   32 RESUME             next_expected uint64
 *   33 RECEIPT            seq uint64 (read up to seq)
 *   34 TIMER              reserved, not implemented
 *   60 MBOX               op uint, n uint64, a bin <= WIRE_MBOX_A_MAX,
 *                         b bin <= WIRE_MBOX_B_MAX (a request to a mailbox)
 *   61 MBOX_REPLY         the same fields (the mailbox's answer);
 *                         ops and meanings: src/core/mbox.h, PROTOCOL.md 9
 *
 * Known types have exactly these fields: a missing or an extra field is a
 * protocol error (new fields go in new types, or behind a HELLO feature
 * bit). Integers must be non-negative msgpack integers. Unknown types are
 * well-formed arrays whose first element is a non-negative integer we do
 * not know: wire_decode returns WIRE_UNKNOWN and the caller ignores them.
 */
#ifndef WARREN_WIRE_H
#define WARREN_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <warren/limits.h>

enum wire_type {
	WIRE_HELLO = 1,
	WIRE_PING = 2,
	WIRE_PONG = 3,
	WIRE_GOODBYE = 4,
	WIRE_CONTACT_REQUEST = 10,
	WIRE_CONTACT_RESPONSE = 11,
	WIRE_RATCHET_HELLO = 20,
	WIRE_RATCHET_RESET = 21,
	WIRE_MSG = 30,
	WIRE_ACK = 31,
	WIRE_RESUME = 32,
	WIRE_RECEIPT = 33,
	WIRE_TIMER = 34,	/* reserved */
	WIRE_MBOX = 60,
	WIRE_MBOX_REPLY = 61
};

enum wire_status {
	WIRE_STATUS_PENDING = 0,
	WIRE_STATUS_ACCEPTED = 1,
	WIRE_STATUS_REJECTED = 2
};

#define WIRE_UNKNOWN		1	/* wire_decode: a type we do not know */
#define WIRE_KEY_LEN		32	/* HELLO ed_pk, RATCHET_HELLO pub */
#define WIRE_SIG_LEN		64	/* HELLO sig: Ed25519 */
#define WIRE_HEADER_LEN		40	/* MSG header: RATCHET_HEADER_LEN */
/* MSG header with a KEM step's ek and ct: RATCHET_HEADER_MAX. */
#define WIRE_HEADER_MAX		(WIRE_HEADER_LEN + 1 + 1184 + 1088)
/* MSG ct: leaves room for the array, the type, seq, the header and padding. */
#define WIRE_MAX_CT		(WARREN_MAX_FRAME - 64 - WIRE_HEADER_MAX)
/* MBOX: a names a credential or a code; b carries one deposited blob. */
#define WIRE_MBOX_A_MAX		64
#define WIRE_MBOX_B_MAX		(WARREN_MAX_FRAME - 256)
#define WIRE_FEATURES		0	/* HELLO feature bits we speak */

/*
 * One decoded or to-be-encoded frame. Fixed-size fields are copied in;
 * the variable ones (nick, text, header, ct) are pointers with lengths, not
 * NUL-terminated. After wire_decode they point into the caller's pt buffer
 * and are valid exactly as long as it is; for wire_encode the caller owns
 * what they point to.
 */
struct wire_msg {
	uint64_t type;		/* enum wire_type, or the unknown number */
	union {
		struct {
			uint8_t ed_pk[WIRE_KEY_LEN];
			uint64_t features;
			uint8_t sig[WIRE_SIG_LEN];
		} hello;
		struct {
			const char *nick;	/* <= WARREN_MAX_NICK */
			size_t nick_len;
			const char *text;	/* <= WARREN_MAX_REQUEST_TEXT */
			size_t text_len;
		} request;
		struct {
			uint64_t status;	/* enum wire_status */
		} response;
		struct {
			uint8_t pub[WIRE_KEY_LEN];
		} ratchet_hello;
		struct {
			uint64_t seq;
			const uint8_t *header;	/* 40..WIRE_HEADER_MAX */
			size_t header_len;
			const uint8_t *ct;	/* <= WIRE_MAX_CT */
			size_t ct_len;
		} msg;
		struct {
			uint64_t seq;
		} ack;
		struct {
			uint64_t next_expected;
		} resume;
		struct {
			uint64_t seq;
		} receipt;
		struct {
			uint64_t op;
			uint64_t n;
			const uint8_t *a;	/* <= WIRE_MBOX_A_MAX */
			size_t a_len;
			const uint8_t *b;	/* <= WIRE_MBOX_B_MAX */
			size_t b_len;
		} mbox;		/* MBOX and MBOX_REPLY */
	} u;
};

/*
 * Encode m into out (cap bytes) as a padded plaintext; *len is a multiple
 * of WARREN_PAD_BLOCK and <= WARREN_MAX_FRAME. Checks every field as
 * wire_decode would. Returns 0, ERR_INVAL (unknown type, bad status, NULL
 * with a non-zero length), ERR_TOOBIG (a field over its limit, or cap too
 * small), or ERR_UTF8.
 */
int wire_encode(const struct wire_msg *m, uint8_t *out, size_t cap,
    size_t *len);
/*
 * Decode a padded plaintext: sodium_unpad, mp_prescan, msgpack, then strict
 * type and size checks of every field. Returns 0 (m filled; pointers into
 * pt), WIRE_UNKNOWN (only m->type is set: ignore the frame), or ERR_PROTO,
 * ERR_TOOBIG, ERR_UTF8 (the peer misbehaved). pt is not modified.
 */
int wire_decode(const uint8_t *pt, size_t len, struct wire_msg *m);
/* 1 if a and b are the same known message (field by field), else 0. */
int wire_equal(const struct wire_msg *a, const struct wire_msg *b);
/* A name for logs: "MSG", or "unknown". */
const char *wire_type_name(uint64_t type);

#endif
