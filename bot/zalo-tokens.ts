// The OA token pair. The refresh token is single use: two refreshes racing lose it for good,
// so refreshing is serialised in one place — one promise per process, one lease across
// processes — and the new pair is stored before anyone uses it.
import type { Logger } from 'pino';
import type { SettingStore, ZaloTokens, ZaloTokenStore } from '../store/store.js';
import { DEFAULT_TTL_SEC, fingerprint, TOKEN_PROBLEM_SETTING, tokenProblem, tokensUsable, type TokenProblem } from '../client/zalo-tokens.js';
import { newHolderId } from '../store/holder.js';

export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
}

export interface ZaloTokenManagerOptions {
  store: ZaloTokenStore & SettingStore;
  refresh: (refreshToken: string) => Promise<RefreshedTokens>;
  now?: () => number;
  /** Lease holder id; default random per manager. */
  holder?: string;
  /** Refresh when the access token expires within this; default 1 hour. */
  refreshMarginMs?: number;
  /** How long a refresh may hold the cross-process lease; default 30 s (well above the HTTP timeout). */
  leaseTtlMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** How often a caller waiting for another process's refresh re-reads the store; default 100 ms. */
  pollMs?: number;
  log?: Logger;
}

/** Wait before trying a failed early refresh again. */
const EARLY_RETRY_MS = 60_000;

const realSleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

export class ZaloTokenManager {
  private readonly store: ZaloTokenStore & SettingStore;
  private readonly refresh: (refreshToken: string) => Promise<RefreshedTokens>;
  private readonly now: () => number;
  private readonly holder: string;
  private readonly marginMs: number;
  private readonly leaseTtlMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pollMs: number;
  private readonly log: Logger | undefined;
  private inflight: Promise<string> | undefined;
  /** After a failed early refresh, calls use the current token for a while instead of retrying each time. */
  private earlyRefreshAfter = 0;

  constructor(o: ZaloTokenManagerOptions) {
    this.store = o.store;
    this.refresh = o.refresh;
    this.now = o.now ?? Date.now;
    this.holder = o.holder ?? newHolderId();
    this.marginMs = o.refreshMarginMs ?? 3_600_000;
    this.leaseTtlMs = o.leaseTtlMs ?? 30_000;
    this.sleep = o.sleep ?? realSleep;
    this.pollMs = o.pollMs ?? 100;
    this.log = o.log;
  }

  /**
   * Stores the pair given in the environment only when none is stored: a stored pair is newer
   * (the env refresh token was used up by an earlier refresh). True when it was stored.
   */
  async seed(first: { accessToken: string; refreshToken: string; expiresInSec?: number }): Promise<boolean> {
    const now = this.now();
    const seeded = await this.store.zaloTokensSeed({
      accessToken: first.accessToken,
      refreshToken: first.refreshToken,
      expiresAt: now + (first.expiresInSec ?? DEFAULT_TTL_SEC) * 1000,
      updatedAt: now,
    });
    this.log?.info({ seeded }, seeded ? 'Zalo token pair seeded from configuration' : 'Zalo token pair already stored; configured pair ignored');
    return seeded;
  }

  /** Can Zalo be called now: a pair is stored, and its access token is not known to be dead with no refresh possible. */
  usable(): Promise<boolean> {
    return tokensUsable(this.store, this.now());
  }

  /** The problem that needs a person, if any. */
  problem(): Promise<TokenProblem | undefined> {
    return tokenProblem(this.store);
  }

  /** The stored access token, refreshed first when it expires within the margin. */
  async accessToken(): Promise<string> {
    const t = await this.stored();
    const problem = await tokenProblem(this.store);
    if (problem) {
      // The refresh token was refused: asking again cannot help. Use the access token while it lasts.
      if (t.expiresAt > this.now()) return t.accessToken;
      throw Object.assign(new Error(`the Zalo refresh token was refused (${problem.reason}); configure a new pair with "npm run cli -- zalo token"`), { kind: 'token' });
    }
    if (!this.nearExpiry(t)) return t.accessToken;
    if (this.now() < this.earlyRefreshAfter && t.expiresAt > this.now()) return t.accessToken;
    try {
      return await this.flight((s) => this.nearExpiry(s));
    } catch (err) {
      // An early refresh that failed must not stop calls while the current token still works.
      const cur = await this.stored();
      if (cur.expiresAt > this.now()) {
        this.earlyRefreshAfter = this.now() + EARLY_RETRY_MS;
        this.log?.warn({ err: describe(err), expiresAt: cur.expiresAt }, 'Zalo token refresh failed; using the current token until it expires');
        return cur.accessToken;
      }
      throw err;
    }
  }

  /** Zalo refused `rejected`: a newer stored token if someone refreshed already, else a refresh. */
  async refreshAfterRejection(rejected: string): Promise<string> {
    const t = await this.stored();
    if (t.accessToken !== rejected) return t.accessToken;
    const problem = await tokenProblem(this.store);
    if (problem) throw Object.assign(new Error(`the Zalo access token was refused and the refresh token is dead (${problem.reason})`), { kind: 'token' });
    const isRejected = (s: ZaloTokens) => s.accessToken === rejected;
    const got = await this.flight(isRejected);
    // We may have joined an early refresh that found nothing to do: then refresh for real.
    return got === rejected ? this.flight(isRejected) : got;
  }

  /** Zalo refused the refresh token: only a person can fix that. Alert once, and stop asking. */
  private async markDead(t: ZaloTokens, err: unknown): Promise<void> {
    const problem: TokenProblem = { at: this.now(), reason: describe(err).message, refreshToken: fingerprint(t.refreshToken) };
    await this.store.settingPut(TOKEN_PROBLEM_SETTING, JSON.stringify(problem));
    this.log?.error(
      { alert: 'zalo_token', reason: problem.reason },
      'OPERATOR ACTION NEEDED: Zalo refused the refresh token. Messages wait in the outbox; configure a new token pair with "npm run cli -- zalo token ACCESS REFRESH"',
    );
  }

  private async stored(): Promise<ZaloTokens> {
    const t = await this.store.zaloTokensGet();
    if (!t) throw new Error('no Zalo token pair is stored: configure ZALO access and refresh tokens');
    return t;
  }

  private nearExpiry(t: ZaloTokens): boolean {
    return t.expiresAt - this.now() <= this.marginMs;
  }

  /** In-process single flight: concurrent callers share one refresh. */
  private flight(needed: (t: ZaloTokens) => boolean): Promise<string> {
    this.inflight ??= this.refreshSerialised(needed).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refreshSerialised(needed: (t: ZaloTokens) => boolean): Promise<string> {
    // Long enough for a lease left by a crashed process to run out, and then some.
    const deadline = this.now() + 2 * this.leaseTtlMs + 5_000;
    for (;;) {
      const seen = await this.stored();
      if (!needed(seen)) return seen.accessToken;
      if (await this.store.zaloRefreshLease(this.holder, this.now(), this.leaseTtlMs)) {
        try {
          // Another process may have refreshed between our read and the lease.
          const cur = await this.stored();
          if (!needed(cur)) return cur.accessToken;
          let fresh: RefreshedTokens;
          try {
            fresh = await this.refresh(cur.refreshToken);
          } catch (err) {
            if ((err as { kind?: string }).kind === 'token') await this.markDead(cur, err);
            throw err;
          }
          const at = this.now();
          const pair: ZaloTokens = {
            accessToken: fresh.accessToken,
            refreshToken: fresh.refreshToken,
            expiresAt: at + fresh.expiresIn * 1000,
            updatedAt: at,
          };
          // Durable before anything can use (or lose) it.
          await this.store.zaloTokensPut(pair);
          this.log?.info({ expiresAt: pair.expiresAt }, 'Zalo token refreshed');
          return pair.accessToken;
        } finally {
          await this.store.zaloRefreshRelease(this.holder);
        }
      }
      if (this.now() > deadline) throw new Error('timed out waiting for another process to refresh the Zalo token');
      await this.sleep(this.pollMs);
    }
  }
}

/** Error details safe for a log line (no request config, so no token). */
function describe(err: unknown): { name: string; message: string; code?: unknown } {
  if (err instanceof Error) return { name: err.name, message: err.message, ...('code' in err ? { code: err.code } : {}) };
  return { name: 'unknown', message: String(err) };
}
