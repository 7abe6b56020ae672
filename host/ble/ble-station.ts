import { createRequire } from "node:module";
import { dirname, sep } from "node:path";
import { CHALLENGE_CHARACTERISTIC_UUID, RESPONSE_CHARACTERISTIC_UUID, VERDICT_CHARACTERISTIC_UUID, VERIFIER_SERVICE_UUID } from "../../shared/ble-gatt";
import { parseHexBytes } from "../core/identifiers";
import { Verdict } from "../core/verdict";
import { TapService } from "../core/counter-station";
import { verifierAdvertisingData, verifierScanResponseData } from "./advertising";
import { AttError } from "./att-errors";
import { adapterErrorReason, adapterStateReason, NoBluetoothAdapterError } from "./bluetooth-adapter";
import { openVerifierSession, readChallenge, readVerdict, SessionRefusal, VerifierSession, writeReplyChunk } from "./verifier-session";

export type Bleno = typeof import("@abandonware/bleno");

export interface BleStationOptions {
  /** The registered verifier this station is (16 hex digits); advertised as service data. */
  verifierId: string;
  /** A connection with no ATT request for this long is dropped (bleno.disconnect()). */
  idleTimeoutMs: number;
  /** A connection is dropped this long after it was made, busy or not (default 10 s). */
  maxConnectionMs?: number;
  /** Advertising interval; default 40 ms (mains-powered station, fast discovery). */
  advertisingIntervalMs?: number;
  /** How long to wait for the adapter to power on before giving up (default 10 s). */
  startTimeoutMs?: number;
  /** Abandons a start still waiting for the adapter: it rejects at once and lets the adapter go. */
  signal?: AbortSignal;
  onVerdict(verdict: Verdict, clientAddress: string): void;
  /** Host-side failures while serving (store errors): the connection gets ATT 0x0E. Also the
   * adapter going away (down, unplugged) while serving, once per outage. */
  onError(error: Error): void;
  /** The adapter came back after it went away, and the station advertises again. */
  onAdapterBack?(): void;
}

export interface BleStationDeps {
  /** Loads bleno; tests load it over an emulated HCI controller (sim/ble-hci). */
  loadBleno?: () => Bleno;
}

export interface BleStation {
  /** The adapter's address. */
  readonly address: string;
  stop(): Promise<void>;
}

const SUCCESS = 0x00;

const nodeRequire = createRequire(import.meta.url);

/**
 * The installed bleno, a fresh copy each time: bleno is a singleton that keeps its adapter state,
 * and a start that gave up (adapter down) has let its HCI socket go for good, so the next attempt
 * needs a new one. Only bleno's own files leave the require cache (the native socket stays).
 */
function loadFreshBleno(): Bleno {
  const main = nodeRequire.resolve("@abandonware/bleno");
  const packageDir = dirname(main) + sep;
  for (const key of Object.keys(nodeRequire.cache)) {
    if (key.startsWith(packageDir) && !key.includes(`${sep}node_modules${sep}`, packageDir.length)) delete nodeRequire.cache[key];
  }
  return nodeRequire(main) as Bleno;
}

/** bleno keeps a 1 s "is the device up?" poll and a raw socket; stop() ends both. */
interface BlenoInternals {
  _bindings?: { _hci?: { pollIsDevUp?: () => void; _socket?: { stop?: () => void } } };
}

function releaseHci(bleno: Bleno): void {
  const hci = (bleno as unknown as BlenoInternals)._bindings?._hci;
  if (hci === undefined) return;
  // The next scheduled poll runs the old function once more, which then schedules this no-op.
  hci.pollIsDevUp = () => {};
  try {
    hci._socket?.stop?.();
  } catch {
    // the socket may never have started
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

interface Connection {
  address: string;
  /** The ATT MTU the central negotiated (23 until it asks for more). */
  mtu: number;
  session: VerifierSession;
  notify: ((data: Buffer) => void) | undefined;
  idle: ReturnType<typeof setTimeout> | undefined;
  cap: ReturnType<typeof setTimeout>;
}

const WRITE_REFUSALS: Record<SessionRefusal, number> = {
  "not-ready": AttError.CHALLENGE_NOT_READ,
  "bad-length": AttError.INVALID_ATTRIBUTE_VALUE_LENGTH,
  "out-of-order": AttError.CHUNK_OUT_OF_ORDER,
  "already-answered": AttError.ALREADY_ANSWERED,
};

/**
 * The counter station's GATT server (bleno): advertises the verifier service with its verifier
 * id, issues one challenge per connection, takes the reply chunks with length and state checks,
 * judges the reply through the host core and answers the verdict (read or notification).
 * Rejects with NoBluetoothAdapterError when there is no usable adapter.
 */
export async function startBleStation(service: TapService, options: BleStationOptions, deps: BleStationDeps = {}): Promise<BleStation> {
  const verifierIdBytes = parseHexBytes(options.verifierId, 8);
  if (verifierIdBytes === undefined) throw new Error(`verifier id must be 16 hex digits, got "${options.verifierId}"`);
  if (!(options.idleTimeoutMs > 0)) throw new Error("idleTimeoutMs must be positive");
  // Read by bleno when it sets the advertising parameters; an explicit environment value wins.
  if (process.env.BLENO_ADVERTISING_INTERVAL === undefined) process.env.BLENO_ADVERTISING_INTERVAL = String(options.advertisingIntervalMs ?? 40);

  let bleno: Bleno;
  try {
    bleno = (deps.loadBleno ?? loadFreshBleno)();
  } catch (error) {
    throw new NoBluetoothAdapterError(adapterErrorReason(error));
  }

  const sigintBefore = process.listeners("SIGINT");
  const exitBefore = process.listeners("exit");
  const forgetProcessHooks = () => {
    for (const l of process.listeners("SIGINT")) if (!sigintBefore.includes(l)) process.removeListener("SIGINT", l);
    for (const l of process.listeners("exit")) if (!exitBefore.includes(l)) process.removeListener("exit", l);
  };
  const giveUp = (error: Error): never => {
    bleno.removeAllListeners();
    releaseHci(bleno);
    forgetProcessHooks();
    throw error;
  };

  // Adding the first stateChange listener makes bleno bind the HCI socket and initialise it.
  const state = await new Promise<string>((resolve, reject) => {
    const finish = (s: string) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", abandon);
      resolve(s);
    };
    const abandon = () => finish("abandoned");
    const timer = setTimeout(() => finish("timeout"), options.startTimeoutMs ?? 10_000);
    options.signal?.addEventListener("abort", abandon, { once: true });
    if (options.signal?.aborted === true) abandon();
    const settle = (s: string) => {
      if (s !== "unknown" && s !== "resetting") finish(s);
    };
    try {
      bleno.on("stateChange", settle);
    } catch (error) {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", abandon);
      reject(new NoBluetoothAdapterError(adapterErrorReason(error)));
      return;
    }
    settle(bleno.state); // a state emitted while the listener was being added
  }).catch((error: Error) => giveUp(error));
  if (state === "abandoned") giveUp(new Error("the start was abandoned before the adapter was ready"));
  if (state === "timeout") giveUp(new NoBluetoothAdapterError(`the adapter did not power on within ${options.startTimeoutMs ?? 10_000} ms`));
  if (state !== "poweredOn") giveUp(new NoBluetoothAdapterError(adapterStateReason(state)));

  let connection: Connection | undefined;
  let stopped = false;

  const dropIdle = (c: Connection) => {
    if (c.idle !== undefined) clearTimeout(c.idle);
    c.idle = setTimeout(() => {
      if (connection === c) bleno.disconnect();
    }, options.idleTimeoutMs);
  };
  const activity = (): Connection | undefined => {
    const c = connection;
    if (c !== undefined) dropIdle(c);
    return c;
  };
  const fail = (error: unknown) => {
    try {
      options.onError(toError(error));
    } catch {
      // a throwing error handler must not take the radio down
    }
  };

  const challenge = new bleno.Characteristic({
    uuid: CHALLENGE_CHARACTERISTIC_UUID,
    properties: ["read"],
    onReadRequest(offset, callback) {
      const c = activity();
      if (c === undefined) return callback(AttError.UNLIKELY_ERROR);
      readChallenge(service, c.session, { offset: offset, readSize: c.mtu - 1 }).then(
        (answer) => {
          if (!answer.ok) return callback(answer.refusal === "bad-length" ? AttError.INVALID_OFFSET : AttError.CHALLENGE_UNAVAILABLE);
          callback(SUCCESS, Buffer.from(answer.value));
        },
        (error) => {
          fail(error);
          callback(AttError.UNLIKELY_ERROR);
        },
      );
    },
  });

  const response = new bleno.Characteristic({
    uuid: RESPONSE_CHARACTERISTIC_UUID,
    properties: ["write"],
    onWriteRequest(data, offset, _withoutResponse, callback) {
      const c = activity();
      if (c === undefined) return callback(AttError.UNLIKELY_ERROR);
      if (offset !== 0) return callback(AttError.INVALID_OFFSET);
      writeReplyChunk(service, c.session, new Uint8Array(data)).then(
        (answer) => {
          if (!answer.ok) return callback(WRITE_REFUSALS[answer.refusal]);
          const verdict = answer.value;
          if (verdict !== undefined) {
            try {
              options.onVerdict(verdict, c.address);
            } catch (error) {
              fail(error);
            }
            if (c.notify !== undefined && connection === c) c.notify(Buffer.from([verdict.code]));
          }
          // The last chunk's Write Response leaves only once the reply is judged, so the verdict
          // read that follows always finds it.
          callback(SUCCESS);
        },
        (error) => {
          fail(error);
          callback(AttError.UNLIKELY_ERROR);
        },
      );
    },
  });

  const verdictCharacteristic = new bleno.Characteristic({
    uuid: VERDICT_CHARACTERISTIC_UUID,
    properties: ["read", "notify"],
    onReadRequest(offset, callback) {
      const c = activity();
      if (c === undefined) return callback(AttError.UNLIKELY_ERROR);
      const answer = readVerdict(c.session);
      if (!answer.ok) return callback(AttError.VERDICT_NOT_READY);
      if (offset > answer.value.length) return callback(AttError.INVALID_OFFSET);
      callback(SUCCESS, Buffer.from(answer.value.subarray(offset)));
    },
    onSubscribe(_maxValueSize, updateValueCallback) {
      const c = activity();
      if (c !== undefined) c.notify = updateValueCallback;
    },
    onUnsubscribe() {
      if (connection !== undefined) connection.notify = undefined;
    },
  });

  const closeConnection = () => {
    const c = connection;
    if (c === undefined) return;
    if (c.idle !== undefined) clearTimeout(c.idle);
    clearTimeout(c.cap);
    connection = undefined;
  };

  bleno.on("mtuChange", (mtu: number) => {
    if (connection !== undefined) connection.mtu = mtu;
  });
  bleno.on("accept", (clientAddress) => {
    closeConnection();
    const c: Connection = {
      address: clientAddress,
      mtu: 23,
      session: openVerifierSession(),
      notify: undefined,
      idle: undefined,
      cap: setTimeout(() => {
        if (connection === c) bleno.disconnect();
      }, options.maxConnectionMs ?? 10_000),
    };
    connection = c;
    dropIdle(c);
  });
  bleno.on("disconnect", () => closeConnection());

  const waitFor = (what: string, start: (done: (error?: Error | null) => void) => void, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bleno: ${what} timed out`)), ms);
      start((error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      });
    });

  const advertise = async () => {
    await waitFor("setServices", (done) => bleno.setServices([new bleno.PrimaryService({ uuid: VERIFIER_SERVICE_UUID, characteristics: [challenge, response, verdictCharacteristic] })], done));
    await waitFor("startAdvertising", (done) => {
      bleno.once("advertisingStartError", done);
      bleno.startAdvertisingWithEIRData(verifierAdvertisingData(verifierIdBytes), verifierScanResponseData(), (error) => {
        bleno.removeListener("advertisingStartError", done);
        done(error);
      });
    });
  };

  try {
    await advertise();
  } catch (error) {
    giveUp(toError(error));
  }

  // The adapter going away while serving (bleno polls it every second): say so once, and when
  // bleno reports it powered on again, set the service up and advertise again.
  let adapterUp = true;
  bleno.on("stateChange", (now: string) => {
    if (stopped || now === "unknown" || now === "resetting") return;
    if (now !== "poweredOn") {
      if (!adapterUp) return;
      adapterUp = false;
      closeConnection();
      fail(new Error(`the Bluetooth adapter went away (${adapterStateReason(now)}); waiting for it to come back`));
      return;
    }
    if (adapterUp) return;
    adapterUp = true;
    advertise().then(
      () => {
        if (!stopped) options.onAdapterBack?.();
      },
      (error: unknown) => {
        adapterUp = false;
        fail(new Error(`the Bluetooth adapter came back but the station could not advertise: ${toError(error).message}; waiting for the adapter to be reset`));
      },
    );
  });

  return {
    address: bleno.address,
    async stop() {
      if (stopped) return;
      stopped = true;
      const hadConnection = connection !== undefined;
      closeConnection();
      if (hadConnection) bleno.disconnect();
      await waitFor("stopAdvertising", (done) => bleno.stopAdvertising(() => done()), 1000).catch(() => undefined);
      bleno.removeAllListeners();
      releaseHci(bleno);
      forgetProcessHooks();
    },
  };
}
