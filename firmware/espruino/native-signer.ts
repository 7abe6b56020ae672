import { toHex } from "../../shared/hex";
import { Signer } from "../device";

/** The Storage file holding dist/firmware/ed25519.bin, written by the flashing station. */
export const ED25519_BLOB_FILE = "stamp.ed25519";

/** Entry points of the blob (docs/native-ed25519.md), Thumb bit set. */
const PUBLIC_KEY_ENTRY = 1;
const SIGN_WITH_KEYPAIR_ENTRY = 9; // 4 arguments: E.nativeCall takes no more than 4
const VERSION_ENTRY = 13;
const BLOB_VERSION = 0x25519001;
const COPY_CHUNK = 1024;

interface NativeEd25519 {
  publicKey: (publicKeyOut: number, seed: number) => number;
  sign: (signatureOut: number, seedThenPublicKey: number, message: number, length: number) => number;
}

let loaded: NativeEd25519 | undefined;

/**
 * On a Linux Espruino, Storage is not memory-mapped: the blob is copied, a chunk at a time,
 * into one flat string that E.nativeCall then uses in place.
 */
function flatCopyOfBlob(): string {
  const storage = global.require("Storage");
  const flat = E.toFlatString({ data: 0, count: ED25519_BLOB_LENGTH });
  if (flat === undefined) throw new Error("no memory for native Ed25519");
  const view = new Uint8Array(E.toArrayBuffer(flat));
  for (let offset = 0; offset < ED25519_BLOB_LENGTH; offset += COPY_CHUNK) {
    const chunk = storage.read(ED25519_BLOB_FILE, offset, Math.min(COPY_CHUNK, ED25519_BLOB_LENGTH - offset));
    if (chunk === undefined) throw new Error("native Ed25519 blob is truncated");
    view.set(E.toUint8Array(chunk), offset);
  }
  return flat;
}

/**
 * Binds the blob's entry points, once. On the Puck.js the Storage file is memory-mapped flash:
 * the code runs in place from its flash address and costs no RAM. Before anything runs, the
 * blob must be exactly the one this firmware was built with (length and SHA-256).
 */
function nativeEd25519(): NativeEd25519 {
  if (loaded !== undefined) return loaded;
  const storage = global.require("Storage");
  const head = storage.read(ED25519_BLOB_FILE, 0, 4);
  if (head === undefined) throw new Error("native Ed25519 (" + ED25519_BLOB_FILE + ") is not in Storage");
  const flashAddress = E.getAddressOf(head, true);
  const code = flashAddress === 0 ? flatCopyOfBlob() : storage.read(ED25519_BLOB_FILE);
  if (code === undefined || code.length !== ED25519_BLOB_LENGTH) throw new Error("native Ed25519 blob has the wrong size");
  if (toHex(new Uint8Array(global.require("crypto").SHA256(code))) !== ED25519_BLOB_SHA256) {
    throw new Error("native Ed25519 blob does not match this firmware");
  }
  if (flashAddress % 4 !== 0) throw new Error("native Ed25519 blob is not 4-byte aligned");
  const bind = function (entry: number, signature: string): unknown {
    return flashAddress === 0 ? E.nativeCall(entry, signature, code) : E.nativeCall(flashAddress + entry, signature);
  };
  const version = bind(VERSION_ENTRY, "int()") as () => number;
  if (version() >>> 0 !== BLOB_VERSION) throw new Error("native Ed25519 blob has the wrong version");
  loaded = {
    publicKey: bind(PUBLIC_KEY_ENTRY, "int(int,int)") as NativeEd25519["publicKey"],
    sign: bind(SIGN_WITH_KEYPAIR_ENTRY, "int(int,int,int,int)") as NativeEd25519["sign"],
  };
  return loaded;
}

/** A buffer in one flat block of RAM, so that native code can be given its address. */
function flatBuffer(length: number): Uint8Array {
  const flat = E.toFlatString({ data: 0, count: length });
  if (flat === undefined) throw new Error("no memory for a native buffer");
  return new Uint8Array(E.toArrayBuffer(flat));
}

function addressOf(bytes: Uint8Array): number {
  const address = E.getAddressOf(bytes, true);
  if (address === 0) throw new Error("buffer is not flat");
  return address;
}

/**
 * The stamp's signer: the project's constant-time C Ed25519 through E.nativeCall. The seed is
 * copied into RAM only for the call and wiped right after (a JS best effort; the C side wipes
 * its own secrets).
 */
export const nativeSigner: Signer = {
  publicKey: function (seed) {
    const native = nativeEd25519();
    const secret = flatBuffer(32);
    secret.set(seed);
    const out = flatBuffer(32);
    native.publicKey(addressOf(out), addressOf(secret));
    secret.fill(0);
    return out;
  },
  sign: function (seed, publicKey, message) {
    const native = nativeEd25519();
    // Seed then the public key derived from it at boot: signing with any other key would leak
    // the secret scalar, and the key store only ever passes its own.
    const keypair = flatBuffer(64);
    keypair.set(seed);
    keypair.set(publicKey, 32);
    const input = flatBuffer(message.length);
    input.set(message);
    const out = flatBuffer(64);
    const status = native.sign(addressOf(out), addressOf(keypair), addressOf(input), message.length);
    keypair.fill(0);
    if (status !== 0) throw new Error("native Ed25519 refused to sign");
    return out;
  },
};
