import { GENESIS } from "../../../host/ledger/chain-hash";
import { readInPages } from "../../../host/ledger/evidence-check";
import { CheckVerdict, EvidenceChecker, productEvidenceCheck } from "../../../rig/tamper/evidence-checker";

/**
 * The ledger-tampering campaign's twins, in test code: two checks weaker than the product's.
 * The campaign must report tampers accepted against each.
 */

/** Follows each entry's previous-hash link to the one before, and nothing else: no hash recomputed, no signature, no checkpoint, no stamp state. */
export const linksOnlyCheck: EvidenceChecker = async (store) => {
  const problems: string[] = [];
  const chains: [string, AsyncGenerator<{ sequence: number; previousHash: string; hash: string }>][] = [
    ["ledger", readInPages((from, limit) => store.readLedger(from, limit))],
    ["audit", readInPages((from, limit) => store.readAudit(from, limit))],
  ];
  for (const [chain, entries] of chains) {
    let previous = GENESIS;
    for await (const entry of entries) {
      if (entry.previousHash !== previous) problems.push(`${chain} ${entry.sequence}: broken link`);
      previous = entry.hash;
    }
  }
  const verdict: CheckVerdict = { intact: problems.length === 0, stampStatesChecked: true, problems: problems };
  return verdict;
};

/** The product's check with the exported checkpoints thrown away: what the database says of itself only. */
export const checkpointBlindCheck: EvidenceChecker = (store, _kept, hostPublicKey, incremental) => productEvidenceCheck(store, [], hostPublicKey, incremental);
