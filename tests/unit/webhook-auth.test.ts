import { describe, expect, it } from 'vitest';
import { checkWebhook, expectedSignature } from '../../bot/webhook-auth.js';

const cfg = { appId: '1234567890123456789', secretKey: 'oa-secret', maxAgeMs: 5 * 60_000 };
const now = 1_716_000_000_000;
const event = (o: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      app_id: cfg.appId,
      event_name: 'user_send_text',
      timestamp: String(now),
      sender: { id: '8421000000000000001' },
      recipient: { id: '5000000000000000001' },
      message: { msg_id: 'm1', text: 'nhận 2' },
      ...o,
    }),
  );
const sign = (body: Buffer, secret = cfg.secretKey) => {
  const { app_id, timestamp } = JSON.parse(body.toString()) as { app_id: string; timestamp: string };
  return `mac=${expectedSignature(app_id, body, timestamp, secret)}`;
};

describe('webhook signature', () => {
  it('accepts a delivery signed over its raw bytes', () => {
    const body = event();
    const r = checkWebhook(body, sign(body), cfg, now + 1000);
    expect(r.ok).toBe(true);
  });

  it.each([
    ['no header', (b: Buffer) => checkWebhook(b, undefined, cfg, now), 'unsigned'],
    ['a header that is not mac=<hex>', (b: Buffer) => checkWebhook(b, 'abc', cfg, now), 'unsigned'],
    ['another secret', (b: Buffer) => checkWebhook(b, sign(b, 'other'), cfg, now), 'bad_signature'],
    ['a body changed after signing', (b: Buffer) => checkWebhook(Buffer.from(b.toString().replace('nhận 2', 'duyệt 2')), sign(b), cfg, now), 'bad_signature'],
    ['re-serialised JSON', (b: Buffer) => checkWebhook(Buffer.from(JSON.stringify(JSON.parse(b.toString()), null, 1)), sign(b), cfg, now), 'bad_signature'],
    ['a replay an hour later', (b: Buffer) => checkWebhook(b, sign(b), cfg, now + 3_600_000), 'stale'],
    ['not JSON', () => checkWebhook(Buffer.from('{nope'), `mac=${'0'.repeat(64)}`, cfg, now), 'malformed'],
  ])('refuses %s', (_name, run, reason) => {
    const r = run(event());
    expect(r).toMatchObject({ ok: false, reason });
  });

  it('refuses a correctly signed delivery for another app', () => {
    const body = event({ app_id: '999' });
    expect(checkWebhook(body, sign(body), cfg, now)).toMatchObject({ ok: false, reason: 'wrong_app' });
  });

  it('keeps ids beyond 2^53 as strings', () => {
    const body = event({ sender: { id: '98765432109876543210' } });
    const r = checkWebhook(body, sign(body), cfg, now);
    expect(r.ok && (r.body.sender as { id: string }).id).toBe('98765432109876543210');
  });
});
