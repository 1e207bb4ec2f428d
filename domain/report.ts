// Periodic reports a plan demands: which period, and what goes in it. Pure: the files are
// written by activities.
import { periodLabel, periodOf, type Period } from './cycle.js';
import { isValidIsoDate, type IsoDate } from './calendar.js';
import type { Cycle } from './plan.js';
import { TASK_STATUSES, type TaskStatus } from './status.js';
import { fold } from './text.js';

export interface ReportPeriod extends Period {
  label: string;
  /** The period in the compact form the worker takes: "2024-05", "2024-Q2", "2024-H1", "2024". */
  code: string;
}

const ROMAN: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4 };

/** "Quý II/2024", "quy 2 nam 2024", "Tháng 5/2024", "6 tháng đầu năm 2024", "Năm 2024" → the compact form. */
function compactOf(text: string): string {
  const f = fold(text).replace(/\s+/g, ' ').trim();
  let m: RegExpExecArray | null;
  if ((m = /^quy ([1-4]|i{1,3}|iv)(?:\/| nam | )(\d{4})$/.exec(f))) return `${m[2]}-Q${/\d/.test(m[1]!) ? m[1] : ROMAN[m[1]!.toUpperCase()]}`;
  if ((m = /^thang (\d{1,2})(?:\/| nam | )(\d{4})$/.exec(f))) return `${m[2]}-${m[1]!.padStart(2, '0')}`;
  if ((m = /^(?:6 thang|sau thang) (dau|cuoi) nam (\d{4})$/.exec(f))) return `${m[2]}-H${m[1] === 'dau' ? 1 : 2}`;
  if ((m = /^nam (\d{4})$/.exec(f))) return m[1]!;
  return text.trim().toUpperCase();
}

/** "2024-05", "2024-Q2", "2024-H1", "2024", or as people write them ("Quý II/2024") → the period; undefined when none. */
export function parseReportPeriod(text: string): ReportPeriod | undefined {
  const t = compactOf(text);
  let m: RegExpExecArray | null;
  let cycle: Cycle;
  let date: IsoDate;
  if ((m = /^(\d{4})-(\d{2})$/.exec(t))) [cycle, date] = ['monthly', `${m[1]}-${m[2]}-01`];
  else if ((m = /^(\d{4})-Q([1-4])$/.exec(t))) [cycle, date] = ['quarterly', `${m[1]}-${String(Number(m[2]) * 3).padStart(2, '0')}-01`];
  else if ((m = /^(\d{4})-H([12])$/.exec(t))) [cycle, date] = ['half-yearly', `${m[1]}-${m[2] === '1' ? '06' : '12'}-01`];
  else if ((m = /^(\d{4})$/.exec(t))) [cycle, date] = ['yearly', `${m[1]}-12-01`];
  else return undefined;
  if (!isValidIsoDate(date)) return undefined;
  return { ...reportPeriodOf(cycle, date), code: t };
}

/** The period of a cycle containing `date`: a report compiled on 10/5 covers May. */
export function reportPeriodOf(cycle: Cycle, date: IsoDate): ReportPeriod {
  const p = periodOf(cycle, date, 15);
  const y = p.start.slice(0, 4);
  const code = { monthly: `${y}-${p.start.slice(5, 7)}`, quarterly: `${y}-Q${Math.ceil(Number(p.start.slice(5, 7)) / 3)}`, 'half-yearly': `${y}-H${p.start.slice(5, 7) === '01' ? 1 : 2}`, yearly: y }[cycle];
  return { ...p, label: periodLabel(p), code };
}

/** One unit's share of a task, as a report lists it. */
export interface TaskSnapshot {
  ref: string;
  title: string;
  content: string;
  unit: string;
  unitName: string;
  assignee: string;
  due?: IsoDate;
  deadlineText: string;
  status: TaskStatus;
  /** "Tiến độ / kết quả" as people reported it. */
  result: string;
  escalationLevel: number;
}

export type StatusCounts = Record<TaskStatus, number>;

export interface ReportData {
  plan: { id: string; title: string; documentNumber: string };
  agency: { name: string; parent?: string; place?: string };
  period: ReportPeriod;
  compiledOn: IsoDate;
  total: number;
  counts: StatusCounts;
  byUnit: { unit: string; unitName: string; total: number; counts: StatusCounts }[];
  rows: TaskSnapshot[];
}

function countStatuses(rows: TaskSnapshot[]): StatusCounts {
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const r of rows) counts[r.status]++;
  return counts;
}

export function compileReport(input: Omit<ReportData, 'total' | 'counts' | 'byUnit'>): ReportData {
  const units = [...new Set(input.rows.map((r) => r.unit))];
  return {
    ...input,
    total: input.rows.length,
    counts: countStatuses(input.rows),
    byUnit: units.map((unit) => {
      const rows = input.rows.filter((r) => r.unit === unit);
      return { unit, unitName: rows[0]!.unitName, total: rows.length, counts: countStatuses(rows) };
    }),
  };
}
