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

const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Parses an ISO 8601 date-time with a time zone (`2027-01-04T09:00Z`, `2027-01-04T09:00:00.000+02:00`)
 * into epoch milliseconds, or returns `null` when it is not one: a date that is not on the calendar, hour
 * 24 or more, minute or second 60 or more, an offset beyond +-14:00, or no zone at all (which `Date.parse`
 * would read in the server's local time).
 */
export function isoDateTimeToMs(text: string): number | null {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return null;
  const day = isoDateToDayNumber(m[1]!);
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (day === null || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[6] !== 'Z') {
    const [oh, om] = [Number(m[7]), Number(m[8])];
    if (oh > 14 || om > 59 || oh * 60 + om > 14 * 60) return null;
    offsetMinutes = (m[6]!.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const millis = Math.floor(Number(`0.${m[5] ?? '0'}`) * 1000);
  return day * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
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
