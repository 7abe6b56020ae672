/**
 * A WebAuthn authenticator in software, built from node:crypto and the CBOR encoder of
 * @simplewebauthn/server: a P-256 (ES256) discoverable credential with "none" attestation,
 * answering registration and login options the way a browser hands them on (WebAuthn Level 2,
 * §6.1 authenticator data, §6.5.4 attested credential data, §5.8.1 client data).
 */
import { createHash, generateKeyPairSync, KeyObject, randomBytes, sign } from "node:crypto";
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { isoCBOR } from "@simplewebauthn/server/helpers";

const FLAG_USER_PRESENT = 0x01;
const FLAG_ATTESTED_CREDENTIAL_DATA = 0x40;

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function sha256(bytes: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

function uint32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

export class SoftwareAuthenticator {
  readonly credentialId: Uint8Array = new Uint8Array(randomBytes(16));
  private readonly privateKey: KeyObject;
  private readonly coseKey: Uint8Array;
  private userHandle: Uint8Array | undefined;
  /** The signature counter; left at 0 it is an authenticator that keeps none (most passkeys). */
  signCount: number;

  constructor(options: { signCount?: number } = {}) {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: "jwk" });
    const coordinate = (value: string | undefined) => new Uint8Array(Buffer.from(value ?? "", "base64url"));
    // COSE_Key: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
    this.coseKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, coordinate(jwk.x)],
        [-3, coordinate(jwk.y)],
      ]),
    );
    this.signCount = options.signCount ?? 0;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  private clientData(type: "webauthn.create" | "webauthn.get", challenge: string, origin: string): Uint8Array {
    return new Uint8Array(Buffer.from(JSON.stringify({ type: type, challenge: challenge, origin: origin, crossOrigin: false })));
  }

  private authenticatorData(rpId: string, flags: number, attested: Uint8Array = new Uint8Array()): Uint8Array {
    return new Uint8Array(Buffer.concat([sha256(rpId), Uint8Array.of(flags), uint32(this.signCount), attested]));
  }

  /** navigator.credentials.create() on `origin`, as @simplewebauthn/browser serializes it. */
  register(options: PublicKeyCredentialCreationOptionsJSON, origin: string, rpId = options.rp.id ?? ""): RegistrationResponseJSON {
    this.userHandle = new Uint8Array(Buffer.from(options.user.id, "base64url"));
    const idLength = Uint8Array.of(this.credentialId.length >> 8, this.credentialId.length & 0xff);
    const attested = Buffer.concat([new Uint8Array(16), idLength, this.credentialId, this.coseKey]);
    const authData = this.authenticatorData(rpId, FLAG_USER_PRESENT | FLAG_ATTESTED_CREDENTIAL_DATA, attested);
    const noStatement = new Map<string, string>();
    const attestationObject = isoCBOR.encode(new Map<string, string | Uint8Array | Map<string, string>>([["fmt", "none"], ["attStmt", noStatement], ["authData", authData]]));
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: { clientDataJSON: b64url(this.clientData("webauthn.create", options.challenge, origin)), attestationObject: b64url(attestationObject), transports: ["internal"] },
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get() on `origin`: the counter goes up first if this authenticator keeps one. */
  login(options: PublicKeyCredentialRequestOptionsJSON, origin: string, rpId = options.rpId ?? ""): AuthenticationResponseJSON {
    if (this.signCount > 0) this.signCount++;
    const authData = this.authenticatorData(rpId, FLAG_USER_PRESENT);
    const clientData = this.clientData("webauthn.get", options.challenge, origin);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientData)]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(new Uint8Array(signature)),
        userHandle: this.userHandle === undefined ? undefined : b64url(this.userHandle),
      },
      clientExtensionResults: {},
    };
  }
}
