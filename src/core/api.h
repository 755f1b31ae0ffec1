/* api.h -- the node's operations behind the local API (see doc/rpc.md). */
#ifndef WARREN_API_H
#define WARREN_API_H

#include <stdint.h>

#include <jansson.h>

struct node;

/*
 * Why an operation failed. The core knows nothing of JSON-RPC: src/rpc maps
 * these to the codes of include/warren/rpc.h.
 */
enum api_code {
	API_E_PARAMS = 1,	/* a value is wrong or missing */
	API_E_INTERNAL,		/* storage or another internal failure */
	API_E_LOCKED,		/* the store is locked */
	API_E_PASSPHRASE,	/* wrong passphrase */
	API_E_NO_CONTACT,	/* no such contact */
	API_E_AMBIGUOUS,	/* a name matches several contacts */
	API_E_BAD_ADDRESS,	/* not a valid v3 onion address */
	API_E_TOO_LONG,		/* over a limit */
	API_E_EXISTS,		/* already exists */
	API_E_SELF,		/* our own address */
	API_E_BLOCKED,		/* the contact is blocked */
	API_E_NOT_LOCKED,	/* unlock while not locked */
	API_E_BAD_TEXT,		/* invalid UTF-8 or control characters */
	API_E_UNVERIFIED_CHANGE, /* the safety number changed: confirm */
	API_E_NO_REQUEST,	/* no pending request from that address */
	API_E_STATE		/* not possible in the contact's state */
};

struct api_err {
	enum api_code code;
	char message[256];
};

/* Fill err; returns -1. */
int api_fail(struct api_err *, enum api_code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Each returns 0 with *res (a new reference), or -1 with err filled. */
int api_contact_add(struct node *, const char *addr, const char *name,
    const char *text, json_t **res, struct api_err *);
int api_contact_accept(struct node *, const char *, json_t **,
    struct api_err *);
int api_contact_reject(struct node *, const char *, json_t **,
    struct api_err *);
int api_contact_block(struct node *, const char *, json_t **,
    struct api_err *);
int api_contact_unblock(struct node *, const char *, json_t **,
    struct api_err *);
int api_contact_remove(struct node *, const char *, json_t **,
    struct api_err *);
int api_contact_rename(struct node *, const char *, const char *name,
    json_t **, struct api_err *);
int api_contact_list(struct node *, int requests, json_t **,
    struct api_err *);
int api_message_send(struct node *, const char *who, const char *text,
    int64_t timer, int force, json_t **, struct api_err *);
int api_message_resend(struct node *, const char *who, json_t **,
    struct api_err *);
int api_contact_set_timer(struct node *, const char *who, json_int_t secs,
    json_t **, struct api_err *);
int api_settings_get(struct node *, json_t **, struct api_err *);
int api_settings_set(struct node *, const char *key, json_t *value,
    json_t **, struct api_err *);
int api_passwd(struct node *, const char *old, const char *new, int rotate,
    json_t **, struct api_err *);
/* api_files.c */
int api_files_send(struct node *, const char *who, const char *path,
    int64_t expire, json_t **, struct api_err *);
int api_files_list(struct node *, json_t **, struct api_err *);
int api_files_accept(struct node *, json_int_t id, const char *path,
    json_t **, struct api_err *);
int api_files_reject(struct node *, json_int_t id, json_t **,
    struct api_err *);
int api_files_cancel(struct node *, json_int_t id, json_t **,
    struct api_err *);
int api_files_save(struct node *, json_int_t id, const char *path,
    json_t **, struct api_err *);
/* settings.set auto_accept_files: a size ("10M", 1048576) or off. */
int api_files_setting(struct node *, json_t *value, struct api_err *);
int api_message_list(struct node *, const char *who, json_int_t limit,
    json_int_t before, int mark_read, json_t **, struct api_err *);

#endif
