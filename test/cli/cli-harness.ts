/** Runs the `stamp` CLI in-process (captured output) or as a real child process. */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { CliContext } from "../../host/cli/program";
import { runCli } from "../../host/cli/run";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "stamp-cli-"));
}

/** The CLI in this process, with the host's commands only (no demo), output captured. */
export interface InProcessOptions {
  stop?: AbortSignal;
  /** The environment the CLI sees (STAMP_TOKEN…); none of the test process's by default. */
  env?: NodeJS.ProcessEnv;
  onOut?: (text: string) => void;
  extra?: (program: Command, context: CliContext) => void;
}

export async function stamp(args: string[], options: InProcessOptions = {}): Promise<CliResult> {
  const result: CliResult = { code: -1, out: "", err: "" };
  const context: CliContext = {
    io: {
      out: (text) => {
        result.out += text;
        options.onOut?.(text);
      },
      err: (text) => {
        result.err += text;
      },
    },
    stop: options.stop,
    env: options.env ?? {},
  };
  result.code = await runCli(args, options.extra, context);
  return result;
}

/** `stamp serve` in this process: its URL once it listens, and stop() to end it with its result. */
export async function serveInProcess(args: string[]): Promise<{ url: string; stop(): Promise<CliResult> }> {
  const stop = new AbortController();
  let announce: (url: string) => void = () => undefined;
  const announced = new Promise<string>((resolveUrl) => (announce = resolveUrl));
  const running = stamp(args, {
    stop: stop.signal,
    onOut: (text) => {
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) announce(match[1]);
    },
  });
  // A serve that ends before it listens (a refused option) settles the wait too.
  const url = await Promise.race([announced, running.then((result) => Promise.reject(new Error("serve ended before listening: " + result.err)))]);
  return {
    url: url,
    stop: () => {
      stop.abort();
      return running;
    },
  };
}

export interface ChildResult extends CliResult {
  signal: NodeJS.Signals | null;
}

export interface Child {
  /** Resolves when the process ends. */
  done: Promise<ChildResult>;
  /** Resolves with all stdout so far once it matches. */
  waitForOut(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * A real process: `node --import tsx bin/stamp-main.ts ...args` from the repository root (what
 * `npx tsx bin/stamp-main.ts` runs, without npx's start-up), or any script given as `entry`.
 */
export function spawnStamp(args: string[], options: { env?: Record<string, string>; entry?: string[] } = {}): Child {
  const entry = options.entry ?? ["--import", "tsx", "bin/stamp-main.ts"];
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.env?.STAMP_DB === undefined) delete env.STAMP_DB;
  const child = spawn(process.execPath, [...entry, ...args], { cwd: REPO_ROOT, env: env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const listeners: (() => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const done = new Promise<ChildResult>((resolveDone, rejectDone) => {
    child.on("error", rejectDone);
    child.on("close", (code, signal) => resolveDone({ code: code ?? -1, signal: signal, out: out, err: err }));
  });
  return {
    done: done,
    kill: (signal) => void child.kill(signal),
    waitForOut: (pattern, timeoutMs = 15_000) =>
      new Promise((resolveWait, rejectWait) => {
        const timer = setTimeout(() => rejectWait(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`)), timeoutMs);
        const check = () => {
          if (pattern.test(out)) {
            clearTimeout(timer);
            resolveWait(out);
          }
        };
        listeners.push(check);
        void done.then(() => {
          clearTimeout(timer);
          if (pattern.test(out)) resolveWait(out);
          else rejectWait(new Error(`process ended before ${pattern}; stdout: ${out}; stderr: ${err}`));
        });
        check();
      }),
  };
}

export async function runStamp(args: string[], options: { env?: Record<string, string>; entry?: string[] } = {}): Promise<ChildResult> {
  return spawnStamp(args, options).done;
}

/** The stamp CLI as a child process with both streams watched (spawnStamp waits on stdout only). */
export function spawnWatchedStamp(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "bin/stamp-main.ts", ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const watchers: (() => void)[] = [];
  const changed = () => watchers.forEach((watch) => watch());
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => ((out += chunk), changed()));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => ((err += chunk), changed()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  const exited = { value: false };
  void done.then(() => {
    exited.value = true;
    changed();
  });
  return {
    child,
    done,
    output: () => ({ out, err }),
    /** Resolves when the condition holds; fails at the timeout or when the process ends first. */
    until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out (${timeoutMs} ms) waiting for ${what}; stdout: ${out}; stderr: ${err}`)), timeoutMs);
        const check = () => {
          if (condition()) {
            clearTimeout(timer);
            resolve();
          } else if (exited.value) {
            clearTimeout(timer);
            reject(new Error(`the process ended before ${what}; stdout: ${out}; stderr: ${err}`));
          }
        };
        watchers.push(check);
        check();
      });
    },
  };
}
