// Reporting cycles of recurring tasks: which period a date falls in and when its check-in is due.
import { addDays, type IsoDate } from './calendar.js';
import type { Cycle } from './plan.js';

export interface Period {
  cycle: Cycle;
  /** "2024-05", "2024-Q2", "2024-H1", "2024". */
  key: string;
  start: IsoDate;
  end: IsoDate;
  /** The check-in is due on this day of the period's last month. */
  checkInDue: IsoDate;
}

const MONTHS_PER: Record<Cycle, number> = { monthly: 1, quarterly: 3, 'half-yearly': 6, yearly: 12 };

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function periodFrom(cycle: Cycle, year: number, index: number, day: number): Period {
  const len = MONTHS_PER[cycle];
  const firstMonth = index * len + 1;
  const lastMonth = firstMonth + len - 1;
  const start = `${year}-${pad(firstMonth)}-01`;
  const next = lastMonth === 12 ? `${year + 1}-01-01` : `${year}-${pad(lastMonth + 1)}-01`;
  const key =
    cycle === 'monthly' ? `${year}-${pad(firstMonth)}` : cycle === 'quarterly' ? `${year}-Q${index + 1}` : cycle === 'half-yearly' ? `${year}-H${index + 1}` : `${year}`;
  return { cycle, key, start, end: addDays(next, -1), checkInDue: `${year}-${pad(lastMonth)}-${pad(day)}` };
}

/** The period containing `date`. */
export function periodOf(cycle: Cycle, date: IsoDate, day: number): Period {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return periodFrom(cycle, year, Math.floor((month - 1) / MONTHS_PER[cycle]), day);
}

export function nextPeriod(p: Period, day: number): Period {
  return periodOf(p.cycle, addDays(p.end, 1), day);
}

/** The first period whose check-in is still ahead on `today`: the current one, or the next. */
export function firstOpenPeriod(cycle: Cycle, today: IsoDate, day: number): Period {
  const p = periodOf(cycle, today, day);
  return p.checkInDue >= today ? p : nextPeriod(p, day);
}

/** Vietnamese name of a period: "tháng 05/2024", "quý II/2024", "6 tháng đầu năm 2024", "năm 2024". */
export function periodLabel(p: Period): string {
  const year = p.start.slice(0, 4);
  const month = Number(p.start.slice(5, 7));
  switch (p.cycle) {
    case 'monthly':
      return `tháng ${pad(month)}/${year}`;
    case 'quarterly':
      return `quý ${['I', 'II', 'III', 'IV'][(month - 1) / 3]}/${year}`;
    case 'half-yearly':
      return month === 1 ? `6 tháng đầu năm ${year}` : `6 tháng cuối năm ${year}`;
    case 'yearly':
      return `năm ${year}`;
  }
}
