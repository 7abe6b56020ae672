/** The dashboard API's answers as JSON (and as the CLI reads them). */

/** A one-time link on which a dashboard person makes a passkey. */
export interface DashboardLinkView {
  personId: string;
  link: string;
  expiresAt: string;
}
