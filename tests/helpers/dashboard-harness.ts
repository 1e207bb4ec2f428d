// The dashboard on the bot harness: the web app with its sign-in codes delivered through the Zalo
// double, on a loopback port. Tests sign in as a person would.
import type { Connection } from '@temporalio/client';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { tokenProblem } from '../../client/zalo-tokens.js';
import { sendSigninCode } from '../../worker/notify.js';
import { createMetrics } from '../../runtime/metrics.js';
import { createApp, zaloHealthProbe } from '../../web/server.js';
import { devZaloRouter } from '../../web/dev-zalo.js';
import { startBotHarness, type BotHarness, type BotHarnessOptions } from './bot-harness.js';
import { eventually, ORG } from './harness-core.js';

export const ADMIN_TOKEN = 'admin-token-for-the-tests-0123456789';

export interface DashboardHarness extends BotHarness {
  base: string;
  /** The 6-digit code the person's latest sign-in message on Zalo carries (waits for a new one). */
  signInCode(personId: string, sentBefore: number): Promise<string>;
}

export async function startDashboardHarness(opts: Pick<BotHarnessOptions, 'secondsPerDay' | 'link'> = {}): Promise<DashboardHarness> {
  const h = await startBotHarness(opts);
  const app = await createApp({
    connection: h.client.connection as Connection,
    namespace: 'default',
    // The chat page of `npm start`, over the same double: the browser tests photograph it.
    routers: [devZaloRouter({ org: ORG, store: h.store, double: h.double })],
    dashboard: {
      org: ORG,
      store: h.store,
      client: h.client,
      reportsDir: join(h.dir, 'reports'),
      taskQueue: h.taskQueue,
      adminToken: ADMIN_TOKEN,
      secret: 'a-session-secret-for-the-dashboard-tests',
      now: () => h.clock.toBusiness(Date.now()),
      sendCode: (personId, text, code) => sendSigninCode(h.delivery, ORG, personId, text, code, pino({ level: 'silent' })),
      contacts: { rules: () => h.delivery.rulesFor({ kind: 'reminder' }), tokenProblem: () => tokenProblem(h.store) },
    },
    zalo: zaloHealthProbe(h.store, { configured: true, usable: () => h.zalo.tokens.usable() }),
    store: h.store,
    // Short cache: tests read the counts right after changing them.
    metrics: createMetrics({ inbox: h.store, client: h.client, cacheMs: 500 }),
  });
  const server: Server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = h.stop;
  return Object.assign(h, {
    base,
    async signInCode(personId: string, sentBefore: number) {
      const m = await eventually(() => h.sentTo(personId).slice(sentBefore).find((x) => x.text.startsWith('Mã đăng nhập')), 10_000, 'the sign-in code on Zalo');
      return /(\d{6})/.exec(m.text)![1]!;
    },
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      await stop();
    },
  });
}
