// `npm run bench -- <name> [options]`: benchmarks print JSON and write bench/results/<name>.json.
import { Command } from 'commander';
import { dashboardBench } from './dashboard.js';
import { importBench } from './import.js';
import { planStartBench } from './plan-start.js';
import { remindersBench } from './reminders.js';
import { reportBench } from './report.js';
import { webhookBench } from './webhook.js';
import { startClusterBase } from '../scripts/cluster.js';

const program = new Command('bench');
program
  .command('plan-start')
  .option('--tasks <n>', 'tasks in the generated plan', '10000')
  .option('--address <host:port>', 'an existing Temporal server (default: a fresh embedded one)')
  .option('--cache <n>', 'the plan worker\'s sticky cache (default: WORKER_CACHED_WORKFLOWS\'s default)')
  .option('--concurrency <n>', 'start requests in flight', '20')
  .option('--wake <n>', 'workflows woken at once', '1000')
  .option('--rounds <n>', 'chunks of each kind, measured in mirrored pairs: bare, plan, plan, bare … (1: all bare, then all plan)', '2')
  .option('--worker-bundles', 'the worker bundles the workflow code itself at start, as npm start does')
  .option('--cluster', 'a Temporal server on PostgreSQL started for the run (scripts/cluster.ts), as in production')
  .option('--worker-node-flags <flags>', 'Node\'s flags for both worker processes (default: those of npm run worker; "" for none)')
  .action(async (o: { tasks: string; address?: string; cache?: string; concurrency: string; wake: string; rounds: string; workerBundles?: boolean; cluster?: boolean; workerNodeFlags?: string }) => {
    const cluster = o.cluster ? await startClusterBase({ log: (m) => console.error(`[cluster] ${m}`) }) : undefined;
    const address = cluster?.temporal.address ?? o.address;
    const result = await planStartBench({ tasks: Number(o.tasks), concurrency: Number(o.concurrency), wake: Number(o.wake), rounds: Number(o.rounds), prebundled: !o.workerBundles, ...(o.workerNodeFlags !== undefined ? { workerNodeFlags: o.workerNodeFlags } : {}), ...(address ? { address } : {}), ...(o.cache ? { cache: Number(o.cache) } : {}) }).finally(() => cluster?.stop());
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  });
program
  .command('webhook')
  .option('--requests <n>', 'measured requests per target', '20000')
  .option('--concurrency <n>', 'requests in flight', '32')
  .action(async (o: { requests: string; concurrency: string }) => {
    const result = await webhookBench({ requests: Number(o.requests), concurrency: Number(o.concurrency) });
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  });
program
  .command('dashboard')
  .option('--tasks <n>', 'tasks in the generated plan', '10000')
  .option('--requests <n>', 'measured requests per page (after 3 warm-up ones)', '30')
  .option('--via <how>', 'rows: the rows written straight into the store; workflows: the plan started on Temporal', 'rows')
  .option('--database-url <url>', 'PostgreSQL for the store (default: SQLite in a temp dir)')
  .action(async (o: { tasks: string; requests: string; via: string; databaseUrl?: string }) => {
    if (o.via !== 'rows' && o.via !== 'workflows') throw new Error(`--via ${o.via}: expected rows or workflows`);
    const result = await dashboardBench({ tasks: Number(o.tasks), requests: Number(o.requests), via: o.via, ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}) });
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  });
program
  .command('report')
  .option('--tasks <n>', 'tasks in the generated plan', '10000')
  .option('--runs <n>', 'reports built one after the other', '3')
  .action(async (o: { tasks: string; runs: string }) => {
    const result = await reportBench({ tasks: Number(o.tasks), runs: Number(o.runs) });
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  });
program
  .command('reminders')
  .option('--people <n>', 'staff reminded at one office opening', '1000')
  .option('--concurrency <n>', 'notifications in flight (the worker runs up to 100 activities at once)', '100')
  .action(async (o: { people: string; concurrency: string }) => {
    const result = await remindersBench({ people: Number(o.people), concurrency: Number(o.concurrency) });
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  });
program
  .command('import')
  .option('--only <name>', 'only the corpus documents whose name contains this')
  .option('--details', 'list every task missed or read wrong')
  .action(async (o: { only?: string; details?: boolean }) => {
    const r = await importBench(o);
    if (o.details) for (const d of r.documents) for (const line of [...d.missing.map((m) => `MISSING «${m}»`), ...d.wrong]) console.log(`${d.name}: ${line}`);
    const pct = (x: number) => `${Math.round(x * 100)} %`.padStart(6);
    console.log('document'.padEnd(52), 'tasks'.padStart(9), 'found'.padStart(6), 'lead'.padStart(6), 'support'.padStart(8), 'deadline'.padStart(9), 'header'.padStart(7), 'seconds'.padStart(8));
    for (const d of r.documents)
      console.log(d.name.padEnd(52), `${d.matched}/${d.expected}`.padStart(9), pct(d.tasksFound), pct(d.leads), pct(d.supports).padStart(8), pct(d.deadlines).padStart(9), `${d.header.right}/${d.header.of}`.padStart(7), d.seconds.toFixed(2).padStart(8), d.error ? ` ${d.error}` : '');
    const t = r.totals;
    console.log('TOTAL'.padEnd(52), `${t.matched}/${t.expected}`.padStart(9), pct(t.tasksFound), pct(t.leads), pct(t.supports).padStart(8), pct(t.deadlines).padStart(9), pct(t.header).padStart(7), t.seconds.toFixed(2).padStart(8));
    process.exit(0);
  });
program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
