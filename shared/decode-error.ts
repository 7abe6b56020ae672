/** Why a byte string is not a valid protocol value. */
export const DecodeErrorCode = {
  WRONG_LENGTH: "WRONG_LENGTH",
  UNSUPPORTED_VERSION: "UNSUPPORTED_VERSION",
  UNKNOWN_PURPOSE: "UNKNOWN_PURPOSE",
  ZERO_QUANTITY: "ZERO_QUANTITY",
  UNKNOWN_FLAGS: "UNKNOWN_FLAGS",
  ZERO_COUNTER: "ZERO_COUNTER",
  UNKNOWN_STATUS: "UNKNOWN_STATUS",
  NOT_BASE64URL: "NOT_BASE64URL",
  NOT_NDEF: "NOT_NDEF",
} as const;
export type DecodeErrorCode = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

export interface DecodeError {
  code: DecodeErrorCode;
  detail: string;
}

export function decodeError(code: DecodeErrorCode, detail: string): DecodeError {
  return { code: code, detail: detail };
}
