/**
 * The rig's own host in a worker thread of its own. In the rig's thread the host and the rig's
 * stations share one core: every challenge is signed by the station and verified by the host on
 * the same event loop. In a thread of its own the host gets the machine's second core, which
 * nearly halves the time of a million challenges (nonce quality). The host's clock offset is
 * shared memory, so the rig still moves the clock synchronously, as for the in-process host.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { CLOCK_OFFSET_BYTES, sharedClockOffset } from "./shared-clock-offset";
import { RunningHost } from "./twin";

const BOOT = fileURLToPath(new URL("./threaded-host-boot.mjs", import.meta.url));
const WORKER_MAIN = new URL("./threaded-host-worker.ts", import.meta.url).href;
/** How long the thread may take to compile the host (tsx) and listen on a loaded 2-core machine. */
const READY_MS = 60_000;

interface Listening {
  url: string;
  ownerToken: string;
  merchantId: string;
  operatorToken: string | undefined;
}

function isListening(message: unknown): message is Listening {
  if (typeof message !== "object" || message === null) return false;
  const m = message as Record<string, unknown>;
  return typeof m.url === "string" && typeof m.ownerToken === "string" && typeof m.merchantId === "string";
}

export async function startThreadedHost(): Promise<RunningHost> {
  const buffer = new SharedArrayBuffer(CLOCK_OFFSET_BYTES);
  const offset = sharedClockOffset(buffer);
  const worker = new Worker(BOOT, { workerData: { main: WORKER_MAIN, clockOffset: buffer } });
  const listening = await new Promise<Listening>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`threaded host: not listening after ${READY_MS} ms`)), READY_MS);
    worker.once("error", (e) => (clearTimeout(timer), reject(e)));
    worker.once("exit", (code) => (clearTimeout(timer), reject(new Error(`threaded host: exited with ${code} before listening`))));
    worker.once("message", (message: unknown) => {
      clearTimeout(timer);
      if (isListening(message)) resolve(message);
      else reject(new Error(`threaded host: unexpected first message ${JSON.stringify(message)}`));
    });
  }).catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  return {
    target: {
      label: "embedded host (SQLite, a thread of its own)",
      url: listening.url,
      ownerToken: listening.ownerToken,
      merchantId: listening.merchantId,
      clock: () => Date.now() + offset.ms,
      advanceClock: (ms) => (offset.ms += ms),
      operatorToken: listening.operatorToken,
    },
    async stop() {
      const stopped = new Promise<void>((resolve) => worker.once("message", () => resolve()));
      worker.postMessage("stop");
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await worker.terminate();
    },
  };
}
