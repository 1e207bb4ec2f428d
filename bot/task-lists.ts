// Which tasks a person sees in "ds" and "đơn vị", from visibility. The list a person last saw is
// remembered, so "nhận 2" means the 2nd line they read.
import type { Client } from '@temporalio/client';
import { findPlanTasks, quote } from '../client/plans.js';
import { sortForDashboard, type DashboardRow } from '../domain/dashboard.js';
import { formatDate } from '../domain/notification.js';
import { unitsOf, type Org, type Person } from '../domain/org.js';
import { ATTENTION_ORDER, STATUS_LABELS, type TaskStatus } from '../domain/status.js';
import type { Store } from '../store/store.js';

export const LIST_LIMIT = 30;

/** The units a person heads, oversees as Phó Giám đốc, or all of them for the Giám đốc. */
export function unitsInCharge(org: Org, p: Person): { role: 'staff' | 'head' | 'deputy' | 'director'; units: string[] } {
  if (org.leadership.director === p.id) return { role: 'director', units: org.units.map((u) => u.code) };
  const deputy = org.leadership.deputies.find((d) => d.person === p.id);
  if (deputy) return { role: 'deputy', units: deputy.units };
  const headed = org.units.filter((u) => u.head === p.id).map((u) => u.code);
  if (headed.length) return { role: 'head', units: headed };
  return { role: 'staff', units: [] };
}


const inList = (values: string[]): string => `(${values.map(quote).join(', ')})`;

/** The visibility query of a person's open tasks: their own, plus what their role oversees. */
export function listQuery(org: Org, p: Person): string {
  const own = `TaskAssignee = ${quote(p.id)}`;
  const { role, units } = unitsInCharge(org, p);
  const needsDecision = `TaskStatus IN ('awaiting_approval', 'overdue')`;
  let oversee: string | undefined;
  if (role === 'head') oversee = `TaskUnit IN ${inList(units)}`;
  if (role === 'deputy' && units.length) oversee = `TaskUnit IN ${inList(units)} AND (${needsDecision} OR EscalationLevel >= 2)`;
  if (role === 'director') {
    const direct = org.units.filter((u) => !org.leadership.deputies.some((d) => d.units.includes(u.code))).map((u) => u.code);
    oversee = `EscalationLevel >= 3${direct.length ? ` OR (TaskUnit IN ${inList(direct)} AND ${needsDecision})` : ''}`;
  }
  return `ExecutionStatus = 'Running' AND (${own}${oversee ? ` OR (${oversee})` : ''})`;
}

/** Open tasks of the plans this system started (a shared namespace may hold others). */
export async function personTasks(client: Client, store: Store, org: Org, p: Person): Promise<DashboardRow[]> {
  return sortForDashboard(await findPlanTasks(client, store, listQuery(org, p))).slice(0, LIST_LIMIT);
}

export function formatRow(org: Org, r: DashboardRow, i: number, showUnit: boolean): string {
  const title = r.title;
  const who = org.people.find((x) => x.id === r.assignee)?.name;
  return (
    `${i + 1}. ${r.ref}${title ? ` ${title}` : ''} — ${r.due ? `hạn ${formatDate(r.due)}` : 'không có hạn cụ thể'} — ${STATUS_LABELS[r.status]}` +
    (showUnit ? ` (${r.unit}${who ? `, ${who}` : ''})` : '') +
    (r.escalationLevel > 0 ? ` — đã báo cáo cấp ${r.escalationLevel}` : '')
  );
}

export function formatList(org: Org, p: Person, rows: DashboardRow[]): string {
  if (rows.length === 0) return 'Đồng chí hiện không có nhiệm vụ nào đang mở.';
  const showUnit = unitsInCharge(org, p).role !== 'staff';
  return [
    `Nhiệm vụ của đồng chí (${rows.length}${rows.length === LIST_LIMIT ? '+' : ''}), việc cần chú ý trước:`,
    ...rows.map((r, i) => formatRow(org, r, i, showUnit)),
    '',
    'Dùng số thứ tự trong lệnh, ví dụ «nhận 1», «tiến độ 1 50% …», «xong 1 …».',
  ].join('\n');
}

/** "đơn vị": counts by status for the units in a manager's charge, overdue tasks listed first. */
export async function unitSummary(client: Client, store: Store, org: Org, p: Person): Promise<string | undefined> {
  const charge = unitsInCharge(org, p);
  // Admins follow every unit; other staff see only their own list.
  const units = charge.role === 'staff' && p.roles.includes('admin') ? org.units.map((u) => u.code) : charge.units;
  if (units.length === 0) return undefined;
  const rows = await findPlanTasks(client, store, `TaskUnit IN ${inList(units)} AND ExecutionStatus != 'ContinuedAsNew'`);
  const counts = new Map<TaskStatus, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const names = units.map((c) => org.units.find((u) => u.code === c)?.name ?? c);
  const overdue = sortForDashboard(rows.filter((r) => r.status === 'overdue'));
  return [
    `Tình hình nhiệm vụ — ${names.length > 3 ? `${names.length} đơn vị` : names.join(', ')} (${rows.length} nhiệm vụ):`,
    ATTENTION_ORDER.filter((s) => counts.get(s)).map((s) => `• ${STATUS_LABELS[s]}: ${counts.get(s)}`).join('\n') || '• chưa có nhiệm vụ',
    ...(overdue.length ? ['', `Quá hạn (${overdue.length}):`, ...overdue.slice(0, 15).map((r, i) => formatRow(org, r, i, true))] : []),
  ].join('\n');
}
