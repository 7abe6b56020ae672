import { PasskeyAuthenticator } from "../../../rig/access/passkey-authenticator";
import { SoftwareAuthenticator } from "../../host/software-authenticator";

/**
 * The rig's WebAuthn authenticator for a Target (`passkeys`): the suite's software authenticator
 * (test/host/software-authenticator.ts, a P-256 passkey with "none" attestation), one per
 * dashboard person the access-control campaign logs in through the host's own ceremony.
 */
export function softwarePasskeys(): PasskeyAuthenticator {
  return new SoftwareAuthenticator();
}
