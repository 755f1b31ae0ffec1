/* datadir.c -- resolve, create and lock the data directory. */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/datadir.h"
#include "util/xmalloc.h"

/* Messages name the program that failed: warren or warrend. */
#define PROG program_invocation_short_name

/* Pick the directory. */
char *
datadir_resolve(const char *arg)
{
	const char *e;
	char *d, *abs;

	if (arg != NULL && *arg != '\0')
		d = xstrdup(arg);
	else if ((e = getenv("WARREN_HOME")) != NULL && *e != '\0')
		d = xstrdup(e);
	else if ((e = getenv("XDG_DATA_HOME")) != NULL && *e != '\0')
		xasprintf(&d, "%s/warren", e);
	else if ((e = getenv("HOME")) != NULL && *e != '\0')
		xasprintf(&d, "%s/.local/share/warren", e);
	else {
		fprintf(stderr, "%s: no data directory: set WARREN_HOME "
		    "or use -d DIR\n", PROG);
		return NULL;
	}
	if (d[0] == '/')
		return d;
	if ((abs = realpath(".", NULL)) == NULL) {
		fprintf(stderr, "%s: cannot resolve %s: %s\n", PROG, d,
		    strerror(errno));
		free(d);
		return NULL;
	}
	{
		char *full;

		xasprintf(&full, "%s/%s", abs, d);
		free(abs);
		free(d);
		return full;
	}
}

/* mkdir -p with mode 0700 for the last component. */
int
datadir_prepare(const char *dir)
{
	char *p, *s;
	struct stat sb;

	p = xstrdup(dir);
	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "%s: cannot create %s: %s\n", PROG, p,
			    strerror(errno));
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: cannot create %s: %s\n", PROG, dir,
		    strerror(errno));
		return -1;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "%s: %s is not a directory\n", PROG, dir);
		return -1;
	}
	if (sb.st_uid != getuid()) {
		fprintf(stderr, "%s: %s belongs to another user\n", PROG, dir);
		return -1;
	}
	if ((sb.st_mode & 077) != 0) {
		fprintf(stderr, "%s: %s is accessible by other users "
		    "(mode %03o); run: chmod 700 %s\n", PROG, dir,
		    (unsigned)(sb.st_mode & 0777), dir);
		return -1;
	}
	return 0;
}

/* Short enough for the sockets in it? */
int
datadir_fits(const char *dir, int with_tor)
{
	static const char *const socks[] = { "/warren.sock", "/peer.sock",
	    "/tor/socks.sock" };
	struct sockaddr_un sun;
	size_t i, n = with_tor ? 3 : 2, max = sizeof sun.sun_path - 1;
	const char *longest = socks[0];

	for (i = 1; i < n; i++)
		if (strlen(socks[i]) > strlen(longest))
			longest = socks[i];
	if (strlen(dir) + strlen(longest) <= max)
		return 0;
	fprintf(stderr, "warrend: data directory path too long: %s%s would be "
	    "%zu bytes, a unix socket path holds at most %zu; use a data "
	    "directory of at most %zu bytes (-d DIR)\n", dir, longest,
	    strlen(dir) + strlen(longest), max, max - strlen(longest));
	return -1;
}

/* Can we write there? */
int
datadir_writable(const char *dir)
{
	struct statvfs vfs;

	if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
		fprintf(stderr, "warrend: the data directory %s is on a "
		    "read-only file system\n", dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "warrend: cannot write in the data directory "
		    "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Lock the directory against a second daemon. */
int
datadir_lock(const char *dir)
{
	char *path, pid[32] = "";
	ssize_t n;
	int fd, pfd;

	xasprintf(&path, "%s/warrend.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (fd < 0) {
		fprintf(stderr, "warrend: cannot open the lock file in %s: "
		    "%s\n", dir, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	close(fd);
	xasprintf(&path, "%s/warrend.pid", dir);
	if ((pfd = open(path, O_RDONLY)) >= 0) {
		if ((n = read(pfd, pid, sizeof pid - 1)) > 0)
			pid[n] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(pfd);
	}
	free(path);
	fprintf(stderr, "warrend: another warrend is already running on %s%s%s%s\n",
	    dir, pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
	return -1;
}
