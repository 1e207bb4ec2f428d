// Starting a plan's task workflows (client/visibility.ts reads their state).
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { chainFor, findUnit, personRef, type Org, type PersonRef } from '../domain/org.js';
import { leadUnits, type Plan, type PlanTask } from '../domain/plan.js';
import { resolvePolicy } from '../domain/policy.js';
import { taskWorkflowId, type TaskSpec, type UnitTaskInput } from '../domain/task.js';
import { mapLimit } from '../runtime/concurrency.js';
import type { Store } from '../store/store.js';
import { ensureReportSchedules } from './reports.js';
import { multiUnitTaskWorkflow, unitTaskWorkflow } from '../workflows/index.js';
import { PlanIdKey, TaskRefKey } from '../workflows/search-attributes.js';

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
  await store.planSave(plan, Date.now());
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
