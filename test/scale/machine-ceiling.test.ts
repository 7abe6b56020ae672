import { describe, expect, it } from "vitest";
import { ceilingOf } from "../../bench/load/machine-ceiling";

describe("the load bench's ceiling", () => {
  const inputs = {
    verifyPerSecond: 10_000, // 100 µs a verify
    signPerSecond: 25_000, // 40 µs a signature
    floor: { requestsPerSecond: 10_000, clientCpuPerRequest: 100e-6, serverCpuPerRequest: 50e-6 },
    cores: 2,
  };

  it("charges a tap three verifies, three signatures and two requests on both sides", () => {
    const limit = ceilingOf(inputs);
    // 3 × 100 + 3 × 40 + 2 × (100 + 50) = 720 µs
    expect(limit.cpuPerTap).toBeCloseTo(720e-6, 12);
    expect(limit.tapsPerSecond).toBeCloseTo(2 / 720e-6, 6);
  });

  it("charges the host alone only its verifies and its side of the requests", () => {
    const limit = ceilingOf(inputs);
    // 3 × 100 + 2 × 50 = 400 µs
    expect(limit.hostCpuPerTap).toBeCloseTo(400e-6, 12);
    expect(limit.hostTapsPerSecond).toBeCloseTo(5_000, 6);
  });
});
