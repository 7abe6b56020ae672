import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { FloodBench } from "../../../rig/flood/flood-bench";
import { RunningHost, Twin } from "../../../rig/twin";
import { CHILD_HOST_READY_MS } from "./child-host";

const FLOOD_HOST_MAIN = fileURLToPath(new URL("./flood-host-main.ts", import.meta.url));
const STOP_MS = 10_000;

interface Ready {
  url: string;
  ownerToken: string;
  merchantId: string;
  databaseFile: string;
}

function isReady(value: unknown): value is Ready {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.url === "string" && typeof v.ownerToken === "string" && typeof v.merchantId === "string" && typeof v.databaseFile === "string";
}

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
export function startFloodHost(limitless: boolean): Promise<RunningHost> {
  const child = spawn(process.execPath, ["--import", "tsx", FLOOD_HOST_MAIN, ...(limitless ? ["limitless"] : [])], { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_MS);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`flood host: ${why}${stderr.length === 0 ? "" : "\n" + stderr.join("")}`));
    };
    const timer = setTimeout(() => fail(`not listening after ${CHILD_HOST_READY_MS} ms`), CHILD_HOST_READY_MS);
    void exited.then(() => fail(`exited with ${child.exitCode ?? child.signalCode} before listening`));
    createInterface({ input: child.stdout }).once("line", (line) => {
      let ready: unknown;
      try {
        ready = JSON.parse(line);
      } catch {
        ready = undefined;
      }
      if (!isReady(ready) || child.pid === undefined) return fail(`unexpected first line: ${line}`);
      clearTimeout(timer);
      const pid = child.pid;
      const bench: FloodBench = { challengeRows: () => challengeRows(ready.databaseFile), rssBytes: () => rssOf(pid) };
      const label = limitless ? "flood twin (own process)" : "flood host (own process, the product's limits)";
      resolve({ target: { label: label, url: ready.url, ownerToken: ready.ownerToken, merchantId: ready.merchantId, clock: Date.now, floodBench: bench } as RunningHost["target"], stop: stop });
    });
  });
}

export const limitlessTwin: Twin = {
  campaign: "floods",
  weakness: "rate limits raised out of reach (buildServer's rateLimits) and a store without the open-challenge cap (uncapped-store.ts), own process",
  start: () => startFloodHost(true),
};
