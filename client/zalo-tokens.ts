// The OA's stored token pair as the front ends see it: whether Zalo can be called, a refused
// refresh token, a pair installed by a person. Refreshing it is bot/zalo-tokens.ts's.
import { createHash } from 'node:crypto';
import type { SettingStore, ZaloTokenStore } from '../store/store.js';

/** Zalo refused our refresh token: a person must configure a new pair (`npm run cli -- zalo token …`). */
export interface TokenProblem {
  at: number;
  /** English, for operators. */
  reason: string;
  /** Which refresh token was refused (a hash prefix): a newly stored pair lifts the problem by itself. */
  refreshToken: string;
}

export const TOKEN_PROBLEM_SETTING = 'zalo.token_problem';

export const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 16);

/** The problem in force for the stored pair, if any. */
export async function tokenProblem(store: ZaloTokenStore & SettingStore): Promise<TokenProblem | undefined> {
  const raw = await store.settingGet(TOKEN_PROBLEM_SETTING);
  const t = await store.zaloTokensGet();
  if (!raw || !t) return undefined;
  const p = JSON.parse(raw) as TokenProblem;
  return p.refreshToken === fingerprint(t.refreshToken) ? p : undefined;
}

/** Can Zalo be called at `now`: a pair is stored, and its access token is not known to be dead with no refresh possible. */
export async function tokensUsable(store: ZaloTokenStore & SettingStore, now: number): Promise<boolean> {
  const t = await store.zaloTokensGet();
  return !!t && (!(await tokenProblem(store)) || t.expiresAt > now);
}

/** Stores a pair a person obtained from the Zalo console: the stored pair is replaced and any token problem lifted. */
export async function installTokens(store: ZaloTokenStore & SettingStore, pair: { accessToken: string; refreshToken: string; expiresInSec?: number }, now: number): Promise<void> {
  await store.zaloTokensPut({ accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: now + (pair.expiresInSec ?? DEFAULT_TTL_SEC) * 1000, updatedAt: now });
  await store.settingPut(TOKEN_PROBLEM_SETTING, undefined);
}

/** Zalo's access token lives about 25 hours; used when the console did not say. */
export const DEFAULT_TTL_SEC = 25 * 3600;
