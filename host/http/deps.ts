import { HostKey } from "../ledger/host-key";
import { Store } from "../store/store";
import { VerdictFeed } from "../core/staff/verdict-feed";

/** What every route needs: the store, the clock (milliseconds since the epoch), and the host's checkpoint key if it has one. */
export interface ApiDeps {
  store: Store;
  now: () => number;
  hostKey: HostKey | undefined;
  /** Where the tap routes publish each verdict, for the dashboard's counter view (in this process). */
  verdicts: VerdictFeed;
}

/** What the phone pages and the phone features' owner API need besides: where phones reach the host, and the shop's clock. */
export interface PhoneDeps extends ApiDeps {
  /**
   * The base URL phones reach this host at (`stamp serve --public-url`): stamps sign their phone
   * URLs for it, passkeys are bound to its origin, invitation links start with it. Undefined
   * while unknown (a server on a port chosen at listen time, before it listens, or a host
   * reachable only by its stations): phone pages then say so.
   */
  publicUrl: () => string | undefined;
  /** The IANA time zone clock times are shown in on the pages (the shop's: the host's own by default). */
  timeZone: string;
}
