// The Zalo double keeps Zalo's published rules (../shared/reference/zalo-oa.md), refusals
// included, so no test passes against a double kinder than the real service.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../bot/rate-limiter.js';
import { createZaloClient, ZaloApiError, type ZaloClient } from '../../bot/zalo-client.js';
import { startZaloDouble, WINDOW_MS, type ZaloDouble } from '../../bot/zalo-double.js';
import { toInstant } from '../../domain/calendar.js';
import { SqliteStore } from '../../store/sqlite.js';

const APP = { appId: '1234567890123456789', appSecret: 'app-secret', oaSecretKey: 'oa-secret-key' };
const TPL = { params: { ten: 30, ma: 30 } };
let clock: number;
let dir: string;
let double: ZaloDouble;
let store: SqliteStore;
let zalo: ZaloClient;

beforeEach(async () => {
  clock = toInstant('2025-03-04', '10:00');
  dir = mkdtempSync(join(tmpdir(), 'zalo-double-'));
  double = await startZaloDouble({ ...APP, now: () => clock, templates: { '401001': TPL } });
  store = new SqliteStore(join(dir, 's.sqlite'));
  zalo = createZaloClient({ ...APP, apiBaseUrl: double.url, oauthBaseUrl: double.url, businessBaseUrl: double.url, store, limiter: new RateLimiter({ perMinute: 600_000 }), now: () => clock });
  const t = double.issueTokens();
  await zalo.tokens.seed({ accessToken: t.accessToken, refreshToken: t.refreshToken, expiresInSec: t.expiresIn });
});
afterEach(async () => {
  await double.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function code(p: Promise<unknown>): Promise<number> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ZaloApiError);
  return (e as ZaloApiError).code;
}
const ok = { templateId: '401001', data: { ten: 'Bùi Thị Hạnh', ma: 'II.1.(1)' } };

describe('the Zalo double keeps the rules', () => {
  it('a consultation message needs an interaction within 7 days: -230 after, and for a user who never wrote', async () => {
    double.addUser('u1', 'A', { lastInteractionAt: clock - WINDOW_MS + 60_000 });
    await zalo.message.cs('u1', { text: 'x' });
    clock += 2 * 60_000;
    expect(await code(zalo.message.cs('u1', { text: 'x' }))).toBe(-230);
    expect(await code(zalo.message.cs('never-wrote', { text: 'x' }))).toBe(-230);
  });

  it('a message from the user reopens the window (and the double signs it as Zalo does)', async () => {
    double.addUser('u1', 'A', { lastInteractionAt: clock - 8 * 24 * 3600_000 });
    double.webhookUrl = 'http://127.0.0.1:9/nowhere';
    await double.userSendsText('u1', 'xong II.1.(1)').catch(() => undefined);
    expect(double.lastInteractionOf('u1')).toBe(clock);
    await zalo.message.cs('u1', { text: 'x' });
  });

  it('templates: registered ids only, exactly their parameters, each within its length', async () => {
    double.addUser('u1', 'A');
    await zalo.message.template('u1', ok);
    expect(await code(zalo.message.template('u1', { ...ok, templateId: '999' }))).toBe(-201);
    expect(await code(zalo.message.template('u1', { ...ok, data: { ten: 'A' } }))).toBe(-201);
    expect(await code(zalo.message.template('u1', { ...ok, data: { ...ok.data, thua: 'x' } }))).toBe(-201);
    expect(await code(zalo.message.template('u1', { ...ok, data: { ...ok.data, ten: 'x'.repeat(31) } }))).toBe(-201);
    expect(double.sentTo('u1')).toHaveLength(1);
  });

  it('templates have no 7-day window, but are refused at night (22:00–05:59 in Hà Nội)', async () => {
    double.addUser('u1', 'A', { lastInteractionAt: clock - 30 * 24 * 3600_000 });
    await zalo.message.template('u1', ok);
    clock = toInstant('2025-03-04', '22:00');
    expect(await code(zalo.message.template('u1', ok))).toBe(-234);
    clock = toInstant('2025-03-05', '05:59');
    expect(await code(zalo.message.template('u1', ok))).toBe(-234);
    clock = toInstant('2025-03-05', '06:00');
    await zalo.message.template('u1', ok);
  });

  it('a template registered for phone only answers -249 by user id and goes by phone', async () => {
    double.registerTemplate('401009', { params: { otp: 10 }, byUserId: false });
    double.addUser('u1', 'A', { phone: '84912000002' });
    expect(await code(zalo.message.template('u1', { templateId: '401009', data: { otp: '123456' } }))).toBe(-249);
    await zalo.message.templateByPhone('84912000002', { templateId: '401009', data: { otp: '123456' }, trackingId: 't1' });
    expect(double.sentTo('u1')).toMatchObject([{ via: 'template_phone', phone: '84912000002' }]);
  });

  it('a phone without a Zalo account (-118), a blocked user (-217), an inactive one (-227)', async () => {
    expect(await code(zalo.message.templateByPhone('84999999999', ok))).toBe(-118);
    double.addUser('u1', 'A', { phone: '84912000002' });
    double.setBlocked('u1', true);
    expect(await code(zalo.message.cs('u1', { text: 'x' }))).toBe(-217);
    expect(await code(zalo.message.templateByPhone('84912000002', ok))).toBe(-217);
    double.setBlocked('u1', false);
    double.setInactive('u1', true);
    expect(await code(zalo.message.template('u1', ok))).toBe(-227);
  });

  it('request_user_info is a consultation message: inside the window only', async () => {
    double.addUser('u1', 'A');
    await zalo.message.requestUserInfo('u1', { title: 'Liên kết', subtitle: 'Chia sẻ số điện thoại', imageUrl: 'https://example.vn/a.png' });
    expect(double.sentTo('u1')).toMatchObject([{ via: 'request_user_info' }]);
    double.setOutsideWindow('u1', true);
    expect(await code(zalo.message.requestUserInfo('u1', { title: 'Liên kết', subtitle: 'x', imageUrl: 'https://example.vn/a.png' }))).toBe(-230);
  });
});
