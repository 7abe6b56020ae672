import { BleAdvert, BleCentral, Device, NfcRadio, Signer } from "../device";

/** Through global: a bare require() would be taken for a module import by the bundler. */
function storage(): EspruinoStorage {
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
    NRF.on("NFCoff", handler);
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

function advertFrom(device: EspruinoBluetoothDevice, serviceUuid: string): BleAdvert | undefined {
  const data = device.serviceData && device.serviceData[serviceUuid];
  if (data === undefined) return undefined;
  return {
    rssi: device.rssi,
    verifierId: new Uint8Array(data),
    connect: function () {
      return device.gatt.connect().then(function (server) {
        return server.getPrimaryService(serviceUuid).then(function (service) {
          return {
            read: function (uuid: string) {
              return service.getCharacteristic(uuid).then(function (c) {
                return c.readValue();
              }).then(toBytes);
            },
            write: function (uuid: string, value: Uint8Array) {
              return service.getCharacteristic(uuid).then(function (c) {
                return c.writeValue(value);
              });
            },
            disconnect: function () {
              server.disconnect();
            },
          };
        });
      });
    },
  };
}

const ble: BleCentral = {
  scan: function (serviceUuid, durationMs) {
    return new Promise(function (resolve) {
      NRF.findDevices(function (devices) {
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
    ble: ble,
  };
}
