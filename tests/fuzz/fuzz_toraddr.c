/*
 * fuzz_toraddr.c -- toraddr_parse (control and SOCKS addresses, some from
 * tor's GETINFO net/listeners/socks) never overruns its sockaddr, accepts
 * only what it documents, and what it accepts formats back to itself.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "tor/addr.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sockaddr_storage ss, ss2;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	socklen_t sl, sl2;
	char *s, back[160], ip[INET_ADDRSTRLEN];
	int r;

	/* An exact-size heap string so ASan sees any over-read. */
	s = malloc(len + 1);
	memcpy(s, data, len);
	s[len] = '\0';
	r = toraddr_parse(s, &ss, &sl);
	if (r != 0 && r != ERR_INVAL && r != ERR_TOOBIG)
		abort();
	if (r == ERR_TOOBIG && (strncmp(s, "unix:/", 6) != 0 ||
	    toraddr_unix_fits(s + 5) == 0))
		abort();
	if (r == 0) {
		if (ss.ss_family == AF_UNIX) {
			if (sl != sizeof *sun || strcmp(sun->sun_path, s + 5) ||
			    sun->sun_path[0] != '/')
				abort();
			snprintf(back, sizeof back, "unix:%s", sun->sun_path);
		} else {
			if (ss.ss_family != AF_INET || sl != sizeof *sin ||
			    sin->sin_port == 0)
				abort();
			inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
			snprintf(back, sizeof back, "%s:%u", ip,
			    (unsigned)ntohs(sin->sin_port));
		}
		/* What was accepted formats back to the same address. */
		if (toraddr_parse(back, &ss2, &sl2) != 0 || sl2 != sl ||
		    memcmp(&ss, &ss2, sl) != 0)
			abort();
	}
	free(s);
	return 0;
}
