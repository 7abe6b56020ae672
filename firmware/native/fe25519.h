/*
 * Arithmetic modulo p = 2^255 - 19.
 *
 * Default representation: ten unsigned 32-bit limbs in radix 2^25.5 (limb i
 * holds bits [ceil(25.5 i), ceil(25.5 (i+1))) - widths 26,25,26,...), multiplied
 * with 32x32->64 UMULL/UMLAL on Cortex-M4.
 *
 * With -DED25519_REFERENCE: sixteen 16-bit limbs and a plain schoolbook
 * multiply (the "reference" build used only to put a ratio next to the
 * benchmark figure). Both representations expose the same functions.
 *
 * Limb bounds (default build), which every caller respects:
 *   "carried"   : even limbs <= 2^26, odd limbs <= 2^25 + 2^19 (outputs of
 *                 fe_mul, fe_sq, fe_sub, fe_frombytes, fe_from_words, fe_neg);
 *   fe_add      : inputs carried, output unreduced (sum of two);
 *   fe_mul/fe_sq: inputs may be sums of up to three carried values;
 *   fe_sub      : f may be a sum of up to three carried values, g a sum of at
 *                 most two; output carried.
 */
#ifndef ED25519_FE25519_H
#define ED25519_FE25519_H
#include "ed25519_util.h"

#ifdef ED25519_REFERENCE
#define FE_LIMBS 16
#else
#define FE_LIMBS 10
#endif

typedef struct {
  uint32_t v[FE_LIMBS];
} fe;

ED_INTERNAL void fe_0(fe *h);
ED_INTERNAL void fe_1(fe *h);
ED_INTERNAL void fe_copy(fe *h, const fe *f);
ED_INTERNAL void fe_add(fe *h, const fe *f, const fe *g);
ED_INTERNAL void fe_sub(fe *h, const fe *f, const fe *g);
ED_INTERNAL void fe_neg(fe *h, const fe *f);
ED_INTERNAL void fe_mul(fe *h, const fe *f, const fe *g);
ED_INTERNAL void fe_sq(fe *h, const fe *f);
/* h = f^(p-2) = 1/f (0 for f = 0); fixed sequence of operations. */
ED_INTERNAL void fe_invert(fe *h, const fe *f);
/* f = mask ? g : f, mask all-ones or zero. */
ED_INTERNAL void fe_cmov(fe *f, const fe *g, uint32_t mask);
/* 32 little-endian bytes, bit 255 ignored. */
ED_INTERNAL void fe_frombytes(fe *h, const uint8_t s[32]);
/* Same from eight little-endian 32-bit words (the packed table format). */
ED_INTERNAL void fe_from_words(fe *h, const uint32_t w[8]);
/* Canonical (fully reduced) little-endian encoding. */
ED_INTERNAL void fe_tobytes(uint8_t s[32], const fe *f);

#endif
