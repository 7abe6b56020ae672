import { toHex } from "../../shared/hex";
import { SEED_LENGTH, SIGNATURE_LENGTH } from "../../shared/protocol-constants";
import { Signer } from "../device";

/** The Storage file holding dist/firmware/ed25519.bin, written by the flashing station. */
export const ED25519_BLOB_FILE = "stamp.ed25519";

/** Entry points of the blob (docs/native-ed25519.md), Thumb bit set. */
const PUBLIC_KEY_ENTRY = 1;
const SIGN_WITH_KEYPAIR_ENTRY = 9; // 4 arguments: E.nativeCall takes no more than 4
const VERSION_ENTRY = 13;
const BLOB_VERSION = 0x25519001;

/**
 * Free JS variables the signer wants before it starts. Its two buffers, the interpreter's
 * temporaries while the seed copy exists, and the caller framing the 95-byte reply take about
 * 45 (measured on the ARM build by bisecting with ballast, bench/firmware/arm-stamp-figures.ts).
 * Out of memory in Espruino does not throw: it stops the running code, so no catch or finally
 * would run and the seed copy would stay in RAM. Below this the signer refuses instead (the
 * stamp answers SIGNER_FAILED); the counter value it was given stays spent.
 */
export const SIGN_HEADROOM = 80;

interface NativeEd25519 {
  publicKey: (publicKeyOut: number, seed: number) => number;
  sign: (signatureOut: number, seedThenPublicKey: number, message: number, length: number) => number;
}

let bound: NativeEd25519 | undefined;

/**
 * Binds the blob's entry points, once. Storage is memory-mapped flash (on the Puck.js, and on
 * the Linux test builds in ../shared/tools): the code runs in place from its flash address and
 * costs no RAM. Before anything runs, the blob must be exactly the one this firmware was built
 * with (length and SHA-256).
 */
function nativeEd25519(): NativeEd25519 {
  if (bound !== undefined) return bound;
  const code = global.require("Storage").read(ED25519_BLOB_FILE);
  if (code === undefined) throw new Error("native Ed25519 (" + ED25519_BLOB_FILE + ") is not in Storage");
  if (code.length !== ED25519_BLOB_LENGTH) throw new Error("native Ed25519 blob has the wrong size");
  if (toHex(new Uint8Array(global.require("crypto").SHA256(code))) !== ED25519_BLOB_SHA256) {
    throw new Error("native Ed25519 blob does not match this firmware");
  }
  const address = E.getAddressOf(code, true);
  if (address === 0) throw new Error("native Ed25519 blob is not in memory-mapped flash");
  if (address % 4 !== 0) throw new Error("native Ed25519 blob is not 4-byte aligned");
  if ((E.nativeCall(address + VERSION_ENTRY, "int()") as () => number)() >>> 0 !== BLOB_VERSION) {
    throw new Error("native Ed25519 blob has the wrong version");
  }
  bound = {
    publicKey: E.nativeCall(address + PUBLIC_KEY_ENTRY, "int(int,int)") as NativeEd25519["publicKey"],
    sign: E.nativeCall(address + SIGN_WITH_KEYPAIR_ENTRY, "int(int,int,int,int)") as NativeEd25519["sign"],
  };
  return bound;
}

/** A buffer in one flat block of RAM, so that native code can be given its address. Fails
 * softly: E.toFlatString answers undefined when no such block is free. */
function flatBuffer(length: number): Uint8Array {
  const flat = E.toFlatString({ data: 0, count: length });
  if (flat === undefined) throw new Error("no memory for a native buffer");
  return new Uint8Array(E.toArrayBuffer(flat));
}

/**
 * The data address of bytes. Taken only after the last flatBuffer() of a call: when a flat
 * block is hard to find, E.toFlatString defragments RAM, which moves flat strings.
 */
function addressOf(bytes: Uint8Array): number {
  const address = E.getAddressOf(bytes, true);
  if (address === 0) throw new Error("buffer is not flat");
  return address;
}

/**
 * The stamp's signer: the project's constant-time C Ed25519 through E.nativeCall (the C side
 * wipes its own secrets). The seed is read where it lies: the key store hands over a view of
 * the seed file in memory-mapped flash. Only signing copies it, next to the public key (the
 * blob's 4-argument entry takes one 64-byte key pair), and wipes the copy on every way out.
 */
export const nativeSigner: Signer = {
  publicKey: function (seed) {
    const native = nativeEd25519();
    const out = flatBuffer(32);
    if (E.getAddressOf(seed, true) !== 0) {
      native.publicKey(addressOf(out), addressOf(seed));
      return out;
    }
    const copy = flatBuffer(SEED_LENGTH);
    const outAddress = addressOf(out);
    const copyAddress = addressOf(copy);
    try {
      copy.set(seed);
      native.publicKey(outAddress, copyAddress);
    } finally {
      copy.fill(0);
    }
    return out;
  },
  sign: function (seed, publicKey, message) {
    const native = nativeEd25519();
    // Refused without an exception: Espruino gives a thrown Error its stack trace as a string.
    if ((global.process as EspruinoProcess).memory(false).free < SIGN_HEADROOM) return undefined;
    // Seed then the public key derived from it at boot: signing with any other key would leak
    // the secret scalar, and the key store only ever passes its own. The signature is written
    // over the message (the blob writes it last), so one buffer serves both.
    const keypair = flatBuffer(SEED_LENGTH + 32);
    const io = flatBuffer(Math.max(SIGNATURE_LENGTH, message.length));
    io.set(message);
    const keypairAddress = addressOf(keypair);
    const ioAddress = addressOf(io);
    let status = -1;
    try {
      keypair.set(seed);
      keypair.set(publicKey, SEED_LENGTH);
      status = native.sign(ioAddress, keypairAddress, ioAddress, message.length);
    } finally {
      keypair.fill(0);
    }
    if (status !== 0) throw new Error("native Ed25519 refused to sign");
    return io.length === SIGNATURE_LENGTH ? io : io.subarray(0, SIGNATURE_LENGTH);
  },
};
