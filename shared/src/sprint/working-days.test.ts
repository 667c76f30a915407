import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  dayNumberToIsoDate,
  isoDateTimeToMs,
  isoDateToDayNumber,
  isWorkingDay,
  workingDaysBetween,
} from './working-days.js';

describe('working-day arithmetic', () => {
  it('rejects dates that do not exist instead of rolling them over', () => {
    expect(isoDateToDayNumber('2025-02-30')).toBeNull();
    expect(isoDateToDayNumber('2025-13-01')).toBeNull();
    expect(isoDateToDayNumber('2025-1-5')).toBeNull();
    expect(isoDateToDayNumber('2024-02-29')).not.toBeNull();
    expect(isoDateToDayNumber('2023-02-29')).toBeNull();
  });

  it('formats day numbers exactly like the Date API does', () => {
    for (let day = -719_528; day <= 2_932_896; day += 997) {
      expect(dayNumberToIsoDate(day)).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
    }
  });

  it('round-trips day numbers and ISO dates', () => {
    expect(isoDateToDayNumber('1970-01-01')).toBe(0);
    expect(dayNumberToIsoDate(isoDateToDayNumber('2025-12-31')!)).toBe('2025-12-31');
  });

  it('knows weekends from weekdays', () => {
    expect(isWorkingDay('2025-01-10')).toBe(true); // Friday
    expect(isWorkingDay('2025-01-11')).toBe(false); // Saturday
    expect(isWorkingDay('2025-01-12')).toBe(false); // Sunday
    expect(isWorkingDay('2025-01-13')).toBe(true); // Monday
  });

  it('skips weekends when adding working days', () => {
    expect(addWorkingDays('2025-01-10', 1)).toBe('2025-01-13');
    expect(addWorkingDays('2025-01-08', 5)).toBe('2025-01-15');
    expect(addWorkingDays('2025-01-11', 0)).toBe('2025-01-13');
    expect(addWorkingDays('2025-01-13', -1)).toBe('2025-01-10');
    expect(addWorkingDays('2024-12-30', 3)).toBe('2025-01-02');
  });

  it('lists the working days of a range, both ends included', () => {
    expect(workingDaysBetween('2025-01-09', '2025-01-14')).toEqual([
      '2025-01-09',
      '2025-01-10',
      '2025-01-13',
      '2025-01-14',
    ]);
    expect(workingDaysBetween('2025-01-11', '2025-01-12')).toEqual([]);
  });

  it('throws on an invalid date rather than guessing', () => {
    expect(() => addWorkingDays('2025-02-30', 1)).toThrow(RangeError);
  });
});

describe('isoDateTimeToMs', () => {
  it('agrees with Date.parse on real date-times with a zone', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offset) => {
          const shifted = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 23);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const text = `${shifted}${zone}`;
          expect(isoDateTimeToMs(text)).toBe(Date.parse(text));
          expect(isoDateTimeToMs(`${shifted.slice(0, 16)}Z`)).toBe(Date.parse(`${shifted.slice(0, 16)}Z`));
        },
      ),
    );
  });

  it('refuses what is not on the calendar or the clock, and a date-time without a zone', () => {
    for (const bad of [
      '2027-02-30T09:00:00Z',
      '2027-01-04T24:00:00Z',
      '2027-01-04T10:60Z',
      '2027-01-04T10:00:60Z',
      '2027-01-04T10:00:00+14:30',
      '2027-01-04T10:00:00',
      '2027-01-04',
      ' 2027-01-04T10:00Z',
    ]) {
      expect(isoDateTimeToMs(bad), bad).toBeNull();
    }
  });
});
