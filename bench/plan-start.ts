// `npm run bench -- plan-start --tasks 10000`: how fast a generated plan's task workflows start
// and reach their first timer, against a bare one-timer workflow on the same server in the
// same run, and the worker's memory with all of them open.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActivities } from '../activities/index.js';
import { OutboxNotifier } from '../activities/notifier.js';
import { loadCalendar, loadOrg } from '../client/files.js';
import { startPlan } from '../client/plans.js';
import type { Org } from '../domain/org.js';
import { planSchema, type Plan } from '../domain/plan.js';
import { startDevServer } from '../runtime/dev-server.js';
import { mapLimit } from '../runtime/concurrency.js';
import { ensureSearchAttributes } from '../runtime/temporal.js';
import { ensureTemporalCli } from '../runtime/temporal-cli.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import { createTaskWorker } from '../worker/worker.js';

function generatedPlan(n: number, unitCodes: string[]): Plan {
  return planSchema.parse({
    id: `bench-${Date.now().toString(36)}`,
    title: 'Kế hoạch sinh tự động để đo',
    document: { number: 'BENCH', issuer: 'Sở Nội vụ' },
    tasks: Array.from({ length: n }, (_, i) => ({
      ref: `B.${Math.floor(i / 100) + 1}.(${(i % 100) + 1})`,
      title: `Nhiệm vụ ${i + 1}`,
      content: 'Nội dung sinh tự động.',
      lead: [unitCodes[i % unitCodes.length]],
      // Far enough ahead that nothing fires during the run: every workflow waits on its first timer.
      deadline: { kind: 'date', due: `2027-${String((i % 12) + 1).padStart(2, '0')}-15`, text: 'sinh tự động' },
    })),
  });
}

export async function waitFor(counter: () => number, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (counter() < n) {
    if (Date.now() > deadline) throw new Error(`only ${counter()} of ${n} reached their first timer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A task worker whose activities count the tasks that planned their deadline (reached their first timer). */
export async function countingPlanWorker(o: { native: NativeConnection; client: Client; store: Store; org: Org; dir: string; taskQueue: string }) {
  let planned = 0;
  const activities = createActivities({
    org: o.org,
    calendar: loadCalendar('config/calendar.yaml'),
    client: o.client,
    store: o.store,
    reportsDir: join(o.dir, 'reports'),
    notifier: new OutboxNotifier(o.store, { send: async () => undefined }),
  });
  const planDeadline = activities.planDeadline;
  activities.planDeadline = async (req) => {
    const r = await planDeadline(req);
    planned++;
    return r;
  };
  const worker = await createTaskWorker({ connection: o.native, namespace: 'default', taskQueue: o.taskQueue, activities });
  return { worker, run: worker.run(), planned: () => planned };
}

export async function planStartBench(args: { tasks: number; address?: string }): Promise<Record<string, unknown>> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const server = args.address
    ? undefined
    : await startDevServer({ cli: await ensureTemporalCli(), dbFile: join(dir, 'temporal.sqlite'), port: 7499, uiPort: 0, namespace: 'default' });
  const address = args.address ?? server!.address;
  const connection = await Connection.connect({ address });
  await ensureSearchAttributes(connection, 'default');
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address });
  const org = loadOrg('examples/org-so-noi-vu.yaml');
  const store = new SqliteStore(join(dir, 'state.sqlite'));

  // Baseline: bare workflows, measured the same way (start → first local activity done).
  let pinged = 0;
  const bare = await Worker.create({
    connection: native,
    taskQueue: 'bench-bare',
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    activities: { ping: async () => void pinged++ },
  });
  const bareRun = bare.run();
  let t0 = performance.now();
  await mapLimit(Array.from({ length: args.tasks }, (_, i) => i), 20, (i) =>
    client.workflow.start('bareTimerWorkflow', { workflowId: `bench-bare-${Date.now()}-${i}`, taskQueue: 'bench-bare' }),
  );
  await waitFor(() => pinged, args.tasks, 600_000);
  const bareSeconds = (performance.now() - t0) / 1000;
  bare.shutdown();
  await bareRun;

  // The plan: one task workflow per task, each planning its ladder and waiting on its first timer.
  const counting = await countingPlanWorker({ native, client, store, org, dir, taskQueue: 'bench-plan' });
  const worker = counting.worker;
  const run = counting.run;
  const planned = () => counting.planned();
  const plan = generatedPlan(args.tasks, org.units.map((u) => u.code));
  const rssBefore = process.memoryUsage().rss;
  t0 = performance.now();
  await startPlan(client, store, org, plan, 'bench-plan', { concurrency: 20 });
  await waitFor(planned, args.tasks, 1_200_000);
  const planSeconds = (performance.now() - t0) / 1000;
  const rss = process.memoryUsage().rss;

  worker.shutdown();
  await run;
  await native.close();
  await connection.close();
  await server?.stop();
  await store.close();

  const result = {
    bench: 'plan-start',
    tasks: args.tasks,
    bareTimerWorkflowsPerSecond: +(args.tasks / bareSeconds).toFixed(1),
    planTasksPerSecond: +(args.tasks / planSeconds).toFixed(1),
    ratioPlanToBare: +(bareSeconds / planSeconds).toFixed(3),
    workerRssMiBWithAllOpen: Math.round(rss / 2 ** 20),
    workerRssMiBBeforePlan: Math.round(rssBefore / 2 ** 20),
    cores: (await import('node:os')).cpus().length,
    node: process.version,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/plan-start.json', JSON.stringify(result, null, 2));
  return result;
}
