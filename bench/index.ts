// `npm run bench -- <name> [options]`: benchmarks print JSON and write bench/results/<name>.json.
import { Command } from 'commander';
import { dashboardBench } from './dashboard.js';
import { planStartBench } from './plan-start.js';
import { remindersBench } from './reminders.js';
import { webhookBench } from './webhook.js';

const program = new Command('bench');
program
  .command('plan-start')
  .option('--tasks <n>', 'tasks in the generated plan', '10000')
  .option('--address <host:port>', 'an existing Temporal server (default: a fresh embedded one)')
  .action(async (o: { tasks: string; address?: string }) => {
    const result = await planStartBench({ tasks: Number(o.tasks), ...(o.address ? { address: o.address } : {}) });
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
  .action(async (o: { tasks: string; requests: string }) => {
    const result = await dashboardBench({ tasks: Number(o.tasks), requests: Number(o.requests) });
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
program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
