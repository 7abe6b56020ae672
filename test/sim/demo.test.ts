import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../host/store/sqlite-store";
import { runDemo } from "../../sim/demo";

describe("npm run demo", () => {
  it("shows accepted taps, then replay, forgery, theft and a clone each rejected for its reason", async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), "stamp-demo-test-")), "demo.db");
    const lines: string[] = [];
    await runDemo({ dbPath, out: (line) => lines.push(line) });
    const text = lines.join("\n");
    lines.splice(0, lines.length, ...text.split("\n"));
    const row = (event: string) => lines.find((line) => line.includes(` ${event} `)) ?? "";
    expect(lines.filter((line) => / tap .* ACCEPTED/.test(line))).toHaveLength(5);
    expect(row("replayed response")).toContain("CHALLENGE_REUSED");
    expect(row("forged signature")).toContain("BAD_SIGNATURE");
    expect(row("stolen stamp")).toContain("OUTSIDE_SHOP");
    expect(row("cloned stamp")).toContain("COUNTER_REGRESSION");
    expect(row("genuine after clone")).toContain("STAMP_QUARANTINED");
    expect(text).toContain("Ledger: 5 accepted taps, hash chain intact.");
    const store = new SqliteStore(dbPath);
    const statuses = (await store.listStamps()).map((s) => s.status).sort();
    await store.close();
    expect(statuses).toEqual(["active", "quarantined"]);
  });
});
