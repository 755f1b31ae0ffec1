/*
 * store_key.c -- the storage key: reading and atomically replacing
 * DIR/storage.key, the subkeys in sodium_malloc() memory, lock, unlock and
 * passphrase changes. The storage key itself never changes once created,
 * so changing the passphrase rewrites only the key file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

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
	*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}
#else
#define store_crash_point(n) do { } while (0)

/* Argon2id limits for a new wrapping: 64 MiB, 2 passes (~0.15 s). */
static void
store_kdf_limits(uint32_t *ops, uint64_t *mem)
{
	*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}
#endif

/* Write all of buf, retrying short writes and EINTR. */
static int
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

/*
 * Write kf to DIR/storage.key.tmp, fsync, then link it to storage.key
 * (create: fails if one exists) or rename it over storage.key, then fsync
 * the directory. A crash at any point leaves the old file or the new one.
 */
static int
store_key_write(struct store *st, const struct keyfile *kf, int create)
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
		if (link(st->tmp_path, st->key_path) != 0) {
			if (errno == EEXIST) {
				log_error("store: %s appeared while we "
				    "created it", st->key_path);
				r = ERR_EXISTS;
				goto out;
			}
			goto fail;
		}
		unlink(st->tmp_path);
	} else if (rename(st->tmp_path, st->key_path) != 0)
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
	log_error("store: writing %s: %s", st->key_path, strerror(errno));
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

/* Hold key and its subkeys in guarded memory: the store is unlocked. */
int
store_keys_set(struct store *st, const uint8_t key[KEYFILE_KEY_LEN])
{
	struct store_keys *k;
	uint8_t sub[32];

	if (st->keys == NULL &&
	    (st->keys = sodium_malloc(sizeof *st->keys)) == NULL) {
		log_error("store: sodium_malloc failed");
		return ERR_NOMEM;
	}
	k = st->keys;
	memcpy(k->key, key, sizeof k->key);
	crypto_kdf_derive_from_key(k->seal, sizeof k->seal, STORE_KDF_SEAL,
	    STORE_KDF_CTX, k->key);
	crypto_kdf_derive_from_key(k->hash, sizeof k->hash, STORE_KDF_HASH,
	    STORE_KDF_CTX, k->key);
	crypto_kdf_derive_from_key(sub, sizeof sub, STORE_KDF_CHECK,
	    STORE_KDF_CTX, k->key);
	crypto_generichash(k->check, sizeof k->check,
	    (const uint8_t *)STORE_CHECK_LABEL, sizeof STORE_CHECK_LABEL - 1,
	    sub, sizeof sub);
	sodium_memzero(sub, sizeof sub);
	return 0;
}

/* Forget the key (sodium_free zeroes it): the store is locked. */
void
store_keys_wipe(struct store *st)
{
	sodium_free(st->keys);	/* accepts NULL */
	st->keys = NULL;
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
	if ((r = store_key_write(st, &kf, 1)) != 0)
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
	struct keyfile kf;
	uint8_t key[KEYFILE_KEY_LEN];
	int r;

	if (st->keys != NULL)
		return ERR_STATE;
	if ((r = store_key_read(st, &kf)) != 0) {
		if (r == ERR_NOTFOUND)
			log_error("store: %s is missing", st->key_path);
		return r;
	}
	if (kf.type != KEYFILE_WRAPPED) {
		/* Someone removed the passphrase behind our back. */
		st->wrapped = 0;
		memcpy(key, kf.key, sizeof key);
	} else if ((r = keyfile_unwrap(&kf, passphrase, key)) != 0)
		goto out;
	if ((r = store_keys_set(st, key)) != 0)
		goto out;
	if ((r = store_key_verify(st)) != 0)
		store_keys_wipe(st);
out:
	sodium_memzero(key, sizeof key);
	sodium_memzero(&kf, sizeof kf);
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
 * Set, change or remove the passphrase. The file on disk is the authority:
 * old_pass is checked against it (not against memory), and nothing is
 * written unless it matches. A store that was locked stays locked unless
 * the passphrase is removed (then it is unlocked).
 */
int
store_set_passphrase(struct store *st, const char *old_pass,
    const char *new_pass)
{
	struct keyfile kf, nkf;
	uint8_t key[KEYFILE_KEY_LEN];
	uint64_t mem;
	uint32_t ops;
	int was_locked = st->keys == NULL, r;

	memset(&nkf, 0, sizeof nkf);
	if (new_pass != NULL && new_pass[0] == '\0')
		return ERR_INVAL;
	if (new_pass != NULL && strlen(new_pass) > KEYFILE_PASS_MAX)
		return ERR_TOOBIG;
	if ((r = store_key_read(st, &kf)) != 0) {
		if (r == ERR_NOTFOUND)
			log_error("store: %s is missing", st->key_path);
		return r;
	}
	if (kf.type == KEYFILE_WRAPPED) {
		if ((r = keyfile_unwrap(&kf, old_pass, key)) != 0)
			goto out;
	} else {
		if (new_pass == NULL) {
			st->wrapped = 0;
			goto out;	/* none set, none wanted */
		}
		memcpy(key, kf.key, sizeof key);
	}
	if (st->keys == NULL) {
		/* Locked: prove the key belongs to the DB before writing. */
		if ((r = store_keys_set(st, key)) != 0 ||
		    (r = store_key_verify(st)) != 0)
			goto out;
	} else if (sodium_memcmp(key, st->keys->key, sizeof key) != 0) {
		log_error("store: %s changed under us", st->key_path);
		r = ERR_STATE;
		goto out;
	}
	if (new_pass != NULL) {
		store_kdf_limits(&ops, &mem);
		if ((r = keyfile_wrap(&nkf, key, new_pass, ops, mem)) != 0)
			goto out;
	} else
		keyfile_make_raw(&nkf, key);
	if ((r = store_key_write(st, &nkf, 0)) != 0)
		goto out;
	st->wrapped = new_pass != NULL;
	log_info("store: passphrase %s", new_pass == NULL ? "removed" :
	    kf.type == KEYFILE_WRAPPED ? "changed" : "set");
out:
	if (was_locked && (r != 0 || st->wrapped))
		store_keys_wipe(st);
	sodium_memzero(key, sizeof key);
	sodium_memzero(&kf, sizeof kf);
	sodium_memzero(&nkf, sizeof nkf);
	return r;
}
