/*
 * bench_ratchet.c -- Double Ratchet throughput, warren against libolm's
 * olm_session when configure found libolm (HAVE_OLM). Prints one line per
 * implementation and case:
 *   bench=ratchet impl=warren case=stream-100 msgs_per_s=N n=N
 * Cases: stream-100 and stream-4096 (A encrypts n, then B decrypts n; the
 * rate counts messages over both), pingpong-100 (senders alternate, so
 * every message is a DH step), reorder-1000 (B decrypts windows of 1000
 * in reverse; "ok" counts the messages that decrypted).
 * impl=warren runs with the KEM step (an ML-KEM-768 exchange every
 * RATCHET_KEM_MSGS messages), impl=warren-nokem with it off (the ratchet
 * as it was before the KEM step), in the same run.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#ifdef HAVE_OLM
#include <olm/olm.h>
#endif

#include "crypto/ratchet.h"
#include "util/err.h"
#include "util/xmalloc.h"

#define WINDOW		1000
#define REORDER_ROUNDS	20
#define REPS		3	/* best of, against a busy machine */
#define OUT_SLACK	64	/* libolm wants room for its padding */

int main(int, char **);

/* One stored message. */
struct slot {
	uint8_t hdr[RATCHET_HEADER_MAX];
	size_t hlen;
	uint8_t *buf;
	size_t len;
	size_t type;
};

/* An implementation: a pair of sessions (side 0 = A, 1 = B). */
struct impl {
	const char *name;
	void *(*pair_new)(void);
	void (*pair_free)(void *);
	size_t (*msg_cap)(size_t);
	int (*seal)(void *, int, const uint8_t *, size_t, struct slot *);
	int (*open)(void *, int, const struct slot *, uint8_t *, size_t);
};

/* Monotonic seconds. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct warren_pair {
	struct ratchet *r[2];
};

/* Alice and Bob with fresh keys. */
static void *
warren_pair_new(void)
{
	struct warren_pair *p = xcalloc(1, sizeof *p);
	uint8_t sk[32], bsk[32], bpk[32], apk_id[32], bpk_id[32];

	randombytes_buf(sk, sizeof sk);
	randombytes_buf(apk_id, sizeof apk_id);
	randombytes_buf(bpk_id, sizeof bpk_id);
	crypto_box_keypair(bpk, bsk);
	if (ratchet_init_alice(&p->r[0], sk, bpk, apk_id, bpk_id) != 0 ||
	    ratchet_init_bob(&p->r[1], sk, bsk, bpk, bpk_id, apk_id) != 0) {
		fprintf(stderr, "warren: init failed\n");
		exit(1);
	}
	return p;
}

/* The same, with the KEM step off. */
static void *
warren_nokem_pair_new(void)
{
	struct warren_pair *p = warren_pair_new();

	ratchet_set_kem(p->r[0], 0);
	ratchet_set_kem(p->r[1], 0);
	return p;
}

/* Free a warren pair. */
static void
warren_pair_free(void *arg)
{
	struct warren_pair *p = arg;

	ratchet_free(p->r[0]);
	ratchet_free(p->r[1]);
	free(p);
}

/* Ciphertext bytes for len plaintext bytes. */
static size_t
warren_msg_cap(size_t len)
{
	return len + RATCHET_OVERHEAD;
}

/* Encrypt from side. */
static int
warren_seal(void *arg, int side, const uint8_t *pt, size_t len,
    struct slot *s)
{
	struct warren_pair *p = arg;

	s->len = len + RATCHET_OVERHEAD;
	return ratchet_encrypt(p->r[side], NULL, 0, pt, len, s->hdr, &s->hlen,
	    s->buf);
}

/* Decrypt at side. */
static int
warren_open(void *arg, int side, const struct slot *s, uint8_t *pt,
    size_t cap)
{
	struct warren_pair *p = arg;

	if (s->len - RATCHET_OVERHEAD > cap)
		return -1;
	return ratchet_decrypt(p->r[side], NULL, 0, s->hdr, s->hlen, s->buf,
	    s->len, pt);
}

static const struct impl warren_impl = {
	"warren", warren_pair_new, warren_pair_free, warren_msg_cap,
	warren_seal, warren_open
};

static const struct impl warren_nokem_impl = {
	"warren-nokem", warren_nokem_pair_new, warren_pair_free,
	warren_msg_cap, warren_seal, warren_open
};

#ifdef HAVE_OLM
struct olm_pair {
	void *mem[4];
	OlmAccount *acct[2];
	OlmSession *sess[2];
	int bob_ready;		/* Bob's session exists */
	uint8_t *scratch;
	size_t scratch_len;
};

/* Random bytes for libolm. */
static void *
olm_random(size_t n)
{
	void *p = xmalloc(n == 0 ? 1 : n);

	randombytes_buf(p, n);
	return p;
}

/* The JSON string value after key in s (libolm's small key objects). */
static char *
json_value(const char *s, const char *key)
{
	const char *p, *e;

	if ((p = strstr(s, key)) == NULL)
		return NULL;
	p += strlen(key);
	while (*p != '\0' && *p != '"')
		p++;
	/* Skip a nested object's key ({"AAAAAQ":"value"}). */
	if (*p == '"' && (e = strchr(p + 1, '"')) != NULL && e[1] == ':')
		p = strchr(e + 1, '"');
	if (p == NULL || *p != '"' || (e = strchr(p + 1, '"')) == NULL)
		return NULL;
	return xstrndup(p + 1, (size_t)(e - p - 1));
}

/* Die with libolm's error. */
static void
olm_die(const char *what, OlmSession *s)
{
	fprintf(stderr, "libolm: %s: %s\n", what,
	    s != NULL ? olm_session_last_error(s) : "failed");
	exit(1);
}

/* Alice's outbound session to Bob's one-time key; Bob's is made lazily. */
static void *
olm_pair_new(void)
{
	struct olm_pair *p = xcalloc(1, sizeof *p);
	char *ids, *otks, *idkey = NULL, *otk = NULL;
	size_t n;
	void *rnd;
	int i;

	for (i = 0; i < 2; i++) {
		p->mem[i] = xmalloc(olm_account_size());
		p->acct[i] = olm_account(p->mem[i]);
		n = olm_create_account_random_length(p->acct[i]);
		rnd = olm_random(n);
		if (olm_create_account(p->acct[i], rnd, n) == olm_error())
			olm_die("create account", NULL);
		free(rnd);
		p->mem[2 + i] = xmalloc(olm_session_size());
		p->sess[i] = olm_session(p->mem[2 + i]);
	}
	n = olm_account_generate_one_time_keys_random_length(p->acct[1], 1);
	rnd = olm_random(n);
	olm_account_generate_one_time_keys(p->acct[1], 1, rnd, n);
	free(rnd);
	n = olm_account_identity_keys_length(p->acct[1]);
	ids = xcalloc(1, n + 1);
	olm_account_identity_keys(p->acct[1], ids, n);
	n = olm_account_one_time_keys_length(p->acct[1]);
	otks = xcalloc(1, n + 1);
	olm_account_one_time_keys(p->acct[1], otks, n);
	if ((idkey = json_value(ids, "\"curve25519\"")) == NULL ||
	    (otk = json_value(otks, "\"curve25519\"")) == NULL)
		olm_die("parse keys", NULL);
	n = olm_create_outbound_session_random_length(p->sess[0]);
	rnd = olm_random(n);
	if (olm_create_outbound_session(p->sess[0], p->acct[0], idkey,
	    strlen(idkey), otk, strlen(otk), rnd, n) == olm_error())
		olm_die("outbound session", p->sess[0]);
	free(rnd);
	free(ids);
	free(otks);
	free(idkey);
	free(otk);
	return p;
}

/* Free an olm pair. */
static void
olm_pair_free(void *arg)
{
	struct olm_pair *p = arg;
	int i;

	for (i = 0; i < 2; i++) {
		olm_clear_session(p->sess[i]);
		olm_clear_account(p->acct[i]);
	}
	for (i = 0; i < 4; i++)
		free(p->mem[i]);
	free(p->scratch);
	free(p);
}

/* Base64 message bytes for len plaintext bytes (an upper bound). */
static size_t
olm_msg_cap(size_t len)
{
	return (len + 16 + 200) * 4 / 3 + 64;
}

/* Encrypt from side. */
static int
olm_seal(void *arg, int side, const uint8_t *pt, size_t len, struct slot *s)
{
	struct olm_pair *p = arg;
	OlmSession *sess = p->sess[side];
	uint8_t rnd[64];
	size_t rlen, mlen;

	rlen = olm_encrypt_random_length(sess);
	if (rlen > sizeof rnd)
		return -1;
	randombytes_buf(rnd, rlen);
	s->type = olm_encrypt_message_type(sess);
	mlen = olm_encrypt_message_length(sess, len);
	if (olm_encrypt(sess, pt, len, rnd, rlen, s->buf, mlen) ==
	    olm_error())
		return -1;
	s->len = mlen;
	return 0;
}

/* Decrypt at side; libolm decodes in place, so work on a copy. */
static int
olm_open(void *arg, int side, const struct slot *s, uint8_t *pt, size_t cap)
{
	struct olm_pair *p = arg;
	OlmSession *sess = p->sess[side];

	if (p->scratch_len < s->len) {
		free(p->scratch);
		p->scratch = xmalloc(s->len);
		p->scratch_len = s->len;
	}
	if (side == 1 && !p->bob_ready) {
		if (s->type != OLM_MESSAGE_TYPE_PRE_KEY)
			return -1;
		memcpy(p->scratch, s->buf, s->len);
		if (olm_create_inbound_session(sess, p->acct[1], p->scratch,
		    s->len) == olm_error())
			olm_die("inbound session", sess);
		olm_remove_one_time_keys(p->acct[1], sess);
		p->bob_ready = 1;
	}
	memcpy(p->scratch, s->buf, s->len);
	if (olm_decrypt(sess, s->type, p->scratch, s->len, pt, cap) ==
	    olm_error()) {
		if (getenv("BENCH_DEBUG") != NULL)
			fprintf(stderr, "olm_decrypt: %s\n",
			    olm_session_last_error(sess));
		return -1;
	}
	return 0;
}

static const struct impl olm_impl = {
	"libolm", olm_pair_new, olm_pair_free, olm_msg_cap, olm_seal, olm_open
};
#endif

/* n slots of cap bytes each. */
static struct slot *
slots_new(size_t n, size_t cap)
{
	struct slot *s = xcalloc(n, sizeof *s);
	size_t i;

	for (i = 0; i < n; i++) {
		s[i].buf = xmalloc(cap);
		memset(s[i].buf, 0, cap);	/* no faults while timed */
	}
	return s;
}

/* Free slots. */
static void
slots_free(struct slot *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(s[i].buf);
	free(s);
}

/* A -> B, then B -> A: both sides have chains (Olm: no more pre-keys). */
static void
warm_up(const struct impl *im, void *p, struct slot *s, const uint8_t *pt,
    uint8_t *out, size_t len)
{
	int step = 0;

	if (im->seal(p, 0, pt, len, s) != 0 || (step++,
	    im->open(p, 1, s, out, len + OUT_SLACK) != 0) || (step++,
	    im->seal(p, 1, pt, len, s) != 0) || (step++,
	    im->open(p, 0, s, out, len + OUT_SLACK) != 0)) {
		fprintf(stderr, "%s: warm-up failed at step %d\n", im->name,
		    step);
		exit(1);
	}
}

/* The outcome of one run of a case. */
struct result {
	size_t n;
	size_t ok;
	double secs;
};

/* Record one run. */
static void
report(struct result *res, size_t n, double secs, size_t ok)
{
	res->n = n;
	res->secs = secs;
	res->ok = ok;
}

/* A encrypts n messages of len bytes, then B decrypts them in order. */
static void
case_stream(const struct impl *im, struct result *res, size_t len, size_t n)
{
	void *p = im->pair_new();
	struct slot *s = slots_new(n, im->msg_cap(len));
	uint8_t *pt = xmalloc(len), *out = xmalloc(len + OUT_SLACK);
	size_t i, ok = 0;
	double t;

	randombytes_buf(pt, len);
	warm_up(im, p, s, pt, out, len);
	t = now();
	for (i = 0; i < n; i++)
		if (im->seal(p, 0, pt, len, &s[i]) != 0)
			break;
	for (i = 0; i < n; i++)
		ok += im->open(p, 1, &s[i], out, len + OUT_SLACK) == 0;
	t = now() - t;
	report(res, n, t, ok);
	slots_free(s, n);
	free(pt);
	free(out);
	im->pair_free(p);
}

/* Senders alternate: every message starts a new chain (a DH step). */
static void
case_pingpong(const struct impl *im, struct result *res, size_t len, size_t n)
{
	void *p = im->pair_new();
	struct slot *s = slots_new(1, im->msg_cap(len));
	uint8_t *pt = xmalloc(len), *out = xmalloc(len + OUT_SLACK);
	size_t i, ok = 0;
	double t;

	randombytes_buf(pt, len);
	warm_up(im, p, s, pt, out, len);
	t = now();
	for (i = 0; i < n; i++) {
		if (im->seal(p, (int)(i % 2), pt, len, s) != 0)
			break;
		ok += im->open(p, (int)(1 - i % 2), s, out,
		    len + OUT_SLACK) == 0;
	}
	t = now() - t;
	report(res, n, t, ok);
	slots_free(s, 1);
	free(pt);
	free(out);
	im->pair_free(p);
}

/* Windows of WINDOW messages, each decrypted newest first. */
static void
case_reorder(const struct impl *im, struct result *res, size_t len, size_t n)
{
	void *p = im->pair_new();
	struct slot *s = slots_new(WINDOW, im->msg_cap(len));
	uint8_t *pt = xmalloc(len), *out = xmalloc(len + OUT_SLACK);
	size_t i, r, ok = 0;
	double t;

	randombytes_buf(pt, len);
	warm_up(im, p, s, pt, out, len);
	t = now();
	for (r = 0; r < REORDER_ROUNDS; r++) {
		for (i = 0; i < WINDOW; i++)
			if (im->seal(p, 0, pt, len, &s[i]) != 0)
				break;
		for (i = WINDOW; i-- > 0;)
			ok += im->open(p, 1, &s[i], out, len + OUT_SLACK) == 0;
	}
	t = now() - t;
	report(res, WINDOW * REORDER_ROUNDS, t, ok);
	slots_free(s, WINDOW);
	free(pt);
	free(out);
	im->pair_free(p);
}

struct bench_case {
	const char *name;
	void (*fn)(const struct impl *, struct result *, size_t, size_t);
	size_t len;
	size_t n;
};

static const struct bench_case cases[] = {
	{ "stream-100", case_stream, 100, 20000 },
	{ "stream-4096", case_stream, 4096, 5000 },
	{ "pingpong-100", case_pingpong, 100, 2000 },
	{ "reorder-1000", case_reorder, 100, WINDOW * REORDER_ROUNDS },
};

/* Best of REPS runs of one case; prints its line. */
static void
run(const struct impl *im, const struct bench_case *bc, size_t scale)
{
	struct result res, best;
	double rate, best_rate = -1;
	int rep;

	memset(&best, 0, sizeof best);
	for (rep = 0; rep < REPS; rep++) {
		bc->fn(im, &res, bc->len, bc->n / scale);
		rate = res.secs > 0 ? (double)res.n / res.secs : 0;
		if (rate > best_rate) {
			best_rate = rate;
			best = res;
		}
	}
	printf("bench=ratchet impl=%s case=%s msgs_per_s=%.0f n=%zu", im->name,
	    bc->name, best_rate, best.n);
	if (best.ok != best.n)
		printf(" ok=%zu", best.ok);
	printf("\n");
	fflush(stdout);
}

/*
 * Usage: bench_ratchet [-q] [warren|warren-nokem|libolm]; -q runs a tenth
 * of each.
 */
int
main(int argc, char **argv)
{
	const struct impl *impls[] = {
		&warren_impl,
		&warren_nokem_impl,
#ifdef HAVE_OLM
		&olm_impl,
#endif
		NULL
	};
	const char *only = NULL;
	size_t scale = 1, c;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0)
			scale = 10;
		else
			only = argv[i];
	}
	if (sodium_init() < 0)
		return 1;
#ifndef HAVE_OLM
	printf("# libolm not found at configure time: no impl=libolm lines\n");
#endif
	/* Case by case, side by side, so both see the same machine load. */
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		for (i = 0; impls[i] != NULL; i++) {
			if (only == NULL || strcmp(only, impls[i]->name) == 0)
				run(impls[i], &cases[c], scale);
		}
	}
	return 0;
}
