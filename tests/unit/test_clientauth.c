/*
 * test_clientauth.c -- tor v3 client authorization: key encodings, the
 * command lines, reply checks, and tor.c's extra onions and client keys
 * against a scripted control port (added after setup, re-added on every
 * connection, withdrawn, the public onion kept back when hidden).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "crypto/identity.h"
#include "tor/clientauth.h"
#include "tor/ctl_parse.h"
#include "tor/tor.h"
#include "util/err.h"
#include "test.h"

int main(void);

#define PRIV_B64	"FCV0c0ELDKKDpSFgVIB8Yow8Evj5iD+GoiTtK878NkQ="

static void
encodings(void)
{
	uint8_t pub[32], priv[32], back[32], want[32];
	char b32[TORCA_PUB_CHARS + 1], b64[TORCA_PRIV_CHARS + 1];
	size_t len;

	CHECK(sodium_init() >= 0);
	torca_keypair(pub, priv);
	CHECK_INT(crypto_scalarmult_base(want, priv), 0);
	CHECK_MEM(pub, want, 32);
	torca_pub_b32(b32, pub);
	CHECK_INT(strlen(b32), TORCA_PUB_CHARS);
	CHECK_INT(strspn(b32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
	    TORCA_PUB_CHARS);
	CHECK_INT(torca_pub_parse(back, b32), 0);
	CHECK_MEM(back, pub, 32);
	b32[3] = '1';
	CHECK_INT(torca_pub_parse(back, b32), ERR_INVAL);
	CHECK_INT(torca_pub_parse(back, "ABC"), ERR_INVAL);
	/* A key tor printed (tor issue 40089) survives the round trip. */
	CHECK_INT(sodium_base642bin(priv, 32, PRIV_B64, strlen(PRIV_B64),
	    NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	CHECK_INT(len, 32);
	torca_priv_b64(b64, priv);
	CHECK_STR(b64, PRIV_B64);
	memset(pub, 0, 32);
	torca_pub_b32(b32, pub);
	CHECK_STR(b32, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
}

/* An onion from a seed is the one identity.c derives from that seed. */
static void
onion_seed(void)
{
	char onion[TORCA_ONION_CHARS + 1], blob[TORCA_BLOB_CHARS + 1];
	char idblob[TORCA_BLOB_CHARS + 1];
	struct identity *id;
	uint8_t seed[32];

	randombytes_buf(seed, sizeof seed);
	torca_onion_from_seed(seed, onion, blob);
	CHECK_INT(identity_from_seed(&id, seed), 0);
	CHECK_STR(onion, identity_onion(id));
	CHECK_INT(identity_tor_blob(id, idblob, sizeof idblob), 0);
	CHECK_STR(blob, idblob);
	identity_free(id);
	CHECK(torca_onion_ok(onion));
	onion[0] = onion[0] == 'a' ? 'b' : 'a';
	CHECK(!torca_onion_ok(onion));		/* checksum */
	CHECK(!torca_onion_ok("short"));
	torca_onion_from_seed(seed, onion, NULL);
	onion[5] = (char)(onion[5] - 32);	/* upper case */
	CHECK(!torca_onion_ok(onion));
}

static void
commands(void)
{
	uint8_t keys[2][32], seed[32];
	uint8_t many[TORCA_MAX_CLIENTS + 1][32];
	char onion[57], blob[89], k0[53], k1[53], want[600], out[200];
	char *cmd;

	memset(seed, 7, sizeof seed);
	torca_onion_from_seed(seed, onion, blob);
	memset(keys[0], 1, 32);
	memset(keys[1], 2, 32);
	torca_pub_b32(k0, keys[0]);
	torca_pub_b32(k1, keys[1]);
	CHECK_INT(torca_add_onion_cmd(&cmd, blob, 4242, "/run/w/ep.sock",
	    (const uint8_t (*)[32])keys, 2, 0), 0);
	snprintf(want, sizeof want, "ADD_ONION ED25519-V3:%s Flags=DiscardPK,"
	    "V3Auth Port=4242,unix:/run/w/ep.sock ClientAuthV3=%s "
	    "ClientAuthV3=%s", blob, k0, k1);
	CHECK_STR(cmd, want);
	sodium_free(cmd);
	CHECK_INT(torca_add_onion_cmd(&cmd, blob, 4242, "/run/w/ep.sock",
	    NULL, 0, 1), 0);
	snprintf(want, sizeof want, "ADD_ONION ED25519-V3:%s Flags=DiscardPK "
	    "PoWDefensesEnabled=1 Port=4242,unix:/run/w/ep.sock", blob);
	CHECK_STR(cmd, want);
	sodium_free(cmd);
	CHECK_INT(torca_add_onion_cmd(&cmd, blob, 4242, "/a b", NULL, 0, 0),
	    ERR_INVAL);
	CHECK_INT(torca_add_onion_cmd(&cmd, blob, 4242, "/a,b", NULL, 0, 0),
	    ERR_INVAL);
	CHECK_INT(torca_add_onion_cmd(&cmd, "AAAA", 4242, "/a", NULL, 0, 0),
	    ERR_INVAL);
	CHECK_INT(torca_add_onion_cmd(&cmd, blob, 0, "/a", NULL, 0, 0),
	    ERR_INVAL);
	memset(many, 3, sizeof many);
	CHECK_INT(torca_add_onion_cmd(&cmd, blob, 1, "/a",
	    (const uint8_t (*)[32])many, TORCA_MAX_CLIENTS + 1, 0), ERR_TOOBIG);
	CHECK(cmd == NULL);

	CHECK_INT(torca_auth_add_cmd(out, sizeof out, onion, keys[0]), 0);
	snprintf(want, sizeof want, "ONION_CLIENT_AUTH_ADD %s x25519:"
	    "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=", onion);
	CHECK_STR(out, want);
	CHECK(strstr(out, "Permanent") == NULL);
	CHECK_INT(torca_auth_add_cmd(out, 60, onion, keys[0]), ERR_TOOBIG);
	CHECK_INT(torca_auth_add_cmd(out, sizeof out,
	    "x\r\nSETCONF DisableNetwork=1", keys[0]), ERR_INVAL);
	CHECK_INT(torca_auth_remove_cmd(out, sizeof out, onion), 0);
	snprintf(want, sizeof want, "ONION_CLIENT_AUTH_REMOVE %s", onion);
	CHECK_STR(out, want);
	CHECK_INT(torca_del_onion_cmd(out, sizeof out, onion), 0);
	snprintf(want, sizeof want, "DEL_ONION %s", onion);
	CHECK_STR(out, want);
	CHECK_INT(torca_del_onion_cmd(out, sizeof out, "nope"), ERR_INVAL);
}

/* Parse one reply from text. */
static struct ctl_reply *
reply(const char *text)
{
	struct ctl_parser *p = ctl_parser_new();
	struct ctl_reply *r = NULL;
	size_t used;

	CHECK_INT(ctl_parse(p, (const uint8_t *)text, strlen(text), &used, &r),
	    0);
	ctl_parser_free(p);
	return r;
}

static void
replies(void)
{
	char onion[57], got[57], text[200];
	struct ctl_reply *r;
	uint8_t seed[32];

	memset(seed, 9, sizeof seed);
	torca_onion_from_seed(seed, onion, NULL);
	snprintf(text, sizeof text, "250-ServiceID=%s\r\n250 OK\r\n", onion);
	r = reply(text);
	CHECK_INT(torca_add_onion_reply(r, got), 0);
	CHECK_STR(got, onion);
	ctl_reply_free(r);
	r = reply("250-ServiceID=abc\r\n250 OK\r\n");
	CHECK_INT(torca_add_onion_reply(r, got), ERR_PROTO);
	ctl_reply_free(r);
	r = reply("250 OK\r\n");
	CHECK_INT(torca_add_onion_reply(r, got), ERR_PROTO);
	CHECK_INT(torca_simple_reply(r), 0);
	ctl_reply_free(r);
	r = reply("550 Onion address collision\r\n");
	CHECK_INT(torca_add_onion_reply(r, got), ERR_PROTO);
	CHECK_INT(torca_simple_reply(r), ERR_PROTO);
	ctl_reply_free(r);
	r = reply("251 Client for onion existed and replaced\r\n");
	CHECK_INT(torca_simple_reply(r), 0);
	ctl_reply_free(r);
	r = reply("552 Unknown Onion Service id\r\n");
	CHECK_INT(torca_simple_reply(r), ERR_NOTFOUND);
	ctl_reply_free(r);
}

/* A scripted control port: answers each line as tor would. */
struct script {
	struct event_base *base;
	int fd;
	char in[64 * 1024];	/* unanswered bytes */
	size_t inlen;
	char log[64 * 1024];	/* every line received, "\n"-joined */
	size_t loglen;
	char onion[57];		/* what ADD_ONION of the public key returns */
};

static int states[8];

static void
onion_cb(struct tor *t, const char *onion, int state, void *arg)
{
	if (state >= 0 && state < 8)
		states[state]++;
}

static void
status_cb(struct tor *t, const struct tor_status *st, void *arg)
{
}

/* The ServiceID of an ADD_ONION line: the blob's onion. */
static void
service_id(const char *cmd, char onion[57])
{
	uint8_t h[64], pk[32];
	char blob[89];
	size_t len;

	snprintf(blob, sizeof blob, "%.88s", cmd + strlen("ADD_ONION "
	    "ED25519-V3:"));
	if (sodium_base642bin(h, sizeof h, blob, 88, NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || len != 64) {
		onion[0] = '\0';
		return;
	}
	crypto_scalarmult_ed25519_base_noclamp(pk, h);
	onion_from_pk(onion, pk);
}

static void
answer(struct script *s, const char *cmd)
{
	char out[300], onion[57];

	if (strcmp(cmd, "PROTOCOLINFO 1") == 0)
		snprintf(out, sizeof out, "250-PROTOCOLINFO 1\r\n250-AUTH "
		    "METHODS=NULL\r\n250-VERSION Tor=\"0.4.8.10\"\r\n250 OK\r\n");
	else if (strcmp(cmd, "GETINFO status/bootstrap-phase") == 0)
		snprintf(out, sizeof out, "250-status/bootstrap-phase=NOTICE "
		    "BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\"\r\n"
		    "250 OK\r\n");
	else if (strcmp(cmd, "GETINFO version") == 0)
		snprintf(out, sizeof out, "250-version=0.4.8.10\r\n250 OK\r\n");
	else if (strcmp(cmd, "GETINFO net/listeners/socks") == 0)
		snprintf(out, sizeof out, "250-net/listeners/socks="
		    "\"127.0.0.1:9050\"\r\n250 OK\r\n");
	else if (strncmp(cmd, "ADD_ONION ED25519-V3:", 21) == 0) {
		service_id(cmd, onion);
		snprintf(out, sizeof out, "250-ServiceID=%s\r\n250 OK\r\n",
		    onion);
	} else
		snprintf(out, sizeof out, "250 OK\r\n");
	CHECK_INT(write(s->fd, out, strlen(out)), (ssize_t)strlen(out));
}

/* Run the loop, answering, until the log holds want (or a while). */
static int
run(struct script *s, const char *want)
{
	char *nl, line[2048];
	ssize_t n;
	size_t len;
	int i;

	for (i = 0; i < 400; i++) {
		event_base_loop(s->base, EVLOOP_NONBLOCK);
		n = recv(s->fd, s->in + s->inlen, sizeof s->in - 1 - s->inlen,
		    MSG_DONTWAIT);
		if (n > 0)
			s->inlen += (size_t)n;
		s->in[s->inlen] = '\0';
		while ((nl = strstr(s->in, "\r\n")) != NULL) {
			len = (size_t)(nl - s->in);
			snprintf(line, sizeof line, "%.*s", (int)len, s->in);
			memmove(s->in, nl + 2, s->inlen - len - 2 + 1);
			s->inlen -= len + 2;
			s->loglen += (size_t)snprintf(s->log + s->loglen,
			    sizeof s->log - s->loglen, "%s\n", line);
			answer(s, line);
		}
		if (want != NULL && strstr(s->log, want) != NULL)
			return 1;
		usleep(2000);
	}
	return 0;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/*
 * Hidden (discoverable off): no ADD_ONION for the public key; our client
 * keys and endpoints go out once set up; UPLOADED publishes; DEL_ONION and
 * ONION_CLIENT_AUTH_REMOVE on the way out; a new connection re-adds what
 * is still registered; discoverable on adds the public onion.
 */
static void
session(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/warren-clientauth.XXXXXX", ctl[220];
	char pub_onion[57], pub_blob[89], ep[57], ep2[57], other[57];
	char ev[200], line[200];
	uint8_t seed[32], seed2[32], oseed[32], clients[3][32], priv[32];
	struct script s;
	struct tor *t;
	int ls;

	memset(&s, 0, sizeof s);
	memset(states, 0, sizeof states);
	s.base = event_base_new();
	CHECK(mkdtemp(dir) != NULL);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/ctl.sock", dir);
	snprintf(ctl, sizeof ctl, "unix:%s", sun.sun_path);
	CHECK((ls = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	CHECK_INT(bind(ls, (struct sockaddr *)&sun, sizeof sun), 0);
	CHECK_INT(listen(ls, 1), 0);
	randombytes_buf(seed, 32);
	torca_onion_from_seed(seed, pub_onion, pub_blob);
	t = tor_new(s.base, &(struct tor_opts){ .control = ctl,
	    .key_blob = pub_blob, .onion = pub_onion, .target = "/tmp/w.sock",
	    .port = 4242, .hidden = 1 }, status_cb, NULL);
	tor_set_onion_cb(t, onion_cb, NULL);

	/* Registered before tor is up: held until setup is done. */
	randombytes_buf(seed2, 32);
	randombytes_buf(clients, sizeof clients);
	CHECK_INT(tor_onion_add(t, &(struct tor_onion_spec){ .seed = seed2,
	    .target = "/tmp/ep.sock", .port = 4242,
	    .clients = (const uint8_t (*)[32])clients, .n = 1 }, ep), 0);
	CHECK_INT(tor_onion_state(t, ep), TOR_ONION_PENDING);
	randombytes_buf(oseed, 32);
	torca_onion_from_seed(oseed, other, NULL);
	randombytes_buf(priv, 32);
	CHECK_INT(tor_auth_add(t, other, priv), 0);
	CHECK_INT(tor_auth_add(t, "not-an-onion", priv), ERR_INVAL);

	CHECK_INT(tor_start(t), 0);
	CHECK((s.fd = accept(ls, NULL, NULL)) >= 0);
	snprintf(line, sizeof line, "ADD_ONION ED25519-V3:%.10s", pub_blob);
	CHECK(run(&s, "V3Auth"));
	CHECK(strstr(s.log, line) == NULL);	/* hidden: not the public one */
	snprintf(line, sizeof line, "ONION_CLIENT_AUTH_ADD %s x25519:", other);
	CHECK(strstr(s.log, line) != NULL);
	CHECK(strstr(s.log, "Permanent") == NULL);
	/* Our key before our onions: a contact's endpoint is dialable. */
	CHECK(strstr(s.log, line) < strstr(s.log, "V3Auth"));
	CHECK(run(&s, NULL) == 0);
	CHECK_INT(tor_onion_state(t, ep), TOR_ONION_ADDED);
	CHECK_INT(tor_status(t)->onions, 1);
	CHECK_INT(tor_status(t)->auths, 1);
	CHECK_INT(tor_status(t)->public_on, 0);

	snprintf(ev, sizeof ev, "650 HS_DESC UPLOADED %s UNKNOWN "
	    "$AAAA~relay\r\n", ep);
	CHECK_INT(write(s.fd, ev, strlen(ev)), (ssize_t)strlen(ev));
	run(&s, "\n\n");	/* just turn the loop */
	CHECK_INT(tor_onion_state(t, ep), TOR_ONION_PUBLISHED);
	CHECK_INT(tor_status(t)->onions_up, 1);
	CHECK_INT(states[TOR_ONION_PUBLISHED], 1);

	/* Three clients now: taken down and added with all three. */
	CHECK_INT(tor_onion_add(t, &(struct tor_onion_spec){ .seed = seed2,
	    .target = "/tmp/ep.sock", .port = 4242,
	    .clients = (const uint8_t (*)[32])clients, .n = 3 }, ep2), 0);
	CHECK_STR(ep2, ep);
	snprintf(line, sizeof line, "DEL_ONION %s", ep);
	CHECK(run(&s, line));
	CHECK(run(&s, NULL) == 0);
	CHECK_INT(count(s.log, "ClientAuthV3="), 1 + 3);
	CHECK_INT(tor_onion_state(t, ep), TOR_ONION_ADDED);

	/* Revocation. */
	CHECK_INT(tor_auth_remove(t, other), 0);
	CHECK_INT(tor_auth_remove(t, other), ERR_NOTFOUND);
	snprintf(line, sizeof line, "ONION_CLIENT_AUTH_REMOVE %s", other);
	CHECK(run(&s, line));

	/* Discoverable on: the public onion goes up. */
	CHECK_INT(tor_set_public(t, 1), 0);
	snprintf(line, sizeof line, "ADD_ONION ED25519-V3:%.10s", pub_blob);
	CHECK(run(&s, line));
	CHECK_INT(tor_status(t)->public_on, 1);
	CHECK_INT(tor_set_public(t, 0), 0);
	snprintf(line, sizeof line, "DEL_ONION %s", pub_onion);
	CHECK(run(&s, line));

	/* tor restarts: the endpoint comes back, the removed key does not. */
	close(s.fd);
	s.loglen = 0;
	s.log[0] = '\0';
	s.inlen = 0;
	run(&s, "never");	/* notice the loss; backoff of 1 s */
	CHECK_INT(tor_onion_state(t, ep), TOR_ONION_PENDING);
	sleep(1);
	event_base_loop(s.base, EVLOOP_NONBLOCK);
	CHECK((s.fd = accept(ls, NULL, NULL)) >= 0);
	CHECK(run(&s, "V3Auth"));
	CHECK(run(&s, NULL) == 0);
	CHECK(strstr(s.log, "ONION_CLIENT_AUTH_ADD") == NULL);
	CHECK_INT(count(s.log, "ClientAuthV3="), 3);
	snprintf(line, sizeof line, "ADD_ONION ED25519-V3:%.10s", pub_blob);
	CHECK(strstr(s.log, line) == NULL);
	CHECK_INT(tor_onion_state(t, ep), TOR_ONION_ADDED);

	CHECK_INT(tor_onion_del(t, ep), 0);
	CHECK_INT(tor_onion_del(t, ep), ERR_NOTFOUND);
	snprintf(line, sizeof line, "DEL_ONION %s", ep);
	CHECK(run(&s, line));
	CHECK_INT(tor_status(t)->onions, 0);
	CHECK_INT(tor_onion_state(t, ep), TOR_ONION_NONE);

	tor_free(t);
	close(s.fd);
	close(ls);
	unlink(sun.sun_path);
	rmdir(dir);
	event_base_free(s.base);
}

int
main(void)
{
	RUN(encodings);
	RUN(onion_seed);
	RUN(commands);
	RUN(replies);
	RUN(session);
	return TEST_EXIT();
}
