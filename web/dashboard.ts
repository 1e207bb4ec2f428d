// The dashboard's routes: the overview (counts, units, charts, tasks, from visibility) and a task's
// page (state and timeline from its workflow) with the managers' actions through client/tasks.ts.
// Each route loads, calls the views (dashboard-views.ts) or the action mapping (task-actions.ts),
// and sends or redirects.
import type { Client } from '@temporalio/client';
import express, { type Request, type Response, type Router } from 'express';
import { and, findPlanTasks, LATEST_RUN, visibilityClauses } from '../client/visibility.js';
import { doneText } from '../client/actions.js';
import { actOnTask, showTask, TaskActionError } from '../client/tasks.js';
import { businessDateOf } from '../domain/calendar.js';
import { matchesText, parseFilter, type DashboardFilter, type DashboardRow } from '../domain/dashboard.js';
import type { Org } from '../domain/org.js';
import type { UnitTaskView } from '../domain/task.js';
import type { Store } from '../store/store.js';
import { maySee, scopeClause, type Viewer } from './access.js';
import { overview, taskHref, taskPage, unitShares } from './dashboard-views.js';
import { flashOf, flashQuery } from './flash.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import { actionOf } from './task-actions.js';
import { versionOf, type TaskIndex } from './task-index.js';

// Still exported here, as it was before the views moved out.
export { PAGE_SIZE } from './dashboard-views.js';

export interface DashboardDeps {
  org: Org;
  store: Store;
  client: Client;
  /** The shared snapshot for the unfiltered view of everything (made by the app when absent). */
  index?: TaskIndex;
  now?: () => number;
}

/**
 * The viewer's tasks matching a filter. Scoped or filtered views ask visibility; the unfiltered
 * view of everything comes from the shared snapshot. The text is matched here (titles live in the
 * store).
 */
export async function loadRows(deps: DashboardDeps, viewer: Viewer, filter: DashboardFilter): Promise<{ rows: DashboardRow[]; version: string }> {
  const clauses = [scopeClause(viewer), visibilityClauses(filter)].filter(Boolean);
  let rows: DashboardRow[];
  let version: string;
  if (clauses.length === 0 && deps.index) {
    ({ rows, version } = await deps.index.snapshot());
  } else {
    rows = await findPlanTasks(deps.client, deps.store, and(LATEST_RUN, ...clauses));
    version = versionOf(rows);
  }
  if (filter.text) rows = rows.filter((r) => matchesText(r, filter.text!));
  return { rows, version };
}

export function dashboardRouter(deps: DashboardDeps, guard: { requireViewer: express.RequestHandler; checkCsrf: express.RequestHandler }): Router {
  const now = deps.now ?? Date.now;
  const r = express.Router();
  const send = (req: Request, res: Response, title: string, body: Html, status = 200) => {
    // The live script asks for the main content only.
    if (req.get('x-partial')) res.status(status).type('html').send(body.value);
    else res.status(status).type('html').send(page({ title, body, auth: res.locals.auth!, live: true }).value);
  };

  r.get('/', guard.requireViewer, async (req, res) => {
    const auth = res.locals.auth!;
    const { filter, errors } = parseFilter(req.query as Record<string, unknown>);
    const { rows, version } = await loadRows(deps, auth.viewer, filter);
    // The live page asks every few seconds: answer "not modified" unless a task changed.
    // The token banner is part of the page too: a cached copy must not hide or keep it.
    const etag = `W/"${version}-${auth.viewer.person.id}-${businessDateOf(now())}-${auth.tokenProblem?.at ?? ''}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Vary', 'x-partial, cookie');
    if (req.get('if-none-match') === etag) return void res.status(304).end();
    const flash = flashOf(req, auth.session).ok;
    const ok = flash ? html`<p class="notice" role="status">${flash}</p>` : html``;
    const pageNo = Number(typeof req.query.trang === 'string' ? req.query.trang : 1) || 1;
    const plans = await deps.store.planList();
    send(req, res, 'Tổng quan', html`${ok}${overview({ org: deps.org, plans, auth, rows, filter, errors, today: businessDateOf(now()), pageNo })}`);
  });

  const loadTask = async (res: Response, id: string): Promise<UnitTaskView | undefined> => {
    const auth = res.locals.auth!;
    let shown;
    try {
      shown = await showTask(deps.client, id);
    } catch (err) {
      if (!(err instanceof TaskActionError)) throw err;
      res.status(404).type('html').send(page({ title: 'Không tìm thấy', body: html`<p class="error">Không tìm thấy nhiệm vụ này.</p><p><a href="/">Về tổng quan</a></p>`, auth }).value);
      return undefined;
    }
    if (shown.kind === 'multi') {
      res.type('html').send(page({ title: shown.view.task.title, auth, body: unitShares(deps.org, shown.view) }).value);
      return undefined;
    }
    const v = shown.view;
    if (!maySee(auth.viewer, { unit: v.unit.code, assignee: v.assignee.id })) {
      res.status(403).type('html').send(page({ title: 'Không có quyền', body: html`<p class="error" role="alert">Đồng chí không có quyền xem nhiệm vụ này.</p><p><a href="/">Về tổng quan</a></p>`, auth }).value);
      return undefined;
    }
    return v;
  };

  r.get('/nhiem-vu', guard.requireViewer, async (req, res) => {
    const id = typeof req.query.id === 'string' ? req.query.id.trim() : '';
    if (!id)
      return void res
        .status(400)
        .type('html')
        .send(page({ title: 'Thiếu mã nhiệm vụ', body: html`<p class="error" role="alert">Đường dẫn thiếu mã nhiệm vụ.</p><p><a href="/">Về tổng quan</a></p>`, auth: res.locals.auth! }).value);
    const v = await loadTask(res, id);
    if (!v) return;
    const { ok } = flashOf(req, res.locals.auth!.session);
    const flash = { ...(ok ? { ok } : {}) };
    send(req, res, `${v.task.ref} ${v.task.title}`, taskPage(deps.org, res.locals.auth!, v, flash, businessDateOf(now())));
  });

  r.post('/nhiem-vu/thao-tac', express.urlencoded({ extended: false, limit: '32kb' }), guard.requireViewer, guard.checkCsrf, async (req, res) => {
    const body = req.body as Record<string, string>;
    const v = await loadTask(res, String(body.id ?? ''));
    if (!v) return;
    const auth = res.locals.auth!;
    const action = String(body.action ?? '');
    try {
      const call = actionOf(action, body);
      await actOnTask(deps.client, v.workflowId, call.action, { ...call.input, actor: auth.viewer.person.id });
      deps.index?.invalidate();
      res.redirect(303, `${taskHref(v.workflowId)}&${flashQuery(res.locals.auth!.session, 'ok', doneText(call.action, call.input))}`);
    } catch (err) {
      if (!(err instanceof TaskActionError)) throw err;
      const fresh = (await loadTask(res, v.workflowId)) ?? v;
      res.status(409).type('html').send(page({ title: v.task.title, body: taskPage(deps.org, auth, fresh, { error: err.message }, businessDateOf(now())), auth }).value);
    }
  });

  return r;
}
