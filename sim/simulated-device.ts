import { randomBytes } from "node:crypto";
import type { Device, Signer } from "../firmware/device";
import { SimulatedAir } from "./simulated-ble";
import { SimulatedNfcRadio } from "./simulated-nfc";

/** A stamp's flash: Storage files by name. Copying it is what a flash dump (a clone) does. */
export type SimulatedFlash = Map<string, Uint8Array>;

export interface LedState {
  red: boolean;
  green: boolean;
  blue: boolean;
}

/**
 * A Puck.js in Node: Storage in a Map, the OS CSPRNG standing in for E.hwRand, LEDs recorded,
 * the button pressed by calling press(), NFC through SimulatedNfcRadio and BLE through the air.
 */
export class SimulatedDevice implements Device {
  readonly nfc: SimulatedNfcRadio;
  readonly leds: LedState = { red: false, green: false, blue: false };
  private readonly buttonHandlers: (() => void)[] = [];
  /** When set, the next Storage write fails as if power were cut during it. */
  failNextWrite = false;

  constructor(
    readonly signer: Signer,
    /** The air around the stamp: which counter stations it can reach. Moving the stamp changes it. */
    public ble: SimulatedAir,
    readonly flash: SimulatedFlash = new Map(),
  ) {
    this.nfc = new SimulatedNfcRadio(new Uint8Array(randomBytes(10)));
  }

  randomBytes(length: number): Uint8Array {
    return new Uint8Array(randomBytes(length));
  }
  readFile(name: string): Uint8Array | undefined {
    const data = this.flash.get(name);
    return data === undefined ? undefined : data.slice();
  }
  writeFile(name: string, data: Uint8Array): boolean {
    if (this.failNextWrite) {
      this.failNextWrite = false;
      this.flash.delete(name);
      return false;
    }
    this.flash.set(name, data.slice());
    return true;
  }
  setLeds(red: boolean, green: boolean, blue: boolean): void {
    this.leds.red = red;
    this.leds.green = green;
    this.leds.blue = blue;
  }
  onButtonPress(handler: () => void): void {
    this.buttonHandlers.push(handler);
  }
  now(): number {
    return performance.now();
  }
  setTimer(handler: () => void, delayMs: number): unknown {
    return setTimeout(handler, delayMs);
  }
  clearTimer(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }

  press(): void {
    for (const handler of this.buttonHandlers) handler();
  }
}
