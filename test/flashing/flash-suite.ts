/**
 * Shared by flash-station.test.ts (x86) and flash-station-arm.test.ts (ARM, native signer).
 * Issue 6: `stamp flash` against the Puck-like Linux Espruino behind a TCP bridge (socat),
 * through espruino-tools' own connection layer. The test rig writes `.boot0` first (radio stubs,
 * an RNG seeded per device, and on x86 a test signer holding a host-made Ed25519 key); the
 * station then uploads the real firmware image, reboots it, checks the proof of possession over
 * the host's challenge with node:crypto, locks it and registers it with its own enrolled key
 * through the API, where the host verifies the proof again. On ARM the key is made and used by
 * the real native signer.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../host/cli/run";
import { issueEnrolmentCode } from "../../host/core/access/credentials";
import { DEFAULT_FIRMWARE_DIR, FirmwareImage, loadFirmwareImage } from "../../host/flashing/firmware-image";
import { FlashError, FlashStep } from "../../host/flashing/flash-error";
import { BASE_URL_FILE } from "../../firmware/storage-files";
import { FlashOptions, FlashProgress, flashStamp, PHONE_URL_STORAGE_FILE } from "../../host/flashing/station";
import { StationRegistry } from "../../host/flashing/station-registry";
import { must } from "../support/test-world";
import { DeviceBridge, DeviceKind, PowerOn, rigBeforeProve, rigPrelude, testKey, testPrivateKey, versionPrelude } from "./device-bridge";
import { createFlashWorld, FlashWorld, MERCHANT, OTHER_MERCHANT, OTHER_SHOP, SHOP } from "./flash-world";

async function expectFlashError(promise: Promise<unknown>, code: string): Promise<FlashError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof FlashError)) throw error;
    expect({ code: error.code, message: error.message }).toEqual({ code: code, message: expect.any(String) });
    return error;
  }
  throw new Error("expected the flash to fail with " + code);
}

/** A progress listener that does `act` once, when about 6 KB of the upload have been written. */
function midUpload(act: () => void): (event: FlashProgress) => void {
  let done = false;
  return (event) => {
    if (event.step === "upload" && (event.done ?? 0) > 6_000 && !done) {
      done = true;
      act();
    }
  };
}

export function defineFlashSuite(kind: DeviceKind, full: boolean): void {
  describe(`stamp flash on the Puck-like Espruino (${kind.label})`, () => {
    let image: FirmwareImage;
    let world: FlashWorld;
    const work = mkdtempSync(join(tmpdir(), "stamp-station-"));
    const bridges: DeviceBridge[] = [];

    /**
     * What the rig adds to a Linux Espruino for stamp n: radio stubs and RNG, and on x86 a test
     * signer whose key is testKey(keyNumber) (a factory-reset stamp "makes" a new one).
     */
    function prelude(n: number, keyNumber = n, extra = ""): string {
      return rigPrelude(kind, { rngSeed: 0x9e3779b9 ^ (n * 2654435761), keyNumber, extra });
    }

    async function device(n: number, options: { extra?: string; power?: PowerOn } = {}): Promise<DeviceBridge> {
      const bridge = await DeviceBridge.start(kind, undefined, options.power);
      bridges.push(bridge);
      await bridge.writeFiles([{ name: ".boot0", content: prelude(n, n, options.extra) }]);
      return bridge;
    }

    async function repower(bridge: DeviceBridge, power: PowerOn): Promise<DeviceBridge> {
      const next = await bridge.repower(power);
      bridges.push(next);
      return next;
    }

    /** The flash of stamp n by the enrolled flashing station (x86: its test signer holds testKey(keyNumber)). */
    function options(bridge: DeviceBridge, n: number, label: string, proof: { keyNumber?: number; corrupt?: boolean } = {}): FlashOptions {
      return {
        port: bridge.port,
        image: image,
        registry: world.registry,
        merchantId: MERCHANT,
        shopIds: [SHOP],
        label: label,
        labelsDir: join(work, "labels"),
        holdMs: kind.holdMs,
        // x86: short enough to keep the reset and silence cases quick, long enough for a loaded CI machine.
        commandTimeoutMs: kind.native ? kind.timeoutMs : 8_000,
        silenceMs: kind.native ? 4_000 : 1_000,
        rigBeforeProve: rigBeforeProve(kind, { keyNumber: proof.keyNumber ?? n, firmwareHash: image.firmwareHash, corrupt: proof.corrupt }),
      };
    }

    async function stampCount(): Promise<number> {
      return (await world.stamps()).length + (await world.stamps(OTHER_MERCHANT)).length;
    }

    beforeAll(async () => {
      image = loadFirmwareImage(DEFAULT_FIRMWARE_DIR);
      world = await createFlashWorld(work, image.firmwareHash);
    });

    afterAll(async () => {
      for (const bridge of bridges) bridge.remove();
      await world.close();
      rmSync(work, { recursive: true, force: true });
    });

    it(
      "flashes a stamp end to end; locked, its console and Bluetooth UART stay closed; it refuses re-provisioning until a factory reset, which revokes the old key",
      async () => {
        let bridge = await device(1);
        const steps: FlashStep[] = [];
        const first = await flashStamp({ ...options(bridge, 1, "counter 1"), progress: (e) => steps.push(e.step) });
        expect(first.firmwareHash).toBe(image.firmwareHash);
        expect(first.publicKey).toMatch(/^[0-9a-f]{64}$/);
        if (!kind.native) expect(first.publicKey).toBe(testKey(1).publicKey.toString("hex"));
        expect([...new Set(steps)]).toEqual(["connect", "check", "upload", "reboot", "prove", "lock", "register", "label"]);
        const stamp = await world.store.getStamp(first.stampId);
        expect(stamp?.status).toBe("active");
        expect(stamp?.shopIds).toEqual([SHOP]);
        expect(stamp?.firmwareHash).toBe(image.firmwareHash);
        expect(first.labelPath !== undefined && existsSync(first.labelPath)).toBe(true);
        expect(readFileSync(first.labelPath ?? "", "utf8")).toContain(first.stampId);

        // Power cycle: the locked firmware closes its console at boot; nothing answers, and the
        // station says why.
        expect(await bridge.consoleAnswers(kind.native ? 8_000 : 4_000)).toBe(false);
        await expectFlashError(flashStamp({ ...options(bridge, 1, "again"), commandTimeoutMs: kind.native ? 8_000 : 3_000 }), "NO_CONSOLE");

        // The only way back in: power on with the button held (no boot code runs). What
        // production mode asked of the Bluetooth stack at the last boot: no UART, not connectable.
        bridge = await repower(bridge, { buttonHeld: true });
        expect(await bridge.evaluate("require(\"Storage\").readJSON(\"rig.radio\",1)")).toEqual({ uart: false, connectable: false });
        const refused = await expectFlashError(flashStamp(options(bridge, 1, "again")), "KEY_PRESENT");
        expect(refused.message).toContain("and is locked");
        expect(refused.message).toContain(first.stampId);
        expect(await stampCount()).toBe(1);

        // Factory reset: the old key is revoked at the host, destroyed on the stamp, and a new one
        // is made on the device (x86: the rig's test signer now holds another key).
        if (!kind.native) await bridge.writeFiles([{ name: ".boot0", content: prelude(1, 2) }]);
        const resetSteps: FlashStep[] = [];
        const second = await flashStamp({ ...options(bridge, 1, "counter 1 (reset)", { keyNumber: 2 }), factoryReset: true, progress: (e) => resetSteps.push(e.step) });
        expect(resetSteps).toContain("factory-reset");
        expect(second.revoked).toBe(first.stampId);
        expect(second.publicKey).not.toBe(first.publicKey);
        expect((await world.store.getStamp(first.stampId))?.status).toBe("revoked");
        expect((await world.store.getStamp(second.stampId))?.status).toBe("active");
        expect(await stampCount()).toBe(2);
      },
      kind.native ? 900_000 : 90_000,
    );

    if (kind.native) {
      it("stamp flash --batch 3 on the command line with the station's enrolled key: three stamps, host challenges, one result each, labels", async () => {
        const before = await stampCount();
        const bridges: DeviceBridge[] = [];
        for (const n of [41, 42, 43]) bridges.push(await device(n));
        const ports = bridges.map((b) => b.port);
        // The station's key, enrolled as the documented flow does: the owner's code, `stamp station enrol`.
        const keyFile = join(work, "flasher.key");
        const code0 = must(await issueEnrolmentCode(world.store, world.owner, { role: "flashing-station", merchantId: MERCHANT }, Date.now()));
        let out = "";
        let err = "";
        const io = { io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t) } };
        expect(await runCli(["--db", world.dbPath, "station", "enrol", "--code", code0.code, "--key", keyFile, "--role", "flashing-station", "--label", "tray station"], undefined, io)).toBe(0);
        out = "";
        err = "";
        const code = await runCli(
          ["--db", world.dbPath, "--station-key", keyFile, "flash", "--batch", "3", "--port", ...ports, "--merchant", MERCHANT, "--shop", SHOP, "--label", "tray-9",
            "--labels", join(work, "labels"), "--hold-ms", String(kind.holdMs), "--timeout-ms", String(kind.timeoutMs), "--json"],
          undefined,
          io,
        );
        const socatLogs = code === 0 ? [] : bridges.map((b) => b.socatLog);
        expect({ code: code, errors: err.split("\n").filter((line) => /error:/.test(line)), socatLogs: socatLogs }).toEqual({ code: 0, errors: [], socatLogs: [] });
        expect(err).toMatch(/\[3\/3\] upload: \[#{24}\] 100% /);
        const results = JSON.parse(out) as { stampId: string; label: string; labelPath: string }[];
        expect(results.map((r) => r.label)).toEqual(["tray-9-1", "tray-9-2", "tray-9-3"]);
        expect(new Set(results.map((r) => r.stampId)).size).toBe(3);
        for (const result of results) {
          expect((await world.store.getStamp(result.stampId))?.status).toBe("active");
          expect(readFileSync(result.labelPath, "utf8")).toContain(result.stampId);
        }
        expect(await stampCount()).toBe(before + 3);
      }, 900_000);
    }

    if (!full) return;

    it("flashes a batch of 3 stamps, each with its own key", async () => {
      const before = await stampCount();
      const ids: string[] = [];
      for (const n of [11, 12, 13]) {
        const bridge = await device(n);
        ids.push((await flashStamp(options(bridge, n, "tray-" + n))).stampId);
      }
      expect(new Set(ids).size).toBe(3);
      expect(await stampCount()).toBe(before + 3);
    }, 90_000);

    it("an interrupted upload (bridge killed mid-upload) fails clearly and registers nothing", async () => {
      const bridge = await device(21);
      const before = await stampCount();
      const error = await expectFlashError(
        flashStamp({ ...options(bridge, 21, "interrupted"), commandTimeoutMs: 2_000, progress: midUpload(() => bridge.kill()) }),
        "UPLOAD_INTERRUPTED",
      );
      expect(error.message).toMatch(/upload interrupted/);
      expect(await stampCount()).toBe(before);
    }, 30_000);

    it("a device that resets mid-upload (the serial link stays up) is told apart, registers nothing, and flashes fine again", async () => {
      const bridge = await device(22, { power: { resettable: true } });
      const before = await stampCount();
      const error = await expectFlashError(
        flashStamp({ ...options(bridge, 22, "reset"), commandTimeoutMs: 2_000, progress: midUpload(() => bridge.reset()) }),
        "DEVICE_RESET",
      );
      expect(error.message).toMatch(/reset during upload/);
      expect(await stampCount()).toBe(before);
      const again = await flashStamp(options(bridge, 22, "reset, reflashed"));
      expect((await world.store.getStamp(again.stampId))?.status).toBe("active");
    }, 60_000);

    it("refuses a stamp with the wrong Espruino version before uploading anything", async () => {
      const bridge = await device(23, { extra: versionPrelude("2v19") });
      const before = await stampCount();
      const error = await expectFlashError(flashStamp(options(bridge, 23, "old")), "WRONG_VERSION");
      expect(error.message).toMatch(/wrong Espruino version on the stamp: Espruino 2v19 is too old/);
      expect(await bridge.evaluate("require(\"Storage\").list().sort()")).toEqual([".boot0"]);
      expect(await stampCount()).toBe(before);
    }, 30_000);

    it("an invalid proof of possession is refused: nothing registered, stamp not locked; its key then blocks a reflash until a factory reset", async () => {
      const bridge = await device(31);
      const before = await stampCount();
      const error = await expectFlashError(flashStamp(options(bridge, 31, "forged", { corrupt: true })), "PROOF_INVALID");
      expect(error.message).toMatch(/proof of possession invalid/);
      expect(await stampCount()).toBe(before);
      const refused = await expectFlashError(flashStamp(options(bridge, 31, "again")), "KEY_PRESENT");
      expect(refused.message).not.toContain("locked");
      await bridge.writeFiles([{ name: ".boot0", content: prelude(31, 32) }]);
      const reset = await flashStamp({ ...options(bridge, 31, "after reset", { keyNumber: 32 }), factoryReset: true });
      expect(reset.revoked).toBeUndefined();
      expect(reset.publicKey).toBe(testKey(32).publicKey.toString("hex"));
      expect(await stampCount()).toBe(before + 1);
    }, 60_000);

    if (!kind.native) {
      it("--phone-url: the base URL goes into Storage beside the firmware and the stamp boots with it; without it a stale one is erased", async () => {
        expect(PHONE_URL_STORAGE_FILE).toBe(BASE_URL_FILE);
        const withUrl = await flashStamp({ ...options(await device(61), 61, "phone 1"), phoneUrl: "https://stamp.bean-bros.kr" });
        expect(withUrl.phoneUrl).toBe("https://stamp.bean-bros.kr"); // the station checked STAMP.phoneUrl after the reboot
        // A stamp.url left by an earlier, unfinished flash: erased, so the stamp boots without one.
        const stale = await device(62);
        await stale.writeFiles([{ name: BASE_URL_FILE, content: "https://old.example" }]);
        const withoutUrl = await flashStamp(options(stale, 62, "phone 2"));
        expect(withoutUrl.phoneUrl).toBe("");
        const before = await stampCount();
        await expectFlashError(flashStamp({ ...options({ port: "tcp://127.0.0.1:9" } as DeviceBridge, 0, "x"), phoneUrl: "https://stamp.example/" }), "BAD_PHONE_URL");
        expect(await stampCount()).toBe(before);
      }, 90_000);
    }

    it("refuses before touching the device when the host does not know the merchant or shop", async () => {
      await expectFlashError(flashStamp({ ...options({ port: "tcp://127.0.0.1:9" } as DeviceBridge, 0, "x"), merchantId: "nobody" }), "REGISTRY_REFUSED");
      await expectFlashError(flashStamp({ ...options({ port: "tcp://127.0.0.1:9" } as DeviceBridge, 0, "x"), shopIds: ["nowhere"] }), "REGISTRY_REFUSED");
    });

    /** A flash whose progress must never reach the device: no "connect" step, the device's Storage untouched. */
    async function refusedBeforeDevice(bridge: DeviceBridge, flash: FlashOptions, code: string): Promise<FlashError> {
      const steps: FlashStep[] = [];
      const error = await expectFlashError(flashStamp({ ...flash, progress: (e) => steps.push(e.step) }), code);
      expect(steps).toEqual([]);
      expect(await bridge.evaluate("require(\"Storage\").list().sort()")).toEqual([".boot0"]);
      return error;
    }

    it("firmware the operator has not approved: refused before the device is touched, and refused again by the host at registration", async () => {
      const dir = mkdtempSync(join(tmpdir(), "stamp-unapproved-"));
      const unapproved = await createFlashWorld(dir, undefined);
      try {
        const bridge = await device(51);
        const flash = { ...options(bridge, 51, "unapproved"), registry: unapproved.registry };
        const early = await refusedBeforeDevice(bridge, flash, "WRONG_FIRMWARE");
        expect(early.message).toContain(`firmware ${image.firmwareHash} is not approved at the host`);
        expect(early.message).toContain("stamp firmware approve");
        // A station that skipped its own check (or firmware withdrawn mid-flash): the host's
        // registration refuses FIRMWARE_NOT_APPROVED itself, after the device proved its key.
        const careless: StationRegistry = { ...unapproved.registry, checkTarget: async () => undefined };
        const late = await expectFlashError(flashStamp({ ...flash, registry: careless }), "WRONG_FIRMWARE");
        expect(late.message).toMatch(/not approved by the operator \(FIRMWARE_NOT_APPROVED\).*locked but not registered/);
        expect(await unapproved.stamps()).toEqual([]);
      } finally {
        await unapproved.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);

    it("a station key the host has not enrolled is refused before the device is touched", async () => {
      const bridge = await device(52);
      const before = await stampCount();
      const stranger = world.registryFor({ keyId: "0123456789abcdef", key: { privateKey: testPrivateKey(52) } });
      const error = await refusedBeforeDevice(bridge, { ...options(bridge, 52, "stranger"), registry: stranger }, "NOT_ENROLLED");
      expect(error.message).toMatch(/the host refuses this station's key/);
      expect(error.message).toContain("stamp station enrol");
      expect(await stampCount()).toBe(before);
    }, 30_000);

    it("a flashing station enrolled for one merchant cannot flash stamps for another", async () => {
      const bridge = await device(53);
      const before = await stampCount();
      const other = await refusedBeforeDevice(bridge, { ...options(bridge, 53, "foreign"), merchantId: OTHER_MERCHANT, shopIds: [OTHER_SHOP] }, "REGISTRY_REFUSED");
      expect(other.message).toMatch(/merchant tea-house does not exist at the host, or is not the merchant this flashing station is enrolled for/);
      const foreignShop = await refusedBeforeDevice(bridge, { ...options(bridge, 53, "foreign"), shopIds: [OTHER_SHOP] }, "REGISTRY_REFUSED");
      expect(foreignShop.message).toMatch(/shop myeongdong does not exist at the host/);
      expect(await stampCount()).toBe(before);
    }, 30_000);

    it("the host refuses a proof over a challenge it did not issue: the station's own check passes, the host's does not; nothing registered", async () => {
      const bridge = await device(54);
      const before = await stampCount();
      // A station that made up its own challenge (as it did before the host issued them).
      const ownChallenge: StationRegistry = { ...world.registry, provisioningChallenge: async () => Uint8Array.from(randomBytes(32)) };
      const steps: FlashStep[] = [];
      const error = await expectFlashError(flashStamp({ ...options(bridge, 54, "own challenge"), registry: ownChallenge, progress: (e) => steps.push(e.step) }), "PROOF_INVALID");
      expect(error.message).toMatch(/the proof's challenge was not issued to this station/);
      expect(steps).toContain("lock");
      expect(await stampCount()).toBe(before);
    }, 60_000);

    it("says clearly when no device is there", async () => {
      const bridge = await DeviceBridge.start(kind);
      const port = bridge.port;
      bridge.remove();
      const error = await expectFlashError(flashStamp({ ...options(bridge, 0, "x"), port: port, connectTimeoutMs: 1_000 }), "NO_DEVICE");
      expect(error.message).toMatch(/^no device at tcp:/);
    }, 20_000);
  });
}
