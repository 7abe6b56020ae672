/*
 * Ed25519 (RFC 8032, pure Ed25519) signing for the smart stamp.
 * See README.md for the calling convention of the ARM blob.
 */
#ifndef ED25519_H
#define ED25519_H
#include <stdint.h>

#define ED25519_BLOB_VERSION 0x25519001

/* public_key_out32 = encode(a * B), a = clamp(SHA-512(seed32)[0..31]). Returns 0. */
int ed25519_public_key(uint8_t *public_key_out32, const uint8_t *seed32);

/*
 * signature_out64 = R || S for `message`. `public_key32` must be the public key
 * of `seed32` (the firmware derives it at boot with ed25519_public_key): signing
 * with a mismatched public key would leak the secret scalar. Returns 0, or -1
 * when message_length < 0 (nothing written). The output may alias the message.
 */
int ed25519_sign(uint8_t *signature_out64, const uint8_t *seed32, const uint8_t *public_key32,
                 const uint8_t *message, int message_length);

/* Same with NaCl-style 64-byte secret key seed || public key (4 arguments). */
int ed25519_sign_sk(uint8_t *signature_out64, const uint8_t *secret_key64, const uint8_t *message,
                    int message_length);

/* Returns ED25519_BLOB_VERSION. */
int ed25519_version(void);
#endif
