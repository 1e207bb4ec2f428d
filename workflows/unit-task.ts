// One unit's share of a plan task, wired to Temporal: the handlers, the wake-up loop and
// continue-as-new. What each action and each wake-up does is domain/task-rules.ts; every date
// computation is a (local) activity. This code holds the state, the instants and the sends.
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
import { chainAbove, type Action } from '../domain/authz.js';
import type { Ladder } from '../domain/ladder.js';
import { KIND_SUMMARIES, deliveryLines, type NotificationKind, type QuickAction } from '../domain/notification.js';
import type { PersonRef } from '../domain/org.js';
import { STATUS_LABELS, type TaskStatus } from '../domain/status.js';
import { nextVersion, rowContent, startingRecord, taskRecordOf } from '../domain/task-record.js';
import { viewOf, type UnitTaskInput, type UnitTaskState, type UnitTaskView } from '../domain/task.js';
import { check, initialState, isRecurring, reassignRefusal, statusAt, UnitTaskRules, type ActionArgs, type Outcome, type Refusal } from '../domain/task-rules.js';
import * as msg from './messages.js';
import { alreadyHeld, initialUnitTaskAttributes, unitTaskAttributesOf } from './search-attributes.js';

const schedule = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });
// The read model's write runs beside the workflow task (no extra round trip); retried until the store takes it.
const readModel = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });
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

/** A refused action fails its update before anything changes: Vietnamese message, English detail. */
function refuse(r: Refusal): never {
  throw ApplicationFailure.create({ type: msg.REFUSED, message: r.vi, details: [r.en], nonRetryable: true });
}

export async function unitTaskWorkflow(input: UnitTaskInput & { cyclesPerRun?: number }): Promise<UnitTaskResult> {
  const { workflowId } = workflowInfo();
  const s: UnitTaskState = input.carried ?? initialState(input);
  const rules = new UnitTaskRules(s, input.task, input.policy);
  const deadline = input.task.deadline;
  const recurring = isRecurring(input.task);
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
  /** The content of the read-model row last written in this run. */
  let written = '';

  // A start that carried the task's search attributes (client/plans.ts) was made for this code, as
  // its history shows on every replay: its first workflow task upserts nothing, asks for no patch
  // (each costs a marker and an upsert) and writes the row once, after the deadline is planned.
  const leanStart = !input.carried && alreadyHeld(initialUnitTaskAttributes(input), workflowInfo().typedSearchAttributes);
  // Its starter wrote its first row (client/plans.ts): the workflow writes when the row would
  // change, so a task whose planned deadline leaves it "not due" writes nothing in its first task.
  if (leanStart && input.rowByStarter) written = rowContent(startingRecord(input, workflowId, Date.now()));

  const changed = () => void version++;
  const over = () => s.phase === 'done' || s.phase === 'cancelled';
  const record = (kind: string, text: string) => rules.record(Date.now(), kind, text);

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

  /** Carries out what the rules decided: the sends in their order, and what to plan again. */
  function apply(o: Outcome): void {
    for (const n of o.notices) send(n.kind, n.to, n.text, n.actions);
    if (o.replan) replan = true;
    if (o.replanExplanation) replanExplanation = true;
    if (o.explanationClosed) explanationLadder = undefined;
  }

  /** An update's end: apply, wake the loop, answer with the task as it now is. */
  function settle(o: Outcome): UnitTaskView {
    apply(o);
    changed();
    return view();
  }

  function view(): UnitTaskView {
    return viewOf(input, s, workflowId, statusAt(s, ladder, Date.now()));
  }

  /**
   * Recomputes the status; on any change upserts search attributes and tells the parent. `rowFollows`:
   * the loop plans the deadline and publishes again in this same workflow task, so the row is written then.
   */
  function publish(rowFollows = false): void {
    const status = statusAt(s, ladder, Date.now());
    if (status !== s.status) record('status', `Trạng thái: ${STATUS_LABELS[status]}.`);
    s.status = status;
    const attributes = unitTaskAttributesOf(input.planId, input.task.ref, s, status);
    const snapshot = JSON.stringify(attributes.map((a) => a.value));
    if (snapshot !== published) {
      const first = published === '';
      published = snapshot;
      if (!(first && leanStart && alreadyHeld(attributes, workflowInfo().typedSearchAttributes))) upsertSearchAttributes(attributes);
      if (input.parentWorkflowId) {
        const parent = getExternalWorkflowHandle(input.parentWorkflowId);
        pending.push(parent.signal(msg.unitStatusChanged, { unit: s.chain.unit.code, workflowId, status }).catch(() => undefined));
      }
    }
    // The read model's row changes with more than the search attributes (a progress report changes
    // what a report says): it is written whenever what it holds changes.
    if ((leanStart || patched('task-read-model')) && !rowFollows) {
      const now = Date.now();
      const row = taskRecordOf(view(), now, 0);
      const content = rowContent(row);
      if (content !== written) {
        written = content;
        s.recorded = nextVersion(s.recorded, now);
        pending.push(readModel.recordTask({ ...row, version: s.recorded }));
      }
    }
  }

  /** The update's validator: the rules' refusal, thrown before anything changes. */
  const checked = <K extends Action>(action: K) => ({
    validator: (a: ActionArgs[K]) => {
      const no = check(action, s, a, input.task);
      if (no) refuse(no);
    },
  });

  // ---- queries, signals and updates ----

  setHandler(msg.getTaskState, view);
  setHandler(msg.deliveryReported, ({ lines }) => {
    for (const line of lines.slice(0, 10)) record('delivery', line.slice(0, 1000));
  });

  setHandler(msg.acknowledge, (a) => settle(rules.acknowledge(a, Date.now())), checked('acknowledge'));
  setHandler(
    msg.reportProgress,
    async (a) => {
      const o = rules.reportProgress(a, Date.now(), ladder);
      if (!o.quiet) return settle(o);
      const quiet = await schedule.workingDaysAhead({ n: input.policy.progressQuietWorkingDays, policy: input.policy });
      return settle(rules.quietUntil(quiet.date));
    },
    checked('reportProgress'),
  );
  setHandler(msg.reportCompletion, (a) => settle(rules.reportCompletion(a, Date.now(), ladder)), checked('reportCompletion'));
  setHandler(msg.attachEvidence, (a) => settle(rules.attachEvidence(a, Date.now())), checked('attachEvidence'));
  setHandler(msg.approveCompletion, (a) => settle(rules.approveCompletion(a, Date.now(), ladder)), checked('approveCompletion'));
  setHandler(msg.rejectCompletion, (a) => settle(rules.rejectCompletion(a, Date.now(), ladder)), checked('rejectCompletion'));
  setHandler(msg.requestExtension, (a) => settle(rules.requestExtension(a, Date.now())), checked('requestExtension'));
  setHandler(
    msg.decideExtension,
    async (a) => {
      settle(rules.decideExtension(a, Date.now()));
      // The answer states the status under the new deadline, once the main loop has planned it.
      if (a.approve && patched('extension-answer-after-replan')) await condition(() => !replan && !planning);
      return view();
    },
    checked('decideExtension'),
  );
  setHandler(
    msg.reassign,
    async (a) => {
      const unit = a.unit ?? s.chain.unit.code;
      const chain = unit === s.chain.unit.code ? s.chain : await resolveChain(unit);
      const no = reassignRefusal(s, a, chain ?? undefined);
      if (no) refuse(no);
      return settle(rules.reassign(a, Date.now(), chain!));
    },
    checked('reassign'),
  );
  setHandler(
    msg.requestExplanation,
    async (a) => {
      const due = await schedule.workingDaysAhead({ n: input.policy.explanationWorkingDays, policy: input.policy });
      return settle(rules.requestExplanation(a, Date.now(), due.date));
    },
    checked('requestExplanation'),
  );
  setHandler(msg.answerExplanation, (a) => settle(rules.answerExplanation(a, Date.now())), checked('answerExplanation'));
  setHandler(msg.activate, (a) => settle(rules.activate(a, Date.now())), checked('activate'));
  setHandler(msg.cancel, (a) => settle(rules.cancel(a, Date.now())), checked('cancel'));

  // ---- what the clock does ----

  async function openCycle(afterEnd?: string): Promise<boolean> {
    const p = await schedule.openPeriod({ cycle, day: cycleDay, ...(afterEnd ? { afterEnd } : {}), ...(input.endDate ? { endDate: input.endDate } : {}) });
    if (!p) return false;
    apply(rules.cycleOpened(p, Date.now()));
    return true;
  }

  async function closeCycle(): Promise<void> {
    const c = s.cycle!;
    rules.cycleEnded(Date.now());
    cyclesThisRun++;
    if (!(await openCycle(c.end))) rules.finished(Date.now());
  }

  interface Wake {
    at: number;
    fire: () => void | Promise<void>;
  }

  function nextWake(): Wake | undefined {
    const wakes: Wake[] = [];
    if (s.phase === 'active' && ladder && !s.cycle?.checkedIn) {
      const l = ladder;
      if (s.status === 'not_due') wakes.push({ at: l.dueSoonAt, fire: () => undefined });
      if (s.status !== 'overdue') wakes.push({ at: l.dueAt, fire: () => undefined });
      const r = l.reminders[0];
      if (r) wakes.push({ at: r.at, fire: () => (l.reminders.shift(), apply(rules.reminderDue(r, Date.now()))) });
      const e = l.escalations[0];
      if (e) wakes.push({ at: e.at, fire: () => (l.escalations.shift(), apply(rules.escalationDue(e, Date.now()))) });
    }
    if (explanationLadder && !over()) {
      const l = explanationLadder;
      const r = l.reminders[0];
      if (r) wakes.push({ at: r.at, fire: () => (l.reminders.shift(), apply(rules.explanationReminderDue(r, Date.now()))) });
      const e = l.escalations[0];
      if (e) wakes.push({ at: e.at, fire: () => (l.escalations.shift(), apply(rules.explanationEscalationDue(e, Date.now()))) });
    }
    if (s.cycle && s.phase === 'active') wakes.push({ at: s.cycle.endsAt, fire: closeCycle });
    return wakes.sort((a, b) => a.at - b.at)[0];
  }

  // ---- main loop ----

  if (!input.carried) record('started', `Bắt đầu theo dõi nhiệm vụ; người được giao: ${s.assignee.name}; thời hạn: ${input.task.deadline.text}.`);
  // An active task goes straight into the loop, which publishes before it waits on anything.
  publish(leanStart && s.phase === 'active');
  if (s.phase === 'waiting') await condition(() => s.phase !== 'waiting');

  while (!over()) {
    if (recurring && !s.cycle && !(await openCycle())) {
      rules.endedBeforeStart(Date.now(), input.endDate!);
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
