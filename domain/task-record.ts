// The read model's row of a unit task, as its workflow writes it on every change. Kept apart from
// the questions asked of the rows (task-list.ts) and from the reports (report.ts): the workflow
// bundle imports this module, and each module it imports is initialised again for every workflow.
import type { DashboardRow } from './dashboard.js';
import { initialState, isRecurring, statusAt } from './task-rules.js';
import { viewOf, type UnitTaskInput, type UnitTaskView } from './task.js';

/**
 * What a report says of a unit task beyond its row: kept in the task read model so a report of
 * 10,000 tasks is read from the store, not asked of each workflow. Instants stay instants: the
 * report's business clock makes them dates.
 */
export interface ReportFacts {
  unitName: string;
  assigneeName: string;
  result: string;
  reportedAt?: number;
  doneAt?: number;
  cancelledAt?: number;
  extended?: boolean;
  lateReason?: string;
}

/** A unit task's state as the "Tiến độ / kết quả" column words it. */
function resultText(v: UnitTaskView): string {
  if (v.phase === 'cancelled') return `Đã hủy${v.cancelled ? `: ${v.cancelled.reason}` : ''}`;
  if (v.phase === 'done') return v.cycle ? `Đã kết thúc thực hiện định kỳ` : `Hoàn thành${v.completion?.note ? `: ${v.completion.note}` : ''}`;
  if (v.phase === 'awaiting_approval') return `Đã báo cáo hoàn thành, chờ duyệt${v.completion?.note ? `: ${v.completion.note}` : ''}`;
  if (v.phase === 'waiting') return 'Chờ văn bản hướng dẫn để triển khai';
  if (v.cycle) return `${v.cycle.checkedIn ? 'Đã báo cáo' : 'Chưa báo cáo'} kết quả ${v.cycle.label}${v.progress?.note ? `: ${v.progress.note}` : ''}`;
  if (v.progress) return `Đạt ${v.progress.percent}%${v.progress.note ? `: ${v.progress.note}` : ''}`;
  return 'Chưa có báo cáo tiến độ';
}

export function reportFactsOf(v: UnitTaskView): ReportFacts {
  const approved = v.timeline.filter((e) => e.kind === 'approved' || e.kind === 'finished').at(-1)?.at;
  // A completion still on record (pending or approved); a rejected one is gone.
  const reported = v.completion?.at;
  const reason = v.explanation?.answer?.text ?? v.extensionRequest?.reason;
  return {
    unitName: v.unit.name,
    assigneeName: v.assignee.name,
    result: resultText(v),
    ...(reported !== undefined ? { reportedAt: reported } : {}),
    ...(approved !== undefined ? { doneAt: approved } : {}),
    ...(v.cancelled ? { cancelledAt: v.cancelled.at } : {}),
    ...(v.originalDue && v.due && v.originalDue !== v.due ? { extended: true } : {}),
    ...(reason ? { lateReason: reason } : {}),
  };
}

/** A unit task as the read model keeps it. */
export interface TaskRecord extends DashboardRow {
  planTitle: string;
  /** A "thường xuyên" or periodic task: its due date is the current cycle's report. */
  recurring: boolean;
  /**
   * Grows with every write of this task (the workflow's clock in µs, carried over continue-as-new):
   * a write carrying a version at or below the stored one changes nothing.
   */
  version: number;
  /** When the workflow wrote it (its own clock). */
  updatedAt: number;
  /** What the plan's reports say of it. */
  report: ReportFacts;
}

/** The row of a task as its workflow sees it at `now`. */
export function taskRecordOf(v: UnitTaskView, now: number, version: number): TaskRecord {
  const over = v.phase === 'done' || v.phase === 'cancelled';
  return {
    workflowId: v.workflowId,
    planId: v.planId,
    planTitle: v.planTitle,
    ref: v.task.ref,
    title: v.task.title,
    unit: v.unit.code,
    assignee: v.assignee.id,
    status: v.status,
    ...(v.due ? { due: v.due } : {}),
    escalationLevel: v.escalationLevel,
    running: !over,
    ...(over ? { closedAt: now } : {}),
    recurring: isRecurring(v.task),
    version,
    updatedAt: now,
    report: reportFactsOf(v),
  };
}

/** What a row says, without when it was written (its version, the time of writing, the closing instant): equal content needs no new write. */
export function rowContent(r: TaskRecord): string {
  const { version: _v, updatedAt: _u, closedAt: _c, ...content } = r;
  return JSON.stringify(content);
}

/** The next version after `last`: the workflow's clock in µs, or one more than the last when the clock has not moved. */
export function nextVersion(last: number | undefined, now: number): number {
  return Math.max((last ?? 0) + 1, Math.floor(now) * 1000);
}

/** The version of the row a task's starter writes: below any its workflow writes (its clock in µs). */
export const STARTER_ROW_VERSION = 1;

/**
 * The row of a task just started, before its deadline is planned: what its starter writes
 * (client/plans.ts) and what its workflow, started with `rowByStarter`, takes as already written.
 */
export function startingRecord(input: UnitTaskInput, workflowId: string, now: number): TaskRecord {
  const s = initialState(input);
  return taskRecordOf(viewOf(input, s, workflowId, statusAt(s, undefined, now)), now, STARTER_ROW_VERSION);
}
