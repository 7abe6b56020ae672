import { Html } from "./html";

/**
 * A QR code of `text` as SVG markup (the qrcode package draws it from the text alone, so the
 * markup is ours, not the text's). Loaded on first use: most requests make no QR code.
 */
export async function qrSvg(text: string): Promise<Html> {
  const { default: QRCode } = await import("qrcode");
  return new Html(await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 }));
}
