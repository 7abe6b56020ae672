/**
 * The least an HTTP API on this stack can do per request, for the load bench's ceiling
 * (machine-ceiling.ts): Fastify with one POST route that parses a JSON body and answers a small
 * JSON object, no hooks, no schema, no log, no store. It prints `listening on <url>` when ready
 * and closes on SIGTERM.
 */
import Fastify from "fastify";
import { AddressInfo } from "node:net";

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.post("/echo", async (request) => ({ received: typeof request.body === "object" && request.body !== null }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  process.stdout.write(`listening on http://127.0.0.1:${(app.server.address() as AddressInfo).port}\n`);
  process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`bare server failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
