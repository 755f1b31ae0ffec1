/* cmd_contacts.c -- contacts.* and requests.list. */
#include <jansson.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "core/api.h"
#include "rpc/cmds.h"
#include "rpc/params.h"
#include "rpc/rpc.h"

/* contacts.add {address, name?, message?} */
int
rpc_contacts_add(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "address", "name", "message",
	    NULL };
	const char *addr, *name, *text;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "address", 1, 128, &addr, err) != 0 ||
	    param_str(p, "name", 0, WARREN_MAX_NICK, &name, err) != 0 ||
	    param_str(p, "message", 0, WARREN_MAX_REQUEST_TEXT, &text,
	    err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_add(n, addr, name, text, res, &ae));
}

/* The common shape: {contact}. */
static int
one_contact(json_t *p, const char **who, struct rpc_error *err)
{
	static const char *const keys[] = { "contact", NULL };

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "contact", 1, 256, who, err) != 0)
		return -1;
	return 0;
}

/* contacts.accept {contact} */
int
rpc_contacts_accept(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	const char *who;

	if (one_contact(p, &who, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_accept(n, who, res, &ae));
}

/* contacts.reject {contact} */
int
rpc_contacts_reject(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	const char *who;

	if (one_contact(p, &who, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_reject(n, who, res, &ae));
}

/* contacts.block {contact} */
int
rpc_contacts_block(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	const char *who;

	if (one_contact(p, &who, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_block(n, who, res, &ae));
}

/* contacts.unblock {contact} */
int
rpc_contacts_unblock(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	const char *who;

	if (one_contact(p, &who, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_unblock(n, who, res, &ae));
}

/* contacts.remove {contact} */
int
rpc_contacts_remove(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	const char *who;

	if (one_contact(p, &who, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_remove(n, who, res, &ae));
}

/* contacts.rename {contact, name} */
int
rpc_contacts_rename(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "contact", "name", NULL };
	const char *who, *name;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "contact", 1, 256, &who, err) != 0 ||
	    param_str(p, "name", 1, WARREN_MAX_NICK, &name, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_rename(n, who, name, res, &ae));
}

/* contacts.list */
int
rpc_contacts_list(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { NULL };

	if (param_only(p, keys, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_list(n, 0, res, &ae));
}

/* requests.list */
int
rpc_requests_list(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { NULL };

	if (param_only(p, keys, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_list(n, 1, res, &ae));
}
