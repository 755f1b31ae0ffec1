/* params.c -- typed access to JSON-RPC params. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

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

/* A secret given as text (key) or as base64 of its bytes (key_b64). */
int
param_secret(json_t *p, const char *key, int required, size_t max,
    char **out, struct rpc_error *err)
{
	char k64[64];
	const char *s, *b64;
	size_t len, cap;
	char *buf;

	*out = NULL;
	snprintf(k64, sizeof k64, "%s_b64", key);
	if (param_str(p, key, 0, max, &s, err) != 0 ||
	    param_str(p, k64, 0, 0, &b64, err) != 0)
		return -1;
	if (s != NULL && b64 != NULL)
		return rpc_fail(err, RPC_E_PARAMS, "give \"%s\" or \"%s\", "
		    "not both", key, k64);
	if (s == NULL && b64 == NULL) {
		if (required)
			return rpc_fail(err, RPC_E_PARAMS, "missing parameter "
			    "\"%s\" (or \"%s\")", key, k64);
		return 0;
	}
	if (s != NULL) {
		len = strlen(s);
		if ((buf = sodium_malloc(len + 1)) == NULL)
			return rpc_fail(err, RPC_E_INTERNAL, "out of memory");
		memcpy(buf, s, len + 1);
		*out = buf;
		return 0;
	}
	cap = strlen(b64) / 4 * 3 + 3;
	if (cap > max + 3)
		return rpc_fail(err, RPC_E_TOO_LONG, "parameter \"%s\" is "
		    "over %zu bytes", k64, max);
	if ((buf = sodium_malloc(cap + 1)) == NULL)
		return rpc_fail(err, RPC_E_INTERNAL, "out of memory");
	if (sodium_base642bin((unsigned char *)buf, cap, b64, strlen(b64),
	    NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    b64[0] == '\0') {
		sodium_free(buf);
		return rpc_fail(err, RPC_E_PARAMS, "parameter \"%s\" is not "
		    "base64", k64);
	}
	if (memchr(buf, '\0', len) != NULL || len > max) {
		sodium_free(buf);
		return rpc_fail(err, len > max ? RPC_E_TOO_LONG : RPC_E_PARAMS,
		    "parameter \"%s\" %s", k64, len > max ? "is too long" :
		    "holds a NUL byte");
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* Wipe and free a param_secret. */
void
param_secret_free(char *s)
{
	if (s != NULL)
		sodium_free(s);
}
