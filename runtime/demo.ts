// `npm start -- --demo`: business time runs fast so a newcomer sees the whole ladder play out.
// The warp is kept in the demo's data directory, so a restart goes on from where it was.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { businessDateOf } from '../domain/calendar.js';
import { demoOrigin, warpedClock, type BusinessClock, type TimeWarp } from '../domain/clock.js';
import type { Plan } from '../domain/plan.js';

export function demoClock(dataDir: string, plan: Plan | undefined, secondsPerDay: number): { clock: BusinessClock; warp: TimeWarp } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'demo-clock.json');
  if (existsSync(file)) {
    const warp = JSON.parse(readFileSync(file, 'utf8')) as TimeWarp;
    return { clock: warpedClock(warp), warp };
  }
  const dues = (plan?.tasks ?? []).flatMap((t) => (t.deadline.kind === 'date' ? [t.deadline.due] : []));
  const warp: TimeWarp = { realOrigin: Date.now(), businessOrigin: demoOrigin(dues, businessDateOf(Date.now())), speed: 86_400 / secondsPerDay };
  writeFileSync(file, JSON.stringify(warp));
  return { clock: warpedClock(warp), warp };
}
