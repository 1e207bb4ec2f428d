// (No vitest imports here: scripts use it too.)
// A worker on the shared dev server with its own task queue, store and business clock,
// so each test sees a fresh week in which a working day passes in a couple of seconds.
import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../../activities/index.js';
import { OutboxNotifier, type Notifier } from '../../activities/notifier.js';
import { loadCalendar, loadOrg } from '../../client/files.js';
import { specOf, startPlan, unitInputs } from '../../client/plans.js';
import { taskWorkflowId } from '../../domain/task.js';
import { unitTaskWorkflow } from '../../workflows/index.js';
import { toInstant } from '../../domain/calendar.js';
import { warpedClock, type BusinessClock } from '../../domain/clock.js';
import type { Notification } from '../../domain/notification.js';
import type { Org } from '../../domain/org.js';
import { planSchema, type Plan, type PlanInput } from '../../domain/plan.js';
import { SqliteStore } from '../../store/sqlite.js';
import type { OutboxRow } from '../../store/store.js';
import { createTaskWorker } from '../../worker/worker.js';

export const ORG: Org = loadOrg('examples/org-so-noi-vu.yaml');
export const CALENDAR = loadCalendar('config/calendar.yaml');
/** Monday 3 March 2025, 07:00 in Hà Nội: half an hour before the office opens. */
export const BUSINESS_ORIGIN = toInstant('2025-03-03', '07:00');

let connections: Promise<{ native: NativeConnection; client: Client }> | undefined;

/** Where the harness finds the server and the bundled workflow code (vitest's global setup, or a script). */
export interface HarnessTarget {
  address: string;
  bundlePath: string;
}

export function sharedConnections(target: HarnessTarget): Promise<{ native: NativeConnection; client: Client }> {
  connections ??= (async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const address = target.address;
    const native = await NativeConnection.connect({ address });
    const client = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
    return { native, client };
  })();
  return connections;
}

/** Delivers to nothing, but can be told to fail for a while (a channel that is down). */
export class TestChannel implements Notifier {
  delivered: Notification[] = [];
  down = false;
  async send(n: Notification): Promise<void> {
    if (this.down) throw new Error('channel down');
    this.delivered.push(n);
  }
}

export interface Harness {
  client: Client;
  store: SqliteStore;
  channel: TestChannel;
  taskQueue: string;
  clock: BusinessClock;
  /** The harness's own data folder (store, reports). */
  dir: string;
  worker: Worker;
  outbox(filter?: Partial<Pick<OutboxRow, 'kind' | 'workflowId'>> & { to?: string }): Promise<OutboxRow[]>;
  startPlan(plan: PlanInput): Promise<Plan>;
  /** A monthly check-in task (first task of `plan`) started directly, so a test can force continue-as-new every cycle. */
  startRecurringTask(plan: Plan, cyclesPerRun: number): Promise<WorkflowHandleWithFirstExecutionRunId<typeof unitTaskWorkflow>>;
  stop(): Promise<void>;
}

let counter = 0;

export interface HarnessOptions {
  secondsPerDay?: number;
  org?: Org;
  /** The channel behind the outbox (default: a TestChannel that only records). */
  notifier?: (store: SqliteStore) => Notifier | Promise<Notifier>;
}

export async function createHarness(target: HarnessTarget, opts: HarnessOptions = {}): Promise<Harness> {
  const { native, client } = await sharedConnections(target);
  const secondsPerDay = opts.secondsPerDay ?? 2;
  const taskQueue = `test-${process.pid}-${++counter}-${Date.now()}`;
  const clock = warpedClock({ realOrigin: Date.now(), businessOrigin: BUSINESS_ORIGIN, speed: 86_400 / secondsPerDay });
  const dir = mkdtempSync(join(tmpdir(), 'de-an-06-'));
  const store = new SqliteStore(join(dir, 'state.sqlite'));
  const channel = new TestChannel();
  const org = opts.org ?? ORG;
  const activities = createActivities({ org, calendar: CALENDAR, clock, client, store, reportsDir: join(dir, 'reports'), notifier: new OutboxNotifier(store, (await opts.notifier?.(store)) ?? channel) });
  const worker = await createTaskWorker({ connection: native, namespace: 'default', taskQueue, activities, workflowBundle: { codePath: target.bundlePath } });
  const running = worker.run();
  const h: Harness = {
    client,
    store,
    channel,
    taskQueue,
    clock,
    dir,
    worker,
    async outbox(filter = {}) {
      return (await store.outboxList({ ...(filter.workflowId ? { workflowId: filter.workflowId } : {}), ...(filter.to ? { to: filter.to } : {}) })).filter((r) => !filter.kind || r.kind === filter.kind);
    },
    async startPlan(input) {
      const plan = planSchema.parse(input);
      await startPlan(client, store, org, plan, taskQueue);
      return plan;
    },
    async startRecurringTask(plan, cyclesPerRun) {
      const task = plan.tasks[0]!;
      return client.workflow.start(unitTaskWorkflow, {
        workflowId: taskWorkflowId(plan.id, task.ref),
        taskQueue,
        args: [{ ...unitInputs(plan, org, task)[0]!, planId: plan.id, planTitle: plan.title, task: specOf(task), cyclesPerRun }],
      });
    },
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await store.close();
    },
  };
  return h;
}

/** A plan with one or more tasks and a unique id; tasks default to HCTH and a date deadline. */
export function testPlan(tasks: Partial<PlanInput['tasks'][number]>[], extra: Partial<PlanInput> = {}): PlanInput {
  return {
    id: `t-${process.pid}-${++counter}-${Date.now().toString(36)}`,
    title: 'Kế hoạch thử nghiệm',
    document: { number: '01/KH-TEST', issuer: 'Sở Nội vụ' },
    ...extra,
    tasks: tasks.map((t, i) => ({
      ref: `II.1.(${i + 1})`,
      title: `Nhiệm vụ thử ${i + 1}`,
      content: 'Nội dung nhiệm vụ thử nghiệm.',
      lead: ['HCTH'],
      deadline: { kind: 'date', due: '2025-03-05', text: 'Ngày 05/3/2025' },
      ...t,
    })) as PlanInput['tasks'],
  };
}

export { eventually } from './eventually.js';
