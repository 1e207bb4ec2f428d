// Unit tasks read from Temporal visibility: queries over the task search attributes, and the
// rows they list. Queries are built here so that every value is escaped the one way literal() does.
// The application's pages and lists read the task read model (domain/task-list.ts) instead; this is
// for operators: metrics, the read model's rebuild and drift check, and the Temporal UI's view.
import type { Client } from '@temporalio/client';
import { businessDateOf } from '../domain/calendar.js';
import type { DashboardRow, TaskRow } from '../domain/dashboard.js';
import type { TaskStatus } from '../domain/status.js';
import { refOrder } from '../domain/task-ref.js';
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

export function escalationAtLeast(level: number): string {
  if (!Number.isInteger(level)) throw new Error(`escalation level ${level}: expected an integer`);
  return `EscalationLevel >= ${level}`;
}

/** Open tasks only. */
export const RUNNING = "ExecutionStatus = 'Running'";
/** Open and closed tasks, each once: a run that continued as new is superseded by the next. */
export const LATEST_RUN = "ExecutionStatus != 'ContinuedAsNew'";

/** The clauses given, joined by AND; '' when none. */
export const and = (...clauses: (string | undefined)[]): string => clauses.filter(Boolean).join(' AND ');

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
