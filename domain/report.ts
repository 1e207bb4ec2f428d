// Periodic reports a plan demands: which period, and what goes in it. Pure: the files are
// written by activities.
import { periodLabel, periodOf, type Period } from './cycle.js';
import { isValidIsoDate, type IsoDate } from './calendar.js';
import type { Cycle } from './plan.js';
import type { Org } from './org.js';
import type { ReportFacts } from './task-record.js';
import { STATUS_LABELS, TASK_STATUSES, type TaskStatus } from './status.js';
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
  /** The status now. */
  status: TaskStatus;
  /** "Tiến độ / kết quả" as people reported it. */
  result: string;
  escalationLevel: number;
  /** Business dates of what happened: the situation at a period's end is read from them. */
  reportedOn?: IsoDate;
  doneOn?: IsoDate;
  cancelledOn?: IsoDate;
  /** The due date was moved by an approved extension. */
  extended?: boolean;
  /** Why it is late, in the person's words (an explanation, an extension's reason). */
  lateReason?: string;
}

export type StatusCounts = Record<TaskStatus, number>;

/** A report's row of a unit task: its read-model row and facts, the plan's words for it, dates by the report's clock. */
export function snapshotOf(
  r: { ref: string; title: string; unit: string; due?: IsoDate; status: TaskStatus; escalationLevel: number; report: ReportFacts },
  planned: { content: string; deadlineText: string },
  day: (ms: number) => IsoDate,
): TaskSnapshot {
  const f = r.report;
  return {
    ref: r.ref,
    title: r.title,
    content: planned.content,
    unit: r.unit,
    unitName: f.unitName,
    assignee: f.assigneeName,
    ...(r.due ? { due: r.due } : {}),
    deadlineText: planned.deadlineText,
    status: r.status,
    result: f.result,
    escalationLevel: r.escalationLevel,
    ...(f.reportedAt !== undefined ? { reportedOn: day(f.reportedAt) } : {}),
    ...(f.doneAt !== undefined ? { doneOn: day(f.doneAt) } : {}),
    ...(f.cancelledAt !== undefined ? { cancelledOn: day(f.cancelledAt) } : {}),
    ...(f.extended ? { extended: true } : {}),
    ...(f.lateReason ? { lateReason: f.lateReason } : {}),
  };
}

/** Report words for the statuses: a signed document says what waits, not the system's state names. */
export const REPORT_STATUS_LABELS: Record<TaskStatus, string> = {
  ...STATUS_LABELS,
  awaiting_activation: 'chờ văn bản hướng dẫn triển khai',
};

/** A task of the plan as the appendix lists it: one row, its units with their status. */
export interface AppendixRow {
  ref: string;
  title: string;
  units: { unitName: string; status: TaskStatus }[];
  due?: IsoDate;
  deadlineText: string;
  extended: boolean;
  result: string;
}

/** How the agency heads and signs the report (Nghị định 30/2020/NĐ-CP). */
export interface Letterhead {
  /** "BC-SNV" in "Số: …/BC-SNV". */
  numberSuffix: string;
  /** "Hậu Giang, ngày 10 tháng 3 năm 2025". */
  placeDate: string;
  to: string[];
  /** "Nơi nhận", the addressees first, "Lưu: VT" last. */
  copies: string[];
  signer: { title: string; name: string; on?: string };
}

const PLACE_WORDS = /^(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)$/iu;

/** The agency's settings, or what the org chart implies: the Giám đốc signs, the parent agency is addressed. */
export function letterheadOf(org: Org, compiledOn: IsoDate): Letterhead {
  const conf = org.agency.reports;
  const words = org.agency.name.split(/\s+/u);
  const cut = words.findIndex((w, i) => i > 0 && PLACE_WORDS.test(w));
  const initials = (cut > 0 ? words.slice(0, cut) : words).map((w) => fold(w).charAt(0).toUpperCase()).join('');
  const director = org.people.find((p) => p.id === org.leadership.director);
  const to = conf?.to ?? [org.agency.parent ?? 'Ủy ban nhân dân tỉnh'];
  const [y, m, d] = compiledOn.split('-');
  return {
    numberSuffix: conf?.numberSuffix ?? `BC-${initials}`,
    placeDate: `${org.agency.place ? `${org.agency.place}, ` : ''}ngày ${Number(d)} tháng ${Number(m)} năm ${y}`,
    to,
    copies: [...to.map((x) => `${x} (b/c)`), ...(conf?.copies ?? []), 'Lưu: VT'],
    // "Giám đốc Sở" signs as "GIÁM ĐỐC": the agency is named in the letterhead.
    signer: conf?.signer ?? { title: (director?.title ?? 'Giám đốc').replace(/\s+sở$/iu, '').toUpperCase(), name: director?.name ?? '' },
  };
}

export interface ReportData {
  plan: { id: string; title: string; documentNumber: string; documentDate?: IsoDate };
  letterhead: Letterhead;
  agency: Org['agency'];
  period: ReportPeriod;
  compiledOn: IsoDate;
  /** The situation is told as of this day: the period's end, or today when the period is not over. */
  asOf: IsoDate;
  total: number;
  /** Statuses as of `asOf`. */
  counts: StatusCounts;
  byUnit: { unit: string; unitName: string; total: number; counts: StatusCounts }[];
  /** Unit shares due within the period, and of those done by `asOf`. */
  dueInPeriod: number;
  doneInPeriod: number;
  /** Completed within the period, whatever their due date. */
  completedInPeriod: number;
  /** Late at `asOf`, with the reason people gave. */
  late: TaskSnapshot[];
  /** Due in the next period. */
  next: { label: string; rows: TaskSnapshot[] };
  rows: TaskSnapshot[];
  /** The appendix: one row per task, grouped by the unit that leads it (the first named). */
  appendix: { unitName: string; rows: AppendixRow[] }[];
}

const within = (d: IsoDate | undefined, from: IsoDate, to: IsoDate): d is IsoDate => !!d && d >= from && d <= to;

/** What a unit share's status was on `asOf`, from its status now and the dates of what happened. */
export function statusAt(r: TaskSnapshot, asOf: IsoDate): TaskStatus {
  if (r.status === 'cancelled' && r.cancelledOn && r.cancelledOn <= asOf) return 'cancelled';
  if ((r.status === 'done_on_time' || r.status === 'done_late') && r.doneOn && r.doneOn <= asOf) return r.status;
  if (r.status === 'awaiting_activation') return r.status;
  // Reported, not yet approved then (or still).
  if (r.reportedOn && r.reportedOn <= asOf && r.status !== 'cancelled') return 'awaiting_approval';
  if (!r.due) return r.status === 'cancelled' || r.status === 'done_on_time' || r.status === 'done_late' ? 'not_due' : r.status;
  return r.due < asOf ? 'overdue' : 'not_due';
}

function countStatuses(statuses: TaskStatus[]): StatusCounts {
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const s of statuses) counts[s]++;
  return counts;
}

/** The period after this one, of the same cycle. */
function nextPeriod(p: ReportPeriod): ReportPeriod {
  const [y, m] = p.end.split('-').map(Number) as [number, number];
  const first = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return reportPeriodOf(p.cycle, first);
}

export function compileReport(input: {
  plan: ReportData['plan'];
  letterhead: Letterhead;
  agency: ReportData['agency'];
  period: ReportPeriod;
  compiledOn: IsoDate;
  rows: TaskSnapshot[];
}): ReportData {
  const { period } = input;
  const asOf = input.compiledOn < period.end ? input.compiledOn : period.end;
  const at = input.rows.map((r) => ({ ...r, status: statusAt(r, asOf) }));
  const units = [...new Set(at.map((r) => r.unit))];
  const due = at.filter((r) => within(r.due, period.start, period.end));
  const doneBy = (r: TaskSnapshot) => r.status === 'done_on_time' || r.status === 'done_late';
  const next = nextPeriod(period);
  const groups = new Map<string, { unitName: string; rows: AppendixRow[] }>();
  const byRef = new Map<string, AppendixRow>();
  for (const r of at) {
    let row = byRef.get(r.ref);
    if (!row) {
      row = { ref: r.ref, title: r.title, units: [], ...(r.due ? { due: r.due } : {}), deadlineText: r.deadlineText, extended: !!r.extended, result: r.result };
      byRef.set(r.ref, row);
      const g = groups.get(r.unit) ?? { unitName: r.unitName, rows: [] };
      g.rows.push(row);
      groups.set(r.unit, g);
    } else if (r.result && !row.result.includes(r.result)) row.result = `${row.result}; ${r.unitName}: ${r.result}`;
    row.units.push({ unitName: r.unitName, status: r.status });
    row.extended ||= !!r.extended;
  }
  return {
    ...input,
    asOf,
    total: at.length,
    counts: countStatuses(at.map((r) => r.status)),
    byUnit: units.map((unit) => {
      const rows = at.filter((r) => r.unit === unit);
      return { unit, unitName: rows[0]!.unitName, total: rows.length, counts: countStatuses(rows.map((r) => r.status)) };
    }),
    dueInPeriod: due.length,
    doneInPeriod: due.filter(doneBy).length,
    completedInPeriod: at.filter((r) => doneBy(r) && within(r.doneOn, period.start, asOf)).length,
    late: at.filter((r) => r.status === 'overdue'),
    next: { label: next.label, rows: at.filter((r) => !doneBy(r) && r.status !== 'cancelled' && within(r.due, next.start, next.end)) },
    rows: at,
    appendix: [...groups.values()],
  };
}
