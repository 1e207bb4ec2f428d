// Issue 13's proof: a real Temporal server on PostgreSQL, two workers and two web processes on a
// shared PostgreSQL store, one Zalo double. The example plan and a conversation run through both
// web processes; then a worker and a web process are killed with SIGKILL in the middle of a burst
// of webhook deliveries and escalations. Checked from the outside: every accepted event handled
// once, no notification sent twice, no refresh token lost, the workflows go on.
// Run by `npm run test:cluster` (vitest.cluster.config.ts), not by `npm test`.
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { expectedSignature } from '../../bot/webhook-auth.js';
import { WEBHOOK_PATH } from '../../bot/webhook.js';
import { DEFAULT_INBOX_LEASE_MS } from '../../bot/inbox.js';
import { startZaloDouble, type SentMessage, type ZaloDouble } from '../../bot/zalo-double.js';
import { loadPlan } from '../../client/files.js';
import { leadUnits } from '../../domain/plan.js';
import { installTokens, tokenProblem } from '../../client/zalo-tokens.js';
import { businessDateOf, addDays } from '../../domain/calendar.js';
import { openStore } from '../../store/open.js';
import type { OutboxRow, Store } from '../../store/store.js';
import { devZaloId } from '../../web/dev-zalo.js';
import { mapLimit } from '../../runtime/concurrency.js';
import { eventually } from '../helpers/eventually.js';
import { inFlight, ORG } from '../helpers/harness-core.js';
import { cli, startApp, startClusterBase, tail, type AppProcess, type ClusterBase } from '../../scripts/cluster.js';

const APP = { appId: '1234567890123456789', appSecret: 'app-secret-for-cluster', oaSecretKey: 'oa-secret-key-for-cluster' };
const OA_ID = '579745863508352884';
const EXAMPLE_PLAN = 'examples/plan-000-so-noi-vu-hau-giang-2024.yaml';
const EXAMPLE_ID = 'snv-hau-giang-2024-de-an-06';
const SECOND_ID = `${EXAMPLE_ID}-cluster-2`;
/** The store refreshes within an hour of expiry: a 3,620 s token is refreshed about every 20 s. */
const TOKEN_TTL_SEC = 3620;

const zaloId = (personId: string) => ORG.people.find((p) => p.id === personId)?.zaloUserId ?? devZaloId(personId);
const personOf = (zid: string) => ORG.people.find((p) => zaloId(p.id) === zid)?.id ?? zid;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


let base: ClusterBase | undefined;
let double: ZaloDouble;
let store: Store;
let temporal: Client | undefined;
const apps: AppProcess[] = [];
let workers: AppProcess[] = [];
let webs: AppProcess[] = [];
let env: Record<string, string>;
const tmp = mkdtempSync(join(tmpdir(), 'de-an-06-cluster-test-'));
const started = Date.now();

/**
 * Office hours all day, and the weekend days around today worked: the example plan's overdue tasks
 * escalate as soon as they start, whatever the hour the test runs (its real clock is the real time).
 */
function allDayCalendar(): string {
  const cal = parse(readFileSync('config/calendar.yaml', 'utf8')) as { officeHours?: unknown; overrides: { holidays: { date: string }[]; workdays: { date: string; name: string }[] } };
  cal.officeHours = { start: '00:00', end: '23:59' };
  const holidays = new Set(cal.overrides.holidays.map((h) => h.date));
  const today = businessDateOf(Date.now());
  for (let d = -2; d <= 3; d++) {
    const date = addDays(today, d);
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    if ((dow === 0 || dow === 6) && !holidays.has(date) && !cal.overrides.workdays.some((w) => w.date === date)) cal.overrides.workdays.push({ date, name: 'Ngày làm việc của bài kiểm thử cụm' });
  }
  const file = join(tmp, 'calendar.yaml');
  writeFileSync(file, stringify(cal));
  return file;
}

/** A Zalo text event from `personId`, signed as Zalo signs it; delivered to the live web processes in turn, retried (same event) until one accepts it. */
async function deliverText(personId: string, text: string, prefer: number): Promise<{ key: string; acceptedBy: string; tries: number }> {
  const userId = zaloId(personId);
  const at = Date.now();
  double.setLastInteraction(userId, at); // writing to the OA opens the window, as in the double's own events
  const msgId = randomBytes(16).toString('hex');
  const event = { app_id: APP.appId, user_id_by_app: `9${userId.slice(1)}`, event_name: 'user_send_text', timestamp: String(at), sender: { id: userId }, recipient: { id: OA_ID }, message: { msg_id: msgId, text } };
  const raw = JSON.stringify(event);
  const signature = `mac=${expectedSignature(APP.appId, Buffer.from(raw, 'utf8'), event.timestamp, APP.oaSecretKey)}`;
  let lastError = '';
  for (let tries = 1; tries <= 20; tries++) {
    const live = webs.filter((w) => !w.exited());
    const web = live[(prefer + tries - 1) % live.length]!;
    try {
      const r = await fetch(`${web.url}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-ZEvent-Signature': signature }, body: raw, signal: AbortSignal.timeout(15_000) });
      if (r.status === 200) return { key: `msg:${msgId}`, acceptedBy: web.name, tries };
      lastError = `${web.name} answered ${r.status}: ${await r.text()}`;
    } catch (err) {
      lastError = `${web.name}: ${(err as Error).message}`;
    }
    // Zalo retries a failed delivery: the same event, again.
    await sleep(200);
  }
  throw new Error(`no web process accepted "${text}": ${lastError}`);
}

/** The bot's replies to `personId` whose text quotes `marker`. */
const repliesTo = (personId: string, marker: RegExp) => double.sentTo(zaloId(personId)).filter((m) => marker.test(m.text));

/** Messages the double received more often than the outbox holds notifications with that text for that person. */
function duplicatedNotifications(rows: OutboxRow[], sent: SentMessage[], killedAt: number): { to: string; text: string; sent: number; outbox: number; msFromKill: number[] }[] {
  const expected = new Map<string, number>();
  for (const r of rows) expected.set(`${zaloId(r.to.id)}\n${r.text}`, (expected.get(`${zaloId(r.to.id)}\n${r.text}`) ?? 0) + 1);
  const got = new Map<string, number>();
  for (const m of sent) got.set(`${m.userId}\n${m.text}`, (got.get(`${m.userId}\n${m.text}`) ?? 0) + 1);
  const out = [];
  for (const [k, n] of got) {
    const want = expected.get(k);
    if (want !== undefined && n > want) {
      const [to, text] = k.split('\n', 2) as [string, string];
      // When each copy reached Zalo, relative to the SIGKILL: a copy just before and one ~15 s after is a send lost with the worker's mark.
      const msFromKill = sent.filter((m) => m.userId === to && m.text === text).map((m) => m.at - killedAt);
      out.push({ to: personOf(to), text: text.slice(0, 120), sent: n, outbox: want, msFromKill });
    }
  }
  return out;
}

/** How many unit tasks the example plan has: one read-model row each. */
const UNIT_TASKS = loadPlan(EXAMPLE_PLAN, ORG).tasks.reduce((n, t) => n + leadUnits(t, ORG).length, 0);

/**
 * Every unit task of the plan has done what it does at start: each one past its due date has
 * escalated (a quiet spell alone is not enough: CI saw a workflow 5 s behind the others). Read by
 * the due date, not the status: the row the start wrote says "not due" until the workflow plans.
 */
async function escalatedAll(planId: string): Promise<boolean> {
  const tasks = await store.taskFind({ planId });
  const today = businessDateOf(Date.now());
  return tasks.length === UNIT_TASKS && tasks.every((t) => t.due === undefined || t.due >= today || t.escalationLevel >= 1);
}

/**
 * Whether any of the plan's unit workflows still has a workflow task or an activity in flight. A
 * row can say "escalated" while the escalation's send waits for the server (CI saw a transfer task
 * to an activity time out and retried more than 5 s later).
 */
async function planInFlight(planId: string): Promise<boolean> {
  const ids = (await store.taskFind({ planId })).map((t) => t.workflowId);
  return (await mapLimit(ids, 8, (id) => inFlight(temporal!, id))).some(Boolean);
}

/**
 * A plan's notifications once every task has escalated, all are sent, none has been added for
 * `quietMs`, and none of its workflows has anything in flight.
 */
async function settledRows(planId: string, ms: number, quietMs = 5000): Promise<OutboxRow[]> {
  let seen = -1;
  let since = Date.now();
  return eventually(
    async () => {
      if (!(await escalatedAll(planId))) return false;
      const r = await planRows(planId);
      if (r.length !== seen || r.length === 0 || r.some((x) => x.status !== 'sent')) {
        seen = r.length;
        since = Date.now();
        return false;
      }
      if (Date.now() - since < quietMs) return false;
      if (await planInFlight(planId)) {
        since = Date.now();
        return false;
      }
      return r;
    },
    ms,
    `every notification of ${planId} to be sent`,
    async () => ({ rows: (await planRows(planId)).map((r) => r.status).reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {}), logs: logsOnFailure() }),
  );
}

const planRows = async (planId: string) => (await store.outboxList({ planId })).filter((r) => r.planId === planId);
const shape = (rows: OutboxRow[]) => rows.map((r) => `${r.kind}→${r.to.id}@${r.taskRef}/${r.workflowId.split('/').slice(2).join('/')}`).sort();

function logsOnFailure(): string {
  return apps.map((a) => `--- ${a.name} (${a.exitInfo() || 'running'}) ${a.logFile}\n${tail(a.logFile, 15)}`).join('\n');
}

beforeAll(async () => {
  try {
    base = await startClusterBase();
    double = await startZaloDouble({ ...APP, oaId: OA_ID, accessTokenTtlSec: TOKEN_TTL_SEC, nightRefusal: false });
    store = await openStore({ dataDir: tmp, DATABASE_URL: base.storeUrl });
    temporal = new Client({ connection: await Connection.connect({ address: base.temporal.address }), namespace: base.namespace });
    // Everyone has linked Zalo and written to the OA lately: notifications go by Zalo consultation messages.
    for (const p of ORG.people) {
      double.addUser(zaloId(p.id), p.name);
      await store.zaloLink(zaloId(p.id), p.id, Date.now());
      await store.zaloInteraction(zaloId(p.id), Date.now());
    }
    const pair = double.issueTokens();
    // Installed with its real lifetime, as `cli zalo token` does (the environment pair would be taken to last a day): refreshes start after 20 s.
    await installTokens(store, { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresInSec: pair.expiresIn }, Date.now());
    env = {
      TEMPORAL_ADDRESS: base.temporal.address,
      TEMPORAL_NAMESPACE: base.namespace,
      DATABASE_URL: base.storeUrl,
      CALENDAR_FILE: allDayCalendar(),
      EXAMPLE_PLAN_FILE: '',
      ZALO_APP_ID: APP.appId,
      ZALO_APP_SECRET: APP.appSecret,
      ZALO_OA_SECRET_KEY: APP.oaSecretKey,
      ZALO_ACCESS_TOKEN: pair.accessToken,
      ZALO_REFRESH_TOKEN: pair.refreshToken,
      ZALO_API_BASE_URL: double.url,
      ZALO_OAUTH_BASE_URL: double.url,
      ZALO_BUSINESS_API_BASE_URL: double.url,
    };
    const parts = await Promise.allSettled([
      startApp('worker-1', 'worker', env, base.ports),
      startApp('worker-2', 'worker', env, base.ports),
      startApp('web-a', 'web', env, base.ports),
      startApp('web-b', 'web', env, base.ports),
    ]);
    for (const p of parts) if (p.status === 'fulfilled') apps.push(p.value);
    const failed = parts.find((p) => p.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    workers = apps.filter((a) => a.role === 'worker');
    webs = apps.filter((a) => a.role === 'web');
    console.log(`cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s: Temporal ${base.temporal.address}, store ${base.storeUrl}, webs ${webs.map((w) => w.url).join(' ')}`);
  } catch (err) {
    await teardown();
    throw err;
  }
}, 60 * 60_000);

async function teardown(): Promise<void> {
  for (const a of apps.splice(0)) await a.stop(5000).catch(() => undefined);
  await store?.close().catch(() => undefined);
  await temporal?.connection.close().catch(() => undefined);
  await double?.close().catch(() => undefined);
  await base?.stop();
  base = undefined;
  rmSync(tmp, { recursive: true, force: true });
}
afterAll(teardown, 120_000);

describe('the cluster: two workers and two web processes on PostgreSQL and a Temporal server', () => {
  let talker: string;
  /** The example plan's notifications before anyone acted on it: what a copy of the plan must send too. */
  let exampleRows: OutboxRow[];

  it('runs the example plan and a Zalo conversation through both web processes', async () => {
    const out = await cli(['plan', 'start', EXAMPLE_PLAN], env);
    expect(out).toMatch(/snv-hau-giang-2024-de-an-06/);
    // Its 2024 deadlines are past: every dated task escalates to its unit head at once.
    const rows = await settledRows(EXAMPLE_ID, 180_000);
    expect(rows.some((r) => r.kind === 'escalation')).toBe(true);
    exampleRows = rows;

    // A person with overdue work talks to the bot: the list through one web process, the acknowledgement through the other, right after.
    talker = rows.find((r) => r.kind === 'overdue')!.to.id;
    const list = await deliverText(talker, 'ds', 0);
    const ack = await deliverText(talker, 'nhận 1', 1);
    expect(new Set([list.acceptedBy, ack.acceptedBy]).size).toBe(2);
    await eventually(async () => (await store.inboxGet(ack.key))?.status === 'done' && (await store.inboxGet(list.key))?.status === 'done', 60_000, 'the conversation to be handled', logsOnFailure);
    const replies = double.sentTo(zaloId(talker)).filter((m) => m.via === 'cs').map((m) => m.text);
    const iList = replies.findIndex((t) => /^Nhiệm vụ của đồng chí/.test(t));
    const iAck = replies.findIndex((t) => /^Đã ghi nhận đồng chí nhận/.test(t));
    expect(iList, replies.join('\n---\n')).toBeGreaterThanOrEqual(0);
    expect(iAck, replies.join('\n---\n')).toBeGreaterThan(iList);
  }, 600_000);

  it('a worker and a web process killed with SIGKILL in a burst of webhooks and escalations lose and double nothing', async () => {
    exampleRows ??= await planRows(EXAMPLE_ID);
    talker ??= exampleRows.find((r) => r.kind === 'overdue')!.to.id;
    // The same plan under another id: the same ~100 unit workflows, all overdue, escalating at once.
    const second = parse(readFileSync(EXAMPLE_PLAN, 'utf8')) as { id: string };
    second.id = SECOND_ID;
    const secondFile = join(tmp, 'plan-2.yaml');
    writeFileSync(secondFile, stringify(second));
    const planStart = cli(['plan', 'start', secondFile], env);
    planStart.catch(() => undefined);

    const refreshesBefore = double.refreshCalls;
    const senders = ORG.people.filter((p) => p.id !== talker).slice(0, 12).map((p) => p.id);
    const burst = Array.from({ length: 150 }, (_, i) => ({ i, person: senders[i % senders.length]!, text: `zq${i}w cum` }));
    const accepted: { i: number; person: string; key: string; acceptedBy: string; tries: number }[] = [];
    const killAt = 50;
    let killed: Promise<void> | undefined;
    let killedAt = 0;
    const escalating = eventually(async () => (await planRows(SECOND_ID)).length >= 15, 120_000, "the second plan's escalations to begin", logsOnFailure);
    escalating.catch(() => undefined);
    let next = 0;
    const sender = async () => {
      for (;;) {
        const b = burst[next++];
        if (!b) return;
        // Mid-escalations: some of the second plan's notifications are out, not all; then the kill lands while the senders go on.
        if (b.i >= killAt) await escalating;
        if (b.i === killAt)
          killed = (async () => {
            const [sent, delivered] = [(await planRows(SECOND_ID)).length, accepted.length];
            await Promise.all([workers[0]!.kill(), webs[0]!.kill()]);
            // When both are gone: a send already on its way reaches Zalo a few ms after the signal (CI saw +9 ms).
            killedAt = Date.now();
            console.log(`killed ${workers[0]!.name} and ${webs[0]!.name} with SIGKILL after ${delivered} accepted deliveries and ${sent} notifications of the second plan`);
          })();
        accepted.push({ ...b, ...(await deliverText(b.person, b.text, b.i % 2)) });
        await sleep(50);
      }
    };
    // The burst starts with the escalations.
    await eventually(async () => (await planRows(SECOND_ID)).length >= 1, 120_000, 'the second plan to start', logsOnFailure);
    await Promise.all(Array.from({ length: 6 }, sender));
    await killed;
    await planStart;
    // Both web processes took part, and web-b alone after the kill.
    expect(accepted.some((a) => a.acceptedBy === webs[0]!.name)).toBe(true);
    expect(accepted.slice(-20).every((a) => a.acceptedBy === webs[1]!.name)).toBe(true);
    expect(accepted).toHaveLength(burst.length);
    expect(workers[0]!.exitInfo()).toBe('killed by SIGKILL');
    expect(webs[0]!.exitInfo()).toBe('killed by SIGKILL');

    // Everything settles on the survivors: activities lost with the worker time out (15 s) and run again.
    await eventually(
      async () => {
        for (const a of accepted) if ((await store.inboxGet(a.key))?.status !== 'done') return false;
        return true;
      },
      240_000,
      'every accepted event handled',
      async () => ({
        pendingEvents: (await Promise.all(accepted.map(async (a) => [a.key, (await store.inboxGet(a.key))?.status] as const))).filter(([, s]) => s !== 'done').length,
        logs: logsOnFailure(),
      }),
    );
    await settledRows(SECOND_ID, 240_000, 8000); // late duplicates would show up meanwhile

    // A message sent twice to Zalo is a bug but for one case: a send that reached Zalo while its
    // process was being killed, before it could mark the send done, is sent again by whoever takes
    // the work over (Zalo's consultation messages take no idempotency key). One extra copy, the
    // first before the kill within the time the work stays with a dead process (`withinMs`), the
    // second after it, is that case; anything else is a bug.
    const inFlightAtKill = (d: { sent: number; outbox: number; msFromKill: number[] }, withinMs: number) =>
      d.sent === d.outbox + 1 && d.msFromKill.some((t) => t <= 0 && t > -withinMs) && d.msFromKill.some((t) => t > 0);

    // Every accepted event was handled once: finished once in the inbox, answered once at Zalo (or
    // twice, when the killed web process had sent the reply and the other took its queue over once
    // the person's lease ran out).
    const repliesOf = (a: (typeof accepted)[number]) => repliesTo(a.person, new RegExp(`«zq${a.i}w cum`));
    for (const a of accepted) {
      const row = (await store.inboxGet(a.key))!;
      expect(row.status, a.key).toBe('done');
      expect(row.attempts, `${a.key} finished ${row.attempts} times`).toBe(1);
      const msFromKill = repliesOf(a).map((m) => m.at - killedAt);
      const once = msFromKill.length === 1 || inFlightAtKill({ sent: msFromKill.length, outbox: 1, msFromKill }, DEFAULT_INBOX_LEASE_MS);
      expect(once, `replies to burst message ${a.i} (${a.person}, accepted by ${a.acceptedBy}): ${msFromKill.length}, at ${msFromKill.join(', ')} ms from the kill`).toBe(true);
      if (msFromKill.length > 1) console.log(`reply to burst message ${a.i} sent twice, in flight on the killed web process: ${msFromKill.join(', ')} ms from the kill`);
    }
    // Each person's events were handled in the order they arrived in the inbox: their replies came back
    // in that order. (Arrival is the store's: a delivery the killed web had stored before dying arrived
    // then, not when Zalo's retry reached the other web and was answered "already received".)
    const arrivedAt = new Map<string, number>();
    for (const a of accepted) arrivedAt.set(a.key, (await store.inboxGet(a.key))!.receivedAt);
    for (const person of senders) {
      const order = double
        .sentTo(zaloId(person))
        .map((m) => /«zq(\d+)w cum/.exec(m.text)?.[1])
        .filter((x): x is string => !!x)
        .map(Number)
        // A reply sent again after the kill (above) follows its first copy.
        .filter((i, k, all) => i !== all[k - 1]);
      const mine = accepted
        .filter((a) => a.person === person)
        .sort((x, y) => arrivedAt.get(x.key)! - arrivedAt.get(y.key)!)
        .map((a) => a.i);
      expect(order, `reply order for ${person}`).toEqual(mine);
    }

    // The second plan's notifications are exactly the first's: none lost, none doubled in the outbox…
    const secondRows = await planRows(SECOND_ID);
    expect(shape(secondRows)).toEqual(shape(exampleRows));
    expect(new Set(secondRows.map((r) => r.key)).size).toBe(secondRows.length);
    // …and none reached Zalo twice, but a send in flight on the killed worker (its activity's 15 s
    // timeout, then the retry on the other worker).
    const all = [...exampleRows, ...secondRows, ...(await store.outboxList({}))];
    const byKey = new Map(all.map((r) => [r.key, r]));
    const doubled = duplicatedNotifications([...byKey.values()], double.sent, killedAt);
    expect(doubled.filter((d) => !inFlightAtKill(d, 15_000))).toEqual([]);
    if (doubled.length) console.log(`sent twice, in flight on the killed worker: ${doubled.length}`);

    // No refresh token lost: refreshes happened during the run, Zalo never saw a used one again, no process holds a dead pair.
    expect(double.refreshCalls - refreshesBefore, 'token refreshes during the burst').toBeGreaterThan(0);
    expect(double.calls.filter((c) => c.path === '/v4/oa/access_token' && c.error !== 0)).toEqual([]);
    expect(await tokenProblem(store)).toBeUndefined();

    // The workflows go on: a task of the second plan is acknowledged through the surviving web process, and the survivors answer.
    const ack = await deliverText(talker, 'ds', 1);
    await eventually(async () => (await store.inboxGet(ack.key))?.status === 'done', 60_000, 'the surviving web process to answer', logsOnFailure);
    const progress = await deliverText(talker, 'tiến độ 1 50% đã rà soát sau sự cố', 1);
    await eventually(async () => (await store.inboxGet(progress.key))?.status === 'done', 60_000, 'a progress report after the crash', logsOnFailure);
    const last = double.sentTo(zaloId(talker)).at(-1)!;
    expect(last.text, 'the reply to a progress report after the crash').toMatch(/50%/);
    // A Zalo call still succeeds with the stored pair after the run.
    expect(double.calls.at(-1)!.error).toBe(0);
    console.log(
      `burst: ${accepted.length} deliveries (${accepted.filter((a) => a.tries > 1).length} retried), ${secondRows.length} notifications of the second plan, ${double.refreshCalls} token refreshes, ${double.sent.length} messages at Zalo; ${((Date.now() - started) / 1000).toFixed(0)} s since start`,
    );
  }, 900_000);
});
