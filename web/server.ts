// The HTTP entry point: health, the Zalo webhook, the dashboard and (with the double) the dev chat page.
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Connection } from '@temporalio/client';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { tokenProblem } from '../client/zalo-tokens.js';
import type { TrustProxy } from '../runtime/config.js';
import type { AppMetrics } from '../runtime/metrics.js';
import type { InboxStore, Store } from '../store/store.js';
import { WEBHOOK_PATH } from '../bot/webhook.js';
import { MAX_DOCUMENT_BYTES } from '../client/documents.js';
import { staticFiles, STATIC_PATH } from './assets.js';
import { createAuth, type AuthDeps } from './auth.js';
import { contactsRouter, type ContactsDeps } from './contacts.js';
import { dashboardRouter, type DashboardDeps } from './dashboard.js';
import { reportsRouter, type ReportsDeps } from './reports.js';
import { plansRouter } from './plans.js';
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
  /** Zalo's token state for /healthz and /readyz. */
  zalo?: () => Promise<ZaloHealth>;
  /** /readyz asks it a cheap question; unset: the dashboard's store, if any. */
  store?: Pick<InboxStore, 'inboxCount'>;
  /** /metrics; unset: no /metrics route. */
  metrics?: AppMetrics;
  /** express's 'trust proxy' (TRUST_PROXY): which proxies' X-Forwarded-* headers to believe. */
  trustProxy?: TrustProxy;
  log?: Logger;
}

/** A bound on what /readyz waits for each part. */
const READY_DEADLINE_MS = 2_000;

/**
 * Bodies declared larger are refused before they are read. The plan upload gets twice its document
 * limit: a file just over 20 MB is cut by multer at the limit and answered with the upload form.
 */
const MAX_UPLOAD_REQUEST_BYTES = 2 * MAX_DOCUMENT_BYTES;
const MAX_REQUEST_BYTES = 1024 * 1024;
const UPLOAD_PATH = '/ke-hoach/xem-truoc';

/** Machines read JSON: the webhook, the chat page's API, and clients that ask for it. */
const wantsJson = (req: Request): boolean =>
  req.path === WEBHOOK_PATH || req.path.startsWith('/dev/zalo/api/') || req.accepts(['html', 'json']) === 'json';

function tooLarge(req: Request, res: Response): void {
  // Close the connection: the rest of the body is not read (bounded in time and memory).
  res.set('Connection', 'close');
  if (wantsJson(req)) res.status(413).json({ ok: false, error: 'too_large' });
  else res.status(413).type('html').send(page({ title: 'Dữ liệu quá lớn', body: html`<p class="error">Dữ liệu gửi lên quá lớn, hệ thống không nhận. Vui lòng gửi nội dung ngắn hơn (tệp kế hoạch tối đa 20 MB).</p><p><a href="/">Về trang chủ</a></p>` }).value);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * The security headers of every answer (helmet). The CSP allows scripts and styles from this
 * origin only: pages link web/static/ files and carry no inline <script>, <style> or style
 * attribute (the completion bars are SVG <rect width>, a presentation attribute CSP does not
 * cover), so neither 'unsafe-inline' is needed. HSTS is left to the TLS-terminating proxy: it
 * knows the agency's domain policy (includeSubDomains would bind every host under it).
 */
export const securityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        styleSrcAttr: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    // same-origin, not no-referrer: a form POST must keep its Origin header for the CSRF check.
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  });

export async function createApp(deps: WebDeps): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(securityHeaders());
  // Every route: a declared body over what any route reads is refused before a byte of it is read.
  // Bodies without a length are bounded by each route's parser (every one has a limit).
  app.use((req, res, next) => {
    const declared = Number(req.get('content-length') ?? 0);
    if (declared > (req.path === UPLOAD_PATH ? MAX_UPLOAD_REQUEST_BYTES : MAX_REQUEST_BYTES)) return tooLarge(req, res);
    next();
  });
  app.use(STATIC_PATH, staticFiles());

  const temporalAnswers = async (): Promise<string | undefined> => {
    try {
      await deps.connection.withDeadline(Date.now() + READY_DEADLINE_MS, () => deps.connection.workflowService.describeNamespace({ namespace: deps.namespace }));
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };

  app.get('/healthz', async (_req, res) => {
    const error = await temporalAnswers();
    const reachable = error === undefined;
    // `ok` stays about Temporal; Zalo is reported field by field so nothing else can slip in.
    const z = await deps.zalo?.();
    const zalo = z ? { configured: z.configured, tokenUsable: z.tokenUsable, needsRenewal: z.needsRenewal, ...(z.since !== undefined ? { since: z.since } : {}) } : undefined;
    res.status(200).json({ ok: reachable, temporal: { reachable, namespace: deps.namespace, ...(error ? { error } : {}) }, ...(zalo ? { zalo } : {}) });
  });

  // Ready to serve: Temporal answers, the store answers, and a configured Zalo has a usable token.
  // 503 says which part failed (English, for operators; never a secret).
  const readyStore = deps.store ?? deps.dashboard?.store;
  app.get('/readyz', async (_req, res) => {
    const [temporalError, storeError, z] = await Promise.all([
      temporalAnswers(),
      readyStore
        ? withTimeout(readyStore.inboxCount(), READY_DEADLINE_MS, 'the store').then(
            () => undefined,
            (err: Error) => {
              deps.log?.warn({ err: err.message }, 'readiness: store check failed');
              return err.message.startsWith('the store did not answer') ? err.message : 'the store query failed';
            },
          )
        : Promise.resolve(undefined),
      deps.zalo ? withTimeout(deps.zalo(), READY_DEADLINE_MS, 'the Zalo token check').catch((err: Error) => err) : Promise.resolve(undefined),
    ]);
    const zaloError =
      z instanceof Error ? 'the Zalo token state could not be read' : z?.configured && (!z.tokenUsable || z.needsRenewal) ? (z.needsRenewal ? 'Zalo refused the refresh token: an admin must install a new pair' : 'no usable Zalo access token') : undefined;
    const parts = {
      temporal: temporalError === undefined ? { ok: true } : { ok: false, error: temporalError },
      store: storeError === undefined ? { ok: true } : { ok: false, error: storeError },
      ...(deps.zalo ? { zalo: zaloError === undefined ? { ok: true, configured: !(z instanceof Error) && !!z?.configured } : { ok: false, error: zaloError } } : {}),
    };
    const failed = Object.entries(parts).filter(([, v]) => !v.ok).map(([k]) => k);
    res.status(failed.length ? 503 : 200).json({ ready: failed.length === 0, ...(failed.length ? { failed } : {}), ...parts });
  });

  if (deps.metrics) {
    const metrics = deps.metrics;
    app.get('/metrics', async (req, res) => {
      // Scraped directly: a request forwarded by the trusted proxy (from outside) does not get it.
      if (req.ip !== req.socket.remoteAddress) return void res.status(404).type('text').send('Not found');
      const { contentType, body } = await metrics.render();
      res.set('Cache-Control', 'no-store').type(contentType).send(body);
    });
  }

  for (const r of deps.routers ?? []) app.use(r);
  if (deps.dashboard) {
    const d = deps.dashboard;
    // Sessions and codes run on real time; `d.now` is business time ("today" on the pages).
    const { now: _businessNow, ...authDeps } = d;
    const auth = await createAuth(authDeps);
    // Admins see the dead-token banner on every page.
    // Async: express 5 passes a rejected promise on to the error handler below.
    const banner: RequestHandler = async (_req, res, next) => {
      const a = res.locals.auth;
      const problem = a?.viewer.admin ? await d.contacts?.tokenProblem() : undefined;
      if (a && problem) a.tokenProblem = { at: problem.at };
      next();
    };
    app.use(auth.load, banner, auth.router, dashboardRouter(d, auth), reportsRouter(d, auth), plansRouter({ ...d, ...(deps.log ? { log: deps.log } : {}) }, auth), contactsRouter(d, auth));
  }
  // The last word on an unexpected error: logged for operators, a plain Vietnamese page for people.
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    // A body parser's limit (every one has one): 413, not a failure of the system.
    if (err.type === 'entity.too.large' || err.status === 413) {
      deps.log?.warn({ url: req.originalUrl, ip: req.ip }, 'request body too large');
      if (!res.headersSent) tooLarge(req, res);
      return;
    }
    if (err.status === 400 && err.type?.startsWith('entity.')) {
      if (res.headersSent) return;
      if (wantsJson(req)) res.status(400).json({ ok: false, error: 'malformed' });
      else res.status(400).type('html').send(page({ title: 'Yêu cầu không hợp lệ', body: html`<p class="error">Dữ liệu gửi lên không đọc được. Vui lòng tải lại trang và thử lại.</p>` }).value);
      return;
    }
    deps.log?.error({ err, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    res.status(500).type('html').send(page({ title: 'Lỗi', body: html`<p class="error">Hệ thống đang gặp sự cố, vui lòng thử lại sau ít phút.</p>` }).value);
  });
  return app;
}
