import { CHALLENGE_CHARACTERISTIC_UUID, RESPONSE_CHARACTERISTIC_UUID, VERDICT_CHARACTERISTIC_UUID, VERIFIER_SERVICE_UUID } from "../shared/ble-gatt";
import { fromHex } from "../shared/hex";
import { openVerifierSession, readChallenge, readVerdict, SessionAnswer, writeReplyChunk } from "../host/ble/verifier-session";
import { TapService } from "../host/core/counter-station";
import { Verdict } from "../host/core/verdict";
import { GattConnection, SimulatedPeripheral } from "./simulated-ble";

function unwrap<T>(answer: SessionAnswer<T>): T {
  if (!answer.ok) throw new Error(`ATT error (${answer.refusal}): ${answer.message}`);
  return answer.value;
}

/**
 * A counter station's GATT server in the simulated air. It advertises its verifier id and takes
 * challenges and verdicts from its TapService: the host core in process, or the HTTP API with
 * the station's signed requests. What a tap is worth is the verifier's configuration on the host.
 */
export function verifierPeripheral(service: TapService, verifierId: string, rssi: number, onVerdict: (verdict: Verdict) => void): SimulatedPeripheral {
  const id = fromHex(verifierId);
  if (!id.ok) throw new Error("verifier id must be hex");
  return {
    serviceUuid: VERIFIER_SERVICE_UUID,
    verifierId: id.value,
    rssi: rssi,
    connect(): GattConnection {
      const session = openVerifierSession();
      return {
        async read(characteristic) {
          if (characteristic === CHALLENGE_CHARACTERISTIC_UUID) return unwrap(await readChallenge(service, session));
          if (characteristic === VERDICT_CHARACTERISTIC_UUID) return unwrap(readVerdict(session));
          throw new Error(`ATT error: characteristic ${characteristic} is not readable`);
        },
        async write(characteristic, value) {
          if (characteristic !== RESPONSE_CHARACTERISTIC_UUID) throw new Error(`ATT error: characteristic ${characteristic} is not writable`);
          const verdict = unwrap(await writeReplyChunk(service, session, value));
          if (verdict !== undefined) onVerdict(verdict);
        },
        disconnected() {},
      };
    },
  };
}
