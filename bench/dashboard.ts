// `npm run bench -- dashboard [--tasks 10000] [--requests 30] [--via rows|workflows] [--database-url URL]`:
// what the dashboard's pages cost over a large plan, read from the task read model. `--via rows`
// (the default) writes the generated plan's rows straight into the store, as its workflows would;
// `--via workflows` starts the plan on a fresh embedded Temporal server and waits until its
// workflows have written every row (slow: about 6 minutes for 10,000 tasks). The real web app then
// serves, one request at a time over a keep-alive loopback connection, a fixed Vietnamese string
// (the baseline, same run) and each view: all tasks, one unit, overdue, a filter matching
// everything, page 20 of a long list, a text search and the live page's refresh. Store-level
// times (the summary, one page of rows) are kept beside the request times to explain them.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import express from 'express';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrg } from '../client/files.js';
import { startPlan } from '../client/plans.js';
import { actOnTask } from '../client/tasks.js';
import { addDays, businessDateOf } from '../domain/calendar.js';
import { formatDate } from '../domain/notification.js';
import { personRef, type Org } from '../domain/org.js';
import { planSchema, type Plan } from '../domain/plan.js';
import { TASK_STATUSES, type TaskStatus } from '../domain/status.js';
import type { TaskRecord } from '../domain/task-record.js';
import { taskWorkflowId } from '../domain/task.js';
import { mapLimit } from '../runtime/concurrency.js';
import { startDevServer } from '../runtime/dev-server.js';
import { ensureSearchAttributes } from '../runtime/temporal.js';
import { ensureTemporalCli } from '../runtime/temporal-cli.js';
import pg from 'pg';
import { PostgresStore } from '../store/postgres.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import { viewerOf } from '../web/access.js';
import { SESSION_COOKIE } from '../web/auth.js';
import { overviewWhere } from '../web/dashboard.js';
import { createApp } from '../web/server.js';
import { countingPlanWorker, waitFor } from './plan-start.js';
import { processCpuMs } from './process-cpu.js';

const TASK_QUEUE = 'bench-dashboard';
const SECRET = 'a-session-secret-for-the-dashboard-bench';
const DIRECTOR = 'ld.giamdoc';
const HEAD = 'hcth.truong';
const HEAD_UNIT = 'HCTH';
const WARMUP = 3;

const log = (text: string): void => console.error(`[dashboard ${new Date().toISOString().slice(11, 19)}] ${text}`);
const round1 = (x: number): number => Math.round(x * 10) / 10;
const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

// ---------------------------------------------------------------- the generated plan

const TOPICS = [
  'Rà soát, làm sạch dữ liệu dân cư phục vụ cấp thẻ Căn cước',
  'Triển khai dịch vụ công trực tuyến toàn trình liên thông',
  'Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính',
  'Kết nối, chia sẻ dữ liệu cán bộ, công chức với Cơ sở dữ liệu quốc gia',
  'Tuyên truyền, hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức 2',
  'Bảo đảm an toàn, an ninh thông tin hệ thống giải quyết thủ tục hành chính',
  'Cập nhật thông tin thi đua, khen thưởng trên phần mềm quản lý',
  'Chỉnh lý, số hóa tài liệu lưu trữ lịch sử',
];

/** What a task of the generated plan should read once everything has settled. */
type Fate = { status: TaskStatus; report: boolean; approve: boolean };

/**
 * The i-th task's deadline kind and what happens to it: 20 % overdue (1 % of all then reported
 * and approved: done late), 15 % due within a week, 5 % waiting for an event, 60 % later (2 % of
 * all reported done, half of those approved: awaiting approval / done on time).
 */
function fateOf(i: number): Fate {
  const k = i % 20;
  if (k < 4) return i % 100 === 1 ? { status: 'done_late', report: true, approve: true } : { status: 'overdue', report: false, approve: false };
  if (k < 7) return { status: 'due_soon', report: false, approve: false };
  if (k === 7) return { status: 'awaiting_activation', report: false, approve: false };
  if (i % 50 === 9) return i % 100 === 9 ? { status: 'done_on_time', report: true, approve: true } : { status: 'awaiting_approval', report: true, approve: false };
  return { status: 'not_due', report: false, approve: false };
}

function roman(n: number): string {
  const parts: [number, string][] = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [v, s] of parts) for (; n >= v; n -= v) out += s;
  return out;
}

export function generatedPlan(n: number, unitCodes: string[], today: string): Plan {
  return planSchema.parse({
    id: `bench-dash-${Date.now().toString(36)}`,
    title: 'Kế hoạch triển khai Đề án 06 (sinh tự động để đo)',
    document: { number: 'BENCH/KH-SNV', issuer: 'Sở Nội vụ' },
    tasks: Array.from({ length: n }, (_, i) => {
      const k = i % 20;
      const due =
        k < 4 ? addDays(today, -(1 + ((i * 7) % 90))) : k < 7 ? addDays(today, (i * 3) % 6) : k === 7 ? undefined : addDays(today, 20 + ((i * 13) % 380));
      return {
        ref: `${roman(Math.floor(i / 1000) + 1)}.${(Math.floor(i / 100) % 10) + 1}.(${(i % 100) + 1})`,
        title: `${TOPICS[i % TOPICS.length]} (đợt ${Math.floor(i / TOPICS.length) + 1})`,
        content: 'Nội dung sinh tự động để đo trang tổng quan.',
        lead: [unitCodes[i % unitCodes.length]],
        deadline: due
          ? { kind: 'date', due, text: `Trước ngày ${formatDate(due)}` }
          : { kind: 'event', text: 'Khi có văn bản hướng dẫn của Bộ Công an' },
      };
    }),
  });
}

// ---------------------------------------------------------------- measuring helpers

interface Stats {
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentiles. */
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { p50: round1(at(0.5)), p95: round1(at(0.95)), max: round1(s[s.length - 1]!) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Sample {
  status: number;
  bytes: number;
  clientMs: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(agent: Agent, base: URL, path: string, headers: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(new URL(path, base), { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bytes: body.length, clientMs: performance.now() - t0, headers: res.headers, body: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the server saw of one request: from the first middleware to the 'finish' event. */
interface ServerSide {
  ms: number;
  cpuMs: number;
}

/**
 * Waits until the dev server and this process (with its worker) each use under 5 % of a core over
 * 5 s; the seconds waited. Gives up after `timeoutMs` and says so.
 */
async function waitUntilQuiet(pid: number | undefined, timeoutMs: number): Promise<number> {
  const start = performance.now();
  for (;;) {
    const server0 = processCpuMs(pid) ?? 0;
    const own0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 5000));
    const serverMs = (processCpuMs(pid) ?? 0) - server0;
    const own = process.cpuUsage(own0);
    const ownMs = (own.user + own.system) / 1000;
    if (serverMs < 250 && ownMs < 250) return (performance.now() - start) / 1000;
    if (performance.now() - start > timeoutMs) {
      log(`still busy after ${timeoutMs / 1000} s (dev server ${serverMs} ms, this process ${Math.round(ownMs)} ms CPU in 5 s); measuring anyway`);
      return (performance.now() - start) / 1000;
    }
    log(`waiting for quiet: dev server ${serverMs} ms, this process ${Math.round(ownMs)} ms CPU in the last 5 s`);
  }
}

// ---------------------------------------------------------------- the rows, as the workflows write them

/** The generated plan's rows as its settled workflows would have written them. */
export function rowsOf(plan: Plan, org: Org, today: string, now: number): TaskRecord[] {
  return plan.tasks.map((t, i) => {
    const { status } = fateOf(i);
    const unit = org.units.find((u) => u.code === (t.lead as string[])[0])!;
    const done = status === 'done_on_time' || status === 'done_late';
    const due = t.deadline.kind === 'date' ? t.deadline.due : undefined;
    const assignee = personRef(org, unit.focal ?? unit.head);
    const closedAt = done ? Date.parse(`${addDays(today, -(i % 60))}T10:00:00+07:00`) : undefined;
    return {
      workflowId: taskWorkflowId(plan.id, t.ref),
      planId: plan.id,
      planTitle: plan.title,
      ref: t.ref,
      title: t.title,
      unit: unit.code,
      assignee: assignee.id,
      status,
      ...(due ? { due } : {}),
      escalationLevel: status === 'overdue' ? 1 + (i % 3) : 0,
      running: !done,
      ...(closedAt !== undefined ? { closedAt } : {}),
      recurring: false,
      version: now * 1000,
      updatedAt: now,
      report: {
        unitName: unit.name,
        assigneeName: assignee.name,
        result: done ? 'Hoàn thành: đã triển khai theo kế hoạch (sinh tự động).' : status === 'awaiting_approval' ? 'Đã báo cáo hoàn thành, chờ duyệt' : i % 3 ? `Đạt ${(i * 7) % 100}%: đang triển khai` : 'Chưa có báo cáo tiến độ',
        ...(closedAt !== undefined ? { reportedAt: closedAt - 86_400_000, doneAt: closedAt } : {}),
        ...(status === 'overdue' && i % 2 ? { lateReason: 'Chờ hướng dẫn kỹ thuật của Bộ Công an' } : {}),
      },
    };
  });
}

// ---------------------------------------------------------------- the bench

/** One statement on the database itself (the bench's own schema), outside any store. */
async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export interface DashboardBenchArgs {
  tasks: number;
  requests: number;
  via: 'rows' | 'workflows';
  /** PostgreSQL for the store (a fresh schema is made and dropped); SQLite in a temp dir otherwise. */
  databaseUrl?: string;
}

export async function dashboardBench(args: DashboardBenchArgs): Promise<Record<string, unknown>> {
  const startedAt = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
  const org: Org = loadOrg('examples/org-so-noi-vu.yaml');
  const schema = `bench_${Date.now().toString(36)}`;
  let store: Store;
  if (args.databaseUrl) {
    await adminQuery(args.databaseUrl, `CREATE SCHEMA ${schema}`);
    store = await PostgresStore.open({ connectionString: args.databaseUrl, options: `-c search_path=${schema}` });
  } else store = new SqliteStore(join(dir, 'state.sqlite'));
  const today = businessDateOf(Date.now());
  const unitCodes = org.units.map((u) => u.code);
  const plan = generatedPlan(args.tasks, unitCodes, today);
  const fates = plan.tasks.map((_, i) => fateOf(i));
  const expected = Object.fromEntries(TASK_STATUSES.map((s) => [s, fates.filter((f) => f.status === s).length])) as Record<TaskStatus, number>;
  log(`plan ${plan.id}: ${args.tasks} tasks over ${unitCodes.length} units, today ${today}, store ${args.databaseUrl ? 'postgres' : 'sqlite'}; expected ${JSON.stringify(expected)}`);

  // ---- 1. the read model filled
  let t0 = performance.now();
  let fill: Record<string, number>;
  let stopTemporal = async () => {};
  let connection: Connection;
  if (args.via === 'rows') {
    await store.planSave(plan, Date.now());
    for (const r of rowsOf(plan, org, today, Date.now())) await store.taskPut(r);
    fill = { rowsWrittenSeconds: round1((performance.now() - t0) / 1000), rowsPerSecond: Math.round(args.tasks / ((performance.now() - t0) / 1000)) };
    // The overview never asks Temporal; a task page would.
    connection = Connection.lazy({ address: '127.0.0.1:1' });
  } else {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const server = await startDevServer({ cli: await ensureTemporalCli(), dbFile: join(dir, 'temporal.sqlite'), port: await freePort(), uiPort: 0, namespace: 'default' });
    connection = await Connection.connect({ address: server.address });
    await ensureSearchAttributes(connection, 'default');
    const client = new Client({ connection });
    const native = await NativeConnection.connect({ address: server.address });
    const counting = await countingPlanWorker({ native, client, store, org, dir, taskQueue: TASK_QUEUE });
    const withDeadline = fates.filter((f) => f.status !== 'awaiting_activation').length;
    await startPlan(client, store, org, plan, TASK_QUEUE, { concurrency: 20 });
    await waitFor(counting.planned, withDeadline, 1_800_000);
    const startSeconds = (performance.now() - t0) / 1000;
    // A few tasks reported done (and some approved) so every status shows on the page.
    const acting = plan.tasks.map((t, i) => ({ t, f: fates[i]! })).filter((x) => x.f.report);
    await mapLimit(acting, 8, async ({ t, f }) => {
      const id = taskWorkflowId(plan.id, t.ref);
      const head = org.units.find((u) => u.code === (t.lead as string[])[0])!.head;
      await actOnTask(client, id, 'reportCompletion', { actor: head, note: 'Đã hoàn thành (sinh tự động).' });
      if (f.approve) await actOnTask(client, id, 'approveCompletion', { actor: head });
    });
    // Every row written with its settled status.
    const settle0 = performance.now();
    for (;;) {
      const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0]));
      for (const t of (await store.taskSummary({ planId: plan.id })).tallies) counts[t.status] = (counts[t.status] ?? 0) + t.count;
      if (TASK_STATUSES.every((s) => counts[s] === expected[s])) break;
      if (performance.now() - settle0 > 600_000) throw new Error(`the read model did not settle: ${JSON.stringify(counts)} vs ${JSON.stringify(expected)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    fill = { startSeconds: Math.round(startSeconds), readModelSettleSeconds: round1((performance.now() - settle0) / 1000) };
    const quiet = await waitUntilQuiet(server.process.pid, 600_000);
    fill.quietWaitSeconds = Math.round(quiet);
    stopTemporal = async () => {
      counting.worker.shutdown();
      await counting.run;
      await native.close();
      await connection.close();
      await server.stop();
    };
  }
  log(`read model filled: ${JSON.stringify(fill)}`);

  // ---- 2. the web app
  const deps = { org, store, client: new Client({ connection }), reportsDir: join(dir, 'reports'), taskQueue: TASK_QUEUE, secret: SECRET, sendCode: async () => false as const };
  const inner = await createApp({ connection, namespace: 'default', dashboard: deps });
  const serverSide = new Map<string, ServerSide>();
  const outer = express();
  outer.disable('x-powered-by');
  outer.use((req, res, next) => {
    const id = req.get('x-bench-id');
    if (id) {
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      res.once('finish', () => {
        const used = process.cpuUsage(cpu);
        serverSide.set(id, { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000 });
      });
    }
    next();
  });
  outer.get('/bench/fixed', (_req, res) => void res.type('html').send('Tổng quan'));
  outer.use(inner);
  const http: Server = await new Promise((r) => {
    const s = outer.listen(0, '127.0.0.1', () => r(s));
  });
  const baseUrl = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  const cookieFor = async (personId: string): Promise<string> => {
    const id = randomBytes(24).toString('base64url');
    const now = Date.now();
    await store.sessionCreate({ id, personId, csrf: randomBytes(24).toString('base64url'), createdAt: now, expiresAt: now + 12 * 3600_000 });
    return `${SESSION_COOKIE}=${id}.${createHmac('sha256', SECRET).update(id).digest('base64url')}`;
  };
  const headTasks = plan.tasks.filter((t) => (t.lead as string[]).includes(HEAD_UNIT)).length;
  const searched = plan.tasks.filter((t) => t.title.startsWith('Rà soát')).length;
  const pages = Math.ceil(args.tasks / 50);

  // ---- 3. sequential requests, one view after the other
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let seq = 0;
  interface Target {
    name: string;
    path: string;
    viewer?: string;
    headers?: Record<string, string>;
    /** The page must say this (the right number of tasks), or the run is wrong. */
    mustContain: string[];
  }
  const all = `· ${args.tasks} nhiệm vụ ·`;
  const targets: Target[] = [
    { name: 'baseline-fixed', path: '/bench/fixed', mustContain: ['Tổng quan'] },
    { name: 'all-tasks', path: '/', viewer: DIRECTOR, mustContain: [all] },
    { name: 'one-unit', path: '/', viewer: HEAD, mustContain: [`· ${headTasks} nhiệm vụ ·`] },
    { name: 'overdue', path: '/?status=overdue', viewer: DIRECTOR, mustContain: [`· ${expected.overdue} nhiệm vụ ·`] },
    { name: 'filter-matching-everything', path: `/?planId=${plan.id}`, viewer: DIRECTOR, mustContain: [all] },
    ...(pages >= 20 ? [{ name: 'page-20-of-a-long-list', path: `/?planId=${plan.id}&trang=20`, viewer: DIRECTOR, mustContain: [all, `Trang 20/${pages}`] }] : []),
    { name: 'text-search', path: `/?text=${encodeURIComponent('ra soat')}`, viewer: DIRECTOR, mustContain: [`· ${searched} nhiệm vụ ·`] },
    // What each open tab's live script fetches every 3 s: the same work without the page frame.
    { name: 'live-refresh', path: '/', viewer: DIRECTOR, headers: { 'x-partial': '1' }, mustContain: [all] },
  ];
  const cookies = new Map(await Promise.all([DIRECTOR, HEAD].map(async (p) => [p, await cookieFor(p)] as const)));
  const results: Record<string, unknown>[] = [];
  let baseline = { client: 0, server: 0 };
  for (const target of targets) {
    const headers: Record<string, string> = { accept: 'text/html', ...(target.headers ?? {}) };
    if (target.viewer) headers.cookie = cookies.get(target.viewer)!;
    const clientTimes: number[] = [];
    const serverMs: number[] = [];
    const cpuMs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < WARMUP + args.requests; i++) {
      const id = String(++seq);
      const r = await get(agent, baseUrl, target.path, { ...headers, 'x-bench-id': id });
      if (r.status !== 200) throw new Error(`${target.name}: HTTP ${r.status} ${r.headers.location ?? ''} ${r.body.slice(0, 200)}`);
      for (const m of target.mustContain) if (!r.body.includes(m)) throw new Error(`${target.name}: the page does not say "${m}"`);
      // 'finish' may run just after the client has the last byte.
      for (let w = 0; !serverSide.has(id) && w < 100; w++) await new Promise((res) => setImmediate(res));
      const side = serverSide.get(id);
      serverSide.delete(id);
      if (i < WARMUP) continue;
      clientTimes.push(r.clientMs);
      if (side) (serverMs.push(side.ms), cpuMs.push(side.cpuMs));
      bytes = r.bytes;
    }
    const c = stats(clientTimes);
    const sv = stats(serverMs);
    if (target.name === 'baseline-fixed') baseline = { client: c.p50, server: sv.p50 };
    results.push({
      name: target.name,
      path: target.path,
      ...(target.viewer ? { viewer: target.viewer } : {}),
      requests: args.requests,
      responseBytes: bytes,
      clientMs: c,
      serverMs: sv,
      ratioToBaselineP50: { client: round1(c.p50 / Math.max(baseline.client, 0.001)), server: round1(sv.p50 / Math.max(baseline.server, 0.001)) },
      serverCpuMsP50: stats(cpuMs).p50,
    });
    log(`${target.name}: client p50 ${c.p50} ms p95 ${c.p95} ms, server p50 ${sv.p50} ms, ${bytes} bytes`);
  }

  // ---- 4. the store's share: the summary and one page of rows for the Giám đốc's overview
  const director = viewerOf(org, DIRECTOR)!;
  const where = overviewWhere(director, {});
  const time = async (fn: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < WARMUP + args.requests; i++) {
      const s0 = performance.now();
      await fn();
      if (i >= WARMUP) xs.push(performance.now() - s0);
    }
    return stats(xs);
  };
  const storeMs = {
    'taskSummary (counts by unit and status, completions by day)': await time(() => store.taskSummary(where)),
    'taskFind: first 50 in attention order': await time(() => store.taskFind(where, { limit: 50 })),
    'taskFind: rows 951-1000 in attention order': await time(() => store.taskFind(where, { offset: 950, limit: 50 })),
  };
  const rss = process.memoryUsage();

  agent.destroy();
  await new Promise<void>((r) => http.close(() => r()));
  await stopTemporal();
  await store.close();
  if (args.databaseUrl) {
    await adminQuery(args.databaseUrl, `DROP SCHEMA ${schema} CASCADE`);
  }
  rmSync(dir, { recursive: true, force: true });

  const result = {
    bench: 'dashboard',
    tasks: args.tasks,
    via: args.via,
    store: args.databaseUrl ? 'postgres' : 'sqlite',
    requestsPerTarget: args.requests,
    warmupPerTarget: WARMUP,
    statuses: expected,
    headUnitTasks: headTasks,
    timing:
      'clientMs: request written → last byte read, over one keep-alive loopback connection, one request at a time. ' +
      "serverMs: first middleware → the response's 'finish' event, in the same process. ratioToBaselineP50: against the fixed page in this run. " +
      'storeMs: the store calls behind the Giám đốc\'s overview, timed alone.',
    fill,
    targets: results,
    storeMs,
    rssMiB: { end: mib(rss.rss), heapUsed: mib(rss.heapUsed) },
    totalSeconds: Math.round((performance.now() - startedAt) / 1000),
    cores: cpus().length,
    node: process.version,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/dashboard-${args.tasks}${args.databaseUrl ? '-postgres' : ''}.json`, JSON.stringify(result, null, 2));
  return result;
}
