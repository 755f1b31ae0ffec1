/* cmd_messages.c -- messages.* and events.subscribe. */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "core/api.h"
#include "rpc/cmds.h"
#include "rpc/params.h"
#include "rpc/rpc.h"

/* messages.send {contact, text} */
int
rpc_messages_send(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "contact", "text", "expire",
	    "force", NULL };
	const char *who, *text;
	json_int_t expire;
	int force;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "contact", 1, 256, &who, err) != 0 ||
	    param_str(p, "text", 1, WARREN_MAX_TEXT, &text, err) != 0 ||
	    param_int(p, "expire", 0, 0, 4 * 7 * 24 * 3600, -1, &expire,
	    err) != 0 || param_bool(p, "force", 0, 0, &force, err) != 0)
		return -1;
	if (expire > 0 && expire < 30)
		return rpc_fail(err, RPC_E_PARAMS, "expire is 0 (keep) or from "
		    "30 seconds to 4 weeks");
	return rpc_api(err, &ae,
	    api_message_send(n, who, text, expire, force, res, &ae));
}

/* messages.resend {contact} */
int
rpc_messages_resend(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "contact", NULL };
	const char *who;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "contact", 1, 256, &who, err) != 0)
		return -1;
	return rpc_api(err, &ae, api_message_resend(n, who, res, &ae));
}

/* messages.list {contact, limit?, before?, mark_read?} */
int
rpc_messages_list(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "contact", "limit", "before",
	    "mark_read", NULL };
	const char *who;
	json_int_t limit, before;
	int mark;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "contact", 1, 256, &who, err) != 0 ||
	    param_int(p, "limit", 0, 1, 10000, 100, &limit, err) != 0 ||
	    param_int(p, "before", 0, 0, INT64_MAX, 0, &before, err) != 0 ||
	    param_bool(p, "mark_read", 0, 0, &mark, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_message_list(n, who, limit, before, mark, res, &ae));
}

/* events.subscribe {since?} */
int
rpc_events_subscribe(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	static const char *const keys[] = { "since", NULL };
	json_int_t since;

	if (param_only(p, keys, err) != 0 ||
	    param_int(p, "since", 0, 0, INT64_MAX, -1, &since, err) != 0)
		return -1;
	rpc_client_subscribe_from(cl, since);
	*res = NULL;	/* replied */
	return 0;
}

/* contacts.set_timer {contact, seconds} */
int
rpc_contacts_set_timer(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "contact", "seconds", NULL };
	const char *who;
	json_int_t secs;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "contact", 1, 256, &who, err) != 0 ||
	    param_int(p, "seconds", 1, 0, 4 * 7 * 24 * 3600, 0, &secs,
	    err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_contact_set_timer(n, who, secs, res, &ae));
}

/* settings.get */
int
rpc_settings_get(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { NULL };

	if (param_only(p, keys, err) != 0)
		return -1;
	return rpc_api(err, &ae,
	    api_settings_get(n, res, &ae));
}

/* settings.set {key, value} */
int
rpc_settings_set(struct rpc_client *cl, struct node *n, json_t *p,
    json_t **res, struct rpc_error *err)
{
	struct api_err ae;
	static const char *const keys[] = { "key", "value", NULL };
	const char *key;
	json_t *v;

	if (param_only(p, keys, err) != 0 ||
	    param_str(p, "key", 1, 64, &key, err) != 0)
		return -1;
	if ((v = json_object_get(p, "value")) == NULL)
		return rpc_fail(err, RPC_E_PARAMS, "missing parameter "
		    "\"value\"");
	if (json_is_string(v) &&
	    strlen(json_string_value(v)) != json_string_length(v))
		return rpc_fail(err, RPC_E_PARAMS,
		    "parameter \"value\" contains a NUL character");
	return rpc_api(err, &ae,
	    api_settings_set(n, key, v, res, &ae));
}
