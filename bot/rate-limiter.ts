// A token bucket shared by everything that calls Zalo (about 4,000 requests a minute per app).
// Waiters in a process are served in arrival order; with `shared`, the bucket itself lives in
// the store, so every worker and web process draws from one budget. `pause` makes every caller
// wait, which is how a -32 (rate limit) answer slows everyone down, not just one caller.
import type { RateStore } from '../store/store.js';

export interface RateLimiterOptions {
  perMinute: number;
  /** Calls that may go at once after a quiet spell; default one second's worth. */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The bucket in the store, shared by every process that uses it. */
  shared?: { store: RateStore; bucket: string };
}

const realSleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

export class RateLimiter {
  private readonly perMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly perMinute: number;
  private readonly shared: RateLimiterOptions['shared'];
  private tokens: number;
  private last: number;
  private until = 0;
  /** Each take() chains onto the previous one: FIFO without a hand-written queue. */
  private tail: Promise<void> = Promise.resolve();

  constructor(o: RateLimiterOptions) {
    if (!(o.perMinute > 0)) throw new Error('RateLimiter: perMinute must be positive');
    this.perMs = o.perMinute / 60_000;
    this.perMinute = o.perMinute;
    this.shared = o.shared;
    this.burst = Math.max(1, o.burst ?? Math.ceil(o.perMinute / 60));
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? realSleep;
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Resolves when the caller may send one request. */
  take(): Promise<void> {
    const turn = this.tail.then(() => this.acquire());
    // A failing sleep must not wedge later callers.
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Every caller waits at least `ms` from now (extends, never shortens, a running pause). */
  async pause(ms: number): Promise<void> {
    const until = this.now() + ms;
    if (until <= this.until) return;
    this.until = until;
    // Restart gently after the pause: one call at its end, then the steady rate, no burst.
    this.tokens = 1;
    this.last = until;
    // Local state first (synchronously), so callers in this process hold even while the store write is under way.
    await this.shared?.store.ratePause(this.shared.bucket, until);
  }

  /** Epoch ms until which callers are held (0 or in the past when not paused). */
  get pausedUntil(): number {
    return this.until;
  }

  private async acquire(): Promise<void> {
    if (this.shared) return this.acquireShared(this.shared);
    for (;;) {
      const now = this.now();
      if (now < this.until) {
        await this.sleep(this.until - now);
        continue;
      }
      if (now > this.last) {
        this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
        this.last = now;
      }
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil((1 - this.tokens) / this.perMs));
    }
  }

  private async acquireShared(shared: NonNullable<RateLimiterOptions['shared']>): Promise<void> {
    for (;;) {
      const wait = await shared.store.rateTake(shared.bucket, this.perMinute, this.burst, this.now());
      if (wait <= 0) return;
      await this.sleep(wait);
    }
  }
}
