// Starting a plan from its document on the dashboard (admins): upload → what the importer
// understood, warnings highlighted, unit and deadline phrases editable → start. The routes and
// the draft's reading are here; the pages are in plan-preview.ts.
import type { Client } from '@temporalio/client';
import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { DocumentError, MAX_DOCUMENT_BYTES, readPlanStructure } from '../client/documents.js';
import { documentText, type PlanDocument } from '../domain/document.js';
import { startPlan } from '../client/plans.js';
import type { Org } from '../domain/org.js';
import { planSchema, type Plan } from '../domain/plan.js';
import { importPlanDocument, importPlanText, toPlanInput, type ImportedPlan, type ImportEdits } from '../domain/plan-import.js';
import type { PlanDraft, PlanRecord, Store } from '../store/store.js';
import { fold } from '../domain/text.js';
import type { Authed } from './session-types.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import { preview, startProgressPage, uploadForm } from './plan-preview.js';
import type { Logger } from 'pino';

export interface PlansDeps {
  org: Org;
  store: Store;
  client: Client;
  taskQueue: string;
  now?: () => number;
  log?: Logger;
}

/** The draft read again, with the admin's edits of phrases, id and title. */
function importDraft(org: Org, draft: PlanDraft): ImportedPlan {
  // Drafts made before documents kept their structure have only the text.
  const imported = draft.document ? importPlanDocument(draft.document, org, draft.edits) : importPlanText(draft.text, org, draft.edits);
  return { ...imported, plan: { ...imported.plan, ...(draft.plan?.id ? { id: draft.plan.id } : {}), ...(draft.plan?.title ? { title: draft.plan.title } : {}) } };
}

const PLAN_ID = /^[a-z0-9][a-z0-9-]{0,80}$/;

/** A plan already started from the same document: the same id, or the same document number and issuer under another id. */
async function alreadyStarted(store: Store, imported: ImportedPlan): Promise<PlanRecord | undefined> {
  const same = await store.planGet(imported.plan.id);
  if (same) return same;
  const key = (s: string) => fold(s).replace(/[^a-z0-9]+/g, '');
  const { number, issuer } = imported.plan.document;
  // A blank number ("Số: /KH-UBND", a draft) says little: then the title must match too.
  const numbered = /\d/.test(number);
  return (await store.planList()).find((p) => key(p.documentNumber) === key(number) && key(p.plan.document.issuer) === key(issuer) && (numbered || key(p.plan.title) === key(imported.plan.title)));
}

const progressHref = (planId: string) => `/ke-hoach/tien-do?planId=${encodeURIComponent(planId)}`;

export function plansRouter(deps: PlansDeps, guard: { requireViewer: express.RequestHandler; checkCsrf: express.RequestHandler }): Router {
  const now = deps.now ?? Date.now;
  /** Plans this process is starting now: a second request for one waits on the same run. */
  const starting = new Map<string, Promise<unknown>>();
  // A plan of 10,000 tasks takes minutes to start: the request answers at once and the progress
  // page follows the figures startPlan saves in the store (any web process can show them).
  const startInBackground = (plan: Plan): void => {
    if (starting.has(plan.id)) return;
    const run = startPlan(deps.client, deps.store, deps.org, plan, deps.taskQueue)
      .catch((err: Error) => deps.log?.error({ err, planId: plan.id }, 'plan start stopped'))
      .finally(() => starting.delete(plan.id));
    starting.set(plan.id, run);
  };
  const r = express.Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 10 } });
  const form = express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 5000 });

  const adminOnly: express.RequestHandler = (_req, res, next) => {
    if (res.locals.auth?.viewer.admin) return next();
    res.status(403).type('html').send(page({ title: 'Không có quyền', auth: res.locals.auth!, body: html`<p class="error" role="alert">Chỉ quản trị viên mới khởi động được kế hoạch.</p>` }).value);
  };
  const show = (res: Response, body: Html, status = 200) => res.status(status).type('html').send(page({ title: 'Khởi động kế hoạch', auth: res.locals.auth!, body }).value);
  // The preview also warns when the same document was started already.
  const previewOf = async (auth: Authed, draft: PlanDraft, imported: ImportedPlan, error?: string): Promise<Html> =>
    preview(deps.org, auth, draft, imported, await alreadyStarted(deps.store, imported), error);
  const draftOf = async (req: Request, res: Response): Promise<PlanDraft | undefined> => {
    const d = await deps.store.draftGet(String(req.body?.draft ?? ''));
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
      await deps.store.draftSave(draft);
      show(res, await previewOf(auth, draft, importDraft(deps.org, draft)));
    },
  );

  r.post('/ke-hoach/sua', form, guard.requireViewer, adminOnly, guard.checkCsrf, async (req, res) => {
    const draft = await draftOf(req, res);
    if (!draft) return show(res, uploadForm(res.locals.auth!, 'Không tìm thấy bản xem trước; vui lòng tải văn bản lên lại.'), 404);
    const before = importDraft(deps.org, draft);
    const edits: ImportEdits = { ...draft.edits };
    const planId = String(req.body?.planId ?? '').trim().toLowerCase();
    const planTitle = String(req.body?.planTitle ?? '').trim().slice(0, 500);
    if (planId && !PLAN_ID.test(planId))
      return show(res, await previewOf(res.locals.auth!, draft, before, `Mã kế hoạch «${planId}» chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.`), 400);
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
    await deps.store.draftSave(updated);
    show(res, await previewOf(res.locals.auth!, updated, importDraft(deps.org, updated)));
  });

  r.post('/ke-hoach/khoi-dong', form, guard.requireViewer, adminOnly, guard.checkCsrf, async (req, res) => {
    const auth = res.locals.auth!;
    const draft = await draftOf(req, res);
    if (!draft) return show(res, uploadForm(auth, 'Không tìm thấy bản xem trước; vui lòng tải văn bản lên lại.'), 404);
    const imported = importDraft(deps.org, draft);
    if (imported.warnings.length && !req.body?.allowWarnings)
      return show(res, await previewOf(auth, draft, imported, `Chưa khởi động: còn ${imported.warnings.length} cảnh báo. Hãy sửa đơn vị hoặc thời hạn, hoặc chọn «Vẫn khởi động dù còn cảnh báo».`), 409);
    const started = await alreadyStarted(deps.store, imported);
    if (started && (started.id === imported.plan.id || !req.body?.allowRepeat))
      return show(
        res,
        await previewOf(auth, draft, imported, started.id === imported.plan.id ? `Chưa khởi động: mã «${started.id}» đã được dùng cho kế hoạch đang theo dõi; hãy đặt mã khác.` : 'Chưa khởi động: văn bản này đã được khởi động; nếu đây là kế hoạch khác, hãy đánh dấu ô xác nhận.'),
        409,
      );
    const { plan: input } = toPlanInput(imported, deps.org);
    const parsed = planSchema.safeParse(input);
    if (!parsed.success || parsed.data.tasks.length === 0)
      return show(res, await previewOf(auth, draft, imported, 'Chưa khởi động: không có nhiệm vụ nào đủ đơn vị chủ trì và thời hạn để theo dõi.'), 409);
    await deps.store.planSave(parsed.data, now());
    await deps.store.draftSave({ ...draft, startedPlanId: parsed.data.id });
    startInBackground(parsed.data);
    res.redirect(303, progressHref(parsed.data.id));
  });

  // A start that stopped (its web process died, or Temporal failed it) goes on from where it was.
  r.post('/ke-hoach/khoi-dong-tiep', form, guard.requireViewer, adminOnly, guard.checkCsrf, async (req, res) => {
    const record = await deps.store.planGet(String(req.body?.planId ?? ''));
    if (!record) return show(res, html`<p class="error" role="alert">Không tìm thấy kế hoạch này.</p>`, 404);
    startInBackground(record.plan);
    res.redirect(303, progressHref(record.id));
  });

  r.get('/ke-hoach/tien-do', guard.requireViewer, adminOnly, async (req, res) => {
    const planId = typeof req.query.planId === 'string' ? req.query.planId : '';
    const [record, progress] = await Promise.all([deps.store.planSummaries().then((ps) => ps.find((p) => p.id === planId)), deps.store.planStartGet(planId)]);
    if (!record || !progress) return show(res, html`<p class="error" role="alert">Không tìm thấy việc khởi động kế hoạch này.</p>`, 404);
    // Progress is saved on the real clock (deps.now may be a demo's business clock).
    const body = startProgressPage(progress, record.title, res.locals.auth!.session.csrf, Date.now());
    if (req.get('x-partial')) return void res.type('html').send(body.value);
    res.type('html').send(page({ title: 'Khởi động kế hoạch', auth: res.locals.auth!, body, live: true }).value);
  });

  return r;
}
