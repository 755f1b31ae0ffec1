/* log.c -- log lines to stderr or syslog, escaped so peers cannot forge lines. */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "util/log.h"

/* The only process-wide logging state; set once at start-up. */
static struct {
	const char *ident;
	int to_syslog;
	enum log_level level;
	FILE *file;		/* --log-file, or NULL */
	int tee;		/* file and stderr */
	int sensitive;		/* addresses may be logged */
	int tag_keyed;
	unsigned char tag_key[crypto_generichash_KEYBYTES];
} log_cfg = { "warren", 0, LOG_LEVEL_INFO, NULL, 0, 0, 0, { 0 } };

/* Set up logging. */
void
log_init(const char *ident, int to_syslog, enum log_level level)
{
	log_cfg.ident = ident;
	log_cfg.to_syslog = to_syslog;
	log_cfg.level = level;
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* Log to a file (appended, 0600) from now on. */
int
log_set_file(const char *path)
{
	FILE *f = NULL;
	int fd;

	if (path != NULL) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd == -1)
			return -1;
		if ((f = fdopen(fd, "a")) == NULL) {
			close(fd);
			return -1;
		}
		setvbuf(f, NULL, _IOLBF, 0);
	}
	if (log_cfg.file != NULL)
		fclose(log_cfg.file);
	log_cfg.file = f;
	return 0;
}

void
log_tee_stderr(int on)
{
	log_cfg.tee = on;
}

/* Can syslog(3) deliver? It drops lines silently when nobody listens. */
int
log_syslog_available(void)
{
	struct sockaddr_un sun;
	int fd, ok;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", "/dev/log");
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
	close(fd);
	return ok;
}

/* Allow addresses in log lines (--log-sensitive). */
void
log_set_sensitive(int on)
{
	log_cfg.sensitive = on;
}

int
log_sensitive(void)
{
	return log_cfg.sensitive;
}

/* The next of the rotating result buffers. */
static char *
log_tagbuf(void)
{
	static char bufs[LOG_TAG_BUFS][96];
	static unsigned next;

	return bufs[next++ % LOG_TAG_BUFS];
}

/* A keyed, short, one-way tag of an address. */
const char *
log_onion(const char *onion)
{
	unsigned char h[4];
	char *b = log_tagbuf();

	if (onion == NULL)
		onion = "";
	if (log_cfg.sensitive) {
		snprintf(b, 96, "%.80s", onion);
		return b;
	}
	if (!log_cfg.tag_keyed) {
		randombytes_buf(log_cfg.tag_key, sizeof log_cfg.tag_key);
		log_cfg.tag_keyed = 1;
	}
	crypto_generichash(h, sizeof h, (const unsigned char *)onion,
	    strlen(onion), log_cfg.tag_key, sizeof log_cfg.tag_key);
	snprintf(b, 96, "addr-%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
	return b;
}

/* A contact by row id (and address when allowed). */
const char *
log_contact(long long id, const char *onion)
{
	char *b = log_tagbuf();

	if (log_cfg.sensitive && onion != NULL)
		snprintf(b, 96, "%lld (%.60s)", id, onion);
	else
		snprintf(b, 96, "%lld", id);
	return b;
}

/* Change the level. */
void
log_set_level(enum log_level level)
{
	log_cfg.level = level;
}

/* Parse a level name. */
int
log_level_parse(const char *s)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

/* Escape control bytes and non-ASCII as \xNN. */
const char *
log_escape(char *buf, size_t n, const char *s, size_t len)
{
	size_t i, o = 0;
	unsigned char c;

	if (n == 0)
		return buf;
	for (i = 0; i < len && o + 5 < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

static void log_vemit(enum log_level, const char *, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

/* Format, escape and emit one line. */
static void
log_vemit(enum log_level level, const char *suffix, const char *fmt,
    va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error", "warn", "info", "debug" };
	char raw[2048], esc[4096];
	struct timespec ts;
	struct tm tm;
	char when[32];
	int n;

	if (level > log_cfg.level)
		return;
	n = vsnprintf(raw, sizeof raw, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof raw)
		n = sizeof raw - 1;
	log_escape(esc, sizeof esc, raw, (size_t)n);
	if (log_cfg.to_syslog && log_cfg.file == NULL) {
		syslog(prio[level], "%s%s", esc, suffix);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	if (log_cfg.file != NULL) {
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(log_cfg.file, "%s.%03ld %s[%ld][%s] %s%s\n", when,
		    ts.tv_nsec / 1000000L, log_cfg.ident, (long)getpid(),
		    tag[level], esc, suffix);
		if (!log_cfg.tee)
			return;
	}
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s[%s] %s%s\n", when, ts.tv_nsec / 1000000L,
	    log_cfg.ident, tag[level], esc, suffix);
}

#define LOG_FN(name, level)						\
void									\
name(const char *fmt, ...)						\
{									\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	log_vemit(level, "", fmt, ap);					\
	va_end(ap);							\
}
LOG_FN(log_error, LOG_LEVEL_ERROR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

/* Log with strerror(errno) and exit. */
void
fatal(const char *fmt, ...)
{
	char suffix[256];
	va_list ap;

	snprintf(suffix, sizeof suffix, ": %s", strerror(errno));
	va_start(ap, fmt);
	log_vemit(LOG_LEVEL_ERROR, suffix, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Log and exit. */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LEVEL_ERROR, "", fmt, ap);
	va_end(ap);
	exit(1);
}
