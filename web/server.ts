// The HTTP entry point: health, the Zalo webhook, the dashboard and (with the double) the dev chat page.
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import type { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { createAuth, type AuthDeps } from './auth.js';
import { dashboardRouter, type DashboardDeps } from './dashboard.js';
import { reportsRouter, type ReportsDeps } from './reports.js';
import { plansRouter } from './plans.js';
import { TaskIndex } from './task-index.js';
import { html } from './html.js';
import { page } from './layout.js';

export interface WebDeps {
  connection: Connection;
  namespace: string;
  /** Further routes (the Zalo webhook, the dev chat page). */
  routers?: Router[];
  /** The dashboard, when this process serves it. */
  dashboard?: DashboardDeps & ReportsDeps & Omit<AuthDeps, 'org' | 'store' | 'now'>;
  log?: Logger;
}

export function createApp(deps: WebDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', async (_req, res) => {
    let reachable = false;
    let error: string | undefined;
    try {
      await deps.connection.withDeadline(Date.now() + 2000, () => deps.connection.workflowService.describeNamespace({ namespace: deps.namespace }));
      reachable = true;
    } catch (err) {
      error = (err as Error).message;
    }
    res.status(200).json({ ok: reachable, temporal: { reachable, namespace: deps.namespace, ...(error ? { error } : {}) } });
  });

  for (const r of deps.routers ?? []) app.use(r);
  if (deps.dashboard) {
    const d = deps.dashboard;
    // Sessions and codes run on real time; `d.now` is business time ("today" on the pages).
    const { now: _businessNow, ...authDeps } = d;
    const auth = createAuth(authDeps);
    const withIndex = { ...d, index: d.index ?? new TaskIndex(d.client, d.store) };
    app.use(auth.load, auth.router, dashboardRouter(withIndex, auth), reportsRouter(d, auth), plansRouter(d, auth));
  }
  // The last word on an unexpected error: logged for operators, a plain Vietnamese page for people.
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    deps.log?.error({ err, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    res.status(500).type('html').send(page({ title: 'Lỗi', body: html`<p class="error">Hệ thống đang gặp sự cố, vui lòng thử lại sau ít phút.</p>` }).value);
  });
  return app;
}
