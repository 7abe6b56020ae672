/**
 * A bench server in a process of its own (so the client's work does not share its event loop):
 * started with tsx, ready when it prints `listening on <url>` (after `workers <pid> …` when it
 * serves from several processes), stopped with SIGTERM (SIGKILL if it does not end in time); and
 * what CPU time a process has used, read from Linux /proc.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SERVER_READY_TIMEOUT_MS = 60_000;
const SERVER_STOP_TIMEOUT_MS = 20_000;

export interface ServerProcess {
  url: string;
  pid: number;
  /** The processes doing the serving: the workers when it printed `workers <pid> …`, else itself. */
  servingPids: number[];
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** The process's user + system CPU seconds so far (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) begin after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Starts `script` (a path from the repository's root) with `args`, and waits for its `listening on <url>`. */
export function startServerProcess(script: string, args: string[], nodeOptions: string[] = []): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeOptions, "--import", "tsx", join(ROOT, script), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${script} was not listening after ${SERVER_READY_TIMEOUT_MS} ms: ${err}`)), SERVER_READY_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    void exited.then(() => fail(new Error(`${script} ended before listening: ${err}`)));
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)\n/.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      const workers = /^workers ([\d ]+)$/m.exec(out);
      resolve({
        url: match[1],
        pid: child.pid ?? 0,
        servingPids: workers === null ? [child.pid ?? 0] : workers[1].split(" ").map(Number),
        stop: async () => {
          const killer = setTimeout(() => child.kill("SIGKILL"), SERVER_STOP_TIMEOUT_MS);
          child.kill("SIGTERM");
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
