import { fileURLToPath } from "node:url";
import { Twin } from "../../../rig/twin";
import { startChildHost } from "./child-host";

const LAX_REGISTRATION_HOST = fileURLToPath(new URL("./lax-registration-host-main.ts", import.meta.url));

/** The registration-forgery campaign's twin: a host whose registration skips the key and proof checks. */
export const laxRegistrationTwin: Twin = {
  campaign: "registration-forgery",
  weakness: "the registration core's key check and proof-of-possession check replaced by ones that pass anything (lax-registration-checks.ts, own process)",
  start: () => startChildHost(LAX_REGISTRATION_HOST, "lax-registration twin"),
};
