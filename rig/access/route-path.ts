/**
 * Real ids for a route's path parameters. An id of the rig's own objects makes "no credential"
 * and "another merchant's credential" attacks on things that exist; a made-up id would be
 * refused as unknown and prove nothing about the access check.
 */
export interface RouteIds {
  merchant: string;
  verifier: string;
  stamp: string;
  /** A credential the rig made to be revoked (never its owner token's). */
  credential: string;
  worker: string;
  /** A dashboard person (made up where the host cannot invite: it has no public URL). */
  person: string;
}

/** The collection a parameter belongs to is the path segment before it: "/v1/stamps/:id" → stamps. */
function idFor(collection: string, ids: RouteIds): string | undefined {
  switch (collection) {
    case "merchants":
      return ids.merchant;
    case "verifiers":
      return ids.verifier;
    case "stamps":
      return ids.stamp;
    case "credentials":
      return ids.credential;
    case "workers":
      return ids.worker;
    case "dashboard-people":
      return ids.person;
    default:
      return undefined;
  }
}

/** Asset names the pages really serve, so an "open" asset route is asked for something that exists. */
const ASSETS: Readonly<Record<string, string>> = { assets: "stamp.css", "dashboard/assets": "uplot.css" };

/** A path with every ":param" replaced: pure. Unknown parameters (codes, tokens) get `unknown`. */
export function fillPath(path: string, ids: RouteIds, unknown: string): string {
  const segments = path.split("/");
  return segments
    .map((segment, i) => {
      if (!segment.startsWith(":")) return segment;
      const before = segments[i - 1] ?? "";
      if (segment === ":merchantId") return ids.merchant;
      if (segment === ":name") return ASSETS[segments.slice(1, i).join("/")] ?? unknown;
      return idFor(before, ids) ?? unknown;
    })
    .join("/");
}
