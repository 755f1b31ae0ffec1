/*
 * test_store.c -- the encrypted store: creation, permissions, migrations,
 * sealed values (round trip, moved, tampered, truncated), lock and
 * passphrase, key file parsing, plaintext on disk, and crash consistency
 * of passphrase changes (with tests/unit/store_passwd_helper).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include "store/keyfile.h"
#include "store/schema.h"
#include "store/seal.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "test.h"

/* Where store_passwd_helper lives (beside this program). */
static char helper_path[PATH_MAX];

/* A fresh 0700 directory. */
static char *
tmpdir(void)
{
	char *d = xstrdup("/tmp/test_store.XXXXXX");

	if (mkdtemp(d) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	return d;
}

/* Remove a (flat) test directory and free its name. */
static void
rmdir_all(char *d)
{
	struct dirent *de;
	char path[PATH_MAX];
	DIR *dp;

	if ((dp = opendir(d)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", d, de->d_name);
			unlink(path);
		}
		closedir(dp);
	}
	rmdir(d);
	free(d);
}

/* DIR/name into buf. */
static const char *
pathof(char *buf, const char *d, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", d, name);
	return buf;
}

/* Read a whole file; NULL if absent. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat sb;
	uint8_t *b;
	int fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return NULL;
	}
	b = xmalloc((size_t)sb.st_size + 1);
	if (read(fd, b, (size_t)sb.st_size) != sb.st_size) {
		close(fd);
		free(b);
		return NULL;
	}
	close(fd);
	*len = (size_t)sb.st_size;
	return b;
}

/* Replace a file's contents (keeping mode 0600). */
static void
spew(const char *path, const void *b, size_t len)
{
	int fd;

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, b, len) != (ssize_t)len) {
		perror(path);
		exit(1);
	}
	close(fd);
}

/* Permission bits of a file, or -1. */
static int
mode_of(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -1;
	return (int)(sb.st_mode & 07777);
}

/* Number of entries in a directory. */
static int
count_entries(const char *d)
{
	struct dirent *de;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(d)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

/* Whether needle occurs in the file at path. */
static int
file_contains(const char *path, const void *needle, size_t n)
{
	uint8_t *b;
	size_t len;
	int found;

	if ((b = slurp(path, &len)) == NULL)
		return 0;
	found = memmem(b, len, needle, n) != NULL;
	free(b);
	return found;
}

/* Open a store, failing the test if it does not open. */
static struct store *
open_ok(const char *d, const char *pass)
{
	struct store *st = NULL;
	int r;

	r = store_open(&st, d, pass);
	CHECK_INT(r, 0);
	return st;
}

/* Seal text into identity.seed (row 1). */
static void
put_seed(struct store *st, const char *text)
{
	sqlite3_stmt *stmt;
	uint8_t *b;
	size_t n;

	CHECK_INT(store_seal(st, "identity", "seed", 1, text, strlen(text),
	    &b, &n), 0);
	CHECK_INT(sqlite3_prepare_v2(store_db(st), "INSERT OR REPLACE INTO "
	    "identity (id, seed, created) VALUES (1, ?, 0)", -1, &stmt, NULL),
	    SQLITE_OK);
	sqlite3_bind_blob(stmt, 1, b, (int)n, SQLITE_STATIC);
	CHECK_INT(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	free(b);
}

/* Read identity.seed and check it unseals to text. */
static void
check_seed(struct store *st, const char *text)
{
	sqlite3_stmt *stmt;
	uint8_t *p = NULL;
	size_t n = 0;

	CHECK_INT(sqlite3_prepare_v2(store_db(st),
	    "SELECT seed FROM identity WHERE id = 1", -1, &stmt, NULL),
	    SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_ROW);
	CHECK_INT(store_unseal(st, "identity", "seed", 1,
	    sqlite3_column_blob(stmt, 0),
	    (size_t)sqlite3_column_bytes(stmt, 0), &p, &n), 0);
	sqlite3_finalize(stmt);
	CHECK(p != NULL && n == strlen(text) && strcmp((char *)p, text) == 0);
	secret_free(p, n);
}

static void
test_create_reopen(void)
{
	char *d = tmpdir(), *v = NULL;
	struct store *st;

	st = open_ok(d, NULL);
	CHECK(st != NULL);
	CHECK_INT(store_locked(st), 0);
	CHECK_INT(store_has_passphrase(st), 0);
	CHECK_INT(store_schema_version(st), schema_latest());
	CHECK(schema_latest() >= 1);
	CHECK_INT(store_setting_set(st, "test.k", "v1"), 0);
	CHECK_INT(store_setting_set(st, "test.k", "v2"), 0);
	put_seed(st, "seed one");
	store_close(st);

	st = open_ok(d, NULL);
	CHECK_INT(store_schema_version(st), schema_latest());
	CHECK_INT(store_setting_get(st, "test.k", &v), 0);
	CHECK_STR(v, "v2");
	free(v);
	CHECK_INT(store_setting_get(st, "test.none", &v), ERR_NOTFOUND);
	CHECK(v == NULL);
	check_seed(st, "seed one");
	store_close(st);
	store_close(NULL);
	rmdir_all(d);
}

static void
test_migrations_once(void)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int v = -1, n = -1;

	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	CHECK_INT(schema_version(db, &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(schema_migrate(db), 0);
	CHECK_INT(schema_version(db, &v), 0);
	CHECK_INT(v, schema_latest());
	/* A second run finds nothing to do (a rerun would fail on CREATE). */
	CHECK_INT(schema_migrate(db), 0);
	CHECK_INT(schema_version(db, &v), 0);
	CHECK_INT(v, schema_latest());
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name IN ('identity', 'settings')", -1,
	    &stmt, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	CHECK_INT(n, 2);
	/* identity holds one row at most. */
	CHECK(sqlite3_exec(db, "INSERT INTO identity VALUES (2, x'00', 0)",
	    NULL, NULL, NULL) != SQLITE_OK);
	sqlite3_close(db);
}

static void
test_future_db(void)
{
	char *d = tmpdir(), p[PATH_MAX], *sql;
	struct store *st = NULL;
	sqlite3 *db;

	st = open_ok(d, NULL);
	store_close(st);
	CHECK_INT(sqlite3_open(pathof(p, d, "warren.db"), &db), SQLITE_OK);
	sql = sqlite3_mprintf("PRAGMA user_version = %d", schema_latest() + 1);
	CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_close(db);
	st = NULL;
	CHECK_INT(store_open(&st, d, NULL), ERR_UNSUPPORTED);
	CHECK(st == NULL);
	rmdir_all(d);
}

static void
test_not_a_db(void)
{
	char *d = tmpdir(), p[PATH_MAX];
	struct store *st = NULL;

	spew(pathof(p, d, "warren.db"), "this is not sqlite at all, no no no",
	    35);
	CHECK_INT(store_open(&st, d, NULL), ERR_DB);
	CHECK(st == NULL);
	rmdir_all(d);
}

static void
test_permissions(void)
{
	char *d = tmpdir(), p[PATH_MAX];
	struct store *st = NULL;

	st = open_ok(d, NULL);
	put_seed(st, "x");
	CHECK_INT(mode_of(pathof(p, d, "warren.db")), 0600);
	CHECK_INT(mode_of(pathof(p, d, "warren.db-wal")), 0600);
	CHECK_INT(mode_of(pathof(p, d, "warren.db-shm")), 0600);
	CHECK_INT(mode_of(pathof(p, d, "storage.key")), 0600);
	CHECK_INT(store_set_passphrase(st, NULL, "pw"), 0);
	CHECK_INT(mode_of(pathof(p, d, "storage.key")), 0600);
	CHECK_INT(mode_of(pathof(p, d, "storage.key.tmp")), -1);
	store_close(st);

	/* A key file others can read is refused. */
	chmod(pathof(p, d, "storage.key"), 0640);
	st = NULL;
	CHECK_INT(store_open(&st, d, "pw"), ERR_IO);
	chmod(p, 0600);

	/* So is a directory others can enter, or none at all. */
	chmod(d, 0750);
	CHECK_INT(store_open(&st, d, "pw"), ERR_IO);
	chmod(d, 0701);
	CHECK_INT(store_open(&st, d, "pw"), ERR_IO);
	chmod(d, 0700);
	CHECK_INT(store_open(&st, pathof(p, d, "nonexistent"), NULL), ERR_IO);
	CHECK_INT(store_open(&st, pathof(p, d, "storage.key"), NULL), ERR_IO);
	CHECK(st == NULL);
	st = open_ok(d, "pw");
	store_close(st);
	rmdir_all(d);
}

static void
test_seal_roundtrip(void)
{
	static const size_t lens[] = { 0, 1, 31, 100, 4096, SEAL_MAX };
	char *d = tmpdir();
	struct store *st = open_ok(d, NULL);
	uint8_t *in, *b, *b2, *p;
	size_t i, n, n2, pn;

	in = xmalloc(SEAL_MAX + 1);
	randombytes_buf(in, SEAL_MAX + 1);
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		CHECK_INT(store_seal(st, "t", "c", 7, in, lens[i], &b, &n), 0);
		CHECK_INT(n, lens[i] + SEAL_OVERHEAD);
		CHECK_INT(store_unseal(st, "t", "c", 7, b, n, &p, &pn), 0);
		CHECK_INT(pn, lens[i]);
		CHECK(p != NULL && memcmp(p, in, pn) == 0 && p[pn] == '\0');
		/* A fresh nonce every time. */
		CHECK_INT(store_seal(st, "t", "c", 7, in, lens[i], &b2, &n2),
		    0);
		CHECK(n2 == n && memcmp(b, b2, n) != 0);
		secret_free(p, pn);
		free(b);
		free(b2);
	}
	CHECK_INT(store_seal(st, "t", "c", 7, in, SEAL_MAX + 1, &b, &n),
	    ERR_TOOBIG);
	CHECK(b == NULL && n == 0);
	CHECK_INT(store_seal(st, "", "c", 7, in, 1, &b, &n), ERR_INVAL);
	CHECK_INT(store_seal(st, "t", "", 7, in, 1, &b, &n), ERR_INVAL);
	memset(in, 'a', SEAL_NAME_MAX + 1);
	in[SEAL_NAME_MAX] = '\0';
	CHECK_INT(store_seal(st, (char *)in, "c", 7, "x", 1, &b, &n), 0);
	free(b);
	in[SEAL_NAME_MAX] = 'a';
	in[SEAL_NAME_MAX + 1] = '\0';
	CHECK_INT(store_seal(st, (char *)in, "c", 7, "x", 1, &b, &n),
	    ERR_INVAL);
	free(in);
	store_close(st);
	rmdir_all(d);
}

static void
test_seal_moved(void)
{
	char *d = tmpdir(), *d2 = tmpdir();
	struct store *st = open_ok(d, NULL), *st2 = open_ok(d2, NULL);
	uint8_t *b, *p;
	size_t n, pn;

	CHECK_INT(store_seal(st, "contacts", "nick", 5, "alice", 5, &b, &n),
	    0);
	CHECK_INT(store_unseal(st, "contacts", "nick", 6, b, n, &p, &pn),
	    ERR_AUTH);
	CHECK(p == NULL && pn == 0);
	CHECK_INT(store_unseal(st, "contacts", "nick", -5, b, n, &p, &pn),
	    ERR_AUTH);
	CHECK_INT(store_unseal(st, "contacts", "addr", 5, b, n, &p, &pn),
	    ERR_AUTH);
	CHECK_INT(store_unseal(st, "messages", "nick", 5, b, n, &p, &pn),
	    ERR_AUTH);
	/* The separators keep ("ab","c") apart from ("a","bc"). */
	CHECK_INT(store_unseal(st, "contactsn", "ick", 5, b, n, &p, &pn),
	    ERR_AUTH);
	/* Another store's key. */
	CHECK_INT(store_unseal(st2, "contacts", "nick", 5, b, n, &p, &pn),
	    ERR_AUTH);
	CHECK_INT(store_unseal(st, "contacts", "nick", 5, b, n, &p, &pn), 0);
	CHECK_STR((char *)p, "alice");
	secret_free(p, pn);
	free(b);
	store_close(st);
	store_close(st2);
	rmdir_all(d);
	rmdir_all(d2);
}

static void
test_seal_tampered(void)
{
	char *d = tmpdir();
	struct store *st = open_ok(d, NULL);
	uint8_t *b, *p, *g;
	size_t i, n, pn;
	int bad = 0, r;

	CHECK_INT(store_seal(st, "t", "c", 1, "secret", 6, &b, &n), 0);
	for (i = 0; i < n * 8; i++) {
		b[i / 8] ^= (uint8_t)(1 << (i % 8));
		r = store_unseal(st, "t", "c", 1, b, n, &p, &pn);
		if (r == 0 || p != NULL)
			bad++;
		if (i / 8 > 0 && r != ERR_AUTH)
			bad++;
		b[i / 8] ^= (uint8_t)(1 << (i % 8));
	}
	CHECK_INT(bad, 0);
	/* Every truncation, and one byte too many. */
	for (i = 0; i < n; i++)
		if (store_unseal(st, "t", "c", 1, b, i, &p, &pn) == 0)
			bad++;
	CHECK_INT(bad, 0);
	g = xmalloc(n + 1);
	memcpy(g, b, n);
	g[n] = 0;
	CHECK_INT(store_unseal(st, "t", "c", 1, g, n + 1, &p, &pn), ERR_AUTH);
	/* Garbage of many lengths, with a valid version byte. */
	for (i = 0; i < 200; i++) {
		free(g);
		g = xmalloc(i + 1);
		randombytes_buf(g, i + 1);
		g[0] = SEAL_VERSION;
		if (store_unseal(st, "t", "c", 1, g, i, &p, &pn) == 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(store_unseal(st, "t", "c", 1, NULL, 0, &p, &pn), ERR_AUTH);
	CHECK_INT(store_unseal(st, "t", "c", 1, NULL, 50, &p, &pn), ERR_AUTH);
	b[0] = SEAL_VERSION + 1;
	CHECK_INT(store_unseal(st, "t", "c", 1, b, n, &p, &pn),
	    ERR_UNSUPPORTED);
	b[0] = SEAL_VERSION_1;	/* only the format upgrade reads these */
	CHECK_INT(store_unseal(st, "t", "c", 1, b, n, &p, &pn),
	    ERR_UNSUPPORTED);
	free(g);
	free(b);
	store_close(st);
	rmdir_all(d);
}

static void
test_lookup_hash(void)
{
	char *d = tmpdir(), *d2 = tmpdir();
	struct store *st = open_ok(d, NULL), *st2 = open_ok(d2, NULL);
	uint8_t h1[32], h2[32], h3[32], h4[32];

	CHECK_INT(store_lookup_hash(st, "abc", 3, h1), 0);
	CHECK_INT(store_lookup_hash(st, "abc", 3, h2), 0);
	CHECK_INT(store_lookup_hash(st, "abd", 3, h3), 0);
	CHECK_INT(store_lookup_hash(st2, "abc", 3, h4), 0);
	CHECK_MEM(h1, h2, 32);
	CHECK(memcmp(h1, h3, 32) != 0);
	CHECK(memcmp(h1, h4, 32) != 0);
	store_close(st);
	/* Stable across reopening. */
	st = open_ok(d, NULL);
	CHECK_INT(store_lookup_hash(st, "abc", 3, h2), 0);
	CHECK_MEM(h1, h2, 32);
	CHECK_INT(store_lookup_hash(st, "", 0, h3), 0);
	store_close(st);
	store_close(st2);
	rmdir_all(d);
	rmdir_all(d2);
}

static void
test_locked(void)
{
	char *d = tmpdir();
	struct store *st;
	uint8_t *b, *p, h[32];
	size_t n, pn;

	st = open_ok(d, "correct horse");
	CHECK_INT(store_has_passphrase(st), 1);
	CHECK_INT(store_locked(st), 0);
	put_seed(st, "locked seed");
	CHECK_INT(store_unlock(st, "correct horse"), ERR_STATE);
	CHECK_INT(store_lock(st), 0);
	CHECK_INT(store_locked(st), 1);
	CHECK_INT(store_lock(st), 0);
	CHECK_INT(store_seal(st, "t", "c", 1, "x", 1, &b, &n), ERR_LOCKED);
	CHECK(b == NULL);
	CHECK_INT(store_unseal(st, "t", "c", 1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxx", 50, &p, &pn), ERR_LOCKED);
	CHECK_INT(store_lookup_hash(st, "x", 1, h), ERR_LOCKED);
	CHECK_INT(store_unlock(st, "wrong horse"), ERR_PASSPHRASE);
	CHECK_INT(store_unlock(st, NULL), ERR_PASSPHRASE);
	CHECK_INT(store_unlock(st, ""), ERR_PASSPHRASE);
	CHECK_INT(store_locked(st), 1);
	CHECK_INT(store_unlock(st, "correct horse"), 0);
	CHECK_INT(store_locked(st), 0);
	check_seed(st, "locked seed");
	store_close(st);

	/* Opened without the passphrase: locked, but the DB works. */
	st = open_ok(d, NULL);
	CHECK_INT(store_locked(st), 1);
	CHECK_INT(store_setting_set(st, "test.k", "v"), 0);
	CHECK_INT(store_unlock(st, "correct horse"), 0);
	check_seed(st, "locked seed");
	store_close(st);

	/* Without a passphrase there is nothing to lock. */
	rmdir_all(d);
	d = tmpdir();
	st = open_ok(d, NULL);
	CHECK_INT(store_lock(st), ERR_STATE);
	CHECK_INT(store_locked(st), 0);
	CHECK_INT(store_unlock(st, "x"), ERR_STATE);
	store_close(st);
	rmdir_all(d);
}

/*
 * Every passphrase change and store_rotate make a new storage key: an old
 * key file with its old passphrase no longer opens the database, and the
 * sealed data (seed, sealed nick) follows the new key.
 */
static int leaks(const char *, const uint8_t *, size_t);

static void
test_rotate(void)
{
	char *d = tmpdir(), p[PATH_MAX], *v = NULL;
	struct store *st;
	uint8_t *k0, *k1, *k2;
	size_t n0, n1, n2;
	int i;

	st = open_ok(d, "one");
	put_seed(st, "rotated");
	CHECK_INT(store_secret_set(st, "nick", "Nickname Zebra"), 0);
	k0 = slurp(pathof(p, d, "storage.key"), &n0);
	CHECK_INT(store_rotate(st, "one"), 0);
	k1 = slurp(pathof(p, d, "storage.key"), &n1);
	CHECK(k0 != NULL && k1 != NULL && n0 == n1 && memcmp(k0, k1, n0) != 0);
	CHECK_INT(store_set_passphrase(st, "one", "two"), 0);
	check_seed(st, "rotated");
	CHECK_INT(store_secret_get(st, "nick", &v), 0);
	CHECK(v != NULL && strcmp(v, "Nickname Zebra") == 0);
	free(v);
	CHECK_INT(store_checkpoint(st), 0);
	store_close(st);
	CHECK_INT(leaks(d, (const uint8_t *)"Nickname Zebra", 14), 0);
	k2 = slurp(pathof(p, d, "storage.key"), &n2);
	/* Each old key file, with its passphrase: does not belong. */
	for (i = 0; i < 2; i++) {
		spew(pathof(p, d, "storage.key"), i == 0 ? (char *)k0 :
		    (char *)k1, n0);
		chmod(p, 0600);
		st = NULL;
		CHECK_INT(store_open(&st, d, "one"), ERR_AUTH);
		CHECK(st == NULL);
	}
	spew(pathof(p, d, "storage.key"), (char *)k2, n2);
	chmod(p, 0600);
	st = open_ok(d, "two");
	check_seed(st, "rotated");
	/* Without a passphrase too. */
	CHECK_INT(store_set_passphrase(st, "two", NULL), 0);
	free(k1);
	k1 = slurp(pathof(p, d, "storage.key"), &n1);
	CHECK_INT(store_rotate(st, NULL), 0);
	check_seed(st, "rotated");
	store_close(st);
	spew(pathof(p, d, "storage.key"), (char *)k1, n1);
	chmod(p, 0600);
	st = NULL;
	CHECK_INT(store_open(&st, d, NULL), ERR_AUTH);
	free(k0);
	free(k1);
	free(k2);
	rmdir_all(d);
}

static void
test_passphrase_cycle(void)
{
	char *d = tmpdir(), p[PATH_MAX];
	struct store *st = NULL;

	st = open_ok(d, NULL);
	put_seed(st, "cycle");
	CHECK_INT(store_set_passphrase(st, NULL, ""), ERR_INVAL);
	CHECK_INT(store_set_passphrase(st, NULL, NULL), 0);
	CHECK_INT(store_has_passphrase(st), 0);
	CHECK_INT(store_set_passphrase(st, NULL, "one"), 0);
	CHECK_INT(store_has_passphrase(st), 1);
	CHECK_INT(store_locked(st), 0);
	check_seed(st, "cycle");
	store_close(st);

	st = NULL;
	CHECK_INT(store_open(&st, d, "two"), ERR_PASSPHRASE);
	CHECK(st == NULL);
	st = open_ok(d, "one");
	check_seed(st, "cycle");
	CHECK_INT(store_set_passphrase(st, NULL, "two"), ERR_PASSPHRASE);
	CHECK_INT(store_set_passphrase(st, "two", "two"), ERR_PASSPHRASE);
	CHECK_INT(store_set_passphrase(st, "one", "two"), 0);
	store_close(st);

	st = NULL;
	CHECK_INT(store_open(&st, d, "one"), ERR_PASSPHRASE);
	st = open_ok(d, "two");
	/* Changing while locked keeps it locked. */
	CHECK_INT(store_lock(st), 0);
	CHECK_INT(store_set_passphrase(st, "two", "three"), 0);
	CHECK_INT(store_locked(st), 1);
	CHECK_INT(store_unlock(st, "two"), ERR_PASSPHRASE);
	CHECK_INT(store_unlock(st, "three"), 0);
	/* Removing it while locked unlocks. */
	CHECK_INT(store_lock(st), 0);
	CHECK_INT(store_set_passphrase(st, "three", NULL), 0);
	CHECK_INT(store_has_passphrase(st), 0);
	CHECK_INT(store_locked(st), 0);
	check_seed(st, "cycle");
	store_close(st);

	st = open_ok(d, NULL);
	CHECK_INT(store_locked(st), 0);
	check_seed(st, "cycle");
	store_close(st);
	CHECK_INT(mode_of(pathof(p, d, "storage.key.tmp")), -1);
	rmdir_all(d);
}

static void
test_wrong_passphrase_changes_nothing(void)
{
	char *d = tmpdir(), p[PATH_MAX], q[PATH_MAX];
	struct store *st = NULL;
	uint8_t *k1, *k2, *db1, *db2;
	size_t kn1, kn2, dn1, dn2;
	int ents;

	st = open_ok(d, "right");
	put_seed(st, "unchanged");
	store_close(st);
	pathof(p, d, "storage.key");
	pathof(q, d, "warren.db");
	k1 = slurp(p, &kn1);
	db1 = slurp(q, &dn1);
	ents = count_entries(d);

	CHECK_INT(store_open(&st, d, "wrong"), ERR_PASSPHRASE);
	CHECK(st == NULL);
	st = open_ok(d, "right");
	CHECK_INT(store_set_passphrase(st, "wrong", "new"), ERR_PASSPHRASE);
	CHECK_INT(store_set_passphrase(st, NULL, "new"), ERR_PASSPHRASE);
	CHECK_INT(store_set_passphrase(st, "wrong", NULL), ERR_PASSPHRASE);
	CHECK_INT(store_set_passphrase(st, "right", ""), ERR_INVAL);
	CHECK_INT(store_has_passphrase(st), 1);
	store_close(st);

	k2 = slurp(p, &kn2);
	db2 = slurp(q, &dn2);
	CHECK(k1 != NULL && k2 != NULL && kn1 == kn2 &&
	    memcmp(k1, k2, kn1) == 0);
	CHECK(db1 != NULL && db2 != NULL && dn1 == dn2 &&
	    memcmp(db1, db2, dn1) == 0);
	CHECK_INT(count_entries(d), ents);
	free(k1);
	free(k2);
	free(db1);
	free(db2);

	/* A wrong passphrase for a store with no DB yet creates nothing. */
	unlink(q);
	ents = count_entries(d);
	CHECK_INT(store_open(&st, d, "wrong"), ERR_PASSPHRASE);
	CHECK_INT(count_entries(d), ents);
	rmdir_all(d);
}

static void
test_keyfile_parse(void)
{
	struct keyfile kf, kf2;
	uint8_t key[KEYFILE_KEY_LEN], key2[KEYFILE_KEY_LEN];
	uint8_t buf[KEYFILE_MAX_LEN + 2], buf2[KEYFILE_MAX_LEN];
	const char *why;
	size_t len, i;
	int bad = 0;

	randombytes_buf(key, sizeof key);
	keyfile_make_raw(&kf, key);
	len = keyfile_encode(&kf, buf);
	CHECK_INT(len, KEYFILE_RAW_LEN);
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), 0);
	CHECK_INT(kf2.type, KEYFILE_RAW);
	CHECK_MEM(kf2.key, key, sizeof key);
	for (i = 0; i < len; i++)
		if (keyfile_parse(&kf2, buf, i, &why) == 0 || why == NULL)
			bad++;
	buf[len] = 0;
	if (keyfile_parse(&kf2, buf, len + 1, &why) == 0)
		bad++;
	for (i = 0; i < len * 8; i++) {
		buf[i / 8] ^= (uint8_t)(1 << (i % 8));
		if (keyfile_parse(&kf2, buf, len, &why) == 0)
			bad++;
		buf[i / 8] ^= (uint8_t)(1 << (i % 8));
	}
	CHECK_INT(bad, 0);

	CHECK_INT(keyfile_wrap(&kf, key, "pw", crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN), 0);
	len = keyfile_encode(&kf, buf);
	CHECK_INT(len, KEYFILE_WRAPPED_LEN);
	CHECK(memmem(buf, len, key, sizeof key) == NULL);
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), 0);
	CHECK_INT(keyfile_encode(&kf2, buf2), len);
	CHECK_MEM(buf, buf2, len);
	CHECK_INT(keyfile_unwrap(&kf2, "pw", key2), 0);
	CHECK_MEM(key, key2, sizeof key);
	CHECK_INT(keyfile_unwrap(&kf2, "pW", key2), ERR_PASSPHRASE);
	CHECK_INT(keyfile_unwrap(&kf2, "", key2), ERR_PASSPHRASE);
	CHECK_INT(keyfile_unwrap(&kf2, NULL, key2), ERR_PASSPHRASE);
	/* Each header byte is authenticated. */
	for (i = 6; i < len; i++) {
		buf[i] ^= 1;
		if (keyfile_parse(&kf2, buf, len, &why) == 0 &&
		    keyfile_unwrap(&kf2, "pw", key2) == 0)
			bad++;
		buf[i] ^= 1;
	}
	CHECK_INT(bad, 0);
	for (i = 0; i < len; i++)
		if (keyfile_parse(&kf2, buf, i, &why) == 0)
			bad++;
	CHECK_INT(keyfile_parse(&kf2, buf, len + 1, &why), ERR_INVAL);
	CHECK_INT(bad, 0);
	CHECK_INT(keyfile_wrap(&kf, key, "", crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN), ERR_INVAL);

	/* Argon2id limits at and past their bounds. */
	kf.opslimit = KEYFILE_OPS_MAX;
	kf.memlimit = KEYFILE_MEM_MAX;
	len = keyfile_encode(&kf, buf);
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), 0);
	kf.opslimit = KEYFILE_OPS_MAX + 1;
	len = keyfile_encode(&kf, buf);
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), ERR_INVAL);
	kf.opslimit = 0;
	len = keyfile_encode(&kf, buf);
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), ERR_INVAL);
	kf.opslimit = 1;
	kf.memlimit = KEYFILE_MEM_MAX + 1;
	len = keyfile_encode(&kf, buf);
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), ERR_INVAL);
	kf.memlimit = UINT64_MAX;
	len = keyfile_encode(&kf, buf);
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), ERR_INVAL);
	kf.memlimit = crypto_pwhash_MEMLIMIT_MIN - 1;
	len = keyfile_encode(&kf, buf);
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), ERR_INVAL);

	/* Version and type. */
	buf[4] = 2;
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), ERR_UNSUPPORTED);
	buf[4] = KEYFILE_VERSION;
	buf[5] = 9;
	CHECK_INT(keyfile_parse(&kf2, buf, len, &why), ERR_UNSUPPORTED);
	CHECK_INT(keyfile_parse(&kf2, buf, 0, &why), ERR_INVAL);
	CHECK(why != NULL);
	sodium_memzero(key, sizeof key);
}

static void
test_keyfile_corrupt(void)
{
	char *d = tmpdir(), p[PATH_MAX];
	struct store *st = NULL;
	uint8_t *k, junk[300];
	size_t n;

	st = open_ok(d, NULL);
	store_close(st);
	pathof(p, d, "storage.key");
	k = slurp(p, &n);
	CHECK(k != NULL && n == KEYFILE_RAW_LEN);

	spew(p, k, n - 1);
	CHECK_INT(store_open(&st, d, NULL), ERR_INVAL);
	spew(p, k, 0);
	CHECK_INT(store_open(&st, d, NULL), ERR_INVAL);
	memset(junk, 'A', sizeof junk);
	memcpy(junk, k, n);
	spew(p, junk, n + 1);
	CHECK_INT(store_open(&st, d, NULL), ERR_INVAL);
	spew(p, junk, sizeof junk);
	CHECK_INT(store_open(&st, d, NULL), ERR_INVAL);
	k[10] ^= 0x40;
	spew(p, k, n);
	CHECK_INT(store_open(&st, d, NULL), ERR_INVAL);
	k[10] ^= 0x40;
	k[0] = 'X';
	spew(p, k, n);
	CHECK_INT(store_open(&st, d, NULL), ERR_INVAL);
	k[0] = 'W';
	k[4] = 7;
	spew(p, k, n);
	CHECK_INT(store_open(&st, d, NULL), ERR_UNSUPPORTED);
	k[4] = KEYFILE_VERSION;
	unlink(p);
	CHECK_INT(symlink("/dev/null", p), 0);
	CHECK(store_open(&st, d, NULL) != 0);
	CHECK(st == NULL);
	unlink(p);
	CHECK_INT(mkfifo(p, 0600), 0);
	CHECK_INT(store_open(&st, d, NULL), ERR_IO);
	spew(p, k, n);
	st = open_ok(d, NULL);
	store_close(st);
	free(k);
	rmdir_all(d);
}

static void
test_key_belongs_to_db(void)
{
	char *d = tmpdir(), *d2 = tmpdir(), p[PATH_MAX], p2[PATH_MAX];
	struct store *st = NULL;
	uint8_t *k;
	size_t n;

	st = open_ok(d, NULL);
	put_seed(st, "mine");
	store_close(st);
	st = open_ok(d2, NULL);
	store_close(st);

	/* The key file is gone: refuse instead of making a new key. */
	pathof(p, d, "storage.key");
	k = slurp(p, &n);
	unlink(p);
	st = NULL;
	CHECK_INT(store_open(&st, d, NULL), ERR_NOTFOUND);
	CHECK_INT(mode_of(p), -1);

	/* Another store's key file. */
	unlink(pathof(p2, d, "storage.key.tmp"));
	CHECK_INT(link(pathof(p2, d2, "storage.key"), p), 0);
	CHECK_INT(store_open(&st, d, NULL), ERR_AUTH);
	CHECK(st == NULL);
	unlink(p);
	spew(p, k, n);
	st = open_ok(d, NULL);
	check_seed(st, "mine");
	store_close(st);
	free(k);
	rmdir_all(d);
	rmdir_all(d2);
}

static void
test_transactions(void)
{
	char *d = tmpdir(), p[PATH_MAX], *v = NULL;
	struct store *st = open_ok(d, NULL);

	CHECK_INT(store_begin(st), 0);
	CHECK_INT(store_setting_set(st, "test.a", "1"), 0);
	store_rollback(st);
	CHECK_INT(store_setting_get(st, "test.a", &v), ERR_NOTFOUND);
	store_rollback(st);	/* none open: harmless */
	CHECK_INT(store_begin(st), 0);
	CHECK_INT(store_begin(st), ERR_DB);	/* nested */
	CHECK_INT(store_setting_set(st, "test.a", "2"), 0);
	CHECK_INT(store_commit(st), 0);
	CHECK_INT(store_commit(st), ERR_DB);	/* none open */
	CHECK_INT(store_setting_get(st, "test.a", &v), 0);
	CHECK_STR(v, "2");
	free(v);
	CHECK_INT(store_checkpoint(st), 0);
	CHECK_INT(mode_of(pathof(p, d, "warren.db-wal")), 0600);
	{
		struct stat sb;

		CHECK(stat(p, &sb) == 0 && sb.st_size == 0);
	}
	store_close(st);
	rmdir_all(d);
}

/* Check that neither the secret nor its hex is in the store's files. */
static int
leaks(const char *d, const uint8_t *sec, size_t n)
{
	static const char *const files[] = { "warren.db", "warren.db-wal",
	    "storage.key" };
	char p[PATH_MAX], hex[2 * 64 + 1];
	size_t i, j;
	int found = 0;

	sodium_bin2hex(hex, sizeof hex, sec, n);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		pathof(p, d, files[i]);
		found |= file_contains(p, sec, n);
		found |= file_contains(p, hex, 2 * n);
		for (j = 0; j < 2 * n; j++)
			if (hex[j] >= 'a' && hex[j] <= 'f')
				hex[j] = (char)(hex[j] - 'a' + 'A');
		found |= file_contains(p, hex, 2 * n);
		sodium_bin2hex(hex, sizeof hex, sec, n);
	}
	return found;
}

static void
test_no_plaintext_on_disk(void)
{
	const char *secret = "warren-test-secret-3f9a1c-DO-NOT-LEAK";
	char *d = tmpdir(), p[PATH_MAX];
	struct store *st;
	struct keyfile kf;
	sqlite3_stmt *stmt;
	uint8_t *k, key[KEYFILE_KEY_LEN];
	const char *why;
	size_t n;

	st = open_ok(d, NULL);
	put_seed(st, secret);
	/* The sealed row must be in the WAL, or we test air. */
	CHECK_INT(sqlite3_prepare_v2(store_db(st),
	    "SELECT seed FROM identity WHERE id = 1", -1, &stmt, NULL),
	    SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_ROW);
	CHECK(file_contains(pathof(p, d, "warren.db-wal"),
	    sqlite3_column_blob(stmt, 0),
	    (size_t)sqlite3_column_bytes(stmt, 0)));
	sqlite3_finalize(stmt);
	CHECK_INT(leaks(d, (const uint8_t *)secret, strlen(secret)), 0);

	/* The raw key, then wrapped: no key bytes in the file any more. */
	k = slurp(pathof(p, d, "storage.key"), &n);
	CHECK(k != NULL && keyfile_parse(&kf, k, n, &why) == 0 &&
	    kf.type == KEYFILE_RAW);
	memcpy(key, kf.key, sizeof key);
	CHECK(file_contains(p, key, sizeof key));	/* sanity */
	CHECK_INT(store_set_passphrase(st, NULL, "pass"), 0);
	CHECK_INT(file_contains(p, key, sizeof key), 0);
	CHECK_INT(leaks(d, key, sizeof key), 0);
	check_seed(st, secret);
	CHECK_INT(store_checkpoint(st), 0);
	store_close(st);
	CHECK_INT(leaks(d, (const uint8_t *)secret, strlen(secret)), 0);
	CHECK_INT(leaks(d, key, sizeof key), 0);
	sodium_memzero(key, sizeof key);
	sodium_memzero(&kf, sizeof kf);
	free(k);
	rmdir_all(d);
}

/* Run the helper: A -> B (count times); crash_at 0 = no crash hook. */
static pid_t
spawn_helper(const char *d, const char *a, const char *b, int count,
    int crash_at)
{
	char cnt[16], at[16];
	pid_t pid;

	snprintf(cnt, sizeof cnt, "%d", count);
	snprintf(at, sizeof at, "%d", crash_at);
	if ((pid = fork()) == -1) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		setenv("WARREN_TEST_KDF_MIN", "1", 1);
		if (crash_at > 0)
			setenv("WARREN_TEST_CRASH_AT", at, 1);
		execl(helper_path, helper_path, d, a, b, cnt, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* After a crash: exactly one of a, b opens the store; returns which. */
static const char *
which_opens(const char *d, const char *a, const char *b)
{
	struct store *st = NULL;
	const char *got = NULL;
	int r;

	if ((r = store_open(&st, d, a)) == 0)
		got = a;
	else if (r == ERR_PASSPHRASE && (r = store_open(&st, d, b)) == 0)
		got = b;
	CHECK_INT(r, 0);
	if (st != NULL) {
		CHECK_INT(store_has_passphrase(st), 1);
		check_seed(st, "survives crashes");
		store_close(st);
	}
	return got;
}

static void
test_crash_passphrase(void)
{
	char *d = tmpdir(), p[PATH_MAX];
	struct store *st;
	const char *cur = "old pass", *other = "new pass", *got, *t;
	int step, i, status, killed = 0, done = 0;
	pid_t pid;

	st = open_ok(d, cur);
	put_seed(st, "survives crashes");
	store_close(st);

	/*
	 * Die after each step: 1-6 write storage.key.next, 7 is just before
	 * the re-seal commits, 8 just after, 9 after the rename. Up to the
	 * commit the old key stands, then the new one.
	 */
	for (step = 1; step <= 9; step++) {
		pid = spawn_helper(d, cur, other, 1, step);
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		got = which_opens(d, cur, other);
		CHECK(got == (step <= 7 ? cur : other));
		CHECK_INT(access(pathof(p, d, "storage.key.next"), F_OK), -1);
		if (got == other) {
			t = cur;
			cur = other;
			other = t;
		}
	}
	/* And at 40 random moments in a run of changes back and forth. */
	for (i = 0; i < 40; i++) {
		struct timespec ts = { 0, 0 };

		pid = spawn_helper(d, cur, other, 1000, 0);
		ts.tv_nsec = (long)randombytes_uniform(60 * 1000) * 1000;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		CHECK(waitpid(pid, &status, 0) == pid);
		if (WIFSIGNALED(status))
			killed++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			done++;
		else
			CHECK(0);
		got = which_opens(d, cur, other);
		if (got == NULL)
			break;
		if (got == other) {
			t = cur;
			cur = other;
			other = t;
		}
	}
	CHECK(killed > 0);
	printf("# crash test: %d killed, %d finished\n", killed, done);
	rmdir_all(d);
}

/* Find the helper beside us, then run every case. */
int
main(int argc, char **argv)
{
	char *slash;

	/*
	 * Under valgrind each Argon2id MODERATE wrap (256 MiB) takes about a
	 * minute: wrap cheaply there (the same code path, smaller limits);
	 * make check and the sanitizer run keep MODERATE.
	 */
	if (RUNNING_ON_VALGRIND)
		setenv("WARREN_TEST_KDF_MIN", "1", 1);

	/* Expected failures log errors; TEST_VERBOSE shows everything. */
	log_init("test_store", 0, getenv("TEST_VERBOSE") != NULL ?
	    LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	if (sodium_init() < 0)
		return 1;
	snprintf(helper_path, sizeof helper_path, "%s", argv[0]);
	if ((slash = strrchr(helper_path, '/')) != NULL)
		slash[1] = '\0';
	else
		helper_path[0] = '\0';
	strncat(helper_path, "store_passwd_helper",
	    sizeof helper_path - strlen(helper_path) - 1);
	(void)argc;
	umask(022);	/* the store must not depend on our umask */

	RUN(test_create_reopen);
	RUN(test_migrations_once);
	RUN(test_future_db);
	RUN(test_not_a_db);
	RUN(test_permissions);
	RUN(test_seal_roundtrip);
	RUN(test_seal_moved);
	RUN(test_seal_tampered);
	RUN(test_lookup_hash);
	RUN(test_locked);
	RUN(test_rotate);
	RUN(test_passphrase_cycle);
	RUN(test_wrong_passphrase_changes_nothing);
	RUN(test_keyfile_parse);
	RUN(test_keyfile_corrupt);
	RUN(test_key_belongs_to_db);
	RUN(test_transactions);
	RUN(test_no_plaintext_on_disk);
	RUN(test_crash_passphrase);
	return TEST_EXIT();
}
