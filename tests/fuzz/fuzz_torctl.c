/*
 * fuzz_torctl.c -- a scripted control-port peer drives the whole of tor.c
 * (attach mode): PROTOCOLINFO, AUTHCHALLENGE, AUTHENTICATE, SETEVENTS,
 * GETINFO, ADD_ONION, the SOCKS listener and 650 events. The input is a
 * script of steps; each step either answers tor.c's next command honestly
 * (a correct SAFECOOKIE proof, our ServiceID, ...), answers it with a
 * well-formed reply around fuzzer text, sends fuzzer bytes raw, sends a
 * fuzzer 650 event, or hangs up. An endpoint onion (V3Auth, one client)
 * and a client key are registered, so their ADD_ONION /
 * ONION_CLIENT_AUTH_ADD replies and HS_DESC events are driven too; the
 * first byte's 0x40 bit keeps the public onion back (discoverable off).
 * Invariants: no crash, no leak, and the
 * cookie's bytes never go to the peer (only SAFECOOKIE's HMAC does).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "tor/auth.h"
#include "tor/tor.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define ONION	"pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd"

static char ep_onion[57];
static uint8_t ep_seed[32], ep_client[1][32], auth_priv[32];
static char dir[48], sock_path[100], cookie_path[128], ctl_addr[140];
static uint8_t cookie[32];
static char cookie_hex[65];
static int ls = -1;

/* What tor.c sent, split into lines. */
static char inbuf[64 * 1024];
static size_t inlen;

static void
cleanup(void)
{
	unlink(sock_path);
	unlink(cookie_path);
	rmdir(dir);
}

static void
setup(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	FILE *f;

	if (sodium_init() < 0)
		abort();
	signal(SIGPIPE, SIG_IGN);	/* as warrend */
	log_set_level(getenv("FUZZ_LOG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	snprintf(dir, sizeof dir, "/tmp/warren-fuzz-torctl.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(sock_path, sizeof sock_path, "%s/ctl", dir);
	snprintf(cookie_path, sizeof cookie_path, "%s/cookie", dir);
	snprintf(ctl_addr, sizeof ctl_addr, "unix:%s", sock_path);
	randombytes_buf(cookie, sizeof cookie);
	torauth_hex(cookie_hex, cookie, sizeof cookie);
	if ((f = fopen(cookie_path, "wb")) == NULL ||
	    fwrite(cookie, 1, sizeof cookie, f) != sizeof cookie)
		abort();
	fclose(f);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock_path);
	if ((ls = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(ls, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    listen(ls, 4) != 0)
		abort();
	memset(ep_seed, 0x11, sizeof ep_seed);
	memset(ep_client, 0x22, sizeof ep_client);
	memset(auth_priv, 0x33, sizeof auth_priv);
	torca_onion_from_seed(ep_seed, ep_onion, NULL);
	atexit(cleanup);
}

static void
status_cb(struct tor *t, const struct tor_status *st, void *arg)
{
}

/* Run the loop a little and collect what tor.c wrote. */
static void
pump(struct event_base *base, int fd)
{
	ssize_t n;
	int i;

	for (i = 0; i < 3; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		while (inlen < sizeof inbuf - 1 && (n = recv(fd, inbuf + inlen,
		    sizeof inbuf - 1 - inlen, MSG_DONTWAIT)) > 0)
			inlen += (size_t)n;
		inbuf[inlen] = '\0';
	}
	/* Never the cookie itself. */
	if (strstr(inbuf, cookie_hex) != NULL)
		abort();
}

/* Take tor.c's next command line into cmd; 0 if there is none yet. */
static int
next_cmd(char *cmd, size_t cap)
{
	char *nl = strstr(inbuf, "\r\n");
	size_t n;

	if (nl == NULL)
		return 0;
	n = (size_t)(nl - inbuf);
	snprintf(cmd, cap, "%.*s", (int)n, inbuf);
	memmove(inbuf, nl + 2, inlen - n - 2 + 1);
	inlen -= n + 2;
	return 1;
}

static void
put(int fd, const void *p, size_t len)
{
	(void)send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* The reply the real tor would give. */
static void
honest(int fd, const char *cmd)
{
	uint8_t cn[32], sn[32], sh[32], ch[32];
	char out[1024], h1[65], h2[65];

	if (strcmp(cmd, "PROTOCOLINFO 1") == 0)
		snprintf(out, sizeof out, "250-PROTOCOLINFO 1\r\n250-AUTH "
		    "METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"%s\"\r\n"
		    "250-VERSION Tor=\"0.4.8.10\"\r\n250 OK\r\n", cookie_path);
	else if (strncmp(cmd, "AUTHCHALLENGE SAFECOOKIE ", 25) == 0 &&
	    torauth_unhex(cn, 32, cmd + 25) == 0) {
		memset(sn, 0x5a, sizeof sn);
		torauth_safecookie(cookie, cn, sn, sh, ch);
		torauth_hex(h1, sh, 32);
		torauth_hex(h2, sn, 32);
		snprintf(out, sizeof out, "250 AUTHCHALLENGE SERVERHASH=%s "
		    "SERVERNONCE=%s\r\n", h1, h2);
	} else if (strncmp(cmd, "AUTHENTICATE", 12) == 0 ||
	    strncmp(cmd, "SETEVENTS ", 10) == 0 ||
	    strncmp(cmd, "SETCONF ", 8) == 0 ||
	    strcmp(cmd, "SIGNAL NEWNYM") == 0)
		snprintf(out, sizeof out, "250 OK\r\n");
	else if (strcmp(cmd, "GETINFO status/bootstrap-phase") == 0)
		snprintf(out, sizeof out, "250-status/bootstrap-phase=NOTICE "
		    "BOOTSTRAP PROGRESS=50 TAG=loading_descriptors "
		    "SUMMARY=\"Loading relay descriptors\"\r\n250 OK\r\n");
	else if (strncmp(cmd, "ADD_ONION ", 10) == 0)
		snprintf(out, sizeof out, "250-ServiceID=%s\r\n250 OK\r\n",
		    strstr(cmd, "V3Auth") != NULL ? ep_onion : ONION);
	else if (strncmp(cmd, "ONION_CLIENT_AUTH_", 18) == 0 ||
	    strncmp(cmd, "DEL_ONION ", 10) == 0)
		snprintf(out, sizeof out, "250 OK\r\n");
	else if (strcmp(cmd, "GETINFO net/listeners/socks") == 0)
		snprintf(out, sizeof out, "250-net/listeners/socks="
		    "\"127.0.0.1:9050\"\r\n250 OK\r\n");
	else
		snprintf(out, sizeof out, "510 Unrecognized command\r\n");
	put(fd, out, strlen(out));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct event_base *base;
	struct tor *t;
	char cmd[512], out[600];
	size_t pos = 0, n;
	uint8_t op;
	int fd = -1, i;

	if (ls == -1)
		setup();
	inlen = 0;
	inbuf[0] = '\0';
	base = event_base_new();
	t = tor_new(base, &(struct tor_opts){ .control = ctl_addr,
	    .control_password = "hunter2",
	    .key_blob = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", .onion = ONION,
	    .target = "/tmp/warren-fuzz-target.sock", .port = 4242,
	    .hidden = len > 0 && (data[0] & 0x40) }, status_cb, NULL);
	if (tor_onion_add(t, &(struct tor_onion_spec){ .seed = ep_seed,
	    .target = "/tmp/warren-fuzz-ep.sock", .port = 4242,
	    .clients = (const uint8_t (*)[32])ep_client, .n = 1 }, NULL) != 0 ||
	    tor_auth_add(t, ONION, auth_priv) != 0)
		abort();
	if (tor_start(t) != 0)
		abort();
	for (i = 0; i < 100 && fd == -1; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
	}
	if (fd == -1)
		abort();
	pump(base, fd);
	while (pos < len) {
		op = data[pos++];
		n = 0;
		if (op % 6 >= 2 && op % 6 <= 4 && pos < len) {
			n = data[pos++];
			if (n > len - pos)
				n = len - pos;
		}
		switch (op % 6) {
		case 0:	/* answer the next command honestly */
		case 1:
			if (next_cmd(cmd, sizeof cmd))
				honest(fd, cmd);
			break;
		case 2:	/* a well-formed reply around fuzzer text */
			if (!next_cmd(cmd, sizeof cmd))
				break;
			snprintf(out, sizeof out, "%s%.*s\r\n%s",
			    op & 0x80 ? "250 " : "250-", (int)n,
			    (const char *)data + pos, op & 0x80 ? "" :
			    "250 OK\r\n");
			put(fd, out, strlen(out));
			break;
		case 3:	/* a 650 event */
			snprintf(out, sizeof out, "650 %.*s\r\n", (int)n,
			    (const char *)data + pos);
			put(fd, out, strlen(out));
			break;
		case 4:	/* raw bytes */
			put(fd, data + pos, n);
			break;
		case 5:	/* hang up, or just let the loop run */
			if (op & 0x80)
				shutdown(fd, SHUT_RDWR);
			break;
		}
		pos += n;
		pump(base, fd);
	}
	tor_free(t);
	close(fd);
	event_base_free(base);
	return 0;
}
