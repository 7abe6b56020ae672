/**
 * Checking a file written into a stamp's Storage: the expression the device evaluates (its
 * length and SHA-256, computed by Espruino's crypto on the stored bytes) and the answer an intact
 * copy gives.
 */
import { ImageFile } from "./firmware-image";

export function storageDigestExpression(storageName: string): string {
  return `(function(f){return f===undefined?"":f.length+":"+btoa(require("crypto").SHA256(f));})(require("Storage").read(${JSON.stringify(storageName)}))`;
}

export function intactStorageDigest(file: ImageFile): string {
  return file.content.length + ":" + Buffer.from(file.sha256, "hex").toString("base64");
}
