/* datadir.h -- where warren keeps its files; shared by warrend and warren. */
#ifndef WARREN_DATADIR_H
#define WARREN_DATADIR_H

/*
 * The data directory: arg if given, else $WARREN_HOME, else
 * $XDG_DATA_HOME/warren, else $HOME/.local/share/warren. Returns an
 * absolute path (caller frees) or NULL with a message on stderr.
 */
char *datadir_resolve(const char *arg);
/* Create it (and parents) with mode 0700; refuse one others can access. */
int datadir_prepare(const char *dir);
/*
 * DIR plus each socket the daemon makes there (with_tor: also
 * tor/socks.sock) fits in a unix socket path. -1 with a message naming the
 * path, its length and the limit.
 */
int datadir_fits(const char *dir, int with_tor);
/*
 * The daemon can write in DIR (not a read-only file system, not a directory
 * it may not write). -1 with a message saying what and where.
 */
int datadir_writable(const char *dir);
/*
 * Take DIR/warrend.lock (held for the process's life). Returns the fd, or
 * -1 with a message naming the running daemon's pid.
 */
int datadir_lock(const char *dir);

#endif
