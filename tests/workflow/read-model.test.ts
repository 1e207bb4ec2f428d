// The task read model against the workflows themselves: after actions, timers, a worker killed
// while a row could not be written, and a rebuild, every row says what its workflow says.
import { Client, Connection } from '@temporalio/client';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readModelDrift, rebuildReadModel, rowDiffers } from '../../client/read-model.js';
import { startPlan } from '../../client/plans.js';
import { actOnTask, showTask } from '../../client/tasks.js';
import { planSchema } from '../../domain/plan.js';
import { STARTER_ROW_VERSION, taskRecordOf, type TaskRecord } from '../../domain/task-record.js';
import { taskWorkflowId, unitWorkflowId } from '../../domain/task.js';
import { SqliteStore } from '../../store/sqlite.js';
import { eventually, ORG, testPlan } from '../helpers/harness.js';
import { kill, killAll, startWorkerProcess, workerEnv } from '../helpers/worker-processes.js';

afterEach(killAll);

/** Every unit task's row as its workflow would write it now, and the stored row beside it. */
async function compare(client: Client, store: SqliteStore, ids: string[]): Promise<{ id: string; fields: string[] }[]> {
  const out: { id: string; fields: string[] }[] = [];
  for (const id of ids) {
    const shown = await showTask(client, id);
    if (shown.kind !== 'unit') throw new Error(`${id} is not a unit task`);
    const fresh = taskRecordOf(shown.view, Date.now(), 0);
    const row = await store.taskGet(id);
    const fields = row ? rowDiffers(row, fresh) : ['(no row)'];
    if (row && JSON.stringify(row.report) !== JSON.stringify(fresh.report)) fields.push('report');
    if (fields.length) out.push({ id, fields });
  }
  return out;
}

describe('the task read model', () => {
  it('equals the workflows after actions, timers, a worker killed before a row could be written, and a rebuild', async () => {
    const address = inject('temporalAddress');
    const client = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
    const storeFile = join(mkdtempSync(join(tmpdir(), 'de-an-06-read-model-')), 'state.sqlite');
    const taskQueue = `read-model-${process.pid}-${Date.now()}`;
    const env = workerEnv(address, taskQueue, storeFile);
    let worker = await startWorkerProcess(env);
    const store = new SqliteStore(storeFile);
    const plan = planSchema.parse(
      testPlan(
        [
          // Overdue two business days in: reminded, then escalated by its timers.
          { deadline: { kind: 'date', due: '2025-03-05', text: 'Ngày 05/3/2025' } },
          { deadline: { kind: 'date', due: '2025-12-30', text: 'Ngày 30/12/2025' } },
          { deadline: { kind: 'date', due: '2025-12-30', text: 'Ngày 30/12/2025' } },
          { deadline: { kind: 'event', text: 'Khi có văn bản hướng dẫn của Bộ Công an' } },
          { lead: ['HCTH', 'TTRA'], deadline: { kind: 'date', due: '2025-11-28', text: 'Ngày 28/11/2025' } },
          { deadline: { kind: 'date', due: '2025-10-15', text: 'Ngày 15/10/2025' } },
        ],
        { policy: { escalation: { stepWorkingDays: 1, repeatCap: 1 } } },
      ),
    );
    await startPlan(client, store, ORG, plan, taskQueue);
    const ref = (n: number) => `II.1.(${n})`;
    const ids = [1, 2, 3, 4, 6].map((n) => taskWorkflowId(plan.id, ref(n))).concat(['HCTH', 'TTRA'].map((u) => unitWorkflowId(plan.id, ref(5), u)));
    await eventually(async () => (await store.taskFind({ planId: plan.id })).length === ids.length, 30_000, 'a row for every unit task');

    // Actions: one task done and approved, one cancelled, one reassigned, one unit's share acknowledged.
    const [overdueId, doneId, cancelledId, , reassignedId, hcthShare] = ids;
    await actOnTask(client, doneId!, 'reportCompletion', { actor: 'hcth.cv1', note: 'Đã rà soát xong 120 hồ sơ.' });
    await actOnTask(client, doneId!, 'approveCompletion', { actor: 'hcth.truong' });
    await actOnTask(client, cancelledId!, 'cancel', { actor: 'ld.giamdoc', reason: 'Trùng với kế hoạch của UBND tỉnh.' });
    await actOnTask(client, reassignedId!, 'reassign', { actor: 'hcth.truong', to: 'hcth.cv2' });
    await actOnTask(client, hcthShare!, 'acknowledge', { actor: 'hcth.cv1' });
    // An update answers once its workflow task is complete, and the row is written within it.
    expect(await store.taskGet(doneId!)).toMatchObject({ status: 'done_on_time', running: false, report: { result: 'Hoàn thành: Đã rà soát xong 120 hồ sơ.' } });
    expect(await store.taskGet(reassignedId!)).toMatchObject({ assignee: 'hcth.cv2' });
    // A change that leaves the status as it was still reaches the row: what a report says of the task.
    await actOnTask(client, reassignedId!, 'reportProgress', { actor: 'hcth.cv2', percent: 30, note: 'Đã rà soát 3/10 xã' });
    expect(await store.taskGet(reassignedId!)).toMatchObject({ status: 'not_due', report: { result: 'Đạt 30%: Đã rà soát 3/10 xã' } });

    // A change whose row cannot be written (the store locked by another process), and the worker
    // killed before the write could be retried: the next worker writes it.
    const lock = new Database(storeFile);
    lock.exec('BEGIN IMMEDIATE');
    const progress = actOnTask(client, overdueId!, 'reportProgress', { actor: 'hcth.cv1', percent: 40, note: 'Đang tổng hợp số liệu' });
    progress.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2500));
    await kill(worker);
    lock.exec('ROLLBACK');
    lock.close();
    expect((await store.taskGet(overdueId!))?.report.result).not.toContain('Đạt 40%');
    worker = await startWorkerProcess(env);
    await progress;
    await eventually(async () => (await store.taskGet(overdueId!))?.report.result === 'Đạt 40%: Đang tổng hợp số liệu', 60_000, 'the progress written by the next worker');

    // Timers: the first task goes overdue and escalates with no action.
    await eventually(async () => ((await store.taskGet(overdueId!))?.escalationLevel ?? 0) >= 2, 60_000, 'the overdue task escalated twice');
    const statuses = Object.fromEntries((await store.taskFind({ planId: plan.id }, { order: 'ref' })).map((r) => [r.workflowId, r.status]));
    expect(statuses).toMatchObject({ [overdueId!]: 'overdue', [doneId!]: 'done_on_time', [cancelledId!]: 'cancelled', [ids[3]!]: 'awaiting_activation' });
    await eventually(async () => (await compare(client, store, ids)).length === 0, 30_000, 'every row equal to its workflow', () => compare(client, store, ids));
    // Tasks nobody touched whose status never changed (the event task waiting, the TTRA share not
    // yet due) still hold the row their start wrote: their workflows wrote none, and it is right.
    for (const untouched of [ids[3]!, ids[6]!]) expect((await store.taskGet(untouched))?.version, untouched).toBe(STARTER_ROW_VERSION);

    // A rebuild: a row lost, a row damaged (same version, other content), a row of no workflow.
    const damaged = (await store.taskGet(reassignedId!))!;
    await store.taskRemove(doneId!);
    await store.taskRemove(reassignedId!);
    await store.taskPut({ ...damaged, status: 'overdue', assignee: 'ttra.tv1' });
    const stray: TaskRecord = { ...damaged, workflowId: `plan/${plan.id}/task/IX.9`, ref: 'IX.9' };
    await store.taskPut(stray);
    await eventually(async () => (await readModelDrift(client, store)).drift.some((d) => d.kind === 'extra'), 30_000, 'the drift seen');
    const drift = (await readModelDrift(client, store)).drift.filter((d) => d.workflowId.includes(plan.id));
    expect(drift).toEqual(
      expect.arrayContaining([
        { workflowId: doneId, ref: ref(2), kind: 'missing' },
        { workflowId: reassignedId, ref: ref(6), kind: 'differs', fields: ['assignee', 'status'] },
        { workflowId: stray.workflowId, ref: 'IX.9', kind: 'extra' },
      ]),
    );
    const rebuilt = await rebuildReadModel(client, store);
    expect(rebuilt.failed).toEqual([]);
    expect(rebuilt.written).toBeGreaterThanOrEqual(2);
    expect(rebuilt.removed).toBeGreaterThanOrEqual(1);
    expect(await store.taskGet(stray.workflowId)).toBeUndefined();
    expect(await compare(client, store, ids)).toEqual([]);
    expect((await readModelDrift(client, store)).drift.filter((d) => d.workflowId.includes(plan.id))).toEqual([]);

    await kill(worker);
    await store.close();
  });
});
