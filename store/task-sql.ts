// The task read model in SQL, shared by the SQLite and PostgreSQL stores: its columns, a row's
// values, a TaskWhere as a WHERE clause and the orders. Both stores compare text in binary ("C")
// order, so ref_key sorts as domain/task-ref.ts orders refs.
import { searchWords } from '../domain/dashboard.js';
import type { TaskStatus } from '../domain/status.js';
import { sortColumnsOf, type TaskOrder, type TaskSummary, type TaskTally, type TaskWhere } from '../domain/task-list.js';
import type { ReportFacts, TaskRecord } from '../domain/task-record.js';

/** Adds a value to the statement's arguments and returns its placeholder ("?" or "$n"). */
export type Bind = (value: unknown) => string;

export const TASK_COLUMNS = [
  'workflow_id',
  'plan_id',
  'plan_title',
  'ref',
  'ref_key',
  'title',
  'search',
  'unit',
  'assignee',
  'status',
  'attention',
  'urgency',
  'due',
  'due_key',
  'escalation',
  'running',
  'closed_at',
  'closed_day',
  'recurring',
  'version',
  'updated_at',
  'report',
] as const;

export interface TaskDbRow {
  workflow_id: string;
  plan_id: string;
  plan_title: string;
  ref: string;
  title: string;
  unit: string;
  assignee: string;
  status: string;
  due: string | null;
  escalation: number;
  running: number;
  closed_at: number | null;
  recurring: number;
  version: number;
  updated_at: number;
  report: string;
}

/** A record's values in TASK_COLUMNS order. */
export function taskValues(r: TaskRecord): unknown[] {
  const c = sortColumnsOf(r);
  return [
    r.workflowId,
    r.planId,
    r.planTitle,
    r.ref,
    c.refKey,
    r.title,
    c.search,
    r.unit,
    r.assignee,
    r.status,
    c.attention,
    c.urgency,
    r.due ?? null,
    c.dueKey,
    r.escalationLevel,
    r.running ? 1 : 0,
    r.closedAt !== undefined ? Math.round(r.closedAt) : null,
    c.closedDay ?? null,
    r.recurring ? 1 : 0,
    Math.round(r.version),
    Math.round(r.updatedAt),
    JSON.stringify(r.report),
  ];
}

export function toTaskRecord(d: TaskDbRow): TaskRecord {
  return {
    workflowId: d.workflow_id,
    planId: d.plan_id,
    planTitle: d.plan_title,
    ref: d.ref,
    title: d.title,
    unit: d.unit,
    assignee: d.assignee,
    status: d.status as TaskStatus,
    ...(d.due !== null ? { due: d.due } : {}),
    escalationLevel: d.escalation,
    running: d.running === 1,
    ...(d.closed_at !== null ? { closedAt: d.closed_at } : {}),
    recurring: d.recurring === 1,
    version: d.version,
    updatedAt: d.updated_at,
    report: JSON.parse(d.report) as ReportFacts,
  };
}

/** `x LIKE '%word%'` with the word's own % _ and \ taken literally. */
const likeWord = (bind: Bind, word: string): string => `search LIKE ${bind(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)} ESCAPE '\\'`;

const inList = (bind: Bind, column: string, values: readonly unknown[]): string => (values.length ? `${column} IN (${values.map(bind).join(', ')})` : '1 = 0');

/** The WHERE clause of a question (never empty: "1 = 1" for every task). */
export function whereSql(w: TaskWhere, bind: Bind): string {
  if ('all' in w) return w.all.length ? `(${w.all.map((p) => whereSql(p, bind)).join(' AND ')})` : '1 = 1';
  if ('any' in w) return w.any.length ? `(${w.any.map((p) => whereSql(p, bind)).join(' OR ')})` : '1 = 0';
  // A NULL (no due date) is "no" before it is negated, as matchesWhere reads it.
  if ('not' in w) return `NOT COALESCE(${whereSql(w.not, bind)}, FALSE)`;
  if ('planId' in w) return `plan_id = ${bind(w.planId)}`;
  if ('unitIn' in w) return inList(bind, 'unit', w.unitIn);
  if ('statusIn' in w) return inList(bind, 'status', w.statusIn);
  if ('assignee' in w) return `assignee = ${bind(w.assignee)}`;
  if ('refIn' in w) return inList(bind, 'ref', w.refIn);
  if ('escalationAtLeast' in w) return `escalation >= ${bind(w.escalationAtLeast)}`;
  if ('dueFrom' in w) return `due >= ${bind(w.dueFrom)}`;
  if ('dueTo' in w) return `due <= ${bind(w.dueTo)}`;
  if ('running' in w) return `running = ${bind(w.running ? 1 : 0)}`;
  const words = searchWords(w.text);
  return words.length ? `(${words.map((x) => likeWord(bind, x)).join(' AND ')})` : '1 = 1';
}

/** ORDER BY of an order: 'attention' is sortForDashboard's, 'ref' the plan's; each an index's columns, so a page is read off the index. */
function orderSql(o: TaskOrder): string {
  const tail = 'ref_key, unit, plan_id, workflow_id';
  if (o === 'ref') return tail;
  return `attention, urgency, due_key, ${tail}`;
}

/**
 * The versioned write: insert, or replace every column but the key when the new version is higher.
 * `placeholders` are the store's, in TASK_COLUMNS order; `nextSeq` the store's next sequence number.
 */
export function taskUpsertSql(placeholders: readonly string[], nextSeq: string): string {
  const updates = TASK_COLUMNS.filter((c) => c !== 'workflow_id').map((c) => `${c} = excluded.${c}`);
  return `INSERT INTO task_rows (${TASK_COLUMNS.join(', ')}, seq) VALUES (${placeholders.join(', ')}, ${nextSeq})
    ON CONFLICT (workflow_id) DO UPDATE SET ${updates.join(', ')}, seq = excluded.seq WHERE excluded.version > task_rows.version`;
}

/** A page of rows answering a question (the LIMIT and OFFSET placeholders come last). */
export const taskPageSql = (clause: string, order: TaskOrder, limit: string, offset: string): string =>
  `SELECT * FROM task_rows WHERE ${clause} ORDER BY ${orderSql(order)} LIMIT ${limit} OFFSET ${offset}`;

/** The two queries of a summary over a WHERE clause: counts by unit and status (with their write sequence sum), completions by day. */
export function taskSummarySql(clause: string): { groups: string; days: string } {
  return {
    groups: `SELECT unit, status, COUNT(*) AS count, SUM(seq) AS seqs FROM task_rows WHERE ${clause} GROUP BY unit, status`,
    days: `SELECT closed_day AS day, COUNT(*) AS count FROM task_rows WHERE ${clause} AND status IN ('done_on_time', 'done_late') AND closed_day IS NOT NULL GROUP BY closed_day`,
  };
}

/** The summary from the grouped counts (with the sum of their write sequence numbers) and the completions by day. */
export function summaryOf(groups: readonly (TaskTally & { seqs: number | string | null })[], days: readonly { day: string; count: number | string }[]): TaskSummary {
  let total = 0;
  let seqs = 0;
  for (const g of groups) {
    total += Number(g.count);
    seqs += Number(g.seqs ?? 0);
  }
  return {
    tallies: groups.map((g) => ({ unit: g.unit, status: g.status, count: Number(g.count) })),
    doneByDay: days.map((d) => ({ day: d.day, count: Number(d.count) })),
    stamp: `${total}.${seqs}`,
  };
}
