/**
 * Whether this machine has a Bluetooth adapter, and the words for why not. bleno (the BLE
 * counter station) and noble (the flashing station's BLE ports) both reach the adapter through
 * an HCI socket of @abandonware/bluetooth-hci-socket; bluetoothAdapterProblem asks the same way.
 */
import { createRequire } from "node:module";

/** "There is no usable adapter here", with the reason. */
export class NoBluetoothAdapterError extends Error {
  constructor(detail: string) {
    super(`no Bluetooth adapter: ${detail}`);
    this.name = "NoBluetoothAdapterError";
  }
}

/** Why opening or binding an HCI socket failed, in words. */
export function adapterErrorReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const message = error instanceof Error ? error.message : String(error);
  if (e.code === "EAFNOSUPPORT") return `this kernel has no Bluetooth support (${message})`;
  if (e.code === "ENODEV") return `no HCI device found (${message}); check \`hciconfig\` / BLENO_HCI_DEVICE_ID`;
  if (e.code === "EPERM" || e.code === "EACCES") return `not permitted to open the HCI socket (${message}); run as root or give node cap_net_raw,cap_net_admin`;
  return message;
}

/** What an adapter state other than poweredOn (bleno's and noble's names) means, in words. */
export function adapterStateReason(state: string): string {
  if (state === "poweredOff") return "the adapter is powered off or down (try `sudo hciconfig hci0 up`, and stop bluetoothd if it holds the device)";
  if (state === "unsupported") return "the adapter does not support Bluetooth Low Energy (HCI version below 4.0)";
  if (state === "unauthorized") return "not permitted to use the adapter; run as root or give node cap_net_raw,cap_net_admin";
  return `adapter state ${state}`;
}

/** The part of bluetooth-hci-socket's socket this check uses. */
interface HciSocket {
  getDeviceList(): { devId: number; devUp: boolean }[];
}

export type HciSocketClass = new () => HciSocket;

function loadInstalledHciSocket(): HciSocketClass {
  return createRequire(import.meta.url)("@abandonware/bluetooth-hci-socket") as HciSocketClass;
}

/**
 * Undefined when an HCI adapter is up; else why not: no Bluetooth in the kernel, no adapter, or
 * every adapter down. Takes a moment, binds nothing, and leaves the adapter as it was.
 */
export function bluetoothAdapterProblem(loadHciSocket: () => HciSocketClass = loadInstalledHciSocket): NoBluetoothAdapterError | undefined {
  let devices: { devUp: boolean }[];
  try {
    devices = new (loadHciSocket())().getDeviceList();
  } catch (error) {
    return new NoBluetoothAdapterError(adapterErrorReason(error));
  }
  if (devices.length === 0) return new NoBluetoothAdapterError("no HCI device found (check `hciconfig`)");
  if (!devices.some((device) => device.devUp)) return new NoBluetoothAdapterError(adapterStateReason("poweredOff"));
  return undefined;
}
