// A message shown once after a redirect ("Đã lập báo cáo …"). Only messages this server wrote for
// this session are shown: each carries an HMAC keyed by the session's CSRF secret, so a link that
// puts any other text in `?ok=` or `?error=` shows nothing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Session } from '../store/store.js';

export type FlashKind = 'ok' | 'error';

const mac = (session: Session, kind: FlashKind, text: string): string =>
  createHmac('sha256', session.csrf).update(`${kind}\n${text}`).digest('base64url').slice(0, 22);

/** The query string (without "?") that carries a message to the next page. */
export function flashQuery(session: Session, kind: FlashKind, text: string): string {
  return `${kind}=${encodeURIComponent(text)}&sig=${mac(session, kind, text)}`;
}

/** The messages of this request the server signed for this session. */
export function flashOf(req: Request, session: Session | undefined): { ok?: string; error?: string } {
  const sig = typeof req.query.sig === 'string' ? Buffer.from(req.query.sig) : undefined;
  const out: { ok?: string; error?: string } = {};
  if (!session || !sig) return out;
  for (const kind of ['ok', 'error'] as const) {
    const text = req.query[kind];
    if (typeof text !== 'string' || text.length > 500) continue;
    const want = Buffer.from(mac(session, kind, text));
    if (want.length === sig.length && timingSafeEqual(want, sig)) out[kind] = text;
  }
  return out;
}
