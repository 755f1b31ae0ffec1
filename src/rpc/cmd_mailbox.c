/* cmd_mailbox.c -- mailbox.*: pairing codes, pairing, status, unpair. */
#include <jansson.h>

#include "warren/rpc.h"
#include "core/api.h"
#include "core/mbox.h"
#include "rpc/cmds.h"
#include "rpc/params.h"
#include "rpc/rpc.h"

/* The shape of a method without parameters. */
static int
no_params(json_t *p, struct rpc_error *err)
{
	static const char *const keys[] = { NULL };

	return param_only(p, keys, err);
}

/* mailbox.pair_code {} (on a mailbox) */
int
rpc_mailbox_pair_code(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;

	if (no_params(p, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_mailbox_pair_code(n, res, &ae));
}

/* mailbox.pair {code} */
int
rpc_mailbox_pair(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "code", NULL };
	struct api_err ae;
	const char *code;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "code", 1, 256, &code, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_mailbox_pair(n, code, res, &ae));
}

/* mailbox.status {} */
int
rpc_mailbox_status(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;

	if (no_params(p, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_mailbox_status(n, res, &ae));
}

/* mailbox.unpair {} */
int
rpc_mailbox_unpair(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;

	if (no_params(p, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_mailbox_unpair(n, res, &ae));
}
