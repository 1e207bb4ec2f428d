// `npm run bench -- plan-start --tasks 10000`: how fast a generated plan's task workflows start
// and reach their first timer, against a bare one-timer workflow on the same server in the
// same run, and the worker's memory with all of them open.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { createActivities } from '../activities/index.js';
import { OutboxNotifier } from '../activities/notifier.js';
import { loadCalendar, loadOrg } from '../client/files.js';
import { startPlan } from '../client/plans.js';
import { actOnTask } from '../client/tasks.js';
import { progressLine } from '../domain/plan-start.js';
import { WORKER_CACHE_DEFAULT } from '../runtime/config.js';
import type { Org } from '../domain/org.js';
import { planSchema, type Plan } from '../domain/plan.js';
import { startDevServer } from '../runtime/dev-server.js';
import { mapLimit } from '../runtime/concurrency.js';
import { ensureSearchAttributes } from '../runtime/temporal.js';
import { ensureTemporalCli } from '../runtime/temporal-cli.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import { nodeFlagsOf } from '../scripts/node-flags.js';
import { createTaskWorker, writeWorkflowBundle, type TaskWorkerOptions } from '../worker/worker.js';
import { machineBusyCpuMs, ownCpuMs, processTreeCpuMs } from './process-cpu.js';

function generatedPlan(id: string, first: number, n: number, unitCodes: string[]): Plan {
  return planSchema.parse({
    id,
    title: 'Kế hoạch sinh tự động để đo',
    document: { number: 'BENCH', issuer: 'Sở Nội vụ' },
    tasks: Array.from({ length: n }, (_, k) => {
      const i = first + k;
      return {
        ref: `B.${Math.floor(i / 100) + 1}.(${(i % 100) + 1})`,
        title: `Nhiệm vụ ${i + 1}`,
        content: 'Nội dung sinh tự động.',
        lead: [unitCodes[i % unitCodes.length]],
        // Far enough ahead that nothing fires during the run: every workflow waits on its first timer.
        deadline: { kind: 'date', due: `2027-${String((i % 12) + 1).padStart(2, '0')}-15`, text: 'sinh tự động' },
      };
    }),
  });
}

/** `n` split into `parts` near-equal chunks, largest first. */
function chunksOf(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, k) => Math.floor(n / parts) + (k < n % parts ? 1 : 0));
}

/**
 * The order of the measured chunks: bare and plan in mirrored pairs (B P, P B, B P …), so that a
 * server slowing as it fills (or the machine's pace drifting) weighs on both alike.
 */
function interleaved(rounds: number): ('bare' | 'plan')[] {
  return Array.from({ length: rounds }, (_, k) => (k % 2 === 0 ? (['bare', 'plan'] as const) : (['plan', 'bare'] as const))).flat();
}

export async function waitFor(counter: () => number | Promise<number>, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await counter()) < n) {
    if (Date.now() > deadline) throw new Error(`only ${await counter()} of ${n} reached their first timer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A task worker whose activities count the tasks that planned their deadline (reached their first timer). */
export async function countingPlanWorker(o: {
  native: NativeConnection;
  client: Client;
  store: Store;
  org: Org;
  dir: string;
  taskQueue: string;
  tuning?: TaskWorkerOptions['tuning'];
  workflowBundle?: TaskWorkerOptions['workflowBundle'];
}) {
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
  const worker = await createTaskWorker({ connection: o.native, namespace: 'default', taskQueue: o.taskQueue, activities, ...(o.tuning ? { tuning: o.tuning } : {}), ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : {}) });
  return { worker, run: worker.run(), planned: () => planned };
}

/** A worker process of bench/worker-process.ts and the last figures it printed. */
interface WorkerProcess {
  last: { count: number; rss: number; heap: number; cpuMs: number };
  pid: number;
  stop(): Promise<void>;
}

function spawnWorker(flags: string[], env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'bench/worker-process.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const w: WorkerProcess = {
      last: { count: 0, rss: 0, heap: 0, cpuMs: 0 },
      pid: child.pid!,
      stop: () =>
        new Promise((r) => {
          if (child.exitCode !== null) return r();
          child.once('exit', () => r());
          child.kill('SIGTERM');
        }),
    };
    let buffered = '';
    child.stdout!.on('data', (b: Buffer) => {
      buffered += b.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      // The figures; anything else the worker prints (V8's --trace-gc, say) goes on to stderr.
      for (const line of lines) if (line.startsWith('{')) w.last = JSON.parse(line) as WorkerProcess['last'];
      else if (line) process.stderr.write(`[${env.KIND} worker] ${line}\n`);
      resolve(w);
    });
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

export interface PlanStartBenchArgs {
  tasks: number;
  /** An existing Temporal server (default: a fresh embedded one). */
  address?: string;
  /** The plan worker's sticky cache (default: the configuration's default). */
  cache?: number;
  /** Start requests in flight, for both runs. */
  concurrency?: number;
  /** Chunks of each kind, measured in mirrored pairs (bare, plan, plan, bare …); 1: all bare, then all plan. */
  rounds?: number;
  /** Workflows woken at once, from the cache and from history. */
  wake?: number;
  /** false: the worker bundles the workflow code itself at start (as `npm start` does). */
  prebundled?: boolean;
  /** Node's flags for both worker processes (V8's heap sizes, for instance), space-separated; default: `npm run worker`'s. */
  workerNodeFlags?: string;
}

export async function planStartBench(args: PlanStartBenchArgs): Promise<Record<string, unknown>> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cache = args.cache ?? WORKER_CACHE_DEFAULT;
  const concurrency = args.concurrency ?? 20;
  const wake = Math.min(args.wake ?? 1000, Math.floor(args.tasks / 2));
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const server = args.address
    ? undefined
    : await startDevServer({ cli: await ensureTemporalCli(), dbFile: join(dir, 'temporal.sqlite'), port: 7499, uiPort: 0, namespace: 'default' });
  const address = args.address ?? server!.address;
  const connection = await Connection.connect({ address });
  await ensureSearchAttributes(connection, 'default');
  const client = new Client({ connection });
  const org = loadOrg('examples/org-so-noi-vu.yaml');
  const storeFile = join(dir, 'state.sqlite');
  const store = new SqliteStore(storeFile);
  const runId = Date.now().toString(36);
  const log = (m: string) => console.error(`[plan-start ${new Date().toISOString().slice(11, 19)}] ${m}`);

  // Both workers in processes of their own, up before anything is measured: the bare one-timer
  // workflow (the baseline) and the task workflows with the real activities.
  const bareQueue = `bench-bare-${runId}`;
  const planQueue = `bench-plan-${runId}`;
  const nodeFlags = args.workerNodeFlags ?? nodeFlagsOf('worker').join(' ');
  const flags = nodeFlags.split(' ').filter(Boolean);
  const bare = await spawnWorker(flags, { KIND: 'bare', TEMPORAL_ADDRESS: address, TASK_QUEUE: bareQueue, CACHE: String(cache) });
  // Bundled here, as a deployment bundles it before the workers start (webpack in a worker process stays in its memory).
  const bundle = join(dir, 'workflows.js');
  await writeWorkflowBundle(bundle, { quiet: true });
  const worker = await spawnWorker(flags, { KIND: 'plan', TEMPORAL_ADDRESS: address, TASK_QUEUE: planQueue, CACHE: String(cache), STORE_FILE: storeFile, ...(args.prebundled === false ? {} : { WORKFLOW_BUNDLE: bundle }) });
  const rssIdle = worker.last.rss;

  // The tasks in `rounds` chunks of each kind, measured in mirrored pairs; a plan chunk is a plan of its own.
  const rounds = Math.max(1, Math.min(args.rounds ?? 2, args.tasks));
  const sizes = chunksOf(args.tasks, rounds);
  const firstOf = (k: number) => sizes.slice(0, k).reduce((a, b) => a + b, 0);
  const units = org.units.map((u) => u.code);
  const plans = sizes.map((n, k) => generatedPlan(`bench-${runId}-${k + 1}`, firstOf(k), n, units));
  const spent = { bare: { seconds: 0, cpuMs: 0, serverCpuMs: 0, clientCpuMs: 0, machineCpuMs: 0, done: 0, chunk: 0 }, plan: { seconds: 0, cpuMs: 0, serverCpuMs: 0, clientCpuMs: 0, machineCpuMs: 0, done: 0, chunk: 0 } };
  const serverPid = server?.process.pid;
  const chunkSeconds: string[] = [];
  let startRequestsSeconds = 0;
  for (const kind of interleaved(rounds)) {
    const w = kind === 'bare' ? bare : worker;
    const k = spent[kind].chunk++;
    const n = sizes[k]!;
    const cpu0 = w.last.cpuMs;
    const [server0, client0, machine0] = [serverPid ? processTreeCpuMs(serverPid) : 0, ownCpuMs(), machineBusyCpuMs()];
    const t0 = performance.now();
    if (kind === 'bare') {
      await mapLimit(Array.from({ length: n }, (_, i) => firstOf(k) + i), concurrency, (i) => client.workflow.start('bareTimerWorkflow', { workflowId: `bench-bare-${runId}-${i}`, taskQueue: bareQueue }));
    } else {
      let shown = 0;
      await startPlan(client, store, org, plans[k]!, planQueue, {
        concurrency,
        onProgress: (p) => {
          if (p.started + p.existing - shown >= n / 5) (shown = p.started + p.existing), log(`plan ${k + 1}/${rounds}: ${progressLine(p, Date.now())}`);
        },
      });
      startRequestsSeconds += (performance.now() - t0) / 1000;
    }
    spent[kind].done += n;
    await waitFor(() => w.last.count, spent[kind].done, 1_800_000);
    const seconds = (performance.now() - t0) / 1000;
    spent[kind].seconds += seconds;
    spent[kind].cpuMs += w.last.cpuMs - cpu0;
    spent[kind].serverCpuMs += (serverPid ? processTreeCpuMs(serverPid) : 0) - server0;
    spent[kind].clientCpuMs += ownCpuMs() - client0;
    spent[kind].machineCpuMs += machineBusyCpuMs() - machine0;
    chunkSeconds.push(`${kind} ${n}: ${seconds.toFixed(1)} s`);
    log(`${kind} ${k + 1}/${rounds}: ${n} in ${seconds.toFixed(1)} s`);
  }
  const bareRss = bare.last.rss;
  await bare.stop();
  const anyPlan = { any: plans.map((p) => ({ planId: p.id })) };
  await waitFor(async () => (await store.taskSummary(anyPlan)).tallies.reduce((n, t) => n + t.count, 0), args.tasks, 600_000);
  await new Promise((r) => setTimeout(r, 2000));
  const rssAllOpen = worker.last;

  // A mass office opening: `wake` workflows act at once. The last started are in the cache; the
  // first started were evicted (when the cache is smaller than the plan) and replay their history.
  const rows = (await Promise.all(plans.map((p) => store.taskFind({ planId: p.id }, { order: 'ref' })))).flat();
  const wakeAll = async (group: typeof rows) => {
    const s0 = performance.now();
    await mapLimit(group, 100, (r) => actOnTask(client, r.workflowId, 'acknowledge', { actor: r.assignee }));
    return +((performance.now() - s0) / 1000).toFixed(2);
  };
  const warmSeconds = await wakeAll(rows.slice(-wake));
  const coldSeconds = await wakeAll(rows.slice(0, wake));
  const rssAfterWake = worker.last;
  await worker.stop();
  await connection.close();
  await server?.stop();
  await store.close();

  const result = {
    bench: 'plan-start',
    tasks: args.tasks,
    server: args.address ? `Temporal server at ${args.address}` : 'embedded dev server',
    concurrency,
    cachedWorkflows: cache,
    workflowCode: args.prebundled === false ? 'bundled by the worker at start' : 'bundled beforehand',
    workerNodeFlags: nodeFlags,
    rounds,
    chunks: chunkSeconds,
    bareTimerWorkflowsPerSecond: +(args.tasks / spent.bare.seconds).toFixed(1),
    planTasksPerSecond: +(args.tasks / spent.plan.seconds).toFixed(1),
    ratioPlanToBare: +(spent.bare.seconds / spent.plan.seconds).toFixed(3),
    planStartRequestsSeconds: +startRequestsSeconds.toFixed(1),
    // The worker process's CPU (all its threads) per workflow brought to its first timer, over its chunks only.
    workerCpuMsPerTask: { bare: +(spent.bare.cpuMs / args.tasks).toFixed(2), plan: +(spent.plan.cpuMs / args.tasks).toFixed(2) },
    // The same for the embedded server (its process tree) and for this process, which sends the start requests (and for the plan, saves its progress).
    ...(serverPid ? { serverCpuMsPerTask: { bare: +(spent.bare.serverCpuMs / args.tasks).toFixed(2), plan: +(spent.plan.serverCpuMs / args.tasks).toFixed(2) } } : {}),
    clientCpuMsPerTask: { bare: +(spent.bare.clientCpuMs / args.tasks).toFixed(2), plan: +(spent.plan.clientCpuMs / args.tasks).toFixed(2) },
    // Every core of the machine (the server and its database included, on --cluster too), and how much of it was busy.
    machineCpuMsPerTask: { bare: +(spent.bare.machineCpuMs / args.tasks).toFixed(2), plan: +(spent.plan.machineCpuMs / args.tasks).toFixed(2) },
    machineBusyShare: { bare: +(spent.bare.machineCpuMs / (spent.bare.seconds * 1000 * cpus().length)).toFixed(2), plan: +(spent.plan.machineCpuMs / (spent.plan.seconds * 1000 * cpus().length)).toFixed(2) },
    workerRssMiB: { bareAllOpen: mib(bareRss), planIdle: mib(rssIdle), planAllOpen: mib(rssAllOpen.rss), planHeapAllOpen: mib(rssAllOpen.heap), planAfterWake: mib(rssAfterWake.rss) },
    wake: { workflows: wake, fromCacheSeconds: warmSeconds, fromHistorySeconds: coldSeconds },
    timing:
      'tasks per second: the first start request of a chunk → every workflow of it has run its first local activity (bare: ping; plan: its deadline planned), ' +
      'summed over the chunks of each kind, measured in mirrored pairs (bare, plan, plan, bare …) so that the server filling up weighs on both; ' +
      'workers in processes of their own; RSS of the worker process; wake: acknowledge updates, 100 in flight, on the last-started (cached) ' +
      'and then the first-started (evicted when the cache is smaller than the plan) workflows.',
    cores: cpus().length,
    node: process.version,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/plan-start-${args.tasks}-cache${cache}${args.address ? "-server" : ""}.json`, JSON.stringify(result, null, 2));
  return result;
}
