// A task worker in its own process, so a test can kill it with SIGKILL mid-ladder.
// Its business clock comes from the environment, so a restarted worker keeps the same time line:
// the real instant business time starts is REAL_ORIGIN, or the content of the file REAL_ORIGIN_FILE
// (written by the test once a worker is up, read when an activity first needs the clock).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createActivities } from '../../activities/index.js';
import { OutboxNotifier } from '../../activities/notifier.js';
import { loadCalendar, loadOrg } from '../../client/files.js';
import { WorkingCalendar } from '../../domain/calendar.js';
import type { BusinessClock } from '../../domain/clock.js';
import { SqliteStore } from '../../store/sqlite.js';
import { createTaskWorker } from '../../worker/worker.js';
import { officeClock } from './office-clock.js';
import { installQuietRuntime } from './runtime.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

installQuietRuntime();
const store = new SqliteStore(env('STORE_FILE'));
const calendar = loadCalendar('config/calendar.yaml');
// Made when first read (by an activity, after the test has written the origin).
let made: BusinessClock | undefined;
const theClock = (): BusinessClock =>
  (made ??= officeClock({
    realOrigin: Number(process.env.REAL_ORIGIN_FILE ? readFileSync(process.env.REAL_ORIGIN_FILE, 'utf8') : env('REAL_ORIGIN')),
    businessOrigin: Number(env('BUSINESS_ORIGIN')),
    speed: 86_400 / Number(env('SECONDS_PER_DAY')),
    calendar: new WorkingCalendar(calendar),
    offHoursSpeedup: Number(process.env.OFF_HOURS_SPEEDUP ?? 1),
  }));
const clock: BusinessClock = { toBusiness: (r) => theClock().toBusiness(r), toReal: (b) => theClock().toReal(b) };
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const client = new Client({ connection: await Connection.connect({ address: env('TEMPORAL_ADDRESS') }) });
const worker = await createTaskWorker({
  connection,
  namespace: 'default',
  taskQueue: env('TASK_QUEUE'),
  workflowBundle: { codePath: env('BUNDLE_PATH') },
  activities: createActivities({
    org: loadOrg('examples/org-so-noi-vu.yaml'),
    calendar,
    clock,
    client,
    store,
    reportsDir: join(dirname(env('STORE_FILE')), 'reports'),
    notifier: new OutboxNotifier(store, { send: async () => undefined }),
  }),
});
const run = worker.run();
console.log('worker ready');
await run;
await store.close();
