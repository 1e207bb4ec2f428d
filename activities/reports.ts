// Gathering every task's state for a report and writing its files under data/reports/.
import type { Client } from '@temporalio/client';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { businessDateOf } from '../domain/calendar.js';
import { REAL_TIME, type BusinessClock } from '../domain/clock.js';
import { chainFor, type Org, type PersonRef } from '../domain/org.js';
import { leadUnits } from '../domain/plan.js';
import { compileReport, letterheadOf, parseReportPeriod, reportPeriodOf, type ReportPeriod, type StatusCounts, type TaskSnapshot } from '../domain/report.js';
import type { Cycle } from '../domain/plan.js';
import { taskWorkflowId, unitWorkflowId, type UnitTaskView } from '../domain/task.js';
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

function resultText(v: UnitTaskView): string {
  if (v.phase === 'cancelled') return `Đã hủy${v.cancelled ? `: ${v.cancelled.reason}` : ''}`;
  if (v.phase === 'done') return v.cycle ? `Đã kết thúc thực hiện định kỳ` : `Hoàn thành${v.completion?.note ? `: ${v.completion.note}` : ''}`;
  if (v.phase === 'awaiting_approval') return `Đã báo cáo hoàn thành, chờ duyệt${v.completion?.note ? `: ${v.completion.note}` : ''}`;
  if (v.phase === 'waiting') return 'Chờ văn bản hướng dẫn để triển khai';
  if (v.cycle) return `${v.cycle.checkedIn ? 'Đã báo cáo' : 'Chưa báo cáo'} kết quả ${v.cycle.label}${v.progress?.note ? `: ${v.progress.note}` : ''}`;
  if (v.progress) return `Đạt ${v.progress.percent}%${v.progress.note ? `: ${v.progress.note}` : ''}`;
  return 'Chưa có báo cáo tiến độ';
}

export function createReportActivities(deps: ReportDeps) {
  const clock = deps.clock ?? REAL_TIME;
  const now = deps.now ?? Date.now;

  return {
    /** Reads every unit task of the plan (by query: current, not eventually consistent) and writes the report. */
    async buildReport(req: { planId: string; period?: string; cycle?: Cycle }): Promise<BuiltReport> {
      const record = await deps.store.planGet(req.planId);
      if (!record) throw new Error(`plan "${req.planId}" has not been started`);
      const plan = record.plan;
      const today = businessDateOf(clock.toBusiness(now()));
      const period = req.period ? parseReportPeriod(req.period) : reportPeriodOf(req.cycle ?? 'monthly', today);
      if (!period) throw new Error(`"${req.period}" is not a report period (2024-05, 2024-Q2, 2024-H1, 2024)`);

      const ids = plan.tasks.flatMap((t) => {
        const units = leadUnits(t, deps.org);
        return units.length === 1 ? [taskWorkflowId(plan.id, t.ref)] : units.map((u) => unitWorkflowId(plan.id, t.ref, u));
      });
      const views = await mapLimit(ids, 20, (id) => deps.client.workflow.getHandle(id).query(getTaskState));
      const day = (ms: number | undefined) => (ms === undefined ? undefined : businessDateOf(clock.toBusiness(ms)));
      const when = (v: UnitTaskView) => {
        const approved = v.timeline.filter((e) => e.kind === 'approved' || e.kind === 'finished').at(-1)?.at;
        // A completion still on record (pending or approved); a rejected one is gone.
        const reported = v.completion?.at;
        const reason = v.explanation?.answer?.text ?? v.extensionRequest?.reason;
        return {
          ...(reported !== undefined ? { reportedOn: day(reported)! } : {}),
          ...(approved !== undefined ? { doneOn: day(approved)! } : {}),
          ...(v.cancelled ? { cancelledOn: day(v.cancelled.at)! } : {}),
          ...(v.originalDue && v.due && v.originalDue !== v.due ? { extended: true } : {}),
          ...(reason ? { lateReason: reason } : {}),
        };
      };
      const rows: TaskSnapshot[] = views.map((v) => ({
        ...when(v),
        ref: v.task.ref,
        title: v.task.title,
        content: v.task.content,
        unit: v.unit.code,
        unitName: v.unit.name,
        assignee: v.assignee.name,
        ...(v.due ? { due: v.due } : {}),
        deadlineText: v.task.deadline.text,
        status: v.status,
        result: resultText(v),
        escalationLevel: v.escalationLevel,
      }));
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
