// The whole bot on the shared dev server: a worker whose notifier is the Zalo notifier, the HTTP
// app with the real webhook and inbox, and the Zalo double in between. Tests speak to the bot only
// as Zalo does (signed webhook requests from the double) and read what the double received.
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { inject } from 'vitest';
import { createBot } from '../../bot/handlers.js';
import { InboxProcessor } from '../../bot/inbox.js';
import { RateLimiter } from '../../bot/rate-limiter.js';
import { webhookRouter, WEBHOOK_PATH } from '../../bot/webhook.js';
import { createZaloClient, type ZaloClient } from '../../bot/zalo-client.js';
import { registeredTemplates, startZaloDouble, type SentMessage, type WebhookDelivery, type ZaloDouble } from '../../bot/zalo-double.js';
import { zaloSenders } from '../../bot/zalo-channels.js';
import { DeliveryNotifier, type ChannelSender } from '../../activities/delivery.js';
import { emailSender, mailTransport } from '../../activities/email.js';
import { WaitingDeliveries } from '../../activities/notifier.js';
import { deliveryReported } from '../../workflows/messages.js';
import type { Org } from '../../domain/org.js';
import { DEFAULT_WINDOW_MARGIN_MS, DEFAULT_WINDOW_MS, type Channel } from '../../domain/reach.js';
import { NO_TEMPLATES, type TemplatesConfig } from '../../domain/templates.js';
import { devZaloId } from '../../web/dev-zalo.js';
import { createHarness, eventually, ORG, type Harness } from './harness-core.js';

export const APP = { appId: '1234567890123456789', appSecret: 'app-secret-for-tests', oaSecretKey: 'oa-secret-key-for-tests' };

export interface BotHarness extends Harness {
  double: ZaloDouble;
  zalo: ZaloClient;
  /** The notifier behind the outbox: every channel, chosen per person. */
  delivery: DeliveryNotifier;
  /** Sends what waited for a usable Zalo token (as the worker does every few seconds); `kick()` runs it now. */
  waiting: WaitingDeliveries;
  inbox: InboxProcessor;
  /** Stops the inbox processor (as a crash would); events are still accepted and queued. */
  stopInbox(): Promise<void>;
  /** A new processor over the same store, as after a restart: it handles what was queued. */
  startInbox(): void;
  webhookUrl: string;
  zaloId(personId: string): string;
  say(personId: string, text: string): Promise<WebhookDelivery>;
  /** Sends a message, waits until the bot has handled it, and returns what reached the person since (joined). */
  ask(personId: string, text: string): Promise<string>;
  sentTo(personId: string): SentMessage[];
  /** Waits for a message to a person whose text matches. */
  received(personId: string, match: RegExp, ms?: number): Promise<SentMessage>;
}

export interface BotHarnessOptions {
  secondsPerDay?: number;
  /** See HarnessOptions. */
  offHoursSpeedup?: number;
  org?: Org;
  /** People linked to a Zalo account (default everyone); they have just interacted with the OA. */
  link?: string[];
  /** Templates configured (and registered with the double); default none. */
  templates?: TemplatesConfig;
  /** An SMTP server for the e-mail channel. */
  mail?: { url: string; from: string };
}

export async function startBotHarness(opts: BotHarnessOptions = {}): Promise<BotHarness> {
  const org = opts.org ?? ORG;
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const templates = opts.templates ?? NO_TEMPLATES;
  // Tests run at any hour: the double's night rule is tested on its own (tests/unit/zalo-double.test.ts).
  const double = await startZaloDouble({ ...APP, templates: registeredTemplates(templates), nightRefusal: false });
  let zalo: ZaloClient | undefined;
  let delivery: DeliveryNotifier | undefined;
  const h = await createHarness(
    { address: inject('temporalAddress'), bundlePath: inject('workflowBundlePath') },
    {
      secondsPerDay: opts.secondsPerDay ?? 30,
      ...(opts.offHoursSpeedup ? { offHoursSpeedup: opts.offHoursSpeedup } : {}),
      org,
      notifier: async (store) => {
        zalo = createZaloClient({ apiBaseUrl: double.url, oauthBaseUrl: double.url, businessBaseUrl: double.url, ...APP, store, limiter: new RateLimiter({ perMinute: 3000 }), log });
        const first = double.issueTokens();
        await zalo.tokens.seed({ accessToken: first.accessToken, refreshToken: first.refreshToken, expiresInSec: first.expiresIn });
        const senders: Partial<Record<Channel, ChannelSender>> = zaloSenders(zalo, store, templates);
        if (opts.mail) senders.email = emailSender(mailTransport(opts.mail), opts.mail.from);
        const client = zalo;
        delivery = new DeliveryNotifier({
          org,
          store,
          senders,
          templates,
          windowMs: DEFAULT_WINDOW_MS,
          windowMarginMs: DEFAULT_WINDOW_MARGIN_MS,
          zaloUsable: () => client.tokens.usable(),
          log,
        });
        return delivery;
      },
    },
  );
  const store = h.store;
  const client = zalo!;
  const zaloId = (personId: string): string => org.people.find((p) => p.id === personId)?.zaloUserId ?? devZaloId(personId);
  for (const id of opts.link ?? org.people.map((p) => p.id)) {
    await store.zaloLink(zaloId(id), id, Date.now());
    double.addUser(zaloId(id), org.people.find((p) => p.id === id)?.name ?? id);
    await store.zaloInteraction(zaloId(id), Date.now());
  }
  for (const p of org.people) if (p.phone) double.setPhone(zaloId(p.id), p.phone);

  const newInbox = () =>
    new InboxProcessor({
      store,
      log,
      retryBaseMs: 200,
      handle: createBot({ org, store, client: h.client, zalo: client, now: () => h.clock.toBusiness(Date.now()) }),
    });
  let inbox = newInbox();
  const app = express();
  app.use(webhookRouter({ auth: { appId: APP.appId, secretKey: APP.oaSecretKey, maxAgeMs: 3 * 3600_000 }, store, log, onQueued: () => inbox.kick() }));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
  double.webhookUrl = webhookUrl;

  const sentTo = (personId: string) => double.sentTo(zaloId(personId));
  const waiting = new WaitingDeliveries({
    store,
    notifier: delivery!,
    ready: () => client.tokens.usable(),
    report: (workflowId, lines) => h.client.workflow.getHandle(workflowId).signal(deliveryReported, { lines }),
    log,
  });
  const stop = h.stop;
  return {
    ...h,
    double,
    zalo: client,
    delivery: delivery!,
    waiting,
    get inbox() {
      return inbox;
    },
    stopInbox: () => inbox.stop(),
    startInbox() {
      inbox = newInbox();
      inbox.kick();
    },
    webhookUrl,
    zaloId,
    sentTo,
    say: (personId, text) => double.userSendsText(zaloId(personId), text),
    async ask(personId, text) {
      const before = sentTo(personId).length;
      const d = await double.userSendsText(zaloId(personId), text);
      if (d.status !== 200) throw new Error(`webhook answered ${d.status}: ${d.body}`);
      const key = `msg:${(d.event.message as { msg_id: string }).msg_id}`;
      await eventually(async () => (await store.inboxGet(key))?.status === 'done', 30_000, `the bot to handle "${text}"`, () => store.inboxGet(key));
      return sentTo(personId)
        .slice(before)
        .map((m) => m.text)
        .join('\n---\n');
    },
    received: (personId, match, ms = 30_000) =>
      eventually(() => sentTo(personId).find((m) => match.test(m.text)), ms, `a message to ${personId} matching ${match}`, () => sentTo(personId).map((m) => m.text)),
    async stop() {
      await waiting.stop();
      await inbox.stop();
      await new Promise<void>((r) => server.close(() => r()));
      await stop();
      await double.close();
    },
  };
}
