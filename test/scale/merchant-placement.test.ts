/**
 * The placement of merchants on shards (host/store/merchant-placement.ts): the same answer every
 * time and whatever the list's order, merchants spread evenly, and adding or removing a shard
 * moves only the merchants it must (the reason for rendezvous hashing over `hash mod N`).
 */
import { describe, expect, it } from "vitest";
import { placeMerchant } from "../../host/store/merchant-placement";
import { stamp } from "../cli/cli-harness";

const MERCHANTS = Array.from({ length: 10_000 }, (_, i) => `merchant-${i}`);

function shards(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `shard-${i + 1}`);
}

function counts(placed: readonly string[]): Map<string, number> {
  const byShard = new Map<string, number>();
  for (const shard of placed) byShard.set(shard, (byShard.get(shard) ?? 0) + 1);
  return byShard;
}

describe("placing a merchant on one of N shards", () => {
  it("gives the same shard every time, whatever the order the shards are listed in", () => {
    const list = shards(5);
    const reversed = [...list].reverse();
    const unstable = MERCHANTS.slice(0, 1_000).filter((merchant) => {
      const shard = placeMerchant(merchant, list);
      return !list.includes(shard) || placeMerchant(merchant, list) !== shard || placeMerchant(merchant, reversed) !== shard;
    });
    expect(unstable).toEqual([]);
    // Pinned answers: a change to the hashing would move every deployed merchant, so it must show here.
    expect(["bean-bros", "tea-house", "merchant-0"].map((m) => placeMerchant(m, shards(2)))).toEqual(["shard-1", "shard-2", "shard-2"]);
  });

  it("spreads 10,000 merchants evenly: every shard within 10 % of its share, for 2 to 8 shards", () => {
    for (let n = 2; n <= 8; n++) {
      const byShard = counts(MERCHANTS.map((merchant) => placeMerchant(merchant, shards(n))));
      const share = MERCHANTS.length / n;
      expect(byShard.size).toBe(n);
      // The binomial spread at these sizes is about 1 % of a share: 10 % is far outside chance.
      for (const [shard, count] of byShard) expect(Math.abs(count - share) / share, `${shard} of ${n}: ${count}`).toBeLessThan(0.1);
    }
  });

  it("moves only merchants onto a new shard when one is added, about 1/(N+1) of them", () => {
    for (let n = 1; n <= 6; n++) {
      const before = MERCHANTS.map((merchant) => placeMerchant(merchant, shards(n)));
      const after = MERCHANTS.map((merchant) => placeMerchant(merchant, shards(n + 1)));
      const added = `shard-${n + 1}`;
      const moved = MERCHANTS.flatMap((merchant, i) => (before[i] === after[i] ? [] : [{ merchant: merchant, to: after[i] }]));
      expect(moved.filter((move) => move.to !== added)).toEqual([]);
      const expected = MERCHANTS.length / (n + 1);
      expect(Math.abs(moved.length - expected) / expected, `${moved.length} of ${MERCHANTS.length} moved going to ${n + 1} shards`).toBeLessThan(0.1);
    }
  });

  it("moves only the removed shard's merchants when one is taken away", () => {
    const five = shards(5);
    const four = five.filter((shard) => shard !== "shard-3");
    const moved = MERCHANTS.filter((merchant) => {
      const before = placeMerchant(merchant, five);
      return before !== "shard-3" && placeMerchant(merchant, four) !== before;
    });
    expect(moved).toEqual([]);
  });

  it("refuses an empty list and a shard listed twice", () => {
    expect(() => placeMerchant("bean-bros", [])).toThrow(RangeError);
    expect(() => placeMerchant("bean-bros", ["shard-1", "shard-1"])).toThrow(/listed twice/);
  });

  it("is what `stamp merchants place` tells an operator, who then adds the merchant on that shard", async () => {
    const list = shards(3);
    for (const merchant of MERCHANTS.slice(0, 5)) {
      const result = await stamp(["merchants", "place", merchant, ...list.flatMap((shard) => ["--shard", shard])]);
      expect(result.code).toBe(0);
      expect(result.out).toBe(`merchant ${merchant} belongs on shard ${placeMerchant(merchant, list)}\n`);
    }
    const json = await stamp(["merchants", "place", "m1", "--shard", "a", "--shard", "b", "--json"]);
    expect(JSON.parse(json.out)).toEqual({ merchantId: "m1", shard: placeMerchant("m1", ["a", "b"]) });
    expect((await stamp(["merchants", "place", "m1"])).err).toMatch(/name the shards/);
    expect((await stamp(["merchants", "place", "m1", "--shard", "a", "--shard", "a"])).err).toMatch(/named twice/);
  });
});
