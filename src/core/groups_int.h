/* groups_int.h -- what groups.c, group_msg.c and api_groups.c share. */
#ifndef WARREN_GROUPS_INT_H
#define WARREN_GROUPS_INT_H

#include <stdint.h>

#include <jansson.h>

struct node;
struct contact;
struct group_item;

/* One group, loaded for one operation. */
struct grp {
	int64_t id;		/* groups.id; 0 until saved */
	json_t *st;		/* the unsealed state */
	json_t *gone;		/* onions a new roster dropped (runtime) */
	int progress;		/* an item applied (retry the pending) */
};

void grp_free(struct grp *);
int grp_load(struct node *, int64_t id, struct grp **);
int grp_find_gid(struct node *, const char *gid, struct grp **);
/* Every group in id order; cb returns 0 to go on, > 0 to stop. */
int grp_each(struct node *, int (*)(struct node *, struct grp **, void *),
    void *);
int grp_save(struct node *, struct grp *);
const char *grp_str(struct grp *, const char *);
json_int_t grp_int(struct grp *, const char *);
json_t *grp_member_by_pk(struct grp *, const char *pk);
json_t *grp_hex(const uint8_t *, size_t);
int grp_unhex(json_t *, const char *key, uint8_t *, size_t);
char *grp_sign(struct grp *, json_t *body);
int grp_send_plain(struct node *, struct contact *, int kind, const char *);
int grp_flood(struct node *, struct grp *, const char *item, int64_t src,
    json_t *extra);
int grp_publish(struct node *, struct grp *, const char *item, json_t *extra);
int grp_publish_roster(struct node *, struct grp *, json_t *body);
int grp_remember(struct node *, struct grp *, const uint8_t sig[64],
    const char *pending, int64_t src);
int grp_alert(struct node *, struct grp *, const char *what, int64_t src);
int grp_rotate(struct node *, struct grp *);
int grp_roster_check(json_t *body, const uint8_t signer[32]);
int grp_take_roster(struct node *, struct grp *, const char *item,
    json_t *body);

/* group_msg.c */
int grp_forget(struct node *, struct grp *, const uint8_t sig[64]);
int grp_pending_count(struct node *, struct grp *);
/* The highest group_items id (0 if none). */
int grp_pending_last(struct node *, struct grp *, int64_t *);
/*
 * The next pending item with *cursor < id <= limit (*cursor moves to it);
 * ERR_NOTFOUND when none. Caller frees *text with secret_free.
 */
int grp_pending_next(struct node *, struct grp *, int64_t *cursor,
    int64_t limit, char **text, int64_t *src);
int grp_take_msg(struct node *, struct grp *, struct group_item *,
    const char *signer);
int grp_take_leave(struct node *, struct grp *, const char *signer);
int groups_on_invite(struct node *, struct contact *, const char *);
int groups_on_join(struct node *, struct contact *, const char *);
/* Encrypt and publish a message of ours; *row is its group_msgs id. */
int grp_send_msg(struct node *, struct grp *, const char *text,
    int64_t *row);

/*
 * Send group data that waited for c's session (delivery.c, session.c and
 * conn.c call it once the session can send). 1 if some still waits.
 */
int groups_outq_flush(struct node *, struct contact *);

/* The plaintext kinds (delivery.c calls groups_on_plain). */
int groups_on_plain(struct node *, struct contact *, int kind,
    const char *body);

#endif
