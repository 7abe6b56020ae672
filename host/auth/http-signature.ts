/**
 * Machine credentials for counter and flashing stations: RFC 9421 HTTP Message Signatures with
 * Ed25519, one fixed profile, label `sig1`.
 *
 * Every signature covers, in this order, `"@method" "@authority" "@path" "@query"
 * "content-digest"` and carries exactly the parameters created, nonce, keyid, alg="ed25519" and
 * tag="stamp-station/v1". Anything else is refused rather than negotiated: a verifier that
 * accepts whichever components the signer chose to cover can be handed a signature that covers
 * nothing that matters.
 *
 * - @authority is covered so that a signature made for one host name cannot be replayed
 *   against another host that trusts the same station key.
 * - content-digest (RFC 9530) is covered so that the body is: the caller must check the header
 *   against the bytes received (checkContentDigest) and pass the header value as received.
 * - created must lie within a window around the verifier's clock: it bounds how long a
 *   captured request stays usable and how long the caller must remember its nonce.
 * - the tag separates these signatures from any other RFC 9421 use of the same key.
 *
 * Replay inside the window is NOT refused here: the caller must store each (keyid, nonce) it
 * accepted for at least twice the window and refuse one seen before.
 */
import { KeyObject, randomBytes, sign } from "node:crypto";
import { err, ok, Result } from "../../shared/result";
import { publicKeyObject, verifyStrict } from "../crypto/ed25519-strict";
import { BareItem, Dictionary, InnerList, Item, parseDictionary, serializeInnerList, stringItem } from "./structured-fields";

export const SIGNATURE_LABEL = "sig1";
export const COVERED_COMPONENTS: readonly string[] = ["@method", "@authority", "@path", "@query", "content-digest"];
export const SIGNATURE_ALGORITHM = "ed25519";
export const SIGNATURE_TAG = "stamp-station/v1";

/** The signature parameters, each exactly once, in any order. */
const SIGNATURE_PARAMETERS: readonly string[] = ["created", "nonce", "keyid", "alg", "tag"];
/** A valid Signature-Input is about 170 characters, a valid Signature about 95. */
const MAX_SIGNATURE_INPUT_LENGTH = 512;
const MAX_SIGNATURE_LENGTH = 256;
const NONCE_BYTES = 16;
const SIGNATURE_BYTES = 64;
const PUBLIC_KEY_BYTES = 32;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;
/** 22 base64url characters hold 16 bytes; the last one only 2 bits, checked by re-encoding. */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** A component value must not break the one-line-per-component signature base. */
const COMPONENT_VALUE_PATTERN = /^[\x20-\x7e]*$/;

/** What a signature covers, as both sides see it. */
export interface SignableRequest {
  method: string;
  /** host[:port], lower case, without the scheme's default port. */
  authority: string;
  path: string;
  /** "?a=b", or "?" when there is no query (RFC 9421 §2.2.7). */
  query: string;
  /** The Content-Digest header value, as sent or as received. */
  contentDigest: string;
}

export interface SignatureParams {
  created: number;
  nonce: string;
  keyId: string;
}

export interface ParsedSignature {
  keyId: string;
  created: number;
  nonce: string;
  components: string[];
  /** The `@signature-params` value of the signature base: the received inner list, re-serialized. */
  paramsText: string;
  signature: Uint8Array;
}

export type SignatureHeaderError =
  | "missing-signature-headers"
  | "signature-headers-too-long"
  | "malformed-signature-input"
  | "malformed-signature"
  | "not-exactly-one-signature"
  | "wrong-signature-label"
  | "wrong-covered-components"
  | "wrong-signature-params"
  | "unsupported-alg"
  | "wrong-tag"
  | "bad-created"
  | "bad-nonce"
  | "bad-keyid";

export type SignatureVerdict = { ok: true } | { ok: false; reason: "expired" | "future" | "bad-signature" };

/** A fresh nonce: 16 random bytes, base64url without padding (22 characters). */
export function randomNonce(): string {
  return randomBytes(NONCE_BYTES).toString("base64url");
}

/** Splits a request target into RFC 9421 @path and @query ("?" when there is no query). */
export function splitPathAndQuery(pathAndQuery: string): { path: string; query: string } {
  const mark = pathAndQuery.indexOf("?");
  if (mark < 0) return { path: pathAndQuery, query: "?" };
  return { path: pathAndQuery.slice(0, mark), query: pathAndQuery.slice(mark) };
}

/** The `@signature-params` value a signer writes: the covered components and parameters. */
export function signatureParamsText(params: SignatureParams): string {
  const list: InnerList = {
    kind: "inner-list",
    items: COVERED_COMPONENTS.map(stringItem),
    params: [
      ["created", { type: "integer", value: params.created }],
      ["nonce", { type: "string", value: params.nonce }],
      ["keyid", { type: "string", value: params.keyId }],
      ["alg", { type: "string", value: SIGNATURE_ALGORITHM }],
      ["tag", { type: "string", value: SIGNATURE_TAG }],
    ],
  };
  return serializeInnerList(list);
}

function componentValues(request: SignableRequest): string[] {
  return [request.method, request.authority.toLowerCase(), request.path, request.query, request.contentDigest];
}

/** RFC 9421 §2.5: one `"<name>": <value>` line per component, then `"@signature-params"`. */
export function signatureBase(request: SignableRequest, paramsText: string): string {
  const values = componentValues(request);
  const lines = COVERED_COMPONENTS.map((name, index) => `"${name}": ${values[index]}`);
  return [...lines, `"@signature-params": ${paramsText}`].join("\n");
}

function isSignable(request: SignableRequest): boolean {
  return componentValues(request).every((value) => COMPONENT_VALUE_PATTERN.test(value));
}

/** The Signature-Input and Signature headers for this request. Throws on a malformed key id or nonce: a programming error. */
export function signRequest(
  request: SignableRequest,
  key: { keyId: string; privateKey: KeyObject },
  created: number,
  nonce: string,
): { "signature-input": string; signature: string } {
  if (!KEY_ID_PATTERN.test(key.keyId)) throw new Error(`key id must be 16 lower-case hex digits, not ${JSON.stringify(key.keyId)}`);
  if (!isCanonicalNonce(nonce)) throw new Error("nonce must be 16 bytes in base64url (22 characters)");
  if (!Number.isSafeInteger(created) || created < 0) throw new Error(`created must be unix seconds, not ${created}`);
  if (!isSignable(request)) throw new Error("request components must be printable ASCII");
  const paramsText = signatureParamsText({ created: created, nonce: nonce, keyId: key.keyId });
  const signature = sign(null, Buffer.from(signatureBase(request, paramsText)), key.privateKey);
  return {
    "signature-input": `${SIGNATURE_LABEL}=${paramsText}`,
    signature: `${SIGNATURE_LABEL}=:${signature.toString("base64")}:`,
  };
}

function isCanonicalNonce(nonce: string): boolean {
  return NONCE_PATTERN.test(nonce) && Buffer.from(nonce, "base64url").toString("base64url") === nonce;
}

/** The one member of a dictionary, which must be labelled sig1. */
function onlySignature(dictionary: Dictionary): Result<Item | InnerList, SignatureHeaderError> {
  if (dictionary.length !== 1) return err("not-exactly-one-signature");
  const [label, member] = dictionary[0];
  return label === SIGNATURE_LABEL ? ok(member) : err("wrong-signature-label");
}

function hasCoveredComponents(list: InnerList): boolean {
  return (
    list.items.length === COVERED_COMPONENTS.length &&
    list.items.every((item, index) => item.bare.type === "string" && item.bare.value === COVERED_COMPONENTS[index] && item.params.length === 0)
  );
}

function stringValue(bare: BareItem | undefined): string | undefined {
  return bare?.type === "string" ? bare.value : undefined;
}

/** Reads the profile's parameters from an inner list whose shape was already checked. */
function readParams(list: InnerList): Result<SignatureParams, SignatureHeaderError> {
  const names = list.params.map(([name]) => name);
  if (names.length !== SIGNATURE_PARAMETERS.length || !SIGNATURE_PARAMETERS.every((name) => names.includes(name))) {
    return err("wrong-signature-params");
  }
  const param = (name: string): BareItem | undefined => list.params.find(([key]) => key === name)?.[1];
  if (stringValue(param("alg")) !== SIGNATURE_ALGORITHM) return err("unsupported-alg");
  if (stringValue(param("tag")) !== SIGNATURE_TAG) return err("wrong-tag");
  const created = param("created");
  if (created?.type !== "integer" || created.value < 0) return err("bad-created");
  const nonce = stringValue(param("nonce"));
  if (nonce === undefined || !isCanonicalNonce(nonce)) return err("bad-nonce");
  const keyId = stringValue(param("keyid"));
  if (keyId === undefined || !KEY_ID_PATTERN.test(keyId)) return err("bad-keyid");
  return ok({ created: created.value, nonce: nonce, keyId: keyId });
}

function readSignatureBytes(header: string): Result<Uint8Array, SignatureHeaderError> {
  const parsed = parseDictionary(header);
  if (!parsed.ok) return err("malformed-signature");
  const member = onlySignature(parsed.value);
  if (!member.ok) return member;
  const item = member.value;
  if (item.kind !== "item" || item.bare.type !== "bytes" || item.params.length > 0 || item.bare.value.length !== SIGNATURE_BYTES) {
    return err("malformed-signature");
  }
  return ok(item.bare.value);
}

/** Reads Signature-Input and Signature for this profile. Total: any bytes give a Result. */
export function parseSignatureHeaders(headers: { signatureInput?: string; signature?: string }): Result<ParsedSignature, SignatureHeaderError> {
  const { signatureInput, signature } = headers;
  if (signatureInput === undefined || signature === undefined) return err("missing-signature-headers");
  if (signatureInput.length > MAX_SIGNATURE_INPUT_LENGTH || signature.length > MAX_SIGNATURE_LENGTH) return err("signature-headers-too-long");
  const parsedInput = parseDictionary(signatureInput);
  if (!parsedInput.ok) return err("malformed-signature-input");
  const member = onlySignature(parsedInput.value);
  if (!member.ok) return member;
  const list = member.value;
  if (list.kind !== "inner-list") return err("malformed-signature-input");
  if (!hasCoveredComponents(list)) return err("wrong-covered-components");
  const params = readParams(list);
  if (!params.ok) return params;
  const signatureBytes = readSignatureBytes(signature);
  if (!signatureBytes.ok) return signatureBytes;
  return ok({
    keyId: params.value.keyId,
    created: params.value.created,
    nonce: params.value.nonce,
    components: [...COVERED_COMPONENTS],
    paramsText: serializeInnerList(list),
    signature: signatureBytes.value,
  });
}

/**
 * Checks the time window, then the signature over the base rebuilt from this request. The
 * caller has already checked Content-Digest against the body and must still refuse a nonce it
 * has seen (see the module comment). publicKey is the station's registered 32-byte key.
 */
export function verifySignedRequest(
  request: SignableRequest,
  parsed: ParsedSignature,
  publicKey: Uint8Array,
  nowSeconds: number,
  windowSeconds: number,
): SignatureVerdict {
  if (parsed.created < nowSeconds - windowSeconds) return { ok: false, reason: "expired" };
  if (parsed.created > nowSeconds + windowSeconds) return { ok: false, reason: "future" };
  if (publicKey.length !== PUBLIC_KEY_BYTES || !isSignable(request)) return { ok: false, reason: "bad-signature" };
  const base = Buffer.from(signatureBase(request, parsed.paramsText));
  return verifyStrict(publicKeyObject(publicKey), base, parsed.signature) ? { ok: true } : { ok: false, reason: "bad-signature" };
}
