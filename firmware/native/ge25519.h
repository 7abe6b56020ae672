/*
 * Points on the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 (edwards25519).
 *
 *   ge_p2    projective (X:Y:Z),           x = X/Z, y = Y/Z
 *   ge_p3    extended   (X:Y:Z:T),         additionally XY = ZT
 *   ge_p1p1  completed  ((X:Z),(Y:T)),     x = X/Z, y = Y/T
 *   ge_niels affine precomputed (y+x, y-x, 2dxy)
 */
#ifndef ED25519_GE25519_H
#define ED25519_GE25519_H
#include "fe25519.h"

typedef struct { fe X, Y, Z; } ge_p2;
typedef struct { fe X, Y, Z, T; } ge_p3;
typedef struct { fe X, Y, Z, T; } ge_p1p1;
typedef struct { fe ypx, ymx, xy2d; } ge_niels;

/* Comb parameters of the fixed-base table (see ge25519.c). */
#ifndef ED25519_COMB_R
#define ED25519_COMB_R 8
#endif
#define ED25519_COMB_TABLES (64 / ED25519_COMB_R)

ED_INTERNAL void ge_p3_0(ge_p3 *h);
ED_INTERNAL void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p);
ED_INTERNAL void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p);
ED_INTERNAL void ge_p3_to_p2(ge_p2 *r, const ge_p3 *p);
ED_INTERNAL void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *p);
ED_INTERNAL void ge_madd(ge_p1p1 *r, const ge_p3 *p, const ge_niels *q);
/* Encoding of a point: y with the parity of x in bit 255. */
ED_INTERNAL void ge_p2_tobytes(uint8_t s[32], const ge_p2 *p);
/* h = a * B for a 256-bit little-endian scalar with a[31] <= 127. Constant time. */
ED_INTERNAL void ge_scalarmult_base(ge_p2 *h, const uint8_t a[32]);
/* Constant-time table lookup: entry |digit| of comb table `table`, negated when digit < 0. */
ED_INTERNAL void ge_select(ge_niels *t, unsigned table, int32_t digit);
#endif
