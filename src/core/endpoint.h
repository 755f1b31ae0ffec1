/*
 * endpoint.h -- private per-contact endpoint onions (doc/PROTOCOL.md,
 * "Endpoints"): for each contact we run an onion service that only they
 * can use (v3 client authorization), tell them its address and their key
 * inside the ratchet (PLAIN_ENDPOINT), and dial them at theirs. Our public
 * onion is then only for contact requests, and may be withdrawn
 * (discoverable off). Inside src/core only.
 */
#ifndef WARREN_ENDPOINT_H
#define WARREN_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct contact;
struct node;
struct plain;

/* Read every contact's endpoint record (after contacts_load). */
int endpoints_load(struct node *);
/* Hand every endpoint and client key to a new tor (after tor_new). */
void endpoints_register(struct node *);
/* Free a contact's endpoint in memory (contact_free_mem). */
void endpoint_free(struct contact *);
/*
 * After a commit: a contact with a session that has not been sent our
 * endpoint gets one (created on first use), inside a new transaction.
 */
void endpoint_maybe_send(struct node *, struct contact *);
/* A PLAIN_ENDPOINT from c (inside node_txn). Bad bodies are ignored. */
int endpoint_on_plain(struct node *, struct contact *, const struct plain *);
/*
 * remove / block (inside node_txn): take our endpoint for c down, forget
 * our key for theirs, delete the record. A later re-add gets a fresh one.
 */
int endpoint_revoke(struct node *, struct contact *);
/* The address to dial c at: their endpoint, or now and then (after
 * failures) their public address. Records which for endpoint_dialled. */
const char *endpoint_dial_onion(struct contact *);
/* The dial chosen by endpoint_dial_onion worked (1) or failed (0). */
void endpoint_dialled(struct contact *, int ok);
/* contacts.* "endpoint" member (new reference). */
json_t *endpoint_json(struct node *, struct contact *);
/* status "onions" member (new reference). */
json_t *endpoints_status(struct node *);
/* The "discoverable" setting (default on). */
int endpoint_discoverable(struct node *);
int endpoint_set_discoverable(struct node *, int on);

/*
 * Pure parsers (fuzz_endpoint): a PLAIN_ENDPOINT body "1 ONION KEY HAVE"
 * (onion 57 bytes, priv 32) and a stored record. 0 or ERR_PROTO.
 */
int endpoint_body_parse(const char *body, size_t len, char *onion,
    uint8_t *priv, int *have);
int endpoint_record_check(const uint8_t *rec, size_t len);

#endif
