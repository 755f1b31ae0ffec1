/*
 * files.c -- file transfers: offers inside the ratchet, their rows in the
 * store, verification and saving (doc/PROTOCOL.md section 9). The streams
 * are in files_net.c; the local API in api_files.c.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>
#include <sqlite3.h>

#include "warren/rpc.h"
#include "core/core.h"
#include "core/files.h"
#include "core/plain.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

static const char *const state_names[] = { "?", "offered", "transferring",
    "complete", "saved", "cancelled", "rejected", "failed" };

const char *
file_state_name(int s)
{
	if (s < FS_OFFERED || s > FS_FAILED)
		return "?";
	return state_names[s];
}

/* DIR/files/ROW.part; caller frees. */
char *
xfer_part_path(struct xfer *x)
{
	char *p;

	xasprintf(&p, "%s/files/%lld.part", x->node->dir, (long long)x->row);
	return p;
}

/* Free one transfer's memory (streams must be closed). */
static void
xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	xfer_halt(x);
	if (x->timer != NULL)
		event_free(x->timer);
	if (x->buf != NULL) {
		sodium_memzero(x->buf, FILE_CHUNK);
		free(x->buf);
	}
	free(x->path);
	free(x->error);
	sodium_memzero(&x->off, sizeof x->off);
	free(x);
}

struct xfer *
files_find(struct node *n, int64_t row)
{
	struct xfer *x;

	if (n->files == NULL)
		return NULL;
	for (x = n->files->xfers; x != NULL; x = x->next)
		if (x->row == row)
			return x;
	return NULL;
}

/* The sealed meta: offer line, newline, local path (may be empty). */
static int
xfer_meta(struct xfer *x, uint8_t **out, size_t *out_len)
{
	char line[FILE_OFFER_MAX + 1], *meta;
	size_t len;
	int r;

	if ((r = file_offer_encode(&x->off, line, sizeof line, &len)) != 0)
		return r;
	xasprintf(&meta, "%s\n%s", line, x->path != NULL ? x->path : "");
	sodium_memzero(line, sizeof line);
	r = store_seal(x->node->st, "files", "meta", x->row, meta,
	    strlen(meta), out, out_len);
	sodium_memzero(meta, strlen(meta));
	free(meta);
	return r;
}

/* Insert the row for a new transfer (inside node_txn). */
int
xfer_insert(struct xfer *x)
{
	struct node *n = x->node;
	sqlite3_stmt *s;
	uint8_t *meta = NULL;
	size_t mlen;
	int r;

	if (x->row == 0 && (r = core_next_id(n, "files", &x->row)) != 0)
		return r;
	if ((r = xfer_meta(x, &meta, &mlen)) != 0)
		return r;
	s = core_prep(n, "INSERT INTO files (id, contact, dir, state, fid, "
	    "size, done, created, meta, expires_at, note) VALUES (?, ?, ?, ?, "
	    "?, ?, 0, ?, ?, ?, ?)");
	if (s == NULL) {
		free(meta);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, x->row);
	sqlite3_bind_int64(s, 2, x->contact);
	sqlite3_bind_int(s, 3, x->dir);
	sqlite3_bind_int(s, 4, x->state);
	sqlite3_bind_blob(s, 5, x->off.id, FILE_ID_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)x->off.size);
	sqlite3_bind_int64(s, 7, x->created);
	sqlite3_bind_blob(s, 8, meta, (int)mlen, SQLITE_TRANSIENT);
	if (x->expires > 0)
		sqlite3_bind_int64(s, 9, x->expires);
	else
		sqlite3_bind_null(s, 9);
	sqlite3_bind_int64(s, 10, x->note);
	free(meta);
	return core_step(n, s);
}

/* The note, which carries the timer; events quote it (and go with it). */
int
xfer_note(struct xfer *x, struct contact *c, const char *text)
{
	return message_insert(x->node, c, 2, -1, MSG_NOTE, text, strlen(text),
	    0, x->ttl, &x->note);
}

/* An event about x, deleted with its note when that disappears. */
static int
xfer_emit(struct xfer *x, const char *type, json_t *data)
{
	if (x->note > 0 && x->ttl > 0)
		return event_emit_msg(x->node, type, data, x->note);
	return event_emit(x->node, type, data);
}

/* Write state, counters and meta (a save path may have changed). */
int
xfer_store(struct xfer *x)
{
	struct node *n = x->node;
	sqlite3_stmt *s;
	uint8_t *meta = NULL;
	size_t mlen;
	int r;

	if ((r = node_txn(n)) != 0 || (r = xfer_meta(x, &meta, &mlen)) != 0)
		return r;
	s = core_prep(n, "UPDATE files SET state = ?, done = ?, meta = ? "
	    "WHERE id = ?");
	if (s == NULL) {
		free(meta);
		return ERR_DB;
	}
	sqlite3_bind_int(s, 1, x->state);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)(x->dir == 0 ? x->sent :
	    x->done));
	sqlite3_bind_blob(s, 3, meta, (int)mlen, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, x->row);
	free(meta);
	return core_step(n, s);
}

/* The JSON the API and events show. */
json_t *
xfer_json(struct xfer *x)
{
	struct contact *c;
	const char *onion = NULL, *name = NULL;
	uint64_t bytes;

	for (c = x->node->contacts; c != NULL; c = c->next)
		if (c->id == x->contact) {
			onion = c->onion;
			name = c->name;
		}
	if (x->dir == 1)
		bytes = x->state == FS_COMPLETE || x->state == FS_SAVED ?
		    x->off.size : x->done * FILE_CHUNK;
	else
		bytes = x->state == FS_COMPLETE ? x->off.size :
		    x->sent * FILE_CHUNK;
	if (bytes > x->off.size)
		bytes = x->off.size;
	return json_pack("{s:I, s:s?, s:s?, s:s, s:s, s:s, s:I, s:I, s:s, "
	    "s:I, s:s?}", "file", (json_int_t)x->row, "contact", onion,
	    "name", name, "dir", x->dir == 0 ? "out" : "in",
	    "state", file_state_name(x->state), "filename", x->off.name,
	    "size", (json_int_t)x->off.size, "bytes", (json_int_t)bytes,
	    "type", x->off.type, "chunks_sent", (json_int_t)x->sent,
	    "error", x->error);
}

/* Change state, store it, emit the event (inside or opening node_txn). */
int
xfer_set_state(struct xfer *x, int state, const char *error)
{
	static const char *const ev[] = { NULL, RPC_EV_FILE_OFFERED, NULL,
	    RPC_EV_FILE_COMPLETE, RPC_EV_FILE_SAVED, RPC_EV_FILE_CANCELLED,
	    RPC_EV_FILE_CANCELLED, RPC_EV_FILE_FAILED };
	int r;

	x->state = state;
	free(x->error);
	x->error = error != NULL ? xstrdup(error) : NULL;
	if ((r = xfer_store(x)) != 0)
		return r;
	if (ev[state] == NULL)
		return 0;
	return xfer_emit(x, ev[state], xfer_json(x));
}

/* A file.progress event, at most every FILE_PROGRESS_MS. */
void
xfer_progress(struct xfer *x, uint64_t bytes, int force)
{
	int64_t now = node_now_ms(), el;
	double rate;
	json_t *j;

	if (x->start_ms == 0) {
		x->start_ms = now;
		x->start_bytes = bytes;
	}
	if (!force && now - x->prog_ms < FILE_PROGRESS_MS)
		return;
	x->prog_ms = now;
	x->prog_bytes = bytes;
	el = now - x->start_ms;
	rate = el > 0 ? (double)(bytes - x->start_bytes) * 1000.0 / el : 0;
	j = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}", "file",
	    (json_int_t)x->row, "dir", x->dir == 0 ? "out" : "in",
	    "bytes", (json_int_t)bytes, "size", (json_int_t)x->off.size,
	    "rate", (json_int_t)rate, "eta", (json_int_t)(rate > 0 ?
	    (double)(x->off.size - bytes) / rate : -1));
	if (node_txn(x->node) == 0)
		(void)xfer_emit(x, RPC_EV_FILE_PROGRESS, j);
	else
		json_decref(j);
}

/* Remove the sealed partial data. */
void
xfer_discard(struct xfer *x)
{
	char *p = xfer_part_path(x);

	if (unlink(p) != 0 && errno != ENOENT)
		log_warn("file %lld: cannot delete its data: %s",
		    (long long)x->row, strerror(errno));
	free(p);
	x->done = 0;
}

/* Stop a transfer for good: streams, partial data, state. */
static int
xfer_end(struct xfer *x, int state, const char *error)
{
	if (x->dir == 1) {
		xfer_halt(x);
		xfer_discard(x);
	} else
		files_unserve(x->node, x);
	return xfer_set_state(x, state, error);
}

/* A control plaintext about file x to its contact: "ID[ reason]". */
int
xfer_tell(struct xfer *x, int kind, const char *reason)
{
	struct contact *c;
	char body[FILE_ID_LEN * 2 + 1 + 64];

	for (c = x->node->contacts; c != NULL; c = c->next)
		if (c->id == x->contact)
			break;
	if (c == NULL)
		return ERR_NOTFOUND;
	sodium_bin2hex(body, FILE_ID_LEN * 2 + 1, x->off.id, FILE_ID_LEN);
	if (reason != NULL)
		snprintf(body + FILE_ID_LEN * 2, sizeof body - FILE_ID_LEN * 2,
		    " %s", reason);
	return delivery_send_control(x->node, c, kind, body, 0);
}

/* Open and check every stored record; hash the content on the way. */
static int
xfer_verify(struct xfer *x, int out_fd, uint64_t *bad)
{
	crypto_generichash_state hs;
	uint8_t *rec, hash[FILE_HASH_LEN];
	uint64_t i, n = file_nchunks(x->off.size);
	size_t len;
	char *path = xfer_part_path(x);
	int fd, r = 0;

	*bad = n;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0 && n > 0)
		return ERR_IO;
	rec = xmalloc(FILE_REC_MAX);
	if (x->buf == NULL)
		x->buf = xmalloc(FILE_CHUNK);
	crypto_generichash_init(&hs, NULL, 0, FILE_HASH_LEN);
	for (i = 0; i < n && r == 0; i++) {
		len = file_chunk_len(x->off.size, i) + FILE_REC_OVERHEAD;
		if (pread(fd, rec, len, (off_t)(i * FILE_REC_MAX)) !=
		    (ssize_t)len || file_chunk_open(x->off.key, x->off.id,
		    x->off.size, i, rec, len, x->buf) != 0) {
			*bad = i;
			r = ERR_AUTH;
			break;
		}
		crypto_generichash_update(&hs, x->buf, len - FILE_REC_OVERHEAD);
		if (out_fd >= 0 && write(out_fd, x->buf, len -
		    FILE_REC_OVERHEAD) != (ssize_t)(len - FILE_REC_OVERHEAD))
			r = ERR_IO;
	}
	crypto_generichash_final(&hs, hash, sizeof hash);
	if (r == 0 && sodium_memcmp(hash, x->off.hash, sizeof hash) != 0)
		r = ERR_CRYPTO;
	sodium_memzero(x->buf, FILE_CHUNK);
	free(rec);
	if (fd >= 0)
		close(fd);
	return r;
}

/* Every chunk is here: verify, mark complete, tell the sender, save. */
void
xfer_finish(struct xfer *x)
{
	uint64_t bad;
	char *final = NULL;
	int r;

	xfer_halt(x);
	r = xfer_verify(x, -1, &bad);
	if (r == ERR_AUTH) {
		/* A record damaged on disk (power loss): fetch it again. */
		log_warn("file %lld: chunk %" PRIu64 " damaged on disk; "
		    "fetching from there again", (long long)x->row, bad);
		x->done = bad;
		xfer_pull(x);
		return;
	}
	if (r != 0) {
		log_warn("file %lld: %s", (long long)x->row, r == ERR_CRYPTO ?
		    "content hash mismatch" : err_str(r));
		(void)xfer_end(x, FS_FAILED, r == ERR_CRYPTO ? "the content "
		    "does not match the offered hash (discarded)" :
		    "cannot read the received data");
		(void)xfer_tell(x, PLAIN_FILE_CANCEL, "hash");
		(void)node_commit(x->node);
		return;
	}
	(void)xfer_set_state(x, FS_COMPLETE, NULL);
	(void)xfer_tell(x, PLAIN_FILE_DONE, NULL);
	if (x->path != NULL) {
		if ((r = xfer_save(x, x->path, &final)) != 0)
			log_warn("file %lld: cannot save: %s",
			    (long long)x->row, err_str(r));
		free(final);
	}
	(void)node_commit(x->node);
}

/*
 * Write the content to path (a directory: path/NAME). A new file only:
 * written beside it, then linked in (never over an existing file).
 */
int
xfer_save(struct xfer *x, const char *path, char **final)
{
	struct stat st;
	char *dst, *tmp;
	uint64_t bad;
	int fd, r;

	*final = NULL;
	if (x->dir != 1 || x->state != FS_COMPLETE)
		return ERR_STATE;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		xasprintf(&dst, "%s/%s", path, x->off.name);
	else
		dst = xstrdup(path);
	if (access(dst, F_OK) == 0) {
		free(dst);
		return ERR_EXISTS;
	}
	xasprintf(&tmp, "%s.warren-XXXXXX", dst);
	if ((fd = mkstemp(tmp)) < 0) {
		r = ERR_IO;
		goto out;
	}
	r = xfer_verify(x, fd, &bad);
	if (r == 0 && fsync(fd) != 0)
		r = ERR_IO;
	close(fd);
	if (r == 0 && link(tmp, dst) != 0)
		r = errno == EEXIST ? ERR_EXISTS : ERR_IO;
	unlink(tmp);
	if (r != 0)
		goto out;
	xfer_discard(x);
	free(x->path);
	x->path = NULL;
	(void)xfer_set_state(x, FS_SAVED, NULL);
	*final = dst;
	dst = NULL;
out:
	free(tmp);
	free(dst);
	return r;
}

/* Free space for size bytes of records in the data directory? */
static int
files_disk_ok(struct node *n, uint64_t size)
{
	struct statvfs sv;
	uint64_t need, avail;

	need = size + file_nchunks(size) * FILE_REC_OVERHEAD + FILE_DISK_MARGIN;
	if (statvfs(n->dir, &sv) != 0)
		return 1;	/* cannot tell: let the write fail later */
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	return avail >= need;
}

/* The user (or auto-accept) takes the file: start pulling. */
int
files_accept_xfer(struct xfer *x, const char *path)
{
	if (!files_disk_ok(x->node, x->off.size))
		return ERR_TOOBIG;
	free(x->path);
	x->path = path != NULL ? xstrdup(path) : NULL;
	x->done = 0;
	x->backoff = 0;
	if (xfer_set_state(x, FS_TRANSFERRING, NULL) != 0)
		return ERR_DB;
	xfer_pull(x);
	return 0;
}

/* A new offer from c. */
static int
files_on_offer(struct node *n, struct contact *c, const struct plain *p)
{
	struct xfer *x, *o;
	char line[FILE_MAX_NAME + 128];
	const char *why;
	int r;

	x = xcalloc(1, sizeof *x);
	x->node = n;
	x->part_fd = -1;
	/* Our floor applies, as for messages (delivery.c). */
	x->ttl = p->timer > 0 && p->timer < 30 ? 30 : p->timer;
	if ((r = file_offer_decode(p->body, p->body_len, &x->off)) != 0) {
		why = r == ERR_TOOBIG ? "it is larger than 1 TiB" :
		    r == ERR_INVAL ? "its name is not a plain file name" :
		    "it is malformed";
		log_warn("contact %lld: file offer refused: %s",
		    (long long)c->id, why);
		snprintf(line, sizeof line, "a file offer was refused: %s",
		    why);
		x->row = 0;
		r = xfer_note(x, c, line);
		if (r == 0)
			r = xfer_emit(x, RPC_EV_FILE_FAILED, json_pack("{s:s, "
			    "s:s, s:s}", "contact", c->onion, "dir", "in",
			    "error", line));
		xfer_free(x);
		return r;
	}
	for (o = n->files->xfers; o != NULL; o = o->next)
		if (o->dir == 1 && memcmp(o->off.id, x->off.id,
		    FILE_ID_LEN) == 0) {
			xfer_free(x);	/* the same offer again */
			return 0;
		}
	x->contact = c->id;
	x->dir = 1;
	x->state = FS_OFFERED;
	x->created = node_now_ms();
	if (x->ttl > 0)
		x->expires = x->created + (int64_t)x->ttl * 1000;
	if ((r = core_next_id(n, "files", &x->row)) != 0) {
		xfer_free(x);
		return r;
	}
	snprintf(line, sizeof line, "file %lld offered: %s (%" PRIu64
	    " bytes)", (long long)x->row, x->off.name, x->off.size);
	if ((r = xfer_note(x, c, line)) != 0 || (r = xfer_insert(x)) != 0) {
		xfer_free(x);
		return r;
	}
	x->next = n->files->xfers;
	n->files->xfers = x;
	if ((r = xfer_emit(x, RPC_EV_FILE_OFFERED, xfer_json(x))) != 0)
		return r;
	if (n->files->auto_accept > 0 && x->off.size <=
	    n->files->auto_accept && files_accept_xfer(x, NULL) != 0)
		log_info("file %lld: not accepted automatically: not "
		    "enough disk space", (long long)x->row);
	return 0;
}

/* The transfer of c that a DONE or CANCEL names. */
static struct xfer *
files_named(struct node *n, struct contact *c, const struct plain *p,
    int dir)
{
	uint8_t id[FILE_ID_LEN];
	size_t bl;
	struct xfer *x;

	if (p->body_len < FILE_ID_LEN * 2 || sodium_hex2bin(id, sizeof id,
	    p->body, FILE_ID_LEN * 2, NULL, &bl, NULL) != 0 ||
	    bl != FILE_ID_LEN)
		return NULL;
	for (x = n->files->xfers; x != NULL; x = x->next)
		if (x->contact == c->id && x->dir == dir &&
		    memcmp(x->off.id, id, FILE_ID_LEN) == 0)
			return x;
	return NULL;
}

int
files_on_plain(struct node *n, struct contact *c, uint64_t seq,
    const struct plain *p)
{
	struct xfer *x;

	(void)seq;
	if (n->files == NULL)
		return 0;
	switch (p->kind) {
	case PLAIN_FILE_OFFER:
		return files_on_offer(n, c, p);
	case PLAIN_FILE_DONE:
		/* The receiver has all of it, verified. */
		if ((x = files_named(n, c, p, 0)) == NULL ||
		    x->state >= FS_COMPLETE)
			return 0;
		files_unserve(n, x);
		return xfer_set_state(x, FS_COMPLETE, NULL);
	case PLAIN_FILE_CANCEL:
		if ((x = files_named(n, c, p, 0)) == NULL &&
		    (x = files_named(n, c, p, 1)) == NULL)
			return 0;
		if (x->state >= FS_COMPLETE && !(x->dir == 1 &&
		    x->state == FS_COMPLETE))
			return 0;
		if (x->dir == 1 && x->state == FS_COMPLETE)
			return 0;	/* we have it all already */
		return xfer_end(x, x->dir == 0 && x->state == FS_OFFERED ?
		    FS_REJECTED : FS_CANCELLED, strstr(p->body, " hash") !=
		    NULL ? "the receiver found a hash mismatch" :
		    strstr(p->body, " corrupt") != NULL ? "the receiver "
		    "got data that does not verify" :
		    "cancelled by the contact");
	}
	return 0;
}

/* Cancel (or reject) from our side. */
int
files_cancel(struct xfer *x)
{
	int was = x->state, r;

	if (was >= FS_COMPLETE)
		return ERR_STATE;
	r = xfer_end(x, x->dir == 1 && was == FS_OFFERED ? FS_REJECTED :
	    FS_CANCELLED, "cancelled by you");
	if (r == 0)
		(void)xfer_tell(x, PLAIN_FILE_CANCEL, NULL);
	return r;
}

/* auto_accept_files: bytes with an optional K, M, G suffix; 0/off. */
int
files_set_auto_accept(struct node *n, const char *v)
{
	char *end;
	unsigned long long b;

	if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
		b = 0;
	else {
		errno = 0;
		b = strtoull(v, &end, 10);
		if (errno != 0 || end == v || v[0] == '-')
			return ERR_INVAL;
		if (*end == 'K' || *end == 'k')
			b <<= 10, end++;
		else if (*end == 'M' || *end == 'm')
			b <<= 20, end++;
		else if (*end == 'G' || *end == 'g')
			b <<= 30, end++;
		if (*end == 'i' || *end == 'B')
			end += *end == 'i' && end[1] == 'B' ? 2 : 1;
		if (*end != '\0' || b > FILE_MAX_SIZE)
			return ERR_INVAL;
	}
	if (n->files != NULL)
		n->files->auto_accept = b;
	return 0;
}

/* Make one transfer from a stored row. */
static struct xfer *
files_load_row(struct node *n, sqlite3_stmt *s)
{
	struct xfer *x;
	uint8_t *meta = NULL;
	size_t mlen;
	char *nl;

	x = xcalloc(1, sizeof *x);
	x->node = n;
	x->part_fd = -1;
	x->row = sqlite3_column_int64(s, 0);
	x->contact = sqlite3_column_int64(s, 1);
	x->dir = sqlite3_column_int(s, 2);
	x->state = sqlite3_column_int(s, 3);
	x->sent = (uint64_t)sqlite3_column_int64(s, 4);
	x->created = sqlite3_column_int64(s, 5);
	x->expires = sqlite3_column_int64(s, 7);	/* NULL reads 0 */
	x->note = sqlite3_column_int64(s, 8);
	if (x->expires > 0)
		x->ttl = 1;	/* only "it has one": its events go with it */
	if (store_unseal(n->st, "files", "meta", x->row,
	    sqlite3_column_blob(s, 6), (size_t)sqlite3_column_bytes(s, 6),
	    &meta, &mlen) != 0 || (nl = memchr(meta, '\n', mlen)) == NULL ||
	    file_offer_decode((char *)meta, (size_t)(nl - (char *)meta),
	    &x->off) != 0) {
		log_warn("file %lld: stored row damaged; ignored",
		    (long long)x->row);
		if (meta != NULL)
			secret_free(meta, mlen);
		xfer_free(x);
		return NULL;
	}
	if (nl + 1 < (char *)meta + mlen)
		x->path = xstrndup(nl + 1, (size_t)((char *)meta + mlen -
		    nl - 1));
	secret_free(meta, mlen);
	if (x->dir == 1)
		x->sent = 0;
	return x;
}

/* Load every transfer; resume the incoming ones. */
int
files_start(struct node *n)
{
	struct xfer *x, **tail;
	sqlite3_stmt *s;
	char *v = NULL, *dir;

	files_stop(n);
	n->files = xcalloc(1, sizeof *n->files);
	xasprintf(&dir, "%s/files", n->dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		log_warn("cannot create %s: %s", dir, strerror(errno));
	free(dir);
	if (store_setting_get(n->st, "auto_accept_files", &v) == 0)
		(void)files_set_auto_accept(n, v);
	free(v);
	s = core_prep(n, "SELECT id, contact, dir, state, done, created, meta, "
	    "expires_at, note FROM files ORDER BY id");
	if (s == NULL)
		return ERR_DB;
	tail = &n->files->xfers;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((x = files_load_row(n, s)) == NULL)
			continue;
		*tail = x;
		tail = &x->next;
	}
	core_done(n, s);
	for (x = n->files->xfers; x != NULL; x = x->next)
		if (x->dir == 1 && x->state == FS_TRANSFERRING)
			xfer_pull(x);
	return 0;
}

void
files_stop(struct node *n)
{
	struct xfer *x;

	if (n->files == NULL)
		return;
	files_serve_free_all(n);
	(void)node_commit(n);	/* the counters they stored */
	while ((x = n->files->xfers) != NULL) {
		n->files->xfers = x->next;
		xfer_free(x);
	}
	free(n->files);
	n->files = NULL;
}

void
files_drop_contact(struct node *n, int64_t contact)
{
	struct xfer **xp, *x;
	sqlite3_stmt *s;

	if (n->files == NULL)
		return;
	for (xp = &n->files->xfers; (x = *xp) != NULL;) {
		if (x->contact != contact) {
			xp = &x->next;
			continue;
		}
		if (x->dir == 1)
			xfer_discard(x);
		else
			files_unserve(n, x);
		*xp = x->next;
		xfer_free(x);
	}
	if ((s = core_prep(n, "DELETE FROM files WHERE contact = ?")) != NULL) {
		sqlite3_bind_int64(s, 1, contact);
		(void)core_step(n, s);
	}
}

/* Delete transfers whose time is up, with their data (inside node_txn). */
int
files_expire(struct node *n, int64_t now)
{
	struct xfer **xp, *x;
	sqlite3_stmt *s;
	int k = 0;

	if (n->files == NULL)
		return 0;
	for (xp = &n->files->xfers; (x = *xp) != NULL;) {
		/* Its note goes at the same time, give or take a second. */
		if (x->expires == 0 || x->expires > now + 1000) {
			xp = &x->next;
			continue;
		}
		if (x->dir == 1) {
			xfer_halt(x);
			xfer_discard(x);
		} else
			files_unserve(n, x);
		if ((s = core_prep(n, "DELETE FROM files WHERE id = ?")) != NULL) {
			sqlite3_bind_int64(s, 1, x->row);
			(void)core_step(n, s);
		}
		*xp = x->next;
		xfer_free(x);
		k++;
	}
	return k;
}
