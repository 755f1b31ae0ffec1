/* cmd_unread.c -- messages.unread and contacts.get. */
#include <jansson.h>

#include "warren/rpc.h"
#include "core/api.h"
#include "core/api_unread.h"
#include "rpc/cmds.h"
#include "rpc/params.h"
#include "rpc/rpc.h"

/* messages.unread {limit?, mark_read?} */
int
rpc_messages_unread(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "limit", "mark_read", NULL };
	json_int_t limit;
	int mark;

	if (param_only(p, keys, err) != 0 ||
	    param_int(p, "limit", 0, 1, API_UNREAD_MAX, 1000, &limit,
	    err) != 0 || param_bool(p, "mark_read", 0, 0, &mark, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_message_unread(n, limit, mark, res, &ae));
}

/* contacts.get {contact} */
int
rpc_contacts_get(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "contact", NULL };
	const char *who;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "contact", 1, 256, &who, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_get(n, who, res, &ae));
}
