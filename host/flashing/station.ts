/**
 * The flashing station: one stamp from stock Espruino to registered and locked.
 *
 *  connect → check the Espruino version and that no key is there (or factory-reset it) → upload
 *  `.bootcde`, the blob and the phone base URL (when given) into Storage, read back length and SHA-256 on the device → reboot
 *  (load(): the firmware boots from Storage and creates its key) → proof of possession over a
 *  challenge the HOST issued, the firmware hash computed on the device → registry pre-check →
 *  lock (stamp.lock, console closed, checked) → register (the host re-verifies the proof) → label.
 *
 * The station reaches the host only through its StationRegistry (station-registry.ts: the HTTP
 * API with the flashing station's own signed requests). Nothing is registered before the device
 * has proved everything; a failure at any step leaves the host untouched (the only write is the
 * last step, or the revocation a factory reset asks for). Each failure is one FlashError.
 */
import { createHash } from "node:crypto";
import { toHex } from "../../shared/hex";
import { isBaseUrl } from "../../shared/phone-url";
import { PUBLIC_KEY_LENGTH, STAMP_ID_LENGTH } from "../../shared/protocol-constants";
import { ConsoleLink, LinkError, openConsoleLink } from "./espruino-link";
import { FirmwareImage, ImageFile } from "./firmware-image";
import { FlashError, flashErrorFor, FlashStep } from "./flash-error";
import { espruinoVersionProblem } from "./espruino-version";
import { isRecord } from "./json-record";
import { writeLabel } from "./label";
import { judgeProof, ProvedStamp } from "./proof-of-possession";
import { ConsoleTraffic, MAX_LINE, StationConsole } from "./station-console";
import { RegistryTarget, StationRegistry } from "./station-registry";
import { intactStorageDigest, storageDigestExpression } from "./storage-digest";

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
  /** The host, as this flashing station's credential sees it (apiStationRegistry). */
  registry: StationRegistry;
  merchantId: string;
  shopIds: string[];
  label: string;
  labelsDir?: string;
  /** Destroy a key already on the stamp (and revoke it at the host) instead of refusing. */
  factoryReset?: boolean;
  /** The base URL the stamp signs phone URLs for (docs/protocol.md §15), written to Storage
   * beside the firmware; without it the stamp shows phones nothing. Must pass isBaseUrl. */
  phoneUrl?: string;
  /** Main-loop hold after each answer (the Linux Espruino behind a TCP bridge needs ~150 ms; 0 on a Puck.js). */
  holdMs?: number;
  /** Per console command; boot and key creation may take longer on slow devices. */
  commandTimeoutMs?: number;
  /** How long the console must stay silent after lock to count as closed. */
  silenceMs?: number;
  ble?: boolean;
  /** How long to wait for the port to open (default 5 s). */
  connectTimeoutMs?: number;
  /**
   * Test rigs only (never set in production): a console expression evaluated on the device just
   * before STAMP.prove, given the host's challenge. The x86 rig, whose Espruino cannot run the
   * native signer, uses it to hand its stand-in signer the one signature it will give.
   */
  rigBeforeProve?: (challenge: Uint8Array) => string;
  progress?: (event: FlashProgress) => void;
}

export interface FlashResult {
  stampId: string;
  publicKey: string;
  firmwareHash: string;
  label: string;
  labelPath: string | undefined;
  /** A stamp id the host revoked because its key was destroyed by a factory reset. */
  revoked: string | undefined;
  /** The base URL the stamp booted with ("" for none). */
  phoneUrl: string;
  /** What crossed the console link for this stamp. */
  traffic: ConsoleTraffic;
}

const UPLOAD_CHUNK = 300;
/** The firmware's Storage file for the base URL (firmware/storage-files.ts BASE_URL_FILE; host/
 * does not import firmware/, test/flashing checks that the names agree). */
export const PHONE_URL_STORAGE_FILE = "stamp.url";

/** The files the station writes: the image's, then the base URL when there is one. */
function filesToUpload(options: FlashOptions): ImageFile[] {
  const files = options.image.files.slice();
  if (options.phoneUrl !== undefined) {
    const content = Buffer.from(options.phoneUrl, "latin1");
    files.push({ storageName: PHONE_URL_STORAGE_FILE, content: content, sha256: createHash("sha256").update(content).digest("hex") });
  }
  return files;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * What the host must accept. The label is checked free before anything is uploaded, except for a
 * factory reset, whose old stamp (perhaps of the same label) is revoked only once the device is
 * read; it is checked again for every stamp after the proof, before the stamp is locked.
 */
function targetOf(options: FlashOptions, checkLabel = true): RegistryTarget {
  return { merchantId: options.merchantId, shopIds: options.shopIds, firmwareHash: options.image.firmwareHash, ...(checkLabel ? { label: options.label } : {}) };
}

/** The stamp id (first 8 bytes of the public key, hex) from stamp.pub read back as base64. */
function stampIdFromStoredKey(base64: unknown): string | undefined {
  if (typeof base64 !== "string") return undefined;
  const key = Buffer.from(base64, "base64");
  return key.length === PUBLIC_KEY_LENGTH ? toHex(key.subarray(0, STAMP_ID_LENGTH)) : undefined;
}

/** The console of one stamp during one flash: the step it is in, and failures named after it. */
class FlashSession {
  step: FlashStep = "connect";

  constructor(
    readonly device: StationConsole,
    readonly options: FlashOptions,
    readonly timeoutMs: number,
  ) {}

  enter(step: FlashStep, message: string, counts: { done?: number; total?: number } = {}): void {
    this.step = step;
    this.progress({ step: step, message: message, ...counts });
  }

  progress(event: FlashProgress): void {
    if (this.options.progress !== undefined) this.options.progress(event);
  }

  /** Evaluates on the stamp; a console failure becomes the FlashError of the current step. */
  evaluate(expression: string, timeoutMs = this.timeoutMs): Promise<unknown> {
    return this.named(this.device.evaluate(expression, timeoutMs));
  }

  fire(line: string): Promise<void> {
    return this.named(this.device.fire(line));
  }

  answers(silenceMs: number): Promise<boolean> {
    return this.named(this.device.answers(silenceMs));
  }

  private named<T>(work: Promise<T>): Promise<T> {
    return work.catch((error: unknown) => {
      throw flashErrorFor(this.step, error);
    });
  }
}

/**
 * The version check and, for a stamp that already has a key, the refusal or (with
 * factoryReset) the factory reset. Returns the stamp id the host revoked, if any.
 */
async function checkStamp(session: FlashSession): Promise<string | undefined> {
  session.enter("check", "checking the Espruino version and that the stamp has no key yet");
  // The key is identified from Storage, not from the firmware's STAMP object: a locked stamp
  // booted with its button held (the only way to reach its console) runs no firmware.
  const info = await session.evaluate(
    "(function(S){var p=S.read(\"stamp.pub\");return{v:process.version,f:S.list(/^stamp\\./),k:p===undefined?\"\":btoa(p),r:typeof STAMP==\"object\"&&typeof STAMP.factoryReset==\"function\"};})(require(\"Storage\"))",
  );
  if (!isRecord(info) || typeof info.v !== "string") throw new FlashError("BOOT_FAILED", "the stamp's console gave no state");
  const versionProblem = espruinoVersionProblem(info.v);
  if (versionProblem !== undefined) throw new FlashError("WRONG_VERSION", `wrong Espruino version on the stamp: ${versionProblem}; nothing was uploaded`);
  const present = Array.isArray(info.f) ? info.f.map(String) : [];
  if (!present.includes("stamp.seed")) return undefined;
  const oldId = stampIdFromStoredKey(info.k);
  if (session.options.factoryReset !== true) {
    throw new FlashError(
      "KEY_PRESENT",
      `the stamp already has a key${oldId === undefined ? "" : ` (stamp ${oldId})`}${present.includes("stamp.lock") ? " and is locked" : ""}: it refuses re-provisioning. ` +
        "Run again with --factory-reset to destroy that key (the host then revokes it).",
    );
  }
  session.enter("factory-reset", `destroying the key of stamp ${oldId ?? "(unknown)"}`);
  // Revoke first, erase second: if the erase fails the old key is already dead at every
  // verifier; the other order could leave a live registration for a key the operator believes
  // destroyed.
  const revoked = oldId === undefined ? undefined : await session.options.registry.revokeDestroyedKey(oldId);
  const erased = await session.evaluate(
    info.r === true ? "STAMP.factoryReset()" : "(function(S){S.list(/^stamp\\./).forEach(function(n){S.erase(n);});return true;})(require(\"Storage\"))",
  );
  const left = await session.evaluate("require(\"Storage\").list(/^stamp\\.(seed|pub|ctr)/)");
  if (erased !== true || !Array.isArray(left) || left.length !== 0) throw new FlashError("BOOT_FAILED", `the factory reset failed on the stamp (left: ${JSON.stringify(left)})`);
  return revoked;
}

/** The Storage.write line for `length` bytes of `file` at `offset` (the first write sizes the file). */
function storageWriteCall(file: ImageFile, offset: number, length: number): string {
  const name = JSON.stringify(file.storageName);
  const piece = "atob(\"" + file.content.subarray(offset, offset + length).toString("base64") + "\")";
  return offset === 0 ? `require("Storage").write(${name},${piece},0,${file.content.length})` : `require("Storage").write(${name},${piece},${offset})`;
}

/**
 * Writes every file of the image (and the base URL) into Storage, then checks its length and
 * SHA-256 as computed on the device. A base URL left by an earlier, unfinished flash is erased
 * first when this flash gives none: the stamp must boot with exactly what the operator asked.
 */
async function uploadImage(session: FlashSession): Promise<void> {
  const files = filesToUpload(session.options);
  if (session.options.phoneUrl === undefined) await session.evaluate(`(require("Storage").erase(${JSON.stringify(PHONE_URL_STORAGE_FILE)}),true)`);
  const total = files.reduce((sum, f) => sum + f.content.length, 0);
  let done = 0;
  session.enter("upload", `uploading ${total} bytes`, { done: 0, total: total });
  for (const file of files) {
    for (let offset = 0; offset < file.content.length; ) {
      let length = Math.min(UPLOAD_CHUNK, file.content.length - offset);
      while (session.device.lineLength(storageWriteCall(file, offset, length)) > MAX_LINE) length -= 3;
      const written = await session.evaluate(storageWriteCall(file, offset, length));
      if (written !== true) throw new FlashError("UPLOAD_DAMAGED", `Storage refused ${file.storageName} at offset ${offset} (flash full?)`);
      offset += length;
      done += length;
      session.progress({ step: "upload", message: `${file.storageName} ${offset}/${file.content.length}`, done: done, total: total });
    }
    const digest = await session.evaluate(storageDigestExpression(file.storageName));
    const expected = intactStorageDigest(file);
    if (digest !== expected) throw new FlashError("UPLOAD_DAMAGED", `upload of ${file.storageName} is damaged (the stamp has ${String(digest)}, expected ${expected}); nothing was registered — flash it again`);
  }
}

/** Reboots into the uploaded firmware, which must create a new key at this boot; returns the key it published. */
async function rebootIntoFirmware(session: FlashSession): Promise<string> {
  session.enter("reboot", "rebooting into the firmware (it creates its key)");
  await session.fire("load()");
  await sleep(300);
  if (!(await session.device.start(session.timeoutMs * 3))) throw new FlashError("BOOT_FAILED", "the stamp did not come back after the reboot");
  const boot = await session.evaluate("typeof STAMP==\"object\"?{k:STAMP.publicKey,c:STAMP.keyCreated,f:STAMP.fault,p:typeof STAMP.prove,u:STAMP.phoneUrl}:0", session.timeoutMs * 3);
  if (!isRecord(boot)) throw new FlashError("BOOT_FAILED", "the firmware did not start from Storage (no STAMP after the reboot)");
  if (typeof boot.f === "string" && boot.f !== "") throw new FlashError("BOOT_FAILED", `the firmware reports a fault: ${boot.f}`);
  if (boot.p !== "function") throw new FlashError("WRONG_FIRMWARE", "the firmware on the stamp has no provisioning entry (STAMP.prove)");
  if (boot.c !== true) throw new FlashError("KEY_PRESENT", "the stamp did not create a new key at this boot: a key was already there");
  if (typeof boot.k !== "string") throw new FlashError("BOOT_FAILED", "the firmware published no public key");
  // The firmware takes the base URL only if it passes isBaseUrl: what it booted with is checked.
  const phoneUrl = session.options.phoneUrl ?? "";
  if (boot.u !== phoneUrl) throw new FlashError("BOOT_FAILED", `the stamp booted with the phone base URL ${JSON.stringify(boot.u)}, not ${JSON.stringify(phoneUrl)}; nothing was registered`);
  return boot.k;
}

/** A proof the station judged, and the host's challenge it answers. */
interface Proof {
  proved: ProvedStamp;
  challengeHex: string;
}

/**
 * The proof of possession over a challenge the host issued, judged here first (the host judges
 * it again at registration); then the pre-check that registering it would succeed.
 */
async function proveStamp(session: FlashSession, bootKeyHex: string): Promise<Proof> {
  const options = session.options;
  session.enter("prove", "proof of possession over the host's challenge");
  const challenge = await options.registry.provisioningChallenge();
  if (options.rigBeforeProve !== undefined) await session.evaluate(options.rigBeforeProve(challenge));
  const answer = await session.evaluate(`STAMP.prove(E.toUint8Array(atob("${Buffer.from(challenge).toString("base64")}")))`, session.timeoutMs * 3);
  const judged = judgeProof(answer, { challenge: challenge, bootKeyHex: bootKeyHex, firmwareHash: options.image.firmwareHash });
  if (!judged.ok) throw judged.error;
  const stampId = judged.value.stampId;
  if (await options.registry.isRegistered(stampId)) {
    throw new FlashError("DUPLICATE", `stamp ${stampId} is already registered at the host (duplicate key); not locked, not registered`);
  }
  await options.registry.checkTarget(targetOf(options));
  return { proved: judged.value, challengeHex: toHex(challenge) };
}

/** Writes the lock file; the stamp then closes its console, and the station checks that it is silent. */
async function lockStamp(session: FlashSession, holdMs: number): Promise<void> {
  session.enter("lock", "locking: stamp.lock, console closed");
  const locked = await session.evaluate("STAMP.lock()");
  if (locked !== true) throw new FlashError("LOCK_FAILED", "the stamp could not write its lock file; nothing was registered");
  await sleep(400 + holdMs);
  if (await session.answers(session.options.silenceMs ?? 2_000)) throw new FlashError("LOCK_FAILED", "the console still answers after lock; nothing was registered");
}

/** The only write of a flash that succeeded: the proved key, bound to its merchant and shops; the host re-verifies the proof. */
async function registerProvedStamp(options: FlashOptions, proof: Proof): Promise<void> {
  const { proved } = proof;
  try {
    await options.registry.register({
      publicKeyHex: proved.publicKeyHex,
      label: options.label,
      merchantId: options.merchantId,
      shopIds: options.shopIds,
      proof: { challenge: proof.challengeHex, firmwareHash: proved.firmwareHash, signature: proved.signatureHex },
    });
  } catch (error) {
    if (!(error instanceof FlashError)) throw error;
    throw new FlashError(error.code, `registration refused: ${error.message} (stamp ${proved.stampId} is locked but not registered: factory-reset it)`);
  }
}

async function openLink(options: FlashOptions): Promise<ConsoleLink> {
  try {
    return await openConsoleLink(options.port, { ble: options.ble, connectTimeoutMs: options.connectTimeoutMs });
  } catch (error) {
    throw new FlashError("NO_DEVICE", error instanceof LinkError ? error.message : `no device at ${options.port}: ${String(error)}`);
  }
}

export async function flashStamp(options: FlashOptions): Promise<FlashResult> {
  if (options.phoneUrl !== undefined && !isBaseUrl(options.phoneUrl)) {
    throw new FlashError("BAD_PHONE_URL", `not a phone base URL (http:// or https://, at most 64 characters, no trailing /, no ? or #): ${options.phoneUrl}`);
  }
  const timeoutMs = options.commandTimeoutMs ?? 10_000;
  const holdMs = options.holdMs ?? (options.port.startsWith("tcp://") ? 150 : 0);
  await options.registry.checkTarget(targetOf(options, options.factoryReset !== true));
  options.progress?.({ step: "connect", message: `connecting to ${options.port}` });
  const link = await openLink(options);
  const session = new FlashSession(new StationConsole(link, { holdMs: holdMs, timeoutMs: timeoutMs }), options, timeoutMs);
  try {
    if (!(await session.device.start(timeoutMs))) {
      throw new FlashError(
        "NO_CONSOLE",
        `no answer from the Espruino console at ${options.port}: the stamp is locked (production mode: its console is closed) or not running Espruino. ` +
          "A locked stamp is re-provisioned only after a factory reset (power it on with the button held, then --factory-reset).",
      );
    }
    const revoked = await checkStamp(session);
    await uploadImage(session);
    const proof = await proveStamp(session, await rebootIntoFirmware(session));
    const proved = proof.proved;
    await lockStamp(session, holdMs);
    session.enter("register", `registering stamp ${proved.stampId}`);
    await registerProvedStamp(options, proof);
    let labelPath: string | undefined;
    if (options.labelsDir !== undefined) {
      labelPath = await writeLabel(options.labelsDir, { stampId: proved.stampId, label: options.label, merchantId: options.merchantId, shopIds: options.shopIds });
      session.enter("label", `label ${labelPath}`);
    }
    return {
      stampId: proved.stampId,
      publicKey: proved.publicKeyHex,
      firmwareHash: proved.firmwareHash,
      label: options.label,
      labelPath: labelPath,
      revoked: revoked,
      phoneUrl: options.phoneUrl ?? "",
      traffic: session.device.traffic,
    };
  } finally {
    await link.close();
  }
}
