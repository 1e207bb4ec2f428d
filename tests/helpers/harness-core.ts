// (No vitest imports here: scripts use it too.)
// A worker on the shared dev server with its own task queue, store and business clock,
// so each test sees a fresh week in which a working day passes in a couple of seconds.
import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../../activities/index.js';
import { OutboxNotifier, type Notifier } from '../../activities/notifier.js';
import { loadCalendar, loadOrg } from '../../client/files.js';
import { specOf, startPlan, unitInputs } from '../../client/plans.js';
import { taskWorkflowId } from '../../domain/task.js';
import { unitTaskWorkflow } from '../../workflows/index.js';
import { businessDateOf, toInstant, WorkingCalendar, type IsoDate } from '../../domain/calendar.js';
import type { BusinessClock } from '../../domain/clock.js';
import type { Notification } from '../../domain/notification.js';
import type { Org } from '../../domain/org.js';
import { planSchema, type Plan, type PlanInput } from '../../domain/plan.js';
import { SqliteStore } from '../../store/sqlite.js';
import type { OutboxRow } from '../../store/store.js';
import { createTaskWorker } from '../../worker/worker.js';
import { eventually } from './eventually.js';
import { officeClock } from './office-clock.js';
import { installQuietRuntime } from './runtime.js';

export const ORG: Org = loadOrg('examples/org-so-noi-vu.yaml');
export const CALENDAR = loadCalendar('config/calendar.yaml');
/** Monday 3 March 2025, 07:00 in Hà Nội: half an hour before the office opens. */
export const BUSINESS_ORIGIN = toInstant('2025-03-03', '07:00');
/** The working calendar of CALENDAR (office hours, days off). */
export const CALENDAR_RULES = new WorkingCalendar(CALENDAR);

let connections: Promise<{ native: NativeConnection; client: Client }> | undefined;

/** Where the harness finds the server and the bundled workflow code (vitest's global setup, or a script). */
export interface HarnessTarget {
  address: string;
  bundlePath: string;
}

export function sharedConnections(target: HarnessTarget): Promise<{ native: NativeConnection; client: Client }> {
  connections ??= (async () => {
    installQuietRuntime();
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
  /**
   * The first working day whose office opening is at least `ms` of real time from now (default
   * 1.5 s): a reminder on its morning is planned before it is due, however slow the machine.
   */
  nextOfficeDay(ms?: number): IsoDate;
  /** A monthly check-in task (first task of `plan`) started directly, so a test can force continue-as-new every cycle. */
  startRecurringTask(plan: Plan, cyclesPerRun: number): Promise<WorkflowHandleWithFirstExecutionRunId<typeof unitTaskWorkflow>>;
  stop(): Promise<void>;
}

let counter = 0;

export interface HarnessOptions {
  /** Real seconds per business day (its office hours take their share of it). */
  secondsPerDay?: number;
  /**
   * Nights, weekends and holidays pass this many times faster than office hours (default 1: a
   * linear warp), for tests that wait for working days to go by (helpers/office-clock.ts).
   */
  offHoursSpeedup?: number;
  org?: Org;
  /** The channel behind the outbox (default: a TestChannel that only records). */
  notifier?: (store: SqliteStore) => Notifier | Promise<Notifier>;
}

export async function createHarness(target: HarnessTarget, opts: HarnessOptions = {}): Promise<Harness> {
  const { native, client } = await sharedConnections(target);
  const secondsPerDay = opts.secondsPerDay ?? 2;
  const taskQueue = `test-${process.pid}-${++counter}-${Date.now()}`;
  // Business time starts when the worker is ready (below), not before: a slow start (a loaded
  // machine, tests starting at once) does not eat into the business day a test begins with.
  let started: BusinessClock | undefined;
  const startedClock = () => {
    if (!started) throw new Error('the harness clock is read before the harness is ready');
    return started;
  };
  const clock: BusinessClock = { toBusiness: (r) => startedClock().toBusiness(r), toReal: (b) => startedClock().toReal(b) };
  const dir = mkdtempSync(join(tmpdir(), 'de-an-06-'));
  const store = new SqliteStore(join(dir, 'state.sqlite'));
  const channel = new TestChannel();
  const org = opts.org ?? ORG;
  const activities = createActivities({ org, calendar: CALENDAR, clock, client, store, reportsDir: join(dir, 'reports'), notifier: new OutboxNotifier(store, (await opts.notifier?.(store)) ?? channel) });
  const worker = await createTaskWorker({ connection: native, namespace: 'default', taskQueue, activities, workflowBundle: { codePath: target.bundlePath } });
  const running = worker.run();
  started = officeClock({ realOrigin: Date.now(), businessOrigin: BUSINESS_ORIGIN, speed: 86_400 / secondsPerDay, calendar: CALENDAR_RULES, offHoursSpeedup: opts.offHoursSpeedup ?? 1 });
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
    nextOfficeDay(ms = 1500) {
      let day = CALENDAR_RULES.nextWorkingDay(businessDateOf(clock.toBusiness(Date.now())));
      while (clock.toReal(CALENDAR_RULES.officeStart(day)) < Date.now() + ms) day = CALENDAR_RULES.addWorkingDays(day, 1);
      return day;
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

/** Whether a workflow has something in flight: a workflow task or an activity pending. */
export async function inFlight(client: Client, workflowId: string): Promise<boolean> {
  const { raw } = await client.workflow.getHandle(workflowId).describe();
  return !!raw.pendingWorkflowTask || (raw.pendingActivities?.length ?? 0) > 0;
}

/**
 * Waits until a workflow has nothing in flight (it waits for a timer or a message). A send that
 * was to happen twice, by a retry or a second call, would have happened by then: what a test
 * checks after this is final until the workflow's next timer.
 */
export async function settled(client: Client, workflowId: string, ms = 30_000): Promise<void> {
  await eventually(async () => !(await inFlight(client, workflowId)), ms, `workflow ${workflowId} to settle`);
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
