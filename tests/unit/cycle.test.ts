// Periods of recurring tasks: keys, bounds, check-in days and Vietnamese labels.
import { describe, it, expect } from 'vitest';
import type { IsoDate } from '../../domain/calendar.js';
import { firstOpenPeriod, nextPeriod, periodLabel, periodOf, type Period } from '../../domain/cycle.js';
import type { Cycle } from '../../domain/plan.js';

const P = (cycle: Cycle, key: string, start: IsoDate, end: IsoDate, checkInDue: IsoDate): Period => ({ cycle, key, start, end, checkInDue });

describe('periodOf', () => {
  it.each<[cycle: Cycle, date: IsoDate, day: number, expected: Period]>([
    ['monthly', '2024-05-17', 10, P('monthly', '2024-05', '2024-05-01', '2024-05-31', '2024-05-10')],
    ['monthly', '2024-05-01', 10, P('monthly', '2024-05', '2024-05-01', '2024-05-31', '2024-05-10')],
    ['monthly', '2024-04-30', 10, P('monthly', '2024-04', '2024-04-01', '2024-04-30', '2024-04-10')],
    ['monthly', '2024-02-01', 10, P('monthly', '2024-02', '2024-02-01', '2024-02-29', '2024-02-10')],
    ['monthly', '2024-02-29', 28, P('monthly', '2024-02', '2024-02-01', '2024-02-29', '2024-02-28')],
    ['monthly', '2023-02-15', 28, P('monthly', '2023-02', '2023-02-01', '2023-02-28', '2023-02-28')],
    ['monthly', '2100-02-10', 1, P('monthly', '2100-02', '2100-02-01', '2100-02-28', '2100-02-01')],
    ['monthly', '2000-02-10', 5, P('monthly', '2000-02', '2000-02-01', '2000-02-29', '2000-02-05')],
    ['monthly', '2024-12-31', 10, P('monthly', '2024-12', '2024-12-01', '2024-12-31', '2024-12-10')],
    ['quarterly', '2024-01-01', 10, P('quarterly', '2024-Q1', '2024-01-01', '2024-03-31', '2024-03-10')],
    ['quarterly', '2024-05-17', 10, P('quarterly', '2024-Q2', '2024-04-01', '2024-06-30', '2024-06-10')],
    ['quarterly', '2024-09-30', 10, P('quarterly', '2024-Q3', '2024-07-01', '2024-09-30', '2024-09-10')],
    ['quarterly', '2024-11-15', 25, P('quarterly', '2024-Q4', '2024-10-01', '2024-12-31', '2024-12-25')],
    ['half-yearly', '2024-05-17', 10, P('half-yearly', '2024-H1', '2024-01-01', '2024-06-30', '2024-06-10')],
    ['half-yearly', '2024-06-30', 10, P('half-yearly', '2024-H1', '2024-01-01', '2024-06-30', '2024-06-10')],
    ['half-yearly', '2024-07-01', 10, P('half-yearly', '2024-H2', '2024-07-01', '2024-12-31', '2024-12-10')],
    ['yearly', '2024-05-17', 10, P('yearly', '2024', '2024-01-01', '2024-12-31', '2024-12-10')],
    ['yearly', '2025-01-01', 15, P('yearly', '2025', '2025-01-01', '2025-12-31', '2025-12-15')],
  ])('%s %s (check-in day %i)', (cycle, date, day, expected) => {
    expect(periodOf(cycle, date, day)).toEqual(expected);
  });
});

describe('firstOpenPeriod: the current period while its check-in is ahead, else the next', () => {
  it.each<[cycle: Cycle, today: IsoDate, day: number, expected: Period]>([
    // On the day of the check-in the period is still open; the day after it is not.
    ['monthly', '2024-05-10', 10, P('monthly', '2024-05', '2024-05-01', '2024-05-31', '2024-05-10')],
    ['monthly', '2024-05-11', 10, P('monthly', '2024-06', '2024-06-01', '2024-06-30', '2024-06-10')],
    ['monthly', '2024-01-20', 15, P('monthly', '2024-02', '2024-02-01', '2024-02-29', '2024-02-15')],
    ['monthly', '2024-12-10', 10, P('monthly', '2024-12', '2024-12-01', '2024-12-31', '2024-12-10')],
    ['monthly', '2024-12-11', 10, P('monthly', '2025-01', '2025-01-01', '2025-01-31', '2025-01-10')],
    ['quarterly', '2024-04-15', 10, P('quarterly', '2024-Q2', '2024-04-01', '2024-06-30', '2024-06-10')],
    ['quarterly', '2024-06-10', 10, P('quarterly', '2024-Q2', '2024-04-01', '2024-06-30', '2024-06-10')],
    ['quarterly', '2024-06-11', 10, P('quarterly', '2024-Q3', '2024-07-01', '2024-09-30', '2024-09-10')],
    ['quarterly', '2024-12-11', 10, P('quarterly', '2025-Q1', '2025-01-01', '2025-03-31', '2025-03-10')],
    ['half-yearly', '2024-06-10', 10, P('half-yearly', '2024-H1', '2024-01-01', '2024-06-30', '2024-06-10')],
    ['half-yearly', '2024-06-11', 10, P('half-yearly', '2024-H2', '2024-07-01', '2024-12-31', '2024-12-10')],
    ['half-yearly', '2024-12-11', 10, P('half-yearly', '2025-H1', '2025-01-01', '2025-06-30', '2025-06-10')],
    ['yearly', '2024-12-10', 10, P('yearly', '2024', '2024-01-01', '2024-12-31', '2024-12-10')],
    ['yearly', '2024-12-11', 10, P('yearly', '2025', '2025-01-01', '2025-12-31', '2025-12-10')],
  ])('%s on %s (check-in day %i)', (cycle, today, day, expected) => {
    expect(firstOpenPeriod(cycle, today, day)).toEqual(expected);
  });
});

describe('nextPeriod', () => {
  it.each<[cycle: Cycle, from: IsoDate, keys: string[], ends: IsoDate[]]>([
    ['monthly', '2024-11-05', ['2024-12', '2025-01', '2025-02', '2025-03'], ['2024-12-31', '2025-01-31', '2025-02-28', '2025-03-31']],
    ['monthly', '2027-12-05', ['2028-01', '2028-02', '2028-03'], ['2028-01-31', '2028-02-29', '2028-03-31']],
    ['quarterly', '2024-08-01', ['2024-Q4', '2025-Q1', '2025-Q2'], ['2024-12-31', '2025-03-31', '2025-06-30']],
    ['half-yearly', '2024-03-01', ['2024-H2', '2025-H1', '2025-H2'], ['2024-12-31', '2025-06-30', '2025-12-31']],
    ['yearly', '2024-03-01', ['2025', '2026', '2027'], ['2025-12-31', '2026-12-31', '2027-12-31']],
  ])('%s after the period of %s', (cycle, from, keys, ends) => {
    let p = periodOf(cycle, from, 10);
    const seen: Period[] = [];
    for (let i = 0; i < keys.length; i++) {
      const q = nextPeriod(p, 10);
      // Periods tile the calendar: each starts the day after the previous one ends.
      expect(q.start > p.end).toBe(true);
      seen.push(q);
      p = q;
    }
    expect(seen.map((x) => x.key)).toEqual(keys);
    expect(seen.map((x) => x.end)).toEqual(ends);
    expect(seen.every((x) => x.cycle === cycle)).toBe(true);
  });

  it('December → January of the next year, with the check-in day carried over', () => {
    expect(nextPeriod(periodOf('monthly', '2024-12-20', 10), 20)).toEqual(P('monthly', '2025-01', '2025-01-01', '2025-01-31', '2025-01-20'));
    expect(nextPeriod(periodOf('quarterly', '2024-12-20', 10), 5)).toEqual(P('quarterly', '2025-Q1', '2025-01-01', '2025-03-31', '2025-03-05'));
  });
});

describe('periodLabel (Vietnamese)', () => {
  it.each<[cycle: Cycle, date: IsoDate, label: string]>([
    ['monthly', '2024-05-17', 'tháng 05/2024'],
    ['monthly', '2024-01-01', 'tháng 01/2024'],
    ['monthly', '2024-12-31', 'tháng 12/2024'],
    ['quarterly', '2024-02-01', 'quý I/2024'],
    ['quarterly', '2024-05-17', 'quý II/2024'],
    ['quarterly', '2024-09-30', 'quý III/2024'],
    ['quarterly', '2024-10-01', 'quý IV/2024'],
    ['half-yearly', '2024-05-17', '6 tháng đầu năm 2024'],
    ['half-yearly', '2024-12-31', '6 tháng cuối năm 2024'],
    ['yearly', '2024-05-17', 'năm 2024'],
    ['yearly', '2025-12-31', 'năm 2025'],
  ])('%s %s → "%s"', (cycle, date, label) => {
    expect(periodLabel(periodOf(cycle, date, 10))).toBe(label);
  });
});
