/* limits.h -- wire and API limits shared by the daemon, the CLI and apps. */
#ifndef WARREN_LIMITS_H
#define WARREN_LIMITS_H

#define WARREN_PORT		9737	/* virtual port of every warren onion */
#define WARREN_ONION_LEN	56	/* v3 address without ".onion" */
#define WARREN_MAX_FRAME	16384	/* plaintext of one transport frame */
#define WARREN_PAD_BLOCK	256	/* frames are padded to a multiple */
#define WARREN_MAX_TEXT		4096	/* message text, bytes of UTF-8 */
#define WARREN_MAX_NICK		64	/* contact name / request nick, bytes */
#define WARREN_MAX_REQUEST_TEXT	2048	/* contact request greeting, bytes */
#define WARREN_RPC_MAX_LINE	(1024 * 1024) /* one JSON-RPC request line */
#define WARREN_HANDSHAKE_SECS	30	/* to finish preamble + Noise */
#define WARREN_PING_SECS	15	/* idle time before PING */
#define WARREN_IDLE_CLOSE_SECS	27	/* silence before closing */
#define WARREN_MAX_UNAUTH	32	/* concurrent unauthenticated conns */
#define WARREN_MAX_PENDING	100	/* stored requests (--max-requests) */
#define WARREN_MAX_STRANGERS	8	/* authenticated non-contacts at once */
#define WARREN_STRANGER_SECS	30	/* a non-contact's whole stay */
#define WARREN_MAX_SKIP		1000	/* ratchet skipped keys in all */

#endif
