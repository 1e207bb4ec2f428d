// The HTTP entry point: health, the Zalo webhook, the dashboard and (with the double) the dev chat page.
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { tokenProblem } from '../client/zalo-tokens.js';
import type { Store } from '../store/store.js';
import { createAuth, type AuthDeps } from './auth.js';
import { contactsRouter, type ContactsDeps } from './contacts.js';
import { dashboardRouter, type DashboardDeps } from './dashboard.js';
import { reportsRouter, type ReportsDeps } from './reports.js';
import { plansRouter } from './plans.js';
import { TaskIndex } from './task-index.js';
import { html } from './html.js';
import { page } from './layout.js';

/** Zalo's state on /healthz: never a token, only whether a person must act. */
export interface ZaloHealth {
  /** This process has a Zalo connection (the OA or the local double). */
  configured: boolean;
  /** A usable access token is stored. */
  tokenUsable: boolean;
  /** Zalo refused the refresh token: an admin must install a new pair. */
  needsRenewal: boolean;
  /** When Zalo refused it. */
  since?: number;
}

/** The /healthz probe over the store's token state. */
export function zaloHealthProbe(store: Store, o: { configured: boolean; usable: () => boolean | Promise<boolean> }): () => Promise<ZaloHealth> {
  return async () => {
    const problem = await tokenProblem(store);
    return { configured: o.configured, tokenUsable: o.configured && (await o.usable()), needsRenewal: !!problem, ...(problem ? { since: problem.at } : {}) };
  };
}

export interface WebDeps {
  connection: Connection;
  namespace: string;
  /** Further routes (the Zalo webhook, the dev chat page). */
  routers?: Router[];
  /** The dashboard, when this process serves it. */
  dashboard?: DashboardDeps & ReportsDeps & ContactsDeps & Omit<AuthDeps, 'org' | 'store' | 'now'>;
  /** Zalo's token state for /healthz. */
  zalo?: () => Promise<ZaloHealth>;
  log?: Logger;
}

export async function createApp(deps: WebDeps): Promise<Express> {
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
    // `ok` stays about Temporal; Zalo is reported field by field so nothing else can slip in.
    const z = await deps.zalo?.();
    const zalo = z ? { configured: z.configured, tokenUsable: z.tokenUsable, needsRenewal: z.needsRenewal, ...(z.since !== undefined ? { since: z.since } : {}) } : undefined;
    res.status(200).json({ ok: reachable, temporal: { reachable, namespace: deps.namespace, ...(error ? { error } : {}) }, ...(zalo ? { zalo } : {}) });
  });

  for (const r of deps.routers ?? []) app.use(r);
  if (deps.dashboard) {
    const d = deps.dashboard;
    // Sessions and codes run on real time; `d.now` is business time ("today" on the pages).
    const { now: _businessNow, ...authDeps } = d;
    const auth = await createAuth(authDeps);
    const withIndex = { ...d, index: d.index ?? new TaskIndex(d.client, d.store) };
    // Admins see the dead-token banner on every page.
    // Async: express 5 passes a rejected promise on to the error handler below.
    const banner: RequestHandler = async (_req, res, next) => {
      const a = res.locals.auth;
      const problem = a?.viewer.admin ? await d.contacts?.tokenProblem() : undefined;
      if (a && problem) a.tokenProblem = { at: problem.at };
      next();
    };
    app.use(auth.load, banner, auth.router, dashboardRouter(withIndex, auth), reportsRouter(d, auth), plansRouter(d, auth), contactsRouter(d, auth));
  }
  // The last word on an unexpected error: logged for operators, a plain Vietnamese page for people.
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    deps.log?.error({ err, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    res.status(500).type('html').send(page({ title: 'Lỗi', body: html`<p class="error">Hệ thống đang gặp sự cố, vui lòng thử lại sau ít phút.</p>` }).value);
  });
  return app;
}
