/*
 * Scalars modulo the group order L = 2^252 + 27742317777372353535851937790883648493.
 * Barrett reduction (HAC 14.42) in base 2^32 with k = 8, straight-line data
 * flow: the two final corrections are masked subtractions, never branches.
 */
#ifndef ED25519_SC25519_H
#define ED25519_SC25519_H
#include "ed25519_util.h"

/* out = in (64 little-endian bytes, a 512-bit integer) mod L, 32 bytes. */
ED_INTERNAL void sc_reduce64(uint8_t out[32], const uint8_t in[64]);
/* out = (a * b + c) mod L; a, b, c are 256-bit little-endian integers. */
ED_INTERNAL void sc_muladd(uint8_t out[32], const uint8_t a[32], const uint8_t b[32], const uint8_t c[32]);
#endif
