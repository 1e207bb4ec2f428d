// `npm start`: everything a newcomer needs in one process. With no TEMPORAL_ADDRESS it runs
// the embedded dev server (persisted under data/), then the worker and the HTTP server, and
// starts the example plan when no plan runs yet. `--role worker|web` runs one part only.
import { NativeConnection, Runtime } from '@temporalio/worker';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createActivities } from '../activities/index.js';
import { OutboxNotifier } from '../activities/notifier.js';
import { loadCalendar, loadOrg, loadPlan } from '../client/files.js';
import { startPlan } from '../client/plans.js';
import { InvalidFileError } from '../domain/validation.js';
import { loadConfig } from '../runtime/config.js';
import { startDevServer, type DevServer } from '../runtime/dev-server.js';
import { createLogger } from '../runtime/logger.js';
import { createMetrics } from '../runtime/metrics.js';
import { connectClient, describeTemporal, ensureSearchAttributes, resolveTemporal, workerConnectionOptions } from '../runtime/temporal.js';
import { ensureTemporalCli } from '../runtime/temporal-cli.js';
import { describeStore, openStore } from '../store/open.js';
import { createApp, zaloHealthProbe } from '../web/server.js';
import { createTaskWorker, workerTuning } from './worker.js';
import { connectZalo, type ZaloConnection } from './zalo.js';
import { syncOrgLinks } from '../client/accounts.js';
import { createBot } from '../bot/handlers.js';
import { InboxProcessor } from '../bot/inbox.js';
import { webhookRouter, WEBHOOK_PATH } from '../bot/webhook.js';
import { devZaloId, devZaloRouter } from '../web/dev-zalo.js';
import { WaitingDeliveries } from '../activities/notifier.js';
import { deliveryReported } from '../workflows/messages.js';
import { contactRules, createNotifiers, sendSigninCode, templatesOf } from './notify.js';
import { tokenProblem } from '../client/zalo-tokens.js';
import { NO_TEMPLATES } from '../domain/templates.js';
import { businessDateOf } from '../domain/calendar.js';
import { REAL_TIME } from '../domain/clock.js';
import { demoClock } from '../runtime/demo.js';

type Role = 'all' | 'worker' | 'web';

async function main(): Promise<void> {
  const roleArg = process.argv.indexOf('--role');
  const role = (roleArg > 0 ? process.argv[roleArg + 1] : 'all') as Role;
  if (!['all', 'worker', 'web'].includes(role)) throw new Error(`unknown --role ${role} (all, worker, web)`);
  const demo = process.argv.includes('--demo');
  if (demo && role !== 'all') throw new Error('--demo runs everything in one process: leave out --role');
  const loaded = loadConfig();
  // A demonstration has its own data (SQLite, never a shared PostgreSQL) and never talks to a real Zalo OA.
  const config = demo ? { ...loaded, dataDir: join(loaded.dataDir, 'demo'), zalo: undefined, DATABASE_URL: undefined } : loaded;
  const log = createLogger(config.LOG_LEVEL);
  if (demo && loaded.zalo) log.warn('demo mode: the ZALO_* credentials are ignored; messages go to the local Zalo double (/dev/zalo)');
  const org = loadOrg(config.ORG_FILE);
  const calendar = loadCalendar(config.CALENDAR_FILE);
  // Read when it is needed: a demo sets its clock by it; otherwise only a first start uses it.
  const examplePlan = demo && config.EXAMPLE_PLAN_FILE ? loadPlan(config.EXAMPLE_PLAN_FILE, org) : undefined;
  const { clock } = demo ? demoClock(config.dataDir, examplePlan, config.DEMO_SECONDS_PER_DAY) : { clock: REAL_TIME };
  /** Business time: "today" on the pages and in the bot (fast in a demo). */
  const businessNow = () => clock.toBusiness(Date.now());
  if (demo)
    log.info(
      { secondsPerDay: config.DEMO_SECONDS_PER_DAY, businessDate: businessDateOf(businessNow()), dataDir: config.dataDir },
      'demo mode: business time runs fast; watch the chat at /dev/zalo and the dashboard',
    );
  // Checked before anything starts: a bad templates file is refused like a bad org chart.
  const templates = templatesOf(config, !config.zalo && role === 'all');
  const store = await openStore(config);
  log.info({ store: describeStore(config) }, 'store opened');
  // The SDK's worker metrics: the core serves them on a loopback port, appended to our /metrics.
  // Installed before any NativeConnection (the runtime is made once per process).
  const sdkMetricsUrl = role !== 'web' ? installSdkMetrics(config.TEMPORAL_METRICS_PORT, log) : undefined;

  let devServer: DevServer | undefined;
  // Environment and profile file (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE); no address anywhere → the embedded dev server.
  let temporal = resolveTemporal();
  if (!temporal.address) {
    const cli = await ensureTemporalCli((m) => log.info(m));
    const dbFile = join(config.dataDir, 'temporal.sqlite');
    devServer = await startDevServer({ cli, dbFile, port: config.TEMPORAL_DEV_PORT, uiPort: config.TEMPORAL_UI_PORT, namespace: temporal.namespace });
    temporal = { ...temporal, address: devServer.address };
    log.info({ address: devServer.address, dbFile, ui: config.TEMPORAL_UI_PORT ? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}` : 'off' }, 'embedded Temporal dev server started');
  }
  const { connection, client } = await connectClient(temporal);
  log.info(describeTemporal(temporal), 'connected to Temporal');
  // One registry for this process, passed to what counts (no global: tests make their own).
  const metrics = createMetrics({ inbox: store, client, processMetrics: true, ...(sdkMetricsUrl ? { sdkMetricsUrl } : {}) });
  const added = await ensureSearchAttributes(connection, temporal.namespace);
  if (added.length) log.info({ added }, 'registered search attributes');

  const stops: (() => Promise<void>)[] = [];
  // The local Zalo double lives in one process: without credentials the bot runs only with `--role all`.
  let zalo: ZaloConnection | undefined;
  if (config.zalo || role === 'all') {
    zalo = await connectZalo(config, store, log, { org, templates });
    const linked = await syncOrgLinks(org, store, Date.now());
    if (linked) log.info({ linked }, 'Zalo accounts linked from the org chart');
    if (demo && zalo.double) {
      // In a demonstration everyone has linked their Zalo and just written to the OA: the 7-day window is open for all.
      for (const p of org.people) {
        let id = (await store.zaloLinkOfPerson(p.id))?.zaloUserId;
        if (!id) {
          id = devZaloId(p.id);
          if (!(await store.zaloLinkOf(id))) await store.zaloLink(id, p.id, Date.now());
        }
        zalo.double.addUser(id, p.name, { lastInteractionAt: Date.now() });
        await store.zaloInteraction(id, Date.now());
      }
    }
  } else log.warn('no Zalo credentials and not --role all: notifications go to e-mail if configured, else to the log');
  const { notifier, delivery } = createNotifiers({ config, org, store, ...(zalo ? { zalo } : {}), templates, log, metrics });
  let workerRun: Promise<void> | undefined;
  if (role !== 'web') {
    const nativeConnection = await NativeConnection.connect(workerConnectionOptions(temporal));
    const worker = await createTaskWorker({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      tuning: workerTuning(config),
      ...(config.WORKFLOW_BUNDLE ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE } } : {}),
      activities: createActivities({
        org,
        calendar,
        clock,
        client,
        store,
        reportsDir: join(config.dataDir, 'reports'),
        notifier: new OutboxNotifier(store, notifier),
      }),
    });
    workerRun = worker.run();
    if (delivery) {
      // Messages that waited for a new Zalo token go out once it is configured; the task's timeline is told.
      const waiting = new WaitingDeliveries({
        store,
        notifier: delivery,
        ready: async () => !!zalo && (await zalo.client.tokens.usable()),
        report: (workflowId, lines) => client.workflow.getHandle(workflowId).signal(deliveryReported, { lines }),
        log,
      });
      waiting.start();
      stops.unshift(() => waiting.stop());
    }
    stops.push(async () => {
      // The SDK's runtime also reacts to SIGINT/SIGTERM and may already be draining.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
      await nativeConnection.close();
    });
    log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker started');
    if (role === 'worker' && config.WORKER_HTTP_PORT !== undefined) {
      // A worker alone has no dashboard: health, readiness and its metrics (notifications, SDK) only.
      const zaloHealth = zalo ? zaloHealthProbe(store, { configured: true, usable: () => zalo.client.tokens.usable() }) : undefined;
      const app = await createApp({ connection, namespace: temporal.namespace, store, metrics, trustProxy: config.trustProxy, log, ...(zaloHealth ? { zalo: zaloHealth } : {}) });
      const probe: Server = app.listen(config.WORKER_HTTP_PORT, () => log.info({ url: `http://127.0.0.1:${(probe.address() as { port: number }).port}/metrics` }, 'worker health and metrics listening'));
      probe.once('error', (err) => log.error({ err, port: config.WORKER_HTTP_PORT }, 'worker health and metrics cannot listen (WORKER_HTTP_PORT in use?)'));
      stops.unshift(() => new Promise<void>((r) => probe.close(() => r())));
    }
  }
  if (role !== 'worker') {
    const routers = [];
    if (zalo) {
      const inbox = new InboxProcessor({ store, log, keepHandledMs: config.ZALO_DEDUPE_DAYS * 24 * 3600_000, handle: createBot({ org, store, client, zalo: zalo.client, now: businessNow }) });
      routers.push(webhookRouter({ auth: zalo.auth, store, log, metrics, onQueued: () => inbox.kick() }));
      if (zalo.double) routers.push(devZaloRouter({ org, store, double: zalo.double }));
      inbox.kick(); // events accepted before a crash or restart
      stops.unshift(() => inbox.stop());
    }
    const dashboard = {
      org,
      store,
      client,
      reportsDir: join(config.dataDir, 'reports'),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      now: businessNow,
      ...(config.ADMIN_TOKEN ? { adminToken: config.ADMIN_TOKEN } : {}),
      ...(config.SESSION_SECRET ? { secret: config.SESSION_SECRET } : {}),
      secureCookies: config.COOKIE_SECURE === 'true',
      // Sign-in codes go by whatever reaches the person (never up the chain, never through the outbox).
      sendCode: (personId: string, text: string, code: string) => sendSigninCode(delivery, org, personId, text, code, log),
      contacts: {
        // What reminders go by now; a process with no channel at all reaches nobody.
        rules: () => delivery?.rulesFor({ kind: 'reminder' }) ?? contactRules(config, store, Date.now(), { templates: NO_TEMPLATES, zaloUsable: false }),
        tokenProblem: () => tokenProblem(store),
      },
    };
    const zaloHealth = zaloHealthProbe(store, { configured: !!zalo, usable: async () => !!zalo && (await zalo.client.tokens.usable()) });
    const server: Server = (await createApp({ connection, namespace: temporal.namespace, routers, dashboard, zalo: zaloHealth, store, metrics, trustProxy: config.trustProxy, log })).listen(config.PORT, () => {
      const port = (server.address() as { port: number }).port;
      if (zalo?.double) zalo.double.webhookUrl = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
      log.info({ url: `http://127.0.0.1:${port}/healthz`, ...(zalo?.double ? { chat: `http://127.0.0.1:${port}/dev/zalo` } : {}) }, 'HTTP server listening');
    });
    server.once('error', (err) => {
      log.error({ err, port: config.PORT }, 'HTTP server cannot listen (is the port in use? set PORT)');
      void shutdown('http-error', 1);
    });
    stops.unshift(() => new Promise<void>((r) => server.close(() => r())));
  }
  if (role === 'all' && config.EXAMPLE_PLAN_FILE && (await store.planSummaries()).length === 0) {
    const plan = examplePlan ?? loadPlan(config.EXAMPLE_PLAN_FILE, org);
    const res = await startPlan(client, store, org, plan, config.TEMPORAL_TASK_QUEUE);
    log.info({ plan: plan.id, started: res.started, existing: res.existing }, 'example plan started');
  }

  let stopping = false;
  async function shutdown(signal: string, code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    for (const stop of stops) await stop();
    await zalo?.close();
    await connection.close();
    await devServer?.stop();
    await store.close();
    log.info('stopped');
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  if (workerRun) await workerRun.catch(async (err) => {
    log.error({ err }, 'worker failed');
    await shutdown('worker-failure', 1);
  });
}

/**
 * Installs the Temporal runtime with its Prometheus exporter on 127.0.0.1:`port`; answers the URL
 * to fetch, or undefined when off (port 0) or when the port is taken (then the worker runs without
 * SDK metrics rather than not at all: two workers on one host must not stop each other).
 */
function installSdkMetrics(port: number, log: ReturnType<typeof createLogger>): string | undefined {
  if (port === 0) return undefined;
  const bindAddress = `127.0.0.1:${port}`;
  try {
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress } } } });
    return `http://${bindAddress}/metrics`;
  } catch (err) {
    log.warn({ err: (err as Error).message, bindAddress }, 'Temporal SDK metrics off (set TEMPORAL_METRICS_PORT to a free port, 0 to silence this)');
    Runtime.install({});
    return undefined;
  }
}

main().catch((err) => {
  if (err instanceof InvalidFileError) console.error(`${err.message}\n\n${err.vietnamese}`);
  else console.error(err);
  process.exit(1);
});
