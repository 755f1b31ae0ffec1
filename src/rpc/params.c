/* params.c -- typed access to JSON-RPC params. */
#include <string.h>

#include <jansson.h>

#include "warren/rpc.h"
#include "rpc/params.h"
#include "rpc/rpc.h"
#include "util/utf8.h"

/* A string param. */
int
param_str(json_t *p, const char *key, int required, size_t max,
    const char **out, struct rpc_error *err)
{
	json_t *v = json_object_get(p, key);
	size_t len;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return rpc_fail(err, RPC_E_PARAMS,
			    "missing parameter \"%s\"", key);
		return 0;
	}
	if (!json_is_string(v))
		return rpc_fail(err, RPC_E_PARAMS,
		    "parameter \"%s\" must be a string", key);
	len = json_string_length(v);
	if (strlen(json_string_value(v)) != len)
		return rpc_fail(err, RPC_E_PARAMS,
		    "parameter \"%s\" contains a NUL character", key);
	if (max != 0 && len > max)
		return rpc_fail(err, RPC_E_TOO_LONG,
		    "parameter \"%s\" is %zu bytes; the limit is %zu", key, len,
		    max);
	*out = json_string_value(v);
	return 0;
}

/* An integer param. */
int
param_int(json_t *p, const char *key, int required, json_int_t min,
    json_int_t max, json_int_t def, json_int_t *out, struct rpc_error *err)
{
	json_t *v = json_object_get(p, key);

	*out = def;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return rpc_fail(err, RPC_E_PARAMS,
			    "missing parameter \"%s\"", key);
		return 0;
	}
	if (!json_is_integer(v))
		return rpc_fail(err, RPC_E_PARAMS,
		    "parameter \"%s\" must be an integer", key);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return rpc_fail(err, RPC_E_PARAMS,
		    "parameter \"%s\" must be between %lld and %lld", key,
		    (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

/* A boolean param. */
int
param_bool(json_t *p, const char *key, int required, int def, int *out,
    struct rpc_error *err)
{
	json_t *v = json_object_get(p, key);

	*out = def;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return rpc_fail(err, RPC_E_PARAMS,
			    "missing parameter \"%s\"", key);
		return 0;
	}
	if (!json_is_boolean(v))
		return rpc_fail(err, RPC_E_PARAMS,
		    "parameter \"%s\" must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

/* Reject unknown keys. */
int
param_only(json_t *p, const char *const *keys, struct rpc_error *err)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(p, k, v) {
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (keys[i] == NULL)
			return rpc_fail(err, RPC_E_PARAMS,
			    "unknown parameter \"%.64s\"", k);
	}
	return 0;
}
