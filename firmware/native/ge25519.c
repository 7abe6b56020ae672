#include "ge25519.h"

/*
 * Fixed-base comb. The scalar is recoded into 64 signed radix-16 digits
 * e_0..e_63 in [-8, 8]. With R = ED25519_COMB_R and digit index i = r + R*j:
 *
 *   a*B = sum_{r=0}^{R-1} 16^r * sum_j e_{r+Rj} * (16^{Rj} B)
 *
 * evaluated Horner-style over r: 64 mixed additions and 4(R-1) doublings.
 * Table j holds k * 16^{Rj} B for k = 1..8 as affine (y+x, y-x, 2dxy), each
 * coordinate as 8 canonical little-endian words. It is generated at build
 * time by tools/gen_table.c from this same field/point code.
 */
#ifndef ED25519_TABLE_GEN
#include "ge25519_table.inc"
#endif

void ge_p3_0(ge_p3 *h) {
  fe_0(&h->X);
  fe_1(&h->Y);
  fe_1(&h->Z);
  fe_0(&h->T);
}

void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p) {
  fe_mul(&r->X, &p->X, &p->T);
  fe_mul(&r->Y, &p->Y, &p->Z);
  fe_mul(&r->Z, &p->Z, &p->T);
}

void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p) {
  fe_mul(&r->X, &p->X, &p->T);
  fe_mul(&r->Y, &p->Y, &p->Z);
  fe_mul(&r->Z, &p->Z, &p->T);
  fe_mul(&r->T, &p->X, &p->Y);
}

void ge_p3_to_p2(ge_p2 *r, const ge_p3 *p) {
  fe_copy(&r->X, &p->X);
  fe_copy(&r->Y, &p->Y);
  fe_copy(&r->Z, &p->Z);
}

/* 2P: x' = 2XY / (Y^2 - X^2), y' = (Y^2 + X^2) / (2Z^2 - Y^2 + X^2). 4S. */
void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *p) {
  fe xx, yy, zz2, s;
  fe_sq(&xx, &p->X);
  fe_sq(&yy, &p->Y);
  fe_sq(&zz2, &p->Z);
  fe_add(&zz2, &zz2, &zz2);   /* 2Z^2 (sum of two carried) */
  fe_add(&s, &p->X, &p->Y);
  fe_sq(&s, &s);              /* (X+Y)^2 */
  fe_add(&r->Y, &yy, &xx);    /* Y^2 + X^2          (unreduced) */
  fe_sub(&r->Z, &yy, &xx);    /* Y^2 - X^2          (carried)   */
  fe_sub(&r->X, &s, &r->Y);   /* 2XY                (carried)   */
  fe_sub(&r->T, &zz2, &r->Z); /* 2Z^2 - Y^2 + X^2   (carried)   */
}

/* P + Q with Q affine niels: 7M including the conversion that follows. */
void ge_madd(ge_p1p1 *r, const ge_p3 *p, const ge_niels *q) {
  fe a, b, c, d;
  fe_add(&a, &p->Y, &p->X);
  fe_sub(&b, &p->Y, &p->X);
  fe_mul(&a, &a, &q->ypx);    /* (Y+X)(y+x) */
  fe_mul(&b, &b, &q->ymx);    /* (Y-X)(y-x) */
  fe_mul(&c, &p->T, &q->xy2d);/* 2d T xy    */
  fe_add(&d, &p->Z, &p->Z);   /* 2Z         */
  fe_sub(&r->X, &a, &b);      /* E = B - A */
  fe_add(&r->Y, &a, &b);      /* H = B + A */
  fe_add(&r->Z, &d, &c);      /* G = D + C (three carried summands) */
  fe_sub(&r->T, &d, &c);      /* F = D - C */
}

void ge_p2_tobytes(uint8_t s[32], const ge_p2 *p) {
  fe recip, x, y;
  uint8_t xb[32];
  fe_invert(&recip, &p->Z);
  fe_mul(&x, &p->X, &recip);
  fe_mul(&y, &p->Y, &recip);
  fe_tobytes(s, &y);
  fe_tobytes(xb, &x);
  s[31] ^= (uint8_t)((xb[0] & 1) << 7);
  ed_wipe(&recip, sizeof recip);
  ed_wipe(&x, sizeof x);
  ed_wipe(&y, sizeof y);
  ed_wipe(xb, sizeof xb);
}

#ifndef ED25519_TABLE_GEN
#ifdef ED25519_CT_FIXTURE_LEAKY
/* Deliberately leaky lookup, used only by the constant-time test fixture. */
#include "ct-fixtures/leaky_select.c"
#else
void ge_select(ge_niels *t, unsigned table, int32_t digit) {
  const uint32_t(*tab)[24] = ed_base_table[table];
  uint32_t w[24];
  uint32_t neg = (uint32_t)digit >> 31;
  uint32_t negmask = (uint32_t)0 - neg;
  uint32_t absd = ((uint32_t)digit ^ negmask) + neg;
  uint32_t m1 = ed_mask_is_zero(absd ^ 1), m2 = ed_mask_is_zero(absd ^ 2);
  uint32_t m3 = ed_mask_is_zero(absd ^ 3), m4 = ed_mask_is_zero(absd ^ 4);
  uint32_t m5 = ed_mask_is_zero(absd ^ 5), m6 = ed_mask_is_zero(absd ^ 6);
  uint32_t m7 = ed_mask_is_zero(absd ^ 7), m8 = ed_mask_is_zero(absd ^ 8);
  uint32_t one = ed_mask_is_zero(absd) & 1;
  unsigned i;
  fe nx;
  /* Read every entry of the table; keep the one whose mask is set. Two
   * passes of four entries keep the masks in registers. */
  for (i = 0; i < 24; i++) {
    w[i] = (tab[0][i] & m1) | (tab[1][i] & m2) | (tab[2][i] & m3) | (tab[3][i] & m4);
  }
  for (i = 0; i < 24; i++) {
    w[i] |= (tab[4][i] & m5) | (tab[5][i] & m6) | (tab[6][i] & m7) | (tab[7][i] & m8);
  }
  /* digit 0: the neutral element (1, 1, 0) */
  w[0] |= one;
  w[8] |= one;
  /* negative digit: -(x, y) has (y+x, y-x, 2dxy) -> (y-x, y+x, -2dxy) */
  for (i = 0; i < 8; i++) {
    uint32_t d = (w[i] ^ w[8 + i]) & negmask;
    w[i] ^= d;
    w[8 + i] ^= d;
  }
  fe_from_words(&t->ypx, w);
  fe_from_words(&t->ymx, w + 8);
  fe_from_words(&t->xy2d, w + 16);
  fe_neg(&nx, &t->xy2d);
  fe_cmov(&t->xy2d, &nx, negmask);
  /* w and nx are not wiped here (64 calls per scalar multiplication): the
   * caller's ed_burn_stack clears this stack area before returning. */
}
#endif

void ge_scalarmult_base(ge_p2 *h, const uint8_t a[32]) {
  int8_t e[64];
  int32_t carry;
  ge_p3 q;
  ge_p1p1 t;
  ge_niels n;
  unsigned i, j, k;
  int r;

  for (i = 0; i < 32; i++) {
    e[2 * i] = (int8_t)(a[i] & 15);
    e[2 * i + 1] = (int8_t)(a[i] >> 4);
  }
  /* signed digits in [-8, 7]; the top one in [0, 8] because a < 2^255 */
  carry = 0;
  for (i = 0; i < 63; i++) {
    int32_t v = e[i] + carry;     /* 0..16 */
    carry = (v + 8) >> 4;         /* 0 or 1, v + 8 >= 0 */
    e[i] = (int8_t)(v - (carry << 4));
  }
  e[63] = (int8_t)(e[63] + carry);

  ge_p3_0(&q);
  for (r = ED25519_COMB_R - 1; r >= 0; r--) {
    for (j = 0; j < ED25519_COMB_TABLES; j++) {
      ge_select(&n, j, e[(unsigned)r + ED25519_COMB_R * j]);
      ge_madd(&t, &q, &n);
      if (j + 1 < ED25519_COMB_TABLES) ge_p1p1_to_p3(&q, &t);
    }
    if (r > 0) {
      /* multiply by 16: T is only needed after the last doubling */
      ge_p1p1_to_p2(h, &t);
      for (k = 0; k < 3; k++) {
        ge_p2_dbl(&t, h);
        ge_p1p1_to_p2(h, &t);
      }
      ge_p2_dbl(&t, h);
      ge_p1p1_to_p3(&q, &t);
    } else {
      ge_p1p1_to_p2(h, &t);
    }
  }
  ed_wipe(e, sizeof e);
  ed_wipe(&q, sizeof q);
  ed_wipe(&t, sizeof t);
  ed_wipe(&n, sizeof n);
}
#endif /* ED25519_TABLE_GEN */
