/* err.h -- internal error codes: functions return 0 or a negative ERR_*. */
#ifndef WARREN_ERR_H
#define WARREN_ERR_H

enum {
	ERR_OK = 0,
	ERR_AGAIN = -1,		/* need more input; not an error */
	ERR_INVAL = -2,		/* bad argument */
	ERR_PROTO = -3,		/* peer or tor broke the protocol */
	ERR_TOOBIG = -4,	/* over a limit */
	ERR_AUTH = -5,		/* MAC or signature did not verify */
	ERR_IO = -6,		/* system call failed (see errno in the log) */
	ERR_NOTFOUND = -7,
	ERR_EXISTS = -8,
	ERR_LOCKED = -9,	/* storage key not available */
	ERR_STATE = -10,	/* call not valid in this state */
	ERR_CRYPTO = -11,	/* a primitive failed (e.g. low-order point) */
	ERR_TIMEOUT = -12,
	ERR_DB = -13,		/* SQLite failed */
	ERR_PASSPHRASE = -14,	/* wrong passphrase */
	ERR_ADDR_LEN = -15,	/* onion address: wrong length */
	ERR_ADDR_BASE32 = -16,	/* onion address: not base32 */
	ERR_ADDR_CHECKSUM = -17,/* onion address: bad checksum */
	ERR_ADDR_VERSION = -18,	/* onion address: not version 3 */
	ERR_ADDR_POINT = -19,	/* onion address: not a valid ed25519 key */
	ERR_SKIP = -20,		/* ratchet: too many skipped messages */
	ERR_DUP = -21,		/* duplicate or replayed message */
	ERR_CLOSED = -22,	/* connection closed */
	ERR_REFUSED = -23,	/* refused by policy */
	ERR_UTF8 = -24,		/* invalid UTF-8 or control characters */
	ERR_NOMEM = -25,
	ERR_BLOCKED = -26,	/* peer is blocked */
	ERR_RATE = -27,		/* rate limited */
	ERR_UNSUPPORTED = -28,
	ERR_ADDR_V2 = -29,	/* onion address: an obsolete v2 (16 chars) */
	ERR_LAST = -30
};

/* A short readable description of an ERR_* code; never NULL. */
const char *err_str(int);

#endif
