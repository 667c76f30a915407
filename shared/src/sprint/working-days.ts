/**
 * Calendar arithmetic for sprint plans. Dates are ISO `YYYY-MM-DD` strings interpreted in UTC and
 * handled internally as day numbers (days since 1970-01-01), so no local time zone or DST can shift a
 * day. Working days are Monday to Friday; public holidays are not modelled.
 */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses an ISO `YYYY-MM-DD` date into a UTC day number, or returns `null` when the text is not a real
 * calendar date (`2025-02-30` is rejected rather than rolled over into March).
 */
export function isoDateToDayNumber(iso: string): number | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return Math.round(ms / DAY_MS);
}

/** Formats a UTC day number as an ISO `YYYY-MM-DD` date (years 0000-9999). */
export function dayNumberToIsoDate(dayNumber: number): string {
  // Civil-from-days in integer arithmetic (H. Hinnant's algorithm): plans format tens of thousands of
  // dates, and Date#toISOString is an order of magnitude slower.
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** True when the UTC day number falls on Monday to Friday. */
export function isWorkingDayNumber(dayNumber: number): boolean {
  // 1970-01-01 was a Thursday: shift so that 0 = Sunday, 6 = Saturday.
  const weekday = (((dayNumber + 4) % 7) + 7) % 7;
  return weekday >= 1 && weekday <= 5;
}

/** True when the ISO date is a Monday to Friday. Throws on an invalid date. */
export function isWorkingDay(iso: string): boolean {
  return isWorkingDayNumber(requireDay(iso));
}

/**
 * Adds `n` working days to a date (n may be 0 or negative). Counting starts from the given date itself:
 * when it falls on a weekend, `addWorkingDays(sat, 0)` is the next Monday and `addWorkingDays(sat, 1)`
 * the Tuesday after it.
 */
export function addWorkingDays(iso: string, n: number): string {
  let day = requireDay(iso);
  const step = n < 0 ? -1 : 1;
  while (!isWorkingDayNumber(day)) day += step;
  let left = Math.abs(Math.trunc(n));
  while (left > 0) {
    day += step;
    if (isWorkingDayNumber(day)) left--;
  }
  return dayNumberToIsoDate(day);
}

/** The working days (Monday to Friday) from `startIso` to `endIso`, both inclusive, in order. */
export function workingDaysBetween(startIso: string, endIso: string): string[] {
  const start = requireDay(startIso);
  const end = requireDay(endIso);
  const out: string[] = [];
  for (let d = start; d <= end; d++) if (isWorkingDayNumber(d)) out.push(dayNumberToIsoDate(d));
  return out;
}

function requireDay(iso: string): number {
  const day = isoDateToDayNumber(iso);
  if (day === null) throw new RangeError(`Not a valid ISO date (YYYY-MM-DD): ${JSON.stringify(iso)}`);
  return day;
}
