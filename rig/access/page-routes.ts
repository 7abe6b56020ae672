/**
 * The pages the host serves to browsers (phone cards, the dashboard), which the OpenAPI
 * document leaves out. Kept here for a deployment, where docs/security.md is not at hand;
 * test/rig/access-control.test.ts checks it equals docs/security.md's two page tables, so it
 * cannot drift from what the host documents.
 *
 * - open: anyone, no cookie (must answer 2xx, else a false rejection);
 * - session: a dashboard session cookie (without one: never 2xx);
 * - code: a one-time code in the path (an unknown one: never 2xx);
 * - card: the card cookie (without one: never 2xx, except where the page only shows "no card");
 * - ceremony: a WebAuthn step whose answer needs a host with a public URL; sent only as CSRF.
 */
export type PageAccess = "open" | "session" | "code" | "card" | "ceremony";

export interface PageRoute {
  method: "GET" | "POST";
  path: string;
  access: PageAccess;
  /** A page script's endpoint taking JSON (the WebAuthn ceremonies); the other POSTs are HTML forms. */
  json?: true;
  /**
   * A well-formed form for a POST: the pages validate the form before they look at the session,
   * so an ill-formed one would be refused for its shape and prove nothing about the session check.
   */
  form?: string;
}

export const PAGE_ROUTES: readonly PageRoute[] = [
  { method: "GET", path: "/t/:token", access: "code" },
  { method: "GET", path: "/p", access: "open" },
  { method: "GET", path: "/card", access: "open" },
  // Without a card cookie it shows that this browser has no card there: a page, not data.
  { method: "GET", path: "/card/:merchantId", access: "open" },
  { method: "POST", path: "/card/:merchantId/redeem", access: "card", form: "voucherId=00000000000000000000000000000000" },
  { method: "POST", path: "/card/:merchantId/redeem/cancel", access: "card" },
  { method: "GET", path: "/w/:code", access: "code" },
  { method: "POST", path: "/w/:code", access: "code" },
  { method: "POST", path: "/card/passkey/register/options", access: "card", json: true },
  { method: "POST", path: "/card/passkey/register", access: "card", json: true },
  { method: "POST", path: "/card/passkey/login/options", access: "ceremony", json: true },
  { method: "POST", path: "/card/passkey/login", access: "ceremony", json: true },
  { method: "GET", path: "/assets/:name", access: "open" },
  { method: "GET", path: "/dashboard", access: "session" },
  { method: "GET", path: "/dashboard/events", access: "session" },
  { method: "GET", path: "/dashboard/login", access: "open" },
  { method: "POST", path: "/dashboard/login/options", access: "ceremony", json: true },
  { method: "POST", path: "/dashboard/login", access: "ceremony", json: true },
  { method: "GET", path: "/dashboard/enrol/:code", access: "code" },
  { method: "POST", path: "/dashboard/enrol/:code/options", access: "code", json: true },
  { method: "POST", path: "/dashboard/enrol/:code", access: "code", json: true },
  { method: "POST", path: "/dashboard/logout", access: "ceremony" },
  { method: "GET", path: "/dashboard/stamps", access: "session" },
  { method: "POST", path: "/dashboard/stamps/:id/revoke", access: "session", form: "reason=rig" },
  { method: "POST", path: "/dashboard/stamps/:id/reinstate", access: "session", form: "reason=rig" },
  { method: "GET", path: "/dashboard/reports", access: "session" },
  { method: "GET", path: "/dashboard/reports/come-back.csv", access: "session" },
  { method: "POST", path: "/dashboard/reports/coupons", access: "session", form: "minStamps=1&quietDays=1&label=rig" },
  { method: "GET", path: "/dashboard/programs", access: "session" },
  { method: "POST", path: "/dashboard/programs/loyalty", access: "session", form: "stampsPerReward=10&stampsPerPress=1&rewardLabel=rig&rewardValidDays=" },
  { method: "POST", path: "/dashboard/programs/workers", access: "session", form: "name=rig" },
  { method: "POST", path: "/dashboard/programs/workers/:id/invitation", access: "session" },
  { method: "GET", path: "/dashboard/assets/:name", access: "open" },
];
