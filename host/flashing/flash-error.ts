/** What can go wrong at the flashing station, one code per failure the operator must tell apart. */
import { ConsoleError } from "./station-console";

export type FlashErrorCode =
  | "NO_DEVICE"
  | "NO_CONSOLE"
  | "WRONG_VERSION"
  | "KEY_PRESENT"
  | "UPLOAD_INTERRUPTED"
  | "UPLOAD_DAMAGED"
  | "DEVICE_RESET"
  | "BOOT_FAILED"
  | "PROOF_INVALID"
  | "WRONG_FIRMWARE"
  | "WEAK_KEY"
  | "DUPLICATE"
  | "LOCK_FAILED"
  | "HOST_UNREACHABLE"
  | "REGISTRY_REFUSED"
  /** The host does not accept the station's key as an enrolled flashing station (401/403). */
  | "NOT_ENROLLED"
  /** The phone base URL asked for is not one a stamp can carry (shared/phone-url.ts isBaseUrl). */
  | "BAD_PHONE_URL";

export class FlashError extends Error {
  constructor(
    readonly code: FlashErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type FlashStep = "connect" | "check" | "factory-reset" | "upload" | "reboot" | "prove" | "lock" | "register" | "label";

/** The FlashError for a console failure during `step` (a lost or silent link mid-upload is an interrupted upload). */
export function flashErrorFor(step: FlashStep, error: unknown): unknown {
  if (!(error instanceof ConsoleError)) return error;
  const uploading = step === "upload";
  switch (error.kind) {
    case "LINK_LOST":
      return uploading
        ? new FlashError("UPLOAD_INTERRUPTED", "upload interrupted: the connection to the stamp was lost; nothing was registered — reflash it")
        : new FlashError("NO_DEVICE", `the connection to the stamp was lost during ${step}; nothing was registered`);
    case "DEVICE_RESET":
      return new FlashError("DEVICE_RESET", `the stamp reset during ${step}; nothing was registered — flash it again`);
    case "TIMEOUT":
      return uploading
        ? new FlashError("UPLOAD_INTERRUPTED", "upload interrupted: the stamp stopped answering mid-upload; nothing was registered — reflash it")
        : new FlashError("BOOT_FAILED", `the stamp stopped answering during ${step}; nothing was registered`);
    case "DEVICE_ERROR":
      return new FlashError("BOOT_FAILED", `during ${step}: ${error.message}`);
  }
}
