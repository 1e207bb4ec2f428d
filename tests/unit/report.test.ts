import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportSchedules } from '../../client/reports.js';
import { parsePlan } from '../../domain/plan.js';
import { compileReport, parseReportPeriod, type TaskSnapshot } from '../../domain/report.js';

describe('report periods', () => {
  it.each([
    ['2024-05', 'monthly', '2024-05-01', '2024-05-31', 'tháng 05/2024'],
    ['2024-02', 'monthly', '2024-02-01', '2024-02-29', 'tháng 02/2024'],
    ['2024-Q2', 'quarterly', '2024-04-01', '2024-06-30', 'quý II/2024'],
    ['2024-q4', 'quarterly', '2024-10-01', '2024-12-31', 'quý IV/2024'],
    ['2024-H1', 'half-yearly', '2024-01-01', '2024-06-30', '6 tháng đầu năm 2024'],
    ['2024-H2', 'half-yearly', '2024-07-01', '2024-12-31', '6 tháng cuối năm 2024'],
    ['2024', 'yearly', '2024-01-01', '2024-12-31', 'năm 2024'],
    // As people write them, with or without diacritics.
    ['Quý II/2024', 'quarterly', '2024-04-01', '2024-06-30', 'quý II/2024'],
    ['quy 4 nam 2024', 'quarterly', '2024-10-01', '2024-12-31', 'quý IV/2024'],
    ['Tháng 5/2024', 'monthly', '2024-05-01', '2024-05-31', 'tháng 05/2024'],
    ['6 tháng đầu năm 2024', 'half-yearly', '2024-01-01', '2024-06-30', '6 tháng đầu năm 2024'],
    ['Năm 2024', 'yearly', '2024-01-01', '2024-12-31', 'năm 2024'],
  ])('%s', (text, cycle, start, end, label) => {
    expect(parseReportPeriod(text)).toMatchObject({ cycle, start, end, label });
  });
  it('gives the compact form the worker takes', () => {
    expect(['Quý II/2024', 'Tháng 5/2024', '6 tháng cuối năm 2024', 'Năm 2024', '2024-q2'].map((t) => parseReportPeriod(t)?.code)).toEqual(['2024-Q2', '2024-05', '2024-H2', '2024', '2024-Q2']);
  });
  it.each(['2024-13', '2024-00', '2024-Q5', '2024-H3', '24-05', 'tháng 5', '', 'Quý V/2024', 'Tháng 13/2024'])('rejects %s', (text) => {
    expect(parseReportPeriod(text)).toBeUndefined();
  });
});

describe('compileReport', () => {
  const row = (unit: string, status: TaskSnapshot['status']): TaskSnapshot => ({
    ref: 'II.1', title: 't', content: 'c', unit, unitName: `Phòng ${unit}`, assignee: 'A', deadlineText: 'x', status, result: '', escalationLevel: 0,
  });
  it('counts by status and by unit', () => {
    const r = compileReport({
      plan: { id: 'p', title: 'Kế hoạch', documentNumber: '1/KH' },
      agency: { name: 'Sở Nội vụ' },
      period: parseReportPeriod('2024-05')!,
      compiledOn: '2024-05-10',
      rows: [row('HCTH', 'overdue'), row('HCTH', 'done_on_time'), row('TCCB', 'overdue')],
    });
    expect(r.total).toBe(3);
    expect(r.counts).toMatchObject({ overdue: 2, done_on_time: 1, not_due: 0 });
    expect(r.byUnit.map((u) => [u.unit, u.total, u.counts.overdue])).toEqual([['HCTH', 2, 1], ['TCCB', 1, 1]]);
  });
});

describe('report schedules of seed 000', () => {
  it('one schedule per reporting cycle, compiled on the 10th ahead of "trước ngày 15"', () => {
    const plan = parsePlan(readFileSync(new URL('../../examples/plan-000-so-noi-vu-hau-giang-2024.yaml', import.meta.url), 'utf8'), 'p');
    expect(reportSchedules(plan).map((s) => [s.cycle, s.day, s.months])).toEqual([
      ['monthly', 10, '*'],
      ['quarterly', 10, ['MARCH', 'JUNE', 'SEPTEMBER', 'DECEMBER']],
      ['half-yearly', 10, ['JUNE']],
      ['yearly', 10, ['DECEMBER']],
    ]);
  });
});
