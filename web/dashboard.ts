// The dashboard's routes: the overview (counts, units, charts, tasks, from the read model) and a task's
// page (state and timeline from its workflow) with the managers' actions through client/tasks.ts.
// Each route loads, calls the views (dashboard-views.ts) or the action mapping (task-actions.ts),
// and sends or redirects.
import type { Client } from '@temporalio/client';
import express, { type Request, type Response, type Router } from 'express';
import { doneText } from '../client/actions.js';
import { actOnTask, showTask, TaskActionError } from '../client/tasks.js';
import { businessDateOf } from '../domain/calendar.js';
import { countsOf, parseFilter, type DashboardFilter } from '../domain/dashboard.js';
import { allOf, filterWhere, type TaskSummary, type TaskWhere } from '../domain/task-list.js';
import type { Org } from '../domain/org.js';
import type { UnitTaskView } from '../domain/task.js';
import type { Store } from '../store/store.js';
import { maySee, scopeWhere, type Viewer } from './access.js';
import { isFiltered, overview, PAGE_SIZE, pageCount, SECTION_ROWS, taskHref, taskPage, unitShares, unitsDecidedBy, type OverviewData } from './dashboard-views.js';
import { flashOf, flashQuery } from './flash.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import { actionOf } from './task-actions.js';

// Still exported here, as it was before the views moved out.
export { PAGE_SIZE } from './dashboard-views.js';

export interface DashboardDeps {
  org: Org;
  store: Store;
  client: Client;
  now?: () => number;
}

/** The question behind a viewer's overview: their scope and the filter. */
export const overviewWhere = (viewer: Viewer, filter: DashboardFilter): TaskWhere => allOf(scopeWhere(viewer), filterWhere(filter));

/**
 * The rows an overview shows, from the read model: the first of those awaiting the viewer's
 * decision and of the overdue ones, and one page of the rest (of all, when filtered). The counts
 * come from the summary, so they cover every matching task.
 */
export async function loadOverviewRows(
  deps: Pick<DashboardDeps, 'org' | 'store'>,
  viewer: Viewer,
  filter: DashboardFilter,
  summary: TaskSummary,
  pageNo: number,
): Promise<Pick<OverviewData, 'decide' | 'overdue' | 'listed' | 'pageNo'>> {
  const base = overviewWhere(viewer, filter);
  const mine = [...unitsDecidedBy(deps.org, viewer)];
  const awaitingMine = allOf({ statusIn: ['awaiting_approval'] }, { unitIn: mine });
  const decideTotal = summary.tallies.filter((t) => t.status === 'awaiting_approval' && mine.includes(t.unit)).reduce((n, t) => n + t.count, 0);
  const counts = countsOf(summary.tallies);
  const filtered = isFiltered(filter);
  const listedTotal = filtered ? counts.total : counts.total - counts.byStatus.overdue - decideTotal;
  const page = Math.min(Math.max(1, Math.floor(pageNo) || 1), pageCount(listedTotal));
  const listedWhere = filtered ? base : allOf(base, { not: { statusIn: ['overdue'] } }, { not: awaitingMine });
  const [decide, overdue, listed] = await Promise.all([
    filtered ? [] : deps.store.taskFind(allOf(base, awaitingMine), { limit: SECTION_ROWS }),
    filtered ? [] : deps.store.taskFind(allOf(base, { statusIn: ['overdue'] }), { limit: SECTION_ROWS }),
    deps.store.taskFind(listedWhere, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
  ]);
  return {
    decide: { rows: decide, total: decideTotal },
    overdue: { rows: overdue, total: counts.byStatus.overdue },
    listed: { rows: listed, total: listedTotal },
    pageNo: page,
  };
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
    const summary = await deps.store.taskSummary(overviewWhere(auth.viewer, filter));
    // The live page asks every few seconds: answer "not modified" unless a task changed.
    // The token banner is part of the page too: a cached copy must not hide or keep it.
    const etag = `W/"${summary.stamp}-${auth.viewer.person.id}-${businessDateOf(now())}-${auth.tokenProblem?.at ?? ''}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Vary', 'x-partial, cookie');
    if (req.get('if-none-match') === etag) return void res.status(304).end();
    const flash = flashOf(req, auth.session).ok;
    const ok = flash ? html`<p class="notice" role="status">${flash}</p>` : html``;
    const pageNo = Number(typeof req.query.trang === 'string' ? req.query.trang : 1) || 1;
    const [plans, shown] = await Promise.all([deps.store.planSummaries(), loadOverviewRows(deps, auth.viewer, filter, summary, pageNo)]);
    send(req, res, 'Tổng quan', html`${ok}${overview({ org: deps.org, plans, auth, summary, ...shown, filter, errors, today: businessDateOf(now()) })}`);
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
      res.redirect(303, `${taskHref(v.workflowId)}&${flashQuery(res.locals.auth!.session, 'ok', doneText(call.action, call.input))}`);
    } catch (err) {
      if (!(err instanceof TaskActionError)) throw err;
      const fresh = (await loadTask(res, v.workflowId)) ?? v;
      res.status(409).type('html').send(page({ title: v.task.title, body: taskPage(deps.org, auth, fresh, { error: err.message }, businessDateOf(now())), auth }).value);
    }
  });

  return r;
}
