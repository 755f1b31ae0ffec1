/* cmd_files.c -- files.*: offer, list, accept, reject, cancel, save. */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "warren/rpc.h"
#include "core/api.h"
#include "rpc/cmds.h"
#include "rpc/params.h"
#include "rpc/rpc.h"

#define PATH_MAX_LEN	4096

/* files.send {contact, path} */
int
rpc_files_send(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "contact", "path", "expire",
	    NULL };
	const char *who, *path;
	json_int_t expire;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "contact", 1, 256, &who, err) != 0 ||
	    param_str(p, "path", 1, PATH_MAX_LEN, &path, err) != 0 ||
	    param_int(p, "expire", 0, 0, 4 * 7 * 24 * 3600, -1, &expire,
	    err) != 0)
		return -1;
	if (expire > 0 && expire < 30)
		return rpc_fail(err, RPC_E_PARAMS, "expire is 0 (keep) or from "
		    "30 seconds to 4 weeks");
	return rpc_api(err, &ae, api_files_send(n, who, path, expire, res,
	    &ae));
}

/* files.list */
int
rpc_files_list(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { NULL };

	if (param_only(p, keys, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_files_list(n, res, &ae));
}

/* {file, path?}: the common parameters. */
static int
file_params(json_t *p, int want_path, json_int_t *id, const char **path,
    struct rpc_error *err)
{
	static const char *const keys[] = { "file", "path", NULL };
	static const char *const keys1[] = { "file", NULL };

	*path = NULL;
	if (param_only(p, want_path ? keys : keys1, err) != 0 ||
	    param_int(p, "file", 1, 1, INT64_MAX, 0, id, err) != 0)
		return -1;
	if (want_path && param_str(p, "path", want_path == 2, PATH_MAX_LEN,
	    path, err) != 0)
		return -1;
	return 0;
}

/* files.accept {file, path?} */
int
rpc_files_accept(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	json_int_t id;
	const char *path;

	if (file_params(p, 1, &id, &path, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_files_accept(n, id, path, res, &ae));
}

/* files.reject {file} */
int
rpc_files_reject(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	json_int_t id;
	const char *path;

	if (file_params(p, 0, &id, &path, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_files_reject(n, id, res, &ae));
}

/* files.cancel {file} */
int
rpc_files_cancel(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	json_int_t id;
	const char *path;

	if (file_params(p, 0, &id, &path, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_files_cancel(n, id, res, &ae));
}

/* files.save {file, path} */
int
rpc_files_save(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	json_int_t id;
	const char *path;

	if (file_params(p, 2, &id, &path, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_files_save(n, id, path, res, &ae));
}
