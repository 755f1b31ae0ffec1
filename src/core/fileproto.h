/*
 * fileproto.h -- the pure parts of file transfer (doc/PROTOCOL.md section
 * 9): the offer that travels inside the ratchet, the request that opens a
 * transfer stream, and the sealed chunk records. No I/O.
 *
 * Offer (the body of a PLAIN_FILE_OFFER, one line of UTF-8):
 *   "warren-file/1 ID SIZE HASH KEY TYPE NAME"
 * ID 32 hex (16 bytes), SIZE decimal <= FILE_MAX_SIZE, HASH 64 hex
 * (BLAKE2b-256 of the content), KEY 64 hex (the per-file key), TYPE a
 * media type of [A-Za-z0-9.+-/] <= FILE_MAX_TYPE, NAME the rest of the
 * line (<= FILE_MAX_NAME bytes, no '/', '\', control characters, not
 * "." or "..").
 *
 * Open request (receiver -> sender on a new stream), FILE_OPEN_LEN bytes:
 *   "WRF" 0x01 || id (16) || first chunk u64 BE || token (32)
 * token = BLAKE2b-256 keyed with KEY of "warren/files token" || id.
 * The sender answers one status byte (FILE_ST_*), then for each chunk
 * from the first: u32 BE length || record. A record is
 *   nonce (24) || XChaCha20-Poly1305(chunk key, nonce, chunk,
 *   AD = "warren/files chunk" || id || index u64 BE || size u64 BE)
 * with chunk key = BLAKE2b-256 keyed with KEY of "warren/files chunk key".
 */
#ifndef WARREN_FILEPROTO_H
#define WARREN_FILEPROTO_H

#include <stddef.h>
#include <stdint.h>

#define FILE_ID_LEN		16
#define FILE_KEY_LEN		32
#define FILE_HASH_LEN		32
#define FILE_TOKEN_LEN		32
#define FILE_MAX_NAME		255
#define FILE_MAX_TYPE		64
#define FILE_MAX_SIZE		((uint64_t)1 << 40)	/* 1 TiB */
#define FILE_CHUNK		(64 * 1024)		/* plaintext per chunk */
#define FILE_REC_OVERHEAD	(24 + 16)		/* nonce + tag */
#define FILE_REC_MAX		(FILE_CHUNK + FILE_REC_OVERHEAD)
#define FILE_MAGIC		"WRF\x01"
#define FILE_OPEN_LEN		(4 + FILE_ID_LEN + 8 + FILE_TOKEN_LEN)
#define FILE_OFFER_PREFIX	"warren-file/1 "
/* Longest offer body: prefix, fields, separators. */
#define FILE_OFFER_MAX		(14 + 32 + 20 + 64 + 64 + FILE_MAX_TYPE + \
    FILE_MAX_NAME + 8)

/* The sender's answer to an open request. */
#define FILE_ST_OK		0	/* records follow */
#define FILE_ST_UNKNOWN		1	/* no such transfer (or bad token) */
#define FILE_ST_CANCELLED	2	/* the sender cancelled it */
#define FILE_ST_UNAVAILABLE	3	/* the source changed or is gone */

struct file_offer {
	uint8_t id[FILE_ID_LEN];
	uint64_t size;
	uint8_t hash[FILE_HASH_LEN];
	uint8_t key[FILE_KEY_LEN];
	char type[FILE_MAX_TYPE + 1];
	char name[FILE_MAX_NAME + 1];
};

/* 0 if name is a safe single file name (see above), else ERR_INVAL. */
int file_name_ok(const char *name, size_t len);
/* 0 if type is a plausible media type, else ERR_INVAL. */
int file_type_ok(const char *type, size_t len);
/* Encode into out (cap >= FILE_OFFER_MAX + 1, NUL-terminated); *len. */
int file_offer_encode(const struct file_offer *, char *out, size_t cap,
    size_t *len);
/* Decode strictly: ERR_PROTO (format), ERR_TOOBIG (size), ERR_INVAL (name). */
int file_offer_decode(const char *body, size_t len, struct file_offer *);

/* Chunks in a file of size bytes (0 for an empty file). */
uint64_t file_nchunks(uint64_t size);
/* Plaintext bytes of chunk idx (< file_nchunks). */
size_t file_chunk_len(uint64_t size, uint64_t idx);

void file_token(const uint8_t key[FILE_KEY_LEN], const uint8_t id[FILE_ID_LEN],
    uint8_t tok[FILE_TOKEN_LEN]);
void file_open_encode(const uint8_t id[FILE_ID_LEN], uint64_t first,
    const uint8_t tok[FILE_TOKEN_LEN], uint8_t out[FILE_OPEN_LEN]);
/* ERR_AGAIN (fewer than FILE_OPEN_LEN bytes), ERR_PROTO (bad magic) or 0. */
int file_open_decode(const uint8_t *in, size_t len, uint8_t id[FILE_ID_LEN],
    uint64_t *first, uint8_t tok[FILE_TOKEN_LEN]);

/*
 * Seal chunk idx of a file of `size` bytes: pt is file_chunk_len bytes;
 * out gets that + FILE_REC_OVERHEAD.
 */
void file_chunk_seal(const uint8_t key[FILE_KEY_LEN],
    const uint8_t id[FILE_ID_LEN], uint64_t size, uint64_t idx,
    const uint8_t *pt, uint8_t *out);
/*
 * Open a record: rec_len must be file_chunk_len + FILE_REC_OVERHEAD
 * (else ERR_PROTO); ERR_AUTH if it does not verify. pt gets the chunk.
 */
int file_chunk_open(const uint8_t key[FILE_KEY_LEN],
    const uint8_t id[FILE_ID_LEN], uint64_t size, uint64_t idx,
    const uint8_t *rec, size_t rec_len, uint8_t *pt);

#endif
