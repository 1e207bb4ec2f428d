// The task read model from the outside: rebuilt from the workflows themselves (an operator's
// repair after a restore or a lost store), and checked against visibility for drift.
import type { Client } from '@temporalio/client';
import { taskRecordOf, type TaskRecord } from '../domain/task-record.js';
import { mapLimit } from '../runtime/concurrency.js';
import type { PlanStore, TaskStore } from '../store/store.js';
import { getTaskState } from '../workflows/messages.js';
import { findTasks, LATEST_RUN, type TaskRow } from './visibility.js';

export interface RebuildProgress {
  done: number;
  total: number;
}

export interface RebuildResult {
  /** Unit tasks of this system's plans found in visibility. */
  tasks: number;
  /** Rows written (missing, or different from the workflow's state). */
  written: number;
  /** Rows of workflows visibility does not know, removed. */
  removed: number;
  /** Tasks whose state could not be read (their rows are left as they are). */
  failed: { workflowId: string; error: string }[];
}

/** The fields a row must agree on with its workflow; the version and times are the workflow's business. */
const COMPARED = ['planId', 'ref', 'title', 'unit', 'assignee', 'status', 'due', 'escalationLevel', 'running'] as const;

export function rowDiffers(a: Pick<TaskRecord, (typeof COMPARED)[number]>, b: Pick<TaskRecord, (typeof COMPARED)[number]>): (typeof COMPARED)[number][] {
  return COMPARED.filter((k) => a[k] !== b[k]);
}

/** The unit tasks of the plans this system started, from visibility (a shared namespace may hold others). */
async function ourTasks(client: Client, store: PlanStore): Promise<TaskRow[]> {
  const plans = new Set((await store.planSummaries()).map((p) => p.id));
  return (await findTasks(client, LATEST_RUN)).filter((r) => plans.has(r.planId));
}

/** The row of a task as its workflow holds it now (a closed one replays on a worker to answer). */
async function rowFromWorkflow(client: Client, t: TaskRow, now: number): Promise<TaskRecord> {
  const v = await client.workflow.getHandle(t.workflowId).query(getTaskState);
  // The version the workflow last wrote: a write of its own after this one still wins.
  return taskRecordOf(v, t.closedAt ?? now, v.recorded ?? 1);
}

/**
 * Rebuilds the read model from the workflows: every unit task of the stored plans is asked for its
 * state and its row written where it is missing or differs; rows of workflows that no longer exist
 * are removed. Safe while the workers run: a workflow's own later write carries a higher version.
 */
export async function rebuildReadModel(
  client: Client,
  store: PlanStore & TaskStore,
  o: { concurrency?: number; onProgress?: (p: RebuildProgress) => void; now?: () => number } = {},
): Promise<RebuildResult> {
  const now = o.now ?? Date.now;
  const tasks = await ourTasks(client, store);
  const failed: RebuildResult['failed'] = [];
  let done = 0;
  const written = await mapLimit(tasks, o.concurrency ?? 20, async (t) => {
    try {
      const fresh = await rowFromWorkflow(client, t, now());
      const stored = await store.taskGet(t.workflowId);
      if (stored && stored.version >= fresh.version && rowDiffers(stored, fresh).length === 0) return false;
      // Same version, other content (a damaged row): replace it.
      if (stored && stored.version >= fresh.version) await store.taskRemove(t.workflowId);
      return store.taskPut(fresh);
    } catch (err) {
      failed.push({ workflowId: t.workflowId, error: (err as Error).message });
      return false;
    } finally {
      o.onProgress?.({ done: ++done, total: tasks.length });
    }
  });
  const known = new Set(tasks.map((t) => t.workflowId));
  let removed = 0;
  for (const r of await store.taskFind({ all: [] }, { order: 'ref' })) {
    if (known.has(r.workflowId)) continue;
    await store.taskRemove(r.workflowId);
    removed++;
  }
  return { tasks: tasks.length, written: written.filter(Boolean).length, removed, failed };
}

export interface Drift {
  workflowId: string;
  ref: string;
  /** 'missing': no row; 'extra': a row for a workflow visibility does not know; else the fields that differ. */
  kind: 'missing' | 'extra' | 'differs';
  fields?: string[];
}

/**
 * Rows that disagree with visibility. Visibility lags behind the workflows, so a row that differs
 * is asked of its workflow before it is reported: only what the workflow itself contradicts is drift.
 */
export async function readModelDrift(client: Client, store: PlanStore & TaskStore, o: { now?: () => number } = {}): Promise<{ tasks: number; drift: Drift[] }> {
  const now = o.now ?? Date.now;
  const tasks = await ourTasks(client, store);
  const rows = new Map((await store.taskFind({ all: [] }, { order: 'ref' })).map((r) => [r.workflowId, r]));
  const drift: Drift[] = [];
  const suspects: { t: TaskRow; row: TaskRecord }[] = [];
  for (const t of tasks) {
    const row = rows.get(t.workflowId);
    rows.delete(t.workflowId);
    if (!row) drift.push({ workflowId: t.workflowId, ref: t.ref, kind: 'missing' });
    else if (rowDiffers(row, { ...t, title: row.title }).length) suspects.push({ t, row });
  }
  await mapLimit(suspects, 20, async ({ t, row }) => {
    const fresh = await rowFromWorkflow(client, t, now()).catch(() => undefined);
    const fields = fresh ? rowDiffers(row, fresh) : rowDiffers(row, { ...t, title: row.title });
    if (fields.length) drift.push({ workflowId: t.workflowId, ref: t.ref, kind: 'differs', fields });
  });
  for (const r of rows.values()) drift.push({ workflowId: r.workflowId, ref: r.ref, kind: 'extra' });
  return { tasks: tasks.length, drift };
}
