import { Purpose } from "../../shared/protocol-constants";

/** The names the API and the CLI use for a challenge's purpose byte. */
export const PURPOSE_NAMES = ["stamp", "redeem", "clock-in", "clock-out"] as const;
export type PurposeName = (typeof PURPOSE_NAMES)[number];

const BY_NAME: Record<PurposeName, Purpose> = {
  stamp: Purpose.STAMP,
  redeem: Purpose.REDEEM,
  "clock-in": Purpose.CLOCK_IN,
  "clock-out": Purpose.CLOCK_OUT,
};

export function purposeFromName(name: PurposeName): Purpose {
  return BY_NAME[name];
}

/** The name of a stored purpose byte; a number outside the protocol shows as itself. */
export function purposeName(purpose: number): string {
  const name = PURPOSE_NAMES.find((candidate) => BY_NAME[candidate] === purpose);
  return name ?? String(purpose);
}
