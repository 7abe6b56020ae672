/** The station's decoder of the registry copy: whole, or the wrong field named; never a copy with holes. */
import { describe, expect, it } from "vitest";
import { decodeRegistryPage } from "../../host/client/offline-registry-page";

const STAMP = { id: "0123456789abcdef", publicKey: "ab".repeat(32), label: "s1", shopIds: ["gangnam"], verifierIds: [], status: "active", lastCounter: 4 };
const PAGE = {
  asOf: "2025-05-01T09:30:00.000Z",
  verifier: { id: "1000000000000001", shopId: "gangnam", label: "front", requirePresence: true, purpose: "stamp", quantity: 1 },
  shopName: "Bean Bros Gangnam",
  stamps: [STAMP],
  next: null,
};

describe("the registry copy's decoder", () => {
  it("reads a page whole", () => {
    const page = decodeRegistryPage(PAGE);
    expect(page.ok && page.value).toMatchObject({ asOf: Date.UTC(2025, 4, 1, 9, 30), verifier: { purpose: 1 }, stamps: [{ id: STAMP.id, lastCounter: 4 }], next: undefined });
  });

  it("names the wrong field of a damaged page", () => {
    const cases: [unknown, string][] = [
      [undefined, ""],
      [{ ...PAGE, asOf: "yesterday" }, "asOf"],
      [{ ...PAGE, verifier: { ...PAGE.verifier, purpose: "free coffee" } }, "verifier.purpose"],
      [{ ...PAGE, stamps: [STAMP, { ...STAMP, publicKey: "ab" }] }, "stamps[1].publicKey"],
      [{ ...PAGE, stamps: [{ ...STAMP, status: "lost" }] }, "stamps[0].status"],
      [{ ...PAGE, stamps: [{ ...STAMP, lastCounter: -1 }] }, "stamps[0].lastCounter"],
    ];
    for (const [body, field] of cases) {
      const page = decodeRegistryPage(body);
      expect(page.ok ? "decoded" : page.error.field, JSON.stringify(body)?.slice(0, 60)).toBe(field);
    }
  });
});
