/**
 * The dashboard's files, all from this host (the CSP allows nothing else): its stylesheet and
 * script, and the chart library uPlot's browser build and stylesheet, read from the installed
 * package (not copied into the repository, so `npm update` updates it). The WebAuthn library is
 * the phone pages' /assets/webauthn.js.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DASHBOARD_SCRIPT } from "./dashboard-script";
import { DASHBOARD_STYLESHEET } from "./dashboard-style";

export const DASHBOARD_ASSET_NAMES = ["dashboard.css", "dashboard.js", "uplot.js", "uplot.css"] as const;
export type DashboardAssetName = (typeof DASHBOARD_ASSET_NAMES)[number];

export interface DashboardAsset {
  contentType: string;
  body: string | Buffer;
}

const JAVASCRIPT = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/** A file of uPlot's dist/, beside the package's main entry (dist/uPlot.cjs.js). */
function uPlotFile(name: string): Buffer {
  const entry = createRequire(import.meta.url).resolve("uplot");
  return readFileSync(join(dirname(entry), name));
}

const loaders: Readonly<Record<DashboardAssetName, () => DashboardAsset>> = {
  "dashboard.css": () => ({ contentType: CSS, body: DASHBOARD_STYLESHEET }),
  "dashboard.js": () => ({ contentType: JAVASCRIPT, body: DASHBOARD_SCRIPT }),
  // The IIFE build defines window.uPlot for the dashboard's script; minified, about 50 kB.
  "uplot.js": () => ({ contentType: JAVASCRIPT, body: uPlotFile("uPlot.iife.min.js") }),
  "uplot.css": () => ({ contentType: CSS, body: uPlotFile("uPlot.min.css") }),
};

const loaded = new Map<DashboardAssetName, DashboardAsset>();

/** The asset, read once and kept. */
export function dashboardAsset(name: DashboardAssetName): DashboardAsset {
  const known = loaded.get(name);
  if (known !== undefined) return known;
  const made = loaders[name]();
  loaded.set(name, made);
  return made;
}
