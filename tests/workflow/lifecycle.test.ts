// Every transition of a unit task, driven through updates as a named person would.
import { describe, expect, it, type TestContext } from 'vitest';
import { actOnTask, showTask, TaskActionError } from '../../client/tasks.js';
import { businessDateOf, WorkingCalendar } from '../../domain/calendar.js';
import { taskWorkflowId, type UnitTaskView } from '../../domain/task.js';
import * as msg from '../../workflows/messages.js';
import { CALENDAR, eventually, startHarness, testPlan, type Harness, type HarnessOptions } from '../helpers/harness.js';

/** A harness of the test's own, stopped when the test ends (the tests run at the same time). */
async function harness(opts: HarnessOptions, onTestFinished: TestContext['onTestFinished']): Promise<Harness> {
  const h = await startHarness(opts);
  onTestFinished(() => h.stop());
  return h;
}

async function view(h: Harness, id: string): Promise<UnitTaskView> {
  return (await showTask(h.client, id)).view as UnitTaskView;
}

async function refused(p: Promise<unknown>): Promise<TaskActionError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TaskActionError);
  return err as TaskActionError;
}

async function startOne(h: Harness, task: Parameters<typeof testPlan>[0][number] = {}, extra: Parameters<typeof testPlan>[1] = {}) {
  const plan = await h.startPlan(testPlan([task], extra));
  return taskWorkflowId(plan.id, 'II.1.(1)');
}

// Each test has its own harness (worker, task queue, business clock): they run at the same time,
// which overlaps their waits for business time.
describe.concurrent('unit task lifecycle', () => {
  // First, before the others: these two must act within a few seconds of their harness being ready
  // (before the first or second business day ends), which a burst of harnesses starting at once, or
  // a loaded machine, could delay. Their office hours are long (1.6 and 3.2 s) and their nights short.
  describe.sequential('acting on the first business day', () => {
    it.concurrent('a progress report postpones the reminders inside the quiet interval', async ({ onTestFinished }) => {
      // The report must land by Tue 4/3: 3.6 s after the harness is ready (at a second a day, linear: 1.7 s).
      const h = await harness({ secondsPerDay: 4, offHoursSpeedup: 8 }, onTestFinished);
      // Reminders would fall on Tue 11/3 (3 days before) and Thu 13/3 (1 day before); a report on
      // Mon 3/3 keeps the assignee quiet for 7 working days, until Wed 12/3.
      const id = await startOne(
        h,
        { deadline: { kind: 'date', due: '2025-03-14', text: 'Ngày 14/3/2025' } },
        { policy: { reminders: { workingDaysBefore: [3, 1], dueMorning: false }, progressQuietWorkingDays: 7 } },
      );
      // On a loaded machine the report may land a day later; the quiet interval counts from the day it landed.
      const today = () => businessDateOf(h.clock.toBusiness(Date.now()));
      const before = today();
      const v = await actOnTask(h.client, id, 'reportProgress', { actor: 'hcth.cv1', percent: 30, note: 'đang làm' });
      const cal = new WorkingCalendar(CALENDAR);
      expect([cal.addWorkingDays(before, 7), cal.addWorkingDays(today(), 7)]).toContain(v.ladder.quietUntil);
      expect(v.ladder.quietUntil! <= '2025-03-13').toBe(true);
      const reminders = await eventually(async () => {
        const r = await h.outbox({ workflowId: id, kind: 'reminder' });
        return r.length >= 1 && r;
      }, 40_000, 'a reminder');
      expect(reminders[0]!.text).toContain('còn 1 ngày làm việc');
      expect(reminders).toHaveLength(1);
    });

    it.concurrent('an explanation request is reminded, escalated when unanswered, and closed by the answer', async ({ onTestFinished }) => {
      // Office hours at 8 s a day (3.2 s of office), nights 8 times faster: the request must land on
      // Mon 3/3, within 3.5 s of the harness being ready (at 4 s a day, 4 times faster: 1.9 s).
      const h = await harness({ secondsPerDay: 8, offHoursSpeedup: 8 }, onTestFinished);
      const id = await startOne(
        h,
        { deadline: { kind: 'date', due: '2025-03-28', text: 'Ngày 28/3/2025' } },
        { policy: { explanationWorkingDays: 1, reminders: { workingDaysBefore: [1], dueMorning: false } } },
      );
      const staff = await refused(actOnTask(h.client, id, 'requestExplanation', { actor: 'hcth.cv1', question: 'vì sao chậm?' }));
      expect(staff.message).toContain('không có quyền');
      let v = await actOnTask(h.client, id, 'requestExplanation', { actor: 'ld.giamdoc', question: 'vì sao chậm tiến độ?' });
      expect(v.explanation?.due).toBe('2025-03-04');
      await eventually(async () => (await h.outbox({ workflowId: id, kind: 'explanation_request', to: 'hcth.cv1' })).length === 1, 10_000, 'request');
      // Due Tue 4/3; unanswered on Wed 5/3 07:30 → level 1 to the unit head.
      const esc = await eventually(async () => (await h.outbox({ workflowId: id, kind: 'escalation', to: 'hcth.truong' }))[0], 30_000, 'explanation escalation');
      expect(esc.text).toContain('chưa giải trình');
      v = await actOnTask(h.client, id, 'answerExplanation', { actor: 'hcth.cv1', answer: 'chờ số liệu từ Công an tỉnh' });
      expect(v.explanation?.answer?.text).toBe('chờ số liệu từ Công an tỉnh');
      await eventually(async () => (await h.outbox({ workflowId: id, kind: 'decision', to: 'ld.giamdoc' })).length === 1, 10_000, 'answer to requester');
      const again = await refused(actOnTask(h.client, id, 'answerExplanation', { actor: 'hcth.cv1', answer: 'x' }));
      expect(again.message).toContain('Không có yêu cầu giải trình');
    });
  });

  it('acknowledge, progress, completion rejected then approved: done on time', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 30 }, onTestFinished);
    const id = await startOne(h, { deadline: { kind: 'date', due: '2025-03-20', text: 'Ngày 20/3/2025' } });

    let v = await actOnTask(h.client, id, 'acknowledge', { actor: 'hcth.cv2' });
    expect(v.assignee.id).toBe('hcth.cv2');
    expect(v.acknowledgedBy?.id).toBe('hcth.cv2');
    v = await actOnTask(h.client, id, 'reportProgress', { actor: 'hcth.cv2', percent: 60, note: 'đã xong phần rà soát' });
    expect(v.progress).toMatchObject({ percent: 60, note: 'đã xong phần rà soát' });
    v = await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.cv2', note: 'Đã hoàn thành', evidence: ['https://example.invalid/bien-ban.jpg'] });
    expect(v.status).toBe('awaiting_approval');
    expect(v.completion?.evidence).toEqual(['https://example.invalid/bien-ban.jpg']);
    await eventually(async () => (await h.outbox({ workflowId: id, kind: 'approval_request', to: 'hcth.truong' })).length === 1, 10_000, 'approval request');

    v = await actOnTask(h.client, id, 'rejectCompletion', { actor: 'hcth.truong', reason: 'thiếu số liệu' });
    expect(v.status).not.toBe('awaiting_approval');
    expect(v.phase).toBe('active');
    await eventually(async () => (await h.outbox({ workflowId: id, kind: 'decision', to: 'hcth.cv2' })).some((r) => r.text.includes('thiếu số liệu')), 10_000, 'rejection');

    await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.cv2', note: 'Bổ sung số liệu' });
    v = await actOnTask(h.client, id, 'approveCompletion', { actor: 'hcth.truong' });
    expect(v.status).toBe('done_on_time');
    expect(v.timeline.map((t) => t.kind)).toEqual(
      expect.arrayContaining(['started', 'acknowledged', 'progress', 'completion', 'rejected', 'approved']),
    );
    const result = await h.client.workflow.getHandle(id).result();
    expect(result.status).toBe('done_on_time');
  });

  it('refuses the wrong actor and the wrong state, and changes nothing', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 30 }, onTestFinished);
    const id = await startOne(h, { deadline: { kind: 'date', due: '2025-03-20', text: 'Ngày 20/3/2025' } });
    const before = await view(h, id);

    const outsider = await refused(actOnTask(h.client, id, 'acknowledge', { actor: 'tccb.cv1' }));
    expect(outsider.message).toContain('không thuộc đơn vị');
    const notAssignee = await refused(actOnTask(h.client, id, 'reportProgress', { actor: 'hcth.cv2', percent: 10, note: '' }));
    expect(notAssignee.message).toContain('không có quyền');
    const wrongState = await refused(actOnTask(h.client, id, 'approveCompletion', { actor: 'hcth.truong' }));
    expect(wrongState.message).toContain('nhiệm vụ đang thực hiện');
    const badPercent = await refused(actOnTask(h.client, id, 'reportProgress', { actor: 'hcth.cv1', percent: 140, note: '' }));
    expect(badPercent.message).toContain('từ 0 đến 100');
    const noDate = await refused(actOnTask(h.client, id, 'requestExtension', { actor: 'hcth.cv1', until: '2025-02-30', reason: 'bận' }));
    expect(noDate.message).toContain('không tồn tại');
    const earlier = await refused(actOnTask(h.client, id, 'requestExtension', { actor: 'hcth.cv1', until: '2025-03-10', reason: 'bận' }));
    expect(earlier.message).toContain('phải sau hạn hiện tại');
    const staffCancel = await refused(actOnTask(h.client, id, 'cancel', { actor: 'hcth.cv2', reason: 'không cần' }));
    expect(staffCancel.message).toContain('không có quyền');
    const noReason = await refused(actOnTask(h.client, id, 'cancel', { actor: 'ld.pgd1', reason: '  ' }));
    expect(noReason.message).toContain('lý do hủy');

    const after = await view(h, id);
    expect(after.timeline).toEqual(before.timeline);
    expect(after.assignee).toEqual(before.assignee);
    expect(after.notificationSeq).toBe(before.notificationSeq);
  });

  it('completing after the due date is approved as done late', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 1 }, onTestFinished);
    const id = await startOne(h, { deadline: { kind: 'date', due: '2025-03-03', text: 'Ngày 03/3/2025' } });
    await eventually(async () => (await view(h, id)).status === 'overdue', 10_000, 'overdue');
    await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.cv1', note: 'xong' });
    const v = await actOnTask(h.client, id, 'approveCompletion', { actor: 'ld.pgd1' });
    expect(v.status).toBe('done_late');
  });

  it('an approved extension moves the due date and re-plans every timer; a refused one keeps it', async ({ onTestFinished }) => {
    // Office hours at 8 s a day; nights pass 4 times faster. (At 4 s a loaded machine took longer
    // than a day between the request and its approval, and the old deadline escalated meanwhile.)
    const h = await harness({ secondsPerDay: 8, offHoursSpeedup: 4 }, onTestFinished);
    const id = await startOne(h, { deadline: { kind: 'date', due: '2025-03-04', text: 'Ngày 04/3/2025' } });
    await actOnTask(h.client, id, 'requestExtension', { actor: 'hcth.cv1', until: '14/03/2025'.split('/').reverse().join('-'), reason: 'chờ số liệu' });
    await eventually(async () => (await h.outbox({ workflowId: id, kind: 'extension_request', to: 'hcth.truong' })).length === 1, 10_000, 'extension request');
    const dup = await refused(actOnTask(h.client, id, 'requestExtension', { actor: 'hcth.cv1', until: '2025-03-20', reason: 'x' }));
    expect(dup.message).toContain('đang chờ');
    let v = await actOnTask(h.client, id, 'decideExtension', { actor: 'hcth.truong', approve: true });
    expect(v.due).toBe('2025-03-14');
    expect(v.originalDue).toBe('2025-03-04');
    // The old deadline would have escalated on Wed 5/3 07:30 (about 8 s in): nothing must come by
    // three seconds after it (a quarter of a working day).
    const oldEscalation = h.clock.toReal(new WorkingCalendar(CALENDAR).officeStart('2025-03-05'));
    await eventually(() => Date.now() > oldEscalation + 3000, 30_000, 'the old escalation time to pass');
    expect(await h.outbox({ workflowId: id, kind: 'escalation' })).toHaveLength(0);
    v = await view(h, id);
    expect(v.status).toBe('due_soon');

    await actOnTask(h.client, id, 'requestExtension', { actor: 'hcth.cv1', until: '2025-03-31', reason: 'thêm việc' });
    v = await actOnTask(h.client, id, 'decideExtension', { actor: 'ld.pgd1', approve: false, reason: 'không đủ căn cứ' });
    expect(v.due).toBe('2025-03-14');
    expect(v.extensionRequest).toBeUndefined();
  });

  it('reassigns within the unit, and to another unit only by leadership', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 30 }, onTestFinished);
    const id = await startOne(h, { deadline: { kind: 'date', due: '2025-03-20', text: 'Ngày 20/3/2025' } });
    const staff = await refused(actOnTask(h.client, id, 'reassign', { actor: 'hcth.cv2', to: 'hcth.cv2' }));
    expect(staff.message).toContain('không có quyền');
    let v = await actOnTask(h.client, id, 'reassign', { actor: 'hcth.truong', to: 'hcth.cv2' });
    expect(v.assignee.id).toBe('hcth.cv2');
    const headAcross = await refused(actOnTask(h.client, id, 'reassign', { actor: 'hcth.truong', to: 'tccb.cv2', unit: 'TCCB' }));
    expect(headAcross.message).toContain('đơn vị khác');
    const notMember = await refused(actOnTask(h.client, id, 'reassign', { actor: 'ld.giamdoc', to: 'hcth.cv1', unit: 'TCCB' }));
    expect(notMember.message).toContain('Phòng Tổ chức cán bộ');
    v = await actOnTask(h.client, id, 'reassign', { actor: 'ld.giamdoc', to: 'tccb.cv2', unit: 'TCCB' });
    expect(v.unit.code).toBe('TCCB');
    expect(v.chain.head.id).toBe('tccb.truong');
    await eventually(async () => (await h.outbox({ workflowId: id, kind: 'assigned' })).length === 2, 10_000, 'assignment notices');
    expect((await h.outbox({ workflowId: id, kind: 'assigned' })).map((r) => r.to.id)).toEqual(['hcth.cv2', 'tccb.cv2']);
  });

  it('a task of several units: each unit shows its own status, also after it was moved to another unit', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 30 }, onTestFinished);
    const plan = await h.startPlan(testPlan([{ lead: ['HCTH', 'CCHC'], deadline: { kind: 'date', due: '2025-03-20', text: 'Ngày 20/3/2025' } }]));
    const parent = taskWorkflowId(plan.id, 'II.1.(1)');
    const multi = async () => {
      const shown = await showTask(h.client, parent);
      if (shown.kind !== 'multi') throw new Error('expected a task of several units');
      return shown.view;
    };
    const children = await eventually(async () => (await multi().catch(() => undefined))?.units.length === 2 && (await multi()).units, 20_000, 'the units');
    const hcth = children.find((u) => u.unit === 'HCTH')!.workflowId;
    // Leadership moves the HCTH share to TCCB; then its status changes (a completion awaits approval).
    await eventually(() => view(h, hcth).catch(() => undefined), 20_000, 'the HCTH share to start');
    await actOnTask(h.client, hcth, 'reassign', { actor: 'ld.giamdoc', to: 'tccb.cv2', unit: 'TCCB' });
    await actOnTask(h.client, hcth, 'reportCompletion', { actor: 'tccb.cv2', note: 'xong' });
    // The parent hears of it (by the child's id, not its old unit code) …
    const heard = await eventually(async () => {
      const raw = await h.client.workflow.getHandle(parent).query(msg.getMultiUnitState);
      return raw.units.find((u) => u.workflowId === hcth)?.status === 'awaiting_approval' && raw;
    }, 20_000, 'the parent to hear of the moved share');
    expect(heard.units.find((u) => u.workflowId === hcth)?.status).toBe('awaiting_approval');
    // … and the page reads each share's own status whatever the parent last heard.
    await h.client.workflow.getHandle(parent).signal(msg.unitStatusChanged, { unit: 'HCTH', workflowId: hcth, status: 'not_due' });
    expect((await multi()).units.find((u) => u.workflowId === hcth)?.status).toBe('awaiting_approval');
  });

  it('cancels with a reason, and the workflow ends as cancelled', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 30 }, onTestFinished);
    const id = await startOne(h);
    const v = await actOnTask(h.client, id, 'cancel', { actor: 'ld.pgd1', reason: 'nhiệm vụ đã được thay thế' });
    expect(v.status).toBe('cancelled');
    expect((await h.client.workflow.getHandle(id).result()).status).toBe('cancelled');
  });

  it('an event-triggered task waits for activation with a due date', async ({ onTestFinished }) => {
    const h = await harness({ secondsPerDay: 30 }, onTestFinished);
    const id = await startOne(h, { deadline: { kind: 'event', text: 'Khi có văn bản hướng dẫn của Trung ương' } });
    let v = await view(h, id);
    expect(v.status).toBe('awaiting_activation');
    const staff = await refused(actOnTask(h.client, id, 'activate', { actor: 'hcth.cv2', due: '2025-04-30' }));
    expect(staff.message).toContain('không có quyền');
    const bad = await refused(actOnTask(h.client, id, 'activate', { actor: 'hcth.cv1', due: '2025-04-31' }));
    expect(bad.message).toContain('không tồn tại');
    v = await actOnTask(h.client, id, 'activate', { actor: 'hcth.cv1', due: '2025-04-30' });
    expect(v.due).toBe('2025-04-30');
    await eventually(async () => (await view(h, id)).status === 'not_due', 10_000, 'active');
  });
});
