/**
 * A channel between the host processes on one database, for the dashboard's live verdicts
 * (core/staff/verdict-feed.ts): a process sends each verdict it decides, and every process on the
 * database hears it. PostgreSQL has one (NOTIFY/LISTEN: verdict-channel-postgres.ts); SQLite, an
 * embedded file usually served by one process, has none, and its processes each stream their own.
 * Best effort by design: a notice that is lost is a line missing from a screen, never a tap.
 */
export interface VerdictChannel {
  /** Sends a text (at most 7,000 bytes) to every listening process of this database, this one included. */
  send(payload: string): Promise<void>;
  /** Calls `onPayload` with each text sent by any process, until the returned function is awaited. */
  listen(onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}
