/*
 * test_noise.c -- Noise_XK_25519_ChaChaPoly_SHA256: the published vectors
 * (tests/unit/data/: cacophony, noise-c), round trips, tampering, wrong
 * keys, turns, low-order keys, sizes and the transport nonce limit.
 */
#include <stdint.h>

#include <sodium.h>

#include "crypto/noise.h"
#include "util/err.h"
#include "test.h"

#define VECTOR_FILE \
    "tests/unit/data/noise_xk_25519_chachapoly_sha256.txt"
#define MAX_VEC_MSGS	16
#define BUF_LEN		(NOISE_MAX_MSG + 64)

int main(void);

struct vec_msg {
	uint8_t payload[256];
	size_t payload_len;
	uint8_t ct[512];
	size_t ct_len;
};

struct vector {
	char name[64];
	uint8_t prologue[64];
	size_t prologue_len;
	uint8_t init_static[32], init_ephemeral[32], init_remote_static[32];
	uint8_t resp_static[32], resp_ephemeral[32];
	uint8_t hash[32];
	int has_hash;
	struct vec_msg msgs[MAX_VEC_MSGS];
	size_t n_msgs;
	int fields;
};

#define MAX_VECTORS	4

struct pair {
	struct noise_hs *i, *r;
	uint8_t i_sk[32], i_pk[32], r_sk[32], r_pk[32];
};

static uint8_t buf[BUF_LEN], out[BUF_LEN];

/* Store one "key hex [hex]" line of the vector file into v. */
static void
vector_line(struct vector *v, const char *key, const char *a, const char *b)
{
	struct vec_msg *m;

	if (strcmp(key, "init_prologue") == 0) {
		v->prologue_len = test_unhex(v->prologue, sizeof v->prologue,
		    a);
		v->fields += v->prologue_len == strlen(a) / 2;
	} else if (strcmp(key, "init_static") == 0)
		v->fields += test_unhex(v->init_static, 32, a) == 32;
	else if (strcmp(key, "init_ephemeral") == 0)
		v->fields += test_unhex(v->init_ephemeral, 32, a) == 32;
	else if (strcmp(key, "init_remote_static") == 0)
		v->fields += test_unhex(v->init_remote_static, 32, a) == 32;
	else if (strcmp(key, "resp_static") == 0)
		v->fields += test_unhex(v->resp_static, 32, a) == 32;
	else if (strcmp(key, "resp_ephemeral") == 0)
		v->fields += test_unhex(v->resp_ephemeral, 32, a) == 32;
	else if (strcmp(key, "handshake_hash") == 0)
		v->has_hash = test_unhex(v->hash, 32, a) == 32;
	else if (strcmp(key, "msg") == 0 && v->n_msgs < MAX_VEC_MSGS) {
		m = &v->msgs[v->n_msgs++];
		m->payload_len = test_unhex(m->payload, sizeof m->payload, a);
		m->ct_len = test_unhex(m->ct, sizeof m->ct, b);
		if (m->payload_len != strlen(a) / 2 ||
		    m->ct_len != strlen(b) / 2)
			v->fields = -100;
	}
}

/* Read the flattened vectors; returns how many loaded completely. */
static size_t
load_vectors(struct vector *vs, size_t max)
{
	char path[4096], line[2048], key[64], a[1024], b[1024];
	struct vector *v = NULL;
	const char *srcdir;
	size_t n = 0, i, good = 0;
	FILE *f;

	memset(vs, 0, max * sizeof *vs);
	if ((srcdir = getenv("srcdir")) == NULL)
		srcdir = ".";
	snprintf(path, sizeof path, "%s/%s", srcdir, VECTOR_FILE);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "  cannot open %s\n", path);
		return 0;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		a[0] = b[0] = '\0';
		if (sscanf(line, "%63s %1023s %1023s", key, a, b) < 2)
			continue;
		if (strcmp(key, "vector") == 0) {
			if (n == max)
				break;
			v = &vs[n++];
			snprintf(v->name, sizeof v->name, "%s", a);
		} else if (v != NULL)
			vector_line(v, key, a, b);
	}
	fclose(f);
	for (i = 0; i < n; i++)
		good += vs[i].fields == 6 && vs[i].n_msgs >= 6;
	return good == n ? n : 0;
}

/* Replay one vector: every handshake and transport ciphertext, and h. */
static void
replay_vector(const struct vector *v)
{
	struct noise_hs *i = NULL, *r = NULL;
	struct noise_cs *is = NULL, *ir = NULL, *rs = NULL, *rr = NULL;
	uint8_t i_pk[32], r_pk[32], si[32], sr[32];
	const struct vec_msg *m;
	size_t k, len;

	crypto_scalarmult_base(i_pk, v->init_static);
	crypto_scalarmult_base(r_pk, v->resp_static);
	CHECK_MEM(r_pk, v->init_remote_static, 32);
	i = noise_hs_new(NOISE_INITIATOR, v->init_static, i_pk,
	    v->init_remote_static, v->prologue, v->prologue_len);
	r = noise_hs_new(NOISE_RESPONDER, v->resp_static, r_pk, NULL,
	    v->prologue, v->prologue_len);
	CHECK(i != NULL && r != NULL);
	if (i == NULL || r == NULL)
		goto out;
	noise_hs_set_ephemeral(i, v->init_ephemeral);
	noise_hs_set_ephemeral(r, v->resp_ephemeral);

	for (k = 0; k < 3; k++) {
		struct noise_hs *w = k % 2 == 0 ? i : r;
		struct noise_hs *rd = k % 2 == 0 ? r : i;

		m = &v->msgs[k];
		CHECK_INT(noise_hs_write(w, m->payload, m->payload_len, buf,
		    sizeof buf, &len), 0);
		CHECK_INT(len, m->ct_len);
		CHECK_MEM(buf, m->ct, m->ct_len);
		CHECK_INT(noise_hs_read(rd, m->ct, m->ct_len, out, sizeof out,
		    &len), 0);
		CHECK_INT(len, m->payload_len);
		CHECK_MEM(out, m->payload, m->payload_len);
	}
	CHECK(noise_hs_done(i) && noise_hs_done(r));
	CHECK_MEM(noise_hs_hash(i), noise_hs_hash(r), 32);
	if (v->has_hash)
		CHECK_MEM(noise_hs_hash(i), v->hash, 32);
	CHECK(noise_hs_remote_static(r) != NULL);
	if (noise_hs_remote_static(r) != NULL)
		CHECK_MEM(noise_hs_remote_static(r), i_pk, 32);
	CHECK_INT(noise_hs_split(i, &is, &ir, si), 0);
	CHECK_INT(noise_hs_split(r, &rs, &rr, sr), 0);
	CHECK_MEM(si, sr, 32);
	if (is == NULL || ir == NULL || rs == NULL || rr == NULL)
		goto out;

	/* Transport: the initiator sent message 3, so the responder is next. */
	for (k = 3; k < v->n_msgs; k++) {
		struct noise_cs *enc = k % 2 == 0 ? is : rs;
		struct noise_cs *dec = k % 2 == 0 ? rr : ir;

		m = &v->msgs[k];
		CHECK_INT(m->ct_len, m->payload_len + NOISE_TAG_LEN);
		CHECK_INT(noise_cs_encrypt(enc, NULL, 0, m->payload,
		    m->payload_len, buf), 0);
		CHECK_MEM(buf, m->ct, m->ct_len);
		CHECK_INT(noise_cs_decrypt(dec, NULL, 0, m->ct, m->ct_len,
		    out), 0);
		CHECK_MEM(out, m->payload, m->payload_len);
	}
out:
	noise_hs_free(i);
	noise_hs_free(r);
	noise_cs_free(is);
	noise_cs_free(ir);
	noise_cs_free(rs);
	noise_cs_free(rr);
}

/* The published vectors, at least one of them with the handshake hash. */
static void
test_published_vectors(void)
{
	static struct vector vs[MAX_VECTORS];
	size_t n, k;
	int hashes = 0;

	n = load_vectors(vs, MAX_VECTORS);
	CHECK(n >= 2);
	for (k = 0; k < n; k++) {
		replay_vector(&vs[k]);
		hashes += vs[k].has_hash;
	}
	CHECK(hashes >= 1);
}

/* Two fresh parties; the initiator knows the responder's key. */
static void
pair_new(struct pair *p, const char *prologue)
{
	crypto_box_keypair(p->i_pk, p->i_sk);
	crypto_box_keypair(p->r_pk, p->r_sk);
	p->i = noise_hs_new(NOISE_INITIATOR, p->i_sk, p->i_pk, p->r_pk,
	    (const uint8_t *)prologue, strlen(prologue));
	p->r = noise_hs_new(NOISE_RESPONDER, p->r_sk, p->r_pk, NULL,
	    (const uint8_t *)prologue, strlen(prologue));
}

/* Free both handshakes. */
static void
pair_free(struct pair *p)
{
	noise_hs_free(p->i);
	noise_hs_free(p->r);
}

/* Send one handshake message from w to rd; returns the read's result. */
static int
step(struct noise_hs *w, struct noise_hs *rd, const char *payload)
{
	size_t len, plen;
	int rc;

	rc = noise_hs_write(w, (const uint8_t *)payload, strlen(payload), buf,
	    sizeof buf, &len);
	if (rc != 0)
		return rc;
	rc = noise_hs_read(rd, buf, len, out, sizeof out, &plen);
	if (rc == 0 && (plen != strlen(payload) ||
	    memcmp(out, payload, plen) != 0))
		return -1000;
	return rc;
}

/* A full handshake and transport both ways; both sides agree. */
static void
test_roundtrip(void)
{
	struct noise_cs *is = NULL, *ir = NULL, *rs = NULL, *rr = NULL;
	uint8_t si[32], sr[32], ct[64], pt[64];
	struct pair p;
	int k;

	pair_new(&p, "warren/1 test");
	CHECK(!noise_hs_done(p.i));
	CHECK(noise_hs_remote_static(p.r) == NULL);
	CHECK_INT(step(p.i, p.r, ""), 0);
	CHECK_INT(step(p.r, p.i, ""), 0);
	CHECK_INT(step(p.i, p.r, "hello, responder"), 0);
	CHECK(noise_hs_done(p.i) && noise_hs_done(p.r));
	CHECK_MEM(noise_hs_hash(p.i), noise_hs_hash(p.r), 32);
	CHECK_MEM(noise_hs_remote_static(p.r), p.i_pk, 32);
	CHECK_MEM(noise_hs_remote_static(p.i), p.r_pk, 32);
	CHECK_INT(noise_hs_split(p.i, &is, &ir, si), 0);
	CHECK_INT(noise_hs_split(p.r, &rs, &rr, sr), 0);
	CHECK_MEM(si, sr, 32);
	/* The exported secret is not the public handshake hash. */
	CHECK(memcmp(si, noise_hs_hash(p.i), 32) != 0);
	CHECK_INT(noise_hs_split(p.i, &is, &ir, si), ERR_STATE);
	CHECK(is == NULL && ir == NULL);
	CHECK_INT(noise_hs_split(p.i, &is, &ir, si), ERR_STATE);
	noise_cs_free(is);
	noise_cs_free(ir);
	is = ir = NULL;
	pair_free(&p);

	/* Redo, keeping the CipherStates. */
	pair_new(&p, "");
	CHECK_INT(step(p.i, p.r, "a"), 0);
	CHECK_INT(step(p.r, p.i, "b"), 0);
	CHECK_INT(step(p.i, p.r, "c"), 0);
	CHECK_INT(noise_hs_split(p.i, &is, &ir, si), 0);
	CHECK_INT(noise_hs_split(p.r, &rs, &rr, sr), 0);
	if (is == NULL || ir == NULL || rs == NULL || rr == NULL)
		goto out;
	for (k = 0; k < 10; k++) {
		CHECK_INT(noise_cs_encrypt(is, (const uint8_t *)"ad", 2,
		    (const uint8_t *)"ping", 4, ct), 0);
		CHECK_INT(noise_cs_decrypt(rr, (const uint8_t *)"ad", 2, ct,
		    4 + NOISE_TAG_LEN, pt), 0);
		CHECK_MEM(pt, "ping", 4);
		CHECK_INT(noise_cs_encrypt(rs, NULL, 0, NULL, 0, ct), 0);
		CHECK_INT(noise_cs_decrypt(ir, NULL, 0, ct, NOISE_TAG_LEN, pt),
		    0);
	}
	/* Wrong AD, a flipped bit, a short message: refused, nonce kept. */
	CHECK_INT(noise_cs_encrypt(is, NULL, 0, (const uint8_t *)"x", 1, ct),
	    0);
	CHECK_INT(noise_cs_decrypt(rr, (const uint8_t *)"ad", 2, ct, 17, pt),
	    ERR_AUTH);
	ct[0] ^= 1;
	CHECK_INT(noise_cs_decrypt(rr, NULL, 0, ct, 17, pt), ERR_AUTH);
	ct[0] ^= 1;
	CHECK_INT(noise_cs_decrypt(rr, NULL, 0, ct, NOISE_TAG_LEN - 1, pt),
	    ERR_PROTO);
	CHECK_INT(noise_cs_decrypt(rr, NULL, 0, ct, 17, pt), 0);
	/* A replay now fails: the nonce moved on. */
	CHECK_INT(noise_cs_decrypt(rr, NULL, 0, ct, 17, pt), ERR_AUTH);
	/* Our own send key does not open what we sent. */
	CHECK_INT(noise_cs_encrypt(is, NULL, 0, (const uint8_t *)"x", 1, ct),
	    0);
	CHECK_INT(noise_cs_decrypt(ir, NULL, 0, ct, 17, pt), ERR_AUTH);
out:
	noise_cs_free(is);
	noise_cs_free(ir);
	noise_cs_free(rs);
	noise_cs_free(rr);
	pair_free(&p);
}

/* Nonce 2^64-2 is the last one usable; 2^64-1 is refused. */
static void
test_nonce_limit(void)
{
	struct noise_cs *is = NULL, *ir = NULL, *rs = NULL, *rr = NULL;
	uint8_t s[32], ct[32], pt[32];
	struct pair p;

	pair_new(&p, "");
	CHECK_INT(step(p.i, p.r, ""), 0);
	CHECK_INT(step(p.r, p.i, ""), 0);
	CHECK_INT(step(p.i, p.r, ""), 0);
	CHECK_INT(noise_hs_split(p.i, &is, &ir, s), 0);
	CHECK_INT(noise_hs_split(p.r, &rs, &rr, s), 0);
	if (is == NULL || rr == NULL)
		goto out;
	noise_cs_set_nonce(is, UINT64_MAX - 1);
	noise_cs_set_nonce(rr, UINT64_MAX - 1);
	CHECK_INT(noise_cs_encrypt(is, NULL, 0, (const uint8_t *)"z", 1, ct),
	    0);
	CHECK_INT(noise_cs_decrypt(rr, NULL, 0, ct, 17, pt), 0);
	CHECK_INT(noise_cs_encrypt(is, NULL, 0, (const uint8_t *)"z", 1, ct),
	    ERR_STATE);
	CHECK_INT(noise_cs_decrypt(rr, NULL, 0, ct, 17, pt), ERR_STATE);
	/* Sizes: the largest transport message, and one more byte. */
	noise_cs_set_nonce(is, 0);
	CHECK_INT(noise_cs_encrypt(is, NULL, 0, out,
	    NOISE_MAX_MSG - NOISE_TAG_LEN, buf), 0);
	CHECK_INT(noise_cs_encrypt(is, NULL, 0, out,
	    NOISE_MAX_MSG - NOISE_TAG_LEN + 1, buf), ERR_TOOBIG);
out:
	noise_cs_free(is);
	noise_cs_free(ir);
	noise_cs_free(rs);
	noise_cs_free(rr);
	pair_free(&p);
}

/* A flipped bit anywhere in any handshake message kills the handshake. */
static void
test_tamper(void)
{
	size_t len, plen, pos;
	struct pair p;
	int which, rc;

	for (which = 0; which < 3; which++) {
		for (pos = 0; pos < 64 + 3; pos += 7) {
			pair_new(&p, "t");
			if (which > 0)
				CHECK_INT(step(p.i, p.r, "abc"), 0);
			if (which > 1)
				CHECK_INT(step(p.r, p.i, "abc"), 0);
			rc = noise_hs_write(which == 1 ? p.r : p.i,
			    (const uint8_t *)"abc", 3, buf, sizeof buf, &len);
			CHECK_INT(rc, 0);
			buf[pos % len] ^= 0x40;
			rc = noise_hs_read(which == 1 ? p.i : p.r, buf, len,
			    out, sizeof out, &plen);
			CHECK(rc == ERR_AUTH || rc == ERR_CRYPTO);
			/* Dead: nothing more, even the right message. */
			CHECK_INT(noise_hs_read(which == 1 ? p.i : p.r, buf,
			    len, out, sizeof out, &plen), ERR_STATE);
			CHECK_INT(noise_hs_write(which == 1 ? p.i : p.r, NULL,
			    0, buf, sizeof buf, &len), ERR_STATE);
			pair_free(&p);
		}
	}
}

/* The initiator has the wrong key for the responder: message 1 fails. */
static void
test_wrong_responder_key(void)
{
	uint8_t other_sk[32], other_pk[32];
	struct pair p;

	pair_new(&p, "t");
	noise_hs_free(p.i);
	crypto_box_keypair(other_pk, other_sk);
	p.i = noise_hs_new(NOISE_INITIATOR, p.i_sk, p.i_pk, other_pk,
	    (const uint8_t *)"t", 1);
	CHECK_INT(step(p.i, p.r, ""), ERR_AUTH);
	pair_free(&p);

	/* Different prologues fail as well. */
	pair_new(&p, "t");
	noise_hs_free(p.r);
	p.r = noise_hs_new(NOISE_RESPONDER, p.r_sk, p.r_pk, NULL,
	    (const uint8_t *)"u", 1);
	CHECK_INT(step(p.i, p.r, ""), ERR_AUTH);
	pair_free(&p);
}

/* Calls out of turn get ERR_STATE and do not break the handshake. */
static void
test_out_of_turn(void)
{
	struct noise_cs *a = NULL, *b = NULL;
	uint8_t s[32];
	size_t len;
	struct pair p;

	pair_new(&p, "");
	CHECK_INT(noise_hs_write(p.r, NULL, 0, buf, sizeof buf, &len),
	    ERR_STATE);
	CHECK_INT(noise_hs_read(p.i, buf, 48, out, sizeof out, &len),
	    ERR_STATE);
	CHECK_INT(noise_hs_split(p.i, &a, &b, s), ERR_STATE);
	CHECK_INT(step(p.i, p.r, ""), 0);
	CHECK_INT(noise_hs_write(p.i, NULL, 0, buf, sizeof buf, &len),
	    ERR_STATE);
	CHECK_INT(noise_hs_read(p.r, buf, 48, out, sizeof out, &len),
	    ERR_STATE);
	CHECK_INT(step(p.r, p.i, ""), 0);
	CHECK_INT(noise_hs_split(p.r, &a, &b, s), ERR_STATE);
	CHECK_INT(step(p.i, p.r, ""), 0);
	CHECK_INT(noise_hs_write(p.i, NULL, 0, buf, sizeof buf, &len),
	    ERR_STATE);
	CHECK_INT(noise_hs_write(p.r, NULL, 0, buf, sizeof buf, &len),
	    ERR_STATE);
	CHECK_INT(noise_hs_read(p.r, buf, 64, out, sizeof out, &len),
	    ERR_STATE);
	pair_free(&p);
	/* An initiator needs the responder's key. */
	CHECK(noise_hs_new(NOISE_INITIATOR, p.i_sk, p.i_pk, NULL, NULL, 0) ==
	    NULL);
}

/* An all-zero or low-order ephemeral key aborts with ERR_CRYPTO. */
static void
test_low_order(void)
{
	/* Order-8 point on Curve25519. */
	static const char *order8 =
	    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800";
	size_t len, plen;
	struct pair p;

	pair_new(&p, "");
	memset(buf, 0, 48);
	CHECK_INT(noise_hs_read(p.r, buf, 48, out, sizeof out, &plen),
	    ERR_CRYPTO);
	pair_free(&p);

	pair_new(&p, "");
	test_unhex(buf, 32, order8);
	memset(buf + 32, 0, 16);
	CHECK_INT(noise_hs_read(p.r, buf, 48, out, sizeof out, &plen),
	    ERR_CRYPTO);
	pair_free(&p);

	/* Message 2 from a "responder" with a zero ephemeral. */
	pair_new(&p, "");
	CHECK_INT(noise_hs_write(p.i, NULL, 0, buf, sizeof buf, &len), 0);
	memset(buf, 0, 48);
	CHECK_INT(noise_hs_read(p.i, buf, 48, out, sizeof out, &plen),
	    ERR_CRYPTO);
	pair_free(&p);
}

/* Sizes: short messages, small buffers, the largest payload. */
static void
test_sizes(void)
{
	size_t len, plen, maxpay = NOISE_MAX_MSG - 48;
	struct pair p;

	pair_new(&p, "");
	CHECK_INT(noise_hs_write(p.i, out, maxpay + 1, buf, sizeof buf, &len),
	    ERR_TOOBIG);
	CHECK_INT(noise_hs_write(p.i, out, 10, buf, 57, &len), ERR_TOOBIG);
	CHECK_INT(noise_hs_write(p.i, out, maxpay, buf, sizeof buf, &len), 0);
	CHECK_INT(len, NOISE_MAX_MSG);
	CHECK_INT(noise_hs_read(p.r, buf, len, out, maxpay, &plen), 0);
	CHECK_INT(plen, maxpay);
	pair_free(&p);

	pair_new(&p, "");
	CHECK_INT(noise_hs_write(p.i, NULL, 0, buf, sizeof buf, &len), 0);
	CHECK_INT(noise_hs_read(p.r, buf, 47, out, sizeof out, &plen),
	    ERR_PROTO);
	pair_free(&p);

	pair_new(&p, "");
	CHECK_INT(noise_hs_write(p.i, (const uint8_t *)"abcd", 4, buf,
	    sizeof buf, &len), 0);
	CHECK_INT(noise_hs_read(p.r, buf, len, out, 3, &plen), ERR_TOOBIG);
	pair_free(&p);

	pair_new(&p, "");
	CHECK_INT(noise_hs_read(p.r, buf, NOISE_MAX_MSG + 1, out, sizeof out,
	    &plen), ERR_PROTO);
	pair_free(&p);

	/* Message 3 shorter than its 64-byte minimum. */
	pair_new(&p, "");
	CHECK_INT(step(p.i, p.r, ""), 0);
	CHECK_INT(step(p.r, p.i, ""), 0);
	CHECK_INT(noise_hs_write(p.i, NULL, 0, buf, sizeof buf, &len), 0);
	CHECK_INT(len, 64);
	CHECK_INT(noise_hs_read(p.r, buf, 63, out, sizeof out, &plen),
	    ERR_PROTO);
	pair_free(&p);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_published_vectors);
	RUN(test_roundtrip);
	RUN(test_nonce_limit);
	RUN(test_tamper);
	RUN(test_wrong_responder_key);
	RUN(test_out_of_turn);
	RUN(test_low_order);
	RUN(test_sizes);
	return TEST_EXIT();
}
