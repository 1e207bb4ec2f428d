// The reminder and escalation ladder of one deadline, as instants (business time, epoch ms).
// Pure: given the deadline, the policy, the calendar and what has already happened,
// it says when each remaining reminder and escalation falls.
import { addDays, businessDateOf, toInstant, type IsoDate, type WorkingCalendar } from './calendar.js';
import type { Chain, PersonRef } from './org.js';
import type { Policy } from './policy.js';

export type EscalationLevel = 0 | 1 | 2 | 3;

export interface LadderState {
  /** Reminder keys already sent for this due date ("before-7", "due-morning"). */
  remindersSent: string[];
  /** Reminders on business dates before this one are skipped (a progress report postpones them). */
  quietUntil?: IsoDate;
  /** Highest escalation level reached, and how often the top level was repeated. */
  escalationLevel: EscalationLevel;
  topRepeats: number;
  /** When the last escalation fired; later levels count working days from it. */
  lastEscalationAt?: number;
}

export interface Reminder {
  at: number;
  key: string;
  /** Working days left until the due date; 0 on the due morning. */
  daysLeft: number;
  /** False when the due date is a day off and this is the last working morning before it. */
  onDueDate: boolean;
}

export interface Escalation {
  at: number;
  level: 1 | 2 | 3;
  /** 0 for the first time a level is reached; 1.. for repeats at the top. */
  repeat: number;
  key: string;
}

export interface Ladder {
  /** From here the status reads "sắp đến hạn". */
  dueSoonAt: number;
  /** End of the due date: from here the task is overdue. */
  dueAt: number;
  reminders: Reminder[];
  escalations: Escalation[];
}

/** Instant at which a due date has passed: midnight after it, local time. */
export function dueInstant(due: IsoDate): number {
  return toInstant(addDays(due, 1), '00:00');
}

export function planLadder(cal: WorkingCalendar, due: IsoDate, policy: Policy, state: LadderState, now: number): Ladder {
  const dueAt = dueInstant(due);
  // A due date on a day off counts back from the last working day before it.
  const lastWorkingDay = cal.isWorkingDay(due) ? due : cal.addWorkingDays(due, -1);
  const soonDays = policy.dueSoonWorkingDays;
  const dueSoonAt = cal.officeStart(soonDays === 0 ? lastWorkingDay : cal.addWorkingDays(due, -soonDays));
  const sent = new Set(state.remindersSent);

  const candidates: Reminder[] = policy.reminders.workingDaysBefore.map((n) => ({
    at: cal.officeStart(cal.addWorkingDays(due, -n)),
    key: `before-${n}`,
    daysLeft: n,
    onDueDate: false,
  }));
  if (policy.reminders.dueMorning) {
    // A due date on a day off is reminded on the last working day before it.
    candidates.push({ at: cal.officeStart(lastWorkingDay), key: 'due-morning', daysLeft: 0, onDueDate: lastWorkingDay === due });
  }
  const reminders = dedupeByInstant(candidates)
    .filter((r) => !sent.has(r.key) && r.at >= now && r.at < dueAt)
    .filter((r) => state.quietUntil === undefined || businessDateOf(r.at) >= state.quietUntil)
    .sort((a, b) => a.at - b.at);

  return { dueSoonAt, dueAt, reminders, escalations: planEscalations(cal, dueAt, policy, state, now) };
}

function planEscalations(cal: WorkingCalendar, dueAt: number, policy: Policy, state: LadderState, now: number): Escalation[] {
  const step = policy.escalation.stepWorkingDays;
  const out: Escalation[] = [];
  let level = state.escalationLevel;
  let repeats = state.topRepeats;
  // The first level fires at the first office moment after the deadline (or now, if planned late).
  let at = level === 0 ? cal.nextOfficeInstant(Math.max(dueAt, now)) : afterWorkingDays(cal, state.lastEscalationAt ?? now, step);
  for (;;) {
    if (level < 3) {
      level = (level + 1) as EscalationLevel;
      out.push({ at, level: level as 1 | 2 | 3, repeat: 0, key: `level-${level}` });
    } else if (repeats < policy.escalation.repeatCap) {
      repeats++;
      out.push({ at, level: 3, repeat: repeats, key: `level-3-repeat-${repeats}` });
    } else {
      return out;
    }
    at = afterWorkingDays(cal, at, step);
  }
}

/** Office opening `n` working days after the business date of `instant`. */
export function afterWorkingDays(cal: WorkingCalendar, instant: number, n: number): number {
  return cal.officeStart(cal.addWorkingDays(businessDateOf(instant), n));
}

function dedupeByInstant(rs: Reminder[]): Reminder[] {
  const byAt = new Map<number, Reminder>();
  for (const r of rs) {
    const prev = byAt.get(r.at);
    if (!prev || r.daysLeft < prev.daysLeft) byAt.set(r.at, r);
  }
  return [...byAt.values()];
}

/** Who an escalation level goes to: the unit head, the Phó Giám đốc in charge (or the Giám đốc), the Giám đốc. */
export function escalationTarget(chain: Chain, level: 1 | 2 | 3): PersonRef {
  if (level === 1) return chain.head;
  if (level === 2) return chain.deputy ?? chain.director;
  return chain.director;
}
