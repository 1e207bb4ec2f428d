// Task workers in processes of their own (tests/helpers/worker-process.ts), started and killed
// with SIGKILL by tests that prove a crash loses nothing. Processes still alive when a test ends
// are killed by killAll(), or they keep vitest from exiting.
import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import { BUSINESS_ORIGIN } from './harness.js';

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

export function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/worker-process.ts'], {
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
