import { connect, Socket } from "node:net";

/**
 * The card side of vsmartcard's vpcd protocol (vpcd is the reader driver inside pcscd and the
 * TCP server; the virtual card connects to it, by default on port 35963). Every message, both
 * ways, is a 2-byte big-endian length and a payload. From vpcd, a 1-byte payload is a control
 * message: 00 power off, 01 power on, 02 reset, 04 "send the ATR"; anything longer is a C-APDU.
 * The card answers the ATR request with the ATR and every C-APDU with an R-APDU; power
 * off/on/reset get no answer.
 */
export const VPCD_DEFAULT_PORT = 35963;
export const VPCD_POWER_OFF = 0x00;
export const VPCD_POWER_ON = 0x01;
export const VPCD_RESET = 0x02;
export const VPCD_GET_ATR = 0x04;

export interface VpcdCard {
  atr(): Uint8Array;
  /** Power off, power on or reset. */
  control(code: number): void;
  /** The R-APDU, or "drop" to cut the connection without answering (the card leaves mid-APDU). */
  apdu(command: Uint8Array): Uint8Array | "drop";
}

/** One connection to vpcd: the card is in the reader's field while it is open. */
export class VpcdLink {
  private buffered = Buffer.alloc(0);
  private closedBy: "us" | "vpcd" | undefined;
  readonly closed: Promise<"us" | "vpcd">;

  private constructor(
    private readonly socket: Socket,
    private readonly card: VpcdCard,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk) => this.receive(chunk));
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        if (this.closedBy === undefined) this.closedBy = "vpcd";
        resolve(this.closedBy);
      });
    });
    socket.on("error", () => {
      // "close" follows; the owner learns of it through `closed`.
    });
  }

  /** Connects to vpcd, retrying while nothing listens yet (pcscd still starting) until timeoutMs. */
  static async open(card: VpcdCard, port: number, host = "127.0.0.1", timeoutMs = 5000): Promise<VpcdLink> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect({ port: port, host: host }, () => {
            s.off("error", reject);
            resolve(s);
          });
          s.once("error", reject);
        });
        return new VpcdLink(socket, card);
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`vpcd does not listen on ${host}:${port}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  get isOpen(): boolean {
    return this.closedBy === undefined;
  }

  /** Leaves the field. */
  close(): Promise<"us" | "vpcd"> {
    if (this.closedBy === undefined) {
      this.closedBy = "us";
      this.socket.destroy();
    }
    return this.closed;
  }

  private send(payload: Uint8Array): void {
    const header = Buffer.alloc(2);
    header.writeUInt16BE(payload.length, 0);
    this.socket.write(Buffer.concat([header, Buffer.from(payload)]));
  }

  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.isOpen && this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0);
      if (this.buffered.length < 2 + length) return;
      const payload = new Uint8Array(this.buffered.subarray(2, 2 + length));
      this.buffered = this.buffered.subarray(2 + length);
      this.handle(payload);
    }
  }

  private handle(payload: Uint8Array): void {
    if (payload.length === 1) {
      if (payload[0] === VPCD_GET_ATR) this.send(this.card.atr());
      else this.card.control(payload[0]);
      return;
    }
    const answer = this.card.apdu(payload);
    if (answer === "drop") void this.close();
    else this.send(answer);
  }
}
