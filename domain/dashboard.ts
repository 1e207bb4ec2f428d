// What the web dashboard shows about a plan's tasks: counts, per-unit lines, the attention order,
// filters and the weekly completion curve. Pure: rows, "today" and the org come in as arguments.
import { addDays, businessDateOf, dayOfWeek, isValidIsoDate, type IsoDate } from './calendar.js';
import { parseDateInput } from './date-input.js';
import { formatDate } from './notification.js';
import type { Org } from './org.js';
import { ATTENTION_ORDER, TASK_STATUSES, type TaskStatus } from './status.js';
import { refOrder } from './task-ref.js';
import { fold, tidy } from './text.js';

/**
 * A unit task at a glance, as client/visibility.ts reads it from the task search attributes.
 * Declared here because DashboardRow extends it and domain/ imports nothing from client/.
 */
export interface TaskRow {
  workflowId: string;
  planId: string;
  ref: string;
  unit: string;
  assignee: string;
  status: TaskStatus;
  due?: string;
  escalationLevel: number;
  running: boolean;
  /** When the workflow closed (a task approved or cancelled). */
  closedAt?: number;
}

export interface DashboardRow extends TaskRow {
  /** Joined from the stored plan by the caller (visibility has no title). */
  title: string;
}

export interface StatusCounts {
  /** Every row, cancelled ones included. */
  total: number;
  byStatus: Record<TaskStatus, number>;
  /** done_on_time + done_late. */
  done: number;
  /** done / (total − cancelled), 0..1; 0 when nothing is left to do. */
  completion: number;
}

function zeroCounts(): Record<TaskStatus, number> {
  return Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
}

export function countByStatus(rows: DashboardRow[]): StatusCounts {
  return countsOf(rows.map((r) => ({ status: r.status, count: 1 })));
}

/** The counts of tallies by status (the read model's answer), as countByStatus gives them for rows. */
export function countsOf(tallies: readonly { status: TaskStatus; count: number }[]): StatusCounts {
  const byStatus = zeroCounts();
  let total = 0;
  // A status outside the known list (a newer worker) still counts in total, as nothing else.
  for (const t of tallies) {
    total += t.count;
    if (Object.hasOwn(byStatus, t.status)) byStatus[t.status] += t.count;
  }
  const done = byStatus.done_on_time + byStatus.done_late;
  const live = total - byStatus.cancelled;
  return { total, byStatus, done, completion: live > 0 ? done / live : 0 };
}

export interface UnitLine {
  unit: string;
  name: string;
  counts: StatusCounts;
}

/** One line per unit that has tasks, in org order (units not in the org after, by code); overdue-heavy units are not reordered. */
export function byUnit(rows: DashboardRow[], org: Org): UnitLine[] {
  return unitLinesOf(
    rows.map((r) => ({ unit: r.unit, status: r.status, count: 1 })),
    org,
  );
}

/** byUnit from tallies by unit and status (the read model's answer). */
export function unitLinesOf(tallies: readonly { unit: string; status: TaskStatus; count: number }[], org: Org): UnitLine[] {
  const groups = new Map<string, { status: TaskStatus; count: number }[]>();
  for (const t of tallies) {
    const g = groups.get(t.unit);
    if (g) g.push(t);
    else groups.set(t.unit, [t]);
  }
  const lines: UnitLine[] = [];
  // The org order is the order people know from the org chart; keep it stable.
  for (const u of org.units) {
    const g = groups.get(u.code);
    if (!g) continue;
    lines.push({ unit: u.code, name: u.name, counts: countsOf(g) });
    groups.delete(u.code);
  }
  // A unit removed from the org still has running tasks: show it by its code.
  const rest = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const code of rest) lines.push({ unit: code, name: code, counts: countsOf(groups.get(code)!) });
  return lines;
}

// ---------------------------------------------------------------------------
// Attention order
// ---------------------------------------------------------------------------

const RANK = new Map<TaskStatus, number>(ATTENTION_ORDER.map((s, i) => [s, i]));

/** Missing due dates go last: a task without a deadline is the least pressing of its group. */
function compareDue(a?: string, b?: string): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function plain(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Overdue first (highest escalation level, then oldest due, then ref numerically), then the rest by attention. */
export function sortForDashboard<T extends TaskRow>(rows: T[]): T[] {
  const rank = (s: TaskStatus) => RANK.get(s) ?? ATTENTION_ORDER.length;
  const byRef = refOrder();
  return [...rows].sort(
    (a, b) =>
      rank(a.status) - rank(b.status) ||
      (a.status === 'overdue' ? b.escalationLevel - a.escalationLevel : 0) ||
      compareDue(a.due, b.due) ||
      byRef(a.ref, b.ref) ||
      // Ties (one task over several units or plans) in a fixed order, so the page does not jump.
      plain(a.unit, b.unit) ||
      plain(a.planId, b.planId) ||
      plain(a.workflowId, b.workflowId),
  );
}

// ---------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------

export interface DashboardFilter {
  unit?: string;
  status?: TaskStatus;
  assignee?: string;
  dueFrom?: string;
  dueTo?: string;
  text?: string;
  planId?: string;
}

// The shapes the org and plan schemas allow; anything else cannot match a task.
const UNIT_RE = /^[A-Z0-9][A-Z0-9_-]*$/;
const PERSON_RE = /^[a-z0-9][a-z0-9._-]*$/;
const PLAN_RE = /^[a-z0-9][a-z0-9-]*$/;
const MAX_VALUE = 200;

/** A query value as a trimmed string: express gives arrays for repeated keys, take the first. */
function single(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v.find((x) => typeof x === 'string') : v;
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  return t === '' || t.length > MAX_VALUE ? undefined : t;
}

const DATE_FIELDS = { dueFrom: 'Hạn từ ngày', dueTo: 'Hạn đến ngày' } as const;

function parseDueDate(value: string, label: string): { date?: IsoDate; error?: string } {
  const parsed = parseDateInput(value);
  if (parsed.ok) return { date: parsed.date };
  return { error: `${label}: ${parsed.vi.charAt(0).toLowerCase()}${parsed.vi.slice(1, -1)}, đã bỏ qua điều kiện này.` };
}

/** Parses query-string values into a filter; ignores unknown/invalid values, reports bad dates in Vietnamese. */
export function parseFilter(q: Record<string, unknown>): { filter: DashboardFilter; errors: string[] } {
  const filter: DashboardFilter = {};
  const errors: string[] = [];

  const unit = single(q.unit)?.toUpperCase();
  if (unit && UNIT_RE.test(unit)) filter.unit = unit;

  const status = single(q.status);
  if (status && (TASK_STATUSES as readonly string[]).includes(status)) filter.status = status as TaskStatus;

  const assignee = single(q.assignee)?.toLowerCase();
  if (assignee && PERSON_RE.test(assignee)) filter.assignee = assignee;

  const planId = single(q.planId)?.toLowerCase();
  if (planId && PLAN_RE.test(planId)) filter.planId = planId;

  for (const key of ['dueFrom', 'dueTo'] as const) {
    const value = single(q[key]);
    if (!value) continue;
    const { date, error } = parseDueDate(value, DATE_FIELDS[key]);
    if (date) filter[key] = date;
    if (error) errors.push(error);
  }
  // Kept as given (the result is simply empty), but say why nothing shows up.
  if (filter.dueFrom && filter.dueTo && filter.dueFrom > filter.dueTo) {
    errors.push(`Hạn từ ngày ${formatDate(filter.dueFrom)} sau hạn đến ngày ${formatDate(filter.dueTo)}: không nhiệm vụ nào thỏa điều kiện.`);
  }

  const text = single(q.text);
  if (text) filter.text = tidy(text);

  return { filter, errors };
}

/** The folded words of a text filter; none means "any text". */
export function searchWords(text: string): string[] {
  return fold(text)
    .split(' ')
    .filter((w) => w !== '');
}

/** What the text filter searches: the ref and the title, folded. */
export const searchTextOf = (r: { ref: string; title: string }): string => `${fold(r.ref)} ${fold(r.title)}`;

/**
 * The text part: every word of `text` must appear, folded (no case, no diacritics), in the ref or
 * the title — "ra soat" finds "Rà soát", so does "soát rà".
 */
export function matchesText(row: DashboardRow, text: string): boolean {
  const haystack = searchTextOf(row);
  return searchWords(text).every((w) => haystack.includes(w));
}

// ---------------------------------------------------------------------------
// Completion over time
// ---------------------------------------------------------------------------

export interface CompletionPoint {
  /** ISO date of the Monday (Asia/Ho_Chi_Minh). */
  week: string;
  done: number;
  cumulative: number;
}

function mondayOf(d: IsoDate): IsoDate {
  return addDays(d, -((dayOfWeek(d) + 6) % 7));
}

/** Completed tasks per week over the last `weeks` weeks ending at `today`, cumulative from the start of the data. */
export function completionOverTime(rows: DashboardRow[], today: string, weeks: number): CompletionPoint[] {
  const days = rows
    .filter((r) => (r.status === 'done_on_time' || r.status === 'done_late') && r.closedAt !== undefined)
    .map((r) => ({ day: businessDateOf(r.closedAt!), count: 1 }));
  return completionOf(days, today, weeks);
}

/** completionOverTime from completions counted by the business day they closed (the read model's answer). */
export function completionOf(doneByDay: readonly { day: IsoDate; count: number }[], today: string, weeks: number): CompletionPoint[] {
  if (!isValidIsoDate(today)) throw new Error(`Invalid date "${today}": expected an existing YYYY-MM-DD date`);
  const n = Math.max(0, Math.floor(weeks));
  if (n === 0) return [];
  const last = mondayOf(today);
  const first = addDays(last, -7 * (n - 1));
  const perWeek = new Map<IsoDate, number>();
  let before = 0;
  for (const { day, count } of doneByDay) {
    // Closed "after today" (clock skew between hosts): not on a curve that ends today.
    if (day > today) continue;
    if (day < first) before += count;
    else {
      const w = mondayOf(day);
      perWeek.set(w, (perWeek.get(w) ?? 0) + count);
    }
  }
  const points: CompletionPoint[] = [];
  let cumulative = before;
  for (let i = 0; i < n; i++) {
    const week = addDays(first, 7 * i);
    const done = perWeek.get(week) ?? 0;
    cumulative += done;
    points.push({ week, done, cumulative });
  }
  return points;
}
