/*
 * RFC 8032 Ed25519 key generation and signing.
 *
 * Secrets: the seed, its SHA-512 expansion (scalar a and prefix), the nonce r
 * and every intermediate derived from them. None of them selects a branch or a
 * memory address (see ge_select for the table scan). They are wiped before
 * returning, and ed_burn_stack clears the stack area the computation used.
 */
#include "ed25519.h"
#include "ed25519_util.h"
#include "ge25519.h"
#include "sc25519.h"
#include "sha512.h"

/* Bytes of stack cleared after each call; covers the measured peak (README). */
#ifndef ED25519_BURN_BYTES
#ifdef ED25519_REFERENCE
#define ED25519_BURN_BYTES 2112
#else
#define ED25519_BURN_BYTES 1600
#endif
#endif

static ED_NOINLINE void ed_burn_stack(void) {
  volatile uint32_t area[ED25519_BURN_BYTES / 4];
  unsigned i;
  for (i = 0; i < ED25519_BURN_BYTES / 4; i++) area[i] = 0;
#if defined(__GNUC__)
  __asm__ __volatile__("" : : "r"(area) : "memory");
#endif
}

static void expand_seed(uint8_t h[64], const uint8_t *seed) {
  sha512_ctx ctx;
  sha512_init(&ctx);
  sha512_update(&ctx, seed, 32);
  sha512_final(&ctx, h);
  h[0] &= 248;
  h[31] &= 127;
  h[31] |= 64;
}

static ED_NOINLINE void public_key_impl(uint8_t *pk, const uint8_t *seed) {
  uint8_t h[64];
  ge_p2 A;
  expand_seed(h, seed);
  ge_scalarmult_base(&A, h);
  ge_p2_tobytes(pk, &A);
  ed_wipe(h, sizeof h);
  ed_wipe(&A, sizeof A);
}

static ED_NOINLINE void sign_impl(uint8_t *sig, const uint8_t *seed, const uint8_t *pk, const uint8_t *m,
                                  size_t mlen) {
  uint8_t h[64], r[32], hram[64], R[32], S[32];
  sha512_ctx ctx;
  ge_p2 Rp;

  expand_seed(h, seed);

  /* r = SHA-512(prefix || M) mod L */
  sha512_init(&ctx);
  sha512_update(&ctx, h + 32, 32);
  sha512_update(&ctx, m, mlen);
  sha512_final(&ctx, hram);
  sc_reduce64(r, hram);

  ge_scalarmult_base(&Rp, r);
  ge_p2_tobytes(R, &Rp);

  /* k = SHA-512(R || A || M) mod L */
  sha512_init(&ctx);
  sha512_update(&ctx, R, 32);
  sha512_update(&ctx, pk, 32);
  sha512_update(&ctx, m, mlen);
  sha512_final(&ctx, hram);
  sc_reduce64(hram, hram);

  /* S = (r + k * a) mod L */
  sc_muladd(S, hram, h, r);

  /* written last, so the signature buffer may overlap the message */
  ed_copy(sig, R, 32);
  ed_copy(sig + 32, S, 32);

  ed_wipe(h, sizeof h);
  ed_wipe(r, sizeof r);
  ed_wipe(hram, sizeof hram);
  ed_wipe(&Rp, sizeof Rp);
  ed_wipe(S, sizeof S);
}

int ed25519_public_key(uint8_t *public_key_out32, const uint8_t *seed32) {
  public_key_impl(public_key_out32, seed32);
  ed_burn_stack();
  return 0;
}

int ed25519_sign(uint8_t *signature_out64, const uint8_t *seed32, const uint8_t *public_key32,
                 const uint8_t *message, int message_length) {
  if (message_length < 0) return -1;
  sign_impl(signature_out64, seed32, public_key32, message, (size_t)message_length);
  ed_burn_stack();
  return 0;
}

int ed25519_sign_sk(uint8_t *signature_out64, const uint8_t *secret_key64, const uint8_t *message,
                    int message_length) {
  return ed25519_sign(signature_out64, secret_key64, secret_key64 + 32, message, message_length);
}

int ed25519_version(void) { return ED25519_BLOB_VERSION; }
