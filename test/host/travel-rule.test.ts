/** The travel rule's arithmetic, pure: distances, the minimum trip, and when it stays out of the way. */
import { describe, expect, it } from "vitest";
import { distanceKm, impossibleTravel, MAX_TRAVEL_SPEED_KMH, minimumTravelMs } from "../../host/core/travel-rule";

const SEOUL = { latitude: 37.5665, longitude: 126.978 };
const BUSAN = { latitude: 35.1796, longitude: 129.0756 };
const GANGNAM = { latitude: 37.4979, longitude: 127.0276 };
const GANGNAM_EXIT_11 = { latitude: 37.4985, longitude: 127.0272 };

describe("the travel rule", () => {
  it("measures great-circle distances (Seoul City Hall to Busan City Hall is about 325 km)", () => {
    expect(distanceKm(SEOUL, BUSAN)).toBeGreaterThan(320);
    expect(distanceKm(SEOUL, BUSAN)).toBeLessThan(330);
    expect(distanceKm(SEOUL, SEOUL)).toBe(0);
    expect(distanceKm(SEOUL, BUSAN)).toBeCloseTo(distanceKm(BUSAN, SEOUL), 9);
  });

  it("takes the trip at 300 km/h: Seoul to Busan no sooner than about 65 minutes", () => {
    expect(MAX_TRAVEL_SPEED_KMH).toBe(300);
    const minutes = minimumTravelMs(SEOUL, BUSAN) / 60_000;
    expect(minutes).toBeGreaterThan(64);
    expect(minutes).toBeLessThan(66);
  });

  it("refuses a tap sooner than the trip, and says how far and how soon", () => {
    const last = { shopId: "busan", at: 1_000_000, location: BUSAN };
    const found = impossibleTravel(last, { id: "seoul", location: SEOUL }, 1_000_000 + 10 * 60_000);
    expect(found).toMatchObject({ fromShopId: "busan", elapsedMs: 600_000 });
    expect(found?.minimumMs).toBe(minimumTravelMs(BUSAN, SEOUL));
    expect(impossibleTravel(last, { id: "seoul", location: SEOUL }, 1_000_000 + minimumTravelMs(BUSAN, SEOUL))).toBeUndefined();
  });

  it("counts a last tap timed after now (another clock, an offline upload) as simultaneous", () => {
    expect(impossibleTravel({ shopId: "busan", at: 2_000_000, location: BUSAN }, { id: "seoul", location: SEOUL }, 1_000_000)?.elapsedMs).toBe(0);
  });

  it("stays out of the way without a last tap, at the same shop, without a location on either side, and for shops next door", () => {
    expect(impossibleTravel(undefined, { id: "seoul", location: SEOUL }, 0)).toBeUndefined();
    expect(impossibleTravel({ shopId: "seoul", at: 0, location: SEOUL }, { id: "seoul", location: SEOUL }, 0)).toBeUndefined();
    expect(impossibleTravel({ shopId: "busan", at: 0, location: undefined }, { id: "seoul", location: SEOUL }, 0)).toBeUndefined();
    expect(impossibleTravel({ shopId: "busan", at: 0, location: BUSAN }, { id: "seoul" }, 0)).toBeUndefined();
    // 70 m apart: under a second at 300 km/h, so two shops in one street never trip it after a second.
    expect(minimumTravelMs(GANGNAM, GANGNAM_EXIT_11)).toBeLessThan(1_000);
    expect(impossibleTravel({ shopId: "a", at: 0, location: GANGNAM }, { id: "b", location: GANGNAM_EXIT_11 }, 1_000)).toBeUndefined();
  });
});
