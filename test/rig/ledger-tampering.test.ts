/**
 * The ledger-tampering campaign, short run, on both stores: a host of its own (the real server
 * on an SQLite file, or on a PostgreSQL database of the test server, rows then edited through
 * SQL), taps through its API, a checkpoint exported, and every tamper of the database detected by
 * the product's check against it, whole and incremental, with the untampered copy intact. Then
 * its twins: a check that only follows links, and the product's check without the exported
 * checkpoint, must each let tampers through. Against a target reached by URL only, it says it
 * did not run. STAMP_TEST_STORES picks the stores, as for the host's suite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { DatabasesIn, ledgerTamperingCampaign, ledgerTamperingCampaignWith } from "../../rig/campaigns/ledger-tampering";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { postgresDatabases } from "../../rig/tamper/postgres-databases";
import { sqliteDatabases } from "../../rig/tamper/sqlite-databases";
import { productEvidenceCheck } from "../../rig/tamper/evidence-checker";
import { TAMPERS } from "../../rig/tamper/tampers";
import { RunningHost } from "../../rig/twin";
import { createTestDatabase, describeEachStore, StoreKind } from "../support/test-stores";
import { checkpointBlindCheck, linksOnlyCheck } from "./twins/lax-evidence-checks";

/** Three short runs, each a host start, a dozen taps and some twenty checks of a small file: seconds idle. */
const RUN_TIMEOUT = 180_000;

/** SQLite files, or fresh databases on this test file's PostgreSQL server (copies are made on it with CREATE DATABASE … TEMPLATE). */
function databasesOf(kind: StoreKind): DatabasesIn {
  if (kind === "sqlite") return sqliteDatabases;
  return () => postgresDatabases(async () => (await createTestDatabase("postgres", { empty: true })).location);
}

describeEachStore("ledger-tampering campaign, short run", (kind) => {
  let host: RunningHost;
  let real: CampaignResult;
  let linksOnly: CampaignResult;
  let blind: CampaignResult;

  beforeAll(async () => {
    // The target only says the rig started the host (it can move its clock): the campaign starts a host of its own on `kind`.
    host = await startEmbeddedHost();
    const databases = databasesOf(kind);
    real = await runCampaign(ledgerTamperingCampaignWith(productEvidenceCheck, databases), host.target, SHORT_BUDGET);
    linksOnly = await runCampaign(ledgerTamperingCampaignWith(linksOnlyCheck, databases), host.target, SHORT_BUDGET);
    blind = await runCampaign(ledgerTamperingCampaignWith(checkpointBlindCheck, databases), host.target, SHORT_BUDGET);
  }, RUN_TIMEOUT);

  afterAll(async () => {
    await host?.stop();
  }, 30_000);

  it("runs its host on the store it is given", () => {
    for (const run of [real, linksOnly, blind]) expect(run.figures.find((f) => f.name === "database the host ran on")?.value).toBe(kind === "sqlite" ? "SQLite file" : "PostgreSQL");
  });

  it("detects every tamper with the real check, and finds the untampered copy intact", () => {
    expect({ accepted: real.accepted, falseRejections: real.falseRejections, examples: real.acceptedExamples }).toEqual({ accepted: 0, falseRejections: 0, examples: [] });
    expect(real.notRun).toEqual([]);
    expect(real.figures.filter((f) => !f.ok)).toEqual([]);
    expect(real.legitimate).toBe(7 + 2);
    // Every tamper against the whole check; against the incremental one, those within its claim (what came after the checkpoint, and the checkpoint's stored head).
    expect(real.attempts).toBe(TAMPERS.filter((t) => t.wholeClaims).length + TAMPERS.filter((t) => t.incrementalClaims).length);
    expect(real.flagged).toBe(real.attempts);
    // What the incremental check said of the rest is in the report, not hidden.
    const outside = real.figures.find((f) => f.name.startsWith("tampers outside the check's claim"));
    for (const t of TAMPERS.filter((t) => !t.incrementalClaims)) expect(outside?.value).toContain(`${t.name} (incremental`);
    for (const t of TAMPERS.filter((t) => !t.wholeClaims)) expect(outside?.value).toContain(`${t.name} (whole check)`);
  });

  it("catches its twins: a links-only check and a check without the exported checkpoint let tampers through", () => {
    expect(linksOnly.accepted).toBeGreaterThan(0);
    expect(linksOnly.falseRejections).toBe(0);
    expect(blind.accepted).toBeGreaterThan(0);
    expect(blind.falseRejections).toBe(0);
    // Without the checkpoint, the rebuilt chains are what slips through.
    expect(blind.acceptedExamples.every((a) => a.attack.startsWith("rebuilt") || a.attack.startsWith("deleted events"))).toBe(true);
  });

});

describe("ledger-tampering campaign against a deployment", () => {
  it("does not run against a target reached by URL only, and says why", async () => {
    const host = await startEmbeddedHost();
    let remote: CampaignResult;
    try {
      // The same host seen as a deployment: without advanceClock the rig did not start it.
      remote = await runCampaign(ledgerTamperingCampaign, { ...host.target, label: "a deployment", advanceClock: undefined }, SHORT_BUDGET);
    } finally {
      await host.stop();
    }
    expect(remote.attempts).toBe(0);
    expect(remote.notRun).toEqual([{ attack: "ledger tampering", why: "a deployment is reached by URL only: the rig cannot edit its database file" }]);
  }, RUN_TIMEOUT);
});
