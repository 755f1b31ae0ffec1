/* log.h -- logging to stderr (foreground) or syslog; control bytes escaped. */
#ifndef WARREN_LOG_H
#define WARREN_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* ident: program name; to_syslog: 0 = stderr. */
void log_init(const char *ident, int to_syslog, enum log_level);
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
