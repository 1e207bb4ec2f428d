// Working calendar of Vietnamese public agencies (Asia/Ho_Chi_Minh).
// Pure and deterministic: no I/O, no clock, no Node built-ins, so it can run
// inside Temporal workflow code.

/** 'YYYY-MM-DD', a business date in Asia/Ho_Chi_Minh. */
export type IsoDate = string;

/** Asia/Ho_Chi_Minh is UTC+7 with no DST since 1975: fixed-offset arithmetic is exact. */
export const VN_UTC_OFFSET_MINUTES = 420;

/** 'HH:MM' local wall time; end is exclusive. */
export interface OfficeHours {
  start: string;
  end: string;
}

export interface CalendarOverrides {
  /** Extra days off: the Tết days announced for the year, bridge days. */
  holidays: { date: IsoDate; name: string }[];
  /** Swapped working days (a Saturday worked to bridge). */
  workdays: { date: IsoDate; name: string }[];
}

export interface CalendarConfig {
  officeHours: OfficeHours;
  overrides: CalendarOverrides;
}

export interface Holiday {
  date: IsoDate;
  name: string;
}

export const DEFAULT_OFFICE_HOURS: OfficeHours = { start: '07:30', end: '17:00' };

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const OFFSET_MS = VN_UTC_OFFSET_MINUTES * MS_PER_MINUTE;
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

// ---------------------------------------------------------------------------
// Civil dates <-> day numbers (days since 1970-01-01, proleptic Gregorian)
// ---------------------------------------------------------------------------

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil. */
function civilFromDays(days: number): [number, number, number] {
  const z0 = days + 719468;
  const era = Math.floor(z0 / 146097);
  const doe = z0 - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatDate(y: number, m: number, d: number): IsoDate {
  if (y < MIN_YEAR || y > MAX_YEAR) throw new Error(`Year out of range: ${y}`);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function splitIsoDate(s: string): [number, number, number] | undefined {
  const match = ISO_DATE_RE.exec(s);
  if (!match) return undefined;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (y < MIN_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return [y, m, d];
}

export function isValidIsoDate(s: string): boolean {
  return typeof s === 'string' && splitIsoDate(s) !== undefined;
}

/** Returns s unchanged if it names an existing date, else throws. */
export function parseIsoDate(s: string): IsoDate {
  if (!isValidIsoDate(s)) throw new Error(`Invalid date "${String(s)}": expected an existing YYYY-MM-DD date`);
  return s;
}

function toDayNumber(d: IsoDate): number {
  const parts = splitIsoDate(d);
  if (!parts) throw new Error(`Invalid date "${String(d)}": expected an existing YYYY-MM-DD date`);
  return daysFromCivil(...parts);
}

function fromDayNumber(days: number): IsoDate {
  return formatDate(...civilFromDays(days));
}

function yearOf(d: IsoDate): number {
  return Number(d.slice(0, 4));
}

function assertInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new Error(`${what} must be an integer, got ${n}`);
}

export function addDays(d: IsoDate, n: number): IsoDate {
  assertInteger(n, 'Day count');
  return fromDayNumber(toDayNumber(d) + n);
}

/** Calendar days from `a` to `b` (negative when `b` is earlier): "quá hạn 3 ngày". */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(d: IsoDate): number {
  return (((toDayNumber(d) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

function isWeekend(d: IsoDate): boolean {
  const dow = dayOfWeek(d);
  return dow === 0 || dow === 6;
}

export const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(hhmm: string): number {
  const match = HHMM_RE.exec(hhmm);
  if (!match) throw new Error(`Invalid time "${String(hhmm)}": expected HH:MM (00:00–23:59)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Epoch ms of the local wall time hhmm on business date d. */
export function toInstant(d: IsoDate, hhmm: string): number {
  return toDayNumber(d) * MS_PER_DAY + minutesOf(hhmm) * MS_PER_MINUTE - OFFSET_MS;
}

/** The Asia/Ho_Chi_Minh calendar date of an instant. */
export function businessDateOf(instantMs: number): IsoDate {
  if (!Number.isFinite(instantMs)) throw new Error(`Invalid instant: ${instantMs}`);
  return fromDayNumber(Math.floor((instantMs + OFFSET_MS) / MS_PER_DAY));
}

function assertYear(year: number): void {
  assertInteger(year, 'Year');
  if (year < MIN_YEAR || year > MAX_YEAR) throw new Error(`Year out of range: ${year}`);
}

export function lastDayOfMonth(year: number, month: number): IsoDate {
  assertYear(year);
  assertInteger(month, 'Month');
  if (month < 1 || month > 12) throw new Error(`Month out of range: ${month}`);
  return formatDate(year, month, daysInMonth(year, month));
}

export function lastDayOfQuarter(year: number, q: 1 | 2 | 3 | 4): IsoDate {
  if (q !== 1 && q !== 2 && q !== 3 && q !== 4) throw new Error(`Quarter out of range: ${String(q)}`);
  return lastDayOfMonth(year, q * 3);
}

// ---------------------------------------------------------------------------
// Lunar calendar for UTC+7, after Hồ Ngọc Đức's published astronomical
// algorithm (new moons and solar terms from Jean Meeus' formulas).
// Julian day numbers (JDN) are day numbers + 2440588.
// ---------------------------------------------------------------------------

const JDN_EPOCH = 2440588; // JDN of 1970-01-01
const LUNAR_TZ_HOURS = VN_UTC_OFFSET_MINUTES / 60;
const SYNODIC_MONTH = 29.530588853;
const NEW_MOON_EPOCH = 2415021.076998695; // new moon of 1900-01-01
const DEG = Math.PI / 180;

/** JDN (local day) of the k-th new moon after 1900-01-01. */
function newMoonDay(k: number): number {
  const t = k / 1236.85;
  const t2 = t * t;
  const t3 = t2 * t;
  let jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
  jd += 0.00033 * Math.sin((166.56 + 132.87 * t - 0.009173 * t2) * DEG);
  const m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3; // sun mean anomaly
  const mp = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3; // moon mean anomaly
  const f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3; // moon argument of latitude
  let c = (0.1734 - 0.000393 * t) * Math.sin(m * DEG) + 0.0021 * Math.sin(2 * m * DEG);
  c += -0.4068 * Math.sin(mp * DEG) + 0.0161 * Math.sin(2 * mp * DEG) - 0.0004 * Math.sin(3 * mp * DEG);
  c += 0.0104 * Math.sin(2 * f * DEG) - 0.0051 * Math.sin((m + mp) * DEG);
  c += -0.0074 * Math.sin((m - mp) * DEG) + 0.0004 * Math.sin((2 * f + m) * DEG);
  c += -0.0004 * Math.sin((2 * f - m) * DEG) - 0.0006 * Math.sin((2 * f + mp) * DEG);
  c += 0.001 * Math.sin((2 * f - mp) * DEG) + 0.0005 * Math.sin((2 * mp + m) * DEG);
  const deltaT =
    t < -11
      ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
      : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return Math.floor(jd + c - deltaT + 0.5 + LUNAR_TZ_HOURS / 24);
}

/** Sun's longitude at local midnight of a JDN, as a sector 0..11 of 30°. */
function sunLongitudeSector(jdn: number): number {
  const t = (jdn - 2451545.5 - LUNAR_TZ_HOURS / 24) / 36525;
  const t2 = t * t;
  const m = 357.5291 + 35999.0503 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  let dl = (1.9146 - 0.004817 * t - 0.000014 * t2) * Math.sin(m * DEG);
  dl += (0.019993 - 0.000101 * t) * Math.sin(2 * m * DEG) + 0.00029 * Math.sin(3 * m * DEG);
  let l = (l0 + dl) * DEG;
  l -= 2 * Math.PI * Math.floor(l / (2 * Math.PI));
  return Math.floor((l / Math.PI) * 6);
}

/** JDN of the first day of lunar month 11 (the one holding the winter solstice) of year y. */
function lunarMonth11(y: number): number {
  const off = daysFromCivil(y, 12, 31) + JDN_EPOCH - 2415021;
  const k = Math.floor(off / SYNODIC_MONTH);
  const nm = newMoonDay(k);
  return sunLongitudeSector(nm) >= 9 ? newMoonDay(k - 1) : nm;
}

/** Offset (from month 11) of the leap month in a 13-month lunar year starting at a11. */
function leapMonthOffset(a11: number): number {
  const k = Math.floor((a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let arc = sunLongitudeSector(newMoonDay(k + i));
  let last: number;
  do {
    last = arc;
    i++;
    arc = sunLongitudeSector(newMoonDay(k + i));
  } while (arc !== last && i < 14);
  return i - 1;
}

/** Solar date of a (non-leap) lunar day in lunar year lunarYear, for UTC+7. */
export function lunarToSolar(lunarYear: number, lunarMonth: number, lunarDay: number): IsoDate {
  assertYear(lunarYear);
  assertInteger(lunarMonth, 'Lunar month');
  assertInteger(lunarDay, 'Lunar day');
  if (lunarMonth < 1 || lunarMonth > 12) throw new Error(`Lunar month out of range: ${lunarMonth}`);
  if (lunarDay < 1 || lunarDay > 30) throw new Error(`Lunar day out of range: ${lunarDay}`);
  const a11 = lunarMonth < 11 ? lunarMonth11(lunarYear - 1) : lunarMonth11(lunarYear);
  const b11 = lunarMonth < 11 ? lunarMonth11(lunarYear) : lunarMonth11(lunarYear + 1);
  let off = (lunarMonth - 11 + 12) % 12;
  if (b11 - a11 > 365 && off >= leapMonthOffset(a11)) off += 1;
  const k = Math.floor(0.5 + (a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH);
  return fromDayNumber(newMoonDay(k + off) + lunarDay - 1 - JDN_EPOCH);
}

/** Mùng 1 Tết (lunar 1/1) of the lunar year that starts in Gregorian year y. */
export function lunarNewYear(year: number): IsoDate {
  assertYear(year);
  return lunarToSolar(year, 1, 1);
}

// ---------------------------------------------------------------------------
// Statutory holidays (Labour Code 2019, art. 112) with weekend make-up days
// ---------------------------------------------------------------------------

const NAMES = {
  newYear: 'Tết Dương lịch',
  tetEve: 'Tết Nguyên đán (ngày cuối năm Âm lịch)',
  tet: (n: number) => `Tết Nguyên đán (mùng ${n} tháng Giêng)`,
  hungKings: 'Giỗ Tổ Hùng Vương (10/3 Âm lịch)',
  victory: 'Ngày Chiến thắng (30/4)',
  labour: 'Ngày Quốc tế Lao động (1/5)',
  national: 'Quốc khánh (2/9)',
  nationalAdjacent: 'Quốc khánh (ngày liền kề)',
  makeUp: (name: string) => `Nghỉ bù ${name}`,
} as const;

/** Days around Tết (and 2/9) in which any override holiday replaces the default rule. */
const TET_WINDOW_DAYS = 10;
const NATIONAL_DAY_WINDOW_DAYS = 3;

function withinWindow(dates: Iterable<IsoDate>, center: IsoDate, radius: number): boolean {
  const c = toDayNumber(center);
  for (const d of dates) if (Math.abs(toDayNumber(d) - c) <= radius) return true;
  return false;
}

/** Default Tết: last day of the lunar year plus mùng 1–4. */
function defaultTet(year: number): Holiday[] {
  const first = lunarNewYear(year);
  const days: Holiday[] = [{ date: addDays(first, -1), name: NAMES.tetEve }];
  for (let n = 1; n <= 4; n++) days.push({ date: addDays(first, n - 1), name: NAMES.tet(n) });
  return days;
}

/**
 * Default day next to 2/9 (the government picks it yearly): the one that
 * joins a weekend, else 3/9.
 */
function nationalDayAdjacent(year: number): IsoDate {
  const sep2 = formatDate(year, 9, 2);
  const dow = dayOfWeek(sep2);
  return dow === 2 || dow === 5 || dow === 6 ? addDays(sep2, -1) : addDays(sep2, 1);
}

/**
 * Statutory days of a year. Tết and the day next to 2/9 follow the default
 * rule unless `announced` (override holidays) lists a day near them, in which
 * case the announced days stand in for the default ones.
 */
function statutoryDays(year: number, announced: ReadonlySet<IsoDate>): Holiday[] {
  const days: Holiday[] = [{ date: formatDate(year, 1, 1), name: NAMES.newYear }];
  if (!withinWindow(announced, lunarNewYear(year), TET_WINDOW_DAYS)) days.push(...defaultTet(year));
  days.push({ date: lunarToSolar(year, 3, 10), name: NAMES.hungKings });
  days.push({ date: formatDate(year, 4, 30), name: NAMES.victory });
  days.push({ date: formatDate(year, 5, 1), name: NAMES.labour });
  const sep2 = formatDate(year, 9, 2);
  days.push({ date: sep2, name: NAMES.national });
  if (!withinWindow(announced, sep2, NATIONAL_DAY_WINDOW_DAYS)) {
    days.push({ date: nationalDayAdjacent(year), name: NAMES.nationalAdjacent });
  }
  return days.sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** Adds "nghỉ bù" days: each weekend holiday moves to the next free weekday. */
function withMakeUpDays(days: Holiday[], announced: ReadonlySet<IsoDate>): Holiday[] {
  const taken = new Set<IsoDate>([...announced, ...days.map((h) => h.date)]);
  const result = [...days];
  for (const h of days) {
    if (!isWeekend(h.date)) continue;
    let d = addDays(h.date, 1);
    while (isWeekend(d) || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    result.push({ date: d, name: NAMES.makeUp(h.name) });
  }
  return result.sort((a, b) => (a.date < b.date ? -1 : 1));
}

function holidaysOfYear(year: number, announced: ReadonlySet<IsoDate>): Holiday[] {
  assertYear(year);
  return withMakeUpDays(statutoryDays(year, announced), announced);
}

/**
 * Statutory days off of a year by the default rules (Vietnamese names),
 * including "nghỉ bù" make-up days, sorted by date. The official Tết days and
 * the day next to 2/9 are announced yearly: take them from the override table.
 */
export function publicHolidays(year: number): Holiday[] {
  return holidaysOfYear(year, new Set());
}

// ---------------------------------------------------------------------------
// Working calendar
// ---------------------------------------------------------------------------

/** Safety bound for day-by-day scans (no real calendar has this many days off in a row). */
const MAX_SCAN_DAYS = 366;

export class WorkingCalendar {
  readonly officeHours: OfficeHours;
  private readonly startMinutes: number;
  private readonly endMinutes: number;
  private readonly extraHolidays = new Map<IsoDate, string>();
  private readonly extraWorkdays = new Map<IsoDate, string>();
  private readonly announcedByYear = new Map<number, Set<IsoDate>>();
  private readonly holidaysByYear = new Map<number, Map<IsoDate, string>>();

  constructor(config: Partial<CalendarConfig> = {}) {
    this.officeHours = { ...(config.officeHours ?? DEFAULT_OFFICE_HOURS) };
    this.startMinutes = minutesOf(this.officeHours.start);
    this.endMinutes = minutesOf(this.officeHours.end);
    if (this.startMinutes >= this.endMinutes) {
      throw new Error(`Office hours must start before they end: ${this.officeHours.start}–${this.officeHours.end}`);
    }
    for (const h of config.overrides?.holidays ?? []) {
      this.extraHolidays.set(parseIsoDate(h.date), h.name);
      const year = yearOf(h.date);
      const set = this.announcedByYear.get(year) ?? new Set<IsoDate>();
      this.announcedByYear.set(year, set.add(h.date));
    }
    for (const w of config.overrides?.workdays ?? []) this.extraWorkdays.set(parseIsoDate(w.date), w.name);
  }

  private holidaysOf(year: number): Map<IsoDate, string> {
    let map = this.holidaysByYear.get(year);
    if (!map) {
      const announced = this.announcedByYear.get(year) ?? new Set<IsoDate>();
      map = new Map(holidaysOfYear(year, announced).map((h) => [h.date, h.name]));
      this.holidaysByYear.set(year, map);
    }
    return map;
  }

  /** Holiday name (override first, then statutory or make-up), also on weekends. */
  holidayName(d: IsoDate): string | undefined {
    parseIsoDate(d);
    return this.extraHolidays.get(d) ?? this.holidaysOf(yearOf(d)).get(d);
  }

  /** Mon–Fri and not a holiday; an override workday always works. */
  isWorkingDay(d: IsoDate): boolean {
    parseIsoDate(d);
    if (this.extraWorkdays.has(d)) return true;
    return !isWeekend(d) && this.holidayName(d) === undefined;
  }

  /** First working day >= d. */
  nextWorkingDay(d: IsoDate): IsoDate {
    return this.scan(d, 1);
  }

  /** First working day at d or beyond in direction step (±1). */
  private scan(d: IsoDate, step: 1 | -1): IsoDate {
    let cur = parseIsoDate(d);
    for (let i = 0; i <= MAX_SCAN_DAYS; i++) {
      if (this.isWorkingDay(cur)) return cur;
      cur = addDays(cur, step);
    }
    throw new Error(`No working day within ${MAX_SCAN_DAYS} days of ${d}`);
  }

  /** n>0 forward, n<0 backward; n=0 gives nextWorkingDay(d). */
  addWorkingDays(d: IsoDate, n: number): IsoDate {
    assertInteger(n, 'Working day count');
    if (n === 0) return this.nextWorkingDay(d);
    const step = n > 0 ? 1 : -1;
    let cur = parseIsoDate(d);
    for (let left = Math.abs(n); left > 0; left--) cur = this.scan(addDays(cur, step), step);
    return cur;
  }

  /** Working days in (from, to]; negative when to < from. */
  workingDaysBetween(from: IsoDate, to: IsoDate): number {
    const a = toDayNumber(from);
    const b = toDayNumber(to);
    if (b < a) return -this.workingDaysBetween(to, from);
    let count = 0;
    for (let day = a + 1; day <= b; day++) if (this.isWorkingDay(fromDayNumber(day))) count++;
    return count;
  }

  officeStart(d: IsoDate): number {
    return toDayNumber(d) * MS_PER_DAY + this.startMinutes * MS_PER_MINUTE - OFFSET_MS;
  }

  officeEnd(d: IsoDate): number {
    return toDayNumber(d) * MS_PER_DAY + this.endMinutes * MS_PER_MINUTE - OFFSET_MS;
  }

  /** In [start, end) on a working day. */
  isOfficeTime(instantMs: number): boolean {
    const d = businessDateOf(instantMs);
    return this.isWorkingDay(d) && instantMs >= this.officeStart(d) && instantMs < this.officeEnd(d);
  }

  /** instantMs itself if in office time, else the next office opening. */
  nextOfficeInstant(instantMs: number): number {
    if (this.isOfficeTime(instantMs)) return instantMs;
    const d = businessDateOf(instantMs);
    if (this.isWorkingDay(d) && instantMs < this.officeStart(d)) return this.officeStart(d);
    return this.officeStart(this.nextWorkingDay(addDays(d, 1)));
  }
}
