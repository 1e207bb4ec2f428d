// Plans as a whole: idempotent start, tasks led by several units, recurring and phased deadlines.
import { describe, expect, it, type TestContext } from 'vitest';
import { startPlan } from '../../client/plans.js';
import { actOnTask, showTask } from '../../client/tasks.js';
import { planSchema } from '../../domain/plan.js';
import { taskWorkflowId, unitWorkflowId, type MultiUnitTaskView } from '../../domain/task.js';
import * as msg from '../../workflows/messages.js';
import { eventually, ORG, startHarness, testPlan, type Harness, type HarnessOptions } from '../helpers/harness.js';

/** A harness of the test's own, stopped when the test ends (the tests run at the same time). */
async function harness(opts: HarnessOptions, onTestFinished: TestContext['onTestFinished']): Promise<Harness> {
  const h = await startHarness(opts);
  onTestFinished(() => h.stop());
  return h;
}

// Each test has its own harness (worker, task queue, business clock): they run at the same time.
describe.concurrent('plans', () => {
  it('starting the same plan twice starts nothing new', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 30 }, onTestFinished);
    const plan = planSchema.parse(testPlan([{}, { lead: ['HCTH', 'TCCB'] }, { deadline: { kind: 'event', text: 'Khi có hướng dẫn' } }]));
    const first = await startPlan(h.client, h.store, ORG, plan, h.taskQueue);
    const second = await startPlan(h.client, h.store, ORG, plan, h.taskQueue);
    expect(first).toMatchObject({ started: 3, existing: 0 });
    expect(second).toMatchObject({ started: 0, existing: 3 });
    expect((await h.store.planList()).map((p) => p.id)).toEqual([plan.id]);
  });

  it('a task led by several units runs one child per unit and is done when all are', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 30 }, onTestFinished);
    const plan = await h.startPlan(testPlan([{ lead: ['HCTH', 'TCCB'], deadline: { kind: 'date', due: '2025-03-20', text: 'Ngày 20/3/2025' } }]));
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    const multi = await eventually(async () => {
      const v = (await showTask(h.client, id)).view as MultiUnitTaskView;
      return v.units.length === 2 && v;
    }, 10_000, 'children');
    expect(multi.units.map((u) => u.workflowId)).toEqual([unitWorkflowId(plan.id, 'II.1.(1)', 'HCTH'), unitWorkflowId(plan.id, 'II.1.(1)', 'TCCB')]);

    // Acting on the task resolves to the acting person's own unit.
    await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.cv1', note: 'xong phần HCTH' });
    await actOnTask(h.client, id, 'approveCompletion', { actor: 'hcth.truong' });
    const partly = await eventually(async () => {
      const v = (await showTask(h.client, id)).view as MultiUnitTaskView;
      return v.units.find((u) => u.unit === 'HCTH')?.status === 'done_on_time' && v;
    }, 10_000, 'HCTH done');
    expect(partly.status).not.toBe('done_on_time');

    await actOnTask(h.client, id, 'reportCompletion', { actor: 'tccb.cv1', note: 'xong phần TCCB' });
    await actOnTask(h.client, id, 'approveCompletion', { actor: 'tccb.truong' });
    expect(await h.client.workflow.getHandle(id).result()).toEqual({ status: 'done_on_time' });
  });

  it('a phased deadline moves from one milestone to the next', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 30 }, onTestFinished);
    const plan = await h.startPlan(
      testPlan([
        {
          deadline: {
            kind: 'phased',
            phases: [
              { label: 'cấp tỉnh', due: '2025-03-20' },
              { label: 'cấp huyện', due: '2025-03-31' },
            ],
            text: 'cấp tỉnh từ ngày 20/3/2025; cấp huyện từ ngày 31/3/2025',
          },
        },
      ]),
    );
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.cv1', note: 'xong cấp tỉnh' });
    let v = await actOnTask(h.client, id, 'approveCompletion', { actor: 'hcth.truong' });
    expect(v.due).toBe('2025-03-31');
    expect(v.phase).toBe('active');
    await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.cv1', note: 'xong cấp huyện' });
    v = await actOnTask(h.client, id, 'approveCompletion', { actor: 'hcth.truong' });
    expect(v.status).toBe('done_on_time');
  });

  it('a recurring task checks in each cycle, escalates a missed one, and lives on through continue-as-new', async ({ onTestFinished }) => {
    // Office hours at a second a day, nights and weekends 8 times faster: March's check-in (due
    // 10/3) is 3 s away, the whole run (to 30/4) about 20 s.
    const h = await harness({ secondsPerDay: 1, offHoursSpeedup: 8 }, onTestFinished);
    const plan = planSchema.parse(
      testPlan([{ deadline: { kind: 'recurring', cycle: 'monthly', text: 'Trước ngày 10 hằng tháng' } }], {
        endDate: '2025-04-30',
        policy: { escalation: { stepWorkingDays: 3, repeatCap: 0 } },
      }),
    );
    const handle = await h.startRecurringTask(plan, 1);
    const id = handle.workflowId;
    const march = await eventually(async () => {
      const v = await handle.query(msg.getTaskState);
      return v.cycle?.key === '2025-03' && v;
    }, 10_000, 'first cycle');
    expect(march.due).toBe('2025-03-10');
    await actOnTask(h.client, id, 'reportProgress', { actor: 'hcth.cv1', percent: 100, note: 'báo cáo tháng 3' });

    expect(await handle.result()).toEqual({ status: 'done_late' });
    const desc = await handle.describe();
    expect(desc.runId).not.toBe(handle.firstExecutionRunId);
    const final = await h.client.workflow.getHandle(id).query(msg.getTaskState);
    const kinds = final.timeline.map((t) => `${t.kind}: ${t.text}`).join('\n');
    expect(kinds).toContain('Đã nhận báo cáo tháng 03/2025');
    expect(kinds).toContain('Bắt đầu kỳ tháng 04/2025');
    expect(kinds).toContain('Kết thúc kỳ tháng 04/2025: không có báo cáo.');
    const escalations = await h.outbox({ workflowId: id, kind: 'escalation' });
    expect(escalations.map((e) => e.to.id)).toEqual(['hcth.truong', 'ld.pgd1', 'ld.giamdoc']);
    expect((await h.outbox({ workflowId: id, kind: 'check_in' })).every((r) => r.text.includes('tháng 04/2025'))).toBe(true);
  });
});
