/*
 * Entry table at offset 0 of dist/firmware/ed25519.bin. Each slot is one
 * 32-bit Thumb-2 B.W, so slot n is at byte offset 4n and is called with the
 * Thumb bit set: E.nativeCall(4n + 1, signature, blob).
 */
  .syntax unified
  .thumb
  .section .text.entry, "ax", %progbits
  .balign 4
  .global ed25519_blob_start
  .type ed25519_blob_start, %function
ed25519_blob_start:
  b.w ed25519_public_key   /* +0  int(int pk_out, int seed)                        */
  b.w ed25519_sign         /* +4  int(int sig_out, int seed, int pk, int msg, int len) */
  b.w ed25519_sign_sk      /* +8  int(int sig_out, int seed_pk64, int msg, int len)   */
  b.w ed25519_version      /* +12 int()                                            */
  .ascii "ED25519 smartstamp blob v1\0\0"  /* +16 marker, never executed */
  .balign 4
