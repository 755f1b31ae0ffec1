/*
 * fuzz_rng.h -- deterministic randomness for the stateful fuzz targets:
 * libsodium's randombytes replaced by a ChaCha20 stream under a fixed key,
 * rewound with fuzz_rng_reset() at the start of every input, so an input
 * replays exactly (ephemeral keys, nonces, ratchet keys). fuzz_rng_init()
 * must run before sodium_init(). Fuzzing only: never in a real program.
 */
#ifndef WARREN_FUZZ_RNG_H
#define WARREN_FUZZ_RNG_H

#include <stdint.h>
#include <string.h>

#include <sodium.h>

static uint64_t fuzz_rng_ctr;

static const char *
fuzz_rng_name(void)
{
	return "warren-fuzz-deterministic";
}

static void
fuzz_rng_buf(void *buf, size_t len)
{
	static const uint8_t key[crypto_stream_chacha20_KEYBYTES] = { 1 };
	uint8_t nonce[crypto_stream_chacha20_NONCEBYTES];

	memcpy(nonce, &fuzz_rng_ctr, sizeof nonce);
	fuzz_rng_ctr++;
	crypto_stream_chacha20((unsigned char *)buf, len, nonce, key);
}

static uint32_t
fuzz_rng_random(void)
{
	uint32_t v;

	fuzz_rng_buf(&v, sizeof v);
	return v;
}

static void
fuzz_rng_stir(void)
{
}

static struct randombytes_implementation fuzz_rng_impl = {
	.implementation_name = fuzz_rng_name,
	.random = fuzz_rng_random,
	.stir = fuzz_rng_stir,
	.uniform = NULL,	/* libsodium's, over random() */
	.buf = fuzz_rng_buf,
	.close = NULL,
};

static void
fuzz_rng_init(void)
{
	if (randombytes_set_implementation(&fuzz_rng_impl) != 0 ||
	    sodium_init() < 0)
		abort();
}

static void
fuzz_rng_reset(void)
{
	fuzz_rng_ctr = 0;
}

#endif
