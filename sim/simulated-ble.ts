import type { BleAdvert, BleCentral, BleLink } from "../firmware/device";

/** ATT's default MTU; a write carries at most MTU - 3 bytes. */
export const DEFAULT_ATT_MTU = 23;

/** What a GATT server does with one connection. */
export interface GattConnection {
  read(characteristic: string): Promise<Uint8Array>;
  write(characteristic: string, value: Uint8Array): Promise<void>;
  disconnected(): void;
}

/** A peripheral within reach of the stamp: a counter station advertising its verifier id. */
export interface SimulatedPeripheral {
  serviceUuid: string;
  verifierId: Uint8Array;
  rssi: number;
  connect(): GattConnection;
}

/**
 * The air between a stamp and the counter stations: scanning sees the peripherals in reach,
 * writes longer than the MTU allows fail as they would on a real link, and a link can drop.
 */
export class SimulatedAir implements BleCentral {
  readonly peripherals: SimulatedPeripheral[] = [];
  private readonly links = new Set<{ drop(): void }>();

  constructor(readonly mtu: number = DEFAULT_ATT_MTU) {}

  async scan(serviceUuid: string, _durationMs: number): Promise<BleAdvert[]> {
    return this.peripherals.filter((p) => p.serviceUuid === serviceUuid).map((p) => this.advertFor(p));
  }

  /** Drops every open link, as when the stamp leaves the counter mid-tap. */
  dropAllLinks(): void {
    for (const link of [...this.links]) link.drop();
  }

  private advertFor(peripheral: SimulatedPeripheral): BleAdvert {
    return {
      rssi: peripheral.rssi,
      verifierId: peripheral.verifierId.slice(),
      connect: async () => this.open(peripheral.connect()),
    };
  }

  private open(connection: GattConnection): BleLink {
    let connected = true;
    const maxWrite = this.mtu - 3;
    const handle = {
      drop: () => {
        if (!connected) return;
        connected = false;
        this.links.delete(handle);
        connection.disconnected();
      },
    };
    this.links.add(handle);
    const ensureConnected = () => {
      if (!connected) throw new Error("BLE link disconnected");
    };
    return {
      read: async (characteristic) => {
        ensureConnected();
        return connection.read(characteristic);
      },
      write: async (characteristic, value) => {
        ensureConnected();
        if (value.length > maxWrite) throw new Error(`ATT write of ${value.length} bytes exceeds MTU ${this.mtu}`);
        return connection.write(characteristic, value);
      },
      disconnect: () => handle.drop(),
    };
  }
}
