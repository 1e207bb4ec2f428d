// Crashes and restarts: nothing accepted is lost, nothing is sent twice.
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startPlan } from '../../client/plans.js';
import { planSchema } from '../../domain/plan.js';
import { taskWorkflowId } from '../../domain/task.js';
import { startDevServer, type DevServer } from '../../runtime/dev-server.js';
import { SqliteStore } from '../../store/sqlite.js';
import * as msg from '../../workflows/messages.js';
import { freePort } from '../global-setup.js';
import { eventually, ORG, testPlan } from '../helpers/harness.js';
import { kill, killAll, startWorkerProcess, workerEnv } from '../helpers/worker-processes.js';

// The ladder of a task due Fri 7/3/2025 (reminded the day before and on the morning), escalated
// every working day with one top repeat. Its first reminder falls 6 s into the run, well after
// the worker process is up, so the ladder is the same however slow the machine is.
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

const servers = new Set<DevServer>();
afterEach(async () => {
  await killAll();
  await Promise.all([...servers].map((s) => s.stop()));
  servers.clear();
});

describe('restarts', () => {
  it('a worker killed in the middle of a ladder loses and doubles nothing once restarted', async () => {
    const address = inject('temporalAddress');
    const client = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
    const storeFile = join(mkdtempSync(join(tmpdir(), 'de-an-06-')), 'state.sqlite');
    const taskQueue = `restart-${process.pid}-${Date.now()}`;
    const env = workerEnv(address, taskQueue, storeFile);
    let worker = await startWorkerProcess(env);
    const store = new SqliteStore(storeFile);
    const plan = planSchema.parse(testPlan([ladderTask], { policy: ladderPolicy }));
    await startPlan(client, store, ORG, plan, taskQueue);
    const id = taskWorkflowId(plan.id, 'II.1.(1)');

    // Kill it right after the first escalation, then keep it dead across the next step.
    await eventually(async () => (await store.outboxList({ workflowId: id })).some((r) => r.kind === 'escalation'), 30_000, 'first escalation');
    await kill(worker);
    await new Promise((r) => setTimeout(r, 3000));
    worker = await startWorkerProcess(env);

    const rows = await eventually(async () => {
      const r = await store.outboxList({ workflowId: id });
      return r.length >= LADDER.length && r.every((x) => x.status === 'sent') && r;
    }, 90_000, 'the whole ladder', async () => (await store.outboxList({ workflowId: id })).map((r) => [r.kind, r.to.id, r.status, r.attempts, new Date(r.createdAt).toISOString()]));
    await new Promise((r) => setTimeout(r, 2500));
    const final = await store.outboxList({ workflowId: id });
    expect(final.map((r) => [r.kind, r.to.id])).toEqual(LADDER);
    expect(new Set(final.map((r) => r.key)).size).toBe(final.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    await kill(worker);
    await store.close();
  });

  it('a dev server stopped and started again on the same SQLite file goes on with the workflows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'de-an-06-server-'));
    const dbFile = join(dir, 'temporal.sqlite');
    const port = await freePort();
    const cli = inject('temporalCli');
    let server = await startDevServer({ cli, dbFile, port, uiPort: 0, namespace: 'default' });
    servers.add(server);
    const storeFile = join(dir, 'state.sqlite');
    const env = workerEnv(server.address, 'restart-server', storeFile);
    let worker = await startWorkerProcess(env);
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
    servers.delete(server);
    server = await startDevServer({ cli, dbFile, port, uiPort: 0, namespace: 'default' });
    servers.add(server);
    worker = await startWorkerProcess(env);
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
