// Task workers in processes of their own (tests/helpers/worker-process.ts, as bundled once for the
// run: plain `node`, see helpers/node-bundle.ts), started and killed with SIGKILL by tests that
// prove a crash loses nothing. Processes still alive when a test ends are killed by killAll(), or
// they keep vitest from exiting.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
import type { BusinessClock } from '../../domain/clock.js';
import { BUSINESS_ORIGIN, CALENDAR_RULES } from './harness.js';
import { officeClock } from './office-clock.js';

const alive = new Set<ChildProcess>();

/** A worker process's settings; the business clock starts now and survives its restarts. */
export function workerEnv(address: string, taskQueue: string, storeFile: string): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: address,
    TASK_QUEUE: taskQueue,
    STORE_FILE: storeFile,
    REAL_ORIGIN: String(Date.now()),
    BUSINESS_ORIGIN: String(BUSINESS_ORIGIN),
    SECONDS_PER_DAY: '2',
    BUNDLE_PATH: inject('workflowBundlePath'),
  };
}

/**
 * Like workerEnv, but business time starts when the test calls startClock (once a worker is up,
 * however slow the machine), and nights and weekends pass `offHoursSpeedup` times faster than
 * office hours (helpers/office-clock.ts).
 */
export function officeWorkerEnv(address: string, taskQueue: string, storeFile: string, offHoursSpeedup: number): Record<string, string> {
  const { REAL_ORIGIN: _, ...env } = workerEnv(address, taskQueue, storeFile);
  return { ...env, REAL_ORIGIN_FILE: join(dirname(storeFile), 'real-origin'), OFF_HOURS_SPEEDUP: String(offHoursSpeedup) };
}

/** Business time of the workers of `env` (officeWorkerEnv) reaches its origin `leadMs` from now; their clock. */
export function startClock(env: Record<string, string>, leadMs = 1000): BusinessClock {
  const realOrigin = Date.now() + leadMs;
  writeFileSync(env.REAL_ORIGIN_FILE!, String(realOrigin));
  return officeClock({
    realOrigin,
    businessOrigin: Number(env.BUSINESS_ORIGIN),
    speed: 86_400 / Number(env.SECONDS_PER_DAY),
    calendar: CALENDAR_RULES,
    offHoursSpeedup: Number(env.OFF_HOURS_SPEEDUP ?? 1),
  });
}

export function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [inject('bundledWorkerProcess')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  alive.add(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('worker ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
  });
}

export function kill(child: ChildProcess): Promise<void> {
  alive.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function killAll(): Promise<void> {
  await Promise.all([...alive].map(kill));
}
