/** A printable label per stamp: stamp id, label, merchant and shop, and a QR code, as SVG. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LabelInput {
  stampId: string;
  label: string;
  merchantId: string;
  shopIds: string[];
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}

/** What the QR code holds: enough for a phone or a counter to look the stamp up. */
export function labelPayload(input: LabelInput): string {
  return `smart-stamp:v1:${input.stampId}:${input.merchantId}:${input.shopIds.join(",")}`;
}

/** Writes `<dir>/<stamp id>.svg` and returns its path. */
export async function writeLabel(dir: string, input: LabelInput): Promise<string> {
  // Loaded when a label is made: `stamp --help` never loads it.
  const { default: QRCode } = await import("qrcode");
  const qr = await QRCode.toString(labelPayload(input), { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  const inner = qr.replace(/^<svg /, '<svg x="10" y="10" width="180" height="180" ');
  const lines = [`stamp ${input.stampId}`, input.label, `${input.merchantId} · ${input.shopIds.join(", ")}`];
  const text = lines.map((line, i) => `<text x="100" y="${212 + i * 16}" font-family="monospace" font-size="12" text-anchor="middle">${escapeXml(line)}</text>`).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="270" viewBox="0 0 200 270"><rect width="200" height="270" fill="#fff"/>${inner}${text}</svg>\n`;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${input.stampId}.svg`);
  writeFileSync(path, svg);
  return path;
}
