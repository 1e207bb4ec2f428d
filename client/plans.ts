// Starting a plan's task workflows and reading a plan's state from visibility.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { chainFor, findUnit, personRef, type Org, type PersonRef } from '../domain/org.js';
import { leadUnits, type Plan, type PlanTask } from '../domain/plan.js';
import { resolvePolicy } from '../domain/policy.js';
import type { DashboardRow } from '../domain/dashboard.js';
import type { TaskStatus } from '../domain/status.js';
import { taskWorkflowId, type TaskSpec, type UnitTaskInput } from '../domain/task.js';
import { businessDateOf } from '../domain/calendar.js';
import { mapLimit } from '../runtime/concurrency.js';
import type { Store } from '../store/store.js';
import { ensureReportSchedules } from './reports.js';
import { multiUnitTaskWorkflow, unitTaskWorkflow } from '../workflows/index.js';
import {
  EscalationLevelKey,
  PlanIdKey,
  TaskAssigneeKey,
  TaskDueKey,
  TaskRefKey,
  TaskStatusKey,
  TaskUnitKey,
} from '../workflows/search-attributes.js';

export interface StartPlanResult {
  started: number;
  existing: number;
  workflowIds: string[];
}

export function specOf(t: PlanTask): TaskSpec {
  return { ref: t.ref, title: t.title, content: t.content, deadline: t.deadline, targets: t.targets, support: t.support };
}

function assigneeFor(org: Org, task: PlanTask, unitCode: string): PersonRef {
  const unit = findUnit(org, unitCode)!;
  if (task.assignee && (unit.members.includes(task.assignee) || unit.head === task.assignee)) return personRef(org, task.assignee);
  return personRef(org, unit.focal ?? unit.head);
}

/** The inputs of every unit's share of a task, as the workflows take them. */
export function unitInputs(plan: Plan, org: Org, task: PlanTask): Omit<UnitTaskInput, 'planId' | 'planTitle' | 'task'>[] {
  const policy = resolvePolicy(plan.policy, task.policy);
  return leadUnits(task, org).map((code) => ({
    chain: chainFor(org, code),
    policy,
    assignee: assigneeFor(org, task, code),
    ...(plan.endDate ? { endDate: plan.endDate } : {}),
  }));
}

/**
 * Starts one workflow per task (a parent with one child per unit when several units lead it).
 * Ids are deterministic and duplicates are rejected, so starting the same plan twice starts nothing new.
 */
export async function startPlan(
  client: Client,
  store: Store,
  org: Org,
  plan: Plan,
  taskQueue: string,
  opts: { concurrency?: number } = {},
): Promise<StartPlanResult> {
  store.planSave(plan, Date.now());
  const outcomes = await mapLimit(plan.tasks, opts.concurrency ?? 20, async (task) => {
    const workflowId = taskWorkflowId(plan.id, task.ref);
    const units = unitInputs(plan, org, task);
    const common = {
      workflowId,
      taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
      typedSearchAttributes: [
        { key: PlanIdKey, value: plan.id },
        { key: TaskRefKey, value: task.ref },
      ],
    };
    try {
      if (units.length === 1) {
        await client.workflow.start(unitTaskWorkflow, { ...common, args: [{ ...units[0]!, planId: plan.id, planTitle: plan.title, task: specOf(task) }] });
      } else {
        await client.workflow.start(multiUnitTaskWorkflow, { ...common, args: [{ planId: plan.id, planTitle: plan.title, task: specOf(task), units }] });
      }
      return { workflowId, started: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return { workflowId, started: false };
    }
  });
  const result: StartPlanResult = {
    started: outcomes.filter((o) => o.started).length,
    existing: outcomes.filter((o) => !o.started).length,
    workflowIds: outcomes.map((o) => o.workflowId),
  };
  await ensureReportSchedules(client, plan, taskQueue);
  return result;
}

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

/** Every unit task of a plan, read from visibility (eventually consistent). */
export async function planTasks(client: Client, planId: string, extra = ''): Promise<TaskRow[]> {
  return findTasks(client, `PlanId = ${quote(planId)}${extra ? ` AND ${extra}` : ''}`);
}

/** Unit tasks matching a visibility query over the task search attributes, in ref order. */
export async function findTasks(client: Client, where: string): Promise<TaskRow[]> {
  const rows: TaskRow[] = [];
  const query = `WorkflowType = 'unitTaskWorkflow' AND ${where}`;
  for await (const wf of client.workflow.list({ query })) {
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
  return rows.sort((a, b) => compareRefs(a.ref, b.ref) || a.unit.localeCompare(b.unit));
}

/** Unit tasks of a visibility query, of plans this system started, with their titles. */
export async function findPlanTasks(client: Client, store: Store, where: string): Promise<DashboardRow[]> {
  const titles = new Map<string, Map<string, string> | undefined>();
  const rows: DashboardRow[] = [];
  for (const r of await findTasks(client, where)) {
    if (!titles.has(r.planId)) {
      const record = store.planGet(r.planId);
      titles.set(r.planId, record && new Map(record.plan.tasks.map((t) => [t.ref, t.title])));
    }
    const plan = titles.get(r.planId);
    // Only plans this system started (a shared namespace may hold others).
    if (plan) rows.push({ ...r, title: plan.get(r.ref) ?? '' });
  }
  return rows;
}

/** A string literal for a visibility query (quotes cannot be escaped there, so they are dropped). */
export function quote(value: string): string {
  return `'${value.replace(/['\\]/g, '')}'`;
}

/** "II.2.(10)" after "II.2.(9)": compare the numbers inside refs as numbers. */
export function compareRefs(a: string, b: string): number {
  return a.localeCompare(b, 'vi', { numeric: true });
}
