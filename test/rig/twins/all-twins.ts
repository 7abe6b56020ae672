import { startEmbeddedHost } from "../../../rig/embedded-host";
import { Twin } from "../../../rig/twin";
import { ACCESS_CONTROL_TWIN } from "./access-control-twin";
import { amnesiacStore } from "./amnesiac-store";
import { bleStationTwin } from "./ble-station-twin";
import { startChildHost } from "./child-host";
import { counterAmnesiacStore } from "./counter-amnesiac-store";
import { counterNonceStore } from "./counter-nonce-store";
import { limitlessTwin } from "./flood-host";
import { laxRegistrationTwin } from "./lax-registration";
import { leakyStampTwin } from "./leaky-tag-build";
import { nfcStationTwin } from "./nfc-station-twin";
import { phoneEvidenceTwin } from "./phone-evidence-twin";
import { travelBlindStore } from "./travel-blind-store";
import { linksOnlyCheck } from "./lax-evidence-checks";
import { ledgerTamperingCampaignWith } from "../../../rig/campaigns/ledger-tampering";
import { regressionQuarantinesStore } from "./regression-quarantines-store";
import { unboundStore } from "./unbound-store";


/** One weakened host per campaign built so far (rig/campaigns/all-campaigns.ts). */
export const ALL_TWINS: readonly Twin[] = [
  {
    campaign: "replay",
    weakness: "a store that forgets spent challenges and counters (amnesiac-store.ts)",
    start: () => startEmbeddedHost(amnesiacStore),
  },
  {
    campaign: "challenge-misuse",
    weakness: "a store that forgets spent and expired challenges and counters (amnesiac-store.ts)",
    start: () => startEmbeddedHost(amnesiacStore),
  },
  {
    campaign: "forgery",
    weakness: "the tap decision's signature check replaced by one that accepts anything (lax-signature.ts, own process)",
    start: () => startChildHost("lax-tap-signature-hooks.mjs", "lax-signature twin"),
  },
  {
    campaign: "clone",
    weakness: "a store that forgets stamp counters and the signatures kept for them (counter-amnesiac-store.ts)",
    start: () => startEmbeddedHost(counterAmnesiacStore),
  },
  {
    campaign: "quarantine-griefing",
    weakness: "a store that quarantines a stamp on any late counter, instead of only on a proven fork (regression-quarantines-store.ts)",
    start: () => startEmbeddedHost(regressionQuarantinesStore),
  },
  {
    campaign: "theft",
    weakness: "a store that reads every stamp as bound to all its merchant's shops and to any verifier (unbound-store.ts)",
    start: () => startEmbeddedHost(unboundStore),
  },
  {
    campaign: "nonce-quality",
    weakness: "nonces made of the verifier id and a counter wrapping at 32 (counter-nonce-store.ts)",
    start: () => startEmbeddedHost(counterNonceStore),
  },
  {
    campaign: "malformed-input",
    weakness: "the tap verifier's decoder replaced by one that throws on a counter of 2^31 or more (int32-tap-response.ts, own process)",
    start: () => startChildHost("int32-tap-response-hooks.mjs", "int32 tap-response twin"),
  },
  {
    campaign: "ledger-tampering",
    weakness: "the evidence check replaced by one that only follows previous-hash links (lax-evidence-checks.ts)",
    start: () => startEmbeddedHost(),
    weakenedCampaign: ledgerTamperingCampaignWith(linksOnlyCheck),
  },
  ACCESS_CONTROL_TWIN,
  {
    campaign: "impossible-travel",
    weakness: "a store that never finds a stamp's last accepted tap, so the travel rule never fires (travel-blind-store.ts)",
    start: () => startEmbeddedHost(travelBlindStore),
  },
  {
    campaign: "relay",
    weakness: "the tap decision's relay rule replaced by one that finds every reply in time (relay-blind-rule.ts, own process)",
    start: () => startChildHost("relay-blind-hooks.mjs", "relay-blind twin"),
  },
  laxRegistrationTwin,
  phoneEvidenceTwin,
  limitlessTwin,
  leakyStampTwin,
  bleStationTwin,
  nfcStationTwin,
];
