import { Campaign } from "../campaign";
import { accessControlCampaign } from "./access-control";
import { bleStationCampaign } from "./ble-station";
import { challengeMisuseCampaign } from "./challenge-misuse";
import { cloneCampaign } from "./clone";
import { floodsCampaign } from "./floods";
import { forgeryCampaign } from "./forgery";
import { impossibleTravelCampaign } from "./impossible-travel";
import { keyExtractionCampaign } from "./key-extraction";
import { ledgerTamperingCampaign } from "./ledger-tampering";
import { malformedInputCampaign } from "./malformed-input";
import { nfcStationCampaign } from "./nfc-station";
import { nonceQualityCampaign } from "./nonce-quality";
import { phoneUrlReplayCampaign } from "./phone-url-replay";
import { quarantineGriefingCampaign } from "./quarantine-griefing";
import { registrationForgeryCampaign } from "./registration-forgery";
import { relayCampaign } from "./relay";
import { replayCampaign } from "./replay";
import { theftCampaign } from "./theft";

/** The campaigns built so far, in the order a run goes through them. */
export const ALL_CAMPAIGNS: readonly Campaign[] = [
  replayCampaign,
  challengeMisuseCampaign,
  forgeryCampaign,
  cloneCampaign,
  quarantineGriefingCampaign,
  theftCampaign,
  impossibleTravelCampaign,
  relayCampaign,
  phoneUrlReplayCampaign,
  registrationForgeryCampaign,
  nonceQualityCampaign,
  malformedInputCampaign,
  ledgerTamperingCampaign,
  accessControlCampaign,
  floodsCampaign,
  keyExtractionCampaign,
  bleStationCampaign,
  nfcStationCampaign,
];

/**
 * Floods needs the product's own rate limits, in a host process of its own, and the database's
 * row counts: a bench the rig's usual host does not carry (it says "not run" against it). Its own
 * test (test/rig/floods.test.ts) runs it with that bench; the short run leaves it to that test.
 */
export const NEEDS_FLOOD_BENCH: readonly string[] = [floodsCampaign.name];

/**
 * The radio paths need a bench the rig's usual host does not carry (they say "not run" against it):
 * ble-station a BLE radio (bleno over an emulated HCI controller), nfc-station a PC/SC reader with
 * virtual cards (pcscd + vpcd). Their own tests run them with that bench (test/rig/ble-station.test.ts,
 * test/rig/nfc-station.test.ts); the short run leaves them to those tests.
 */
export const NEEDS_RADIO_BENCH: readonly string[] = [bleStationCampaign.name, nfcStationCampaign.name];
