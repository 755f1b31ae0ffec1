/*
 * files_net.c -- the transfer streams (doc/PROTOCOL.md section 9): the
 * receiver dials the sender's onion, asks for the chunks from where it
 * is, and appends each record it verified to DIR/files/ROW.part; the
 * sender answers open requests on its onion by streaming records, with
 * no more than FILE_OUTBUF queued at a time.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include "warren/limits.h"
#include "warren/rpc.h"
#include "core/core.h"
#include "core/files.h"
#include "core/plain.h"
#include "net/listener.h"
#include "tor/socks.h"
#include "tor/tor.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SNIFF_SECS	30	/* the first 4 bytes of an inbound stream */
#define DIAL_MS		120000

/* One stream we serve. */
struct fserve {
	struct node *node;
	struct bufferevent *bev;
	struct xfer *x;		/* NULL until the open request checks out */
	int fd;			/* the source */
	uint64_t chunk;		/* next chunk to write */
	int released;		/* listener_release done */
	uint8_t *pt, *rec;
	struct fserve *next;
};

static void serve_free(struct fserve *);

/*
 * FILE_STALL_SECS, or WARREN_FILE_STALL_SECS (1 to 3600) from the
 * environment: a test knob (doc/warrend.8), so that tests need not wait
 * a minute for a stalled sender.
 */
static int
stall_secs(void)
{
	const char *e = getenv("WARREN_FILE_STALL_SECS");
	char *end;
	long v;

	if (e == NULL || *e == '\0')
		return FILE_STALL_SECS;
	errno = 0;
	v = strtol(e, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 3600)
		return FILE_STALL_SECS;
	return (int)v;
}

/* --- inbound: sniff, then a peer connection or a transfer ----------- */

static void
serve_release(struct fserve *fs)
{
	if (!fs->released && fs->node->lis != NULL)
		listener_release(fs->node->lis);
	fs->released = 1;
}

static void
serve_free(struct fserve *fs)
{
	struct fserve **pp;
	struct files *f = fs->node->files;

	if (f != NULL)
		for (pp = &f->serves; *pp != NULL; pp = &(*pp)->next)
			if (*pp == fs) {
				*pp = fs->next;
				f->nserves--;
				break;
			}
	serve_release(fs);
	if (fs->x != NULL)
		(void)xfer_store(fs->x);	/* chunks_sent */
	if (fs->bev != NULL)
		bufferevent_free(fs->bev);
	if (fs->fd >= 0)
		close(fs->fd);
	if (fs->pt != NULL) {
		sodium_memzero(fs->pt, FILE_CHUNK);
		free(fs->pt);
	}
	free(fs->rec);
	free(fs);
}

/* Queue records while the output is below FILE_OUTBUF. */
static void
serve_fill(struct bufferevent *bev, void *arg)
{
	struct fserve *fs = arg;
	struct xfer *x = fs->x;
	struct evbuffer *out = bufferevent_get_output(bev);
	uint64_t n = file_nchunks(x->off.size);
	uint8_t hdr[4];
	size_t len;

	while (fs->chunk < n && evbuffer_get_length(out) < FILE_OUTBUF) {
		len = file_chunk_len(x->off.size, fs->chunk);
		if (pread(fs->fd, fs->pt, len, (off_t)(fs->chunk *
		    FILE_CHUNK)) != (ssize_t)len) {
			log_warn("file %lld: cannot read the source: %s",
			    (long long)x->row, strerror(errno));
			serve_free(fs);
			return;
		}
		file_chunk_seal(x->off.key, x->off.id, x->off.size, fs->chunk,
		    fs->pt, fs->rec);
		store_be32(hdr, (uint32_t)(len + FILE_REC_OVERHEAD));
		evbuffer_add(out, hdr, sizeof hdr);
		evbuffer_add(out, fs->rec, len + FILE_REC_OVERHEAD);
		fs->chunk++;
		if (++x->sent % 64 == 0)
			(void)xfer_store(x);
		xfer_progress(x, fs->chunk * FILE_CHUNK > x->off.size ?
		    x->off.size : fs->chunk * FILE_CHUNK, 0);
	}
	sodium_memzero(fs->pt, FILE_CHUNK);
}

/* The receiver says nothing after its request: more is a violation. */
static void
serve_drain(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);

	if (evbuffer_get_length(in) > 0) {
		log_info("file stream: bytes after the open request");
		serve_free(arg);
	}
}

/* The receiver closed, or the stream broke. */
static void
serve_event(struct bufferevent *bev, short what, void *arg)
{
	struct fserve *fs = arg;

	(void)bev;
	(void)what;
	if (fs->x != NULL)
		log_debug("file %lld: stream closed at chunk %" PRIu64,
		    (long long)fs->x->row, fs->chunk);
	serve_free(fs);
}

/* The status is out: done. */
static void
serve_sent(struct bufferevent *bev, void *arg)
{
	(void)bev;
	serve_free(arg);
}

/* Answer a refusing status, then close once it is written. */
static void
serve_refuse(struct fserve *fs, uint8_t st)
{
	struct timeval tv = { SNIFF_SECS, 0 };

	bufferevent_disable(fs->bev, EV_READ);
	bufferevent_set_timeouts(fs->bev, NULL, &tv);
	bufferevent_setwatermark(fs->bev, EV_WRITE, 0, 0);
	bufferevent_setcb(fs->bev, NULL, serve_sent, serve_event, fs);
	bufferevent_write(fs->bev, &st, 1);
}

/* Streams that carry a transfer now. */
static int
serving(struct node *n)
{
	struct fserve *fs;
	int k = 0;

	for (fs = n->files->serves; fs != NULL; fs = fs->next)
		k += fs->x != NULL;
	return k;
}

/* Outgoing transfer with this id, any state. */
static struct xfer *
files_by_fid(struct node *n, const uint8_t id[FILE_ID_LEN])
{
	struct xfer *x;

	for (x = n->files->xfers; x != NULL; x = x->next)
		if (x->dir == 0 && memcmp(x->off.id, id, FILE_ID_LEN) == 0)
			return x;
	return NULL;
}

/* The open request. */
static void
serve_open(struct fserve *fs, const uint8_t *req)
{
	struct node *n = fs->node;
	struct xfer *x;
	uint8_t id[FILE_ID_LEN], tok[FILE_TOKEN_LEN], want[FILE_TOKEN_LEN];
	uint64_t first;
	struct stat st;
	uint8_t ok = FILE_ST_OK;

	if (file_open_decode(req, FILE_OPEN_LEN, id, &first, tok) != 0) {
		serve_free(fs);
		return;
	}
	x = files_by_fid(n, id);
	if (x != NULL)
		file_token(x->off.key, id, want);
	if (x == NULL || sodium_memcmp(tok, want, sizeof tok) != 0) {
		log_info("file stream: unknown transfer or bad token");
		serve_refuse(fs, FILE_ST_UNKNOWN);
		return;
	}
	serve_release(fs);
	if (x->state == FS_CANCELLED || x->state == FS_REJECTED ||
	    x->state == FS_FAILED || x->state == FS_COMPLETE) {
		serve_refuse(fs, FILE_ST_CANCELLED);
		return;
	}
	if (first > file_nchunks(x->off.size)) {
		log_warn("file %lld: receiver asked for chunk %" PRIu64
		    " of %" PRIu64, (long long)x->row, first,
		    file_nchunks(x->off.size));
		serve_free(fs);
		return;
	}
	fs->fd = x->path != NULL ? open(x->path, O_RDONLY | O_CLOEXEC) : -1;
	if (fs->fd < 0 || fstat(fs->fd, &st) != 0 ||
	    (uint64_t)st.st_size != x->off.size) {
		log_warn("file %lld: the source is gone or changed size",
		    (long long)x->row);
		serve_refuse(fs, FILE_ST_UNAVAILABLE);
		(void)xfer_set_state(x, FS_FAILED, "the file changed or was "
		    "removed before it was sent");
		return;
	}
	fs->x = x;
	fs->chunk = first;
	fs->pt = xmalloc(FILE_CHUNK);
	fs->rec = xmalloc(FILE_REC_MAX);
	if (x->state == FS_OFFERED)
		(void)xfer_set_state(x, FS_TRANSFERRING, NULL);
	log_info("file %lld: sending from chunk %" PRIu64, (long long)x->row,
	    first);
	bufferevent_write(fs->bev, &ok, 1);
	bufferevent_setwatermark(fs->bev, EV_WRITE, FILE_OUTBUF / 2, 0);
	/* Reading only to notice the receiver's close. */
	bufferevent_setcb(fs->bev, serve_drain, serve_fill, serve_event, fs);
	bufferevent_enable(fs->bev, EV_READ);
	serve_fill(fs->bev, fs);
}

/* Bytes of an inbound stream before we know what it is. */
static void
sniff_read(struct bufferevent *bev, void *arg)
{
	struct fserve *fs = arg;
	struct node *n = fs->node;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t req[FILE_OPEN_LEN];
	size_t have = evbuffer_get_length(in);

	if (have < 4)
		return;
	evbuffer_copyout(in, req, 4);
	if (memcmp(req, FILE_MAGIC, 3) != 0) {
		/* A peer connection: hand it over with what it sent. */
		fs->bev = NULL;
		fs->released = 1;	/* the peer connection counts now */
		serve_free(fs);
		bufferevent_set_timeouts(bev, NULL, NULL);
		conn_accept_peer(n, bev);
		return;
	}
	if (memcmp(req, FILE_MAGIC, 4) != 0 || n->files == NULL ||
	    serving(n) >= FILE_SERVE_MAX) {
		serve_free(fs);
		return;
	}
	if (have < FILE_OPEN_LEN)
		return;
	evbuffer_remove(in, req, sizeof req);
	bufferevent_disable(bev, EV_READ);
	{
		struct timeval tv = { stall_secs(), 0 };

		bufferevent_set_timeouts(bev, NULL, &tv);
	}
	serve_open(fs, req);
}

/* Timeout or close before the first bytes. */
static void
sniff_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	serve_free(arg);
}

void
files_accept(struct node *n, struct bufferevent *bev)
{
	struct fserve *fs;
	struct timeval tv = { SNIFF_SECS, 0 };

	fs = xcalloc(1, sizeof *fs);
	fs->node = n;
	fs->bev = bev;
	fs->fd = -1;
	if (n->files != NULL) {
		/* Linked so that shutdown frees it. */
		fs->next = n->files->serves;
		n->files->serves = fs;
		n->files->nserves++;
	}
	bufferevent_setcb(bev, sniff_read, NULL, sniff_event, fs);
	bufferevent_set_timeouts(bev, &tv, NULL);
	bufferevent_enable(bev, EV_READ);
}

void
files_unserve(struct node *n, struct xfer *x)
{
	struct fserve *fs, *next;

	if (n->files == NULL)
		return;
	for (fs = n->files->serves; fs != NULL; fs = next) {
		next = fs->next;
		if (fs->x == x)
			serve_free(fs);
	}
}

void
files_serve_free_all(struct node *n)
{
	while (n->files != NULL && n->files->serves != NULL)
		serve_free(n->files->serves);
}

/* --- outbound: the receiver pulls -------------------------------- */

static void pull_retry(struct xfer *);

void
xfer_halt(struct xfer *x)
{
	if (x->dialing != NULL) {
		socks_cancel(x->dialing);
		x->dialing = NULL;
	}
	if (x->bev != NULL) {
		bufferevent_free(x->bev);
		x->bev = NULL;
	}
	if (x->part_fd >= 0) {
		(void)fdatasync(x->part_fd);
		close(x->part_fd);
		x->part_fd = -1;
	}
	if (x->timer != NULL)
		evtimer_del(x->timer);
}

/* Open the partial data; done = records that verify, the rest cut off. */
static int
pull_open_part(struct xfer *x)
{
	struct stat st;
	uint64_t n = file_nchunks(x->off.size), done;
	size_t len;
	uint8_t *rec;
	char *p = xfer_part_path(x);

	x->part_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(p);
	if (x->part_fd < 0 || fstat(x->part_fd, &st) != 0)
		return ERR_IO;
	done = (uint64_t)st.st_size / FILE_REC_MAX;
	if (done < n && done == n - 1 && (uint64_t)st.st_size - done *
	    FILE_REC_MAX >= file_chunk_len(x->off.size, done) +
	    FILE_REC_OVERHEAD)
		done++;
	if (done > n)
		done = n;
	if (done > x->done && x->done > 0)
		done = x->done;	/* a rollback asked for less */
	if (x->buf == NULL)
		x->buf = xmalloc(FILE_CHUNK);
	rec = xmalloc(FILE_REC_MAX);
	/* The last record may be torn (a crash mid-write): check it. */
	while (done > 0) {
		len = file_chunk_len(x->off.size, done - 1) + FILE_REC_OVERHEAD;
		if (pread(x->part_fd, rec, len, (off_t)((done - 1) *
		    FILE_REC_MAX)) == (ssize_t)len && file_chunk_open(
		    x->off.key, x->off.id, x->off.size, done - 1, rec, len,
		    x->buf) == 0)
			break;
		done--;
	}
	free(rec);
	sodium_memzero(x->buf, FILE_CHUNK);
	if (ftruncate(x->part_fd, (off_t)(done * FILE_REC_MAX)) != 0)
		return ERR_IO;
	x->done = done;
	return 0;
}

/*
 * FILE_BAD_MAX streams in a row sent a record that is the wrong length or
 * does not verify: fail the transfer, delete its data, tell the sender.
 */
static void
pull_give_up(struct xfer *x)
{
	log_warn("file %lld: the sender keeps sending data that does not "
	    "verify; giving up", (long long)x->row);
	(void)node_txn(x->node);
	xfer_halt(x);
	xfer_discard(x);
	(void)xfer_set_state(x, FS_FAILED, "the sender sent data that does "
	    "not verify (the partial data was deleted)");
	(void)xfer_tell(x, PLAIN_FILE_CANCEL, "corrupt");
	(void)node_commit(x->node);
}

/* Records from the sender. */
static void
pull_read(struct bufferevent *bev, void *arg)
{
	struct xfer *x = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint64_t n = file_nchunks(x->off.size);
	uint8_t hdr[4], st, *rec;
	size_t len;

	if (!x->got_status) {
		if (evbuffer_remove(in, &st, 1) != 1)
			return;
		if (st != FILE_ST_OK) {
			log_warn("file %lld: the sender says %s",
			    (long long)x->row, st == FILE_ST_UNKNOWN ?
			    "it does not know this transfer" :
			    st == FILE_ST_CANCELLED ? "it was cancelled" :
			    "the file is no longer available");
			(void)node_txn(x->node);
			xfer_halt(x);
			xfer_discard(x);
			(void)xfer_set_state(x, st == FILE_ST_CANCELLED ?
			    FS_CANCELLED : FS_FAILED, st == FILE_ST_UNKNOWN ?
			    "the sender does not know this transfer" :
			    st == FILE_ST_CANCELLED ? "cancelled by the "
			    "contact" : "the file is no longer available");
			return;
		}
		x->got_status = 1;
		x->backoff = 0;
	}
	while (x->done < n && evbuffer_get_length(in) >= 4) {
		evbuffer_copyout(in, hdr, 4);
		len = load_be32(hdr);
		if (len != file_chunk_len(x->off.size, x->done) +
		    FILE_REC_OVERHEAD) {
			log_warn("file %lld: bad record length from the "
			    "sender", (long long)x->row);
			goto bad;
		}
		if (evbuffer_get_length(in) < 4 + len)
			return;
		evbuffer_drain(in, 4);
		rec = evbuffer_pullup(in, (ssize_t)len);
		if (file_chunk_open(x->off.key, x->off.id, x->off.size,
		    x->done, rec, len, x->buf) != 0) {
			log_warn("file %lld: chunk %" PRIu64 " does not "
			    "verify", (long long)x->row, x->done);
			goto bad;
		}
		sodium_memzero(x->buf, FILE_CHUNK);
		if (pwrite(x->part_fd, rec, len, (off_t)(x->done *
		    FILE_REC_MAX)) != (ssize_t)len) {
			log_warn("file %lld: cannot store a chunk: %s",
			    (long long)x->row, strerror(errno));
			if (errno == ENOSPC || errno == EDQUOT) {
				/* Retrying cannot help: say so and stop. */
				(void)node_txn(x->node);
				xfer_halt(x);
				xfer_discard(x);
				(void)xfer_set_state(x, FS_FAILED, "the disk is "
				    "full (the partial data was deleted)");
				(void)xfer_tell(x, PLAIN_FILE_CANCEL, NULL);
				return;
			}
			evbuffer_drain(in, len);
			goto broken;
		}
		evbuffer_drain(in, len);
		x->done++;
		x->bad = 0;
		if (++x->since_sync >= 64) {
			(void)fdatasync(x->part_fd);
			x->since_sync = 0;
		}
		xfer_progress(x, x->done * FILE_CHUNK > x->off.size ?
		    x->off.size : x->done * FILE_CHUNK, x->done == n);
	}
	if (x->done == n) {
		xfer_finish(x);
		return;
	}
	if (evbuffer_get_length(in) > 0 && x->done >= n)
		goto broken;
	return;
bad:
	/* Nothing of it was stored; a sender that keeps doing it is broken. */
	if (++x->bad >= FILE_BAD_MAX) {
		pull_give_up(x);
		return;
	}
broken:
	xfer_halt(x);
	pull_retry(x);
}

/* The stream ended or stalled. */
static void
pull_event(struct bufferevent *bev, short what, void *arg)
{
	struct xfer *x = arg;

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT) {
		log_warn("file %lld: the sender stalled (%d s without data); "
		    "reconnecting", (long long)x->row, stall_secs());
		(void)node_txn(x->node);
		(void)event_emit(x->node, RPC_EV_FILE_STALLED, xfer_json(x));
	} else
		log_info("file %lld: stream closed at chunk %" PRIu64,
		    (long long)x->row, x->done);
	xfer_halt(x);
	pull_retry(x);
}

/* SOCKS done. */
static void
pull_connected(struct bufferevent *bev, int err, uint8_t rep,
    const char *reason, void *arg)
{
	struct xfer *x = arg;
	uint8_t req[FILE_OPEN_LEN], tok[FILE_TOKEN_LEN];
	struct timeval tv = { stall_secs(), 0 };

	(void)rep;
	x->dialing = NULL;
	if (bev == NULL) {
		log_info("file %lld: cannot reach the sender: %s",
		    (long long)x->row, reason != NULL ? reason : err_str(err));
		pull_retry(x);
		return;
	}
	x->bev = bev;
	x->got_status = 0;
	file_token(x->off.key, x->off.id, tok);
	file_open_encode(x->off.id, x->done, tok, req);
	sodium_memzero(tok, sizeof tok);
	bufferevent_setcb(bev, pull_read, NULL, pull_event, x);
	bufferevent_set_timeouts(bev, &tv, NULL);
	/* At most two records buffered: tor waits while we store. */
	bufferevent_setwatermark(bev, EV_READ, 0, 2 * (4 + FILE_REC_MAX));
	bufferevent_write(bev, req, sizeof req);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	log_info("file %lld: receiving from chunk %" PRIu64, (long long)x->row,
	    x->done);
}

/* Retry timer. */
static void
pull_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	xfer_pull(arg);
}

/* Dial again later: 2 s doubling to FILE_RETRY_MAX_SECS. */
static void
pull_retry(struct xfer *x)
{
	struct timeval tv = { 0, 0 };

	if (x->state != FS_TRANSFERRING)
		return;
	x->backoff = x->backoff == 0 ? 2 : x->backoff * 2;
	if (x->backoff > FILE_RETRY_MAX_SECS)
		x->backoff = FILE_RETRY_MAX_SECS;
	tv.tv_sec = x->backoff;
	if (x->timer == NULL)
		x->timer = evtimer_new(x->node->base, pull_timer, x);
	evtimer_add(x->timer, &tv);
}

/* Tor is ready (again): pull what waits, without the backoff. */
void
files_kick(struct node *n)
{
	struct xfer *x;

	if (n->files == NULL)
		return;
	for (x = n->files->xfers; x != NULL; x = x->next)
		if (x->dir == 1 && x->state == FS_TRANSFERRING &&
		    x->bev == NULL && x->dialing == NULL) {
			x->backoff = 0;
			if (x->timer != NULL)
				evtimer_del(x->timer);
			xfer_pull(x);
		}
}

void
xfer_pull(struct xfer *x)
{
	struct node *n = x->node;
	struct contact *c;
	const char *socks;
	char iso[48];
	uint8_t h[16];

	if (x->state != FS_TRANSFERRING || x->dir != 1 || x->bev != NULL ||
	    x->dialing != NULL)
		return;
	if (x->part_fd < 0 && pull_open_part(x) != 0) {
		log_warn("file %lld: cannot open its data: %s",
		    (long long)x->row, strerror(errno));
		(void)node_txn(n);
		(void)xfer_set_state(x, FS_FAILED, "cannot store the data");
		return;
	}
	if (x->done == file_nchunks(x->off.size)) {
		xfer_finish(x);
		return;
	}
	for (c = n->contacts; c != NULL; c = c->next)
		if (c->id == x->contact)
			break;
	if (c == NULL)
		return;
	if (n->tor == NULL || (socks = tor_socks_addr(n->tor)) == NULL ||
	    tor_status(n->tor)->progress < 100) {
		pull_retry(x);	/* tor is not ready yet */
		return;
	}
	/* Its own circuits: messages never wait behind a file. */
	crypto_generichash(h, sizeof h, x->off.id, FILE_ID_LEN, NULL, 0);
	memcpy(iso, "file-", 5);
	sodium_bin2hex(iso + 5, sizeof iso - 5, h, sizeof h);
	x->dialing = socks_connect(n->base, socks, c->onion, WARREN_PORT, iso,
	    DIAL_MS, pull_connected, x);
	if (x->dialing == NULL)
		pull_retry(x);
}
