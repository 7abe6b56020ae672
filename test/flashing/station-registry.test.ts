/**
 * The flashing station's port to the host (host/flashing/station-registry.ts) against the real
 * in-process API, without a device: a software stamp (TestStamp) proves its key over the host's
 * challenge, and every refusal of the host maps onto the FlashError that says why, with nothing
 * registered.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../shared/hex";
import { FlashError } from "../../host/flashing/flash-error";
import { flashStamp } from "../../host/flashing/station";
import { apiStationRegistry, StampRegistration, StationRegistry } from "../../host/flashing/station-registry";
import { enrolTestStation, TestStamp, TestStationKey } from "../support/test-world";
import { createFlashWorld, FlashWorld, MERCHANT, OTHER_MERCHANT, OTHER_SHOP, SHOP } from "./flash-world";

const FIRMWARE = "ab".repeat(32);
const work = mkdtempSync(join(tmpdir(), "stamp-station-registry-"));
let world: FlashWorld;

beforeAll(async () => {
  world = await createFlashWorld(work, FIRMWARE);
});
afterAll(async () => {
  await world.close();
  rmSync(work, { recursive: true, force: true });
});

async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (error) {
    if (error instanceof FlashError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a FlashError");
}

/** What the station sends for `stamp` after asking `registry` for a challenge (or over `challenge`). */
async function registration(registry: StationRegistry, stamp: TestStamp, over: { challenge?: Uint8Array; firmwareHash?: string; merchantId?: string; shopIds?: string[] } = {}): Promise<StampRegistration> {
  const challenge = over.challenge ?? (await registry.provisioningChallenge());
  return {
    publicKeyHex: toHex(stamp.publicKey),
    label: "stamp " + stamp.id,
    merchantId: over.merchantId ?? MERCHANT,
    shopIds: over.shopIds ?? [SHOP],
    proof: stamp.prove(toHex(challenge), over.firmwareHash ?? FIRMWARE),
  };
}

async function stampCount(): Promise<number> {
  return (await world.stamps()).length + (await world.stamps(OTHER_MERCHANT)).length;
}

describe("the flashing station's registry over the host API", () => {
  it("checks the target, gets a 32-byte host challenge, registers a proved stamp, sees it, and revokes it for a factory reset", async () => {
    await world.registry.checkTarget({ merchantId: MERCHANT, shopIds: [SHOP], firmwareHash: FIRMWARE });
    const challenge = await world.registry.provisioningChallenge();
    expect(challenge.length).toBe(32);
    const stamp = new TestStamp();
    expect(await world.registry.isRegistered(stamp.id)).toBe(false);
    await world.registry.register(await registration(world.registry, stamp, { challenge }));
    expect(await world.registry.isRegistered(stamp.id)).toBe(true);
    const record = await world.store.getStamp(stamp.id);
    expect({ status: record?.status, firmwareHash: record?.firmwareHash, merchantId: record?.merchantId }).toEqual({ status: "active", firmwareHash: FIRMWARE, merchantId: MERCHANT });
    expect(await world.registry.revokeDestroyedKey(stamp.id)).toBe(stamp.id);
    expect((await world.store.getStamp(stamp.id))?.status).toBe("revoked");
    expect(await world.registry.revokeDestroyedKey(stamp.id)).toBe(stamp.id);
    expect(await world.registry.revokeDestroyedKey("00112233445566ff")).toBeUndefined();
  });

  it("the host refuses a proof over a challenge it did not issue, issued to another station, or already used (PROOF_INVALID)", async () => {
    const before = await stampCount();
    const madeUp = await refusal(world.registry.register(await registration(world.registry, new TestStamp(), { challenge: randomBytes(32) })));
    expect(madeUp).toEqual({ code: "PROOF_INVALID", message: expect.stringMatching(/the proof's challenge was not issued to this station \(PROOF_INVALID\)/) });
    const second = await enrolTestStation(world.store, world.owner, "flashing-station", { merchantId: MERCHANT }, Date.now());
    const othersChallenge = await world.registryFor(second).provisioningChallenge();
    expect((await refusal(world.registry.register(await registration(world.registry, new TestStamp(), { challenge: othersChallenge })))).code).toBe("PROOF_INVALID");
    const stamp = new TestStamp();
    const used = await registration(world.registry, stamp);
    await world.registry.register(used);
    const again = await refusal(world.registry.register({ ...(await registration(world.registry, new TestStamp())), proof: new TestStamp().prove(used.proof.challenge, FIRMWARE) }));
    expect(again.code).toBe("PROOF_INVALID");
    // A signature by another key than the one registered.
    const forged = await registration(world.registry, new TestStamp());
    const wrongKey = await refusal(world.registry.register({ ...forged, publicKeyHex: toHex(new TestStamp().publicKey) }));
    expect(wrongKey).toEqual({ code: "PROOF_INVALID", message: expect.stringMatching(/does not verify under the stamp's key/) });
    expect(await stampCount()).toBe(before + 1);
  });

  it("firmware the operator has not approved: WRONG_FIRMWARE from the early check and from the host's registration", async () => {
    const before = await stampCount();
    const other = "cd".repeat(32);
    expect(await refusal(world.registry.checkTarget({ merchantId: MERCHANT, shopIds: [SHOP], firmwareHash: other }))).toEqual({
      code: "WRONG_FIRMWARE",
      message: expect.stringContaining(`stamp firmware approve ${other}`),
    });
    expect(await refusal(world.registry.register(await registration(world.registry, new TestStamp(), { firmwareHash: other })))).toEqual({
      code: "WRONG_FIRMWARE",
      message: expect.stringMatching(/is not approved by the operator \(FIRMWARE_NOT_APPROVED\)/),
    });
    expect(await stampCount()).toBe(before);
  });

  it("a flashing station enrolled for one merchant can neither target nor register for another (REGISTRY_REFUSED)", async () => {
    const before = await stampCount();
    const target = { merchantId: OTHER_MERCHANT, shopIds: [OTHER_SHOP], firmwareHash: FIRMWARE };
    expect((await refusal(world.registry.checkTarget(target))).code).toBe("REGISTRY_REFUSED");
    expect((await refusal(world.registry.checkTarget({ ...target, merchantId: MERCHANT }))).message).toMatch(/shop myeongdong does not exist at the host/);
    const foreign = await refusal(world.registry.register(await registration(world.registry, new TestStamp(), { merchantId: OTHER_MERCHANT, shopIds: [OTHER_SHOP] })));
    expect(foreign).toEqual({ code: "REGISTRY_REFUSED", message: expect.stringMatching(/\(NOT_FOUND\)/) });
    const foreignShop = await refusal(world.registry.register(await registration(world.registry, new TestStamp(), { shopIds: [OTHER_SHOP] })));
    expect(foreignShop.code).toBe("REGISTRY_REFUSED");
    expect(await stampCount()).toBe(before);
  });

  it("duplicate and weak keys are the host's DUPLICATE and WEAK_KEY", async () => {
    const stamp = new TestStamp();
    await world.registry.register(await registration(world.registry, stamp));
    expect((await refusal(world.registry.register(await registration(world.registry, stamp)))).code).toBe("DUPLICATE");
    const weak = { ...(await registration(world.registry, new TestStamp())), publicKeyHex: "01" + "00".repeat(31) };
    expect((await refusal(world.registry.register(weak))).code).toBe("WEAK_KEY");
  });

  it("a label another stamp of the merchant has in service is DUPLICATE before anything is uploaded, and the host's DUPLICATE at registration", async () => {
    const stamp = new TestStamp();
    const label = "stamp " + stamp.id;
    await world.registry.register(await registration(world.registry, stamp));
    const target = { merchantId: MERCHANT, shopIds: [SHOP], firmwareHash: FIRMWARE };
    expect(await refusal(world.registry.checkTarget({ ...target, label: label }))).toEqual({
      code: "DUPLICATE",
      message: `the label "${label}" is already used by stamp ${stamp.id} of merchant ${MERCHANT}: give each stamp its own label (--label)`,
    });
    await world.registry.checkTarget({ ...target, label: label + " (new)" });
    const twin = { ...(await registration(world.registry, new TestStamp())), label: label };
    expect(await refusal(world.registry.register(twin))).toEqual({ code: "DUPLICATE", message: expect.stringContaining(`the label "${label}" is already used by stamp ${stamp.id}`) });
    // Revoked (a factory reset revokes the old key first), it gives its label up.
    expect(await world.registry.revokeDestroyedKey(stamp.id)).toBe(stamp.id);
    await world.registry.checkTarget({ ...target, label: label });
  });

  it("stamp flash refuses a label in service before the device is touched (DUPLICATE, not NO_DEVICE); with --factory-reset it checks it later", async () => {
    const stamp = new TestStamp();
    await world.registry.register(await registration(world.registry, stamp));
    const options = {
      port: "tcp://127.0.0.1:1",
      image: { files: [], firmwareHash: FIRMWARE },
      registry: world.registry,
      merchantId: MERCHANT,
      shopIds: [SHOP],
      label: "stamp " + stamp.id,
      connectTimeoutMs: 2_000,
    };
    expect(await refusal(flashStamp(options))).toEqual({ code: "DUPLICATE", message: expect.stringContaining(`is already used by stamp ${stamp.id}`) });
    expect((await refusal(flashStamp({ ...options, factoryReset: true }))).code).toBe("NO_DEVICE");
    expect((await refusal(flashStamp({ ...options, label: "a free label" }))).code).toBe("NO_DEVICE");
  });

  it("a key the host never enrolled is NOT_ENROLLED at the first call; a broken transport or a 5xx is HOST_UNREACHABLE", async () => {
    const stranger = world.registryFor({ keyId: "0123456789abcdef", key: new TestStationKey() });
    expect(await refusal(stranger.checkTarget({ merchantId: MERCHANT, shopIds: [SHOP], firmwareHash: FIRMWARE }))).toEqual({
      code: "NOT_ENROLLED",
      message: expect.stringMatching(/^the host refuses this station's key while reading the station's merchant: .*\(UNAUTHENTICATED\)/),
    });
    const down = apiStationRegistry({ request: () => Promise.reject(new Error("cannot reach http://127.0.0.1:9: ECONNREFUSED")) });
    expect(await refusal(down.provisioningChallenge())).toEqual({ code: "HOST_UNREACHABLE", message: "host unreachable while asking for a provisioning challenge: cannot reach http://127.0.0.1:9: ECONNREFUSED" });
    const failing = apiStationRegistry({ request: async () => ({ status: 500, headers: {}, body: { error: { code: "INTERNAL", message: "internal error" } } }) });
    expect((await refusal(failing.isRegistered("0011223344556677"))).code).toBe("HOST_UNREACHABLE");
    expect((await refusal(failing.revokeDestroyedKey("0011223344556677"))).message).toMatch(/; its key was not erased$/);
  });
});
