/*
 * archive.c -- `warren export` / `warrend --import`: the whole store (a
 * consistent image of warren.db and its storage key) in one file sealed
 * under a passphrase. Format (doc/STORAGE.md, "Export archives"):
 *
 *   "WRNX" 01 | opslimit u32 BE | memlimit u64 BE | salt[16] | header[24]
 *   then records: len u32 BE | crypto_secretstream_xchacha20poly1305 chunk
 *
 * key = Argon2id13(passphrase, salt, opslimit, memlimit); the first chunk
 * (AD = the 57 header bytes) is the storage key, then the database in
 * chunks of ARCHIVE_CHUNK bytes, the last one tagged FINAL. Anything after
 * FINAL, a missing FINAL, or a chunk over the size is refused.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define ARCHIVE_MAGIC	"WRNX"
#define ARCHIVE_VERSION	1
#define ARCHIVE_HDR_LEN	(5 + 4 + 8 + 16 + \
	crypto_secretstream_xchacha20poly1305_HEADERBYTES)
#define ARCHIVE_CHUNK	65536
#define ARCHIVE_ABYTES	crypto_secretstream_xchacha20poly1305_ABYTES

/* Write all of buf (store_write_all); ERR_IO. */
static int
archive_write(int fd, const uint8_t *buf, size_t len)
{
	return store_write_all(fd, buf, len) == 0 ? 0 : ERR_IO;
}

/* Read exactly len bytes; ERR_NOTFOUND at a clean end of file. */
static int
archive_read(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if ((n = read(fd, buf + got, len - got)) == -1) {
			if (errno == EINTR)
				continue;
			return ERR_IO;
		}
		if (n == 0)
			return got == 0 ? ERR_NOTFOUND : ERR_INVAL;
		got += (size_t)n;
	}
	return 0;
}

/* Derive the archive key. */
static int
archive_kdf(uint8_t key[32], const char *pass, const uint8_t salt[16],
    uint32_t ops, uint64_t mem)
{
	size_t n;

	if (pass == NULL || (n = strlen(pass)) == 0)
		return ERR_INVAL;
	if (n > KEYFILE_PASS_MAX)
		return ERR_TOOBIG;
	if (crypto_pwhash(key, 32, pass, n, salt, ops, (size_t)mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ERR_NOMEM;
	return 0;
}

/* Encrypt and write one record. */
static int
archive_push(int fd, crypto_secretstream_xchacha20poly1305_state *ss,
    const uint8_t *in, size_t len, const uint8_t *ad, size_t adlen,
    uint8_t tag)
{
	uint8_t *ct, lb[4];
	int r;

	ct = xmalloc(len + ARCHIVE_ABYTES);
	crypto_secretstream_xchacha20poly1305_push(ss, ct, NULL, in, len, ad,
	    adlen, tag);
	store_be32(lb, (uint32_t)(len + ARCHIVE_ABYTES));
	r = archive_write(fd, lb, 4);
	if (r == 0)
		r = archive_write(fd, ct, len + ARCHIVE_ABYTES);
	free(ct);
	return r;
}

/* Write the archive of the open, unlocked store to path (must not exist). */
int
store_export(struct store *st, const char *path, const char *pass)
{
	crypto_secretstream_xchacha20poly1305_state ss;
	uint8_t hdr[ARCHIVE_HDR_LEN], key[32], *img = NULL;
	sqlite3_int64 sz = 0;
	size_t off, n;
	mode_t mask;
	int fd = -1, r;

	if (st->keys == NULL)
		return ERR_LOCKED;
	memcpy(hdr, ARCHIVE_MAGIC, 4);
	hdr[4] = ARCHIVE_VERSION;
	store_be32(hdr + 5, crypto_pwhash_OPSLIMIT_MODERATE);
	store_be64(hdr + 9, crypto_pwhash_MEMLIMIT_MODERATE);
	randombytes_buf(hdr + 17, 16);
	if ((r = archive_kdf(key, pass, hdr + 17,
	    crypto_pwhash_OPSLIMIT_MODERATE,
	    crypto_pwhash_MEMLIMIT_MODERATE)) != 0)
		goto out;
	crypto_secretstream_xchacha20poly1305_init_push(&ss, hdr + 33, key);
	/* A consistent image: one read transaction. */
	if ((img = sqlite3_serialize(st->db, "main", &sz, 0)) == NULL ||
	    sz <= 0) {
		log_error("store: export: cannot read the database: %s",
		    sqlite3_errmsg(st->db));
		r = ERR_DB;
		goto out;
	}
	mask = umask(077);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	umask(mask);
	if (fd == -1) {
		log_error("store: export: %s: %s", path, strerror(errno));
		r = errno == EEXIST ? ERR_EXISTS : ERR_IO;
		goto out;
	}
	if ((r = archive_write(fd, hdr, sizeof hdr)) != 0 ||
	    (r = archive_push(fd, &ss, st->keys->key, KEYFILE_KEY_LEN, hdr,
	    sizeof hdr, 0)) != 0)
		goto fail;
	for (off = 0; off < (size_t)sz; off += n) {
		n = (size_t)sz - off < ARCHIVE_CHUNK ? (size_t)sz - off :
		    ARCHIVE_CHUNK;
		if ((r = archive_push(fd, &ss, img + off, n, NULL, 0,
		    off + n == (size_t)sz ?
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0)) != 0)
			goto fail;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		r = ERR_IO;
		goto fail;
	}
	fd = -1;
	log_info("store: exported %lld bytes", (long long)sz);
	r = 0;
	goto out;
fail:
	log_error("store: export: writing %s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	fd = -1;
	unlink(path);
out:
	if (fd != -1)
		close(fd);
	sqlite3_free(img);
	sodium_memzero(key, sizeof key);
	sodium_memzero(&ss, sizeof ss);
	return r;
}

/* Read and decrypt one record into buf (max bytes); *tag, *len. */
static int
archive_pull(int fd, crypto_secretstream_xchacha20poly1305_state *ss,
    uint8_t *buf, size_t max, size_t *len, uint8_t *tag, const uint8_t *ad,
    size_t adlen)
{
	uint8_t lb[4], *ct;
	unsigned long long mlen = 0;
	uint32_t clen;
	int r;

	if ((r = archive_read(fd, lb, 4)) != 0)
		return r == ERR_NOTFOUND ? ERR_INVAL : r;	/* no FINAL */
	clen = load_be32(lb);
	if (clen < ARCHIVE_ABYTES || clen - ARCHIVE_ABYTES > max)
		return ERR_INVAL;
	ct = xmalloc(clen);
	if ((r = archive_read(fd, ct, clen)) == 0 &&
	    crypto_secretstream_xchacha20poly1305_pull(ss, buf, &mlen, tag, ct,
	    clen, ad, adlen) != 0)
		r = ERR_AUTH;
	free(ct);
	*len = (size_t)mlen;
	return r == ERR_NOTFOUND ? ERR_INVAL : r;
}

/*
 * Unpack an archive into dir (which holds no store yet): warren.db and a
 * storage.key wrapped under pass (the archive's passphrase). Then the
 * store gets a fresh storage key of its own (store_rotate). ERR_PASSPHRASE
 * for a wrong passphrase, ERR_INVAL (logged) for a damaged file.
 */
int
store_import(const char *dir, const char *path, const char *pass)
{
	crypto_secretstream_xchacha20poly1305_state ss;
	struct store *st = NULL;
	uint8_t hdr[ARCHIVE_HDR_LEN], key[32], skey[KEYFILE_KEY_LEN];
	uint8_t *buf = NULL, tag = 0, extra;
	char *db = NULL, *tmp = NULL, *kp = NULL;
	uint64_t mem;
	uint32_t ops;
	size_t len;
	mode_t mask;
	int in = -1, out = -1, r, dfd;

	xasprintf(&db, "%s/warren.db", dir);
	xasprintf(&tmp, "%s/warren.db.import", dir);
	xasprintf(&kp, "%s/storage.key", dir);
	if (access(db, F_OK) == 0 || access(kp, F_OK) == 0) {
		log_error("import: %s already holds a store; import into a new "
		    "data directory", dir);
		r = ERR_EXISTS;
		goto out;
	}
	if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("import: %s: %s", path, strerror(errno));
		r = ERR_IO;
		goto out;
	}
	if ((r = archive_read(in, hdr, sizeof hdr)) != 0 ||
	    memcmp(hdr, ARCHIVE_MAGIC, 4) != 0) {
		log_error("import: %s is not a warren export", path);
		r = ERR_INVAL;
		goto out;
	}
	if (hdr[4] != ARCHIVE_VERSION) {
		log_error("import: %s: unknown archive version %d", path,
		    hdr[4]);
		r = ERR_UNSUPPORTED;
		goto out;
	}
	ops = load_be32(hdr + 5);
	mem = load_be64(hdr + 9);
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > KEYFILE_OPS_MAX ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > KEYFILE_MEM_MAX) {
		log_error("import: %s: Argon2id limits out of range", path);
		r = ERR_INVAL;
		goto out;
	}
	if ((r = archive_kdf(key, pass, hdr + 17, ops, mem)) != 0)
		goto out;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&ss, hdr + 33,
	    key) != 0) {
		r = ERR_INVAL;
		goto out;
	}
	buf = xmalloc(ARCHIVE_CHUNK);
	r = archive_pull(in, &ss, buf, ARCHIVE_CHUNK, &len, &tag, hdr,
	    sizeof hdr);
	if (r == ERR_AUTH) {
		r = ERR_PASSPHRASE;	/* the first record: the passphrase */
		goto out;
	}
	if (r != 0 || len != KEYFILE_KEY_LEN || tag != 0) {
		log_error("import: %s is damaged", path);
		r = ERR_INVAL;
		goto out;
	}
	memcpy(skey, buf, sizeof skey);
	mask = umask(077);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	umask(mask);
	if (out == -1) {
		log_error("import: %s: %s", tmp, strerror(errno));
		r = ERR_IO;
		goto out;
	}
	while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		if ((r = archive_pull(in, &ss, buf, ARCHIVE_CHUNK, &len, &tag,
		    NULL, 0)) != 0 || (tag != 0 && tag !=
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL)) {
			log_error("import: %s is damaged or cut short", path);
			r = ERR_INVAL;
			goto out;
		}
		if ((r = archive_write(out, buf, len)) != 0) {
			log_error("import: %s: %s", tmp, strerror(errno));
			goto out;
		}
	}
	if (archive_read(in, &extra, 1) != ERR_NOTFOUND) {
		log_error("import: %s has data after its end", path);
		r = ERR_INVAL;
		goto out;
	}
	if (fsync(out) != 0 || close(out) != 0) {
		out = -1;
		log_error("import: %s: %s", tmp, strerror(errno));
		r = ERR_IO;
		goto out;
	}
	out = -1;
	/* The database first: a key file without it would start afresh. */
	if (rename(tmp, db) != 0) {
		log_error("import: %s: %s", db, strerror(errno));
		r = ERR_IO;
		goto out;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	if ((r = store_key_install(dir, skey, pass)) != 0 ||
	    (r = store_open(&st, dir, pass)) != 0)
		goto out;
	/* This copy gets a storage key of its own. */
	if ((r = store_rotate(st, pass)) != 0)
		goto out;
	log_info("import: %s unpacked into %s", path, dir);
out:
	store_close(st);
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	if (r != 0)
		unlink(tmp);
	if (buf != NULL)
		sodium_memzero(buf, ARCHIVE_CHUNK);
	free(buf);
	free(db);
	free(tmp);
	free(kp);
	sodium_memzero(key, sizeof key);
	sodium_memzero(skey, sizeof skey);
	sodium_memzero(&ss, sizeof ss);
	return r;
}
