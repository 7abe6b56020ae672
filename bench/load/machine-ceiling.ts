/**
 * The most taps per second this machine could give end to end, whatever the host did beyond
 * what the protocol itself requires, measured in the same run as the load figures.
 *
 * A tap is two signed requests and one stamp answer (R11: stations sign their requests; R3 and R8:
 * a fresh challenge, asked for just before the press). So, per tap, at the very least:
 * - three Ed25519 verifies in the host (both request signatures and the stamp's) at the
 *   reference rate R;
 * - three Ed25519 signatures where the bench's stations run (both requests and the stamp's
 *   answer), at the signing rate S;
 * - two HTTP requests, each costing what a bare Fastify route costs the client and the server
 *   (bare-server.ts, driven by the product's HTTP transport), measured as CPU per request.
 *
 * With nothing else (no JSON schema, no RFC 9421 parsing, no database, no ledger), the ceiling is
 * the machine's cores divided by that CPU per tap; on a machine where the stations run
 * elsewhere, the host's share alone (verifies and its side of the two requests).
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { httpTransport } from "../../host/client/transports";
import { cpuSeconds, startServerProcess } from "./server-process";

/** Requests in flight at once against the bare route: enough to keep both processes busy. */
const FLOOR_CONCURRENCY = 32;
/** The size of a tap request's body (a hex tap response in JSON), roughly. */
const FLOOR_BODY = new TextEncoder().encode(JSON.stringify({ response: "ab".repeat(110) }));

export interface HttpFloor {
  requestsPerSecond: number;
  /** CPU seconds per request, of the client (this process) and of the bare server. */
  clientCpuPerRequest: number;
  serverCpuPerRequest: number;
}

export interface CeilingInputs {
  /** Strict verifies per second on one core: the reference rate R. */
  verifyPerSecond: number;
  /** Ed25519 signatures per second on one core, with a prepared key. */
  signPerSecond: number;
  floor: HttpFloor;
  cores: number;
}

export interface Ceiling {
  /** CPU seconds per tap, at the least, with the stations on this machine. */
  cpuPerTap: number;
  tapsPerSecond: number;
  /** The same for the host alone, on a machine of its own with as many cores. */
  hostCpuPerTap: number;
  hostTapsPerSecond: number;
}

const VERIFIES_PER_TAP = 3;
const SIGNATURES_PER_TAP = 3;
const REQUESTS_PER_TAP = 2;

export function ceilingOf(inputs: CeilingInputs): Ceiling {
  const verifies = VERIFIES_PER_TAP / inputs.verifyPerSecond;
  const signatures = SIGNATURES_PER_TAP / inputs.signPerSecond;
  const hostHttp = REQUESTS_PER_TAP * inputs.floor.serverCpuPerRequest;
  const cpuPerTap = verifies + signatures + hostHttp + REQUESTS_PER_TAP * inputs.floor.clientCpuPerRequest;
  const hostCpuPerTap = verifies + hostHttp;
  return { cpuPerTap: cpuPerTap, tapsPerSecond: inputs.cores / cpuPerTap, hostCpuPerTap: hostCpuPerTap, hostTapsPerSecond: inputs.cores / hostCpuPerTap };
}

/** Ed25519 signatures per second over a message the size of a tap's signed message (best of `rounds` loops). */
export function measureSignRate(seconds: number, rounds: number): number {
  const { privateKey } = generateKeyPairSync("ed25519");
  const message = new Uint8Array(120).fill(7);
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const until = performance.now() + (seconds * 1000) / rounds;
    const started = performance.now();
    let calls = 0;
    while (performance.now() < until) for (let i = 0; i < 64; i++, calls++) sign(null, message, privateKey);
    best = Math.max(best, calls / ((performance.now() - started) / 1000));
  }
  return best;
}

/** The bare route driven at FLOOR_CONCURRENCY for `seconds`: requests/s and each side's CPU per request. */
export async function measureHttpFloor(seconds: number): Promise<HttpFloor> {
  const server = await startServerProcess("bench/load/bare-server.ts", []);
  const transport = httpTransport(server.url);
  const post = async () => {
    const answer = await transport.request("POST", "/echo", { "content-type": "application/json" }, FLOOR_BODY);
    if (answer.status !== 200) throw new Error(`bare route answered ${answer.status}`);
  };
  try {
    for (let i = 0; i < 500; i++) await post(); // warm: compiled hot, connections open
    const serverBefore = cpuSeconds(server.pid);
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    const until = started + seconds * 1000;
    let requests = 0;
    await Promise.all(
      Array.from({ length: FLOOR_CONCURRENCY }, async () => {
        while (performance.now() < until) {
          await post();
          requests++;
        }
      }),
    );
    const wall = (performance.now() - started) / 1000;
    const client = process.cpuUsage(clientBefore);
    return {
      requestsPerSecond: requests / wall,
      clientCpuPerRequest: (client.user + client.system) / 1e6 / requests,
      serverCpuPerRequest: (cpuSeconds(server.pid) - serverBefore) / requests,
    };
  } finally {
    await transport.close();
    await server.stop();
  }
}
