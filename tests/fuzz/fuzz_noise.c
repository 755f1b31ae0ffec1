/*
 * fuzz_noise.c -- hostile handshake messages. The first byte picks the
 * step: 0 feeds the rest as message 1 to a responder, 1 as message 2 to an
 * initiator, 2 as message 3 to a responder that got a genuine message 1;
 * 3, 4 and 5 do the same with the hybrid handshake XKhfs.
 * Invariants: only the documented codes; a payload never exceeds the
 * buffer; after a failure the handshake refuses everything.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/noise.h"
#include "util/err.h"

#define PAYLOAD_CAP	1024

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Fixed keys, so that runs repeat. */
static void
fixed_key(uint8_t sk[32], uint8_t pk[32], uint8_t tag)
{
	memset(sk, tag, 32);
	crypto_scalarmult_base(pk, sk);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t isk[32], ipk[32], rsk[32], rpk[32], esk[32], epk[32];
	uint8_t msg[2048], payload[PAYLOAD_CAP], seed[64];
	struct noise_hs *i = NULL, *r = NULL, *target;
	size_t mlen, plen;
	int rc;

	if (len < 1 || len > NOISE_MAX_MSG + 1 || sodium_init() < 0)
		return 0;
	fixed_key(isk, ipk, 0x11);
	fixed_key(rsk, rpk, 0x22);
	fixed_key(esk, epk, 0x33);
	if (data[0] % 6 >= 3) {
		i = noise_hs_new_hfs(NOISE_INITIATOR, isk, ipk, rpk, NULL, 0);
		r = noise_hs_new_hfs(NOISE_RESPONDER, rsk, rpk, NULL, NULL, 0);
	} else {
		i = noise_hs_new(NOISE_INITIATOR, isk, ipk, rpk, NULL, 0);
		r = noise_hs_new(NOISE_RESPONDER, rsk, rpk, NULL, NULL, 0);
	}
	if (i == NULL || r == NULL)
		abort();
	noise_hs_set_ephemeral(i, esk);
	noise_hs_set_ephemeral(r, esk);
	memset(seed, 0x44, sizeof seed);
	noise_hs_set_kem_seed(i, seed);
	noise_hs_set_kem_seed(r, seed);

	switch (data[0] % 3) {
	case 0:
		target = r;
		break;
	case 1:
		if (noise_hs_write(i, NULL, 0, msg, sizeof msg, &mlen) != 0)
			abort();
		target = i;
		break;
	default:
		if (noise_hs_write(i, NULL, 0, msg, sizeof msg, &mlen) != 0 ||
		    noise_hs_read(r, msg, mlen, payload, sizeof payload,
		    &plen) != 0 ||
		    noise_hs_write(r, NULL, 0, msg, sizeof msg, &mlen) != 0)
			abort();
		target = r;
		break;
	}
	rc = noise_hs_read(target, data + 1, len - 1, payload, sizeof payload,
	    &plen);
	if (rc == 0) {
		if (plen > sizeof payload)
			abort();
	} else {
		if (rc != ERR_PROTO && rc != ERR_AUTH && rc != ERR_CRYPTO &&
		    rc != ERR_TOOBIG)
			abort();
		if (plen != 0 || noise_hs_read(target, data + 1, len - 1,
		    payload, sizeof payload, &plen) != ERR_STATE ||
		    noise_hs_write(target, NULL, 0, msg, sizeof msg,
		    &mlen) != ERR_STATE)
			abort();
	}
	noise_hs_free(i);
	noise_hs_free(r);
	return 0;
}
