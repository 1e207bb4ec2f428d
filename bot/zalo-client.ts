// A typed axios client for the Zalo OA Open API, named after the API (message.cs, user.detail,
// user.getlist, oauth.refresh). Zalo answers most errors with HTTP 200 and `error !== 0`, so
// every answer is checked; token and rate-limit errors are handled here, the rest is thrown
// as ZaloApiError for the caller to decide (fallback channel, retry later, give up).
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isPersonRefusal } from '../domain/reach.js';
import type { SettingStore, ZaloTokenStore } from '../store/store.js';
import type { RateLimiter } from './rate-limiter.js';
import { ZaloTokenManager, type RefreshedTokens } from './zalo-tokens.js';
import { newHolderId } from '../store/holder.js';

export { ZaloTokenManager } from './zalo-tokens.js';

export type ZaloButton =
  | { title: string; type: 'oa.query.show' | 'oa.query.hide'; payload: string }
  | { title: string; type: 'oa.open.url'; payload: { url: string } };

export const ZALO_MAX_TEXT = 2000;
export const ZALO_MAX_BUTTONS = 5;

export type ZaloErrorKind = 'rate_limited' | 'token' | 'unreachable_user' | 'quota' | 'bad_request' | 'transport' | 'other';

/** Code used for failures that carry no Zalo code (network, timeout, 5xx, unparseable answer). */
export const ZALO_TRANSPORT_CODE = -1;

const KIND_OF: Record<number, ZaloErrorKind> = {
  [-32]: 'rate_limited',
  [-216]: 'token',
  [-220]: 'token',
  [-124]: 'token',
  [-211]: 'quota',
  [-115]: 'quota',
  [-201]: 'bad_request',
  // The template API's own: template id invalid, data empty or invalid, no permission for the template.
  [-109]: 'bad_request',
  [-111]: 'bad_request',
  [-112]: 'bad_request',
  [-117]: 'bad_request',
};

/** Per-person refusals (domain/reach.ts) are 'unreachable_user': final for that channel and that person. */
const kindOf = (code: number): ZaloErrorKind | undefined => KIND_OF[code] ?? (isPersonRefusal(code) ? 'unreachable_user' : undefined);

export class ZaloApiError extends Error {
  /** 'transport' = network error / timeout / HTTP 5xx / unparseable answer (retry later). */
  readonly kind: ZaloErrorKind;

  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus?: number,
    kind?: ZaloErrorKind,
  ) {
    super(message);
    this.name = 'ZaloApiError';
    this.kind =
      kind ?? kindOf(code) ?? (code === ZALO_TRANSPORT_CODE || (httpStatus !== undefined && httpStatus >= 500) ? 'transport' : 'other');
  }
}

export interface ZaloClientOptions {
  apiBaseUrl: string; // default https://openapi.zalo.me
  /** Template messages by phone; default https://business.openapi.zalo.me */
  businessBaseUrl?: string;
  oauthBaseUrl: string; // default https://oauth.zaloapp.com
  appId: string;
  appSecret: string;
  store: ZaloTokenStore & SettingStore;
  limiter: RateLimiter;
  log?: Logger;
  timeoutMs?: number;
  refreshMarginMs?: number;
  maxRateRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  holder?: string;
}

export const ZALO_API_BASE_URL = 'https://openapi.zalo.me';
export const ZALO_OAUTH_BASE_URL = 'https://oauth.zaloapp.com';
export const ZALO_BUSINESS_BASE_URL = 'https://business.openapi.zalo.me';

/** A template message: the template Zalo approved and a value for each of its named parameters. */
export interface TemplateMessage {
  templateId: string;
  data: Record<string, string>;
  /** "development": only the app's and OA's administrators receive it (trying a template before it is live). */
  mode?: 'production' | 'development';
  /** Ours, echoed in Zalo's delivery reports (by phone). */
  trackingId?: string;
}

/** The card of a request_user_info message (asks the user to share name and phone). */
export interface UserInfoRequest {
  title: string;
  subtitle: string;
  imageUrl: string;
}

export interface ZaloUserDetail {
  userId: string;
  displayName: string;
  isFollower?: boolean;
  raw: unknown;
}

export interface ZaloClient {
  message: {
    cs(userId: string, m: { text: string; buttons?: ZaloButton[] }): Promise<{ messageId: string; userId: string }>;
    /** A template message by Zalo user id (no 7-day window; refused at night). */
    template(userId: string, t: TemplateMessage): Promise<{ messageId: string }>;
    /** A template message to the Zalo account of a phone number ("84…"). */
    templateByPhone(phone: string, t: TemplateMessage): Promise<{ messageId: string }>;
    /** A consultation message asking the user to share name and phone (answered by a user_submit_info event). */
    requestUserInfo(userId: string, r: UserInfoRequest): Promise<{ messageId: string }>;
  };
  user: {
    detail(userId: string): Promise<ZaloUserDetail>;
    getlist(q: { offset: number; count: number; isFollower?: boolean }): Promise<{ total: number; userIds: string[] }>;
  };
  oauth: { refresh(refreshToken: string): Promise<RefreshedTokens> };
  tokens: ZaloTokenManager;
}

/** First -32 backoff; doubles per retry. */
const RATE_BACKOFF_MS = 1_000;
/** Pause when Zalo says no requests remain in its window (its window length is not published). */
const REMAIN_ZERO_PAUSE_MS = 1_000;
/** Zalo's access token lives about 25 hours; used when a refresh answer omits expires_in. */
const DEFAULT_TTL_SEC = 25 * 3600;

const id = z.string().min(1);
const envelope = z.object({ error: z.coerce.number(), message: z.string().optional(), data: z.unknown().optional() }).passthrough();
const sentSchema = z.object({ message_id: id, user_id: id.optional() }).passthrough();
const templateSentSchema = z.object({ msg_id: id.optional(), message_id: id.optional() }).passthrough();
const detailSchema = z
  .object({
    user_id: id,
    display_name: z.string().optional(),
    user_is_follower: z.boolean().optional(),
    is_follower: z.boolean().optional(),
  })
  .passthrough();
const listedUser = z.object({ user_id: id }).passthrough();
const listSchema = z
  .object({ total: z.coerce.number().optional(), users: z.array(listedUser).optional(), followers: z.array(listedUser).optional() })
  .passthrough()
  .refine((d) => d.users !== undefined || d.followers !== undefined, 'neither users nor followers');
const oauthOk = z
  .object({ access_token: id, refresh_token: id, expires_in: z.union([z.string(), z.number()]).optional() })
  .passthrough();
const oauthErr = z
  .object({ error: z.union([z.number(), z.string()]).optional(), error_name: z.string().optional(), error_description: z.string().optional() })
  .passthrough();

export function createZaloClient(o: ZaloClientOptions): ZaloClient {
  const apiBase = (o.apiBaseUrl || ZALO_API_BASE_URL).replace(/\/+$/, '');
  const oauthBase = (o.oauthBaseUrl || ZALO_OAUTH_BASE_URL).replace(/\/+$/, '');
  const businessBase = (o.businessBaseUrl || ZALO_BUSINESS_BASE_URL).replace(/\/+$/, '');
  const maxRateRetries = o.maxRateRetries ?? 3;
  const log = o.log;
  // Status and body are judged here, never by axios: Zalo's errors come with HTTP 200 anyway.
  const http: AxiosInstance = axios.create({
    timeout: o.timeoutMs ?? 10_000,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
  });

  const oauth = {
    async refresh(refreshToken: string): Promise<RefreshedTokens> {
      const form = new URLSearchParams({ refresh_token: refreshToken, app_id: o.appId, grant_type: 'refresh_token' });
      const res = await send(http, {
        method: 'POST',
        url: `${oauthBase}/v4/oa/access_token`,
        headers: { secret_key: o.appSecret, 'Content-Type': 'application/x-www-form-urlencoded' },
        data: form.toString(),
      });
      const body = parseJson(res);
      const ok = oauthOk.safeParse(body);
      if (ok.success) {
        const n = Number(ok.data.expires_in);
        // A new pair must never be dropped over a missing field: the old refresh token is gone.
        const expiresIn = Number.isFinite(n) && n > 0 ? n : DEFAULT_TTL_SEC;
        return { accessToken: ok.data.access_token, refreshToken: ok.data.refresh_token, expiresIn };
      }
      if (res.status >= 500) throw new ZaloApiError(ZALO_TRANSPORT_CODE, `Zalo OAuth answered HTTP ${res.status}`, res.status);
      const e = oauthErr.safeParse(body);
      const d = e.success ? e.data : {};
      const code = typeof d.error === 'number' ? d.error : Number.isFinite(Number(d.error)) ? Number(d.error) : -216;
      const what = [d.error_name ?? (typeof d.error === 'string' ? d.error : undefined), d.error_description].filter(Boolean).join(': ');
      throw new ZaloApiError(code, `Zalo OAuth refused the refresh: ${what || 'no token in the answer'}`, res.status, 'token');
    },
  };

  const tokens = new ZaloTokenManager({
    store: o.store,
    refresh: (rt) => oauth.refresh(rt),
    holder: o.holder ?? newHolderId(),
    ...(o.now ? { now: o.now } : {}),
    ...(o.sleep ? { sleep: o.sleep } : {}),
    ...(o.refreshMarginMs !== undefined ? { refreshMarginMs: o.refreshMarginMs } : {}),
    ...(log ? { log } : {}),
  });

  /** Token troubles that are not Zalo's answers (nothing stored, lease wait timed out) as 'token' errors. */
  async function tokenFrom(get: () => Promise<string>): Promise<string> {
    try {
      return await get();
    } catch (err) {
      if (err instanceof ZaloApiError) throw err;
      throw new ZaloApiError(-216, `no usable Zalo access token: ${(err as Error).message}`, undefined, 'token');
    }
  }

  /** One API call with the token and rate-limit handling; answers `data` checked by `schema`. */
  async function call<T>(name: string, cfg: AxiosRequestConfig, schema: z.ZodType<T>): Promise<T> {
    let token = await tokenFrom(() => tokens.accessToken());
    let refreshed = false;
    for (let rateRetries = 0; ; ) {
      await o.limiter.take();
      try {
        const res = await send(http, { ...cfg, headers: { ...cfg.headers, access_token: token } });
        if (res.headers['x-ratelimit-remain'] === '0') await o.limiter.pause(REMAIN_ZERO_PAUSE_MS);
        return unwrap(res, schema);
      } catch (err) {
        if (!(err instanceof ZaloApiError)) throw err;
        if (err.kind === 'token' && !refreshed) {
          refreshed = true;
          log?.info({ api: name, code: err.code }, 'Zalo rejected the access token; refreshing once');
          const rejected = token;
          token = await tokenFrom(() => tokens.refreshAfterRejection(rejected));
          continue;
        }
        if (err.kind === 'rate_limited' && rateRetries < maxRateRetries) {
          const ms = RATE_BACKOFF_MS * 2 ** rateRetries++;
          log?.warn({ api: name, backoffMs: ms, attempt: rateRetries }, 'Zalo rate limit (-32); pausing all calls');
          await o.limiter.pause(ms);
          continue;
        }
        throw err;
      }
    }
  }

  const message = {
    async cs(userId: string, m: { text: string; buttons?: ZaloButton[] }): Promise<{ messageId: string; userId: string }> {
      // Splitting and trimming are the caller's job: refuse rather than cut a message silently.
      if (m.text.length === 0 || m.text.length > ZALO_MAX_TEXT)
        throw new ZaloApiError(-201, `message text must be 1..${ZALO_MAX_TEXT} characters (got ${m.text.length})`, undefined, 'bad_request');
      if ((m.buttons?.length ?? 0) > ZALO_MAX_BUTTONS)
        throw new ZaloApiError(-201, `at most ${ZALO_MAX_BUTTONS} buttons (got ${m.buttons?.length})`, undefined, 'bad_request');
      const body = {
        recipient: { user_id: userId },
        message: {
          text: m.text,
          ...(m.buttons?.length ? { attachment: { type: 'template', payload: { buttons: m.buttons } } } : {}),
        },
      };
      const d = await call('message.cs', { method: 'POST', url: `${apiBase}/v3.0/oa/message/cs`, data: body }, sentSchema);
      return { messageId: d.message_id, userId: d.user_id ?? userId };
    },
    async template(userId: string, t: TemplateMessage): Promise<{ messageId: string }> {
      const body = { user_id: userId, template_id: t.templateId, template_data: t.data, ...(t.mode === 'development' ? { mode: 'development' } : {}) };
      const d = await call('message.template', { method: 'POST', url: `${apiBase}/v3.0/oa/message/template`, data: body }, templateSentSchema);
      return { messageId: d.msg_id ?? d.message_id ?? '' };
    },
    async templateByPhone(phone: string, t: TemplateMessage): Promise<{ messageId: string }> {
      const body = {
        phone,
        template_id: t.templateId,
        template_data: t.data,
        ...(t.trackingId ? { tracking_id: t.trackingId } : {}),
        ...(t.mode === 'development' ? { mode: 'development' } : {}),
      };
      const d = await call('message.templateByPhone', { method: 'POST', url: `${businessBase}/message/template`, data: body }, templateSentSchema);
      return { messageId: d.msg_id ?? d.message_id ?? '' };
    },
    async requestUserInfo(userId: string, r: UserInfoRequest): Promise<{ messageId: string }> {
      const body = {
        recipient: { user_id: userId },
        message: {
          attachment: {
            type: 'template',
            payload: { template_type: 'request_user_info', elements: [{ title: r.title, subtitle: r.subtitle, image_url: r.imageUrl }] },
          },
        },
      };
      const d = await call('message.requestUserInfo', { method: 'POST', url: `${apiBase}/v3.0/oa/message/cs`, data: body }, sentSchema);
      return { messageId: d.message_id };
    },
  };

  const user = {
    async detail(userId: string): Promise<ZaloUserDetail> {
      const data = encodeURIComponent(JSON.stringify({ user_id: userId }));
      const d = await call('user.detail', { method: 'GET', url: `${apiBase}/v3.0/oa/user/detail?data=${data}` }, detailSchema);
      const isFollower = d.user_is_follower ?? d.is_follower;
      return { userId: d.user_id, displayName: d.display_name ?? '', ...(isFollower !== undefined ? { isFollower } : {}), raw: d };
    },
    async getlist(q: { offset: number; count: number; isFollower?: boolean }): Promise<{ total: number; userIds: string[] }> {
      const data = encodeURIComponent(JSON.stringify({ offset: q.offset, count: q.count, ...(q.isFollower !== undefined ? { is_follower: q.isFollower } : {}) }));
      const d = await call('user.getlist', { method: 'GET', url: `${apiBase}/v3.0/oa/user/getlist?data=${data}` }, listSchema);
      const userIds = (d.users ?? d.followers ?? []).map((u) => u.user_id);
      return { total: d.total ?? userIds.length, userIds };
    },
  };

  return { message, user, oauth, tokens };
}

/** Sends one request; network failures and timeouts become 'transport' errors. */
async function send(http: AxiosInstance, cfg: AxiosRequestConfig): Promise<AxiosResponse<unknown>> {
  try {
    return await http.request<unknown>(cfg);
  } catch (err) {
    // Only code and message: the axios error carries the request config, headers and tokens included.
    const e = err as { code?: string; message?: string };
    throw new ZaloApiError(ZALO_TRANSPORT_CODE, `Zalo unreachable: ${e.code ?? 'error'} ${e.message ?? ''}`.trim(), undefined, 'transport');
  }
}

function parseJson(res: AxiosResponse<unknown>): unknown {
  try {
    return typeof res.data === 'string' ? JSON.parse(res.data) : res.data;
  } catch {
    throw new ZaloApiError(ZALO_TRANSPORT_CODE, `Zalo answered HTTP ${res.status} with a body that is not JSON`, res.status, 'transport');
  }
}

function unwrap<T>(res: AxiosResponse<unknown>, schema: z.ZodType<T>): T {
  if (res.status >= 500) throw new ZaloApiError(ZALO_TRANSPORT_CODE, `Zalo answered HTTP ${res.status}`, res.status);
  const env = envelope.safeParse(parseJson(res));
  if (!env.success) throw new ZaloApiError(ZALO_TRANSPORT_CODE, `Zalo answered HTTP ${res.status} without an error code`, res.status, 'transport');
  if (env.data.error !== 0) throw new ZaloApiError(env.data.error, env.data.message ?? `Zalo error ${env.data.error}`, res.status);
  const data = schema.safeParse(env.data.data);
  // Not 'transport': Zalo said success, so a retry could repeat what was done (a message sent twice).
  if (!data.success) throw new ZaloApiError(ZALO_TRANSPORT_CODE, `Zalo answer did not have the expected shape: ${z.prettifyError(data.error)}`, res.status, 'other');
  return data.data;
}
