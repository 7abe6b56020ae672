/**
 * The firmware with its native Ed25519 blob on the ARM build of the Puck-like Espruino (under
 * qemu-arm): memory after boot (key created by the blob) and after one signature. The Linux
 * build holds a RAM copy of the blob (its Storage is not memory-mapped); a Puck.js runs the
 * blob from flash, so `blobCopyVariables` is what a real stamp does not spend.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ED25519_BLOB_FILE } from "../../firmware/espruino/native-signer";
import {
  EspruinoLauncher,
  expectString,
  makeStampDirectory,
  readMemory,
  STAMP_NATIVE_PRELUDE,
  uploadFiles,
  withSession,
} from "../../test/support/espruino-session";

export interface NativeEspruinoFigures {
  memoryTotal: number;
  usageAfterBoot: number;
  usageAfterSigning: number;
  blockBytes: number;
  blobCopyVariables: number;
}

export async function measureNativeEspruinoFigures(launcher: EspruinoLauncher, distDir: string): Promise<NativeEspruinoFigures> {
  const directory = makeStampDirectory("espruino-native-bench-");
  try {
    const blob = readFileSync(join(distDir, "ed25519.bin"), "latin1");
    await uploadFiles(launcher, directory.path, [
      { name: ".boot0", content: STAMP_NATIVE_PRELUDE },
      { name: ".bootcde", content: readFileSync(join(distDir, "stamp.js"), "latin1") },
      { name: ED25519_BLOB_FILE, content: blob },
    ]);
    return await withSession(launcher, directory.path, async (session) => {
      const afterBoot = await readMemory(session);
      if (expectString(await session.evaluate("STAMP.fault"), "STAMP.fault") !== "") throw new Error("the stamp did not boot cleanly");
      const challenge = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...new Array<number>(16).fill(7), 1, 0, 1]).toString("base64");
      const reply = expectString(await session.evaluate("X(STAMP.answer(E.toUint8Array(atob(\"" + challenge + "\"))))"), "reply");
      if (!reply.startsWith("00")) throw new Error("the stamp refused to sign: status " + reply.slice(0, 2));
      const afterSigning = await readMemory(session);
      const blockBytes = Number(await session.evaluate("process.memory().blocksize"));
      return {
        memoryTotal: afterBoot.total,
        usageAfterBoot: afterBoot.usage,
        usageAfterSigning: afterSigning.usage,
        blockBytes: blockBytes,
        blobCopyVariables: Math.ceil(blob.length / blockBytes),
      };
    });
  } finally {
    directory.remove();
  }
}
