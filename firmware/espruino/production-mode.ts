/**
 * Production mode (R1): after provisioning nobody can reach the JavaScript console. The stamp
 * drops the Nordic UART service (the Bluetooth console), stops advertising as a connectable
 * peripheral (it only ever acts as a central when pressed), and detaches the console from every
 * device. Call once at boot, after the key exists, on a locked stamp.
 */
export function enterProductionMode(): void {
  NRF.setServices(undefined, { uart: false });
  NRF.setAdvertising({}, { connectable: false, scannable: false, discoverable: false });
  E.setConsole(null, { force: true });
}
