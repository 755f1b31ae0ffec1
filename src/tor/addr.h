/* addr.h -- "unix:/path", "HOST:PORT" or "PORT" to a sockaddr (no DNS). */
#ifndef WARREN_TOR_ADDR_H
#define WARREN_TOR_ADDR_H

#include <sys/socket.h>

/*
 * Parse s. HOST is a numeric IPv4 address or "localhost"; a bare PORT
 * means 127.0.0.1. A unix path that does not fit sun_path (108 bytes on
 * Linux) is ERR_TOOBIG. Otherwise 0 or ERR_INVAL.
 */
int toraddr_parse(const char *s, struct sockaddr_storage *, socklen_t *);
/* 0 if path fits in sun_path (with its NUL), else ERR_TOOBIG. */
int toraddr_unix_fits(const char *path);

#endif
