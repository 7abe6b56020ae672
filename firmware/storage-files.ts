/** Names of the stamp's Storage files (Espruino limits names to 28 characters). */
export const SEED_FILE = "stamp.seed";
export const PUBLIC_KEY_FILE = "stamp.pub";
/** Two counter slots, written alternately, so a torn write never loses the last ceiling. */
export const COUNTER_SLOT_FILES = ["stamp.ctr0", "stamp.ctr1"];
/** Optional: verifier ids (8 bytes each) this stamp may answer; absent means any. */
export const ALLOWED_VERIFIERS_FILE = "stamp.vids";
/** Present on a locked stamp (written by the flashing station): boot in production mode. */
export const LOCK_FILE = "stamp.lock";
/** Optional: the base URL phones are sent to (ASCII, shared/phone-url.ts isBaseUrl), written by
 * the flashing station; absent means no phone URL (docs/protocol.md §15). */
export const BASE_URL_FILE = "stamp.url";
