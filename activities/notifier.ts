// Where notifications go. The engine only knows this interface; Zalo plugs in later.
import type { Logger } from 'pino';
import type { Delivery, Notification } from '../domain/notification.js';
import type { Store } from '../store/store.js';

export interface Notifier {
  /** Delivers or throws (to be retried); a channel that can tell says where it went. */
  send(n: Notification): Promise<Delivery | void>;
}

/** Writes each notification to the log: the default channel when nothing else is configured. */
export class LogNotifier implements Notifier {
  constructor(private readonly log: Logger) {}
  async send(n: Notification): Promise<void> {
    this.log.info({ key: n.key, kind: n.kind, to: n.to.id, workflowId: n.workflowId }, n.text);
  }
}

/**
 * Records every notification in the store's outbox before delivering it, and delivers a key at
 * most once: a retried or replayed activity with a key already marked sent does nothing.
 */
export class OutboxNotifier implements Notifier {
  constructor(
    private readonly store: Store,
    private readonly inner: Notifier,
    private readonly now: () => number = Date.now,
  ) {}

  async send(n: Notification): Promise<Delivery | void> {
    this.store.outboxRecord(n, this.now());
    if (this.store.outboxGet(n.key)?.status === 'sent') return;
    this.store.outboxMarkAttempt(n.key);
    const delivery = await this.inner.send(n);
    this.store.outboxMarkSent(n.key, this.now());
    return delivery;
  }
}
