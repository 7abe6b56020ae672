import { startEmbeddedHost } from "../../../rig/embedded-host";
import { Twin } from "../../../rig/twin";
import { forgetfulCredentialsStore } from "./forgetful-credentials-store";
import { softwarePasskeys } from "./software-passkeys";

/**
 * The access-control campaign's weakened host, for ALL_TWINS: it needs no operator token, so it
 * runs on the plain embedded host, with a software authenticator for the dashboard sessions (a
 * revoked person's session is accepted there too).
 */
export const ACCESS_CONTROL_TWIN: Twin = {
  campaign: "access-control",
  weakness: "a store that forgets credentials' revocation and expiry and signed requests' spent nonces (forgetful-credentials-store.ts)",
  start: async () => {
    const host = await startEmbeddedHost(forgetfulCredentialsStore);
    return { ...host, target: { ...host.target, passkeys: softwarePasskeys } };
  },
};
