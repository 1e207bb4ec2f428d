// The plan upload's views: the upload form and the preview of what the importer understood
// (warnings highlighted, unit and deadline phrases editable). Pure: the routes in plans.ts load
// the draft and pass in what they found.
import { businessDateOf } from '../domain/calendar.js';
import type { ParsedDeadline } from '../domain/deadline-phrase.js';
import { sourceText } from '../domain/document.js';
import { formatDate } from '../domain/notification.js';
import type { Org } from '../domain/org.js';
import { toPlanInput, type ImportedPlan } from '../domain/plan-import.js';
import { progressLine, startStateOf, type PlanStartProgress } from '../domain/plan-start.js';
import type { PlanDraft, PlanRecord } from '../store/store.js';
import { html, type Html } from './html.js';
import type { Authed } from './session-types.js';

const KINDS: Record<ParsedDeadline['kind'], string> = {
  date: 'ngày',
  recurring: 'định kỳ',
  ongoing: 'thường xuyên',
  event: 'khi có sự kiện',
  phased: 'theo mốc',
  unknown: 'chưa rõ',
};

/** Why a field should be checked ("đơn vị chủ trì suy ra từ câu văn"), or ''. */
function doubtOf(t: ImportedPlan['tasks'][number], field: 'lead' | 'deadline'): string {
  return t.uncertain
    .filter((u) => u.field === field || u.field === 'task')
    .map((u) => u.vi)
    .join('; ');
}

function deadlineText(d: ParsedDeadline): string {
  switch (d.kind) {
    case 'date':
      return `${formatDate(d.due)}`;
    case 'phased':
      return d.phases.map((p) => `${p.label}: ${formatDate(p.due)}`).join('; ');
    case 'recurring':
      return `${KINDS.recurring} (${d.cycle})`;
    default:
      return KINDS[d.kind];
  }
}

/** What the importer understood, editable, with the start form; `started` is a plan already started from the same document. */
export function preview(org: Org, auth: Authed, draft: PlanDraft, imported: ImportedPlan, started: PlanRecord | undefined, error?: string): Html {
  const unitName = (c: string) => org.units.find((u) => u.code === c)?.name ?? c;
  const csrf = auth.session.csrf;
  const { plan: input, skipped } = toPlanInput(imported, org);
  return html`
    <h1>Xem trước kế hoạch</h1>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <section class="card">
      <p><b>${imported.plan.title}</b></p>
      <p class="muted">Số ${imported.plan.document.number} · ${imported.plan.document.issuer}${imported.plan.document.date ? ` · ngày ${formatDate(imported.plan.document.date)}` : ''} · mã ${imported.plan.id} · tệp ${draft.fileName}</p>
      ${started
        ? html`<p class="error" role="alert">Văn bản này đã được khởi động ngày ${formatDate(businessDateOf(started.startedAt))}: kế hoạch «${started.title}» (mã «${started.id}», ${started.taskCount} nhiệm vụ) đang được theo dõi. <a href="/?planId=${encodeURIComponent(started.id)}">Xem kế hoạch</a>. Nếu đây là kế hoạch khác, hãy đặt mã khác và xác nhận khi khởi động.</p>`
        : ''}
      <p>${imported.tasks.length} nhiệm vụ đọc được; ${input.tasks.length} sẽ được theo dõi; <b class="${imported.warnings.length ? 'error' : ''}">${imported.warnings.length} cảnh báo</b>.</p>
    </section>
    <form method="post" action="/ke-hoach/sua" class="card">
      <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="draft" value="${draft.id}">
      <div class="filters"><label>Mã kế hoạch <input name="planId" value="${imported.plan.id}" pattern="[a-z0-9][a-z0-9-]*"></label>
      <label>Tên kế hoạch <input name="planTitle" value="${imported.plan.title}"></label></div>
      ${imported.tasks.some((t) => t.uncertain.length) ? html`<p class="muted"><span class="uncertain">Ô nền vàng</span>: giá trị suy ra từ câu văn, tiêu đề nhóm hoặc bản scan, không phải văn bản ghi rõ; đề nghị đối chiếu với văn bản.</p>` : ''}
      <div class="scroll"><table id="preview"><thead><tr><th>Số hiệu</th><th>Nội dung</th><th>Đơn vị chủ trì</th><th>Thời hạn</th><th>Nguồn</th><th>Cảnh báo</th></tr></thead><tbody>
      ${imported.tasks.map(
        (t, i) => html`<tr class="${t.warnings.length ? 'overdue' : ''}" data-ref="${t.ref}">
          <td>${t.ref}<input type="hidden" name="ref${i}" value="${t.ref}"></td>
          <td>${t.title}</td>
          <td class="${doubtOf(t, 'lead') ? 'uncertain' : ''}" title="${doubtOf(t, 'lead')}"><input name="units${i}" value="${t.unitsText ?? ''}" aria-label="Đơn vị chủ trì ${t.ref}"><span class="muted">${t.lead.map(unitName).join(', ') || '—'}</span></td>
          <td class="${doubtOf(t, 'deadline') ? 'uncertain' : ''}" title="${doubtOf(t, 'deadline')}"><input name="deadline${i}" value="${t.deadline.text}" aria-label="Thời hạn ${t.ref}"><span class="muted">${deadlineText(t.deadline)}</span></td>
          <td class="muted">${sourceText(t.source)}</td>
          <td>${t.warnings.map((w) => html`<div class="error">${w.vi}</div>`)}${t.uncertain.map((u) => html`<div class="muted">${u.vi}</div>`)}</td></tr>`,
      )}
      </tbody></table></div>
      <input type="hidden" name="count" value="${imported.tasks.length}">
      <button class="secondary">Cập nhật xem trước</button>
    </form>
    <form method="post" action="/ke-hoach/khoi-dong" class="card">
      <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="draft" value="${draft.id}">
      ${imported.warnings.length
        ? html`<label><input type="checkbox" name="allowWarnings" value="1"> Vẫn khởi động dù còn cảnh báo (${skipped.length} nhiệm vụ chưa đủ thông tin sẽ không được theo dõi)</label>`
        : ''}
      ${started ? html`<label><input type="checkbox" name="allowRepeat" value="1"> Đây là kế hoạch khác, vẫn khởi động</label>` : ''}
      <button>Khởi động kế hoạch (${input.tasks.length} nhiệm vụ)</button>
    </form>`;
}

/** The upload form, with what went wrong last time. */
export const uploadForm = (auth: Authed, error?: string): Html => html`
    <h1>Khởi động kế hoạch từ văn bản</h1>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form class="card" method="post" action="/ke-hoach/xem-truoc" enctype="multipart/form-data">
      <input type="hidden" name="_csrf" value="${auth.session.csrf}">
      <label>Văn bản kế hoạch (.docx, .pdf hoặc .txt; tối đa 20 MB) <input type="file" name="file" accept=".docx,.pdf,.txt" required></label>
      <button>Đọc và xem trước</button>
    </form>`;

/** The page of a plan being started: how far it has gone (live), and what to do when it stopped. */
export function startProgressPage(p: PlanStartProgress, title: string, csrf: string, now: number): Html {
  const state = startStateOf(p, now);
  const done = p.started + p.existing;
  const pct = p.total ? Math.round((done / p.total) * 100) : 100;
  const resume = html`<form method="post" action="/ke-hoach/khoi-dong-tiep"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="planId" value="${p.planId}"><button>Tiếp tục khởi động</button></form>`;
  return html`<h1>Khởi động kế hoạch «${title}»</h1>
    <section class="card" id="start-progress" data-state="${state}">
      <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="${p.total}" aria-valuenow="${done}" aria-label="Tiến độ khởi động"><svg width="100%" height="10" aria-hidden="true"><rect width="${pct}%" height="10" rx="4"></rect></svg></div>
      <p role="status">${progressLine(p, now)}</p>
      ${state === 'finished'
        ? html`<p class="notice">Đã khởi động kế hoạch: ${p.started} luồng theo dõi mới${p.existing ? `, ${p.existing} đã chạy từ trước` : ''}.</p><p><a href="/?planId=${encodeURIComponent(p.planId)}">Xem tình hình thực hiện kế hoạch</a></p>`
        : state === 'running'
          ? html`<p class="muted">Trang tự cập nhật; đồng chí có thể rời trang, việc khởi động vẫn tiếp tục.</p>`
          : html`<p class="error" role="alert">${state === 'failed' ? 'Việc khởi động bị lỗi và đã dừng.' : 'Việc khởi động đã dừng giữa chừng.'} Các nhiệm vụ đã khởi động vẫn được theo dõi; bấm «Tiếp tục khởi động» để khởi động những nhiệm vụ còn lại.</p>${resume}`}
    </section>`;
}
