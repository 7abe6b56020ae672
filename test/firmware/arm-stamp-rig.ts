/**
 * The rig for the whole stamp on the ARM Puck-like Espruino (../shared/tools, under qemu-arm):
 * what a Linux Espruino lacks of a Puck.js — the radio and the board — and nothing else. The
 * firmware (`.bootcde`, dist/firmware/stamp.js) and its native blob (`stamp.ed25519`) run as
 * shipped: the prelude never replaces a firmware handler, it only holds the ones the firmware
 * registered (as Espruino's NRF object does) and calls them the way the radio would.
 *
 * `.boot0` (runs before the firmware) defines, on the global object:
 *  - `NRF`: nfcStart (a fixed UID), nfcStop (counted in `T.n`: the tag re-presented), nfcSend
 *    (recorded in `T.s`), on(event, handler) (kept in
 *    `T.h`), setServices / setAdvertising (recorded in `T.u`: production mode), and findDevices:
 *    a BLE central that finds the emulated verifier `T.d` when one is set;
 *  - `LED1..3` (state in `T.l`), `BTN` and `setWatch` (watches kept in `T.w`);
 *  - `T`, the test's side of the air and the board (all ES5, all small):
 *      T.rx(bytes)      one reader frame through the firmware's NFCrx handler; what it sent back
 *      T.pages(b64, n)  WRITEs of the 32 challenge bytes to pages 48..55 (the first n of them),
 *                       one page each: the answers
 *      T.poll(done)     READ page 56 every 50 ms while BUSY, as a reader polls: done(status hex)
 *      T.verifier(id, challenge)  the emulated counter station (docs/protocol.md section 13)
 *      T.press(done)    a button press; done(reply chunks) once the stamp wrote its last chunk
 *      T.verdict(v, done)  the station's answer to that write; done() when the stamp drops
 *                       the link. The station serves the challenge in chunks of 22 bytes
 *                       (MTU 23 − 1) and keeps the stamp's chunks in T.r (hex).
 *      T.take(f)        ballast (T.B) so that only f variables stay free; T.F: how many did
 *      T.fill(f)        the same in a timer: it runs right before a timer the next frame sets
 *      T.f              when set, the station takes T.f as it answers the last challenge chunk
 *                       and gives the ballast back when the first reply chunk arrives
 *      T.peak()         records process.memory().usage in T.q and its maximum in T.p
 *      T.m0             process.memory().usage once boot has finished (no console line in RAM)
 *  - an air bridge for a locked stamp: once production mode has closed the console, stdin is
 *    the USB serial device's data, no longer JavaScript; the bridge takes one command a line —
 *    `n<base64 frame>` an NFC frame, `o` the field goes away, `m` process.memory(), `u` the
 *    radio's services/advertising — and answers `@@air:<json>` on stdout. It announces
 *    `@@air:"ready"` after a boot in production mode. It runs nothing else: it is the radio.
 */
import { spawn, ChildProcessWithoutNullStreams } from "node:child_process";
import { CHALLENGE_CHARACTERISTIC_UUID, RESPONSE_CHARACTERISTIC_UUID, VERDICT_CHARACTERISTIC_UUID, VERIFIER_SERVICE_UUID } from "../../shared/ble-gatt";
import { CHALLENGE_FIRST_PAGE, STATUS_PAGE, T2T_READ, T2T_READ_LENGTH } from "../../shared/nfc-mailbox-layout";
import { PagesRead, replyFromReads } from "./pages-reads";
import { EspruinoError, EspruinoLauncher, EspruinoSession, expectArray, expectString, expectStringArray } from "../support/espruino-session";

/** The UID bytes the stub radio reports (UID0..2, BCC0, UID3..6, BCC1, internal). */
export const RIG_NFC_UID = [0x04, 0x53, 0x54, 0x4d, 0x50, 0x31, 0x32, 0x33, 0x34, 0x35];

const q = JSON.stringify;

/** One line of ES5, stored as `.boot0`. */
export const ARM_STAMP_PRELUDE = [
  "global.T={s:[],l:[false,false,false],w:[],h:{},u:{},r:[],p:0,q:[],n:0,i:\"\",",
  "x:function(a){var s=\"\";for(var i=0;i<a.length;i++)s+=(a[i]+256).toString(16).substr(1);return s;},",
  "rx:function(a){T.s=[];T.h.NFCrx(new Uint8Array(a).buffer);return T.s;},",
  "pages:function(c,n){var a=E.toUint8Array(atob(c)),o=[];for(var p=0;p<(n||8);p++)o.push(T.rx([162," + CHALLENGE_FIRST_PAGE + "+p,a[4*p],a[4*p+1],a[4*p+2],a[4*p+3]])[0]);return o;},",
  "poll:function(d){var n=0,t=setInterval(function(){var s=T.rx([48," + STATUS_PAGE + "])[0];n++;if(s.substr(0,2)!=\"01\"){clearInterval(t);d([s,n]);}},50);},",
  "press:function(d){T.onReply=d;for(var i=0;i<T.w.length;i++)T.w[i]();},",
  "take:function(f){var n=process.memory().free-f;T.B=[];while(n-->0)T.B.push(0);T.F=process.memory(false).free;},",
  "fill:function(f){setTimeout(function(){T.take(f);},0);},",
  "peak:function(){var u=process.memory().usage;T.q.push(u);if(u>T.p)T.p=u;},",
  "verifier:function(id,c){var n=0,v=function(b){return Promise.resolve(new DataView(new Uint8Array(b).buffer));};",
  "T.r=[];T.d={rssi:-40,serviceData:{" + q(VERIFIER_SERVICE_UUID) + ":id},gatt:{connect:function(){T.peak();",
  "return Promise.resolve({disconnect:function(){T.d=undefined;if(T.onDrop)T.onDrop(T.l);},",
  "getPrimaryService:function(){return Promise.resolve({getCharacteristics:function(){return Promise.resolve([",
  "{uuid:" + q(CHALLENGE_CHARACTERISTIC_UUID) + ",readValue:function(){T.peak();var o=21*n,e=Math.min(o+21,c.length),b=[n++|(e>=c.length?128:0)];",
  "while(o<e)b.push(c[o++]);b=v(b);if(e>=c.length&&T.f)T.take(T.f);return b;}},",
  "{uuid:" + q(RESPONSE_CHARACTERISTIC_UUID) + ",writeValue:function(d){if(T.f)T.B=undefined;T.peak();T.r.push(T.x(d));",
  "if(!(d[0]&128))return Promise.resolve();return new Promise(function(ok){T.ok=ok;if(T.onReply)T.onReply(T.r);});}},",
  "{uuid:" + q(VERDICT_CHARACTERISTIC_UUID) + ",readValue:function(){T.peak();return v([T.v]);}}]);}});}});}}};},",
  "verdict:function(v,d){var k=T.ok;T.onDrop=d;T.v=v;T.ok=undefined;k();},",
  "air:function(l){var c=l[0];if(c==\"n\")return T.rx(E.toUint8Array(atob(l.substr(1))));if(c==\"o\"){T.h.NFCoff();return 1;}",
  "if(c==\"m\")return process.memory();if(c==\"u\")return T.u;return \"?\";}};",
  "global.NRF={nfcStart:function(){return new Uint8Array([" + RIG_NFC_UID.join(",") + "]).buffer;},nfcStop:function(){T.n++;},",
  "nfcSend:function(p){T.s.push(p===undefined?null:typeof p==\"number\"?p:T.x(new Uint8Array(p)));},",
  "on:function(e,f){T.h[e]=f;},",
  "setServices:function(s,o){T.u.uart=o.uart;},setAdvertising:function(d,o){T.u.connectable=o.connectable;},",
  "findDevices:function(f,o){setTimeout(function(){f(T.d?[T.d]:[]);},o.timeout);}};",
  "global.LED1={write:function(v){T.l[0]=!!v;}};global.LED2={write:function(v){T.l[1]=!!v;}};global.LED3={write:function(v){T.l[2]=!!v;}};",
  "global.BTN={};global.setWatch=function(f){T.w.push(f);};",
  "USB.on(\"data\",function(d){T.i+=d;for(var n;(n=T.i.indexOf(\"\\n\"))>=0;){var l=T.i.substr(0,n);T.i=T.i.substr(n+1);USB.write(\"@@air:\"+JSON.stringify(T.air(l))+\"\\n\");}});",
  "setTimeout(function(){T.m0=process.memory().usage;if(T.u.uart===false)USB.write(\"@@air:\\\"ready\\\"\\n\");},1);",
].join("");

// ---------------------------------------------------------------------------------------------
// Pages mode as docs/protocol.md section 12 lists it (pages-reads.ts).

/** What a tap in pages mode sent and got, frame by frame. */
export interface PagesTap {
  /** The answers to the 8 challenge WRITEs. */
  writeAnswers: unknown[];
  /** The first status answer that was not BUSY, and how many READs of the status page that took. */
  finalStatus: Uint8Array;
  statusReads: number;
  /** Each documented READ after the status page, with its 16-byte answer. */
  reads: { page: number; answer: Uint8Array }[];
  /** The stamp reply put together from the answers exactly as the table says. */
  reply: Uint8Array;
}

function hexBytes(hex: string, what: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new EspruinoError(what + ": not hex: " + hex);
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/**
 * One tap through the firmware's NFCrx handler, following the document: WRITE pages 48..55,
 * READ 56 until READY or ERROR, then for an OK reply exactly the documented READs. The reply
 * is assembled only from the answer bytes the table names.
 */
export async function pagesModeTap(session: EspruinoSession, challenge: Uint8Array, plan: PagesRead[]): Promise<PagesTap> {
  const writeAnswers = expectArray(await session.evaluate("T.pages(" + q(Buffer.from(challenge).toString("base64")) + ")"), "challenge WRITEs");
  const polled = expectArray(await session.evaluateLater("T.poll(done)"), "status poll");
  const finalStatus = hexBytes(expectString(polled[0], "status"), "status");
  const length = finalStatus[2];
  const reads: { page: number; answer: Uint8Array }[] = [];
  for (const read of plan) {
    if (read.replyBytes[0] >= length) break;
    const answer =
      read.page === STATUS_PAGE
        ? finalStatus
        : hexBytes(expectString(expectArray(await session.evaluate("T.rx([" + T2T_READ + "," + read.page + "])"), "READ")[0], "READ " + read.page), "READ " + read.page);
    if (answer.length !== T2T_READ_LENGTH) throw new EspruinoError("READ " + read.page + " answered " + answer.length + " bytes");
    reads.push({ page: read.page, answer: answer });
  }
  const reply = replyFromReads(plan.slice(0, reads.length), reads.map((read) => read.answer), length);
  return { writeAnswers: writeAnswers, finalStatus: finalStatus, statusReads: Number(polled[1]), reads: reads, reply: reply };
}

// ---------------------------------------------------------------------------------------------
// A BLE tap through the emulated central.

export interface BleTapRun {
  /** The stamp reply as the station received it (chunk headers removed). */
  reply: Uint8Array;
  chunks: string[];
  /** LEDs [red, green, blue] after the stamp dropped the link. */
  leds: unknown;
  /** The highest process.memory().usage the station saw during the tap, and each reading. */
  peak: number;
  usages: number[];
}

/**
 * Presses the button of a stamp whose station `verifierId` serves `challenge`; `judge` gets the
 * stamp reply and returns the verdict byte the station writes back (the host's judgement).
 */
export async function bleTap(
  session: EspruinoSession,
  verifierId: Uint8Array,
  challenge: Uint8Array,
  judge: (reply: Uint8Array) => Promise<number>,
): Promise<BleTapRun> {
  await session.run("T.p=0;T.q=[];T.verifier(" + q(Array.from(verifierId)) + "," + q(Array.from(challenge)) + ")");
  const chunks = expectStringArray(await session.evaluateLater("T.press(done)"), "reply chunks");
  const parts = chunks.map((chunk) => hexBytes(chunk, "chunk").subarray(1));
  const reply = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    reply.set(part, offset);
    offset += part.length;
  }
  const verdict = await judge(reply);
  await session.evaluateLater("T.verdict(" + verdict + ",done)");
  // The stamp shows the verdict as it drops the link; read the LEDs once it has.
  const leds = await session.evaluate("T.l");
  const usages = expectArray(await session.evaluate("T.q"), "usage readings").map(Number);
  return { reply: reply, chunks: chunks, leds: leds, peak: Math.max(...usages), usages: usages };
}

// ---------------------------------------------------------------------------------------------
// A locked stamp: no console, the air bridge only.

/** One boot of a stamp whose console is closed, driven through the prelude's air bridge. */
export class AirSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private output = "";
  private partial = "";
  private readonly answers: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private exited = false;

  private constructor(launcher: EspruinoLauncher, cwd: string) {
    this.child = spawn(launcher.command, launcher.args, { cwd: cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("latin1");
    this.child.stderr.setEncoding("latin1");
    this.child.stderr.on("data", (chunk: string) => (this.output += chunk));
    this.child.stdin.on("error", () => undefined);
    this.child.on("exit", () => (this.exited = true));
    this.child.stdout.on("data", (chunk: string) => {
      this.output += chunk;
      const lines = (this.partial + chunk).split(/\r?\n/);
      this.partial = lines.pop() ?? "";
      for (const line of lines) {
        const at = line.indexOf("@@air:");
        if (at < 0) continue;
        const answer = line.slice(at + 6);
        const waiting = this.waiting;
        this.waiting = undefined;
        if (waiting !== undefined) waiting(answer);
        else this.answers.push(answer);
      }
    });
  }

  /** Boots the stamp in `cwd` and waits for the bridge's ready line (production mode is on). */
  static async open(launcher: EspruinoLauncher, cwd: string): Promise<AirSession> {
    const session = new AirSession(launcher, cwd);
    try {
      const ready = await session.next(launcher.startTimeoutMs);
      if (ready !== "\"ready\"") throw new EspruinoError("air bridge: expected the ready line, got " + ready);
    } catch (error) {
      session.kill();
      throw error;
    }
    return session;
  }

  /** Everything the process printed. */
  get transcript(): string {
    return this.output;
  }

  private next(timeoutMs: number): Promise<string> {
    const queued = this.answers.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new EspruinoError("air bridge: no answer within " + timeoutMs + " ms\n--- output (tail) ---\n" + this.output.slice(-1500)));
      }, timeoutMs);
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  }

  /** Sends one line to the stamp's serial port and returns the bridge's answer (JSON). */
  async command(line: string, timeoutMs = 60_000): Promise<unknown> {
    if (this.exited) throw new EspruinoError("air bridge: Espruino has exited\n" + this.output.slice(-1500));
    this.child.stdin.write(line + "\n");
    return JSON.parse(await this.next(timeoutMs)) as unknown;
  }

  /** One NFC frame; what the stamp sent back within its handler. */
  async frame(bytes: number[] | Uint8Array): Promise<unknown[]> {
    return expectArray(await this.command("n" + Buffer.from(bytes).toString("base64")), "NFC answer");
  }

  /** Writes a line the console would have run; the caller checks that nothing ran it. */
  writeRaw(line: string): void {
    this.child.stdin.write(line + "\n");
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }
}
