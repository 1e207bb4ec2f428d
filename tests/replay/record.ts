// Records histories of the task workflows for the replay test: `npm run record-histories`.
// Run it when a workflow change is *meant* to be incompatible (and then version it instead), or to add scenarios.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actOnTask } from '../../client/tasks.js';
import { addDays, businessDateOf } from '../../domain/calendar.js';
import type { Delivery, Notification } from '../../domain/notification.js';
import { planSchema } from '../../domain/plan.js';
import { taskWorkflowId, unitWorkflowId } from '../../domain/task.js';
import { startDevServer } from '../../runtime/dev-server.js';
import { ensureTemporalCli } from '../../runtime/temporal-cli.js';
import { reportWorkflow } from '../../workflows/index.js';
import * as msg from '../../workflows/messages.js';
import { writeWorkflowBundle } from '../../worker/worker.js';
import { createHarness, eventually, testPlan, type Harness } from '../helpers/harness-core.js';

const OUT = 'tests/replay/histories';
const dir = mkdtempSync(join(tmpdir(), 'record-'));
const cli = await ensureTemporalCli();
const server = await startDevServer({ cli, dbFile: join(dir, 't.sqlite'), port: 7399, uiPort: 0, namespace: 'default' });
const bundlePath = join(dir, 'bundle.js');
await writeWorkflowBundle(bundlePath);
const target = { address: server.address, bundlePath };

// The CLI writes the standard proto3 JSON that `historyFromJSON` reads back.
async function save(_h: Harness, name: string, workflowId: string, runId?: string): Promise<void> {
  const args = ['workflow', 'show', '--address', server.address, '--workflow-id', workflowId, '--output', 'json'];
  if (runId) args.push('--run-id', runId);
  const json = execFileSync(cli, args, { maxBuffer: 64 * 1024 * 1024 }).toString();
  writeFileSync(join(OUT, `${name}.json`), json);
  console.log(`recorded ${name} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)`);
}

// `npm run record-histories -- NAME…` records only those scenarios (keep the old histories of the others).
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);

// 1. A full ladder: reminders, three levels of escalation, one repeat at the top. `ladder` was
// recorded before the start carried the search attributes (patch lean-first-task), `ladder-lean-start` after.
for (const name of ['ladder', 'ladder-lean-start'].filter(wanted)) {
  const h = await createHarness(target, { secondsPerDay: 1 });
  const plan = await h.startPlan(testPlan([{}], { policy: { escalation: { stepWorkingDays: 1, repeatCap: 1 } } }));
  const id = taskWorkflowId(plan.id, 'II.1.(1)');
  await eventually(async () => (await h.outbox({ workflowId: id, kind: 'escalation' })).length === 4, 60_000);
  await save(h, name, id);
  await h.stop();
}

// 2. Every person-driven transition on one task, ending approved.
if (wanted('lifecycle')) {
  const h = await createHarness(target, { secondsPerDay: 30 });
  const plan = await h.startPlan(testPlan([{ deadline: { kind: 'date', due: '2025-03-20', text: 'Ngày 20/3/2025' } }]));
  const id = taskWorkflowId(plan.id, 'II.1.(1)');
  const c = h.client;
  await actOnTask(c, id, 'acknowledge', { actor: 'hcth.cv1' });
  await actOnTask(c, id, 'reportProgress', { actor: 'hcth.cv1', percent: 40, note: 'đang rà soát' });
  await actOnTask(c, id, 'requestExtension', { actor: 'hcth.cv1', until: '2025-03-28', reason: 'chờ số liệu' });
  await actOnTask(c, id, 'decideExtension', { actor: 'hcth.truong', approve: true });
  await actOnTask(c, id, 'requestExplanation', { actor: 'ld.giamdoc', question: 'vì sao xin gia hạn?' });
  await actOnTask(c, id, 'answerExplanation', { actor: 'hcth.cv1', answer: 'chờ Công an tỉnh' });
  await actOnTask(c, id, 'reassign', { actor: 'hcth.truong', to: 'hcth.cv2' });
  await actOnTask(c, id, 'reportCompletion', { actor: 'hcth.cv2', note: 'xong' });
  await actOnTask(c, id, 'rejectCompletion', { actor: 'hcth.truong', reason: 'thiếu biên bản' });
  await actOnTask(c, id, 'reportCompletion', { actor: 'hcth.cv2', note: 'đã bổ sung' });
  await actOnTask(c, id, 'approveCompletion', { actor: 'hcth.truong' });
  await c.workflow.getHandle(id).result();
  await save(h, 'lifecycle', id);
  await h.stop();
}

// 3. A task led by two units (parent and one child), and an event task activated then cancelled.
if (wanted('multi-unit')) {
  const h = await createHarness(target, { secondsPerDay: 30 });
  const plan = await h.startPlan(testPlan([{ lead: ['HCTH', 'TCCB'] }, { deadline: { kind: 'event', text: 'Khi có hướng dẫn' } }]));
  const multi = taskWorkflowId(plan.id, 'II.1.(1)');
  for (const [staff, head] of [['hcth.cv1', 'hcth.truong'], ['tccb.cv1', 'tccb.truong']] as const) {
    await eventually(async () => (await h.client.workflow.getHandle(multi).query(msg.getMultiUnitState)).units.length === 2);
    await actOnTask(h.client, multi, 'reportCompletion', { actor: staff, note: 'xong' });
    await actOnTask(h.client, multi, 'approveCompletion', { actor: head });
  }
  await h.client.workflow.getHandle(multi).result();
  await save(h, 'multi-unit-parent', multi);
  await save(h, 'multi-unit-child', unitWorkflowId(plan.id, 'II.1.(1)', 'HCTH'));
  const event = taskWorkflowId(plan.id, 'II.1.(2)');
  await actOnTask(h.client, event, 'activate', { actor: 'hcth.cv1', due: '2025-04-30' });
  await actOnTask(h.client, event, 'cancel', { actor: 'ld.pgd1', reason: 'không còn cần thiết' });
  await h.client.workflow.getHandle(event).result();
  await save(h, 'event-cancel', event);
  await h.stop();
}

// 4. A recurring task across continue-as-new: the first run and the last.
if (wanted('recurring')) {
  const h = await createHarness(target, { secondsPerDay: 0.25 });
  const plan = planSchema.parse(
    testPlan([{ deadline: { kind: 'recurring', cycle: 'monthly', text: 'Trước ngày 10 hằng tháng' } }], { endDate: '2025-04-30' }),
  );
  const handle = await h.startRecurringTask(plan, 1);
  const id = handle.workflowId;
  await eventually(async () => (await handle.query(msg.getTaskState)).cycle?.key === '2025-03');
  await actOnTask(h.client, id, 'reportProgress', { actor: 'hcth.cv1', percent: 100, note: 'báo cáo tháng 3' });
  await handle.result();
  await save(h, 'recurring-first-run', id, handle.firstExecutionRunId);
  await save(h, 'recurring-last-run', id);
  await h.stop();
}

// 5. A report built on demand.
if (wanted('report')) {
  const h = await createHarness(target, { secondsPerDay: 30 });
  const plan = await h.startPlan(
    testPlan([{}, { lead: ['HCTH', 'TCCB'] }], { reporting: { owner: 'HCTH', cycles: [{ cycle: 'monthly', text: 'hằng tháng' }] } }),
  );
  await eventually(async () => (await h.client.workflow.getHandle(taskWorkflowId(plan.id, 'II.1.(2)')).query(msg.getMultiUnitState)).units.length === 2);
  const handle = await h.client.workflow.start(reportWorkflow, { workflowId: `report/${plan.id}/2025-03`, taskQueue: h.taskQueue, args: [{ planId: plan.id, period: '2025-03' }] });
  await handle.result();
  await save(h, 'report', handle.workflowId);
  await h.stop();
}

// 6. Evidence from Zalo, and a notification the channel could only deliver to the next one up.
if (wanted('evidence-delivery')) {
  const forwarding = {
    async send(n: Notification): Promise<Delivery> {
      return n.fallback ? { delivered: true, to: n.fallback, insteadOf: { person: n.to, reason: 'chưa quan tâm Zalo OA' } } : { delivered: true, to: n.to };
    },
  };
  const h = await createHarness(target, { secondsPerDay: 30, notifier: () => forwarding });
  const plan = await h.startPlan(testPlan([{ assignee: 'hcth.cv2', deadline: { kind: 'date', due: '2025-03-28', text: 'Ngày 28/3/2025' } }]));
  const id = taskWorkflowId(plan.id, 'II.1.(1)');
  await eventually(() => h.client.workflow.getHandle(id).query(msg.getTaskState).catch(() => undefined));
  await actOnTask(h.client, id, 'attachEvidence', { actor: 'hcth.cv2', kind: 'image', url: 'https://example.vn/anh.jpg', name: 'Biên bản' });
  await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.cv2', note: 'xong' });
  await eventually(async () => (await h.client.workflow.getHandle(id).query(msg.getTaskState)).timeline.some((e) => e.kind === 'delivery'));
  await actOnTask(h.client, id, 'approveCompletion', { actor: 'hcth.truong' });
  await h.client.workflow.getHandle(id).result();
  await save(h, 'evidence-delivery', id);
  await h.stop();
}

// 7. A task whose start wrote its first row (rowByStarter), far from due: its first workflow task
// plans the deadline and writes nothing; acknowledged (which the row does not show), then cancelled (which it does).
if (wanted('starter-row')) {
  const h = await createHarness(target, { secondsPerDay: 30 });
  const far = addDays(businessDateOf(h.clock.toBusiness(Date.now())), 120);
  const plan = await h.startPlan(testPlan([{ deadline: { kind: 'date', due: far, text: `Ngày ${far}` } }]));
  const id = taskWorkflowId(plan.id, 'II.1.(1)');
  await eventually(async () => (await h.client.workflow.getHandle(id).query(msg.getTaskState).catch(() => undefined))?.dueAt !== undefined);
  await actOnTask(h.client, id, 'acknowledge', { actor: 'hcth.cv1' });
  await actOnTask(h.client, id, 'cancel', { actor: 'ld.giamdoc', reason: 'ghi lại lịch sử' });
  await h.client.workflow.getHandle(id).result();
  await save(h, 'starter-row', id);
  await h.stop();
}

await server.stop();
process.exit(0);
