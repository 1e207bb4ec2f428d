// `npm run bench -- webhook [--requests 20000] [--concurrency 32]`: what the real webhook (signature
// check, event read, dedupe and a durable SQLite insert, with the inbox consumer draining in the same
// process) costs against a bare express handler that only answers 200, over HTTP on loopback, in one run.
// The load comes from a forked client process so that signing and sending do not share the server's
// event loop; on a 2-core machine both processes still share the CPUs.
import express, { type Express } from 'express';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { InboxProcessor } from '../bot/inbox.js';
import { webhookRouter, WEBHOOK_PATH } from '../bot/webhook.js';
import { expectedSignature } from '../bot/webhook-auth.js';
import { mapLimit } from '../runtime/concurrency.js';
import { SqliteStore } from '../store/sqlite.js';

const AUTH = { appId: '1234567890123456789', secretKey: 'oa-secret-for-bench', maxAgeMs: 600_000 };
const OA_ID = '5000000000000000001';
const CLIENT_FLAG = 'BENCH_WEBHOOK_LOAD_CLIENT';
const TEXTS = [
  'tiến độ 2 60% đã rà soát xong',
  'nhận 3',
  'xong 5 đã gửi báo cáo tổng hợp về Sở',
  'gia hạn 4 đến 30/9 vì chờ số liệu từ Công an tỉnh',
  'danh sách',
  'tiến độ 7 85% còn thiếu biểu mẫu số 3',
  'hỏi: việc 12 hạn khi nào?',
];

interface LoadJob {
  url: string;
  requests: number;
  concurrency: number;
  /** Every tenth request re-sends the exact bytes of an earlier, already answered one. */
  repeats: boolean;
  /** msg_id prefix: unique per run so the inbox rows can be checked one by one. */
  prefix: string;
}

interface LoadResult {
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  fresh: number;
  repeats: number;
  accepted: number;
  duplicates: number;
  /** Answers that were not what the request called for (wrong status or body), and transport errors. */
  unexpected: number;
  firstUnexpected?: string;
}

// ---------------------------------------------------------------- the load client (child process)

function eventBody(prefix: string, i: number): Buffer {
  const user = String(8_421_000_000_000_000_000n + BigInt(i % 200));
  return Buffer.from(
    JSON.stringify({
      app_id: AUTH.appId,
      user_id_by_app: user,
      event_name: 'user_send_text',
      timestamp: String(Date.now()),
      sender: { id: user },
      recipient: { id: OA_ID },
      message: { msg_id: `${prefix}-${i}`, text: TEXTS[i % TEXTS.length] },
    }),
  );
}

function signatureOf(body: Buffer): string {
  const { app_id, timestamp } = JSON.parse(body.toString('utf8')) as { app_id: string; timestamp: string };
  return `mac=${expectedSignature(app_id, body, timestamp, AUTH.secretKey)}`;
}

function post(agent: Agent, url: URL, body: Buffer, signature: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-zevent-signature': signature },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (x: number): number => +x.toFixed(3);

async function load(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latency = new Float64Array(job.requests);
  const answered: Array<{ body: Buffer; signature: string }> = [];
  let fresh = 0;
  let repeats = 0;
  let accepted = 0;
  let duplicates = 0;
  let unexpected = 0;
  let firstUnexpected: string | undefined;
  // Deterministic choice of which earlier delivery is repeated.
  let pickState = 0x2545f491;
  const pick = (n: number): number => {
    pickState ^= pickState << 13;
    pickState ^= pickState >>> 17;
    pickState ^= pickState << 5;
    return (pickState >>> 0) % n;
  };

  const t0 = performance.now();
  await mapLimit(Array.from({ length: job.requests }, (_, i) => i), job.concurrency, async (i) => {
    const repeat = job.repeats && i % 10 === 9 && answered.length > 0;
    let delivery: { body: Buffer; signature: string };
    if (repeat) {
      delivery = answered[pick(answered.length)]!;
      repeats++;
    } else {
      // Signed when sent, as Zalo does: the timestamp is fresh.
      const body = eventBody(job.prefix, fresh++);
      delivery = { body, signature: signatureOf(body) };
    }
    const start = performance.now();
    try {
      const res = await post(agent, url, delivery.body, delivery.signature);
      latency[i] = performance.now() - start;
      const expected = repeat ? '{"ok":true,"duplicate":true}' : '{"ok":true}';
      if (res.status === 200 && res.text === expected) {
        if (repeat) duplicates++;
        else {
          accepted++;
          answered.push(delivery);
        }
      } else {
        unexpected++;
        firstUnexpected ??= `${repeat ? 'repeat' : 'fresh'} #${i}: ${res.status} ${res.text.slice(0, 200)}`;
      }
    } catch (err) {
      latency[i] = performance.now() - start;
      unexpected++;
      firstUnexpected ??= `#${i}: ${(err as Error).message}`;
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latency.sort();
  return {
    seconds: +seconds.toFixed(3),
    requestsPerSecond: +(job.requests / seconds).toFixed(1),
    p50Ms: ms(percentile(latency, 50)),
    p95Ms: ms(percentile(latency, 95)),
    p99Ms: ms(percentile(latency, 99)),
    maxMs: ms(latency[latency.length - 1]!),
    fresh,
    repeats,
    accepted,
    duplicates,
    unexpected,
    ...(firstUnexpected ? { firstUnexpected } : {}),
  };
}

function runClient(): void {
  process.on('message', (job: LoadJob) => {
    load(job).then(
      (r) => process.send!({ ok: true, result: r }),
      (err: unknown) => process.send!({ ok: false, error: String((err as Error)?.stack ?? err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.env[CLIENT_FLAG] === '1' && process.send) runClient();

// ---------------------------------------------------------------- the servers (bench process)

class LoadClient {
  private readonly child: ChildProcess;
  constructor() {
    // Same loader flags (tsx) as this process, so the child can run this TypeScript file.
    this.child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, [CLIENT_FLAG]: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }
  run(job: LoadJob): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load client exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (m: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
        this.child.off('exit', onExit);
        if (m.ok) resolve(m.result);
        else reject(new Error(`load client: ${m.error}`));
      });
      this.child.send(job);
    });
  }
  close(): void {
    this.child.disconnect();
  }
}

async function listen(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
      }),
  };
}

interface TargetReport extends LoadResult {
  serverCpuMsPerRequest: number;
  inbox?: {
    uniqueEventsSent: number;
    rows: number;
    /** Every unique event of the measured run found once, and handled by the consumer. */
    everyUniqueEventOnceAndDone: boolean;
    missingOrNotDone: number;
    drainedMsAfterLastAnswer: number;
  };
}

async function measure(
  client: LoadClient,
  name: string,
  args: { requests: number; concurrency: number; warmup: number },
  target: { app: Express; store?: SqliteStore; inbox?: InboxProcessor; repeats: boolean },
): Promise<TargetReport> {
  const { url, close } = await listen(target.app);
  const stamp = Date.now().toString(36);
  const warm = await client.run({ url, requests: args.warmup, concurrency: args.concurrency, repeats: target.repeats, prefix: `warm-${name}-${stamp}` });
  if (warm.unexpected > 0) throw new Error(`${name} warm-up: ${warm.unexpected} unexpected answers, first: ${warm.firstUnexpected}`);
  await target.inbox?.idle();

  const prefix = `${name}-${stamp}`;
  const cpu0 = process.cpuUsage();
  const r = await client.run({ url, requests: args.requests, concurrency: args.concurrency, repeats: target.repeats, prefix });
  const t = performance.now();
  await target.inbox?.idle();
  const drainedMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  await close();
  if (r.unexpected > 0) throw new Error(`${name}: ${r.unexpected} unexpected answers, first: ${r.firstUnexpected}`);

  const report: TargetReport = { ...r, serverCpuMsPerRequest: +((cpu.user + cpu.system) / 1000 / args.requests).toFixed(3) };
  if (target.store) {
    let missingOrNotDone = 0;
    for (let i = 0; i < r.fresh; i++) if ((await target.store.inboxGet(`msg:${prefix}-${i}`))?.status !== 'done') missingOrNotDone++;
    const rows = await target.store.inboxCount();
    // Keys are the primary key, so "once" is the row count matching warm-up + measured unique events.
    report.inbox = {
      uniqueEventsSent: r.fresh,
      rows: rows - warm.fresh,
      everyUniqueEventOnceAndDone: missingOrNotDone === 0 && rows === warm.fresh + r.fresh,
      missingOrNotDone,
      drainedMsAfterLastAnswer: +drainedMs.toFixed(1),
    };
  }
  return report;
}

function webhookTarget(dir: string, name: string): { app: Express; store: SqliteStore; inbox: InboxProcessor } {
  const log = pino({ level: 'silent' });
  const store = new SqliteStore(join(dir, `${name}.sqlite`));
  // The consumer's writes (inboxFinish) contend with the webhook's inserts, as in production.
  const inbox = new InboxProcessor({ store, log, handle: async () => 'ok' });
  const app = express();
  app.use(webhookRouter({ auth: AUTH, store, log, onQueued: () => inbox.kick() }));
  return { app, store, inbox };
}

export async function webhookBench(args: { requests: number; concurrency: number }): Promise<Record<string, unknown>> {
  if (!(args.requests > 0) || !(args.concurrency > 0)) throw new Error('--requests and --concurrency must be positive numbers');
  const dir = mkdtempSync(join(tmpdir(), 'bench-webhook-'));
  const warmup = Math.min(2000, Math.max(100, Math.round(args.requests / 10)));
  const loadBefore = loadavg();
  const client = new LoadClient();
  try {
    const baselineApp = express();
    baselineApp.post(WEBHOOK_PATH, (_req, res) => {
      res.status(200).json({ ok: true });
    });
    const baseline = await measure(client, 'baseline', { ...args, warmup }, { app: baselineApp, repeats: false });

    const w = webhookTarget(dir, 'webhook');
    const webhook = await measure(client, 'webhook', { ...args, warmup }, { ...w, repeats: false });
    await w.inbox.stop();
    await w.store.close();

    const d = webhookTarget(dir, 'repeats');
    const withRepeats = await measure(client, 'repeats', { ...args, warmup }, { ...d, repeats: true });
    await d.inbox.stop();
    await d.store.close();

    const ratio = (a: number, b: number) => +(a / b).toFixed(3);
    const result = {
      bench: 'webhook',
      requests: args.requests,
      concurrency: args.concurrency,
      warmupRequestsPerTarget: warmup,
      baseline,
      webhook,
      webhookWith10PercentRepeats: withRepeats,
      ratios: {
        webhookToBaselineRequestsPerSecond: ratio(webhook.requestsPerSecond, baseline.requestsPerSecond),
        webhookToBaselineP50: ratio(webhook.p50Ms, baseline.p50Ms),
        repeatsToBaselineRequestsPerSecond: ratio(withRepeats.requestsPerSecond, baseline.requestsPerSecond),
        repeatsToBaselineP50: ratio(withRepeats.p50Ms, baseline.p50Ms),
      },
      setup: 'loopback HTTP/1.1 keep-alive; load from a forked client process on the same machine; SQLite file (WAL) in the OS temp dir',
      cores: cpus().length,
      loadAverage1mBefore: +loadBefore[0]!.toFixed(2),
      loadAverage1mAfter: +loadavg()[0]!.toFixed(2),
      node: process.version,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/webhook.json', JSON.stringify(result, null, 2));
    return result;
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
