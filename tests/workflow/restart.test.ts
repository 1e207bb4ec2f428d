// Crashes and restarts: nothing accepted is lost, nothing is sent twice.
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it, type TestContext } from 'vitest';
import { startPlan } from '../../client/plans.js';
import { planSchema } from '../../domain/plan.js';
import { taskWorkflowId } from '../../domain/task.js';
import { startDevServer, type DevServer } from '../../runtime/dev-server.js';
import { SqliteStore } from '../../store/sqlite.js';
import * as msg from '../../workflows/messages.js';
import { freePort } from '../global-setup.js';
import { CALENDAR_RULES, eventually, ORG, settled, testPlan } from '../helpers/harness.js';
import { kill, officeWorkerEnv, startClock, startWorkerProcess } from '../helpers/worker-processes.js';

// The ladder of a task due Fri 7/3/2025 (reminded the day before and on the morning), escalated
// every working day with one top repeat. Business time starts once the first worker is up and the
// first reminder falls about 4 s later, so the ladder is the same however slow the machine is.
// Office hours take 2 s a day; nights and weekends, when nothing is due, pass 10 times faster.
const LADDER = [
  ['reminder', 'hcth.cv1'],
  ['reminder', 'hcth.cv1'],
  ['escalation', 'hcth.truong'],
  ['overdue', 'hcth.cv1'],
  ['escalation', 'ld.pgd1'],
  ['overdue', 'hcth.cv1'],
  ['escalation', 'ld.giamdoc'],
  ['overdue', 'hcth.cv1'],
  ['escalation', 'ld.giamdoc'],
  ['overdue', 'hcth.cv1'],
];
const ladderTask = { deadline: { kind: 'date' as const, due: '2025-03-07', text: 'Ngày 07/3/2025' } };
const ladderPolicy = { reminders: { workingDaysBefore: [1] }, escalation: { stepWorkingDays: 1, repeatCap: 1 } };
const OFF_HOURS_SPEEDUP = 10;

/** Worker processes and servers a test started. */
interface Started {
  workers: Set<ChildProcess>;
  servers: Set<DevServer>;
}

/**
 * What a test started is stopped when it ends, also when it failed half-way (worker processes
 * left alive keep vitest from exiting); each test its own, as they run at the same time.
 */
function started(onTestFinished: TestContext['onTestFinished']): Started {
  const own: Started = { workers: new Set(), servers: new Set() };
  onTestFinished(async () => {
    await Promise.all([...own.workers].map(kill));
    await Promise.all([...own.servers].map((s) => s.stop()));
  });
  return own;
}

async function ownWorker(env: Record<string, string>, own: Started): Promise<ChildProcess> {
  const child = await startWorkerProcess(env);
  own.workers.add(child);
  return child;
}

// The two tests wait on business time and on timeouts most of the time: they run at once.
describe.concurrent('restarts', () => {
  it('a worker killed in the middle of a ladder loses and doubles nothing once restarted', async ({ onTestFinished }) => {
    const own = started(onTestFinished);
    const address = inject('temporalAddress');
    const client = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
    const storeFile = join(mkdtempSync(join(tmpdir(), 'de-an-06-')), 'state.sqlite');
    const taskQueue = `restart-${process.pid}-${Date.now()}`;
    const env = officeWorkerEnv(address, taskQueue, storeFile, OFF_HOURS_SPEEDUP);
    let worker = await ownWorker(env, own);
    // Business time starts 3 s from now: the task plans its ladder before its first reminder (about
    // 3 s after the start) even on a loaded machine, where a one-second lead once lost that reminder.
    const clock = startClock(env, 3000);
    const store = new SqliteStore(storeFile);
    const plan = planSchema.parse(testPlan([ladderTask], { policy: ladderPolicy }));
    await startPlan(client, store, ORG, plan, taskQueue);
    const id = taskWorkflowId(plan.id, 'II.1.(1)');

    // Kill it right after the first escalation (Mon 10/3) and its overdue notice are recorded (their
    // sends may still be in flight), then keep it dead across the next step (Tue 11/3 07:30).
    await eventually(async () => {
      const r = await store.outboxList({ workflowId: id });
      return r.some((x) => x.kind === 'escalation') && r.some((x) => x.kind === 'overdue');
    }, 30_000, 'first escalation');
    await kill(worker);
    const nextStep = clock.toReal(CALENDAR_RULES.officeStart('2025-03-11'));
    await eventually(() => Date.now() > nextStep + 500, 30_000, 'the next step to pass with no worker');
    worker = await ownWorker(env, own);

    const rows = await eventually(async () => {
      const r = await store.outboxList({ workflowId: id });
      return r.length >= LADDER.length && r.every((x) => x.status === 'sent') && r;
    }, 90_000, 'the whole ladder', async () => (await store.outboxList({ workflowId: id })).map((r) => [r.kind, r.to.id, r.status, r.attempts, new Date(r.createdAt).toISOString()]));
    // Nothing left in flight that could add or send a row again.
    await settled(client, id);
    const final = await store.outboxList({ workflowId: id });
    expect(final.map((r) => [r.kind, r.to.id])).toEqual(LADDER);
    expect(new Set(final.map((r) => r.key)).size).toBe(final.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    await kill(worker);
    await store.close();
  });

  it('a dev server stopped and started again on the same SQLite file goes on with the workflows', async ({ onTestFinished }) => {
    const own = started(onTestFinished);
    const dir = mkdtempSync(join(tmpdir(), 'de-an-06-server-'));
    const dbFile = join(dir, 'temporal.sqlite');
    const port = await freePort();
    const cli = inject('temporalCli');
    let server = await startDevServer({ cli, dbFile, port, uiPort: 0, namespace: 'default' });
    own.servers.add(server);
    const storeFile = join(dir, 'state.sqlite');
    const env = officeWorkerEnv(server.address, 'restart-server', storeFile, OFF_HOURS_SPEEDUP);
    let worker = await ownWorker(env, own);
    startClock(env);
    const store = new SqliteStore(storeFile);
    const connect = async () => new Client({ connection: await Connection.connect({ address: server.address }), namespace: 'default' });
    let client = await connect();
    const plan = planSchema.parse(testPlan([ladderTask], { policy: ladderPolicy }));
    await startPlan(client, store, ORG, plan, 'restart-server');
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    await eventually(async () => (await store.outboxList({ workflowId: id })).some((r) => r.kind === 'reminder'), 30_000, 'first reminder');

    await kill(worker);
    await client.connection.close();
    await server.stop();
    own.servers.delete(server);
    server = await startDevServer({ cli, dbFile, port, uiPort: 0, namespace: 'default' });
    own.servers.add(server);
    worker = await ownWorker(env, own);
    client = await connect();

    await eventually(async () => {
      const r = await store.outboxList({ workflowId: id });
      return r.length >= LADDER.length && r;
    }, 180_000, 'the ladder after the server restart');
    const final = await store.outboxList({ workflowId: id });
    expect(final.map((r) => [r.kind, r.to.id])).toEqual(LADDER);
    const state = await client.workflow.getHandle(id).query(msg.getTaskState);
    expect(state.timeline[0]!.kind).toBe('started');
    expect(state.escalationLevel).toBe(3);
    await kill(worker);
    await client.connection.close();
    await server.stop();
    await store.close();
  }, 300_000);
});
