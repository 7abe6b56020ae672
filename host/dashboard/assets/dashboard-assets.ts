/** The dashboard's files, all from this host (the CSP allows nothing else). The WebAuthn library is the phone pages' /assets/webauthn.js. */
import { DASHBOARD_SCRIPT } from "./dashboard-script";
import { DASHBOARD_STYLESHEET } from "./dashboard-style";

export const DASHBOARD_ASSET_NAMES = ["dashboard.css", "dashboard.js"] as const;
export type DashboardAssetName = (typeof DASHBOARD_ASSET_NAMES)[number];

export const DASHBOARD_ASSETS: Readonly<Record<DashboardAssetName, { contentType: string; body: string }>> = {
  "dashboard.css": { contentType: "text/css; charset=utf-8", body: DASHBOARD_STYLESHEET },
  "dashboard.js": { contentType: "text/javascript; charset=utf-8", body: DASHBOARD_SCRIPT },
};
