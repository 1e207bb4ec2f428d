// Which tasks a person sees in "ds" and "đơn vị", from visibility. The list a person last saw is
// remembered, so "nhận 2" means the 2nd line they read.
import type { Client } from '@temporalio/client';
import { showTask } from '../client/tasks.js';
import { and, escalationAtLeast, findPlanTasks, group, is, isAnyOf, LATEST_RUN, or, RUNNING } from '../client/visibility.js';
import { sortForDashboard, type DashboardRow } from '../domain/dashboard.js';
import { formatDate } from '../domain/notification.js';
import { unitsInCharge, type Org, type Person } from '../domain/org.js';
import { ATTENTION_ORDER, STATUS_LABELS, type TaskStatus } from '../domain/status.js';
import type { Store } from '../store/store.js';

export const LIST_LIMIT = 30;

/** The units a person heads, oversees as Phó Giám đốc, or all of them for the Giám đốc. */


const NEEDS_DECISION = isAnyOf('TaskStatus', ['awaiting_approval', 'overdue']);

/** The visibility query of a person's open tasks: their own, plus what their role oversees. */
export function listQuery(org: Org, p: Person): string {
  const own = is('TaskAssignee', p.id);
  const { role, units } = unitsInCharge(org, p);
  let oversee: string | undefined;
  if (role === 'head') oversee = isAnyOf('TaskUnit', units);
  if (role === 'deputy' && units.length) oversee = and(isAnyOf('TaskUnit', units), group(or(NEEDS_DECISION, escalationAtLeast(2))));
  if (role === 'director') {
    const direct = org.units.filter((u) => !org.leadership.deputies.some((d) => d.units.includes(u.code))).map((u) => u.code);
    oversee = or(escalationAtLeast(3), direct.length ? group(and(isAnyOf('TaskUnit', direct), NEEDS_DECISION)) : undefined);
  }
  return and(RUNNING, group(or(own, oversee && group(oversee))));
}

/** A row of a person's list, and what awaits their decision on it (a leader's). */
export interface ListedTask extends DashboardRow {
  /** A "thường xuyên" / periodic task: its due date is this cycle's report. */
  recurring?: boolean;
  decision?: { kind: 'approval'; by: string } | { kind: 'extension'; by: string; until: string; reason: string };
}

/** One Zalo bubble: a list is cut before this many characters, with what was left out counted. */
const BUBBLE = 1900;

/**
 * The person's open tasks in the order they are numbered: for a leader, first what awaits his
 * decision (a completion to approve, an extension asked), then the rest by urgency.
 */
export async function personTasks(client: Client, store: Store, org: Org, p: Person): Promise<ListedTask[]> {
  const rows: ListedTask[] = sortForDashboard(await findPlanTasks(client, store, listQuery(org, p))).slice(0, LIST_LIMIT);
  const plans = new Map<string, Awaited<ReturnType<Store['planGet']>>>();
  for (const r of rows) {
    if (!plans.has(r.planId)) plans.set(r.planId, await store.planGet(r.planId));
    if (plans.get(r.planId)?.plan.tasks.find((t) => t.ref === r.ref)?.deadline.kind === 'recurring') r.recurring = true;
  }
  if (unitsInCharge(org, p).role === 'staff') return rows;
  // Visibility has no extension requests: read the views of the tasks he oversees (at most LIST_LIMIT).
  await Promise.all(
    rows
      .filter((r) => r.assignee !== p.id)
      .map(async (r) => {
        const shown = await showTask(client, r.workflowId).catch(() => undefined);
        if (shown?.kind !== 'unit') return;
        const v = shown.view;
        if (v.phase === 'awaiting_approval' && v.completion) r.decision = { kind: 'approval', by: v.completion.by.name };
        else if (v.extensionRequest) r.decision = { kind: 'extension', by: v.extensionRequest.by.name, until: v.extensionRequest.until, reason: v.extensionRequest.reason };
      }),
  );
  return [...rows.filter((r) => r.decision), ...rows.filter((r) => !r.decision)];
}

export function formatRow(org: Org, r: ListedTask, i: number, showUnit: boolean): string {
  const title = r.title;
  const who = org.people.find((x) => x.id === r.assignee)?.name;
  const due = r.recurring ? `định kỳ, báo cáo kỳ này trước ${r.due ? formatDate(r.due) : '—'}` : r.due ? `hạn ${formatDate(r.due)}` : 'không có hạn cụ thể';
  return (
    `${i + 1}. ${r.ref}${title ? ` ${title}` : ''} — ${due} — ${STATUS_LABELS[r.status]}` +
    (showUnit ? ` (${r.unit}${who ? `, ${who}` : ''})` : '') +
    (r.escalationLevel > 0 ? ` — đã báo cáo cấp ${r.escalationLevel}` : '')
  );
}

function decisionRow(r: ListedTask, i: number): string {
  const n = i + 1;
  const d = r.decision!;
  return d.kind === 'approval'
    ? `${n}. ${r.ref} ${r.title} — ${d.by} báo cáo hoàn thành → «duyệt ${n}» hoặc «từ chối ${n} lý do …»`
    : `${n}. ${r.ref} ${r.title} — ${d.by} xin gia hạn đến ${formatDate(d.until)} (${d.reason}) → «đồng ý gia hạn ${n}» hoặc «không gia hạn ${n} lý do …»`;
}

/** Lines added while they fit one bubble; then how many were left out. */
function fitted(head: string[], sections: { title?: string; lines: string[] }[], footer: string): string {
  const out = [...head];
  let left = 0;
  let size = out.join('\n').length + footer.length + 80;
  for (const s of sections) {
    if (!s.lines.length) continue;
    const lines = s.title ? [s.title, ...s.lines] : s.lines;
    for (const [k, l] of lines.entries()) {
      if (left || size + l.length + 1 > BUBBLE) {
        if (k > 0 || !s.title) left++;
        continue;
      }
      out.push(l);
      size += l.length + 1;
    }
  }
  if (left) out.push(`… còn ${left} nhiệm vụ nữa; xem đủ trên trang theo dõi.`);
  return [...out, '', footer].join('\n');
}

export function formatList(org: Org, p: Person, rows: ListedTask[]): string {
  if (rows.length === 0) return 'Đồng chí hiện không có nhiệm vụ nào đang mở.';
  const leader = unitsInCharge(org, p).role !== 'staff';
  const more = rows.length === LIST_LIMIT ? '+' : '';
  if (!leader)
    return fitted(
      [`Nhiệm vụ của đồng chí (${rows.length}${more}), việc cần chú ý trước:`],
      [{ lines: rows.map((r, i) => formatRow(org, r, i, false)) }],
      'Dùng số thứ tự trong lệnh, ví dụ «nhận 1», «tiến độ 1 50% …», «xong 1 …».',
    );
  const numbered = rows.map((r, i) => ({ r, i }));
  const decisions = numbered.filter(({ r }) => r.decision);
  const own = numbered.filter(({ r }) => !r.decision && r.assignee === p.id);
  const others = numbered.filter(({ r }) => !r.decision && r.assignee !== p.id);
  return fitted(
    [`Việc đồng chí theo dõi (${rows.length}${more}):`],
    [
      { title: `Chờ đồng chí quyết định (${decisions.length}):`, lines: decisions.map(({ r, i }) => decisionRow(r, i)) },
      { title: `Nhiệm vụ trong đơn vị, việc cần chú ý trước (${others.length}):`, lines: others.map(({ r, i }) => formatRow(org, r, i, true)) },
      { title: `Nhiệm vụ giao cho đồng chí (${own.length}):`, lines: own.map(({ r, i }) => formatRow(org, r, i, false)) },
    ],
    'Lệnh của lãnh đạo: «duyệt 1», «từ chối 1 lý do …», «đồng ý gia hạn 1», «không gia hạn 1 lý do …», «giao lại 1 <người>», «đơn vị».',
  );
}

/** "đơn vị": counts by status for the units in a manager's charge, overdue tasks listed first. */
export async function unitSummary(client: Client, store: Store, org: Org, p: Person): Promise<string | undefined> {
  const charge = unitsInCharge(org, p);
  // Admins follow every unit; other staff see only their own list.
  const units = charge.role === 'staff' && p.roles.includes('admin') ? org.units.map((u) => u.code) : charge.units;
  if (units.length === 0) return undefined;
  const rows = await findPlanTasks(client, store, and(isAnyOf('TaskUnit', units), LATEST_RUN));
  const counts = new Map<TaskStatus, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const names = units.map((c) => org.units.find((u) => u.code === c)?.name ?? c);
  const overdue = sortForDashboard(rows.filter((r) => r.status === 'overdue'));
  // Several units: each with its overdue and open counts, the most overdue first.
  const byUnit =
    units.length > 1
      ? units
          .map((code) => {
            const mine = rows.filter((r) => r.unit === code);
            return { code, overdue: mine.filter((r) => r.status === 'overdue').length, open: mine.filter((r) => r.running).length, all: mine.length };
          })
          .filter((u) => u.all > 0)
          .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.code.localeCompare(b.code))
          .map((u) => `• ${org.units.find((x) => x.code === u.code)?.name ?? u.code}: ${u.overdue} quá hạn / ${u.open} đang theo dõi`)
      : [];
  const shown = 10;
  return fitted(
    [
      `Tình hình nhiệm vụ — ${names.length > 3 ? `${names.length} đơn vị` : names.join(', ')} (${rows.length} nhiệm vụ):`,
      ATTENTION_ORDER.filter((s) => counts.get(s)).map((s) => `• ${STATUS_LABELS[s]}: ${counts.get(s)}`).join('\n') || '• chưa có nhiệm vụ',
    ],
    [
      { title: '\nTheo đơn vị (quá hạn / đang theo dõi):', lines: byUnit },
      {
        title: `\nQuá hạn (${overdue.length}):`,
        lines: [
          ...overdue.slice(0, shown).map((r, i) => formatRow(org, r, i, true)),
          ...(overdue.length > shown ? [`… còn ${overdue.length - shown} nhiệm vụ quá hạn nữa; xem đủ trên trang theo dõi.`] : []),
        ],
      },
    ],
    'Gõ «ds» để xem việc chờ đồng chí quyết định.',
  );
}
