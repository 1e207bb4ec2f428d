// Starting a plan from its document on the dashboard (admins): upload → what the importer
// understood, warnings highlighted, unit and deadline phrases editable → start.
import type { Client } from '@temporalio/client';
import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { DocumentError, MAX_DOCUMENT_BYTES, readPlanStructure } from '../client/documents.js';
import { documentText, sourceText, type PlanDocument } from '../domain/document.js';
import { startPlan } from '../client/plans.js';
import { flashQuery } from './flash.js';
import { formatDate } from '../domain/notification.js';
import type { Org } from '../domain/org.js';
import { planSchema } from '../domain/plan.js';
import { importPlanDocument, importPlanText, toPlanInput, type ImportedPlan, type ImportEdits } from '../domain/plan-import.js';
import type { ParsedDeadline } from '../domain/deadline-phrase.js';
import type { PlanDraft, PlanRecord, Store } from '../store/store.js';
import { businessDateOf } from '../domain/calendar.js';
import { fold } from '../domain/text.js';
import type { Authed } from './auth.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';

export interface PlansDeps {
  org: Org;
  store: Store;
  client: Client;
  taskQueue: string;
  now?: () => number;
}

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

/** The draft read again, with the admin's edits of phrases, id and title. */
function importDraft(org: Org, draft: PlanDraft): ImportedPlan {
  // Drafts made before documents kept their structure have only the text.
  const imported = draft.document ? importPlanDocument(draft.document, org, draft.edits) : importPlanText(draft.text, org, draft.edits);
  return { ...imported, plan: { ...imported.plan, ...(draft.plan?.id ? { id: draft.plan.id } : {}), ...(draft.plan?.title ? { title: draft.plan.title } : {}) } };
}

const PLAN_ID = /^[a-z0-9][a-z0-9-]{0,80}$/;

/** A plan already started from the same document: the same id, or the same document number and issuer under another id. */
function alreadyStarted(store: Store, imported: ImportedPlan): PlanRecord | undefined {
  const same = store.planGet(imported.plan.id);
  if (same) return same;
  const key = (s: string) => fold(s).replace(/[^a-z0-9]+/g, '');
  const { number, issuer } = imported.plan.document;
  // A blank number ("Số: /KH-UBND", a draft) says little: then the title must match too.
  const numbered = /\d/.test(number);
  return store
    .planList()
    .find((p) => key(p.documentNumber) === key(number) && key(p.plan.document.issuer) === key(issuer) && (numbered || key(p.plan.title) === key(imported.plan.title)));
}

function preview(org: Org, store: Store, auth: Authed, draft: PlanDraft, imported: ImportedPlan, error?: string): Html {
  const unitName = (c: string) => org.units.find((u) => u.code === c)?.name ?? c;
  const csrf = auth.session.csrf;
  const { plan: input, skipped } = toPlanInput(imported, org);
  const started = alreadyStarted(store, imported);
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
        ? html`<label><input type="checkbox" name="allowWarnings" value="1" style="width:auto"> Vẫn khởi động dù còn cảnh báo (${skipped.length} nhiệm vụ chưa đủ thông tin sẽ không được theo dõi)</label>`
        : ''}
      ${started ? html`<label><input type="checkbox" name="allowRepeat" value="1" style="width:auto"> Đây là kế hoạch khác, vẫn khởi động</label>` : ''}
      <button>Khởi động kế hoạch (${input.tasks.length} nhiệm vụ)</button>
    </form>`;
}

export function plansRouter(deps: PlansDeps, guard: { requireViewer: express.RequestHandler; checkCsrf: express.RequestHandler }): Router {
  const now = deps.now ?? Date.now;
  const r = express.Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 10 } });
  const form = express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 5000 });

  const adminOnly: express.RequestHandler = (_req, res, next) => {
    if (res.locals.auth?.viewer.admin) return next();
    res.status(403).type('html').send(page({ title: 'Không có quyền', auth: res.locals.auth!, body: html`<p class="error" role="alert">Chỉ quản trị viên mới khởi động được kế hoạch.</p>` }).value);
  };
  const show = (res: Response, body: Html, status = 200) => res.status(status).type('html').send(page({ title: 'Khởi động kế hoạch', auth: res.locals.auth!, body }).value);
  const uploadForm = (auth: Authed, error?: string): Html => html`
    <h1>Khởi động kế hoạch từ văn bản</h1>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form class="card" method="post" action="/ke-hoach/xem-truoc" enctype="multipart/form-data">
      <input type="hidden" name="_csrf" value="${auth.session.csrf}">
      <label>Văn bản kế hoạch (.docx, .pdf hoặc .txt; tối đa 20 MB) <input type="file" name="file" accept=".docx,.pdf,.txt" required></label>
      <button>Đọc và xem trước</button>
    </form>`;
  const draftOf = (req: Request, res: Response): PlanDraft | undefined => {
    const d = deps.store.draftGet(String(req.body?.draft ?? ''));
    return d && d.personId === res.locals.auth!.viewer.person.id ? d : undefined;
  };

  r.get('/ke-hoach/moi', guard.requireViewer, adminOnly, (_req, res) => show(res, uploadForm(res.locals.auth!)));

  r.post(
    '/ke-hoach/xem-truoc',
    guard.requireViewer,
    adminOnly,
    (req, res, next) =>
      upload.single('file')(req, res, (err: unknown) => {
        if (!err) return next();
        const tooBig = err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE';
        show(res, uploadForm(res.locals.auth!, tooBig ? 'Tệp quá lớn: tối đa 20 MB.' : 'Không nhận được tệp. Vui lòng chọn lại tệp và gửi.'), tooBig ? 413 : 400);
      }),
    guard.checkCsrf,
    async (req, res) => {
      const auth = res.locals.auth!;
      const file = req.file;
      if (!file) return show(res, uploadForm(auth, 'Vui lòng chọn tệp văn bản kế hoạch.'), 400);
      // The document reader works on files (and checks size, type and content): a private temp copy.
      const dir = mkdtempSync(join(tmpdir(), 'upload-'));
      const name = `van-ban${extname(file.originalname).toLowerCase().replace(/[^.a-z]/g, '')}`;
      let document: PlanDocument;
      try {
        writeFileSync(join(dir, name), file.buffer);
        document = await readPlanStructure(join(dir, name));
      } catch (err) {
        if (err instanceof DocumentError) return show(res, uploadForm(auth, err.message.replace(join(dir, name), `«${file.originalname}»`)), 400);
        throw err;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const draft: PlanDraft = { id: randomBytes(12).toString('base64url'), personId: auth.viewer.person.id, fileName: file.originalname.slice(0, 200), text: documentText(document), document, edits: {}, createdAt: now() };
      deps.store.draftSave(draft);
      show(res, preview(deps.org, deps.store, auth, draft, importDraft(deps.org, draft)));
    },
  );

  r.post('/ke-hoach/sua', form, guard.requireViewer, adminOnly, guard.checkCsrf, (req, res) => {
    const draft = draftOf(req, res);
    if (!draft) return show(res, uploadForm(res.locals.auth!, 'Không tìm thấy bản xem trước; vui lòng tải văn bản lên lại.'), 404);
    const before = importDraft(deps.org, draft);
    const edits: ImportEdits = { ...draft.edits };
    const planId = String(req.body?.planId ?? '').trim().toLowerCase();
    const planTitle = String(req.body?.planTitle ?? '').trim().slice(0, 500);
    if (planId && !PLAN_ID.test(planId))
      return show(res, preview(deps.org, deps.store, res.locals.auth!, draft, before, `Mã kế hoạch «${planId}» chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.`), 400);
    const count = Math.min(Number(req.body?.count ?? 0) || 0, before.tasks.length);
    for (let i = 0; i < count; i++) {
      const ref = String(req.body[`ref${i}`] ?? '');
      const task = before.tasks.find((t) => t.ref === ref);
      if (!task) continue;
      const units = String(req.body[`units${i}`] ?? '').trim();
      const deadline = String(req.body[`deadline${i}`] ?? '').trim();
      // Only what the admin changed becomes an edit.
      const e = { ...edits[ref] };
      if (units !== (task.unitsText ?? '')) e.units = units;
      if (deadline !== task.deadline.text) e.deadline = deadline;
      if (e.units !== undefined || e.deadline !== undefined) edits[ref] = e;
    }
    const updated: PlanDraft = { ...draft, edits, plan: { ...(planId ? { id: planId } : {}), ...(planTitle ? { title: planTitle } : {}) } };
    deps.store.draftSave(updated);
    show(res, preview(deps.org, deps.store, res.locals.auth!, updated, importDraft(deps.org, updated)));
  });

  r.post('/ke-hoach/khoi-dong', form, guard.requireViewer, adminOnly, guard.checkCsrf, async (req, res) => {
    const auth = res.locals.auth!;
    const draft = draftOf(req, res);
    if (!draft) return show(res, uploadForm(auth, 'Không tìm thấy bản xem trước; vui lòng tải văn bản lên lại.'), 404);
    const imported = importDraft(deps.org, draft);
    if (imported.warnings.length && !req.body?.allowWarnings)
      return show(res, preview(deps.org, deps.store, auth, draft, imported, `Chưa khởi động: còn ${imported.warnings.length} cảnh báo. Hãy sửa đơn vị hoặc thời hạn, hoặc chọn «Vẫn khởi động dù còn cảnh báo».`), 409);
    const started = alreadyStarted(deps.store, imported);
    if (started && (started.id === imported.plan.id || !req.body?.allowRepeat))
      return show(
        res,
        preview(deps.org, deps.store, auth, draft, imported, started.id === imported.plan.id ? `Chưa khởi động: mã «${started.id}» đã được dùng cho kế hoạch đang theo dõi; hãy đặt mã khác.` : 'Chưa khởi động: văn bản này đã được khởi động; nếu đây là kế hoạch khác, hãy đánh dấu ô xác nhận.'),
        409,
      );
    const { plan: input } = toPlanInput(imported, deps.org);
    const parsed = planSchema.safeParse(input);
    if (!parsed.success || parsed.data.tasks.length === 0)
      return show(res, preview(deps.org, deps.store, auth, draft, imported, 'Chưa khởi động: không có nhiệm vụ nào đủ đơn vị chủ trì và thời hạn để theo dõi.'), 409);
    const result = await startPlan(deps.client, deps.store, deps.org, parsed.data, deps.taskQueue);
    deps.store.draftSave({ ...draft, startedPlanId: parsed.data.id });
    res.redirect(303, `/?planId=${encodeURIComponent(parsed.data.id)}&${flashQuery(res.locals.auth!.session, 'ok', `Đã khởi động kế hoạch: ${result.started} luồng theo dõi mới.`)}`);
  });

  return r;
}
