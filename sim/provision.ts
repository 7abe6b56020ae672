import { createHash } from "node:crypto";
import { proveProvisioning } from "../firmware/provisioning";
import { Stamp } from "../firmware/stamp-app";
import { startStamp, StampRuntime } from "../firmware/stamp-runtime";
import { BASE_URL_FILE } from "../firmware/storage-files";
import { asciiBytes } from "../shared/bytes";
import { fromHex, toHex } from "../shared/hex";
import { Principal } from "../host/core/access/principal";
import { issueProvisioningChallenge, registerStamp, StampProof } from "../host/core/stamp-registration";
import { ApiClient } from "../host/client/api-client";
import { Store } from "../host/store/store";
import { simulatedStampSigner } from "./stamp-signer";
import { SimulatedAir } from "./simulated-ble";
import { SimulatedDevice, SimulatedFlash } from "./simulated-device";

/**
 * What the simulated Puck.js reports as its firmware hash. On a real stamp this is computed from
 * its own Storage (`firmware/espruino/provisioning-entry.ts`, the manifest's `firmwareHash`); the
 * simulated device runs the firmware's TypeScript directly and has no Storage image, so it
 * reports the SHA-256 of this fixed text. An operator who wants simulated stamps approves it.
 */
export const SIMULATED_FIRMWARE_TEXT = "smart-stamp simulated firmware: firmware/*.ts on sim/simulated-device.ts, v1";
export const SIMULATED_FIRMWARE_HASH = createHash("sha256").update(SIMULATED_FIRMWARE_TEXT).digest("hex");
export const SIMULATED_FIRMWARE_LABEL = "simulated Puck.js firmware (sim/)";

/** A stamp as the host registered it, whichever way the flashing station reached the host. */
export interface RegisteredStamp {
  id: string;
  label: string;
  shopIds: string[];
  publicKeyHex: string;
}

export interface StampBinding {
  label: string;
  merchantId: string;
  shopIds: string[];
  verifierIds?: string[];
}

/**
 * How a flashing station reaches the host: ask for a provisioning challenge, then register the
 * stamp with its proof. Only a flashing-station credential can do either.
 */
export interface FlashingStationLink {
  /** A fresh host-issued provisioning challenge, 64 hex digits. */
  provisioningChallenge(): Promise<string>;
  register(publicKeyHex: string, binding: StampBinding, proof: StampProof): Promise<RegisteredStamp>;
}

/** The flashing station in this process, through the core over the store. */
export function localFlashingStation(store: Store, flasher: Principal, clock: () => number = Date.now): FlashingStationLink {
  return {
    async provisioningChallenge() {
      const issued = await issueProvisioningChallenge(store, flasher, clock());
      if (!issued.ok) throw new Error(`provisioning challenge refused: ${issued.error.message}`);
      return issued.value.challenge;
    },
    async register(publicKeyHex, binding, proof) {
      const input = { publicKeyHex: publicKeyHex, label: binding.label, merchantId: binding.merchantId, shopIds: binding.shopIds, verifierIds: binding.verifierIds ?? [], proof: proof };
      const registered = await registerStamp(store, flasher, input, clock());
      if (!registered.ok) throw new Error(`registration refused: ${registered.error.message}`);
      const r = registered.value;
      return { id: r.id, label: r.label, shopIds: r.shopIds, publicKeyHex: toHex(r.publicKey) };
    },
  };
}

function apiError(what: string, response: { status: number; body: unknown }): Error {
  return new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
}

/** The flashing station over the HTTP API, every request signed with the station's own key. */
export function apiFlashingStation(client: ApiClient): FlashingStationLink {
  return {
    async provisioningChallenge() {
      const response = await client.request("POST", "/v1/provisioning-challenges");
      const body = response.body as { challenge?: unknown };
      if (response.status !== 201 || typeof body.challenge !== "string") throw apiError("provisioning challenge refused", response);
      return body.challenge;
    },
    async register(publicKeyHex, binding, proof) {
      const response = await client.request("POST", "/v1/stamps", { publicKey: publicKeyHex, ...binding, proof: proof });
      if (response.status !== 201) throw apiError("registration refused", response);
      const view = response.body as { id: string; label: string; shopIds: string[]; publicKey: string };
      return { id: view.id, label: view.label, shopIds: view.shopIds, publicKeyHex: view.publicKey };
    },
  };
}

/**
 * The stamp's answer to the flashing station's challenge, exactly as the firmware gives it
 * (`STAMP.prove` on a Puck.js): its key signs the provisioning message over the challenge, its
 * public key and the firmware hash it reports.
 */
export function proveSimulatedStamp(stamp: Stamp, challengeHex: string, firmwareHash: string = SIMULATED_FIRMWARE_HASH): StampProof {
  const challenge = fromHex(challengeHex);
  const hash = fromHex(firmwareHash);
  if (!challenge.ok || !hash.ok) throw new Error("the provisioning challenge and firmware hash must be hex");
  const proof = proveProvisioning(stamp, challenge.value, hash.value);
  if ("error" in proof) throw new Error(`the stamp cannot prove its key: ${proof.error}`);
  return { challenge: challengeHex, firmwareHash: toHex(proof.firmwareHash), signature: toHex(proof.signature) };
}

/**
 * What a flashing station does once the stamp runs the firmware and made its key: a fresh
 * host challenge, the stamp's proof over it, and the registration that checks that proof.
 */
export async function registerProvedStamp(flasher: FlashingStationLink, stamp: Stamp, binding: StampBinding, firmwareHash: string = SIMULATED_FIRMWARE_HASH): Promise<RegisteredStamp> {
  const key = stamp.key;
  if (key === undefined) throw new Error(`the stamp has no key: ${stamp.fault ?? "not booted"}`);
  const challenge = await flasher.provisioningChallenge();
  return flasher.register(toHex(key.publicKey), binding, proveSimulatedStamp(stamp, challenge, firmwareHash));
}

export interface SimulatedStamp {
  device: SimulatedDevice;
  runtime: StampRuntime;
  record: RegisteredStamp;
}

/** Boots firmware on a simulated device with the given flash (a new one creates its key). */
export function bootSimulatedStamp(air: SimulatedAir, flash?: SimulatedFlash): { device: SimulatedDevice; runtime: StampRuntime } {
  const device = new SimulatedDevice(simulatedStampSigner(), air, flash);
  return { device: device, runtime: startStamp(device) };
}

/** The flashing station in simulation: first boot makes the key on the stamp; its proof registers it. */
export async function provisionSimulatedStamp(flasher: FlashingStationLink, air: SimulatedAir, binding: StampBinding, options: { phoneUrl?: string } = {}): Promise<SimulatedStamp> {
  // `stamp flash --phone-url` writes the base URL before the first boot, as here.
  const flash: SimulatedFlash = new Map();
  if (options.phoneUrl !== undefined) flash.set(BASE_URL_FILE, asciiBytes(options.phoneUrl));
  const { device, runtime } = bootSimulatedStamp(air, flash);
  if (runtime.report.publicKey === undefined) throw new Error(`stamp failed to boot: ${runtime.report.fault}`);
  const record = await registerProvedStamp(flasher, runtime.stamp, binding);
  return { device: device, runtime: runtime, record: record };
}
