// One unit's share of a plan task: reminders before the due date, escalation up the chain
// after it, and the lifecycle people drive through updates. Deterministic: every date
// computation is a (local) activity; this code only holds instants and state.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { chainAbove, findInChain, nextUp, refusal, rolesOf, type Action } from '../domain/authz.js';
import { isValidIsoDate } from '../domain/calendar.js';
import { escalationTarget, type Escalation, type Ladder, type LadderState, type Reminder } from '../domain/ladder.js';
import { KIND_SUMMARIES, deliveryLines, formatDate, managerActions, staffActions, taskLabel, texts, type NotificationKind, type QuickAction } from '../domain/notification.js';
import type { PersonRef } from '../domain/org.js';
import { STATUS_LABELS, type TaskStatus } from '../domain/status.js';
import type { Acting, UnitTaskInput, UnitTaskState, UnitTaskView } from '../domain/task.js';
import * as msg from './messages.js';
import { EscalationLevelKey, PlanIdKey, TaskAssigneeKey, TaskDueKey, TaskRefKey, TaskStatusKey, TaskUnitKey } from './search-attributes.js';

const schedule = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });
const { notify, resolveChain } = proxyActivities<Activities>({
  // Short, so a send lost with a crashed worker is retried soon on another one.
  startToCloseTimeout: '15 seconds',
  // A notifier that is down must not lose a message: retry until it is back.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Recurring tasks start a fresh run after this many cycles so histories stay small. */
const DEFAULT_CYCLES_PER_RUN = 12;

export interface UnitTaskResult {
  status: TaskStatus;
}

const freshLadder = (): LadderState => ({ remindersSent: [], escalationLevel: 0, topRepeats: 0 });

function initialState(input: UnitTaskInput): UnitTaskState {
  const d = input.task.deadline;
  const due = d.kind === 'date' ? d.due : d.kind === 'phased' ? d.phases[0]!.due : undefined;
  return {
    phase: d.kind === 'event' ? 'waiting' : 'active',
    status: d.kind === 'event' ? 'awaiting_activation' : 'not_due',
    assignee: input.assignee,
    chain: input.chain,
    ...(due ? { due, originalDue: due } : {}),
    ...(d.kind === 'phased' ? { phaseIndex: 0 } : {}),
    ladder: freshLadder(),
    timeline: [],
    notificationSeq: 0,
  };
}

export async function unitTaskWorkflow(input: UnitTaskInput & { cyclesPerRun?: number }): Promise<UnitTaskResult> {
  const { workflowId } = workflowInfo();
  const s: UnitTaskState = input.carried ?? initialState(input);
  const deadline = input.task.deadline;
  const recurring = deadline.kind === 'recurring' || deadline.kind === 'ongoing';
  const cycle = deadline.kind === 'recurring' ? deadline.cycle : 'monthly';
  const cycleDay = (deadline.kind === 'recurring' ? deadline.day : undefined) ?? input.policy.checkInDay;
  const pending: Promise<unknown>[] = [];
  let ladder: Ladder | undefined;
  let explanationLadder: Ladder | undefined;
  let replan = true;
  /** The new deadline is being planned (an activity): what it makes of the status is not known yet. */
  let planning = false;
  let replanExplanation = !!s.explanation && !s.explanation.answer;
  let version = 0;
  let cyclesThisRun = 0;
  let published = '';

  const label = () => taskLabel(input.task.ref, input.task.title, s.chain.unit.name);
  const changed = () => void version++;
  const over = () => s.phase === 'done' || s.phase === 'cancelled';

  function record(kind: string, text: string, actor?: PersonRef): void {
    s.timeline.push({ at: Date.now(), kind, text, ...(actor ? { actor: actor.id } : {}) });
  }

  function send(kind: NotificationKind, to: PersonRef, text: string, actions: QuickAction[] = []): void {
    s.notificationSeq++;
    const key = `${workflowId}#${s.notificationSeq}:${kind}`;
    const fallbacks = chainAbove(s.chain, to.id);
    const fallback = fallbacks[0];
    const facts = { title: input.task.title, unit: s.chain.unit.name, ...(s.due ? { due: s.due } : {}), summary: KIND_SUMMARIES[kind] };
    const sent = notify({ key, kind, to, planId: input.planId, workflowId, taskRef: input.task.ref, text, actions, facts, ...(fallback ? { fallback, fallbacks } : {}) });
    // A channel that could not reach the person says so; the timeline keeps it (never dropped silently).
    pending.push(sent.then((d) => deliveryLines(d ?? undefined, to).forEach((line) => record('delivery', line))));
  }

  function view(): UnitTaskView {
    return {
      ...s,
      status: computeStatus(),
      workflowId,
      planId: input.planId,
      planTitle: input.planTitle,
      task: input.task,
      unit: s.chain.unit,
      escalationLevel: s.ladder.escalationLevel,
    };
  }

  function computeStatus(): TaskStatus {
    switch (s.phase) {
      case 'waiting':
        return 'awaiting_activation';
      case 'cancelled':
        return 'cancelled';
      case 'awaiting_approval':
        return 'awaiting_approval';
      case 'done':
        return s.status;
    }
    if (s.cycle?.checkedIn || !ladder) return 'not_due';
    const now = Date.now();
    return now >= ladder.dueAt ? 'overdue' : now >= ladder.dueSoonAt ? 'due_soon' : 'not_due';
  }

  /** Recomputes the status; on any change upserts search attributes and tells the parent. */
  function publish(): void {
    const status = computeStatus();
    if (status !== s.status) record('status', `Trạng thái: ${STATUS_LABELS[status]}.`);
    s.status = status;
    const snapshot = JSON.stringify([status, s.assignee.id, s.chain.unit.code, s.due, s.ladder.escalationLevel]);
    if (snapshot === published) return;
    published = snapshot;
    upsertSearchAttributes([
      { key: PlanIdKey, value: input.planId },
      { key: TaskRefKey, value: input.task.ref },
      { key: TaskUnitKey, value: s.chain.unit.code },
      { key: TaskAssigneeKey, value: s.assignee.id },
      { key: TaskStatusKey, value: status },
      { key: TaskDueKey, value: s.due ? new Date(`${s.due}T23:59:59+07:00`) : null },
      { key: EscalationLevelKey, value: s.ladder.escalationLevel },
    ]);
    if (input.parentWorkflowId) {
      const parent = getExternalWorkflowHandle(input.parentWorkflowId);
      pending.push(parent.signal(msg.unitStatusChanged, { unit: s.chain.unit.code, workflowId, status }).catch(() => undefined));
    }
  }

  // ---- validation: a refused action throws before anything changes ----

  function refuse(vi: string, en: string): never {
    throw ApplicationFailure.create({ type: msg.REFUSED, message: vi, details: [en], nonRetryable: true });
  }

  function actorFor(action: Action, a: Acting): PersonRef {
    const person = findInChain(s.chain, s.assignee, a.actor);
    if (!person) refuse('Đồng chí không thuộc đơn vị hoặc lãnh đạo phụ trách nhiệm vụ này.', `unknown actor "${a.actor}" for this task`);
    const no = refusal(action, rolesOf(s.chain, s.assignee, a.actor));
    if (no) refuse(no.vi, no.en);
    return person;
  }

  function requirePhase(...phases: UnitTaskState['phase'][]): void {
    if (phases.includes(s.phase)) return;
    const why: Record<UnitTaskState['phase'], string> = {
      waiting: 'nhiệm vụ đang chờ điều kiện triển khai',
      active: 'nhiệm vụ đang thực hiện',
      awaiting_approval: 'kết quả đang chờ duyệt',
      done: 'nhiệm vụ đã hoàn thành',
      cancelled: 'nhiệm vụ đã bị hủy',
    };
    refuse(`Không thực hiện được: ${why[s.phase]}.`, `wrong state: task is ${s.phase}, needs ${phases.join(' or ')}`);
  }

  function requireText(value: string | undefined, what: string, en: string): void {
    if (!value || !value.trim()) refuse(`Vui lòng nêu ${what}.`, `${en} is required`);
  }

  // ---- queries and updates ----

  setHandler(msg.getTaskState, view);
  setHandler(msg.deliveryReported, ({ lines }) => {
    for (const line of lines.slice(0, 10)) record('delivery', line.slice(0, 1000));
  });

  setHandler(
    msg.acknowledge,
    (a) => {
      const by = findInChain(s.chain, s.assignee, a.actor)!;
      s.assignee = by;
      s.acknowledgedBy = by;
      record('acknowledged', `${by.name} đã nhận nhiệm vụ.`, by);
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('acknowledge', a);
        requirePhase('active');
        if (s.acknowledgedBy?.id === a.actor) refuse('Đồng chí đã nhận nhiệm vụ này rồi.', 'already acknowledged by this person');
      },
    },
  );

  setHandler(
    msg.reportProgress,
    async (a) => {
      const by = findInChain(s.chain, s.assignee, a.actor)!;
      s.progress = { percent: a.percent, note: a.note.trim(), by, at: Date.now() };
      record('progress', `${by.name} báo cáo tiến độ ${a.percent}%${a.note.trim() ? `: ${a.note.trim()}` : ''}.`, by);
      if (recurring) checkIn(by);
      else if (input.policy.progressQuietWorkingDays > 0) {
        const quiet = await schedule.workingDaysAhead({ n: input.policy.progressQuietWorkingDays, policy: input.policy });
        s.ladder.quietUntil = quiet.date;
        replan = true;
      }
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('reportProgress', a);
        requirePhase('active');
        if (!Number.isInteger(a.percent) || a.percent < 0 || a.percent > 100)
          refuse('Tỷ lệ tiến độ phải là số nguyên từ 0 đến 100.', 'percent must be an integer 0..100');
      },
    },
  );

  setHandler(
    msg.reportCompletion,
    (a) => {
      const by = findInChain(s.chain, s.assignee, a.actor)!;
      const note = (a.note ?? '').trim();
      if (recurring) {
        record('check-in', `${by.name} báo cáo kết quả ${s.cycle?.label ?? ''}${note ? `: ${note}` : ''}.`, by);
        checkIn(by);
      } else {
        s.completion = { note, evidence: a.evidence ?? [], by, at: Date.now() };
        s.phase = 'awaiting_approval';
        record('completion', `${by.name} báo cáo hoàn thành${note ? `: ${note}` : ''}; chờ ${s.chain.head.name} duyệt.`, by);
        send('approval_request', s.chain.head, texts.approvalRequest(label(), by, note), managerActions(input.task.ref).slice(0, 2));
      }
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('reportCompletion', a);
        requirePhase('active');
        if (recurring && s.cycle?.checkedIn) refuse(`Kỳ ${s.cycle.label} đã được báo cáo.`, 'this cycle is already checked in');
      },
    },
  );

  function checkIn(by: PersonRef): void {
    if (!s.cycle || s.cycle.checkedIn) return;
    s.cycle.checkedIn = true;
    if (ladder && Date.now() >= ladder.dueAt) s.cycle.lateCycles++;
    record('check-in', `Đã nhận báo cáo ${s.cycle.label} của ${by.name}.`, by);
  }

  setHandler(
    msg.attachEvidence,
    (a) => {
      const by = findInChain(s.chain, s.assignee, a.actor)!;
      const item = { kind: a.kind, url: a.url.trim(), ...(a.name ? { name: a.name.trim() } : {}), by, at: Date.now() };
      s.evidence = [...(s.evidence ?? []), item];
      if (s.completion) s.completion.evidence = [...s.completion.evidence, item.url];
      const what = { image: 'ảnh', file: 'tệp', link: 'liên kết' }[a.kind];
      record('evidence', texts.evidenceAdded(by, `${what}${item.name ? ` «${item.name}»` : ''}`), by);
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('attachEvidence', a);
        requirePhase('active', 'awaiting_approval');
        if (!/^https?:\/\/\S+$/.test(a.url?.trim() ?? '') || a.url.length > 2000) refuse('Đường dẫn minh chứng không hợp lệ.', 'evidence url must be http(s)');
        if (!['image', 'file', 'link'].includes(a.kind)) refuse('Loại minh chứng không hợp lệ.', 'evidence kind must be image, file or link');
      },
    },
  );

  setHandler(
    msg.approveCompletion,
    (a) => {
      const by = actorFor('approveCompletion', a);
      const onTime = !!ladder && s.completion!.at < ladder.dueAt;
      if (!onTime) s.lateMilestones = (s.lateMilestones ?? 0) + 1;
      const phases = deadline.kind === 'phased' ? deadline.phases : [];
      const next = s.phaseIndex !== undefined ? phases[s.phaseIndex + 1] : undefined;
      if (next) {
        s.phaseIndex = s.phaseIndex! + 1;
        s.due = next.due;
        s.phase = 'active';
        s.ladder = freshLadder();
        s.completion = undefined;
        replan = true;
        record('milestone', `${by.name} duyệt hoàn thành mốc ${phases[s.phaseIndex - 1]!.label}; mốc tiếp theo: ${next.label}, hạn ${formatDate(next.due)}.`, by);
      } else {
        s.phase = 'done';
        s.status = (s.lateMilestones ?? 0) === 0 ? 'done_on_time' : 'done_late';
        record('approved', `${by.name} duyệt kết quả: ${STATUS_LABELS[s.status]}.${a.note ? ` ${a.note}` : ''}`, by);
      }
      send('decision', s.completion?.by ?? s.assignee, texts.approved(label(), by, onTime));
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('approveCompletion', a);
        requirePhase('awaiting_approval');
      },
    },
  );

  setHandler(
    msg.rejectCompletion,
    (a) => {
      const by = actorFor('rejectCompletion', a);
      const reporter = s.completion!.by;
      s.phase = 'active';
      s.completion = undefined;
      replan = true;
      record('rejected', `${by.name} chưa duyệt kết quả. Lý do: ${a.reason.trim()}.`, by);
      send('decision', reporter, texts.rejected(label(), by, a.reason.trim(), s.due, computeStatus() === 'overdue'), staffActions(input.task.ref));
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('rejectCompletion', a);
        requirePhase('awaiting_approval');
        requireText(a.reason, 'lý do từ chối', 'reason');
      },
    },
  );

  setHandler(
    msg.requestExtension,
    (a) => {
      const by = findInChain(s.chain, s.assignee, a.actor)!;
      s.extensionRequest = { until: a.until, reason: a.reason.trim(), by, at: Date.now() };
      record('extension-request', `${by.name} xin gia hạn đến ${formatDate(a.until)}. Lý do: ${a.reason.trim()}.`, by);
      send('extension_request', s.chain.head, texts.extensionRequest(label(), by, a.until, a.reason.trim()), [
        { title: 'Đồng ý gia hạn', payload: `đồng ý gia hạn ${input.task.ref}` },
        { title: 'Không gia hạn', payload: `không gia hạn ${input.task.ref}` },
      ]);
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('requestExtension', a);
        requirePhase('active');
        if (recurring || !s.due) refuse('Nhiệm vụ định kỳ không xin gia hạn được; hãy báo cáo theo kỳ.', 'recurring tasks cannot be extended');
        if (!isValidIsoDate(a.until)) refuse(`Ngày gia hạn "${a.until}" không tồn tại.`, `extension date "${a.until}" does not exist`);
        if (a.until <= s.due) refuse(`Ngày gia hạn phải sau hạn hiện tại (${formatDate(s.due)}).`, 'extension must be after the current due date');
        if (s.extensionRequest) refuse('Đã có một đề nghị gia hạn đang chờ ý kiến.', 'an extension request is already pending');
        requireText(a.reason, 'lý do xin gia hạn', 'reason');
      },
    },
  );

  setHandler(
    msg.decideExtension,
    async (a) => {
      const by = actorFor('decideExtension', a);
      const req = s.extensionRequest!;
      s.extensionRequest = undefined;
      if (a.approve) {
        s.due = req.until;
        s.ladder = freshLadder();
        replan = true;
        record('extension-approved', `${by.name} đồng ý gia hạn đến ${formatDate(req.until)}.`, by);
        send('decision', req.by, texts.extensionApproved(label(), by, req.until));
      } else {
        record('extension-refused', `${by.name} không đồng ý gia hạn${a.reason ? `. Lý do: ${a.reason}` : ''}.`, by);
        send('decision', req.by, texts.extensionRefused(label(), by, a.reason ?? ''));
      }
      changed();
      // The answer states the status under the new deadline, once the main loop has planned it.
      if (a.approve && patched('extension-answer-after-replan')) await condition(() => !replan && !planning);
      return view();
    },
    {
      validator: (a) => {
        actorFor('decideExtension', a);
        if (!s.extensionRequest) refuse('Không có đề nghị gia hạn nào đang chờ ý kiến.', 'no pending extension request');
      },
    },
  );

  setHandler(
    msg.reassign,
    async (a) => {
      const by = findInChain(s.chain, s.assignee, a.actor)!;
      const targetUnit = a.unit ?? s.chain.unit.code;
      const chain = targetUnit === s.chain.unit.code ? s.chain : await resolveChain(targetUnit);
      if (!chain) refuse(`Không có đơn vị mã "${targetUnit}".`, `unknown unit "${targetUnit}"`);
      const to = chain.members.find((m) => m.id === a.to);
      if (!to) refuse(`Người được giao phải là cán bộ của ${chain.unit.name}.`, `"${a.to}" is not a member of ${chain.unit.code}`);
      const roles = rolesOf(s.chain, s.assignee, a.actor);
      const leadership = roles.has('deputy') || roles.has('director') || roles.has('admin');
      if (chain.unit.code !== s.chain.unit.code && !leadership)
        refuse('Chỉ lãnh đạo Sở hoặc quản trị viên mới giao nhiệm vụ sang đơn vị khác.', 'only leadership or an admin may move a task to another unit');
      s.chain = chain;
      s.assignee = to;
      s.acknowledgedBy = undefined;
      record('reassigned', `${by.name} giao lại nhiệm vụ cho ${to.name} (${chain.unit.name}).`, by);
      send('assigned', to, texts.assigned(label(), by, s.due ? formatDate(s.due) : input.task.deadline.text), staffActions(input.task.ref));
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('reassign', a);
        requirePhase('waiting', 'active', 'awaiting_approval');
        if (a.to === s.assignee.id && (!a.unit || a.unit === s.chain.unit.code)) refuse('Nhiệm vụ đang được giao cho chính người này.', 'already assigned to this person');
      },
    },
  );

  setHandler(
    msg.requestExplanation,
    async (a) => {
      const by = findInChain(s.chain, s.assignee, a.actor)!;
      const due = await schedule.workingDaysAhead({ n: input.policy.explanationWorkingDays, policy: input.policy });
      s.explanation = { requestedBy: by, question: a.question.trim(), due: due.date, ladder: freshLadder() };
      replanExplanation = true;
      record('explanation-request', `${by.name} yêu cầu giải trình: ${a.question.trim()} (hạn ${formatDate(due.date)}).`, by);
      send('explanation_request', s.assignee, texts.explanationRequest(label(), by, a.question.trim(), due.date), [
        { title: 'Giải trình', payload: `giải trình ${input.task.ref}` },
      ]);
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('requestExplanation', a);
        requirePhase('active', 'awaiting_approval');
        if (s.explanation && !s.explanation.answer) refuse('Đang có một yêu cầu giải trình chưa được trả lời.', 'an explanation is already pending');
        requireText(a.question, 'nội dung cần giải trình', 'question');
      },
    },
  );

  setHandler(
    msg.answerExplanation,
    (a) => {
      const by = findInChain(s.chain, s.assignee, a.actor)!;
      const ex = s.explanation!;
      ex.answer = { by, text: a.answer.trim(), at: Date.now() };
      explanationLadder = undefined;
      record('explanation-answer', `${by.name} giải trình: ${a.answer.trim()}`, by);
      send('decision', ex.requestedBy, texts.explanationAnswered(label(), by, a.answer.trim()));
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('answerExplanation', a);
        if (!s.explanation || s.explanation.answer) refuse('Không có yêu cầu giải trình nào đang chờ trả lời.', 'no pending explanation');
        requireText(a.answer, 'nội dung giải trình', 'answer');
      },
    },
  );

  setHandler(
    msg.activate,
    (a) => {
      const by = actorFor('activate', a);
      s.phase = 'active';
      s.due = a.due;
      s.originalDue = a.due;
      replan = true;
      record('activated', `${by.name} kích hoạt nhiệm vụ, hạn hoàn thành ${formatDate(a.due)}.`, by);
      send('activated', s.assignee, texts.activated(label(), by, a.due), staffActions(input.task.ref));
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('activate', a);
        requirePhase('waiting');
        if (!isValidIsoDate(a.due)) refuse(`Ngày "${a.due}" không tồn tại.`, `date "${a.due}" does not exist`);
      },
    },
  );

  setHandler(
    msg.cancel,
    (a) => {
      const by = actorFor('cancel', a);
      s.phase = 'cancelled';
      s.cancelled = { by, reason: a.reason.trim(), at: Date.now() };
      record('cancelled', `${by.name} hủy nhiệm vụ. Lý do: ${a.reason.trim()}.`, by);
      send('cancelled', s.assignee, texts.cancelled(label(), by, a.reason.trim()));
      changed();
      return view();
    },
    {
      validator: (a) => {
        actorFor('cancel', a);
        requirePhase('waiting', 'active', 'awaiting_approval');
        requireText(a.reason, 'lý do hủy', 'reason');
      },
    },
  );

  // ---- what the clock does ----

  function fireReminder(r: Reminder): void {
    ladder!.reminders.shift();
    s.ladder.remindersSent.push(r.key);
    const text = s.cycle ? texts.checkIn(label(), s.cycle.label, s.due!) : texts.reminder(label(), s.due!, r.daysLeft, r.onDueDate);
    send(s.cycle ? 'check_in' : 'reminder', s.assignee, text, staffActions(input.task.ref));
    record('reminder', `Đã nhắc ${s.assignee.name} (${r.daysLeft === 0 ? 'ngày đến hạn' : `còn ${r.daysLeft} ngày làm việc`}).`);
  }

  function fireEscalation(e: Escalation): void {
    ladder!.escalations.shift();
    s.ladder.escalationLevel = e.level;
    s.ladder.topRepeats = e.repeat;
    s.ladder.lastEscalationAt = Date.now();
    const to = escalationTarget(s.chain, e.level);
    send('escalation', to, texts.escalation(label(), s.due!, s.assignee, e.level, e.repeat), managerActions(input.task.ref));
    send('overdue', s.assignee, texts.overdueToAssignee(label(), s.due!, to), staffActions(input.task.ref));
    record('escalation', `Quá hạn: báo cáo cấp ${e.level}${e.repeat ? ` (nhắc lại lần ${e.repeat})` : ''} đến ${to.title} ${to.name}; nhắc lại ${s.assignee.name}.`);
  }

  function fireExplanationReminder(r: Reminder): void {
    explanationLadder!.reminders.shift();
    s.explanation!.ladder.remindersSent.push(r.key);
    send('reminder', s.assignee, texts.explanationReminder(label(), s.explanation!.due));
    record('explanation-reminder', `Đã nhắc ${s.assignee.name} giải trình.`);
  }

  function fireExplanationEscalation(e: Escalation): void {
    const ex = s.explanation!;
    explanationLadder!.escalations.shift();
    ex.ladder.escalationLevel = e.level;
    ex.ladder.topRepeats = e.repeat;
    ex.ladder.lastEscalationAt = Date.now();
    const to = escalationTarget(s.chain, e.level);
    send('escalation', to, texts.explanationEscalation(label(), s.assignee, ex.due), managerActions(input.task.ref));
    send('overdue', s.assignee, texts.explanationReminder(label(), ex.due));
    record('explanation-escalation', `Chưa giải trình: báo cáo cấp ${e.level} đến ${to.title} ${to.name}.`);
  }

  async function openCycle(afterEnd?: string): Promise<boolean> {
    const p = await schedule.openPeriod({ cycle, day: cycleDay, ...(afterEnd ? { afterEnd } : {}), ...(input.endDate ? { endDate: input.endDate } : {}) });
    if (!p) return false;
    s.cycle = { key: p.key, label: p.label, start: p.start, end: p.end, endsAt: p.endsAt, checkedIn: false, lateCycles: s.cycle?.lateCycles ?? 0 };
    s.due = p.checkInDue;
    s.ladder = freshLadder();
    replan = true;
    record('cycle', `Bắt đầu kỳ ${p.label}; hạn báo cáo ${formatDate(p.checkInDue)}.`);
    return true;
  }

  async function closeCycle(): Promise<void> {
    const c = s.cycle!;
    if (!c.checkedIn) {
      c.lateCycles++;
      record('cycle-missed', `Kết thúc kỳ ${c.label}: không có báo cáo.`);
    }
    cyclesThisRun++;
    if (!(await openCycle(c.end))) {
      s.phase = 'done';
      s.status = c.lateCycles === 0 ? 'done_on_time' : 'done_late';
      record('finished', `Kết thúc thực hiện nhiệm vụ định kỳ: ${STATUS_LABELS[s.status]}.`);
    }
  }

  interface Wake {
    at: number;
    fire: () => void | Promise<void>;
  }

  function nextWake(): Wake | undefined {
    const wakes: Wake[] = [];
    if (s.phase === 'active' && ladder && !s.cycle?.checkedIn) {
      if (s.status === 'not_due') wakes.push({ at: ladder.dueSoonAt, fire: () => undefined });
      if (s.status !== 'overdue') wakes.push({ at: ladder.dueAt, fire: () => undefined });
      const r = ladder.reminders[0];
      if (r) wakes.push({ at: r.at, fire: () => fireReminder(r) });
      const e = ladder.escalations[0];
      if (e) wakes.push({ at: e.at, fire: () => fireEscalation(e) });
    }
    if (explanationLadder && !over()) {
      const r = explanationLadder.reminders[0];
      if (r) wakes.push({ at: r.at, fire: () => fireExplanationReminder(r) });
      const e = explanationLadder.escalations[0];
      if (e) wakes.push({ at: e.at, fire: () => fireExplanationEscalation(e) });
    }
    if (s.cycle && s.phase === 'active') wakes.push({ at: s.cycle.endsAt, fire: closeCycle });
    return wakes.sort((a, b) => a.at - b.at)[0];
  }

  // ---- main loop ----

  if (!input.carried) record('started', `Bắt đầu theo dõi nhiệm vụ; người được giao: ${s.assignee.name}; thời hạn: ${input.task.deadline.text}.`);
  publish();
  if (s.phase === 'waiting') await condition(() => s.phase !== 'waiting');

  while (!over()) {
    if (recurring && !s.cycle && !(await openCycle())) {
      // The plan ended before this task could run a single cycle: nothing to follow.
      s.phase = 'cancelled';
      s.cancelled = { by: s.chain.director, reason: `kế hoạch đã kết thúc ngày ${formatDate(input.endDate!)}`, at: Date.now() };
      record('cancelled', `Không theo dõi: kế hoạch đã kết thúc ngày ${formatDate(input.endDate!)} trước khi nhiệm vụ bắt đầu.`);
      break;
    }
    if (replan && s.due) {
      replan = false;
      planning = true;
      ladder = await schedule.planDeadline({ due: s.due, policy: input.policy, ladder: s.ladder });
      planning = false;
      s.dueAt = ladder.dueAt;
      s.dueSoonAt = ladder.dueSoonAt;
    }
    if (replanExplanation && s.explanation && !s.explanation.answer) {
      replanExplanation = false;
      explanationLadder = await schedule.planDeadline({ due: s.explanation.due, policy: input.policy, ladder: s.explanation.ladder });
    }
    publish();
    if (over()) break;
    if (recurring && cyclesThisRun >= (input.cyclesPerRun ?? DEFAULT_CYCLES_PER_RUN)) break;
    if (workflowInfo().continueAsNewSuggested && recurring) break;

    const wake = nextWake();
    const seen = version;
    if (!wake) {
      await condition(() => version !== seen);
      continue;
    }
    const timedOut = !(await condition(() => version !== seen, Math.max(wake.at - Date.now(), 1)));
    if (timedOut) {
      await wake.fire();
      changed();
    }
  }

  publish();
  await condition(allHandlersFinished);
  await Promise.all(pending);
  if (!over()) {
    // A long-lived recurring task: carry the whole state (timeline included) into a fresh run.
    await continueAsNew<typeof unitTaskWorkflow>({ ...input, carried: s });
  }
  return { status: s.status };
}
