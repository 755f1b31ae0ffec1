/* api_verify.h -- contacts.verify: safety numbers and the verified mark. */
#ifndef WARREN_API_VERIFY_H
#define WARREN_API_VERIFY_H

#include <jansson.h>

struct node;
struct api_err;

/*
 * The safety number of a contact (address or unambiguous name) and its
 * verified state; with confirm, mark it verified first (persisted, emits
 * "contact.verified" the first time). 0 with *res {address, name?,
 * safety_number, verified}, or -1 with err filled.
 */
int api_contact_verify(struct node *, const char *who, int confirm,
    json_t **res, struct api_err *);

#endif
