// Configuration from the environment, checked once at start-up.
import { z } from 'zod';
import { resolve } from 'node:path';

/** The sticky cache's default size (bench/plan-start.ts measured the worker with 10,000 workflows open). */
export const WORKER_CACHE_DEFAULT = 250;

const envSchema = z.object({
  /** Connection settings (with TEMPORAL_API_KEY, TEMPORAL_TLS_*, the profile file) are resolved by runtime/temporal.ts. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('de-an-06'),
  /** Port of the embedded dev server (when TEMPORAL_ADDRESS is not set) and of its UI. */
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8233),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('data'),
  /** PostgreSQL for the store (store/open.ts), shared by every process; unset: SQLite in DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'postgres:// or postgresql:// URL').optional(),
  ORG_FILE: z.string().min(1).default('examples/org-so-noi-vu.yaml'),
  CALENDAR_FILE: z.string().min(1).default('config/calendar.yaml'),
  EXAMPLE_PLAN_FILE: z.string().default('examples/plan-000-so-noi-vu-hau-giang-2024.yaml'),
  /** Zalo OA. With none of the credentials set, `npm start` runs the local Zalo double instead. */
  ZALO_APP_ID: z.string().min(1).optional(),
  ZALO_APP_SECRET: z.string().min(1).optional(),
  ZALO_OA_SECRET_KEY: z.string().min(1).optional(),
  ZALO_ACCESS_TOKEN: z.string().min(1).optional(),
  ZALO_REFRESH_TOKEN: z.string().min(1).optional(),
  ZALO_API_BASE_URL: z.string().url().default('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE_URL: z.string().url().default('https://oauth.zaloapp.com'),
  /** Template messages by phone go to this host. */
  ZALO_BUSINESS_API_BASE_URL: z.string().url().default('https://business.openapi.zalo.me'),
  /** Which Zalo template each kind of notification uses (YAML); unset: no templates (with the local double: the example file). */
  ZALO_TEMPLATES_FILE: z.string().min(1).optional(),
  /** Stop relying on the 7-day consultation window this many hours before it closes. */
  ZALO_WINDOW_MARGIN_HOURS: z.coerce.number().min(0).max(167).default(6),
  /** Below the app's limit (about 4,000 a minute) so replies and reminders never hit -32 in normal use. */
  ZALO_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(3000),
  /** Webhook deliveries older than this are refused. Zalo retries a failed delivery for about two hours: keep this above. */
  ZALO_WEBHOOK_MAX_AGE_SECONDS: z.coerce.number().int().min(1).default(3 * 3600),
  /** How long the ids of handled webhook deliveries are kept to refuse replays (at least 7 days). */
  ZALO_DEDUPE_DAYS: z.coerce.number().int().min(7).default(8),
  /** E-mail, the channel outside Zalo: an SMTP URL (smtp://user:pass@host:587, smtps://…) and the sender. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).optional(),
  /** Signs in an admin of the org chart to the dashboard before anyone has linked Zalo. */
  ADMIN_TOKEN: z.string().min(16).optional(),
  /** Signs session cookies; made once and kept in the store when unset. */
  SESSION_SECRET: z.string().min(32).optional(),
  /** Mark cookies Secure: set when the dashboard is served over HTTPS. */
  COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  /**
   * Which reverse proxies to believe about the client (X-Forwarded-For/-Proto): a hop count ("1"),
   * or addresses/subnets/express names ("loopback, 10.0.0.0/8"). Unset: none (direct connections).
   */
  TRUST_PROXY: z.string().regex(/^(\d+|true|false|[\w.:/, -]+)$/, 'a hop count, true/false, or a comma list of addresses or subnets').optional(),
  /** Loopback port of the Temporal SDK's Prometheus exporter in processes that run a worker; 0: off. */
  TEMPORAL_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** `--role worker` only: serve /healthz, /readyz and /metrics on this port (unset: no HTTP). */
  WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * Workflows a worker keeps in memory between their tasks (the sticky cache). Most task workflows
   * sleep for weeks; one evicted from the cache is replayed from its history when it wakes.
   */
  WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(WORKER_CACHE_DEFAULT),
  /** The workflow code bundled beforehand (`npm run build:workflows`); unset: the worker bundles it at start. */
  WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** Workflow tasks, activities and local activities a worker runs at once. */
  WORKER_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(1000).default(40),
  WORKER_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(100),
  WORKER_LOCAL_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: pretty in a terminal outside production, JSON otherwise (runtime/logger.ts). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** `npm start -- --demo`: how many real seconds a business day lasts. */
  DEMO_SECONDS_PER_DAY: z.coerce.number().min(1).max(3600).default(30),
});

export type Config = z.output<typeof envSchema> & { dataDir: string; zalo: ZaloConfig | undefined; mail: { url: string; from: string } | undefined; trustProxy: TrustProxy };

/** What express's 'trust proxy' setting takes. */
export type TrustProxy = boolean | number | string[];

/** TRUST_PROXY as express reads it: a number is a hop count, a list names the proxies; unset or "false": none. */
export function parseTrustProxy(v: string | undefined): TrustProxy {
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((x) => x.trim()).filter(Boolean);
}

/** The OA's credentials, when configured (all of them or none). */
export interface ZaloConfig {
  appId: string;
  appSecret: string;
  oaSecretKey: string;
  accessToken: string;
  refreshToken: string;
  apiBaseUrl: string;
  oauthBaseUrl: string;
  businessBaseUrl: string;
}

const ZALO_KEYS = ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY', 'ZALO_ACCESS_TOKEN', 'ZALO_REFRESH_TOKEN'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (compose's `${X:-}`) means unset.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const d = parsed.data;
  const missing = ZALO_KEYS.filter((k) => !d[k]);
  if (missing.length > 0 && missing.length < ZALO_KEYS.length) throw new Error(`Invalid environment: Zalo OA needs all of ${ZALO_KEYS.join(', ')}; missing ${missing.join(', ')}`);
  const zalo: ZaloConfig | undefined = missing.length
    ? undefined
    : {
        appId: d.ZALO_APP_ID!,
        appSecret: d.ZALO_APP_SECRET!,
        oaSecretKey: d.ZALO_OA_SECRET_KEY!,
        accessToken: d.ZALO_ACCESS_TOKEN!,
        refreshToken: d.ZALO_REFRESH_TOKEN!,
        apiBaseUrl: d.ZALO_API_BASE_URL,
        oauthBaseUrl: d.ZALO_OAUTH_BASE_URL,
        businessBaseUrl: d.ZALO_BUSINESS_API_BASE_URL,
      };
  if (!!d.SMTP_URL !== !!d.MAIL_FROM) throw new Error('Invalid environment: e-mail needs both SMTP_URL and MAIL_FROM');
  const mail = d.SMTP_URL && d.MAIL_FROM ? { url: d.SMTP_URL, from: d.MAIL_FROM } : undefined;
  return { ...d, dataDir: resolve(d.DATA_DIR), zalo, mail, trustProxy: parseTrustProxy(d.TRUST_PROXY) };
}
