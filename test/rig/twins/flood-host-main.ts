/**
 * The flood campaign's host in a process of its own, so that the rig's flooding (signing
 * thousands of requests) does not share the host's event loop and the latency measured is the
 * host's: the product's own rate limits, or with argument "limitless" the twin (limits raised out
 * of reach, no open-challenge cap). Prints one JSON line { url, ownerToken, merchantId,
 * databaseFile } when it listens; stops on SIGTERM.
 */
import { RAISED_RATE_LIMITS, startConfiguredHost } from "../../../rig/embedded-host";
import { uncappedStore } from "./uncapped-store";

const limitless = process.argv.includes("limitless");
const host = await startConfiguredHost({ rateLimits: limitless ? RAISED_RATE_LIMITS : undefined, servePhonePages: false, wrap: limitless ? uncappedStore : (store) => store });
process.stdout.write(JSON.stringify({ url: host.target.url, ownerToken: host.target.ownerToken, merchantId: host.target.merchantId, databaseFile: host.databaseFile }) + "\n");
process.once("SIGTERM", () => {
  host.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
