// The task read model: one row per unit task, written by its workflow on every change, and the
// questions the dashboard, the bot's lists and the reports ask of it. Pure: the store answers a
// TaskWhere in SQL (store/task-sql.ts); matchesWhere() answers it in memory, the meaning both keep.
import { businessDateOf, type IsoDate } from './calendar.js';
import { matchesText, searchTextOf, type DashboardFilter, type DashboardRow } from './dashboard.js';
import { reportFactsOf, type ReportFacts } from './report.js';
import { ATTENTION_ORDER, TASK_STATUSES, type TaskStatus } from './status.js';
import { isRecurring } from './task-rules.js';
import { refSortKey } from './task-ref.js';
import type { UnitTaskView } from './task.js';

/** A unit task as the read model keeps it. */
export interface TaskRecord extends DashboardRow {
  planTitle: string;
  /** A "thường xuyên" or periodic task: its due date is the current cycle's report. */
  recurring: boolean;
  /**
   * Grows with every write of this task (the workflow's clock in µs, carried over continue-as-new):
   * a write carrying a version at or below the stored one changes nothing.
   */
  version: number;
  /** When the workflow wrote it (its own clock). */
  updatedAt: number;
  /** What the plan's reports say of it. */
  report: ReportFacts;
}

/** The row of a task as its workflow sees it at `now`. */
export function taskRecordOf(v: UnitTaskView, now: number, version: number): TaskRecord {
  const over = v.phase === 'done' || v.phase === 'cancelled';
  return {
    workflowId: v.workflowId,
    planId: v.planId,
    planTitle: v.planTitle,
    ref: v.task.ref,
    title: v.task.title,
    unit: v.unit.code,
    assignee: v.assignee.id,
    status: v.status,
    ...(v.due ? { due: v.due } : {}),
    escalationLevel: v.escalationLevel,
    running: !over,
    ...(over ? { closedAt: now } : {}),
    recurring: isRecurring(v.task),
    version,
    updatedAt: now,
    report: reportFactsOf(v),
  };
}

/** What a row says, without when it was written (its version, the time of writing, the closing instant): equal content needs no new write. */
export function rowContent(r: TaskRecord): string {
  const { version: _v, updatedAt: _u, closedAt: _c, ...content } = r;
  return JSON.stringify(content);
}

/** The next version after `last`: the workflow's clock in µs, or one more than the last when the clock has not moved. */
export function nextVersion(last: number | undefined, now: number): number {
  return Math.max((last ?? 0) + 1, Math.floor(now) * 1000);
}

// ---------------------------------------------------------------------------
// Questions
// ---------------------------------------------------------------------------

/** Which tasks: a small tree both the store (SQL) and matchesWhere (memory) read. */
export type TaskWhere =
  | { all: TaskWhere[] }
  | { any: TaskWhere[] }
  | { not: TaskWhere }
  | { planId: string }
  | { unitIn: readonly string[] }
  | { statusIn: readonly TaskStatus[] }
  | { assignee: string }
  | { refIn: readonly string[] }
  | { escalationAtLeast: number }
  | { dueFrom: IsoDate }
  | { dueTo: IsoDate }
  | { running: boolean }
  /** Every word, folded, in the ref or the title ("ra soat" finds "Rà soát"). */
  | { text: string };

export const EVERY_TASK: TaskWhere = { all: [] };

/** The parts given, joined by AND (undefined parts dropped). */
export const allOf = (...parts: (TaskWhere | undefined)[]): TaskWhere => ({ all: parts.filter((p): p is TaskWhere => p !== undefined) });
export const anyOf = (...parts: (TaskWhere | undefined)[]): TaskWhere => ({ any: parts.filter((p): p is TaskWhere => p !== undefined) });

/** The dashboard's filter as a question (every part of it, the text included). */
export function filterWhere(f: DashboardFilter): TaskWhere {
  return allOf(
    f.planId !== undefined ? { planId: f.planId } : undefined,
    f.unit !== undefined ? { unitIn: [f.unit] } : undefined,
    f.status !== undefined ? { statusIn: [f.status] } : undefined,
    f.assignee !== undefined ? { assignee: f.assignee } : undefined,
    f.dueFrom !== undefined ? { dueFrom: f.dueFrom } : undefined,
    f.dueTo !== undefined ? { dueTo: f.dueTo } : undefined,
    f.text !== undefined ? { text: f.text } : undefined,
  );
}

export function matchesWhere(r: TaskRecord, w: TaskWhere): boolean {
  if ('all' in w) return w.all.every((p) => matchesWhere(r, p));
  if ('any' in w) return w.any.some((p) => matchesWhere(r, p));
  if ('not' in w) return !matchesWhere(r, w.not);
  if ('planId' in w) return r.planId === w.planId;
  if ('unitIn' in w) return w.unitIn.includes(r.unit);
  if ('statusIn' in w) return w.statusIn.includes(r.status);
  if ('assignee' in w) return r.assignee === w.assignee;
  if ('refIn' in w) return w.refIn.includes(r.ref);
  if ('escalationAtLeast' in w) return r.escalationLevel >= w.escalationAtLeast;
  if ('dueFrom' in w) return r.due !== undefined && r.due >= w.dueFrom;
  if ('dueTo' in w) return r.due !== undefined && r.due <= w.dueTo;
  if ('running' in w) return r.running === w.running;
  return matchesText(r, w.text);
}

// ---------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------

/** 'attention': the dashboard's order (sortForDashboard); 'ref': the plan's order, then unit. */
export type TaskOrder = 'attention' | 'ref';

/** A status's place in the attention order (an unknown one last). */
export function attentionRank(s: TaskStatus): number {
  const i = ATTENTION_ORDER.indexOf(s);
  return i < 0 ? ATTENTION_ORDER.length : i;
}

/** Sorts after every date: a task without a deadline is the least pressing of its group. */
const NO_DUE = '9999-12-31';

/**
 * The columns the store sorts by, computed once when a row is written: the attention order is
 * attention, urgency (the higher escalation first among overdue tasks), due_key, ref_key.
 */
export function sortColumnsOf(r: Pick<TaskRecord, 'ref' | 'status' | 'closedAt' | 'title' | 'due' | 'escalationLevel'>): {
  attention: number;
  urgency: number;
  dueKey: string;
  refKey: string;
  search: string;
  closedDay?: IsoDate;
} {
  return {
    attention: attentionRank(r.status),
    urgency: r.status === 'overdue' ? -r.escalationLevel : 0,
    dueKey: r.due ?? NO_DUE,
    refKey: refSortKey(r.ref),
    search: searchTextOf(r),
    ...(r.closedAt !== undefined ? { closedDay: businessDateOf(r.closedAt) } : {}),
  };
}

// ---------------------------------------------------------------------------
// Tallies
// ---------------------------------------------------------------------------

/** How many tasks of a unit are in a status; `stamp` changes whenever one of them is written. */
export interface TaskTally {
  unit: string;
  status: TaskStatus;
  count: number;
}

export interface TaskSummary {
  tallies: TaskTally[];
  /** Completed tasks by the business day they closed, for the weekly curve. */
  doneByDay: { day: IsoDate; count: number }[];
  /** Changes when any matching task is written, added or removed (the live page's ETag). */
  stamp: string;
}

/** The statuses the store knows; a status from a newer worker still counts in totals. */
export const KNOWN_STATUSES: ReadonlySet<string> = new Set(TASK_STATUSES);
