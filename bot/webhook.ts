// POST /zalo/webhook: verify, deduplicate, queue durably, answer. The work happens after the
// answer (bot/inbox.ts), so Zalo's ~2 s budget is never at risk and an accepted event survives a crash.
//
// Answers (JSON, `error` in English for operators):
//   200 {ok:true}                       accepted and queued
//   200 {ok:true, duplicate:true}       a repeated delivery: nothing changes, no second reply
//   200 {ok:true, ignored:"<event>"}    verified but not ours to act on (echoes, receipts, …)
//   400 malformed                       not JSON, no app_id / timestamp, or a compressed body
//   401 unsigned | bad_signature | stale  (the console's unsigned "test" button lands here)
//   403 wrong_app                       signed for another app
//   413 too_large                       body over the limit
//   503 unavailable                     the queue could not record it: Zalo retries
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { AppMetrics } from '../runtime/metrics.js';
import type { InboxStore } from '../store/store.js';
import { readEvent } from './events.js';
import { checkWebhook, type WebhookAuthConfig } from './webhook-auth.js';

export const WEBHOOK_PATH = '/zalo/webhook';
export const WEBHOOK_MAX_BYTES = 64 * 1024;

const STATUS = { unsigned: 401, bad_signature: 401, stale: 401, wrong_app: 403, malformed: 400 } as const;

export interface WebhookDeps {
  auth: WebhookAuthConfig;
  store: InboxStore;
  log: Logger;
  /** Called after an event is queued (wakes the processor). */
  onQueued?: () => void;
  now?: () => number;
  /** Times each request from its arrival to the answer (de_an_06_webhook_duration_seconds). */
  metrics?: Pick<AppMetrics, 'webhookTimer'>;
}

export function webhookRouter(deps: WebhookDeps): Router {
  const now = deps.now ?? Date.now;
  const router = express.Router();
  // Before the body is read: a slow or oversized body counts in the time too.
  if (deps.metrics) {
    const metrics = deps.metrics;
    router.post(WEBHOOK_PATH, (_req, res, next) => {
      const done = metrics.webhookTimer();
      res.once('finish', () => done(res.statusCode));
      next();
    });
  }
  router.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: WEBHOOK_MAX_BYTES, inflate: false }), async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = checkWebhook(raw, req.get('x-zevent-signature'), deps.auth, now());
    if (!check.ok) {
      deps.log.warn({ reason: check.reason, detail: check.en, ip: req.ip, bytes: raw.length }, 'webhook refused');
      res.status(STATUS[check.reason]).json({ ok: false, error: check.reason });
      return;
    }
    const read = readEvent(check.body);
    if (!read.ok) {
      deps.log.debug({ ignored: read.ignored }, 'webhook event ignored');
      res.status(200).json({ ok: true, ignored: read.ignored });
      return;
    }
    let queued: boolean;
    try {
      queued = await deps.store.inboxAccept(read.event.key, raw.toString('utf8'), now());
    } catch (err) {
      deps.log.error({ err, key: read.event.key }, 'webhook event could not be queued');
      res.status(503).json({ ok: false, error: 'unavailable' });
      return;
    }
    res.status(200).json(queued ? { ok: true } : { ok: true, duplicate: true });
    if (queued) deps.onQueued?.();
  });
  // Body-parser errors (too large, aborted, compressed: Zalo never compresses, and the signature
  // is over the bytes on the wire) answer here instead of express's HTML page.
  router.use(WEBHOOK_PATH, (err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const tooLarge = err.type === 'entity.too.large';
    deps.log.warn({ reason: tooLarge ? 'too_large' : 'bad_body', detail: err.message, ip: req.ip }, 'webhook refused');
    res.status(tooLarge ? 413 : 400).json({ ok: false, error: tooLarge ? 'too_large' : 'malformed' });
  });
  return router;
}
