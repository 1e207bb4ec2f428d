// The HTTP server's edges without a Temporal server: /readyz by part, /metrics, the security
// headers, 413 on oversized bodies on every kind of route, and Secure cookies behind a trusted proxy.
import type { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookRouter, WEBHOOK_PATH, WEBHOOK_MAX_BYTES } from '../../bot/webhook.js';
import { loadOrg } from '../../client/files.js';
import { parseTrustProxy } from '../../runtime/config.js';
import { createMetrics } from '../../runtime/metrics.js';
import { SqliteStore } from '../../store/sqlite.js';
import { createApp, type WebDeps, type ZaloHealth } from '../../web/server.js';

const log = pino({ level: 'silent' });
const org = loadOrg('examples/org-so-noi-vu.yaml');

/** A connection whose describeNamespace answers, fails, or never answers (bounded by withDeadline). */
function fakeConnection(mode: 'up' | 'down' | 'hang'): Connection {
  return {
    withDeadline: async <R>(deadline: number, fn: () => Promise<R>) =>
      Promise.race([fn(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('deadline exceeded')), Math.max(0, deadline - Date.now())))]),
    workflowService: {
      describeNamespace: async () => {
        if (mode === 'down') throw new Error('14 UNAVAILABLE: No connection established');
        if (mode === 'hang') await new Promise(() => undefined);
        return {};
      },
    },
  } as unknown as Connection;
}

async function serve(deps: Partial<WebDeps> & { connection: Connection }): Promise<{ base: string; close: () => Promise<void> }> {
  const app = await createApp({ namespace: 'default', log, ...deps });
  const server: Server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const zaloOk: () => Promise<ZaloHealth> = async () => ({ configured: true, tokenUsable: true, needsRenewal: false });

describe('/readyz', () => {
  it('200 when Temporal, the store and Zalo answer; /healthz keeps its body', async () => {
    const s = await serve({ connection: fakeConnection('up'), store: { inboxCount: async () => 0 }, zalo: zaloOk });
    try {
      const r = await fetch(`${s.base}/readyz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ ready: true, temporal: { ok: true }, store: { ok: true }, zalo: { ok: true, configured: true } });
      const h = (await (await fetch(`${s.base}/healthz`)).json()) as Record<string, unknown>;
      expect(Object.keys(h)).toEqual(['ok', 'temporal', 'zalo']);
      expect(h.ok).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('503 naming the store when it throws, without its message', async () => {
    const s = await serve({ connection: fakeConnection('up'), store: { inboxCount: async () => { throw new Error('password authentication failed for user "secret-user"'); } } });
    try {
      const r = await fetch(`${s.base}/readyz`);
      expect(r.status).toBe(503);
      const body = await r.text();
      expect(JSON.parse(body)).toEqual({ ready: false, failed: ['store'], temporal: { ok: true }, store: { ok: false, error: 'the store query failed' } });
      expect(body).not.toContain('secret-user');
      // Alive all the same.
      expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('503 naming Temporal when it is unreachable, and within the deadline when it hangs', async () => {
    const down = await serve({ connection: fakeConnection('down'), store: { inboxCount: async () => 0 } });
    try {
      const r = await fetch(`${down.base}/readyz`);
      expect(r.status).toBe(503);
      const body = (await r.json()) as { failed: string[]; temporal: { ok: boolean; error: string } };
      expect(body.failed).toEqual(['temporal']);
      expect(body.temporal.error).toContain('UNAVAILABLE');
    } finally {
      await down.close();
    }
    const hang = await serve({ connection: fakeConnection('hang'), store: { inboxCount: () => new Promise<number>(() => undefined) } });
    try {
      const t0 = Date.now();
      const r = await fetch(`${hang.base}/readyz`);
      expect(r.status).toBe(503);
      expect(((await r.json()) as { failed: string[] }).failed).toEqual(['temporal', 'store']);
      expect(Date.now() - t0).toBeLessThan(4_000);
    } finally {
      await hang.close();
    }
  });

  it('503 naming Zalo when its token is not usable (and Zalo not configured is no failure)', async () => {
    const dead = await serve({ connection: fakeConnection('up'), store: { inboxCount: async () => 0 }, zalo: async () => ({ configured: true, tokenUsable: false, needsRenewal: true, since: 1 }) });
    try {
      const r = await fetch(`${dead.base}/readyz`);
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({ failed: ['zalo'], zalo: { ok: false, error: 'Zalo refused the refresh token: an admin must install a new pair' } });
    } finally {
      await dead.close();
    }
    const none = await serve({ connection: fakeConnection('up'), store: { inboxCount: async () => 0 }, zalo: async () => ({ configured: false, tokenUsable: false, needsRenewal: false }) });
    try {
      expect((await fetch(`${none.base}/readyz`)).status).toBe(200);
    } finally {
      await none.close();
    }
  });
});

describe('headers, limits and proxies', () => {
  let dir: string;
  let store: SqliteStore;
  let s: { base: string; close: () => Promise<void> };
  const auth = { appId: '1234567890123456789', secretKey: 'oa-secret', maxAgeMs: 3 * 3600_000 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'http-hardening-'));
    store = new SqliteStore(join(dir, 'state.sqlite'));
    const metrics = createMetrics({ inbox: store });
    s = await serve({
      connection: fakeConnection('up'),
      store,
      metrics,
      trustProxy: parseTrustProxy('loopback'),
      routers: [webhookRouter({ auth, store, log, metrics })],
      dashboard: {
        org,
        store,
        client: {} as Client,
        reportsDir: join(dir, 'reports'),
        taskQueue: 'q',
        secret: 'a-session-secret-for-the-hardening-tests',
        sendCode: async () => false,
      },
    });
  });
  afterAll(async () => {
    await s?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const csp = (r: Response): Map<string, string> =>
    new Map((r.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(' ')[0]!, d.slice(d.indexOf(' ') + 1)]));

  it('security headers on a page, the webhook and /metrics; no inline script or style on the page', async () => {
    const pageRes = await fetch(`${s.base}/dang-nhap`);
    const hook = await fetch(`${s.base}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    for (const r of [pageRes, hook, await fetch(`${s.base}/metrics`)]) {
      const p = csp(r);
      expect(p.get('frame-ancestors')).toBe("'none'");
      expect(p.get('default-src')).toBe("'self'");
      expect(p.get('script-src')).toBe("'self'");
      expect(r.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('same-origin');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
    const page = await pageRes.text();
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toContain('<style');
    expect(page).not.toContain('style=');
    // Its stylesheet is a file, cached for a long time under a versioned URL.
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(page)![1]!;
    expect(href).toMatch(/^\/static\/app\.css\?v=[0-9a-f]{12}$/);
    const css = await fetch(`${s.base}${href}`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.headers.get('cache-control')).toContain('max-age=31536000');
    expect(await css.text()).toContain('tr.overdue td{color:#b3261e}');
    expect((await fetch(`${s.base}/static/live.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${s.base}/static/`)).status).toBe(404);
  });

  it('/metrics answers the scraper with the app metrics (the webhook timed), and nothing through the proxy', async () => {
    await fetch(`${s.base}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"app_id":"1"}' });
    const r = await fetch(`${s.base}/metrics`);
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toMatch(/de_an_06_webhook_duration_seconds_count\{status="401"\} [1-9]/);
    expect(text).toContain('de_an_06_inbox_pending 0');
    // Forwarded by the (trusted) proxy: a request from outside, not the scraper.
    expect((await fetch(`${s.base}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(404);
  });

  it('413 on oversized bodies: a Vietnamese page for people, JSON for the webhook and the API', async () => {
    // Over the sign-in form's limit (16 kB), read by its parser.
    const form = await fetch(`${s.base}/dang-nhap`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `person=${'a'.repeat(40_000)}` });
    expect(form.status).toBe(413);
    expect(form.headers.get('content-type')).toContain('text/html');
    expect(await form.text()).toContain('Dữ liệu gửi lên quá lớn');
    // Over the webhook's limit (64 kB).
    const hook = await fetch(`${s.base}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(WEBHOOK_MAX_BYTES + 1) });
    expect([hook.status, await hook.json()]).toEqual([413, { ok: false, error: 'too_large' }]);
    // Over what any route reads, on a route with no parser at all, refused before the body is read.
    const huge = await fetch(`${s.base}/khong-co-trang-nay`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', accept: 'application/json' }, body: new Uint8Array(3 * 1024 * 1024) });
    expect([huge.status, await huge.json()]).toEqual([413, { ok: false, error: 'too_large' }]);
    const upload = await fetch(`${s.base}/ke-hoach/xem-truoc`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: new Uint8Array(41 * 1024 * 1024) });
    expect(upload.status).toBe(413);
    expect(await upload.text()).toContain('tệp kế hoạch tối đa 20 MB');
    // A body without a declared length, streamed past the limit, is cut by the parser too.
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 40; i++) c.enqueue(new TextEncoder().encode('y'.repeat(4096)));
        c.close();
      },
    });
    const streamed = await fetch(`${s.base}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('Secure cookies: over HTTPS through the trusted proxy, not over plain HTTP nor from an untrusted one', async () => {
    const viaProxy = await fetch(`${s.base}/dang-nhap`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(viaProxy.headers.get('set-cookie')).toMatch(/de_an_06_pre=[^;]+;.*Secure/);
    expect(viaProxy.headers.get('set-cookie')).toMatch(/HttpOnly/);
    const plain = await fetch(`${s.base}/dang-nhap`);
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/);

    const untrusted = await serve({ connection: fakeConnection('up'), dashboard: { org, store, client: {} as Client, reportsDir: join(dir, 'reports'), taskQueue: 'q', secret: 'x'.repeat(40), sendCode: async () => false } });
    try {
      const r = await fetch(`${untrusted.base}/dang-nhap`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(r.headers.get('set-cookie')).not.toMatch(/Secure/);
    } finally {
      await untrusted.close();
    }
  });

  it('TRUST_PROXY is read as express reads it', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
  });
});
