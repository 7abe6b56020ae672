import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, sign } from "node:crypto";
import { createSigner, createVerifier, httpbis } from "http-message-signatures";
import { describe, expect, it } from "vitest";
import { contentDigest } from "../../host/auth/content-digest";
import {
  parseSignatureHeaders,
  ParsedSignature,
  randomNonce,
  SignableRequest,
  signatureBase,
  signatureParamsText,
  signRequest,
  splitPathAndQuery,
  verifySignedRequest,
} from "../../host/auth/http-signature";
import { verifyStrict, publicKeyObject } from "../../host/crypto/ed25519-strict";
import { GROUP_ORDER, littleEndianToBigInt } from "../../host/crypto/edwards25519";

const KEY_ID = "0123456789abcdef";
const NOW = 1_750_000_000;
const WINDOW = 300;
const NONCE = "AAECAwQFBgcICQoLDA0ODw"; // bytes 0..15
const BODY = new TextEncoder().encode('{"stampId":"abc","counter":7}');

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

const { privateKey } = generateKeyPairSync("ed25519");
const publicKey = rawPublicKey(privateKey);
const key = { keyId: KEY_ID, privateKey: privateKey };

const request: SignableRequest = {
  method: "POST",
  authority: "stamp.example:8443",
  path: "/v1/taps",
  query: "?verifier=counter-1",
  contentDigest: contentDigest(BODY),
};

function headersOf(signed: { "signature-input": string; signature: string }): { signatureInput: string; signature: string } {
  return { signatureInput: signed["signature-input"], signature: signed.signature };
}

function parsed(signed: { "signature-input": string; signature: string }): ParsedSignature {
  const result = parseSignatureHeaders(headersOf(signed));
  if (!result.ok) throw new Error(`parse failed: ${result.error}`);
  return result.value;
}

function signedAt(created: number, nonce = NONCE): ParsedSignature {
  return parsed(signRequest(request, key, created, nonce));
}

const PARAMS_TEXT = `("@method" "@authority" "@path" "@query" "content-digest");created=${NOW};nonce="${NONCE}";keyid="${KEY_ID}";alg="ed25519";tag="stamp-station/v1"`;

describe("signature base (RFC 9421 §2.5)", () => {
  it("is one line per covered component, then @signature-params", () => {
    expect(signatureParamsText({ created: NOW, nonce: NONCE, keyId: KEY_ID })).toBe(PARAMS_TEXT);
    expect(signatureBase(request, PARAMS_TEXT)).toBe(
      [
        '"@method": POST',
        '"@authority": stamp.example:8443',
        '"@path": /v1/taps',
        '"@query": ?verifier=counter-1',
        `"content-digest": ${contentDigest(BODY)}`,
        `"@signature-params": ${PARAMS_TEXT}`,
      ].join("\n"),
    );
  });

  it("splits a request target into @path and @query, with ? for no query", () => {
    expect(splitPathAndQuery("/v1/events?limit=5&after=x")).toEqual({ path: "/v1/events", query: "?limit=5&after=x" });
    expect(splitPathAndQuery("/v1/events")).toEqual({ path: "/v1/events", query: "?" });
    expect(splitPathAndQuery("/v1/events?")).toEqual({ path: "/v1/events", query: "?" });
  });

  it("writes the headers under the label sig1", () => {
    const signed = signRequest(request, key, NOW, NONCE);
    expect(signed["signature-input"]).toBe(`sig1=${PARAMS_TEXT}`);
    expect(signed.signature).toMatch(/^sig1=:[A-Za-z0-9+/]{86}==:$/);
  });

  it("gives random 22-character base64url nonces", () => {
    const nonces = new Set(Array.from({ length: 50 }, randomNonce));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("refuses to sign with a malformed key id, nonce or component", () => {
    expect(() => signRequest(request, { ...key, keyId: "ABC" }, NOW, NONCE)).toThrow(/key id/);
    expect(() => signRequest(request, key, NOW, "short")).toThrow(/nonce/);
    expect(() => signRequest({ ...request, path: "/v1\n/taps" }, key, NOW, NONCE)).toThrow(/printable/);
  });
});

describe("sign and verify", () => {
  it("round trip", () => {
    const signature = signedAt(NOW);
    expect(signature.keyId).toBe(KEY_ID);
    expect(signature.created).toBe(NOW);
    expect(signature.nonce).toBe(NONCE);
    expect(signature.components).toEqual(["@method", "@authority", "@path", "@query", "content-digest"]);
    expect(signature.paramsText).toBe(PARAMS_TEXT);
    expect(verifySignedRequest(request, signature, publicKey, NOW, WINDOW)).toEqual({ ok: true });
  });

  it("fails for every altered covered component", () => {
    const signature = signedAt(NOW);
    const altered: SignableRequest[] = [
      { ...request, method: "PATCH" },
      { ...request, authority: "other.example:8443" },
      { ...request, authority: "stamp.example:8444" },
      { ...request, path: "/v1/challenges" },
      { ...request, query: "?verifier=counter-2" },
      { ...request, query: "?" },
      { ...request, contentDigest: contentDigest(new TextEncoder().encode('{"stampId":"abc","counter":8}')) },
    ];
    for (const other of altered) expect(verifySignedRequest(other, signature, publicKey, NOW, WINDOW)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("fails when created, nonce or keyid is altered in Signature-Input", () => {
    const signed = signRequest(request, key, NOW, NONCE);
    const substitutions: Array<[string, string]> = [
      [`created=${NOW}`, `created=${NOW + 1}`],
      [`nonce="${NONCE}"`, `nonce="${randomNonce()}"`],
      [`keyid="${KEY_ID}"`, 'keyid="fedcba9876543210"'],
    ];
    for (const [from, to] of substitutions) {
      const forged = parsed({ ...signed, "signature-input": signed["signature-input"].replace(from, to) });
      expect(verifySignedRequest(request, forged, publicKey, NOW, WINDOW)).toEqual({ ok: false, reason: "bad-signature" });
    }
  });

  it("fails under another public key", () => {
    const other = rawPublicKey(generateKeyPairSync("ed25519").privateKey);
    expect(verifySignedRequest(request, signedAt(NOW), other, NOW, WINDOW)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifySignedRequest(request, signedAt(NOW), publicKey.subarray(0, 31), NOW, WINDOW)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("accepts created within ±window, refuses it outside as expired or future", () => {
    expect(verifySignedRequest(request, signedAt(NOW - WINDOW), publicKey, NOW, WINDOW)).toEqual({ ok: true });
    expect(verifySignedRequest(request, signedAt(NOW + WINDOW), publicKey, NOW, WINDOW)).toEqual({ ok: true });
    expect(verifySignedRequest(request, signedAt(NOW - WINDOW - 1), publicKey, NOW, WINDOW)).toEqual({ ok: false, reason: "expired" });
    expect(verifySignedRequest(request, signedAt(NOW + WINDOW + 1), publicKey, NOW, WINDOW)).toEqual({ ok: false, reason: "future" });
  });

  it("refuses a malleated signature (S + L), which the plain library check would also have to catch", () => {
    const signature = signedAt(NOW);
    const s = littleEndianToBigInt(signature.signature.subarray(32));
    const malleated = new Uint8Array(signature.signature);
    let sPlusL = s + GROUP_ORDER;
    expect(sPlusL < 1n << 256n).toBe(true);
    for (let i = 32; i < 64; i += 1) {
      malleated[i] = Number(sPlusL & 0xffn);
      sPlusL >>= 8n;
    }
    const header = `sig1=:${Buffer.from(malleated).toString("base64")}:`;
    const reparsed = parseSignatureHeaders({ signatureInput: `sig1=${signature.paramsText}`, signature: header });
    expect(reparsed.ok).toBe(true);
    if (!reparsed.ok) return;
    expect(verifySignedRequest(request, reparsed.value, publicKey, NOW, WINDOW)).toEqual({ ok: false, reason: "bad-signature" });
  });
});

describe("parseSignatureHeaders refuses", () => {
  const signed = headersOf(signRequest(request, key, NOW, NONCE));
  const withInput = (input: string) => parseSignatureHeaders({ ...signed, signatureInput: input });
  const replacingInInput = (from: string, to: string) => withInput(signed.signatureInput.replace(from, to));

  it("missing headers", () => {
    expect(parseSignatureHeaders({ signature: signed.signature })).toEqual({ ok: false, error: "missing-signature-headers" });
    expect(parseSignatureHeaders({ signatureInput: signed.signatureInput })).toEqual({ ok: false, error: "missing-signature-headers" });
    expect(parseSignatureHeaders({})).toEqual({ ok: false, error: "missing-signature-headers" });
  });

  it("overlong headers", () => {
    expect(withInput(signed.signatureInput + " ".repeat(600))).toEqual({ ok: false, error: "signature-headers-too-long" });
    expect(parseSignatureHeaders({ ...signed, signature: "x".repeat(257) })).toEqual({ ok: false, error: "signature-headers-too-long" });
  });

  it("more than one signature label, or another label", () => {
    expect(withInput(`${signed.signatureInput}, sig2=${PARAMS_TEXT}`)).toEqual({ ok: false, error: "not-exactly-one-signature" });
    expect(withInput(`${signed.signatureInput}, sig1=${PARAMS_TEXT}`)).toEqual({ ok: false, error: "malformed-signature-input" });
    expect(parseSignatureHeaders({ ...signed, signature: `${signed.signature}, sig2=${signed.signature.slice(5)}` })).toEqual({
      ok: false,
      error: "not-exactly-one-signature",
    });
    expect(withInput(signed.signatureInput.replace("sig1=", "sig2="))).toEqual({ ok: false, error: "wrong-signature-label" });
    expect(parseSignatureHeaders({ ...signed, signature: signed.signature.replace("sig1=", "sig2=") })).toEqual({ ok: false, error: "wrong-signature-label" });
  });

  it("any other covered component list", () => {
    const lists = [
      '("@method" "@authority" "@path" "@query")',
      '("@method" "@authority" "@path" "@query" "content-digest" "date")',
      '("@authority" "@method" "@path" "@query" "content-digest")',
      '("@method" "@authority" "@path" "@query" "content-digest";sf)',
      '("@method" "@authority" "@path" "@query" content-digest)',
      "()",
    ];
    for (const list of lists) expect(replacingInInput('("@method" "@authority" "@path" "@query" "content-digest")', list)).toEqual({ ok: false, error: "wrong-covered-components" });
    expect(withInput(`sig1="@method";created=${NOW}`)).toEqual({ ok: false, error: "malformed-signature-input" });
  });

  it("missing or extra parameters", () => {
    expect(replacingInInput(`;nonce="${NONCE}"`, "")).toEqual({ ok: false, error: "wrong-signature-params" });
    expect(replacingInInput(`;created=${NOW}`, "")).toEqual({ ok: false, error: "wrong-signature-params" });
    expect(withInput(`${signed.signatureInput};expires=${NOW + 60}`)).toEqual({ ok: false, error: "wrong-signature-params" });
    expect(withInput(`${signed.signatureInput};created=${NOW}`)).toEqual({ ok: false, error: "malformed-signature-input" });
  });

  it("an algorithm other than ed25519, or another tag", () => {
    expect(replacingInInput('alg="ed25519"', 'alg="rsa-pss-sha512"')).toEqual({ ok: false, error: "unsupported-alg" });
    expect(replacingInInput('alg="ed25519"', "alg=ed25519")).toEqual({ ok: false, error: "unsupported-alg" });
    expect(replacingInInput('tag="stamp-station/v1"', 'tag="stamp-station/v2"')).toEqual({ ok: false, error: "wrong-tag" });
  });

  it("a created that is not a non-negative integer", () => {
    expect(replacingInInput(`created=${NOW}`, `created="${NOW}"`)).toEqual({ ok: false, error: "bad-created" });
    expect(replacingInInput(`created=${NOW}`, "created=-1")).toEqual({ ok: false, error: "bad-created" });
    expect(replacingInInput(`created=${NOW}`, `created=${NOW}.5`)).toEqual({ ok: false, error: "malformed-signature-input" });
  });

  it("a nonce that is not 16 bytes of base64url", () => {
    for (const nonce of ["AAECAwQFBgcICQoLDA0OD", "AAECAwQFBgcICQoLDA0ODwA", "AAECAwQFBgcICQoLDA0OD+", "AAECAwQFBgcICQoLDA0ODx"]) {
      expect(replacingInInput(`nonce="${NONCE}"`, `nonce="${nonce}"`)).toEqual({ ok: false, error: "bad-nonce" });
    }
  });

  it("a keyid that is not 16 lower-case hex digits", () => {
    for (const keyId of ["0123456789ABCDEF", "0123456789abcde", "0123456789abcdef0", "0123456789abcdeg"]) {
      expect(replacingInInput(`keyid="${KEY_ID}"`, `keyid="${keyId}"`)).toEqual({ ok: false, error: "bad-keyid" });
    }
  });

  it("a malformed signature value", () => {
    const body = signed.signature.slice(6, -1);
    const bad = [
      `sig1=:${body.slice(0, -2)}:`, // not valid padding
      `sig1=:${body.slice(4)}:`, // 61 bytes
      `sig1=:${body}`, // unterminated
      `sig1=:${body.replace(/[A-Za-z]/, "!")}:`,
      `sig1=:${body.slice(0, -3)}B==:`, // non-canonical final character
      `sig1=:${body}:;alg="ed25519"`,
      `sig1="${body}"`,
      `sig1=(:${body}:)`,
    ];
    for (const signature of bad) expect(parseSignatureHeaders({ ...signed, signature: signature })).toEqual({ ok: false, error: "malformed-signature" });
  });

  it("random and mutated header strings without ever throwing", () => {
    const alphabet = 'sig1=():;" ,-?*abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/_\\@\t\n\u0000\u00e9\ud83d';
    const randomText = (length: number) => Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join("");
    const mutate = (text: string) => {
      const bytes = randomBytes(4);
      const at = bytes[0] % (text.length + 1);
      switch (bytes[1] % 3) {
        case 0:
          return text.slice(0, at) + text.slice(at + 1);
        case 1:
          return text.slice(0, at) + alphabet[bytes[2] % alphabet.length] + text.slice(at);
        default:
          return text.slice(0, at) + alphabet[bytes[2] % alphabet.length] + text.slice(at + 1);
      }
    };
    let accepted = 0;
    for (let round = 0; round < 10_000; round += 1) {
      const kind = round % 4;
      const headers =
        kind === 0
          ? { signatureInput: randomText(randomBytes(1)[0]), signature: randomText(randomBytes(1)[0]) }
          : kind === 1
            ? { signatureInput: randomBytes(randomBytes(1)[0]).toString("latin1"), signature: randomBytes(100).toString("latin1") }
            : kind === 2
              ? { signatureInput: mutate(mutate(signed.signatureInput)), signature: signed.signature }
              : { signatureInput: signed.signatureInput, signature: mutate(signed.signature) };
      const result = parseSignatureHeaders(headers);
      expect(typeof result.ok).toBe("boolean");
      if (result.ok) {
        accepted += 1;
        const verdict = verifySignedRequest(request, result.value, publicKey, NOW, WINDOW);
        // A mutation that still parses verifies only if it means the very same signature input.
        if (verdict.ok) expect(result.value.paramsText).toBe(PARAMS_TEXT);
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

describe("cross-check with the independent http-message-signatures package", () => {
  const url = `https://${request.authority}${request.path}${request.query}`;
  const fields = ["@method", "@authority", "@path", "@query", "content-digest"];

  it("verifies a request signed here", async () => {
    const created = Math.floor(Date.now() / 1000) - 1;
    const signed = signRequest(request, key, created, randomNonce());
    const verified = await httpbis.verifyMessage(
      {
        keyLookup: async (params) => (params.keyid === KEY_ID ? { id: KEY_ID, algs: ["ed25519"], verify: createVerifier(publicKeyObject(publicKey), "ed25519") } : null),
        requiredFields: fields,
        requiredParams: ["created", "nonce", "keyid", "alg", "tag"],
        maxAge: 60,
      },
      { method: "POST", url: url, headers: { "content-digest": request.contentDigest, ...signed } },
    );
    expect(verified).toBe(true);
  });

  it("a request it signed with this profile verifies here", async () => {
    const created = new Date(NOW * 1000);
    const nonce = randomNonce();
    const message = await httpbis.signMessage(
      {
        key: createSigner(privateKey, "ed25519", KEY_ID),
        name: "sig1",
        fields: fields,
        params: ["created", "nonce", "keyid", "alg", "tag"],
        paramValues: { created: created, nonce: nonce, tag: "stamp-station/v1" },
      },
      { method: "POST", url: url, headers: { "content-digest": request.contentDigest } },
    );
    const headers = message.headers as Record<string, string>;
    const result = parseSignatureHeaders({ signatureInput: headers["Signature-Input"], signature: headers["Signature"] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.paramsText).toBe(signatureParamsText({ created: NOW, nonce: nonce, keyId: KEY_ID }));
    expect(verifySignedRequest(request, result.value, publicKey, NOW, WINDOW)).toEqual({ ok: true });
    expect(verifySignedRequest({ ...request, method: "GET" }, result.value, publicKey, NOW, WINDOW)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("agrees on the signature base for our component list", () => {
    const base = httpbis.createSignatureBase({ fields: fields }, { method: "POST", url: url, headers: { "content-digest": request.contentDigest } });
    const theirs = httpbis.formatSignatureBase([...base, ['"@signature-params"', [PARAMS_TEXT]]]);
    expect(theirs).toBe(signatureBase(request, PARAMS_TEXT));
  });
});

describe("RFC 9421 Appendix B.2.6 (Ed25519, test-key-ed25519)", () => {
  // The key of RFC 9421 Appendix B.1.4, and the request, base and signature of B.2.6, byte for byte.
  const testKey = createPrivateKey(["-----BEGIN PRIVATE KEY-----", "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF", "-----END PRIVATE KEY-----", ""].join("\n"));
  const testPublicKeySpki = "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=";
  const expectedBase = [
    '"date": Tue, 20 Apr 2021 02:07:55 GMT',
    '"@method": POST',
    '"@path": /foo',
    '"@authority": example.com',
    '"content-type": application/json',
    '"content-length": 18',
    '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
  ].join("\n");
  const expectedSignature = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==";

  it("the library builds the RFC's base, Ed25519 gives the RFC's signature, and verifyStrict accepts it", async () => {
    const message = await httpbis.signMessage(
      {
        key: createSigner(testKey, "ed25519", "test-key-ed25519"),
        name: "sig-b26",
        fields: ["date", "@method", "@path", "@authority", "content-type", "content-length"],
        params: ["created", "keyid"],
        paramValues: { created: new Date(1618884473 * 1000) },
      },
      {
        method: "POST",
        url: "https://example.com/foo?param=Value&Pet=dog",
        headers: { date: "Tue, 20 Apr 2021 02:07:55 GMT", "content-type": "application/json", "content-length": "18" },
      },
    );
    const headers = message.headers as Record<string, string>;
    expect(headers["Signature"]).toBe(`sig-b26=:${expectedSignature}:`);
    expect(sign(null, Buffer.from(expectedBase), testKey).toString("base64")).toBe(expectedSignature);
    const spki = Buffer.from(testPublicKeySpki, "base64");
    expect(createPublicKey(testKey).export({ format: "der", type: "spki" }).equals(spki)).toBe(true);
    const rawKey = spki.subarray(spki.length - 32);
    expect(verifyStrict(publicKeyObject(rawKey), Buffer.from(expectedBase), Buffer.from(expectedSignature, "base64"))).toBe(true);
    expect(verifyStrict(publicKeyObject(rawKey), Buffer.from(expectedBase.replace("/foo", "/bar")), Buffer.from(expectedSignature, "base64"))).toBe(false);
  });
});
