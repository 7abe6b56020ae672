/**
 * The one narrow interface between the stamp's logic and its hardware (the way OpenSK keeps
 * boards behind an "env" API). The Puck.js implementation is espruino/espruino-device.ts;
 * the Node simulator implements the same interface, so one logic runs on both.
 */

/** Ed25519 (RFC 8032) over a 32-byte seed. Implementations must not keep or export the seed. */
export interface Signer {
  publicKey(seed: Uint8Array): Uint8Array;
  /** The 64-byte signature, or undefined when the signer cannot sign now (too little memory:
   * a refusal that allocates nothing, where an exception would). */
  sign(seed: Uint8Array, publicKey: Uint8Array, message: Uint8Array): Uint8Array | undefined;
}

/** A cancellable timer handle, opaque to the logic. */
export type TimerHandle = unknown;

/** The NFC front end of an nRF52 running as an NFC Forum Type 2 Tag. */
export interface NfcRadio {
  /** Starts tag emulation; returns the 10 UID/BCC bytes that open tag memory. */
  start(): Uint8Array;
  onFrame(handler: (frame: Uint8Array) => void): void;
  /** Called when the reader's field goes away (the stamp left the reader). */
  onFieldLost(handler: () => void): void;
  /** Answers the last frame with data bytes (the radio adds the CRC). */
  send(frame: Uint8Array): void;
  /** Answers the last frame with a 4-bit ACK (0x0A) or NACK (0x00..0x05). */
  sendAck(nibble: number): void;
  /** Sends nothing back (HALT) and waits for the next frame. */
  ignore(): void;
  /**
   * Takes the tag off the air and puts it straight back (NRF.nfcStop() then NRF.nfcStart() on
   * the Puck.js): a reader in the field loses the tag and discovers it anew, so a phone reads
   * the tag memory again. The field-lost handler runs, as when the field goes away.
   */
  restart(): void;
}

/** One verifier seen while scanning. */
export interface BleAdvert {
  rssi: number;
  /** The verifier id this advert announces (service data of the verifier service). */
  verifierId: Uint8Array;
  connect(): Promise<BleLink>;
}

/** A GATT connection from the stamp (central) to a verifier (peripheral). */
export interface BleLink {
  /** The negotiated ATT MTU, when the radio reports it (Espruino 2v28+: the "mtu" event). */
  mtu?: number;
  read(characteristic: string): Promise<Uint8Array>;
  write(characteristic: string, value: Uint8Array): Promise<void>;
  disconnect(): void;
}

/** The stamp as a BLE central: it scans and connects only when pressed. */
export interface BleCentral {
  scan(serviceUuid: string, durationMs: number): Promise<BleAdvert[]>;
}

export interface Device {
  /** Bytes from the hardware RNG (E.hwRand on the nRF52). */
  randomBytes(length: number): Uint8Array;
  /** A Storage file, or undefined when it does not exist. */
  readFile(name: string): Uint8Array | undefined;
  /** Writes a Storage file; false when flash refused it. */
  writeFile(name: string, data: Uint8Array): boolean;
  setLeds(red: boolean, green: boolean, blue: boolean): void;
  onButtonPress(handler: () => void): void;
  /** Milliseconds from a monotonic-enough clock. */
  now(): number;
  setTimer(handler: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  signer: Signer;
  nfc: NfcRadio;
  ble: BleCentral;
}
