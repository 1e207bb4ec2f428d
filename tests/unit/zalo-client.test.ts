// The Zalo client, its token manager and rate limiter against the local Zalo double over real
// HTTP on loopback, with the real SQLite store.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../bot/rate-limiter.js';
import { checkWebhook } from '../../bot/webhook-auth.js';
import { ZALO_MAX_TEXT, ZaloApiError, createZaloClient, type ZaloButton, type ZaloClient, type ZaloClientOptions } from '../../bot/zalo-client.js';
import { startZaloDouble, type ZaloDouble, type ZaloDoubleOptions } from '../../bot/zalo-double.js';
import { ZaloTokenManager } from '../../bot/zalo-tokens.js';
import { SqliteStore } from '../../store/sqlite.js';

const APP = { appId: '1234567890123456789', appSecret: 'app-secret', oaSecretKey: 'oa-secret-key' };
const USER = '8421000000000000001';

/** The double keeps Zalo's 7-day window: the users these tests write to have just interacted with the OA. */
async function startDoubleWithUsers(o: ZaloDoubleOptions): Promise<ZaloDouble> {
  const d = await startZaloDouble(o);
  for (const u of [USER, `${USER}0`, `${USER}1`, `${USER}2`, `${USER}3`, 'u-gone', 'u-quiet']) d.setLastInteraction(u, Date.now());
  return d;
}

let dir: string;
let double: ZaloDouble;
const stores: SqliteStore[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zalo-client-'));
  double = await startDoubleWithUsers(APP);
});
afterEach(async () => {
  await double.close();
  for (const s of stores.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const openStore = () => {
  const s = new SqliteStore(join(dir, 'store.sqlite'));
  stores.push(s);
  return s;
};
const fastLimiter = () => new RateLimiter({ perMinute: 600_000 });
const clientOn = (store: SqliteStore, o: Partial<ZaloClientOptions> = {}): ZaloClient =>
  createZaloClient({ ...APP, apiBaseUrl: double.url, oauthBaseUrl: double.url, store, limiter: fastLimiter(), ...o });

/** A store seeded with a pair the double really issued, and a client on it. */
async function setup(o: Partial<ZaloClientOptions> = {}, expiresInSec?: number) {
  const store = openStore();
  const first = double.issueTokens();
  const client = clientOn(store, o);
  await client.tokens.seed({ accessToken: first.accessToken, refreshToken: first.refreshToken, ...(expiresInSec !== undefined ? { expiresInSec } : {}) });
  return { store, client, first };
}

/** A clock that only moves when someone sleeps on it. */
function fakeClock(start = 1_716_000_000_000) {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

async function rejection(p: Promise<unknown>): Promise<ZaloApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ZaloApiError);
  return err as ZaloApiError;
}

describe('message.cs', () => {
  it('delivers text with four quick-reply buttons exactly', async () => {
    const { client } = await setup();
    const buttons: ZaloButton[] = [
      { title: 'Nhận', type: 'oa.query.show', payload: 'nhận 2' },
      { title: 'Xong', type: 'oa.query.show', payload: 'xong 2' },
      { title: 'Gia hạn', type: 'oa.query.show', payload: 'gia hạn 2' },
      { title: 'Danh sách', type: 'oa.query.show', payload: 'ds' },
    ];
    const r = await client.message.cs(USER, { text: 'Nhiệm vụ 2: hạn 30/6', buttons });
    expect(double.sent).toHaveLength(1);
    expect(double.sent[0]).toMatchObject({ messageId: r.messageId, userId: USER, text: 'Nhiệm vụ 2: hạn 30/6', buttons });
    expect(r.userId).toBe(USER);
    expect(double.refreshCalls).toBe(0);
  });

  it.each([
    [-211, 'quota'],
    [-213, 'unreachable_user'],
    [-232, 'unreachable_user'],
    [-201, 'bad_request'],
  ] as const)('throws an HTTP 200 answer with error %i as kind %s', async (code, kind) => {
    const { client } = await setup();
    double.failNext(code, 1, 'message');
    const err = await rejection(client.message.cs(USER, { text: 'x' }));
    expect(err).toMatchObject({ code, kind, httpStatus: 200 });
    expect(double.sent).toHaveLength(0);
  });

  it('reports users who do not follow (-213) or are outside the 7-day window (-230)', async () => {
    const { client } = await setup();
    double.setFollower('u-gone', false);
    double.setOutsideWindow('u-quiet', true);
    expect(await rejection(client.message.cs('u-gone', { text: 'x' }))).toMatchObject({ code: -213, kind: 'unreachable_user' });
    expect(await rejection(client.message.cs('u-quiet', { text: 'x' }))).toMatchObject({ code: -230, kind: 'unreachable_user' });
  });

  it('refuses over-long text and six buttons without a request', async () => {
    const { client } = await setup();
    const six = Array.from({ length: 6 }, (_, i): ZaloButton => ({ title: `B${i}`, type: 'oa.query.hide', payload: `b${i}` }));
    expect(await rejection(client.message.cs(USER, { text: 'a'.repeat(ZALO_MAX_TEXT + 1) }))).toMatchObject({ code: -201, kind: 'bad_request' });
    expect(await rejection(client.message.cs(USER, { text: 'ok', buttons: six }))).toMatchObject({ code: -201, kind: 'bad_request' });
    expect(double.calls).toHaveLength(0);
    await client.message.cs(USER, { text: 'a'.repeat(ZALO_MAX_TEXT) });
    expect(double.sent).toHaveLength(1);
  });

  it('turns an unreachable Zalo into a transport error, and delivers once it is back', async () => {
    const { client } = await setup();
    double.setDown(true);
    const err = await rejection(client.message.cs(USER, { text: 'x' }));
    expect(err.kind).toBe('transport');
    expect(err.message).not.toMatch(/access_token|[0-9a-f]{64}/);
    double.setDown(false);
    await client.message.cs(USER, { text: 'x' });
    expect(double.sent).toHaveLength(1);
  });
});

describe('tokens', () => {
  it.each([-216, -220])('on %i refreshes once, delivers, stores the new pair; the old refresh token is dead', async (code) => {
    const { client, store, first } = await setup();
    double.failNext(code, 1, 'message');
    await client.message.cs(USER, { text: 'x' });
    expect(double.refreshCalls).toBe(1);
    expect(double.sent).toHaveLength(1);
    const stored = (await store.zaloTokensGet())!;
    expect(stored.accessToken).not.toBe(first.accessToken);
    expect(stored.refreshToken).not.toBe(first.refreshToken);
    expect(stored.expiresAt).toBeGreaterThan(Date.now() + 24 * 3_600_000);
    expect(await rejection(client.oauth.refresh(first.refreshToken))).toMatchObject({ kind: 'token' });
    // The stored refresh token is the live one.
    await expect(client.oauth.refresh(stored.refreshToken)).resolves.toMatchObject({ expiresIn: 90_000 });
  });

  it('refreshes when Zalo really finds the token expired (-220)', async () => {
    let skew = 0;
    await double.close();
    double = await startDoubleWithUsers({ ...APP, now: () => Date.now() + skew });
    const { client } = await setup();
    skew = 26 * 3_600_000;
    await client.message.cs(USER, { text: 'x' });
    expect(double.calls.map((c) => c.error)).toEqual([-220, 0, 0]);
    expect(double.refreshCalls).toBe(1);
  });

  it('gives up after one refresh when the new token is refused too', async () => {
    const { client } = await setup();
    double.failNext(-216, 2, 'message');
    expect(await rejection(client.message.cs(USER, { text: 'x' }))).toMatchObject({ code: -216, kind: 'token' });
    expect(double.refreshCalls).toBe(1);
  });

  it('two processes (two stores over one SQLite file) rejected at once refresh exactly once', async () => {
    const first = double.issueTokens();
    const a = openStore();
    const b = openStore();
    // A stored access token that Zalo does not know: every call gets a real -216.
    await a.zaloTokensSeed({ accessToken: 'stale-token', refreshToken: first.refreshToken, expiresAt: Date.now() + 20 * 3_600_000, updatedAt: Date.now() });
    const ca = clientOn(a, { holder: 'process-a' });
    const cb = clientOn(b, { holder: 'process-b' });
    const sends = [ca, cb, ca, cb].map((c, i) => c.message.cs(`${USER}${i}`, { text: `tin ${i}` }));
    await Promise.all(sends);
    expect(double.refreshCalls).toBe(1);
    expect(double.sent).toHaveLength(4);
    expect(await a.zaloTokensGet()).toEqual(await b.zaloTokensGet());
    expect(double.calls.filter((c) => c.error === -216)).toHaveLength(4);
  });

  it('logs the refresh without any token or secret', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
    const { client, store, first } = await setup({ log });
    double.failNext(-216, 1, 'message');
    await client.message.cs(USER, { text: 'x' });
    const out = lines.join('');
    expect(out).toContain('Zalo token refreshed');
    const stored = (await store.zaloTokensGet())!;
    for (const secret of [first.accessToken, first.refreshToken, stored.accessToken, stored.refreshToken, APP.appSecret]) expect(out).not.toContain(secret);
  });

  it('refreshes a token close to expiry before the call', async () => {
    const { client, store, first } = await setup({}, 30 * 60); // 30 min left, margin 1 h
    await client.message.cs(USER, { text: 'x' });
    expect(double.refreshCalls).toBe(1);
    expect(double.calls.map((c) => c.path)).toEqual(['/v4/oa/access_token', '/v3.0/oa/message/cs']);
    expect(double.calls.every((c) => c.error === 0)).toBe(true);
    expect((await store.zaloTokensGet())!.accessToken).not.toBe(first.accessToken);
  });

  it('keeps using a still-valid token when the early refresh fails', async () => {
    const { client, store, first } = await setup({}, 30 * 60);
    double.failNext(-14014, 1, 'oauth');
    await client.message.cs(USER, { text: 'x' });
    expect(double.sent).toHaveLength(1);
    expect((await store.zaloTokensGet())!.refreshToken).toBe(first.refreshToken);
  });

  it('ignores the configured pair when the store already has one', async () => {
    const { store, client, first } = await setup();
    const other = double.issueTokens();
    expect(await client.tokens.seed({ accessToken: other.accessToken, refreshToken: other.refreshToken })).toBe(false);
    expect(await store.zaloTokensGet()).toMatchObject({ accessToken: first.accessToken, refreshToken: first.refreshToken });
  });

  it('treats a pair of unknown age as expiring in 25 hours', async () => {
    const store = openStore();
    const m = new ZaloTokenManager({ store, refresh: () => Promise.reject(new Error('no')), now: () => 1_000 });
    expect(await m.seed({ accessToken: 'a', refreshToken: 'r' })).toBe(true);
    expect(await store.zaloTokensGet()).toMatchObject({ expiresAt: 1_000 + 25 * 3_600_000 });
  });

  it('shares one refresh among concurrent callers in a process', async () => {
    const store = openStore();
    await store.zaloTokensSeed({ accessToken: 'a0', refreshToken: 'r0', expiresAt: Date.now() + 20 * 3_600_000, updatedAt: 0 });
    let n = 0;
    const m = new ZaloTokenManager({
      store,
      refresh: async (rt) => {
        n++;
        await new Promise((r) => setTimeout(r, 20));
        return { accessToken: `a-after-${rt}`, refreshToken: `r-after-${rt}`, expiresIn: 90_000 };
      },
    });
    const got = await Promise.all([m.refreshAfterRejection('a0'), m.refreshAfterRejection('a0'), m.refreshAfterRejection('a0')]);
    expect(n).toBe(1);
    expect(new Set(got)).toEqual(new Set(['a-after-r0']));
    expect(await store.zaloTokensGet()).toMatchObject({ accessToken: 'a-after-r0', refreshToken: 'r-after-r0' });
    // A late caller with the old token gets the new one without another refresh.
    expect(await m.refreshAfterRejection('a0')).toBe('a-after-r0');
    expect(n).toBe(1);
  });
});

describe('rate limits', () => {
  it('backs off on -32 twice, pausing the shared limiter, then delivers', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perMinute: 600_000, now: clock.now, sleep: clock.sleep });
    const { client } = await setup({ limiter });
    double.failNext(-32, 2, 'message');
    await client.message.cs(USER, { text: 'x' });
    expect(double.calls.map((c) => c.error)).toEqual([-32, -32, 0]);
    expect(clock.sleeps).toEqual([1_000, 2_000]);
    expect(limiter.pausedUntil).toBe(clock.t);
    expect(double.sent).toHaveLength(1);
  });

  it('throws rate_limited after maxRateRetries', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perMinute: 600_000, now: clock.now, sleep: clock.sleep });
    const { client } = await setup({ limiter, maxRateRetries: 2 });
    double.failNext(-32, 5, 'message');
    expect(await rejection(client.message.cs(USER, { text: 'x' }))).toMatchObject({ code: -32, kind: 'rate_limited' });
    expect(double.calls).toHaveLength(3);
    expect(double.sent).toHaveLength(0);
  });

  it('pauses when Zalo says no requests remain, and answers -32 above its limit', async () => {
    await double.close();
    double = await startDoubleWithUsers({ ...APP, rateLimitPerMinute: 2 });
    const clock = fakeClock();
    const limiter = new RateLimiter({ perMinute: 600_000, now: clock.now, sleep: clock.sleep });
    const { client } = await setup({ limiter, maxRateRetries: 0 });
    await client.message.cs(USER, { text: '1' });
    expect(limiter.pausedUntil).toBe(0);
    await client.message.cs(USER, { text: '2' }); // Remain: 0
    expect(limiter.pausedUntil).toBe(clock.t + 1_000);
    expect(await rejection(client.message.cs(USER, { text: '3' }))).toMatchObject({ code: -32 });
    expect(clock.sleeps).toEqual([1_000]);
  });

  it('the limiter spaces calls and serves waiters in order', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ perMinute: 60, burst: 1, now: clock.now, sleep: clock.sleep });
    const at: [number, number][] = [];
    await Promise.all([0, 1, 2, 3].map((i) => limiter.take().then(() => at.push([i, clock.t]))));
    expect(at).toEqual([
      [0, 0],
      [1, 1_000],
      [2, 2_000],
      [3, 3_000],
    ]);
    await limiter.pause(5_000);
    await limiter.take();
    expect(clock.t).toBe(8_000);
  });

  it('the limiter allows a burst after a quiet spell, then one per interval', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter({ perMinute: 120, burst: 3, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 4; i++) await limiter.take();
    expect(clock.t).toBe(500);
  });
});

describe('users', () => {
  it('parses user.detail and user.getlist', async () => {
    const { client } = await setup();
    double.addUser('u1', 'Nguyễn Văn An');
    double.addUser('u2', 'Trần Thị Bình');
    double.setFollower('u2', false);
    const d = await client.user.detail('u1');
    expect(d).toMatchObject({ userId: 'u1', displayName: 'Nguyễn Văn An', isFollower: true });
    expect(await client.user.getlist({ offset: 0, count: 50, isFollower: true })).toEqual({ total: 1, userIds: ['u1'] });
    expect(await client.user.getlist({ offset: 0, count: 50 })).toEqual({ total: 2, userIds: ['u1', 'u2'] });
    expect(await rejection(client.user.detail('nobody'))).toMatchObject({ kind: 'bad_request' });
  });
});

describe('webhook events from the double', () => {
  let receiver: Server;
  let received: { raw: Buffer; signature: string | undefined }[];

  beforeEach(async () => {
    received = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ raw: Buffer.concat(chunks), signature: req.headers['x-zevent-signature'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    double.webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/zalo/webhook`;
  });
  afterEach(async () => {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });

  it('signs user_send_text so that checkWebhook accepts the raw bytes', async () => {
    const d = await double.userSendsText(USER, 'nhận 2');
    expect(d).toMatchObject({ status: 200, body: 'ok' });
    const got = received[0]!;
    expect(got.raw.toString('utf8')).toBe(d.rawBody);
    expect(got.signature).toBe(d.signature);
    const check = checkWebhook(got.raw, got.signature, { appId: APP.appId, secretKey: APP.oaSecretKey, maxAgeMs: 60_000 }, Date.now());
    expect(check.ok).toBe(true);
    expect(d.event).toMatchObject({
      app_id: APP.appId,
      event_name: 'user_send_text',
      sender: { id: USER },
      recipient: { id: '579745863508352884' },
      message: { text: 'nhận 2' },
    });
    const ev = d.event as { timestamp: string; user_id_by_app: string; message: { msg_id: string } };
    expect(ev.timestamp).toMatch(/^\d{13}$/);
    expect(ev.user_id_by_app).toMatch(/^\d+$/);
    expect(ev.message.msg_id).toMatch(/^[0-9a-f]{32}$/);
    const again = await double.redeliver(d);
    expect(received[1]!.raw.equals(got.raw)).toBe(true);
    expect(again.signature).toBe(d.signature);
  });

  it('builds image, file and follow events in Zalo shapes', async () => {
    const img = await double.userSendsImage(USER, 'https://example.invalid/a.jpg', 'ảnh');
    expect(img.event).toMatchObject({ event_name: 'user_send_image', message: { text: 'ảnh', attachments: [{ type: 'image', payload: { url: 'https://example.invalid/a.jpg' } }] } });
    const file = await double.userSendsFile(USER, 'https://example.invalid/b.pdf', 'b.pdf');
    expect(file.event).toMatchObject({ event_name: 'user_send_file', message: { attachments: [{ type: 'file', payload: { name: 'b.pdf' } }] } });
    const unf = await double.userUnfollows(USER);
    expect(unf.event).toMatchObject({ event_name: 'unfollow', oa_id: '579745863508352884', follower: { id: USER }, source: 'oa_profile' });
    expect(unf.event).not.toHaveProperty('sender');
    for (const r of received) expect(checkWebhook(r.raw, r.signature, { appId: APP.appId, secretKey: APP.oaSecretKey, maxAgeMs: 60_000 }, Date.now()).ok).toBe(true);
  });
});
