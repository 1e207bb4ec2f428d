// A task worker in its own process, so a test can kill it with SIGKILL mid-ladder.
// Its business clock comes from the environment, so a restarted worker keeps the same time line.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { dirname, join } from 'node:path';
import { createActivities } from '../../activities/index.js';
import { OutboxNotifier } from '../../activities/notifier.js';
import { loadCalendar, loadOrg } from '../../client/files.js';
import { warpedClock } from '../../domain/clock.js';
import { SqliteStore } from '../../store/sqlite.js';
import { createTaskWorker } from '../../worker/worker.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

Runtime.install({ logger: new DefaultLogger('WARN') });
const store = new SqliteStore(env('STORE_FILE'));
const clock = warpedClock({ realOrigin: Number(env('REAL_ORIGIN')), businessOrigin: Number(env('BUSINESS_ORIGIN')), speed: 86_400 / Number(env('SECONDS_PER_DAY')) });
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const client = new Client({ connection: await Connection.connect({ address: env('TEMPORAL_ADDRESS') }) });
const worker = await createTaskWorker({
  connection,
  namespace: 'default',
  taskQueue: env('TASK_QUEUE'),
  workflowBundle: { codePath: env('BUNDLE_PATH') },
  activities: createActivities({
    org: loadOrg('examples/org-so-noi-vu.yaml'),
    calendar: loadCalendar('config/calendar.yaml'),
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
