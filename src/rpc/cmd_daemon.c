/* cmd_daemon.c -- status, identity.get, daemon.*, rpc.methods. */
#include <string.h>

#include <jansson.h>

#include "warren/rpc.h"
#include "core/api.h"
#include "core/node.h"
#include "rpc/cmds.h"
#include "rpc/params.h"
#include "rpc/rpc.h"
#include "util/err.h"

#define PASS_MAX 1024

/* status */
int
rpc_status(struct rpc_client *c, struct node *n, json_t *p, json_t **res,
    struct rpc_error *err)
{
	static const char *const keys[] = { NULL };

	if (param_only(p, keys, err) != 0)
		return -1;
	*res = node_status(n);
	return 0;
}

/* identity.get */
int
rpc_identity_get(struct rpc_client *c, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { NULL };

	if (param_only(p, keys, err) != 0)
		return -1;
	*res = json_pack("{s:s, s:s+}", "onion", node_onion(n), "address",
	    node_onion(n), ".onion");
	return 0;
}

/* daemon.unlock {passphrase | passphrase_b64} */
int
rpc_unlock(struct rpc_client *c, struct node *n, json_t *p, json_t **res,
    struct rpc_error *err)
{
	static const char *const keys[] = { "passphrase", "passphrase_b64",
	    NULL };
	char *pass;
	int r;

	if (param_only(p, keys, err) != 0 ||
	    param_secret(p, "passphrase", 1, PASS_MAX, &pass, err) != 0)
		return -1;
	if (!node_locked(n))
		r = rpc_fail(err, RPC_E_NOT_LOCKED, "not locked");
	else if ((r = node_unlock(n, pass)) == ERR_PASSPHRASE)
		r = rpc_fail(err, RPC_E_PASSPHRASE, "wrong passphrase");
	else if (r != 0)
		r = rpc_fail(err, RPC_E_INTERNAL, "unlock failed: %s",
		    err_str(r));
	else
		*res = json_pack("{s:b, s:s?}", "locked", 0, "onion",
		    node_onion(n));
	param_secret_free(pass);
	return r;
}

/* daemon.lock */
int
rpc_lock(struct rpc_client *c, struct node *n, json_t *p, json_t **res,
    struct rpc_error *err)
{
	static const char *const keys[] = { NULL };

	if (param_only(p, keys, err) != 0)
		return -1;
	if (node_locked(n))
		return rpc_fail(err, RPC_E_STATE, "already locked");
	if (node_lock(n) != 0)
		return rpc_fail(err, RPC_E_STATE, "no passphrase is set; "
		    "set one with 'warren passwd' before locking");
	*res = json_pack("{s:b}", "locked", 1);
	return 0;
}

/* daemon.shutdown */
int
rpc_shutdown(struct rpc_client *c, struct node *n, json_t *p, json_t **res,
    struct rpc_error *err)
{
	static const char *const keys[] = { NULL };

	if (param_only(p, keys, err) != 0)
		return -1;
	node_shutdown(n);
	*res = json_pack("{s:b}", "stopping", 1);
	return 0;
}

/* rpc.methods */
int
rpc_methods(struct rpc_client *c, struct node *n, json_t *p, json_t **res,
    struct rpc_error *err)
{
	static const char *const keys[] = { NULL };
	json_t *a;
	size_t i;

	if (param_only(p, keys, err) != 0)
		return -1;
	a = json_array();
	for (i = 0; i < rpc_ncmds; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:b}",
		    "name", rpc_cmds[i].name, "params", rpc_cmds[i].params,
		    "summary", rpc_cmds[i].summary, "needs_unlock",
		    (rpc_cmds[i].flags & RPC_F_UNLOCKED) != 0));
	*res = json_pack("{s:i, s:o}", "api", WARREN_RPC_VERSION, "methods", a);
	return 0;
}

/*
 * daemon.passwd {old?, old_b64?, new?, new_b64?, remove?, rotate?}: exactly
 * one of new, new_b64, remove: true and rotate: true. A request without a
 * new passphrase never means "remove" (a client that lost it would silently
 * unprotect the store).
 */
int
rpc_passwd(struct rpc_client *c, struct node *n, json_t *p, json_t **res,
    struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "old", "old_b64", "new", "new_b64",
	    "remove", "rotate", NULL };
	char *old = NULL, *new = NULL;
	int remove, rotate, r = -1;

	if (param_only(p, keys, err) != 0 ||
	    param_bool(p, "remove", 0, 0, &remove, err) != 0 ||
	    param_bool(p, "rotate", 0, 0, &rotate, err) != 0 ||
	    param_secret(p, "old", 0, PASS_MAX, &old, err) != 0 ||
	    param_secret(p, "new", 0, PASS_MAX, &new, err) != 0)
		goto out;
	if ((new != NULL) + remove + rotate > 1)
		rpc_fail(err, RPC_E_PARAMS, "give one of a new passphrase, "
		    "\"remove\": true and \"rotate\": true");
	else if (!remove && !rotate && new == NULL)
		rpc_fail(err, RPC_E_PARAMS, "missing parameter \"new\" (or "
		    "\"new_b64\"; to remove the passphrase, \"remove\": "
		    "true; to rotate the storage key, \"rotate\": true)");
	else
		r = rpc_api(err, &ae, api_passwd(n, old, new, rotate, res,
		    &ae));
out:
	param_secret_free(old);
	param_secret_free(new);
	return r;
}

/* daemon.export {file, passphrase, keep?} */
int
rpc_export(struct rpc_client *c, struct node *n, json_t *p, json_t **res,
    struct rpc_error *err)
{
	static const char *const keys[] = { "file", "passphrase",
	    "passphrase_b64", "keep",
	    NULL };
	const char *file;
	char *pass = NULL;
	int keep, r;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "file", 1, 4096, &file, err) != 0 ||
	    param_bool(p, "keep", 0, 0, &keep, err) != 0 ||
	    param_secret(p, "passphrase", 1, PASS_MAX, &pass, err) != 0) {
		param_secret_free(pass);
		return -1;
	}
	if (file[0] != '/')
		r = rpc_fail(err, RPC_E_PARAMS, "file must be an absolute "
		    "path");
	else if ((r = node_export(n, file, pass, keep)) == ERR_EXISTS)
		r = rpc_fail(err, RPC_E_EXISTS, "%s exists; choose a new "
		    "file", file);
	else if (r != 0)
		r = rpc_fail(err, RPC_E_INTERNAL, "export failed: %s",
		    err_str(r));
	else
		*res = json_pack("{s:s, s:b}", "file", file, "stopping",
		    !keep);
	param_secret_free(pass);
	return r;
}
