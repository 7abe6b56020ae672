import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkContentDigest, contentDigest } from "../../host/auth/content-digest";

const BODY = new TextEncoder().encode('{"hello": "world"}\n');

describe("Content-Digest (RFC 9530, sha-256)", () => {
  it("matches RFC 9530's sha-256 example and the empty body's digest", () => {
    // RFC 9530 §2 / Appendix B: the body {"hello": "world"} followed by a newline.
    expect(contentDigest(BODY)).toBe("sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:");
    expect(contentDigest(new Uint8Array(0))).toBe(`sha-256=:${createHash("sha256").digest("base64")}:`);
  });

  it("accepts its own digest, alone or beside other algorithms", () => {
    expect(checkContentDigest(contentDigest(BODY), BODY)).toBe(true);
    expect(checkContentDigest(`sha-512=:${createHash("sha512").update(BODY).digest("base64")}:, ${contentDigest(BODY)}`, BODY)).toBe(true);
    expect(checkContentDigest(` ${contentDigest(BODY)} `, BODY)).toBe(true);
  });

  it("refuses another body, a missing header, no sha-256 member, or a malformed one", () => {
    const other = new TextEncoder().encode('{"hello": "world!"}\n');
    const digest = contentDigest(BODY);
    const bad = [
      contentDigest(other),
      `sha-512=:${createHash("sha512").update(BODY).digest("base64")}:`,
      digest.replace("sha-256=", "SHA-256="),
      `sha-256="${digest.slice(9, -1)}"`,
      `sha-256=:${createHash("sha1").update(BODY).digest("base64")}:`,
      `${digest}, ${contentDigest(other).replace("sha-256", "sha-256")}`,
      `${digest},`,
      digest.slice(0, -2),
      "",
      "x".repeat(5000),
    ];
    for (const header of bad) expect(checkContentDigest(header, BODY)).toBe(false);
    expect(checkContentDigest(undefined, BODY)).toBe(false);
  });

  it("never throws on random input", () => {
    for (let round = 0; round < 5_000; round += 1) {
      const header = randomBytes(randomBytes(1)[0]).toString(round % 2 === 0 ? "latin1" : "base64");
      expect(typeof checkContentDigest(header, BODY)).toBe("boolean");
      expect(typeof checkContentDigest(`sha-256=:${header}:`, BODY)).toBe("boolean");
    }
  });
});
