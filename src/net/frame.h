/*
 * frame.h -- "u16 BE length || body" framing over a libevent evbuffer.
 * Used for the Noise handshake messages and for transport frames.
 */
#ifndef WARREN_FRAME_H
#define WARREN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <warren/limits.h>

#include "crypto/noise.h"

struct evbuffer;

#define FRAME_HDR_LEN	2
/* A transport frame: Noise ciphertext of one padded wire plaintext. */
#define FRAME_MAX_BODY	(WARREN_MAX_FRAME + NOISE_TAG_LEN)
/*
 * A handshake message (XKhfs): msg1 is e (32) + e1 (1184) + tag (16),
 * msg2 e (32) + ekem1 (1088 + 16) + tag (16), both with empty payloads;
 * msg3 is encrypted s (32 + 16) + a HELLO padded to one block + tag (16).
 */
#define FRAME_MAX_HS3	(NOISE_KEY_LEN + 2 * NOISE_TAG_LEN + WARREN_PAD_BLOCK)
#define FRAME_MAX_HS	(NOISE_HFS_MSG1_MIN > FRAME_MAX_HS3 ?		\
    NOISE_HFS_MSG1_MIN : FRAME_MAX_HS3)

/*
 * Take one whole frame from in: its body (1..cap bytes; cap is both the
 * buffer size and the largest body accepted) goes to buf, *len = its size,
 * and header + body are drained. Returns 0, ERR_AGAIN if the frame is not
 * complete yet (nothing drained), or ERR_PROTO if the length is 0 or
 * larger than cap: we never wait for a frame that cannot be valid.
 */
int frame_take(struct evbuffer *in, uint8_t *buf, size_t cap, size_t *len);
/*
 * Append header + body (1..65535 bytes) to out. Returns 0, ERR_INVAL for a
 * length outside that range, or ERR_NOMEM (out is then unchanged).
 */
int frame_put(struct evbuffer *out, const uint8_t *body, size_t len);

#endif
