// Drains the durable inbox the webhook fills: each person's events in the order they arrived,
// different people side by side. An event that fails (Temporal or Zalo unreachable) stays
// pending and is retried with backoff, also after a restart; handlers are idempotent per event key.
// Several web processes may drain one store: a person's queue is worked by the holder of that
// person's lease only, so their events stay in order and each is handled once.
import type { Logger } from 'pino';
import { mapLimit } from '../runtime/concurrency.js';
import { newHolderId } from '../store/holder.js';
import type { InboxRow, InboxStore, LeaseStore } from '../store/store.js';
import { readEvent, type BotEvent } from './events.js';

export type EventHandler = (event: BotEvent) => Promise<string>;

export interface InboxOptions {
  store: InboxStore & LeaseStore;
  handle: EventHandler;
  /** This process, as a lease holder; default host, pid and a random part. */
  holder?: string;
  /** How long a person's queue stays with a process that stopped answering (killed mid-event). */
  leaseMs?: number;
  log: Logger;
  /** People handled at once. */
  concurrency?: number;
  /** After this many failed tries an event is set aside as failed (and logged) so it cannot block a person's queue forever. */
  maxAttempts?: number;
  retryBaseMs?: number;
  /** Handled deliveries (and so their dedupe keys) are kept this long; default 8 days (Zalo retries for hours; replays are refused meanwhile). */
  keepHandledMs?: number;
}

export const DEFAULT_KEEP_HANDLED_MS = 8 * 24 * 3600_000;
export const DEFAULT_INBOX_LEASE_MS = 60_000;

export class InboxProcessor {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly failures = new Map<string, { attempts: number; notBefore: number }>();
  private prunedAt = 0;
  /** Someone else held a person's queue in the last pass: look again once their lease could have run out. */
  private leasedElsewhere = false;
  private readonly holder: string;

  constructor(private readonly o: InboxOptions) {
    this.holder = o.holder ?? newHolderId();
  }

  /** Starts a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err) => {
        // The store failed (not one event, which runQueue handles): log it and try the pass again shortly.
        this.o.log.error({ err }, 'inbox pass failed; trying again shortly');
        clearTimeout(this.timer);
        if (this.stopped) return;
        this.timer = setTimeout(() => this.kick(), this.o.retryBaseMs ?? 1000);
        this.timer.unref();
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when nothing is pending that could be handled now. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.idle();
  }

  private async drain(): Promise<void> {
    if (Date.now() - this.prunedAt > 3600_000) {
      this.prunedAt = Date.now();
      const n = await this.o.store.inboxPrune(Date.now() - (this.o.keepHandledMs ?? DEFAULT_KEEP_HANDLED_MS));
      if (n) this.o.log.info({ pruned: n }, 'forgot handled webhook deliveries past the dedupe period');
    }
    for (;;) {
      const rows = (await this.o.store.inboxPending(500)).filter((r) => (this.failures.get(r.key)?.notBefore ?? 0) <= Date.now());
      if (rows.length === 0) break;
      const byPerson = new Map<string, InboxRow[]>();
      for (const r of rows) {
        const who = senderOf(r);
        byPerson.set(who, [...(byPerson.get(who) ?? []), r]);
      }
      const progressed = await mapLimit([...byPerson.entries()], this.o.concurrency ?? 8, ([who, queue]) => this.runPerson(who, queue));
      if (!progressed.some(Boolean)) break;
    }
    this.scheduleRetry();
  }

  /** A person's queue, under their lease; skipped while another process holds it. */
  private async runPerson(who: string, queue: InboxRow[]): Promise<boolean> {
    const { store } = this.o;
    const name = `inbox:${who}`;
    const take = () => store.leaseTake(name, this.holder, Date.now(), this.o.leaseMs ?? DEFAULT_INBOX_LEASE_MS);
    if (!(await take())) {
      this.leasedElsewhere = true;
      return false;
    }
    try {
      return await this.runQueue(queue, take);
    } finally {
      await store.leaseRelease(name, this.holder);
    }
  }

  /** One person's events in order; stops at the first that must be retried, or when the lease is lost. True if any finished. */
  private async runQueue(queue: InboxRow[], renew: () => Promise<boolean>): Promise<boolean> {
    let finished = false;
    for (const row of queue) {
      // Read before the lease was ours: another process may have handled it since.
      if (!(await renew())) return finished;
      if ((await this.o.store.inboxGet(row.key))?.status !== 'pending') {
        finished = true;
        continue;
      }
      const read = parse(row);
      if (!read) {
        await this.o.store.inboxFinish(row.key, 'failed', 'unreadable body');
        finished = true;
        continue;
      }
      try {
        const outcome = await this.o.handle(read);
        await this.o.store.inboxFinish(row.key, 'done', outcome);
        this.failures.delete(row.key);
        finished = true;
      } catch (err) {
        const f = this.failures.get(row.key) ?? { attempts: 0, notBefore: 0 };
        f.attempts++;
        const max = this.o.maxAttempts ?? 12;
        if (f.attempts >= max) {
          this.o.log.error({ err, key: row.key, attempts: f.attempts }, 'bot event set aside after repeated failures');
          await this.o.store.inboxFinish(row.key, 'failed', (err as Error).message);
          this.failures.delete(row.key);
          finished = true;
          continue;
        }
        f.notBefore = Date.now() + Math.min((this.o.retryBaseMs ?? 1000) * 2 ** (f.attempts - 1), 5 * 60_000);
        this.failures.set(row.key, f);
        this.o.log.warn({ err: (err as Error).message, key: row.key, attempts: f.attempts }, 'bot event will be retried');
        return finished;
      }
    }
    return finished;
  }

  private scheduleRetry(): void {
    clearTimeout(this.timer);
    const elsewhere = this.leasedElsewhere;
    this.leasedElsewhere = false;
    if (this.stopped || (this.failures.size === 0 && !elsewhere)) return;
    const lease = Date.now() + (this.o.leaseMs ?? DEFAULT_INBOX_LEASE_MS);
    const next = Math.min(...[...this.failures.values()].map((f) => f.notBefore), elsewhere ? lease : Infinity);
    this.timer = setTimeout(() => this.kick(), Math.max(50, next - Date.now()));
    this.timer.unref();
  }
}

function parse(row: InboxRow): BotEvent | undefined {
  try {
    const read = readEvent(JSON.parse(row.body) as Record<string, unknown>);
    return read.ok ? read.event : undefined;
  } catch {
    return undefined;
  }
}

function senderOf(row: InboxRow): string {
  return parse(row)?.zaloUserId ?? row.key;
}
