/* log.h -- logging to stderr (foreground) or syslog; control bytes escaped. */
#ifndef WARREN_LOG_H
#define WARREN_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* ident: program name; to_syslog: 0 = stderr (or the log file). */
void log_init(const char *ident, int to_syslog, enum log_level);
/*
 * Append lines to this file (mode 0600) instead of stderr or syslog; NULL
 * goes back to what log_init chose. 0, or -1 with errno (nothing changed).
 */
int log_set_file(const char *path);
/* With a log file: also write each line to stderr (until start-up is over). */
void log_tee_stderr(int);
/* 1 if syslog(3) can reach a logging daemon on /dev/log. */
int log_syslog_available(void);
/*
 * Identifying data (onion addresses) in log lines: off by default. The
 * helpers below return what may be logged; each call has its own buffer,
 * and the last LOG_TAG_BUFS results stay valid.
 */
void log_set_sensitive(int);
int log_sensitive(void);
#define LOG_TAG_BUFS	4
/*
 * An onion address as it may be logged: with sensitive logging the address,
 * else "addr-XXXXXXXX", a tag keyed with a random per-process key (the same
 * address gives the same tag until the daemon restarts; it cannot be
 * turned back into the address).
 */
const char *log_onion(const char *onion);
/* A contact: its row id, and with sensitive logging also its address. */
const char *log_contact(long long id, const char *onion);
void log_set_level(enum log_level);
/* Parse "error|warn|info|debug"; -1 if unknown. */
int log_level_parse(const char *);
void log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* For startup and broken invariants only: logs and exits(1). fatal adds errno. */
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Copy s into buf (size n) with control characters and non-ASCII escaped. */
const char *log_escape(char *buf, size_t n, const char *s, size_t len);

#endif
