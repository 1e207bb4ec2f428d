// The three Zalo channels as the delivery notifier sees them: a consultation message (text and
// buttons, inside the 7-day window), a template by user id, a template by phone. Zalo's answer
// becomes an outcome: a per-person refusal, a refusal of the message itself, Zalo unusable (no
// valid token), or a fault thrown for the activity to retry.
import { createHash } from 'node:crypto';
import type { ChannelSender, SendOutcome } from '../activities/delivery.js';
import type { Notification } from '../domain/notification.js';
import { refusalReason, type Channel } from '../domain/reach.js';
import { fillTemplate, templateFor, type TemplatesConfig } from '../domain/templates.js';
import type { OnceStore } from '../store/store.js';
import { sendText } from './outbound.js';
import { ZaloApiError, type ZaloClient } from './zalo-client.js';

export function outcomeOf(err: unknown): SendOutcome {
  if (err instanceof ZaloApiError) {
    if (err.kind === 'unreachable_user') return { ok: false, code: err.code, reason: refusalReason(err.code), scope: 'person' };
    if (err.kind === 'bad_request' || err.kind === 'quota') return { ok: false, code: err.code, reason: `Zalo từ chối tin nhắn (mã lỗi ${err.code})`, scope: 'message' };
    if (err.kind === 'token') return { ok: false, code: err.code, reason: 'Zalo OA chưa có mã truy cập hợp lệ', scope: 'zalo' };
  } else if ((err as { kind?: string } | undefined)?.kind === 'token') return { ok: false, code: -216, reason: 'Zalo OA chưa có mã truy cập hợp lệ', scope: 'zalo' };
  throw err;
}

/** Zalo's tracking_id is at most 48 characters; ours is derived from the delivery key. */
const trackingId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

export function zaloSenders(zalo: ZaloClient, store: OnceStore, templates: TemplatesConfig, now: () => number = Date.now): Partial<Record<Channel, ChannelSender>> {
  const template = (n: Notification) => {
    const t = templateFor(templates, n.kind);
    if (!t) throw new Error(`no template configured for ${n.kind}`);
    return t;
  };
  const attempt = async (fn: () => Promise<unknown>): Promise<SendOutcome> => {
    try {
      await fn();
      return { ok: true };
    } catch (err) {
      return outcomeOf(err);
    }
  };
  const cs: ChannelSender = {
    send: (_c, { reach }, n, text, key) => attempt(() => sendText(zalo, store, { userId: reach.zaloUserId!, text, actions: n.actions, key, now })),
  };
  const byUser: ChannelSender = {
    send: (_c, { person, reach }, n) =>
      attempt(() => {
        const t = template(n);
        return zalo.message.template(reach.zaloUserId!, { templateId: t.templateId, data: fillTemplate(t, n, person.name), mode: templates.mode });
      }),
  };
  const byPhone: ChannelSender = {
    send: (_c, { person, reach }, n, _text, key) =>
      attempt(() => {
        const t = template(n);
        return zalo.message.templateByPhone(reach.phone!, { templateId: t.templateId, data: fillTemplate(t, n, person.name), mode: templates.mode, trackingId: trackingId(key) });
      }),
  };
  return { zalo_cs: cs, zalo_template_uid: byUser, zalo_template_phone: byPhone };
}
