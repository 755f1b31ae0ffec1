/* launch.h -- write the torrc of the tor we own and spawn it. */
#ifndef WARREN_TOR_LAUNCH_H
#define WARREN_TOR_LAUNCH_H

#include <sys/types.h>

struct tor_opts;

#define TORLAUNCH_MAX_APPEND	(64 * 1024)	/* bytes of torrc_append */

/*
 * Paths inside the data dir, all malloc'd into *out: DIR/tor,
 * DIR/tor/torrc, DIR/tor/socks.sock. ERR_TOOBIG when the SOCKS socket path
 * does not fit in sun_path.
 */
int torlaunch_paths(const char *data_dir, char **tor_dir, char **torrc,
    char **socks);
/*
 * Create DIR/tor (0700), write DIR/tor/torrc, fork and exec tor with an
 * owning control connection on a socketpair (__OwningControllerFD) and
 * __OwningControllerProcess. *fd is our end (non-blocking, close-on-exec).
 */
int torlaunch_spawn(const struct tor_opts *, int *fd, pid_t *pid);
/*
 * Find the tor binary as execvp would: a name with a slash is taken as it
 * is, else each directory of $PATH is tried. 0 if an executable regular
 * file is there, else ERR_NOTFOUND; the message is TORLAUNCH_NOTFOUND.
 */
int torlaunch_find(const char *binary);
#define TORLAUNCH_NOTFOUND	"tor not found (install tor or use --tor PATH)"
/* A short line about how a child exited ("exited with status 1"). */
void torlaunch_describe(int status, char *buf, size_t len);

#endif
