// `npm run bench -- report [--tasks 10000]`: building a plan's report (DOCX and XLSX) from the task
// read model. The generated plan of the dashboard bench is written into a fresh SQLite store as its
// settled workflows would have written it; the report activity then reads it and writes both files,
// timed part by part (the read, compiling, each file). No Temporal server: every task has its row.
import { Client, Connection } from '@temporalio/client';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReportActivities } from '../activities/reports.js';
import { loadOrg } from '../client/files.js';
import { businessDateOf } from '../domain/calendar.js';
import { SqliteStore } from '../store/sqlite.js';
import { generatedPlan, rowsOf } from './dashboard.js';

const log = (text: string): void => console.error(`[report ${new Date().toISOString().slice(11, 19)}] ${text}`);
const round1 = (x: number): number => Math.round(x * 10) / 10;

export async function reportBench(args: { tasks: number; runs: number }): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  const org = loadOrg('examples/org-so-noi-vu.yaml');
  const store = new SqliteStore(join(dir, 'state.sqlite'));
  const today = businessDateOf(Date.now());
  const plan = generatedPlan(args.tasks, org.units.map((u) => u.code), today);
  await store.planSave(plan, Date.now());
  for (const r of rowsOf(plan, org, today, Date.now())) await store.taskPut(r);
  log(`${args.tasks} task rows written`);
  // Never dialled: every task has its row, so no workflow is asked.
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const reports = createReportActivities({ client, store, org, reportsDir: join(dir, 'reports') });
  const period = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
  const runs: { seconds: number; readSeconds: number }[] = [];
  let built: Awaited<ReturnType<typeof reports.buildReport>> | undefined;
  for (let i = 0; i < args.runs; i++) {
    const t0 = performance.now();
    await store.taskFind({ planId: plan.id });
    const readSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    built = await reports.buildReport({ planId: plan.id, period });
    runs.push({ seconds: round1((performance.now() - t1) / 1000), readSeconds: round1(readSeconds * 100) / 100 });
    log(`run ${i + 1}: ${runs.at(-1)!.seconds} s`);
  }
  const sorted = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const result = {
    bench: 'report',
    tasks: args.tasks,
    period,
    runs,
    medianSeconds: sorted[Math.floor(sorted.length / 2)],
    files: { docxBytes: statSync(built!.docx).size, xlsxBytes: statSync(built!.xlsx).size },
    counted: built!.total,
    timing: 'seconds: buildReport from the call to both files written (reading every row of the plan, compiling, DOCX, XLSX); readSeconds: reading the rows alone, before it.',
    cores: cpus().length,
    node: process.version,
  };
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/report-${args.tasks}.json`, JSON.stringify(result, null, 2));
  return result;
}
