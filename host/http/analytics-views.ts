/**
 * The analytics reports as the API answers them: instants in ISO 8601 UTC, as everywhere else in
 * the API (the core keeps milliseconds, and the dashboard, which calls the core, formats them
 * itself). Days and months stay calendar names (YYYY-MM-DD, YYYY-MM) in the asked time zone.
 */
import { AttendanceRangeReport, ComeBackReport } from "../core/analytics/analytics-reports";

function iso(at: number): string {
  return new Date(at).toISOString();
}

type WithIsoTime<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };

export interface ComeBackView extends Omit<ComeBackReport, "quietSince" | "cards"> {
  quietSince: string;
  cards: WithIsoTime<ComeBackReport["cards"][number], "lastVisit">[];
}

export function comeBackView(report: ComeBackReport): ComeBackView {
  return { ...report, quietSince: iso(report.quietSince), cards: report.cards.map((card) => ({ ...card, lastVisit: iso(card.lastVisit) })) };
}

export interface AttendanceView extends Omit<AttendanceRangeReport, "missingClockOuts" | "openShifts"> {
  missingClockOuts: WithIsoTime<AttendanceRangeReport["missingClockOuts"][number], "clockIn">[];
  openShifts: WithIsoTime<AttendanceRangeReport["openShifts"][number], "clockIn">[];
}

export function attendanceView(report: AttendanceRangeReport): AttendanceView {
  return {
    ...report,
    missingClockOuts: report.missingClockOuts.map((missing) => ({ ...missing, clockIn: iso(missing.clockIn) })),
    openShifts: report.openShifts.map((open) => ({ ...open, clockIn: iso(open.clockIn) })),
  };
}
