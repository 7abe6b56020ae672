import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** One request exactly as the rig means it: every header its own, the Host header included. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Long enough for a loaded 2-core machine; an answer slower than this is a failure of the run, not a refusal. */
const RAW_TIMEOUT_MS = 15_000;

/**
 * Sends one request with node:http(s) rather than fetch or the API client: fetch will not let a
 * caller set Host (the DNS-rebinding attack needs an attacker's name there) and follows
 * redirects, and the API client signs afresh on every call (a replay must resend the very same
 * signed bytes). No agent keep-alive: each attempt stands alone.
 */
export function sendRaw(baseUrl: string, raw: RawRequest): Promise<RawAnswer> {
  const url = new URL(raw.path, baseUrl);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const body = raw.body ?? new Uint8Array(0);
  const headers = { ...raw.headers, "content-length": String(body.length) };
  return new Promise((resolve, reject) => {
    const req = send(url, { method: raw.method, headers: headers, agent: false, timeout: RAW_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
        resolve({ status: res.statusCode ?? 0, headers: flat, text: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${raw.method} ${raw.path}: no answer within ${RAW_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The Host header the target's URL implies: what a legitimate client sends. */
export function authorityOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}
