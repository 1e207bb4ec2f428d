// The tables' rows as both stores read them (the same columns in SQLite and PostgreSQL), and
// how each becomes what the Store interface returns.
import type { Notification } from '../domain/notification.js';
import type { Plan } from '../domain/plan.js';
import type { InboxRow, OutboxRow, PlanRecord, PlanSummary, ZaloLink } from './store.js';

export interface OutboxDbRow {
  key: string;
  payload: string;
  status: OutboxRow['status'];
  attempts: number;
  created_at: number;
  sent_at: number | null;
}

export interface PlanDbRow {
  id: string;
  title: string;
  document: string;
  task_count: number;
  plan: string;
  started_at: number;
}

export interface TokenDbRow {
  access_token: string;
  refresh_token: string;
  expires_at: number;
  updated_at: number;
}

export interface LinkDbRow {
  zalo_user_id: string;
  person_id: string;
  linked_at: number;
  unreachable_since: number | null;
}

export interface InboxDbRow {
  key: string;
  body: string;
  received_at: number;
  status: InboxRow['status'];
  attempts: number;
  outcome: string | null;
}

export function toOutboxRow(r: OutboxDbRow): OutboxRow {
  const n = JSON.parse(r.payload) as Notification;
  return { ...n, status: r.status, attempts: r.attempts, createdAt: r.created_at, ...(r.sent_at ? { sentAt: r.sent_at } : {}) };
}

export function toPlanSummary(r: Omit<PlanDbRow, 'plan'>): PlanSummary {
  return { id: r.id, title: r.title, documentNumber: r.document, taskCount: r.task_count, startedAt: r.started_at };
}

export function toPlanRecord(r: PlanDbRow): PlanRecord {
  return { ...toPlanSummary(r), plan: JSON.parse(r.plan) as Plan };
}

/** The plans table's columns but the plan itself. */
export const PLAN_SUMMARY_COLUMNS = 'id, title, document, task_count, started_at';

export function toLink(r: LinkDbRow): ZaloLink {
  return { zaloUserId: r.zalo_user_id, personId: r.person_id, linkedAt: r.linked_at, ...(r.unreachable_since ? { unreachableSince: r.unreachable_since } : {}) };
}

export function toInboxRow(r: InboxDbRow): InboxRow {
  return { key: r.key, body: r.body, receivedAt: r.received_at, status: r.status, attempts: r.attempts, ...(r.outcome ? { outcome: r.outcome } : {}) };
}
