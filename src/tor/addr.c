/* addr.c -- tor control/SOCKS addresses to sockaddrs; never resolves names. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "tor/addr.h"
#include "util/err.h"

/* Does path fit in sun_path? */
int
toraddr_unix_fits(const char *path)
{
	struct sockaddr_un sun;

	if (strlen(path) >= sizeof sun.sun_path)
		return ERR_TOOBIG;
	return 0;
}

/* Parse a decimal port 1..65535. */
static int
parse_port(const char *s, in_port_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return ERR_INVAL;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0 || v > 65535)
		return ERR_INVAL;
	*port = htons((uint16_t)v);
	return 0;
}

/* Parse an address string. */
int
toraddr_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char host[64];
	const char *colon;
	size_t hlen;
	int r;

	memset(ss, 0, sizeof *ss);
	if (strncmp(s, "unix:", 5) == 0) {
		s += 5;
		if (*s != '/')
			return ERR_INVAL;
		if ((r = toraddr_unix_fits(s)) != 0)
			return r;
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, s);	/* fits: checked above */
		*len = sizeof *sun;
		return 0;
	}
	sin->sin_family = AF_INET;
	*len = sizeof *sin;
	if ((colon = strrchr(s, ':')) == NULL) {
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return parse_port(s, &sin->sin_port);
	}
	if ((hlen = (size_t)(colon - s)) == 0 || hlen >= sizeof host)
		return ERR_INVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (strcmp(host, "localhost") == 0)
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return ERR_INVAL;
	return parse_port(colon + 1, &sin->sin_port);
}
