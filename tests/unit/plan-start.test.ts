import { describe, expect, it } from 'vitest';
import { formatCount, formatSeconds, progressBar, progressLine, startRate, startStateOf, STALLED_AFTER_MS, type PlanStartProgress } from '../../domain/plan-start.js';

const T0 = Date.UTC(2025, 2, 3, 1, 0);
const p = (o: Partial<PlanStartProgress> = {}): PlanStartProgress => ({ planId: 'kh-01', total: 10_000, started: 0, existing: 0, startedAt: T0, updatedAt: T0, ...o });

describe('plan start progress', () => {
  it('reads in Vietnamese: done of total, rate, time left', () => {
    expect(progressLine(p({ started: 1200, updatedAt: T0 + 30_000 }), T0 + 30_000)).toBe('Đã khởi động 1.200/10.000 nhiệm vụ (12%) · 40 nhiệm vụ/giây · còn khoảng 3 phút 40 giây');
    expect(progressLine(p({ started: 3, updatedAt: T0 + 2000 }), T0 + 2000)).toBe('Đã khởi động 3/10.000 nhiệm vụ (0%) · 1,5 nhiệm vụ/giây · còn khoảng 1 giờ 51 phút');
    expect(progressLine(p(), T0)).toBe('Đã khởi động 0/10.000 nhiệm vụ (0%) · 0,0 nhiệm vụ/giây');
  });

  it('a finished, failed or stalled start says so; tasks found running count as done', () => {
    const finished = p({ started: 9000, existing: 1000, updatedAt: T0 + 250_000, finishedAt: T0 + 250_000 });
    expect(startStateOf(finished, T0 + 999_999)).toBe('finished');
    expect(progressLine(finished, T0 + 999_999)).toBe('Đã khởi động 10.000/10.000 nhiệm vụ (100%) · 40 nhiệm vụ/giây · xong sau 4 phút 10 giây');
    expect(startStateOf(p({ error: 'deadline exceeded' }), T0)).toBe('failed');
    expect(progressLine(p({ started: 10, error: 'x' }), T0)).toBe('Đã khởi động 10/10.000 nhiệm vụ (0%) · đã dừng do lỗi');
    expect(startStateOf(p({ updatedAt: T0 }), T0 + STALLED_AFTER_MS)).toBe('running');
    expect(startStateOf(p({ updatedAt: T0 }), T0 + STALLED_AFTER_MS + 1)).toBe('stalled');
    expect(progressLine(p({ started: 50 }), T0 + 90_000)).toContain('đã dừng giữa chừng (không còn cập nhật từ 1 phút 30 giây trước)');
  });

  it('rates, counts, durations and the bar', () => {
    expect(startRate(p({ started: 100 }), T0 + 10_000)).toEqual({ perSecond: 10, secondsLeft: 990 });
    expect(startRate(p(), T0 + 10_000)).toEqual({ perSecond: 0 });
    expect([formatCount(0), formatCount(999), formatCount(1000), formatCount(1234567)]).toEqual(['0', '999', '1.000', '1.234.567']);
    expect([formatSeconds(0), formatSeconds(59.4), formatSeconds(60), formatSeconds(3599), formatSeconds(3600), formatSeconds(5430)]).toEqual([
      '0 giây',
      '59 giây',
      '1 phút',
      '59 phút 59 giây',
      '1 giờ',
      '1 giờ 31 phút',
    ]);
    expect(progressBar(p({ started: 5000 }), 10)).toBe('[█████░░░░░]');
    expect(progressBar(p({ total: 0 }), 4)).toBe('[████]');
  });
});
