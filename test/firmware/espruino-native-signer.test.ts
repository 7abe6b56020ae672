/**
 * Issue 3: the firmware bundle with the real native Ed25519 blob on the ARM build of the
 * Puck-like Espruino (qemu-arm runs its Thumb code through E.nativeCall). The stamp creates its
 * key on first boot with the blob, and every signature it returns is judged by the host core,
 * on an SQLite file, exactly as a counter station would judge it.
 *
 * Binary: ESPRUINO_ARM_BIN (e.g. ../shared/tools/espruino-puckjs-armhf). Without it this suite
 * is skipped, and says so.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ED25519_BLOB_FILE } from "../../firmware/espruino/native-signer";
import { SEED_FILE } from "../../firmware/storage-files";
import { fromHex, toHex } from "../../shared/hex";
import { judgeStampReply, localTapService, TapService } from "../../host/core/counter-station";
import { Purpose } from "../../shared/protocol-constants";
import { addVerifier } from "../../host/core/registry";
import { approveFirmware, issueProvisioningChallenge, registerStamp } from "../../host/core/stamp-registration";
import { loadFirmwareImage } from "../../host/flashing/firmware-image";
import {
  expectRecord,
  expectString,
  launchersFromEnv,
  makeStampDirectory,
  STAMP_NATIVE_PRELUDE,
  MemoryFigures,
  readMemory,
  readStampBoot,
  StampBootState,
  storageFileHex,
  uploadFiles,
  withSession,
} from "../support/espruino-session";
import { createTestWorld, EnrolledStation, enrolTestStation, must } from "../support/test-world";

const DIST = join(__dirname, "..", "..", "dist", "firmware");

const arm = launchersFromEnv().arm;

function bytes(hex: string): Uint8Array {
  const decoded = fromHex(hex);
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.value;
}

function ed25519PublicKey(seed: Uint8Array): string {
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
  return toHex(createPublicKey(key).export({ format: "der", type: "spki" }).subarray(12));
}

interface Boot {
  state: StampBootState;
  seedHex: string | undefined;
  verdicts: { reason: string; counter: number | undefined }[];
  memoryAfterSigning: MemoryFigures;
  problems: string[];
}

if (arm === undefined) {
  console.warn("\n!!! SKIPPED: native Ed25519 on the ARM Puck-like Espruino — ESPRUINO_ARM_BIN is not set (e.g. ESPRUINO_ARM_BIN=../shared/tools/espruino-puckjs-armhf; needs qemu-arm) !!!\n");
  describe.skip("stamp bundle with native Ed25519 on the ARM Espruino — SKIPPED: ESPRUINO_ARM_BIN is not set", () => {
    it("creates its key and signs with the blob", () => undefined);
  });
} else {
  const launcher = arm;
  describe("stamp bundle with native Ed25519 on the ARM Puck-like Espruino (qemu-arm)", () => {
    const directory = makeStampDirectory("espruino-native-");
    let world: Awaited<ReturnType<typeof createTestWorld>>;
    // A counter that takes taps without the button: this test signs through STAMP.answer, the
    // entry the NFC mailbox uses, and leaves the BLE press path to the other tests. Its station
    // reaches the core in process: the stamp is under test here, not the API.
    let counter: EnrolledStation;
    let service: TapService;
    const boots: Boot[] = [];

    /**
     * One boot: read what the stamp published, then press and answer `taps` challenges. The
     * console is driven without pauses (host work waits until the session ends: the Linux
     * port's console can garble a line that arrives while its main loop is idle); the replies
     * are judged afterwards, in order, by the host core.
     */
    async function boot(taps: number): Promise<Boot> {
      const challenges: Uint8Array[] = [];
      for (let i = 0; i < taps; i++) challenges.push(await world.challengeFor(counter));
      // The first boot is the flashing station's: the stamp proves its key over a host challenge.
      const provisioning = boots.length === 0 ? must(await issueProvisioningChallenge(world.store, world.flasher.principal, Date.now())).challenge : undefined;
      const session = await withSession(launcher, directory.path, async (console) => {
        const state = await readStampBoot(console);
        const proof =
          provisioning === undefined
            ? undefined
            : expectRecord(await console.evaluate("STAMP.prove(E.toUint8Array(atob(\"" + Buffer.from(provisioning, "hex").toString("base64") + "\")))"), "proof");
        const replies: string[] = [];
        for (const challenge of challenges) {
          const base64 = Buffer.from(challenge).toString("base64");
          replies.push(expectString(await console.evaluate("X(STAMP.answer(E.toUint8Array(atob(\"" + base64 + "\"))))"), "reply"));
        }
        const memoryAfterSigning = await readMemory(console);
        const seedHex = await storageFileHex(console, SEED_FILE);
        return { state, seedHex, replies, memoryAfterSigning, proof, problems: console.problems() };
      });
      if (provisioning !== undefined && session.proof !== undefined) {
        // The host checks the proof and that the firmware hash the stamp computed from its own
        // Storage is the one the operator approved (the build's manifest).
        const proof = { challenge: provisioning, firmwareHash: expectString(session.proof.firmwareHash, "firmwareHash"), signature: expectString(session.proof.signature, "signature") };
        expect(session.proof.publicKey).toBe(session.state.publicKey);
        must(await registerStamp(world.store, world.flasher.principal, { publicKeyHex: session.state.publicKey, label: "arm", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [], proof }, Date.now()));
      }
      const verdicts: Boot["verdicts"] = [];
      for (const reply of session.replies) {
        const judged = await judgeStampReply(service, bytes(reply));
        verdicts.push({ reason: judged.verdict.reason, counter: judged.verdict.counter });
      }
      return { ...session, verdicts };
    }

    beforeAll(async () => {
      for (const name of ["stamp.js", "ed25519.bin"]) {
        if (!existsSync(join(DIST, name))) throw new Error(`dist/firmware/${name} is missing: run npm run build:firmware first`);
      }
      world = await createTestWorld();
      const now = Date.now();
      must(await approveFirmware(world.store, world.operator, { hash: loadFirmwareImage(DIST).firmwareHash, label: "dist/firmware" }, now));
      const noButton = must(await addVerifier(world.store, world.owner, { shopId: "gangnam", label: "no button", requirePresence: false, purpose: Purpose.STAMP, quantity: 1 }, now));
      counter = await enrolTestStation(world.store, world.owner, "counter-station", { verifierId: noButton.id }, now);
      service = localTapService(world.store, counter.principal, Date.now);
      await uploadFiles(launcher, directory.path, [
        { name: ".boot0", content: STAMP_NATIVE_PRELUDE },
        { name: ".bootcde", content: readFileSync(join(DIST, "stamp.js"), "latin1") },
        { name: ED25519_BLOB_FILE, content: readFileSync(join(DIST, "ed25519.bin"), "latin1") },
      ]);
      boots.push(await boot(3));
      boots.push(await boot(1));
    }, 600_000);

    afterAll(() => directory.remove());

    it("first boot creates the key with the native blob: the RFC 8032 public key of the stored seed", () => {
      const [first] = boots;
      expect(first.state.fault).toBe("");
      expect(first.state.keyCreated).toBe(true);
      expect(first.seedHex).toMatch(/^[0-9a-f]{64}$/);
      expect(first.state.publicKey).toBe(ed25519PublicKey(bytes(first.seedHex ?? "")));
    });

    it("signs challenges the host verifies and accepts, with consecutive counters", () => {
      expect(boots[0].verdicts).toEqual([
        { reason: "ACCEPTED", counter: 1 },
        { reason: "ACCEPTED", counter: 2 },
        { reason: "ACCEPTED", counter: 3 },
      ]);
    });

    it("second boot reuses the key and signs above every counter it used before", () => {
      expect(boots[1].state.keyCreated).toBe(false);
      expect(boots[1].state.publicKey).toBe(boots[0].state.publicKey);
      expect(boots[1].verdicts).toEqual([{ reason: "ACCEPTED", counter: 4 }]);
    });

    it("reports its memory (the Linux build copies the blob into RAM; a Puck.js runs it from flash)", () => {
      const [first] = boots;
      console.log(
        `ARM Espruino with native Ed25519: ${first.state.memory.usage}/${first.state.memory.total} variables after boot, ` +
          `${first.memoryAfterSigning.usage} after 3 signatures`,
      );
      expect(first.memoryAfterSigning.usage).toBeLessThan(first.memoryAfterSigning.total);
      expect(boots.flatMap((b) => b.problems)).toEqual([]);
    });
  });
}
