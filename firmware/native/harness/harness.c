/*
 * Cortex-M4 test harness: runs the exact bytes of dist/firmware/ed25519.bin
 * (linked in with .incbin) the way E.nativeCall does - copied to RAM at an
 * address unrelated to its link address (0), called through a function
 * pointer with the Thumb bit set.
 *
 * Test cases come from a host file through Arm semihosting, results go to
 * another host file. Command line (semihosting): "harness <in> <out>".
 *
 * Input records (little-endian u32 fields):
 *   op (0 end, 1 public key, 2 sign, 3 sign_sk, 4 version), msglen, slot,
 *   seed[32], pk[32], msg[msglen]   (msglen 0xffffffff: call with length -1, no bytes)
 * Output records: ret (u32), stack bytes used (u32), out[64].
 *
 * Slot 0 and 1 are two RAM copies of the blob at different, 4-byte but not
 * 8-byte aligned addresses. Stack use is measured by painting the stack
 * below the caller's SP before each call and finding the lowest overwritten
 * word afterwards.
 */
#include <stdint.h>

#define SYS_OPEN 0x01
#define SYS_CLOSE 0x02
#define SYS_WRITE0 0x04
#define SYS_WRITE 0x05
#define SYS_READ 0x06
#define SYS_GET_CMDLINE 0x15
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

#define PAINT 0xa5c3e1f7u
#define MAX_MSG 65536
#define BLOB_MAX 16384

extern const uint8_t blob_image[], blob_image_end[];
extern uint32_t _stack_bottom[];

/* Two load addresses; offsets from 8-byte alignment are deliberate. */
static uint8_t blob_area_a[BLOB_MAX + 64] __attribute__((aligned(16)));
static uint8_t blob_area_b[BLOB_MAX + 64] __attribute__((aligned(16)));
#define SLOT_A_OFFSET 4
#define SLOT_B_OFFSET 44

static uint8_t msg[MAX_MSG];
static char cmdline[512];

void harness_exit(void);
void harness_fault(uint32_t *frame);
int harness_main(void);

static int semi(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ __volatile__("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static void semi_exit(int code) {
  uint32_t args[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
  semi(SYS_EXIT_EXTENDED, args);
  for (;;) {
  }
}

static void say(const char *s) { semi(SYS_WRITE0, (void *)s); }

static void say_hex(uint32_t v) {
  char b[11];
  int i;
  b[0] = '0';
  b[1] = 'x';
  for (i = 0; i < 8; i++) b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
  b[10] = 0;
  say(b);
}

void harness_fault(uint32_t *frame) {
  say("harness: FAULT at pc=");
  say_hex(frame[6]);
  say("\n");
  semi_exit(3);
}

void harness_exit(void) { semi_exit(0); }

static unsigned str_len(const char *s) {
  unsigned n = 0;
  while (s[n]) n++;
  return n;
}

static int semi_open(const char *path, int mode) {
  uint32_t args[3] = {(uint32_t)path, (uint32_t)mode, str_len(path)};
  return semi(SYS_OPEN, args);
}

/* Reads exactly n bytes; returns 0 on success, -1 on EOF/short read. */
static int read_exact(int fd, void *buf, uint32_t n) {
  uint8_t *p = (uint8_t *)buf;
  while (n > 0) {
    uint32_t args[3] = {(uint32_t)fd, (uint32_t)p, n};
    int left = semi(SYS_READ, args);
    uint32_t got;
    if (left < 0 || (uint32_t)left > n) return -1;
    got = n - (uint32_t)left;
    if (got == 0) return -1;
    p += got;
    n -= got;
  }
  return 0;
}

static void write_all(int fd, const void *buf, uint32_t n) {
  uint32_t args[3] = {(uint32_t)fd, (uint32_t)buf, n};
  if (semi(SYS_WRITE, args) != 0) {
    say("harness: write failed\n");
    semi_exit(4);
  }
}

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static void wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

typedef int (*fn5)(int, int, int, int, int);
typedef int (*fn4)(int, int, int, int);
typedef int (*fn2)(int, int);
typedef int (*fn0)(void);

static __attribute__((noinline)) void paint_stack(uint32_t *limit) {
  uint32_t *p;
  for (p = _stack_bottom; p < limit; p++) *p = PAINT;
}

static __attribute__((noinline)) uint32_t *lowest_used(void) {
  uint32_t *p = _stack_bottom;
  while (*p == PAINT) p++;
  return p;
}

static inline uint32_t current_sp(void) {
  uint32_t sp;
  __asm__ __volatile__("mov %0, sp" : "=r"(sp));
  return sp;
}

int harness_main(void) {
  uint32_t args[2];
  char *in_path, *out_path, *c;
  int fin, fout;
  uint32_t blob_len = (uint32_t)(blob_image_end - blob_image);
  uint8_t *base_a = blob_area_a + SLOT_A_OFFSET, *base_b = blob_area_b + SLOT_B_OFFSET;
  uint32_t i;

  if (blob_len > BLOB_MAX) {
    say("harness: blob larger than 16 KB\n");
    semi_exit(5);
  }
  for (i = 0; i < blob_len; i++) {
    base_a[i] = blob_image[i];
    base_b[i] = blob_image[i];
  }

  args[0] = (uint32_t)cmdline;
  args[1] = sizeof cmdline - 1;
  if (semi(SYS_GET_CMDLINE, args) != 0) {
    say("harness: no command line\n");
    semi_exit(6);
  }
  /* "harness <in> <out>" */
  c = cmdline;
  while (*c && *c != ' ') c++;
  while (*c == ' ') c++;
  in_path = c;
  while (*c && *c != ' ') c++;
  if (*c) *c++ = 0;
  while (*c == ' ') c++;
  out_path = c;
  while (*c && *c != ' ' && *c != '\n') c++;
  *c = 0;
  fin = semi_open(in_path, 1);  /* "rb" */
  fout = semi_open(out_path, 5); /* "wb" */
  if (fin < 0 || fout < 0) {
    say("harness: cannot open input/output files\n");
    semi_exit(7);
  }

  for (;;) {
    uint8_t hdr[12 + 64];
    uint8_t out[8 + 64];
    uint32_t op, mlen, slot, sp_before, used;
    uint8_t *base;
    uint32_t entry;
    int ret = -100;
    uint32_t *low;

    if (read_exact(fin, hdr, 12 + 64) != 0) break;
    op = rd32(hdr);
    mlen = rd32(hdr + 4);
    slot = rd32(hdr + 8);
    if (op == 0) break;
    if (mlen == 0xffffffffu) {
      /* "negative length" probe: pass -1, read no message bytes */
    } else if (mlen > MAX_MSG) {
      say("harness: message too long\n");
      semi_exit(8);
    }
    if (mlen != 0xffffffffu && mlen > 0 && read_exact(fin, msg, mlen) != 0) {
      say("harness: truncated input\n");
      semi_exit(9);
    }
    for (i = 0; i < sizeof out; i++) out[i] = 0;
    base = slot ? base_b : base_a;
    entry = (uint32_t)base | 1u; /* Thumb */

    sp_before = current_sp();
    paint_stack((uint32_t *)(sp_before - 64));
    switch (op) {
      case 1:
        ret = ((fn2)(entry + 0))((int)(out + 8), (int)(hdr + 12));
        break;
      case 2:
        ret = ((fn5)(entry + 4))((int)(out + 8), (int)(hdr + 12), (int)(hdr + 44), (int)msg, (int)mlen);
        break;
      case 3:
        ret = ((fn4)(entry + 8))((int)(out + 8), (int)(hdr + 12), (int)msg, (int)mlen);
        break;
      case 4:
        ret = ((fn0)(entry + 12))();
        break;
      default:
        say("harness: bad op\n");
        semi_exit(10);
    }
    low = lowest_used();
    used = sp_before - (uint32_t)low;
    wr32(out, (uint32_t)ret);
    wr32(out + 4, used);
    write_all(fout, out, sizeof out);
  }
  {
    uint32_t a1[1] = {(uint32_t)fout};
    semi(SYS_CLOSE, a1);
    a1[0] = (uint32_t)fin;
    semi(SYS_CLOSE, a1);
  }
  return 0;
}
