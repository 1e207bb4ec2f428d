// Gathering every task's state for a report (the task read model) and writing its files under data/reports/.
import type { Client } from '@temporalio/client';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { businessDateOf } from '../domain/calendar.js';
import { REAL_TIME, type BusinessClock } from '../domain/clock.js';
import { chainFor, type Org, type PersonRef } from '../domain/org.js';
import { leadUnits } from '../domain/plan.js';
import { compileReport, letterheadOf, parseReportPeriod, reportPeriodOf, snapshotOf, type ReportPeriod, type StatusCounts, type TaskSnapshot } from '../domain/report.js';
import { reportFactsOf } from '../domain/task-record.js';
import type { Cycle } from '../domain/plan.js';
import { taskWorkflowId, unitWorkflowId } from '../domain/task.js';
import { mapLimit } from '../runtime/concurrency.js';
import type { PlanStore, TaskStore } from '../store/store.js';
import { getTaskState } from '../workflows/messages.js';
import { reportDocx, reportXlsx } from './report-files.js';

export interface ReportDeps {
  client: Client;
  store: PlanStore & TaskStore;
  org: Org;
  /** Where report files go (DATA_DIR/reports). */
  reportsDir: string;
  clock?: BusinessClock;
  now?: () => number;
}

export interface BuiltReport {
  planId: string;
  planTitle: string;
  period: ReportPeriod;
  docx: string;
  xlsx: string;
  total: number;
  counts: StatusCounts;
  /** The reporting unit's head and contact person, to be told. */
  recipients: PersonRef[];
  /** Reports go out "trước ngày 15" of the period's last month. */
  submitBy: string;
}

export function createReportActivities(deps: ReportDeps) {
  const clock = deps.clock ?? REAL_TIME;
  const now = deps.now ?? Date.now;

  return {
    /** Reads every unit task of the plan from the read model (by query where it has no row) and writes the report. */
    async buildReport(req: { planId: string; period?: string; cycle?: Cycle }): Promise<BuiltReport> {
      const record = await deps.store.planGet(req.planId);
      if (!record) throw new Error(`plan "${req.planId}" has not been started`);
      const plan = record.plan;
      const today = businessDateOf(clock.toBusiness(now()));
      const period = req.period ? parseReportPeriod(req.period) : reportPeriodOf(req.cycle ?? 'monthly', today);
      if (!period) throw new Error(`"${req.period}" is not a report period (2024-05, 2024-Q2, 2024-H1, 2024)`);

      const day = (ms: number) => businessDateOf(clock.toBusiness(ms));
      // Every unit task in the plan's order, from the read model; a task with no row yet (or
      // started before the read model) is asked of its workflow.
      const units = plan.tasks.flatMap((t) => {
        const leads = leadUnits(t, deps.org);
        return leads.map((u) => ({ task: t, id: leads.length === 1 ? taskWorkflowId(plan.id, t.ref) : unitWorkflowId(plan.id, t.ref, u) }));
      });
      const stored = new Map((await deps.store.taskFind({ planId: plan.id })).map((r) => [r.workflowId, r]));
      const missing = units.filter((u) => !stored.has(u.id));
      const asked = new Map(
        await mapLimit(missing, 20, async (u) => {
          const v = await deps.client.workflow.getHandle(u.id).query(getTaskState);
          return [u.id, { ref: v.task.ref, title: v.task.title, unit: v.unit.code, ...(v.due ? { due: v.due } : {}), status: v.status, escalationLevel: v.escalationLevel, report: reportFactsOf(v) }] as const;
        }),
      );
      const rows: TaskSnapshot[] = units.map((u) => snapshotOf(stored.get(u.id) ?? asked.get(u.id)!, { content: u.task.content, deadlineText: u.task.deadline.text }, day));
      const data = compileReport({
        plan: { id: plan.id, title: plan.title, documentNumber: plan.document.number, ...(plan.document.date ? { documentDate: plan.document.date } : {}) },
        agency: deps.org.agency,
        letterhead: letterheadOf(deps.org, today),
        period,
        compiledOn: today,
        rows,
      });
      const dir = join(deps.reportsDir, plan.id);
      await mkdir(dir, { recursive: true });
      const base = join(dir, `bao-cao-${period.key}`);
      await writeFile(`${base}.docx`, await reportDocx(data));
      await writeFile(`${base}.xlsx`, await reportXlsx(data));
      const owner = plan.reporting?.owner;
      const chain = owner && deps.org.units.some((u) => u.code === owner) ? chainFor(deps.org, owner) : undefined;
      const recipients = chain ? [chain.head, ...(chain.focal.id !== chain.head.id ? [chain.focal] : [])] : [];
      return { planId: plan.id, planTitle: plan.title, period, docx: `${base}.docx`, xlsx: `${base}.xlsx`, total: data.total, counts: data.counts, recipients, submitBy: `${period.end.slice(0, 7)}-15` };
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;
