/*
 * noise.c -- Noise_XK_25519_ChaChaPoly_SHA256 (Noise rev. 34) handshake and
 * transport CipherStates on libsodium, and its hybrid variant XKhfs with
 * ML-KEM-768 (the "hfs" extension: e1 sent with EncryptAndHash, ekem1 =
 * EncryptAndHash(ciphertext) then MixKey(shared secret)). Pure: no I/O.
 * Beyond the spec, Split also exports a third HKDF output of ck as the
 * ratchet's shared secret.
 */
#include <string.h>

#include <sodium.h>

#include "crypto/mlkem.h"
#include "crypto/noise.h"
#include "util/err.h"

#define NOISE_HASH_LEN	crypto_hash_sha256_BYTES
#define NOISE_DH_LEN	crypto_scalarmult_BYTES
#define NOISE_NONCE_MAX	UINT64_MAX	/* reserved by the spec */


struct noise_cs {
	uint8_t k[NOISE_KEY_LEN];
	uint64_t n;
	int has_key;
};

enum noise_step {
	NOISE_MSG1,
	NOISE_MSG2,
	NOISE_MSG3,
	NOISE_DONE,
	NOISE_SPLIT,
	NOISE_DEAD
};

struct noise_hs {
	enum noise_role role;
	enum noise_step step;
	int hfs;			/* XKhfs: the KEM tokens too */
	uint8_t ck[NOISE_HASH_LEN];
	uint8_t h[NOISE_HASH_LEN];
	struct noise_cs cs;
	uint8_t s_sk[NOISE_DH_LEN];
	uint8_t s_pk[NOISE_DH_LEN];
	uint8_t e_sk[NOISE_DH_LEN];
	uint8_t e_pk[NOISE_DH_LEN];
#ifdef WARREN_TESTING
	int e_fixed;
#endif
	uint8_t rs[NOISE_DH_LEN];
	int has_rs;
	uint8_t re[NOISE_DH_LEN];
	/* hfs: initiator's e1 (dk holds ek), responder's re1 and ekem1. */
	uint8_t e1_dk[MLKEM768_DK_LEN];
	uint8_t re1[MLKEM768_EK_LEN];
	uint8_t kem_ct[MLKEM768_CT_LEN];
	uint8_t kem_ss[MLKEM768_SS_LEN];
#ifdef WARREN_TESTING
	uint8_t kem_seed[64];
	int kem_fixed;
#endif
};

/* h = SHA-256(h || data). */
static void
mix_hash(struct noise_hs *hs, const uint8_t *data, size_t len)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, hs->h, sizeof hs->h);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, hs->h);
	sodium_memzero(&st, sizeof st);
}

/* HMAC-SHA256(key, a || b); b may be empty. */
static void
hmac2(uint8_t out[NOISE_HASH_LEN], const uint8_t key[NOISE_HASH_LEN],
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, NOISE_HASH_LEN);
	crypto_auth_hmacsha256_update(&st, a, alen);
	if (blen != 0)
		crypto_auth_hmacsha256_update(&st, b, blen);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

/* Noise's HKDF: up to three outputs (o3 may be NULL). */
static void
noise_hkdf(const uint8_t ck[NOISE_HASH_LEN], const uint8_t *ikm,
    size_t ikm_len, uint8_t o1[NOISE_HASH_LEN], uint8_t o2[NOISE_HASH_LEN],
    uint8_t *o3)
{
	uint8_t temp[NOISE_HASH_LEN], b;

	hmac2(temp, ck, ikm, ikm_len, NULL, 0);
	b = 0x01;
	hmac2(o1, temp, &b, 1, NULL, 0);
	b = 0x02;
	hmac2(o2, temp, o1, NOISE_HASH_LEN, &b, 1);
	if (o3 != NULL) {
		b = 0x03;
		hmac2(o3, temp, o2, NOISE_HASH_LEN, &b, 1);
	}
	sodium_memzero(temp, sizeof temp);
}

/* ck, k = HKDF(ck, dh); n = 0. */
static void
mix_key(struct noise_hs *hs, const uint8_t *ikm, size_t len)
{
	uint8_t ck[NOISE_HASH_LEN];

	noise_hkdf(hs->ck, ikm, len, ck, hs->cs.k, NULL);
	memcpy(hs->ck, ck, sizeof ck);
	hs->cs.n = 0;
	hs->cs.has_key = 1;
	sodium_memzero(ck, sizeof ck);
}

/* The 96-bit ChaChaPoly nonce: 32 zero bits, then n little-endian. */
static void
cs_nonce(uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES],
    uint64_t n)
{
	int i;

	memset(nonce, 0, 4);
	for (i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(n >> (8 * i));
}

/* DH into a fresh MixKey; ERR_CRYPTO for an all-zero (low-order) result. */
static int
mix_dh(struct noise_hs *hs, const uint8_t sk[NOISE_DH_LEN],
    const uint8_t pk[NOISE_DH_LEN])
{
	uint8_t dh[NOISE_DH_LEN];
	int r = 0;

	if (crypto_scalarmult(dh, sk, pk) != 0)
		r = ERR_CRYPTO;
	else
		mix_key(hs, dh, sizeof dh);
	sodium_memzero(dh, sizeof dh);
	return r;
}

/* EncryptAndHash: out gets len (+ tag once keyed) bytes. */
static int
encrypt_and_hash(struct noise_hs *hs, const uint8_t *in, size_t len,
    uint8_t *out, size_t *out_len)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
	unsigned long long clen;

	if (!hs->cs.has_key) {
		if (len != 0)
			memmove(out, in, len);
		*out_len = len;
	} else {
		if (hs->cs.n == NOISE_NONCE_MAX)
			return ERR_STATE;
		cs_nonce(nonce, hs->cs.n);
		crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, in, len,
		    hs->h, sizeof hs->h, NULL, nonce, hs->cs.k);
		hs->cs.n++;
		*out_len = (size_t)clen;
	}
	mix_hash(hs, out, *out_len);
	return 0;
}

/* DecryptAndHash: out gets len (- tag once keyed) bytes. */
static int
decrypt_and_hash(struct noise_hs *hs, const uint8_t *in, size_t len,
    uint8_t *out)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	if (!hs->cs.has_key) {
		if (len != 0)
			memmove(out, in, len);
	} else {
		if (hs->cs.n == NOISE_NONCE_MAX)
			return ERR_STATE;
		if (len < NOISE_TAG_LEN)
			return ERR_PROTO;
		cs_nonce(nonce, hs->cs.n);
		if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL,
		    in, len, hs->h, sizeof hs->h, nonce, hs->cs.k) != 0)
			return ERR_AUTH;
		hs->cs.n++;
	}
	mix_hash(hs, in, len);
	return 0;
}

/* Our ephemeral: the injected one (test builds) or a fresh random one. */
static void
make_ephemeral(struct noise_hs *hs)
{
#ifdef WARREN_TESTING
	if (hs->e_fixed) {
		hs->e_fixed = 0;
		return;
	}
#endif
	crypto_box_keypair(hs->e_pk, hs->e_sk);
}

/* Our e1 (initiator): the injected seed (test builds) or a random one. */
static void
make_kem_keypair(struct noise_hs *hs, uint8_t ek[MLKEM768_EK_LEN])
{
#ifdef WARREN_TESTING
	if (hs->kem_fixed) {
		hs->kem_fixed = 0;
		mlkem768_keypair_derand(ek, hs->e1_dk, hs->kem_seed,
		    hs->kem_seed + 32);
		return;
	}
#endif
	mlkem768_keypair(ek, hs->e1_dk);
}

/* Encapsulate to re1 (responder): ERR_PROTO if re1 is not a valid key. */
static int
make_kem_ct(struct noise_hs *hs)
{
#ifdef WARREN_TESTING
	if (hs->kem_fixed) {
		hs->kem_fixed = 0;
		return mlkem768_encaps_derand(hs->kem_ct, hs->kem_ss, hs->re1,
		    hs->kem_seed) == 0 ? 0 : ERR_PROTO;
	}
#endif
	return mlkem768_encaps(hs->kem_ct, hs->kem_ss, hs->re1) == 0 ? 0 :
	    ERR_PROTO;
}

static struct noise_hs *hs_new(int, enum noise_role, const uint8_t *,
    const uint8_t *, const uint8_t *, const uint8_t *, size_t);

/* Start a handshake; see noise.h. */
struct noise_hs *
noise_hs_new(enum noise_role role, const uint8_t s_sk[32],
    const uint8_t s_pk[32], const uint8_t *rs, const uint8_t *prologue,
    size_t prologue_len)
{
	return hs_new(0, role, s_sk, s_pk, rs, prologue, prologue_len);
}

/* Start a hybrid handshake; see noise.h. */
struct noise_hs *
noise_hs_new_hfs(enum noise_role role, const uint8_t s_sk[32],
    const uint8_t s_pk[32], const uint8_t *rs, const uint8_t *prologue,
    size_t prologue_len)
{
	return hs_new(1, role, s_sk, s_pk, rs, prologue, prologue_len);
}

static struct noise_hs *
hs_new(int hfs, enum noise_role role, const uint8_t *s_sk,
    const uint8_t *s_pk, const uint8_t *rs, const uint8_t *prologue,
    size_t prologue_len)
{
	struct noise_hs *hs;

	if ((role != NOISE_INITIATOR && role != NOISE_RESPONDER) ||
	    (role == NOISE_INITIATOR && rs == NULL) ||
	    (prologue == NULL && prologue_len != 0))
		return NULL;
	if (sodium_init() < 0 || (hs = sodium_malloc(sizeof *hs)) == NULL)
		return NULL;
	memset(hs, 0, sizeof *hs);
	hs->role = role;
	hs->step = NOISE_MSG1;
	hs->hfs = hfs;
	memcpy(hs->s_sk, s_sk, NOISE_DH_LEN);
	memcpy(hs->s_pk, s_pk, NOISE_DH_LEN);

	if (hfs)	/* longer than HASHLEN: h = HASH(name) */
		crypto_hash_sha256(hs->h, (const uint8_t *)NOISE_HFS_NAME,
		    sizeof NOISE_HFS_NAME - 1);
	else		/* exactly HASHLEN bytes: h is the name */
		memcpy(hs->h, NOISE_PROTOCOL_NAME, NOISE_HASH_LEN);
	memcpy(hs->ck, hs->h, NOISE_HASH_LEN);
	mix_hash(hs, prologue, prologue_len);
	if (role == NOISE_INITIATOR) {
		memcpy(hs->rs, rs, NOISE_DH_LEN);
		hs->has_rs = 1;
		mix_hash(hs, hs->rs, NOISE_DH_LEN);
	} else
		mix_hash(hs, hs->s_pk, NOISE_DH_LEN);
	return hs;
}

#ifdef WARREN_TESTING
/* Test builds only (libwarrentest.a): fix the next ephemeral key. */
void
noise_hs_set_ephemeral(struct noise_hs *hs, const uint8_t e_sk[32])
{
	memcpy(hs->e_sk, e_sk, NOISE_DH_LEN);
	crypto_scalarmult_base(hs->e_pk, hs->e_sk);
	hs->e_fixed = 1;
}

/* Test builds only: fix e1's seed d || z, or ekem1's m (first 32). */
void
noise_hs_set_kem_seed(struct noise_hs *hs, const uint8_t seed[64])
{
	memcpy(hs->kem_seed, seed, sizeof hs->kem_seed);
	hs->kem_fixed = 1;
}
#endif

/* The smallest size of the current message (its payload empty). */
static size_t
msg_min(const struct noise_hs *hs)
{
	switch (hs->step) {
	case NOISE_MSG1:
		return hs->hfs ? NOISE_HFS_MSG1_MIN : NOISE_MSG1_MIN;
	case NOISE_MSG2:
		return hs->hfs ? NOISE_HFS_MSG2_MIN : NOISE_MSG2_MIN;
	default:
		return NOISE_MSG3_MIN;
	}
}

/* Is it our turn to write? */
static int
our_turn_to_write(const struct noise_hs *hs)
{
	if (hs->step == NOISE_MSG2)
		return hs->role == NOISE_RESPONDER;
	if (hs->step == NOISE_MSG1 || hs->step == NOISE_MSG3)
		return hs->role == NOISE_INITIATOR;
	return 0;
}

/* Write the next handshake message. */
int
noise_hs_write(struct noise_hs *hs, const uint8_t *payload, size_t len,
    uint8_t *out, size_t cap, size_t *out_len)
{
	size_t need, off = 0, n;
	int r;

	*out_len = 0;
	if (!our_turn_to_write(hs))
		return ERR_STATE;
	if (payload == NULL && len != 0)
		return ERR_INVAL;
	need = msg_min(hs);
	if (len > NOISE_MAX_MSG - need || len + need > cap)
		return ERR_TOOBIG;

	switch (hs->step) {
	case NOISE_MSG1:	/* -> e, es  or  -> e, e1, es */
		make_ephemeral(hs);
		memcpy(out, hs->e_pk, NOISE_DH_LEN);
		mix_hash(hs, hs->e_pk, NOISE_DH_LEN);
		off = NOISE_DH_LEN;
		if (hs->hfs) {
			make_kem_keypair(hs, out + off);
			if ((r = encrypt_and_hash(hs, out + off,
			    MLKEM768_EK_LEN, out + off, &n)) != 0)
				break;
			off += n;
		}
		r = mix_dh(hs, hs->e_sk, hs->rs);
		break;
	case NOISE_MSG2:	/* <- e, ee  or  <- e, ee, ekem1 */
		make_ephemeral(hs);
		memcpy(out, hs->e_pk, NOISE_DH_LEN);
		mix_hash(hs, hs->e_pk, NOISE_DH_LEN);
		off = NOISE_DH_LEN;
		if ((r = mix_dh(hs, hs->e_sk, hs->re)) != 0 || !hs->hfs)
			break;
		if ((r = encrypt_and_hash(hs, hs->kem_ct, MLKEM768_CT_LEN,
		    out + off, &n)) != 0)
			break;
		off += n;
		mix_key(hs, hs->kem_ss, MLKEM768_SS_LEN);
		sodium_memzero(hs->kem_ss, sizeof hs->kem_ss);
		break;
	default:		/* -> s, se */
		if ((r = encrypt_and_hash(hs, hs->s_pk, NOISE_DH_LEN, out,
		    &n)) != 0)
			break;
		off = n;
		r = mix_dh(hs, hs->s_sk, hs->re);
		break;
	}
	if (r == 0)
		r = encrypt_and_hash(hs, payload, len, out + off, &n);
	if (r != 0) {
		hs->step = NOISE_DEAD;
		sodium_memzero(out, cap);
		return r;
	}
	*out_len = off + n;
	hs->step++;
	return 0;
}

/* Read the next handshake message. */
int
noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len,
    uint8_t *payload, size_t cap, size_t *payload_len)
{
	size_t need, off;
	int r;

	*payload_len = 0;
	if (hs->step > NOISE_MSG3 || our_turn_to_write(hs))
		return ERR_STATE;
	need = msg_min(hs);
	if (len < need || len > NOISE_MAX_MSG) {
		r = ERR_PROTO;
		goto fail;
	}
	if (len - need > cap) {
		r = ERR_TOOBIG;
		goto fail;
	}

	switch (hs->step) {
	case NOISE_MSG1:	/* -> e, es  or  -> e, e1, es */
		memcpy(hs->re, msg, NOISE_DH_LEN);
		mix_hash(hs, hs->re, NOISE_DH_LEN);
		off = NOISE_DH_LEN;
		if (hs->hfs) {
			/* Not keyed yet: e1 is in the clear, hashed. */
			if ((r = decrypt_and_hash(hs, msg + off,
			    MLKEM768_EK_LEN, hs->re1)) != 0 ||
			    (r = make_kem_ct(hs)) != 0)
				break;
			off += MLKEM768_EK_LEN;
		}
		r = mix_dh(hs, hs->s_sk, hs->re);
		break;
	case NOISE_MSG2:	/* <- e, ee  or  <- e, ee, ekem1 */
		memcpy(hs->re, msg, NOISE_DH_LEN);
		mix_hash(hs, hs->re, NOISE_DH_LEN);
		off = NOISE_DH_LEN;
		if ((r = mix_dh(hs, hs->e_sk, hs->re)) != 0 || !hs->hfs)
			break;
		if ((r = decrypt_and_hash(hs, msg + off,
		    MLKEM768_CT_LEN + NOISE_TAG_LEN, hs->kem_ct)) != 0)
			break;
		off += MLKEM768_CT_LEN + NOISE_TAG_LEN;
		if (mlkem768_decaps(hs->kem_ss, hs->kem_ct, hs->e1_dk) != 0) {
			r = ERR_CRYPTO;
			break;
		}
		mix_key(hs, hs->kem_ss, MLKEM768_SS_LEN);
		sodium_memzero(hs->kem_ss, sizeof hs->kem_ss);
		sodium_memzero(hs->e1_dk, sizeof hs->e1_dk);
		break;
	default:		/* -> s, se */
		off = NOISE_DH_LEN + NOISE_TAG_LEN;
		if ((r = decrypt_and_hash(hs, msg, off, hs->rs)) != 0)
			break;
		hs->has_rs = 1;
		r = mix_dh(hs, hs->e_sk, hs->rs);
		break;
	}
	if (r == 0)
		r = decrypt_and_hash(hs, msg + off, len - off, payload);
	if (r != 0)
		goto fail;
	*payload_len = len - need;
	hs->step++;
	return 0;

fail:
	hs->step = NOISE_DEAD;
	if (payload != NULL && cap != 0)
		sodium_memzero(payload, cap);
	return r;
}

/* 1 once all three messages are done. */
int
noise_hs_done(const struct noise_hs *hs)
{
	return hs->step == NOISE_DONE || hs->step == NOISE_SPLIT;
}

/* The remote static key, or NULL while unknown. */
const uint8_t *
noise_hs_remote_static(const struct noise_hs *hs)
{
	return hs->has_rs ? hs->rs : NULL;
}

/* The handshake hash (public). */
const uint8_t *
noise_hs_hash(const struct noise_hs *hs)
{
	return hs->h;
}

/* A new keyed CipherState, or NULL. */
static struct noise_cs *
cs_new(const uint8_t k[NOISE_KEY_LEN])
{
	struct noise_cs *cs;

	if ((cs = sodium_malloc(sizeof *cs)) == NULL)
		return NULL;
	memcpy(cs->k, k, NOISE_KEY_LEN);
	cs->n = 0;
	cs->has_key = 1;
	return cs;
}

/* Split into transport CipherStates and export the ratchet secret. */
int
noise_hs_split(struct noise_hs *hs, struct noise_cs **send,
    struct noise_cs **recv, uint8_t secret[32])
{
	uint8_t k1[NOISE_HASH_LEN], k2[NOISE_HASH_LEN];
	struct noise_cs *a = NULL, *b = NULL;
	int r = 0;

	*send = *recv = NULL;
	if (hs->step != NOISE_DONE)
		return ERR_STATE;
	noise_hkdf(hs->ck, NULL, 0, k1, k2, secret);
	if ((a = cs_new(k1)) == NULL || (b = cs_new(k2)) == NULL) {
		r = ERR_NOMEM;
		sodium_memzero(secret, 32);
		goto out;
	}
	if (hs->role == NOISE_INITIATOR) {
		*send = a;
		*recv = b;
	} else {
		*send = b;
		*recv = a;
	}
	a = b = NULL;
	hs->step = NOISE_SPLIT;
out:
	sodium_memzero(hs->ck, sizeof hs->ck);
	sodium_memzero(&hs->cs, sizeof hs->cs);
	sodium_memzero(hs->e_sk, sizeof hs->e_sk);
	sodium_memzero(hs->e1_dk, sizeof hs->e1_dk);
	sodium_memzero(hs->kem_ss, sizeof hs->kem_ss);
	sodium_memzero(k1, sizeof k1);
	sodium_memzero(k2, sizeof k2);
	noise_cs_free(a);
	noise_cs_free(b);
	return r;
}

/* Free a handshake; sodium_free zeroes it. */
void
noise_hs_free(struct noise_hs *hs)
{
	if (hs != NULL)
		sodium_free(hs);
}

/* Encrypt one transport message. */
int
noise_cs_encrypt(struct noise_cs *cs, const uint8_t *ad, size_t ad_len,
    const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	if (cs->n == NOISE_NONCE_MAX)
		return ERR_STATE;
	if (len > NOISE_MAX_MSG - NOISE_TAG_LEN)
		return ERR_TOOBIG;
	cs_nonce(nonce, cs->n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, in, len, ad,
	    ad_len, NULL, nonce, cs->k);
	cs->n++;
	return 0;
}

/* Decrypt one transport message; the nonce advances only on success. */
int
noise_cs_decrypt(struct noise_cs *cs, const uint8_t *ad, size_t ad_len,
    const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	if (cs->n == NOISE_NONCE_MAX)
		return ERR_STATE;
	if (len < NOISE_TAG_LEN)
		return ERR_PROTO;
	if (len > NOISE_MAX_MSG)
		return ERR_TOOBIG;
	cs_nonce(nonce, cs->n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, in,
	    len, ad, ad_len, nonce, cs->k) != 0)
		return ERR_AUTH;
	cs->n++;
	return 0;
}

/* Free a CipherState; sodium_free zeroes it. */
void
noise_cs_free(struct noise_cs *cs)
{
	if (cs != NULL)
		sodium_free(cs);
}

#ifdef WARREN_TESTING
/* Test builds only (libwarrentest.a): jump the nonce. */
void
noise_cs_set_nonce(struct noise_cs *cs, uint64_t n)
{
	cs->n = n;
}
#endif
