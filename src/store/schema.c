/*
 * schema.c -- the table of migrations and the code that applies them.
 * To change the schema, append one entry to schema_migrations[]; never edit
 * an entry that has shipped.
 */
#include <stddef.h>

#include <sqlite3.h>

#include "store/schema.h"
#include "util/err.h"
#include "util/log.h"

/*
 * schema_migrations[v] takes a database from version v - 1 to v. Entry 0 is
 * the empty database. Each entry runs in its own transaction together with
 * "PRAGMA user_version = v". Values marked "sealed" hold store_seal() output
 * for (table, column, rowid).
 */
static const char *const schema_migrations[] = {
	/* 0: empty */
	NULL,

	/* 1: identity seed and settings */
	"CREATE TABLE identity ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  seed BLOB NOT NULL,"			/* sealed */
	"  created INTEGER NOT NULL"
	");"
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	");",

	/* 2: contacts, messages, outbox, events */
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  lookup BLOB NOT NULL UNIQUE,"	/* store_lookup_hash(onion) */
	"  addr BLOB NOT NULL,"			/* sealed onion address */
	"  name BLOB,"				/* sealed */
	"  state INTEGER NOT NULL,"
	"  flags INTEGER NOT NULL DEFAULT 0,"
	"  verified INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  req_text BLOB,"			/* sealed request greeting */
	"  send_seq INTEGER NOT NULL DEFAULT 0,"
	"  recv_seq INTEGER NOT NULL DEFAULT 0,"
	"  ratchet BLOB,"			/* sealed ratchet state */
	"  unread INTEGER NOT NULL DEFAULT 0,"
	"  last_seen INTEGER"
	");"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  contact INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"
	"  dir INTEGER NOT NULL,"		/* 0 out, 1 in */
	"  seq INTEGER,"			/* NULL while queued unencrypted */
	"  state INTEGER NOT NULL,"
	"  body BLOB NOT NULL,"			/* sealed text */
	"  time INTEGER NOT NULL,"		/* ms: composed (out) / received (in) */
	"  sent INTEGER"			/* ms: composed by the sender (in) */
	");"
	"CREATE INDEX messages_contact ON messages (contact, id);"
	"CREATE TABLE outbox ("
	"  contact INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  hdr BLOB NOT NULL,"
	"  ct BLOB NOT NULL,"			/* ratchet ciphertext */
	"  msg INTEGER,"			/* messages.id, NULL for control */
	"  PRIMARY KEY (contact, seq)"
	");"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  data BLOB NOT NULL"			/* sealed JSON */
	");",

	/* 3: indexes for the delivery engine; timers, receipts, alerts */
	"ALTER TABLE messages ADD COLUMN expires_at INTEGER;"	/* ms */
	"ALTER TABLE messages ADD COLUMN timer INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE contacts ADD COLUMN timer INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE contacts ADD COLUMN peer_receipts INTEGER NOT NULL "
	"  DEFAULT 0;"
	"ALTER TABLE contacts ADD COLUMN read_seq INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE events ADD COLUMN msg INTEGER;"
	"CREATE INDEX messages_undelivered ON messages (contact, seq) "
	"  WHERE dir = 0 AND state < 2;"
	"CREATE INDEX messages_expiring ON messages (expires_at) "
	"  WHERE expires_at IS NOT NULL;"
	"CREATE INDEX events_msg ON events (msg) WHERE msg IS NOT NULL;",

	/*
	 * 4: row MACs over the bookkeeping columns (store.h STORE_MAC_*).
	 * Sealing version 2 (owner and direction in the AD), the MACs and
	 * the sealed nick are written by store_upgrade() once the key is
	 * in memory; settings "store.format" is "2" after it.
	 */
	"ALTER TABLE contacts ADD COLUMN mac BLOB;"
	"ALTER TABLE messages ADD COLUMN mac BLOB;",

	/*
	 * 5 (presence): private per-contact endpoint onions (core/endpoint.c):
	 * the onion's seed, the client key we gave, their endpoint and our
	 * key for it, in one sealed record per contact (row id = contact id).
	 */
	"CREATE TABLE endpoints ("
	"  id INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,"
	"  data BLOB NOT NULL"			/* sealed */
	");",

	/*
	 * 6 (mailbox): mailboxes (src/core/mbox*.c). On a mailbox node: credentials
	 * (only a hash of each token) and the deposited blobs. On a user's
	 * node: the paired mailbox and, per contact, the credential we gave
	 * them and the one they gave us for theirs.
	 */
	"CREATE TABLE mb_creds ("
	"  id INTEGER PRIMARY KEY,"
	"  tag BLOB NOT NULL UNIQUE,"		/* BLAKE2b(token) */
	"  role INTEGER NOT NULL,"		/* 1 owner, 2 depositor */
	"  created INTEGER NOT NULL"
	");"
	"CREATE TABLE mb_blobs ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  cred INTEGER NOT NULL REFERENCES mb_creds(id) ON DELETE CASCADE,"
	"  time INTEGER NOT NULL,"		/* s */
	"  size INTEGER NOT NULL,"
	"  data BLOB NOT NULL"			/* sealed (already opaque) */
	");"
	"CREATE INDEX mb_blobs_cred ON mb_blobs (cred);"
	"CREATE TABLE mb_own ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  addr BLOB NOT NULL,"			/* sealed mailbox onion */
	"  secret BLOB NOT NULL,"		/* sealed owner credential */
	"  pair BLOB,"				/* sealed code while pairing */
	"  last_fetch INTEGER"			/* s */
	");"
	"CREATE TABLE mb_peers ("
	"  contact INTEGER PRIMARY KEY REFERENCES contacts(id) "
	"    ON DELETE CASCADE,"
	"  mine BLOB,"				/* sealed: the credential we gave */
	"  granted INTEGER NOT NULL DEFAULT 0,"	/* 1 registered, 2 sent */
	"  theirs BLOB,"			/* sealed: onion + credential */
	"  dep_next INTEGER NOT NULL DEFAULT 0"	/* deposited below this seq */
	");",

	/*
	 * 7 (files): file transfers (src/core/files.c). fid is the random transfer
	 * id of the offer; meta holds the offer line with the file key and
	 * the local path.
	 */
	"CREATE TABLE files ("
	"  id INTEGER PRIMARY KEY,"
	"  contact INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"
	"  dir INTEGER NOT NULL,"		/* 0 out, 1 in */
	"  state INTEGER NOT NULL,"
	"  fid BLOB NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  done INTEGER NOT NULL DEFAULT 0,"	/* chunks sent (out) */
	"  created INTEGER NOT NULL,"		/* ms */
	"  expires_at INTEGER,"			/* ms: disappears then */
	"  note INTEGER,"			/* messages.id of its note */
	"  meta BLOB NOT NULL"			/* sealed offer + path */
	");"
	"CREATE INDEX files_contact ON files (contact);",

	/*
	 * 8 (groups): one sealed state per group (roster, keys), the items
	 * seen (for de-duplication; pending ones keep a sealed body until
	 * they can be applied) and the group history.
	 */
	"CREATE TABLE groups ("
	"  id INTEGER PRIMARY KEY,"
	"  state BLOB NOT NULL,"		/* sealed JSON */
	"  unread INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL"
	");"
	"CREATE TABLE group_items ("
	"  id INTEGER PRIMARY KEY,"
	"  grp INTEGER NOT NULL,"
	"  lookup BLOB NOT NULL,"		/* hash keyed by the group's hk */
	"  body BLOB,"				/* sealed; NULL once applied */
	"  src INTEGER,"			/* contact it came from */
	"  time INTEGER NOT NULL"
	");"
	"CREATE TABLE group_msgs ("
	"  id INTEGER PRIMARY KEY,"
	"  grp INTEGER NOT NULL,"
	"  lamport INTEGER NOT NULL,"
	"  body BLOB NOT NULL,"			/* sealed JSON */
	"  time INTEGER NOT NULL"
	");"
	"CREATE TABLE group_outq ("		/* waiting for a session */
	"  id INTEGER PRIMARY KEY,"
	"  contact INTEGER NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  body BLOB NOT NULL,"			/* sealed */
	"  time INTEGER NOT NULL"
	");"
	"CREATE INDEX group_msgs_grp ON group_msgs (grp, lamport, id);"
	"CREATE UNIQUE INDEX group_items_lookup ON group_items (grp, lookup);",

	/* append new migrations here */
};

#define SCHEMA_LATEST \
	((int)(sizeof schema_migrations / sizeof schema_migrations[0]) - 1)

/* The newest version this build knows. */
int
schema_latest(void)
{
	return SCHEMA_LATEST;
}

/* Run one statement list, logging SQLite's message on failure. */
static int
schema_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("store: schema: %s", msg != NULL ? msg :
		    sqlite3_errmsg(db));
		sqlite3_free(msg);
		return ERR_DB;
	}
	return 0;
}

/* Read PRAGMA user_version. */
int
schema_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st = NULL;
	int r = ERR_DB;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		log_error("store: user_version: %s", sqlite3_errmsg(db));
		goto out;
	}
	*v = sqlite3_column_int(st, 0);
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

/* Bring the schema up to date, one transaction per migration. */
int
schema_migrate(sqlite3 *db)
{
	char *set;
	int v, r;

	for (;;) {
		if ((r = schema_exec(db, "BEGIN IMMEDIATE")) != 0)
			return r;
		/* Read inside the transaction: another process may migrate. */
		if ((r = schema_version(db, &v)) != 0)
			goto fail;
		if (v == SCHEMA_LATEST)
			return schema_exec(db, "COMMIT");
		if (v < 0 || v > SCHEMA_LATEST) {
			log_error("store: the database has schema version %d; "
			    "this warren knows up to %d (a newer warren wrote "
			    "it)", v, SCHEMA_LATEST);
			r = ERR_UNSUPPORTED;
			goto fail;
		}
		if ((r = schema_exec(db, schema_migrations[v + 1])) != 0)
			goto fail;
		set = sqlite3_mprintf("PRAGMA user_version = %d", v + 1);
		r = set != NULL ? schema_exec(db, set) : ERR_NOMEM;
		sqlite3_free(set);
		if (r != 0 || (r = schema_exec(db, "COMMIT")) != 0)
			goto fail;
		log_info("store: schema migrated to version %d", v + 1);
	}
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}
