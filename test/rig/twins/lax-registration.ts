import { Twin } from "../../../rig/twin";
import { startChildHost } from "./child-host";


/** The registration-forgery campaign's twin: a host whose registration skips the key and proof checks. */
export const laxRegistrationTwin: Twin = {
  campaign: "registration-forgery",
  weakness: "the registration core's key check and proof-of-possession check replaced by ones that pass anything (lax-registration-checks.ts, own process)",
  start: () => startChildHost("lax-registration-hooks.mjs", "lax-registration twin"),
};
