import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import type { BleCentral, Device, NfcRadio, Signer } from "../../firmware/device";

/** What one NFC frame was answered with. */
export type NfcAnswer = { ack: number } | { data: Uint8Array } | { ignored: true };

export interface SigningRecord {
  message: Uint8Array;
  /** A copy of flash at the moment the signer was called: proves what was committed first. */
  flashAtSigning: Map<string, Uint8Array>;
}

export interface FakeDevice extends Device {
  flash: Map<string, Uint8Array>;
  signed: SigningRecord[];
  nfcAnswers: NfcAnswer[];
  press(): void;
  /** Runs the timers set so far (the NFC mailbox signs in a timer, between frames). */
  runTimers(): void;
}

function privateKey(seed: Uint8Array) {
  return createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
}

/**
 * A minimal, deterministic stand-in for a Puck.js: Storage in a Map, a fixed clock, a
 * node:crypto Ed25519 signer that records every message (and flash as it was) when asked to sign.
 * Self-contained so that the protocol tests do not depend on the simulator's evolution.
 */
export function fakeDevice(randomSeed: Uint8Array): FakeDevice {
  const flash = new Map<string, Uint8Array>();
  const signed: SigningRecord[] = [];
  const nfcAnswers: NfcAnswer[] = [];
  const buttons: (() => void)[] = [];
  let timers: (() => void)[] = [];
  const signer: Signer = {
    publicKey(seed) {
      const spki = createPublicKey(privateKey(seed)).export({ format: "der", type: "spki" });
      return new Uint8Array(spki.subarray(spki.length - 32));
    },
    sign(seed, _publicKey, message) {
      const copy = new Map<string, Uint8Array>();
      for (const [name, data] of flash) copy.set(name, data.slice());
      signed.push({ message: message.slice(), flashAtSigning: copy });
      return new Uint8Array(sign(null, message, privateKey(seed)));
    },
  };
  const nfc: NfcRadio = {
    start: () => new Uint8Array(10),
    onFrame: () => {},
    onFieldLost: () => {},
    send: (frame) => {
      nfcAnswers.push({ data: frame.slice() });
    },
    sendAck: (nibble) => {
      nfcAnswers.push({ ack: nibble });
    },
    ignore: () => {
      nfcAnswers.push({ ignored: true });
    },
    restart: () => {},
  };
  const ble: BleCentral = { scan: () => Promise.resolve([]) };
  return {
    flash: flash,
    signed: signed,
    nfcAnswers: nfcAnswers,
    randomBytes: (length) => randomSeed.slice(0, length),
    readFile: (name) => flash.get(name)?.slice(),
    writeFile: (name, data) => {
      flash.set(name, data.slice());
      return true;
    },
    setLeds: () => {},
    onButtonPress: (handler) => {
      buttons.push(handler);
    },
    now: () => 1_000_000,
    setTimer: (handler) => {
      timers.push(handler);
      return timers.length;
    },
    clearTimer: () => {},
    signer: signer,
    nfc: nfc,
    ble: ble,
    press: () => {
      for (const handler of buttons) handler();
    },
    runTimers: () => {
      const due = timers;
      timers = [];
      for (const handler of due) handler();
    },
  };
}
