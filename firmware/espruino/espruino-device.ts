import { BleAdvert, BleCentral, Device, NfcRadio, Signer } from "../device";

/** Through global: a bare require() would be taken for a module import by the bundler. */
export function storage(): EspruinoStorage {
  return global.require("Storage");
}

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const word = E.hwRand();
    for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
  }
  return out;
}

/** The firmware's field-lost handler, also run by restart(). */
let fieldLost: (() => void) | undefined;

const nfc: NfcRadio = {
  start: function () {
    return new Uint8Array(NRF.nfcStart());
  },
  onFrame: function (handler) {
    NRF.on("NFCrx", function (rx) {
      handler(new Uint8Array(rx));
    });
  },
  onFieldLost: function (handler) {
    fieldLost = handler;
    NRF.on("NFCoff", handler);
  },
  restart: function () {
    // Whether the NFCT reports a field loss when it is stopped is not documented: the handler is
    // run here so that the mailbox forgets a half-done exchange either way.
    NRF.nfcStop();
    if (fieldLost !== undefined) fieldLost();
    NRF.nfcStart();
  },
  send: function (frame) {
    NRF.nfcSend(frame);
  },
  sendAck: function (nibble) {
    NRF.nfcSend(nibble);
  },
  ignore: function () {
    NRF.nfcSend();
  },
};

function toBytes(view: DataView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The part of Espruino's central API (2v28+) the stamp uses; tests supply a simulated one. */
export interface EspruinoCharacteristic {
  uuid: string;
  readValue(): Promise<DataView>;
  writeValue(data: Uint8Array): Promise<void>;
}
export interface EspruinoGattServer {
  getPrimaryService(uuid: string): Promise<{ getCharacteristics(): Promise<EspruinoCharacteristic[]> }>;
  disconnect(): void;
}
export interface EspruinoScanResult {
  rssi: number;
  serviceData?: { [uuid: string]: ArrayBuffer | number[] };
  gatt: { connect(): Promise<EspruinoGattServer> };
  /** 2v28+: the negotiated ATT MTU (Espruino asks for 53 on a Puck.js right after connecting). */
  on?(event: "mtu", handler: (mtu: number) => void): void;
}
export interface EspruinoCentralApi {
  findDevices(callback: (devices: EspruinoScanResult[]) => void, options: { timeout: number; active?: boolean }): void;
}

function advertFrom(device: EspruinoScanResult, serviceUuid: string): BleAdvert | undefined {
  const data = device.serviceData && device.serviceData[serviceUuid];
  if (data === undefined) return undefined;
  return {
    rssi: device.rssi,
    verifierId: new Uint8Array(data),
    connect: function () {
      // The link exists before the connection so the "mtu" event can update it.
      let chars: EspruinoCharacteristic[] = [];
      let server: EspruinoGattServer | undefined;
      function find(uuid: string): EspruinoCharacteristic {
        for (let i = 0; i < chars.length; i++) if (chars[i].uuid.toLowerCase() === uuid) return chars[i];
        throw new Error("no " + uuid);
      }
      const link = {
        mtu: 23,
        read: function (uuid: string) {
          return find(uuid).readValue().then(toBytes);
        },
        write: function (uuid: string, value: Uint8Array) {
          return find(uuid).writeValue(value);
        },
        disconnect: function () {
          if (server !== undefined) server.disconnect();
        },
      };
      if (device.on) {
        device.on("mtu", function (mtu) {
          link.mtu = mtu;
        });
      }
      return device.gatt
        .connect()
        .then(function (connected) {
          server = connected;
          return connected.getPrimaryService(serviceUuid);
        })
        .then(function (service) {
          // One discovery of all three characteristics, not one per read or write.
          return service.getCharacteristics();
        })
        .then(function (found) {
          chars = found;
          return link;
        }, function (e) {
          link.disconnect();
          throw e;
        });
    },
  };
}

/** The stamp's BLE central over Espruino's NRF API (NRF on the Puck.js, a simulation in tests). */
export function createEspruinoBle(nrf: EspruinoCentralApi): BleCentral {
  return {
    scan: function (serviceUuid, durationMs) {
      return new Promise(function (resolve) {
        nrf.findDevices(function (devices) {
          const adverts: BleAdvert[] = [];
          for (let i = 0; i < devices.length; i++) {
            const advert = advertFrom(devices[i], serviceUuid);
            if (advert !== undefined) adverts.push(advert);
          }
          resolve(adverts);
        }, { timeout: durationMs, active: false });
      });
    },
  };
}

/** The Puck.js behind the Device interface: Espruino globals and nothing else. */
export function createEspruinoDevice(signer: Signer): Device {
  return {
    randomBytes: randomBytes,
    readFile: function (name) {
      const buffer = storage().readArrayBuffer(name);
      return buffer === undefined ? undefined : new Uint8Array(buffer);
    },
    writeFile: function (name, data) {
      return storage().write(name, data);
    },
    setLeds: function (red, green, blue) {
      LED1.write(red);
      LED2.write(green);
      LED3.write(blue);
    },
    onButtonPress: function (handler) {
      setWatch(handler, BTN, { repeat: true, edge: "rising", debounce: 50 });
    },
    now: function () {
      return getTime() * 1000;
    },
    setTimer: function (handler, delayMs) {
      return setTimeout(handler, delayMs);
    },
    clearTimer: function (handle) {
      clearTimeout(handle);
    },
    signer: signer,
    nfc: nfc,
    ble: createEspruinoBle(NRF as unknown as EspruinoCentralApi),
  };
}
