// The token bucket both stores keep (Zalo's per-app rate limit): pure, so SQLite and PostgreSQL
// differ only in how they hold the row while it runs.

export interface Bucket {
  tokens: number;
  /** When the bucket was last refilled (epoch ms). */
  last: number;
  pausedUntil: number;
}

/** Refills the bucket up to `now` and takes one token: the bucket after, and how long to wait (0 when granted). */
export function takeToken(b: Bucket, perMinute: number, burst: number, now: number): { bucket: Bucket; wait: number } {
  if (now < b.pausedUntil) return { bucket: b, wait: b.pausedUntil - now };
  const perMs = perMinute / 60_000;
  let { tokens, last } = b;
  if (now > last) {
    tokens = Math.min(burst, tokens + (now - last) * perMs);
    last = now;
  }
  if (tokens >= 1) return { bucket: { ...b, tokens: tokens - 1, last }, wait: 0 };
  return { bucket: { ...b, tokens, last }, wait: Math.max(1, Math.ceil((1 - tokens) / perMs)) };
}
