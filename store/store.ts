// State that belongs to no workflow. One small interface so that a PostgreSQL store can
// replace the embedded SQLite one in production.
import type { Notification } from '../domain/notification.js';
import type { Plan } from '../domain/plan.js';

export interface OutboxRow extends Notification {
  status: 'pending' | 'sent';
  attempts: number;
  createdAt: number;
  sentAt?: number;
}

export interface OutboxFilter {
  workflowId?: string;
  planId?: string;
  to?: string;
}

export interface PlanRecord {
  id: string;
  title: string;
  documentNumber: string;
  taskCount: number;
  startedAt: number;
  plan: Plan;
}

export interface Store {
  /** Plans that were started (their tasks live in Temporal). */
  planSave(p: Plan, now: number): void;
  planList(): PlanRecord[];
  planGet(id: string): PlanRecord | undefined;
  /** Records a notification; false when its key was recorded before. */
  outboxRecord(n: Notification, now: number): boolean;
  outboxGet(key: string): OutboxRow | undefined;
  outboxMarkAttempt(key: string): void;
  outboxMarkSent(key: string, now: number): void;
  outboxList(filter?: OutboxFilter): OutboxRow[];
  close(): void;
}
