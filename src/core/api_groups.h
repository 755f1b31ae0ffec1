/* api_groups.h -- groups.* operations (doc/rpc.md "Groups"). */
#ifndef WARREN_API_GROUPS_H
#define WARREN_API_GROUPS_H

#include <jansson.h>

#include "core/api.h"

struct node;

#define API_GROUP_LOG_MAX	10000

/* GROUP is a group's number (its id) or its unique name. */
int api_group_create(struct node *, const char *name, json_t **,
    struct api_err *);
int api_group_list(struct node *, json_t **, struct api_err *);
int api_group_invite(struct node *, const char *grp, const char *contact,
    json_t **, struct api_err *);
int api_group_accept(struct node *, const char *grp, json_t **,
    struct api_err *);
int api_group_decline(struct node *, const char *grp, json_t **,
    struct api_err *);
int api_group_send(struct node *, const char *grp, const char *text,
    json_t **, struct api_err *);
int api_group_log(struct node *, const char *grp, json_int_t limit,
    int mark_read, json_t **, struct api_err *);
int api_group_members(struct node *, const char *grp, json_t **,
    struct api_err *);
int api_group_leave(struct node *, const char *grp, json_t **,
    struct api_err *);
int api_group_remove(struct node *, const char *grp, const char *member,
    json_t **, struct api_err *);
int api_group_rename(struct node *, const char *grp, const char *name,
    json_t **, struct api_err *);

#endif
