import { ControllerLink, EmulatedHciController, LinkHandlers } from "../../sim/ble-hci/emulated-controller";

const ATT_CID = 0x0004;
const ATT_WRITE_REQUEST = 0x12;

/** One connection as the sniffer heard it: who connected, and each Write Request (handle, value) it sent. */
export interface SniffedConnection {
  peer: string;
  /** The link's connection handle (to lose the link on purpose). */
  handle: number;
  writes: { handle: number; value: Uint8Array }[];
}

/**
 * The counter station's emulated controller with a sniffer on its air: every ATT Write Request a
 * central sends is recorded before it goes on. BLE between a stamp and a counter is not
 * encrypted (docs/ble.md: everything is signed instead), so anyone near the counter hears the
 * reply a stamp writes; this is what the replay attacker starts from.
 */
export class SniffedController extends EmulatedHciController {
  readonly heard: SniffedConnection[] = [];

  override async connect(peerAddress: string, handlers: LinkHandlers, timeoutMs?: number): Promise<ControllerLink> {
    const link = await super.connect(peerAddress, handlers, timeoutMs);
    const connection: SniffedConnection = { peer: peerAddress, handle: link.handle, writes: [] };
    this.heard.push(connection);
    return {
      handle: link.handle,
      get connected() {
        return link.connected;
      },
      sendL2cap(cid, payload) {
        if (cid === ATT_CID && payload[0] === ATT_WRITE_REQUEST && payload.length >= 3) {
          connection.writes.push({ handle: payload[1] | (payload[2] << 8), value: payload.slice(3) });
        }
        link.sendL2cap(cid, payload);
      },
      disconnect: () => link.disconnect(),
    };
  }
}
