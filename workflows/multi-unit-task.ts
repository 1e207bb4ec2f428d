// A task led by several units ("các Phòng, Ban, Trung tâm"): one child per unit, done when all are.
import { condition, setHandler, startChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { combinedStatus, type TaskStatus } from '../domain/status.js';
import { childInputOf, unitWorkflowId, type MultiUnitTaskInput, type MultiUnitTaskView } from '../domain/task.js';
import * as msg from './messages.js';
import { initialUnitTaskAttributes, PlanIdKey, TaskRefKey, TaskStatusKey } from './search-attributes.js';
import { unitTaskWorkflow, type UnitTaskResult } from './unit-task.js';

export async function multiUnitTaskWorkflow(input: MultiUnitTaskInput): Promise<UnitTaskResult> {
  const { workflowId } = workflowInfo();
  const units = new Map<string, { workflowId: string; status: TaskStatus; done: boolean }>(
    input.units.map((u) => [u.chain.unit.code, { workflowId: unitWorkflowId(input.planId, input.task.ref, u.chain.unit.code), status: 'not_due', done: false }]),
  );
  let published: TaskStatus | undefined;
  let version = 0;

  const status = () => combinedStatus([...units.values()].map((u) => u.status));
  const view = (): MultiUnitTaskView => ({
    workflowId,
    planId: input.planId,
    task: input.task,
    status: status(),
    units: [...units.entries()].map(([unit, u]) => ({ unit, ...u })),
  });

  function publish(): void {
    const now = status();
    if (now === published) return;
    published = now;
    upsertSearchAttributes([
      { key: PlanIdKey, value: input.planId },
      { key: TaskRefKey, value: input.task.ref },
      { key: TaskStatusKey, value: now },
    ]);
  }

  setHandler(msg.getMultiUnitState, view);
  setHandler(msg.unitStatusChanged, ({ unit, workflowId: child, status: st }) => {
    // By the child's id: a child moved to another unit keeps its workflow id, not its unit code.
    const u = [...units.values()].find((x) => x.workflowId === child) ?? units.get(unit);
    if (u) u.status = st;
    version++;
  });

  publish();
  const children = await Promise.all(
    input.units.map((u) => {
      const child = childInputOf(input, u, workflowId);
      // With its search attributes, so that the child's first workflow task upserts nothing.
      return startChild(unitTaskWorkflow, { workflowId: units.get(u.chain.unit.code)!.workflowId, typedSearchAttributes: initialUnitTaskAttributes(child), args: [child] });
    }),
  );
  const results = children.map((child, i) =>
    child.result().then((r) => {
      const u = units.get(input.units[i]!.chain.unit.code)!;
      u.status = r.status;
      u.done = true;
      version++;
    }),
  );
  const all = Promise.all(results);
  let finished = false;
  void all.then(() => (finished = true));
  while (!finished) {
    const seen = version;
    publish();
    await condition(() => version !== seen || finished);
  }
  publish();
  return { status: status() };
}
