#include "fe25519.h"

void fe_0(fe *h) {
  unsigned i;
  for (i = 0; i < FE_LIMBS; i++) h->v[i] = 0;
}

void fe_1(fe *h) {
  fe_0(h);
  h->v[0] = 1;
}

void fe_copy(fe *h, const fe *f) {
  unsigned i;
  for (i = 0; i < FE_LIMBS; i++) h->v[i] = f->v[i];
}

void fe_add(fe *h, const fe *f, const fe *g) {
  unsigned i;
  for (i = 0; i < FE_LIMBS; i++) h->v[i] = f->v[i] + g->v[i];
}

void fe_cmov(fe *f, const fe *g, uint32_t mask) {
  unsigned i;
  for (i = 0; i < FE_LIMBS; i++) f->v[i] ^= (f->v[i] ^ g->v[i]) & mask;
}

void fe_neg(fe *h, const fe *f) {
  fe z;
  fe_0(&z);
  fe_sub(h, &z, f);
}

#ifndef ED25519_REFERENCE
/* ------------------------------------------------------------------------ */
/* Radix 2^25.5, ten limbs.                                                  */

#define M26 0x3ffffffu
#define M25 0x1ffffffu

#include "fe25519_mul.inc"

void fe_mul(fe *h, const fe *f, const fe *g) { fe_mul_impl(h->v, f->v, g->v); }
void fe_sq(fe *h, const fe *f) { fe_sq_impl(h->v, f->v); }

/* Propagate carries once around the ring; limbs may be up to 2^31 on entry. */
static void fe_carry(uint32_t *v) {
  uint32_t c;
  c = v[0] >> 26; v[0] &= M26; v[1] += c;
  c = v[1] >> 25; v[1] &= M25; v[2] += c;
  c = v[2] >> 26; v[2] &= M26; v[3] += c;
  c = v[3] >> 25; v[3] &= M25; v[4] += c;
  c = v[4] >> 26; v[4] &= M26; v[5] += c;
  c = v[5] >> 25; v[5] &= M25; v[6] += c;
  c = v[6] >> 26; v[6] &= M26; v[7] += c;
  c = v[7] >> 25; v[7] &= M25; v[8] += c;
  c = v[8] >> 26; v[8] &= M26; v[9] += c;
  c = v[9] >> 25; v[9] &= M25; v[0] += 19 * c;
  c = v[0] >> 26; v[0] &= M26; v[1] += c;
}

/* h = f - g + 8p, then carried. 8p limbs: 2^29-152, then 2^28-8 / 2^29-8. */
void fe_sub(fe *h, const fe *f, const fe *g) {
  uint32_t *o = h->v;
  const uint32_t *a = f->v, *b = g->v;
  o[0] = a[0] + 0x1fffff68u - b[0];
  o[1] = a[1] + 0x0ffffff8u - b[1];
  o[2] = a[2] + 0x1ffffff8u - b[2];
  o[3] = a[3] + 0x0ffffff8u - b[3];
  o[4] = a[4] + 0x1ffffff8u - b[4];
  o[5] = a[5] + 0x0ffffff8u - b[5];
  o[6] = a[6] + 0x1ffffff8u - b[6];
  o[7] = a[7] + 0x0ffffff8u - b[7];
  o[8] = a[8] + 0x1ffffff8u - b[8];
  o[9] = a[9] + 0x0ffffff8u - b[9];
  fe_carry(o);
}

void fe_frombytes(fe *h, const uint8_t s[32]) {
  uint32_t w[8];
  unsigned i;
  for (i = 0; i < 8; i++) w[i] = ed_load32_le(s + 4 * i);
  fe_from_words(h, w);
  ed_wipe(w, sizeof w);
}

void fe_from_words(fe *h, const uint32_t w[8]) {
  uint32_t *o = h->v;
  o[0] = w[0] & M26;                          /* bits   0..25  */
  o[1] = ((w[0] >> 26) | (w[1] << 6)) & M25;  /* bits  26..50  */
  o[2] = ((w[1] >> 19) | (w[2] << 13)) & M26; /* bits  51..76  */
  o[3] = ((w[2] >> 13) | (w[3] << 19)) & M25; /* bits  77..101 */
  o[4] = (w[3] >> 6) & M26;                   /* bits 102..127 */
  o[5] = w[4] & M25;                          /* bits 128..152 */
  o[6] = ((w[4] >> 25) | (w[5] << 7)) & M26;  /* bits 153..178 */
  o[7] = ((w[5] >> 19) | (w[6] << 13)) & M25; /* bits 179..203 */
  o[8] = ((w[6] >> 12) | (w[7] << 20)) & M26; /* bits 204..229 */
  o[9] = (w[7] >> 6) & M25;                   /* bits 230..254 */
}

void fe_tobytes(uint8_t s[32], const fe *f) {
  uint32_t t[10], q, w[8];
  unsigned i;
  for (i = 0; i < 10; i++) t[i] = f->v[i];
  fe_carry(t);
  fe_carry(t); /* now every limb is within its width: value < 2^255 + small < 2p */
  /* q = 1 iff value >= p, i.e. value + 19 >= 2^255 */
  q = (t[0] + 19) >> 26;
  q = (t[1] + q) >> 25;
  q = (t[2] + q) >> 26;
  q = (t[3] + q) >> 25;
  q = (t[4] + q) >> 26;
  q = (t[5] + q) >> 25;
  q = (t[6] + q) >> 26;
  q = (t[7] + q) >> 25;
  q = (t[8] + q) >> 26;
  q = (t[9] + q) >> 25;
  t[0] += 19 * q;
  /* carry without wrap-around; the final carry out of limb 9 is 2^255 * q */
  t[1] += t[0] >> 26; t[0] &= M26;
  t[2] += t[1] >> 25; t[1] &= M25;
  t[3] += t[2] >> 26; t[2] &= M26;
  t[4] += t[3] >> 25; t[3] &= M25;
  t[5] += t[4] >> 26; t[4] &= M26;
  t[6] += t[5] >> 25; t[5] &= M25;
  t[7] += t[6] >> 26; t[6] &= M26;
  t[8] += t[7] >> 25; t[7] &= M25;
  t[9] += t[8] >> 26; t[8] &= M26;
  t[9] &= M25;
  w[0] = t[0] | (t[1] << 26);
  w[1] = (t[1] >> 6) | (t[2] << 19);
  w[2] = (t[2] >> 13) | (t[3] << 13);
  w[3] = (t[3] >> 19) | (t[4] << 6);
  w[4] = t[5] | (t[6] << 25);
  w[5] = (t[6] >> 7) | (t[7] << 19);
  w[6] = (t[7] >> 13) | (t[8] << 12);
  w[7] = (t[8] >> 20) | (t[9] << 6);
  for (i = 0; i < 8; i++) ed_store32_le(s + 4 * i, w[i]);
  ed_wipe(t, sizeof t);
  ed_wipe(w, sizeof w);
}

#else
/* ------------------------------------------------------------------------ */
/* Reference: sixteen 16-bit limbs, schoolbook multiply, 2^256 = 38 mod p.   */

/* One pass of carries around the ring (limbs up to 2^31 on entry). */
static void fe16_carry(uint32_t *v) {
  unsigned i;
  uint32_t c;
  for (i = 0; i < 15; i++) {
    c = v[i] >> 16;
    v[i] &= 0xffff;
    v[i + 1] += c;
  }
  c = v[15] >> 16;
  v[15] &= 0xffff;
  v[0] += 38 * c;
  c = v[0] >> 16;
  v[0] &= 0xffff;
  v[1] += c;
}

void fe_mul(fe *h, const fe *f, const fe *g) {
  uint64_t t[31];
  unsigned i, j, pass;
  for (i = 0; i < 31; i++) t[i] = 0;
  for (i = 0; i < 16; i++)
    for (j = 0; j < 16; j++) t[i + j] += (uint64_t)f->v[i] * g->v[j];
  for (i = 0; i < 15; i++) t[i] += 38 * t[i + 16];
  for (pass = 0; pass < 2; pass++) {
    for (i = 0; i < 15; i++) {
      t[i + 1] += t[i] >> 16;
      t[i] &= 0xffff;
    }
    t[0] += 38 * (t[15] >> 16);
    t[15] &= 0xffff;
  }
  for (i = 0; i < 16; i++) h->v[i] = (uint32_t)t[i];
  fe16_carry(h->v);
}

void fe_sq(fe *h, const fe *f) { fe_mul(h, f, f); }

/* h = f - g + 8p, carried. 8p limbs: 0x7ff68, 0x7fff8 x14, 0x3fff8. */
void fe_sub(fe *h, const fe *f, const fe *g) {
  unsigned i;
  h->v[0] = f->v[0] + 0x7ff68u - g->v[0];
  for (i = 1; i < 15; i++) h->v[i] = f->v[i] + 0x7fff8u - g->v[i];
  h->v[15] = f->v[15] + 0x3fff8u - g->v[15];
  fe16_carry(h->v);
}

void fe_from_words(fe *h, const uint32_t w[8]) {
  unsigned i;
  for (i = 0; i < 8; i++) {
    h->v[2 * i] = w[i] & 0xffff;
    h->v[2 * i + 1] = w[i] >> 16;
  }
  h->v[15] &= 0x7fff;
}

void fe_frombytes(fe *h, const uint8_t s[32]) {
  unsigned i;
  for (i = 0; i < 16; i++) h->v[i] = (uint32_t)s[2 * i] | ((uint32_t)s[2 * i + 1] << 8);
  h->v[15] &= 0x7fff;
}

static void fe16_carry_nowrap(uint32_t *t) {
  unsigned i;
  for (i = 0; i < 15; i++) {
    t[i + 1] += t[i] >> 16;
    t[i] &= 0xffff;
  }
}

void fe_tobytes(uint8_t s[32], const fe *f) {
  uint32_t t[16], m[16], b, c;
  unsigned i, k;
  for (i = 0; i < 16; i++) t[i] = f->v[i];
  fe16_carry(t);
  fe16_carry(t);
  fe16_carry_nowrap(t);
  c = t[15] >> 16; /* value >= 2^256: fold once more */
  t[15] &= 0xffff;
  t[0] += 38 * c;
  fe16_carry_nowrap(t);
  /* now every limb < 2^16, value < 2^256 < 3p: subtract p at most twice */
  for (k = 0; k < 2; k++) {
    m[0] = t[0] - 0xffed;
    b = (m[0] >> 16) & 1;
    m[0] &= 0xffff;
    for (i = 1; i < 15; i++) {
      m[i] = t[i] - 0xffff - b;
      b = (m[i] >> 16) & 1;
      m[i] &= 0xffff;
    }
    m[15] = t[15] - 0x7fff - b;
    b = (m[15] >> 16) & 1;
    m[15] &= 0xffff;
    /* b = 1: borrow, so t < p: keep t */
    for (i = 0; i < 16; i++) t[i] ^= (t[i] ^ m[i]) & (b - 1u);
  }
  for (i = 0; i < 16; i++) {
    s[2 * i] = (uint8_t)t[i];
    s[2 * i + 1] = (uint8_t)(t[i] >> 8);
  }
  ed_wipe(t, sizeof t);
  ed_wipe(m, sizeof m);
}
#endif

/* p - 2 = 2^255 - 21: square-and-multiply with a fixed addition chain. */
static void fe_sqn(fe *h, const fe *f, unsigned n) {
  unsigned i;
  fe_sq(h, f);
  for (i = 1; i < n; i++) fe_sq(h, h);
}

void fe_invert(fe *out, const fe *z) {
  fe z2, z9, z11, z_5_0, z_10_0, z_20_0, z_50_0, z_100_0, t;
  fe_sq(&z2, z);             /* 2 */
  fe_sqn(&t, &z2, 2);        /* 8 */
  fe_mul(&z9, &t, z);        /* 9 */
  fe_mul(&z11, &z9, &z2);    /* 11 */
  fe_sq(&t, &z11);           /* 22 */
  fe_mul(&z_5_0, &t, &z9);   /* 2^5 - 1 */
  fe_sqn(&t, &z_5_0, 5);
  fe_mul(&z_10_0, &t, &z_5_0);   /* 2^10 - 1 */
  fe_sqn(&t, &z_10_0, 10);
  fe_mul(&z_20_0, &t, &z_10_0);  /* 2^20 - 1 */
  fe_sqn(&t, &z_20_0, 20);
  fe_mul(&t, &t, &z_20_0);       /* 2^40 - 1 */
  fe_sqn(&t, &t, 10);
  fe_mul(&z_50_0, &t, &z_10_0);  /* 2^50 - 1 */
  fe_sqn(&t, &z_50_0, 50);
  fe_mul(&z_100_0, &t, &z_50_0); /* 2^100 - 1 */
  fe_sqn(&t, &z_100_0, 100);
  fe_mul(&t, &t, &z_100_0);      /* 2^200 - 1 */
  fe_sqn(&t, &t, 50);
  fe_mul(&t, &t, &z_50_0);       /* 2^250 - 1 */
  fe_sqn(&t, &t, 5);             /* 2^255 - 2^5 */
  fe_mul(out, &t, &z11);         /* 2^255 - 21 */
  ed_wipe(&z2, sizeof z2);
  ed_wipe(&z9, sizeof z9);
  ed_wipe(&z11, sizeof z11);
  ed_wipe(&z_5_0, sizeof z_5_0);
  ed_wipe(&z_10_0, sizeof z_10_0);
  ed_wipe(&z_20_0, sizeof z_20_0);
  ed_wipe(&z_50_0, sizeof z_50_0);
  ed_wipe(&z_100_0, sizeof z_100_0);
  ed_wipe(&t, sizeof t);
}
