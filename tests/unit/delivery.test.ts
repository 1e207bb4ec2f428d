// The delivery notifier against the Zalo double (which keeps Zalo's published rules) and a real
// SMTP server on loopback: which channel reaches whom, what refusals do, the chain as the last
// resort, a dead refresh token, and one rate budget for several processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryNotifier, type ChannelSender } from '../../activities/delivery.js';
import { emailSender, mailTransport } from '../../activities/email.js';
import { OutboxNotifier, WaitingDeliveries } from '../../activities/notifier.js';
import { RateLimiter } from '../../bot/rate-limiter.js';
import { createZaloClient, type ZaloClient } from '../../bot/zalo-client.js';
import { zaloSenders } from '../../bot/zalo-channels.js';
import { registeredTemplates, startZaloDouble, type ZaloDouble } from '../../bot/zalo-double.js';
import { installTokens } from '../../client/zalo-tokens.js';
import { loadOrg, loadTemplates } from '../../client/files.js';
import { toInstant } from '../../domain/calendar.js';
import type { Notification } from '../../domain/notification.js';
import type { Org } from '../../domain/org.js';
import { DEFAULT_WINDOW_MARGIN_MS, DEFAULT_WINDOW_MS, type Channel } from '../../domain/reach.js';
import type { TemplatesConfig } from '../../domain/templates.js';
import { SqliteStore } from '../../store/sqlite.js';
import { startSmtp, type SmtpSink } from '../helpers/smtp.js';

const APP = { appId: '1234567890123456789', appSecret: 'app-secret', oaSecretKey: 'oa-secret-key' };
const DAY = 24 * 3600_000;
/** Tuesday 4 March 2025, 10:00 in Hà Nội: a time Zalo accepts templates. */
const TEN_AM = toInstant('2025-03-04', '10:00');

/** The shipped example: the reminder template 401001 with its five parameters. */
const EXAMPLE_TEMPLATES = 'config/zalo-templates.example.yaml';

/** The example org with phones and addresses: cv2 has everything, pho only a phone, tccb.cv1 only e-mail, tccb.cv2 nothing. */
function testOrg(): Org {
  const org = loadOrg('examples/org-so-noi-vu.yaml');
  const extra: Record<string, { phone?: string; email?: string }> = {
    'hcth.cv2': { phone: '84912000002', email: 'hanh@snv.example.vn' },
    'hcth.pho': { phone: '84912000003' },
    'tccb.cv1': { email: 'lan@snv.example.vn' },
  };
  return { ...org, people: org.people.map((p) => ({ ...p, zaloUserId: undefined, ...extra[p.id] })) };
}

const person = (org: Org, id: string) => {
  const p = org.people.find((x) => x.id === id)!;
  return { id: p.id, name: p.name, title: p.title };
};

let dir: string;
let double: ZaloDouble;
let smtp: SmtpSink;
let store: SqliteStore;
let zalo: ZaloClient;
let org: Org;
let clock: number;
let templates: TemplatesConfig;
let seq = 0;

function notifier(o: { templates?: TemplatesConfig; mail?: boolean } = {}): DeliveryNotifier {
  const t = o.templates ?? templates;
  const senders: Partial<Record<Channel, ChannelSender>> = zaloSenders(zalo, store, t, () => clock);
  if (o.mail !== false) senders.email = emailSender(mailTransport({ url: smtp.url, from: 'Nhắc việc <nhacviec@snv.example.vn>' }), 'Nhắc việc <nhacviec@snv.example.vn>');
  return new DeliveryNotifier({
    org,
    store,
    senders,
    templates: t,
    windowMs: DEFAULT_WINDOW_MS,
    windowMarginMs: DEFAULT_WINDOW_MARGIN_MS,
    zaloUsable: () => zalo.tokens.usable(),
    log: pino({ level: 'silent' }),
    now: () => clock,
  });
}

function reminder(to: string, o: Partial<Notification> = {}): Notification {
  const chain = ['hcth', 'tccb'].includes(to.split('.')[0]!) ? `${to.split('.')[0]}.truong` : 'ld.giamdoc';
  return {
    key: `wf-${++seq}#1:reminder`,
    kind: 'reminder',
    to: person(org, to),
    planId: 'p',
    workflowId: `wf-${seq}`,
    taskRef: 'II.1.(1)',
    text: 'Nhắc việc: Nhiệm vụ II.1.(1) «Rà soát thủ tục» đến hạn ngày 30/06/2025.',
    actions: [{ title: 'Đã nhận', payload: 'nhận II.1.(1)' }],
    facts: { title: 'Rà soát thủ tục', unit: 'Phòng Hành chính – Tổng hợp', due: '2025-06-30', summary: 'Nhắc việc' },
    fallbacks: [person(org, chain), person(org, 'ld.giamdoc')],
    ...o,
  };
}

/** Links a person to a Zalo account that last interacted `ago` ms before now (the double and our store agree). */
async function linked(id: string, ago = 3600_000): Promise<string> {
  const z = `z-${id}`;
  await store.zaloLink(z, id, clock);
  double.addUser(z, id, { lastInteractionAt: clock - ago });
  await store.zaloInteraction(z, clock - ago);
  return z;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'delivery-'));
  clock = TEN_AM;
  templates = loadTemplates(EXAMPLE_TEMPLATES);
  double = await startZaloDouble({ ...APP, now: () => clock, templates: registeredTemplates(templates) });
  smtp = await startSmtp();
  store = new SqliteStore(join(dir, 'state.sqlite'));
  zalo = createZaloClient({ ...APP, apiBaseUrl: double.url, oauthBaseUrl: double.url, businessBaseUrl: double.url, store, limiter: new RateLimiter({ perMinute: 600_000 }), now: () => clock });
  const first = double.issueTokens();
  await zalo.tokens.seed({ accessToken: first.accessToken, refreshToken: first.refreshToken, expiresInSec: first.expiresIn });
  org = testOrg();
  for (const p of org.people) if (p.phone) double.setPhone(`z-${p.id}`, p.phone);
});
afterEach(async () => {
  await double.close();
  await smtp.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('delivery over the channels that reach each person', () => {
  it('inside the 7-day window: a consultation message with its buttons', async () => {
    const z = await linked('hcth.cv2');
    const d = await notifier().send(reminder('hcth.cv2'));
    expect(d).toMatchObject({ delivered: true, to: { id: 'hcth.cv2' } });
    expect(d.attempts?.map((a) => [a.channel, a.ok])).toEqual([['zalo_cs', true]]);
    expect(double.sentTo(z)).toMatchObject([{ via: 'cs', buttons: [{ title: 'Đã nhận', payload: 'nhận II.1.(1)' }] }]);
  });

  it('silent for 8 days: the template by user id, filled from the task, and the consultation message is not even tried', async () => {
    const z = await linked('hcth.cv2', 8 * DAY);
    const d = await notifier().send(reminder('hcth.cv2'));
    expect(d.attempts?.map((a) => [a.channel, a.ok])).toEqual([['zalo_template_uid', true]]);
    expect(double.calls.filter((c) => c.path.endsWith('/message/cs'))).toEqual([]);
    expect(double.sentTo(z)).toMatchObject([
      { via: 'template', templateId: '401001', data: { ten_can_bo: 'Bùi Thị Hạnh', ma_nhiem_vu: 'II.1.(1)', noi_dung: 'Rà soát thủ tục', han_hoan_thanh: '30/06/2025' } },
    ]);
  });

  it('a window we knew nothing of: Zalo answers -230, the template goes out, and the next message skips the consultation message', async () => {
    const z = 'z-hcth.cv2';
    await store.zaloLink(z, 'hcth.cv2', clock);
    double.addUser(z, 'Hạnh', { lastInteractionAt: clock - 10 * DAY });
    const d = await notifier().send(reminder('hcth.cv2'));
    expect(d.attempts?.map((a) => [a.channel, a.code ?? 0])).toEqual([
      ['zalo_cs', -230],
      ['zalo_template_uid', 0],
    ]);
    expect(await store.refusalsOf('hcth.cv2', 0)).toMatchObject([{ channel: 'zalo_cs', code: -230 }]);
    const again = await notifier().send(reminder('hcth.cv2'));
    expect(again.attempts?.map((a) => a.channel)).toEqual(['zalo_template_uid']);
  });

  it('no Zalo account linked: the template by the phone of the org chart', async () => {
    const d = await notifier().send(reminder('hcth.pho'));
    expect(d.attempts?.map((a) => [a.channel, a.ok])).toEqual([['zalo_template_phone', true]]);
    expect(double.sent).toMatchObject([{ via: 'template_phone', phone: '84912000003', userId: 'z-hcth.pho', data: { ten_can_bo: 'Võ Thị Hà' } }]);
  });

  it('-249 (a template Zalo sends only by phone): the phone at once, and never by user id again', async () => {
    double.registerTemplate('401001', { ...registeredTemplates(templates)['401001']!, byUserId: false });
    await linked('hcth.cv2', 9 * DAY);
    const d = await notifier().send(reminder('hcth.cv2'));
    expect(d.attempts?.map((a) => [a.channel, a.code ?? 0])).toEqual([
      ['zalo_template_uid', -249],
      ['zalo_template_phone', 0],
    ]);
    const calls = double.calls.length;
    const again = await notifier().send(reminder('hcth.cv2'));
    expect(again.attempts?.map((a) => a.channel)).toEqual(['zalo_template_phone']);
    expect(double.calls.length).toBe(calls + 1);
  });

  it('no Zalo and no phone: e-mail, read back from the SMTP server, with the commands spelled out', async () => {
    const d = await notifier().send(reminder('tccb.cv1'));
    expect(d.attempts?.map((a) => [a.channel, a.ok])).toEqual([
      ['email', true],
    ]);
    expect(smtp.envelopes).toEqual([['lan@snv.example.vn']]);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe('[Đề án 06] Nhắc việc — nhiệm vụ II.1.(1)');
    expect(mail.text).toContain('Nhắc việc: Nhiệm vụ II.1.(1) «Rà soát thủ tục» đến hạn ngày 30/06/2025.');
    expect(mail.text).toContain('«nhận II.1.(1)»');
    expect(mail.from?.text).toContain('nhacviec@snv.example.vn');
  });

  it('reachable by nothing: the head gets it, marked as forwarded, and the delivery says why', async () => {
    const head = await linked('tccb.truong');
    const d = await notifier().send(reminder('tccb.cv2'));
    expect(d).toMatchObject({ delivered: true, to: { id: 'tccb.truong' }, insteadOf: { person: { id: 'tccb.cv2' } } });
    expect(d.attempts?.[0]).toMatchObject({ personId: 'tccb.cv2', channel: 'none', ok: false });
    expect(d.attempts?.[0]?.reason).toContain('chưa liên kết tài khoản Zalo');
    expect(double.sentTo(head)[0]?.text).toMatch(/^\[Chuyển thay cho đồng chí Dương Văn Long vì chưa liên kết tài khoản Zalo\] Nhắc việc/);
  });

  it('the head unreachable too: on up the chain to the Giám đốc', async () => {
    const director = await linked('ld.giamdoc');
    const d = await notifier({ mail: false }).send(reminder('tccb.cv2'));
    expect(d).toMatchObject({ delivered: true, to: { id: 'ld.giamdoc' } });
    expect(double.sentTo(director)).toHaveLength(1);
  });

  it('a mailbox the server refuses (550) is a refusal for that person, remembered', async () => {
    smtp.refuse.add('lan@snv.example.vn');
    await linked('tccb.truong');
    const d = await notifier().send(reminder('tccb.cv1'));
    expect(d.attempts?.slice(0, 1)).toMatchObject([{ channel: 'email', ok: false, code: 550 }]);
    expect(d.to?.id).toBe('tccb.truong');
    expect(await store.refusalsOf('tccb.cv1', 0)).toMatchObject([{ channel: 'email', code: 550 }]);
  });

  it('a blocked user (-217) is tried once and never again on Zalo, until they write to the OA', async () => {
    const z = await linked('hcth.cv2');
    double.setBlocked(z, true);
    const d = await notifier().send(reminder('hcth.cv2'));
    expect(d.attempts?.map((a) => [a.channel, a.code ?? 0])).toEqual([
      ['zalo_cs', -217],
      ['email', 0],
    ]);
    const zaloCalls = double.calls.length;
    for (let i = 0; i < 3; i++) expect((await notifier().send(reminder('hcth.cv2'))).attempts?.map((a) => a.channel)).toEqual(['email']);
    expect(double.calls.length).toBe(zaloCalls);
    // The user writes again (unblocking): Zalo is back in the choice.
    clock += 60_000;
    await store.zaloInteraction(z, clock);
    double.setBlocked(z, false);
    double.setLastInteraction(z, clock);
    expect((await notifier().send(reminder('hcth.cv2'))).attempts?.map((a) => a.channel)).toEqual(['zalo_cs']);
  });

  it('a key already delivered on a channel is not sent again (a retried activity)', async () => {
    await linked('hcth.cv2');
    const n = reminder('hcth.cv2');
    await notifier().send(n);
    await notifier().send(n);
    expect(double.sent).toHaveLength(1);
  });
});

describe('a message that reaches nobody', () => {
  it('is held, not marked sent, and goes out once someone in the chain links their Zalo; the timeline is told', async () => {
    // tccb.cv2, the Trưởng phòng and the Giám đốc: no link, no phone, no address.
    const outbox = new OutboxNotifier(store, notifier(), () => clock);
    const n = reminder('tccb.cv2');
    expect(await outbox.send(n)).toMatchObject({ delivered: false, unreached: true });
    expect((await store.outboxGet(n.key))?.status).toBe('waiting');
    const reports: [string, string[]][] = [];
    const waiting = new WaitingDeliveries({ store, notifier: notifier(), ready: () => true, report: async (wf, lines) => void reports.push([wf, lines]), log: pino({ level: 'silent' }), now: () => clock });
    await waiting.kick();
    expect((await store.outboxGet(n.key))?.status).toBe('waiting');
    expect(reports).toEqual([]);

    const z = await linked('tccb.truong');
    await waiting.kick();
    expect((await store.outboxGet(n.key))?.status).toBe('sent');
    expect(double.sentTo(z).map((m) => m.text)).toEqual([expect.stringMatching(/^\[Chuyển thay cho đồng chí .+\] Nhắc việc: Nhiệm vụ II\.1\.\(1\)/)]);
    expect(reports).toHaveLength(1);
    expect(reports[0]![1].join(' ')).toContain('đã gửi bằng tin nhắn Zalo');
    // Once sent, never again.
    await waiting.kick();
    expect(double.sentTo(z)).toHaveLength(1);
  });

  it('two workers going over the held messages at once send each one once', async () => {
    const outbox = new OutboxNotifier(store, notifier(), () => clock);
    const held = [reminder('tccb.cv2', { key: 'wf-1#1:reminder' }), reminder('tccb.cv2', { key: 'wf-1#2:reminder', workflowId: 'wf-1' })];
    for (const n of held) expect(await outbox.send(n)).toMatchObject({ unreached: true });
    const z = await linked('tccb.truong');
    // A second worker: its own handle on the same store file, its own notifier.
    const second = new SqliteStore(join(dir, 'state.sqlite'));
    try {
      const pass = (s: SqliteStore, holder: string) =>
        new WaitingDeliveries({ store: s, holder, notifier: notifier(), ready: () => true, report: async () => undefined, log: pino({ level: 'silent' }), now: () => clock });
      await Promise.all([pass(store, 'worker-1').kick(), pass(second, 'worker-2').kick(), pass(store, 'worker-1b').kick()]);
      expect(double.sentTo(z)).toHaveLength(2);
      for (const n of held) expect((await store.outboxGet(n.key))?.status).toBe('sent');
    } finally {
      await second.close();
    }
  });

  it('a message Zalo refused as such (-201) is not held', async () => {
    await linked('hcth.cv2');
    double.failNext(-201, 5, 'message');
    const outbox = new OutboxNotifier(store, notifier({ mail: false }), () => clock);
    const n = reminder('hcth.cv2');
    const d = await outbox.send(n);
    expect(d).toMatchObject({ delivered: false });
    expect(d).not.toHaveProperty('unreached');
    expect((await store.outboxGet(n.key))?.status).toBe('sent');
  });
});

describe('a refresh token Zalo refuses', () => {
  it('raises the alert once, holds messages without retrying in a loop, and sends each once after a new token', async () => {
    const z = await linked('hcth.cv2');
    // The access token has expired and the stored refresh token is one Zalo no longer knows.
    await store.zaloTokensPut({ accessToken: 'expired-access-token', refreshToken: 'refresh-token-zalo-forgot', expiresAt: clock - 1000, updatedAt: clock - DAY });
    const outbox = new OutboxNotifier(store, notifier({ mail: false }), () => clock);
    const a = reminder('hcth.cv2');
    const b = reminder('hcth.cv2');
    expect(await outbox.send(a)).toMatchObject({ delivered: false, waiting: 'Zalo OA có mã truy cập mới' });
    expect(await outbox.send(b)).toMatchObject({ delivered: false, waiting: 'Zalo OA có mã truy cập mới' });
    expect(double.refreshCalls).toBe(1);
    expect((await zalo.tokens.problem())?.reason).toMatch(/refresh/i);
    expect((await store.outboxWaiting(10)).map((r) => r.key)).toEqual([a.key, b.key]);
    // A retried activity does not send it either.
    expect(await outbox.send(a)).toMatchObject({ waiting: 'Zalo OA có mã truy cập mới' });
    expect(double.sentTo(z)).toEqual([]);

    const reports: [string, string[]][] = [];
    const waiting = new WaitingDeliveries({
      store,
      notifier: notifier({ mail: false }),
      ready: () => zalo.tokens.usable(),
      report: async (wf, lines) => void reports.push([wf, lines]),
      log: pino({ level: 'silent' }),
      now: () => clock,
    });
    await waiting.kick();
    expect(double.sentTo(z)).toEqual([]);

    const fresh = double.issueTokens();
    await installTokens(store, { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken }, clock);
    expect(await zalo.tokens.problem()).toBeUndefined();
    await waiting.kick();
    await waiting.kick();
    expect(double.sentTo(z).map((m) => m.text)).toEqual([a.text, b.text]);
    expect(await store.outboxWaiting(10)).toEqual([]);
    expect((await store.outboxGet(a.key))?.status).toBe('sent');
    expect(reports).toEqual([
      [a.workflowId, ['Gửi Bùi Thị Hạnh: đã gửi bằng tin nhắn Zalo.']],
      [b.workflowId, ['Gửi Bùi Thị Hạnh: đã gửi bằng tin nhắn Zalo.']],
    ]);
  });

  it('with an e-mail address the person is reached at once, Zalo or not', async () => {
    await linked('hcth.cv2');
    await store.zaloTokensPut({ accessToken: 'expired-access-token', refreshToken: 'refresh-token-zalo-forgot', expiresAt: clock - 1000, updatedAt: clock - DAY });
    await notifier({ mail: false }).send(reminder('hcth.cv2')).catch(() => undefined);
    const d = await notifier().send(reminder('hcth.cv2'));
    expect(d).toMatchObject({ delivered: true });
    expect(d.attempts?.map((a) => a.channel)).toEqual(['email']);
  });
});

describe('one rate budget for every process on the store', () => {
  it('two limiters over one SQLite file share the bucket', async () => {
    const other = new SqliteStore(join(dir, 'state.sqlite'));
    try {
      const t = { now: 1_000_000, slept: 0 };
      const opts = { perMinute: 600, burst: 1, now: () => t.now, sleep: async (ms: number) => void ((t.now += ms), (t.slept += ms)) };
      const a = new RateLimiter({ ...opts, shared: { store, bucket: 'zalo' } });
      const b = new RateLimiter({ ...opts, shared: { store: other, bucket: 'zalo' } });
      for (let i = 0; i < 10; i++) {
        await a.take();
        await b.take();
      }
      // 20 calls at 10 a second from one bucket of 1: 19 intervals of 100 ms, whichever process asks.
      expect(t.slept).toBeGreaterThanOrEqual(1_900);
      expect(t.slept).toBeLessThan(2_100);
      // A -32 pause seen by one process holds the other.
      await a.pause(5_000);
      const before = t.now;
      await b.take();
      expect(t.now - before).toBeGreaterThanOrEqual(5_000);
    } finally {
      await other.close();
    }
  });
});
