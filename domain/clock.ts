// Business time vs real time. In production they are the same; tests and demos run a
// linear warp so that a working day of the policy passes in seconds.
import { addDays, toInstant, type IsoDate } from './calendar.js';

export interface TimeWarp {
  /** A real instant and the business instant it stands for. */
  realOrigin: number;
  businessOrigin: number;
  /** Business milliseconds per real millisecond (e.g. 86_400 / 2 → a day in 2 s). */
  speed: number;
}

export interface BusinessClock {
  toBusiness(real: number): number;
  toReal(business: number): number;
}

export const REAL_TIME: BusinessClock = { toBusiness: (r) => r, toReal: (b) => b };

export function warpedClock(w: TimeWarp): BusinessClock {
  return {
    toBusiness: (r) => w.businessOrigin + (r - w.realOrigin) * w.speed,
    toReal: (b) => Math.round(w.realOrigin + (b - w.businessOrigin) / w.speed),
  };
}

/**
 * Where a demonstration's business time starts: twelve days before the plan's first dated deadline,
 * at 07:00 in Hà Nội, so its reminders, the deadline and every step of escalation come within minutes.
 */
export function demoOrigin(dues: IsoDate[], today: IsoDate): number {
  const first = [...dues].sort()[0] ?? today;
  return toInstant(addDays(first, -12), '07:00');
}
