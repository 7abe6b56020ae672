import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fromHex, toHex } from "../../shared/hex";
import { asciiBytes } from "../../shared/bytes";
import { PAGE_SIZE } from "../../shared/nfc-mailbox-layout";
import { BASE_URL_FILE } from "../../firmware/storage-files";
import { StampRuntime } from "../../firmware/stamp-runtime";
import { bootSimulatedStamp } from "../provision";
import { SimulatedAir } from "../simulated-ble";
import { SimulatedDevice, SimulatedFlash } from "../simulated-device";
import { FrameObserver, ReaderEmulation } from "./reader-emulation";
import { VPCD_DEFAULT_PORT, VPCD_POWER_OFF, VPCD_RESET, VpcdLink } from "./vpcd-link";

/**
 * PC/SC part 3 ATR of a contactless storage card: 3B 8F 80 01 80 4F 0C, RID A0 00 00 03 06,
 * standard 03 (ISO 14443 A part 3), card name 00 03 (MIFARE Ultralight class), 4 RFU bytes,
 * TCK 68. nfc-pcsc takes byte 5 = 4F as "ISO 14443-3 tag".
 */
export const TYPE2_TAG_ATR = new Uint8Array([0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x68]);

/** What a test does to one APDU: answer it itself, or take the stamp out of the field instead. */
export type ApduIntercept = (apdu: Uint8Array, index: number) => { answer: Uint8Array } | "remove" | undefined;

export interface VirtualStampOptions {
  /** vpcd's port (reader.conf CHANNELID / DEVICENAME), 35963 by default. */
  port?: number;
  host?: string;
  /** A JSON file holding the stamp's flash (key, counter slots); created on first boot, kept up to date. */
  flashFile?: string;
  /** The base URL for phone URLs (Storage file stamp.url, as `stamp flash --phone-url` writes it),
   * put into the flash before the firmware boots. */
  phoneUrl?: string;
  log?: (line: string) => void;
}

interface FlashFile {
  format: "smart-stamp-flash/1";
  files: Record<string, string>;
}

export function loadFlash(path: string): SimulatedFlash {
  const flash: SimulatedFlash = new Map();
  if (!existsSync(path)) return flash;
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<FlashFile>;
  if (parsed.format !== "smart-stamp-flash/1" || typeof parsed.files !== "object" || parsed.files === null) throw new Error(`${path} is not a stamp flash file`);
  for (const [name, hex] of Object.entries(parsed.files)) {
    const bytes = fromHex(hex);
    if (!bytes.ok) throw new Error(`${path}: ${name}: ${bytes.error}`);
    flash.set(name, bytes.value);
  }
  return flash;
}

/** Writes the flash atomically (temporary file + rename), so a kill never leaves half a file. */
export function saveFlash(path: string, flash: SimulatedFlash): void {
  const files: Record<string, string> = {};
  for (const [name, data] of flash) files[name] = toHex(data);
  const body: FlashFile = { format: "smart-stamp-flash/1", files: files };
  writeFileSync(path + ".tmp", JSON.stringify(body, null, 1));
  renameSync(path + ".tmp", path);
}

/**
 * A stamp in a virtual reader's field: the real firmware booted on a simulated Puck.js, its NFC
 * reached through vpcd as a contactless Type 2 Tag. present() connects to vpcd (the card enters
 * the field), remove() disconnects (the field drops: the firmware gets NFCoff).
 */
export class VirtualStamp {
  readonly device: SimulatedDevice;
  readonly runtime: StampRuntime;
  readonly emulation: ReaderEmulation;
  intercept: ApduIntercept | undefined;
  /** APDUs answered during the current presence. */
  apdus = 0;
  /** remove() was called after the last present(): a re-presented tag stays out of the field. */
  private removedByOwner = false;
  private link: VpcdLink | undefined;
  private readonly port: number;
  private readonly host: string;
  private readonly log: (line: string) => void;

  constructor(options: VirtualStampOptions = {}) {
    this.port = options.port ?? VPCD_DEFAULT_PORT;
    this.host = options.host ?? "127.0.0.1";
    this.log = options.log ?? (() => {});
    const flashFile = options.flashFile;
    const flash = flashFile === undefined ? new Map<string, Uint8Array>() : loadFlash(flashFile);
    if (options.phoneUrl !== undefined) flash.set(BASE_URL_FILE, asciiBytes(options.phoneUrl));
    const booted = bootSimulatedStamp(new SimulatedAir(), flash);
    this.device = booted.device;
    this.runtime = booted.runtime;
    if (this.runtime.report.publicKey === undefined) throw new Error(`the stamp did not boot: ${this.runtime.report.fault}`);
    if (flashFile !== undefined) {
      // Every Storage write reaches the file before the firmware goes on (the counter is
      // committed before signing, so a killed process never reuses a value).
      const device = this.device;
      const write = device.writeFile.bind(device);
      device.writeFile = (name: string, data: Uint8Array): boolean => {
        const done = write(name, data);
        saveFlash(flashFile, device.flash);
        return done;
      };
      saveFlash(flashFile, device.flash);
    }
    this.emulation = new ReaderEmulation(this.device.nfc, () => this.uid());
    this.device.nfc.onRediscovered = () => {
      void this.reenter();
    };
  }


  /**
   * The firmware re-presented its tag (NRF.nfcStop/nfcStart on a Puck.js): the card leaves vpcd's
   * field and enters it again, so pcscd reports a removal and a new card to its clients.
   */
  private async reenter(): Promise<void> {
    const link = this.link;
    if (link === undefined || !link.isOpen) return;
    await link.close();
    // Unless the owner took the stamp out of the field meanwhile.
    if (!this.removedByOwner) await this.present({ press: false });
  }

  get publicKeyHex(): string {
    return toHex(this.runtime.report.publicKey ?? new Uint8Array());
  }

  get counter(): number {
    return this.runtime.stamp.counter?.last ?? 0;
  }

  get inField(): boolean {
    return this.link !== undefined && this.link.isOpen;
  }

  set frameObserver(observer: FrameObserver | undefined) {
    this.emulation.observer = observer;
  }

  /** The 7-byte UID from the tag header (pages 0-1 without BCC0), as anticollision yields it. */
  uid(): Uint8Array {
    const memory = this.runtime.mailbox.memory;
    return new Uint8Array([memory[0], memory[1], memory[2], memory[PAGE_SIZE], memory[PAGE_SIZE + 1], memory[PAGE_SIZE + 2], memory[PAGE_SIZE + 3]]);
  }

  /** Enters the reader's field: connects to vpcd (retrying while it is not up yet). Stamping
   * presses the stamp's button (user presence for the signature) unless press is false. */
  async present(options: { timeoutMs?: number; press?: boolean } = {}): Promise<void> {
    this.removedByOwner = false;
    if (this.inField) return;
    this.apdus = 0;
    if (options.press !== false) this.device.press();
    const link = await VpcdLink.open(
      {
        atr: () => TYPE2_TAG_ATR,
        control: (code) => {
          // No power, no field: the tag loses its state as when it leaves the field.
          if (code === VPCD_POWER_OFF || code === VPCD_RESET) this.device.nfc.removeFromField();
        },
        apdu: (command) => {
          const index = this.apdus++;
          const action = this.intercept === undefined ? undefined : this.intercept(command, index);
          if (action === "remove") return "drop";
          const response = action === undefined ? this.emulation.handleApdu(command) : action.answer;
          this.log(`APDU ${toHex(command)} -> ${toHex(response)}`);
          return response;
        },
      },
      this.port,
      this.host,
      options.timeoutMs ?? 5000,
    );
    this.link = link;
    void link.closed.then((by) => {
      this.device.nfc.removeFromField();
      if (this.link === link) this.link = undefined;
      this.log(by === "us" ? "left the field" : "vpcd closed the connection");
    });
    this.log(`in the field of vpcd ${this.host}:${this.port}`);
  }

  /** Leaves the field. */
  async remove(): Promise<void> {
    this.removedByOwner = true;
    const link = this.link;
    if (link === undefined) return;
    await link.close();
  }
}
