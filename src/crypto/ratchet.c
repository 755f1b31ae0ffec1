/*
 * ratchet.c -- the Double Ratchet (Signal rev. 1) as DESIGN.md section 6
 * decides: X25519, KDF_RK = HKDF-SHA256(rk, dh, "warren/1 root"), chain
 * step by keyed BLAKE2b (one constant for mk, another for ck),
 * XChaCha20-Poly1305 with a random nonce in front of the ciphertext. Decrypt computes into locals and a scratch area and
 * commits only on success, so the state never changes on error without
 * copying it. Skipped keys: at most RATCHET_MAX_SKIP in all (oldest dropped
 * first) and only for the last RATCHET_MAX_CHAINS receiving chains, both
 * counted in events, never in time (DR section 6.7).
 *
 * KEM step (doc/PROTOCOL.md "KEM step"): after RATCHET_KEM_MSGS messages
 * sent or RATCHET_KEM_SECS since a KEM secret last entered the root key,
 * the sender makes an ML-KEM-768 key pair and puts the encapsulation key
 * (ek) in the header of that message and of the first message of each new
 * sending chain until answered. The peer encapsulates to it at its next
 * DH ratchet step, mixes the secret into that KDF_RK (ikm = dh || ss) and
 * puts the ciphertext in every header of the new sending chain; the
 * sender decapsulates it at the matching receiving step.
 */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypto/hkdf.h"
#include "crypto/mlkem.h"
#include "crypto/ratchet.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/xmalloc.h"

#define RATCHET_KEY_LEN		32
#define RATCHET_NONCE_LEN	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define RATCHET_TAG_LEN		crypto_aead_xchacha20poly1305_ietf_ABYTES
#define RATCHET_MAX_CHAINS	5	/* old receiving chains kept */
#define RATCHET_VERSION		2	/* written; 1 (no KEM) is still read */
#define RATCHET_ROOT_INFO	"warren/1 root"
#define RATCHET_ROOT_KEM_INFO	"warren/2 root kem"
#define RATCHET_AD_LABEL	"warren/1 "
#define RATCHET_AD_FIXED	(sizeof RATCHET_AD_LABEL - 1 + 2 * 32)
#define RATCHET_EK_LEN		MLKEM768_EK_LEN
#define RATCHET_DK_LEN		MLKEM768_DK_LEN
#define RATCHET_CT_LEN		MLKEM768_CT_LEN
#define RATCHET_EK_OFF		1152	/* the ek inside an ML-KEM dk */
/* Caller AD up to this many bytes needs no malloc. */
#define RATCHET_AD_STACK	256
#define RATCHET_NONCE_POOL	64	/* nonces fetched at once */

#define HAVE_DHR		0x01
#define HAVE_CKS		0x02
#define HAVE_CKR		0x04
#define HAVE_ALL		(HAVE_DHR | HAVE_CKS | HAVE_CKR)

#define KEM_DK			0x01	/* our key pair, ek advertised */
#define KEM_PEER_EK		0x02	/* theirs, to encapsulate to */
#define KEM_CT			0x04	/* ct for every header of this chain */
#define KEM_ALL			(KEM_DK | KEM_PEER_EK | KEM_CT)

/*
 * Serialised (version 1): u8 version, u8 flags, self pk, peer pk, dhs sk,
 * dhs pk, dhr, rk, cks, ckr (32 each), u32 BE ns, nr, pn; u8 count and the
 * old chains' keys (32 each); u16 BE count and the skipped keys (dh 32,
 * u32 BE n, mk 32). Absent keys are zero; the parser insists on it.
 * Version 2 appends the KEM state: u8 flags, u32 BE messages sent since
 * the last KEM secret, u64 BE its time, 32 hash of the last peer ek used,
 * then dk (2400) if KEM_DK, peer ek (1184) if KEM_PEER_EK, ct (1088) if
 * KEM_CT. A version 1 state reads as "KEM step due".
 */
#define SER_FIXED		(2 + 8 * 32 + 3 * 4)
#define SER_SKIPPED		(32 + 4 + 32)
#define SER_KEM_FIXED		(1 + 4 + 8 + 32)

struct skipped {
	uint8_t dh[32];
	uint32_t n;
	uint8_t mk[RATCHET_KEY_LEN];
};

struct ratchet {
	uint8_t self_pk[32];
	uint8_t peer_pk[32];
	uint8_t dhs_sk[32];
	uint8_t dhs_pk[32];
	uint8_t dhr[32];
	uint8_t rk[RATCHET_KEY_LEN];
	uint8_t cks[RATCHET_KEY_LEN];
	uint8_t ckr[RATCHET_KEY_LEN];
	uint32_t ns, nr, pn;
	unsigned int flags;
	unsigned int n_old;			/* oldest first */
	uint8_t old_dhr[RATCHET_MAX_CHAINS][32];
	unsigned int n_skipped;			/* oldest first */
	struct skipped skipped[RATCHET_MAX_SKIP];
	unsigned int kem_flags;
	uint32_t kem_sent;		/* messages sent since the last KEM */
	int64_t kem_time;		/* unix time of the last KEM; 0 never */
	unsigned int kem_steps;		/* not state: for tests */
	uint8_t kem_used[32];		/* hash of the last peer ek used */
	uint8_t kem_dk[RATCHET_DK_LEN];
	uint8_t kem_peer_ek[RATCHET_EK_LEN];
	uint8_t kem_ct[RATCHET_CT_LEN];

	/* Not state: keys derived by a decrypt that has not succeeded yet. */
	unsigned int n_pending;
	struct skipped pending[RATCHET_MAX_SKIP];
#ifdef WARREN_TESTING
	ratchet_key_hook *hook;
	void *hook_arg;
	int64_t fake_now;
	int kem_off;
#endif

	/*
	 * Random nonces, fetched in batches: one getrandom per message is
	 * the slowest part of encrypt. Never persisted, so a state restored
	 * from disk still draws fresh nonces.
	 */
	unsigned int pool_used;
	uint8_t pool[RATCHET_NONCE_POOL][RATCHET_NONCE_LEN];
};

/* A zeroed state in sodium_malloc memory, or NULL. */
static struct ratchet *
ratchet_alloc(void)
{
	struct ratchet *r;

	if (sodium_init() < 0 || (r = sodium_malloc(sizeof *r)) == NULL)
		return NULL;
	memset(r, 0, sizeof *r);
	r->pool_used = RATCHET_NONCE_POOL;
	return r;
}

/* A fresh random nonce from the pool. */
static void
next_nonce(struct ratchet *r, uint8_t nonce[RATCHET_NONCE_LEN])
{
	if (r->pool_used == RATCHET_NONCE_POOL) {
		randombytes_buf(r->pool, sizeof r->pool);
		r->pool_used = 0;
	}
	memcpy(nonce, r->pool[r->pool_used], RATCHET_NONCE_LEN);
	sodium_memzero(r->pool[r->pool_used], RATCHET_NONCE_LEN);
	r->pool_used++;
}

/* Free a state; sodium_free zeroes it. */
void
ratchet_free(struct ratchet *r)
{
	if (r != NULL)
		sodium_free(r);
}

/*
 * KDF_RK: (rk, ck) = HKDF-SHA256(salt = rk, ikm = dh, info); at a KEM
 * step ikm = dh || ss and info = RATCHET_ROOT_KEM_INFO.
 */
static int
kdf_rk_kem(uint8_t rk_out[32], uint8_t ck_out[32], const uint8_t rk[32],
    const uint8_t dh[32], const uint8_t *ss)
{
	uint8_t okm[64], ikm[64];
	int r;

	memcpy(ikm, dh, 32);
	if (ss != NULL) {
		memcpy(ikm + 32, ss, 32);
		r = hkdf_sha256(okm, sizeof okm, rk, 32, ikm, 64,
		    (const uint8_t *)RATCHET_ROOT_KEM_INFO,
		    sizeof RATCHET_ROOT_KEM_INFO - 1);
	} else
		r = hkdf_sha256(okm, sizeof okm, rk, 32, ikm, 32,
		    (const uint8_t *)RATCHET_ROOT_INFO,
		    sizeof RATCHET_ROOT_INFO - 1);
	sodium_memzero(ikm, sizeof ikm);
	if (r == 0) {
		memcpy(rk_out, okm, 32);
		memcpy(ck_out, okm + 32, 32);
	}
	sodium_memzero(okm, sizeof okm);
	return r;
}

static int
kdf_rk(uint8_t rk_out[32], uint8_t ck_out[32], const uint8_t rk[32],
    const uint8_t dh[32])
{
	return kdf_rk_kem(rk_out, ck_out, rk, dh, NULL);
}

/* The clock, in unix seconds. */
static int64_t
ratchet_now(const struct ratchet *r)
{
#ifdef WARREN_TESTING
	if (r->fake_now != 0)
		return r->fake_now;
#else
	(void)r;
#endif
	return (int64_t)time(NULL);
}

/* A KEM secret entered the root key: the next step is due from now. */
static void
kem_done(struct ratchet *r)
{
	r->kem_sent = 0;
	r->kem_time = ratchet_now(r);
	r->kem_steps++;
}

/* Does ek pass ML-KEM's modulus check (FIPS 203 7.2)? */
static int
kem_ek_ok(const uint8_t ek[RATCHET_EK_LEN])
{
	uint8_t ct[RATCHET_CT_LEN], ss[32], m[32];
	int ok;

	memset(m, 0, sizeof m);
	ok = mlkem768_encaps_derand(ct, ss, ek, m) == 0;
	sodium_memzero(ss, sizeof ss);
	return ok;
}

/* Hash naming a peer ek (so a repeated one is not answered twice). */
static void
kem_ek_id(uint8_t id[32], const uint8_t ek[RATCHET_EK_LEN])
{
	crypto_generichash(id, 32, ek, RATCHET_EK_LEN, NULL, 0);
}

/* A header split into its parts; ek, ct NULL if absent. */
struct hdr_view {
	const uint8_t *ek;
	const uint8_t *ct;
};

/* Parse a header's KEM extension; ERR_PROTO if malformed. */
static int
hdr_parse(const uint8_t *hdr, size_t hdr_len, struct hdr_view *v)
{
	size_t want = RATCHET_HEADER_LEN + 1;
	uint8_t f;

	v->ek = v->ct = NULL;
	if (hdr_len == RATCHET_HEADER_LEN)
		return 0;
	if (hdr_len < want)
		return ERR_PROTO;
	f = hdr[RATCHET_HEADER_LEN];
	if (f == 0 || (f & ~(RATCHET_HDR_EK | RATCHET_HDR_CT)) != 0)
		return ERR_PROTO;
	if (f & RATCHET_HDR_EK) {
		v->ek = hdr + want;
		want += RATCHET_EK_LEN;
	}
	if (f & RATCHET_HDR_CT) {
		v->ct = hdr + want;
		want += RATCHET_CT_LEN;
	}
	return hdr_len == want ? 0 : ERR_PROTO;
}

/*
 * KDF_CK: mk and the next ck, each one keyed BLAKE2b-256 under ck. The two
 * outputs differ in their constant, carried in BLAKE2b's personalisation
 * block rather than as a one-byte message: with an empty message the key
 * block is the only block, so each output costs one compression, not two.
 */
static void
kdf_ck(uint8_t ck[RATCHET_KEY_LEN], uint8_t mk[RATCHET_KEY_LEN])
{
	static const uint8_t mk_label[16] = "warren/1 ck mk\x01";
	static const uint8_t ck_label[16] = "warren/1 ck ck\x02";
	uint8_t next[RATCHET_KEY_LEN];

	crypto_generichash_blake2b_salt_personal(mk, RATCHET_KEY_LEN, NULL, 0,
	    ck, RATCHET_KEY_LEN, NULL, mk_label);
	crypto_generichash_blake2b_salt_personal(next, RATCHET_KEY_LEN, NULL,
	    0, ck, RATCHET_KEY_LEN, NULL, ck_label);
	memcpy(ck, next, sizeof next);
	sodium_memzero(next, sizeof next);
}

/* X25519, refusing an all-zero (non-contributory) result. */
static int
dh(uint8_t out[32], const uint8_t sk[32], const uint8_t pk[32])
{
	if (crypto_scalarmult(out, sk, pk) != 0) {
		sodium_memzero(out, 32);
		return ERR_CRYPTO;
	}
	return 0;
}

/* AD = label || sender pk || recipient pk || header || caller ad. */
static uint8_t *
build_ad(uint8_t *stackbuf, const uint8_t *sender, const uint8_t *recipient,
    const uint8_t *hdr, size_t hdr_len, const uint8_t *ad, size_t ad_len)
{
	uint8_t *buf = stackbuf, *p;

	if (ad_len > RATCHET_AD_STACK || hdr_len > RATCHET_HEADER_MAX)
		buf = xmalloc(RATCHET_AD_FIXED + hdr_len + ad_len);
	p = buf;
	memcpy(p, RATCHET_AD_LABEL, sizeof RATCHET_AD_LABEL - 1);
	p += sizeof RATCHET_AD_LABEL - 1;
	memcpy(p, sender, 32);
	memcpy(p + 32, recipient, 32);
	memcpy(p + 64, hdr, hdr_len);
	if (ad_len != 0)
		memcpy(p + 64 + hdr_len, ad, ad_len);
	return buf;
}

/* Open nonce || ciphertext with mk; 0 or ERR_AUTH. */
static int
aead_open(const struct ratchet *r, const uint8_t mk[RATCHET_KEY_LEN],
    const uint8_t *ad, size_t ad_len, const uint8_t *hdr, size_t hdr_len,
    const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t stackbuf[RATCHET_AD_FIXED + RATCHET_HEADER_MAX +
	    RATCHET_AD_STACK], *adbuf;
	int rc;

	adbuf = build_ad(stackbuf, r->peer_pk, r->self_pk, hdr, hdr_len, ad,
	    ad_len);
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL,
	    in + RATCHET_NONCE_LEN, len - RATCHET_NONCE_LEN, adbuf,
	    RATCHET_AD_FIXED + hdr_len + ad_len, in, mk);
	if (adbuf != stackbuf)
		free(adbuf);
	return rc == 0 ? 0 : ERR_AUTH;
}

/* Common initialisation of both sides. */
static int
ratchet_start(struct ratchet **out, const uint8_t self_pk[32],
    const uint8_t peer_pk[32])
{
	if ((*out = ratchet_alloc()) == NULL)
		return ERR_NOMEM;
	memcpy((*out)->self_pk, self_pk, 32);
	memcpy((*out)->peer_pk, peer_pk, 32);
	/* The handshake was hybrid: the first KEM step is due later. */
	(*out)->kem_time = ratchet_now(*out);
	return 0;
}

/* RatchetInitAlice. */
int
ratchet_init_alice(struct ratchet **out, const uint8_t sk[32],
    const uint8_t bob_pub[32], const uint8_t self_pk[32],
    const uint8_t peer_pk[32])
{
	struct ratchet *r;
	uint8_t shared[32];
	int rc;

	if ((rc = ratchet_start(&r, self_pk, peer_pk)) != 0)
		return rc;
	crypto_box_keypair(r->dhs_pk, r->dhs_sk);
	memcpy(r->dhr, bob_pub, 32);
	if ((rc = dh(shared, r->dhs_sk, r->dhr)) != 0 ||
	    (rc = kdf_rk(r->rk, r->cks, sk, shared)) != 0)
		goto out;
	r->flags = HAVE_DHR | HAVE_CKS;
	*out = r;
	r = NULL;
out:
	sodium_memzero(shared, sizeof shared);
	ratchet_free(r);
	return rc;
}

/* RatchetInitBob. */
int
ratchet_init_bob(struct ratchet **out, const uint8_t sk[32],
    const uint8_t bob_sk[32], const uint8_t bob_pub[32],
    const uint8_t self_pk[32], const uint8_t peer_pk[32])
{
	struct ratchet *r;
	uint8_t check[32];
	int rc;

	crypto_scalarmult_base(check, bob_sk);
	if (sodium_memcmp(check, bob_pub, 32) != 0)
		return ERR_INVAL;
	if ((rc = ratchet_start(&r, self_pk, peer_pk)) != 0)
		return rc;
	memcpy(r->dhs_sk, bob_sk, 32);
	memcpy(r->dhs_pk, bob_pub, 32);
	memcpy(r->rk, sk, 32);
	*out = r;
	return 0;
}

/* 1 if this side has a sending chain. */
int
ratchet_can_send(const struct ratchet *r)
{
	return (r->flags & HAVE_CKS) != 0;
}

#ifdef WARREN_TESTING
/* Test builds only (libwarrentest.a): see every sending message key. */
void
ratchet_set_key_hook(struct ratchet *r, ratchet_key_hook *hook, void *arg)
{
	r->hook = hook;
	r->hook_arg = arg;
}

void
ratchet_set_clock(struct ratchet *r, int64_t now)
{
	r->fake_now = now;
}

void
ratchet_set_kem(struct ratchet *r, int on)
{
	r->kem_off = !on;
}

unsigned int
ratchet_kem_steps(const struct ratchet *r)
{
	return r->kem_steps;
}
#endif

/* Is a KEM step of ours due? */
static int
kem_due(const struct ratchet *r)
{
	int64_t now;

#ifdef WARREN_TESTING
	if (r->kem_off)
		return 0;
#endif
	if (r->kem_flags & KEM_DK)
		return 0;	/* one is under way */
	if (r->kem_sent >= RATCHET_KEM_MSGS - 1)
		return 1;	/* this is the RATCHET_KEM_MSGS-th message */
	now = ratchet_now(r);
	return now < r->kem_time || now - r->kem_time >= RATCHET_KEM_SECS;
}

/* RatchetEncrypt. */
int
ratchet_encrypt(struct ratchet *r, const uint8_t *ad, size_t ad_len,
    const uint8_t *in, size_t len, uint8_t hdr[RATCHET_HEADER_MAX],
    size_t *hdr_len, uint8_t *out)
{
	uint8_t stackbuf[RATCHET_AD_FIXED + RATCHET_HEADER_MAX +
	    RATCHET_AD_STACK], *adbuf;
	uint8_t mk[RATCHET_KEY_LEN], ek[RATCHET_EK_LEN], f = 0;
	size_t hl = RATCHET_HEADER_LEN;
	int fresh = 0;

	if (!(r->flags & HAVE_CKS) || r->ns == UINT32_MAX)
		return ERR_STATE;
	if ((ad == NULL && ad_len != 0) || (in == NULL && len != 0))
		return ERR_INVAL;
	if (len > SIZE_MAX - RATCHET_OVERHEAD ||
	    ad_len > SIZE_MAX - RATCHET_AD_FIXED)
		return ERR_TOOBIG;
	if (kem_due(r)) {
		if (mlkem768_keypair(ek, r->kem_dk) != 0)
			return ERR_CRYPTO;
		r->kem_flags |= KEM_DK;
		fresh = 1;
	}
	kdf_ck(r->cks, mk);
#ifdef WARREN_TESTING
	if (r->hook != NULL)
		r->hook(mk, r->hook_arg);
#endif
	memcpy(hdr, r->dhs_pk, 32);
	store_be32(hdr + 32, r->pn);
	store_be32(hdr + 36, r->ns);
	/* Our ek: when made, then on each new chain until answered. */
	if ((r->kem_flags & KEM_DK) && (fresh || r->ns == 0)) {
		f |= RATCHET_HDR_EK;
		memcpy(hdr + hl + 1, r->kem_dk + RATCHET_EK_OFF,
		    RATCHET_EK_LEN);
		hl += RATCHET_EK_LEN;
	}
	if (r->kem_flags & KEM_CT) {
		f |= RATCHET_HDR_CT;
		memcpy(hdr + hl + 1, r->kem_ct, RATCHET_CT_LEN);
		hl += RATCHET_CT_LEN;
	}
	if (f != 0) {
		hdr[RATCHET_HEADER_LEN] = f;
		hl++;
	}
	*hdr_len = hl;
	r->ns++;
	if (r->kem_sent != UINT32_MAX)
		r->kem_sent++;

	next_nonce(r, out);
	adbuf = build_ad(stackbuf, r->self_pk, r->peer_pk, hdr, hl, ad,
	    ad_len);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + RATCHET_NONCE_LEN,
	    NULL, in, len, adbuf, RATCHET_AD_FIXED + hl + ad_len, NULL, out,
	    mk);
	if (adbuf != stackbuf)
		free(adbuf);
	sodium_memzero(mk, sizeof mk);
	sodium_memzero(ek, sizeof ek);
	return 0;
}

/* Index of the skipped key for (dh, n), or -1. */
static int
skipped_find(const struct ratchet *r, const uint8_t dh_pub[32], uint32_t n)
{
	unsigned int i;

	for (i = r->n_skipped; i-- > 0;) {
		if (r->skipped[i].n == n &&
		    memcmp(r->skipped[i].dh, dh_pub, 32) == 0)
			return (int)i;
	}
	return -1;
}

/* Remove skipped key i, keeping the order. */
static void
skipped_remove(struct ratchet *r, unsigned int i)
{
	memmove(&r->skipped[i], &r->skipped[i + 1],
	    (r->n_skipped - i - 1) * sizeof r->skipped[0]);
	r->n_skipped--;
	sodium_memzero(&r->skipped[r->n_skipped], sizeof r->skipped[0]);
}

/* Drop every skipped key of the chain dh_pub. */
static void
skipped_drop_chain(struct ratchet *r, const uint8_t dh_pub[32])
{
	unsigned int i, j;

	for (i = j = 0; i < r->n_skipped; i++) {
		if (memcmp(r->skipped[i].dh, dh_pub, 32) == 0)
			continue;
		if (i != j)
			r->skipped[j] = r->skipped[i];
		j++;
	}
	sodium_memzero(&r->skipped[j], (r->n_skipped - j) *
	    sizeof r->skipped[0]);
	r->n_skipped = j;
}

/* Move the pending keys into the store, dropping the oldest if full. */
static void
pending_commit(struct ratchet *r)
{
	unsigned int drop;

	if (r->n_pending == 0)
		return;
	if (r->n_skipped + r->n_pending > RATCHET_MAX_SKIP) {
		drop = r->n_skipped + r->n_pending - RATCHET_MAX_SKIP;
		memmove(&r->skipped[0], &r->skipped[drop],
		    (r->n_skipped - drop) * sizeof r->skipped[0]);
		r->n_skipped -= drop;
	}
	memcpy(&r->skipped[r->n_skipped], r->pending,
	    r->n_pending * sizeof r->pending[0]);
	r->n_skipped += r->n_pending;
	sodium_memzero(&r->skipped[r->n_skipped],
	    (RATCHET_MAX_SKIP - r->n_skipped) * sizeof r->skipped[0]);
	sodium_memzero(r->pending, r->n_pending * sizeof r->pending[0]);
	r->n_pending = 0;
}

/* Forget the pending keys. */
static void
pending_discard(struct ratchet *r)
{
	sodium_memzero(r->pending, r->n_pending * sizeof r->pending[0]);
	r->n_pending = 0;
}

/* Derive the keys of messages from..until-1 of chain ck into pending. */
static void
pending_skip(struct ratchet *r, uint8_t ck[RATCHET_KEY_LEN],
    const uint8_t dh_pub[32], uint32_t from, uint32_t until)
{
	struct skipped *e;

	for (; from < until; from++) {
		e = &r->pending[r->n_pending++];
		memcpy(e->dh, dh_pub, 32);
		e->n = from;
		kdf_ck(ck, e->mk);
	}
}

/* Is dh_pub one of the old receiving chains? */
static int
is_old_chain(const struct ratchet *r, const uint8_t dh_pub[32])
{
	unsigned int i;

	for (i = 0; i < r->n_old; i++) {
		if (memcmp(r->old_dhr[i], dh_pub, 32) == 0)
			return 1;
	}
	return 0;
}

/* The current receiving chain becomes old; the oldest beyond the bound goes. */
static void
retire_chain(struct ratchet *r)
{
	if (!(r->flags & HAVE_DHR))
		return;
	if (r->n_old == RATCHET_MAX_CHAINS) {
		skipped_drop_chain(r, r->old_dhr[0]);
		memmove(r->old_dhr[0], r->old_dhr[1],
		    (RATCHET_MAX_CHAINS - 1) * 32);
		r->n_old--;
	}
	memcpy(r->old_dhr[r->n_old++], r->dhr, 32);
}

/* A message on the current receiving chain. */
static int
decrypt_current(struct ratchet *r, const uint8_t *ad, size_t ad_len,
    const uint8_t *hdr, size_t hdr_len, uint32_t n, const uint8_t *in,
    size_t len, uint8_t *out)
{
	uint8_t ck[RATCHET_KEY_LEN], mk[RATCHET_KEY_LEN];
	int rc;

	if (!(r->flags & HAVE_CKR))
		return ERR_PROTO;
	if (n < r->nr)
		return ERR_DUP;
	if (n - r->nr > RATCHET_MAX_SKIP)
		return ERR_SKIP;
	memcpy(ck, r->ckr, sizeof ck);
	pending_skip(r, ck, r->dhr, r->nr, n);
	kdf_ck(ck, mk);
	if ((rc = aead_open(r, mk, ad, ad_len, hdr, hdr_len, in, len,
	    out)) != 0) {
		pending_discard(r);
		goto out;
	}
	memcpy(r->ckr, ck, sizeof ck);
	r->nr = n + 1;
	pending_commit(r);
out:
	sodium_memzero(ck, sizeof ck);
	sodium_memzero(mk, sizeof mk);
	return rc;
}

/*
 * A message under a new ratchet key: a DH ratchet step, on locals. A ct in
 * the header answers our ek: its secret joins the receiving chain's
 * KDF_RK. fresh_ek (a new ek in this header) or a stored peer ek is
 * answered: a fresh secret joins the new sending chain's KDF_RK.
 */
static int
decrypt_step(struct ratchet *r, const uint8_t *ad, size_t ad_len,
    const uint8_t *hdr, size_t hdr_len, const struct hdr_view *v,
    const uint8_t *fresh_ek, uint32_t pn, uint32_t n, const uint8_t *in,
    size_t len, uint8_t *out)
{
	uint8_t ck[RATCHET_KEY_LEN], mk[RATCHET_KEY_LEN], shared[32];
	uint8_t rk1[RATCHET_KEY_LEN], rk2[RATCHET_KEY_LEN];
	uint8_t cks[RATCHET_KEY_LEN], sk[32], pk[32];
	uint8_t ss_in[32], ss_out[32], kct[RATCHET_CT_LEN];
	const uint8_t *ekp = NULL;
	uint32_t skip_old = 0;
	int rc;

	if (v->ct != NULL && !(r->kem_flags & KEM_DK))
		return ERR_PROTO;	/* an answer to no ek of ours */
	if (fresh_ek != NULL)
		ekp = fresh_ek;
	else if (r->kem_flags & KEM_PEER_EK)
		ekp = r->kem_peer_ek;
	if ((r->flags & HAVE_CKR) && pn > r->nr)
		skip_old = pn - r->nr;
	if (skip_old > RATCHET_MAX_SKIP || n > RATCHET_MAX_SKIP - skip_old)
		return ERR_SKIP;
	if (skip_old != 0) {
		memcpy(ck, r->ckr, sizeof ck);
		pending_skip(r, ck, r->dhr, r->nr, pn);
	}

	if (v->ct != NULL && mlkem768_decaps(ss_in, v->ct, r->kem_dk) != 0) {
		rc = ERR_CRYPTO;
		goto fail;
	}
	if ((rc = dh(shared, r->dhs_sk, hdr)) != 0 ||
	    (rc = kdf_rk_kem(rk1, ck, r->rk, shared,
	    v->ct != NULL ? ss_in : NULL)) != 0)
		goto fail;
	pending_skip(r, ck, hdr, 0, n);
	kdf_ck(ck, mk);
	if ((rc = aead_open(r, mk, ad, ad_len, hdr, hdr_len, in, len,
	    out)) != 0)
		goto fail;
	crypto_box_keypair(pk, sk);
	if (ekp != NULL && mlkem768_encaps(kct, ss_out, ekp) != 0) {
		rc = ERR_PROTO;
		goto fail;
	}
	if ((rc = dh(shared, sk, hdr)) != 0 ||
	    (rc = kdf_rk_kem(rk2, cks, rk1, shared,
	    ekp != NULL ? ss_out : NULL)) != 0)
		goto fail;

	/* Commit. */
	if (v->ct != NULL) {
		sodium_memzero(r->kem_dk, sizeof r->kem_dk);
		r->kem_flags &= ~KEM_DK;
		kem_done(r);
	}
	r->kem_flags &= ~KEM_CT;
	sodium_memzero(r->kem_ct, sizeof r->kem_ct);
	if (ekp != NULL) {
		kem_ek_id(r->kem_used, ekp);
		memcpy(r->kem_ct, kct, sizeof kct);
		r->kem_flags |= KEM_CT;
		r->kem_flags &= ~KEM_PEER_EK;
		sodium_memzero(r->kem_peer_ek, sizeof r->kem_peer_ek);
		kem_done(r);
	}
	retire_chain(r);
	memcpy(r->dhr, hdr, 32);
	memcpy(r->rk, rk2, sizeof rk2);
	memcpy(r->ckr, ck, sizeof ck);
	memcpy(r->cks, cks, sizeof cks);
	memcpy(r->dhs_sk, sk, sizeof sk);
	memcpy(r->dhs_pk, pk, sizeof pk);
	r->pn = r->ns;
	r->ns = 0;
	r->nr = n + 1;
	r->flags = HAVE_ALL;
	pending_commit(r);
	goto out;
fail:
	pending_discard(r);
out:
	sodium_memzero(ck, sizeof ck);
	sodium_memzero(mk, sizeof mk);
	sodium_memzero(shared, sizeof shared);
	sodium_memzero(rk1, sizeof rk1);
	sodium_memzero(rk2, sizeof rk2);
	sodium_memzero(cks, sizeof cks);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(ss_in, sizeof ss_in);
	sodium_memzero(ss_out, sizeof ss_out);
	return rc;
}

/* Is ek one we have not stored nor answered yet? */
static int
kem_ek_new(const struct ratchet *r, const uint8_t ek[RATCHET_EK_LEN])
{
	uint8_t id[32];

	if ((r->kem_flags & KEM_PEER_EK) &&
	    memcmp(r->kem_peer_ek, ek, RATCHET_EK_LEN) == 0)
		return 0;
	kem_ek_id(id, ek);
	return memcmp(id, r->kem_used, 32) != 0;
}

/* RatchetDecrypt; the state changes only on success. */
int
ratchet_decrypt(struct ratchet *r, const uint8_t *ad, size_t ad_len,
    const uint8_t *hdr, size_t hdr_len, const uint8_t *in, size_t len,
    uint8_t *out)
{
	struct hdr_view v;
	uint32_t pn, n;
	int i, rc, fresh;

	if (len < RATCHET_OVERHEAD || in == NULL || hdr == NULL ||
	    (ad == NULL && ad_len != 0) || hdr_len > RATCHET_HEADER_MAX)
		return ERR_PROTO;
	if (ad_len > SIZE_MAX - RATCHET_AD_FIXED - RATCHET_HEADER_MAX)
		return ERR_TOOBIG;
	if ((rc = hdr_parse(hdr, hdr_len, &v)) != 0)
		return rc;
	pn = load_be32(hdr + 32);
	n = load_be32(hdr + 36);
	if (n == UINT32_MAX)
		return ERR_PROTO;
	/* A new ek of theirs must be a valid one before it can be kept. */
	fresh = v.ek != NULL && kem_ek_new(r, v.ek);
	if (fresh && !kem_ek_ok(v.ek))
		return ERR_PROTO;

	if ((i = skipped_find(r, hdr, n)) >= 0) {
		if ((rc = aead_open(r, r->skipped[i].mk, ad, ad_len, hdr,
		    hdr_len, in, len, out)) == 0)
			skipped_remove(r, (unsigned int)i);
	} else if ((r->flags & HAVE_DHR) && memcmp(hdr, r->dhr, 32) == 0)
		rc = decrypt_current(r, ad, ad_len, hdr, hdr_len, n, in, len,
		    out);
	else if (is_old_chain(r, hdr))
		return ERR_DUP;
	else {
		/* The step answers a fresh ek at once. */
		return decrypt_step(r, ad, ad_len, hdr, hdr_len, &v,
		    fresh ? v.ek : NULL, pn, n, in, len, out);
	}
	if (rc == 0 && fresh) {
		memcpy(r->kem_peer_ek, v.ek, RATCHET_EK_LEN);
		r->kem_flags |= KEM_PEER_EK;
	}
	return rc;
}

/* Serialise the whole state, version RATCHET_VERSION. */
int
ratchet_serialize(const struct ratchet *r, uint8_t **out, size_t *len)
{
	uint8_t *buf, *p;
	size_t n;
	unsigned int i;

	n = SER_FIXED + 1 + r->n_old * 32 + 2 + r->n_skipped * SER_SKIPPED +
	    SER_KEM_FIXED;
	if (r->kem_flags & KEM_DK)
		n += RATCHET_DK_LEN;
	if (r->kem_flags & KEM_PEER_EK)
		n += RATCHET_EK_LEN;
	if (r->kem_flags & KEM_CT)
		n += RATCHET_CT_LEN;
	p = buf = xmalloc(n);
	*p++ = RATCHET_VERSION;
	*p++ = (uint8_t)r->flags;
	memcpy(p, r->self_pk, 32), p += 32;
	memcpy(p, r->peer_pk, 32), p += 32;
	memcpy(p, r->dhs_sk, 32), p += 32;
	memcpy(p, r->dhs_pk, 32), p += 32;
	memcpy(p, r->dhr, 32), p += 32;
	memcpy(p, r->rk, 32), p += 32;
	memcpy(p, r->cks, 32), p += 32;
	memcpy(p, r->ckr, 32), p += 32;
	store_be32(p, r->ns), p += 4;
	store_be32(p, r->nr), p += 4;
	store_be32(p, r->pn), p += 4;
	*p++ = (uint8_t)r->n_old;
	for (i = 0; i < r->n_old; i++)
		memcpy(p, r->old_dhr[i], 32), p += 32;
	store_be16(p, (uint16_t)r->n_skipped), p += 2;
	for (i = 0; i < r->n_skipped; i++) {
		memcpy(p, r->skipped[i].dh, 32), p += 32;
		store_be32(p, r->skipped[i].n), p += 4;
		memcpy(p, r->skipped[i].mk, 32), p += 32;
	}
	*p++ = (uint8_t)r->kem_flags;
	store_be32(p, r->kem_sent), p += 4;
	store_be64(p, (uint64_t)r->kem_time), p += 8;
	memcpy(p, r->kem_used, 32), p += 32;
	if (r->kem_flags & KEM_DK)
		memcpy(p, r->kem_dk, RATCHET_DK_LEN), p += RATCHET_DK_LEN;
	if (r->kem_flags & KEM_PEER_EK)
		memcpy(p, r->kem_peer_ek, RATCHET_EK_LEN), p += RATCHET_EK_LEN;
	if (r->kem_flags & KEM_CT)
		memcpy(p, r->kem_ct, RATCHET_CT_LEN), p += RATCHET_CT_LEN;
	*out = buf;
	*len = n;
	return 0;
}

/* Does the skipped key i repeat an earlier one or lie ahead of its chain? */
static int
skipped_bad(const struct ratchet *r, unsigned int i)
{
	const struct skipped *e = &r->skipped[i];
	unsigned int j;

	if ((r->flags & HAVE_DHR) && memcmp(e->dh, r->dhr, 32) == 0) {
		if (e->n >= r->nr)
			return 1;
	} else if (!is_old_chain(r, e->dh))
		return 1;
	for (j = 0; j < i; j++) {
		if (r->skipped[j].n == e->n &&
		    memcmp(r->skipped[j].dh, e->dh, 32) == 0)
			return 1;
	}
	return 0;
}

/* The version 2 KEM section, exactly len bytes. */
static int
kem_parse(struct ratchet *r, const uint8_t *p, size_t len)
{
	size_t want = SER_KEM_FIXED;
	int64_t t;

	r->kem_flags = *p++;
	r->kem_sent = load_be32(p), p += 4;
	t = (int64_t)load_be64(p), p += 8;
	memcpy(r->kem_used, p, 32), p += 32;
	if ((r->kem_flags & ~KEM_ALL) != 0 || t < 0)
		return ERR_PROTO;
	r->kem_time = t;
	if (r->kem_flags & KEM_DK)
		want += RATCHET_DK_LEN;
	if (r->kem_flags & KEM_PEER_EK)
		want += RATCHET_EK_LEN;
	if (r->kem_flags & KEM_CT)
		want += RATCHET_CT_LEN;
	/* A ct goes only with a sending chain. */
	if (len != want || ((r->kem_flags & KEM_CT) &&
	    !(r->flags & HAVE_CKS)))
		return ERR_PROTO;
	if (r->kem_flags & KEM_DK)
		memcpy(r->kem_dk, p, RATCHET_DK_LEN), p += RATCHET_DK_LEN;
	if (r->kem_flags & KEM_PEER_EK) {
		memcpy(r->kem_peer_ek, p, RATCHET_EK_LEN), p += RATCHET_EK_LEN;
		if (!kem_ek_ok(r->kem_peer_ek))
			return ERR_PROTO;
	}
	if (r->kem_flags & KEM_CT)
		memcpy(r->kem_ct, p, RATCHET_CT_LEN);
	return 0;
}

/* Deserialise, checking every length and field; ERR_PROTO if malformed. */
int
ratchet_deserialize(struct ratchet **out, const uint8_t *in, size_t len)
{
	struct ratchet *r = NULL;
	const uint8_t *p, *end;
	uint8_t check[32];
	unsigned int i;
	size_t tail;
	int rc = ERR_PROTO, version;

	*out = NULL;
	if (in == NULL || len < SER_FIXED + 1 + 2 ||
	    (in[0] != 1 && in[0] != RATCHET_VERSION))
		return ERR_PROTO;
	version = in[0];
	p = in;
	end = in + len;
	if ((r = ratchet_alloc()) == NULL)
		return ERR_NOMEM;
	p++;
	r->flags = *p++;
	memcpy(r->self_pk, p, 32), p += 32;
	memcpy(r->peer_pk, p, 32), p += 32;
	memcpy(r->dhs_sk, p, 32), p += 32;
	memcpy(r->dhs_pk, p, 32), p += 32;
	memcpy(r->dhr, p, 32), p += 32;
	memcpy(r->rk, p, 32), p += 32;
	memcpy(r->cks, p, 32), p += 32;
	memcpy(r->ckr, p, 32), p += 32;
	r->ns = load_be32(p), p += 4;
	r->nr = load_be32(p), p += 4;
	r->pn = load_be32(p), p += 4;

	if ((r->flags & ~HAVE_ALL) != 0 || ((r->flags & (HAVE_CKR |
	    HAVE_CKS)) && !(r->flags & HAVE_DHR)))
		goto out;
	if (!(r->flags & HAVE_DHR) && !sodium_is_zero(r->dhr, 32))
		goto out;
	if (!(r->flags & HAVE_CKS) &&
	    (!sodium_is_zero(r->cks, 32) || r->ns != 0 || r->pn != 0))
		goto out;
	if (!(r->flags & HAVE_CKR) &&
	    (!sodium_is_zero(r->ckr, 32) || r->nr != 0))
		goto out;
	if (r->ns == UINT32_MAX || r->nr == UINT32_MAX)
		goto out;
	crypto_scalarmult_base(check, r->dhs_sk);
	if (sodium_memcmp(check, r->dhs_pk, 32) != 0)
		goto out;

	r->n_old = *p++;
	if (r->n_old > RATCHET_MAX_CHAINS ||
	    (size_t)(end - p) < r->n_old * 32 + 2)
		goto out;
	for (i = 0; i < r->n_old; i++)
		memcpy(r->old_dhr[i], p, 32), p += 32;
	r->n_skipped = load_be16(p), p += 2;
	if (r->n_skipped > RATCHET_MAX_SKIP ||
	    (size_t)(end - p) < r->n_skipped * SER_SKIPPED)
		goto out;
	tail = (size_t)(end - p) - r->n_skipped * SER_SKIPPED;
	if (version == 1 ? tail != 0 : tail < SER_KEM_FIXED)
		goto out;
	for (i = 0; i < r->n_skipped; i++) {
		memcpy(r->skipped[i].dh, p, 32), p += 32;
		r->skipped[i].n = load_be32(p), p += 4;
		memcpy(r->skipped[i].mk, p, 32), p += 32;
		if (skipped_bad(r, i))
			goto out;
	}
	/* Version 1 has no KEM state: kem_time 0 makes a step due. */
	if (version != 1 && (rc = kem_parse(r, p, (size_t)(end - p))) != 0)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	ratchet_free(r);
	return rc;
}
