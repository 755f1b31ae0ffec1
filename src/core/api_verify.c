/*
 * api_verify.c -- contacts.verify: a contact's safety number (from our
 * identity key and theirs, see crypto/safety.h) and the mark that says the
 * user compared it with them.
 *
 * A contact's key is its address, so a verified contact can never change
 * key; but a re-established session (session_alert in delivery.c) clears
 * the mark, because it can mean their device or key holder changed.
 */
#include <jansson.h>

#include "warren/rpc.h"
#include "core/api.h"
#include "core/api_verify.h"
#include "core/core.h"
#include "crypto/safety.h"
#include "util/err.h"
#include "util/log.h"

/* contacts.verify {contact, confirm?} */
int
api_contact_verify(struct node *n, const char *who, int confirm,
    json_t **res, struct api_err *err)
{
	struct contact *c;
	char digits[SAFETY_LEN + 1];
	int r;

	if ((c = api_find(n, who, LOOKUP_CONTACTS, err)) == NULL)
		return -1;
	if ((r = safety_number(digits, identity_ed_pk(n->id), c->ed_pk)) != 0)
		return api_fail(err, API_E_INTERNAL, "safety number: %s",
		    err_str(r));
	if (confirm && (!c->verified || (c->flags & CF_ALERT))) {
		c->verified = 1;
		/* Compared in person: acknowledged; held messages go now. */
		if ((r = contact_save(n, c)) != 0 ||
		    (r = delivery_accept_session(n, c)) != 0) {
			c->verified = 0;
			return api_fail(err, API_E_INTERNAL, "storage failed: "
			    "%s", err_str(r));
		}
		/* A failed commit reloads the contacts: c is gone then. */
		if ((r = event_emit(n, RPC_EV_VERIFIED, json_pack("{s:s, s:s?}",
		    "contact", c->onion, "name", c->name))) != 0 ||
		    (r = node_commit(n)) != 0)
			return api_fail(err, API_E_INTERNAL, "storage failed: "
			    "%s", err_str(r));
		log_info("contact %s marked verified", log_contact(c->id, c->onion));
		if (c->live == NULL && conn_wanted(n, c))
			conn_kick(n, c);
	}
	*res = json_pack("{s:s, s:s?, s:s, s:b}", "address", c->onion,
	    "name", c->name, "safety_number", digits,
	    "verified", c->verified);
	return 0;
}
