/**
 * `npx tsx bench/load/profile-summary.ts <file.cpuprofile>`: where a load server's CPU time went,
 * from a V8 CPU profile (STAMP_LOAD_CPU_PROF, load-figures.ts): each sample's self time charged
 * to the first frame of its stack that names a known part (the store's driver, Fastify, the
 * request signature check, the tap verify...), walking up from the leaf, so that time inside
 * node's own code counts for the part that called it. Printed as % of all samples.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The parts, tried in order on each frame: the first that matches names the frame. */
const PARTS: { part: string; test: (name: string, url: string) => boolean }[] = [
  { part: "idle (waiting for I/O)", test: (name) => name === "(idle)" },
  { part: "garbage collection", test: (name) => name === "(garbage collector)" },
  // Before host/auth: the request signature's key object and verify go through ed25519-strict too.
  { part: "Ed25519 key objects and verifies (tap and requests), the tap's decision", test: (_, url) => /host\/crypto\/ed25519-strict|host\/core\/tap-decision/.test(url) },
  { part: "request signature check (RFC 9421) without its verify, nonce", test: (_, url) => /host\/auth\//.test(url) },
  { part: "SQLite (better-sqlite3)", test: (_, url) => /better-sqlite3/.test(url) },
  { part: "PostgreSQL client (pg)", test: (_, url) => /node_modules\/pg(-[a-z]+)?\//.test(url) },
  { part: "the store's own code (host/store)", test: (_, url) => /host\/store\//.test(url) },
  { part: "the core (host/core)", test: (_, url) => /host\/core\//.test(url) },
  { part: "routes, hooks, schemas (host/http)", test: (_, url) => /host\/http\//.test(url) },
  { part: "Fastify and its plugins", test: (_, url) => /node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|fast-json-stringify|ajv|helmet|toad-cache|pino)/.test(url) },
  { part: "node's HTTP and sockets", test: (_, url) => /^node:(_http|http|net|stream|internal\/(http|streams|stream_base))/.test(url) },
];

function main(): void {
  const file = process.argv[2];
  if (file === undefined) throw new Error("usage: profile-summary.ts <file.cpuprofile>");
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const partOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = partOf.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const frame = node?.callFrame;
    const found = frame === undefined ? undefined : PARTS.find((p) => p.test(frame.functionName, frame.url));
    const up = parent.get(id);
    const part = found?.part ?? (up === undefined ? "other (node internals, start-up)" : classify(up));
    partOf.set(id, part);
    return part;
  };
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    all += micros;
    const part = classify(id);
    totals.set(part, (totals.get(part) ?? 0) + micros);
  });
  const busy = all - (totals.get("idle (waiting for I/O)") ?? 0);
  console.log(`| part | % of wall | % of busy |`);
  console.log(`|---|---:|---:|`);
  for (const [part, micros] of [...totals.entries()].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${part} | ${((100 * micros) / all).toFixed(1)} | ${part.startsWith("idle") ? "-" : ((100 * micros) / busy).toFixed(1)} |`);
  }
  console.log(`\n${(all / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`);
}

main();
