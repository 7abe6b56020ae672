/**
 * `stamp ledger check --since-checkpoint` on both stores: after signed checkpoints, an
 * incremental check re-verifies only the taps and audit entries that came after them, says where
 * it began, and still finds an event altered after the checkpoint; the whole check is unchanged.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { checkLedgerEvidence, makeCheckpoints } from "../../host/core/ledger-evidence";
import { createHostKeyFile } from "../../host/ledger/host-key";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld, must } from "../support/test-world";

describeEachStore("the incremental ledger check", (kind) => {
  it("re-verifies only what came after the newest checkpoints, and still finds a forged event there", async () => {
    const w = await createTestWorld(kind);
    const hostKey = createHostKeyFile(join(mkdtempSync(join(tmpdir(), "stamp-key-")), "host-key.json"));
    if (!hostKey.ok) throw new Error(hostKey.error);
    const t = Date.now();
    for (let i = 0; i < 5; i++) expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation, t + i)), t + i)).reason).toBe("ACCEPTED");
    const made = must(await makeCheckpoints(w.store, w.operator, hostKey.value, t + 10));
    const ledgerAt = made.find((c) => c.chain === "ledger")?.count ?? -1;
    const auditAt = made.find((c) => c.chain === "audit")?.count ?? -1;
    expect(ledgerAt).toBe(5);
    for (let i = 0; i < 3; i++) expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation, t + 20 + i)), t + 20 + i)).reason).toBe("ACCEPTED");

    const options = { keptCheckpoints: [], hostPublicKey: hostKey.value.publicKey };
    const since = must(await checkLedgerEvidence(w.store, w.operator, { ...options, incremental: true }));
    expect(since).toMatchObject({ intact: true, ledgerEvents: 8, checkedAfter: { ledger: 5, audit: auditAt }, checkpointsChecked: 2, stampStatesChecked: false });
    const whole = must(await checkLedgerEvidence(w.store, w.operator, options));
    expect(whole).toMatchObject({ intact: true, ledgerEvents: 8, checkedAfter: { ledger: 0, audit: 0 }, stampStatesChecked: true });
    // Without the host key no checkpoint is trusted: the check starts from the genesis.
    expect(must(await checkLedgerEvidence(w.store, w.operator, { keptCheckpoints: [], hostPublicKey: undefined, incremental: true })).checkedAfter).toEqual({ ledger: 0, audit: 0 });

    // Event 7 (after the checkpoint) with its response replaced: its signature no longer matches.
    const forged = "00".repeat(94);
    // Tampering from outside the host: the append-only trigger goes first.
    await w.database.execute(kind === "sqlite" ? "DROP TRIGGER ledger_no_update" : "DROP TRIGGER ledger_no_change ON ledger");
    await w.database.execute(`UPDATE ledger SET response = '${forged}' WHERE sequence = 7`);
    const broken = must(await checkLedgerEvidence(w.store, w.operator, { ...options, incremental: true }));
    expect(broken.intact).toBe(false);
    expect(broken.problems.map((p) => p.sequence)).toContain(7);
  });
});
