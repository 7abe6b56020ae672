/**
 * An API transport whose connections leave from a chosen loopback address (127.0.0.2, …): the
 * host counts requests per client address, and a flood from another address must not use up the
 * legitimate stations' budget on 127.0.0.1. Plain HTTP only: only the embedded host is reached
 * from several addresses (on a deployment every request comes from the rig's one address).
 */
import { Agent, request } from "node:http";
import { ApiTransport, TransportResponse } from "../../host/client/transports";

function headersOf(raw: NodeJS.Dict<string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

export function transportFrom(baseUrl: string, localAddress: string): ApiTransport {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, localAddress: localAddress });
  return {
    authority: url.host,
    request(method, pathAndQuery, headers, body) {
      return new Promise<TransportResponse>((resolve, reject) => {
        const sent = request({ hostname: url.hostname, port: url.port, method: method, path: pathAndQuery, agent: agent, headers: { ...headers, host: url.host, ...(body === undefined ? {} : { "content-length": String(body.length) }) } });
        sent.on("error", reject);
        sent.on("response", (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: headersOf(response.headers), body: Buffer.concat(chunks).toString("utf8") }));
        });
        sent.end(body === undefined ? undefined : Buffer.from(body));
      });
    },
    async close() {
      agent.destroy();
    },
  };
}
