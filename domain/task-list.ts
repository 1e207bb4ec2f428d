// The task read model's questions: the ones the dashboard, the bot's lists and the reports ask of
// the rows (task-record.ts). Pure: the store answers a
// TaskWhere in SQL (store/task-sql.ts); matchesWhere() answers it in memory, the meaning both keep.
import { businessDateOf, type IsoDate } from './calendar.js';
import { matchesText, searchTextOf, type DashboardFilter } from './dashboard.js';
import { ATTENTION_ORDER, TASK_STATUSES, type TaskStatus } from './status.js';
import type { TaskRecord } from './task-record.js';
import { refSortKey } from './task-ref.js';

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
