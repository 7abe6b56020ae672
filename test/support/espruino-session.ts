/**
 * Drives the Puck.js-like Linux Espruino (../shared/tools, see its README) from Node.
 *
 * The binary runs with no script argument, so its console reads JavaScript from stdin, one
 * line at a time; Storage lives in ./espruino.flash of its working directory and at start it
 * runs the Storage files `.boot0` and `.bootcde` from there (function code stays in flash, as
 * on a Puck.js). A session sends one command line, waits for that line's own result marker,
 * and only then sends the next: the console's 1 KB receive buffer is never flooded, and what
 * was uploaded is read back and hashed inside Espruino to prove nothing was dropped.
 *
 * The same session runs the ARM build under qemu-arm: stdin stays open until `quit()` (an EOF
 * floods the console), results are judged by printed markers only, never by the exit status.
 *
 * The second half of this file is the stamp rig: the test prelude (stub radio, LEDs, button
 * and a recording test signer, all tiny ES5 that runs inside Espruino) and the host-side
 * mirror of that signer.
 */
import { spawn, ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseConsoleResult } from "../../host/flashing/console-result";
import { consoleRingFill, MAX_LINE } from "../../host/flashing/station-console";

/** How to start one Espruino process. */
export interface EspruinoLauncher {
  /** Short name for messages: "x86_64", "armhf under qemu-arm". */
  label: string;
  /** The program: the x86 binary itself, or the emulator (e.g. "qemu-arm"). */
  command: string;
  /** Arguments; never a script (the console must read stdin). For qemu: [armBinary]. */
  args: string[];
  /** How long one command may take before the session is killed. */
  commandTimeoutMs: number;
  /** How long start-up (including running the boot files) may take. */
  startTimeoutMs: number;
  /** After printing a result, Espruino holds its main loop this long (at most) for the next line. */
  holdMaxMs: number;
}

export function x86Launcher(binary: string): EspruinoLauncher {
  return { label: "x86_64", command: binary, args: [], commandTimeoutMs: 10_000, startTimeoutMs: 10_000, holdMaxMs: 150 };
}

/** The ARM build: `qemu-arm <binary>` (Debian qemu-user); much slower, so longer timeouts. */
export function qemuArmLauncher(binary: string, emulator = "qemu-arm"): EspruinoLauncher {
  return {
    label: "armhf under " + emulator,
    command: emulator,
    args: [binary],
    commandTimeoutMs: 60_000,
    startTimeoutMs: 60_000,
    holdMaxMs: 1_000,
  };
}

/**
 * Launchers configured through ESPRUINO_BIN (x86_64) and ESPRUINO_ARM_BIN (armhf, run with
 * qemu-arm, or QEMU_ARM). Relative paths are taken from the current directory: each Espruino
 * process runs in its own temporary directory.
 */
export function launchersFromEnv(env: NodeJS.ProcessEnv = process.env): { x86?: EspruinoLauncher; arm?: EspruinoLauncher } {
  const out: { x86?: EspruinoLauncher; arm?: EspruinoLauncher } = {};
  const x86 = env.ESPRUINO_BIN;
  if (x86 !== undefined && x86 !== "") out.x86 = x86Launcher(resolve(x86));
  const arm = env.ESPRUINO_ARM_BIN;
  if (arm !== undefined && arm !== "") out.arm = qemuArmLauncher(resolve(arm), env.QEMU_ARM !== undefined && env.QEMU_ARM !== "" ? env.QEMU_ARM : "qemu-arm");
  return out;
}

/**
 * The longest command line sent (the station's limit): the stdin thread reads while the 1 KB ring
 * is under half full (511 bytes, counting a 2-byte header per 64 characters), so such a line
 * arrives in one burst.
 */
export { MAX_LINE } from "../../host/flashing/station-console";
/** Console lines that mean something went wrong inside Espruino, whatever the command said. */
const PROBLEM_LINE = /Uncaught|ERROR|Out of Memory|Execution Interrupted|Prompt not detected/i;

interface Pending {
  id: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class EspruinoError extends Error {}

/** One running Espruino process with its console on our pipes. */
export class EspruinoSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly launcher: EspruinoLauncher;
  private output = "";
  private partialLine = "";
  private readonly lines: string[] = [];
  private nextId = 1;
  private pending: Pending | undefined;
  private exited: Promise<number | null>;
  private hasExited = false;
  private exitCode: number | null = null;

  private constructor(launcher: EspruinoLauncher, cwd: string) {
    this.launcher = launcher;
    this.child = spawn(launcher.command, launcher.args, { cwd: cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("latin1");
    this.child.stderr.setEncoding("latin1");
    this.child.stdout.on("data", (chunk: string) => this.onOutput(chunk));
    // stderr carries the Linux port's own diagnostics ("espruino: Interactive mode."); keep them.
    this.child.stderr.on("data", (chunk: string) => {
      this.output += chunk;
    });
    this.child.stdin.on("error", () => {
      /* the process went away; the exit handler reports it */
    });
    this.exited = new Promise((resolve) => {
      this.child.on("error", (error) => {
        this.output += "\n[spawn error: " + error.message + "]\n";
        this.onExit(null);
        resolve(null);
      });
      this.child.on("exit", (code) => {
        this.onExit(code);
        resolve(code);
      });
    });
  }

  /** Starts Espruino in `cwd` (its flash file is `cwd/espruino.flash`) and waits until its console answers. */
  static async open(launcher: EspruinoLauncher, cwd: string): Promise<EspruinoSession> {
    const session = new EspruinoSession(launcher, cwd);
    try {
      await session.greet();
    } catch (error) {
      session.kill();
      throw error;
    }
    return session;
  }

  /**
   * The first command: echo off, and its answer proves the boot files have run. It is the one
   * line that arrives without a hold before it (see report()), so it is kept short, and when
   * it was garbled anyway (no answer), the console line is cleared with Ctrl-C and it is sent
   * again: it has no effect that could be repeated.
   */
  private async greet(): Promise<void> {
    const attempts = 3;
    for (let attempt = 1; ; attempt++) {
      const id = this.nextId++;
      const line = "echo(0);" + this.report(id, "\"R\"", "1");
      const timeout = attempt === 1 ? this.launcher.startTimeoutMs : this.launcher.commandTimeoutMs;
      try {
        await this.send(line, id, timeout, attempt === attempts);
        return;
      } catch (error) {
        if (attempt === attempts || this.hasExited) throw error;
        this.child.stdin.write("\x03\n");
        await new Promise((resolve) => setTimeout(resolve, 4 * this.launcher.holdMaxMs));
      }
    }
  }

  /** Everything the process printed so far (stdout and stderr). */
  get transcript(): string {
    return this.output;
  }

  /** Console lines that report an error inside Espruino (uncaught exceptions, out of memory). */
  problems(): string[] {
    return this.lines.filter((line) => PROBLEM_LINE.test(line));
  }

  /** Evaluates one JavaScript expression (one line) and returns its JSON value (undefined → null). */
  evaluate(expression: string): Promise<unknown> {
    const id = this.nextId++;
    const line =
      "(function(){var r,k=\"R\";try{r=(" + expression + ");}catch(e){k=\"E\";r=\"\"+e;}" + this.report(id, "k", "r") + "})()";
    return this.send(line, id, this.launcher.commandTimeoutMs);
  }

  /** How long the console line for `evaluate(expression)` is (to size upload chunks). */
  lineLengthFor(expression: string): number {
    return ("(function(){var r,k=\"R\";try{r=(" + expression + ");}catch(e){k=\"E\";r=\"\"+e;}" + this.report(this.nextId, "k", "r") + "})()").length;
  }

  /** Runs statements (one line; `var` stays local, use `global.x = ...` to keep something). */
  run(statements: string): Promise<unknown> {
    return this.evaluate("(function(){" + statements + ";return null;})()");
  }

  /**
   * Runs statements that finish later: they call `done(value)` (from a timer or an event
   * handler), and the value comes back as JSON. An exception or no call within the timeout fails.
   */
  evaluateLater(statements: string, timeoutMs = this.launcher.commandTimeoutMs): Promise<unknown> {
    const id = this.nextId++;
    const line =
      "(function(done){try{" + statements + ";}catch(e){" + this.report(id, "\"E\"", "\"\"+e") + "}})(function(r){" +
      this.report(id, "\"R\"", "r") + "})";
    return this.send(line, id, timeoutMs);
  }

  /**
   * The tail of every command: print the result marker, then hold the main loop (busy, not
   * reading the console) until the next command line has arrived completely, or holdMaxMs.
   *
   * Why: the Linux port's stdin thread pushes console bytes into the IO ring buffer one at a
   * time, appending to the last event without a lock (jshInterruptOff() is a no-op on Linux),
   * while the main loop pops events. When the main loop pops during such a burst, bytes are
   * lost or misread as event headers (seen: `r===undefined` arriving as `refined`, a command
   * replayed over and over, a crash) — about one upload in four failed before this hold. While
   * the main loop runs JavaScript it does not pop, so the whole next line lands in the buffer
   * first. process.memory(false).rx.used is the ring's fill level (no garbage collection); every
   * line is padded to MAX_LINE, so the hold ends when the ring holds a whole line
   * (consoleRingFill), never at a pause in the middle of one, however slowly its bytes arrive.
   */
  private report(id: number, kind: string, value: string): string {
    const hold = (this.launcher.holdMaxMs / 1000).toFixed(3);
    return (
      "print(\"@\"+\"@\"+" + kind + "+\"" + id + ":\"+JSON.stringify(" + value + "===undefined?null:" + value + "));" +
      "for(var e=getTime()+" + hold + ";getTime()<e&&process.memory(false).rx.used<" + consoleRingFill(MAX_LINE + 1) + ";);"
    );
  }

  /** quit() and wait for the process to end (killed after a grace period; qemu may linger). */
  async quit(graceMs = 5_000): Promise<void> {
    if (this.hasExited) return;
    this.child.stdin.write("quit()\n");
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Ends the process now (SIGKILL). Safe to call more than once. */
  kill(): void {
    if (!this.hasExited) this.child.kill("SIGKILL");
  }

  private send(line: string, id: number, timeoutMs: number, killOnTimeout = true): Promise<unknown> {
    if (this.pending !== undefined) return Promise.reject(new EspruinoError("one command at a time"));
    if (this.hasExited) return Promise.reject(this.failure("Espruino has already exited (code " + String(this.exitCode) + ")"));
    // One command, one console line: a newline inside would end the command early.
    if (/[\r\n]/.test(line)) return Promise.reject(new EspruinoError("a command must be one line: " + abbreviate(line)));
    // The stdin thread takes at most half of the 1 KB ring per poll; a longer line would arrive
    // in two bursts, the second one possibly while the main loop is reading (see report()).
    if (line.length > MAX_LINE) return Promise.reject(new EspruinoError("command line of " + line.length + " characters is over " + MAX_LINE));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(this.failure("no answer within " + timeoutMs + " ms to: " + abbreviate(line)));
        if (killOnTimeout) this.kill();
      }, timeoutMs);
      this.pending = { id: id, resolve: resolve, reject: reject, timer: timer };
      // Padded: the hold after the previous result waits for exactly this many bytes (see report()).
      this.child.stdin.write(line.padEnd(MAX_LINE, " ") + "\n");
    });
  }

  private onOutput(chunk: string): void {
    this.output += chunk;
    const text = this.partialLine + chunk;
    const parts = text.split(/\r?\n/);
    this.partialLine = parts.pop() ?? "";
    for (const raw of parts) this.onLine(raw.replace(/\r/g, ""));
  }

  private onLine(line: string): void {
    this.lines.push(line);
    const result = parseConsoleResult(line);
    const pending = this.pending;
    if (result === undefined || pending === undefined || result.id !== pending.id) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    if ("unreadable" in result) pending.reject(this.failure("unparsable result line: " + abbreviate(line)));
    else if ("forgotten" in result) pending.reject(this.failure("Espruino restarted: the session's helper is gone"));
    else if (result.threw) pending.reject(this.failure("Espruino threw: " + String(result.value)));
    else pending.resolve(result.value);
  }

  private onExit(code: number | null): void {
    this.hasExited = true;
    this.exitCode = code;
    if (this.partialLine !== "") this.onLine(this.partialLine);
    this.partialLine = "";
    const pending = this.pending;
    if (pending !== undefined) {
      this.pending = undefined;
      clearTimeout(pending.timer);
      pending.reject(this.failure("Espruino exited (code " + String(code) + ") before answering"));
    }
  }

  private failure(message: string): EspruinoError {
    const tail = this.output.length > 2000 ? "…" + this.output.slice(-2000) : this.output;
    return new EspruinoError("[" + this.launcher.label + "] " + message + "\n--- console output (tail) ---\n" + tail);
  }
}

function abbreviate(text: string): string {
  return text.length > 160 ? text.slice(0, 160) + "…" : text;
}

/** Runs `body` with a session and always ends the process, also when `body` throws. */
export async function withSession<T>(launcher: EspruinoLauncher, cwd: string, body: (session: EspruinoSession) => Promise<T>): Promise<T> {
  const session = await EspruinoSession.open(launcher, cwd);
  try {
    const result = await body(session);
    await session.quit();
    return result;
  } finally {
    session.kill();
  }
}

/** A fresh working directory (and so a fresh 40 KB flash file) for one stamp. */
export function makeStampDirectory(prefix = "espruino-stamp-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path: path,
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------------------------------------
// Values coming back from Espruino are `unknown` JSON; these narrow them or fail with a message.

export function expectNumber(value: unknown, what: string): number {
  if (typeof value !== "number") throw new EspruinoError(what + ": expected a number, got " + JSON.stringify(value));
  return value;
}

export function expectString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new EspruinoError(what + ": expected a string, got " + JSON.stringify(value));
  return value;
}

export function expectBoolean(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new EspruinoError(what + ": expected a boolean, got " + JSON.stringify(value));
  return value;
}

export function expectArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new EspruinoError(what + ": expected an array, got " + JSON.stringify(value));
  return value;
}

export function expectRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EspruinoError(what + ": expected an object, got " + JSON.stringify(value));
  }
  return value as Record<string, unknown>;
}

export function expectStringArray(value: unknown, what: string): string[] {
  return expectArray(value, what).map((item, i) => expectString(item, what + "[" + i + "]"));
}

// ---------------------------------------------------------------------------------------------
// Storage upload, the way a flashing station does it: chunked writes, then a read-back check.

/** The most bytes one Storage.write() call carries; fewer when the command line would exceed MAX_LINE. */
export const UPLOAD_CHUNK = 256;

/**
 * Writes a file into Espruino's Storage in chunks (the first call sizes the file). `content`
 * holds one byte per character (latin1): printable text travels as string literals, anything
 * else (the native Ed25519 blob) as base64 decoded on the device with atob.
 */
export async function writeStorageFile(session: EspruinoSession, name: string, content: string, chunk = UPLOAD_CHUNK): Promise<number> {
  let printable = true;
  for (let i = 0; i < content.length && printable; i++) {
    const code = content.charCodeAt(i);
    if (code > 0x7e || (code < 0x20 && content[i] !== "\n")) printable = false;
  }
  const file = JSON.stringify(name);
  const callFor = (offset: number, length: number): string => {
    const slice = content.slice(offset, offset + length);
    const piece = printable ? JSON.stringify(slice) : "atob(" + JSON.stringify(Buffer.from(slice, "latin1").toString("base64")) + ")";
    return offset === 0
      ? "require(\"Storage\").write(" + file + "," + piece + ",0," + content.length + ")"
      : "require(\"Storage\").write(" + file + "," + piece + "," + offset + ")";
  };
  let calls = 0;
  for (let offset = 0; offset < content.length; ) {
    let length = Math.min(chunk, content.length - offset);
    while (length > 1 && session.lineLengthFor(callFor(offset, length)) > MAX_LINE) length--;
    const written = await session.evaluate(callFor(offset, length));
    if (written !== true) throw new EspruinoError("Storage.write(" + name + ") at offset " + offset + " returned " + JSON.stringify(written));
    offset += length;
    calls++;
  }
  return calls;
}

export function sha256Base64(content: string): string {
  return createHash("sha256").update(Buffer.from(content, "latin1")).digest("base64");
}

/** Length and SHA-256 of a Storage file, computed inside Espruino (crypto module of the Puck.js). */
export async function storageFileDigest(session: EspruinoSession, name: string): Promise<{ length: number; sha256: string }> {
  const value = expectRecord(
    await session.evaluate(
      "(function(){var f=require(\"Storage\").read(" + JSON.stringify(name) + ");return f===undefined?{length:-1,sha256:\"\"}:" +
        "{length:f.length,sha256:btoa(require(\"crypto\").SHA256(f))};})()",
    ),
    "digest of " + name,
  );
  return { length: expectNumber(value.length, name + " length"), sha256: expectString(value.sha256, name + " sha256") };
}

export interface MemoryFigures {
  usage: number;
  total: number;
  free: number;
  history: number;
}

/** process.memory() (it garbage-collects first). */
export async function readMemory(session: EspruinoSession): Promise<MemoryFigures> {
  const memory = expectRecord(await session.evaluate("process.memory()"), "process.memory()");
  return {
    usage: expectNumber(memory.usage, "memory.usage"),
    total: expectNumber(memory.total, "memory.total"),
    free: expectNumber(memory.free, "memory.free"),
    history: expectNumber(memory.history, "memory.history"),
  };
}

export async function storageList(session: EspruinoSession): Promise<string[]> {
  return expectStringArray(await session.evaluate("require(\"Storage\").list()"), "Storage.list()");
}

export async function storageFree(session: EspruinoSession): Promise<number> {
  return expectNumber(await session.evaluate("require(\"Storage\").getFree()"), "Storage.getFree()");
}

/** A Storage file's bytes as hex ("" when absent), read inside Espruino. */
export async function storageFileHex(session: EspruinoSession, name: string): Promise<string | undefined> {
  const value = await session.evaluate(
    "(function(){var b=require(\"Storage\").readArrayBuffer(" + JSON.stringify(name) + ");if(b===undefined)return null;" +
      "var a=new Uint8Array(b),s=\"\";for(var i=0;i<a.length;i++)s+=(a[i]+256).toString(16).substr(1);return s;})()",
  );
  return value === null ? undefined : expectString(value, name);
}

export interface UploadReport {
  files: { name: string; bytes: number; sha256: string; writes: number }[];
  /** Storage.getFree() once everything is written. */
  storageFree: number;
  /** 1 unless an upload was damaged in transit and redone on an erased flash. */
  attempts: number;
  /** Why earlier attempts failed. */
  failures: string[];
}

/**
 * Session 1 of a stamp's life: writes the given Storage files into a fresh flash (nothing runs
 * yet, as there are no boot files), reads each one back (length and SHA-256 computed by
 * Espruino) and fails if a single byte differs, then quits. `.boot0` runs before `.bootcde`.
 * A damaged upload is redone from an erased flash (the flash file is deleted) up to `attempts`
 * times; the report says how often that was needed.
 */
export async function uploadFiles(
  launcher: EspruinoLauncher,
  cwd: string,
  files: { name: string; content: string }[],
  attempts = 2,
): Promise<UploadReport> {
  const failures: string[] = [];
  for (let attempt = 1; ; attempt++) {
    rmSync(join(cwd, "espruino.flash"), { force: true });
    try {
      const report = await uploadOnce(launcher, cwd, files);
      return { files: report.files, storageFree: report.storageFree, attempts: attempt, failures: failures };
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      if (attempt >= attempts) {
        throw new EspruinoError("upload failed " + attempt + " time(s):\n" + failures.join("\n=====\n"));
      }
    }
  }
}

async function uploadOnce(launcher: EspruinoLauncher, cwd: string, files: { name: string; content: string }[]): Promise<Omit<UploadReport, "attempts" | "failures">> {
  return withSession(launcher, cwd, async (session) => {
    const report: Omit<UploadReport, "attempts" | "failures"> = { files: [], storageFree: 0 };
    for (const file of files) {
      const writes = await writeStorageFile(session, file.name, file.content);
      const digest = await storageFileDigest(session, file.name);
      const expected = sha256Base64(file.content);
      if (digest.length !== file.content.length || digest.sha256 !== expected) {
        throw new EspruinoError(
          "upload of " + file.name + " is damaged: Espruino has " + digest.length + " bytes, sha256 " + digest.sha256 +
            "; expected " + file.content.length + " bytes, sha256 " + expected,
        );
      }
      report.files.push({ name: file.name, bytes: digest.length, sha256: digest.sha256, writes: writes });
    }
    report.storageFree = await storageFree(session);
    const problems = session.problems();
    if (problems.length > 0) throw new EspruinoError("Espruino reported problems during the upload: " + problems.join(" | "));
    return report;
  });
}

// ---------------------------------------------------------------------------------------------
// The stamp rig: what a test defines in place of the Puck.js radio, LEDs and button.

/**
 * Bytes as an Espruino expression of fixed length for a given byte count (base64 decoded on the
 * device), so a command line's length never depends on the values of random bytes.
 */
export function bytesExpression(bytes: Uint8Array | number[]): string {
  return "E.toUint8Array(atob(\"" + Buffer.from(bytes).toString("base64") + "\"))";
}

/** The UID bytes (UID0..2, BCC0, UID3..6, BCC1, internal) the stub NFC front end reports. */
export const TEST_NFC_UID = [0x04, 0x53, 0x54, 0x4d, 0x50, 0x31, 0x32, 0x33, 0x34, 0x35];

/** The test signer's "public key": seed XOR this byte (a stand-in for Ed25519, not a real key). */
export const TEST_SIGNER_KEY_MASK = 0xa5;

/**
 * The test prelude, stored as `.boot0` so it runs before the bundle (`.bootcde`). One line of
 * ES5. It defines, on the global object:
 *  - `T`: what the test reads back: `T.s` frames sent by the stamp (hex string, a number for
 *    an ACK/NACK nibble, null for "send nothing"), `T.m` every message the signer was asked
 *    to sign (hex), `T.k` publicKey() calls, `T.n` nfcStop() calls (the tag re-presented),
 *    `T.l` the three LEDs, `T.w` button watches,
 *    `T.h` radio event handlers, `T.x(bytes)` hex of bytes, `T.rx(array)` delivers one reader
 *    frame to the stamp's NFCrx handler and returns what it answered within that handler;
 *  - `NRF`: nfcStart/nfcStop/nfcSend/on/findDevices (a scan finds nothing);
 *  - `LED1..3`, `BTN`, and `setWatch` (the Linux build has no button pin) recording watches;
 *  - `STAMP_SIGNER`: publicKey(seed) = seed XOR 0xA5; sign() records the message and returns
 *    64 bytes computed from it by `testSignerSignature` below.
 */
export const STAMP_RADIO_PRELUDE = [
  "global.T={s:[],m:[],k:0,n:0,l:[false,false,false],w:[],h:{},",
  "x:function(a){var s=\"\";for(var i=0;i<a.length;i++)s+=(a[i]+256).toString(16).substr(1);return s;},",
  "rx:function(a){T.s=[];var f=T.h.NFCrx;if(!f)throw new Error(\"no NFCrx handler\");f(new Uint8Array(a).buffer);return T.s;}};",
  "global.NRF={nfcStart:function(){return new Uint8Array([" + TEST_NFC_UID.join(",") + "]).buffer;},nfcStop:function(){T.n++;},",
  "nfcSend:function(p){T.s.push(p===undefined?null:typeof p==\"number\"?p:T.x(new Uint8Array(p)));},",
  "on:function(e,f){T.h[e]=f;},",
  "findDevices:function(c,o){setTimeout(function(){c([]);},o&&o.timeout?o.timeout:1);}};",
  "global.LED1={write:function(v){T.l[0]=!!v;}};global.LED2={write:function(v){T.l[1]=!!v;}};global.LED3={write:function(v){T.l[2]=!!v;}};",
  "global.BTN={};global.setWatch=function(f){T.w.push(f);return T.w.length;};",
].join("");

/** The recording test signer, for the x86 build, which cannot run the native Thumb blob. */
export const STAMP_TEST_SIGNER_PRELUDE = [
  "global.STAMP_SIGNER={publicKey:function(s){T.k++;var p=new Uint8Array(32);for(var i=0;i<32;i++)p[i]=s[i]^" + TEST_SIGNER_KEY_MASK + ";return p;},",
  "sign:function(s,p,m){T.m.push(T.x(m));var c=0,i,g=new Uint8Array(64);for(i=0;i<m.length;i++)c=(c+m[i])&255;",
  "for(i=0;i<64;i++)g[i]=m[i%m.length]^((i*13+c)&255);return g;}};",
].join("");

export const STAMP_TEST_PRELUDE = STAMP_RADIO_PRELUDE + STAMP_TEST_SIGNER_PRELUDE;

/** The host-side mirror of the prelude's sign(): what the stamp must put in the reply. */
export function testSignerSignature(message: Uint8Array): Uint8Array {
  let checksum = 0;
  for (const byte of message) checksum = (checksum + byte) & 0xff;
  const signature = new Uint8Array(64);
  for (let i = 0; i < 64; i++) signature[i] = message[i % message.length] ^ ((i * 13 + checksum) & 0xff);
  return signature;
}

/** The host-side mirror of the prelude's publicKey(). */
export function testSignerPublicKey(seed: Uint8Array): Uint8Array {
  return seed.map((byte) => byte ^ TEST_SIGNER_KEY_MASK);
}

export interface StampBootState {
  publicKey: string;
  keyCreated: boolean;
  fault: string;
  memory: MemoryFigures;
}

/** Reads global.STAMP (what the bundle published at boot) and the memory right after boot. */
export async function readStampBoot(session: EspruinoSession): Promise<StampBootState> {
  // Memory first: nothing the test does afterwards may count as "after boot".
  const memory = await readMemory(session);
  const stamp = expectRecord(
    await session.evaluate(
      "typeof STAMP===\"undefined\"?{missing:true}:{publicKey:STAMP.publicKey,keyCreated:STAMP.keyCreated,fault:STAMP.fault,answer:typeof STAMP.answer}",
    ),
    "STAMP",
  );
  if (stamp.missing === true) throw new EspruinoError("the bundle did not define global.STAMP (did it run at boot?)");
  if (stamp.answer !== "function") throw new EspruinoError("STAMP.answer is not a function");
  return {
    publicKey: expectString(stamp.publicKey, "STAMP.publicKey"),
    keyCreated: expectBoolean(stamp.keyCreated, "STAMP.keyCreated"),
    fault: expectString(stamp.fault, "STAMP.fault"),
    memory: memory,
  };
}

/** One reader frame through the stamp's NFCrx handler: what it sent back inside the handler. */
export async function nfcFrame(session: EspruinoSession, frame: number[]): Promise<(string | number | null)[]> {
  const sent = expectArray(await session.evaluate("T.rx(" + bytesExpression(frame) + ")"), "NFC answer");
  return sent.map((item, i) => {
    if (item === null || typeof item === "number" || typeof item === "string") return item;
    throw new EspruinoError("NFC answer[" + i + "] is " + JSON.stringify(item));
  });
}

/** The Storage files of a test stamp: the prelude as `.boot0`, the firmware bundle as `.bootcde`. */
export function stampFiles(bundle: string | undefined): { name: string; content: string }[] {
  const files = [{ name: ".boot0", content: STAMP_TEST_PRELUDE }];
  if (bundle !== undefined) files.push({ name: ".bootcde", content: bundle });
  return files;
}

export interface BootMeasurement {
  upload: UploadReport;
  /** process.memory() as the first command after the first boot. */
  memory: MemoryFigures;
  /** The same after each boot (first, second, ...). */
  memoryAfterEachBoot: MemoryFigures[];
  /** Storage.getFree() after the first boot (after the stamp created its key, when the bundle is there). */
  storageFreeAfterBoot: number;
  /** typeof STAMP after the first boot ("object" when the bundle ran). */
  stampType: string;
  /** STAMP.fault after each boot ("" = none; undefined without the bundle). */
  faults: (string | undefined)[];
  /** process.version of the binary. */
  espruinoVersion: string;
  problems: string[];
}

/**
 * Uploads `files` into a fresh flash, boots it `boots` times and measures each boot: used for the
 * prelude-only baseline (how much of the memory after boot is the test rig's, not the firmware's)
 * and for the figures in BENCHMARKS.md.
 */
export async function measureBoot(launcher: EspruinoLauncher, files: { name: string; content: string }[], boots = 1): Promise<BootMeasurement> {
  const directory = makeStampDirectory("espruino-measure-");
  try {
    const upload = await uploadFiles(launcher, directory.path, files);
    const memoryAfterEachBoot: MemoryFigures[] = [];
    const faults: (string | undefined)[] = [];
    const problems: string[] = [];
    let storageFreeAfterBoot = 0;
    let stampType = "";
    let espruinoVersion = "";
    for (let boot = 0; boot < boots; boot++) {
      await withSession(launcher, directory.path, async (session) => {
        memoryAfterEachBoot.push(await readMemory(session));
        const type = expectString(await session.evaluate("typeof STAMP"), "typeof STAMP");
        faults.push(type === "object" ? expectString(await session.evaluate("STAMP.fault"), "STAMP.fault") : undefined);
        if (boot === 0) {
          stampType = type;
          espruinoVersion = expectString(await session.evaluate("process.version"), "process.version");
          storageFreeAfterBoot = await storageFree(session);
        }
        problems.push(...session.problems());
      });
    }
    return {
      upload: upload,
      memory: memoryAfterEachBoot[0],
      memoryAfterEachBoot: memoryAfterEachBoot,
      storageFreeAfterBoot: storageFreeAfterBoot,
      stampType: stampType,
      faults: faults,
      espruinoVersion: espruinoVersion,
      problems: problems,
    };
  } finally {
    directory.remove();
  }
}
