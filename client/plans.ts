// Starting a plan's task workflows, with its progress kept in the store (the read model, domain/task-list.ts, then holds their state).
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { chainFor, findUnit, personRef, type Org, type PersonRef } from '../domain/org.js';
import { leadUnits, type Plan, type PlanTask } from '../domain/plan.js';
import type { PlanStartProgress } from '../domain/plan-start.js';
import { resolvePolicy } from '../domain/policy.js';
import { startingRecord } from '../domain/task-record.js';
import { childInputOf, taskWorkflowId, unitWorkflowId, type TaskSpec, type UnitTaskInput } from '../domain/task.js';
import { mapLimit } from '../runtime/concurrency.js';
import type { Store } from '../store/store.js';
import { ensureReportSchedules } from './reports.js';
import { multiUnitTaskWorkflow, unitTaskWorkflow } from '../workflows/index.js';
import { initialUnitTaskAttributes, PlanIdKey, TaskRefKey } from '../workflows/search-attributes.js';

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

export interface StartPlanOptions {
  /** Start requests in flight. */
  concurrency?: number;
  /** Called after each task (throttle it to show it); the same figures are saved in the store every second. */
  onProgress?: (p: PlanStartProgress) => void;
  now?: () => number;
}

/** How often the progress is saved for the dashboard's progress page. */
const SAVE_EVERY_MS = 1000;

/**
 * Starts one workflow per task (a parent with one child per unit when several units lead it).
 * Ids are deterministic and duplicates are rejected, so starting the same plan twice starts nothing
 * new; a start that was interrupted resumes: tasks whose workflows already wrote their rows are
 * skipped without asking Temporal, the rest are started (or found running). The progress is kept in
 * the store (PlanStore.planStartSave) for the dashboard, and told to `onProgress`.
 */
export async function startPlan(client: Client, store: Store, org: Org, plan: Plan, taskQueue: string, opts: StartPlanOptions = {}): Promise<StartPlanResult> {
  const now = opts.now ?? Date.now;
  await store.planSave(plan, now());
  const running = new Set((await store.taskFind({ planId: plan.id }, { order: 'ref' })).map((r) => r.ref));
  const progress: PlanStartProgress = { planId: plan.id, total: plan.tasks.length, started: 0, existing: 0, startedAt: now(), updatedAt: now() };
  let saved = 0;
  const save = async (force = false) => {
    progress.updatedAt = now();
    if (!force && progress.updatedAt - saved < SAVE_EVERY_MS) return;
    saved = progress.updatedAt;
    await store.planStartSave({ ...progress });
  };
  await save(true);
  const startOne = async (task: PlanTask): Promise<{ workflowId: string; started: boolean }> => {
    const workflowId = taskWorkflowId(plan.id, task.ref);
    // Its workflow has run and written its row: no round trip to be told it exists.
    if (running.has(task.ref)) return { workflowId, started: false };
    // Each unit's workflow takes its first read-model row as written by this start.
    const units = unitInputs(plan, org, task).map((u) => ({ ...u, rowByStarter: true as const }));
    const common = {
      workflowId,
      taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    };
    const spec = specOf(task);
    const multi = { planId: plan.id, planTitle: plan.title, task: spec, units };
    // The unit workflows and the first row of each: one for a task led by one unit, a parent's children otherwise.
    const unitTasks =
      units.length === 1
        ? [{ workflowId, input: { ...units[0]!, planId: plan.id, planTitle: plan.title, task: spec } }]
        : units.map((u) => ({ workflowId: unitWorkflowId(plan.id, task.ref, u.chain.unit.code), input: childInputOf(multi, u, workflowId) }));
    let started = true;
    try {
      if (units.length === 1) {
        const unit = unitTasks[0]!.input;
        // What its first publish would upsert, so that it upserts nothing (workflows/unit-task.ts).
        const typedSearchAttributes = initialUnitTaskAttributes(unit);
        await client.workflow.start(unitTaskWorkflow, { ...common, typedSearchAttributes, args: [unit] });
      } else {
        const typedSearchAttributes = [
          { key: PlanIdKey, value: plan.id },
          { key: TaskRefKey, value: task.ref },
        ];
        await client.workflow.start(multiUnitTaskWorkflow, { ...common, typedSearchAttributes, args: [multi] });
      }
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      started = false;
    }
    // After the start, never before: a row means its workflow exists (a resumed start skips it). A
    // workflow that already wrote a newer row keeps it (the store ignores an older version).
    for (const t of unitTasks) await store.taskPut(startingRecord(t.input, t.workflowId, now()));
    return { workflowId, started };
  };
  let outcomes: { workflowId: string; started: boolean }[];
  try {
    outcomes = await mapLimit(plan.tasks, opts.concurrency ?? 20, async (task) => {
      const o = await startOne(task);
      if (o.started) progress.started++;
      else progress.existing++;
      opts.onProgress?.({ ...progress, updatedAt: now() });
      await save();
      return o;
    });
    await ensureReportSchedules(client, plan, taskQueue);
  } catch (err) {
    progress.error = (err as Error).message;
    await save(true).catch(() => undefined);
    throw err;
  }
  progress.finishedAt = now();
  await save(true);
  opts.onProgress?.({ ...progress });
  return {
    started: progress.started,
    existing: progress.existing,
    workflowIds: outcomes.map((o) => o.workflowId),
  };
}
