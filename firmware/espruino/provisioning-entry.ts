import { toHex } from "../../shared/hex";
import { factoryResetFiles, proveProvisioning, writeLock } from "../provisioning";
import { Stamp } from "../stamp-app";
import { storage } from "./espruino-device";
import { enterProductionMode } from "./production-mode";
import { ED25519_BLOB_FILE } from "./native-signer";

function sha256(data: string): Uint8Array {
  return new Uint8Array(global.require("crypto").SHA256(data));
}

/**
 * The firmware hash from the stamp's own Storage, as the build's manifest defines it:
 * SHA-256 over the hex SHA-256 of `.bootcde` then of the blob. Storage.read gives flash-backed
 * strings (no RAM copy of the files, also on the Linux builds), one file at a time.
 */
export function firmwareHash(): Uint8Array {
  const names = [".bootcde", ED25519_BLOB_FILE];
  let hashes = "";
  for (let i = 0; i < names.length; i++) {
    const file = storage().read(names[i]);
    hashes += file === undefined ? "" : toHex(sha256(file));
  }
  return sha256(hashes);
}

/**
 * The flashing station's entries on global STAMP: prove(challenge) → {publicKey, firmwareHash,
 * signature} in hex (or {error}); lock() writes stamp.lock and closes the console right after
 * answering; factoryReset() erases key, counter slots, base URL and lock. None returns the seed.
 */
export function addProvisioningEntries(target: { [name: string]: unknown }, stamp: Stamp): void {
  target.prove = function (challenge: Uint8Array) {
    const proof = proveProvisioning(stamp, challenge, firmwareHash());
    if ("error" in proof) return proof;
    return { publicKey: toHex(proof.publicKey), firmwareHash: toHex(proof.firmwareHash), signature: toHex(proof.signature) };
  };
  target.lock = function () {
    if (!writeLock(stamp)) return false;
    setTimeout(enterProductionMode, 300);
    return true;
  };
  target.factoryReset = function () {
    const files = factoryResetFiles();
    for (let i = 0; i < files.length; i++) storage().erase(files[i]);
    stamp.key = undefined;
    stamp.counter = undefined;
    return true;
  };
}
