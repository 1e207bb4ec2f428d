// Connects to the Zalo OA: the real one when credentials are configured, otherwise a local double
// on loopback (for newcomers and demos; production always has credentials).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhookAuthConfig } from '../bot/webhook-auth.js';
import { RateLimiter } from '../bot/rate-limiter.js';
import { createZaloClient, type ZaloClient } from '../bot/zalo-client.js';
import { registeredTemplates, startZaloDouble, type ZaloDouble } from '../bot/zalo-double.js';
import type { Config } from '../runtime/config.js';
import type { Org } from '../domain/org.js';
import type { TemplatesConfig } from '../domain/templates.js';
import type { Store } from '../store/store.js';
import { devZaloId } from '../web/dev-zalo.js';

export interface ZaloConnection {
  client: ZaloClient;
  auth: WebhookAuthConfig;
  /** Set when running against the local double. */
  double?: ZaloDouble;
  close(): Promise<void>;
}

export async function connectZalo(config: Config, store: Store, log: Logger, o: { org?: Org; templates?: TemplatesConfig } = {}): Promise<ZaloConnection> {
  // One budget for every process on this store: worker and web both send.
  const limiter = new RateLimiter({ perMinute: config.ZALO_RATE_PER_MINUTE, shared: { store, bucket: 'zalo' } });
  const maxAgeMs = config.ZALO_WEBHOOK_MAX_AGE_SECONDS * 1000;
  if (config.zalo) {
    const z = config.zalo;
    const client = createZaloClient({ apiBaseUrl: z.apiBaseUrl, oauthBaseUrl: z.oauthBaseUrl, businessBaseUrl: z.businessBaseUrl, appId: z.appId, appSecret: z.appSecret, store, limiter, log });
    // The env pair only seeds an empty store: a stored pair is newer (refresh tokens are single use).
    if (await client.tokens.seed({ accessToken: z.accessToken, refreshToken: z.refreshToken })) log.info('Zalo tokens seeded from the environment');
    return { client, auth: { appId: z.appId, secretKey: z.oaSecretKey, maxAgeMs }, close: async () => undefined };
  }
  const secrets = { appId: `dev${randomBytes(6).readUIntBE(0, 6)}`, appSecret: randomBytes(16).toString('hex'), oaSecretKey: randomBytes(16).toString('hex') };
  // The double knows the example templates and the org chart's phones, as the agency's real OA would.
  const double = await startZaloDouble({ ...secrets, templates: o.templates ? registeredTemplates(o.templates) : {} });
  for (const p of o.org?.people ?? []) if (p.phone) double.setPhone(devZaloId(p.id), p.phone);
  const client = createZaloClient({ apiBaseUrl: double.url, oauthBaseUrl: double.url, businessBaseUrl: double.url, appId: secrets.appId, appSecret: secrets.appSecret, store, limiter, log });
  // The double forgets its tokens when it stops: start from its fresh pair every time.
  const first = double.issueTokens();
  await store.zaloTokensPut({ accessToken: first.accessToken, refreshToken: first.refreshToken, expiresAt: Date.now() + first.expiresIn * 1000, updatedAt: Date.now() });
  log.warn({ url: double.url }, 'no Zalo credentials (ZALO_APP_ID, …): using the local Zalo double; chat with the bot at /dev/zalo');
  return { client, auth: { appId: secrets.appId, secretKey: secrets.oaSecretKey, maxAgeMs }, double, close: () => double.close() };
}
