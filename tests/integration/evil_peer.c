/*
 * evil_peer.c -- integration helper: a hostile or merely curious warren
 * peer. Connects straight to a daemon's DIR/peer.sock (where tor delivers
 * onion streams), speaks the real protocol (preamble, Noise XK as the
 * initiator with a fresh or given identity, padded wire frames) and then
 * does one thing, named on the command line. It reports what the daemon
 * did on stdout, one word per line, for the test to check:
 *
 *   closed      the daemon closed the connection (EOF or reset)
 *   open        still open when the wait (-w) ran out
 *   response N  a CONTACT_RESPONSE with status N arrived
 *   pongs N     N PONGs came back for N PINGs
 *   version N   the daemon's preamble said protocol N, not ours (then
 *               "closed")
 *   error WHY   we could not even get as far as the action (exit 1)
 *
 * usage: evil_peer [-c] [-s SEEDHEX] [-w SECS] [-n COUNT] [-k KEY]
 *            [-V VERSION] [-N NICK] SOCKET ONION ACTION [ARG]
 *        evil_peer -s SEEDHEX [-k KEY] id  print the onion HELLO claims
 *
 * -k: what HELLO claims and how it is signed. own (the default): our key,
 * signed by it. twin: the negated key -A (onion(-A): same X25519 key),
 * signed with the scalar -a, which is a valid signature by -A. twinbad:
 * -A, signed with A's own key. nosig: our key, 64 zero bytes.
 * -V: the version byte of our preamble (the default: PEER_VERSION).
 * -N: the nick our CONTACT_REQUEST carries (the default: "evil").
 * -c: the classical handshake, plain Noise XK with the prologue "warren/2 "
 * (protocol 2 before the hybrid XKhfs): a downgrade the daemon refuses.
 *
 * Actions before the handshake: none (connect, send nothing), slow (a
 * byte a second), badpreamble, hsgarbage (preamble + a garbage msg1),
 * hsstall (preamble + msg1, then silence).
 * After it: request [TEXT] (a CONTACT_REQUEST carrying the nick NICK,
 * "evil" by default; with -n, COUNT of them each from a fresh identity on
 * its own connection), ping [N], hold (answer
 * PINGs until -w runs out), pinghold (the same, sending a PING of its
 * own every 5 s; with -n it comes back, as a new identity, a second
 * after each close), oversize (a length over the frame limit),
 * zerolen, truncated (half a frame, then close), short (a frame shorter
 * than one padded block), badtag (a corrupted ciphertext), garbage (valid
 * ciphertext of random bytes), bigarray (msgpack array of 2^32-1
 * elements), bigmap, wrongtype (a MSG with fields of the wrong types),
 * unknown (an unknown frame type, then a PING: the daemon must ignore the
 * one and answer the other), hello (HELLO after the handshake), msg (a
 * well-formed MSG), ratchet (a RATCHET_HELLO), ack (an ACK).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "warren/limits.h"
#include "crypto/identity.h"
#include "crypto/noise.h"
#include "net/frame.h"
#include "net/peer.h"
#include "net/wire.h"
#include "../unit/twin_sign.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/log.h"

int main(int, char **);

enum evil_key { KEY_OWN, KEY_TWIN, KEY_TWINBAD, KEY_NOSIG };

struct evil {
	int fd;
	int wait_ms;
	int key;		/* enum evil_key */
	int version;		/* our preamble's version byte */
	int classical;		/* -c: plain XK, no ML-KEM */
	const char *nick;
	struct identity *id;
	uint8_t remote_ed_pk[32];
	char onion[ONION_LEN + 1];
	struct noise_cs *tx, *rx;
};

/* Milliseconds on a monotonic clock. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connect to a UNIX socket; -1 on failure. */
static int
dial(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		return -1;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Write everything; ERR_CLOSED if the daemon hung up. */
static int
put(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return ERR_CLOSED;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes by the deadline: 0, ERR_CLOSED or ERR_TIMEOUT. */
static int
get(int fd, void *buf, size_t len, long long deadline)
{
	struct pollfd pfd;
	uint8_t *p = buf;
	long long left;
	ssize_t n;

	while (len > 0) {
		if ((left = deadline - now_ms()) <= 0)
			return ERR_TIMEOUT;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if ((n = recv(fd, p, len, 0)) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return ERR_CLOSED;
		}
		if (n == 0)
			return ERR_CLOSED;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send one u16-framed body. */
static int
put_frame(int fd, const uint8_t *body, size_t len)
{
	uint8_t hdr[FRAME_HDR_LEN];

	store_be16(hdr, (uint16_t)len);
	if (put(fd, hdr, sizeof hdr) != 0)
		return ERR_CLOSED;
	return put(fd, body, len);
}

/* Read one u16-framed body (at most cap bytes). */
static int
get_frame(int fd, uint8_t *buf, size_t cap, size_t *len, long long deadline)
{
	uint8_t hdr[FRAME_HDR_LEN];
	int r;

	if ((r = get(fd, hdr, sizeof hdr, deadline)) != 0)
		return r;
	*len = load_be16(hdr);
	if (*len == 0 || *len > cap)
		return ERR_PROTO;
	return get(fd, buf, *len, deadline);
}

/* Encrypt a plaintext as one transport frame and send it. */
static int
send_pt(struct evil *e, const uint8_t *pt, size_t len)
{
	uint8_t ct[FRAME_MAX_BODY];

	if (len + NOISE_TAG_LEN > sizeof ct ||
	    noise_cs_encrypt(e->tx, NULL, 0, pt, len, ct) != 0)
		return ERR_INVAL;
	return put_frame(e->fd, ct, len + NOISE_TAG_LEN);
}

/* Encode and send a wire message. */
static int
send_msg(struct evil *e, const struct wire_msg *m)
{
	uint8_t pt[WARREN_MAX_FRAME];
	size_t len;

	if (wire_encode(m, pt, sizeof pt, &len) != 0)
		return ERR_INVAL;
	return send_pt(e, pt, len);
}

/* Pad raw msgpack (or anything) to a block and send it. */
static int
send_raw(struct evil *e, const uint8_t *raw, size_t rawlen)
{
	uint8_t pt[WARREN_MAX_FRAME];
	size_t len;

	if (rawlen > sizeof pt - 1)
		return ERR_INVAL;
	memcpy(pt, raw, rawlen);
	if (sodium_pad(&len, pt, rawlen, WARREN_PAD_BLOCK, sizeof pt) != 0)
		return ERR_INVAL;
	return send_pt(e, pt, len);
}

/*
 * Receive and decode one transport frame. Answers PINGs itself and goes
 * on reading. Returns 0 with *m (its pointer fields dangle: callers use
 * only the type and fixed-size fields), ERR_CLOSED, ERR_TIMEOUT or
 * ERR_PROTO.
 */
static int
recv_msg(struct evil *e, struct wire_msg *m, long long deadline)
{
	uint8_t ct[FRAME_MAX_BODY], pt[WARREN_MAX_FRAME];
	struct wire_msg pong;
	size_t len;
	int r;

	for (;;) {
		if ((r = get_frame(e->fd, ct, sizeof ct, &len, deadline)) != 0)
			return r;
		if (len < NOISE_TAG_LEN ||
		    noise_cs_decrypt(e->rx, NULL, 0, ct, len, pt) != 0)
			return ERR_PROTO;
		r = wire_decode(pt, len - NOISE_TAG_LEN, m);
		if (r == WIRE_UNKNOWN)
			continue;
		if (r != 0)
			return ERR_PROTO;
		if (m->type != WIRE_PING)
			return 0;
		memset(&pong, 0, sizeof pong);
		pong.type = WIRE_PONG;
		if ((r = send_msg(e, &pong)) != 0)
			return r;
	}
}

/* Wait for the daemon to close: prints "closed" or "open". */
static void
await_close(struct evil *e)
{
	long long deadline = now_ms() + e->wait_ms;
	uint8_t buf[4096];
	struct pollfd pfd;
	long long left;
	ssize_t n;

	for (;;) {
		if ((left = deadline - now_ms()) <= 0) {
			printf("open\n");
			return;
		}
		pfd.fd = e->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = recv(e->fd, buf, sizeof buf, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			printf("closed\n");
			return;
		}
	}
}

/* Preamble, XKhfs msg1..msg3 with our HELLO, split. 0 or ERR_*. */
static int
handshake(struct evil *e)
{
	uint8_t pre[PEER_PREAMBLE_LEN] = { 'W', 'R', 'N', 0 };
	uint8_t prologue[PEER_PROLOGUE_LEN], rs[32], msg[FRAME_MAX_HS];
	size_t plen0;
	uint8_t hello[WARREN_PAD_BLOCK], got[PEER_PREAMBLE_LEN], secret[32];
	uint8_t sm[PEER_SIG_CTX_LEN + 32];
	long long deadline = now_ms() + 10000;
	struct noise_hs *hs;
	struct wire_msg m;
	size_t len, hlen, plen;
	int r = ERR_CRYPTO;

	pre[3] = (uint8_t)e->version;
	plen0 = e->classical ? strlen("warren/2 ") : sizeof PEER_PROLOGUE - 1;
	memcpy(prologue, e->classical ? "warren/2 " : PEER_PROLOGUE, plen0);
	memcpy(prologue + plen0, e->onion, ONION_LEN);
	if (ed_pk_to_x(rs, e->remote_ed_pk) != 0)
		return ERR_CRYPTO;
	hs = (e->classical ? noise_hs_new : noise_hs_new_hfs)(NOISE_INITIATOR,
	    identity_x_sk(e->id), identity_x_pk(e->id), rs, prologue,
	    plen0 + ONION_LEN);
	if (hs == NULL)
		return ERR_CRYPTO;
	if (noise_hs_write(hs, NULL, 0, msg, sizeof msg, &len) != 0)
		goto out;
	/* A daemon that closes at our preamble may be quicker than msg1. */
	(void)(put(e->fd, pre, sizeof pre) == 0 &&
	    put_frame(e->fd, msg, len) == 0);
	if ((r = get(e->fd, got, sizeof got, deadline)) != 0)
		goto out;
	r = ERR_PROTO;
	if (memcmp(got, pre, 3) != 0)
		goto out;
	if (got[3] != pre[3]) {
		printf("version %u\n", got[3]);
		r = ERR_UNSUPPORTED;
		goto out;
	}
	if ((r = get_frame(e->fd, msg, sizeof msg, &len, deadline)) != 0 ||
	    (r = noise_hs_read(hs, msg, len, hello, sizeof hello,
	    &plen)) != 0)
		goto out;
	memset(&m, 0, sizeof m);
	m.type = WIRE_HELLO;
	memcpy(m.u.hello.ed_pk, identity_ed_pk(e->id), 32);
	if (e->key == KEY_TWIN || e->key == KEY_TWINBAD)
		ed_pk_negate(m.u.hello.ed_pk, identity_ed_pk(e->id));
	memcpy(sm, PEER_SIG_CTX, PEER_SIG_CTX_LEN);
	memcpy(sm + PEER_SIG_CTX_LEN, noise_hs_hash(hs), 32);
	if (e->key == KEY_TWIN)
		twin_sign(m.u.hello.sig, e->id, sm, sizeof sm);
	else if (e->key != KEY_NOSIG)
		crypto_sign_detached(m.u.hello.sig, NULL, sm, sizeof sm,
		    identity_ed_sk(e->id));
	if ((r = wire_encode(&m, hello, sizeof hello, &hlen)) != 0 ||
	    (r = noise_hs_write(hs, hello, hlen, msg, sizeof msg,
	    &len)) != 0 || (r = put_frame(e->fd, msg, len)) != 0)
		goto out;
	r = noise_hs_split(hs, &e->tx, &e->rx, secret);
	sodium_memzero(secret, sizeof secret);
out:
	noise_hs_free(hs);
	return r;
}

/* Connect and, unless pre, complete the handshake. */
static int
start(struct evil *e, const char *path, int pre)
{
	int r;

	if ((e->fd = dial(path)) < 0) {
		printf("error connect %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (pre)
		return 0;
	if ((r = handshake(e)) != 0) {
		/* A refused handshake is a result, not a tool failure. */
		printf("closed\n");
		printf("# handshake: %s\n", err_str(r));
		return 1;
	}
	return 0;
}

/* Drop the connection and its keys. */
static void
stop(struct evil *e)
{
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
	noise_cs_free(e->tx);
	noise_cs_free(e->rx);
	e->tx = e->rx = NULL;
}

/* Send n PINGs, count the PONGs. */
static void
do_ping(struct evil *e, int n)
{
	struct wire_msg m;
	int i, pongs = 0;

	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof m);
		m.type = WIRE_PING;
		if (send_msg(e, &m) != 0)
			break;
		if (recv_msg(e, &m, now_ms() + e->wait_ms) != 0)
			break;
		if (m.type == WIRE_PONG)
			pongs++;
	}
	printf("pongs %d\n", pongs);
}

/* One CONTACT_REQUEST; prints the response or what happened. */
static void
do_request(struct evil *e, const char *text)
{
	struct wire_msg m;
	int r;

	memset(&m, 0, sizeof m);
	m.type = WIRE_CONTACT_REQUEST;
	m.u.request.nick = e->nick;
	m.u.request.nick_len = strlen(e->nick);
	m.u.request.text = text;
	m.u.request.text_len = strlen(text);
	if (send_msg(e, &m) != 0) {
		printf("closed\n");
		return;
	}
	for (;;) {
		r = recv_msg(e, &m, now_ms() + e->wait_ms);
		if (r == ERR_TIMEOUT) {
			printf("open\n");
			return;
		}
		if (r != 0) {
			printf("closed\n");
			return;
		}
		if (m.type == WIRE_CONTACT_RESPONSE) {
			printf("response %llu\n",
			    (unsigned long long)m.u.response.status);
			return;
		}
	}
}

/* Keep the connection, answering PINGs, until the wait runs out. */
static void
do_hold(struct evil *e)
{
	struct wire_msg m;
	int r;

	r = recv_msg(e, &m, now_ms() + e->wait_ms);
	printf("%s\n", r == ERR_TIMEOUT || r == 0 ? "open" : "closed");
}

/* Hold the connection and PING every 5 s until the wait runs out. */
static void
do_pinghold(struct evil *e)
{
	long long end = now_ms() + e->wait_ms, next;
	struct wire_msg m;
	int r;

	for (;;) {
		memset(&m, 0, sizeof m);
		m.type = WIRE_PING;
		if (send_msg(e, &m) != 0)
			break;
		next = now_ms() + 5000;
		if (next > end)
			next = end;
		while ((r = recv_msg(e, &m, next)) == 0)
			;
		if (r != ERR_TIMEOUT)
			break;
		if (now_ms() >= end) {
			printf("open\n");
			return;
		}
	}
	printf("closed\n");
}

/* The hostile frames after the handshake. -1: unknown action. */
static int
do_hostile(struct evil *e, const char *act)
{
	uint8_t buf[WARREN_MAX_FRAME + 64], ct[64], hdr[WIRE_HEADER_LEN];
	struct wire_msg m;
	size_t len;

	memset(&m, 0, sizeof m);
	if (strcmp(act, "oversize") == 0) {
		/* Claims 65535 bytes: over FRAME_MAX_BODY; send them all. */
		store_be16(buf, 0xffff);
		(void)put(e->fd, buf, 2);
		randombytes_buf(buf, sizeof buf);
		(void)put(e->fd, buf, sizeof buf);
	} else if (strcmp(act, "zerolen") == 0) {
		memset(buf, 0, 2);
		(void)put(e->fd, buf, 2);
	} else if (strcmp(act, "truncated") == 0) {
		store_be16(buf, 1000);
		randombytes_buf(buf + 2, 100);
		(void)put(e->fd, buf, 102);
		stop(e);
		printf("sent\n");
		return 0;
	} else if (strcmp(act, "short") == 0) {
		randombytes_buf(buf, 40);
		(void)put_frame(e->fd, buf, 40);
	} else if (strcmp(act, "badtag") == 0) {
		m.type = WIRE_PING;
		len = 0;
		if (wire_encode(&m, buf, sizeof buf, &len) != 0)
			return -1;
		{
			uint8_t c[WARREN_PAD_BLOCK + NOISE_TAG_LEN];

			(void)noise_cs_encrypt(e->tx, NULL, 0, buf, len, c);
			c[len] ^= 0x01;	/* the tag */
			(void)put_frame(e->fd, c, len + NOISE_TAG_LEN);
		}
	} else if (strcmp(act, "garbage") == 0) {
		randombytes_buf(buf, WARREN_PAD_BLOCK);
		(void)send_pt(e, buf, WARREN_PAD_BLOCK);
	} else if (strcmp(act, "bigarray") == 0) {
		static const uint8_t a[] = { 0xdd, 0xff, 0xff, 0xff, 0xff, 0x1e };

		(void)send_raw(e, a, sizeof a);
	} else if (strcmp(act, "bigmap") == 0) {
		static const uint8_t a[] = { 0x91, 0xdf, 0xff, 0xff, 0xff, 0xff };

		(void)send_raw(e, a, sizeof a);
	} else if (strcmp(act, "wrongtype") == 0) {
		/* [30, "x", -1, nil]: MSG with a string seq. */
		static const uint8_t a[] = { 0x94, 0x1e, 0xa1, 'x', 0xff, 0xc0 };

		(void)send_raw(e, a, sizeof a);
	} else if (strcmp(act, "unknown") == 0) {
		/* [9999, 1]: ignored; the PING after it must be answered. */
		static const uint8_t a[] = { 0x92, 0xcd, 0x27, 0x0f, 0x01 };

		(void)send_raw(e, a, sizeof a);
		do_ping(e, 1);
		return 0;
	} else if (strcmp(act, "hello") == 0) {
		m.type = WIRE_HELLO;
		memcpy(m.u.hello.ed_pk, identity_ed_pk(e->id), 32);
		(void)send_msg(e, &m);
	} else if (strcmp(act, "msg") == 0) {
		m.type = WIRE_MSG;
		m.u.msg.seq = 0;
		randombytes_buf(hdr, sizeof hdr);
		m.u.msg.header = hdr;
		m.u.msg.header_len = sizeof hdr;
		randombytes_buf(ct, sizeof ct);
		m.u.msg.ct = ct;
		m.u.msg.ct_len = sizeof ct;
		(void)send_msg(e, &m);
	} else if (strcmp(act, "ratchet") == 0) {
		m.type = WIRE_RATCHET_HELLO;
		randombytes_buf(m.u.ratchet_hello.pub, 32);
		(void)send_msg(e, &m);
	} else if (strcmp(act, "ack") == 0) {
		m.type = WIRE_ACK;
		m.u.ack.seq = UINT64_MAX;
		(void)send_msg(e, &m);
	} else
		return -1;
	await_close(e);
	return 0;
}

/* Actions that never finish the handshake. -1: not one of them. */
static int
do_pre(struct evil *e, const char *act)
{
	static const uint8_t pre[PEER_PREAMBLE_LEN] = {
	    'W', 'R', 'N', PEER_VERSION };
	uint8_t buf[64];
	long long end;
	size_t i;

	if (strcmp(act, "none") == 0) {
		await_close(e);
	} else if (strcmp(act, "slow") == 0) {
		/* One byte of the preamble a second, then zeros. */
		end = now_ms() + e->wait_ms;
		for (i = 0; now_ms() < end; i++) {
			buf[0] = i < sizeof pre ? pre[i] : 0;
			if (put(e->fd, buf, 1) != 0) {
				printf("closed\n");
				return 0;
			}
			sleep(1);
		}
		printf("open\n");
	} else if (strcmp(act, "badpreamble") == 0) {
		(void)put(e->fd, "XYZ\x01", 4);
		await_close(e);
	} else if (strcmp(act, "hsgarbage") == 0) {
		(void)put(e->fd, pre, sizeof pre);
		randombytes_buf(buf, 48);
		(void)put_frame(e->fd, buf, 48);
		await_close(e);
	} else if (strcmp(act, "hsstall") == 0) {
		(void)put(e->fd, pre, sizeof pre);
		memset(buf, 0, 10);
		store_be16(buf, 48);
		(void)put(e->fd, buf, 10);
		await_close(e);
	} else
		return -1;
	return 0;
}

/* Parse 64 hex digits. */
static int
parse_seed(const char *hex, uint8_t seed[IDENTITY_SEED_LEN])
{
	size_t n;

	if (sodium_hex2bin(seed, IDENTITY_SEED_LEN, hex, strlen(hex), NULL,
	    &n, NULL) != 0 || n != IDENTITY_SEED_LEN)
		return -1;
	return 0;
}

/* Print the usage and exit. */
static void
usage(void)
{
	fprintf(stderr, "usage: evil_peer [-c] [-s SEEDHEX] [-w SECS] [-n COUNT] "
	    "[-k own|twin|twinbad|nosig] [-V VERSION] [-N NICK]\n"
	    "           SOCKET ONION ACTION [ARG]\n"
	    "       evil_peer -s SEEDHEX [-k KEY] id\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct evil e;
	uint8_t seed[IDENTITY_SEED_LEN];
	const char *seedhex = NULL, *path, *act, *arg;
	int c, count = 1, i, pre, rc = 0, r;

	memset(&e, 0, sizeof e);
	e.fd = -1;
	e.wait_ms = 5000;
	e.version = PEER_VERSION;
	e.nick = "evil";
	while ((c = getopt(argc, argv, "cs:w:n:k:V:N:")) != -1) {
		switch (c) {
		case 'c':
			e.classical = 1;
			break;
		case 'k':
			if (strcmp(optarg, "own") == 0)
				e.key = KEY_OWN;
			else if (strcmp(optarg, "twin") == 0)
				e.key = KEY_TWIN;
			else if (strcmp(optarg, "twinbad") == 0)
				e.key = KEY_TWINBAD;
			else if (strcmp(optarg, "nosig") == 0)
				e.key = KEY_NOSIG;
			else
				usage();
			break;
		case 'V':
			e.version = atoi(optarg);
			if (e.version < 0 || e.version > 255)
				usage();
			break;
		case 's':
			seedhex = optarg;
			break;
		case 'w':
			e.wait_ms = atoi(optarg) * 1000;
			break;
		case 'n':
			count = atoi(optarg);
			break;
		case 'N':
			e.nick = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (sodium_init() < 0)
		return 1;
	log_init("evil_peer", 0, LOG_LEVEL_ERROR);
	signal(SIGPIPE, SIG_IGN);
	if (seedhex != NULL && parse_seed(seedhex, seed) != 0)
		usage();
	if (argc == 1 && strcmp(argv[0], "id") == 0 && seedhex != NULL) {
		uint8_t neg[32];
		char twin[ONION_LEN + 1];

		if (identity_from_seed(&e.id, seed) != 0)
			return 1;
		ed_pk_negate(neg, identity_ed_pk(e.id));
		onion_from_pk(twin, neg);
		printf("%s\n", e.key == KEY_TWIN || e.key == KEY_TWINBAD ?
		    twin : identity_onion(e.id));
		identity_free(e.id);
		return 0;
	}
	if (argc < 3 || count < 1)
		usage();
	path = argv[0];
	act = argv[2];
	arg = argc > 3 ? argv[3] : NULL;
	if (onion_parse(argv[1], e.remote_ed_pk, e.onion) != 0) {
		printf("error bad onion %s\n", argv[1]);
		return 1;
	}
	pre = strcmp(act, "none") == 0 || strcmp(act, "slow") == 0 ||
	    strcmp(act, "badpreamble") == 0 || strcmp(act, "hsgarbage") == 0 ||
	    strcmp(act, "hsstall") == 0;
	for (i = 0; i < count; i++) {
		r = seedhex != NULL ? identity_from_seed(&e.id, seed) :
		    identity_generate(&e.id);
		if (r != 0) {
			printf("error identity: %s\n", err_str(r));
			return 1;
		}
		if ((r = start(&e, path, pre)) < 0)
			rc = 1;
		else if (r == 0) {
			if (pre)
				r = do_pre(&e, act);
			else if (strcmp(act, "request") == 0) {
				do_request(&e, arg != NULL ? arg : "let me in");
				r = 0;
			} else if (strcmp(act, "ping") == 0) {
				do_ping(&e, arg != NULL ? atoi(arg) : 1);
				r = 0;
			} else if (strcmp(act, "hold") == 0) {
				do_hold(&e);
				r = 0;
			} else if (strcmp(act, "pinghold") == 0) {
				do_pinghold(&e);
				r = 0;
			} else
				r = do_hostile(&e, act);
			if (r != 0) {
				stop(&e);
				identity_free(e.id);
				usage();
			}
		}
		fflush(stdout);
		stop(&e);
		identity_free(e.id);
		e.id = NULL;
		if (strcmp(act, "pinghold") == 0 && i + 1 < count)
			sleep(1);
	}
	return rc;
}
