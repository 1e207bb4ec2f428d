// Zalo webhook events, read into what the bot acts on. Ids and timestamps stay strings (they may
// exceed 2^53). Events the bot does not act on are recognised and ignored, never queued.
import { z } from 'zod';

export type BotEvent =
  | { type: 'text'; key: string; zaloUserId: string; text: string }
  | { type: 'attachments'; key: string; zaloUserId: string; text: string; attachments: Attachment[] }
  | { type: 'follow'; key: string; zaloUserId: string }
  | { type: 'unfollow'; key: string; zaloUserId: string };

export interface Attachment {
  kind: 'image' | 'file';
  url: string;
  name?: string;
}

export type ReadEvent = { ok: true; event: BotEvent } | { ok: false; ignored: string };

const id = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/);
const base = z.object({ app_id: z.string(), event_name: z.string(), timestamp: z.string() });
const fromUser = base.extend({ sender: z.object({ id }), recipient: z.object({ id }).optional() });

const textEvent = fromUser.extend({
  event_name: z.literal('user_send_text'),
  message: z.object({ msg_id: id, text: z.string().max(10_000) }),
});

const attachmentEvent = fromUser.extend({
  event_name: z.enum(['user_send_image', 'user_send_file', 'user_send_gif', 'user_send_video', 'user_send_audio']),
  message: z.object({
    msg_id: id,
    text: z.string().max(10_000).optional(),
    attachments: z
      .array(
        z.object({
          type: z.string(),
          payload: z.object({ url: z.string().max(2000).url().regex(/^https?:\/\/\S+$/), name: z.string().max(500).optional() }).passthrough(),
        }),
      )
      .min(1)
      .max(20),
  }),
});

const followEvent = base.extend({
  event_name: z.enum(['follow', 'unfollow']),
  follower: z.object({ id }),
});

/** Reads a verified delivery. What is not ours to act on (echoes, receipts, locations…) is ignored. */
export function readEvent(body: Record<string, unknown>): ReadEvent {
  const name = typeof body.event_name === 'string' ? body.event_name.slice(0, 64) : '(none)';
  if (name === 'user_send_text') {
    const e = textEvent.safeParse(body);
    if (!e.success) return { ok: false, ignored: `malformed ${name}` };
    return { ok: true, event: { type: 'text', key: `msg:${e.data.message.msg_id}`, zaloUserId: e.data.sender.id, text: e.data.message.text } };
  }
  if (attachmentEvent.shape.event_name.options.includes(name as never)) {
    const e = attachmentEvent.safeParse(body);
    if (!e.success) return { ok: false, ignored: `malformed ${name}` };
    const attachments = e.data.message.attachments.map(
      (a): Attachment => ({ kind: a.type === 'image' || a.type === 'gif' ? 'image' : 'file', url: a.payload.url, ...(a.payload.name ? { name: a.payload.name } : {}) }),
    );
    return {
      ok: true,
      event: { type: 'attachments', key: `msg:${e.data.message.msg_id}`, zaloUserId: e.data.sender.id, text: e.data.message.text ?? '', attachments },
    };
  }
  if (name === 'follow' || name === 'unfollow') {
    const e = followEvent.safeParse(body);
    if (!e.success) return { ok: false, ignored: `malformed ${name}` };
    // No msg_id: the event name, time and follower identify a delivery.
    return { ok: true, event: { type: e.data.event_name, key: `${name}:${e.data.timestamp}:${e.data.follower.id}`, zaloUserId: e.data.follower.id } };
  }
  return { ok: false, ignored: name };
}
