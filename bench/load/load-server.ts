/**
 * The host under load, in its own process (so the client's signing does not share its core):
 * the server `stamp serve` runs (buildServer) on the database named by the first argument, with
 * rate limits far above the load (the product's defaults would refuse a bench's one address),
 * no request log, listening on a free loopback port. It prints `listening on <url>` when ready
 * and closes the server and the store on SIGTERM.
 */
import { AddressInfo } from "node:net";
import { buildServer } from "../../host/http/server";
import { openStore } from "../../host/store/open-store";

const NO_LIMIT = { perAddressPerMinute: 1_000_000_000, perCredentialPerMinute: 1_000_000_000 };

async function main(): Promise<void> {
  const location = process.argv[2];
  if (location === undefined) throw new Error("usage: load-server.ts <sqlite path | postgres url>");
  const store = await openStore(location);
  const app = buildServer(store, { rateLimits: NO_LIMIT, logLevel: "silent" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  process.stdout.write(`listening on http://127.0.0.1:${(app.server.address() as AddressInfo).port}\n`);
  process.once("SIGTERM", () => {
    void app
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`load server failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
