import type { ApiTransport } from "../host/client/transports";
import type { LockedConsoleBench } from "./extraction/console-bench";
import type { StampBuild } from "./extraction/stamp-build";
import type { FloodBench } from "./flood/flood-bench";
import type { PasskeyAuthenticator } from "./access/passkey-authenticator";
import type { BleBench } from "./radio/ble-bench";
import type { NfcBench } from "./radio/nfc-bench";

/**
 * How the rig reaches a host: its base URL and the credentials of a merchant set aside for the
 * rig, whose owner token lets the rig build its own shops, verifiers, stations and stamps there.
 */
export interface Target {
  /** Shown in the report: "embedded host (SQLite)" or the deployment's URL. */
  label: string;
  url: string;
  /** An owner token of the rig's merchant. */
  ownerToken: string;
  merchantId: string;
  /** The host's clock in milliseconds: the rig's station requests are signed with it. */
  clock: () => number;
  /**
   * Moves the host's clock forward: only a host the rig started itself can. Absent for a
   * deployment; the campaigns that need it then wait for real time or say they did not run.
   */
  advanceClock?: (ms: number) => void;
  /**
   * An operator token, only for a host the rig started itself (or an operator's test deployment):
   * the access-control campaign makes a second merchant with it, to attack the rig's objects with
   * another merchant's credentials.
   */
  operatorToken?: string;
  /** Or an owner token of a second merchant set aside for the rig, handed over instead. */
  foreignOwnerToken?: string;
  /**
   * Makes a new WebAuthn authenticator, one per dashboard person the access-control campaign logs
   * in through the product's own passkey ceremony (test code provides one); without it the attacks
   * that need a dashboard session are reported not run.
   */
  passkeys?: () => PasskeyAuthenticator;
  /**
   * The host's routes called in process (Fastify's inject: the same hooks, parsers, schemas and
   * handlers, without a socket), only for a host the rig started itself: the malformed-input
   * campaign's full run sends its 100,000 bodies per route this way, where over the network it
   * could afford a few thousand. Closing the transport leaves the host running.
   */
  inProcessTransport?: () => ApiTransport;
  /** What the floods campaign measures on a host the rig's test code started: its challenges table and memory. */
  floodBench?: FloodBench;
  /** Locked stamps' consoles on Puck-like Espruinos (x86-64, ARM under qemu), for the key-extraction campaign (test code provides them). */
  lockedConsoles?: readonly LockedConsoleBench[];
  /** The stamp build the key-extraction campaign provisions; the firmware as shipped when absent (a twin passes a leaky one). */
  stampBuild?: StampBuild;
  /** A PC/SC reader with virtual cards (pcscd + vpcd) for the nfc-station campaign (test code provides it). */
  nfcBench?: NfcBench;
  /** bleno and the product's BLE station on a radio the rig reaches with its own central, stamps and rogue peripheral, for the ble-station campaign (test code provides it). */
  bleBench?: BleBench;
}
