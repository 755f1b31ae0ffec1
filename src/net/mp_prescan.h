/*
 * mp_prescan.h -- a pure pre-validator for msgpack bytes, run before
 * msgpack_unpack_next. msgpack-c allocates 24 bytes per claimed array
 * element as soon as it reads a header; this walk makes sure no claim
 * exceeds the bytes that are really there. No I/O, no allocation.
 */
#ifndef WARREN_MP_PRESCAN_H
#define WARREN_MP_PRESCAN_H

#include <stddef.h>
#include <stdint.h>

#define MP_PRESCAN_MAX_DEPTH	8	/* nested arrays; the outer one is 1 */

/*
 * 0 if buf[0..len) holds exactly one msgpack object such that: arrays
 * nest at most MP_PRESCAN_MAX_DEPTH deep; every array count <= the bytes
 * left after its header; every str/bin length <= the bytes left; no map
 * (frames are arrays with fixed positions), no ext, no 0xc1; and the object
 * ends exactly at len (trailing bytes are an error). Else ERR_PROTO.
 */
int mp_prescan(const uint8_t *buf, size_t len);

#endif
