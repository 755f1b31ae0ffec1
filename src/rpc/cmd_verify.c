/* cmd_verify.c -- contacts.verify. */
#include <jansson.h>

#include "core/api_verify.h"
#include "core/api.h"
#include "rpc/cmds.h"
#include "rpc/params.h"
#include "rpc/rpc.h"

/* contacts.verify {contact, confirm?} */
int
rpc_contacts_verify(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "contact", "confirm", NULL };
	const char *who;
	int confirm;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "contact", 1, 256, &who, err) != 0 ||
	    param_bool(p, "confirm", 0, 0, &confirm, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_verify(n, who, confirm, res, &ae));
}
