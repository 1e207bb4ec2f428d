// Which tasks a person sees in "ds" and "đơn vị", from the task read model. The list a person last saw is
// remembered, so "nhận 2" means the 2nd line they read.
import type { Client } from '@temporalio/client';
import { showTask } from '../client/tasks.js';
import { countsOf, type DashboardRow } from '../domain/dashboard.js';
import { formatDate } from '../domain/notification.js';
import { unitsInCharge, type Org, type Person } from '../domain/org.js';
import { ATTENTION_ORDER, STATUS_LABELS } from '../domain/status.js';
import { allOf, anyOf, type TaskTally, type TaskWhere } from '../domain/task-list.js';
import type { TaskStore } from '../store/store.js';

export const LIST_LIMIT = 30;

/** The units a person heads, oversees as Phó Giám đốc, or all of them for the Giám đốc. */


const NEEDS_DECISION: TaskWhere = { statusIn: ['awaiting_approval', 'overdue'] };

/** A person's open tasks: their own, plus what their role oversees. */
export function listWhere(org: Org, p: Person): TaskWhere {
  const own: TaskWhere = { assignee: p.id };
  const { role, units } = unitsInCharge(org, p);
  let oversee: TaskWhere | undefined;
  if (role === 'head') oversee = { unitIn: units };
  if (role === 'deputy' && units.length) oversee = allOf({ unitIn: units }, anyOf(NEEDS_DECISION, { escalationAtLeast: 2 }));
  if (role === 'director') {
    const direct = org.units.filter((u) => !org.leadership.deputies.some((d) => d.units.includes(u.code))).map((u) => u.code);
    oversee = anyOf({ escalationAtLeast: 3 }, direct.length ? allOf({ unitIn: direct }, NEEDS_DECISION) : undefined);
  }
  return allOf({ running: true }, anyOf(own, oversee));
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
export async function personTasks(client: Client, store: TaskStore, org: Org, p: Person): Promise<ListedTask[]> {
  const rows: ListedTask[] = await store.taskFind(listWhere(org, p), { order: 'attention', limit: LIST_LIMIT });
  if (unitsInCharge(org, p).role === 'staff') return rows;
  // The read model has no pending extension requests: read the views of the tasks he oversees (at most LIST_LIMIT).
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
export async function unitSummary(store: TaskStore, org: Org, p: Person): Promise<string | undefined> {
  const charge = unitsInCharge(org, p);
  // Admins follow every unit; other staff see only their own list.
  const units = charge.role === 'staff' && p.roles.includes('admin') ? org.units.map((u) => u.code) : charge.units;
  if (units.length === 0) return undefined;
  const shown = 10;
  const [{ tallies }, openTallies, overdue] = await Promise.all([
    store.taskSummary({ unitIn: units }),
    store.taskSummary(allOf({ unitIn: units }, { running: true })).then((s) => s.tallies),
    store.taskFind(allOf({ unitIn: units }, { statusIn: ['overdue'] }), { order: 'attention', limit: shown }),
  ]);
  const counts = countsOf(tallies);
  const sum = (ts: TaskTally[], code: string) => ts.filter((t) => t.unit === code).reduce((n, t) => n + t.count, 0);
  const names = units.map((c) => org.units.find((u) => u.code === c)?.name ?? c);
  // Several units: each with its overdue and open counts, the most overdue first.
  const byUnit =
    units.length > 1
      ? units
          .map((code) => ({ code, overdue: sum(tallies.filter((t) => t.status === 'overdue'), code), open: sum(openTallies, code), all: sum(tallies, code) }))
          .filter((u) => u.all > 0)
          .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.code.localeCompare(b.code))
          .map((u) => `• ${org.units.find((x) => x.code === u.code)?.name ?? u.code}: ${u.overdue} quá hạn / ${u.open} đang theo dõi`)
      : [];
  return fitted(
    [
      `Tình hình nhiệm vụ — ${names.length > 3 ? `${names.length} đơn vị` : names.join(', ')} (${counts.total} nhiệm vụ):`,
      ATTENTION_ORDER.filter((s) => counts.byStatus[s]).map((s) => `• ${STATUS_LABELS[s]}: ${counts.byStatus[s]}`).join('\n') || '• chưa có nhiệm vụ',
    ],
    [
      { title: '\nTheo đơn vị (quá hạn / đang theo dõi):', lines: byUnit },
      {
        title: `\nQuá hạn (${counts.byStatus.overdue}):`,
        lines: [
          ...overdue.map((r, i) => formatRow(org, r, i, true)),
          ...(counts.byStatus.overdue > shown ? [`… còn ${counts.byStatus.overdue - shown} nhiệm vụ quá hạn nữa; xem đủ trên trang theo dõi.`] : []),
        ],
      },
    ],
    'Gõ «ds» để xem việc chờ đồng chí quyết định.',
  );
}
