/* cmd_groups.c -- groups.* (serverless groups; doc/rpc.md "Groups"). */
#include <stdio.h>

#include <jansson.h>

#include "warren/rpc.h"
#include "core/api.h"
#include "core/api_groups.h"
#include "rpc/cmds.h"
#include "rpc/params.h"
#include "rpc/rpc.h"

/* "group": its number (integer or string) or its name. */
static int
param_group(json_t *p, char *buf, size_t len, struct rpc_error *err)
{
	json_t *v = json_object_get(p, "group");
	const char *s;

	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return 0;
	}
	if (param_str(p, "group", 1, 256, &s, err) != 0)
		return -1;
	snprintf(buf, len, "%s", s);
	return 0;
}

/* groups.list {} */
int
rpc_groups_list(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { NULL };
	struct api_err ae;

	if (param_only(p, keys, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_group_list(n, res, &ae));
}

/* groups.create {name} */
int
rpc_groups_create(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "name", NULL };
	struct api_err ae;
	const char *name;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "name", 1, 256, &name, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_group_create(n, name, res, &ae));
}

/* groups.invite {group, contact} */
int
rpc_groups_invite(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "group", "contact", NULL };
	struct api_err ae;
	const char *who;
	char g[300];

	if (param_only(p, keys, err) != 0 ||
	    param_group(p, g, sizeof g, err) != 0 ||
	    param_str(p, "contact", 1, 256, &who, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_group_invite(n, g, who, res, &ae));
}

/* groups.accept {group} and groups.decline {group} */
static int
rpc_groups_answer(json_t *p, struct node *n, int yes, json_t **res,
    struct rpc_error *err)
{
	static const char *const keys[] = { "group", NULL };
	struct api_err ae;
	char g[300];

	if (param_only(p, keys, err) != 0 ||
	    param_group(p, g, sizeof g, err) != 0)
		return -1;
	return rpc_api(err, &ae, yes ? api_group_accept(n, g, res, &ae) :
	    api_group_decline(n, g, res, &ae));
}

int
rpc_groups_accept(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	return rpc_groups_answer(p, n, 1, res, err);
}

int
rpc_groups_decline(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	return rpc_groups_answer(p, n, 0, res, err);
}

/* groups.send {group, text} */
int
rpc_groups_send(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "group", "text", NULL };
	struct api_err ae;
	const char *text;
	char g[300];

	if (param_only(p, keys, err) != 0 ||
	    param_group(p, g, sizeof g, err) != 0 ||
	    param_str(p, "text", 1, 0, &text, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_group_send(n, g, text, res, &ae));
}

/* groups.log {group, limit?, mark_read?} */
int
rpc_groups_log(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "group", "limit", "mark_read",
	    NULL };
	struct api_err ae;
	json_int_t limit;
	int mark;
	char g[300];

	if (param_only(p, keys, err) != 0 ||
	    param_group(p, g, sizeof g, err) != 0 ||
	    param_int(p, "limit", 0, 1, API_GROUP_LOG_MAX, 100, &limit,
	    err) != 0 || param_bool(p, "mark_read", 0, 1, &mark, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_group_log(n, g, limit, mark, res, &ae));
}

/* groups.members {group} and groups.leave {group} */
int
rpc_groups_members(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "group", NULL };
	struct api_err ae;
	char g[300];

	if (param_only(p, keys, err) != 0 ||
	    param_group(p, g, sizeof g, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_group_members(n, g, res, &ae));
}

int
rpc_groups_leave(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "group", NULL };
	struct api_err ae;
	char g[300];

	if (param_only(p, keys, err) != 0 ||
	    param_group(p, g, sizeof g, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_group_leave(n, g, res, &ae));
}

/* groups.remove {group, member} */
int
rpc_groups_remove(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "group", "member", NULL };
	struct api_err ae;
	const char *who;
	char g[300];

	if (param_only(p, keys, err) != 0 ||
	    param_group(p, g, sizeof g, err) != 0 ||
	    param_str(p, "member", 1, 256, &who, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_group_remove(n, g, who, res, &ae));
}

/* groups.rename {group, name} */
int
rpc_groups_rename(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "group", "name", NULL };
	struct api_err ae;
	const char *name;
	char g[300];

	if (param_only(p, keys, err) != 0 ||
	    param_group(p, g, sizeof g, err) != 0 ||
	    param_str(p, "name", 1, 256, &name, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_group_rename(n, g, name, res, &ae));
}
