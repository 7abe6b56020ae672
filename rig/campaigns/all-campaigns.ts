import { Campaign } from "../campaign";
import { accessControlCampaign } from "./access-control";
import { challengeMisuseCampaign } from "./challenge-misuse";
import { cloneCampaign } from "./clone";
import { forgeryCampaign } from "./forgery";
import { ledgerTamperingCampaign } from "./ledger-tampering";
import { malformedInputCampaign } from "./malformed-input";
import { nonceQualityCampaign } from "./nonce-quality";
import { quarantineGriefingCampaign } from "./quarantine-griefing";
import { replayCampaign } from "./replay";
import { theftCampaign } from "./theft";

/** The campaigns built so far, in the order a run goes through them. */
export const ALL_CAMPAIGNS: readonly Campaign[] = [replayCampaign, challengeMisuseCampaign, forgeryCampaign, cloneCampaign, quarantineGriefingCampaign, theftCampaign, nonceQualityCampaign, malformedInputCampaign, ledgerTamperingCampaign, accessControlCampaign];
