// Date arithmetic the workflows ask for. Workflows only hold instants; the calendar, the
// ladder and the business clock live here so the workflow code stays deterministic and thin.
import { addDays, businessDateOf, WorkingCalendar, type CalendarConfig, type IsoDate } from '../domain/calendar.js';
import { REAL_TIME, type BusinessClock } from '../domain/clock.js';
import { firstOpenPeriod, periodLabel, periodOf, type Period } from '../domain/cycle.js';
import { afterWorkingDays, dueInstant, planLadder, type Ladder, type LadderState } from '../domain/ladder.js';
import type { Cycle } from '../domain/plan.js';
import type { Policy } from '../domain/policy.js';

export interface ScheduleContext {
  /** The agency's calendar table (config/calendar.yaml); a plan's policy adds to it. */
  calendar: CalendarConfig;
  clock?: BusinessClock;
  now?: () => number;
}

export interface OpenPeriod extends Period {
  label: string;
  /** Real instant at which the period is over. */
  endsAt: number;
}

export function createScheduleActivities(ctx: ScheduleContext) {
  const clock = ctx.clock ?? REAL_TIME;
  const realNow = ctx.now ?? Date.now;
  const cache = new Map<string, WorkingCalendar>();

  function calendarFor(policy: Policy): WorkingCalendar {
    const key = JSON.stringify(policy.calendar);
    let cal = cache.get(key);
    if (!cal) {
      cal = new WorkingCalendar({
        officeHours: policy.calendar.officeHours ?? ctx.calendar.officeHours,
        overrides: {
          holidays: [...ctx.calendar.overrides.holidays, ...policy.calendar.extraHolidays],
          workdays: [...ctx.calendar.overrides.workdays, ...policy.calendar.extraWorkdays],
        },
      });
      cache.set(key, cal);
    }
    return cal;
  }

  const toReal = (b: number) => clock.toReal(b);

  return {
    /** The remaining reminders and escalations of a due date, as real instants. */
    async planDeadline(req: { due: IsoDate; policy: Policy; ladder: LadderState }): Promise<Ladder> {
      const cal = calendarFor(req.policy);
      const state: LadderState = {
        ...req.ladder,
        ...(req.ladder.lastEscalationAt !== undefined ? { lastEscalationAt: clock.toBusiness(req.ladder.lastEscalationAt) } : {}),
      };
      const l = planLadder(cal, req.due, req.policy, state, clock.toBusiness(realNow()));
      return {
        dueSoonAt: toReal(l.dueSoonAt),
        dueAt: toReal(l.dueAt),
        reminders: l.reminders.map((r) => ({ ...r, at: toReal(r.at) })),
        escalations: l.escalations.map((e) => ({ ...e, at: toReal(e.at) })),
      };
    },

    /** The office opening `n` working days from now, and its business date. */
    async workingDaysAhead(req: { n: number; policy: Policy }): Promise<{ date: IsoDate; at: number }> {
      const at = afterWorkingDays(calendarFor(req.policy), clock.toBusiness(realNow()), req.n);
      return { date: businessDateOf(at), at: toReal(at) };
    },

    /** The next reporting period of a recurring task; null once the task's end date is behind it. */
    async openPeriod(req: { cycle: Cycle; day: number; afterEnd?: IsoDate; endDate?: IsoDate }): Promise<OpenPeriod | null> {
      const today = businessDateOf(clock.toBusiness(realNow()));
      const period = req.afterEnd ? periodOf(req.cycle, addDays(req.afterEnd, 1), req.day) : firstOpenPeriod(req.cycle, today, req.day);
      if (req.endDate && period.start > req.endDate) return null;
      return { ...period, label: periodLabel(period), endsAt: toReal(dueInstant(period.end)) };
    },
  };
}

export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
