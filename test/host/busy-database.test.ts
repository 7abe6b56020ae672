/**
 * Another process holding the database's write lock must not freeze this one: reads and the
 * health check go on, and a write waits a little without blocking the event loop, then answers
 * 503 with Retry-After.
 */
import { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { buildServer } from "../../host/http/server";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld } from "../support/test-world";

describeEachStore("a database locked by another writer", (kind) => {
  it("keeps answering reads and the health check, and refuses writes with 503 and Retry-After instead of hanging", async () => {
    const w = await createTestWorld(kind);
    const app = buildServer(w.store);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const owner = { authorization: "Bearer " + w.ownerToken };
    const release = await w.database.holdWriteLock();
    try {
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      const write = fetch(url + "/v1/shops", { method: "POST", headers: { ...owner, "content-type": "application/json" }, body: JSON.stringify({ id: "jamsil", merchantId: "bean-bros", name: "Jamsil" }) });
      const health = await fetch(url + "/healthz");
      expect(health.status).toBe(200);
      const read = await fetch(url + "/v1/shops", { headers: owner });
      expect(read.status).toBe(200);
      const refused = await write;
      clearInterval(ticker);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(await refused.json()).toEqual({ error: { code: "SERVICE_BUSY", message: "the database is busy: try again in a second" } });
      // The event loop kept running while the write waited (about 2 s of 10 ms ticks).
      expect(ticks).toBeGreaterThan(20);
    } finally {
      await release();
    }
    const after = await fetch(url + "/v1/shops", { method: "POST", headers: { ...owner, "content-type": "application/json" }, body: JSON.stringify({ id: "jamsil", merchantId: "bean-bros", name: "Jamsil" }) });
    expect(after.status).toBe(201);
    await app.close();
    await w.store.close();
  }, 30_000);
});
