import { err } from "../../shared/result";

/**
 * Why a core operation refused. FORBIDDEN is for a role that may never do this; an object of
 * another merchant is NOT_FOUND, exactly like one that does not exist.
 */
export type CoreErrorCode =
  | "INVALID_INPUT"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "DUPLICATE"
  | "CONFLICT"
  | "WEAK_KEY"
  | "PROOF_INVALID"
  | "FIRMWARE_NOT_APPROVED";

export interface CoreError {
  code: CoreErrorCode;
  message: string;
}

export function failure(code: CoreErrorCode, message: string): { ok: false; error: CoreError } {
  return err({ code: code, message: message });
}

export function forbidden(what: string): { ok: false; error: CoreError } {
  return failure("FORBIDDEN", `this credential may not ${what}`);
}
