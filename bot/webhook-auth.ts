// Is a webhook delivery really from Zalo, for our app, and fresh? Checked on the raw bytes,
// before anything else reads the body.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export interface WebhookAuthConfig {
  appId: string;
  /** The OA Secret Key of the webhook settings page (some sources say the app secret: configurable). */
  secretKey: string;
  /**
   * Deliveries older than this are refused. Zalo retries a failed delivery for about two hours, so
   * this must exceed that (default 3 h): replays within it are stopped by the inbox's dedupe keys.
   */
  maxAgeMs: number;
  /** Clock skew allowed for a timestamp ahead of ours; default 5 minutes (at most maxAgeMs). */
  maxFutureMs?: number;
}

export type WebhookCheck =
  | { ok: true; body: Record<string, unknown>; timestamp: string }
  | { ok: false; reason: 'unsigned' | 'malformed' | 'bad_signature' | 'wrong_app' | 'stale'; en: string };

/** Only what the signature needs; the events themselves are checked later. Ids stay strings. */
const envelope = z.object({ app_id: z.string().min(1), timestamp: z.string().regex(/^\d{10,16}$/) }).passthrough();

/** `mac=<hex>` with hex = sha256(app_id + raw body + timestamp + secret key). */
export function expectedSignature(appId: string, rawBody: Buffer, timestamp: string, secretKey: string): string {
  return createHash('sha256').update(appId).update(rawBody).update(timestamp).update(secretKey).digest('hex');
}

export function checkWebhook(rawBody: Buffer, signatureHeader: string | undefined, cfg: WebhookAuthConfig, now: number): WebhookCheck {
  const mac = /^mac=([0-9a-f]{64})$/i.exec(signatureHeader?.trim() ?? '')?.[1];
  if (!mac) return { ok: false, reason: 'unsigned', en: 'missing or malformed X-ZEvent-Signature' };
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed', en: 'body is not JSON' };
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'malformed', en: 'body lacks app_id or timestamp' };
  const { app_id, timestamp } = parsed.data;
  const expected = Buffer.from(expectedSignature(app_id, rawBody, timestamp, cfg.secretKey), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(mac.toLowerCase(), 'hex'))) return { ok: false, reason: 'bad_signature', en: 'signature does not match' };
  if (app_id !== cfg.appId) return { ok: false, reason: 'wrong_app', en: `app_id ${app_id} is not ours` };
  const ahead = Math.min(cfg.maxFutureMs ?? 5 * 60_000, cfg.maxAgeMs);
  const age = now - Number(timestamp);
  if (age > cfg.maxAgeMs || -age > ahead) return { ok: false, reason: 'stale', en: `timestamp ${timestamp} is more than ${cfg.maxAgeMs} ms old or ${ahead} ms ahead` };
  return { ok: true, body: parsed.data, timestamp };
}
