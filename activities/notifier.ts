// Where notifications go. The engine only knows this interface; Zalo plugs in later.
import type { Logger } from 'pino';
import { deliveryLines, WAITING_FOR_ZALO, type Delivery, type Notification } from '../domain/notification.js';
import { newHolderId } from '../store/holder.js';
import type { LeaseStore, OutboxStore } from '../store/store.js';

/** The lease of the pass over held messages, and how long a silent holder keeps it. */
const WAITING_LEASE = 'outbox.waiting';
const WAITING_LEASE_MS = 5 * 60_000;

export interface Notifier {
  /** Delivers or throws (to be retried); a channel that can tell says where it went. */
  send(n: Notification): Promise<Delivery | void>;
}

/** Writes each notification to the log: the default channel when nothing else is configured. */
export class LogNotifier implements Notifier {
  /** `onLogged`: counts each one for /metrics (channel "log"). */
  constructor(
    private readonly log: Logger,
    private readonly onLogged?: () => void,
  ) {}
  async send(n: Notification): Promise<void> {
    this.log.info({ key: n.key, kind: n.kind, to: n.to.id, workflowId: n.workflowId }, n.text);
    this.onLogged?.();
  }
}

/**
 * Records every notification in the store's outbox before delivering it, and delivers a key at
 * most once: a retried or replayed activity with a key already marked sent does nothing.
 */
export class OutboxNotifier implements Notifier {
  constructor(
    private readonly store: OutboxStore,
    private readonly inner: Notifier,
    private readonly now: () => number = Date.now,
  ) {}

  async send(n: Notification): Promise<Delivery | void> {
    await this.store.outboxRecord(n, this.now());
    const status = (await this.store.outboxGet(n.key))?.status;
    if (status === 'sent') return;
    // Already handed to the waiting queue: it goes out from there once, not from a retried activity.
    if (status === 'waiting') return { delivered: false, waiting: WAITING_FOR_ZALO };
    await this.store.outboxMarkAttempt(n.key);
    const delivery = await this.inner.send(n);
    // Held: Zalo out of order, or nobody in the chain reachable yet (sent once someone is).
    if (delivery?.waiting || delivery?.unreached) await this.store.outboxMarkWaiting(n.key);
    else await this.store.outboxMarkSent(n.key, this.now());
    return delivery;
  }
}

/**
 * Sends what waits in the outbox: for Zalo to be usable again (a refresh token only a person can
 * renew), or for someone in the chain to become reachable (links their Zalo, gives a phone or an
 * e-mail address). Checked every few seconds, each message once, then the task's timeline is told.
 */
export class WaitingDeliveries {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Where the next pass starts, so messages that still reach nobody do not hide the ones after them. */
  private offset = 0;
  private readonly holder: string;

  constructor(
    private readonly o: {
      store: OutboxStore & LeaseStore;
      notifier: Notifier;
      /** This process, as the holder of the pass's lease (several workers share one store). */
      holder?: string;
      ready: () => boolean | Promise<boolean>;
      report: (workflowId: string, lines: string[]) => Promise<void>;
      log: Logger;
      everyMs?: number;
      now?: () => number;
    },
  ) {
    this.holder = o.holder ?? newHolderId();
  }

  start(): void {
    // A pass that fails (the store unreachable) is retried by the next tick; log it rather than leave it unhandled.
    this.timer = setInterval(() => void this.kick().catch((err) => this.o.log.warn({ err: (err as Error).message }, 'waiting deliveries pass failed')), this.o.everyMs ?? 5_000);
    this.timer.unref();
  }

  kick(): Promise<void> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    const { store } = this.o;
    if (!(await this.o.ready())) return;
    // One process at a time goes over the held messages, or two workers would send each twice.
    const holder = this.holder;
    const now = this.o.now ?? Date.now;
    if (!(await store.leaseTake(WAITING_LEASE, holder, now(), WAITING_LEASE_MS))) return;
    try {
      await this.pass(() => store.leaseTake(WAITING_LEASE, holder, now(), WAITING_LEASE_MS));
    } finally {
      await store.leaseRelease(WAITING_LEASE, holder);
    }
  }

  private async pass(renew: () => Promise<boolean>): Promise<void> {
    const { store, log } = this.o;
    const rows = await store.outboxWaiting(100, this.offset);
    let held = 0;
    this.offset = rows.length < 100 ? 0 : this.offset;
    for (const row of rows) {
      if (!(await renew())) return;
      // Sent by the process that held the pass before ours (its lease ran out mid-pass): not again.
      if ((await store.outboxGet(row.key))?.status !== 'waiting') continue;
      try {
        const { status: _s, attempts: _a, createdAt: _c, sentAt: _t, ...n } = row;
        const d = await this.o.notifier.send(n);
        if (d?.waiting) return; // Zalo still not usable: try again later
        if (d?.unreached) {
          held++; // still nobody to reach: stays held
          continue;
        }
        await store.outboxMarkSent(n.key, (this.o.now ?? Date.now)());
        const lines = deliveryLines(d ?? undefined, n.to);
        if (lines.length) await this.o.report(n.workflowId, lines).catch((err) => log.warn({ err: (err as Error).message, key: n.key }, 'delivery report not recorded'));
      } catch (err) {
        log.warn({ err: (err as Error).message, key: row.key }, 'waiting notification not sent yet');
        return;
      }
    }
    if (rows.length === 100) this.offset += held;
  }
}
