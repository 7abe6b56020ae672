import { ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { createConnection } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DEFAULT_RETRY, nextPause, RetryPolicy } from "../core/retry-policy";
import { TagError, TagFailure } from "./tag-link";

/** A TagError as it crosses the process boundary. */
export interface WireTagError {
  failure: TagFailure;
  message: string;
}

/** Station → PC/SC helper. */
export type ToPcscChild = { t: "transmit"; id: number; reader: string; apdu: Uint8Array; max: number };

/** PC/SC helper → station. */
export type FromPcscChild =
  | { t: "loaded" }
  | { t: "context" }
  | { t: "reader"; reader: string }
  | { t: "card"; reader: string; present: boolean }
  | { t: "reader-error"; reader: string; error: WireTagError }
  | { t: "reader-end"; reader: string }
  | { t: "error"; error: WireTagError }
  | { t: "reply"; id: number; ok: true; data: Uint8Array }
  | { t: "reply"; id: number; ok: false; error: WireTagError };

export interface SupervisedPcscEvents {
  reader(name: string): void;
  readerError(name: string, error: TagError): void;
  readerGone(name: string): void;
  card(reader: string, present: boolean): void;
  /** The PC/SC service or the helper failed (no pcscd, pcscd stopped, helper crashed). */
  serviceError(error: TagError): void;
}

export interface SupervisedPcscOptions {
  retry?: RetryPolicy;
  /** How long pcscd may take to give the helper a context before it counts as not answering (default 3 s). */
  contextTimeoutMs?: number;
  /** How long the helper may take to load (default 30 s: tsx and the native module on a busy machine). */
  loadTimeoutMs?: number;
}

/** libpcsclite's client socket: PCSCLITE_CSOCK_NAME, else pcsc-lite's default. */
export function pcscdSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.PCSCLITE_CSOCK_NAME ?? "/run/pcscd/pcscd.comm";
}

/** Whether something accepts connections on pcscd's socket; the error code when not. */
function probeSocket(path: string, timeoutMs: number, abort: { cancel?: () => void }): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ path: path });
    const finish = (result: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish("no answer"), timeoutMs);
    abort.cancel = () => finish("stopped");
    socket.once("connect", () => finish(undefined));
    socket.once("error", (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}

/** How to start the helper: the .ts source through tsx when running from source, else the compiled .js. */
function helperCommand(): { module: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const module = fileURLToPath(new URL(fromSource ? "./pcsc-child.ts" : "./pcsc-child.js", import.meta.url));
  if (!fromSource) return { module, execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { module, execArgv: ["--import", tsx] };
}

/** Why one run of the helper ended. */
interface RunEnd {
  /** Reported already (or nothing to report). */
  problem: TagError | undefined;
  /** The helper had a working context: the backoff starts over. */
  served: boolean;
}

/**
 * The PC/SC side of a station in a supervised child process (host/nfc/pcsc-child.ts). Before
 * each start it checks that pcscd's socket answers; a missing service, a helper that gets no
 * context in time, a context error (pcscd stopped) or a crash is reported once through
 * serviceError, the helper is killed and started again after a pause (1 s doubling to 30 s by
 * default), until stop(). stop() kills the helper at once, whatever it is doing.
 */
export class SupervisedPcsc {
  private child: ChildProcess | undefined;
  private stopped = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(data: Uint8Array): void; reject(error: TagError): void }>();
  private wakeSleep: (() => void) | undefined;
  private readonly probe: { cancel?: () => void } = {};
  private lastReported: string | undefined;
  private readonly running: Promise<void>;
  private readonly retry: RetryPolicy;
  private readonly killOnExit = () => this.child?.kill("SIGKILL");

  constructor(
    private readonly events: SupervisedPcscEvents,
    private readonly options: SupervisedPcscOptions = {},
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    process.on("exit", this.killOnExit);
    this.running = this.loop();
  }

  /** One APDU to a reader's card through the helper. */
  transmit(reader: string, apdu: Uint8Array, max: number): Promise<Uint8Array> {
    const child = this.child;
    if (child === undefined || !child.connected) return Promise.reject(new TagError("reader", `reader ${reader}: the PC/SC service is not available`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: ToPcscChild = { t: "transmit", id: id, reader: reader, apdu: apdu, max: max };
      child.send(message, (error) => {
        if (error !== null && error !== undefined) this.settle(id, new TagError("reader", `reader ${reader}: the PC/SC helper is gone (${error.message})`));
      });
    });
  }

  /** Kills the helper and ends the retries; resolves promptly even while pcscd is missing. */
  async stop(): Promise<void> {
    if (this.stopped) return this.running;
    this.stopped = true;
    this.wakeSleep?.();
    this.probe.cancel?.();
    this.child?.kill("SIGKILL");
    await this.running;
    process.off("exit", this.killOnExit);
  }

  private settle(id: number, result: Uint8Array | TagError): void {
    const waiter = this.pending.get(id);
    if (waiter === undefined) return;
    this.pending.delete(id);
    if (result instanceof TagError) waiter.reject(result);
    else waiter.resolve(result);
  }

  private report(error: TagError): void {
    if (this.stopped || error.message === this.lastReported) return;
    this.lastReported = error.message;
    this.events.serviceError(error);
  }

  private async loop(): Promise<void> {
    let pause = this.retry.firstMs;
    while (!this.stopped) {
      const end = await this.runOnce();
      if (this.stopped) break;
      if (end.served) pause = this.retry.firstMs;
      if (end.problem !== undefined) this.report(end.problem);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wakeSleep = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeSleep = undefined;
      pause = nextPause(pause, this.retry);
    }
  }

  private async runOnce(): Promise<RunEnd> {
    const socket = pcscdSocketPath();
    const refused = await probeSocket(socket, 2000, this.probe);
    if (this.stopped) return { problem: undefined, served: false };
    if (refused !== undefined) {
      return { problem: new TagError("reader", `the PC/SC service (pcscd) is not running: nothing answers at ${socket} (${refused}); retrying until it is back`), served: false };
    }
    const { module, execArgv } = helperCommand();
    const child = fork(module, [], { execArgv: execArgv, serialization: "advanced", stdio: ["ignore", "ignore", "pipe", "ipc"] });
    this.child = child;
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    const readers = new Set<string>();
    let phase: "loading" | "context" | "serving" = "loading";
    let served = false;
    let problem: TagError | undefined;
    let timer: NodeJS.Timeout | undefined;
    let ended = "";
    const arm = (ms: number, why: () => TagError) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        problem = why();
        child.kill("SIGKILL");
      }, ms);
    };
    arm(this.options.loadTimeoutMs ?? 30_000, () => new TagError("reader", `the PC/SC helper did not start in time; retrying`));
    child.on("message", (raw: unknown) => {
      const message = raw as FromPcscChild;
      switch (message.t) {
        case "loaded":
          phase = "context";
          arm(
            this.options.contextTimeoutMs ?? 3000,
            () => new TagError("reader", `the PC/SC service (pcscd) does not answer at ${socket}: no PC/SC context after ${this.options.contextTimeoutMs ?? 3000} ms; retrying until it does`),
          );
          return;
        case "context":
          clearTimeout(timer);
          phase = "serving";
          served = true;
          this.lastReported = undefined;
          return;
        case "reader":
          readers.add(message.reader);
          this.events.reader(message.reader);
          return;
        case "card":
          this.events.card(message.reader, message.present);
          return;
        case "reader-error":
          this.events.readerError(message.reader, new TagError(message.error.failure, message.error.message));
          return;
        case "reader-end":
          readers.delete(message.reader);
          this.events.readerGone(message.reader);
          return;
        case "error":
          // The context is dead after an error (pcsclite stops watching): start over.
          problem = new TagError(message.error.failure, message.error.message);
          child.kill("SIGKILL");
          return;
        case "reply":
          this.settle(message.id, message.ok ? message.data : new TagError(message.error.failure, message.error.message));
          return;
      }
    });
    await new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        ended = signal === null ? `exit code ${code}` : `signal ${signal}`;
        resolve();
      });
      child.once("error", (error) => {
        problem ??= new TagError("reader", `the PC/SC helper could not be started: ${error.message}; retrying`);
        if (child.pid === undefined || child.exitCode !== null) resolve();
        else child.kill("SIGKILL");
      });
    });
    clearTimeout(timer);
    this.child = undefined;
    for (const id of [...this.pending.keys()]) this.settle(id, new TagError("reader", "the PC/SC service went away during the APDU"));
    for (const name of readers) if (!this.stopped) this.events.readerGone(name);
    if (this.stopped) return { problem: undefined, served: served };
    if (problem === undefined) {
      const detail = stderr.trim().split("\n").slice(-3).join(" | ");
      problem = new TagError("reader", `the PC/SC helper stopped (${ended}, while ${phase})${detail === "" ? "" : `: ${detail}`}; retrying`);
    }
    return { problem: problem, served: served };
  }
}
