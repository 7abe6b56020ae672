import type { SimulatedFlash } from "../../sim/simulated-device";
import type { RigStation } from "../world/rig-station";

/**
 * What the ble-station campaign needs to reach a host through the BLE counter-station path,
 * carried on its Target (`bleBench`) as floods carry their flood bench: the product's BLE station
 * (bleno's GATT server, the code `stamp serve --ble --url` runs) on a radio the rig can reach
 * with its own central, its own stamps and its own rogue peripheral. The rig's test code starts
 * one over the emulated HCI controller the BLE tests use (test/rig/ble-bench-emulated.ts);
 * without it, the campaign says it did not run.
 */
export interface BleBench {
  /** Shown in the report: what carries the radio. */
  label: string;
  /**
   * Starts the product's BLE counter station for this enrolled station: it advertises the
   * station's verifier and judges every reply through the host over the station's signed API.
   * Resolves once it advertises.
   */
  startCounter(station: RigStation): Promise<BleCounter>;
}

/** A verdict the station announced (what `stamp serve` prints per tap), as the host gave it. */
export interface AnnouncedVerdict {
  reason: string;
  accepted: boolean;
  /** The BLE address of the central the verdict went to. */
  client: string;
}

/** A running counter station on the bench, and the radios around it. */
export interface BleCounter {
  /** The attacker's central connects (as an initiator, waiting for the advert), asks for this ATT MTU and finds the verifier service. */
  connect(mtu: number): Promise<BleAttackerLink>;
  /**
   * A genuine stamp in reach of the counter: the firmware (runtime, BLE tap, Espruino's NRF API)
   * booted on a registered stamp's flash. The stamp the flash came from must not sign again: it
   * would be a second device with the same key (a clone).
   */
  stampInReach(flash: SimulatedFlash): BleStamp;
  /**
   * The attacker's own peripheral near the stamp: the product's GATT server on the attacker's
   * radio, advertising this counter's verifier id louder than the counter. Resolves once it advertises.
   */
  startRogue(): Promise<RoguePeripheral>;
  /** Every verdict the station announced, oldest first. */
  verdicts(): readonly AnnouncedVerdict[];
  /**
   * The reply chunks each genuine stamp's connection wrote to the response characteristic, as a
   * sniffer on the air heard them (BLE between stamp and counter is not encrypted), oldest first.
   */
  sniffedReplies(): readonly Uint8Array[][];
  /** Failures the station reported (its onError) and HCI protocol violations by bleno: none is expected. */
  faults(): readonly string[];
  stop(): Promise<void>;
}

/** An ATT answer: 0 for success, else the ATT error code the station answered. */
export type AttCode = number;

/** One connection of the attacker's central to the counter station. */
export interface BleAttackerLink {
  /** The ATT MTU negotiated with the station. */
  readonly mtu: number;
  /** Reads the challenge characteristic chunk by chunk (one ATT Read each) until the chunk flagged last: the 32 bytes. */
  readChallenge(): Promise<Uint8Array>;
  /**
   * One ATT Write Request to the response characteristic. The attacker's radio is not bound to
   * the MTU: a value longer than MTU − 3 is sent as one ATT PDU, fragmented on the link as needed.
   */
  write(value: Uint8Array): Promise<AttCode>;
  /** Prepare Write Requests (offset, value) to the response characteristic, then Execute Write: each answer in order. */
  longWrite(parts: readonly { offset: number; value: Uint8Array }[]): Promise<AttCode[]>;
  /** Reads the verdict characteristic: the verdict byte, or the ATT error. */
  readVerdict(): Promise<{ verdict: number } | { attError: AttCode }>;
  /** The central ends the link (reason 0x13); resolves when the station advertises again. */
  disconnect(): Promise<void>;
  /** The link is lost (supervision timeout, the device carried away); resolves when the station advertises again. */
  lose(): Promise<void>;
}

/** A genuine stamp on the bench. */
export interface BleStamp {
  /** A press: the firmware's BLE tap to the strongest verifier in reach; the verdict byte it showed, -1 when none answered. */
  press(): Promise<number>;
  /** Brings the rogue peripheral near the stamp (louder than the counter), or takes it away (undefined). */
  near(rogue: RoguePeripheral | undefined): void;
}

/** The attacker's peripheral: it serves a challenge of the attacker's choice and keeps what the stamp writes. */
export interface RoguePeripheral {
  /** The challenge the next connecting stamp reads; resolves once the rogue advertises, so that a press now finds it. */
  serve(challenge: Uint8Array): Promise<void>;
  /** The raw stamp reply (status byte and tap response) the last stamp wrote, once complete. */
  takeReply(): Uint8Array | undefined;
}
