import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PCSCD_BIN = "/usr/sbin/pcscd";
export const VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

/** What is missing for the real PC/SC stack, or undefined when pcscd and vpcd are installed. */
export function missingPcscStack(): string | undefined {
  const missing: string[] = [];
  if (!existsSync(PCSCD_BIN)) missing.push(`pcscd (${PCSCD_BIN}, Debian package pcscd)`);
  if (!existsSync(VPCD_DRIVER)) missing.push(`the vpcd driver (${VPCD_DRIVER}, Debian package vsmartcard-vpcd)`);
  return missing.length === 0 ? undefined : missing.join(" and ");
}

/** Two consecutive free TCP ports: vpcd opens one per slot (port, port + 1). */
async function freePortPair(): Promise<number> {
  const listen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(undefined));
      server.listen(port, "0.0.0.0", () => {
        const address = server.address();
        const bound = typeof address === "object" && address !== null ? address.port : undefined;
        server.close(() => resolve(bound));
      });
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await listen(0);
    if (first === undefined || first >= 65535) continue;
    if ((await listen(first + 1)) !== undefined) return first;
  }
  throw new Error("no two consecutive free TCP ports");
}

export interface PcscdInstance {
  /** vpcd's port for slot 0 ("Virtual PCD 00 00"); slot 1 is port + 1. */
  port: number;
  /** The PC/SC socket; PCSCLITE_CSOCK_NAME is set to it in this process. */
  socket: string;
  /** Where it runs: pass it to startPcscd again to restart pcscd on the same socket and ports. */
  place: PcscdPlace;
  readerName(slot: 0 | 1): string;
  /** pcscd's log so far (for failure messages). */
  log(): string;
  /** Stops pcscd (SIGTERM, then SIGKILL after 3 s; or SIGKILL at once) and waits for it. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

/** A private pcscd's socket, run directory and vpcd ports, whether or not a pcscd runs there. */
export interface PcscdPlace {
  port: number;
  root: string;
  runDir: string;
  configDir: string;
  /** The socket libpcsclite will look for (PCSCLITE_CSOCK_NAME). */
  socket: string;
  /** Whether pcscd runs in its own mount namespace (as root); otherwise the socket is /run/pcscd's. */
  private: boolean;
}

/** Reserves a place for a private pcscd (no pcscd is started) and points this process's libpcsclite at it. */
export async function pcscdPlace(): Promise<PcscdPlace> {
  const port = await freePortPair();
  const root = mkdtempSync(join(tmpdir(), "stamp-pcscd-"));
  const configDir = join(root, "reader.conf.d");
  const runDir = join(root, "run");
  mkdirSync(configDir);
  mkdirSync(runDir);
  const channel = "0x" + port.toString(16).toUpperCase();
  writeFileSync(join(configDir, "vpcd"), `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${channel}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    ${channel}\n`);
  const isolated = canUnshareMount();
  const socket = isolated ? join(runDir, "pcscd.comm") : "/run/pcscd/pcscd.comm";
  process.env.PCSCLITE_CSOCK_NAME = socket;
  return { port, root, runDir, configDir, socket, private: isolated };
}

function canUnshareMount(): boolean {
  if (process.getuid === undefined || process.getuid() !== 0) return false;
  return spawnSync("unshare", ["--mount", "--", "true"], { stdio: "ignore" }).status === 0;
}

/**
 * Starts a private pcscd in the foreground with only the vpcd reader, on free ports, and waits
 * until it is ready. pcscd 1.9 always uses /run/pcscd for its socket and pid file, so, as root,
 * it runs in its own mount namespace with a private directory bound over /run/pcscd: it never
 * clashes with a system pcscd or with another test run. The directory's socket is reached from
 * here through PCSCLITE_CSOCK_NAME (libpcsclite reads it when the first context is made).
 * Without the privilege to do that, it runs plainly and needs /run/pcscd for itself.
 * With `at` (from pcscdPlace() or an earlier instance's place), it starts, or restarts, pcscd on
 * that socket and those vpcd ports: a station that was started before keeps looking there.
 */
export async function startPcscd(at?: PcscdPlace): Promise<PcscdInstance> {
  const place = at ?? (await pcscdPlace());
  const { port, runDir, configDir, socket } = place;
  const daemon = `${PCSCD_BIN} --foreground --debug --apdu --config ${configDir}`;
  let child: ChildProcess;
  if (place.private) {
    // exec: the child's pid is pcscd's own, so stopping it needs no process group.
    child = spawn("unshare", ["--mount", "--", "sh", "-c", `mkdir -p /run/pcscd && mount --bind ${runDir} /run/pcscd && exec ${daemon}`], { stdio: ["ignore", "pipe", "pipe"] });
  } else {
    child = spawn("sh", ["-c", `exec ${daemon}`], { stdio: ["ignore", "pipe", "pipe"] });
  }
  process.env.PCSCLITE_CSOCK_NAME = socket;
  let log = "";
  const append = (chunk: Buffer) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const deadline = Date.now() + 10_000;
  while (!/daemon ready/.test(log) || !existsSync(socket)) {
    if (!running) throw new Error(`pcscd exited while starting:\n${log.slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`pcscd did not become ready in 10 s:\n${log.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    port: port,
    socket: socket,
    place: place,
    readerName: (slot) => `Virtual PCD 00 0${slot}`,
    log: () => log,
    async stop(signal = "SIGTERM") {
      if (!running) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
