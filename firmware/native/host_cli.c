/*
 * Host (x86-64) front end for the same Ed25519 sources: a line-oriented
 * stdin/stdout tool used by the Node simulator and by the tests.
 *
 *   pk <seed hex 64>                         -> <public key hex 64>
 *   sign <seed hex> <pk hex> [<msg hex>]     -> <signature hex 128>
 *   version                                  -> <hex>
 * Anything else, or malformed hex, answers "error <reason>". Output is
 * flushed after every line, so a caller may keep one process open.
 *
 * Built with -DED25519_CTGRIND this becomes the constant-time checker: the
 * seed is marked undefined for valgrind memcheck before each call, and the
 * results are marked defined again before they are printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ed25519.h"

#ifdef ED25519_CTGRIND
#include <valgrind/memcheck.h>
#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define SECRET(p, n) ((void)(p), (void)(n))
#define PUBLIC(p, n) ((void)(p), (void)(n))
#endif

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes hex of exactly `want` bytes (want < 0: any even length). Returns length or -1. */
static long unhex(const char *s, unsigned char *out, long want) {
  size_t n = strlen(s), i;
  if (n % 2 != 0) return -1;
  if (want >= 0 && (long)(n / 2) != want) return -1;
  for (i = 0; i < n / 2; i++) {
    int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (unsigned char)(hi * 16 + lo);
  }
  return (long)(n / 2);
}

static void puthex(const unsigned char *b, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) printf("%02x", b[i]);
  printf("\n");
}

int main(void) {
  size_t cap = 0;
  char *line = NULL;
  ssize_t len;
  unsigned char *msg = NULL;
  size_t msgcap = 0;

  while ((len = getline(&line, &cap, stdin)) >= 0) {
    char *tok[5];
    int ntok = 0;
    char *save = NULL, *t;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
    for (t = strtok_r(line, " \t", &save); t && ntok < 5; t = strtok_r(NULL, " \t", &save)) tok[ntok++] = t;
    if (ntok == 0) continue;
    if (strcmp(tok[0], "pk") == 0 && ntok == 2) {
      unsigned char seed[32], pk[32];
      if (unhex(tok[1], seed, 32) < 0) {
        printf("error bad seed hex\n");
      } else {
        SECRET(seed, 32);
        ed25519_public_key(pk, seed);
        PUBLIC(pk, 32);
        puthex(pk, 32);
      }
    } else if (strcmp(tok[0], "sign") == 0 && (ntok == 3 || ntok == 4)) {
      unsigned char seed[32], pk[32], sig[64];
      long mlen = 0;
      size_t need = ntok == 4 ? strlen(tok[3]) / 2 + 1 : 1;
      if (need > msgcap) {
        unsigned char *m = realloc(msg, need);
        if (!m) {
          printf("error out of memory\n");
          fflush(stdout);
          continue;
        }
        msg = m;
        msgcap = need;
      }
      if (unhex(tok[1], seed, 32) < 0 || unhex(tok[2], pk, 32) < 0 ||
          (ntok == 4 && (mlen = unhex(tok[3], msg, -1)) < 0)) {
        printf("error bad hex\n");
      } else {
        SECRET(seed, 32);
        ed25519_sign(sig, seed, pk, msg, (int)mlen);
        PUBLIC(sig, 64);
        puthex(sig, 64);
      }
    } else if (strcmp(tok[0], "version") == 0 && ntok == 1) {
      printf("%08x\n", (unsigned)ed25519_version());
    } else {
      printf("error unknown command\n");
    }
    fflush(stdout);
  }
  free(line);
  free(msg);
  return 0;
}
