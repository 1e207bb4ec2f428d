// The engine's notifier over Zalo. A person who cannot be reached (no linked account, not
// following the OA, outside the 7-day window) gets nothing, and the next one up the chain gets the
// message instead, marked as forwarded; the workflow's timeline records it. Other failures throw,
// so the activity retries until Zalo is back.
import type { Logger } from 'pino';
import type { Notifier } from '../activities/notifier.js';
import { texts, type Delivery, type Notification } from '../domain/notification.js';
import type { PersonRef } from '../domain/org.js';
import type { Store } from '../store/store.js';
import { sendText } from './outbound.js';
import { ZaloApiError, type ZaloClient } from './zalo-client.js';

const UNREACHABLE: Record<number, string> = {
  [-213]: 'chưa quan tâm Zalo OA',
  [-230]: 'quá 7 ngày không tương tác với Zalo OA',
  [-232]: 'đã hết thời hạn tương tác với Zalo OA',
};

export class ZaloNotifier implements Notifier {
  constructor(
    private readonly zalo: ZaloClient,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async send(n: Notification): Promise<Delivery> {
    const first = await this.tryPerson(n.to, n.text, n);
    if (first.ok) return { delivered: true, to: n.to };
    // Zalo refused the message itself: sending it to someone else would fail the same way.
    if (first.refused) return { delivered: false, insteadOf: { person: n.to, reason: first.reason } };
    this.log.warn({ key: n.key, to: n.to.id, reason: first.reason, fallback: n.fallback?.id }, 'notification forwarded up the chain');
    if (n.fallback) {
      const second = await this.tryPerson(n.fallback, texts.forwarded(n.to, first.reason, n.text), n, 'fallback');
      if (second.ok) return { delivered: true, to: n.fallback, insteadOf: { person: n.to, reason: first.reason } };
    }
    return { delivered: false, insteadOf: { person: n.to, reason: first.reason } };
  }

  private async tryPerson(p: PersonRef, text: string, n: Notification, leg = 'to'): Promise<{ ok: true } | { ok: false; reason: string; refused?: true }> {
    const link = this.store.zaloLinkOfPerson(p.id);
    if (!link) return { ok: false, reason: 'chưa liên kết tài khoản Zalo' };
    if (link.unreachableSince) return { ok: false, reason: 'đã bỏ quan tâm Zalo OA' };
    try {
      await sendText(this.zalo, this.store, { userId: link.zaloUserId, text, actions: n.actions, key: `${n.key}:${leg}`, now: this.now });
      return { ok: true };
    } catch (err) {
      if (err instanceof ZaloApiError && err.kind === 'unreachable_user') {
        if (err.code === -213) this.store.zaloSetReachable(link.zaloUserId, false, this.now());
        return { ok: false, reason: UNREACHABLE[err.code] ?? 'không liên lạc được qua Zalo' };
      }
      if (err instanceof ZaloApiError && err.kind === 'bad_request') {
        this.log.error({ key: n.key, code: err.code, err: err.message }, 'Zalo refused a notification as malformed');
        return { ok: false, reason: `Zalo từ chối tin nhắn (mã lỗi ${err.code})`, refused: true };
      }
      throw err;
    }
  }
}
