// The dashboard's views: pure functions from loaded data to HTML (the overview, the task table, a
// task's page with the actions its viewer may take, the page of a task of several units). The
// routes in dashboard.ts load the data and send what these return.
import { daysBetween, type IsoDate } from '../domain/calendar.js';
import { refusal, rolesOf } from '../domain/authz.js';
import { completionOf, countsOf, unitLinesOf, type DashboardFilter, type DashboardRow } from '../domain/dashboard.js';
import type { TaskSummary } from '../domain/task-list.js';
import { formatDate, formatDateTime } from '../domain/notification.js';
import { unitsInCharge, type Org } from '../domain/org.js';
import { ESCALATION_LABELS, STATUS_LABELS, TASK_STATUSES, type TaskStatus } from '../domain/status.js';
import type { MultiUnitTaskView, UnitTaskView } from '../domain/task.js';
import type { PlanSummary } from '../store/store.js';
import type { Viewer } from './access.js';
import { completionChartSvg, unitBarsSvg } from './charts.js';
import { html, raw, type Html } from './html.js';
import type { Authed } from './session-types.js';
import { FORM_ACTION } from './task-actions.js';

/** Rows on one page of the list below the summary; the counts always cover every matching task. */
export const PAGE_SIZE = 50;
/** Rows shown in the "awaiting your decision" and "overdue" sections above it. */
export const SECTION_ROWS = 10;

export const pageCount = (rows: number): number => Math.max(1, Math.ceil(rows / PAGE_SIZE));

/** The unit table's columns: the same statuses as the counts, attention first. */
const UNIT_COLUMNS: TaskStatus[] = ['overdue', 'awaiting_approval', 'due_soon', 'not_due', 'awaiting_activation', 'done_on_time', 'done_late'];

const statusTag = (s: TaskStatus): Html => html`<span class="tag ${s}">${STATUS_LABELS[s]}</span>`;
const unitName = (org: Org, code: string): string => org.units.find((u) => u.code === code)?.name ?? code;
const personName = (org: Org, id: string): string => org.people.find((p) => p.id === id)?.name ?? id;
export const taskHref = (workflowId: string): string => `/nhiem-vu?id=${encodeURIComponent(workflowId)}`;

/** The units whose completions the viewer decides on: as head, Phó Giám đốc in charge or Giám đốc. */
export function unitsDecidedBy(org: Org, viewer: Viewer): Set<string> {
  return new Set([...unitsInCharge(org, viewer.person).units, ...viewer.heads]);
}

/** Some rows of a list, and how many it holds in all. */
export interface ListPart {
  rows: DashboardRow[];
  total: number;
}

/** What the overview shows, loaded by the route: counts over every matching task, and the rows on show. */
export interface OverviewData {
  org: Org;
  plans: PlanSummary[];
  auth: Authed;
  summary: TaskSummary;
  /** Completions awaiting the viewer's decision (first rows). */
  decide: ListPart;
  /** Overdue tasks (first rows). */
  overdue: ListPart;
  /** The page of the list below. */
  listed: ListPart;
  filter: DashboardFilter;
  errors: string[];
  today: string;
  /** The page shown, within the list's pages. */
  pageNo: number;
}

/** Whether any part of the filter is set: then the list is the answer, not "the rest". */
export const isFiltered = (filter: DashboardFilter): boolean => Object.values(filter).some((v) => v !== undefined);

export function overview({ org, plans, auth, summary, decide, overdue, listed, filter, errors, today, pageNo }: OverviewData): Html {
  const counts = countsOf(summary.tallies);
  // Units ranked by what is late, then by what waits: the leader's eye goes to the top.
  const units = unitLinesOf(summary.tallies, org).sort((a, b) => b.counts.byStatus.overdue - a.counts.byStatus.overdue || b.counts.byStatus.awaiting_approval - a.counts.byStatus.awaiting_approval);
  const filtered = isFiltered(filter);
  const pages = pageCount(listed.total);
  const pageNow = Math.min(Math.max(1, pageNo), pages);
  const shown = listed.rows;
  const more = (n: number, href: string, what: string) => (n > 0 ? html`<p><a href="${href}">Xem tất cả ${n} ${what}</a></p>` : '');
  const pageHref = (n: number) => {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]);
    q.set('trang', String(n));
    return `/?${q.toString()}`;
  };
  return html`
    <h1>Tình hình thực hiện ${plans.length === 1 ? html`kế hoạch «${plans[0]!.title}»` : 'các kế hoạch'}</h1>
    <p class="muted">Cập nhật ${formatDate(today)} · ${counts.total} nhiệm vụ · đã hoàn thành ${Math.round(counts.completion * 100)}%</p>
    ${errors.map((e) => html`<p class="error">${e}</p>`)}
    <section class="counts" aria-label="Số nhiệm vụ theo trạng thái">
      ${TASK_STATUSES.filter((s) => s !== 'cancelled' || counts.byStatus.cancelled).map(
        (s) => html`<a class="count ${s}" href="/?status=${s}" data-status="${s}"><b>${counts.byStatus[s]}</b>${STATUS_LABELS[s]}</a>`,
      )}
    </section>
    ${decide.total && !filtered
      ? html`<section class="card" id="decide"><h2>Chờ đồng chí duyệt (${decide.total})</h2>${taskTable(org, decide.rows.slice(0, SECTION_ROWS))}${more(decide.total > SECTION_ROWS ? decide.total : 0, '/?status=awaiting_approval', 'nhiệm vụ chờ duyệt')}</section>`
      : ''}
    ${overdue.total && !filtered
      ? html`<section class="card" id="overdue"><h2>Quá hạn (${overdue.total})</h2>${taskTable(org, overdue.rows.slice(0, SECTION_ROWS))}${more(overdue.total > SECTION_ROWS ? overdue.total : 0, '/?status=overdue', 'nhiệm vụ quá hạn')}</section>`
      : ''}
    <section class="card"><h2>Theo đơn vị</h2>
      <div class="scroll"><table id="units"><thead><tr><th>Đơn vị</th><th>Tổng</th>${UNIT_COLUMNS.map((s) => html`<th class="${s === 'overdue' || s === 'awaiting_approval' ? '' : 'hide-sm'}">${STATUS_LABELS[s]}</th>`)}<th>Hoàn thành</th></tr></thead><tbody>
      ${units.map(
        (u) => html`<tr class="${u.counts.byStatus.overdue ? 'overdue' : ''}" data-unit="${u.unit}"><td><a href="/?unit=${u.unit}">${u.name}</a></td><td>${u.counts.total}</td>
          ${UNIT_COLUMNS.map((s) => html`<td class="${s === 'overdue' || s === 'awaiting_approval' ? '' : 'hide-sm'}" data-status="${s}">${u.counts.byStatus[s]}</td>`)}
          <td><div class="bar" title="${Math.round(u.counts.completion * 100)}%"><svg width="100%" height="10" aria-hidden="true"><rect width="${Math.round(u.counts.completion * 100)}%" height="10" rx="4"></rect></svg></div> ${Math.round(u.counts.completion * 100)}%</td></tr>`,
      )}
      </tbody></table></div>
      ${raw(unitBarsSvg(units))}
    </section>
    <section class="card"><h2>Tiến độ hoàn thành theo tuần</h2>${raw(completionChartSvg(completionOf(summary.doneByDay, today, 12)))}</section>
    <details class="card" ${filtered ? 'open' : ''}><summary>Lọc nhiệm vụ</summary>
    <form class="filters" method="get" action="/">
      ${plans.length > 1 ? html`<label>Kế hoạch <select name="planId"><option value="">Tất cả</option>${plans.map((p) => html`<option value="${p.id}" ${filter.planId === p.id ? 'selected' : ''}>${p.title}</option>`)}</select></label>` : ''}
      <label>Đơn vị <select name="unit"><option value="">Tất cả</option>${org.units.map((u) => html`<option value="${u.code}" ${filter.unit === u.code ? 'selected' : ''}>${u.name}</option>`)}</select></label>
      <label>Trạng thái <select name="status"><option value="">Tất cả</option>${TASK_STATUSES.map((s) => html`<option value="${s}" ${filter.status === s ? 'selected' : ''}>${STATUS_LABELS[s]}</option>`)}</select></label>
      <label>Người thực hiện <select name="assignee"><option value="">Tất cả</option>${org.people.map((p) => html`<option value="${p.id}" ${filter.assignee === p.id ? 'selected' : ''}>${p.name}</option>`)}</select></label>
      <label>Hạn từ <input name="dueFrom" placeholder="ngày/tháng/năm" inputmode="numeric" value="${filter.dueFrom ? formatDate(filter.dueFrom) : ''}"></label>
      <label>Hạn đến <input name="dueTo" placeholder="ngày/tháng/năm" inputmode="numeric" value="${filter.dueTo ? formatDate(filter.dueTo) : ''}"></label>
      <label>Tìm <input name="text" value="${filter.text ?? ''}" placeholder="số hiệu, nội dung"></label>
      <button>Lọc</button>
    </form></details>
    <section class="card" id="list"><h2>${filtered ? 'Nhiệm vụ' : 'Các nhiệm vụ khác'} (${listed.total})</h2>${taskTable(org, shown)}
      ${pages > 1
        ? html`<nav class="pages" aria-label="Trang">Trang ${pageNow}/${pages}${pageNow > 1 ? html` · <a href="${pageHref(pageNow - 1)}">Trang trước</a>` : ''}${pageNow < pages ? html` · <a href="${pageHref(pageNow + 1)}">Trang sau</a>` : ''}</nav>`
        : ''}
    </section>
    <p class="muted">Đăng nhập: ${auth.viewer.person.name}.</p>`;
}

function taskTable(org: Org, rows: DashboardRow[]): Html {
  if (rows.length === 0) return html`<p class="muted">Không có nhiệm vụ nào.</p>`;
  return html`<div class="scroll"><table><thead><tr><th>Số hiệu</th><th>Nhiệm vụ</th><th class="hide-sm">Đơn vị</th><th class="hide-sm">Người thực hiện</th><th>Hạn</th><th>Trạng thái</th></tr></thead><tbody>
    ${rows.map(
      (r) => html`<tr class="${r.status === 'overdue' ? 'overdue' : ''}" data-workflow-id="${r.workflowId}"><td><a href="${taskHref(r.workflowId)}">${r.ref}</a></td><td>${r.title}<span class="sm-only muted"><br>${unitName(org, r.unit)} · ${personName(org, r.assignee)}</span></td>
        <td class="hide-sm">${unitName(org, r.unit)}</td><td class="hide-sm">${personName(org, r.assignee)}</td><td>${r.due ? formatDate(r.due) : '—'}</td>
        <td>${statusTag(r.status)}${r.escalationLevel ? html` <span class="muted">cấp ${r.escalationLevel}</span>` : ''}</td></tr>`,
    )}
  </tbody></table></div>`;
}

export function taskPage(org: Org, auth: Authed, v: UnitTaskView, flash: { ok?: string; error?: string }, today: IsoDate): Html {
  const viewer = auth.viewer;
  const csrf = auth.session.csrf;
  const roles = rolesOf(v.chain, v.assignee, viewer.person.id);
  // Only what this person may do is offered (the engine would refuse the rest).
  const may = (form: string) => !refusal(FORM_ACTION[form]!, roles);
  // Late while still open, also while a completion awaits approval.
  const open = v.phase === 'active' || v.phase === 'awaiting_approval';
  const overdueDays = open && v.due ? daysBetween(v.due, today) : 0;
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="id" value="${v.workflowId}">`;
  const action = (name: string, label: string, fields: Html | string = '', cls = ''): Html =>
    html`<form method="post" action="/nhiem-vu/thao-tac">${hidden}<input type="hidden" name="action" value="${name}">${fields}<button class="${cls}">${label}</button></form>`;
  const deadline = v.task.deadline;
  return html`
    <p><a href="/">← Tổng quan</a></p>
    <h1>${v.task.ref} ${v.task.title}</h1>
    ${flash.ok ? html`<p class="notice" role="status">${flash.ok}</p>` : ''}
    ${flash.error ? html`<p class="error" role="alert">${flash.error}</p>` : ''}
    <section class="card">
      <p>${statusTag(v.status)}${overdueDays > 0 ? html` <strong class="overdue-days">quá hạn ${overdueDays} ngày</strong>` : ''} ${v.escalationLevel ? html`<span class="muted">Đã báo cáo cấp ${v.escalationLevel}: ${ESCALATION_LABELS[v.escalationLevel]}</span>` : ''}</p>
      <table>
        <tr><th>Kế hoạch</th><td>${v.planTitle}</td></tr>
        <tr><th>Nội dung</th><td>${v.task.content}</td></tr>
        <tr><th>Đơn vị chủ trì</th><td>${v.unit.name}</td></tr>
        ${v.task.support.length ? html`<tr><th>Đơn vị phối hợp</th><td>${v.task.support.map((s) => unitName(org, s)).join(', ')}</td></tr>` : ''}
        <tr><th>Người thực hiện</th><td>${v.assignee.name}${v.acknowledgedBy ? ' (đã nhận)' : ''}</td></tr>
        <tr><th>Thời hạn</th><td>${v.due ? formatDate(v.due) : '—'} <span class="muted">(«${deadline.text}»${v.originalDue && v.originalDue !== v.due ? `; hạn ban đầu ${formatDate(v.originalDue)}` : ''})</span></td></tr>
        <tr><th>Tiến độ</th><td>${v.progress ? `${v.progress.percent}% — ${v.progress.note || 'không ghi chú'} (${v.progress.by.name})` : 'chưa báo cáo'}</td></tr>
        ${v.completion ? html`<tr><th>Báo cáo hoàn thành</th><td>${v.completion.note || '—'} (${v.completion.by.name})</td></tr>` : ''}
        ${v.extensionRequest ? html`<tr><th>Xin gia hạn</th><td>đến ${formatDate(v.extensionRequest.until)}: ${v.extensionRequest.reason} (${v.extensionRequest.by.name})</td></tr>` : ''}
        <tr><th>Minh chứng</th><td>${v.evidence?.length ? v.evidence.map((e) => html`<a href="${e.url}" rel="noopener noreferrer" target="_blank">${e.name ?? e.url}</a> <span class="muted">(${e.by.name})</span><br>`) : 'chưa có'}</td></tr>
      </table>
    </section>
    ${managerActions(v, action, may)}
    <section class="card"><h2>Diễn biến</h2><ol class="timeline">
      ${v.timeline.map((e) => html`<li><span class="muted">${formatDateTime(e.at)}</span> — ${e.text}</li>`)}
    </ol></section>`;
}

function managerActions(v: UnitTaskView, action: (name: string, label: string, fields?: Html | string, cls?: string) => Html, may: (form: string) => boolean): Html {
  const forms: Html[] = [];
  const offer = (form: string, f: Html) => may(form) && forms.push(f);
  if (v.phase === 'awaiting_approval') {
    offer('approve', action('approve', 'Duyệt kết quả'));
    offer('reject', action('reject', 'Từ chối', html`<label>Lý do <input name="reason" required></label>`, 'danger'));
  }
  if (v.extensionRequest) {
    offer('extend-yes', action('extend-yes', `Đồng ý gia hạn đến ${formatDate(v.extensionRequest.until)}`));
    offer('extend-no', action('extend-no', 'Không đồng ý gia hạn', html`<label>Lý do <input name="reason" required></label>`, 'secondary'));
  }
  if (v.phase === 'waiting')
    offer('activate', action('activate', 'Kích hoạt', html`<label>Hạn hoàn thành <input name="due" required placeholder="ngày/tháng/năm" inputmode="numeric" pattern="\\d{1,2}/\\d{1,2}/\\d{4}"></label>`));
  if (v.phase === 'active' || v.phase === 'awaiting_approval') {
    offer('explain', action('explain', 'Yêu cầu giải trình', html`<label>Nội dung cần giải trình <input name="question" required></label>`, 'secondary'));
  }
  if (v.phase !== 'done' && v.phase !== 'cancelled') {
    const members = v.chain.members.filter((m) => m.id !== v.assignee.id);
    // No one is chosen for the person: a tap on "Giao lại" alone must not hand the task to the first name.
    offer(
      'reassign',
      action('reassign', 'Giao lại', html`<label>Giao cho <select name="to" required><option value="">— chọn cán bộ —</option>${members.map((m) => html`<option value="${m.id}">${m.name}</option>`)}</select></label>`, 'secondary'),
    );
    offer(
      'cancel',
      action(
        'cancel',
        'Hủy nhiệm vụ',
        html`<label>Lý do hủy <input name="reason" required></label><label class="confirm"><input type="checkbox" name="confirm" value="yes" required> Xác nhận hủy: nhiệm vụ sẽ dừng theo dõi và không nhắc nữa</label>`,
        'danger',
      ),
    );
  }
  return forms.length ? html`<section class="card actions"><h2>Xử lý</h2>${forms}</section>` : html``;
}

/** A task of several units: its page is the list of its units' shares. */
export function unitShares(org: Org, view: MultiUnitTaskView): Html {
  const units = view.units;
  return html`<p><a href="/">← Tổng quan</a></p><h1>${view.task.ref} ${view.task.title}</h1><section class="card"><p>Nhiệm vụ do ${units.length} đơn vị chủ trì:</p><ul>
            ${units.map((u) => html`<li><a href="${taskHref(u.workflowId)}">${unitName(org, u.unit)}</a> — ${statusTag(u.status)}</li>`)}</ul></section>`;
}
