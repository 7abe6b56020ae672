/**
 * Workers' hours from their paired shifts (analytics-sql.ts pairs them by the rules of a
 * worker's card, host/core/phone/cards.ts): a shift counts toward the day it began; a clock-in
 * without its clock-out counts no minutes and is listed, never guessed; the shift open now is
 * neither. A day's minutes are its shifts' milliseconds, summed, in whole minutes (as the card
 * shows them); a month's are the sum of its days'.
 */
import { ShiftRow } from "./analytics-model";

export interface AttendancePeriod {
  /** YYYY-MM-DD for a day, YYYY-MM for a month. */
  period: string;
  minutes: number;
  /** Shifts that began then and were never clocked out. */
  missingClockOuts: number;
}

export interface WorkerAttendance {
  workerId: string;
  workerName: string;
  /** Days with a shift that began then, oldest first. */
  days: AttendancePeriod[];
  months: AttendancePeriod[];
}

export interface MissingClockOut {
  workerId: string;
  workerName: string;
  day: string;
  clockIn: number;
  shopName: string | null;
}

export interface OpenShift {
  workerId: string;
  workerName: string;
  clockIn: number;
  shopName: string | null;
}

export interface AttendanceReport {
  workers: WorkerAttendance[];
  missingClockOuts: MissingClockOut[];
  openShifts: OpenShift[];
}

/** Builds the report from the shifts, ordered by worker, then clock-in, as the port gives them. */
export function attendanceReport(shifts: readonly ShiftRow[]): AttendanceReport {
  const workers = new Map<string, { workerName: string; days: Map<string, { ms: number; missingClockOuts: number }> }>();
  const missing: MissingClockOut[] = [];
  const open: OpenShift[] = [];
  for (const shift of shifts) {
    let worker = workers.get(shift.workerId);
    if (worker === undefined) {
      worker = { workerName: shift.workerName, days: new Map() };
      workers.set(shift.workerId, worker);
    }
    if (shift.open) {
      open.push({ workerId: shift.workerId, workerName: shift.workerName, clockIn: shift.clockIn, shopName: shift.shopName });
      continue;
    }
    const day = worker.days.get(shift.day) ?? { ms: 0, missingClockOuts: 0 };
    worker.days.set(shift.day, day);
    if (shift.clockOut === null) {
      day.missingClockOuts += 1;
      missing.push({ workerId: shift.workerId, workerName: shift.workerName, day: shift.day, clockIn: shift.clockIn, shopName: shift.shopName });
    } else day.ms += shift.clockOut - shift.clockIn;
  }
  const report: WorkerAttendance[] = [];
  for (const [workerId, worker] of workers) {
    const days = [...worker.days.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([day, { ms, missingClockOuts }]) => ({ period: day, minutes: Math.floor(ms / 60_000), missingClockOuts: missingClockOuts }));
    const months = new Map<string, AttendancePeriod>();
    for (const day of days) {
      const month = day.period.slice(0, 7);
      const total = months.get(month) ?? { period: month, minutes: 0, missingClockOuts: 0 };
      total.minutes += day.minutes;
      total.missingClockOuts += day.missingClockOuts;
      months.set(month, total);
    }
    report.push({ workerId: workerId, workerName: worker.workerName, days: days, months: [...months.values()] });
  }
  return { workers: report, missingClockOuts: missing, openShifts: open };
}
