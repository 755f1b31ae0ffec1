/*
 * test_noise_hfs.c -- the hybrid handshake Noise_XKhfs_25519+MLKEM768
 * (noise_hs_new_hfs): round trip and sizes, tampering with e1 and ekem1,
 * an e1 that fails the modulus check, XK and XKhfs not talking, and a
 * passive observer who records the three messages and is then given some
 * of the ephemeral secrets: with both X25519 ephemeral secrets but not
 * the KEM secret, or with the KEM secret but not the X25519 ones, it
 * cannot derive the transport keys; with all of them it can (so the
 * observer's replay of the handshake is right), and against plain XK the
 * two X25519 secrets are enough.
 */
#include <stdint.h>

#include <sodium.h>

#include "crypto/mlkem.h"
#include "crypto/noise.h"
#include "util/err.h"
#include "test.h"

int main(void);

#define PROLOGUE	"warren/2 test"
#define MSG_CAP		2048

struct run {
	int hfs;
	uint8_t i_sk[32], i_pk[32], r_sk[32], r_pk[32];
	uint8_t ei_sk[32], er_sk[32], kem_seed[64], m_seed[64];
	uint8_t msg[3][MSG_CAP];
	size_t len[3];
	uint8_t transport[64];		/* "secret" sent by the initiator */
	int ok;
};

/* A whole handshake with fixed ephemeral secrets, recorded. */
static void
run_handshake(struct run *x, int hfs)
{
	struct noise_hs *i, *r;
	struct noise_cs *is = NULL, *ir = NULL, *rs = NULL, *rr = NULL;
	uint8_t pay[MSG_CAP], si[32], sr[32], pt[16];
	size_t plen;
	int k, rc = 0;

	memset(x, 0, sizeof *x);
	x->hfs = hfs;
	crypto_box_keypair(x->i_pk, x->i_sk);
	crypto_box_keypair(x->r_pk, x->r_sk);
	randombytes_buf(x->ei_sk, 32);
	randombytes_buf(x->er_sk, 32);
	randombytes_buf(x->kem_seed, 64);
	randombytes_buf(x->m_seed, 64);
	if (hfs) {
		i = noise_hs_new_hfs(NOISE_INITIATOR, x->i_sk, x->i_pk,
		    x->r_pk, (const uint8_t *)PROLOGUE, strlen(PROLOGUE));
		r = noise_hs_new_hfs(NOISE_RESPONDER, x->r_sk, x->r_pk, NULL,
		    (const uint8_t *)PROLOGUE, strlen(PROLOGUE));
	} else {
		i = noise_hs_new(NOISE_INITIATOR, x->i_sk, x->i_pk, x->r_pk,
		    (const uint8_t *)PROLOGUE, strlen(PROLOGUE));
		r = noise_hs_new(NOISE_RESPONDER, x->r_sk, x->r_pk, NULL,
		    (const uint8_t *)PROLOGUE, strlen(PROLOGUE));
	}
	if (i == NULL || r == NULL)
		goto out;
	noise_hs_set_ephemeral(i, x->ei_sk);
	noise_hs_set_ephemeral(r, x->er_sk);
	noise_hs_set_kem_seed(i, x->kem_seed);
	noise_hs_set_kem_seed(r, x->m_seed);
	for (k = 0; k < 3 && rc == 0; k++) {
		struct noise_hs *w = k == 1 ? r : i, *rd = k == 1 ? i : r;

		rc = noise_hs_write(w, (const uint8_t *)"hi", k == 2 ? 2 : 0,
		    x->msg[k], MSG_CAP, &x->len[k]);
		if (rc == 0)
			rc = noise_hs_read(rd, x->msg[k], x->len[k], pay,
			    sizeof pay, &plen);
	}
	if (rc != 0 || noise_hs_split(i, &is, &ir, si) != 0 ||
	    noise_hs_split(r, &rs, &rr, sr) != 0)
		goto out;
	if (noise_cs_encrypt(is, NULL, 0, (const uint8_t *)"attack at dawn",
	    14, x->transport) != 0 ||
	    noise_cs_decrypt(rr, NULL, 0, x->transport, 14 + NOISE_TAG_LEN,
	    pt) != 0 || memcmp(pt, "attack at dawn", 14) != 0)
		goto out;
	x->ok = memcmp(si, sr, 32) == 0;
out:
	noise_cs_free(is);
	noise_cs_free(ir);
	noise_cs_free(rs);
	noise_cs_free(rr);
	noise_hs_free(i);
	noise_hs_free(r);
}

/* The observer's own replay of the symmetric state (Noise section 5.2). */
struct obs {
	uint8_t ck[32], h[32], k[32];
	uint64_t n;
	int has_key;
};

static void
obs_hmac(uint8_t out[32], const uint8_t key[32], const uint8_t *a,
    size_t alen, const uint8_t *b, size_t blen)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, 32);
	crypto_auth_hmacsha256_update(&st, a, alen);
	crypto_auth_hmacsha256_update(&st, b, blen);
	crypto_auth_hmacsha256_final(&st, out);
}

static void
obs_hkdf(const uint8_t ck[32], const uint8_t *ikm, size_t len,
    uint8_t o1[32], uint8_t o2[32])
{
	uint8_t t[32], one = 1, two = 2;

	obs_hmac(t, ck, ikm, len, NULL, 0);
	obs_hmac(o1, t, &one, 1, NULL, 0);
	obs_hmac(o2, t, o1, 32, &two, 1);
}

static void
obs_mix_hash(struct obs *o, const uint8_t *d, size_t len)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, o->h, 32);
	crypto_hash_sha256_update(&st, d, len);
	crypto_hash_sha256_final(&st, o->h);
}

static void
obs_mix_key(struct obs *o, const uint8_t *ikm, size_t len)
{
	uint8_t ck[32];

	obs_hkdf(o->ck, ikm, len, ck, o->k);
	memcpy(o->ck, ck, 32);
	o->n = 0;
	o->has_key = 1;
}

/* DH with a known secret, or the observer's best guess: a random one. */
static void
obs_mix_dh(struct obs *o, const uint8_t *sk, const uint8_t pk[32])
{
	uint8_t guess[32], dh[32];

	randombytes_buf(guess, sizeof guess);
	if (crypto_scalarmult(dh, sk != NULL ? sk : guess, pk) != 0)
		memset(dh, 0, sizeof dh);
	obs_mix_key(o, dh, sizeof dh);
}

/* DecryptAndHash; the observer carries on even when it fails. */
static void
obs_decrypt_and_hash(struct obs *o, const uint8_t *in, size_t len,
    uint8_t *out)
{
	uint8_t nonce[12] = { 0 };
	int i;

	if (!o->has_key)
		memcpy(out, in, len);
	else {
		for (i = 0; i < 8; i++)
			nonce[4 + i] = (uint8_t)(o->n >> (8 * i));
		if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL,
		    in, len, o->h, 32, nonce, o->k) != 0)
			memset(out, 0, len - NOISE_TAG_LEN);
		o->n++;
	}
	obs_mix_hash(o, in, len);
}

/*
 * Replay x's recorded handshake knowing only the public keys and the
 * secrets given (NULL: unknown). 1 if the keys it derives open the
 * initiator's first transport message.
 */
static int
observe(const struct run *x, const uint8_t *ei_sk, const uint8_t *er_sk,
    const uint8_t *kem_seed)
{
	static uint8_t ek[MLKEM768_EK_LEN], dk[MLKEM768_DK_LEN];
	uint8_t buf[MSG_CAP], ss[32], k1[32], k2[32], pt[16];
	uint8_t nonce[12] = { 0 };
	const uint8_t *m, *ei_pk = x->msg[0], *er_pk = x->msg[1];
	struct obs o;
	size_t off;

	memset(&o, 0, sizeof o);
	if (x->hfs)
		crypto_hash_sha256(o.h, (const uint8_t *)NOISE_HFS_NAME,
		    strlen(NOISE_HFS_NAME));
	else
		memcpy(o.h, NOISE_PROTOCOL_NAME, 32);
	memcpy(o.ck, o.h, 32);
	obs_mix_hash(&o, (const uint8_t *)PROLOGUE, strlen(PROLOGUE));
	obs_mix_hash(&o, x->r_pk, 32);

	/* -> e, [e1,] es */
	m = x->msg[0];
	obs_mix_hash(&o, m, 32);
	off = 32;
	if (x->hfs) {
		obs_decrypt_and_hash(&o, m + off, MLKEM768_EK_LEN, buf);
		off += MLKEM768_EK_LEN;
	}
	obs_mix_dh(&o, ei_sk, x->r_pk);
	obs_decrypt_and_hash(&o, m + off, x->len[0] - off, buf);

	/* <- e, ee[, ekem1] */
	m = x->msg[1];
	obs_mix_hash(&o, m, 32);
	off = 32;
	if (ei_sk != NULL)
		obs_mix_dh(&o, ei_sk, er_pk);
	else
		obs_mix_dh(&o, er_sk, ei_pk);
	if (x->hfs) {
		obs_decrypt_and_hash(&o, m + off,
		    MLKEM768_CT_LEN + NOISE_TAG_LEN, buf);
		off += MLKEM768_CT_LEN + NOISE_TAG_LEN;
		randombytes_buf(ss, sizeof ss);		/* the guess */
		if (kem_seed != NULL) {
			mlkem768_keypair_derand(ek, dk, kem_seed,
			    kem_seed + 32);
			mlkem768_decaps(ss, buf, dk);
		}
		obs_mix_key(&o, ss, sizeof ss);
	}
	obs_decrypt_and_hash(&o, m + off, x->len[1] - off, buf);

	/* -> s, se: the initiator's static public key is no secret. */
	m = x->msg[2];
	obs_decrypt_and_hash(&o, m, 32 + NOISE_TAG_LEN, buf);
	obs_mix_dh(&o, er_sk, x->i_pk);
	obs_decrypt_and_hash(&o, m + 48, x->len[2] - 48, buf);

	obs_hkdf(o.ck, NULL, 0, k1, k2);	/* Split: k1 initiator -> */
	return crypto_aead_chacha20poly1305_ietf_decrypt(pt, NULL, NULL,
	    x->transport, 14 + NOISE_TAG_LEN, NULL, 0, nonce, k1) == 0 &&
	    memcmp(pt, "attack at dawn", 14) == 0;
}

/* Given both X25519 ephemeral secrets, only XK falls; and vice versa. */
static void
test_passive_observer(void)
{
	static struct run x;

	/* Plain XK: the two ephemeral secrets are all it takes. */
	run_handshake(&x, 0);
	CHECK(x.ok);
	CHECK_INT(observe(&x, x.ei_sk, x.er_sk, NULL), 1);

	run_handshake(&x, 1);
	CHECK(x.ok);
	CHECK_INT(x.len[0], NOISE_HFS_MSG1_MIN);
	CHECK_INT(x.len[1], NOISE_HFS_MSG2_MIN);
	CHECK_INT(x.len[2], NOISE_MSG3_MIN + 2);
	/* Everything: the observer's replay is right. */
	CHECK_INT(observe(&x, x.ei_sk, x.er_sk, x.kem_seed), 1);
	/* Both X25519 ephemeral secrets, not the KEM secret. */
	CHECK_INT(observe(&x, x.ei_sk, x.er_sk, NULL), 0);
	/* The KEM secret, no X25519 secret ... */
	CHECK_INT(observe(&x, NULL, NULL, x.kem_seed), 0);
	/* ... or only one of them (se still needs e_r or s_i). */
	CHECK_INT(observe(&x, x.ei_sk, NULL, x.kem_seed), 0);
}

/* Round trip: sizes, agreement, and h differs from XK's. */
static void
test_hfs_roundtrip(void)
{
	static struct run a, b;
	int k;

	for (k = 0; k < 5; k++) {
		run_handshake(&a, 1);
		CHECK(a.ok);
	}
	run_handshake(&b, 0);
	CHECK(b.ok);
	CHECK_INT(b.len[0], NOISE_MSG1_MIN);
}

/* Flip one byte of message 1 or 2 at off: the reader fails with want. */
static int
tamper(int which, size_t off, int bad_e1)
{
	struct noise_hs *i, *r, *rd;
	uint8_t isk[32], ipk[32], rsk[32], rpk[32];
	static uint8_t msg[MSG_CAP], pay[MSG_CAP];
	size_t len, plen;
	int rc;

	crypto_box_keypair(ipk, isk);
	crypto_box_keypair(rpk, rsk);
	i = noise_hs_new_hfs(NOISE_INITIATOR, isk, ipk, rpk, NULL, 0);
	r = noise_hs_new_hfs(NOISE_RESPONDER, rsk, rpk, NULL, NULL, 0);
	rc = noise_hs_write(i, NULL, 0, msg, sizeof msg, &len);
	if (rc == 0 && which == 2) {
		rc = noise_hs_read(r, msg, len, pay, sizeof pay, &plen);
		if (rc == 0)
			rc = noise_hs_write(r, NULL, 0, msg, sizeof msg, &len);
	}
	rd = which == 1 ? r : i;
	if (rc == 0) {
		if (bad_e1) {		/* coefficient 0 of e1 := 4095 */
			msg[32] = 0xff;
			msg[33] |= 0x0f;
		} else
			msg[off] ^= 0x04;
		rc = noise_hs_read(rd, msg, len, pay, sizeof pay, &plen);
		/* After a failure the handshake is dead. */
		if (rc != 0 && noise_hs_write(rd, NULL, 0, msg, sizeof msg,
		    &len) != ERR_STATE)
			rc = -1000;
	}
	noise_hs_free(i);
	noise_hs_free(r);
	return rc;
}

static void
test_hfs_tamper(void)
{
	CHECK_INT(tamper(1, 0, 0), ERR_AUTH);		/* e */
	CHECK_INT(tamper(1, 32 + 500, 0), ERR_AUTH);	/* e1 (hashed) */
	CHECK_INT(tamper(1, 32 + 1184 + 3, 0), ERR_AUTH);
	CHECK_INT(tamper(1, 0, 1), ERR_PROTO);		/* e1 out of range */
	CHECK_INT(tamper(2, 0, 0), ERR_AUTH);		/* e */
	CHECK_INT(tamper(2, 32 + 700, 0), ERR_AUTH);	/* ekem1 */
	CHECK_INT(tamper(2, 32 + 1088 + 16 + 5, 0), ERR_AUTH);
}

/* XK and XKhfs do not complete a handshake with each other. */
static void
test_mixed(void)
{
	struct noise_hs *i, *r;
	uint8_t isk[32], ipk[32], rsk[32], rpk[32];
	static uint8_t msg[MSG_CAP], pay[MSG_CAP];
	size_t len, plen;

	crypto_box_keypair(ipk, isk);
	crypto_box_keypair(rpk, rsk);
	i = noise_hs_new(NOISE_INITIATOR, isk, ipk, rpk, NULL, 0);
	r = noise_hs_new_hfs(NOISE_RESPONDER, rsk, rpk, NULL, NULL, 0);
	CHECK_INT(noise_hs_write(i, NULL, 0, msg, sizeof msg, &len), 0);
	CHECK_INT(noise_hs_read(r, msg, len, pay, sizeof pay, &plen),
	    ERR_PROTO);
	noise_hs_free(i);
	noise_hs_free(r);

	i = noise_hs_new_hfs(NOISE_INITIATOR, isk, ipk, rpk, NULL, 0);
	r = noise_hs_new(NOISE_RESPONDER, rsk, rpk, NULL, NULL, 0);
	CHECK_INT(noise_hs_write(i, NULL, 0, msg, sizeof msg, &len), 0);
	CHECK_INT(noise_hs_read(r, msg, len, pay, sizeof pay, &plen),
	    ERR_AUTH);
	noise_hs_free(i);
	noise_hs_free(r);
	/* A short buffer for message 1 is ERR_TOOBIG, not an overrun. */
	i = noise_hs_new_hfs(NOISE_INITIATOR, isk, ipk, rpk, NULL, 0);
	CHECK_INT(noise_hs_write(i, NULL, 0, msg, NOISE_HFS_MSG1_MIN - 1,
	    &len), ERR_TOOBIG);
	noise_hs_free(i);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_hfs_roundtrip);
	RUN(test_hfs_tamper);
	RUN(test_mixed);
	RUN(test_passive_observer);
	return TEST_EXIT();
}
