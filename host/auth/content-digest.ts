/**
 * RFC 9530 Content-Digest with SHA-256: the signature covers this header, and this header
 * covers the body, so a signed request's body cannot be swapped. Only sha-256 is produced and
 * only sha-256 is trusted: other members of a received dictionary are ignored, never relied on.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { parseDictionary } from "./structured-fields";

/** Far above a sha-256 member (about 56 characters) with a few others beside it. */
const MAX_CONTENT_DIGEST_LENGTH = 1024;
const SHA256_LENGTH = 32;

function sha256(body: Uint8Array): Buffer {
  return createHash("sha256").update(body).digest();
}

/** The Content-Digest value for these exact bytes: `sha-256=:<base64>:`. */
export function contentDigest(body: Uint8Array): string {
  return `sha-256=:${sha256(body).toString("base64")}:`;
}

/** Whether the header holds a sha-256 member equal to the digest of body. Total. */
export function checkContentDigest(header: string | undefined, body: Uint8Array): boolean {
  if (header === undefined || header.length > MAX_CONTENT_DIGEST_LENGTH) return false;
  const parsed = parseDictionary(header);
  if (!parsed.ok) return false;
  const member = parsed.value.find(([key]) => key === "sha-256")?.[1];
  if (member === undefined || member.kind !== "item" || member.bare.type !== "bytes") return false;
  const claimed = member.bare.value;
  return claimed.length === SHA256_LENGTH && timingSafeEqual(claimed, sha256(body));
}
