/**
 * Which Espruino a stamp must run: 2v28 or later in the 2v series. The firmware's BLE tap uses
 * the central's "mtu" event that came with 2v28 (MTU 53 on a Puck.js), and it is tested on 2v29.
 * A later major series is refused until it has been tested: its API may differ.
 */
export const MIN_ESPRUINO_MINOR = 28;

/** Why `version` (process.version, e.g. "2v29" or a cutting-edge "2v29.12") is refused, or undefined when it will do. */
export function espruinoVersionProblem(version: string): string | undefined {
  const match = /^(\d+)v(\d+)(?:\.\d+)?$/.exec(version);
  if (match === null) return `Espruino reported an unreadable version "${version}"`;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major === 2 && minor >= MIN_ESPRUINO_MINOR) return undefined;
  if (major > 2) return `Espruino ${version} is newer than any version this firmware was tested on (2v${MIN_ESPRUINO_MINOR}–2v99)`;
  return `Espruino ${version} is too old: the firmware needs 2v${MIN_ESPRUINO_MINOR} or later (update the stamp's Espruino first)`;
}
