/* err.c -- names of the internal error codes. */
#include "util/err.h"

static const char *const err_names[] = {
	"success",
	"need more input",
	"invalid argument",
	"protocol error",
	"too large",
	"authentication failed",
	"I/O error",
	"not found",
	"already exists",
	"locked",
	"not valid in this state",
	"cryptographic failure",
	"timed out",
	"database error",
	"wrong passphrase",
	"onion address must be 56 base32 characters (optionally with .onion)",
	"onion address contains characters outside base32 (a-z, 2-7)",
	"onion address checksum does not match (typo?)",
	"onion address is not version 3",
	"onion address does not hold a valid ed25519 key",
	"too many skipped messages",
	"duplicate message",
	"connection closed",
	"refused",
	"invalid UTF-8 or control characters",
	"out of memory",
	"blocked",
	"rate limited",
	"not supported",
	("that is a v2 onion address (16 characters); v2 onions no longer "
	    "work: ask for their v3 address (56 characters)"),
};

/* Map a code to its name. */
const char *
err_str(int r)
{
	if (r > 0 || r <= ERR_LAST)
		return "unknown error";
	return err_names[-r];
}
