/**
 * The phone URL's figures (docs/protocol.md §15) for BENCHMARKS.md, on the ARM build of the
 * Puck-like Espruino (qemu-arm: the whole stamp as shipped, the native blob signing) with a base
 * URL in Storage, beside the radio-and-board prelude of test/firmware/arm-stamp-rig.ts:
 *
 * - the URL's length, its NDEF message and TLV in bytes, and the READ frames a phone needs
 *   (read as sim/phone-tag-reader.ts reads: READ 3, then READs of 4 pages);
 * - memory: after boot with the phone URL loaded (prelude included, as the ARM suite measures);
 *   with a signed URL shown (once the press's BLE tap has given up); and the peak of the URL's
 *   signature: the usage when the press's signing timer starts plus the least free memory it
 *   still signs with (ballast taken in a timer right before it, bisected).
 *
 * Standalone: `npx tsx bench/firmware/phone-url-figures.ts` (ESPRUINO_ARM_BIN, or
 * ../shared/tools/espruino-puckjs-armhf; run `npm run build:firmware` first).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ED25519_BLOB_FILE } from "../../firmware/espruino/native-signer";
import { BASE_URL_FILE } from "../../firmware/storage-files";
import { T2T_READ } from "../../shared/nfc-mailbox-layout";
import { TagLink } from "../../host/nfc/tag-link";
import { EspruinoLauncher, EspruinoSession, expectArray, expectNumber, expectString, makeStampDirectory, qemuArmLauncher, readMemory, uploadFiles, withSession } from "../../test/support/espruino-session";
import { readPhoneUrl } from "../../sim/phone-tag-reader";
import { ARM_STAMP_PRELUDE } from "../../test/firmware/arm-stamp-rig";

export interface PhoneUrlFigures {
  baseUrl: string;
  urlLength: number;
  ndefBytes: number;
  tlvBytes: number;
  readFrames: number;
  memoryTotal: number;
  /** T.m0: used once boot has finished, the phone URL loaded, prelude included. */
  usageAfterBoot: number;
  /** Used with a signed URL in the tag, after the press's BLE tap gave up. */
  usageWithUrlShown: number;
  /** Used when the press's signing timer starts, the least free it signs with, and their sum. */
  usageWhenSigning: number;
  signatureNeeds: number;
  signaturePeak: number;
}

const DEFAULT_DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "firmware");
export const BENCH_BASE_URL = "https://stamp.bean-bros.kr";

function tagOf(session: EspruinoSession): TagLink {
  return {
    async readPages(page) {
      return Uint8Array.from(Buffer.from(expectString(expectArray(await session.evaluate("T.rx([" + T2T_READ + "," + page + "])"), "READ")[0], "READ " + page), "hex"));
    },
    writePage() {
      throw new Error("a phone does not write");
    },
  };
}

/**
 * One press with only `free` variables left when its signing timer starts (T.fill's timer runs
 * first); waits until the tag is re-presented or red shows, then until the BLE tap gave up.
 */
/** Two console lines (each within the console's line limit): SP(free, done) presses with ballast. */
const STARVED_PRESS = [
  "global.SQ=function(s,d){T.B=undefined;var u=setInterval(function(){if(!T.l[2]){clearInterval(u);d([s,T.F]);}},10);}",
  "global.SP=function(f,d){T.fill(f);var n=T.n,k=0;for(var i=0;i<T.w.length;i++)T.w[i]();" +
    "var t=setInterval(function(){if(T.n>n||T.l[0]||++k>600){clearInterval(t);SQ(T.n>n,d);}},5);}",
];

async function starvedPress(session: EspruinoSession, free: number | undefined): Promise<{ signed: boolean; free: number }> {
  const result = expectArray(await session.evaluateLater("SP(" + (free ?? 1e6) + ",done)"), "press");
  return { signed: result[0] === true, free: Number(result[1]) };
}

export async function measurePhoneUrlFigures(launcher: EspruinoLauncher, distDir = DEFAULT_DIST): Promise<PhoneUrlFigures> {
  const directory = makeStampDirectory("espruino-phone-figures-");
  try {
    await uploadFiles(launcher, directory.path, [
      { name: ".boot0", content: ARM_STAMP_PRELUDE },
      { name: ".bootcde", content: readFileSync(join(distDir, "stamp.js"), "latin1") },
      { name: ED25519_BLOB_FILE, content: readFileSync(join(distDir, "ed25519.bin"), "latin1") },
      { name: BASE_URL_FILE, content: BENCH_BASE_URL },
    ]);
    return await withSession(launcher, directory.path, async (session) => {
      const usageAfterBoot = expectNumber(await session.evaluateLater("setTimeout(function(){done(T.m0)},20)"), "T.m0");
      if (expectString(await session.evaluate("STAMP.phoneUrl"), "STAMP.phoneUrl") !== BENCH_BASE_URL) throw new Error("the stamp did not take the base URL");
      for (const line of STARVED_PRESS) await session.run(line);
      const unstarved = await starvedPress(session, undefined);
      if (!unstarved.signed) throw new Error("a press did not sign a phone URL");
      const read = await readPhoneUrl(tagOf(session));
      const memory = await readMemory(session);
      // The least free memory with which a press still signs: bisected between 100 (taken to fail,
      // never tried) and 400.
      let low = 100;
      let high = 400;
      if (!(await starvedPress(session, high)).signed) throw new Error("a phone URL fails even with " + high + " variables free");
      while (high - low > 2) {
        const middle = Math.floor((low + high) / 2);
        if ((await starvedPress(session, middle)).signed) high = middle;
        else low = middle;
      }
      const problems = session.problems();
      if (problems.length > 0) throw new Error("Espruino reported problems: " + problems.join(" | "));
      const usageWhenSigning = memory.total - unstarved.free;
      return {
        baseUrl: BENCH_BASE_URL,
        urlLength: read.url.length,
        ndefBytes: read.ndefBytes,
        tlvBytes: read.ndefBytes + 3,
        readFrames: read.readFrames,
        memoryTotal: memory.total,
        usageAfterBoot: usageAfterBoot,
        usageWithUrlShown: memory.usage,
        usageWhenSigning: usageWhenSigning,
        signatureNeeds: high,
        signaturePeak: usageWhenSigning + high,
      };
    });
  } finally {
    directory.remove();
  }
}

export function formatPhoneUrlFigures(f: PhoneUrlFigures): string[] {
  const pct = (n: number) => ((100 * n) / f.memoryTotal).toFixed(1) + " %";
  return [
    "## Phone URL (docs/protocol.md §15)",
    "",
    `ARM build under qemu-arm, the whole stamp as shipped with the base URL \`${f.baseUrl}\` (${f.baseUrl.length} characters) in Storage (\`stamp.url\`), beside the ARM test rig's prelude; the tag read as a phone reads it (READ 3, then READs of 4 pages; sim/phone-tag-reader.ts):`,
    "",
    "| | |",
    "|---|---:|",
    `| URL length (characters; base URL + ${f.urlLength - f.baseUrl.length}) | ${f.urlLength} |`,
    `| NDEF message (one URI record) / TLV in the tag, bytes | ${f.ndefBytes} / ${f.tlvBytes} |`,
    `| READ frames a phone needs per tap (capability container included) | ${f.readFrames} |`,
    "",
    "| memory | variables used | of 2,630 | spare |",
    "|---|---:|---:|---:|",
    `| after boot, phone URL loaded (test prelude included) | ${f.usageAfterBoot} | ${pct(f.usageAfterBoot)} | ${f.memoryTotal - f.usageAfterBoot} |`,
    `| with a signed URL in the tag | ${f.usageWithUrlShown} | ${pct(f.usageWithUrlShown)} | ${f.memoryTotal - f.usageWithUrlShown} |`,
    `| at the peak of the URL's signature (${f.usageWhenSigning} when signing starts + the ${f.signatureNeeds} free it needs) | ${f.signaturePeak} | ${pct(f.signaturePeak)} | ${f.memoryTotal - f.signaturePeak} |`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fromEnv = process.env.ESPRUINO_ARM_BIN;
  const binary = fromEnv !== undefined && fromEnv !== "" ? resolve(fromEnv) : resolve(DEFAULT_DIST, "..", "..", "..", "shared", "tools", "espruino-puckjs-armhf");
  if (!existsSync(binary)) throw new Error("no ARM Espruino: set ESPRUINO_ARM_BIN");
  measurePhoneUrlFigures(qemuArmLauncher(binary)).then(
    (figures) => console.log(formatPhoneUrlFigures(figures).join("\n")),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
