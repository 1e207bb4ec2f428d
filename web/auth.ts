// Signing in to the dashboard: a one-time code sent on Zalo (or ADMIN_TOKEN for an admin of the
// org chart, to bootstrap before anyone has linked Zalo); a session in a signed, http-only cookie;
// an anti-CSRF token on every form and a same-origin check on every POST.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Org } from '../domain/org.js';
import { fold } from '../domain/text.js';
import type { Session, Store } from '../store/store.js';
import { viewerOf } from './access.js';
import { html } from './html.js';
import { page } from './layout.js';

export const SESSION_COOKIE = 'de_an_06_session';
const PRE_COOKIE = 'de_an_06_pre';
export const SESSION_TTL_MS = 12 * 3600_000;
export const CODE_TTL_MS = 10 * 60_000;
/** Wrong codes a person may enter in 15 minutes, and codes that may be sent to them in an hour. */
export const MAX_WRONG_CODES = 5;
export const MAX_CODES_PER_HOUR = 5;

export interface AuthDeps {
  org: Org;
  store: Store;
  /** Sends a sign-in code to the person (on Zalo); false when they have no reachable account. */
  /** Sends a sign-in code by whatever reaches the person; answers the channel's name ("Zalo", "thư điện tử"), or false. */
  sendCode(personId: string, text: string, code: string): Promise<string | false>;
  adminToken?: string;
  /** Cookie-signing secret; made once and kept in the store when not configured. */
  secret?: string;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies?: boolean;
  now?: () => number;
}

// The type of `res.locals.auth` lives apart (layout.ts needs it too); kept reachable from here.
export type { Authed } from './session-types.js';

const hashCode = (personId: string, code: string): string => createHash('sha256').update(`signin:${personId}:${code}`).digest('hex');

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      /* a malformed cookie is no cookie */
    }
  }
  return out;
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Async: the cookie-signing secret is read (or made) in the store once, before any request. */
export async function createAuth(deps: AuthDeps) {
  const now = deps.now ?? Date.now;
  const secret = deps.secret ?? await deps.store.settingGetOrCreate('session-secret', () => randomBytes(32).toString('hex'));
  const sign = (value: string): string => `${value}.${createHmac('sha256', secret).update(value).digest('base64url')}`;
  const unsign = (signed: string | undefined): string | undefined => {
    if (!signed) return undefined;
    const i = signed.lastIndexOf('.');
    if (i <= 0) return undefined;
    const value = signed.slice(0, i);
    return sameText(sign(value), signed) ? value : undefined;
  };
  // Secure when configured, or when this request came over HTTPS (directly, or through a proxy
  // trusted by TRUST_PROXY that says so in X-Forwarded-Proto: express's req.secure).
  const cookieOpts = (req: Request) => ({ httpOnly: true, sameSite: 'lax' as const, secure: !!deps.secureCookies || req.secure, path: '/' });

  /** Loads the session of a signed cookie; a forged, unknown or expired one is no session. */
  // Async: express 5 passes a rejected promise (the store failing) on to the error handler.
  async function load(req: Request, res: Response, next: NextFunction): Promise<void> {
    const id = unsign(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    const session = id ? await deps.store.sessionGet(id, now()) : undefined;
    const viewer = session ? viewerOf(deps.org, session.personId) : undefined;
    if (session && viewer) res.locals.auth = { session, viewer };
    next();
  }

  /** Every POST: same origin, and the form's token matches the session's (or the pre-session cookie's). */
  function checkCsrf(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'POST') return next();
    const origin = req.get('origin');
    // req.host: the Host header, or X-Forwarded-Host from a proxy trusted by TRUST_PROXY.
    const host = req.host;
    const sameOrigin = !origin || (host !== undefined && new URL(origin).host === host);
    const sent = String((req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token') ?? '');
    const expected = [res.locals.auth?.session.csrf, unsign(parseCookies(req.headers.cookie)[PRE_COOKIE])].filter((x): x is string => !!x);
    if (sameOrigin && sent && expected.some((e) => sameText(sent, e))) return next();
    res.status(403).type('html').send(page({ title: 'Yêu cầu không hợp lệ', body: html`<p class="error">Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.</p><p><a href="/">Về trang chủ</a></p>` }).value);
  }

  /** Pages need a session: the sign-in page otherwise (API-like requests get 401). */
  function requireViewer(req: Request, res: Response, next: NextFunction): void {
    if (res.locals.auth) return next();
    if (req.method === 'GET' && req.accepts('html')) res.redirect(303, `/dang-nhap?next=${encodeURIComponent(req.originalUrl)}`);
    else res.status(401).json({ error: 'Chưa đăng nhập.' });
  }

  function preToken(req: Request, res: Response): string {
    const existing = unsign(parseCookies(req.headers.cookie)[PRE_COOKIE]);
    if (existing) return existing;
    const token = randomBytes(16).toString('base64url');
    res.cookie(PRE_COOKIE, sign(token), { ...cookieOpts(req), maxAge: 3600_000 });
    return token;
  }

  function findPerson(typed: string) {
    const t = fold(typed).trim();
    if (!t) return undefined;
    const byId = deps.org.people.find((p) => p.id === typed.trim());
    if (byId) return byId;
    const byName = deps.org.people.filter((p) => fold(p.name) === t);
    return byName.length === 1 ? byName[0] : undefined;
  }

  function signInPage(req: Request, res: Response, o: { person?: string; step?: 'code'; message?: string; error?: string; status?: number }) {
    const csrf = preToken(req, res);
    const next = typeof req.query.next === 'string' && req.query.next.startsWith('/') ? req.query.next : String(req.body?.next ?? '/');
    res.status(o.status ?? 200).type('html').send(
      page({
        title: 'Đăng nhập',
        body: html`
          <section class="card narrow">
            <h1>Đăng nhập</h1>
            <p>Hệ thống theo dõi thực hiện kế hoạch Đề án 06. Mã đăng nhập được gửi qua Zalo OA của cơ quan.</p>
            ${o.message ? html`<p class="notice">${o.message}</p>` : ''}
            ${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
            <form method="post" action="/dang-nhap/gui-ma">
              <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="next" value="${next}">
              <label>Mã cán bộ hoặc họ tên <input name="person" value="${o.person ?? ''}" required autocomplete="username"></label>
              <button>Gửi mã qua Zalo</button>
            </form>
            <form method="post" action="/dang-nhap">
              <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="next" value="${next}">
              ${o.step === 'code' ? html`<input type="hidden" name="person" value="${o.person ?? ''}">` : html`<label>Mã cán bộ <input name="person" value="${o.person ?? ''}" autocomplete="username"></label>`}
              <label>Mã đăng nhập (6 số) <input name="code" inputmode="numeric" autocomplete="one-time-code" ${o.step === 'code' ? 'autofocus' : ''}></label>
              <details><summary>Đăng nhập bằng mã quản trị</summary>
                <label>Mã quản trị (ADMIN_TOKEN) <input name="adminToken" type="password" autocomplete="off"></label>
              </details>
              <button>Đăng nhập</button>
            </form>
          </section>`,
      }).value,
    );
  }

  const router: Router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/dang-nhap', (req, res) => {
    if (res.locals.auth) return res.redirect(303, '/');
    signInPage(req, res, {});
  });

  router.post('/dang-nhap/gui-ma', form, checkCsrf, async (req, res) => {
    const typed = String(req.body?.person ?? '');
    const person = findPerson(typed);
    if (!person) return signInPage(req, res, { person: typed, error: 'Không tìm thấy cán bộ này trong sơ đồ tổ chức. Vui lòng nhập đúng mã cán bộ (ví dụ hcth.cv1) hoặc họ tên đầy đủ.', status: 400 });
    if ((await deps.store.attemptCount('signin-send', person.id, now() - 3600_000)) >= MAX_CODES_PER_HOUR)
      return signInPage(req, res, { person: person.id, step: 'code', error: 'Đã gửi quá nhiều mã trong một giờ. Vui lòng dùng mã đã nhận hoặc thử lại sau.', status: 429 });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await deps.store.signinCodeIssue(person.id, hashCode(person.id, code), now() + CODE_TTL_MS);
    await deps.store.attemptRecord('signin-send', person.id, now());
    const via = await deps.sendCode(
      person.id,
      `Mã đăng nhập trang theo dõi Đề án 06: ${code}. Mã có hiệu lực 10 phút, chỉ dùng một lần. Nếu đồng chí không yêu cầu, vui lòng bỏ qua tin này.`,
      code,
    );
    if (!via) return signInPage(req, res, { person: person.id, error: 'Không gửi được mã đăng nhập: tài khoản chưa liên kết Zalo, chưa có số điện thoại hoặc thư điện tử. Đề nghị liên hệ quản trị viên.', status: 400 });
    signInPage(req, res, { person: person.id, step: 'code', message: `Đã gửi mã đăng nhập qua ${via} cho ${person.name}.` });
  });

  router.post('/dang-nhap', form, checkCsrf, async (req, res) => {
    const typed = String(req.body?.person ?? '');
    const person = findPerson(typed);
    const code = String(req.body?.code ?? '').replace(/\s/g, '');
    const adminToken = String(req.body?.adminToken ?? '');
    if (!person) return signInPage(req, res, { person: typed, error: 'Không tìm thấy cán bộ này trong sơ đồ tổ chức.', status: 400 });
    if ((await deps.store.attemptCount('signin', person.id, now() - 15 * 60_000)) >= MAX_WRONG_CODES)
      return signInPage(req, res, { person: person.id, step: 'code', error: 'Nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.', status: 429 });
    const byToken = !!adminToken && !!deps.adminToken && sameText(adminToken, deps.adminToken) && person.roles.includes('admin');
    const byCode = /^\d{6}$/.test(code) && (await deps.store.signinCodeRedeem(person.id, hashCode(person.id, code), now()));
    if (!byToken && !byCode) {
      await deps.store.attemptRecord('signin', person.id, now());
      return signInPage(req, res, {
        person: person.id,
        step: 'code',
        error: adminToken ? 'Mã quản trị không đúng hoặc cán bộ này không phải quản trị viên.' : 'Mã đăng nhập không đúng hoặc đã hết hạn.',
        status: 401,
      });
    }
    const session: Session = { id: randomBytes(24).toString('base64url'), personId: person.id, csrf: randomBytes(24).toString('base64url'), createdAt: now(), expiresAt: now() + SESSION_TTL_MS };
    await deps.store.sessionCreate(session);
    res.cookie(SESSION_COOKIE, sign(session.id), { ...cookieOpts(req), maxAge: SESSION_TTL_MS });
    const next = String(req.body?.next ?? '/');
    res.redirect(303, next.startsWith('/') && !next.startsWith('//') ? next : '/');
  });

  router.post('/dang-xuat', form, checkCsrf, async (_req, res) => {
    if (res.locals.auth) await deps.store.sessionDelete(res.locals.auth.session.id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/dang-nhap');
  });

  return { load, checkCsrf, requireViewer, router };
}
