import { startBleStation } from "../../host/ble/ble-station";
import { TapService } from "../../host/core/counter-station";
import { verdict } from "../../host/core/verdict";
import { Reason } from "../../shared/reason-codes";
import { err, ok } from "../../shared/result";
import { encodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { EmulatedHciController } from "../../sim/ble-hci/emulated-controller";
import { loadBlenoOver } from "../../sim/ble-hci/hci-socket-substitute";
import { RoguePeripheral } from "../../rig/radio/ble-bench";
import { until } from "../ble/ble-world";

/** Louder than the counter: a stamp connects to the strongest verifier advert it hears (firmware/ble-tap.ts pickVerifier). */
export const ROGUE_RSSI = -30;
/** How long bleno may take to advertise again after a stamp left (it restarts at once on the disconnect). */
const READVERTISE_MS = 5_000;

/** The rogue peripheral with what the bench needs to put it in a stamp's reach and take it down. */
export interface RunningRogue extends RoguePeripheral {
  controller: EmulatedHciController;
  stop(): Promise<void>;
}

/**
 * The attacker's peripheral: the product's own GATT server (anyone can run it) on the attacker's
 * radio, advertising the counter's verifier id. Behind it, instead of a host, the attacker: the
 * challenge it serves is the one the attacker chose (read from the real counter, for a relay),
 * and the reply the stamp writes is kept, not judged. The stamp is told ACCEPTED, so its holder
 * sees green and notices nothing.
 */
export async function startRogue(verifierId: string, address: string): Promise<RunningRogue> {
  const controller = new EmulatedHciController({ address: address });
  let served: Uint8Array | undefined;
  let taken: Uint8Array | undefined;
  const attacker: TapService = {
    async challenge() {
      if (served === undefined) return err(verdict(Reason.UNKNOWN_VERIFIER, "the rogue has no challenge to serve"));
      return ok(served);
    },
    async submit(response) {
      taken = encodeStampReply({ status: StampStatus.OK, response: response });
      return verdict(Reason.ACCEPTED, "rogue peripheral");
    },
  };
  const errors: Error[] = [];
  const station = await startBleStation(
    attacker,
    { verifierId: verifierId, idleTimeoutMs: 2_000, onVerdict: () => undefined, onError: (error) => errors.push(error) },
    { loadBleno: () => loadBlenoOver(controller) },
  );
  return {
    controller: controller,
    async serve(challenge) {
      served = challenge.slice();
      taken = undefined;
      // bleno advertises again shortly after the last stamp left: a press before that would find only the counter.
      await until(() => controller.advertising, READVERTISE_MS);
    },
    takeReply: () => taken,
    async stop() {
      await station.stop();
      if (errors.length > 0) throw new Error(`the rogue peripheral failed: ${errors.map((e) => e.message).join("; ")}`);
    },
  };
}
