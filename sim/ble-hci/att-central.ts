import { ControllerLink, EmulatedHciController } from "./emulated-controller";

/** ATT opcodes (Bluetooth Core Vol 3 Part F 3.4.8). */
export const AttOp = {
  ERROR: 0x01,
  MTU_REQ: 0x02,
  MTU_RSP: 0x03,
  FIND_INFO_REQ: 0x04,
  FIND_INFO_RSP: 0x05,
  READ_BY_TYPE_REQ: 0x08,
  READ_BY_TYPE_RSP: 0x09,
  READ_REQ: 0x0a,
  READ_RSP: 0x0b,
  READ_BLOB_REQ: 0x0c,
  READ_BLOB_RSP: 0x0d,
  READ_BY_GROUP_REQ: 0x10,
  READ_BY_GROUP_RSP: 0x11,
  WRITE_REQ: 0x12,
  WRITE_RSP: 0x13,
  PREP_WRITE_REQ: 0x16,
  EXEC_WRITE_REQ: 0x18,
  NOTIFY: 0x1b,
  INDICATE: 0x1d,
  CONFIRM: 0x1e,
  WRITE_CMD: 0x52,
} as const;

const ATT_CID = 0x0004;
const ATTRIBUTE_NOT_FOUND = 0x0a;

/** An ATT Error Response to one of our requests. */
export class AttErrorResponse extends Error {
  constructor(
    readonly requestOpcode: number,
    readonly handle: number,
    readonly code: number,
  ) {
    super(`ATT error 0x${code.toString(16).padStart(2, "0")} for request 0x${requestOpcode.toString(16).padStart(2, "0")} on handle ${handle}`);
    this.name = "AttErrorResponse";
  }
}

/** Traffic on one connection, for the figures: request/response pairs and bytes each way. */
export interface AttTraffic {
  /** Request → response exchanges (each costs at least one connection interval). */
  roundTrips: number;
  /** The same, by request opcode name. */
  byRequest: Record<string, number>;
  /** ATT PDUs without a response (commands, notifications). */
  unacknowledged: number;
  /** ATT bytes central → peripheral and back (without L2CAP/LL headers). */
  attBytesOut: number;
  attBytesIn: number;
  /** L2CAP PDUs each way (ATT + 4-byte basic header). */
  l2capBytesOut: number;
  l2capBytesIn: number;
}

export interface DiscoveredService {
  uuid: string;
  start: number;
  end: number;
}

export interface DiscoveredCharacteristic {
  uuid: string;
  declarationHandle: number;
  valueHandle: number;
  properties: number;
}

const OP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(AttOp).map(([name, code]) => [code, name]));

/** A UUID from ATT's little-endian bytes: "2800" or the dashed lowercase 128-bit form. */
export function uuidFromAir(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).reverse().toString("hex");
  if (hex.length !== 32) return hex;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function u16(value: number): number[] {
  return [value & 0xff, (value >> 8) & 0xff];
}

interface Pending {
  opcode: number;
  resolve(pdu: Buffer): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * A BLE central's ATT client speaking to a peripheral over the emulated controller's ACL link
 * (L2CAP CID 4): one request outstanding at a time as ATT requires, a transaction timeout,
 * notifications, and a record of the traffic.
 */
export class AttCentral {
  mtu = 23;
  readonly traffic: AttTraffic = { roundTrips: 0, byRequest: {}, unacknowledged: 0, attBytesOut: 0, attBytesIn: 0, l2capBytesOut: 0, l2capBytesIn: 0 };
  private link: ControllerLink | undefined;
  private pending: Pending | undefined;
  private queue: (() => void)[] = [];
  private readonly notificationHandlers: ((handle: number, value: Uint8Array) => void)[] = [];
  private readonly disconnectHandlers: ((reason: number) => void)[] = [];
  disconnectReason: number | undefined;

  private constructor(readonly transactionTimeoutMs: number) {}

  /** Connects to a controller (waiting for it to advertise, as an initiator does). */
  static async connect(controller: EmulatedHciController, options: { address?: string; transactionTimeoutMs?: number; connectTimeoutMs?: number } = {}): Promise<AttCentral> {
    const central = new AttCentral(options.transactionTimeoutMs ?? 5000);
    central.link = await controller.connect(
      options.address ?? "f1:e2:d3:c4:b5:a6",
      {
        l2cap: (cid, payload) => central.received(cid, payload),
        disconnected: (reason) => central.lost(reason),
      },
      options.connectTimeoutMs,
    );
    return central;
  }

  get connected(): boolean {
    return this.link !== undefined && this.link.connected;
  }

  onNotification(handler: (handle: number, value: Uint8Array) => void): void {
    this.notificationHandlers.push(handler);
  }

  onDisconnect(handler: (reason: number) => void): void {
    this.disconnectHandlers.push(handler);
  }

  disconnect(): void {
    if (this.link !== undefined && this.link.connected) this.link.disconnect();
  }

  private lost(reason: number): void {
    this.disconnectReason = reason;
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`disconnected (reason 0x${reason.toString(16)})`));
    }
    const queued = this.queue.splice(0);
    for (const start of queued) start();
    for (const handler of this.disconnectHandlers) handler(reason);
  }

  private send(pdu: Uint8Array): void {
    if (this.link === undefined || !this.link.connected) throw new Error("not connected");
    if (pdu.length > this.mtu) throw new Error(`ATT PDU of ${pdu.length} bytes exceeds MTU ${this.mtu}`);
    this.traffic.attBytesOut += pdu.length;
    this.traffic.l2capBytesOut += pdu.length + 4;
    this.link.sendL2cap(ATT_CID, pdu);
  }

  private received(cid: number, payload: Uint8Array): void {
    if (cid !== ATT_CID) return;
    const pdu = Buffer.from(payload);
    this.traffic.attBytesIn += pdu.length;
    this.traffic.l2capBytesIn += pdu.length + 4;
    const opcode = pdu[0];
    if (opcode === AttOp.NOTIFY || opcode === AttOp.INDICATE) {
      this.traffic.unacknowledged++;
      const handle = pdu.readUInt16LE(1);
      const value = new Uint8Array(pdu.subarray(3));
      if (opcode === AttOp.INDICATE) this.send(new Uint8Array([AttOp.CONFIRM]));
      for (const handler of this.notificationHandlers) handler(handle, value);
      return;
    }
    const pending = this.pending;
    if (pending === undefined) return; // unsolicited: ignored, as a client must
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (opcode === AttOp.ERROR && pdu.length === 5) pending.reject(new AttErrorResponse(pdu[1], pdu.readUInt16LE(2), pdu[4]));
    else if (opcode === pending.opcode + 1) pending.resolve(pdu);
    else pending.reject(new Error(`unexpected ATT response 0x${opcode.toString(16)} to 0x${pending.opcode.toString(16)}`));
    const next = this.queue.shift();
    if (next !== undefined) next();
  }

  /** Sends any request PDU (also malformed ones, for tests) and waits for its response. */
  request(pdu: Uint8Array): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const start = () => {
        if (!this.connected) return reject(new Error("not connected"));
        const opcode = pdu[0];
        this.traffic.roundTrips++;
        const name = OP_NAMES[opcode] ?? `0x${opcode.toString(16)}`;
        this.traffic.byRequest[name] = (this.traffic.byRequest[name] ?? 0) + 1;
        const timer = setTimeout(() => {
          if (this.pending?.timer !== timer) return;
          this.pending = undefined;
          reject(new Error(`ATT transaction 0x${opcode.toString(16)} timed out`));
          this.disconnect(); // after an ATT timeout no further requests may be sent on the bearer
        }, this.transactionTimeoutMs);
        this.pending = { opcode, resolve, reject, timer };
        try {
          this.send(pdu);
        } catch (error) {
          clearTimeout(timer);
          this.pending = undefined;
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      if (this.pending === undefined) start();
      else this.queue.push(start);
    });
  }

  /** Sends a command (no response): Write Command. */
  command(pdu: Uint8Array): void {
    this.traffic.unacknowledged++;
    this.send(pdu);
  }

  async exchangeMtu(clientRxMtu: number): Promise<number> {
    const response = await this.request(new Uint8Array([AttOp.MTU_REQ, ...u16(clientRxMtu)]));
    this.mtu = Math.max(23, Math.min(clientRxMtu, response.readUInt16LE(1)));
    return this.mtu;
  }

  /** All primary services, Read By Group Type from handle 1 until 0xFFFF or Attribute Not Found. */
  async discoverPrimaryServices(): Promise<DiscoveredService[]> {
    const services: DiscoveredService[] = [];
    let start = 1;
    while (start <= 0xffff) {
      let response: Buffer;
      try {
        response = await this.request(new Uint8Array([AttOp.READ_BY_GROUP_REQ, ...u16(start), ...u16(0xffff), ...u16(0x2800)]));
      } catch (error) {
        if (error instanceof AttErrorResponse && error.code === ATTRIBUTE_NOT_FOUND) break;
        throw error;
      }
      const length = response[1];
      if (length < 6) throw new Error("bad Read By Group Type response");
      let last = 0xffff;
      for (let i = 2; i + length <= response.length; i += length) {
        const end = response.readUInt16LE(i + 2);
        services.push({ start: response.readUInt16LE(i), end, uuid: uuidFromAir(response.subarray(i + 4, i + length)) });
        last = end;
      }
      if (last >= 0xffff) break;
      start = last + 1;
    }
    return services;
  }

  /** The characteristics of a service, Read By Type 0x2803 until its last handle. */
  async discoverCharacteristics(service: DiscoveredService): Promise<DiscoveredCharacteristic[]> {
    const found: DiscoveredCharacteristic[] = [];
    let start = service.start;
    while (start <= service.end) {
      let response: Buffer;
      try {
        response = await this.request(new Uint8Array([AttOp.READ_BY_TYPE_REQ, ...u16(start), ...u16(service.end), ...u16(0x2803)]));
      } catch (error) {
        if (error instanceof AttErrorResponse && error.code === ATTRIBUTE_NOT_FOUND) break;
        throw error;
      }
      const length = response[1];
      if (length < 7) throw new Error("bad Read By Type response");
      let lastValue = service.end;
      for (let i = 2; i + length <= response.length; i += length) {
        const valueHandle = response.readUInt16LE(i + 3);
        found.push({ declarationHandle: response.readUInt16LE(i), properties: response[i + 2], valueHandle, uuid: uuidFromAir(response.subarray(i + 5, i + length)) });
        lastValue = valueHandle;
      }
      if (lastValue >= service.end) break;
      start = lastValue + 1;
    }
    return found;
  }

  /** Descriptors in a handle range (Find Information). */
  async findInformation(start: number, end: number): Promise<{ handle: number; uuid: string }[]> {
    const found: { handle: number; uuid: string }[] = [];
    let from = start;
    while (from <= end) {
      let response: Buffer;
      try {
        response = await this.request(new Uint8Array([AttOp.FIND_INFO_REQ, ...u16(from), ...u16(end)]));
      } catch (error) {
        if (error instanceof AttErrorResponse && error.code === ATTRIBUTE_NOT_FOUND) break;
        throw error;
      }
      const size = response[1] === 1 ? 4 : 18;
      let last = end;
      for (let i = 2; i + size <= response.length; i += size) {
        last = response.readUInt16LE(i);
        found.push({ handle: last, uuid: uuidFromAir(response.subarray(i + 2, i + size)) });
      }
      if (last >= end) break;
      from = last + 1;
    }
    return found;
  }

  /**
   * Reads a value: Read Request, then Read Blob Requests while a response fills the MTU
   * ("Read Long Characteristic Value"), when longRead is set.
   */
  async read(handle: number, longRead = true): Promise<Uint8Array> {
    const first = await this.request(new Uint8Array([AttOp.READ_REQ, ...u16(handle)]));
    let value = Buffer.from(first.subarray(1));
    let part = value.length;
    while (longRead && part === this.mtu - 1) {
      let blob: Buffer;
      try {
        blob = await this.request(new Uint8Array([AttOp.READ_BLOB_REQ, ...u16(handle), ...u16(value.length)]));
      } catch (error) {
        // A value exactly MTU-1 long ends with "invalid offset" (or "not long") on the next blob.
        if (error instanceof AttErrorResponse && (error.code === 0x07 || error.code === 0x0b)) break;
        throw error;
      }
      part = blob.length - 1;
      value = Buffer.concat([value, blob.subarray(1)]);
    }
    return new Uint8Array(value);
  }

  async write(handle: number, value: Uint8Array): Promise<void> {
    if (value.length > this.mtu - 3) throw new Error(`a write of ${value.length} bytes exceeds MTU ${this.mtu}`);
    await this.request(new Uint8Array([AttOp.WRITE_REQ, ...u16(handle), ...value]));
  }

  writeWithoutResponse(handle: number, value: Uint8Array): void {
    if (value.length > this.mtu - 3) throw new Error(`a write of ${value.length} bytes exceeds MTU ${this.mtu}`);
    this.command(new Uint8Array([AttOp.WRITE_CMD, ...u16(handle), ...value]));
  }
}
