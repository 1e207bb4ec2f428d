import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportSchedules } from '../../client/reports.js';
import { parsePlan } from '../../domain/plan.js';
import { compileReport, letterheadOf, parseReportPeriod, type TaskSnapshot } from '../../domain/report.js';
import { parseOrg } from '../../domain/org.js';

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
  const LETTERHEAD = { numberSuffix: 'BC-SNV', placeDate: 'Hậu Giang, ngày 10 tháng 5 năm 2024', to: ['UBND tỉnh'], copies: ['Lưu: VT'], signer: { title: 'GIÁM ĐỐC', name: 'A' } };
  const row = (unit: string, status: TaskSnapshot['status'], o: Partial<TaskSnapshot> = {}): TaskSnapshot => ({
    ref: 'II.1', title: 't', content: 'c', unit, unitName: `Phòng ${unit}`, assignee: 'A', deadlineText: 'x', status, result: '', escalationLevel: 0, ...o,
  });
  const compile = (rows: TaskSnapshot[], period = '2024-05', compiledOn = '2024-06-10') =>
    compileReport({ plan: { id: 'p', title: 'Kế hoạch', documentNumber: '1/KH' }, agency: { name: 'Sở Nội vụ' }, letterhead: LETTERHEAD, period: parseReportPeriod(period)!, compiledOn, rows });

  it('counts by status and by unit', () => {
    const r = compile([row('HCTH', 'overdue', { due: '2024-05-02' }), row('HCTH', 'done_on_time', { due: '2024-05-20', doneOn: '2024-05-18' }), row('TCCB', 'overdue', { due: '2024-04-30' })]);
    expect(r.total).toBe(3);
    expect(r.counts).toMatchObject({ overdue: 2, done_on_time: 1, not_due: 0 });
    expect(r.byUnit.map((u) => [u.unit, u.total, u.counts.overdue])).toEqual([['HCTH', 2, 1], ['TCCB', 1, 1]]);
    expect([r.dueInPeriod, r.doneInPeriod, r.completedInPeriod]).toEqual([2, 1, 1]);
  });

  it('tells the situation at the period\'s end: later deadlines are not yet due, later completions not yet done', () => {
    // A Q2/2024 report compiled in 2026: a deadline of 12/2026 and a completion of 11/2026 belong to later periods.
    const r = compile(
      [
        row('HCTH', 'overdue', { due: '2026-12-10' }),
        row('HCTH', 'done_late', { due: '2024-05-31', reportedOn: '2026-11-20', doneOn: '2026-11-25' }),
        row('TCCB', 'done_on_time', { due: '2024-06-30', reportedOn: '2024-06-20', doneOn: '2024-07-02' }),
        row('TCCB', 'cancelled', { due: '2024-06-30', cancelledOn: '2025-01-05' }),
      ],
      '2024-Q2',
      '2026-12-01',
    );
    expect(r.asOf).toBe('2024-06-30');
    // (Due on the period's last day: not late yet on that day.)
    expect(r.rows.map((x) => x.status)).toEqual(['not_due', 'overdue', 'awaiting_approval', 'not_due']);
    expect(r.completedInPeriod).toBe(0);
    expect(r.late).toHaveLength(1);
  });

  it('the appendix has one row per task with each unit\'s status, grouped by the leading unit; the next period\'s tasks are named', () => {
    const r = compile(
      [
        row('HCTH', 'overdue', { ref: 'II.1', title: 'Số hóa', due: '2024-05-10' }),
        row('TCCB', 'not_due', { ref: 'II.1', title: 'Số hóa', due: '2024-06-10' }),
        row('TCCB', 'not_due', { ref: 'II.2', title: 'Rà soát', due: '2024-06-20' }),
      ],
      '2024-05',
      '2024-05-31',
    );
    expect(r.appendix.map((g) => [g.unitName, g.rows.map((x) => [x.ref, x.units.map((u) => `${u.unitName}: ${u.status}`)])])).toEqual([
      ['Phòng HCTH', [['II.1', ['Phòng HCTH: overdue', 'Phòng TCCB: not_due']]]],
      ['Phòng TCCB', [['II.2', ['Phòng TCCB: not_due']]]],
    ]);
    expect(r.next.label).toBe('tháng 06/2024');
    expect(r.next.rows.map((x) => x.ref)).toEqual(['II.1', 'II.2']);
  });
});

describe('letterheadOf', () => {
  const org = parseOrg(readFileSync(new URL('../../examples/org-so-noi-vu.yaml', import.meta.url), 'utf8'), 'org');
  it('defaults from the org chart: the Giám đốc signs, the parent agency is addressed, the number from the name', () => {
    const l = letterheadOf(org, '2025-03-10');
    expect(l.numberSuffix).toBe('BC-SNV');
    expect(l.placeDate).toBe('Hậu Giang, ngày 10 tháng 3 năm 2025');
    expect(l.to).toEqual(['UBND tỉnh Hậu Giang']);
    expect(l.copies).toEqual(['UBND tỉnh Hậu Giang (b/c)', 'Lưu: VT']);
    expect(l.signer.title).toBe('GIÁM ĐỐC');
    expect(l.signer.name).toBe(org.people.find((p) => p.id === org.leadership.director)!.name);
  });
  it('takes the agency\'s own settings', () => {
    const own = { ...org, agency: { ...org.agency, reports: { numberSuffix: 'BC-SNV-VP', to: ['Bộ Công an', 'UBND tỉnh'], copies: ['Giám đốc, các PGĐ'], signer: { on: 'KT. GIÁM ĐỐC', title: 'PHÓ GIÁM ĐỐC', name: 'Trần Văn B' } } } };
    const l = letterheadOf(own, '2025-03-10');
    expect(l).toMatchObject({ numberSuffix: 'BC-SNV-VP', to: ['Bộ Công an', 'UBND tỉnh'], signer: { on: 'KT. GIÁM ĐỐC', title: 'PHÓ GIÁM ĐỐC' } });
    expect(l.copies).toEqual(['Bộ Công an (b/c)', 'UBND tỉnh (b/c)', 'Giám đốc, các PGĐ', 'Lưu: VT']);
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
