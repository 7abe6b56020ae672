/**
 * A Puck-like Linux Espruino as a device on the network: socat listens on a free local port and
 * starts the Espruino binary (or qemu-arm with the ARM build) for each connection, with its
 * working directory (and so its espruino.flash) in a temporary directory. A connection is a
 * power-on; closing it is a power-off; the flash file persists between them.
 *
 * Two ways to power on besides the plain one:
 *  - with the button held: on a Puck.js, BTN1 held at power-on makes Espruino skip all boot code
 *    (`jsiInit(false)` in targets/nrf5x/main.c). The Linux build does exactly that when it is
 *    given a script file, so the bridge runs a keep-alive script instead of booting from flash;
 *  - resettable: the serial link stays up while the device restarts, as on a USB-serial adapter;
 *    `reset()` kills the running Espruino and a loop starts it again on the same terminal.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey, createHash, sign as edSign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openConsoleLink } from "../../host/flashing/espruino-link";
import { StationConsole } from "../../host/flashing/station-console";
import { provisioningMessage } from "../../shared/provisioning-message";

export interface DeviceKind {
  label: string;
  /** The command socat runs. */
  exec: string;
  holdMs: number;
  timeoutMs: number;
  native: boolean;
}

export function deviceKinds(env: NodeJS.ProcessEnv = process.env): { x86?: DeviceKind; arm?: DeviceKind; missing: string[] } {
  const missing: string[] = [];
  const hasSocat = spawnSync("socat", ["-V"]).status === 0;
  if (!hasSocat) missing.push("socat is not installed");
  const out: { x86?: DeviceKind; arm?: DeviceKind; missing: string[] } = { missing };
  if (!env.ESPRUINO_BIN) missing.push("ESPRUINO_BIN is not set");
  if (hasSocat && env.ESPRUINO_BIN) out.x86 = { label: "x86_64", exec: resolve(env.ESPRUINO_BIN), holdMs: 150, timeoutMs: 10_000, native: false };
  if (hasSocat && env.ESPRUINO_ARM_BIN) {
    out.arm = { label: "armhf under qemu-arm", exec: (env.QEMU_ARM || "qemu-arm") + " " + resolve(env.ESPRUINO_ARM_BIN), holdMs: 4_000, timeoutMs: 60_000, native: true };
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface PowerOn {
  /** Boot without running boot code (Storage untouched), as a Puck.js powered on with its button held. */
  buttonHeld?: boolean;
  /** The link survives a device restart; reset() restarts the device. */
  resettable?: boolean;
}

/** The command socat runs for one power-on. */
function powerCommand(kind: DeviceKind, dir: string, power: PowerOn): string {
  let device = kind.exec;
  if (power.buttonHeld === true) {
    // A script keeps the Linux build's main loop running (it stops when no timer is left).
    writeFileSync(join(dir, "button-held.js"), "setInterval(function(){},3600000);\n");
    device += " " + join(dir, "button-held.js");
  }
  if (power.resettable !== true) return device;
  // A background job of a non-interactive shell gets /dev/null as stdin; fd 3 keeps the terminal.
  writeFileSync(
    join(dir, "power.sh"),
    "#!/bin/sh\nexec 3<&0\ntrap 'kill $(cat device.pid) 2>/dev/null; exit 0' TERM HUP\n" +
      "while :; do " + device + " <&3 & echo $! > device.pid; wait $!; done\n",
    { mode: 0o755 },
  );
  return join(dir, "power.sh");
}

export class DeviceBridge {
  private constructor(
    readonly kind: DeviceKind,
    readonly dir: string,
    readonly port: string,
    private socat: ChildProcess,
  ) {}

  static async start(kind: DeviceKind, dir = mkdtempSync(join(tmpdir(), "stamp-flash-")), power: PowerOn = {}): Promise<DeviceBridge> {
    const port = await freePort();
    const socat = spawn("socat", ["-d", "-d", `TCP-LISTEN:${port},reuseaddr,fork,bind=127.0.0.1`, `EXEC:${powerCommand(kind, dir, power)},pty,raw,echo=0,stderr`], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    await new Promise<void>((ready, fail) => {
      let text = "";
      const timer = setTimeout(() => fail(new Error("socat did not start listening: " + text)), 5_000);
      socat.stderr?.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (/listening on/.test(text)) {
          clearTimeout(timer);
          ready();
        }
      });
      socat.once("exit", () => fail(new Error("socat exited: " + text)));
    });
    const bridge = new DeviceBridge(kind, dir, `tcp://127.0.0.1:${port}`, socat);
    // Kept (the last few kB) so that a lost link can be explained: socat -d -d logs each
    // connection and how its device process ended.
    socat.stderr?.on("data", (chunk: Buffer) => {
      bridge.socatLog = (bridge.socatLog + chunk.toString()).slice(-4096);
    });
    return bridge;
  }

  /** The end of socat's log: connections, and how each device process exited. */
  socatLog = "";

  /** The same device (its flash) behind a new bridge, powered on another way; this bridge stops. */
  async repower(power: PowerOn): Promise<DeviceBridge> {
    this.kill();
    return DeviceBridge.start(this.kind, this.dir, power);
  }

  /** A resettable device restarts now (a brown-out), its link stays up. */
  reset(): void {
    process.kill(Number(readFileSync(join(this.dir, "device.pid"), "utf8").trim()), "SIGKILL");
  }

  /** Kills socat and every device process it started (its process group): the device is gone. */
  kill(): void {
    if (this.socat.pid !== undefined && this.socat.exitCode === null) {
      try {
        process.kill(-this.socat.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }

  /** Stops the bridge and removes the device's flash. */
  remove(): void {
    this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Power on, write Storage files through the console, power off (what the test rig adds to a Puck.js). */
  async writeFiles(files: { name: string; content: string }[]): Promise<void> {
    await this.withConsole(this.kind.timeoutMs, async (console) => {
      if (!(await console.start(this.kind.timeoutMs))) throw new Error("the device console did not answer");
      for (const file of files) {
        const data = Buffer.from(file.content, "latin1");
        for (let offset = 0; offset < data.length; offset += 240) {
          const piece = `atob("${data.subarray(offset, offset + 240).toString("base64")}")`;
          const call = offset === 0 ? `require("Storage").write(${JSON.stringify(file.name)},${piece},0,${data.length})` : `require("Storage").write(${JSON.stringify(file.name)},${piece},${offset})`;
          if ((await console.evaluate(call)) !== true) throw new Error("could not write " + file.name);
        }
      }
    });
  }

  /** Power on and ask whether the console answers at all within `ms`. */
  async consoleAnswers(ms: number): Promise<boolean> {
    return this.withConsole(ms, (console) => console.start(ms, 2));
  }

  /** Power on, evaluate one expression on the console, power off. */
  async evaluate(expression: string): Promise<unknown> {
    return this.withConsole(this.kind.timeoutMs, async (console) => {
      if (!(await console.start(this.kind.timeoutMs))) throw new Error("the device console did not answer");
      return console.evaluate(expression);
    });
  }

  private async withConsole<T>(ms: number, work: (console: StationConsole) => Promise<T>): Promise<T> {
    const link = await openConsoleLink(this.port);
    const console = new StationConsole(link, { holdMs: this.kind.holdMs, timeoutMs: ms });
    try {
      return await work(console);
    } finally {
      await link.close();
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/**
 * What a Linux Espruino lacks of a Puck.js: radio, LEDs, button, a main loop that never ends, and
 * a hardware RNG (xorshift seeded per device and per boot, so a factory-reset stamp makes a new
 * key). The radio stubs record what production mode asked of the Bluetooth stack in Storage
 * `rig.radio`, for the rig to read after a locked stamp's console has closed.
 */
function radioPrelude(rngSeed: number): string {
  return (
    "global.NRF={setServices:function(s,o){require(\"Storage\").writeJSON(\"rig.radio\",{uart:o&&o.uart});}," +
    "setAdvertising:function(d,o){var r=require(\"Storage\").readJSON(\"rig.radio\",1)||{};r.connectable=o&&o.connectable;require(\"Storage\").writeJSON(\"rig.radio\",r);}," +
    "nfcStart:function(){return new Uint8Array(10).buffer;},nfcSend:function(){},on:function(){}," +
    "findDevices:function(c,o){setTimeout(function(){c([]);},o.timeout);}};" +
    "global.LED1=global.LED2=global.LED3={write:function(){}};global.BTN={};global.setWatch=function(){};setInterval(function(){},3600000);" +
    "(function(){var x=(" + (rngSeed >>> 0 || 1) + "^Math.floor(getTime()*1000))>>>0||1;E.hwRand=function(){x^=x<<13;x^=x>>>17;x^=x<<5;return x>>>0;};})();"
  );
}

/** Makes the device report another Espruino version (what the station reads of an older firmware). */
export function versionPrelude(version: string): string {
  return "process.version=" + JSON.stringify(version) + ";";
}

/** An Ed25519 key made on the host for the x86 test signer (the x86 build cannot run the native blob). */
export function testKey(seedByte: number): { seed: Buffer; publicKey: Buffer } {
  const seed = createHash("sha256").update("flash-test-key-" + seedByte).digest();
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(key).export({ format: "der", type: "spki" }).subarray(12);
  return { seed, publicKey };
}

export function testPrivateKey(seedByte: number): ReturnType<typeof createPrivateKey> {
  return createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), testKey(seedByte).seed]), format: "der", type: "pkcs8" });
}

/**
 * The x86 test signer: publicKey() returns this device's key; sign() returns the signature the
 * rig handed it just before STAMP.prove (`STAMP_SIGNER.x = [SHA-256 of the expected message,
 * signature]`, see rigBeforeProve) for exactly that message, recognised by its SHA-256, and 64
 * zero bytes for anything else.
 */
function testSignerPrelude(seedByte: number): string {
  return (
    "global.STAMP_SIGNER={publicKey:function(s){return E.toUint8Array(atob(\"" + testKey(seedByte).publicKey.toString("base64") + "\"));}," +
    "sign:function(s,p,m){var x=STAMP_SIGNER.x;return x&&btoa(require(\"crypto\").SHA256(E.toString(m)))==x[0]?E.toUint8Array(atob(x[1])):new Uint8Array(64);}};"
  );
}

export interface RigDevice {
  rngSeed: number;
  /** x86 only: the test signer holds testKey(keyNumber). */
  keyNumber: number;
  /** More prelude (e.g. versionPrelude). */
  extra?: string;
}

/** The rig's `.boot0` for one device: radioPrelude, and on x86 (no native signer) the test signer. */
export function rigPrelude(kind: DeviceKind, device: RigDevice): string {
  const prelude = radioPrelude(device.rngSeed) + (device.extra ?? "");
  return kind.native ? prelude : prelude + testSignerPrelude(device.keyNumber);
}

/**
 * x86 only (undefined on ARM, whose native signer needs no help): the station's rigBeforeProve.
 * Given the host's challenge, the rig signs the provisioning message with testKey(keyNumber) on
 * the host (node:crypto) and hands the test signer that one signature through the console;
 * `corrupt` flips a bit of it.
 */
export function rigBeforeProve(kind: DeviceKind, device: { keyNumber: number; firmwareHash: string; corrupt?: boolean }): ((challenge: Uint8Array) => string) | undefined {
  if (kind.native) return undefined;
  return (challenge) => {
    const message = provisioningMessage(challenge, testKey(device.keyNumber).publicKey, Buffer.from(device.firmwareHash, "hex"));
    if (message === undefined) throw new Error("bad provisioning message for the test signer");
    const signature = edSign(null, message, testPrivateKey(device.keyNumber));
    if (device.corrupt === true) signature[10] ^= 0x01;
    const digest = createHash("sha256").update(message).digest("base64");
    return "(STAMP_SIGNER.x=[" + JSON.stringify(digest) + "," + JSON.stringify(signature.toString("base64")) + "],true)";
  };
}
