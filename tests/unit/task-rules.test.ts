// The rules of a unit's task without a server: who may do what in which phase, and what each
// action and each wake-up changes, sends and asks to re-plan.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../domain/authz.js';
import { chainFor, parseOrg, personRef } from '../../domain/org.js';
import type { Deadline } from '../../domain/plan.js';
import { DEFAULT_POLICY, type Policy } from '../../domain/policy.js';
import type { Phase, TaskSpec, UnitTaskState } from '../../domain/task.js';
import { check, initialState, reassignRefusal, statusAt, UnitTaskRules, type ActionArgs } from '../../domain/task-rules.js';

const org = parseOrg(readFileSync(new URL('../../examples/org-so-noi-vu.yaml', import.meta.url), 'utf8'), 'org-so-noi-vu');
const chain = chainFor(org, 'HCTH');
const staff = personRef(org, 'hcth.cv2');
const NOW = Date.parse('2026-03-02T02:00:00Z');
const DAY = 86_400_000;

const spec = (deadline: Deadline): TaskSpec => ({ ref: 'II.1', title: 'Rà soát dữ liệu dân cư', content: 'Rà soát dữ liệu dân cư', deadline, targets: ['HCTH'], support: [] });
const BY_DATE = spec({ kind: 'date', due: '2026-03-31', text: 'Tháng 3/2026' });

function task(deadline: Deadline = BY_DATE.deadline, policy: Policy = DEFAULT_POLICY, patch: Partial<UnitTaskState> = {}) {
  const t = spec(deadline);
  const s = { ...initialState({ task: t, assignee: staff, chain }), ...patch };
  return { s, t, rules: new UnitTaskRules(s, t, policy) };
}

/** Arguments that pass every check of the action but its phase (from the head, or the Giám đốc where only leadership may act). */
const ARGS: { [K in Action]: ActionArgs[K] } = {
  acknowledge: { actor: 'hcth.cv2' },
  reportProgress: { actor: 'hcth.cv2', percent: 50, note: '' },
  reportCompletion: { actor: 'hcth.cv2', note: 'xong' },
  attachEvidence: { actor: 'hcth.cv2', kind: 'link', url: 'https://example.vn/a.pdf' },
  approveCompletion: { actor: 'hcth.truong' },
  rejectCompletion: { actor: 'hcth.truong', reason: 'thiếu số liệu' },
  requestExtension: { actor: 'hcth.cv2', until: '2026-04-30', reason: 'chờ kinh phí' },
  decideExtension: { actor: 'hcth.truong', approve: true },
  reassign: { actor: 'hcth.truong', to: 'hcth.cv1' },
  requestExplanation: { actor: 'hcth.truong', question: 'vì sao chậm?' },
  answerExplanation: { actor: 'hcth.cv2', answer: 'chờ số liệu' },
  activate: { actor: 'ld.giamdoc', due: '2026-05-29' },
  cancel: { actor: 'ld.giamdoc', reason: 'không còn cần' },
};

describe('refusals', () => {
  // Which phases each action may be taken in (the state the action needs aside).
  const ALLOWED_IN: Record<Action, Phase[]> = {
    acknowledge: ['active'],
    reportProgress: ['active'],
    reportCompletion: ['active'],
    attachEvidence: ['active', 'awaiting_approval'],
    approveCompletion: ['awaiting_approval'],
    rejectCompletion: ['awaiting_approval'],
    requestExtension: ['active'],
    decideExtension: ['waiting', 'active', 'awaiting_approval', 'done', 'cancelled'],
    reassign: ['waiting', 'active', 'awaiting_approval'],
    requestExplanation: ['active', 'awaiting_approval'],
    answerExplanation: ['waiting', 'active', 'awaiting_approval', 'done', 'cancelled'],
    activate: ['waiting'],
    cancel: ['waiting', 'active', 'awaiting_approval'],
  };
  const PHASES: Phase[] = ['waiting', 'active', 'awaiting_approval', 'done', 'cancelled'];
  const completion = { note: '', evidence: [], by: staff, at: NOW };
  for (const action of Object.keys(ALLOWED_IN) as Action[]) {
    it(`${action}: allowed in ${ALLOWED_IN[action].join(', ')} and refused in the other phases, saying why`, () => {
      for (const phase of PHASES) {
        const { s, t } = task(BY_DATE.deadline, DEFAULT_POLICY, {
          phase,
          completion,
          extensionRequest: { until: '2026-04-30', reason: 'x', by: staff, at: NOW },
          explanation: { requestedBy: chain.head, question: 'q', due: '2026-03-05', ladder: { remindersSent: [], escalationLevel: 0, topRepeats: 0 } },
        });
        if (action === 'requestExplanation') delete s.explanation;
        if (action === 'requestExtension') delete s.extensionRequest;
        const no = check(action, s, ARGS[action] as never, t);
        if (ALLOWED_IN[action].includes(phase)) expect(no, `${action} in ${phase}`).toBeUndefined();
        else {
          expect(no?.vi, `${action} in ${phase}`).toMatch(/^Không thực hiện được: /);
          expect(no?.en).toMatch(new RegExp(`task is ${phase}`));
        }
      }
    });
  }

  it('the role comes before the phase: a chuyên viên may not approve, someone outside the chain may do nothing', () => {
    const { s, t } = task(BY_DATE.deadline, DEFAULT_POLICY, { phase: 'awaiting_approval', completion });
    expect(check('approveCompletion', s, { actor: 'hcth.cv2' }, t)?.vi).toMatch(/không có quyền.*trưởng đơn vị hoặc lãnh đạo Sở/);
    expect(check('acknowledge', s, { actor: 'tccb.cv1' }, t)?.vi).toBe('Đồng chí không thuộc đơn vị hoặc lãnh đạo phụ trách nhiệm vụ này.');
    expect(check('cancel', s, { actor: 'hcth.truong', reason: 'x' }, t)?.en).toMatch(/needs one of deputy, director, admin/);
  });

  it('arguments: percent 0..100, a reason, a real later date, one request at a time', () => {
    const { s, t } = task();
    expect(check('reportProgress', s, { actor: 'hcth.cv2', percent: 120, note: '' }, t)?.vi).toBe('Tỷ lệ tiến độ phải là số nguyên từ 0 đến 100.');
    expect(check('reportProgress', s, { actor: 'hcth.cv2', percent: 12.5, note: '' }, t)).toBeDefined();
    expect(check('requestExtension', s, { actor: 'hcth.cv2', until: '2026-02-30', reason: 'x' }, t)?.vi).toMatch(/không tồn tại/);
    expect(check('requestExtension', s, { actor: 'hcth.cv2', until: '2026-03-15', reason: 'x' }, t)?.vi).toBe('Ngày gia hạn phải sau hạn hiện tại (31/03/2026).');
    expect(check('requestExtension', s, { actor: 'hcth.cv2', until: '2026-04-30', reason: '  ' }, t)?.vi).toBe('Vui lòng nêu lý do xin gia hạn.');
    s.extensionRequest = { until: '2026-04-30', reason: 'x', by: staff, at: NOW };
    expect(check('requestExtension', s, ARGS.requestExtension, t)?.vi).toBe('Đã có một đề nghị gia hạn đang chờ ý kiến.');
    expect(check('acknowledge', { ...s, acknowledgedBy: staff }, ARGS.acknowledge, t)?.vi).toBe('Đồng chí đã nhận nhiệm vụ này rồi.');
    expect(check('attachEvidence', s, { actor: 'hcth.cv2', kind: 'link', url: 'javascript:alert(1)' }, t)?.vi).toBe('Đường dẫn minh chứng không hợp lệ.');
    expect(check('reassign', s, { actor: 'hcth.truong', to: 'hcth.cv2' }, t)?.vi).toBe('Nhiệm vụ đang được giao cho chính người này.');
  });

  it('a recurring task takes no extension, and one check-in per period', () => {
    const { s, t } = task({ kind: 'ongoing', text: 'Thường xuyên' });
    s.due = '2026-03-10';
    expect(check('requestExtension', s, ARGS.requestExtension, t)?.vi).toBe('Nhiệm vụ định kỳ không xin gia hạn được; hãy báo cáo theo kỳ.');
    s.cycle = { key: '2026-03', label: 'tháng 3/2026', start: '2026-03-01', end: '2026-03-31', endsAt: NOW + 30 * DAY, checkedIn: true, lateCycles: 0 };
    expect(check('reportCompletion', s, ARGS.reportCompletion, t)?.vi).toBe('Kỳ tháng 3/2026 đã được báo cáo.');
  });

  it('moving a task: the unit must exist, the person must belong to it, only leadership moves it to another unit', () => {
    const { s } = task();
    const other = chainFor(org, 'TCCB');
    expect(reassignRefusal(s, { actor: 'hcth.truong', to: 'x', unit: 'ZZZ' }, undefined)?.vi).toBe('Không có đơn vị mã «ZZZ».');
    expect(reassignRefusal(s, { actor: 'hcth.truong', to: 'tccb.cv1' }, chain)?.vi).toBe(`Người được giao phải là cán bộ của ${chain.unit.name}.`);
    expect(reassignRefusal(s, { actor: 'hcth.truong', to: 'tccb.cv1', unit: 'TCCB' }, other)?.vi).toBe('Chỉ lãnh đạo Sở hoặc quản trị viên mới giao nhiệm vụ sang đơn vị khác.');
    expect(reassignRefusal(s, { actor: 'ld.giamdoc', to: 'tccb.cv1', unit: 'TCCB' }, other)).toBeUndefined();
  });
});

describe('transitions', () => {
  const planned = { dueAt: Date.parse('2026-03-31T16:59:59Z'), dueSoonAt: Date.parse('2026-03-20T01:00:00Z') };

  it('the status: phases first, then the planned instants', () => {
    const { s } = task();
    expect(statusAt(s, undefined, NOW)).toBe('not_due');
    expect(statusAt(s, planned, planned.dueSoonAt)).toBe('due_soon');
    expect(statusAt(s, planned, planned.dueAt)).toBe('overdue');
    expect(statusAt({ ...s, phase: 'awaiting_approval' }, planned, planned.dueAt)).toBe('awaiting_approval');
    expect(statusAt(task({ kind: 'event', text: 'Khi có văn bản hướng dẫn' }).s, planned, NOW)).toBe('awaiting_activation');
  });

  it('acknowledging makes the person who took it the assignee', () => {
    const { s, rules } = task();
    const o = rules.acknowledge({ actor: 'hcth.cv1' }, NOW);
    expect(o).toEqual({ notices: [] });
    expect(s.assignee.id).toBe('hcth.cv1');
    expect(s.timeline.at(-1)).toMatchObject({ at: NOW, kind: 'acknowledged', actor: 'hcth.cv1' });
  });

  it('progress pauses reminders when the policy says so (the workflow finds the day); a recurring task is checked in', () => {
    const { s, rules } = task();
    expect(rules.reportProgress({ actor: 'hcth.cv2', percent: 40, note: ' nửa chừng ' }, NOW, planned)).toEqual({ notices: [], quiet: true });
    expect(s.progress).toMatchObject({ percent: 40, note: 'nửa chừng' });
    expect(rules.quietUntil('2026-03-05')).toEqual({ notices: [], replan: true });
    expect(s.ladder.quietUntil).toBe('2026-03-05');
    expect(task(BY_DATE.deadline, { ...DEFAULT_POLICY, progressQuietWorkingDays: 0 }).rules.reportProgress(ARGS.reportProgress, NOW, planned)).toEqual({ notices: [] });

    const r = task({ kind: 'ongoing', text: 'Thường xuyên' });
    r.s.cycle = { key: '2026-03', label: 'tháng 3/2026', start: '2026-03-01', end: '2026-03-31', endsAt: NOW + 30 * DAY, checkedIn: false, lateCycles: 0 };
    r.rules.reportProgress(ARGS.reportProgress, planned.dueAt + 1, planned);
    expect(r.s.cycle).toMatchObject({ checkedIn: true, lateCycles: 1 });
  });

  it('completion waits for the head, who gets the request with two buttons; approval on time ends it', () => {
    const { s, rules } = task();
    const o = rules.reportCompletion({ actor: 'hcth.cv2', note: ' đã xong ' }, NOW, planned);
    expect(s.phase).toBe('awaiting_approval');
    expect(o.notices).toHaveLength(1);
    expect(o.notices[0]).toMatchObject({ kind: 'approval_request', to: { id: chain.head.id } });
    expect(o.notices[0]!.actions).toHaveLength(2);
    const a = rules.approveCompletion({ actor: 'hcth.truong' }, NOW + DAY, planned);
    expect(s).toMatchObject({ phase: 'done', status: 'done_on_time' });
    expect(a.notices).toEqual([expect.objectContaining({ kind: 'decision', to: staff })]);
    expect(a.replan).toBeUndefined();
  });

  it('a completion after the due date is approved as late; a rejection returns to work and says it is overdue', () => {
    const late = task();
    late.rules.reportCompletion(ARGS.reportCompletion, planned.dueAt + DAY, planned);
    late.rules.approveCompletion({ actor: 'hcth.truong' }, planned.dueAt + 2 * DAY, planned);
    expect(late.s.status).toBe('done_late');

    const { s, rules } = task();
    rules.reportCompletion(ARGS.reportCompletion, NOW, planned);
    const o = rules.rejectCompletion({ actor: 'hcth.truong', reason: ' thiếu số liệu ' }, planned.dueAt + DAY, planned);
    expect(s.phase).toBe('active');
    expect(s.completion).toBeUndefined();
    expect(o.replan).toBe(true);
    expect(o.notices[0]).toMatchObject({ kind: 'decision', to: staff });
    expect(o.notices[0]!.text).toMatch(/thiếu số liệu/);
    expect(o.notices[0]!.text).toMatch(/quá hạn/);
  });

  it('a phased task moves to its next milestone and re-plans', () => {
    const { s, rules } = task({ kind: 'phased', text: 'Mốc', phases: [{ label: 'Quý I', due: '2026-03-31' }, { label: 'Quý II', due: '2026-06-30' }] });
    rules.reportCompletion(ARGS.reportCompletion, NOW, planned);
    const o = rules.approveCompletion({ actor: 'hcth.truong' }, NOW, planned);
    expect(s).toMatchObject({ phase: 'active', due: '2026-06-30', phaseIndex: 1 });
    expect(o.replan).toBe(true);
    expect(s.timeline.at(-1)!.text).toMatch(/mốc tiếp theo: Quý II, hạn 30\/06\/2026/);
  });

  it('an extension goes to the head; approving moves the due date and re-plans, refusing keeps it', () => {
    const { s, rules } = task();
    const req = rules.requestExtension(ARGS.requestExtension, NOW);
    expect(req.notices[0]).toMatchObject({ kind: 'extension_request', to: { id: chain.head.id } });
    expect(req.notices[0]!.actions.map((x) => x.payload)).toEqual(['đồng ý gia hạn II.1', 'không gia hạn II.1']);
    const yes = rules.decideExtension({ actor: 'hcth.truong', approve: true }, NOW);
    expect(s.due).toBe('2026-04-30');
    expect(s.originalDue).toBe('2026-03-31');
    expect(yes.replan).toBe(true);

    const other = task();
    other.rules.requestExtension(ARGS.requestExtension, NOW);
    const no = other.rules.decideExtension({ actor: 'hcth.truong', approve: false, reason: 'không có căn cứ' }, NOW);
    expect(other.s.due).toBe('2026-03-31');
    expect(other.s.extensionRequest).toBeUndefined();
    expect(no.replan).toBeUndefined();
    expect(no.notices[0]!.text).toMatch(/không có căn cứ/);
  });

  it('reassigning tells the new assignee and forgets who had acknowledged', () => {
    const { s, rules } = task(BY_DATE.deadline, DEFAULT_POLICY, { acknowledgedBy: staff });
    const o = rules.reassign({ actor: 'hcth.truong', to: 'hcth.cv1' }, NOW, chain);
    expect(s.assignee.id).toBe('hcth.cv1');
    expect(s.acknowledgedBy).toBeUndefined();
    expect(o.notices[0]).toMatchObject({ kind: 'assigned', to: { id: 'hcth.cv1' } });
  });

  it('an explanation is asked with its due date and planned; the answer goes back and closes its ladder', () => {
    const { s, rules } = task();
    const ask = rules.requestExplanation({ actor: 'hcth.truong', question: ' vì sao chậm? ' }, NOW, '2026-03-05');
    expect(ask.replanExplanation).toBe(true);
    expect(s.explanation).toMatchObject({ question: 'vì sao chậm?', due: '2026-03-05' });
    const answer = rules.answerExplanation({ actor: 'hcth.cv2', answer: 'chờ số liệu' }, NOW);
    expect(answer.explanationClosed).toBe(true);
    expect(answer.notices[0]).toMatchObject({ kind: 'decision', to: { id: chain.head.id } });
  });

  it('activating a waiting task gives it a due date; cancelling records the reason and tells the assignee', () => {
    const { s, rules } = task({ kind: 'event', text: 'Khi có văn bản hướng dẫn' });
    expect(s.phase).toBe('waiting');
    const o = rules.activate(ARGS.activate, NOW);
    expect(s).toMatchObject({ phase: 'active', due: '2026-05-29', originalDue: '2026-05-29' });
    expect(o).toMatchObject({ replan: true, notices: [expect.objectContaining({ kind: 'activated', to: staff })] });
    const c = rules.cancel(ARGS.cancel, NOW);
    expect(s.phase).toBe('cancelled');
    expect(s.cancelled).toMatchObject({ reason: 'không còn cần' });
    expect(c.notices[0]).toMatchObject({ kind: 'cancelled', to: staff });
  });
});

describe('what the clock does', () => {
  it('a reminder goes to the assignee; an escalation to the level it reached and a reminder to the assignee', () => {
    const { s, rules } = task();
    const r = rules.reminderDue({ at: NOW, key: 'r3', daysLeft: 3, onDueDate: false }, NOW);
    expect(r.notices).toEqual([expect.objectContaining({ kind: 'reminder', to: staff })]);
    expect(s.ladder.remindersSent).toEqual(['r3']);
    for (const [level, to] of [
      [1, chain.head],
      [2, chain.deputy ?? chain.director],
      [3, chain.director],
    ] as const) {
      const e = rules.escalationDue({ at: NOW, level, repeat: 0, key: `e${level}` }, NOW);
      expect(e.notices.map((n) => [n.kind, n.to.id])).toEqual([
        ['escalation', to.id],
        ['overdue', staff.id],
      ]);
      expect(s.ladder.escalationLevel).toBe(level);
    }
    expect(s.timeline.at(-1)!.text).toMatch(/^Quá hạn: báo cáo cấp 3/);
  });

  it('a recurring task: each period opens with its check-in as the deadline; a period without one counts as late', () => {
    const { s, rules } = task({ kind: 'recurring', cycle: 'monthly', text: 'Hằng tháng' });
    const open = rules.cycleOpened({ key: '2026-03', label: 'tháng 3/2026', start: '2026-03-01', end: '2026-03-31', endsAt: NOW + 30 * DAY, checkInDue: '2026-03-10' }, NOW);
    expect(open.replan).toBe(true);
    expect(s.due).toBe('2026-03-10');
    rules.cycleEnded(NOW + 30 * DAY);
    expect(s.cycle!.lateCycles).toBe(1);
    rules.finished(NOW + 30 * DAY);
    expect(s).toMatchObject({ phase: 'done', status: 'done_late' });
  });
});
