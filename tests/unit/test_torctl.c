/* test_torctl.c -- SAFECOOKIE, quoting, addresses and path limits of src/tor. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include "tor/addr.h"
#include "tor/auth.h"
#include "tor/ctl.h"
#include "tor/launch.h"
#include "tor/tor.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "test.h"

int main(void);

/*
 * cookie = 00..1f, client nonce = 20..3f, server nonce = 40..5f; expected
 * values from python3 hmac.new(<tor's constant>, cookie+cn+sn, sha256).
 */
static void
safecookie_vector(void)
{
	uint8_t cookie[32], cn[32], sn[32], sh[32], ch[32], want[32];
	int i;

	for (i = 0; i < 32; i++) {
		cookie[i] = (uint8_t)i;
		cn[i] = (uint8_t)(32 + i);
		sn[i] = (uint8_t)(64 + i);
	}
	torauth_safecookie(cookie, cn, sn, sh, ch);
	test_unhex(want, 32, "3c8780ab52365c0d080750447e5f64da"
	    "bc00428c6c434579c2043e18c1f85389");
	CHECK_MEM(sh, want, 32);
	test_unhex(want, 32, "b47642df2d5abb84f69e6d02d41bed6b"
	    "44aee33e69562528a82166fc98bc0b1e");
	CHECK_MEM(ch, want, 32);
	/* Swapping the nonces must change the result. */
	torauth_safecookie(cookie, sn, cn, sh, ch);
	CHECK(memcmp(ch, want, 32) != 0);
}

static void
hex(void)
{
	uint8_t b[4];
	char s[9];

	CHECK_INT(torauth_unhex(b, 4, "0aFf1234"), 0);
	torauth_hex(s, b, 4);
	CHECK_STR(s, "0aff1234");
	CHECK_INT(torauth_unhex(b, 4, "0aff12"), ERR_PROTO);
	CHECK_INT(torauth_unhex(b, 4, "0aff12345"), ERR_PROTO);
	CHECK_INT(torauth_unhex(b, 4, "0aff12zz"), ERR_PROTO);
}

static void
quote(void)
{
	char out[32];

	CHECK_INT(torctl_quote("pa\"ss\\w", out, sizeof out), 0);
	CHECK_STR(out, "\"pa\\\"ss\\\\w\"");
	CHECK_INT(torctl_quote("a\r\nQUIT", out, sizeof out), ERR_INVAL);
	CHECK_INT(torctl_quote("a\nb", out, sizeof out), ERR_INVAL);
	CHECK_INT(torctl_quote("0123456789012345678901234567890", out,
	    sizeof out), ERR_TOOBIG);
	CHECK_INT(torctl_quote("", out, sizeof out), 0);
	CHECK_STR(out, "\"\"");
}

static void
addresses(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	socklen_t len;
	char path[200];

	CHECK_INT(toraddr_parse("9051", &ss, &len), 0);
	CHECK_INT(sin->sin_family, AF_INET);
	CHECK_INT(ntohs(sin->sin_port), 9051);
	CHECK_INT(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
	CHECK_INT(toraddr_parse("127.0.0.1:65535", &ss, &len), 0);
	CHECK_INT(toraddr_parse("localhost:1", &ss, &len), 0);
	CHECK_INT(toraddr_parse("127.0.0.1:65536", &ss, &len), ERR_INVAL);
	CHECK_INT(toraddr_parse("127.0.0.1:0", &ss, &len), ERR_INVAL);
	CHECK_INT(toraddr_parse("example.com:80", &ss, &len), ERR_INVAL);
	CHECK_INT(toraddr_parse(":80", &ss, &len), ERR_INVAL);
	CHECK_INT(toraddr_parse("80x", &ss, &len), ERR_INVAL);
	CHECK_INT(toraddr_parse("", &ss, &len), ERR_INVAL);
	CHECK_INT(toraddr_parse("unix:relative", &ss, &len), ERR_INVAL);
	CHECK_INT(toraddr_parse("unix:/run/tor/control", &ss, &len), 0);
	CHECK_INT(sun->sun_family, AF_UNIX);
	CHECK_STR(sun->sun_path, "/run/tor/control");
	/* 107 bytes fit (with the NUL), 108 do not. */
	memset(path, 'a', sizeof path);
	memcpy(path, "unix:/", 6);
	path[5 + 107] = '\0';
	CHECK_INT(toraddr_parse(path, &ss, &len), 0);
	path[5 + 107] = 'a';
	path[5 + 108] = '\0';
	CHECK_INT(toraddr_parse(path, &ss, &len), ERR_TOOBIG);
}

/* A data dir whose SOCKS socket path would not fit is refused. */
static void
socks_path_limit(void)
{
	char dir[128], *a, *b, *c;
	size_t fit = 107 - strlen("/tor/socks.sock");

	memset(dir, 'd', sizeof dir);
	dir[0] = '/';
	dir[fit] = '\0';
	CHECK_INT(torlaunch_paths(dir, &a, &b, &c), 0);
	CHECK_INT(strlen(c), 107);
	free(a);
	free(b);
	free(c);
	dir[fit] = 'd';
	dir[fit + 1] = '\0';
	CHECK_INT(torlaunch_paths(dir, &a, &b, &c), ERR_TOOBIG);
	free(a);
	free(b);
	free(c);
}

static void
ctl_event(struct torctl *c, const struct ctl_reply *r, void *arg)
{
}

static void
ctl_lost(struct torctl *c, int err, void *arg)
{
}

/*
 * A command with a secret goes out exactly as a plain one, in order with
 * the others (it is written from a guarded copy that libevent references
 * and that is wiped once sent; valgrind and ASan check it is freed, also
 * when the connection goes before it is written).
 */
static void
send_secret(void)
{
	struct event_base *base = event_base_new();
	struct bufferevent *bev;
	struct torctl *c;
	char buf[256];
	const char *want = "GETINFO a\r\nADD_ONION ED25519-V3:c2VjcmV0 "
	    "Flags=DiscardPK\r\nGETINFO b\r\n";
	size_t got = 0;
	ssize_t n;
	int sv[2];

	CHECK(sodium_init() >= 0);
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	c = torctl_new(bev, ctl_event, ctl_lost, NULL);
	CHECK_INT(torctl_send(c, "GETINFO a", NULL, NULL), 0);
	CHECK_INT(torctl_send_secret(c, "ADD_ONION ED25519-V3:c2VjcmV0 "
	    "Flags=DiscardPK", NULL, NULL), 0);
	CHECK_INT(torctl_send(c, "GETINFO b", NULL, NULL), 0);
	CHECK_INT(torctl_send_secret(c, "bad\r\nline", NULL, NULL),
	    ERR_INVAL);
	event_base_loop(base, EVLOOP_NONBLOCK);
	while (got < strlen(want) &&
	    (n = read(sv[1], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	CHECK_STR(buf, want);
	/* Queued but never written: freed (and wiped) with the connection. */
	CHECK_INT(torctl_send_secret(c, "ADD_ONION ED25519-V3:bm90IHNlbnQ=",
	    NULL, NULL), 0);
	torctl_free(c);
	close(sv[1]);
	event_base_free(base);
}

static void
status_cb(struct tor *t, const struct tor_status *st, void *arg)
{
	char *err = arg;

	if (st->error[0] != '\0')
		snprintf(err, 256, "%s", st->error);
}

/* Run the loop and collect what tor.c wrote to fd until want shows up. */
static void
pump(struct event_base *base, int fd, char *buf, size_t cap, size_t *got,
    const char *want, const char *err)
{
	ssize_t n;
	int i;

	for (i = 0; i < 400; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		n = recv(fd, buf + *got, cap - 1 - *got, MSG_DONTWAIT);
		if (n > 0)
			*got += (size_t)n;
		buf[*got] = '\0';
		if (want != NULL && strstr(buf, want) != NULL)
			return;
		if (want == NULL && err[0] != '\0')
			return;
		usleep(5000);
	}
}

/*
 * A control port offering only plain COOKIE names the file to read:
 * warrend must not send that file's bytes (it cannot know the peer is
 * tor), and says why it gives up.
 */
static void
cookie_plain_refused(void)
{
	struct event_base *base = event_base_new();
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/warren-torctl.XXXXXX", path[200], ctl[220];
	char blob[89], onion[57], err[256] = "", buf[4096], hex[65], reply[600];
	uint8_t secret[32];
	struct tor *t;
	size_t got = 0;
	FILE *f;
	int ls, fd, i;

	CHECK(sodium_init() >= 0);
	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < 32; i++)
		secret[i] = (uint8_t)(0xa0 + i);
	torauth_hex(hex, secret, 32);
	snprintf(path, sizeof path, "%s/secret", dir);
	CHECK((f = fopen(path, "wb")) != NULL);
	CHECK_INT(fwrite(secret, 1, 32, f), 32);
	fclose(f);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/ctl.sock", dir);
	snprintf(ctl, sizeof ctl, "unix:%s", sun.sun_path);
	CHECK((ls = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	CHECK_INT(bind(ls, (struct sockaddr *)&sun, sizeof sun), 0);
	CHECK_INT(listen(ls, 1), 0);
	memset(blob, 'A', 88);
	blob[88] = '\0';
	memset(onion, 'a', 56);
	onion[56] = '\0';
	t = tor_new(base, &(struct tor_opts){ .control = ctl,
	    .key_blob = blob, .onion = onion, .target = "/tmp/w.sock",
	    .port = 4242 }, status_cb, err);
	CHECK_INT(tor_start(t), 0);
	CHECK((fd = accept(ls, NULL, NULL)) >= 0);
	pump(base, fd, buf, sizeof buf, &got, "PROTOCOLINFO 1\r\n", err);
	CHECK_STR(buf, "PROTOCOLINFO 1\r\n");
	snprintf(reply, sizeof reply, "250-PROTOCOLINFO 1\r\n"
	    "250-AUTH METHODS=COOKIE COOKIEFILE=\"%s\"\r\n"
	    "250-VERSION Tor=\"0.4.8.1\"\r\n250 OK\r\n", path);
	CHECK_INT(write(fd, reply, strlen(reply)), (ssize_t)strlen(reply));
	pump(base, fd, buf, sizeof buf, &got, NULL, err);
	/* Nothing more was sent: above all not the file's bytes. */
	pump(base, fd, buf, sizeof buf, &got, "AUTHENTICATE", err);
	CHECK_STR(buf, "PROTOCOLINFO 1\r\n");
	CHECK(strstr(buf, hex) == NULL);
	CHECK(strstr(err, "plain COOKIE") != NULL);
	tor_free(t);
	close(fd);
	close(ls);
	unlink(sun.sun_path);
	unlink(path);
	rmdir(dir);
	event_base_free(base);
}

int
main(void)
{
	RUN(safecookie_vector);
	RUN(hex);
	RUN(quote);
	RUN(addresses);
	RUN(socks_path_limit);
	RUN(send_secret);
	RUN(cookie_plain_refused);
	return TEST_EXIT();
}
