import { EventEmitter } from "node:events";

/**
 * An emulated Bluetooth LE controller behind the HCI transport that bleno drives through
 * @abandonware/bluetooth-hci-socket. bleno's own HCI, L2CAP, ATT and GATT code run unchanged
 * on top of it; on the radio side it advertises what bleno told it to and accepts connections
 * from simulated centrals (sim/ble-hci/att-central.ts), carrying L2CAP over ACL both ways.
 *
 * Modelled: the HCI commands bleno issues (answered with Command Complete / Command Status),
 * advertising parameters/data/scan response/enable, LE Connection Complete (peripheral role),
 * ACL fragmentation to the controller's LE buffer size in both directions, host flow control
 * (Number Of Completed Packets, with a check that the host never exceeds the buffer count),
 * advertising stopping on connection, Disconnect / Disconnection Complete.
 * Not modelled: radio timing, channels, packet loss, encryption/pairing, connection updates.
 */

const HCI_COMMAND_PKT = 0x01;
const HCI_ACLDATA_PKT = 0x02;
const HCI_EVENT_PKT = 0x04;

const EVT_DISCONN_COMPLETE = 0x05;
const EVT_CMD_COMPLETE = 0x0e;
const EVT_CMD_STATUS = 0x0f;
const EVT_NUMBER_OF_COMPLETED_PACKETS = 0x13;
const EVT_LE_META_EVENT = 0x3e;
const EVT_LE_CONN_COMPLETE = 0x01;

const op = (ogf: number, ocf: number) => (ogf << 10) | ocf;
export const HciOpcode = {
  DISCONNECT: op(0x01, 0x0006),
  SET_EVENT_MASK: op(0x03, 0x0001),
  RESET: op(0x03, 0x0003),
  READ_LE_HOST_SUPPORTED: op(0x03, 0x006c),
  WRITE_LE_HOST_SUPPORTED: op(0x03, 0x006d),
  READ_LOCAL_VERSION: op(0x04, 0x0001),
  READ_BUFFER_SIZE: op(0x04, 0x0005),
  READ_BD_ADDR: op(0x04, 0x0009),
  READ_RSSI: op(0x05, 0x0005),
  LE_SET_EVENT_MASK: op(0x08, 0x0001),
  LE_READ_BUFFER_SIZE: op(0x08, 0x0002),
  LE_SET_RANDOM_ADDRESS: op(0x08, 0x0005),
  LE_SET_ADVERTISING_PARAMETERS: op(0x08, 0x0006),
  LE_SET_ADVERTISING_DATA: op(0x08, 0x0008),
  LE_SET_SCAN_RESPONSE_DATA: op(0x08, 0x0009),
  LE_SET_ADVERTISE_ENABLE: op(0x08, 0x000a),
  LE_LTK_NEG_REPLY: op(0x08, 0x001b),
} as const;

/** HCI status codes the emulator uses. */
export const HciStatus = {
  SUCCESS: 0x00,
  UNKNOWN_COMMAND: 0x01,
  UNKNOWN_CONNECTION: 0x02,
  INVALID_PARAMETERS: 0x12,
  REMOTE_USER_TERMINATED: 0x13,
  LOCAL_HOST_TERMINATED: 0x16,
  CONNECTION_TIMEOUT: 0x08,
  COMMAND_DISALLOWED: 0x0c,
} as const;

export interface ControllerOptions {
  /**
   * "present" (default); "no-kernel-support": creating the HCI socket fails with
   * EAFNOSUPPORT (no Bluetooth in the kernel, as in most containers); "no-device": binding
   * fails with ENODEV (Bluetooth stack but no adapter); "down": the adapter exists but is down.
   */
  adapter?: "present" | "no-kernel-support" | "no-device" | "down";
  /** Public device address, "aa:bb:cc:dd:ee:ff". */
  address?: string;
  /** LE ACL data packet length (LE Read Buffer Size), default 27 (no data length extension). */
  aclPacketLength?: number;
  /** LE ACL buffers the host may fill before Number Of Completed Packets, default 4. */
  aclPackets?: number;
  /** HCI version reported by Read Local Version (bleno needs ≥ 6, Bluetooth 4.0). */
  hciVersion?: number;
}

/** One LE connection as the central sees it. */
export interface ControllerLink {
  readonly handle: number;
  /** Sends one L2CAP PDU from the central (fragmented to the LL payload size towards the host). */
  sendL2cap(cid: number, payload: Uint8Array): void;
  /** The central terminates the connection (reason 0x13 towards bleno). */
  disconnect(): void;
  readonly connected: boolean;
}

export interface LinkHandlers {
  l2cap(cid: number, payload: Uint8Array): void;
  disconnected(reason: number): void;
}

interface LinkState {
  handle: number;
  peerAddress: string;
  handlers: LinkHandlers;
  connected: boolean;
  /** A partly received L2CAP PDU from the host. */
  pending: { length: number; cid: number; data: Buffer } | undefined;
  /** Host ACL packets not yet reported by Number Of Completed Packets. */
  inFlight: number;
}

const asyncTick = (f: () => void) => setImmediate(f);

function addressBytes(address: string): Buffer {
  return Buffer.from(address.split(":").reverse().join(""), "hex");
}

export class EmulatedHciController extends EventEmitter {
  readonly options: Required<ControllerOptions>;
  /** Sink towards the host (the socket bleno reads). */
  private hostSink: ((packet: Buffer) => void) | undefined;
  private socketOpen = false;
  advertisingEnabled = false;
  advertisingData: Buffer = Buffer.alloc(0);
  scanResponseData: Buffer = Buffer.alloc(0);
  /** Advertising interval in 0.625 ms units, from LE Set Advertising Parameters. */
  advertisingIntervalUnits = 0;
  /** Every HCI command opcode the host sent, in order (for tests and docs). */
  readonly commandLog: number[] = [];
  /** Protocol violations by the host (ACL too long, too many packets in flight, unknown handle). */
  readonly violations: string[] = [];
  private readonly links = new Map<number, LinkState>();
  private nextHandle = 0x0040;
  private readonly waitingForAdvert: (() => void)[] = [];

  constructor(options: ControllerOptions = {}) {
    super();
    this.options = {
      adapter: options.adapter ?? "present",
      address: options.address ?? "c0:ff:ee:00:00:01",
      aclPacketLength: options.aclPacketLength ?? 27,
      aclPackets: options.aclPackets ?? 4,
      hciVersion: options.hciVersion ?? 0x09,
    };
  }

  // ---- host side (used by EmulatedHciSocket) ----

  attachHost(sink: (packet: Buffer) => void): void {
    this.hostSink = sink;
    this.socketOpen = true;
  }

  detachHost(): void {
    this.socketOpen = false;
    this.hostSink = undefined;
  }

  private toHost(packet: Buffer): void {
    if (!this.socketOpen || this.hostSink === undefined) return;
    const sink = this.hostSink;
    asyncTick(() => {
      if (this.socketOpen) sink(packet);
    });
  }

  private event(code: number, params: Buffer): void {
    this.toHost(Buffer.concat([Buffer.from([HCI_EVENT_PKT, code, params.length]), params]));
  }

  private commandComplete(opcode: number, status: number, result: Buffer = Buffer.alloc(0)): void {
    const params = Buffer.alloc(4 + result.length);
    params.writeUInt8(1, 0); // one command may be sent
    params.writeUInt16LE(opcode, 1);
    params.writeUInt8(status, 3);
    result.copy(params, 4);
    this.event(EVT_CMD_COMPLETE, params);
  }

  private commandStatus(opcode: number, status: number): void {
    const params = Buffer.alloc(4);
    params.writeUInt8(status, 0);
    params.writeUInt8(1, 1);
    params.writeUInt16LE(opcode, 2);
    this.event(EVT_CMD_STATUS, params);
  }

  /** A packet written by the host (bleno) to the HCI socket. */
  fromHost(packet: Buffer): void {
    if (packet.length < 1) return;
    if (packet[0] === HCI_COMMAND_PKT) this.command(packet);
    else if (packet[0] === HCI_ACLDATA_PKT) this.aclFromHost(packet);
    else this.violations.push(`unexpected packet type ${packet[0]}`);
  }

  private command(packet: Buffer): void {
    if (packet.length < 4 || packet.length !== 4 + packet[3]) {
      this.violations.push(`malformed HCI command ${packet.toString("hex")}`);
      return;
    }
    const opcode = packet.readUInt16LE(1);
    const params = packet.subarray(4);
    this.commandLog.push(opcode);
    switch (opcode) {
      case HciOpcode.RESET:
        for (const link of [...this.links.values()]) this.dropLink(link, HciStatus.LOCAL_HOST_TERMINATED, false);
        this.advertisingEnabled = false;
        return this.commandComplete(opcode, HciStatus.SUCCESS);
      case HciOpcode.SET_EVENT_MASK:
      case HciOpcode.LE_SET_EVENT_MASK:
      case HciOpcode.WRITE_LE_HOST_SUPPORTED:
      case HciOpcode.LE_SET_RANDOM_ADDRESS:
        return this.commandComplete(opcode, HciStatus.SUCCESS);
      case HciOpcode.READ_LE_HOST_SUPPORTED:
        return this.commandComplete(opcode, HciStatus.SUCCESS, Buffer.from([0x01, 0x00]));
      case HciOpcode.READ_LOCAL_VERSION: {
        const result = Buffer.alloc(8);
        result.writeUInt8(this.options.hciVersion, 0);
        result.writeUInt16LE(0x0001, 1);
        result.writeUInt8(this.options.hciVersion, 3);
        result.writeUInt16LE(0xffff, 4); // manufacturer: none (an emulator)
        result.writeUInt16LE(0x0001, 6);
        return this.commandComplete(opcode, HciStatus.SUCCESS, result);
      }
      case HciOpcode.READ_BD_ADDR:
        return this.commandComplete(opcode, HciStatus.SUCCESS, addressBytes(this.options.address));
      case HciOpcode.LE_READ_BUFFER_SIZE: {
        const result = Buffer.alloc(3);
        result.writeUInt16LE(this.options.aclPacketLength, 0);
        result.writeUInt8(this.options.aclPackets, 2);
        return this.commandComplete(opcode, HciStatus.SUCCESS, result);
      }
      case HciOpcode.READ_BUFFER_SIZE: {
        const result = Buffer.alloc(7);
        result.writeUInt16LE(this.options.aclPacketLength, 0);
        result.writeUInt8(0, 2);
        result.writeUInt16LE(this.options.aclPackets, 3);
        result.writeUInt16LE(0, 5);
        return this.commandComplete(opcode, HciStatus.SUCCESS, result);
      }
      case HciOpcode.LE_SET_ADVERTISING_PARAMETERS: {
        if (params.length !== 15) return this.commandComplete(opcode, HciStatus.INVALID_PARAMETERS);
        const min = params.readUInt16LE(0);
        const max = params.readUInt16LE(2);
        if (this.advertisingEnabled) return this.commandComplete(opcode, HciStatus.COMMAND_DISALLOWED);
        if (min < 0x20 || max < min || max > 0x4000) return this.commandComplete(opcode, HciStatus.INVALID_PARAMETERS);
        this.advertisingIntervalUnits = min;
        return this.commandComplete(opcode, HciStatus.SUCCESS);
      }
      case HciOpcode.LE_SET_ADVERTISING_DATA:
      case HciOpcode.LE_SET_SCAN_RESPONSE_DATA: {
        if (params.length !== 32 || params[0] > 31) return this.commandComplete(opcode, HciStatus.INVALID_PARAMETERS);
        const data = Buffer.from(params.subarray(1, 1 + params[0]));
        if (opcode === HciOpcode.LE_SET_ADVERTISING_DATA) this.advertisingData = data;
        else this.scanResponseData = data;
        return this.commandComplete(opcode, HciStatus.SUCCESS);
      }
      case HciOpcode.LE_SET_ADVERTISE_ENABLE: {
        if (params.length !== 1 || params[0] > 1) return this.commandComplete(opcode, HciStatus.INVALID_PARAMETERS);
        // A peripheral-only controller with one link: advertising cannot resume while connected.
        if (params[0] === 1 && this.links.size > 0) return this.commandComplete(opcode, HciStatus.COMMAND_DISALLOWED);
        this.advertisingEnabled = params[0] === 1;
        this.commandComplete(opcode, HciStatus.SUCCESS);
        if (this.advertisingEnabled) this.wakeInitiators();
        return;
      }
      case HciOpcode.DISCONNECT: {
        const handle = params.readUInt16LE(0) & 0x0fff;
        const link = this.links.get(handle);
        if (link === undefined) return this.commandStatus(opcode, HciStatus.UNKNOWN_CONNECTION);
        this.commandStatus(opcode, HciStatus.SUCCESS);
        this.dropLink(link, HciStatus.LOCAL_HOST_TERMINATED, true);
        return;
      }
      case HciOpcode.READ_RSSI: {
        const handle = params.readUInt16LE(0);
        const result = Buffer.alloc(3);
        result.writeUInt16LE(handle, 0);
        result.writeInt8(-50, 2);
        return this.commandComplete(opcode, this.links.has(handle) ? HciStatus.SUCCESS : HciStatus.UNKNOWN_CONNECTION, result);
      }
      case HciOpcode.LE_LTK_NEG_REPLY:
        return this.commandComplete(opcode, HciStatus.SUCCESS, Buffer.from(params.subarray(0, 2)));
      default:
        return this.commandComplete(opcode, HciStatus.UNKNOWN_COMMAND);
    }
  }

  private aclFromHost(packet: Buffer): void {
    if (packet.length < 5) return void this.violations.push("short ACL packet");
    const handleAndFlags = packet.readUInt16LE(1);
    const handle = handleAndFlags & 0x0fff;
    const boundary = (handleAndFlags >> 12) & 0x3;
    const length = packet.readUInt16LE(3);
    const data = packet.subarray(5);
    if (data.length !== length) return void this.violations.push(`ACL length ${length} but ${data.length} bytes`);
    if (length > this.options.aclPacketLength) this.violations.push(`ACL packet of ${length} bytes exceeds the controller's ${this.options.aclPacketLength}`);
    const link = this.links.get(handle);
    if (link === undefined) return void this.violations.push(`ACL for unknown handle ${handle}`);
    link.inFlight++;
    if (link.inFlight > this.options.aclPackets) this.violations.push(`host has ${link.inFlight} ACL packets in flight, controller has ${this.options.aclPackets} buffers`);
    // The packet "went out on the air": report it completed.
    asyncTick(() => {
      if (!link.connected) return;
      link.inFlight--;
      const params = Buffer.alloc(5);
      params.writeUInt8(1, 0);
      params.writeUInt16LE(handle, 1);
      params.writeUInt16LE(1, 3);
      this.event(EVT_NUMBER_OF_COMPLETED_PACKETS, params);
    });
    if (boundary === 0x00 || boundary === 0x02) {
      if (link.pending !== undefined) this.violations.push("new L2CAP PDU before the previous one was complete");
      if (data.length < 4) return void this.violations.push("L2CAP start fragment shorter than its header");
      link.pending = { length: data.readUInt16LE(0), cid: data.readUInt16LE(2), data: Buffer.from(data.subarray(4)) };
    } else if (boundary === 0x01) {
      if (link.pending === undefined) return void this.violations.push("continuation fragment without a start");
      link.pending.data = Buffer.concat([link.pending.data, data]);
    }
    const pending = link.pending;
    if (pending !== undefined && pending.data.length >= pending.length) {
      link.pending = undefined;
      if (pending.data.length > pending.length) this.violations.push("L2CAP PDU longer than its header says");
      const payload = new Uint8Array(pending.data.subarray(0, pending.length));
      const cid = pending.cid;
      asyncTick(() => {
        if (link.connected) link.handlers.l2cap(cid, payload);
      });
    }
  }

  // ---- radio side (used by simulated centrals) ----

  /** Whether a scanner would see this controller now: it is up, advertising and not connected. */
  get advertising(): boolean {
    return this.socketOpen && this.advertisingEnabled;
  }

  private wakeInitiators(): void {
    const waiting = this.waitingForAdvert.splice(0);
    for (const wake of waiting) asyncTick(wake);
  }

  /**
   * A central initiates a connection. As a real initiator, it waits for the next connectable
   * advert from this device: if the device is connected to someone else (advertising stopped),
   * the attempt waits until advertising resumes or times out.
   */
  connect(peerAddress: string, handlers: LinkHandlers, timeoutMs = 2000): Promise<ControllerLink> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        const index = this.waitingForAdvert.indexOf(attempt);
        if (index >= 0) this.waitingForAdvert.splice(index, 1);
        reject(new Error("connection attempt timed out: the verifier is not advertising"));
      }, timeoutMs);
      const attempt = () => {
        if (done) return;
        if (!this.advertising) {
          this.waitingForAdvert.push(attempt);
          return;
        }
        done = true;
        clearTimeout(timer);
        resolve(this.openLink(peerAddress, handlers));
      };
      attempt();
    });
  }

  private openLink(peerAddress: string, handlers: LinkHandlers): ControllerLink {
    // Connectable undirected advertising ends when a connection is made.
    this.advertisingEnabled = false;
    const handle = this.nextHandle++;
    const state: LinkState = { handle, peerAddress, handlers, connected: true, pending: undefined, inFlight: 0 };
    this.links.set(handle, state);
    const params = Buffer.alloc(19);
    params.writeUInt8(EVT_LE_CONN_COMPLETE, 0);
    params.writeUInt8(HciStatus.SUCCESS, 1);
    params.writeUInt16LE(handle, 2);
    params.writeUInt8(0x01, 4); // role: peripheral
    params.writeUInt8(0x01, 5); // peer address type: random (a Puck.js's static random address)
    addressBytes(peerAddress).copy(params, 6);
    params.writeUInt16LE(12, 12); // interval 12 × 1.25 ms = 15 ms
    params.writeUInt16LE(0, 14); // latency
    params.writeUInt16LE(400, 16); // supervision timeout 4 s
    params.writeUInt8(0x00, 18);
    this.event(EVT_LE_META_EVENT, params);
    const controller = this;
    return {
      handle,
      get connected() {
        return state.connected;
      },
      sendL2cap(cid: number, payload: Uint8Array) {
        if (!state.connected) throw new Error("not connected");
        controller.aclToHost(state, cid, payload);
      },
      disconnect() {
        if (state.connected) controller.dropLink(state, HciStatus.REMOTE_USER_TERMINATED, false);
      },
    };
  }

  /** Carries an L2CAP PDU from the central to the host, fragmented to the LL payload size. */
  private aclToHost(link: LinkState, cid: number, payload: Uint8Array): void {
    let pdu = Buffer.alloc(4 + payload.length);
    pdu.writeUInt16LE(payload.length, 0);
    pdu.writeUInt16LE(cid, 2);
    Buffer.from(payload).copy(pdu, 4);
    let first = true;
    while (pdu.length > 0) {
      const fragment = pdu.subarray(0, this.options.aclPacketLength);
      pdu = pdu.subarray(fragment.length);
      const packet = Buffer.alloc(5 + fragment.length);
      packet.writeUInt8(HCI_ACLDATA_PKT, 0);
      packet.writeUInt16LE(link.handle | ((first ? 0x02 : 0x01) << 12), 1);
      packet.writeUInt16LE(fragment.length, 3);
      fragment.copy(packet, 5);
      this.toHost(packet);
      first = false;
    }
  }

  /**
   * Ends a link. byHost: the host asked (HCI Disconnect): the central sees reason 0x13 and the
   * host gets Disconnection Complete with 0x16. Otherwise the central left or the link was lost.
   */
  private dropLink(link: LinkState, reason: number, byHost: boolean): void {
    if (!link.connected) return;
    link.connected = false;
    this.links.delete(link.handle);
    const params = Buffer.alloc(4);
    params.writeUInt8(HciStatus.SUCCESS, 0);
    params.writeUInt16LE(link.handle, 1);
    params.writeUInt8(reason, 3);
    this.event(EVT_DISCONN_COMPLETE, params);
    const handlers = link.handlers;
    asyncTick(() => handlers.disconnected(byHost ? HciStatus.REMOTE_USER_TERMINATED : reason));
  }

  /** The link is lost (stamp carried away): supervision timeout on both sides. */
  loseLink(handle: number): void {
    const link = this.links.get(handle);
    if (link !== undefined) this.dropLink(link, HciStatus.CONNECTION_TIMEOUT, false);
  }

  get connectionCount(): number {
    return this.links.size;
  }
}
