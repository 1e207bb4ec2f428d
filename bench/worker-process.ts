// A worker for bench/plan-start.ts in a process of its own, so the memory measured is the worker's
// alone. KIND=bare runs bench/workflows.ts; KIND=plan runs the task workflows with the real
// activities (a notifier that sends nothing) on STORE_FILE. CACHE sets the sticky cache (the
// configuration's WORKER_CACHED_WORKFLOWS); WORKFLOW_BUNDLE, workflow code bundled beforehand. Prints {"count","rss","heap","cpuMs"} on stdout every 250 ms: the
// workflows that reached their first timer (the bare ping, or the task's deadline planned).
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrg } from '../client/files.js';
import { SqliteStore } from '../store/sqlite.js';
import { countingPlanWorker } from './plan-start.js';
import { ownCpuMs } from './process-cpu.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

Runtime.install({ logger: new DefaultLogger('WARN') });
const address = env('TEMPORAL_ADDRESS');
const native = await NativeConnection.connect({ address });
const cache = Number(env('CACHE'));
let count: () => number;
let worker: Worker;
let run: Promise<void>;
if (env('KIND') === 'bare') {
  let pinged = 0;
  worker = await Worker.create({
    connection: native,
    taskQueue: env('TASK_QUEUE'),
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    activities: { ping: async () => void pinged++ },
    maxCachedWorkflows: cache,
  });
  run = worker.run();
  count = () => pinged;
} else {
  const store = new SqliteStore(env('STORE_FILE'));
  const client = new Client({ connection: await Connection.connect({ address }) });
  const counting = await countingPlanWorker({ native, client, store, org: loadOrg('examples/org-so-noi-vu.yaml'), dir: dirname(env('STORE_FILE')), taskQueue: env('TASK_QUEUE'), tuning: { maxCachedWorkflows: cache }, ...(process.env.WORKFLOW_BUNDLE ? { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE } } : {}) });
  ({ worker, run } = counting);
  count = counting.planned;
}
const cpuMs = () => Math.round(ownCpuMs());
const report = () => process.stdout.write(`${JSON.stringify({ count: count(), rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, cpuMs: cpuMs() })}\n`);
report();
setInterval(report, 250).unref();
process.on('SIGTERM', () => worker.shutdown());
await run;
