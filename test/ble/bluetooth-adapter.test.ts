/**
 * Whether there is a Bluetooth adapter (host/ble/bluetooth-adapter.ts), asked through the HCI
 * socket of an emulated controller in each state, and which console ports are Bluetooth LE ones:
 * `stamp flash --ble` checks the adapter before it lets noble scan for a BLE port.
 */
import { describe, expect, it } from "vitest";
import { bluetoothAdapterProblem, HciSocketClass } from "../../host/ble/bluetooth-adapter";
import { isBluetoothPort } from "../../host/flashing/espruino-link";
import { ControllerOptions, EmulatedHciController } from "../../sim/ble-hci/emulated-controller";
import { hciSocketClassFor } from "../../sim/ble-hci/hci-socket-substitute";

function socketFor(adapter: ControllerOptions["adapter"]): () => HciSocketClass {
  return () => hciSocketClassFor(new EmulatedHciController({ adapter: adapter }));
}

describe("is there a Bluetooth adapter?", () => {
  it("says why not: no Bluetooth in the kernel, no adapter, or every adapter down; nothing when one is up", () => {
    expect(bluetoothAdapterProblem(socketFor("no-kernel-support"))?.message).toMatch(/^no Bluetooth adapter: this kernel has no Bluetooth support \(EAFNOSUPPORT/);
    expect(bluetoothAdapterProblem(socketFor("no-device"))?.message).toMatch(/^no Bluetooth adapter: no HCI device found/);
    expect(bluetoothAdapterProblem(socketFor("down"))?.message).toMatch(/^no Bluetooth adapter: the adapter is powered off or down/);
    expect(bluetoothAdapterProblem(socketFor("present"))).toBeUndefined();
  });

  it("knows a Bluetooth LE port (an address or a name) from tcp:// and serial devices", () => {
    for (const port of ["c0:ff:ee:00:00:01", "Puck.js a1b2"]) expect(isBluetoothPort(port), port).toBe(true);
    for (const port of ["tcp://127.0.0.1:23230", "/dev/ttyACM0", "COM3"]) expect(isBluetoothPort(port), port).toBe(false);
  });
});
