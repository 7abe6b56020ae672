#ifndef ED25519_SHA512_H
#define ED25519_SHA512_H
#include "ed25519_util.h"

typedef struct {
  uint64_t state[8];
  uint64_t total; /* bytes hashed so far (messages < 2^61 bytes) */
  uint32_t fill;  /* bytes waiting in buf */
  uint8_t buf[128];
} sha512_ctx;

ED_INTERNAL void sha512_init(sha512_ctx *ctx);
ED_INTERNAL void sha512_update(sha512_ctx *ctx, const uint8_t *data, size_t len);
/* Writes the digest and wipes the context. */
ED_INTERNAL void sha512_final(sha512_ctx *ctx, uint8_t out[64]);
#endif
