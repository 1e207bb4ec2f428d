// A local stand-in for Zalo OA, speaking its wire format: the Open API (message.cs,
// user.detail, user.getlist), the OAuth refresh, and signed webhook events. `npm start` uses it
// when no Zalo credentials are configured; tests use it to prove the client's behaviour over
// real HTTP. Tokens behave like Zalo's: access tokens expire, refresh tokens are single use.
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomBytes, randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { expectedSignature } from './webhook-auth.js';

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
}

export interface SentMessage {
  messageId: string;
  userId: string;
  text: string;
  buttons: { title: string; type: string; payload: unknown }[];
  at: number;
}

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
  setOutsideWindow(userId: string, outside: boolean): void;
  addUser(userId: string, displayName: string): void;
  userSendsText(userId: string, text: string): Promise<WebhookDelivery>;
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
  const outsideWindow = new Set<string>();
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

  app.post(
    '/v3.0/oa/message/cs',
    express.json({ limit: '1mb' }),
    api('message', (req) => {
      const b = csBody.safeParse(req.body);
      if (!b.success) return fail(-201);
      const userId = b.data.recipient.user_id;
      if (!isFollower(userId)) return fail(-213);
      if (outsideWindow.has(userId)) return fail(-230);
      const m: SentMessage = { messageId: hex(16), userId, text: b.data.message.text, buttons: b.data.message.attachment?.payload.buttons ?? [], at: now() };
      sent.push(m);
      return { error: 0, message: 'Success', data: { message_id: m.messageId, user_id: userId } };
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
  /** A user's own message; writing to the OA also opens the consultation window. */
  function userMessage(userId: string, eventName: string, message: Record<string, unknown>) {
    outsideWindow.delete(userId);
    const event = { app_id: o.appId, user_id_by_app: byApp(userId), event_name: eventName, timestamp: String(now()), sender: { id: userId }, recipient: { id: oaId }, message: { msg_id: hex(16), ...message } };
    return emit(event);
  }
  function followEvent(userId: string, follow: boolean) {
    if (follow) notFollowing.delete(userId);
    else notFollowing.add(userId);
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
    setOutsideWindow: (userId, outside) => void (outside ? outsideWindow.add(userId) : outsideWindow.delete(userId)),
    addUser: (userId, displayName) => void users.set(userId, displayName),
    userSendsText: (userId, text) => userMessage(userId, 'user_send_text', { text }),
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
