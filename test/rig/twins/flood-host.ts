import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { FloodBench } from "../../../rig/flood/flood-bench";
import { RunningHost, Twin } from "../../../rig/twin";
import { startHostProcess } from "./child-host";

const FLOOD_HOST_MAIN = fileURLToPath(new URL("./flood-host-main.ts", import.meta.url));

/** Rows in the challenges table, read from the SQLite file on a connection of its own. */
function challengeRows(databaseFile: string): number {
  const db = new Database(databaseFile, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM challenges").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The resident set of a process, from /proc (Linux): VmRSS in kB. */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Starts the flood host (flood-host-main.ts) in its own process, waits for its readiness line,
 * and returns it with the flood bench on its Target: the table's rows and the host process's RSS.
 */
export async function startFloodHost(limitless: boolean): Promise<RunningHost> {
  const label = limitless ? "flood twin (own process)" : "flood host (own process, the product's limits)";
  const host = await startHostProcess(FLOOD_HOST_MAIN, limitless ? ["limitless"] : [], label);
  const databaseFile = host.ready.databaseFile;
  if (typeof databaseFile !== "string") {
    await host.stop();
    throw new Error(`${label}: its readiness line names no databaseFile`);
  }
  const bench: FloodBench = { challengeRows: () => challengeRows(databaseFile), rssBytes: () => rssOf(host.pid) };
  return { target: { label: label, url: host.ready.url, ownerToken: host.ready.ownerToken, merchantId: host.ready.merchantId, clock: Date.now, floodBench: bench }, stop: host.stop };
}

export const limitlessTwin: Twin = {
  campaign: "floods",
  weakness: "rate limits raised out of reach (buildServer's rateLimits) and a store without the open-challenge cap (uncapped-store.ts), own process",
  start: () => startFloodHost(true),
};
