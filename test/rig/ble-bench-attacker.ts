import { AttErrorResponse, AttOp } from "../../sim/ble-hci/att-central";
import { AttCode, BleAttackerLink } from "../../rig/radio/ble-bench";
import { connectRaw, readWholeChallenge, until } from "../ble/ble-world";
import { SniffedController } from "./ble-bench-sniffer";

/** How long the station may take to advertise again after a link ends (it restarts advertising at once). */
const READVERTISE_MS = 5_000;

function u16(value: number): number[] {
  return [value & 0xff, (value >> 8) & 0xff];
}

/** The ATT error code of a refused request; any other failure (a lost link, a timeout) is thrown. */
async function attCode(request: Promise<unknown>): Promise<AttCode> {
  try {
    await request;
    return 0;
  } catch (error) {
    if (error instanceof AttErrorResponse) return error.code;
    throw error;
  }
}

/**
 * The attacker's central on the counter's air, through the BLE tests' raw ATT client
 * (test/ble/ble-world.ts connectRaw): MTU exchange, discovery, then whatever it chooses to send.
 */
export async function attackerLink(controller: SniffedController, mtu: number): Promise<BleAttackerLink> {
  const raw = await connectRaw(controller, mtu);
  const heard = controller.heard[controller.heard.length - 1];
  const central = raw.central;
  const advertisingAgain = () => until(() => controller.advertising, READVERTISE_MS);
  /** Sends a request PDU of any length: the client's own MTU check stands aside, the station's MTU does not change. */
  const requestBeyondMtu = async (pdu: Uint8Array): Promise<AttCode> => {
    const negotiated = central.mtu;
    central.mtu = Math.max(negotiated, pdu.length);
    try {
      return await attCode(central.request(pdu));
    } finally {
      central.mtu = negotiated;
    }
  };
  return {
    mtu: central.mtu,
    readChallenge: () => readWholeChallenge(central, raw.challenge),
    write: (value) => requestBeyondMtu(new Uint8Array([AttOp.WRITE_REQ, ...u16(raw.response), ...value])),
    async longWrite(parts) {
      const codes: AttCode[] = [];
      for (const part of parts) codes.push(await requestBeyondMtu(new Uint8Array([AttOp.PREP_WRITE_REQ, ...u16(raw.response), ...u16(part.offset), ...part.value])));
      codes.push(await attCode(central.request(new Uint8Array([AttOp.EXEC_WRITE_REQ, 0x01]))));
      return codes;
    },
    async readVerdict() {
      try {
        const value = await central.read(raw.verdict, false);
        return { verdict: value[0] };
      } catch (error) {
        if (error instanceof AttErrorResponse) return { attError: error.code };
        throw error;
      }
    },
    async disconnect() {
      central.disconnect();
      await advertisingAgain();
    },
    async lose() {
      controller.loseLink(heard.handle);
      await advertisingAgain();
    },
  };
}
