/* launch.c -- the torrc of our own tor and the fork/exec that starts it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tor/addr.h"
#include "tor/launch.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define TORLAUNCH_CTL_FD	3	/* the owning control fd in the child */

/* Build the paths and check the socket path length. */
int
torlaunch_paths(const char *data_dir, char **tor_dir, char **torrc,
    char **socks)
{
	xasprintf(tor_dir, "%s/tor", data_dir);
	xasprintf(torrc, "%s/torrc", *tor_dir);
	xasprintf(socks, "%s/socks.sock", *tor_dir);
	if (toraddr_unix_fits(*socks) != 0) {
		log_error("tor: SOCKS socket path %s is longer than a unix "
		    "socket allows (107 bytes); use a shorter data dir",
		    *socks);
		return ERR_TOOBIG;
	}
	return 0;
}

/* An executable regular file? */
static int
is_exec(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    access(path, X_OK) == 0;
}

/* Look for tor where execvp will. */
int
torlaunch_find(const char *binary)
{
	const char *path, *p, *end;
	char *cand;
	size_t len;
	int found = 0;

	if (binary == NULL || *binary == '\0')
		binary = "tor";
	if (strchr(binary, '/') != NULL)
		return is_exec(binary) ? 0 : ERR_NOTFOUND;
	/* execvp's default when PATH is unset. */
	if ((path = getenv("PATH")) == NULL)
		path = "/bin:/usr/bin";
	for (p = path; !found; p = end + 1) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		/* An empty entry means the current directory. */
		xasprintf(&cand, "%.*s%s%s", (int)len, p, len ? "/" : "",
		    binary);
		found = is_exec(cand);
		free(cand);
		if (*end == '\0')
			break;
	}
	return found ? 0 : ERR_NOTFOUND;
}

/* True if a torrc path would be misread: tor splits lines, not words. */
static int
bad_path(const char *s)
{
	return strpbrk(s, "\r\n\"\\ ") != NULL;
}

/* Append the user's extra torrc lines (bounded, no NUL). */
static int
append_file(FILE *out, const char *path)
{
	char buf[4096];
	size_t n, total = 0;
	FILE *in;
	int r = 0;

	if ((in = fopen(path, "r")) == NULL) {
		log_error("tor: cannot read %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	fprintf(out, "# from %s\n", path);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
		total += n;
		if (total > TORLAUNCH_MAX_APPEND) {
			log_error("tor: %s is larger than %d bytes", path,
			    TORLAUNCH_MAX_APPEND);
			r = ERR_TOOBIG;
			break;
		}
		if (memchr(buf, '\0', n) != NULL) {
			log_error("tor: %s contains a NUL byte", path);
			r = ERR_INVAL;
			break;
		}
		fwrite(buf, 1, n, out);
	}
	if (r == 0 && ferror(in))
		r = ERR_IO;
	fclose(in);
	fputc('\n', out);
	return r;
}

/* Write DIR/tor/torrc (mode 0600). */
static int
write_torrc(const struct tor_opts *o, const char *tor_dir, const char *torrc,
    const char *socks)
{
	FILE *f;
	int fd, r = 0;

	fd = open(torrc, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		log_error("tor: cannot write %s: %s", torrc, strerror(errno));
		if (fd != -1)
			close(fd);
		return ERR_IO;
	}
	fprintf(f, "# written by warren at every start; edits are lost\n"
	    "DataDirectory %s\n"
	    "DisableNetwork 1\n"
	    "SocksPort unix:%s OnionTrafficOnly ExtendedErrors\n"
	    "ControlPort 0\n"
	    "AvoidDiskWrites 1\n"
	    "__ReloadTorrcOnSIGHUP 0\n"
	    "Log notice file %s/notice.log\n",
	    tor_dir, socks, tor_dir);
	if (o->torrc_append != NULL)
		r = append_file(f, o->torrc_append);
	if (fclose(f) != 0 && r == 0) {
		log_error("tor: cannot write %s: %s", torrc, strerror(errno));
		r = ERR_IO;
	}
	return r;
}

/* In the child: close every fd above the control fd. */
static void
close_other_fds(void)
{
	DIR *d;
	struct dirent *de;
	int fd, dfd;

	if ((d = opendir("/proc/self/fd")) == NULL) {
		for (fd = TORLAUNCH_CTL_FD + 1; fd < 1024; fd++)
			close(fd);
		return;
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		fd = atoi(de->d_name);
		if (fd > TORLAUNCH_CTL_FD && fd != dfd)
			close(fd);
	}
	closedir(d);
}

/* In the child: set up fds and signals, exec tor. Never returns. */
static void
exec_tor(const char *binary, const char *torrc, const char *tor_dir, int ctl,
    pid_t parent)
{
	char pidbuf[32], fdbuf[16], *log;
	const char *argv[12];
	sigset_t set;
	int fd, i = 0;

	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	if (ctl != TORLAUNCH_CTL_FD) {
		if (dup2(ctl, TORLAUNCH_CTL_FD) == -1)
			_exit(126);
		close(ctl);
	} else
		fcntl(ctl, F_SETFD, 0);
	if ((fd = open("/dev/null", O_RDONLY)) != -1 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	/* Config errors go to stdout before the log file opens. */
	if (xasprintf(&log, "%s/stdout.log", tor_dir) > 0 &&
	    (fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	close_other_fds();
	snprintf(pidbuf, sizeof pidbuf, "%ld", (long)parent);
	snprintf(fdbuf, sizeof fdbuf, "%d", TORLAUNCH_CTL_FD);
	argv[i++] = binary;
	argv[i++] = "--defaults-torrc";
	argv[i++] = "/dev/null";
	argv[i++] = "-f";
	argv[i++] = torrc;
	argv[i++] = "--__OwningControllerFD";
	argv[i++] = fdbuf;
	argv[i++] = "--__OwningControllerProcess";
	argv[i++] = pidbuf;
	argv[i] = NULL;
	execvp(binary, (char *const *)argv);
	dprintf(1, "warrend: cannot execute %s: %s\n", binary, strerror(errno));
	_exit(127);
}

/* Spawn tor with an owning control connection. */
int
torlaunch_spawn(const struct tor_opts *o, int *fdp, pid_t *pidp)
{
	char *tor_dir = NULL, *torrc = NULL, *socks = NULL;
	const char *binary = o->tor_binary ? o->tor_binary : "tor";
	struct stat sb;
	pid_t pid, parent = getpid();
	int sv[2] = { -1, -1 }, r;

	*fdp = -1;
	if ((r = torlaunch_paths(o->data_dir, &tor_dir, &torrc, &socks)) != 0)
		goto out;
	if (bad_path(tor_dir)) {
		log_error("tor: data dir %s holds a space, quote or backslash",
		    o->data_dir);
		r = ERR_INVAL;
		goto out;
	}
	if (mkdir(tor_dir, 0700) == -1 && errno != EEXIST) {
		log_error("tor: mkdir %s: %s", tor_dir, strerror(errno));
		r = ERR_IO;
		goto out;
	}
	if (lstat(tor_dir, &sb) == -1 || !S_ISDIR(sb.st_mode) ||
	    chmod(tor_dir, 0700) == -1) {
		log_error("tor: %s is not a usable directory", tor_dir);
		r = ERR_IO;
		goto out;
	}
	if ((r = write_torrc(o, tor_dir, torrc, socks)) != 0)
		goto out;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_error("tor: socketpair: %s", strerror(errno));
		r = ERR_IO;
		goto out;
	}
	if ((pid = fork()) == -1) {
		log_error("tor: fork: %s", strerror(errno));
		r = ERR_IO;
		goto out;
	}
	if (pid == 0)
		exec_tor(binary, torrc, tor_dir, sv[1], parent);
	close(sv[1]);
	sv[1] = -1;
	if (fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK) == -1) {
		r = ERR_IO;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	log_info("tor: started %s (pid %ld), DataDirectory %s", binary,
	    (long)pid, tor_dir);
	*fdp = sv[0];
	*pidp = pid;
	sv[0] = -1;
out:
	if (sv[0] != -1)
		close(sv[0]);
	if (sv[1] != -1)
		close(sv[1]);
	free(tor_dir);
	free(torrc);
	free(socks);
	return r;
}

/* Describe a wait status. */
void
torlaunch_describe(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "stopped (status %d)", status);
}
