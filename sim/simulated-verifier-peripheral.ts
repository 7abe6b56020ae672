import { CHALLENGE_CHARACTERISTIC_UUID, RESPONSE_CHARACTERISTIC_UUID, VERDICT_CHARACTERISTIC_UUID, VERIFIER_SERVICE_UUID } from "../shared/ble-gatt";
import { fromHex } from "../shared/hex";
import { Purpose } from "../shared/protocol-constants";
import { openVerifierSession, readChallenge, readVerdict, SessionAnswer, writeReplyChunk } from "../host/ble/verifier-session";
import { Verdict } from "../host/core/verdict";
import { Store } from "../host/store/store";
import { GattConnection, SimulatedPeripheral } from "./simulated-ble";

function unwrap<T>(answer: SessionAnswer<T>): T {
  if (!answer.ok) throw new Error(`ATT error (${answer.refusal}): ${answer.message}`);
  return answer.value;
}

/** A counter station's GATT server in the simulated air, judging through the real host core. */
export function verifierPeripheral(
  store: Store,
  verifierId: string,
  rssi: number,
  order: { purpose: Purpose; quantity: number },
  onVerdict: (verdict: Verdict) => void,
): SimulatedPeripheral {
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
          if (characteristic === CHALLENGE_CHARACTERISTIC_UUID) {
            return unwrap(await readChallenge(store, session, { verifierId, ...order }, Date.now()));
          }
          if (characteristic === VERDICT_CHARACTERISTIC_UUID) return unwrap(readVerdict(session));
          throw new Error(`ATT error: characteristic ${characteristic} is not readable`);
        },
        async write(characteristic, value) {
          if (characteristic !== RESPONSE_CHARACTERISTIC_UUID) throw new Error(`ATT error: characteristic ${characteristic} is not writable`);
          const verdict = unwrap(await writeReplyChunk(store, session, verifierId, value, Date.now()));
          if (verdict !== undefined) onVerdict(verdict);
        },
        disconnected() {},
      };
    },
  };
}
