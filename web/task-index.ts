// One shared snapshot of every unit task, from visibility, for the views that show all of them
// (leadership's unfiltered overview): reading 10,000 rows takes seconds on the dev server, so it
// is read at most once per `maxAgeMs` for everyone, and an old snapshot is served while a new one
// is read.
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { findPlanTasks, LATEST_RUN } from '../client/visibility.js';
import type { DashboardRow } from '../domain/dashboard.js';
import type { Store } from '../store/store.js';

export interface Snapshot {
  rows: DashboardRow[];
  /** Changes when any row's state changes (the live page's ETag). */
  version: string;
  at: number;
}

export function versionOf(rows: DashboardRow[]): string {
  const h = createHash('sha1');
  for (const r of rows) h.update(`${r.workflowId}|${r.status}|${r.due ?? ''}|${r.assignee}|${r.escalationLevel}|${r.closedAt ?? ''}\n`);
  return h.digest('base64url');
}

export class TaskIndex {
  private current: Snapshot | undefined;
  private reading: Promise<Snapshot> | undefined;
  /** Set by invalidate(): the next reader waits for a new snapshot instead of taking the old one. */
  private stale = false;

  constructor(
    private readonly client: Client,
    private readonly store: Store,
    private readonly maxAgeMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  async snapshot(): Promise<Snapshot> {
    const fresh = this.current && !this.stale && this.now() - this.current.at < this.maxAgeMs;
    if (fresh) return this.current!;
    const reading = (this.reading ??= this.read().finally(() => (this.reading = undefined)));
    if (!this.current || this.stale) return reading;
    // Served the old snapshot: a failed background read only means it stays a little longer.
    reading.catch(() => undefined);
    return this.current;
  }

  /** After a change made here: the next reader waits for a snapshot that includes it. */
  invalidate(): void {
    this.stale = true;
  }

  private async read(): Promise<Snapshot> {
    this.stale = false;
    const rows = await findPlanTasks(this.client, this.store, LATEST_RUN);
    this.current = { rows, version: versionOf(rows), at: this.now() };
    return this.current;
  }
}
