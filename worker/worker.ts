// Wires the task workflows and activities onto a task queue.
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Activities } from '../activities/index.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * The workflow code bundled into `file`, once, before workers start (WORKFLOW_BUNDLE): a worker
 * that bundles it itself keeps webpack's memory for its life. Returns the bundle's size in bytes.
 */
export async function writeWorkflowBundle(file: string, o: { quiet?: boolean } = {}): Promise<number> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...(o.quiet ? { logger: new DefaultLogger('WARN') } : {}) });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  return code.length;
}

export interface TaskWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** Pre-bundled workflow code (tests bundle once); otherwise bundled from workflows/. */
  workflowBundle?: { code: string } | { codePath: string };
  tuning?: Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentLocalActivityExecutions'>;
}

/** The worker's limits from the configuration (runtime/config.ts). */
export function workerTuning(c: { WORKER_CACHED_WORKFLOWS: number; WORKER_WORKFLOW_TASKS: number; WORKER_ACTIVITIES: number; WORKER_LOCAL_ACTIVITIES: number }): NonNullable<TaskWorkerOptions['tuning']> {
  return {
    maxCachedWorkflows: c.WORKER_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: c.WORKER_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: c.WORKER_ACTIVITIES,
    maxConcurrentLocalActivityExecutions: c.WORKER_LOCAL_ACTIVITIES,
  };
}

export async function createTaskWorker(o: TaskWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: o.activities,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...o.tuning,
  });
}
