// The rules of one unit's task: for each action a person takes, whether it may be taken now
// (a refusal, or nothing) and what it does (the new state, timeline entries, notifications to
// send, what to re-plan); the same for what the clock does (reminders, escalations, cycles).
// Pure: workflows/unit-task.ts holds the state and the time and only wires these in, in the shape
// of temporalio/samples-typescript's safe-message-handlers.
import { findInChain, refusal, rolesOf, type Action } from './authz.js';
import { isValidIsoDate, type IsoDate } from './calendar.js';
import { escalationTarget, type Escalation, type LadderState, type Reminder } from './ladder.js';
import { formatDate, managerActions, staffActions, taskLabel, texts, type NotificationKind, type QuickAction } from './notification.js';
import type { Chain, PersonRef } from './org.js';
import type { Policy } from './policy.js';
import { STATUS_LABELS, type TaskStatus } from './status.js';
import type { Acting, Phase, TaskSpec, UnitTaskState } from './task.js';

/** What the person gives for each action, besides who they are. */
export interface ActionInputs {
  acknowledge: Record<never, never>;
  reportProgress: { percent: number; note: string };
  reportCompletion: { note: string; evidence?: string[] };
  approveCompletion: { note?: string };
  rejectCompletion: { reason: string };
  requestExtension: { until: IsoDate; reason: string };
  decideExtension: { approve: boolean; reason?: string };
  reassign: { to: string; unit?: string };
  requestExplanation: { question: string };
  answerExplanation: { answer: string };
  attachEvidence: { kind: 'image' | 'file' | 'link'; url: string; name?: string };
  activate: { due: IsoDate };
  cancel: { reason: string };
}

/** What each action takes: who acts, and what they give. The workflow's updates and every client use these. */
export type ArgsOf<K extends Action> = Acting & ActionInputs[K];
export type ActionArgs = { [K in Action]: ArgsOf<K> };

/** Why an action is refused: Vietnamese for the person, English for operators. */
export interface Refusal {
  vi: string;
  en: string;
}

/** A notification to send, in the order the rules decided. */
export interface Notice {
  kind: NotificationKind;
  to: PersonRef;
  text: string;
  actions: QuickAction[];
}

/** What an action or a wake-up asks of the workflow besides the state it changed. */
export interface Outcome {
  notices: Notice[];
  /** The deadline changed: plan its reminders and escalations again. */
  replan?: boolean;
  /** An explanation was asked for: plan its ladder. */
  replanExplanation?: boolean;
  /** The explanation was answered: its ladder stops. */
  explanationClosed?: boolean;
}

/** The planned instants of the current deadline (once the workflow has planned them). */
export interface Planned {
  dueAt: number;
  dueSoonAt: number;
}

export const freshLadder = (): LadderState => ({ remindersSent: [], escalationLevel: 0, topRepeats: 0 });

/** The state a unit's task starts in. */
export function initialState(input: { task: TaskSpec; assignee: PersonRef; chain: Chain }): UnitTaskState {
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

export const isRecurring = (task: TaskSpec): boolean => task.deadline.kind === 'recurring' || task.deadline.kind === 'ongoing';

/** What a manager reads about the task now. */
export function statusAt(s: UnitTaskState, planned: Planned | undefined, now: number): TaskStatus {
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
  if (s.cycle?.checkedIn || !planned) return 'not_due';
  return now >= planned.dueAt ? 'overdue' : now >= planned.dueSoonAt ? 'due_soon' : 'not_due';
}

const PHASE_WHY: Record<Phase, string> = {
  waiting: 'nhiệm vụ đang chờ điều kiện triển khai',
  active: 'nhiệm vụ đang thực hiện',
  awaiting_approval: 'kết quả đang chờ duyệt',
  done: 'nhiệm vụ đã hoàn thành',
  cancelled: 'nhiệm vụ đã bị hủy',
};

function inPhase(s: UnitTaskState, ...phases: Phase[]): Refusal | undefined {
  if (phases.includes(s.phase)) return undefined;
  return { vi: `Không thực hiện được: ${PHASE_WHY[s.phase]}.`, en: `wrong state: task is ${s.phase}, needs ${phases.join(' or ')}` };
}

function stated(value: string | undefined, what: string, en: string): Refusal | undefined {
  return !value || !value.trim() ? { vi: `Vui lòng nêu ${what}.`, en: `${en} is required` } : undefined;
}

/** The first refusal of a list of checks, run in order (the order people are told in). */
const first = (...checks: (() => Refusal | undefined)[]): Refusal | undefined => {
  for (const c of checks) {
    const r = c();
    if (r) return r;
  }
  return undefined;
};

/** Who is acting, and whether their role allows the action. */
function actorRefusal(s: UnitTaskState, action: Action, actor: string): Refusal | undefined {
  if (!findInChain(s.chain, s.assignee, actor))
    return { vi: 'Đồng chí không thuộc đơn vị hoặc lãnh đạo phụ trách nhiệm vụ này.', en: `unknown actor "${actor}" for this task` };
  return refusal(action, rolesOf(s.chain, s.assignee, actor));
}

type Checks = { [K in Action]: (s: UnitTaskState, a: ActionArgs[K], task: TaskSpec) => Refusal | undefined };

/** What each action needs of the state and its arguments, after the actor's role. */
const CHECKS: Checks = {
  acknowledge: (s, a) =>
    first(
      () => inPhase(s, 'active'),
      () => (s.acknowledgedBy?.id === a.actor ? { vi: 'Đồng chí đã nhận nhiệm vụ này rồi.', en: 'already acknowledged by this person' } : undefined),
    ),
  reportProgress: (s, a) =>
    first(
      () => inPhase(s, 'active'),
      () =>
        !Number.isInteger(a.percent) || a.percent < 0 || a.percent > 100
          ? { vi: 'Tỷ lệ tiến độ phải là số nguyên từ 0 đến 100.', en: 'percent must be an integer 0..100' }
          : undefined,
    ),
  reportCompletion: (s, _a, task) =>
    first(
      () => inPhase(s, 'active'),
      () => (isRecurring(task) && s.cycle?.checkedIn ? { vi: `Kỳ ${s.cycle.label} đã được báo cáo.`, en: 'this cycle is already checked in' } : undefined),
    ),
  attachEvidence: (s, a) =>
    first(
      () => inPhase(s, 'active', 'awaiting_approval'),
      () => (!/^https?:\/\/\S+$/.test(a.url?.trim() ?? '') || a.url.length > 2000 ? { vi: 'Đường dẫn minh chứng không hợp lệ.', en: 'evidence url must be http(s)' } : undefined),
      () => (!['image', 'file', 'link'].includes(a.kind) ? { vi: 'Loại minh chứng không hợp lệ.', en: 'evidence kind must be image, file or link' } : undefined),
    ),
  approveCompletion: (s) => inPhase(s, 'awaiting_approval'),
  rejectCompletion: (s, a) =>
    first(
      () => inPhase(s, 'awaiting_approval'),
      () => stated(a.reason, 'lý do từ chối', 'reason'),
    ),
  requestExtension: (s, a, task) =>
    first(
      () => inPhase(s, 'active'),
      () => (isRecurring(task) || !s.due ? { vi: 'Nhiệm vụ định kỳ không xin gia hạn được; hãy báo cáo theo kỳ.', en: 'recurring tasks cannot be extended' } : undefined),
      () => (!isValidIsoDate(a.until) ? { vi: `Ngày gia hạn «${a.until}» không tồn tại.`, en: `extension date "${a.until}" does not exist` } : undefined),
      () =>
        a.until <= s.due!
          ? { vi: `Ngày gia hạn phải sau hạn hiện tại (${formatDate(s.due!)}).`, en: 'extension must be after the current due date' }
          : undefined,
      () => (s.extensionRequest ? { vi: 'Đã có một đề nghị gia hạn đang chờ ý kiến.', en: 'an extension request is already pending' } : undefined),
      () => stated(a.reason, 'lý do xin gia hạn', 'reason'),
    ),
  decideExtension: (s) => (!s.extensionRequest ? { vi: 'Không có đề nghị gia hạn nào đang chờ ý kiến.', en: 'no pending extension request' } : undefined),
  reassign: (s, a) =>
    first(
      () => inPhase(s, 'waiting', 'active', 'awaiting_approval'),
      () =>
        a.to === s.assignee.id && (!a.unit || a.unit === s.chain.unit.code)
          ? { vi: 'Nhiệm vụ đang được giao cho chính người này.', en: 'already assigned to this person' }
          : undefined,
    ),
  requestExplanation: (s, a) =>
    first(
      () => inPhase(s, 'active', 'awaiting_approval'),
      () => (s.explanation && !s.explanation.answer ? { vi: 'Đang có một yêu cầu giải trình chưa được trả lời.', en: 'an explanation is already pending' } : undefined),
      () => stated(a.question, 'nội dung cần giải trình', 'question'),
    ),
  answerExplanation: (s, a) =>
    first(
      () => (!s.explanation || s.explanation.answer ? { vi: 'Không có yêu cầu giải trình nào đang chờ trả lời.', en: 'no pending explanation' } : undefined),
      () => stated(a.answer, 'nội dung giải trình', 'answer'),
    ),
  activate: (s, a) =>
    first(
      () => inPhase(s, 'waiting'),
      () => (!isValidIsoDate(a.due) ? { vi: `Ngày «${a.due}» không tồn tại.`, en: `date "${a.due}" does not exist` } : undefined),
    ),
  cancel: (s, a) =>
    first(
      () => inPhase(s, 'waiting', 'active', 'awaiting_approval'),
      () => stated(a.reason, 'lý do hủy', 'reason'),
    ),
};

/** Whether a person may take an action on the task now: the refusal, or nothing. Runs before anything changes. */
export function check<K extends Action>(action: K, s: UnitTaskState, a: ActionArgs[K], task: TaskSpec): Refusal | undefined {
  return actorRefusal(s, action, a.actor) ?? CHECKS[action](s, a, task);
}

/** Moving a task to a person (of another unit): what the chain found for the target unit allows. */
export function reassignRefusal(s: UnitTaskState, a: ActionArgs['reassign'], target: Chain | undefined): Refusal | undefined {
  const unit = a.unit ?? s.chain.unit.code;
  if (!target) return { vi: `Không có đơn vị mã «${unit}».`, en: `unknown unit "${unit}"` };
  if (!target.members.some((m) => m.id === a.to))
    return { vi: `Người được giao phải là cán bộ của ${target.unit.name}.`, en: `"${a.to}" is not a member of ${target.unit.code}` };
  const roles = rolesOf(s.chain, s.assignee, a.actor);
  const leadership = roles.has('deputy') || roles.has('director') || roles.has('admin');
  if (target.unit.code !== s.chain.unit.code && !leadership)
    return { vi: 'Chỉ lãnh đạo Sở hoặc quản trị viên mới giao nhiệm vụ sang đơn vị khác.', en: 'only leadership or an admin may move a task to another unit' };
  return undefined;
}

/**
 * The task's state and its rules. The methods apply an action already checked (see `check`):
 * they change the state, write the timeline and say what to send and re-plan.
 */
export class UnitTaskRules {
  constructor(
    readonly s: UnitTaskState,
    private readonly task: TaskSpec,
    private readonly policy: Policy,
  ) {}

  private get label(): string {
    return taskLabel(this.task.ref, this.task.title, this.s.chain.unit.name);
  }

  private get recurring(): boolean {
    return isRecurring(this.task);
  }

  record(now: number, kind: string, text: string, actor?: PersonRef): void {
    this.s.timeline.push({ at: now, kind, text, ...(actor ? { actor: actor.id } : {}) });
  }

  private actor(id: string): PersonRef {
    return findInChain(this.s.chain, this.s.assignee, id)!;
  }

  acknowledge(a: ActionArgs['acknowledge'], now: number): Outcome {
    const by = this.actor(a.actor);
    this.s.assignee = by;
    this.s.acknowledgedBy = by;
    this.record(now, 'acknowledged', `${by.name} đã nhận nhiệm vụ.`, by);
    return { notices: [] };
  }

  /** A progress report; `quiet` asks the workflow to find the working day reminders pause until (`quietUntil`). */
  reportProgress(a: ActionArgs['reportProgress'], now: number, planned: Planned | undefined): Outcome & { quiet?: boolean } {
    const s = this.s;
    const by = this.actor(a.actor);
    s.progress = { percent: a.percent, note: a.note.trim(), by, at: now };
    this.record(now, 'progress', `${by.name} báo cáo tiến độ ${a.percent}%${a.note.trim() ? `: ${a.note.trim()}` : ''}.`, by);
    if (this.recurring) this.checkIn(by, now, planned);
    else if (this.policy.progressQuietWorkingDays > 0) return { notices: [], quiet: true };
    return { notices: [] };
  }

  /** Reminders pause until this working day after a progress report. */
  quietUntil(date: IsoDate): Outcome {
    this.s.ladder.quietUntil = date;
    return { notices: [], replan: true };
  }

  reportCompletion(a: ActionArgs['reportCompletion'], now: number, planned: Planned | undefined): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    const note = (a.note ?? '').trim();
    if (this.recurring) {
      this.record(now, 'check-in', `${by.name} báo cáo kết quả ${s.cycle?.label ?? ''}${note ? `: ${note}` : ''}.`, by);
      this.checkIn(by, now, planned);
      return { notices: [] };
    }
    s.completion = { note, evidence: a.evidence ?? [], by, at: now };
    s.phase = 'awaiting_approval';
    this.record(now, 'completion', `${by.name} báo cáo hoàn thành${note ? `: ${note}` : ''}; chờ ${s.chain.head.name} duyệt.`, by);
    return { notices: [{ kind: 'approval_request', to: s.chain.head, text: texts.approvalRequest(this.label, by, note), actions: managerActions(this.task.ref).slice(0, 2) }] };
  }

  private checkIn(by: PersonRef, now: number, planned: Planned | undefined): void {
    const c = this.s.cycle;
    if (!c || c.checkedIn) return;
    c.checkedIn = true;
    if (planned && now >= planned.dueAt) c.lateCycles++;
    this.record(now, 'check-in', `Đã nhận báo cáo ${c.label} của ${by.name}.`, by);
  }

  attachEvidence(a: ActionArgs['attachEvidence'], now: number): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    const item = { kind: a.kind, url: a.url.trim(), ...(a.name ? { name: a.name.trim() } : {}), by, at: now };
    s.evidence = [...(s.evidence ?? []), item];
    if (s.completion) s.completion.evidence = [...s.completion.evidence, item.url];
    const what = { image: 'ảnh', file: 'tệp', link: 'liên kết' }[a.kind];
    this.record(now, 'evidence', texts.evidenceAdded(by, `${what}${item.name ? ` «${item.name}»` : ''}`), by);
    return { notices: [] };
  }

  approveCompletion(a: ActionArgs['approveCompletion'], now: number, planned: Planned | undefined): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    const onTime = !!planned && s.completion!.at < planned.dueAt;
    if (!onTime) s.lateMilestones = (s.lateMilestones ?? 0) + 1;
    const deadline = this.task.deadline;
    const phases = deadline.kind === 'phased' ? deadline.phases : [];
    const next = s.phaseIndex !== undefined ? phases[s.phaseIndex + 1] : undefined;
    let replan = false;
    if (next) {
      s.phaseIndex = s.phaseIndex! + 1;
      s.due = next.due;
      s.phase = 'active';
      s.ladder = freshLadder();
      s.completion = undefined;
      replan = true;
      this.record(now, 'milestone', `${by.name} duyệt hoàn thành mốc ${phases[s.phaseIndex - 1]!.label}; mốc tiếp theo: ${next.label}, hạn ${formatDate(next.due)}.`, by);
    } else {
      s.phase = 'done';
      s.status = (s.lateMilestones ?? 0) === 0 ? 'done_on_time' : 'done_late';
      this.record(now, 'approved', `${by.name} duyệt kết quả: ${STATUS_LABELS[s.status]}.${a.note ? ` ${a.note}` : ''}`, by);
    }
    const notices: Notice[] = [{ kind: 'decision', to: s.completion?.by ?? s.assignee, text: texts.approved(this.label, by, onTime), actions: [] }];
    return replan ? { notices, replan } : { notices };
  }

  /** `overdue`: the status the reporter returns to (the rejection tells it). */
  rejectCompletion(a: ActionArgs['rejectCompletion'], now: number, planned: Planned | undefined): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    const reporter = s.completion!.by;
    s.phase = 'active';
    s.completion = undefined;
    this.record(now, 'rejected', `${by.name} chưa duyệt kết quả. Lý do: ${a.reason.trim()}.`, by);
    const overdue = statusAt(s, planned, now) === 'overdue';
    return {
      notices: [{ kind: 'decision', to: reporter, text: texts.rejected(this.label, by, a.reason.trim(), s.due, overdue), actions: staffActions(this.task.ref) }],
      replan: true,
    };
  }

  requestExtension(a: ActionArgs['requestExtension'], now: number): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    s.extensionRequest = { until: a.until, reason: a.reason.trim(), by, at: now };
    this.record(now, 'extension-request', `${by.name} xin gia hạn đến ${formatDate(a.until)}. Lý do: ${a.reason.trim()}.`, by);
    const actions = [
      { title: 'Đồng ý gia hạn', payload: `đồng ý gia hạn ${this.task.ref}` },
      { title: 'Không gia hạn', payload: `không gia hạn ${this.task.ref}` },
    ];
    return { notices: [{ kind: 'extension_request', to: s.chain.head, text: texts.extensionRequest(this.label, by, a.until, a.reason.trim()), actions }] };
  }

  decideExtension(a: ActionArgs['decideExtension'], now: number): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    const req = s.extensionRequest!;
    s.extensionRequest = undefined;
    if (a.approve) {
      s.due = req.until;
      s.ladder = freshLadder();
      this.record(now, 'extension-approved', `${by.name} đồng ý gia hạn đến ${formatDate(req.until)}.`, by);
      return { notices: [{ kind: 'decision', to: req.by, text: texts.extensionApproved(this.label, by, req.until), actions: [] }], replan: true };
    }
    this.record(now, 'extension-refused', `${by.name} không đồng ý gia hạn${a.reason ? `. Lý do: ${a.reason}` : ''}.`, by);
    return { notices: [{ kind: 'decision', to: req.by, text: texts.extensionRefused(this.label, by, a.reason ?? ''), actions: [] }] };
  }

  /** `chain`: the target unit's chain, already checked with `reassignRefusal`. */
  reassign(a: ActionArgs['reassign'], now: number, chain: Chain): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    const to = chain.members.find((m) => m.id === a.to)!;
    s.chain = chain;
    s.assignee = to;
    s.acknowledgedBy = undefined;
    this.record(now, 'reassigned', `${by.name} giao lại nhiệm vụ cho ${to.name} (${chain.unit.name}).`, by);
    return { notices: [{ kind: 'assigned', to, text: texts.assigned(this.label, by, s.due ? formatDate(s.due) : this.task.deadline.text), actions: staffActions(this.task.ref) }] };
  }

  /** `due`: the working day the explanation is due (the workflow computes it). */
  requestExplanation(a: ActionArgs['requestExplanation'], now: number, due: IsoDate): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    s.explanation = { requestedBy: by, question: a.question.trim(), due, ladder: freshLadder() };
    this.record(now, 'explanation-request', `${by.name} yêu cầu giải trình: ${a.question.trim()} (hạn ${formatDate(due)}).`, by);
    return {
      notices: [
        {
          kind: 'explanation_request',
          to: s.assignee,
          text: texts.explanationRequest(this.label, by, a.question.trim(), due),
          actions: [{ title: 'Giải trình', payload: `giải trình ${this.task.ref}` }],
        },
      ],
      replanExplanation: true,
    };
  }

  answerExplanation(a: ActionArgs['answerExplanation'], now: number): Outcome {
    const by = this.actor(a.actor);
    const ex = this.s.explanation!;
    ex.answer = { by, text: a.answer.trim(), at: now };
    this.record(now, 'explanation-answer', `${by.name} giải trình: ${a.answer.trim()}`, by);
    return { notices: [{ kind: 'decision', to: ex.requestedBy, text: texts.explanationAnswered(this.label, by, a.answer.trim()), actions: [] }], explanationClosed: true };
  }

  activate(a: ActionArgs['activate'], now: number): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    s.phase = 'active';
    s.due = a.due;
    s.originalDue = a.due;
    this.record(now, 'activated', `${by.name} kích hoạt nhiệm vụ, hạn hoàn thành ${formatDate(a.due)}.`, by);
    return { notices: [{ kind: 'activated', to: s.assignee, text: texts.activated(this.label, by, a.due), actions: staffActions(this.task.ref) }], replan: true };
  }

  cancel(a: ActionArgs['cancel'], now: number): Outcome {
    const s = this.s;
    const by = this.actor(a.actor);
    s.phase = 'cancelled';
    s.cancelled = { by, reason: a.reason.trim(), at: now };
    this.record(now, 'cancelled', `${by.name} hủy nhiệm vụ. Lý do: ${a.reason.trim()}.`, by);
    return { notices: [{ kind: 'cancelled', to: s.assignee, text: texts.cancelled(this.label, by, a.reason.trim()), actions: [] }] };
  }

  // ---- what the clock does ----

  reminderDue(r: Reminder, now: number): Outcome {
    const s = this.s;
    s.ladder.remindersSent.push(r.key);
    const text = s.cycle ? texts.checkIn(this.label, s.cycle.label, s.due!) : texts.reminder(this.label, s.due!, r.daysLeft, r.onDueDate);
    const notices: Notice[] = [{ kind: s.cycle ? 'check_in' : 'reminder', to: s.assignee, text, actions: staffActions(this.task.ref) }];
    this.record(now, 'reminder', `Đã nhắc ${s.assignee.name} (${r.daysLeft === 0 ? 'ngày đến hạn' : `còn ${r.daysLeft} ngày làm việc`}).`);
    return { notices };
  }

  escalationDue(e: Escalation, now: number): Outcome {
    const s = this.s;
    s.ladder.escalationLevel = e.level;
    s.ladder.topRepeats = e.repeat;
    s.ladder.lastEscalationAt = now;
    const to = escalationTarget(s.chain, e.level);
    const notices: Notice[] = [
      { kind: 'escalation', to, text: texts.escalation(this.label, s.due!, s.assignee, e.level, e.repeat), actions: managerActions(this.task.ref) },
      { kind: 'overdue', to: s.assignee, text: texts.overdueToAssignee(this.label, s.due!, to), actions: staffActions(this.task.ref) },
    ];
    this.record(now, 'escalation', `Quá hạn: báo cáo cấp ${e.level}${e.repeat ? ` (nhắc lại lần ${e.repeat})` : ''} đến ${to.title} ${to.name}; nhắc lại ${s.assignee.name}.`);
    return { notices };
  }

  explanationReminderDue(r: Reminder, now: number): Outcome {
    const s = this.s;
    s.explanation!.ladder.remindersSent.push(r.key);
    const notices: Notice[] = [{ kind: 'reminder', to: s.assignee, text: texts.explanationReminder(this.label, s.explanation!.due), actions: [] }];
    this.record(now, 'explanation-reminder', `Đã nhắc ${s.assignee.name} giải trình.`);
    return { notices };
  }

  explanationEscalationDue(e: Escalation, now: number): Outcome {
    const s = this.s;
    const ex = s.explanation!;
    ex.ladder.escalationLevel = e.level;
    ex.ladder.topRepeats = e.repeat;
    ex.ladder.lastEscalationAt = now;
    const to = escalationTarget(s.chain, e.level);
    const notices: Notice[] = [
      { kind: 'escalation', to, text: texts.explanationEscalation(this.label, s.assignee, ex.due), actions: managerActions(this.task.ref) },
      { kind: 'overdue', to: s.assignee, text: texts.explanationReminder(this.label, ex.due), actions: [] },
    ];
    this.record(now, 'explanation-escalation', `Chưa giải trình: báo cáo cấp ${e.level} đến ${to.title} ${to.name}.`);
    return { notices };
  }

  /** A recurring task's new period: its check-in is the deadline now. */
  cycleOpened(p: { key: string; label: string; start: IsoDate; end: IsoDate; endsAt: number; checkInDue: IsoDate }, now: number): Outcome {
    const s = this.s;
    s.cycle = { key: p.key, label: p.label, start: p.start, end: p.end, endsAt: p.endsAt, checkedIn: false, lateCycles: s.cycle?.lateCycles ?? 0 };
    s.due = p.checkInDue;
    s.ladder = freshLadder();
    this.record(now, 'cycle', `Bắt đầu kỳ ${p.label}; hạn báo cáo ${formatDate(p.checkInDue)}.`);
    return { notices: [], replan: true };
  }

  /** The period is over: a missing check-in counts against the task. */
  cycleEnded(now: number): void {
    const c = this.s.cycle!;
    if (c.checkedIn) return;
    c.lateCycles++;
    this.record(now, 'cycle-missed', `Kết thúc kỳ ${c.label}: không có báo cáo.`);
  }

  /** No period is left (the plan's end date): the verdict over all periods. */
  finished(now: number): void {
    const s = this.s;
    s.phase = 'done';
    s.status = s.cycle!.lateCycles === 0 ? 'done_on_time' : 'done_late';
    this.record(now, 'finished', `Kết thúc thực hiện nhiệm vụ định kỳ: ${STATUS_LABELS[s.status]}.`);
  }

  /** The plan ended before a recurring task could run one period: nothing to follow. */
  endedBeforeStart(now: number, endDate: IsoDate): void {
    const s = this.s;
    s.phase = 'cancelled';
    s.cancelled = { by: s.chain.director, reason: `kế hoạch đã kết thúc ngày ${formatDate(endDate)}`, at: now };
    this.record(now, 'cancelled', `Không theo dõi: kế hoạch đã kết thúc ngày ${formatDate(endDate)} trước khi nhiệm vụ bắt đầu.`);
  }
}
