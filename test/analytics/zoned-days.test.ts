/** Calendar days in a time zone as instants: exact on daylight-saving days and with odd offsets. */
import { describe, expect, it } from "vitest";
import { dayInZone, daysBetween } from "../../host/core/analytics/zoned-days";
import { must } from "../support/test-world";

const HOUR = 3_600_000;

describe("days in a time zone", () => {
  it("begins Seoul's day at 15:00 UTC the day before", () => {
    const [day] = daysBetween("2025-03-10", "2025-03-10", must(dayInZone("Asia/Seoul")));
    expect(day).toEqual({ day: "2025-03-10", start: Date.parse("2025-03-09T15:00:00Z"), end: Date.parse("2025-03-10T15:00:00Z") });
  });

  it("gives New York's spring-forward day 23 hours and its fall-back day 25", () => {
    const dayOf = must(dayInZone("America/New_York"));
    const [spring] = daysBetween("2025-03-09", "2025-03-09", dayOf);
    expect(spring).toEqual({ day: "2025-03-09", start: Date.parse("2025-03-09T05:00:00Z"), end: Date.parse("2025-03-10T04:00:00Z") });
    const [fall] = daysBetween("2025-11-02", "2025-11-02", dayOf);
    expect(fall.end - fall.start).toBe(25 * HOUR);
  });

  it("handles half-hour offsets and a day a zone skipped (Samoa, 2011-12-30)", () => {
    const [kolkata] = daysBetween("2025-01-01", "2025-01-01", must(dayInZone("Asia/Kolkata")));
    expect(kolkata.start).toBe(Date.parse("2024-12-31T18:30:00Z"));
    const days = daysBetween("2011-12-29", "2011-12-31", must(dayInZone("Pacific/Apia")));
    expect(days.map((d) => d.end - d.start)).toEqual([24 * HOUR, 0, 24 * HOUR]);
    expect(days[0].end).toBe(days[2].start);
  });

  it("makes consecutive days that meet, and refuses an unknown zone", () => {
    const days = daysBetween("2024-12-30", "2025-01-02", must(dayInZone("UTC")));
    expect(days.map((d) => d.day)).toEqual(["2024-12-30", "2024-12-31", "2025-01-01", "2025-01-02"]);
    for (let i = 1; i < days.length; i++) expect(days[i].start).toBe(days[i - 1].end);
    expect(dayInZone("Nowhere/Land")).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
  });
});
