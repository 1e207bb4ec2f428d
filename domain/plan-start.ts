// How far the start of a plan has gone: the figures kept in the store while its task workflows
// are started (the CLI's progress bar and the dashboard's progress page read them), and how they
// read in Vietnamese. Pure: the instants come in as arguments.

export interface PlanStartProgress {
  planId: string;
  /** Tasks of the plan (a task of several units counts once: one workflow). */
  total: number;
  /** Started by this run. */
  started: number;
  /** Found running already (an earlier run, or another admin). */
  existing: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  /** Why the start stopped, for operators (English). */
  error?: string;
}

/** A progress that was not updated for this long, and is not finished, has stopped (its process died). */
export const STALLED_AFTER_MS = 30_000;

export type StartState = 'running' | 'finished' | 'failed' | 'stalled';

export function startStateOf(p: PlanStartProgress, now: number): StartState {
  if (p.finishedAt !== undefined) return 'finished';
  if (p.error !== undefined) return 'failed';
  return now - p.updatedAt > STALLED_AFTER_MS ? 'stalled' : 'running';
}

/** Tasks handled per second so far, and the seconds the rest should take at that rate (undefined before any). */
export function startRate(p: PlanStartProgress, now: number): { perSecond: number; secondsLeft?: number } {
  const done = p.started + p.existing;
  const seconds = Math.max(((p.finishedAt ?? now) - p.startedAt) / 1000, 0.001);
  const perSecond = done / seconds;
  return { perSecond, ...(perSecond > 0 ? { secondsLeft: Math.ceil((p.total - done) / perSecond) } : {}) };
}

/** 10000 → "10.000", as Vietnamese writes numbers. */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** 200 → "3 phút 20 giây"; an hour and more in hours and minutes. */
export function formatSeconds(s: number): string {
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t} giây`;
  if (t < 3600) return `${Math.floor(t / 60)} phút${t % 60 ? ` ${t % 60} giây` : ''}`;
  const m = Math.round((t % 3600) / 60);
  return `${Math.floor(t / 3600)} giờ${m ? ` ${m} phút` : ''}`;
}

/** "Đã khởi động 1.200/10.000 nhiệm vụ (12%) · 45 nhiệm vụ/giây · còn khoảng 3 phút 16 giây". */
export function progressLine(p: PlanStartProgress, now: number): string {
  const done = p.started + p.existing;
  const pct = p.total ? Math.floor((done / p.total) * 100) : 100;
  const { perSecond, secondsLeft } = startRate(p, now);
  const head = `Đã khởi động ${formatCount(done)}/${formatCount(p.total)} nhiệm vụ (${pct}%)`;
  const rate = `${perSecond >= 10 ? formatCount(perSecond) : perSecond.toFixed(1).replace('.', ',')} nhiệm vụ/giây`;
  const state = startStateOf(p, now);
  if (state === 'finished') return `${head} · ${rate} · xong sau ${formatSeconds((p.finishedAt! - p.startedAt) / 1000)}`;
  if (state === 'failed') return `${head} · đã dừng do lỗi`;
  if (state === 'stalled') return `${head} · đã dừng giữa chừng (không còn cập nhật từ ${formatSeconds((now - p.updatedAt) / 1000)} trước)`;
  return `${head} · ${rate}${secondsLeft !== undefined && done > 0 ? ` · còn khoảng ${formatSeconds(secondsLeft)}` : ''}`;
}

/** A text progress bar of `width` cells: "[██████░░░░]". */
export function progressBar(p: PlanStartProgress, width = 24): string {
  const filled = p.total ? Math.round(((p.started + p.existing) / p.total) * width) : width;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}
