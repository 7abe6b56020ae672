/**
 * The flashing station: one stamp from stock Espruino to registered and locked.
 *
 *  connect → check Espruino version and that no key is there (or factory-reset it) → upload
 *  `.bootcde` and the blob into Storage, read back length and SHA-256 on the device → reboot
 *  (load(): the firmware boots from Storage and creates its key) → proof of possession over a
 *  fresh 32-byte challenge, the firmware hash computed on the device → registry pre-check →
 *  lock (stamp.lock, console closed, checked) → register → label.
 *
 * Nothing is registered before the device has proved everything; a failure at any step leaves
 * the store untouched (the only write is the last step). Each failure is one FlashError.
 */
import { createPublicKey, randomBytes, verify } from "node:crypto";
import { toHex } from "../../shared/hex";
import { provisioningMessage, PROVISION_CHALLENGE_LENGTH } from "../../shared/provisioning-message";
import { checkRegistrablePublicKey } from "../crypto/ed25519-strict";
import { registerStamp, revokeStamp } from "../core/registry";
import { Store } from "../store/store";
import { ConsoleLink, LinkError, openConsoleLink } from "./espruino-link";
import { FirmwareImage } from "./firmware-image";
import { writeLabel } from "./label";
import { ConsoleError, StationConsole } from "./station-console";

export type FlashErrorCode =
  | "NO_DEVICE"
  | "NO_CONSOLE"
  | "WRONG_VERSION"
  | "KEY_PRESENT"
  | "UPLOAD_INTERRUPTED"
  | "UPLOAD_DAMAGED"
  | "DEVICE_RESET"
  | "BOOT_FAILED"
  | "PROOF_INVALID"
  | "WRONG_FIRMWARE"
  | "WEAK_KEY"
  | "DUPLICATE"
  | "LOCK_FAILED"
  | "HOST_UNREACHABLE"
  | "REGISTRY_REFUSED";

export class FlashError extends Error {
  constructor(
    readonly code: FlashErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type FlashStep = "connect" | "check" | "factory-reset" | "upload" | "reboot" | "prove" | "lock" | "register" | "label";

export interface FlashProgress {
  step: FlashStep;
  message: string;
  /** For the upload: bytes written so far and in all. */
  done?: number;
  total?: number;
}

export interface FlashOptions {
  port: string;
  image: FirmwareImage;
  store: Store;
  merchantId: string;
  shopIds: string[];
  label: string;
  labelsDir?: string;
  /** Destroy a key already on the stamp (and revoke it at the host) instead of refusing. */
  factoryReset?: boolean;
  /** Main-loop hold after each answer (the Linux Espruino behind a TCP bridge needs ~150 ms; 0 on a Puck.js). */
  holdMs?: number;
  /** Per console command; boot and key creation may take longer on slow devices. */
  commandTimeoutMs?: number;
  /** How long the console must stay silent after lock to count as closed. */
  silenceMs?: number;
  ble?: boolean;
  /** How long to wait for the port to open (default 5 s). */
  connectTimeoutMs?: number;
  /** The station's challenge (tests may fix it; default 32 random bytes from the OS CSPRNG). */
  challenge?: () => Uint8Array;
  progress?: (event: FlashProgress) => void;
  now?: () => number;
}

export interface FlashResult {
  stampId: string;
  publicKey: string;
  firmwareHash: string;
  label: string;
  labelPath: string | undefined;
  /** A stamp id the host revoked because its key was destroyed by a factory reset. */
  revoked: string | undefined;
}

const VERSION = /^2v2\d/;
const UPLOAD_CHUNK = 300;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown, what: string): string {
  if (typeof value !== "string") throw new FlashError("BOOT_FAILED", `the stamp answered ${JSON.stringify(value)} for ${what}`);
  return value;
}

async function hostCall<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new FlashError("HOST_UNREACHABLE", `host/database unreachable while ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Before the device is touched: the store answers, merchant and shops exist. */
export async function checkRegistryTarget(store: Store, merchantId: string, shopIds: string[]): Promise<void> {
  const merchant = await hostCall("reading the merchant", () => store.getMerchant(merchantId));
  if (merchant === undefined) throw new FlashError("REGISTRY_REFUSED", `merchant ${merchantId} does not exist at the host`);
  if (shopIds.length === 0) throw new FlashError("REGISTRY_REFUSED", "a stamp must be bound to at least one shop (--shop)");
  for (const shopId of shopIds) {
    const shop = await hostCall("reading the shops", () => store.getShop(shopId));
    if (shop === undefined) throw new FlashError("REGISTRY_REFUSED", `shop ${shopId} does not exist at the host`);
    if (shop.merchantId !== merchantId) throw new FlashError("REGISTRY_REFUSED", `shop ${shopId} belongs to another merchant`);
  }
}

/** Verifies an Ed25519 signature with node:crypto (OpenSSL). */
function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), publicKey]), format: "der", type: "spki" });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

function bytes(hex: string, length: number, what: string): Uint8Array {
  if (!new RegExp(`^[0-9a-f]{${length * 2}}$`).test(hex)) throw new FlashError("PROOF_INVALID", `the stamp reported a malformed ${what}`);
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/** The stamp id (first 8 bytes of the public key, hex) from stamp.pub read back as base64. */
function stampIdFromStoredKey(base64: unknown): string | undefined {
  if (typeof base64 !== "string") return undefined;
  const key = Buffer.from(base64, "base64");
  return key.length === 32 ? toHex(key.subarray(0, 8)) : undefined;
}

/** Revokes a key that a factory reset is about to destroy; the id revoked, if the host knew it. */
async function revokeDestroyedKey(store: Store, stampId: string | undefined): Promise<string | undefined> {
  if (stampId === undefined) return undefined;
  const known = await hostCall("revoking the old key", () => store.getStamp(stampId));
  if (known === undefined) return undefined;
  if (known.status === "revoked") return stampId;
  const result = await hostCall("revoking the old key", () => revokeStamp(store, stampId));
  if (!result.ok) throw new FlashError("HOST_UNREACHABLE", `the host did not revoke stamp ${stampId}: ${result.error.message}; its key was not erased`);
  return stampId;
}

export async function flashStamp(options: FlashOptions): Promise<FlashResult> {
  const progress = options.progress ?? (() => undefined);
  const timeoutMs = options.commandTimeoutMs ?? 10_000;
  const holdMs = options.holdMs ?? (options.port.startsWith("tcp://") ? 150 : 0);
  await checkRegistryTarget(options.store, options.merchantId, options.shopIds);

  progress({ step: "connect", message: `connecting to ${options.port}` });
  let link: ConsoleLink;
  try {
    link = await openConsoleLink(options.port, { ble: options.ble, connectTimeoutMs: options.connectTimeoutMs });
  } catch (error) {
    throw new FlashError("NO_DEVICE", error instanceof LinkError ? error.message : `no device at ${options.port}: ${String(error)}`);
  }
  const device = new StationConsole(link, { holdMs: holdMs, timeoutMs: timeoutMs });
  let step: FlashStep = "connect";
  const translate = (error: unknown): never => {
    if (error instanceof FlashError) throw error;
    if (error instanceof ConsoleError) {
      if (error.kind === "LINK_LOST") {
        throw new FlashError(step === "upload" ? "UPLOAD_INTERRUPTED" : "NO_DEVICE", step === "upload" ? "upload interrupted: the connection to the stamp was lost; nothing was registered — reflash it" : `the connection to the stamp was lost during ${step}; nothing was registered`);
      }
      if (error.kind === "DEVICE_RESET") throw new FlashError("DEVICE_RESET", `the stamp reset during ${step}; nothing was registered — flash it again`);
      if (error.kind === "TIMEOUT") {
        throw new FlashError(
          step === "upload" ? "UPLOAD_INTERRUPTED" : "BOOT_FAILED",
          step === "upload" ? "upload interrupted: the stamp stopped answering mid-upload; nothing was registered — reflash it" : `the stamp stopped answering during ${step}; nothing was registered`,
        );
      }
      throw new FlashError("BOOT_FAILED", `during ${step}: ${error.message}`);
    }
    throw error;
  };
  try {
    if (!(await device.start(timeoutMs))) {
      throw new FlashError("NO_CONSOLE", `no answer from the Espruino console at ${options.port}: the stamp is locked (production mode: its console is closed) or not running Espruino. A locked stamp is re-provisioned only after a factory reset (boot it with the button held, then --factory-reset).`);
    }
    step = "check";
    progress({ step: "check", message: "checking the Espruino version and that the stamp has no key yet" });
    // The key is identified from Storage, not from the firmware's STAMP object: a locked stamp
    // booted with its button held (the only way to reach its console) runs no firmware.
    const info = await device
      .evaluate("(function(S){var p=S.read(\"stamp.pub\");return{v:process.version,f:S.list(/^stamp\\./),k:p===undefined?\"\":btoa(p),r:typeof STAMP==\"object\"&&typeof STAMP.factoryReset==\"function\"};})(require(\"Storage\"))")
      .catch(translate);
    if (!isRecord(info)) throw new FlashError("BOOT_FAILED", "the stamp's console gave no state");
    const version = str(info.v, "process.version");
    if (!VERSION.test(version)) throw new FlashError("WRONG_VERSION", `wrong Espruino version ${version} on the stamp: the firmware needs 2v2x (update Espruino first); nothing was uploaded`);
    const present = Array.isArray(info.f) ? info.f.map(String) : [];
    let revoked: string | undefined;
    if (present.includes("stamp.seed")) {
      const oldId = stampIdFromStoredKey(info.k);
      const locked = present.includes("stamp.lock");
      if (options.factoryReset !== true) {
        throw new FlashError(
          "KEY_PRESENT",
          `the stamp already has a key${oldId === undefined ? "" : ` (stamp ${oldId})`}${locked ? " and is locked" : ""}: it refuses re-provisioning. ` +
            "Run again with --factory-reset to destroy that key (the host then revokes it).",
        );
      }
      step = "factory-reset";
      progress({ step: "factory-reset", message: `destroying the key of stamp ${oldId ?? "(unknown)"}` });
      // Revoke first, erase second: if the erase fails the old key is already dead at every
      // verifier; the other order could leave a live registration for a key the operator
      // believes destroyed.
      revoked = await revokeDestroyedKey(options.store, oldId);
      const erased = await device
        .evaluate(info.r === true ? "STAMP.factoryReset()" : "(function(S){S.list(/^stamp\\./).forEach(function(n){S.erase(n);});return true;})(require(\"Storage\"))")
        .catch(translate);
      const left = await device.evaluate("require(\"Storage\").list(/^stamp\\.(seed|pub|ctr)/)").catch(translate);
      if (erased !== true || !Array.isArray(left) || left.length !== 0) throw new FlashError("BOOT_FAILED", `the factory reset failed on the stamp (left: ${JSON.stringify(left)})`);
    }

    step = "upload";
    const total = options.image.files.reduce((sum, f) => sum + f.content.length, 0);
    let done = 0;
    progress({ step: "upload", message: `uploading ${total} bytes`, done: 0, total: total });
    for (const file of options.image.files) {
      const name = JSON.stringify(file.storageName);
      for (let offset = 0; offset < file.content.length; ) {
        let length = Math.min(UPLOAD_CHUNK, file.content.length - offset);
        const call = (n: number): string => {
          const piece = "atob(\"" + file.content.subarray(offset, offset + n).toString("base64") + "\")";
          return offset === 0 ? `require("Storage").write(${name},${piece},0,${file.content.length})` : `require("Storage").write(${name},${piece},${offset})`;
        };
        while (device.lineLength(call(length)) > 470) length -= 3;
        const written = await device.evaluate(call(length)).catch(translate);
        if (written !== true) throw new FlashError("UPLOAD_DAMAGED", `Storage refused ${file.storageName} at offset ${offset} (flash full?)`);
        offset += length;
        done += length;
        progress({ step: "upload", message: `${file.storageName} ${offset}/${file.content.length}`, done: done, total: total });
      }
      const digest = await device
        .evaluate(`(function(f){return f===undefined?"":f.length+":"+btoa(require("crypto").SHA256(f));})(require("Storage").read(${name}))`)
        .catch(translate);
      const expected = file.content.length + ":" + Buffer.from(file.sha256, "hex").toString("base64");
      if (digest !== expected) throw new FlashError("UPLOAD_DAMAGED", `upload of ${file.storageName} is damaged (the stamp has ${String(digest)}, expected ${expected}); nothing was registered — flash it again`);
    }

    step = "reboot";
    progress({ step: "reboot", message: "rebooting into the firmware (it creates its key)" });
    await device.fire("load()");
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (!(await device.start(timeoutMs * 3))) throw new FlashError("BOOT_FAILED", "the stamp did not come back after the reboot");
    const boot = await device.evaluate("typeof STAMP==\"object\"?{k:STAMP.publicKey,c:STAMP.keyCreated,f:STAMP.fault,p:typeof STAMP.prove}:0", timeoutMs * 3).catch(translate);
    if (!isRecord(boot)) throw new FlashError("BOOT_FAILED", "the firmware did not start from Storage (no STAMP after the reboot)");
    if (typeof boot.f === "string" && boot.f !== "") throw new FlashError("BOOT_FAILED", `the firmware reports a fault: ${boot.f}`);
    if (boot.p !== "function") throw new FlashError("WRONG_FIRMWARE", "the firmware on the stamp has no provisioning entry (STAMP.prove)");
    if (boot.c !== true) throw new FlashError("KEY_PRESENT", "the stamp did not create a new key at this boot: a key was already there");
    const bootKey = str(boot.k, "STAMP.publicKey");

    step = "prove";
    const challenge = options.challenge !== undefined ? options.challenge() : Uint8Array.from(randomBytes(PROVISION_CHALLENGE_LENGTH));
    progress({ step: "prove", message: "proof of possession over a fresh challenge" });
    const proof = await device.evaluate(`STAMP.prove(E.toUint8Array(atob("${Buffer.from(challenge).toString("base64")}")))`, timeoutMs * 3).catch(translate);
    if (!isRecord(proof) || typeof proof.publicKey !== "string") {
      throw new FlashError("PROOF_INVALID", `the stamp gave no proof of possession: ${JSON.stringify(proof)}`);
    }
    const publicKeyHex = proof.publicKey;
    if (publicKeyHex !== bootKey) throw new FlashError("PROOF_INVALID", "the proof names a different public key than the stamp published at boot");
    const publicKey = bytes(publicKeyHex, 32, "public key");
    const firmwareHash = str(proof.firmwareHash, "firmware hash");
    if (firmwareHash !== options.image.firmwareHash) {
      throw new FlashError("WRONG_FIRMWARE", `wrong firmware hash on the stamp: ${firmwareHash}, expected ${options.image.firmwareHash}; nothing was registered`);
    }
    const keyCheck = checkRegistrablePublicKey(publicKey);
    if (!keyCheck.ok) throw new FlashError("WEAK_KEY", `the stamp's public key is refused: ${keyCheck.reason}`);
    const message = provisioningMessage(challenge, publicKey, bytes(firmwareHash, 32, "firmware hash"));
    const signature = bytes(str(proof.signature, "signature"), 64, "signature");
    if (message === undefined || !verifyEd25519(publicKey, message, signature)) {
      throw new FlashError("PROOF_INVALID", "proof of possession invalid: the signature over the station's challenge does not verify under the stamp's key; nothing was registered");
    }
    const stampId = toHex(publicKey.subarray(0, 8));
    if ((await hostCall("checking for duplicates", () => options.store.getStamp(stampId))) !== undefined) {
      throw new FlashError("DUPLICATE", `stamp ${stampId} is already registered at the host (duplicate key); not locked, not registered`);
    }
    await checkRegistryTarget(options.store, options.merchantId, options.shopIds);

    step = "lock";
    progress({ step: "lock", message: "locking: stamp.lock, console closed" });
    const locked = await device.evaluate("STAMP.lock()").catch(translate);
    if (locked !== true) throw new FlashError("LOCK_FAILED", "the stamp could not write its lock file; nothing was registered");
    await new Promise((resolve) => setTimeout(resolve, 400 + holdMs));
    if (await device.answers(options.silenceMs ?? 2_000)) throw new FlashError("LOCK_FAILED", "the console still answers after lock; nothing was registered");

    step = "register";
    progress({ step: "register", message: `registering stamp ${stampId}` });
    const registered = await hostCall("registering", () =>
      registerStamp(options.store, { publicKeyHex: publicKeyHex, label: options.label, merchantId: options.merchantId, shopIds: options.shopIds, verifierIds: [], firmwareHash: firmwareHash }, (options.now ?? Date.now)()),
    );
    if (!registered.ok) {
      throw new FlashError(
        registered.error.code === "DUPLICATE" ? "DUPLICATE" : registered.error.code === "WEAK_KEY" ? "WEAK_KEY" : "REGISTRY_REFUSED",
        `registration refused: ${registered.error.message} (stamp ${stampId} is locked but not registered: factory-reset it)`,
      );
    }
    let labelPath: string | undefined;
    if (options.labelsDir !== undefined) {
      step = "label";
      labelPath = await writeLabel(options.labelsDir, { stampId: stampId, label: options.label, merchantId: options.merchantId, shopIds: options.shopIds });
      progress({ step: "label", message: `label ${labelPath}` });
    }
    return { stampId: stampId, publicKey: publicKeyHex, firmwareHash: firmwareHash, label: options.label, labelPath: labelPath, revoked: revoked };
  } finally {
    await link.close();
  }
}
