// Reading one task and acting on it as a named person: the same path for the CLI, the bot and the web.
// What each action sends is the table in client/actions.ts.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { MultiUnitTaskView, UnitTaskView } from '../domain/task.js';
import { taskWorkflowId, unitWorkflowId } from '../domain/task.js';
import * as msg from '../workflows/messages.js';
import type { Action } from '../domain/authz.js';
import type { ArgsOf } from '../domain/task-rules.js';
import { TASK_ACTIONS } from './actions.js';
import { combinedStatus } from '../domain/status.js';

/** A refused or impossible action: `message` is for the person (Vietnamese), `en` for the log. */
export class TaskActionError extends Error {
  constructor(
    message: string,
    readonly en: string,
  ) {
    super(message);
    this.name = 'TaskActionError';
  }
}

/** "PLAN/REF" or "PLAN/REF/UNIT" (refs never hold a slash), or a full workflow id. */
export function taskIdFrom(arg: string): string {
  if (arg.startsWith('plan/')) return arg;
  const [planId, ref, unit] = arg.split('/');
  if (!planId || !ref) throw new TaskActionError(`Mã nhiệm vụ «${arg}» không đúng dạng KẾ_HOẠCH/SỐ_HIỆU[/ĐƠN_VỊ].`, `bad task id "${arg}"`);
  return unit ? unitWorkflowId(planId, ref, unit) : taskWorkflowId(planId, ref);
}

export type TaskView = { kind: 'unit'; view: UnitTaskView } | { kind: 'multi'; view: MultiUnitTaskView };

export async function showTask(client: Client, workflowId: string): Promise<TaskView> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const { type } = await handle.describe();
    if (type === 'multiUnitTaskWorkflow') {
      // Each unit's status from its own task, as its page shows it (the parent hears of changes later).
      const view = await handle.query(msg.getMultiUnitState);
      const units = await Promise.all(
        view.units.map(async (u) => {
          const child = await client.workflow
            .getHandle(u.workflowId)
            .query(msg.getTaskState)
            .catch(() => undefined);
          return child ? { ...u, status: child.status } : u;
        }),
      );
      return { kind: 'multi', view: { ...view, units, status: combinedStatus(units.map((u) => u.status)) } };
    }
    return { kind: 'unit', view: await handle.query(msg.getTaskState) };
  } catch (err) {
    throw asActionError(err, workflowId);
  }
}

/**
 * Takes an action of the table (client/actions.ts) on a unit task as a person. A task led by
 * several units is resolved to the acting person's unit (or `unit`, when given).
 */
export async function actOnTask<K extends Action>(
  client: Client,
  workflowId: string,
  action: K,
  args: ArgsOf<K>,
  opts: { unit?: string; updateId?: string } = {},
): Promise<UnitTaskView> {
  const spec = TASK_ACTIONS[action];
  // The shape only; what the state allows is the workflow's to say (domain/task-rules.ts).
  const input = spec.input.safeParse(args);
  if (!input.success) throw new TaskActionError('Thông tin gửi kèm thao tác không hợp lệ.', `${action}: ${input.error.message}`);
  const target = await unitTarget(client, workflowId, args.actor, opts.unit);
  try {
    const sent: ArgsOf<K> = { ...input.data, actor: args.actor };
    return await client.workflow.getHandle(target).executeUpdate(spec.update, { args: [sent], ...(opts.updateId ? { updateId: opts.updateId } : {}) });
  } catch (err) {
    throw asActionError(err, target);
  }
}

async function unitTarget(client: Client, workflowId: string, actor: string, unit?: string): Promise<string> {
  const shown = await showTask(client, workflowId);
  if (shown.kind === 'unit') return workflowId;
  const units = shown.view.units;
  if (unit) {
    const u = units.find((x) => x.unit === unit);
    if (!u) throw new TaskActionError(`Đơn vị ${unit} không chủ trì nhiệm vụ này.`, `unit ${unit} does not lead this task`);
    return u.workflowId;
  }
  // The acting person's own unit, when they belong to exactly one of the units.
  const mine: string[] = [];
  for (const u of units) {
    const v = await client.workflow.getHandle(u.workflowId).query(msg.getTaskState);
    if (v.chain.members.some((m) => m.id === actor) || v.chain.head.id === actor) mine.push(u.workflowId);
  }
  if (mine.length === 1) return mine[0]!;
  throw new TaskActionError(
    `Nhiệm vụ do nhiều đơn vị chủ trì (${units.map((u) => u.unit).join(', ')}); hãy ghi rõ đơn vị.`,
    'multi-unit task: name the unit',
  );
}

function asActionError(err: unknown, workflowId: string): Error {
  if (err instanceof TaskActionError) return err;
  if (err instanceof WorkflowNotFoundError) return new TaskActionError(`Không tìm thấy nhiệm vụ ${workflowId}.`, `workflow ${workflowId} not found`);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === msg.REFUSED) {
    return new TaskActionError(err.cause.message, String(err.cause.details?.[0] ?? err.cause.message));
  }
  const m = (err as Error).message ?? String(err);
  if (/not found/i.test(m)) return new TaskActionError(`Không tìm thấy nhiệm vụ ${workflowId}.`, m);
  return err as Error;
}
