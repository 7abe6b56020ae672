import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { RunningHost } from "../../../rig/twin";

/** How long a twin's process may take to start listening (tsx compiles on a loaded 2-core machine). */
export const CHILD_HOST_READY_MS = 60_000;
/** How long it may take to stop after SIGTERM before it is killed. */
const CHILD_HOST_STOP_MS = 10_000;

/** The first line a host process prints when it listens: at least where and as whom to reach it. */
export interface Ready {
  url: string;
  ownerToken: string;
  merchantId: string;
  [more: string]: unknown;
}

function isReady(value: unknown): value is Ready {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.url === "string" && typeof v.ownerToken === "string" && typeof v.merchantId === "string";
}

/** A host program running in a process of its own, listening. */
export interface HostProcess {
  ready: Ready;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs a host program (a .ts file, with its arguments, under tsx) in a process of its own and
 * waits for its readiness line on stdout, a JSON object with at least `url`, `ownerToken` and
 * `merchantId`; fails with its stderr when it exits or is silent past CHILD_HOST_READY_MS.
 */
export function startHostProcess(mainFile: string, args: string[], label: string): Promise<HostProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", mainFile, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_HOST_STOP_MS);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${label}: ${why}${stderr.length === 0 ? "" : "\n" + stderr.join("")}`));
    };
    const timer = setTimeout(() => fail(`not listening after ${CHILD_HOST_READY_MS} ms`), CHILD_HOST_READY_MS);
    void exited.then(() => fail(`exited with ${child.exitCode ?? child.signalCode} before listening`));
    createInterface({ input: child.stdout }).once("line", (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (!isReady(parsed) || child.pid === undefined) return fail(`unexpected first line: ${line}`);
      clearTimeout(timer);
      resolve({ ready: parsed, pid: child.pid, stop: stop });
    });
  });
}

const HOOKED_HOST_MAIN = fileURLToPath(new URL("./hooked-host-main.ts", import.meta.url));

/**
 * Starts the rig's host with one module substituted through Node module hooks (`hooks`: a
 * `<name>-hooks.mjs` file in this folder, see hooked-host-main.ts) in a process of its own: the
 * Target the rig then attacks over HTTP like any deployment.
 */
export async function startChildHost(hooks: string, label: string): Promise<RunningHost> {
  const host = await startHostProcess(HOOKED_HOST_MAIN, [hooks], label);
  return { target: { label: label, url: host.ready.url, ownerToken: host.ready.ownerToken, merchantId: host.ready.merchantId, clock: Date.now }, stop: host.stop };
}
