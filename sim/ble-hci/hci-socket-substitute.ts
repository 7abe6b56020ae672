import { EventEmitter } from "node:events";
import Module, { createRequire } from "node:module";
import { dirname, sep } from "node:path";
import { EmulatedHciController } from "./emulated-controller";

type Bleno = typeof import("@abandonware/bleno");

function errnoError(code: string, errno: number, syscall: string, text: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}, ${text}`);
  error.code = code;
  error.errno = errno;
  error.syscall = syscall;
  return error;
}

/**
 * What @abandonware/bluetooth-hci-socket exports, for one emulated controller: the methods
 * and events bleno's lib/hci-socket/hci.js uses (bindRaw, bindUser, start, stop, isDevUp,
 * setFilter, write, on("data"), on("error")), plus getDeviceList for completeness. Failures are
 * the ones the native module reports: EAFNOSUPPORT from the constructor (no Bluetooth in the
 * kernel) and ENODEV from bind (no adapter).
 */
export function hciSocketClassFor(controller: EmulatedHciController) {
  return class EmulatedHciSocket extends EventEmitter {
    private bound = false;
    /** The management channel (bleno's mgmt.js, used only to load pairing keys): never the HCI host. */
    private control = false;
    constructor() {
      super();
      if (controller.options.adapter === "no-kernel-support") throw errnoError("EAFNOSUPPORT", 97, "socket", "Address family not supported by protocol");
    }
    bindRaw(devId?: number): number {
      return this.bind(devId);
    }
    bindUser(devId?: number): number {
      return this.bind(devId);
    }
    bindControl(): void {
      this.control = true;
    }
    private bind(devId?: number): number {
      if (controller.options.adapter === "no-device" || (devId !== undefined && devId !== 0)) throw errnoError("ENODEV", 19, "bind", "No such device");
      this.bound = true;
      return 0;
    }
    getDeviceList(): { devId: number; devUp: boolean; idVendor: null; idProduct: null; busNumber: null; deviceAddress: null }[] {
      if (controller.options.adapter === "no-device") return [];
      return [{ devId: 0, devUp: controller.options.adapter === "present", idVendor: null, idProduct: null, busNumber: null, deviceAddress: null }];
    }
    isDevUp(): boolean {
      return this.bound && controller.options.adapter === "present";
    }
    setFilter(filter: Buffer): void {
      if (filter.length !== 16 && filter.length !== 14) this.emit("error", new Error("bad filter"));
    }
    start(): void {
      if (this.control) return;
      if (!this.bound) throw new Error("start before bind");
      controller.attachHost((packet) => this.emit("data", packet));
    }
    stop(): void {
      if (!this.control) controller.detachHost();
    }
    write(data: Buffer): void {
      if (this.control) return;
      if (controller.options.adapter !== "present") {
        this.emit("error", errnoError("ENETDOWN", 100, "write", "Network is down"));
        return;
      }
      controller.fromHost(Buffer.from(data));
    }
    cleanup(): void {}
  };
}

const nodeRequire = createRequire(import.meta.url);

interface CachedModule {
  id: string;
  filename: string;
  loaded: boolean;
  exports: unknown;
}

/**
 * Loads a fresh copy of bleno (its bindings are a process-wide singleton, so each station in a
 * test gets its own) whose require("@abandonware/bluetooth-hci-socket") returns the emulated
 * socket for this controller. Module substitution through Node's require cache: bleno's code
 * is the installed package, unchanged. The cache is restored afterwards, so code loading bleno
 * later gets the real package again.
 */
export function loadBlenoOver(controller: EmulatedHciController): Bleno {
  const blenoMain = nodeRequire.resolve("@abandonware/bleno");
  const blenoDir = dirname(blenoMain) + sep;
  const socketPath = createRequire(blenoMain).resolve("@abandonware/bluetooth-hci-socket");
  const cache = nodeRequire.cache as Record<string, CachedModule | undefined>;
  const forgetBleno = () => {
    for (const key of Object.keys(cache)) if (key.startsWith(blenoDir) && !key.includes(`${sep}node_modules${sep}`, blenoDir.length)) delete cache[key];
  };
  const saved = cache[socketPath];
  forgetBleno();
  const substitute = new Module(socketPath) as unknown as CachedModule;
  substitute.filename = socketPath;
  substitute.loaded = true;
  substitute.exports = hciSocketClassFor(controller);
  cache[socketPath] = substitute;
  try {
    return nodeRequire(blenoMain) as Bleno;
  } finally {
    if (saved !== undefined) cache[socketPath] = saved;
    else delete cache[socketPath];
    forgetBleno();
  }
}
