import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BODY_LIMIT } from "../../host/http/server";
import { expectRefused, seed, startApi, TestApi } from "./api-harness";

let api: TestApi;
beforeEach(async () => {
  api = await startApi();
  await seed(api);
});
afterEach(async () => {
  await api.close();
});

const json = { "content-type": "application/json" };

describe("HTTP-level errors are JSON, 4xx, and write nothing", () => {
  it("answers unknown routes and methods with 404", async () => {
    const error = await expectRefused(api, () => api.get("/v1/nothing"), 404, "NOT_FOUND");
    expect(error.message).toBe("no route GET /v1/nothing");
    await expectRefused(api, () => api.raw("/v1/shops", { method: "DELETE" }), 404, "NOT_FOUND");
    await expectRefused(api, () => api.raw("/v1/stamps/0123456789abcdef", { method: "PUT", headers: json, body: "{}" }), 404, "NOT_FOUND");
    await expectRefused(api, () => api.get("/"), 404, "NOT_FOUND");
  });

  it("answers malformed JSON with 400 MALFORMED_JSON", async () => {
    for (const body of ['{"id": "x", "name": ', "{'id': 'x'}", "not json", '{"id":"x","name":"y"}}']) {
      const error = await expectRefused(api, () => api.raw("/v1/merchants", { method: "POST", headers: json, body: body }), 400, "MALFORMED_JSON");
      expect(error.message).toBe("the body is not valid JSON");
    }
    const empty = await expectRefused(api, () => api.raw("/v1/merchants", { method: "POST", headers: json, body: "" }), 400, "MALFORMED_JSON");
    expect(empty.message).toMatch(/empty/);
  });

  it("refuses prototype-poisoning keys", async () => {
    const body = '{"id":"evil","name":"x","__proto__":{"admin":true}}';
    await expectRefused(api, () => api.raw("/v1/merchants", { method: "POST", headers: json, body: body }), 400, "MALFORMED_JSON");
  });

  it("refuses JSON that is not an object", async () => {
    for (const body of ["null", "42", '"text"', "[]"]) {
      const error = await expectRefused(api, () => api.raw("/v1/taps", { method: "POST", headers: json, body: body }), 400, "INVALID_INPUT");
      expect(error.message).toBe("body must be a JSON object");
    }
  });

  it("refuses a POST without a body where one is needed", async () => {
    const error = await expectRefused(api, () => api.post("/v1/challenges"), 400, "INVALID_INPUT");
    expect(error.message).toBe("body must be a JSON object");
  });

  it("refuses bodies over the limit with 413", async () => {
    const body = JSON.stringify({ id: "big", name: "x".repeat(BODY_LIMIT) });
    const error = await expectRefused(api, () => api.raw("/v1/merchants", { method: "POST", headers: json, body: body }), 413, "PAYLOAD_TOO_LARGE");
    expect(error.message).toBe(`the request body is larger than ${BODY_LIMIT} bytes`);
  });

  it("refuses other content types with 415", async () => {
    const body = JSON.stringify({ id: "x", name: "y" });
    const text = { method: "POST", headers: { "content-type": "text/plain" }, body: body };
    await expectRefused(api, () => api.raw("/v1/merchants", text), 415, "UNSUPPORTED_MEDIA_TYPE");
    const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "id=x&name=y" };
    await expectRefused(api, () => api.raw("/v1/merchants", form), 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("never leaks a stack trace when the store fails: 500 with a bare message", async () => {
    await api.store.close(); // every store call now throws
    const response = await api.get("/v1/shops");
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: "INTERNAL", message: "internal error: the request was not completed" } });
    expect(response.text).not.toMatch(/sqlite|at .*:\d+/i);
  });
});
