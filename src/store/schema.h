/* schema.h -- the versioned schema (PRAGMA user_version) and migrations. */
#ifndef WARREN_STORE_SCHEMA_H
#define WARREN_STORE_SCHEMA_H

struct sqlite3;

/* The version this build migrates up to (the last migration's index). */
int schema_latest(void);
/* Read PRAGMA user_version into *v; ERR_DB on failure. */
int schema_version(struct sqlite3 *, int *v);
/*
 * Run every missing migration, each in its own BEGIN IMMEDIATE transaction
 * that also sets user_version. ERR_UNSUPPORTED if the database is newer
 * than schema_latest(); ERR_DB (logged) if SQLite fails.
 */
int schema_migrate(struct sqlite3 *);

#endif
