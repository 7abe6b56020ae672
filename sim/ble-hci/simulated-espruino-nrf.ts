import type { EspruinoCentralApi, EspruinoCharacteristic, EspruinoGattServer, EspruinoScanResult } from "../../firmware/espruino/espruino-device";
import { AttCentral, uuidFromAir } from "./att-central";
import { EmulatedHciController } from "./emulated-controller";

/** A counter station within the stamp's reach, and how strong its signal is there. */
export interface StationInReach {
  controller: EmulatedHciController;
  rssi: number;
}

export interface SimulatedNrfOptions {
  /** The MTU the stamp asks for after connecting: 53 on a Puck.js (Espruino's NRF_BLE_MAX_MTU_SIZE); 23 = no exchange. */
  mtu?: number;
  /**
   * Espruino's readValue is one ATT Read (≤ MTU - 1 bytes, no Read Blob). true makes readValue
   * read long values like Web Bluetooth does (Read Blob while the response fills the MTU).
   */
  longReads?: boolean;
  /** This stamp's (static random) address. */
  address?: string;
  connectTimeoutMs?: number;
}

/** Parses advertising data as Espruino's jswrap_ble_setScan_cb does (services, serviceData, names). */
export function parseAdvertisingLikeEspruino(data: Uint8Array): { services: string[]; serviceData: { [uuid: string]: ArrayBuffer }; name?: string } {
  const services: string[] = [];
  const serviceData: { [uuid: string]: ArrayBuffer } = {};
  let name: string | undefined;
  for (let i = 0; i + 1 < data.length; ) {
    const length = data[i];
    const type = data[i + 1];
    if (length === 0 || i + 1 + length > data.length) break;
    const field = data.subarray(i + 2, i + 1 + length);
    if (type === 0x08 || type === 0x09) name = Buffer.from(field).toString("latin1");
    else if (type === 0x02 || type === 0x03) for (let j = 0; j + 1 < field.length; j += 2) services.push(uuidFromAir(field.subarray(j, j + 2)));
    else if (type === 0x06 || type === 0x07) services.push(uuidFromAir(field.subarray(0, 16)));
    else if (type === 0x16 && field.length >= 2) serviceData[uuidFromAir(field.subarray(0, 2))] = new Uint8Array(field.subarray(2)).buffer;
    else if (type === 0x21 && field.length >= 16) serviceData[uuidFromAir(field.subarray(0, 16))] = new Uint8Array(field.subarray(16)).buffer;
    i += length + 1;
  }
  return name === undefined ? { services, serviceData } : { services, serviceData, name };
}

const PROP_WRITE_WITHOUT_RESPONSE = 0x04;

/**
 * Espruino's NRF central API (findDevices, BluetoothDevice.gatt.connect, getPrimaryService,
 * getCharacteristics, readValue, writeValue, the "mtu" event) over emulated controllers: what
 * the firmware's createEspruinoBle drives in tests. Every GATT operation is real ATT over
 * HCI ACL to bleno, with the discovery procedures Espruino's bluetooth.c uses.
 */
export class SimulatedEspruinoNrf implements EspruinoCentralApi {
  readonly stations: StationInReach[] = [];
  /** Every connection this stamp made, in order (for traffic figures and tests). */
  readonly connections: AttCentral[] = [];
  readonly options: Required<SimulatedNrfOptions>;

  constructor(options: SimulatedNrfOptions = {}) {
    this.options = {
      mtu: options.mtu ?? 53,
      longReads: options.longReads ?? false,
      address: options.address ?? "d4:5e:c0:00:00:01",
      connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    };
  }

  findDevices(callback: (devices: EspruinoScanResult[]) => void, options: { timeout: number; active?: boolean }): void {
    // A station is seen if it advertised at some point of the window (sampled at both ends).
    const seen = new Set(this.stations.filter((s) => s.controller.advertising));
    setTimeout(() => {
      for (const s of this.stations) if (s.controller.advertising) seen.add(s);
      callback(this.stations.filter((s) => seen.has(s)).map((s) => this.deviceFor(s, options.active === true)));
    }, options.timeout);
  }

  private deviceFor(station: StationInReach, active: boolean): EspruinoScanResult {
    const advert = parseAdvertisingLikeEspruino(active ? Buffer.concat([station.controller.advertisingData, station.controller.scanResponseData]) : station.controller.advertisingData);
    const mtuHandlers: ((mtu: number) => void)[] = [];
    const nrf = this;
    const device: EspruinoScanResult & { services: string[] } = {
      rssi: station.rssi,
      services: advert.services,
      serviceData: advert.serviceData,
      on(_event: "mtu", handler: (mtu: number) => void) {
        mtuHandlers.push(handler);
      },
      gatt: {
        async connect(): Promise<EspruinoGattServer> {
          const central = await AttCentral.connect(station.controller, { address: nrf.options.address, connectTimeoutMs: nrf.options.connectTimeoutMs });
          nrf.connections.push(central);
          if (nrf.options.mtu > 23) {
            const mtu = await central.exchangeMtu(nrf.options.mtu);
            for (const handler of mtuHandlers) handler(mtu);
          }
          return nrf.serverFor(central);
        },
      },
    };
    return device;
  }

  private serverFor(central: AttCentral): EspruinoGattServer {
    const longReads = this.options.longReads;
    return {
      async getPrimaryService(uuid: string) {
        const services = await central.discoverPrimaryServices();
        const service = services.find((s) => s.uuid === uuid.toLowerCase());
        if (service === undefined) throw new Error("No Services found");
        return {
          async getCharacteristics(): Promise<EspruinoCharacteristic[]> {
            const found = await central.discoverCharacteristics(service);
            return found.map((c) => ({
              uuid: c.uuid,
              async readValue() {
                const value = await central.read(c.valueHandle, longReads);
                return new DataView(value.buffer, value.byteOffset, value.byteLength);
              },
              async writeValue(data: Uint8Array) {
                if (c.properties & PROP_WRITE_WITHOUT_RESPONSE) central.writeWithoutResponse(c.valueHandle, data);
                else await central.write(c.valueHandle, data);
              },
            }));
          },
        };
      },
      disconnect() {
        central.disconnect();
      },
    };
  }
}
