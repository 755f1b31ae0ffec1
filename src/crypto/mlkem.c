/*
 * mlkem.c -- ML-KEM-768 from FIPS 203 (final): K-PKE (section 5) and the
 * KEM on top of it (section 6), k = 3, eta1 = eta2 = 2, du = 10, dv = 4.
 *
 * Coefficients are kept fully reduced in [0, q) as uint16_t; products are
 * reduced by a Barrett step and one masked subtraction, divisions by q (in
 * Compress) are a multiply and a shift. Nothing branches on or indexes by
 * a secret: the only data-dependent branches are the rejection sampling of
 * the public matrix (SampleNTT on rho) and the two input checks on public
 * data (the modulus check of ek, the hash check of dk).
 */
#include <string.h>

#include <nettle/sha3.h>
#include <sodium.h>

#include "crypto/mlkem.h"
#include "crypto/shake.h"

#ifdef MLKEM_CTGRIND
/* tests/unit/test_mlkem_ct: a value derived from secrets that is public. */
#include <valgrind/memcheck.h>
#define MLKEM_PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define MLKEM_PUBLIC(p, n) do { } while (0)
#endif

#define N	256
#define Q	3329
#define K	3
#define DU	10
#define DV	4
#define ETA	2			/* eta1 = eta2 */
#define POLY12	384			/* ByteEncode12 of one polynomial */
#define PKE_LEN	(K * POLY12)		/* 1152: dk_pke, and ek minus rho */
#define CT_U	(K * N * DU / 8)	/* 960 */

struct poly {
	uint16_t c[N];
};

/* zeta^BitRev7(i) mod q, zeta = 17 (FIPS 203 appendix A). */
static const uint16_t zetas[128] = {
	   1, 1729, 2580, 3289, 2642,  630, 1897,  848,
	1062, 1919,  193,  797, 2786, 3260,  569, 1746,
	 296, 2447, 1339, 1476, 3046,   56, 2240, 1333,
	1426, 2094,  535, 2882, 2393, 2879, 1974,  821,
	 289,  331, 3253, 1756, 1197, 2304, 2277, 2055,
	 650, 1977, 2513,  632, 2865,   33, 1320, 1915,
	2319, 1435,  807,  452, 1438, 2868, 1534, 2402,
	2647, 2617, 1481,  648, 2474, 3110, 1227,  910,
	  17, 2761,  583, 2649, 1637,  723, 2288, 1100,
	1409, 2662, 3281,  233,  756, 2156, 3015, 3050,
	1703, 1651, 2789, 1789, 1847,  952, 1461, 2687,
	 939, 2308, 2437, 2388,  733, 2337,  268,  641,
	1584, 2298, 2037, 3220,  375, 2549, 2090, 1645,
	1063,  319, 2773,  757, 2099,  561, 2466, 2594,
	2804, 1092,  403, 1026, 1143, 2150, 2775,  886,
	1722, 1212, 1874, 1029, 2110, 2935,  885, 2154,
};

/* zeta^(2 BitRev7(i) + 1) mod q: the moduli of BaseCaseMultiply. */
static const uint16_t gammas[128] = {
	  17, 3312, 2761,  568,  583, 2746, 2649,  680,
	1637, 1692,  723, 2606, 2288, 1041, 1100, 2229,
	1409, 1920, 2662,  667, 3281,   48,  233, 3096,
	 756, 2573, 2156, 1173, 3015,  314, 3050,  279,
	1703, 1626, 1651, 1678, 2789,  540, 1789, 1540,
	1847, 1482,  952, 2377, 1461, 1868, 2687,  642,
	 939, 2390, 2308, 1021, 2437,  892, 2388,  941,
	 733, 2596, 2337,  992,  268, 3061,  641, 2688,
	1584, 1745, 2298, 1031, 2037, 1292, 3220,  109,
	 375, 2954, 2549,  780, 2090, 1239, 1645, 1684,
	1063, 2266,  319, 3010, 2773,  556,  757, 2572,
	2099, 1230,  561, 2768, 2466,  863, 2594,  735,
	2804,  525, 1092, 2237,  403, 2926, 1026, 2303,
	1143, 2186, 2150, 1179, 2775,  554,  886, 2443,
	1722, 1607, 1212, 2117, 1874, 1455, 1029, 2300,
	2110, 1219, 2935,  394,  885, 2444, 2154, 1175,
};

/* x in [0, 2q) to x mod q, without a branch. */
static uint16_t
csub(uint32_t x)
{
	uint32_t r = x - Q;

	r += Q & (0u - (r >> 31));
	return (uint16_t)r;
}

/*
 * x mod q for any 32-bit x: t = floor(x * floor(2^32 / q) / 2^32) is
 * floor(x / q) or one less, so x - t q is in [0, 2q).
 */
static uint16_t
reduce(uint32_t x)
{
	uint32_t t = (uint32_t)(((uint64_t)x * 1290167) >> 32);

	return csub(x - t * Q);
}

static uint16_t
mulq(uint16_t a, uint16_t b)
{
	return reduce((uint32_t)a * b);
}

static uint16_t
addq(uint16_t a, uint16_t b)
{
	return csub((uint32_t)a + b);
}

static uint16_t
subq(uint16_t a, uint16_t b)
{
	return csub((uint32_t)a + Q - b);
}

/*
 * Compress_d(x) = round(2^d x / q) mod 2^d. floor(y / q) is
 * (y * ceil(2^36 / q)) >> 36 for every y < 2^24 (checked exhaustively),
 * and (x << d) + (q - 1) / 2 < 2^24 for d <= 12.
 */
static uint16_t
compress(uint16_t x, int d)
{
	uint64_t y = ((uint64_t)x << d) + (Q - 1) / 2;

	return (uint16_t)(((y * 20642679) >> 36) & ((1u << d) - 1));
}

/* Decompress_d(y) = round(q y / 2^d). */
static uint16_t
decompress(uint16_t y, int d)
{
	return (uint16_t)(((uint32_t)y * Q + (1u << (d - 1))) >> d);
}

/* Algorithm 9: NTT, in place. */
static void
ntt(struct poly *f)
{
	unsigned int len, start, j, i = 1;
	uint16_t z, t;

	for (len = 128; len >= 2; len /= 2) {
		for (start = 0; start < N; start += 2 * len) {
			z = zetas[i++];
			for (j = start; j < start + len; j++) {
				t = mulq(z, f->c[j + len]);
				f->c[j + len] = subq(f->c[j], t);
				f->c[j] = addq(f->c[j], t);
			}
		}
	}
}

/* Algorithm 10: the inverse NTT, in place (with the factor 128^-1). */
static void
invntt(struct poly *f)
{
	unsigned int len, start, j, i = 127;
	uint16_t z, t;

	for (len = 2; len <= 128; len *= 2) {
		for (start = 0; start < N; start += 2 * len) {
			z = zetas[i--];
			for (j = start; j < start + len; j++) {
				t = f->c[j];
				f->c[j] = addq(t, f->c[j + len]);
				f->c[j + len] = mulq(z, subq(f->c[j + len], t));
			}
		}
	}
	for (j = 0; j < N; j++)
		f->c[j] = mulq(f->c[j], 3303);
}

/*
 * Algorithms 11 and 12, summed: r = init + sum a[j] * b[j] (j < K) in the
 * NTT domain (init may be NULL: zero). Each product term is below 2 q^2,
 * so K of them and init fit a uint32_t unreduced; one reduction at the end.
 */
static void
dot(struct poly *r, const struct poly a[K], const struct poly b[K],
    const struct poly *init)
{
	uint32_t acc[N];
	unsigned int i, j;
	const uint16_t *x, *y;

	for (i = 0; i < N; i++)
		acc[i] = init != NULL ? init->c[i] : 0;
	for (j = 0; j < K; j++) {
		for (i = 0; i < N / 2; i++) {
			x = a[j].c + 2 * i;
			y = b[j].c + 2 * i;
			acc[2 * i] += (uint32_t)x[0] * y[0] +
			    (uint32_t)mulq(x[1], y[1]) * gammas[i];
			acc[2 * i + 1] += (uint32_t)x[0] * y[1] +
			    (uint32_t)x[1] * y[0];
		}
	}
	for (i = 0; i < N; i++)
		r->c[i] = reduce(acc[i]);
	sodium_memzero(acc, sizeof acc);
}

static void
poly_add(struct poly *r, const struct poly *a)
{
	unsigned int i;

	for (i = 0; i < N; i++)
		r->c[i] = addq(r->c[i], a->c[i]);
}

/* Algorithm 5: ByteEncode_d, d bits per coefficient, least first. */
static void
byte_encode(uint8_t *out, const struct poly *a, int d)
{
	uint32_t acc = 0;
	unsigned int i, bits = 0;

	for (i = 0; i < N; i++) {
		acc |= (uint32_t)a->c[i] << bits;
		bits += d;
		while (bits >= 8) {
			*out++ = (uint8_t)acc;
			acc >>= 8;
			bits -= 8;
		}
	}
}

/* Algorithm 6: ByteDecode_d, without the reduction mod q for d = 12. */
static void
byte_decode(struct poly *a, const uint8_t *in, int d)
{
	uint32_t acc = 0, mask = (1u << d) - 1;
	unsigned int i, bits = 0;

	for (i = 0; i < N; i++) {
		while (bits < (unsigned int)d) {
			acc |= (uint32_t)*in++ << bits;
			bits += 8;
		}
		a->c[i] = (uint16_t)(acc & mask);
		acc >>= d;
		bits -= d;
	}
}

/* ByteDecode_12 with the reduction mod q (of secret or checked data). */
static void
decode12(struct poly *a, const uint8_t *in)
{
	unsigned int i;

	byte_decode(a, in, 12);
	for (i = 0; i < N; i++)
		a->c[i] = csub(a->c[i]);
}

/* Algorithm 7: SampleNTT(rho || j || i), rho public. */
static void
sample_ntt(struct poly *a, const uint8_t rho[32], uint8_t j, uint8_t i)
{
	struct shake128 x;
	uint8_t buf[SHAKE128_RATE], idx[2] = { j, i };
	unsigned int n = 0, p;
	uint16_t d1, d2;

	shake128_init(&x);
	shake128_absorb(&x, rho, 32);
	shake128_absorb(&x, idx, 2);
	while (n < N) {
		shake128_squeeze(&x, buf, sizeof buf);
		for (p = 0; p + 3 <= sizeof buf && n < N; p += 3) {
			d1 = buf[p] | (uint16_t)(buf[p + 1] & 0x0f) << 8;
			d2 = buf[p + 1] >> 4 | (uint16_t)buf[p + 2] << 4;
			if (d1 < Q)
				a->c[n++] = d1;
			if (d2 < Q && n < N)
				a->c[n++] = d2;
		}
	}
}

/* A[i][j] = SampleNTT(rho || j || i), or its transpose. */
static void
gen_matrix(struct poly a[K][K], const uint8_t rho[32], int transposed)
{
	uint8_t i, j;

	for (i = 0; i < K; i++)
		for (j = 0; j < K; j++) {
			if (transposed)
				sample_ntt(&a[i][j], rho, i, j);
			else
				sample_ntt(&a[i][j], rho, j, i);
		}
}

/* PRF_2(s, b) = SHAKE-256(s || b, 128), then Algorithm 8 (eta = 2). */
static void
sample_cbd(struct poly *a, const uint8_t s[32], uint8_t b)
{
	struct sha3_256_ctx h;
	uint8_t buf[64 * ETA];
	unsigned int i, v, x, y;

	sha3_256_init(&h);
	sha3_256_update(&h, 32, s);
	sha3_256_update(&h, 1, &b);
	sha3_256_shake(&h, sizeof buf, buf);
	for (i = 0; i < N; i++) {
		v = buf[i / 2] >> (4 * (i % 2));
		x = (v & 1) + ((v >> 1) & 1);
		y = ((v >> 2) & 1) + ((v >> 3) & 1);
		a->c[i] = csub(x + Q - y);
	}
	sodium_memzero(buf, sizeof buf);
	sodium_memzero(&h, sizeof h);
}

/* H = SHA3-256. */
static void
hash_h(uint8_t out[32], const uint8_t *in, size_t len)
{
	struct sha3_256_ctx h;

	sha3_256_init(&h);
	sha3_256_update(&h, len, in);
	sha3_256_digest(&h, 32, out);
}

/* G = SHA3-512 of a || b (32 or 1 bytes each). */
static void
hash_g(uint8_t out[64], const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen)
{
	struct sha3_512_ctx h;

	sha3_512_init(&h);
	sha3_512_update(&h, alen, a);
	sha3_512_update(&h, blen, b);
	sha3_512_digest(&h, 64, out);
	sodium_memzero(&h, sizeof h);
}

/* Algorithm 13: K-PKE.KeyGen(d): ek and dk_pke. */
static void
pke_keygen(uint8_t ek[MLKEM768_EK_LEN], uint8_t dk[PKE_LEN],
    const uint8_t d[32])
{
	struct poly a[K][K], s[K], e[K], t;
	uint8_t rs[64], kb = K;
	unsigned int i;

	hash_g(rs, d, 32, &kb, 1);	/* rho = rs[0..32), sigma = rs[32..) */
	MLKEM_PUBLIC(rs, 32);		/* rho is part of ek */
	gen_matrix(a, rs, 0);
	for (i = 0; i < K; i++) {
		sample_cbd(&s[i], rs + 32, (uint8_t)i);
		sample_cbd(&e[i], rs + 32, (uint8_t)(K + i));
		ntt(&s[i]);
		ntt(&e[i]);
	}
	for (i = 0; i < K; i++) {
		dot(&t, a[i], s, &e[i]);
		byte_encode(ek + i * POLY12, &t, 12);
		byte_encode(dk + i * POLY12, &s[i], 12);
	}
	memcpy(ek + PKE_LEN, rs, 32);
	sodium_memzero(rs, sizeof rs);
	sodium_memzero(s, sizeof s);
	sodium_memzero(e, sizeof e);
	sodium_memzero(&t, sizeof t);
}

/* Algorithm 14: K-PKE.Encrypt(ek, m, r). */
static void
pke_encrypt(uint8_t ct[MLKEM768_CT_LEN], const uint8_t ek[MLKEM768_EK_LEN],
    const uint8_t m[32], const uint8_t r[32])
{
	struct poly a[K][K], t[K], y[K], u, v, mu;
	unsigned int i, j;

	for (i = 0; i < K; i++)
		decode12(&t[i], ek + i * POLY12);
	gen_matrix(a, ek + PKE_LEN, 1);
	for (i = 0; i < K; i++) {
		sample_cbd(&y[i], r, (uint8_t)i);
		ntt(&y[i]);
	}
	for (i = 0; i < K; i++) {
		dot(&u, a[i], y, NULL);
		invntt(&u);
		sample_cbd(&mu, r, (uint8_t)(K + i));	/* e1[i] */
		poly_add(&u, &mu);
		for (j = 0; j < N; j++)
			u.c[j] = compress(u.c[j], DU);
		byte_encode(ct + i * (N * DU / 8), &u, DU);
	}
	dot(&v, t, y, NULL);
	invntt(&v);
	sample_cbd(&mu, r, 2 * K);			/* e2 */
	poly_add(&v, &mu);
	for (j = 0; j < N; j++)				/* Decompress_1(m) */
		mu.c[j] = (uint16_t)(0u - ((m[j / 8] >> (j % 8)) & 1)) &
		    ((Q + 1) / 2);
	poly_add(&v, &mu);
	for (j = 0; j < N; j++)
		v.c[j] = compress(v.c[j], DV);
	byte_encode(ct + CT_U, &v, DV);
	sodium_memzero(y, sizeof y);
	sodium_memzero(&u, sizeof u);
	sodium_memzero(&v, sizeof v);
	sodium_memzero(&mu, sizeof mu);
}

/* Algorithm 15: K-PKE.Decrypt(dk_pke, c). */
static void
pke_decrypt(uint8_t m[32], const uint8_t dk[PKE_LEN],
    const uint8_t ct[MLKEM768_CT_LEN])
{
	struct poly s[K], u[K], v, w;
	unsigned int i, j;

	for (i = 0; i < K; i++) {
		byte_decode(&u[i], ct + i * (N * DU / 8), DU);
		for (j = 0; j < N; j++)
			u[i].c[j] = decompress(u[i].c[j], DU);
		ntt(&u[i]);
		decode12(&s[i], dk + i * POLY12);
	}
	dot(&w, s, u, NULL);
	invntt(&w);
	byte_decode(&v, ct + CT_U, DV);
	for (j = 0; j < N; j++)
		v.c[j] = compress(subq(decompress(v.c[j], DV), w.c[j]), 1);
	byte_encode(m, &v, 1);
	sodium_memzero(s, sizeof s);
	sodium_memzero(&v, sizeof v);
	sodium_memzero(&w, sizeof w);
}

/* Algorithm 16: ML-KEM.KeyGen_internal(d, z). */
int
mlkem768_keypair_derand(uint8_t ek[1184], uint8_t dk[2400],
    const uint8_t d[32], const uint8_t z[32])
{
	pke_keygen(ek, dk, d);
	memcpy(dk + PKE_LEN, ek, MLKEM768_EK_LEN);
	hash_h(dk + PKE_LEN + MLKEM768_EK_LEN, ek, MLKEM768_EK_LEN);
	memcpy(dk + PKE_LEN + MLKEM768_EK_LEN + 32, z, 32);
	return 0;
}

/* Section 7.2, modulus check: every encoded coefficient below q. */
static int
ek_check(const uint8_t ek[MLKEM768_EK_LEN])
{
	struct poly t;
	unsigned int i, j, bad = 0;

	for (i = 0; i < K; i++) {
		byte_decode(&t, ek + i * POLY12, 12);
		for (j = 0; j < N; j++)
			bad |= (uint32_t)(Q - 1 - t.c[j]) >> 31;
	}
	return bad ? -1 : 0;
}

/* Algorithm 17: ML-KEM.Encaps_internal(ek, m), after the modulus check. */
int
mlkem768_encaps_derand(uint8_t ct[1088], uint8_t k[32],
    const uint8_t ek[1184], const uint8_t m[32])
{
	uint8_t h[32], kr[64];

	if (ek_check(ek) != 0)
		return -1;
	hash_h(h, ek, MLKEM768_EK_LEN);
	hash_g(kr, m, 32, h, 32);
	pke_encrypt(ct, ek, m, kr + 32);
	memcpy(k, kr, 32);
	sodium_memzero(kr, sizeof kr);
	return 0;
}

/*
 * Algorithm 18: ML-KEM.Decaps_internal(dk, c), after the hash check of
 * section 7.3. The re-encryption is compared and the key selected with
 * masks, never a branch.
 */
int
mlkem768_decaps(uint8_t k[32], const uint8_t ct[1088], const uint8_t dk[2400])
{
	const uint8_t *ek = dk + PKE_LEN, *h = ek + MLKEM768_EK_LEN;
	const uint8_t *z = h + 32;
	struct sha3_256_ctx j;
	uint8_t m[32], kr[64], kbar[32], h2[32], ct2[MLKEM768_CT_LEN];
	uint32_t diff = 0;
	uint8_t mask;
	size_t i;

	hash_h(h2, ek, MLKEM768_EK_LEN);
	if (memcmp(h, h2, 32) != 0)
		return -1;
	pke_decrypt(m, dk, ct);
	hash_g(kr, m, 32, h, 32);
	sha3_256_init(&j);				/* J(z || c) */
	sha3_256_update(&j, 32, z);
	sha3_256_update(&j, MLKEM768_CT_LEN, ct);
	sha3_256_shake(&j, 32, kbar);
	pke_encrypt(ct2, ek, m, kr + 32);
	for (i = 0; i < MLKEM768_CT_LEN; i++)
		diff |= ct[i] ^ ct2[i];
	mask = (uint8_t)((diff - 1) >> 8);		/* 0xff iff equal */
	for (i = 0; i < 32; i++)
		k[i] = (uint8_t)((kr[i] & mask) | (kbar[i] & (uint8_t)~mask));
	sodium_memzero(m, sizeof m);
	sodium_memzero(kr, sizeof kr);
	sodium_memzero(kbar, sizeof kbar);
	sodium_memzero(ct2, sizeof ct2);
	sodium_memzero(&j, sizeof j);
	return 0;
}

int
mlkem768_keypair(uint8_t ek[1184], uint8_t dk[2400])
{
	uint8_t dz[64];
	int r;

	randombytes_buf(dz, sizeof dz);
	r = mlkem768_keypair_derand(ek, dk, dz, dz + 32);
	sodium_memzero(dz, sizeof dz);
	return r;
}

int
mlkem768_encaps(uint8_t ct[1088], uint8_t k[32], const uint8_t ek[1184])
{
	uint8_t m[32];
	int r;

	randombytes_buf(m, sizeof m);
	r = mlkem768_encaps_derand(ct, k, ek, m);
	sodium_memzero(m, sizeof m);
	return r;
}
