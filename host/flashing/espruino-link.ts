/**
 * The byte link to a stamp's console through espruino-tools (npm package `espruino`): the same
 * transport layer the Espruino Web IDE and `espruino` CLI use, over BLE (noble), serial or
 * `tcp://host:port`. Only its connection layer is used (Espruino.Core.Serial): the station
 * speaks its own line protocol on top (station-console.ts).
 *
 * espruino-tools is a process-wide singleton (a global `Espruino`): one link at a time.
 */
import { createRequire } from "node:module";
import { bluetoothAdapterProblem } from "../ble/bluetooth-adapter";

/** The part of espruino-tools' global `Espruino` the station uses. */
interface EspruinoTools {
  Config: Record<string, unknown>;
  Core: {
    Serial: {
      open(port: string, connected: (info: unknown) => void, disconnected: () => void): void;
      startListening(listener: (data: ArrayBuffer) => void): unknown;
      write(data: string, showStatus: boolean, callback?: () => void): void;
      close(): void;
      isConnected(): boolean;
      setSlowWrite(on: boolean, force?: boolean): void;
    };
  };
}

interface EspruinoToolsModule {
  init(callback: () => void): void;
}

export interface LinkOptions {
  /** Allow BLE (noble); off by default: on a machine without D-Bus/HCI it only gets in the way. */
  ble?: boolean;
  /** How long to wait for the connection to open. */
  connectTimeoutMs?: number;
  /** Where espruino-tools' own chatter goes (default: dropped). */
  log?: (line: string) => void;
}

/** An open console link: raw bytes both ways. */
export interface ConsoleLink {
  readonly port: string;
  write(data: string): Promise<void>;
  onData(listener: (text: string) => void): void;
  /** Resolves when the link is gone (closed by us or lost). */
  readonly closed: Promise<void>;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

export class LinkError extends Error {}

let tools: EspruinoTools | undefined;
let linkOpen = false;

/** espruino-tools prints a line for every file it loads and every state change: keep it out of our output. */
async function quietly<T>(log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  const sink = (...args: unknown[]): void => log(args.map(String).join(" "));
  console.log = sink;
  console.warn = sink;
  console.error = sink;
  console.info = sink;
  try {
    return await work();
  } finally {
    console.log = saved.log;
    console.warn = saved.warn;
    console.error = saved.error;
    console.info = saved.info;
  }
}

/**
 * espruino-tools' connection also logs from its own timers ("serial: Sending …", "serial:
 * Disconnected"), outside any call of ours: while a link is open, those lines go to `log`.
 * Everything else on the console passes through. Returns the function that undoes it.
 */
function divertConnectionChatter(log: (line: string) => void): () => void {
  const saved = console.log;
  console.log = (...args: unknown[]): void => {
    if (typeof args[0] === "string" && args[0].startsWith("serial:")) log(args.map(String).join(" "));
    else saved(...args);
  };
  let restored = false;
  return () => {
    if (!restored) console.log = saved;
    restored = true;
  };
}

async function loadTools(log: (line: string) => void): Promise<EspruinoTools> {
  if (tools !== undefined) return tools;
  const espruino = createRequire(import.meta.url)("espruino") as EspruinoToolsModule;
  await quietly(log, () => new Promise<void>((resolve) => espruino.init(resolve)));
  const loaded = (globalThis as unknown as { Espruino?: EspruinoTools }).Espruino;
  if (loaded === undefined) throw new LinkError("espruino-tools did not initialise");
  tools = loaded;
  return loaded;
}

/** A port espruino-tools would look for over Bluetooth LE: neither tcp:// nor a serial device. */
export function isBluetoothPort(port: string): boolean {
  return !port.startsWith("tcp://") && !port.startsWith("/") && !/^COM\d+$/i.test(port);
}

/**
 * Opens the console of the Espruino at `port` ("tcp://127.0.0.1:23230", "/dev/ttyACM0", or a BLE
 * address/name with `ble: true`). Fails with LinkError("no device ...") when nothing answers, and
 * with LinkError("no Bluetooth adapter ...") for a BLE port on a machine without one: noble would
 * only scan in vain and the stamp would seem out of range.
 */
export async function openConsoleLink(port: string, options: LinkOptions = {}): Promise<ConsoleLink> {
  const log = options.log ?? (() => undefined);
  if (linkOpen) throw new LinkError("espruino-tools holds one connection at a time, and one is open");
  if (options.ble === true && isBluetoothPort(port)) {
    const problem = bluetoothAdapterProblem();
    if (problem !== undefined) throw new LinkError(`${problem.message}; ${port} is a Bluetooth LE port: flash over a serial device or tcp://host:port instead`);
  }
  const espruino = await loadTools(log);
  const config = espruino.Config;
  config.BLUETOOTH_LOW_ENERGY = options.ble === true; // the CLI's --no-ble
  config.BLUETOOTH_LOW_ENERGY_DBUS = false;
  config.ENV_ON_CONNECT = false; // no process.env query of its own on our console
  config.SET_TIME_ON_WRITE = false;
  config.SERIAL_THROTTLE_SEND = 2; // never throttle: our protocol waits for each answer itself
  config.STORAGE_UPLOAD_METHOD = 1; // no extra delay after lines that look like Storage writes
  config.SERIAL_FLOW_CONTROL = true;
  if (port.startsWith("tcp://")) config.SERIAL_TCPIP = [port];
  const serial = espruino.Core.Serial;

  const listeners: ((text: string) => void)[] = [];
  let open = false;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  serial.startListening((data) => {
    const text = Buffer.from(data).toString("latin1");
    for (const listener of listeners) listener(text);
  });
  linkOpen = true;
  const restoreConsole = divertConnectionChatter(log);
  const connected = await quietly(
    log,
    () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), options.connectTimeoutMs ?? 5_000);
        serial.open(
          port,
          (info) => {
            clearTimeout(timer);
            resolve(info !== undefined && info !== null && !(info instanceof Error));
          },
          () => {
            open = false;
            linkOpen = false;
            restoreConsole();
            resolveClosed();
          },
        );
      }),
  );
  if (!connected) {
    linkOpen = false;
    if (serial.isConnected()) serial.close();
    restoreConsole();
    resolveClosed();
    throw new LinkError(`no device at ${port}: the connection did not open (is the stamp powered, in range, and the port right?)`);
  }
  open = true;
  serial.setSlowWrite(false, true);
  return {
    port: port,
    get isOpen() {
      return open;
    },
    closed: closed,
    onData: (listener) => {
      listeners.push(listener);
    },
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        if (!open) {
          reject(new LinkError("the connection to " + port + " is closed"));
          return;
        }
        // Serial.write queues the data (its callback only fires for long writes with a status bar).
        serial.write(data, false);
        resolve();
      }),
    close: async () => {
      if (open) {
        open = false;
        serial.close();
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      }
      linkOpen = false;
      restoreConsole();
      resolveClosed();
    },
  };
}
