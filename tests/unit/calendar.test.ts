import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { calendarConfigSchema } from '../../domain/calendar-config.js';
import {
  DEFAULT_OFFICE_HOURS,
  VN_UTC_OFFSET_MINUTES,
  WorkingCalendar,
  addDays,
  businessDateOf,
  daysBetween,
  dayOfWeek,
  isValidIsoDate,
  lastDayOfMonth,
  lastDayOfQuarter,
  lunarNewYear,
  lunarToSolar,
  parseIsoDate,
  publicHolidays,
  toInstant,
  type CalendarConfig,
} from '../../domain/calendar.js';

const yamlText = readFileSync(new URL('../../config/calendar.yaml', import.meta.url), 'utf8');
const shippedConfig: CalendarConfig = calendarConfigSchema.parse(parseYaml(yamlText));
const official = new WorkingCalendar(shippedConfig);
const byRule = new WorkingCalendar();

/** Epoch ms of a local (UTC+7) wall time. */
const local = (d: string, hhmm: string, extraMs = 0) => toInstant(d, hhmm) + extraMs;

describe('dates', () => {
  it('validates existing dates only', () => {
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(isValidIsoDate('2000-02-29')).toBe(true);
    for (const bad of ['2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-1-01', '', '2024-01-01T00:00']) {
      expect(isValidIsoDate(bad)).toBe(false);
    }
  });

  it('parseIsoDate returns the date or throws an English message', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(() => parseIsoDate('2023-02-29')).toThrow(/Invalid date "2023-02-29"/);
    expect(() => parseIsoDate('2024-13-01')).toThrow(Error);
  });

  it('knows leap years in lastDayOfMonth', () => {
    expect(lastDayOfMonth(2024, 2)).toBe('2024-02-29');
    expect(lastDayOfMonth(2023, 2)).toBe('2023-02-28');
    expect(lastDayOfMonth(1900, 2)).toBe('1900-02-28');
    expect(lastDayOfMonth(2000, 2)).toBe('2000-02-29');
    expect(lastDayOfMonth(2025, 4)).toBe('2025-04-30');
    expect(() => lastDayOfMonth(2025, 13)).toThrow();
  });

  it('gives the last day of each quarter', () => {
    expect([1, 2, 3, 4].map((q) => lastDayOfQuarter(2025, q as 1 | 2 | 3 | 4))).toEqual([
      '2025-03-31',
      '2025-06-30',
      '2025-09-30',
      '2025-12-31',
    ]);
  });

  it('counts calendar days between two dates, across leap days and years, negative backwards', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2024-12-31', '2025-01-10')).toBe(10);
    expect(daysBetween('2025-01-10', '2024-12-31')).toBe(-10);
    expect(daysBetween('2025-01-10', '2025-01-10')).toBe(0);
  });

  it('adds days across month, leap day and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2024-01-01', 366)).toBe('2025-01-01');
    expect(() => addDays('2024-01-01', 0.5)).toThrow();
  });

  it('computes the day of the week (0 = Sunday)', () => {
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('2024-02-10')).toBe(6);
    expect(dayOfWeek('2025-09-02')).toBe(2);
    expect(dayOfWeek('2026-04-26')).toBe(0);
  });
});

describe('instants in Asia/Ho_Chi_Minh', () => {
  it('uses a fixed UTC+7 offset', () => {
    expect(VN_UTC_OFFSET_MINUTES).toBe(420);
    expect(toInstant('2024-01-01', '00:00')).toBe(Date.UTC(2023, 11, 31, 17, 0));
    expect(toInstant('2025-07-15', '07:30')).toBe(Date.UTC(2025, 6, 15, 0, 30));
    expect(() => toInstant('2025-07-15', '24:00')).toThrow();
    expect(() => toInstant('2025-07-15', '7:30')).toThrow();
  });

  it('businessDateOf switches day at 17:00Z', () => {
    expect(businessDateOf(Date.UTC(2024, 0, 1, 16, 59, 59, 999))).toBe('2024-01-01');
    expect(businessDateOf(Date.UTC(2024, 0, 1, 17, 0))).toBe('2024-01-02');
    expect(businessDateOf(Date.UTC(2024, 0, 1, 0, 0))).toBe('2024-01-01');
    expect(businessDateOf(Date.UTC(2023, 11, 31, 23, 0))).toBe('2024-01-01');
    expect(businessDateOf(toInstant('2024-02-29', '23:59'))).toBe('2024-02-29');
  });
});

describe('lunar calendar (UTC+7)', () => {
  it('finds Tết and Giỗ Tổ 2024–2026', () => {
    expect(lunarNewYear(2024)).toBe('2024-02-10');
    expect(lunarNewYear(2025)).toBe('2025-01-29');
    expect(lunarNewYear(2026)).toBe('2026-02-17');
    expect(lunarToSolar(2024, 3, 10)).toBe('2024-04-18');
    expect(lunarToSolar(2025, 3, 10)).toBe('2025-04-07');
    expect(lunarToSolar(2026, 3, 10)).toBe('2026-04-26');
  });

  it('follows UTC+7 where the Chinese (UTC+8) calendar differs', () => {
    expect(lunarNewYear(1985)).toBe('1985-01-21'); // China: 1985-02-20
    expect(lunarNewYear(2007)).toBe('2007-02-17'); // China: 2007-02-18
    expect(lunarNewYear(2030)).toBe('2030-02-02'); // China: 2030-02-03
  });

  it('maps late-year lunar days to the next Gregorian year', () => {
    expect(lunarToSolar(2025, 12, 27)).toBe('2026-02-14');
    expect(lunarToSolar(2024, 12, 26)).toBe('2025-01-25');
  });
});

describe('publicHolidays (default rules)', () => {
  const dates = (year: number) => new Map(publicHolidays(year).map((h) => [h.date, h.name]));

  it.each([
    [2024, '2024-02-10', '2024-02-09', '2024-04-18', '2024-09-03'],
    [2025, '2025-01-29', '2025-01-28', '2025-04-07', '2025-09-01'],
    [2026, '2026-02-17', '2026-02-16', '2026-04-26', '2026-09-03'],
  ])('%i has every statutory day', (year, tet, tetEve, hungKings, sep2Adjacent) => {
    const h = dates(year);
    expect(h.get(`${year}-01-01`)).toBe('Tết Dương lịch');
    expect(h.get(tetEve)).toBe('Tết Nguyên đán (ngày cuối năm Âm lịch)');
    for (let n = 1; n <= 4; n++) {
      expect(h.get(addDays(tet, n - 1))).toBe(`Tết Nguyên đán (mùng ${n} tháng Giêng)`);
    }
    expect(h.get(hungKings)).toBe('Giỗ Tổ Hùng Vương (10/3 Âm lịch)');
    expect(h.get(`${year}-04-30`)).toBe('Ngày Chiến thắng (30/4)');
    expect(h.get(`${year}-05-01`)).toBe('Ngày Quốc tế Lao động (1/5)');
    expect(h.get(`${year}-09-02`)).toBe('Quốc khánh (2/9)');
    expect(h.get(sep2Adjacent)).toBe('Quốc khánh (ngày liền kề)');
    const statutory = publicHolidays(year).filter((x) => !x.name.startsWith('Nghỉ bù'));
    expect(statutory).toHaveLength(11);
  });

  it('makes up a weekend holiday on the next working day', () => {
    const h2026 = dates(2026);
    expect(dayOfWeek('2026-04-26')).toBe(0);
    expect(h2026.get('2026-04-27')).toBe('Nghỉ bù Giỗ Tổ Hùng Vương (10/3 Âm lịch)');
    // 2023: Giỗ Tổ Sat 29/4, 30/4 Sun, 1/5 Mon -> made up Tue 2/5 and Wed 3/5.
    const h2023 = dates(2023);
    expect(h2023.get('2023-05-02')).toBe('Nghỉ bù Giỗ Tổ Hùng Vương (10/3 Âm lịch)');
    expect(h2023.get('2023-05-03')).toBe('Nghỉ bù Ngày Chiến thắng (30/4)');
    // Default Tết 2024: mùng 1–2 on Sat–Sun -> made up 14/2 and 15/2.
    expect(dates(2024).get('2024-02-15')).toBe('Nghỉ bù Tết Nguyên đán (mùng 2 tháng Giêng)');
  });

  it('is sorted by date', () => {
    const list = publicHolidays(2025).map((h) => h.date);
    expect(list).toEqual([...list].sort());
  });
});

describe('WorkingCalendar: working days', () => {
  it('treats weekends as days off', () => {
    expect(byRule.isWorkingDay('2025-07-11')).toBe(true); // Friday
    expect(byRule.isWorkingDay('2025-07-12')).toBe(false); // Saturday
    expect(byRule.isWorkingDay('2025-07-13')).toBe(false); // Sunday
    expect(byRule.holidayName('2025-07-12')).toBeUndefined();
  });

  it('closes on statutory and made-up days', () => {
    expect(byRule.isWorkingDay('2025-04-30')).toBe(false);
    expect(byRule.isWorkingDay('2026-04-27')).toBe(false);
    expect(byRule.holidayName('2026-04-26')).toBe('Giỗ Tổ Hùng Vương (10/3 Âm lịch)');
  });

  it('uses the announced Tết days instead of the default rule', () => {
    // 2024: 08/02–14/02 off, 15/02 works (the default rule would close it).
    for (let d = '2024-02-08'; d <= '2024-02-14'; d = addDays(d, 1)) expect(official.isWorkingDay(d)).toBe(false);
    expect(official.isWorkingDay('2024-02-15')).toBe(true);
    expect(byRule.isWorkingDay('2024-02-15')).toBe(false);
    // 2025: 25/01–02/02 off, Monday 03/02 works.
    expect(official.isWorkingDay('2025-01-24')).toBe(true);
    expect(official.isWorkingDay('2025-01-27')).toBe(false);
    expect(official.isWorkingDay('2025-02-03')).toBe(true);
    // 2026: 14/02–22/02.
    expect(official.holidayName('2026-02-16')).toBe('Nghỉ Tết Nguyên đán Bính Ngọ (29 tháng Chạp)');
    expect(official.isWorkingDay('2026-02-13')).toBe(true);
    expect(official.isWorkingDay('2026-02-23')).toBe(true);
  });

  it('applies bridge days and swapped Saturdays', () => {
    expect(official.isWorkingDay('2024-04-29')).toBe(false);
    expect(official.isWorkingDay('2024-05-04')).toBe(true); // Saturday worked
    expect(official.isWorkingDay('2025-05-02')).toBe(false);
    expect(official.isWorkingDay('2025-04-26')).toBe(true);
    expect(official.isWorkingDay('2026-01-02')).toBe(false);
    expect(official.isWorkingDay('2026-01-10')).toBe(true);
    expect(byRule.isWorkingDay('2026-01-10')).toBe(false);
  });

  it('keeps Quốc khánh 2024 and 2025 as announced', () => {
    expect(official.isWorkingDay('2024-09-03')).toBe(false);
    expect(official.isWorkingDay('2024-09-04')).toBe(true);
    expect(official.isWorkingDay('2025-09-01')).toBe(false);
    expect(official.isWorkingDay('2025-09-03')).toBe(true);
  });

  it('lets an override workday win and rejects bad override dates', () => {
    const cal = new WorkingCalendar({
      overrides: { holidays: [], workdays: [{ date: '2025-09-01', name: 'Làm việc' }] },
    });
    expect(cal.isWorkingDay('2025-09-01')).toBe(true);
    expect(
      () => new WorkingCalendar({ overrides: { holidays: [{ date: '2023-02-29', name: 'x' }], workdays: [] } }),
    ).toThrow(/Invalid date/);
  });
});

describe('WorkingCalendar: counting', () => {
  it('adds working days across Tết', () => {
    expect(official.addWorkingDays('2025-01-24', 1)).toBe('2025-02-03');
    expect(official.addWorkingDays('2024-02-07', 2)).toBe('2024-02-16');
  });

  it('adds working days across a year end', () => {
    expect(official.addWorkingDays('2024-12-31', 1)).toBe('2025-01-02');
    expect(official.addWorkingDays('2025-12-31', 1)).toBe('2026-01-05'); // 1/1 holiday, 2/1 swapped
  });

  it('goes backwards with negative n', () => {
    expect(official.addWorkingDays('2025-02-03', -1)).toBe('2025-01-24');
    expect(official.addWorkingDays('2025-07-14', -5)).toBe('2025-07-07');
    expect(official.addWorkingDays('2025-01-02', -1)).toBe('2024-12-31');
  });

  it('n = 0 gives the day itself or the next working day', () => {
    expect(official.addWorkingDays('2025-07-14', 0)).toBe('2025-07-14');
    expect(official.addWorkingDays('2025-07-12', 0)).toBe('2025-07-14');
    expect(official.nextWorkingDay('2025-01-25')).toBe('2025-02-03');
  });

  it('counts working days in (from, to]', () => {
    expect(official.workingDaysBetween('2025-07-11', '2025-07-18')).toBe(5);
    expect(official.workingDaysBetween('2025-07-14', '2025-07-14')).toBe(0);
    expect(official.workingDaysBetween('2025-01-24', '2025-02-03')).toBe(1);
    expect(official.workingDaysBetween('2025-02-03', '2025-01-24')).toBe(-1);
    // 2024 has 366 days, 262 weekdays; 12 weekdays closed, Saturday 04/05 worked.
    expect(official.workingDaysBetween('2023-12-31', '2024-12-31')).toBe(262 - 12 + 1);
  });

  it('is consistent: addWorkingDays(from, workingDaysBetween(from, to)) = to', () => {
    const from = '2025-01-20';
    for (const to of ['2025-02-03', '2025-04-25', '2025-05-05', '2025-09-03']) {
      expect(official.addWorkingDays(from, official.workingDaysBetween(from, to))).toBe(to);
    }
  });
});

describe('WorkingCalendar: office hours', () => {
  it('defaults to 07:30–17:00', () => {
    expect(DEFAULT_OFFICE_HOURS).toEqual({ start: '07:30', end: '17:00' });
    expect(official.officeStart('2025-07-14')).toBe(Date.UTC(2025, 6, 14, 0, 30));
    expect(official.officeEnd('2025-07-14')).toBe(Date.UTC(2025, 6, 14, 10, 0));
  });

  it('has an inclusive start and an exclusive end, lunch included', () => {
    const d = '2025-07-14';
    expect(official.isOfficeTime(local(d, '07:29'))).toBe(false);
    expect(official.isOfficeTime(local(d, '07:30'))).toBe(true);
    expect(official.isOfficeTime(local(d, '12:00'))).toBe(true);
    expect(official.isOfficeTime(local(d, '16:59', 59_999))).toBe(true);
    expect(official.isOfficeTime(local(d, '17:00'))).toBe(false);
  });

  it('is closed on weekends and holidays, open on a swapped Saturday', () => {
    expect(official.isOfficeTime(local('2025-07-12', '10:00'))).toBe(false);
    expect(official.isOfficeTime(local('2025-09-02', '10:00'))).toBe(false);
    expect(official.isOfficeTime(local('2025-04-26', '10:00'))).toBe(true);
  });

  it('nextOfficeInstant', () => {
    const inOffice = local('2025-07-14', '09:15');
    expect(official.nextOfficeInstant(inOffice)).toBe(inOffice);
    expect(official.nextOfficeInstant(local('2025-07-14', '06:00'))).toBe(local('2025-07-14', '07:30'));
    expect(official.nextOfficeInstant(local('2025-07-11', '18:00'))).toBe(local('2025-07-14', '07:30'));
    expect(official.nextOfficeInstant(local('2025-07-11', '17:00'))).toBe(local('2025-07-14', '07:30'));
    expect(official.nextOfficeInstant(local('2025-09-02', '08:00'))).toBe(local('2025-09-03', '07:30'));
    expect(official.nextOfficeInstant(local('2025-01-24', '17:30'))).toBe(local('2025-02-03', '07:30'));
  });

  it('accepts custom office hours and rejects inverted ones', () => {
    const cal = new WorkingCalendar({ officeHours: { start: '08:00', end: '16:30' } });
    expect(cal.isOfficeTime(local('2025-07-14', '07:45'))).toBe(false);
    expect(cal.nextOfficeInstant(local('2025-07-14', '16:30'))).toBe(local('2025-07-15', '08:00'));
    expect(() => new WorkingCalendar({ officeHours: { start: '17:00', end: '07:30' } })).toThrow();
  });
});

describe('calendarConfigSchema', () => {
  it('accepts the shipped config/calendar.yaml', () => {
    expect(shippedConfig.officeHours).toEqual({ start: '07:30', end: '17:00' });
    expect(shippedConfig.overrides.holidays.length).toBeGreaterThan(20);
    expect(shippedConfig.overrides.workdays.map((w) => w.date)).toEqual(['2024-05-04', '2025-04-26', '2026-01-10']);
    for (const w of shippedConfig.overrides.workdays) expect(dayOfWeek(w.date)).toBe(6);
  });

  it('fills defaults', () => {
    expect(calendarConfigSchema.parse({})).toEqual({
      officeHours: { start: '07:30', end: '17:00' },
      overrides: { holidays: [], workdays: [] },
    });
  });

  it('rejects dates that do not exist, bad times and conflicts', () => {
    const base = { officeHours: { start: '07:30', end: '17:00' } };
    const bad = (overrides: unknown) => calendarConfigSchema.safeParse({ ...base, overrides }).success;
    expect(bad({ holidays: [{ date: '2023-02-29', name: 'x' }], workdays: [] })).toBe(false);
    expect(bad({ holidays: [], workdays: [{ date: '2024-13-01', name: 'x' }] })).toBe(false);
    expect(bad({ holidays: [{ date: '2024-02-29', name: '' }], workdays: [] })).toBe(false);
    expect(
      bad({ holidays: [{ date: '2024-05-04', name: 'x' }], workdays: [{ date: '2024-05-04', name: 'y' }] }),
    ).toBe(false);
    expect(calendarConfigSchema.safeParse({ officeHours: { start: '7:30', end: '17:00' } }).success).toBe(false);
    expect(calendarConfigSchema.safeParse({ officeHours: { start: '17:00', end: '07:30' } }).success).toBe(false);
  });
});

describe('workflow safety', () => {
  it('imports nothing and reads no clock or environment', () => {
    const src = readFileSync(new URL('../../domain/calendar.ts', import.meta.url), 'utf8');
    const imports = [...src.matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1]);
    expect(imports).toEqual([]);
    expect(src).not.toMatch(/Date\.now|new Date\(|process\.|Math\.random/);
  });
});
