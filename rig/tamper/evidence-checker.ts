import { checkLedgerEvidence } from "../../host/core/ledger-evidence";
import { Checkpoint } from "../../host/ledger/checkpoint";
import { Store } from "../../host/store/store";

/** What a check said about one database: intact or not, and whether it refolded the stamps' state. */
export interface CheckVerdict {
  intact: boolean;
  stampStatesChecked: boolean;
  problems: string[];
}

/** A check of a database against checkpoints kept outside it: the product's (below) or, in a twin's test, a weakened one. */
export type EvidenceChecker = (store: Store, kept: Checkpoint[], hostPublicKey: Uint8Array, incremental: boolean) => Promise<CheckVerdict>;

/**
 * The product's check, exactly what `stamp ledger check` runs on the host (POST /v1/ledger/check),
 * called in process on the copy as the operator.
 */
export const productEvidenceCheck: EvidenceChecker = async (store, kept, hostPublicKey, incremental) => {
  const report = await checkLedgerEvidence(store, { role: "operator", credentialId: "rig" }, { keptCheckpoints: kept, hostPublicKey: hostPublicKey, incremental: incremental });
  if (!report.ok) throw new Error(`the evidence check refused: ${report.error.message}`);
  return { intact: report.value.intact, stampStatesChecked: report.value.stampStatesChecked, problems: report.value.problems.map((p) => `${p.chain}${p.sequence === undefined ? "" : " " + p.sequence}: ${p.problem}`) };
};
