/**
 * What the flood campaign can measure of a host the rig started itself, carried on its Target
 * (`floodBench`) as the access twin's host carries an operator token: the rows in its challenges
 * table, and whether its requests may leave from several loopback addresses. A deployment has
 * none, and the campaign says what it did not run.
 */

export interface FloodBench {
  /** Rows in the host's challenges table now. */
  challengeRows(): number;
  /** The host process's resident set (the rig's own process when the host is embedded). */
  rssBytes(): number;
}
