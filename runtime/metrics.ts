// The application's Prometheus metrics: one registry per process (made here, passed through deps,
// so each test gets its own), plus the Temporal SDK's worker metrics appended when this process
// runs a worker (the core serves them on a loopback port of its own).
import type { Client } from '@temporalio/client';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { and, countTasks, escalationAtLeast, is, LATEST_RUN, RUNNING } from '../client/visibility.js';
import { TASK_STATUSES } from '../domain/status.js';
import type { InboxStore } from '../store/store.js';

/** Visibility is rate-limited: the task counts are read at most this often. */
export const VISIBILITY_CACHE_MS = 30_000;
/** Escalation levels above "none" (domain/ladder.ts: 1 head of unit, 2 deputy director, 3 director). */
const LEVELS = [1, 2, 3] as const;

export interface MetricsSources {
  /** Inbox depth and oldest pending age, read at scrape time. */
  inbox?: Pick<InboxStore, 'inboxStats'>;
  /** Tasks by status and escalations by level, from visibility (cached). */
  client?: Client;
  /** The Temporal SDK's Prometheus endpoint (the core's exporter), appended to the output. */
  sdkMetricsUrl?: string;
  /** Process metrics (CPU, memory, event loop): on in the real process, off in tests. */
  processMetrics?: boolean;
  cacheMs?: number;
  now?: () => number;
}

export interface AppMetrics {
  readonly registry: Registry;
  /** One delivery attempt ended: `channel` (zalo_cs, email, …, none) and how it went. */
  notification(channel: string, outcome: string): void;
  /** Starts timing a webhook request; call the result with the HTTP status when answered. */
  webhookTimer(): (status: number) => void;
  /** The text a scrape answers: the application's metrics, then the SDK's when available. */
  render(): Promise<{ contentType: string; body: string }>;
}

type Counts = { tasks: Map<string, number>; escalations: Map<number, number> };

export function createMetrics(src: MetricsSources = {}): AppMetrics {
  const now = src.now ?? Date.now;
  const registry = new Registry();
  if (src.processMetrics) collectDefaultMetrics({ register: registry });

  const notifications = new Counter({
    name: 'de_an_06_notifications_total',
    help: 'Notification delivery attempts, by channel and outcome (delivered, refused_person, refused_message, zalo_unusable, error, unreached).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const webhook = new Histogram({
    name: 'de_an_06_webhook_duration_seconds',
    help: 'Zalo webhook handling time, from the request to the answer, by HTTP status.',
    labelNames: ['status'] as const,
    // Zalo gives about 2 s: the buckets are dense below it.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });

  // Gauges read at scrape time: `collect` runs on each scrape (prom-client awaits it).
  const inboxCollect = src.inbox ? { collect: () => readInbox() } : {};
  const inboxPending = new Gauge({ name: 'de_an_06_inbox_pending', help: 'Webhook deliveries accepted and not handled yet.', registers: [registry], ...inboxCollect });
  const inboxOldest = new Gauge({
    name: 'de_an_06_inbox_oldest_pending_age_seconds',
    help: 'Age of the oldest webhook delivery not handled yet (0 when none waits).',
    registers: [registry],
    ...inboxCollect,
  });
  let inboxRead: Promise<void> | undefined;
  // Both inbox gauges come from one query per scrape.
  const readInbox = (): Promise<void> =>
    (inboxRead ??= (async () => {
      try {
        if (!src.inbox) return;
        const s = await src.inbox.inboxStats();
        inboxPending.set(s.pending);
        inboxOldest.set(s.oldestPendingAt !== undefined ? Math.max(0, (now() - s.oldestPendingAt) / 1000) : 0);
      } catch {
        // The store is down: the last known values rather than a failed scrape (/readyz says why).
      } finally {
        inboxRead = undefined;
      }
    })());

  /** A gauge's collect that first refreshes the visibility counts (none without a client). */
  const fromVisibility = (set: () => void) =>
    src.client
      ? {
          collect: async () => {
            await refresh();
            set();
          },
        }
      : {};
  const tasks = new Gauge({
    name: 'de_an_06_tasks',
    help: `Unit tasks by status, from Temporal visibility (closed ones until the namespace's retention); refreshed at most every ${(src.cacheMs ?? VISIBILITY_CACHE_MS) / 1000} s.`,
    labelNames: ['status'] as const,
    registers: [registry],
    ...fromVisibility(() => {
      for (const [s, n] of last?.tasks ?? []) tasks.set({ status: s }, n);
    }),
  });
  const escalations = new Gauge({
    name: 'de_an_06_escalations',
    help: 'Open unit tasks at each escalation level (1 head of unit, 2 deputy director, 3 director), from Temporal visibility.',
    labelNames: ['level'] as const,
    registers: [registry],
    ...fromVisibility(() => {
      for (const [l, n] of last?.escalations ?? []) escalations.set({ level: String(l) }, n);
    }),
  });
  const visibilityUp = new Gauge({
    name: 'de_an_06_visibility_up',
    help: 'Whether the last read of Temporal visibility succeeded (1) or not (0).',
    registers: [registry],
    ...fromVisibility(() => visibilityUp.set(up)),
  });

  let last: Counts | undefined;
  let readAt = -Infinity;
  let up = 0;
  let reading: Promise<void> | undefined;
  const readVisibility = async (client: Client): Promise<Counts> => {
    const count = (where: string) => client.connection.withDeadline(now() + 5_000, () => countTasks(client, where));
    const [byStatus, atLeast] = await Promise.all([
      Promise.all(TASK_STATUSES.map((s) => count(and(LATEST_RUN, is('TaskStatus', s))))),
      Promise.all(LEVELS.map((l) => count(and(RUNNING, escalationAtLeast(l))))),
    ]);
    // Exactly at level l = at least l − at least l+1 (counts are eventually consistent: never below 0).
    return {
      tasks: new Map(TASK_STATUSES.map((s, i) => [s, byStatus[i]!])),
      escalations: new Map(LEVELS.map((l, i) => [l, Math.max(0, atLeast[i]! - (atLeast[i + 1] ?? 0))])),
    };
  };
  const refresh = (): Promise<void> => {
    const client = src.client;
    if (!client || now() - readAt < (src.cacheMs ?? VISIBILITY_CACHE_MS)) return Promise.resolve();
    return (reading ??= readVisibility(client)
      .then((c) => {
        last = c;
        up = 1;
      })
      .catch(() => {
        up = 0; // keep the last counts: known, if stale
      })
      .finally(() => {
        // A failure also waits for the next period: a down Temporal is not asked on every scrape.
        readAt = now();
        reading = undefined;
      }));
  };

  return {
    registry,
    notification: (channel, outcome) => notifications.inc({ channel, outcome }),
    webhookTimer() {
      const start = process.hrtime.bigint();
      return (status) => webhook.observe({ status: String(status) }, Number(process.hrtime.bigint() - start) / 1e9);
    },
    async render() {
      const own = await registry.metrics();
      const sdk = src.sdkMetricsUrl ? await fetchSdkMetrics(src.sdkMetricsUrl) : undefined;
      return { contentType: registry.contentType, body: sdk ? `${own}\n${sdk.endsWith('\n') ? sdk : `${sdk}\n`}` : own };
    },
  };
}

/** The core's Prometheus text; undefined when it does not answer within a second (the scrape goes on without it). */
async function fetchSdkMetrics(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}
