// Waiting for a condition, not a clock: every test that waits on a server polls through this.
/** Polls until `probe` returns a value that is not undefined/false, or fails after `ms`. */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 30_000,
  what = 'condition',
  /** What to show when it times out. */
  detail?: () => unknown,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  // Soon after the first look, then every 100 ms: most conditions hold within a few tens of ms.
  let pause = 10;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      // `detail` may read the (asynchronous) store.
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${detail ? `\n${JSON.stringify(await detail(), null, 1)}` : ''}`);
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(100, pause * 2);
  }
}
