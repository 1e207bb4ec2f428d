// Unit tasks read from Temporal visibility: queries over the task search attributes, and the
// rows they list. Queries are built here so that every value is escaped the one way literal() does.
import type { Client } from '@temporalio/client';
import { businessDateOf } from '../domain/calendar.js';
import type { DashboardFilter, DashboardRow, TaskRow } from '../domain/dashboard.js';
import type { TaskStatus } from '../domain/status.js';
import { refOrder } from '../domain/task-ref.js';
import type { Store } from '../store/store.js';
import {
  EscalationLevelKey,
  PlanIdKey,
  TaskAssigneeKey,
  TaskDueKey,
  TaskRefKey,
  TaskStatusKey,
  TaskUnitKey,
} from '../workflows/search-attributes.js';

export type { DashboardRow, TaskRow };

// ---------------------------------------------------------------------------
// Query building
// ---------------------------------------------------------------------------

/** The Keyword search attributes of a unit task. */
export type TaskKeyword = 'PlanId' | 'TaskRef' | 'TaskUnit' | 'TaskAssignee' | 'TaskStatus';

/** A string literal. Visibility has no escape for quotes, so quotes, backslashes and control characters are dropped. */
export function literal(value: string): string {
  return `'${value.replace(/['\\\u0000-\u001f\u007f]/g, '')}'`;
}

export const is = (attribute: TaskKeyword, value: string): string => `${attribute} = ${literal(value)}`;

export const isAnyOf = (attribute: TaskKeyword, values: readonly string[]): string => `${attribute} IN (${values.map(literal).join(', ')})`;

export function escalationAtLeast(level: number): string {
  if (!Number.isInteger(level)) throw new Error(`escalation level ${level}: expected an integer`);
  return `EscalationLevel >= ${level}`;
}

// TaskDue is a Datetime: bound by whole business days in Asia/Ho_Chi_Minh.
export const dueFrom = (date: string): string => `TaskDue >= ${literal(`${date}T00:00:00+07:00`)}`;
export const dueBy = (date: string): string => `TaskDue <= ${literal(`${date}T23:59:59+07:00`)}`;

/** Open tasks only. */
export const RUNNING = "ExecutionStatus = 'Running'";
/** Open and closed tasks, each once: a run that continued as new is superseded by the next. */
export const LATEST_RUN = "ExecutionStatus != 'ContinuedAsNew'";

/** The clauses given, joined; '' when none. Operands are not parenthesized: group() an OR inside an AND. */
export const and = (...clauses: (string | undefined)[]): string => clauses.filter(Boolean).join(' AND ');
export const or = (...clauses: (string | undefined)[]): string => clauses.filter(Boolean).join(' OR ');
export const group = (clause: string): string => `(${clause})`;

/** The clauses for the parts of a dashboard filter Temporal can answer (the text is matched in memory); '' when none. */
export function visibilityClauses(f: DashboardFilter): string {
  return and(
    f.planId !== undefined ? is('PlanId', f.planId) : undefined,
    f.unit !== undefined ? is('TaskUnit', f.unit) : undefined,
    f.status !== undefined ? is('TaskStatus', f.status) : undefined,
    f.assignee !== undefined ? is('TaskAssignee', f.assignee) : undefined,
    f.dueFrom !== undefined ? dueFrom(f.dueFrom) : undefined,
    f.dueTo !== undefined ? dueBy(f.dueTo) : undefined,
  );
}

// ---------------------------------------------------------------------------
// Listing and counting
// ---------------------------------------------------------------------------

const UNIT_TASKS = "WorkflowType = 'unitTaskWorkflow'";

/** Sorts in place into the order findTasks answers in: by ref, then unit, so a list (and its version hash) is stable. */
export function inRefOrder<T extends { ref: string; unit: string }>(rows: T[]): T[] {
  const byRef = refOrder();
  return rows.sort((a, b) => byRef(a.ref, b.ref) || a.unit.localeCompare(b.unit));
}

/** Unit tasks matching a visibility query over the task search attributes, in ref order (eventually consistent). */
export async function findTasks(client: Client, where: string): Promise<TaskRow[]> {
  const rows: TaskRow[] = [];
  for await (const wf of client.workflow.list({ query: and(UNIT_TASKS, where) })) {
    const sa = wf.typedSearchAttributes;
    const due = sa.get(TaskDueKey);
    rows.push({
      workflowId: wf.workflowId,
      planId: sa.get(PlanIdKey) ?? '',
      ref: sa.get(TaskRefKey) ?? '',
      unit: sa.get(TaskUnitKey) ?? '',
      assignee: sa.get(TaskAssigneeKey) ?? '',
      status: (sa.get(TaskStatusKey) ?? 'not_due') as TaskStatus,
      ...(due ? { due: businessDateOf(due.getTime()) } : {}),
      escalationLevel: sa.get(EscalationLevelKey) ?? 0,
      running: wf.status.name === 'RUNNING',
      ...(wf.closeTime ? { closedAt: wf.closeTime.getTime() } : {}),
    });
  }
  return inRefOrder(rows);
}

/** How many unit tasks match a visibility query (eventually consistent). */
export async function countTasks(client: Client, where: string): Promise<number> {
  return (await client.workflow.count(and(UNIT_TASKS, where))).count;
}

/** Every unit task of a plan; `extra` narrows it further. */
export async function planTasks(client: Client, planId: string, extra = ''): Promise<TaskRow[]> {
  return findTasks(client, and(is('PlanId', planId), extra));
}

/** Unit tasks of a visibility query, of plans this system started, with their titles. */
export async function findPlanTasks(client: Client, store: Store, where: string): Promise<DashboardRow[]> {
  const titles = new Map<string, Map<string, string> | undefined>();
  const rows: DashboardRow[] = [];
  for (const r of await findTasks(client, where)) {
    if (!titles.has(r.planId)) {
      const record = await store.planGet(r.planId);
      titles.set(r.planId, record && new Map(record.plan.tasks.map((t) => [t.ref, t.title])));
    }
    const plan = titles.get(r.planId);
    // Only plans this system started (a shared namespace may hold others).
    if (plan) rows.push({ ...r, title: plan.get(r.ref) ?? '' });
  }
  return rows;
}
