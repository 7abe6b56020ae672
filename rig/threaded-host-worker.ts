/**
 * The rig's embedded host (the real server, raised limits, phone pages) in a worker thread: see
 * threaded-host.ts. Posts { url, ownerToken, merchantId, operatorToken } when it listens; stops
 * and posts "stopped" when told "stop".
 */
import { parentPort, workerData } from "node:worker_threads";
import { RAISED_RATE_LIMITS, startConfiguredHost } from "./embedded-host";
import { sharedClockOffset } from "./shared-clock-offset";

const port = parentPort;
if (port === null) throw new Error("threaded-host-worker.ts runs in a worker thread");
const data = workerData as { clockOffset: SharedArrayBuffer };
const host = await startConfiguredHost({ rateLimits: RAISED_RATE_LIMITS, servePhonePages: true, wrap: (store) => store, clockOffset: sharedClockOffset(data.clockOffset) });
port.on("message", (message: unknown) => {
  if (message !== "stop") return;
  host.stop().then(
    () => port.postMessage("stopped"),
    (e: unknown) => port.postMessage({ stopFailed: e instanceof Error ? e.message : String(e) }),
  );
});
port.postMessage({ url: host.target.url, ownerToken: host.target.ownerToken, merchantId: host.target.merchantId, operatorToken: host.target.operatorToken });
