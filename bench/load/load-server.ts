/**
 * The host under load, in its own process (so the client's signing does not share its core):
 * the server `stamp serve` runs (buildServer) on the database named by the first argument, with
 * rate limits far above the load (the product's defaults would refuse a bench's one address),
 * no request log, listening on a free loopback port. It prints `listening on <url>` when ready
 * and closes the server and the store on SIGTERM.
 *
 * With a second argument N > 1, as `stamp serve --workers N` does (host/cli/commands/
 * serve-workers.ts): N worker processes (node's cluster) share the port, each with its own store
 * on the database; this process prints `workers <pid> …` and then `listening on <url>` once all
 * listen, and stops them on SIGTERM.
 */
import cluster from "node:cluster";
import { AddressInfo } from "node:net";
import { buildServer } from "../../host/http/server";
import { openStore } from "../../host/store/open-store";

const NO_LIMIT = { perAddressPerMinute: 1_000_000_000, perCredentialPerMinute: 1_000_000_000 };

/** Serves until SIGTERM; `ready` is told the URL once listening. */
async function serve(location: string, ready: (url: string) => void): Promise<void> {
  const store = await openStore(location);
  const app = buildServer(store, { rateLimits: NO_LIMIT, logLevel: "silent" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  ready(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  process.once("SIGTERM", () => {
    void app
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}

/** Starts `count` workers and prints their pids and the URL once every one listens. */
function superviseWorkers(count: number): void {
  const urls = new Set<string>();
  const listening = new Set<number>();
  let stopping = false;
  const workers = Array.from({ length: count }, () => cluster.fork());
  for (const worker of workers) {
    worker.on("message", (message: { listening?: string }) => {
      if (typeof message.listening !== "string") return;
      urls.add(message.listening);
      listening.add(worker.id);
      if (urls.size > 1) {
        process.stderr.write(`load server workers listen on different URLs: ${[...urls].join(", ")}\n`);
        process.exit(1);
      }
      if (listening.size === workers.length) process.stdout.write(`workers ${workers.map((w) => w.process.pid).join(" ")}\nlistening on ${message.listening}\n`);
    });
    worker.on("exit", (code) => {
      if (stopping) return;
      process.stderr.write(`load server worker ${worker.process.pid} ended (${code})\n`);
      process.exit(1);
    });
  }
  process.once("SIGTERM", () => {
    stopping = true;
    let left = workers.length;
    for (const worker of workers) {
      worker.once("exit", () => {
        left -= 1;
        if (left === 0) process.exit(0);
      });
      worker.process.kill("SIGTERM");
    }
  });
}

async function main(): Promise<void> {
  const location = process.argv[2];
  const workers = Number(process.argv[3] ?? "1");
  if (location === undefined || !Number.isInteger(workers) || workers < 1) throw new Error("usage: load-server.ts <sqlite path | postgres url> [workers]");
  if (cluster.isWorker) await serve(location, (url) => process.send?.({ listening: url }));
  else if (workers > 1) superviseWorkers(workers);
  else await serve(location, (url) => process.stdout.write(`listening on ${url}\n`));
}

main().catch((error: unknown) => {
  process.stderr.write(`load server failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
