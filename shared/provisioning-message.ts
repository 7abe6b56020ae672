import { asciiBytes, concatBytes } from "./bytes";

/** The domain of the proof of possession: never a tap ("stamp-tap/v1"), never anything else. */
export const PROVISION_DOMAIN_TAG = "stamp-provision/v1";
export const PROVISION_CHALLENGE_LENGTH = 32;
export const FIRMWARE_HASH_LENGTH = 32;
export const PROVISION_PUBLIC_KEY_LENGTH = 32;

/**
 * The exact bytes a stamp signs at the flashing station (114 bytes):
 * domain tag "stamp-provision/v1" | the station's 32-byte random challenge | the stamp's
 * 32-byte public key | the 32-byte firmware hash the stamp computed from its own Storage.
 * Undefined when a part has the wrong length.
 */
export function provisioningMessage(challenge: Uint8Array, publicKey: Uint8Array, firmwareHash: Uint8Array): Uint8Array | undefined {
  if (challenge.length !== PROVISION_CHALLENGE_LENGTH || publicKey.length !== PROVISION_PUBLIC_KEY_LENGTH || firmwareHash.length !== FIRMWARE_HASH_LENGTH) {
    return undefined;
  }
  return concatBytes([asciiBytes(PROVISION_DOMAIN_TAG), challenge, publicKey, firmwareHash]);
}
