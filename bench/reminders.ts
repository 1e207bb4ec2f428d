// `npm run bench -- reminders [--people 1000] [--concurrency 100]`: one office opening that reminds
// every staff member of a generated org, with mixed reachability, through the real delivery path
// (outbox, channel choice, the axios Zalo client with its store-backed rate limiter, the Zalo
// double keeping Zalo's rules and its ~4,000/min limit, e-mail to a real SMTP server on loopback).
// Baseline in the same run: the same reminders sent the old way, as a consultation message to
// whoever has a linked account, with no channel choice.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { DeliveryNotifier, type ChannelSender } from '../activities/delivery.js';
import { emailSender, mailTransport } from '../activities/email.js';
import { OutboxNotifier } from '../activities/notifier.js';
import { sendText } from '../bot/outbound.js';
import { RateLimiter } from '../bot/rate-limiter.js';
import { createZaloClient, ZaloApiError, type ZaloClient } from '../bot/zalo-client.js';
import { zaloSenders } from '../bot/zalo-channels.js';
import { registeredTemplates, startZaloDouble } from '../bot/zalo-double.js';
import { loadTemplates } from '../client/files.js';
import { toInstant } from '../domain/calendar.js';
import type { Notification } from '../domain/notification.js';
import { orgSchema, type Org } from '../domain/org.js';
import { DEFAULT_WINDOW_MARGIN_MS, DEFAULT_WINDOW_MS, type Channel } from '../domain/reach.js';
import { mapLimit } from '../runtime/concurrency.js';
import { SqliteStore } from '../store/sqlite.js';

const APP = { appId: '1234567890123456789', appSecret: 'bench-app-secret', oaSecretKey: 'bench-oa-secret' };
const DAY = 24 * 3600_000;
/** The limiter's budget, as configured in production (ZALO_RATE_PER_MINUTE), under Zalo's ~4,000. */
const PER_MINUTE = 3000;

/** The shipped example (reminder: template 401001). */
const TEMPLATES = loadTemplates('config/zalo-templates.example.yaml');

/** How each staff member can be reached: the mix of a real agency where most do not write to the OA every week. */
type Kind = 'window' | 'silent' | 'inactive' | 'no_account_phone' | 'email_only' | 'nothing' | 'blocked';
const MIX: [Kind, number][] = [
  ['window', 35],
  ['silent', 30],
  ['inactive', 5],
  ['no_account_phone', 12],
  ['email_only', 10],
  ['blocked', 3],
  ['nothing', 5],
];
function kindOf(i: number): Kind {
  let k = i % 100;
  for (const [kind, share] of MIX) {
    if (k < share) return kind;
    k -= share;
  }
  return 'window';
}

interface Setup {
  org: Org;
  kinds: Map<string, Kind>;
}

function generatedOrg(people: number): Setup {
  const units = Math.max(1, Math.ceil(people / 50));
  const kinds = new Map<string, Kind>();
  const staff = Array.from({ length: people }, (_, i) => {
    const kind = kindOf(i);
    const id = `u${Math.floor(i / 50)}.cv${i}`;
    kinds.set(id, kind);
    const phone = kind === 'no_account_phone' || kind === 'inactive' || kind === 'silent' ? `849${String(10_000_000 + i).padStart(8, '0')}` : undefined;
    const email = kind === 'email_only' || kind === 'blocked' ? `cv${i}@so.example.vn` : undefined;
    return { id, name: `Cán bộ ${i}`, title: 'Chuyên viên', ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
  });
  const heads = Array.from({ length: units }, (_, u) => ({ id: `u${u}.truong`, name: `Trưởng phòng ${u}`, title: 'Trưởng phòng' }));
  const org = orgSchema.parse({
    agency: { name: 'Sở (sinh tự động để đo)' },
    people: [{ id: 'gd', name: 'Giám đốc', title: 'Giám đốc Sở' }, ...heads, ...staff],
    units: heads.map((h, u) => ({ code: `U${u}`, name: `Phòng ${u}`, kind: 'Phòng', head: h.id, members: staff.filter((s) => s.id.startsWith(`u${u}.`)).map((s) => s.id) })),
    leadership: { director: 'gd' },
  });
  return { org, kinds };
}

async function startSmtpSink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, cb) {
      simpleParser(stream).then(() => (n++, cb()), cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, count: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

export interface RemindersResult {
  people: number;
  concurrency: number;
  mix: Record<Kind, number>;
  baseline: { seconds: number; delivered: number; notDelivered: number; zaloCalls: number; rateLimited: number };
  channels: {
    seconds: number;
    delivered: number;
    notDelivered: number;
    byChannel: Record<Channel | 'forwarded_to_head', number>;
    zaloCalls: number;
    rateLimited: number;
    emailsReceived: number;
    outboxSent: number;
  };
  ratios: { secondsVsBaseline: number; deliveredVsBaseline: number };
}

export async function remindersBench(o: { people: number; concurrency: number }): Promise<RemindersResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reminders-'));
  // An office opening (07:30 in Hà Nội) that moves on with real time, so Zalo's per-minute window slides.
  const opening = toInstant('2025-03-04', '07:30');
  const start = Date.now();
  const clock = () => opening + (Date.now() - start);
  const { org, kinds } = generatedOrg(o.people);
  const double = await startZaloDouble({
    ...APP,
    now: clock,
    templates: registeredTemplates(TEMPLATES),
  });
  const smtp = await startSmtpSink();
  const log = pino({ level: 'silent' });
  try {
    // The Zalo side of each person, as the double and our store both know it.
    const seed = async (store: SqliteStore) => {
      for (const p of org.people) {
        const kind = kinds.get(p.id) ?? 'window';
        const z = `z-${p.id}`;
        if (kind === 'window' || kind === 'silent' || kind === 'inactive' || kind === 'blocked') {
          const at = clock() - (kind === 'window' ? 3600_000 : 9 * DAY);
          await store.zaloLink(z, p.id, clock());
          await store.zaloInteraction(z, at);
          double.addUser(z, p.name, { lastInteractionAt: at, ...(p.phone ? { phone: p.phone } : {}) });
          if (kind === 'blocked') double.setBlocked(z, true);
          if (kind === 'inactive') double.setInactive(z, true);
        } else if (kind === 'no_account_phone') double.addUser(z, p.name, { lastInteractionAt: clock() - 60 * DAY, phone: p.phone! });
      }
    };
    const client = async (store: SqliteStore, bucket: string): Promise<ZaloClient> => {
      const c = createZaloClient({
        ...APP,
        apiBaseUrl: double.url,
        oauthBaseUrl: double.url,
        businessBaseUrl: double.url,
        store,
        limiter: new RateLimiter({ perMinute: PER_MINUTE, shared: { store, bucket } }),
        log,
        now: clock,
      });
      const t = double.issueTokens();
      await c.tokens.seed({ accessToken: t.accessToken, refreshToken: t.refreshToken, expiresInSec: t.expiresIn });
      return c;
    };
    const staff = org.people.filter((p) => kinds.has(p.id));
    const reminder = (p: (typeof staff)[number], i: number, run: string): Notification => ({
      key: `bench-${run}/${i}#1:reminder`,
      kind: 'reminder',
      to: { id: p.id, name: p.name, title: p.title },
      planId: 'bench',
      workflowId: `bench-${run}/${i}`,
      taskRef: `II.1.(${(i % 99) + 1})`,
      text: `Nhắc việc: Nhiệm vụ II.1.(${(i % 99) + 1}) «Rà soát thủ tục hành chính» (Phòng ${Math.floor(i / 50)}) đến hạn hôm nay, ngày 04/03/2025. Đề nghị hoàn thành và báo cáo kết quả.`,
      actions: [{ title: 'Đã nhận', payload: `nhận II.1.(${(i % 99) + 1})` }],
      facts: { title: 'Rà soát thủ tục hành chính', unit: `Phòng ${Math.floor(i / 50)}`, due: '2025-03-04', summary: 'Nhắc việc' },
      fallbacks: [{ id: `u${Math.floor(i / 50)}.truong`, name: `Trưởng phòng ${Math.floor(i / 50)}`, title: 'Trưởng phòng' }, { id: 'gd', name: 'Giám đốc', title: 'Giám đốc Sở' }],
    });
    const rateLimited = (from: number) => double.calls.slice(from).filter((c) => c.error === -32).length;

    // ---- baseline: a consultation message to whoever has a linked account, nothing else.
    const baseStore = new SqliteStore(join(dir, 'baseline.sqlite'));
    await seed(baseStore);
    const baseZalo = await client(baseStore, 'baseline');
    let callsFrom = double.calls.length;
    let t0 = performance.now();
    const baseOutcomes = await mapLimit(staff, o.concurrency, async (p, i) => {
      const link = await baseStore.zaloLinkOfPerson(p.id);
      if (!link) return false;
      try {
        await sendText(baseZalo, baseStore, { userId: link.zaloUserId, text: reminder(p, i, 'base').text, key: `base-${i}` });
        return true;
      } catch (err) {
        if (err instanceof ZaloApiError && err.kind === 'unreachable_user') return false;
        throw err;
      }
    });
    const baseline = {
      seconds: (performance.now() - t0) / 1000,
      delivered: baseOutcomes.filter(Boolean).length,
      notDelivered: baseOutcomes.filter((x) => !x).length,
      zaloCalls: double.calls.length - callsFrom,
      rateLimited: rateLimited(callsFrom),
    };
    await baseStore.close();

    // ---- channel choice: the real delivery path behind the outbox.
    const store = new SqliteStore(join(dir, 'state.sqlite'));
    await seed(store);
    for (let u = 0; u < Math.ceil(o.people / 50); u++) {
      await store.zaloLink(`z-u${u}.truong`, `u${u}.truong`, clock());
      await store.zaloInteraction(`z-u${u}.truong`, clock() - 3600_000);
      double.addUser(`z-u${u}.truong`, `Trưởng phòng ${u}`, { lastInteractionAt: clock() - 3600_000 });
    }
    const zalo = await client(store, 'channels');
    const senders: Partial<Record<Channel, ChannelSender>> = zaloSenders(zalo, store, TEMPLATES, clock);
    senders.email = emailSender(mailTransport({ url: smtp.url, from: 'nhacviec@so.example.vn' }), 'nhacviec@so.example.vn');
    const delivery = new DeliveryNotifier({
      org,
      store,
      senders,
      templates: TEMPLATES,
      windowMs: DEFAULT_WINDOW_MS,
      windowMarginMs: DEFAULT_WINDOW_MARGIN_MS,
      zaloUsable: () => zalo.tokens.usable(),
      log,
      now: clock,
    });
    const outbox = new OutboxNotifier(store, delivery, clock);
    callsFrom = double.calls.length;
    t0 = performance.now();
    const deliveries = await mapLimit(staff, o.concurrency, (p, i) => outbox.send(reminder(p, i, 'channels')));
    const seconds = (performance.now() - t0) / 1000;
    const byChannel = { zalo_cs: 0, zalo_template_uid: 0, zalo_template_phone: 0, email: 0, forwarded_to_head: 0 };
    for (const d of deliveries) {
      if (!d?.delivered) continue;
      if (d.insteadOf) byChannel.forwarded_to_head++;
      else {
        const last = d.attempts?.at(-1);
        if (last && last.channel !== 'none') byChannel[last.channel]++;
      }
    }
    const channels = {
      seconds,
      delivered: deliveries.filter((d) => d?.delivered).length,
      notDelivered: deliveries.filter((d) => !d?.delivered).length,
      byChannel,
      zaloCalls: double.calls.length - callsFrom,
      rateLimited: rateLimited(callsFrom),
      emailsReceived: smtp.count(),
      outboxSent: (await store.outboxList({ planId: 'bench' })).filter((r) => r.status === 'sent').length,
    };
    await store.close();
    const mix = Object.fromEntries(MIX.map(([k]) => [k, [...kinds.values()].filter((x) => x === k).length])) as Record<Kind, number>;
    const result: RemindersResult = {
      people: o.people,
      concurrency: o.concurrency,
      mix,
      baseline,
      channels,
      ratios: { secondsVsBaseline: round(channels.seconds / baseline.seconds), deliveredVsBaseline: round(channels.delivered / Math.max(1, baseline.delivered)) },
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/reminders.json', `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await double.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
