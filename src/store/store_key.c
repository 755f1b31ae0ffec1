/*
 * store_key.c -- the storage key: reading and atomically replacing
 * DIR/storage.key, the subkeys in sodium_malloc() memory, lock, unlock and
 * passphrase changes. Changing the passphrase (or `passwd --rotate`) also
 * rotates the storage key: storage.key.next, then every sealed value in one
 * transaction, then storage.key.next becomes storage.key.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* crypto_kdf context and subkey ids. */
#define STORE_KDF_CTX	"warrenst"
#define STORE_KDF_SEAL	1
#define STORE_KDF_HASH	2
#define STORE_KDF_CHECK	3
#define STORE_KDF_MAC	4
#define STORE_CHECK_LABEL "warren/1 key check"

#ifdef STORE_CRASH_HOOKS
/*
 * Test builds only (tests/unit/store_passwd_helper): WARREN_TEST_CRASH_AT=N
 * kills the process at step N of a key file write, and WARREN_TEST_KDF_MIN
 * makes new wrappings cheap. Never compiled into libwarren.a.
 */
static void
store_crash_point(int n)
{
	const char *s = getenv("WARREN_TEST_CRASH_AT");

	if (s != NULL && atoi(s) == n)
		raise(SIGKILL);
}

/* Argon2id limits for a new wrapping (test build). */
static void
store_kdf_limits(uint32_t *ops, uint64_t *mem)
{
	if (getenv("WARREN_TEST_KDF_MIN") != NULL) {
		*ops = crypto_pwhash_OPSLIMIT_MIN;
		*mem = crypto_pwhash_MEMLIMIT_MIN;
		return;
	}
	*ops = crypto_pwhash_OPSLIMIT_MODERATE;
	*mem = crypto_pwhash_MEMLIMIT_MODERATE;
}
#else
#define store_crash_point(n) do { } while (0)

/* Argon2id limits for a new wrapping: MODERATE, 256 MiB, 3 passes. */
static void
store_kdf_limits(uint32_t *ops, uint64_t *mem)
{
	*ops = crypto_pwhash_OPSLIMIT_MODERATE;
	*mem = crypto_pwhash_MEMLIMIT_MODERATE;
}
#endif

/* Write all of buf, retrying short writes and EINTR; -1 with errno. */
int
store_write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read and parse DIR/storage.key; ERR_NOTFOUND (not logged) if absent. */
int
store_key_read(struct store *st, struct keyfile *kf)
{
	uint8_t buf[KEYFILE_MAX_LEN + 1];
	const char *why;
	struct stat sb;
	size_t len = 0;
	ssize_t n;
	int fd, r = ERR_IO;

	/* O_NONBLOCK: a FIFO planted here must not hang us. */
	if ((fd = open(st->key_path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return ERR_NOTFOUND;
		log_error("store: %s: %s", st->key_path, strerror(errno));
		return ERR_IO;
	}
	if (fstat(fd, &sb) != 0) {
		log_error("store: %s: %s", st->key_path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_uid != geteuid()) {
		log_error("store: %s: not a regular file owned by us",
		    st->key_path);
		goto out;
	}
	if ((sb.st_mode & 077) != 0) {
		log_error("store: %s: mode %04o is readable by others; "
		    "chmod 600 it", st->key_path,
		    (unsigned int)(sb.st_mode & 07777));
		goto out;
	}
	/* Read one byte more than the largest file to notice a longer one. */
	while (len < sizeof buf) {
		if ((n = read(fd, buf + len, sizeof buf - len)) == -1) {
			if (errno == EINTR)
				continue;
			log_error("store: %s: %s", st->key_path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if ((r = keyfile_parse(kf, buf, len, &why)) != 0)
		log_error("store: %s: %s", st->key_path, why);
out:
	sodium_memzero(buf, sizeof buf);
	close(fd);
	return r;
}

/* fsync the data directory (renames and unlinks in it are durable). */
static int
store_dir_sync(struct store *st)
{
	int dfd, r = 0;

	if ((dfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) != 0) {
		log_error("store: fsync %s: %s", st->dir, strerror(errno));
		r = ERR_IO;
	}
	if (dfd != -1)
		close(dfd);
	return r;
}

/*
 * Write kf to DIR/storage.key.tmp, fsync, then link it to target
 * (create: fails if one exists) or rename it over target, then fsync
 * the directory. A crash at any point leaves the old file or the new one.
 */
static int
store_key_write(struct store *st, const struct keyfile *kf, int create,
    const char *target)
{
	uint8_t buf[KEYFILE_MAX_LEN];
	size_t len, half;
	mode_t mask;
	int fd = -1, dfd = -1, made = 0, r = ERR_IO;

	len = keyfile_encode(kf, buf);
	/* A leftover temp file is a write that never became the key file. */
	if (unlink(st->tmp_path) != 0 && errno != ENOENT) {
		log_error("store: %s: %s", st->tmp_path, strerror(errno));
		goto out;
	}
	mask = umask(077);
	fd = open(st->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	umask(mask);
	if (fd == -1) {
		log_error("store: %s: %s", st->tmp_path, strerror(errno));
		goto out;
	}
	made = 1;
	store_crash_point(1);
	half = len / 2;
	if (store_write_all(fd, buf, half) != 0)
		goto fail;
	store_crash_point(2);
	if (store_write_all(fd, buf + half, len - half) != 0)
		goto fail;
	store_crash_point(3);
	if (fsync(fd) != 0)
		goto fail;
	store_crash_point(4);
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (create) {
		if (link(st->tmp_path, target) != 0) {
			if (errno == EEXIST) {
				log_error("store: %s appeared while we "
				    "created it", target);
				r = ERR_EXISTS;
				goto out;
			}
			goto fail;
		}
		unlink(st->tmp_path);
	} else if (rename(st->tmp_path, target) != 0)
		goto fail;
	made = 0;
	store_crash_point(5);
	if ((dfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) != 0) {
		log_error("store: fsync %s: %s", st->dir, strerror(errno));
		goto out;
	}
	store_crash_point(6);
	r = 0;
	goto out;
fail:
	log_error("store: writing %s: %s", target, strerror(errno));
out:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	if (made)
		unlink(st->tmp_path);
	sodium_memzero(buf, sizeof buf);
	return r;
}

/* Derive the subkeys of key into k. */
static void
store_keys_derive(struct store_keys *k, const uint8_t key[KEYFILE_KEY_LEN])
{
	uint8_t sub[32];

	memcpy(k->key, key, sizeof k->key);
	crypto_kdf_derive_from_key(k->seal, sizeof k->seal, STORE_KDF_SEAL,
	    STORE_KDF_CTX, k->key);
	crypto_kdf_derive_from_key(k->hash, sizeof k->hash, STORE_KDF_HASH,
	    STORE_KDF_CTX, k->key);
	crypto_kdf_derive_from_key(k->mac, sizeof k->mac, STORE_KDF_MAC,
	    STORE_KDF_CTX, k->key);
	crypto_kdf_derive_from_key(sub, sizeof sub, STORE_KDF_CHECK,
	    STORE_KDF_CTX, k->key);
	crypto_generichash(k->check, sizeof k->check,
	    (const uint8_t *)STORE_CHECK_LABEL, sizeof STORE_CHECK_LABEL - 1,
	    sub, sizeof sub);
	sodium_memzero(sub, sizeof sub);
}

/* A new sodium_malloc()ed key set, or NULL (logged). */
static struct store_keys *
store_keys_new(const uint8_t key[KEYFILE_KEY_LEN])
{
	struct store_keys *k;

	if ((k = sodium_malloc(sizeof *k)) == NULL) {
		log_error("store: sodium_malloc failed");
		return NULL;
	}
	store_keys_derive(k, key);
	return k;
}

/* Hold key and its subkeys in guarded memory: the store is unlocked. */
int
store_keys_set(struct store *st, const uint8_t key[KEYFILE_KEY_LEN])
{
	if (st->keys == NULL && (st->keys = store_keys_new(key)) == NULL)
		return ERR_NOMEM;
	store_keys_derive(st->keys, key);
	st->mac_key = st->keys->mac;
	return 0;
}

/* Forget the key (sodium_free zeroes it): the store is locked. */
void
store_keys_wipe(struct store *st)
{
	sodium_free(st->keys);	/* accepts NULL */
	st->keys = NULL;
	st->mac_key = NULL;
}

/* The check value of a key set, as stored in settings (hex). */
static void
store_keys_checkhex(const struct store_keys *k, char hex[65])
{
	sodium_bin2hex(hex, 65, k->check, sizeof k->check);
}

/* Whether key is the one the database was sealed under (no check: yes). */
static int
store_key_belongs(const uint8_t key[KEYFILE_KEY_LEN],
    const char *have)
{
	struct store_keys *k;
	char want[65];
	int ok;

	if (have == NULL)
		return 1;
	if ((k = store_keys_new(key)) == NULL)
		return 0;
	store_keys_checkhex(k, want);
	sodium_free(k);
	ok = strlen(have) == strlen(want) &&
	    sodium_memcmp(have, want, strlen(want)) == 0;
	return ok;
}

/* Read a key file at path (storage.key.next): like store_key_read. */
static int
store_key_read_at(struct store *st, const char *path, struct keyfile *kf)
{
	char *save = st->key_path;
	int r;

	st->key_path = (char *)path;
	r = store_key_read(st, kf);
	st->key_path = save;
	return r;
}

/* The key of a key file: raw, or unwrapped with pass. */
static int
store_key_of(const struct keyfile *kf, const char *pass,
    uint8_t key[KEYFILE_KEY_LEN])
{
	if (kf->type == KEYFILE_RAW) {
		memcpy(key, kf->key, KEYFILE_KEY_LEN);
		return 0;
	}
	if (pass == NULL)
		return ERR_PASSPHRASE;
	return keyfile_unwrap(kf, pass, key);
}

/*
 * The storage key for pass (NULL: only a raw file), checked against the
 * database, settling an interrupted key change: storage.key.next exists
 * from before its transaction began until after it replaced storage.key.
 * Whichever of the two files holds the key the database is sealed under
 * wins: the next file is renamed over storage.key, or deleted. Nothing is
 * changed unless a key matches. *wrapped: whether that file has a
 * passphrase.
 */
int
store_key_obtain(struct store *st, const char *pass,
    uint8_t key[KEYFILE_KEY_LEN], int *wrapped)
{
	struct keyfile kf, nkf;
	char *have = NULL;
	int r, rn, r1, r2 = ERR_NOTFOUND;

	memset(&nkf, 0, sizeof nkf);
	if ((r = store_key_read(st, &kf)) != 0) {
		if (r == ERR_NOTFOUND)
			log_error("store: %s is missing", st->key_path);
		return r;
	}
	rn = store_key_read_at(st, st->next_path, &nkf);
	if (rn != 0 && rn != ERR_NOTFOUND)
		log_warn("store: ignoring %s", st->next_path);
	r = store_setting_get(st, STORE_KEY_CHECK, &have);
	if (r != 0 && r != ERR_NOTFOUND)
		goto out;
	r1 = store_key_of(&kf, pass, key);
	if (r1 == 0 && store_key_belongs(key, have)) {
		*wrapped = kf.type == KEYFILE_WRAPPED;
		if (rn != ERR_NOTFOUND) {
			/* The change never reached the database. */
			if (unlink(st->next_path) != 0 ||
			    store_dir_sync(st) != 0)
				log_warn("store: %s: %s", st->next_path,
				    strerror(errno));
			log_warn("store: an interrupted passphrase change or "
			    "key rotation was rolled back");
		}
		r = 0;
		goto out;
	}
	if (rn == 0 && (r2 = store_key_of(&nkf, pass, key)) == 0 &&
	    have != NULL && store_key_belongs(key, have)) {
		/* The database moved to the new key: finish the change. */
		if (rename(st->next_path, st->key_path) != 0) {
			log_error("store: rename %s: %s", st->next_path,
			    strerror(errno));
			r = ERR_IO;
			goto out;
		}
		if ((r = store_dir_sync(st)) != 0)
			goto out;
		*wrapped = nkf.type == KEYFILE_WRAPPED;
		log_warn("store: an interrupted passphrase change or key "
		    "rotation was completed");
		r = 0;
		goto out;
	}
	sodium_memzero(key, KEYFILE_KEY_LEN);
	if (r1 != 0)	/* (a next file it opens is an unfinished change) */
		r = r1;
	else if (rn == 0 && r2 != 0) {
		log_error("store: a passphrase change was interrupted after it "
		    "took effect: use the new passphrase");
		r = ERR_PASSPHRASE;
	} else {
		log_error("store: %s does not belong to %s (was it replaced?)",
		    st->key_path, st->db_path);
		r = ERR_AUTH;
	}
out:
	free(have);
	sodium_memzero(&kf, sizeof kf);
	sodium_memzero(&nkf, sizeof nkf);
	return r;
}

/*
 * Check that the key belongs to this database (the check value in
 * settings), or record it if the database has none yet.
 */
int
store_key_verify(struct store *st)
{
	char want[2 * sizeof st->keys->check + 1], *have = NULL;
	int r;

	sodium_bin2hex(want, sizeof want, st->keys->check,
	    sizeof st->keys->check);
	r = store_setting_get(st, STORE_KEY_CHECK, &have);
	if (r == ERR_NOTFOUND)
		return store_setting_set(st, STORE_KEY_CHECK, want);
	if (r != 0)
		return r;
	if (strlen(have) != strlen(want) ||
	    sodium_memcmp(have, want, strlen(want)) != 0) {
		log_error("store: %s does not belong to %s (was it replaced?)",
		    st->key_path, st->db_path);
		r = ERR_AUTH;
	}
	free(have);
	return r;
}

/* Make a new storage key and its key file (wrapped if passphrase). */
int
store_key_create(struct store *st, const char *passphrase)
{
	struct keyfile kf;
	uint8_t key[KEYFILE_KEY_LEN];
	uint64_t mem;
	uint32_t ops;
	int r;

	crypto_kdf_keygen(key);
	if (passphrase != NULL) {
		store_kdf_limits(&ops, &mem);
		if ((r = keyfile_wrap(&kf, key, passphrase, ops, mem)) != 0) {
			log_error("store: cannot wrap the storage key: %s",
			    err_str(r));
			goto out;
		}
	} else
		keyfile_make_raw(&kf, key);
	if ((r = store_key_write(st, &kf, 1, st->key_path)) != 0)
		goto out;
	st->wrapped = passphrase != NULL;
	r = store_keys_set(st, key);
	log_info("store: created %s (%s)", st->key_path,
	    st->wrapped ? "passphrase" : "no passphrase");
out:
	sodium_memzero(key, sizeof key);
	sodium_memzero(&kf, sizeof kf);
	return r;
}

/* Whether the storage key is out of memory. */
int
store_locked(const struct store *st)
{
	return st->keys == NULL;
}

/* Whether the key file is wrapped under a passphrase. */
int
store_has_passphrase(const struct store *st)
{
	return st->wrapped;
}

/* Unwrap the key from the file on disk and verify it against the DB. */
int
store_unlock(struct store *st, const char *passphrase)
{
	uint8_t key[KEYFILE_KEY_LEN];
	int wrapped, r;

	if (st->keys != NULL)
		return ERR_STATE;
	if ((r = store_key_obtain(st, passphrase, key, &wrapped)) != 0)
		goto out;
	st->wrapped = wrapped;	/* raw: removed behind our back */
	if ((r = store_keys_set(st, key)) != 0)
		goto out;
	if ((r = store_key_verify(st)) != 0 || (r = store_upgrade(st)) != 0)
		store_keys_wipe(st);
out:
	sodium_memzero(key, sizeof key);
	return r;
}

/* Drop the key from memory. */
int
store_lock(struct store *st)
{
	if (!st->wrapped)
		return ERR_STATE;
	store_keys_wipe(st);
	return 0;
}

/*
 * Set, change or remove the passphrase, and rotate the storage key. The
 * file on disk is the authority: old_pass is checked against it (not
 * against memory), and nothing is written unless it matches. A store that
 * was locked stays locked unless the passphrase is removed (then it is
 * unlocked).
 *
 * Order, each step durable before the next: (1) storage.key.next holds
 * the new key, wrapped under new_pass; (2) one transaction re-seals every
 * value, lookup and row MAC under it and stores its check value; (3)
 * storage.key.next is renamed over storage.key. A crash before (2)
 * commits leaves the old key in charge (storage.key.next is deleted at
 * the next open); after it, the new one (the rename is finished at the
 * next open). See store_key_obtain().
 */
int
store_set_passphrase(struct store *st, const char *old_pass,
    const char *new_pass)
{
	struct keyfile nkf;
	struct store_keys *old = NULL, *cur;
	uint8_t key[KEYFILE_KEY_LEN], nkey[KEYFILE_KEY_LEN];
	char *fmt = NULL, hex[65];
	uint64_t mem;
	uint32_t ops;
	int was_locked = st->keys == NULL, had, wrapped, in_txn = 0, format;
	int next_made = 0, r;

	memset(&nkf, 0, sizeof nkf);
	sodium_memzero(key, sizeof key);
	sodium_memzero(nkey, sizeof nkey);
	if (new_pass != NULL && new_pass[0] == '\0')
		return ERR_INVAL;
	if (new_pass != NULL && strlen(new_pass) > KEYFILE_PASS_MAX)
		return ERR_TOOBIG;
	if (!sqlite3_get_autocommit(st->db))
		return ERR_STATE;	/* the caller's transaction is open */
	if ((r = store_key_obtain(st, old_pass, key, &wrapped)) != 0)
		goto out;
	had = wrapped;
	if (st->keys != NULL &&
	    sodium_memcmp(key, st->keys->key, sizeof key) != 0) {
		log_error("store: %s changed under us", st->key_path);
		r = ERR_STATE;
		goto out;
	}
	if ((old = store_keys_new(key)) == NULL) {
		r = ERR_NOMEM;
		goto out;
	}
	r = store_setting_get(st, STORE_FORMAT, &fmt);
	if (r != 0 && r != ERR_NOTFOUND)
		goto out;
	format = r == 0 && strcmp(fmt, "2") == 0 ? 2 : 1;

	/* (1) the new key, durably beside the old one */
	crypto_kdf_keygen(nkey);
	if (new_pass != NULL) {
		store_kdf_limits(&ops, &mem);
		if ((r = keyfile_wrap(&nkf, nkey, new_pass, ops, mem)) != 0)
			goto out;
	} else
		keyfile_make_raw(&nkf, nkey);
	if ((r = store_key_write(st, &nkf, 0, st->next_path)) != 0)
		goto out;
	next_made = 1;

	/* (2) everything under the new key, in one transaction */
	if ((r = store_keys_set(st, nkey)) != 0 ||
	    (r = store_exec_sql(st, "BEGIN IMMEDIATE")) != 0)
		goto undo;
	in_txn = 1;
	store_keys_checkhex(st->keys, hex);
	if ((r = store_reseal(st, old, format)) != 0 ||
	    (r = store_setting_set(st, STORE_KEY_CHECK, hex)) != 0 ||
	    (r = store_setting_set(st, STORE_FORMAT, "2")) != 0)
		goto undo;
	store_crash_point(7);
	if ((r = store_exec_sql(st, "COMMIT")) != 0)
		goto undo;
	in_txn = 0;
	next_made = 0;
	store_crash_point(8);

	/* (3) the new key file takes over */
	if (rename(st->next_path, st->key_path) != 0) {
		/* The next open finishes it (the DB is under the new key). */
		log_error("store: rename %s: %s", st->next_path,
		    strerror(errno));
		r = ERR_IO;
		goto out;
	}
	store_crash_point(9);
	if ((r = store_dir_sync(st)) != 0)
		goto out;
	st->wrapped = new_pass != NULL;
	/* The old ciphertexts leave the WAL. */
	(void)store_checkpoint(st);
	log_info("store: passphrase %s; storage key rotated", new_pass ==
	    NULL ? (had ? "removed" : "unchanged (none)") : had ? (old_pass !=
	    NULL && strcmp(old_pass, new_pass) == 0 ? "unchanged" :
	    "changed") : "set");
	r = 0;
	goto out;
undo:
	if (in_txn)
		(void)store_exec_sql(st, "ROLLBACK");
	/* Back to the old key in memory (or none if we were locked). */
	if (st->keys != NULL) {
		cur = st->keys;
		store_keys_derive(cur, key);
	}
out:
	if (next_made && unlink(st->next_path) == 0)
		(void)store_dir_sync(st);
	if (was_locked && (r != 0 || st->wrapped))
		store_keys_wipe(st);
	if (old != NULL)
		sodium_free(old);
	free(fmt);
	sodium_memzero(key, sizeof key);
	sodium_memzero(nkey, sizeof nkey);
	sodium_memzero(&nkf, sizeof nkf);
	return r;
}

/* Rotate the storage key, keeping the passphrase. */
int
store_rotate(struct store *st, const char *pass)
{
	if (pass != NULL && pass[0] == '\0')
		pass = NULL;
	return store_set_passphrase(st, pass, st->wrapped ? pass : NULL);
}

/* Write DIR/storage.key for key, wrapped under pass (or raw if NULL). */
int
store_key_install(const char *dir, const uint8_t key[KEYFILE_KEY_LEN],
    const char *pass)
{
	struct store st;
	struct keyfile kf;
	uint64_t mem;
	uint32_t ops;
	int r;

	memset(&st, 0, sizeof st);
	st.dir = (char *)dir;
	xasprintf(&st.key_path, "%s/storage.key", dir);
	xasprintf(&st.tmp_path, "%s/storage.key.tmp", dir);
	if (pass != NULL) {
		store_kdf_limits(&ops, &mem);
		r = keyfile_wrap(&kf, key, pass, ops, mem);
	} else {
		keyfile_make_raw(&kf, key);
		r = 0;
	}
	if (r == 0)
		r = store_key_write(&st, &kf, 1, st.key_path);
	sodium_memzero(&kf, sizeof kf);
	free(st.key_path);
	free(st.tmp_path);
	return r;
}
