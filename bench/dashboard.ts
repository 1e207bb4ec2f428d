// `npm run bench -- dashboard [--tasks 10000] [--requests 30]`: what the dashboard's overview costs
// with a large plan. A fresh embedded Temporal server runs a generated plan whose deadlines spread
// over overdue, due soon, later and "on an event" (a few tasks reported done, some approved); the
// real web app then serves, one request at a time over a keep-alive loopback connection, a fixed
// Vietnamese string (the baseline) and the overview for the Giám đốc (every task), a Trưởng phòng
// (one unit) and the Giám đốc's overdue filter. Client-side and server-side times are both kept;
// the visibility pages and rows each request read are counted on the dashboard's own connection,
// and the overview's parts (visibility, row building, the store, the pure counting and sorting) are
// timed apart so a slow page can be explained by measurement.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import express from 'express';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrg } from '../client/files.js';
import { startPlan } from '../client/plans.js';
import { actOnTask } from '../client/tasks.js';
import { and, countTasks, findTasks, inRefOrder, is, LATEST_RUN, visibilityClauses } from '../client/visibility.js';
import { addDays, businessDateOf } from '../domain/calendar.js';
import { byUnit, completionOverTime, countByStatus, parseFilter, sortForDashboard, type DashboardRow } from '../domain/dashboard.js';
import { formatDate } from '../domain/notification.js';
import type { Org } from '../domain/org.js';
import { planSchema, type Plan } from '../domain/plan.js';
import { TASK_STATUSES, type TaskStatus } from '../domain/status.js';
import { taskWorkflowId } from '../domain/task.js';
import { mapLimit } from '../runtime/concurrency.js';
import { startDevServer } from '../runtime/dev-server.js';
import { ensureSearchAttributes } from '../runtime/temporal.js';
import { ensureTemporalCli } from '../runtime/temporal-cli.js';
import { SqliteStore } from '../store/sqlite.js';
import { scopeClause, viewerOf, type Viewer } from '../web/access.js';
import { SESSION_COOKIE } from '../web/auth.js';
import { loadRows, type DashboardDeps } from '../web/dashboard.js';
import { createApp } from '../web/server.js';
import { countingPlanWorker, waitFor } from './plan-start.js';

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

function generatedPlan(n: number, unitCodes: string[], today: string): Plan {
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

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name; in clock ticks (100 Hz on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Counts the visibility pages and rows one connection reads, and the time spent waiting for them. */
interface VisibilityMeter {
  pages: number;
  rows: number;
  ms: number;
}

function meterVisibility(connection: Connection): VisibilityMeter {
  const meter: VisibilityMeter = { pages: 0, rows: 0, ms: 0 };
  const service = connection.workflowService as unknown as Record<string, (req: unknown) => Promise<{ executions: unknown[] }>>;
  const list = service.listWorkflowExecutions!;
  service.listWorkflowExecutions = async (req: unknown) => {
    const t0 = performance.now();
    const res = await list(req);
    meter.ms += performance.now() - t0;
    meter.pages++;
    meter.rows += res.executions.length;
    return res;
  };
  return meter;
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

/** What the server saw of one request: from the first middleware to the last byte handed to the socket. */
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

// ---------------------------------------------------------------- the bench

export async function dashboardBench(args: { tasks: number; requests: number }): Promise<Record<string, unknown>> {
  const startedAt = performance.now();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
  const server = await startDevServer({ cli: await ensureTemporalCli(), dbFile: join(dir, 'temporal.sqlite'), port: await freePort(), uiPort: 0, namespace: 'default' });
  const connection = await Connection.connect({ address: server.address });
  await ensureSearchAttributes(connection, 'default');
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: server.address });
  const org: Org = loadOrg('examples/org-so-noi-vu.yaml');
  const store = new SqliteStore(join(dir, 'state.sqlite'));
  log(`Temporal dev server on ${server.address}, state in ${dir}`);

  // ---- 1. the plan, started and settled
  const counting = await countingPlanWorker({ native, client, store, org, dir, taskQueue: TASK_QUEUE });
  const worker = counting.worker;
  const workerRun = counting.run;

  const today = businessDateOf(Date.now());
  const unitCodes = org.units.map((u) => u.code);
  const plan = generatedPlan(args.tasks, unitCodes, today);
  const fates = plan.tasks.map((_, i) => fateOf(i));
  const expected = Object.fromEntries(TASK_STATUSES.map((s) => [s, fates.filter((f) => f.status === s).length])) as Record<TaskStatus, number>;
  const withDeadline = fates.filter((f) => f.status !== 'awaiting_activation').length;
  log(`plan ${plan.id}: ${args.tasks} tasks over ${unitCodes.length} units, today ${today}; expected ${JSON.stringify(expected)}`);

  let t0 = performance.now();
  const progress = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    log(`starting: ${counting.planned()}/${withDeadline} tasks planned their deadline after ${Math.round(s)} s (${round1(counting.planned() / s)}/s)`);
  }, 15_000);
  const started = await startPlan(client, store, org, plan, TASK_QUEUE, { concurrency: 20 });
  log(`startPlan returned after ${Math.round((performance.now() - t0) / 1000)} s: ${started.started} started`);
  await waitFor(counting.planned, withDeadline, 1_800_000);
  clearInterval(progress);
  const startSeconds = (performance.now() - t0) / 1000;
  log(`all ${withDeadline} dated tasks planned in ${Math.round(startSeconds)} s (${round1(args.tasks / startSeconds)} tasks/s)`);

  // A few tasks reported done (and some approved) so every status shows on the page.
  t0 = performance.now();
  const acting = plan.tasks.map((t, i) => ({ t, f: fates[i]! })).filter((x) => x.f.report);
  await mapLimit(acting, 8, async ({ t, f }) => {
    const id = taskWorkflowId(plan.id, t.ref);
    const head = org.units.find((u) => u.code === (t.lead as string[])[0])!.head;
    await actOnTask(client, id, 'reportCompletion', { actor: head, note: 'Đã hoàn thành (sinh tự động).' });
    if (f.approve) await actOnTask(client, id, 'approveCompletion', { actor: head });
  });
  log(`${acting.length} tasks reported done (${acting.filter((x) => x.f.approve).length} approved) in ${Math.round((performance.now() - t0) / 1000)} s`);

  // Visibility is eventually consistent: wait until every status count is the expected one.
  t0 = performance.now();
  let seen: Record<string, number> = {};
  for (;;) {
    seen = {};
    for (const s of TASK_STATUSES) seen[s] = await countTasks(client, and(is('PlanId', plan.id), is('TaskStatus', s)));
    if (TASK_STATUSES.every((s) => seen[s] === expected[s])) break;
    if (performance.now() - t0 > 600_000) throw new Error(`visibility did not settle: ${JSON.stringify(seen)} vs ${JSON.stringify(expected)}`);
    log(`visibility: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 3000));
  }
  const visibilitySettleSeconds = (performance.now() - t0) / 1000;
  log(`visibility reports all ${args.tasks} tasks with their expected statuses (${round1(visibilitySettleSeconds)} s after the last update)`);
  const rssAfterPlan = process.memoryUsage().rss;

  // Measure on a quiet machine: the dev server keeps working for a while after a burst of starts.
  t0 = performance.now();
  const quietSeconds = await waitUntilQuiet(server.process.pid, 600_000);
  log(`the dev server and this process were quiet after ${Math.round(quietSeconds)} s`);

  // ---- 2. the dashboard on its own connection (as the web role has), metered
  const webConnection = await Connection.connect({ address: server.address });
  const webClient = new Client({ connection: webConnection });
  const meter = meterVisibility(webConnection);
  const deps = {
    org,
    store,
    client: webClient,
    reportsDir: join(dir, 'reports'),
    taskQueue: TASK_QUEUE,
    secret: SECRET,
    sendCode: async () => false as const,
  };
  const inner = await createApp({ connection: webConnection, namespace: 'default', dashboard: deps });
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
  const director = viewerOf(org, DIRECTOR)!;
  const head = viewerOf(org, HEAD)!;
  const headTasks = plan.tasks.filter((t) => (t.lead as string[]).includes(HEAD_UNIT)).length;

  // ---- 3. sequential requests, one target after the other
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let seq = 0;
  interface Target {
    name: string;
    path: string;
    viewer?: string;
    headers?: Record<string, string>;
    /** The page must say this (the right number of tasks), or the run is wrong. */
    mustContain?: string;
  }
  const targets: Target[] = [
    { name: 'baseline-fixed', path: '/bench/fixed' },
    { name: 'overview-director', path: '/', viewer: DIRECTOR, mustContain: `· ${args.tasks} nhiệm vụ ·` },
    // Every task again, but through a filter that matches them all: read from visibility on each request.
    { name: 'overview-director-plan-filter', path: `/?planId=${plan.id}`, viewer: DIRECTOR, mustContain: `· ${args.tasks} nhiệm vụ ·` },
    { name: 'overview-head-hcth', path: '/', viewer: HEAD, mustContain: `· ${headTasks} nhiệm vụ ·` },
    { name: 'overview-director-overdue', path: '/?status=overdue', viewer: DIRECTOR, mustContain: `· ${expected.overdue} nhiệm vụ ·` },
    // What each open tab's live script fetches every 3 s: the same work without the page frame.
    { name: 'overview-director-live-refresh', path: '/', viewer: DIRECTOR, headers: { 'x-partial': '1' }, mustContain: `· ${args.tasks} nhiệm vụ ·` },
  ];
  const cookies = new Map(await Promise.all([DIRECTOR, HEAD].map(async (p) => [p, await cookieFor(p)] as const)));
  const results: Record<string, unknown>[] = [];
  let baselineClientP50 = 0;
  let baselineServerP50 = 0;
  for (const target of targets) {
    const headers: Record<string, string> = { accept: 'text/html', ...(target.headers ?? {}) };
    if (target.viewer) headers.cookie = cookies.get(target.viewer)!;
    const clientTimes: number[] = [];
    const serverMs: number[] = [];
    const serverMsWithoutRpc: number[] = [];
    const cpuMs: number[] = [];
    const pages: number[] = [];
    const rows: number[] = [];
    const rpcMs: number[] = [];
    const temporalCpuMs: number[] = [];
    let bytes = 0;
    let rssMax = 0;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 50);
    for (let i = 0; i < WARMUP + args.requests; i++) {
      const id = String(++seq);
      const before = { ...meter };
      const tcpu0 = processCpuMs(server.process.pid);
      const r = await get(agent, baseUrl, target.path, { ...headers, 'x-bench-id': id });
      const tcpu1 = processCpuMs(server.process.pid);
      if (r.status !== 200) throw new Error(`${target.name}: HTTP ${r.status} ${r.headers.location ?? ''} ${r.body.slice(0, 200)}`);
      if (target.mustContain && !r.body.includes(target.mustContain)) throw new Error(`${target.name}: the page does not say "${target.mustContain}"`);
      // 'finish' may run just after the client has the last byte.
      for (let w = 0; !serverSide.has(id) && w < 100; w++) await new Promise((res) => setImmediate(res));
      const side = serverSide.get(id);
      serverSide.delete(id);
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      if (i < WARMUP) continue;
      clientTimes.push(r.clientMs);
      pages.push(meter.pages - before.pages);
      rows.push(meter.rows - before.rows);
      rpcMs.push(meter.ms - before.ms);
      if (side) (serverMs.push(side.ms), cpuMs.push(side.cpuMs), serverMsWithoutRpc.push(side.ms - (meter.ms - before.ms)));
      if (tcpu0 !== undefined && tcpu1 !== undefined) temporalCpuMs.push(tcpu1 - tcpu0);
      bytes = r.bytes;
    }
    clearInterval(sampler);
    const c = stats(clientTimes);
    const s = serverMs.length === clientTimes.length ? stats(serverMs) : undefined;
    if (target.name === 'baseline-fixed') {
      baselineClientP50 = c.p50;
      baselineServerP50 = s?.p50 ?? 0;
    }
    const entry = {
      name: target.name,
      path: target.path,
      ...(target.viewer ? { viewer: target.viewer } : {}),
      ...(target.headers ? { headers: target.headers } : {}),
      requests: args.requests,
      responseBytes: bytes,
      clientMs: c,
      serverMs: s,
      ...(s ? { serverMsWithoutVisibilityRpc: stats(serverMsWithoutRpc) } : {}),
      ratioToBaselineP50: { client: round1(c.p50 / Math.max(baselineClientP50, 0.001)), ...(s ? { server: round1(s.p50 / Math.max(baselineServerP50, 0.001)) } : {}) },
      serverCpuMsP50: stats(cpuMs).p50,
      visibility: {
        pagesPerRequest: stats(pages).max,
        rowsPerRequest: stats(rows).max,
        rpcWaitMs: stats(rpcMs),
        ...(temporalCpuMs.length ? { temporalServerCpuMsP50: stats(temporalCpuMs).p50 } : {}),
      },
      requestsThatReadVisibility: pages.filter((n) => n > 0).length,
      rssMiBMax: mib(rssMax),
      clientMsSamples: clientTimes.map(round1),
    };
    results.push(entry);
    log(`${target.name}: client p50 ${c.p50} ms p95 ${c.p95} ms, server p50 ${s?.p50} ms, ${bytes} bytes, ${entry.visibility.rowsPerRequest} rows in ${entry.visibility.pagesPerRequest} pages`);
  }

  // ---- 4. where the overview's time goes, measured part by part
  const runs = Math.min(10, Math.max(3, Math.round(args.requests / 3)));
  const time = async <T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> => {
    const start = performance.now();
    const value = await fn();
    return { ms: performance.now() - start, value };
  };
  // No shared snapshot here (when the dashboard has one): every call reads its rows from visibility.
  const dashDeps: DashboardDeps = { org, store, client: webClient };
  // loadRows has answered the rows, or the rows with a version: take the rows either way.
  const rowsOf = (r: unknown): DashboardRow[] => (Array.isArray(r) ? (r as DashboardRow[]) : (r as { rows: DashboardRow[] }).rows);
  const parts = async (viewer: Viewer, query: Record<string, unknown>) => {
    const { filter } = parseFilter(query);
    const where = and(LATEST_RUN, scopeClause(viewer), visibilityClauses(filter));
    const out = {
      loadRows: [] as number[],
      visibilityRpc: [] as number[],
      temporalCpu: [] as number[],
      loadRowsWithoutRpc: [] as number[],
      findTasksWithoutRpc: [] as number[],
      joinTitles: [] as number[],
      planGet: [] as number[],
      planList: [] as number[],
      refSort: [] as number[],
      dashboardSort: [] as number[],
      countsAndUnits: [] as number[],
      completionChart: [] as number[],
    };
    let rows: DashboardRow[] = [];
    let pagesRead = 0;
    for (let i = 0; i < runs + 1; i++) {
      const m0 = meter.ms;
      const tcpu0 = processCpuMs(server.process.pid);
      const lr = await time(() => loadRows(dashDeps, viewer, filter));
      const tcpu1 = processCpuMs(server.process.pid);
      rows = rowsOf(lr.value);
      const m1 = meter.ms;
      const p1 = meter.pages;
      const ft = await time(() => findTasks(webClient, where));
      const m2 = meter.ms;
      pagesRead = meter.pages - p1;
      const pg = await time(() => store.planGet(plan.id));
      const pl = await time(() => store.planList());
      const rs = await time(() => inRefOrder([...ft.value]));
      const ds = await time(() => sortForDashboard(rows));
      const cu = await time(() => (countByStatus(rows), byUnit(rows, org)));
      const cc = await time(() => completionOverTime(rows, today, 12));
      if (i === 0) continue; // warm-up
      out.loadRows.push(lr.ms);
      out.visibilityRpc.push(m1 - m0);
      if (tcpu0 !== undefined && tcpu1 !== undefined) out.temporalCpu.push(tcpu1 - tcpu0);
      out.loadRowsWithoutRpc.push(lr.ms - (m1 - m0));
      out.findTasksWithoutRpc.push(ft.ms - (m2 - m1));
      out.joinTitles.push(lr.ms - (m1 - m0) - (ft.ms - (m2 - m1)));
      out.planGet.push(pg.ms);
      out.planList.push(pl.ms);
      out.refSort.push(rs.ms);
      out.dashboardSort.push(ds.ms);
      out.countsAndUnits.push(cu.ms);
      out.completionChart.push(cc.ms);
    }
    const p50 = (xs: number[]) => stats(xs).p50;
    return {
      rows: rows.length,
      visibilityPages: pagesRead,
      runs,
      p50Ms: {
        'loadRows (without a shared snapshot: every row from visibility)': p50(out.loadRows),
        'loadRows: visibility RPC wait (listWorkflowExecutions, all pages)': p50(out.visibilityRpc),
        ...(out.temporalCpu.length ? { 'loadRows: dev server CPU (all its threads)': p50(out.temporalCpu) } : {}),
        'loadRows: everything but the RPC wait': p50(out.loadRowsWithoutRpc),
        'findTasks without the RPC wait (SDK decoding, row building, inRefOrder sort)': p50(out.findTasksWithoutRpc),
        'loadRows − findTasks, both without RPC (joining titles: store.planGet parses the plan)': p50(out.joinTitles),
        'findTasks sort alone (inRefOrder: domain/task-ref.ts, each ref read once)': p50(out.refSort),
        'store.planGet (one plan, parsed)': p50(out.planGet),
        'store.planList (every plan, parsed)': p50(out.planList),
        sortForDashboard: p50(out.dashboardSort),
        'countByStatus + byUnit': p50(out.countsAndUnits),
        completionOverTime: p50(out.completionChart),
      } as Record<string, number>,
    };
  };
  log(`timing the overview's parts (${runs} runs each)`);
  const breakdown = {
    'overview-director': await parts(director, {}),
    'overview-head-hcth': await parts(head, {}),
    'overview-director-overdue': await parts(director, { status: 'overdue' }),
  };
  for (const [name, b] of Object.entries(breakdown)) {
    const r = results.find((x) => x.name === name) as { serverMsWithoutVisibilityRpc?: Stats; requestsThatReadVisibility: number } | undefined;
    // Only where every request read its rows (a page served from a shared snapshot has no loadRows cost to subtract).
    if (r?.serverMsWithoutVisibilityRpc && r.requestsThatReadVisibility === args.requests)
      b.p50Ms['rest of the request: overview, page, send (p50 of server − RPC per request, minus p50 of loadRows − RPC)'] = round1(
        r.serverMsWithoutVisibilityRpc.p50 - b.p50Ms['loadRows: everything but the RPC wait']!,
      );
  }
  const rssEnd = process.memoryUsage();

  agent.destroy();
  await new Promise<void>((r) => http.close(() => r()));
  worker.shutdown();
  await workerRun;
  await native.close();
  await webConnection.close();
  await connection.close();
  await server.stop();
  await store.close();

  const result = {
    bench: 'dashboard',
    tasks: args.tasks,
    requestsPerTarget: args.requests,
    warmupPerTarget: WARMUP,
    statuses: expected,
    headUnitTasks: headTasks,
    timing:
      'clientMs: request written → last byte read, over one keep-alive loopback connection, one request at a time. ' +
      "serverMs: first middleware → the response's 'finish' event, in the same process; serverMsWithoutVisibilityRpc: the same minus the " +
      "time spent waiting for listWorkflowExecutions answers in that request. serverCpuMs: this process's CPU during the request " +
      '(the idle in-process worker included). visibility: listWorkflowExecutions calls and rows on the web connection per request; ' +
      'temporalServerCpuMs: the dev server process CPU across the request, from /proc.',
    targets: results,
    breakdown,
    rssMiB: { afterPlanWithWorker: mib(rssAfterPlan), end: mib(rssEnd.rss), heapUsedEnd: mib(rssEnd.heapUsed) },
    setup: { startSeconds: Math.round(startSeconds), visibilitySettleSeconds: round1(visibilitySettleSeconds), quietWaitSeconds: Math.round(quietSeconds), totalSeconds: Math.round((performance.now() - startedAt) / 1000) },
    cores: cpus().length,
    node: process.version,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/dashboard.json', JSON.stringify(result, null, 2));
  return result;
}
