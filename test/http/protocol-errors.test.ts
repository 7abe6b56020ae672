import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BODY_LIMIT } from "../../host/http/server";
import { expectRefused, NET_TIMEOUT, RawAnswer, seed, Seeded, startApi, TestApi } from "./api-harness";

let api: TestApi;
let world: Seeded;
beforeEach(async () => {
  api = await startApi();
  world = await seed(api);
}, NET_TIMEOUT);
afterEach(async () => {
  await api.close();
});

/** A request as the operator, body sent exactly as given. */
function asOperator(path: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<RawAnswer> {
  return api.raw(path, { ...init, headers: { authorization: `Bearer ${world.operator.token}`, ...init.headers } });
}

const json = { "content-type": "application/json" };

describe("HTTP-level errors are JSON, 4xx, and write nothing", { timeout: NET_TIMEOUT }, () => {
  it("answers unknown routes and methods with 404", async () => {
    const error = await expectRefused(api, () => asOperator("/v1/nothing", { method: "GET" }), 404, "NOT_FOUND");
    expect(error.message).toBe("no route GET /v1/nothing");
    await expectRefused(api, () => asOperator("/v1/shops", { method: "DELETE" }), 404, "NOT_FOUND");
    await expectRefused(api, () => asOperator("/v1/stamps/0123456789abcdef", { method: "PUT", headers: json, body: "{}" }), 404, "NOT_FOUND");
    await expectRefused(api, () => asOperator("/", { method: "GET" }), 404, "NOT_FOUND");
  });

  it("answers malformed JSON with 400 MALFORMED_JSON", async () => {
    for (const body of ['{"id": "x", "name": ', "{'id': 'x'}", "not json", '{"id":"x","name":"y"}}']) {
      const error = await expectRefused(api, () => asOperator("/v1/merchants", { method: "POST", headers: json, body: body }), 400, "MALFORMED_JSON");
      expect(error.message).toBe("the body is not valid JSON");
    }
    const empty = await expectRefused(api, () => asOperator("/v1/merchants", { method: "POST", headers: json, body: "" }), 400, "MALFORMED_JSON");
    expect(empty.message).toMatch(/empty/);
  });

  it("refuses prototype-poisoning keys", async () => {
    const body = '{"id":"evil","name":"x","__proto__":{"admin":true}}';
    await expectRefused(api, () => asOperator("/v1/merchants", { method: "POST", headers: json, body: body }), 400, "MALFORMED_JSON");
    const constructor = '{"id":"evil","name":"x","constructor":{"prototype":{"admin":true}}}';
    await expectRefused(api, () => asOperator("/v1/merchants", { method: "POST", headers: json, body: constructor }), 400, "MALFORMED_JSON");
  });

  it("refuses JSON that is not an object", async () => {
    for (const body of ["null", "42", '"text"', "[]"]) {
      const error = await expectRefused(api, () => asOperator("/v1/merchants", { method: "POST", headers: json, body: body }), 400, "INVALID_INPUT");
      expect(error.message).toBe("body must be a JSON object");
    }
  });

  it("refuses a POST without a body where one is needed", async () => {
    const error = await expectRefused(api, () => asOperator("/v1/merchants", { method: "POST" }), 400, "INVALID_INPUT");
    expect(error.message).toBe("body must be a JSON object");
  });

  it("refuses bodies over the limit with 413", async () => {
    const body = JSON.stringify({ id: "big", name: "x".repeat(BODY_LIMIT) });
    const error = await expectRefused(api, () => asOperator("/v1/merchants", { method: "POST", headers: json, body: body }), 413, "PAYLOAD_TOO_LARGE");
    expect(error.message).toBe(`the request body is larger than ${BODY_LIMIT} bytes`);
  });

  it("refuses other content types with 415", async () => {
    const body = JSON.stringify({ id: "x", name: "y" });
    await expectRefused(api, () => asOperator("/v1/merchants", { method: "POST", headers: { "content-type": "text/plain" }, body: body }), 415, "UNSUPPORTED_MEDIA_TYPE");
    const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "id=x&name=y" };
    await expectRefused(api, () => asOperator("/v1/merchants", form), 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("refuses a malformed Authorization header, an unknown token and a token of the wrong shape with 401", async () => {
    for (const authorization of ["Basic b3A6b3A=", "Bearer", `Bearer ${world.operator.token} extra`, "Bearer stamp_not-a-real-token", "Bearer sk_live_123"]) {
      const error = await expectRefused(api, () => api.raw("/v1/merchants", { method: "GET", headers: { authorization: authorization } }), 401, "UNAUTHENTICATED");
      expect(error.message).toMatch(/^not authenticated: /);
    }
    const answer = await api.raw("/v1/merchants", { method: "GET" });
    expect(answer.status).toBe(401);
    expect(answer.text).not.toContain(world.operator.token);
  });

  it("never leaks a stack trace when the store fails: 500 with a bare message", async () => {
    // Authenticated first (the token lookup needs the store), then the store fails under the route.
    const original = api.store.listShops.bind(api.store);
    api.store.listShops = () => Promise.reject(new Error("SQLITE_CORRUPT: database disk image is malformed at /tmp/x.db"));
    try {
      const response = await world.beanBros.owner.client.request("GET", "/v1/shops");
      expect(response.status).toBe(500);
      expect(response.body).toEqual({ error: { code: "INTERNAL", message: "internal error: the request was not completed" } });
      expect(JSON.stringify(response.body)).not.toMatch(/sqlite|at .*:\d+/i);
    } finally {
      api.store.listShops = original;
    }
  });
});
