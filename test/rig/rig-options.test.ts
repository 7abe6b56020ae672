import { describe, expect, it } from "vitest";
import { FULL_BUDGET, SHORT_BUDGET } from "../../rig/campaign";
import { rigOptions } from "../../rig/rig-options";

describe("rig: command line", () => {
  it("runs the full budget on its own host into reports/ by default", () => {
    expect(rigOptions([], {})).toEqual({ ok: true, options: { help: false, budget: FULL_BUDGET, outDir: "reports", campaigns: [], deployment: undefined } });
  });

  it("takes --short, --nonce-samples, --campaign and --out", () => {
    const parsed = rigOptions(["--short", "--nonce-samples", "5000", "--campaign", "replay", "--campaign", "forgery", "--out", "/tmp/r"], {});
    expect(parsed).toEqual({ ok: true, options: { help: false, budget: { ...SHORT_BUDGET, nonceSamples: 5000 }, outDir: "/tmp/r", campaigns: ["replay", "forgery"], deployment: undefined } });
  });

  it("attacks a deployment with the owner token from the environment only", () => {
    const args = ["--url", "https://stamps.example", "--merchant", "rig"];
    expect(rigOptions(args, { STAMP_RIG_OWNER_TOKEN: "stamp_x" })).toMatchObject({ ok: true, options: { deployment: { url: "https://stamps.example", merchantId: "rig", ownerToken: "stamp_x" } } });
    expect(rigOptions(args, {})).toMatchObject({ ok: false, error: expect.stringMatching(/STAMP_RIG_OWNER_TOKEN/) });
    expect(rigOptions(["--url", "https://stamps.example"], { STAMP_RIG_OWNER_TOKEN: "x" })).toMatchObject({ ok: false });
  });

  it("asks for the usage with --help or -h", () => {
    expect(rigOptions(["--help"], {})).toMatchObject({ ok: true, options: { help: true } });
    expect(rigOptions(["-h"], {})).toMatchObject({ ok: true, options: { help: true } });
  });

  it("collects the issue's million challenges in the full run", () => {
    expect(FULL_BUDGET.nonceSamples).toBe(1_000_000);
  });

  it("refuses unknown options and silly sample counts", () => {
    expect(rigOptions(["--token", "x"], {})).toMatchObject({ ok: false });
    expect(rigOptions(["--nonce-samples", "ten"], {})).toMatchObject({ ok: false });
    expect(rigOptions(["--nonce-samples", "5"], {})).toMatchObject({ ok: false });
  });
});
