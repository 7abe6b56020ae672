#include "sc25519.h"

static const uint32_t sc_L[9] = {0x5cf5d3edu, 0x5812631au, 0xa2f79cd6u, 0x14def9deu, 0,
                                 0,           0,           0x10000000u, 0};
/* floor(2^512 / L), computed offline with exact integer arithmetic. */
static const uint32_t sc_mu[9] = {0x0a2c131bu, 0xed9ce5a3u, 0x086329a7u, 0x2106215du, 0xffffffebu,
                                  0xffffffffu, 0xffffffffu, 0xffffffffu, 0x0000000fu};

/* x: 16 words (x < 2^512). out: 32 bytes, x mod L. */
static void sc_barrett(uint8_t out[32], const uint32_t x[16]) {
  uint32_t q2[18], r[9], t[9];
  uint64_t acc;
  uint32_t borrow, keep;
  unsigned i, j, k;

  /* q2 = floor(x / 2^224) * mu */
  for (i = 0; i < 18; i++) q2[i] = 0;
  for (i = 0; i < 9; i++) {
    uint32_t carry = 0;
    uint32_t xi = x[7 + i];
    for (j = 0; j < 9; j++) {
      acc = (uint64_t)xi * sc_mu[j] + q2[i + j] + carry;
      q2[i + j] = (uint32_t)acc;
      carry = (uint32_t)(acc >> 32);
    }
    q2[i + 9] = carry;
  }
  /* q3 = q2 >> 288 = q2[9..17]; r2 = (q3 * L) mod 2^288 */
  for (i = 0; i < 9; i++) t[i] = 0;
  for (i = 0; i < 9; i++) {
    uint32_t carry = 0;
    uint32_t qi = q2[9 + i];
    for (j = 0; i + j < 9; j++) {
      acc = (uint64_t)qi * sc_L[j] + t[i + j] + carry;
      t[i + j] = (uint32_t)acc;
      carry = (uint32_t)(acc >> 32);
    }
  }
  /* r = (x mod 2^288) - r2 mod 2^288 */
  borrow = 0;
  for (i = 0; i < 9; i++) {
    acc = (uint64_t)x[i] - t[i] - borrow;
    r[i] = (uint32_t)acc;
    borrow = (uint32_t)(acc >> 63);
  }
  /* 0 <= r < 3L: two masked conditional subtractions of L */
  for (k = 0; k < 2; k++) {
    borrow = 0;
    for (i = 0; i < 9; i++) {
      acc = (uint64_t)r[i] - sc_L[i] - borrow;
      t[i] = (uint32_t)acc;
      borrow = (uint32_t)(acc >> 63);
    }
    keep = (uint32_t)0 - borrow; /* borrow: r < L, keep r */
    for (i = 0; i < 9; i++) r[i] = (r[i] & keep) | (t[i] & ~keep);
  }
  for (i = 0; i < 8; i++) ed_store32_le(out + 4 * i, r[i]);
  ed_wipe(q2, sizeof q2);
  ed_wipe(r, sizeof r);
  ed_wipe(t, sizeof t);
}

void sc_reduce64(uint8_t out[32], const uint8_t in[64]) {
  uint32_t x[16];
  unsigned i;
  for (i = 0; i < 16; i++) x[i] = ed_load32_le(in + 4 * i);
  sc_barrett(out, x);
  ed_wipe(x, sizeof x);
}

void sc_muladd(uint8_t out[32], const uint8_t a[32], const uint8_t b[32], const uint8_t c[32]) {
  uint32_t x[16], aw[8], bw[8];
  uint64_t acc;
  unsigned i, j;
  for (i = 0; i < 8; i++) {
    aw[i] = ed_load32_le(a + 4 * i);
    bw[i] = ed_load32_le(b + 4 * i);
    x[i] = ed_load32_le(c + 4 * i);
    x[i + 8] = 0;
  }
  for (i = 0; i < 8; i++) {
    uint32_t carry = 0;
    for (j = 0; j < 8; j++) {
      acc = (uint64_t)aw[i] * bw[j] + x[i + j] + carry;
      x[i + j] = (uint32_t)acc;
      carry = (uint32_t)(acc >> 32);
    }
    /* propagate into the upper words (adding c can carry past i + 8) */
    for (j = i + 8; j < 16; j++) {
      acc = (uint64_t)x[j] + carry;
      x[j] = (uint32_t)acc;
      carry = (uint32_t)(acc >> 32);
    }
  }
  sc_barrett(out, x);
  ed_wipe(x, sizeof x);
  ed_wipe(aw, sizeof aw);
  ed_wipe(bw, sizeof bw);
}
