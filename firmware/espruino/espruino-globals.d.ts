/** The part of Espruino's global API the stamp uses (Puck.js, Espruino 2v2x). */

interface EspruinoPin {
  write(value: boolean): void;
}

interface EspruinoStorage {
  read(name: string, offset?: number, length?: number): string | undefined;
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  erase(name: string): void;
  write(name: string, data: Uint8Array): boolean;
}

interface EspruinoBluetoothCharacteristic {
  readValue(): Promise<DataView>;
  writeValue(data: Uint8Array): Promise<void>;
}

interface EspruinoBluetoothRemoteGATTServer {
  getPrimaryService(uuid: string): Promise<{ getCharacteristic(uuid: string): Promise<EspruinoBluetoothCharacteristic> }>;
  disconnect(): void;
}

interface EspruinoBluetoothDevice {
  rssi: number;
  serviceData?: { [uuid: string]: ArrayBuffer | number[] };
  gatt: { connect(): Promise<EspruinoBluetoothRemoteGATTServer> };
}

interface EspruinoNRF {
  setServices(services: undefined, options: { uart: boolean }): void;
  setAdvertising(data: object, options: { connectable: boolean; scannable: boolean; discoverable: boolean }): void;
  nfcStart(): ArrayBuffer;
  nfcStop(): void;
  nfcSend(payload?: Uint8Array | number): void;
  on(event: "NFCrx", handler: (rx: ArrayBuffer) => void): void;
  on(event: "NFCoff", handler: () => void): void;
  findDevices(callback: (devices: EspruinoBluetoothDevice[]) => void, options: { timeout: number; active?: boolean }): void;
}

declare const E: {
  hwRand(): number;
  setConsole(device: null, options: { force: boolean }): void;
  /** Native code: a function of the given signature at an offset in code, or at an absolute address (Thumb bit set). */
  nativeCall(address: number, signature: string, code?: string): unknown;
  /** The data address of a flat string or typed array (0 when not flat). */
  getAddressOf(value: string | Uint8Array, flat: boolean): number;
  toFlatString(value: string | Uint8Array | { data: number; count: number }): string | undefined;
  toArrayBuffer(value: string): ArrayBuffer;
  toUint8Array(value: string): Uint8Array;
};
declare const NRF: EspruinoNRF;
declare const LED1: EspruinoPin;
declare const LED2: EspruinoPin;
declare const LED3: EspruinoPin;
declare const BTN: unknown;
declare function setWatch(handler: () => void, pin: unknown, options: { repeat: boolean; edge: "rising"; debounce: number }): unknown;
declare function setTimeout(handler: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function getTime(): number;
/** Espruino's global object (stands in for globalThis). */
declare const global: {
  require(module: "Storage"): EspruinoStorage;
  require(module: "crypto"): { SHA256(data: string): ArrayBuffer };
  [name: string]: unknown;
};

/** Set by the firmware build from dist/firmware/ed25519.bin. */
declare const ED25519_BLOB_LENGTH: number;
declare const ED25519_BLOB_SHA256: string;

/** Espruino's `process` (read as global.process: the host project's Node types own the name). */
interface EspruinoProcess {
  /** Variable counts; `false` skips the garbage collection first. */
  memory(collectGarbage?: boolean): { free: number; usage: number; total: number };
}
