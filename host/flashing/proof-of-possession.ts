/**
 * Judging a stamp's proof of possession, without I/O: what `STAMP.prove(challenge)` answered
 * against what the station knows (its challenge, the key the stamp published at boot, the
 * firmware hash of the image it uploaded).
 */
import { toHex } from "../../shared/hex";
import { provisioningMessage } from "../../shared/provisioning-message";
import { err, ok, Result } from "../../shared/result";
import { STAMP_ID_LENGTH } from "../../shared/protocol-constants";
import { checkRegistrablePublicKey, publicKeyObject, verifyStrict } from "../crypto/ed25519-strict";
import { parseHexBytes } from "../core/identifiers";
import { FlashError } from "./flash-error";
import { isRecord } from "./json-record";

export interface ProofExpectation {
  challenge: Uint8Array;
  /** STAMP.publicKey right after the boot that made the key. */
  bootKeyHex: string;
  /** The manifest's firmware hash of the image the station uploaded. */
  firmwareHash: string;
}

export interface ProvedStamp {
  stampId: string;
  publicKeyHex: string;
  firmwareHash: string;
  /** The verified signature, for the host to verify again. */
  signatureHex: string;
}

function hexBytes(value: unknown, length: number): Uint8Array | undefined {
  return typeof value === "string" ? parseHexBytes(value, length) : undefined;
}

/**
 * The order matters only for the message: every check must pass. The key is checked as
 * registrable (canonical, not small-order, no torsion) before it is used to verify, and the
 * signature is verified strictly (S < L, canonical R), as taps are: a proof the host's own tap
 * verifier would refuse is no proof.
 */
export function judgeProof(answer: unknown, expected: ProofExpectation): Result<ProvedStamp, FlashError> {
  if (!isRecord(answer)) return err(new FlashError("PROOF_INVALID", `the stamp gave no proof of possession: ${JSON.stringify(answer) ?? "nothing"}`));
  if (typeof answer.error === "string") return err(new FlashError("PROOF_INVALID", `the stamp refused to prove its key: ${answer.error}`));
  const publicKey = hexBytes(answer.publicKey, 32);
  if (publicKey === undefined) return err(new FlashError("PROOF_INVALID", "the stamp reported a malformed public key"));
  const publicKeyHex = toHex(publicKey);
  if (publicKeyHex !== expected.bootKeyHex) return err(new FlashError("PROOF_INVALID", "the proof names a different public key than the stamp published at boot"));
  const firmwareHash = hexBytes(answer.firmwareHash, 32);
  if (firmwareHash === undefined) return err(new FlashError("PROOF_INVALID", "the stamp reported a malformed firmware hash"));
  if (toHex(firmwareHash) !== expected.firmwareHash) {
    return err(new FlashError("WRONG_FIRMWARE", `wrong firmware hash on the stamp: ${toHex(firmwareHash)}, expected ${expected.firmwareHash}; nothing was registered`));
  }
  const keyCheck = checkRegistrablePublicKey(publicKey);
  if (!keyCheck.ok) return err(new FlashError("WEAK_KEY", `the stamp's public key is refused: ${keyCheck.reason}`));
  const signature = hexBytes(answer.signature, 64);
  const message = provisioningMessage(expected.challenge, publicKey, firmwareHash);
  if (signature === undefined || message === undefined || !verifyStrict(publicKeyObject(publicKey), message, signature)) {
    return err(new FlashError("PROOF_INVALID", "proof of possession invalid: the signature over the station's challenge does not verify under the stamp's key; nothing was registered"));
  }
  return ok({ stampId: toHex(publicKey.subarray(0, STAMP_ID_LENGTH)), publicKeyHex: publicKeyHex, firmwareHash: expected.firmwareHash, signatureHex: toHex(signature) });
}
