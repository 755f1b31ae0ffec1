/* api_unread.h -- messages.unread (warren receive) and contacts.get. */
#ifndef WARREN_API_UNREAD_H
#define WARREN_API_UNREAD_H

#include <jansson.h>

struct node;
struct api_err;

/* The most messages.unread returns at once. */
#define API_UNREAD_MAX	10000

/*
 * Messages received and not yet read, from every contact that is not
 * blocked, oldest first (at most limit); with mark_read, each contact's
 * conversation is marked read up to the last one returned (read receipts
 * go out where both sides have them on). 0 with *res {messages, more},
 * each message in the form of messages.list plus "name"; or -1.
 */
int api_message_unread(struct node *, json_int_t limit, int mark_read,
    json_t **res, struct api_err *);
/* One contact (any state, by address; names and prefixes as usual). */
int api_contact_get(struct node *, const char *who, json_t **res,
    struct api_err *);

#endif
