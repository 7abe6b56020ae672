/**
 * How long the firmware's NFC frame handler takes inside Espruino itself (the x86-64 Linux
 * build: a 3 GHz PC, far faster than the Puck.js's 64 MHz Cortex-M4, so these are lower
 * bounds, not the stamp's own figures). Each frame goes through the NFCrx handler exactly as
 * the radio delivers it; the time is getTime() around the handler, measured inside Espruino.
 */
import { readFileSync } from "node:fs";
import { NDEF_FIRST_PAGE, REPLY_FIRST_PAGE, REPLY_PAGES, STATUS_PAGE, T2T_FAST_READ, T2T_READ, T2T_WRITE, VERDICT_PAGE } from "../../shared/nfc-mailbox-layout";
import { EspruinoLauncher, expectArray, makeStampDirectory, stampFiles, uploadFiles, withSession } from "../../test/support/espruino-session";

export interface FrameLatency {
  frame: string;
  meanMs: number;
  maxMs: number;
  frames: number;
}

const hex = (byte: number) => byte.toString(16).padStart(2, "0");
const LAST_REPLY_PAGE = REPLY_FIRST_PAGE + REPLY_PAGES - 1;
const FRAMES: { name: string; bytes: number[] }[] = [
  { name: `READ status page (30 ${hex(STATUS_PAGE)})`, bytes: [T2T_READ, STATUS_PAGE] },
  { name: `FAST_READ reply (3a ${hex(STATUS_PAGE)} ${hex(LAST_REPLY_PAGE)})`, bytes: [T2T_FAST_READ, STATUS_PAGE, LAST_REPLY_PAGE] },
  { name: `WRITE verdict page (a2 ${hex(VERDICT_PAGE)} …)`, bytes: [T2T_WRITE, VERDICT_PAGE, 0, 0, 0, 0] },
  { name: "READ of the NDEF area as a phone reads it (30 07)", bytes: [T2T_READ, NDEF_FIRST_PAGE + 3] },
  { name: "unknown command (60)", bytes: [0x60] },
];

export async function measureNfcHandlerLatency(launcher: EspruinoLauncher, bundlePath: string, repeats = 200): Promise<FrameLatency[]> {
  const directory = makeStampDirectory("espruino-nfc-latency-");
  try {
    await uploadFiles(launcher, directory.path, stampFiles(readFileSync(bundlePath, "latin1")));
    return await withSession(launcher, directory.path, async (session) => {
      // The rig's recording nfcSend (hex strings) is swapped for a no-op while timing, so only
      // the firmware's handler is measured.
      await session.run("global.O=NRF.nfcSend;NRF.nfcSend=function(){}");
      await session.run(
        "global.L=function(a,n){var f=T.h.NFCrx,b=new Uint8Array(a).buffer,s=0,m=0,i,t,d;" +
          "for(i=0;i<n;i++){t=getTime();f(b);d=getTime()-t;s+=d;if(d>m)m=d}return[1e3*s/n,1e3*m]}",
      );
      const results: FrameLatency[] = [];
      for (const frame of FRAMES) {
        const figures = expectArray(await session.evaluate("L([" + frame.bytes.join(",") + "]," + repeats + ")"), "latency of " + frame.name);
        results.push({ frame: frame.name, meanMs: Number(figures[0]), maxMs: Number(figures[1]), frames: repeats });
      }
      await session.run("NRF.nfcSend=O");
      return results;
    });
  } finally {
    directory.remove();
  }
}
