/*
 * groups.h -- serverless groups above the pairwise sessions (issue 15).
 *
 * A group is a creator-signed roster, one sender-key chain per member and
 * epoch, and signed items (roster, sender key, message, leave) that members
 * flood to the members among their contacts through the pairwise Double
 * Ratchet sessions (plaintext kinds PLAIN_GROUP_*). doc/PROTOCOL.md
 * "Groups" describes the format and the threat model.
 */
#ifndef WARREN_GROUPS_H
#define WARREN_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define GROUP_MAX_MEMBERS	100
#define GROUP_MAX_TEXT		2048	/* the item must fit a plaintext */
#define GROUP_MAX_NAME		64
#define GROUP_MAX_PENDING	1000	/* items waiting, per group */
#define GROUP_ITEM_MAX		4096	/* an encoded item (plain body) */
#define GROUP_MAX_SEQ		((int64_t)1 << 48)	/* seq, Lamport clock */
#define GROUP_KEEP_EPOCHS	8	/* older sender keys are dropped */

/* A group item taken apart (pure, see group_item_parse). */
struct group_item {
	json_t *outer;		/* {g, k, b, s}; owns the strings below */
	json_t *body;		/* parsed b */
	const char *type;	/* body.t */
	uint8_t gid[32];
	uint8_t signer[32];	/* Ed25519 public key */
	uint8_t sig[64];
	const char *b;		/* the signed bytes */
	size_t blen;
};

/*
 * Parse an item (the body of PLAIN_GROUP_ITEM): JSON, field types and
 * sizes, hex and base64 lengths, body.g equal to g. Does not verify the
 * signature (group_item_verify). 0 or ERR_PROTO; free with
 * group_item_free.
 */
int group_item_parse(const char *buf, size_t len, struct group_item *);
/* 0 if the signature is the signer's over the body, else ERR_AUTH. */
int group_item_verify(const struct group_item *);
void group_item_free(struct group_item *);

/* The chain step: next chain key and this message's key. */
void group_chain_step(uint8_t ck[32], uint8_t mk[32]);

#endif
