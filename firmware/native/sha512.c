/*
 * SHA-512 (FIPS 180-4), streaming, no libc. Message lengths are public; the
 * data itself never influences control flow or addresses.
 */
#include "sha512.h"

/* Generated from the fractional parts of the cube roots of the first 80 primes (FIPS 180-4). */
static const uint64_t sha512_k[80] = {
  0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL,
  0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
  0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL,
  0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
  0xd807aa98a3030242ULL, 0x12835b0145706fbeULL,
  0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
  0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL,
  0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
  0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL,
  0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
  0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL,
  0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
  0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL,
  0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
  0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
  0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
  0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL,
  0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
  0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL,
  0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
  0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL,
  0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
  0xd192e819d6ef5218ULL, 0xd69906245565a910ULL,
  0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
  0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL,
  0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
  0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL,
  0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
  0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL,
  0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
  0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL,
  0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
  0xca273eceea26619cULL, 0xd186b8c721c0c207ULL,
  0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
  0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL,
  0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
  0x28db77f523047d84ULL, 0x32caab7b40c72493ULL,
  0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
  0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL,
  0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};
/* Square roots of the first 8 primes. */
static const uint64_t sha512_iv[8] = {
  0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL,
  0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
  0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
  0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static inline uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

static inline uint64_t load64_be(const uint8_t *p) {
  uint32_t hi = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
  uint32_t lo = ((uint32_t)p[4] << 24) | ((uint32_t)p[5] << 16) | ((uint32_t)p[6] << 8) | p[7];
  return ((uint64_t)hi << 32) | lo;
}

static inline void store64_be(uint8_t *p, uint64_t v) {
  int i;
  for (i = 7; i >= 0; i--) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}

#define BSIG0(x) (rotr64((x), 28) ^ rotr64((x), 34) ^ rotr64((x), 39))
#define BSIG1(x) (rotr64((x), 14) ^ rotr64((x), 18) ^ rotr64((x), 41))
#define SSIG0(x) (rotr64((x), 1) ^ rotr64((x), 8) ^ ((x) >> 7))
#define SSIG1(x) (rotr64((x), 19) ^ rotr64((x), 61) ^ ((x) >> 6))

static void sha512_block(uint64_t st[8], const uint8_t *blk) {
  uint64_t w[16];
  uint64_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
  unsigned t;
  for (t = 0; t < 16; t++) w[t] = load64_be(blk + 8 * t);
  for (t = 0; t < 80; t++) {
    uint64_t wt, t1, t2;
    if (t < 16) {
      wt = w[t];
    } else {
      /* Rolling 16-word schedule: w[t mod 16] becomes W_t. */
      uint64_t w2 = w[(t - 2) & 15], w15 = w[(t - 15) & 15];
      wt = SSIG1(w2) + w[(t - 7) & 15] + SSIG0(w15) + w[t & 15];
      w[t & 15] = wt;
    }
    t1 = h + BSIG1(e) + ((e & f) ^ (~e & g)) + sha512_k[t] + wt;
    t2 = BSIG0(a) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  st[0] += a;
  st[1] += b;
  st[2] += c;
  st[3] += d;
  st[4] += e;
  st[5] += f;
  st[6] += g;
  st[7] += h;
  ed_wipe(w, sizeof w);
}

void sha512_init(sha512_ctx *ctx) {
  unsigned i;
  for (i = 0; i < 8; i++) ctx->state[i] = sha512_iv[i];
  ctx->total = 0;
  ctx->fill = 0;
}

void sha512_update(sha512_ctx *ctx, const uint8_t *data, size_t len) {
  ctx->total += len;
  while (len > 0) {
    size_t take = 128 - ctx->fill;
    if (take > len) take = len;
    if (ctx->fill == 0 && take == 128) {
      sha512_block(ctx->state, data);
    } else {
      ed_copy(ctx->buf + ctx->fill, data, take);
      ctx->fill += (uint32_t)take;
      if (ctx->fill == 128) {
        sha512_block(ctx->state, ctx->buf);
        ctx->fill = 0;
      }
    }
    data += take;
    len -= take;
  }
}

void sha512_final(sha512_ctx *ctx, uint8_t out[64]) {
  uint64_t bits = (uint64_t)ctx->total << 3;
  uint32_t i = ctx->fill;
  ctx->buf[i++] = 0x80;
  if (i > 112) {
    while (i < 128) ctx->buf[i++] = 0;
    sha512_block(ctx->state, ctx->buf);
    i = 0;
  }
  while (i < 120) ctx->buf[i++] = 0; /* upper 64 bits of the 128-bit length are zero */
  store64_be(ctx->buf + 120, bits);
  sha512_block(ctx->state, ctx->buf);
  for (i = 0; i < 8; i++) store64_be(out + 8 * i, ctx->state[i]);
  ed_wipe(ctx, sizeof *ctx);
}
