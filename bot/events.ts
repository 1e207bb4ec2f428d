// Zalo webhook events, read into what the bot acts on. Ids and timestamps stay strings (they may
// exceed 2^53). Events the bot does not act on are recognised and ignored, never queued.
import { z } from 'zod';

/** `at`: when the user acted (the event's timestamp, epoch ms): their last interaction with the OA. */
export type BotEvent =
  | { type: 'text'; key: string; zaloUserId: string; at: number; text: string }
  | { type: 'attachments'; key: string; zaloUserId: string; at: number; text: string; attachments: Attachment[] }
  | { type: 'follow'; key: string; zaloUserId: string; at: number }
  | { type: 'unfollow'; key: string; zaloUserId: string; at: number }
  /** The answer to a request_user_info message: the name and phone of the user's Zalo account. */
  | { type: 'submit_info'; key: string; zaloUserId: string; at: number; name: string; phone: string };

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

// The shape of `info` is not fully published: the phone is read from the fields integrators report.
const submitInfoEvent = fromUser.extend({
  event_name: z.literal('user_submit_info'),
  info: z
    .object({
      name: z.string().max(200).optional(),
      phone: z.union([z.string().max(32), z.number()]).optional(),
      phone_number: z.union([z.string().max(32), z.number()]).optional(),
    })
    .passthrough(),
});

const followEvent = base.extend({
  event_name: z.enum(['follow', 'unfollow']),
  follower: z.object({ id }),
});

/** Reads a verified delivery. What is not ours to act on (echoes, receipts, locations…) is ignored. */
export function readEvent(body: Record<string, unknown>): ReadEvent {
  const name = typeof body.event_name === 'string' ? body.event_name.slice(0, 64) : '(none)';
  const at = Number(body.timestamp);
  const read = readNamed(body, name);
  if (!read.ok) return read;
  return { ok: true, event: { ...read.event, at: Number.isFinite(at) ? at : 0 } as BotEvent };
}

type Unstamped = BotEvent extends infer E ? (E extends BotEvent ? Omit<E, 'at'> : never) : never;

function readNamed(body: Record<string, unknown>, name: string): { ok: true; event: Unstamped } | { ok: false; ignored: string } {
  if (name === 'user_submit_info') {
    const e = submitInfoEvent.safeParse(body);
    if (!e.success) return { ok: false, ignored: `malformed ${name}` };
    const phone = e.data.info.phone ?? e.data.info.phone_number;
    if (phone === undefined) return { ok: false, ignored: `${name} without a phone` };
    return {
      ok: true,
      event: { type: 'submit_info', key: `submit_info:${e.data.timestamp}:${e.data.sender.id}`, zaloUserId: e.data.sender.id, name: e.data.info.name ?? '', phone: String(phone) },
    };
  }
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
