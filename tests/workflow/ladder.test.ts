// Reminders before the due date and escalation up the chain after it, on the real dev server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planTasks } from '../../client/visibility.js';
import { showTask } from '../../client/tasks.js';
import { WorkingCalendar } from '../../domain/calendar.js';
import { taskWorkflowId, type UnitTaskView } from '../../domain/task.js';
import { CALENDAR, eventually, startHarness, testPlan, type Harness } from '../helpers/harness.js';

describe('reminder and escalation ladder', () => {
  let h: Harness;
  beforeAll(async () => {
    // Office hours at 2 s a day; nights and weekends, when nothing is due, pass 10 times faster.
    h = await startHarness({ secondsPerDay: 2, offHoursSpeedup: 10 });
  });
  afterAll(() => h?.stop());

  it('reminds the assignee, then escalates head → Phó Giám đốc → Giám đốc, repeating up to the cap', async () => {
    const plan = await h.startPlan(
      // Reminded Thu 6/3 and Fri 7/3 (about 3 s and 4 s in), escalated from Mon 10/3 after the weekend.
      testPlan([{ deadline: { kind: 'date', due: '2025-03-07', text: 'Ngày 07/3/2025' } }], {
        policy: { reminders: { workingDaysBefore: [1] }, escalation: { stepWorkingDays: 1, repeatCap: 1 } },
      }),
    );
    const id = taskWorkflowId(plan.id, 'II.1.(1)');

    const rows = await eventually(async () => {
      const r = (await h.outbox({ workflowId: id })).filter((x) => x.kind !== 'overdue');
      return r.length >= 6 && r;
    }, 60_000, 'six reminders and escalations');
    expect(rows.map((r) => [r.kind, r.to.id])).toEqual([
      ['reminder', 'hcth.cv1'],
      ['reminder', 'hcth.cv1'],
      ['escalation', 'hcth.truong'],
      ['escalation', 'ld.pgd1'],
      ['escalation', 'ld.giamdoc'],
      ['escalation', 'ld.giamdoc'],
    ]);
    expect(rows[0]!.text).toContain('còn 1 ngày làm việc');
    expect(rows[1]!.text).toContain('đến hạn hôm nay');
    expect(rows[5]!.text).toContain('Nhắc lại lần 1');
    // Every escalation also re-reminds the assignee.
    expect((await h.outbox({ workflowId: id, kind: 'overdue' })).map((r) => r.to.id)).toEqual(['hcth.cv1', 'hcth.cv1', 'hcth.cv1', 'hcth.cv1']);
    const keys = (await h.outbox({ workflowId: id })).map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);

    const shown = await showTask(h.client, id);
    const view = shown.view as UnitTaskView;
    expect(view.status).toBe('overdue');
    expect(view.escalationLevel).toBe(3);
    expect(view.timeline.map((t) => t.text).join('\n')).toContain('Quá hạn: báo cáo cấp 2');

    // The cap holds: nothing more after two further working days (a second after the office opening
    // that would have brought the next repeat, for the worker to have acted on it).
    const cal = new WorkingCalendar(CALENDAR);
    const twoDaysOn = h.clock.toReal(cal.officeStart(cal.addWorkingDays('2025-03-13', 2)));
    await eventually(() => Date.now() > twoDaysOn + 1000, 30_000, 'two further working days');
    expect(await h.outbox({ workflowId: id, kind: 'escalation' })).toHaveLength(4);

    // "Every overdue task of Phòng HCTH" is one visibility query.
    const overdue = await eventually(async () => {
      const r = await planTasks(h.client, plan.id, `TaskStatus = 'overdue' AND TaskUnit = 'HCTH' AND EscalationLevel = 3`);
      return r.length === 1 && r;
    }, 15_000, 'visibility');
    expect(overdue[0]).toMatchObject({ ref: 'II.1.(1)', unit: 'HCTH', assignee: 'hcth.cv1', due: '2025-03-07', escalationLevel: 3 });
  });
});
