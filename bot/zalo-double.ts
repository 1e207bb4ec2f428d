// A local stand-in for Zalo OA, speaking its wire format: the Open API (message.cs, template
// messages by user id and by phone, request_user_info, user.detail, user.getlist), the OAuth
// refresh, and signed webhook events. `npm start` uses it when no Zalo credentials are
// configured; tests use it to prove the client's behaviour over real HTTP. It keeps Zalo's
// published rules (../shared/reference/zalo-oa.md), refusals included: access tokens expire and
// refresh tokens are single use; a consultation message needs an interaction within 7 days
// (-230); templates must be registered, with exactly their parameters within their lengths
// (-201), some only by phone (-249), none at night (-234); blocked users (-217), inactive ones
// (-227), phones without a Zalo account (-118).
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomBytes, randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { TemplatesConfig } from '../domain/templates.js';
import { expectedSignature } from './webhook-auth.js';

/** A template as registered with Zalo: its parameters with their maximum lengths. */
export interface RegisteredTemplate {
  params: Record<string, number>;
  /** false: Zalo sends it only by phone (-249 by user id). */
  byUserId?: boolean;
}

export interface ZaloDoubleOptions {
  appId: string;
  appSecret: string;
  oaSecretKey: string;
  oaId?: string;
  webhookUrl?: string;
  port?: number;
  accessTokenTtlSec?: number;
  rateLimitPerMinute?: number;
  now?: () => number;
  templates?: Record<string, RegisteredTemplate>;
  /** Refuse templates at night (22:00–05:59 Asia/Ho_Chi_Minh), as Zalo does; default true. Off only for tests that must pass at any hour. */
  nightRefusal?: boolean;
}

export interface SentMessage {
  messageId: string;
  /** The recipient's Zalo user id (for a template by phone: the account of that phone). */
  userId: string;
  /** For a template: a rendering of its id and parameters, so a reader sees what arrived. */
  text: string;
  buttons: { title: string; type: string; payload: unknown }[];
  at: number;
  via: 'cs' | 'template' | 'template_phone' | 'request_user_info';
  templateId?: string;
  data?: Record<string, string>;
  phone?: string;
}

/** The templates a configuration uses, as Zalo would have approved them: each parameter with its length. */
export function registeredTemplates(t: TemplatesConfig): Record<string, RegisteredTemplate> {
  return Object.fromEntries(
    Object.values(t.templates).map((x) => [x.templateId, { params: Object.fromEntries(Object.entries(x.params).map(([k, p]) => [k, p.max])), byUserId: x.byUserId }]),
  );
}

/** Zalo's consultation window. */
export const WINDOW_MS = 7 * 24 * 3600_000;

export interface WebhookDelivery {
  status: number;
  body: string;
  rawBody: string;
  signature: string;
  event: Record<string, unknown>;
}

export interface ZaloDouble {
  readonly url: string;
  webhookUrl: string | undefined;
  issueTokens(): { accessToken: string; refreshToken: string; expiresIn: number };
  readonly sent: SentMessage[];
  sentTo(userId: string): SentMessage[];
  readonly refreshCalls: number;
  readonly calls: { path: string; error: number; at: number }[];
  failNext(code: number, times?: number, path?: 'message' | 'oauth' | 'user'): void;
  setDown(down: boolean): void;
  setFollower(userId: string, following: boolean): void;
  /** Moves the user's last interaction 8 days back (outside) or to now. */
  setOutsideWindow(userId: string, outside: boolean): void;
  /** A Zalo user who has interacted with the OA (now, unless `lastInteractionAt` says when). */
  addUser(userId: string, displayName: string, o?: { lastInteractionAt?: number; phone?: string }): void;
  setLastInteraction(userId: string, at: number): void;
  lastInteractionOf(userId: string): number | undefined;
  /** The phone number ("84…") of a Zalo account: what a template by phone reaches. */
  setPhone(userId: string, phone: string): void;
  setBlocked(userId: string, blocked: boolean): void;
  setInactive(userId: string, inactive: boolean): void;
  registerTemplate(templateId: string, t: RegisteredTemplate): void;
  /** The user answers a request_user_info message by sharing name and phone. */
  userSubmitsInfo(userId: string, info: { name: string; phone: string }): Promise<WebhookDelivery>;
  /** `at`: the event's timestamp, for a delivery Zalo retries late (default now). */
  userSendsText(userId: string, text: string, o?: { at?: number }): Promise<WebhookDelivery>;
  userSendsImage(userId: string, imageUrl: string, caption?: string): Promise<WebhookDelivery>;
  userSendsFile(userId: string, fileUrl: string, name: string): Promise<WebhookDelivery>;
  userFollows(userId: string): Promise<WebhookDelivery>;
  userUnfollows(userId: string): Promise<WebhookDelivery>;
  redeliver(d: WebhookDelivery): Promise<WebhookDelivery>;
  close(): Promise<void>;
}

type Answer = { error: number; message: string; data?: unknown };
type Area = 'message' | 'oauth' | 'user';

const MESSAGES: Record<number, string> = {
  [-32]: 'Request exceeds rate limit',
  [-201]: 'Parameters are invalid',
  [-211]: 'Out of quota',
  [-213]: 'User has not followed OA',
  [-216]: 'Access token is invalid',
  [-220]: 'Access token has expired or has been removed',
  [-230]: 'User has not interacted with the OA in the past 7 days',
  [-232]: 'User interaction has expired',
  [-217]: 'User has blocked the OA',
  [-227]: 'User is banned or has been inactive for more than 45 days',
  [-234]: 'Sending is not allowed at this time',
  [-249]: 'This template cannot be sent by user id; send it by phone',
  [-118]: 'Zalo account does not exist',
};
const fail = (error: number, message = MESSAGES[error] ?? `Error ${error}`): Answer => ({ error, message });

const csBody = z.object({
  recipient: z.object({ user_id: z.string().min(1) }),
  message: z.object({
    text: z.string().min(1).max(2000),
    attachment: z
      .object({
        type: z.literal('template'),
        payload: z.object({ buttons: z.array(z.object({ title: z.string().min(1), type: z.string().min(1), payload: z.unknown() })).max(5) }),
      })
      .optional(),
  }),
});
const requestInfoBody = z.object({
  recipient: z.object({ user_id: z.string().min(1) }),
  message: z.object({
    attachment: z.object({
      type: z.literal('template'),
      payload: z.object({
        template_type: z.literal('request_user_info'),
        elements: z.array(z.object({ title: z.string().min(1).max(100), subtitle: z.string().min(1).max(500), image_url: z.string().url() })).length(1),
      }),
    }),
  }),
});
const templateData = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));
const templateByUserBody = z.object({ user_id: z.string().min(1), template_id: z.string().min(1), template_data: templateData, mode: z.enum(['development']).optional() });
const templateByPhoneBody = z.object({
  phone: z.string().regex(/^84\d{9,10}$/),
  template_id: z.string().min(1),
  template_data: templateData,
  tracking_id: z.string().max(48).optional(),
  mode: z.enum(['development']).optional(),
});

/** Local hour in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
const vnHour = (ms: number) => new Date(ms + 7 * 3600_000).getUTCHours();
const detailQuery = z.object({ user_id: z.string().min(1) });
const listQuery = z.object({ offset: z.number().int().min(0), count: z.number().int().min(1).max(50), is_follower: z.boolean().optional() });

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** A Zalo-like numeric id, kept as a string (they exceed 2^53). */
const numericId = () => String(randomInt(1, 10)) + Array.from({ length: 18 }, () => randomInt(0, 10)).join('');

export async function startZaloDouble(o: ZaloDoubleOptions): Promise<ZaloDouble> {
  const now = o.now ?? Date.now;
  const oaId = o.oaId ?? '579745863508352884';
  const ttlSec = o.accessTokenTtlSec ?? 90_000;
  const perMinute = o.rateLimitPerMinute ?? 4_000;
  const accessTokens = new Map<string, number>(); // token → expiresAt
  const refreshTokens = new Set<string>();
  const sent: SentMessage[] = [];
  const calls: { path: string; error: number; at: number }[] = [];
  const failures: { code: number; left: number; area?: Area }[] = [];
  const window: number[] = []; // API call times within the last minute
  const notFollowing = new Set<string>();
  const blocked = new Set<string>();
  const inactive = new Set<string>();
  const lastInteraction = new Map<string, number>();
  const phones = new Map<string, string>(); // phone → user id
  const templates = new Map<string, RegisteredTemplate>(Object.entries(o.templates ?? {}));
  const users = new Map<string, string>();
  const idByApp = new Map<string, string>();
  let refreshCalls = 0;
  let down = false;

  const issueTokens = () => {
    const pair = { accessToken: hex(32), refreshToken: hex(32), expiresIn: ttlSec };
    accessTokens.set(pair.accessToken, now() + ttlSec * 1000);
    refreshTokens.add(pair.refreshToken);
    return pair;
  };
  const forcedFailure = (area: Area): number | undefined => {
    const i = failures.findIndex((f) => !f.area || f.area === area);
    const f = failures[i];
    if (!f) return undefined;
    if (--f.left <= 0) failures.splice(i, 1);
    return f.code;
  };
  const tokenProblem = (token: string | undefined): Answer | undefined => {
    const expiresAt = token ? accessTokens.get(token) : undefined;
    if (expiresAt === undefined) return fail(-216);
    return expiresAt <= now() ? fail(-220) : undefined;
  };

  /** Rate limit, forced failures and the access token, as Zalo checks them, before the handler. */
  const api = (area: Area, handle: (req: Request) => Answer) => (req: Request, res: Response) => {
    const at = now();
    while (window.length > 0 && window[0]! <= at - 60_000) window.shift();
    window.push(at);
    res.set('X-RateLimit-Limit', String(perMinute)).set('X-RateLimit-Remain', String(Math.max(0, perMinute - window.length)));
    const forced = window.length > perMinute ? -32 : forcedFailure(area);
    const a = forced !== undefined ? fail(forced) : (tokenProblem(req.get('access_token')) ?? handle(req));
    calls.push({ path: req.path, error: a.error, at });
    res.status(200).json(a);
  };
  const queryJson = (req: Request): unknown => {
    try {
      return JSON.parse(String(req.query.data ?? ''));
    } catch {
      return undefined;
    }
  };
  const isFollower = (userId: string) => !notFollowing.has(userId);

  const app = express();
  app.disable('x-powered-by');
  // "Down" looks like an unreachable host: no answer at all.
  app.use((req, _res, next) => (down ? void req.socket.destroy() : next()));

  /** A consultation message: the user must follow, not block, be active, and have interacted within 7 days. */
  const csRefusal = (userId: string): Answer | undefined => {
    if (blocked.has(userId)) return fail(-217);
    if (inactive.has(userId)) return fail(-227);
    if (!isFollower(userId)) return fail(-213);
    const last = lastInteraction.get(userId);
    if (last === undefined || now() - last > WINDOW_MS) return fail(-230);
    return undefined;
  };
  /** A template: registered, exactly its parameters, each within its length; and in the day. */
  const templateRefusal = (templateId: string, data: Record<string, string>, byUserId: boolean): Answer | undefined => {
    const t = templates.get(templateId);
    if (!t) return fail(-201, 'Template ID is invalid');
    const names = Object.keys(t.params);
    if (names.some((n) => !(n in data)) || Object.keys(data).some((n) => !(n in t.params)))
      return fail(-201, `Template data is invalid: parameters are ${names.join(', ')}`);
    const long = names.find((n) => data[n]!.length === 0 || data[n]!.length > t.params[n]!);
    if (long) return fail(-201, `Template data is invalid: ${long} must be 1..${t.params[long]} characters`);
    if (byUserId && t.byUserId === false) return fail(-249);
    const h = vnHour(now());
    if ((o.nightRefusal ?? true) && (h >= 22 || h < 6)) return fail(-234);
    return undefined;
  };
  const render = (templateId: string, data: Record<string, string>) =>
    `[Tin mẫu ${templateId}] ${Object.entries(data)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`;

  app.post(
    '/v3.0/oa/message/cs',
    express.json({ limit: '1mb' }),
    api('message', (req) => {
      const info = requestInfoBody.safeParse(req.body);
      if (info.success) {
        const userId = info.data.recipient.user_id;
        const refused = csRefusal(userId);
        if (refused) return refused;
        const el = info.data.message.attachment.payload.elements[0]!;
        const m: SentMessage = { messageId: hex(16), userId, text: `${el.title}\n${el.subtitle}`, buttons: [], at: now(), via: 'request_user_info' };
        sent.push(m);
        return { error: 0, message: 'Success', data: { message_id: m.messageId, user_id: userId } };
      }
      const b = csBody.safeParse(req.body);
      if (!b.success) return fail(-201);
      const userId = b.data.recipient.user_id;
      const refused = csRefusal(userId);
      if (refused) return refused;
      const m: SentMessage = { messageId: hex(16), userId, text: b.data.message.text, buttons: b.data.message.attachment?.payload.buttons ?? [], at: now(), via: 'cs' };
      sent.push(m);
      return { error: 0, message: 'Success', data: { message_id: m.messageId, user_id: userId } };
    }),
  );

  app.post(
    '/v3.0/oa/message/template',
    express.json({ limit: '1mb' }),
    api('message', (req) => {
      const b = templateByUserBody.safeParse(req.body);
      if (!b.success) return fail(-201);
      const { user_id: userId, template_id: templateId, template_data: data } = b.data;
      const refused = templateRefusal(templateId, data, true);
      if (refused) return refused;
      if (!users.has(userId) && !lastInteraction.has(userId)) return fail(-201, 'User ID is invalid');
      if (blocked.has(userId)) return fail(-217);
      if (inactive.has(userId)) return fail(-227);
      const m: SentMessage = { messageId: hex(16), userId, text: render(templateId, data), buttons: [], at: now(), via: 'template', templateId, data };
      sent.push(m);
      return { error: 0, message: 'Success', data: { msg_id: m.messageId, sent_time: String(m.at) } };
    }),
  );

  app.post(
    '/message/template',
    express.json({ limit: '1mb' }),
    api('message', (req) => {
      const b = templateByPhoneBody.safeParse(req.body);
      if (!b.success) return fail(-201);
      const { phone, template_id: templateId, template_data: data } = b.data;
      const refused = templateRefusal(templateId, data, false);
      if (refused) return refused;
      const userId = phones.get(phone);
      if (!userId) return fail(-118);
      if (blocked.has(userId)) return fail(-217);
      if (inactive.has(userId)) return fail(-227);
      const m: SentMessage = { messageId: hex(16), userId, text: render(templateId, data), buttons: [], at: now(), via: 'template_phone', templateId, data, phone };
      sent.push(m);
      return { error: 0, message: 'Success', data: { msg_id: m.messageId, sent_time: String(m.at) } };
    }),
  );

  app.get(
    '/v3.0/oa/user/detail',
    api('user', (req) => {
      const q = detailQuery.safeParse(queryJson(req));
      if (!q.success) return fail(-201);
      const name = users.get(q.data.user_id);
      if (name === undefined) return fail(-201, 'User not found');
      const data = { user_id: q.data.user_id, user_id_by_app: byApp(q.data.user_id), display_name: name, user_is_follower: isFollower(q.data.user_id), avatar: '' };
      return { error: 0, message: 'Success', data };
    }),
  );

  app.get(
    '/v3.0/oa/user/getlist',
    api('user', (req) => {
      const q = listQuery.safeParse(queryJson(req));
      if (!q.success) return fail(-201);
      const { offset, count, is_follower } = q.data;
      const all = [...users.keys()].filter((u) => is_follower === undefined || isFollower(u) === is_follower);
      const page = all.slice(offset, offset + count).map((user_id) => ({ user_id }));
      return { error: 0, message: 'Success', data: { total: all.length, count: page.length, offset, users: page } };
    }),
  );

  app.post('/v4/oa/access_token', express.urlencoded({ extended: false }), (req, res) => {
    refreshCalls++;
    // Zalo's OAuth errors come with HTTP 200 too; `code` is only what `calls` records.
    const refuse = (code: number, name: string, description: string, extra: object = {}) => {
      calls.push({ path: req.path, error: code, at: now() });
      res.status(200).json({ error_name: name, error_description: description, ...extra });
    };
    const body = (req.body ?? {}) as Record<string, unknown>;
    const forced = forcedFailure('oauth');
    if (forced !== undefined) return refuse(forced, 'simulated_error', `Simulated error ${forced}`, { error: forced });
    if (req.get('secret_key') !== o.appSecret) return refuse(-201, 'invalid_client', 'secret_key is invalid');
    if (body.app_id !== o.appId) return refuse(-201, 'invalid_client', 'app_id is invalid');
    if (body.grant_type !== 'refresh_token') return refuse(-201, 'unsupported_grant_type', 'grant_type must be refresh_token');
    // Single use: the refresh token is gone whether or not the caller keeps the answer.
    if (typeof body.refresh_token !== 'string' || !refreshTokens.delete(body.refresh_token))
      return refuse(-216, 'invalid_grant', 'Invalid refresh token');
    const pair = issueTokens();
    calls.push({ path: req.path, error: 0, at: now() });
    res.status(200).json({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(pair.expiresIn) });
  });

  // Malformed bodies get a Zalo answer, not express's HTML page.
  app.use((_err: unknown, req: Request, res: Response, _next: NextFunction) => {
    calls.push({ path: req.path, error: -201, at: now() });
    res.status(200).json(fail(-201));
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(o.port ?? 0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function byApp(userId: string): string {
    let v = idByApp.get(userId);
    if (!v) idByApp.set(userId, (v = numericId()));
    return v;
  }
  async function deliver(rawBody: string, signature: string, event: Record<string, unknown>): Promise<WebhookDelivery> {
    if (!double.webhookUrl) throw new Error('Zalo double: webhookUrl is not set');
    const r = await fetch(double.webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-ZEvent-Signature': signature }, body: rawBody });
    return { status: r.status, body: await r.text(), rawBody, signature, event };
  }
  function emit(event: Record<string, unknown> & { timestamp: string }): Promise<WebhookDelivery> {
    const rawBody = JSON.stringify(event);
    return deliver(rawBody, `mac=${expectedSignature(o.appId, Buffer.from(rawBody, 'utf8'), event.timestamp, o.oaSecretKey)}`, event);
  }
  /** A user's own message; writing to the OA also opens the consultation window (and unblocks). */
  function userMessage(userId: string, eventName: string, message: Record<string, unknown>, at = now()) {
    lastInteraction.set(userId, Math.max(lastInteraction.get(userId) ?? 0, at));
    blocked.delete(userId);
    inactive.delete(userId);
    const event = { app_id: o.appId, user_id_by_app: byApp(userId), event_name: eventName, timestamp: String(at), sender: { id: userId }, recipient: { id: oaId }, message: { msg_id: hex(16), ...message } };
    return emit(event);
  }
  function followEvent(userId: string, follow: boolean) {
    if (follow) {
      notFollowing.delete(userId);
      lastInteraction.set(userId, now());
    } else notFollowing.add(userId);
    const event = { app_id: o.appId, oa_id: oaId, event_name: follow ? 'follow' : 'unfollow', timestamp: String(now()), user_id_by_app: byApp(userId), follower: { id: userId }, source: 'oa_profile' };
    return emit(event);
  }

  const double: ZaloDouble = {
    url,
    webhookUrl: o.webhookUrl,
    issueTokens,
    sent,
    sentTo: (userId) => sent.filter((m) => m.userId === userId),
    get refreshCalls() {
      return refreshCalls;
    },
    calls,
    failNext: (code, times = 1, area) => void failures.push({ code, left: times, ...(area ? { area } : {}) }),
    setDown: (d) => void (down = d),
    setFollower: (userId, following) => void (following ? notFollowing.delete(userId) : notFollowing.add(userId)),
    setOutsideWindow: (userId, outside) => void lastInteraction.set(userId, outside ? now() - WINDOW_MS - 24 * 3600_000 : now()),
    addUser(userId, displayName, x = {}) {
      users.set(userId, displayName);
      lastInteraction.set(userId, x.lastInteractionAt ?? now());
      if (x.phone) phones.set(x.phone, userId);
    },
    setLastInteraction: (userId, at) => void lastInteraction.set(userId, at),
    lastInteractionOf: (userId) => lastInteraction.get(userId),
    setPhone: (userId, phone) => void phones.set(phone, userId),
    setBlocked: (userId, b) => void (b ? blocked.add(userId) : blocked.delete(userId)),
    setInactive: (userId, b) => void (b ? inactive.add(userId) : inactive.delete(userId)),
    registerTemplate: (templateId, t) => void templates.set(templateId, t),
    userSubmitsInfo(userId, info) {
      lastInteraction.set(userId, now());
      const event = {
        app_id: o.appId,
        user_id_by_app: byApp(userId),
        event_name: 'user_submit_info',
        timestamp: String(now()),
        sender: { id: userId },
        recipient: { id: oaId },
        info: { name: info.name, phone: info.phone, address: '', city: '', district: '', ward: '' },
      };
      return emit(event);
    },
    userSendsText: (userId, text, x = {}) => userMessage(userId, 'user_send_text', { text }, x.at),
    userSendsImage: (userId, imageUrl, caption) =>
      userMessage(userId, 'user_send_image', { ...(caption ? { text: caption } : {}), attachments: [{ type: 'image', payload: { url: imageUrl, thumbnail: imageUrl } }] }),
    userSendsFile: (userId, fileUrl, name) => userMessage(userId, 'user_send_file', { attachments: [{ type: 'file', payload: { url: fileUrl, name } }] }),
    userFollows: (userId) => followEvent(userId, true),
    userUnfollows: (userId) => followEvent(userId, false),
    redeliver: (d) => deliver(d.rawBody, d.signature, d.event),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return double;
}
