// (No vitest imports here: the worker process uses it too.)
// A test's business clock whose nights, weekends and holidays pass faster than its office hours.
// Reminders, escalations and people's answers all happen in office hours, which keep the pace a
// test asks for (a working day's office hours last the same real time as with a linear warp); the
// hours when nothing can happen but midnight's "overdue" are crossed quickly. The mapping is
// monotonic and fixed when the clock is made, so business instants keep their order and every
// real instant stands for one business instant, exactly as with domain/clock.ts's linear warp.
import { addDays, businessDateOf, toInstant, WorkingCalendar, type IsoDate } from '../../domain/calendar.js';
import { warpedClock, type BusinessClock, type TimeWarp } from '../../domain/clock.js';

export interface OfficeClockOptions extends TimeWarp {
  calendar: WorkingCalendar;
  /** How many times faster business time runs outside office hours (1: a linear warp). */
  offHoursSpeedup: number;
}

interface Segment {
  /** Business start, real start, and business ms per real ms. */
  business: number;
  real: number;
  speed: number;
}

export function officeClock(o: OfficeClockOptions): BusinessClock {
  if (!(o.offHoursSpeedup >= 1)) throw new Error(`offHoursSpeedup must be at least 1, got ${o.offHoursSpeedup}`);
  if (o.offHoursSpeedup === 1) return warpedClock(o);
  const cal = o.calendar;
  const fast = o.speed * o.offHoursSpeedup;
  // Segments from the origin on, made as far as they are asked for. Before the origin: linear.
  const segments: Segment[] = [];
  let day: IsoDate = businessDateOf(o.businessOrigin);
  let next = { business: o.businessOrigin, real: o.realOrigin };
  const push = (endBusiness: number, speed: number) => {
    if (endBusiness <= next.business) return;
    segments.push({ business: next.business, real: next.real, speed });
    next = { business: endBusiness, real: next.real + (endBusiness - next.business) / speed };
  };
  const extendDay = () => {
    const midnight = toInstant(addDays(day, 1), '00:00');
    if (cal.isWorkingDay(day)) {
      push(cal.officeStart(day), fast);
      push(cal.officeEnd(day), o.speed);
    }
    push(midnight, fast);
    day = addDays(day, 1);
  };
  const upTo = (covered: (s: { business: number; real: number }) => boolean) => {
    while (!covered(next)) extendDay();
  };
  const find = (key: 'business' | 'real', v: number): Segment => {
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]![key] <= v) lo = mid;
      else hi = mid - 1;
    }
    return segments[lo]!;
  };
  return {
    toBusiness(real) {
      if (real <= o.realOrigin) return o.businessOrigin + (real - o.realOrigin) * o.speed;
      upTo((s) => s.real > real);
      const s = find('real', real);
      return s.business + (real - s.real) * s.speed;
    },
    toReal(business) {
      if (business <= o.businessOrigin) return Math.round(o.realOrigin + (business - o.businessOrigin) / o.speed);
      upTo((s) => s.business > business);
      const s = find('business', business);
      return Math.round(s.real + (business - s.business) / s.speed);
    },
  };
}
