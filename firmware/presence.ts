/** How long a button press counts as "a person is stamping" for the next signature. */
export const PRESENCE_WINDOW_MS = 3000;

/** User presence: a press opens a short window; one signature consumes it. */
export interface Presence {
  pressedAt: number;
}

export function recordPress(presence: Presence, now: number): void {
  presence.pressedAt = now;
}

/** True when a press happened within the window; the window closes either way. */
export function consumePresence(presence: Presence, now: number): boolean {
  const present = now - presence.pressedAt <= PRESENCE_WINDOW_MS && now >= presence.pressedAt;
  presence.pressedAt = -Infinity;
  return present;
}
