/* api_files.c -- files.* (doc/rpc.md): offer, list, accept, save, cancel. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "warren/rpc.h"
#include "core/api.h"
#include "core/core.h"
#include "core/files.h"
#include "core/plain.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* A few common types by extension; the rest is octet-stream. */
static const char *
guess_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} t[] = {
		{ "txt", "text/plain" }, { "md", "text/markdown" },
		{ "pdf", "application/pdf" }, { "png", "image/png" },
		{ "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
		{ "gif", "image/gif" }, { "webp", "image/webp" },
		{ "mp3", "audio/mpeg" }, { "ogg", "audio/ogg" },
		{ "mp4", "video/mp4" }, { "zip", "application/zip" },
		{ "gz", "application/gzip" }, { "tar", "application/x-tar" },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot != NULL)
		for (i = 0; i < sizeof t / sizeof t[0]; i++)
			if (strcasecmp(dot + 1, t[i].ext) == 0)
				return t[i].type;
	return "application/octet-stream";
}

/* BLAKE2b-256 of an open file, streaming. */
static int
hash_fd(int fd, uint8_t out[FILE_HASH_LEN], uint64_t size)
{
	crypto_generichash_state hs;
	uint8_t *buf = xmalloc(FILE_CHUNK);
	uint64_t got = 0;
	ssize_t k;

	crypto_generichash_init(&hs, NULL, 0, FILE_HASH_LEN);
	while ((k = read(fd, buf, FILE_CHUNK)) > 0) {
		crypto_generichash_update(&hs, buf, (size_t)k);
		got += (uint64_t)k;
	}
	crypto_generichash_final(&hs, out, FILE_HASH_LEN);
	sodium_memzero(buf, FILE_CHUNK);
	free(buf);
	return k == 0 && got == size ? 0 : ERR_IO;
}

/* files.send {contact, path} */
int
api_files_send(struct node *n, const char *who, const char *path,
    int64_t expire, json_t **res, struct api_err *err)
{
	struct contact *c;
	struct xfer *x;
	struct stat st;
	const char *base;
	char line[FILE_OFFER_MAX + 1], note[FILE_MAX_NAME + 64];
	size_t len;
	int fd, r;

	if ((c = api_find(n, who, LOOKUP_CONTACTS, err)) == NULL)
		return -1;
	if (c->state != CONTACT_MUTUAL || !(c->flags & CF_HAS_RATCHET))
		return api_fail(err, API_E_STATE, "no session with this contact "
		    "yet: files go once the contact request is accepted");
	if (path[0] != '/')
		return api_fail(err, API_E_PARAMS, "the path must be absolute");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return api_fail(err, API_E_PARAMS, "cannot open %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return api_fail(err, API_E_PARAMS, "%s is not a regular file",
		    path);
	}
	if ((uint64_t)st.st_size > FILE_MAX_SIZE) {
		close(fd);
		return api_fail(err, API_E_TOO_LONG, "the file is larger than "
		    "1 TiB");
	}
	base = strrchr(path, '/') + 1;
	if (file_name_ok(base, strlen(base)) != 0) {
		close(fd);
		return api_fail(err, API_E_PARAMS, "the file name is not plain "
		    "UTF-8 without control characters");
	}
	x = xcalloc(1, sizeof *x);
	x->node = n;
	x->part_fd = -1;
	x->contact = c->id;
	x->dir = 0;
	x->state = FS_OFFERED;
	x->created = node_now_ms();
	x->off.size = (uint64_t)st.st_size;
	snprintf(x->off.name, sizeof x->off.name, "%s", base);
	snprintf(x->off.type, sizeof x->off.type, "%s", guess_type(base));
	randombytes_buf(x->off.id, sizeof x->off.id);
	crypto_aead_xchacha20poly1305_ietf_keygen(x->off.key);
	x->path = xstrdup(path);
	r = hash_fd(fd, x->off.hash, x->off.size);
	close(fd);
	if (r != 0) {
		sodium_memzero(&x->off, sizeof x->off);
		free(x->path);
		free(x);
		return api_fail(err, API_E_PARAMS, "cannot read %s", path);
	}
	x->ttl = (uint32_t)(expire >= 0 ? expire : c->timer);
	if (x->ttl > 0)
		x->expires = x->created + (int64_t)x->ttl * 1000;
	if ((r = node_txn(n)) != 0 || (r = file_offer_encode(&x->off, line,
	    sizeof line, &len)) != 0 || (r = core_next_id(n, "files",
	    &x->row)) != 0)
		goto fail;
	snprintf(note, sizeof note, "you offered file %lld: %s (%" PRIu64
	    " bytes)", (long long)x->row, x->off.name, x->off.size);
	if ((r = xfer_note(x, c, note)) != 0 || (r = xfer_insert(x)) != 0)
		goto fail;
	x->next = n->files->xfers;
	n->files->xfers = x;
	x = NULL;
	r = delivery_send_control(n, c, PLAIN_FILE_OFFER, line,
	    n->files->xfers->ttl);
	sodium_memzero(line, sizeof line);
	if (r != 0 || (r = node_commit(n)) != 0)
		goto fail;
	x = n->files->xfers;
	conn_kick(n, c);
	*res = xfer_json(x);
	return 0;
fail:
	if (x != NULL) {
		sodium_memzero(&x->off, sizeof x->off);
		free(x->path);
		free(x);
	}
	return api_fail(err, API_E_INTERNAL, "could not offer the file: %s",
	    err_str(r));
}

/* files.list */
int
api_files_list(struct node *n, json_t **res, struct api_err *err)
{
	struct xfer *x;
	json_t *a;

	(void)err;
	a = json_array();
	for (x = n->files->xfers; x != NULL; x = x->next)
		json_array_append_new(a, xfer_json(x));
	*res = a;
	return 0;
}

/* The transfer with this id, in a direction (-1: either). */
static struct xfer *
find_xfer(struct node *n, json_int_t id, int dir, struct api_err *err)
{
	struct xfer *x = files_find(n, (int64_t)id);

	if (x == NULL || (dir >= 0 && x->dir != dir)) {
		api_fail(err, API_E_PARAMS, "no %sfile %lld (see warren files)",
		    dir == 1 ? "incoming " : "", (long long)id);
		return NULL;
	}
	return x;
}

/* files.accept {id, path?} */
int
api_files_accept(struct node *n, json_int_t id, const char *path,
    json_t **res, struct api_err *err)
{
	struct xfer *x;
	int r;

	if ((x = find_xfer(n, id, 1, err)) == NULL)
		return -1;
	if (x->state != FS_OFFERED)
		return api_fail(err, API_E_STATE, "file %lld is %s",
		    (long long)id, file_state_name(x->state));
	if (path != NULL && path[0] != '/')
		return api_fail(err, API_E_PARAMS, "the path must be absolute");
	if ((r = node_txn(n)) != 0)
		return api_fail(err, API_E_INTERNAL, "storage failed");
	r = files_accept_xfer(x, path);
	if (r == ERR_TOOBIG)
		return api_fail(err, API_E_TOO_LONG, "not enough free space in "
		    "the data directory for %" PRIu64 " bytes", x->off.size);
	if (r != 0 || node_commit(n) != 0)
		return api_fail(err, API_E_INTERNAL, "storage failed");
	*res = xfer_json(x);
	return 0;
}

/* files.reject {id} */
int
api_files_reject(struct node *n, json_int_t id, json_t **res,
    struct api_err *err)
{
	struct xfer *x;

	if ((x = find_xfer(n, id, 1, err)) == NULL)
		return -1;
	if (x->state != FS_OFFERED)
		return api_fail(err, API_E_STATE, "file %lld is %s",
		    (long long)id, file_state_name(x->state));
	return api_files_cancel(n, id, res, err);
}

/* files.cancel {id} */
int
api_files_cancel(struct node *n, json_int_t id, json_t **res,
    struct api_err *err)
{
	struct xfer *x;

	if ((x = find_xfer(n, id, -1, err)) == NULL)
		return -1;
	if (x->state >= FS_COMPLETE)
		return api_fail(err, API_E_STATE, "file %lld is %s",
		    (long long)id, file_state_name(x->state));
	if (node_txn(n) != 0 || files_cancel(x) != 0 || node_commit(n) != 0)
		return api_fail(err, API_E_INTERNAL, "storage failed");
	*res = xfer_json(x);
	return 0;
}

/* files.save {id, path} */
int
api_files_save(struct node *n, json_int_t id, const char *path,
    json_t **res, struct api_err *err)
{
	struct xfer *x;
	char *final = NULL;
	int r;

	if ((x = find_xfer(n, id, 1, err)) == NULL)
		return -1;
	if (x->state != FS_COMPLETE)
		return api_fail(err, API_E_STATE, "file %lld is %s%s",
		    (long long)id, file_state_name(x->state),
		    x->state == FS_SAVED ? " (its data was written out and "
		    "deleted here)" : "");
	if (path[0] != '/')
		return api_fail(err, API_E_PARAMS, "the path must be absolute");
	if ((r = node_txn(n)) != 0)
		return api_fail(err, API_E_INTERNAL, "storage failed");
	r = xfer_save(x, path, &final);
	if (r == ERR_EXISTS)
		return api_fail(err, API_E_EXISTS, "%s exists: warren does not "
		    "overwrite files", path);
	if (r == ERR_CRYPTO || r == ERR_AUTH)
		return api_fail(err, API_E_INTERNAL, "the stored data does not "
		    "verify");
	if (r != 0)
		return api_fail(err, API_E_PARAMS, "cannot write %s: %s", path,
		    err_str(r));
	if (node_commit(n) != 0) {
		free(final);
		return api_fail(err, API_E_INTERNAL, "storage failed");
	}
	*res = xfer_json(x);
	json_object_set_new(*res, "path", json_string(final));
	free(final);
	return 0;
}

/* settings.set auto_accept_files */
int
api_files_setting(struct node *n, json_t *value, struct api_err *err)
{
	char buf[32];
	const char *v;
	int r;

	if (json_is_integer(value) && json_integer_value(value) >= 0) {
		snprintf(buf, sizeof buf, "%lld",
		    (long long)json_integer_value(value));
		v = buf;
	} else if (json_is_false(value))
		v = "0";
	else if ((v = json_string_value(value)) == NULL)
		return api_fail(err, API_E_PARAMS, "auto_accept_files is a size "
		    "(e.g. 10M) or off");
	if (files_set_auto_accept(n, v) != 0)
		return api_fail(err, API_E_PARAMS, "auto_accept_files is a size "
		    "up to 1T (e.g. 500K, 10M, 2G) or off");
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)(n->files !=
	    NULL ? n->files->auto_accept : 0));
	if ((r = store_setting_set(n->st, "auto_accept_files", buf)) != 0)
		return api_fail(err, API_E_INTERNAL, "storage failed");
	return 0;
}
