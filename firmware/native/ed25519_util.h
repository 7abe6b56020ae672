/*
 * Small freestanding helpers shared by the Ed25519 sources: fixed-width
 * integer types (no libc headers needed beyond the compiler's own), byte
 * copies, constant-time masks and a wipe the optimiser cannot remove.
 */
#ifndef ED25519_UTIL_H
#define ED25519_UTIL_H

#include <stdint.h>
#include <stddef.h>

#if defined(__GNUC__)
#define ED_INTERNAL __attribute__((visibility("hidden")))
#define ED_NOINLINE __attribute__((noinline))
#else
#define ED_INTERNAL
#define ED_NOINLINE
#endif

/* Copy n bytes; public lengths only. */
static inline void ed_copy(uint8_t *dst, const uint8_t *src, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) dst[i] = src[i];
}

/* Overwrite n bytes with zeros through a volatile pointer, then tell the
 * compiler the memory was read so the stores cannot be dropped as dead. */
ED_INTERNAL void ed_wipe(void *p, size_t n);

/* All-ones when x == 0, else zero (x any 32-bit value). */
static inline uint32_t ed_mask_is_zero(uint32_t x) {
  return (uint32_t)0 - (uint32_t)(((x | ((uint32_t)0 - x)) >> 31) ^ 1u);
}

/* Little-endian loads and stores. */
static inline uint32_t ed_load32_le(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void ed_store32_le(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

#endif
