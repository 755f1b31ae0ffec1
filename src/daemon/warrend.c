/*
 * warrend.c -- the warren daemon: options, data directory, lock file,
 * daemonising, signals, and the start-up order (store, identity, tor,
 * local API). See warrend(8).
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "config.h"
#include "core/node.h"
#include "store/store.h"
#include "tor/launch.h"
#include "util/datadir.h"
#include "rpc/rpc.h"
#include "util/err.h"
#include "util/log.h"
#include "util/passphrase.h"
#include "util/xmalloc.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: warrend [-f] [-d DIR] [--log-level LEVEL] [--log-file FILE]\n"
"               [--log-sensitive] [--passphrase-file FILE]\n"
"               [--tor PATH] [--torrc-append FILE]\n"
"               [--tor-control PORT|HOST:PORT|unix:PATH] [--no-tor]\n"
"               [--import FILE] [--reclaim] [--max-requests N]\n"
"               [--mailbox] [--mailbox-interval SECS] [--mailbox-quota N]\n"
"               [--mailbox-quota-bytes N] [--mailbox-ttl SECS]\n"
"\n"
"The warren daemon: your identity is a Tor onion address; peers reach you\n"
"through it. Talk to it with warren(1).\n"
"\n"
"  -d, --data-dir DIR       data directory (default $WARREN_HOME, else\n"
"                           $XDG_DATA_HOME/warren, else ~/.local/share/warren)\n"
"  -f, --foreground         stay in the foreground and log to stderr\n"
"      --log-level LEVEL    error, warn, info (default) or debug\n"
"      --log-file FILE      append log lines to FILE (default: stderr with\n"
"                           -f, else syslog, else DIR/warrend.log)\n"
"      --log-sensitive      let onion addresses into the log (debugging;\n"
"                           logs then show who your contacts are)\n"
"      --passphrase-file F  read the storage passphrase from F (first line);\n"
"                           sets one on first start. Without it a store with\n"
"                           a passphrase starts locked: run 'warren unlock'\n"
"      --tor PATH           tor to start (default: tor from PATH; also\n"
"                           --tor-binary PATH)\n"
"      --torrc-append FILE  extra torrc lines (bridges, a test network)\n"
"      --tor-control ADDR   use a running tor's control port instead of\n"
"                           starting one\n"
"      --tor-password-file F  control-port password for --tor-control\n"
"      --no-tor             run without tor (offline; local API only)\n"
"      --import FILE        first unpack FILE (from 'warren export') into\n"
"                           DIR, which must hold no store; its passphrase\n"
"                           (--passphrase-file, else a line of standard\n"
"                           input) becomes the store's passphrase; the\n"
"                           first start refuses (exit 1) if the identity\n"
"                           answers elsewhere\n"
"      --reclaim            start a data directory that was exported (only\n"
"                           if its other copy never ran)\n"
"      --max-requests N     keep at most N pending contact requests; the\n"
"                           oldest is dropped for a new one (default 100)\n"
"      --mailbox            be a mailbox: no conversations; keep sealed\n"
"                           blobs for the owner who pairs with it ('warren\n"
"                           mailbox pair-code') and for the owner's contacts\n"
"      --mailbox-interval S how often to fetch from your mailbox and deposit\n"
"                           in contacts' mailboxes (default 60 seconds)\n"
"      --mailbox-quota N    mailbox: blobs kept per credential (default 1000)\n"
"      --mailbox-quota-bytes N  mailbox: bytes per credential (default 16 MiB)\n"
"      --mailbox-ttl SECS   mailbox: drop blobs older than this (default 14\n"
"                           days)\n"
"  -h, --help               this help\n"
"  -V, --version            print the version\n");
}

/* Read the first line of a small file (a passphrase). */
static char *
read_secret_file(const char *path)
{
	char buf[1100], *p = NULL;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "warrend: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0')
		fprintf(stderr, "warrend: %s: empty passphrase\n", path);
	else if (strlen(buf) > 1024)
		fprintf(stderr, "warrend: %s: passphrase longer than 1024 "
		    "bytes\n", path);
	else
		p = xstrdup(buf);
	sodium_memzero(buf, sizeof buf);
	return p;
}

/* The archive passphrase: the terminal without echo, else standard input. */
static char *
read_secret_stdin(void)
{
	char *p;

	p = passphrase_read("passphrase of the export file: ");
	if (p == NULL || p[0] == '\0' || strlen(p) > 1024) {
		fprintf(stderr, "warrend: no passphrase (1..1024 bytes) for "
		    "--import\n");
		if (p != NULL) {
			sodium_memzero(p, strlen(p));
			free(p);
		}
		return NULL;
	}
	return p;
}

/* Say at start (in every log) that addresses will be logged. */
static void
warn_sensitive(void)
{
	if (log_sensitive())
		log_warn("--log-sensitive: onion addresses will be logged; "
		    "the log shows who your contacts are");
}

/* SIGTERM/SIGINT: leave the loop. */
static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct event_base *base = arg;

	(void)what;
	log_info("signal %d: shutting down", (int)sig);
	event_base_loopexit(base, NULL);
}

/*
 * Fork into the background. The parent waits on a pipe for the child to
 * report that start-up worked, so errors still reach the terminal.
 */
static int
daemonize(int *report_fd)
{
	int p[2];
	pid_t pid;
	char c;
	ssize_t n;

	if (pipe(p) != 0)
		fatal("pipe");
	if ((pid = fork()) < 0)
		fatal("fork");
	if (pid > 0) {
		close(p[1]);
		while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		_exit(n == 1 && c == 0 ? 0 : 1);
	}
	close(p[0]);
	if (setsid() < 0)
		fatal("setsid");
	*report_fd = p[1];
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data-dir", required_argument, NULL, 'd' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "log-file", required_argument, NULL, 'G' },
		{ "log-sensitive", no_argument, NULL, 'S' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "tor", required_argument, NULL, 'B' },
		{ "tor-binary", required_argument, NULL, 'B' },
		{ "torrc-append", required_argument, NULL, 'A' },
		{ "tor-control", required_argument, NULL, 'C' },
		{ "tor-password-file", required_argument, NULL, 'W' },
		{ "no-tor", no_argument, NULL, 'N' },
		{ "import", required_argument, NULL, 'I' },
		{ "reclaim", no_argument, NULL, 'R' },
		{ "max-requests", required_argument, NULL, 'M' },
		{ "mailbox", no_argument, NULL, 'X' },
		{ "mailbox-interval", required_argument, NULL, 1001 },
		{ "mailbox-quota", required_argument, NULL, 1002 },
		{ "mailbox-quota-bytes", required_argument, NULL, 1003 },
		{ "mailbox-ttl", required_argument, NULL, 1004 },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct node_opts opts;
	struct event_base *base;
	struct event *ev_term, *ev_int;
	struct node *node = NULL;
	struct rpc_server *rpc = NULL;
	char *dir = NULL, *pass = NULL, *torpass = NULL, *sock, *pidpath;
	const char *dir_arg = NULL, *pass_file = NULL, *torpass_file = NULL;
	const char *import = NULL;
	const char *log_file = NULL;
	char *log_abs = NULL;
	int ch, foreground = 0, level = LOG_LEVEL_INFO, lockfd, report = -1;
	int r, status = 1, fallback = 0;
	FILE *pf;

	memset(&opts, 0, sizeof opts);
	while ((ch = getopt_long(argc, argv, "d:fhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dir_arg = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'L':
			if ((level = log_level_parse(optarg)) < 0) {
				fprintf(stderr, "warrend: unknown log level "
				    "\"%s\" (error, warn, info, debug)\n",
				    optarg);
				return 2;
			}
			break;
		case 'G':
			log_file = optarg;
			break;
		case 'S':
			log_set_sensitive(1);
			break;
		case 'P':
			pass_file = optarg;
			break;
		case 'B':
			opts.tor_binary = optarg;
			break;
		case 'A':
			opts.torrc_append = optarg;
			break;
		case 'C':
			opts.tor_control = optarg;
			break;
		case 'W':
			torpass_file = optarg;
			break;
		case 'N':
			opts.no_tor = 1;
			break;
		case 'I':
			import = optarg;
			break;
		case 'R':
			opts.reclaim = 1;
			break;
		case 'M': {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    v < 1 || v > 100000) {
				fprintf(stderr, "warrend: --max-requests: "
				    "\"%s\" is not a number from 1 to "
				    "100000\n", optarg);
				return 2;
			}
			opts.max_requests = (int)v;
			break;
		}
		case 'X':
			opts.mailbox = 1;
			break;
		case 1001:
		case 1002:
		case 1003:
		case 1004: {
			char *end;
			long long v;

			errno = 0;
			v = strtoll(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    v < 1 || v > (1LL << 40)) {
				fprintf(stderr, "warrend: --%s: \"%s\" is not a "
				    "positive number\n", ch == 1001 ?
				    "mailbox-interval" : ch == 1002 ?
				    "mailbox-quota" : ch == 1003 ?
				    "mailbox-quota-bytes" : "mailbox-ttl",
				    optarg);
				return 2;
			}
			if (ch == 1001)
				opts.mb_interval = v > 86400 ? 86400 : (int)v;
			else if (ch == 1002)
				opts.mb_quota_count = v;
			else if (ch == 1003)
				opts.mb_quota_bytes = v;
			else
				opts.mb_ttl = v;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("warrend %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "warrend: libsodium failed to initialise\n");
		return 1;
	}
	umask(077);
	log_init("warrend", 0, (enum log_level)level);
	/* Without tor the daemon is useless: say so now, not in a log. */
	if (!opts.no_tor && opts.tor_control == NULL &&
	    torlaunch_find(opts.tor_binary) != 0) {
		if (opts.tor_binary != NULL)
			fprintf(stderr, "warrend: tor not found at %s (install "
			    "tor or use --tor PATH)\n", opts.tor_binary);
		else
			fprintf(stderr, "warrend: %s\n", TORLAUNCH_NOTFOUND);
		return 1;
	}

	if ((dir = datadir_resolve(dir_arg)) == NULL)
		return 1;
	if (datadir_fits(dir, !opts.no_tor && opts.tor_control == NULL) != 0 ||
	    datadir_prepare(dir) != 0 || datadir_writable(dir) != 0 ||
	    (lockfd = datadir_lock(dir)) < 0) {
		free(dir);
		return 1;
	}
	if (log_file == NULL && !foreground && !log_syslog_available()) {
		/* syslog(3) would drop every line: keep them. */
		xasprintf(&log_abs, "%s/warrend.log", dir);
		fallback = 1;
	} else if (log_file != NULL) {
		/* Absolute: the daemon does not stay in this directory. */
		if (log_file[0] == '/')
			log_abs = xstrdup(log_file);
		else {
			char cwd[PATH_MAX];

			if (getcwd(cwd, sizeof cwd) == NULL)
				cwd[0] = '\0';
			xasprintf(&log_abs, "%s/%s", cwd, log_file);
		}
	}
	if (log_abs != NULL) {
		if (log_set_file(log_abs) != 0) {
			fprintf(stderr, "warrend: cannot open the log file %s: "
			    "%s\n", log_abs, strerror(errno));
			free(log_abs);
			free(dir);
			close(lockfd);
			return 1;
		}
		/* Start-up errors still reach the terminal. */
		log_tee_stderr(!foreground);
		if (fallback)
			log_info("no syslog (/dev/log) to log to; logging to %s",
			    log_abs);
	}
	warn_sensitive();
	if ((pass_file != NULL &&
	    (pass = read_secret_file(pass_file)) == NULL) ||
	    (torpass_file != NULL &&
	    (torpass = read_secret_file(torpass_file)) == NULL)) {
		if (pass != NULL) {
			sodium_memzero(pass, strlen(pass));
			free(pass);
		}
		log_set_file(NULL);
		free(log_abs);
		free(dir);
		close(lockfd);
		return 1;
	}
	if (import != NULL) {
		if (pass == NULL && (pass = read_secret_stdin()) == NULL) {
			free(dir);
			close(lockfd);
			return 1;
		}
		if ((r = store_import(dir, import, pass)) != 0) {
			fprintf(stderr, "warrend: cannot import %s: %s\n", import,
			    r == ERR_PASSPHRASE ? "wrong passphrase" :
			    err_str(r));
			sodium_memzero(pass, strlen(pass));
			free(pass);
			free(dir);
			close(lockfd);
			return 1;
		}
		log_info("imported %s into %s", import, dir);
		opts.imported = 1;
	}
	opts.data_dir = dir;
	opts.passphrase = pass;
	opts.tor_password = torpass;

	if (!foreground)
		daemonize(&report);

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("libevent: cannot create an event base");
	ev_term = evsignal_new(base, SIGTERM, on_signal, base);
	ev_int = evsignal_new(base, SIGINT, on_signal, base);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);

	r = node_open(&node, base, &opts);
	if (pass != NULL) {
		sodium_memzero(pass, strlen(pass));
		free(pass);
	}
	if (r == ERR_PASSPHRASE) {
		log_error("wrong passphrase for %s", dir);
		goto out;
	}
	if (r != 0) {
		log_error("cannot start on %s: %s", dir, err_str(r));
		goto out;
	}
	xasprintf(&sock, "%s/warren.sock", dir);
	rpc = rpc_server_new(base, node, sock);
	free(sock);
	if (rpc == NULL)
		goto out;

	xasprintf(&pidpath, "%s/warrend.pid", dir);
	if ((pf = fopen(pidpath, "w")) != NULL) {
		fprintf(pf, "%ld\n", (long)getpid());
		fclose(pf);
	}
	if (node_locked(node))
		log_info("store is locked: run 'warren unlock'");
	log_info("warrend %s ready on %s", PACKAGE_VERSION, dir);
	if (report >= 0) {
		char ok = 0;
		int fd;

		(void)!write(report, &ok, 1);
		close(report);
		report = -1;
		if (log_abs != NULL)
			log_tee_stderr(0);
		else {
			log_init("warrend", 1, (enum log_level)level);
			warn_sensitive();
		}
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
	event_base_dispatch(base);
	status = node_refused(node) ? 1 : 0;
	unlink(pidpath);
	free(pidpath);
out:
	rpc_server_free(rpc);
	node_free(node);
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(base);
	if (torpass != NULL) {
		sodium_memzero(torpass, strlen(torpass));
		free(torpass);
	}
	free(dir);
	close(lockfd);
	log_info("stopped");
	log_set_file(NULL);
	free(log_abs);
	return status;
}
