import { VERIFIER_SERVICE_UUID } from "../../shared/ble-gatt";

/** AD types used in the counter station's advertising (Bluetooth Assigned Numbers). */
export const AdType = {
  FLAGS: 0x01,
  COMPLETE_128BIT_SERVICE_UUIDS: 0x07,
  SERVICE_DATA_128BIT_UUID: 0x21,
} as const;

/** A 128-bit UUID string as it goes on the air: 16 bytes, least significant first. */
export function uuidToAirBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a 128-bit UUID: ${uuid}`);
  return Buffer.from(hex, "hex").reverse();
}

/**
 * The advertising data: flags (LE General Discoverable, BR/EDR not supported) and the verifier
 * id as service data under the verifier service UUID (AD type 0x21) — 29 of 31 bytes. Espruino
 * puts it in `device.serviceData["5a7a0001-…"]`, which is what the stamp scans for.
 */
export function verifierAdvertisingData(verifierId: Uint8Array): Buffer {
  if (verifierId.length !== 8) throw new Error("a verifier id is 8 bytes");
  const uuid = uuidToAirBytes(VERIFIER_SERVICE_UUID);
  return Buffer.concat([Buffer.from([2, AdType.FLAGS, 0x06, 1 + uuid.length + verifierId.length, AdType.SERVICE_DATA_128BIT_UUID]), uuid, Buffer.from(verifierId)]);
}

/** The scan response: the complete list of 128-bit service UUIDs (for generic scanners). */
export function verifierScanResponseData(): Buffer {
  const uuid = uuidToAirBytes(VERIFIER_SERVICE_UUID);
  return Buffer.concat([Buffer.from([1 + uuid.length, AdType.COMPLETE_128BIT_SERVICE_UUIDS]), uuid]);
}
