#include "ed25519_util.h"

void ed_wipe(void *p, size_t n) {
  size_t i;
  if ((((uintptr_t)p | n) & 3) == 0) { /* public property of the buffer */
    volatile uint32_t *w = (volatile uint32_t *)p;
    for (i = 0; i < n / 4; i++) w[i] = 0;
  } else {
    volatile uint8_t *v = (volatile uint8_t *)p;
    for (i = 0; i < n; i++) v[i] = 0;
  }
#if defined(__GNUC__)
  __asm__ __volatile__("" : : "r"(p) : "memory");
#endif
}

#if defined(ED25519_FREESTANDING)
/*
 * GCC may emit calls to memset/memcpy for large aggregate initialisation or
 * copies even in freestanding mode. The blob links without libc, so provide
 * our own minimal, hidden versions (never used for secret-dependent lengths).
 */
ED_INTERNAL void *memset(void *dst, int c, size_t n);
ED_INTERNAL void *memcpy(void *dst, const void *src, size_t n);

void *memset(void *dst, int c, size_t n) {
  volatile uint8_t *d = (volatile uint8_t *)dst;
  size_t i;
  for (i = 0; i < n; i++) d[i] = (uint8_t)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  volatile uint8_t *d = (volatile uint8_t *)dst;
  const uint8_t *s = (const uint8_t *)src;
  size_t i;
  for (i = 0; i < n; i++) d[i] = s[i];
  return dst;
}
#endif
