import { describe, expect, it } from 'vitest';
import { loadOrg } from '../../client/files.js';
import { toInstant } from '../../domain/calendar.js';
import { is } from '../../client/visibility.js';
import { filterWhere } from '../../domain/task-list.js';
import {
  byUnit,
  completionOverTime,
  countByStatus,
  matchesText,
  parseFilter,
  sortForDashboard,
  type DashboardRow,
  type UnitLine,
} from '../../domain/dashboard.js';
import { compareTaskRefs } from '../../domain/task-ref.js';
import type { Org } from '../../domain/org.js';
import type { TaskStatus } from '../../domain/status.js';
import { completionChartSvg, unitBarsSvg } from '../../web/charts.js';

const org = loadOrg('examples/org-so-noi-vu.yaml');

let seq = 0;
function row(over: Partial<DashboardRow> & { status: TaskStatus }): DashboardRow {
  seq++;
  const ref = over.ref ?? `II.${seq}`;
  const unit = over.unit ?? 'HCTH';
  return {
    workflowId: `kh-01/${ref}/${unit}`,
    planId: 'kh-01',
    ref,
    unit,
    assignee: 'hcth.cv1',
    escalationLevel: 0,
    running: !['done_on_time', 'done_late', 'cancelled'].includes(over.status),
    title: 'Rà soát, đánh giá thủ tục hành chính',
    ...over,
  };
}

/** Start tags and end tags pair up (text is escaped, so no stray "<" in it). */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose) continue;
    if (!close) stack.push(name!);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

function attr(tag: string, name: string): number {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  if (!m) throw new Error(`no ${name} in ${tag}`);
  return Number(m[1]);
}

describe('countByStatus', () => {
  it('counts every status and leaves cancelled tasks out of the completion ratio', () => {
    const rows = [
      row({ status: 'done_on_time' }),
      row({ status: 'done_late' }),
      row({ status: 'done_on_time' }),
      row({ status: 'overdue' }),
      row({ status: 'not_due' }),
      row({ status: 'cancelled' }),
      row({ status: 'cancelled' }),
    ];
    const c = countByStatus(rows);
    expect(c.total).toBe(7);
    expect(c.done).toBe(3);
    expect(c.byStatus).toEqual({
      not_due: 1,
      due_soon: 0,
      overdue: 1,
      awaiting_approval: 0,
      done_on_time: 2,
      done_late: 1,
      awaiting_activation: 0,
      cancelled: 2,
    });
    expect(c.completion).toBeCloseTo(3 / 5);
  });

  it('is 0 with no rows or only cancelled ones', () => {
    expect(countByStatus([])).toMatchObject({ total: 0, done: 0, completion: 0 });
    expect(countByStatus([row({ status: 'cancelled' })])).toMatchObject({ total: 1, done: 0, completion: 0 });
  });

  it('counts a status it does not know (a newer worker) in the total only', () => {
    const c = countByStatus([row({ status: 'constructor' as TaskStatus }), row({ status: 'done_late' })]);
    expect(c).toMatchObject({ total: 2, done: 1, completion: 0.5 });
    expect(Object.keys(c.byStatus)).toHaveLength(8);
  });
});

describe('byUnit', () => {
  it('follows the org order with org names, unknown units after by code', () => {
    const rows = [
      row({ status: 'overdue', unit: 'TTRA' }),
      row({ status: 'overdue', unit: 'TTRA' }),
      row({ status: 'done_on_time', unit: 'HCTH' }),
      row({ status: 'not_due', unit: 'ZZZ' }),
      row({ status: 'not_due', unit: 'CCHC' }),
      row({ status: 'not_due', unit: 'OLD' }),
      row({ status: 'cancelled', unit: 'CCHC' }),
    ];
    const lines = byUnit(rows, org);
    expect(lines.map((l) => [l.unit, l.name])).toEqual([
      ['HCTH', 'Phòng Hành chính – Tổng hợp'],
      ['CCHC', 'Phòng Cải cách hành chính'],
      ['TTRA', 'Thanh tra Sở'],
      ['OLD', 'OLD'],
      ['ZZZ', 'ZZZ'],
    ]);
    expect(lines[1]!.counts).toMatchObject({ total: 2, done: 0, completion: 0 });
    expect(lines[2]!.counts.byStatus.overdue).toBe(2);
    expect(byUnit([], org)).toEqual([]);
  });
});

describe('sortForDashboard', () => {
  it('puts overdue first by escalation level, then oldest due, then ref numerically', () => {
    const rows = [
      row({ status: 'done_on_time', ref: 'I.1' }),
      row({ status: 'not_due', ref: 'II.2.(10)', due: '2025-03-01' }),
      row({ status: 'overdue', ref: 'II.1', escalationLevel: 1, due: '2025-01-10' }),
      row({ status: 'cancelled', ref: 'I.2' }),
      row({ status: 'overdue', ref: 'II.2.(10)', escalationLevel: 1, due: '2025-01-10' }),
      row({ status: 'awaiting_activation', ref: 'I.3' }),
      row({ status: 'overdue', ref: 'II.3', escalationLevel: 3, due: '2025-02-01' }),
      row({ status: 'due_soon', ref: 'I.4', due: '2025-02-10' }),
      row({ status: 'overdue', ref: 'II.2.(9)', escalationLevel: 1, due: '2025-01-10' }),
      row({ status: 'done_late', ref: 'I.5' }),
      row({ status: 'awaiting_approval', ref: 'I.6' }),
      row({ status: 'overdue', ref: 'II.2', escalationLevel: 1, due: '2025-01-05' }),
      row({ status: 'not_due', ref: 'II.2.(9)', due: '2025-03-01' }),
    ];
    const before = rows.map((r) => r.ref);
    const sorted = sortForDashboard(rows);
    expect(sorted.map((r) => `${r.status} ${r.ref}`)).toEqual([
      'overdue II.3',
      'overdue II.2',
      'overdue II.1',
      'overdue II.2.(9)',
      'overdue II.2.(10)',
      'awaiting_approval I.6',
      'due_soon I.4',
      'not_due II.2.(9)',
      'not_due II.2.(10)',
      'awaiting_activation I.3',
      'done_late I.5',
      'done_on_time I.1',
      'cancelled I.2',
    ]);
    expect(rows.map((r) => r.ref)).toEqual(before); // the input is left alone
  });

  it('compares refs with numbers as numbers, Roman ones too', () => {
    const refs = ['IX.1', 'II.2.(10)', 'V.1', 'II.2.(9)', 'II.10', 'II.2', 'II.2.a', 'II.2.b'];
    expect([...refs].sort(compareTaskRefs)).toEqual(['II.2', 'II.2.(9)', 'II.2.(10)', 'II.2.a', 'II.2.b', 'II.10', 'V.1', 'IX.1']);
  });
});

describe('parseFilter', () => {
  it('keeps valid values, ignores unknown keys and invalid values', () => {
    const { filter, errors } = parseFilter({
      status: 'bogus',
      unit: ' hcth ',
      assignee: 'hcth.cv1',
      planId: 'kh-01',
      dueTo: '31/3/2025',
      text: '  ra   soat  ',
      other: 'x',
    });
    expect(filter).toEqual({ unit: 'HCTH', assignee: 'hcth.cv1', planId: 'kh-01', dueTo: '2025-03-31', text: 'ra soat' });
    expect(errors).toEqual([]);
  });

  it('drops a date that does not exist, with a Vietnamese message', () => {
    const { filter, errors } = parseFilter({ dueFrom: '2025-02-30', status: 'overdue' });
    expect(filter).toEqual({ status: 'overdue' });
    expect(errors).toEqual(['Hạn từ ngày: ngày 30/02/2025 không tồn tại, đã bỏ qua điều kiện này.']);
  });

  it('says when a value is not a date at all, and when the range is reversed', () => {
    expect(parseFilter({ dueTo: 'hôm qua' }).errors).toEqual([
      'Hạn đến ngày: «hôm qua» không phải là ngày (viết dạng ngày/tháng/năm, ví dụ 30/6/2024), đã bỏ qua điều kiện này.',
    ]);
    const reversed = parseFilter({ dueFrom: '2025-03-01', dueTo: '2025-02-01' });
    expect(reversed.filter).toEqual({ dueFrom: '2025-03-01', dueTo: '2025-02-01' });
    expect(reversed.errors).toEqual(['Hạn từ ngày 01/03/2025 sau hạn đến ngày 01/02/2025: không nhiệm vụ nào thỏa điều kiện.']);
  });

  it('copes with what express hands over: arrays, objects, empty strings', () => {
    expect(parseFilter({ unit: ['TCCB', 'HCTH'], status: { $ne: 'x' }, assignee: '', text: ['Rà soát'] }).filter).toEqual({
      unit: 'TCCB',
      text: 'Rà soát',
    });
    expect(parseFilter({ assignee: "o'brien" }).filter).toEqual({});
    expect(parseFilter({})).toEqual({ filter: {}, errors: [] });
  });
});

describe('filterWhere', () => {
  it('asks the read model every part of the filter, the text included', () => {
    expect(filterWhere({})).toEqual({ all: [] });
    expect(filterWhere({ text: 'rà soát' })).toEqual({ all: [{ text: 'rà soát' }] });
    expect(filterWhere({ unit: 'HCTH' })).toEqual({ all: [{ unitIn: ['HCTH'] }] });
    expect(
      filterWhere({ unit: 'HCTH', status: 'overdue', assignee: 'hcth.cv1', dueFrom: '2025-01-01', dueTo: '2025-03-31', text: 'ra soat', planId: 'kh-01' }),
    ).toEqual({
      all: [{ planId: 'kh-01' }, { unitIn: ['HCTH'] }, { statusIn: ['overdue'] }, { assignee: 'hcth.cv1' }, { dueFrom: '2025-01-01' }, { dueTo: '2025-03-31' }, { text: 'ra soat' }],
    });
  });
});

describe('visibility literals', () => {
  it('strip quotes so a value cannot end its literal', () => {
    expect(is('TaskAssignee', "x' OR TaskUnit = 'TCCB")).toBe(`TaskAssignee = 'x OR TaskUnit = TCCB'`);
    expect(is('TaskAssignee', "'\\")).toBe(`TaskAssignee = ''`);
  });
});

describe('matchesText', () => {
  const r = row({ status: 'not_due', ref: 'II.2.(10)', title: 'Rà soát, đánh giá thủ tục hành chính' });
  it.each([
    ['ra soat', true],
    ['RÀ SOÁT', true],
    ['danh gia', true],
    ['đánh   giá', true],
    ['soat ra', true],
    ['ii.2.(10)', true],
    ['', true],
    ['ra soat dat dai', false],
    ['II.2.(9)', false],
  ])('%s → %s', (text, expected) => {
    expect(matchesText(r, text)).toBe(expected);
  });
});

describe('completionOverTime', () => {
  const at = (date: string, hhmm = '10:00') => toInstant(date, hhmm);
  const rows = [
    row({ status: 'done_on_time', closedAt: at('2024-11-15') }), // before the window: only in the cumulative count
    row({ status: 'done_late', closedAt: at('2024-12-31') }),
    row({ status: 'done_on_time', closedAt: at('2025-01-01') }), // Tết Dương lịch, same week as 31/12
    row({ status: 'done_on_time', closedAt: at('2025-01-05', '23:30') }), // Sunday night in Hà Nội
    row({ status: 'done_on_time', closedAt: at('2025-01-06', '00:30') }), // Monday 00:30 here, still Sunday in UTC
    row({ status: 'done_late', closedAt: at('2025-01-28') }), // Tất niên, the eve of Tết Ất Tỵ
    row({ status: 'done_on_time', closedAt: at('2025-02-05') }),
    row({ status: 'done_on_time', closedAt: at('2025-02-06') }), // after "today"
    row({ status: 'done_on_time' }), // no close time
    row({ status: 'cancelled', closedAt: at('2025-01-02') }),
    row({ status: 'not_due' }),
  ];

  it('buckets by Monday in Asia/Ho_Chi_Minh across the new year and Tết, cumulative from the start', () => {
    expect(completionOverTime(rows, '2025-02-05', 6)).toEqual([
      { week: '2024-12-30', done: 3, cumulative: 4 },
      { week: '2025-01-06', done: 1, cumulative: 5 },
      { week: '2025-01-13', done: 0, cumulative: 5 },
      { week: '2025-01-20', done: 0, cumulative: 5 },
      { week: '2025-01-27', done: 1, cumulative: 6 },
      { week: '2025-02-03', done: 1, cumulative: 7 },
    ]);
  });

  it('ends with the week holding today, Monday or Sunday', () => {
    expect(completionOverTime(rows, '2025-01-06', 2).map((p) => p.week)).toEqual(['2024-12-30', '2025-01-06']);
    expect(completionOverTime(rows, '2025-01-05', 1)).toEqual([{ week: '2024-12-30', done: 3, cumulative: 4 }]);
    expect(completionOverTime(rows, '2025-02-05', 0)).toEqual([]);
    expect(completionOverTime([], '2025-02-05', 2)).toEqual([
      { week: '2025-01-27', done: 0, cumulative: 0 },
      { week: '2025-02-03', done: 0, cumulative: 0 },
    ]);
  });
});

describe('unitBarsSvg', () => {
  const weird: Org = { ...org, units: org.units.map((u) => (u.code === 'HCTH' ? { ...u, name: 'Phòng HC & TH <"thí điểm">' } : u)) };
  const rows = [
    ...Array.from({ length: 3 }, () => row({ status: 'done_on_time', unit: 'HCTH' })),
    row({ status: 'awaiting_approval', unit: 'HCTH' }),
    ...Array.from({ length: 2 }, () => row({ status: 'overdue', unit: 'HCTH' })),
    row({ status: 'cancelled', unit: 'HCTH' }),
    ...Array.from({ length: 4 }, () => row({ status: 'overdue', unit: 'TCCB' })),
    ...Array.from({ length: 4 }, () => row({ status: 'not_due', unit: 'TCCB' })),
  ];
  const lines = byUnit(rows, weird);
  const svg = unitBarsSvg(lines, { width: 600 });

  it('is one well-formed, responsive SVG', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain('viewBox="0 0 600 ');
    expect(svg).toContain('width="100%"');
    expect(svg).toContain('role="img"');
    expect(svg).not.toMatch(/<script|@import|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('escapes unit names', () => {
    expect(svg).toContain('Phòng HC &amp; TH &lt;&quot;thí điểm&quot;&gt;');
    expect(svg).not.toContain('<"thí');
  });

  it('labels each unit with done/total and percent, cancelled left out', () => {
    expect(svg).toContain('3/6 hoàn thành (50%)');
    expect(svg).toContain('0/8 hoàn thành (0%)');
  });

  it('draws red segments proportional to overdue tasks, on one scale', () => {
    const reds = [...svg.matchAll(/<rect class="seg-overdue"[^>]*>/g)].map((m) => m[0]);
    expect(reds).toHaveLength(2);
    for (const r of reds) expect(r).toContain('fill="#d93025"');
    const [hcth, tccb] = reds.map((r) => attr(r, 'width'));
    expect(tccb! / hcth!).toBeCloseTo(2, 2);
    // TCCB has the most live tasks (8): its 4 overdue fill half of the track.
    const track = attr(/<rect x="[^"]*" y="[^"]*" width="[^"]*" height="16" rx="3"[^>]*>/.exec(svg)![0], 'width');
    expect(tccb! / track).toBeCloseTo(4 / 8, 2);
    expect(svg).toContain('fill="#188038"');
    expect(svg).toContain('fill="#f9ab00"');
  });

  it('is deterministic and copes with no data', () => {
    expect(unitBarsSvg(byUnit(rows, weird), { width: 600 })).toBe(svg);
    for (const empty of [unitBarsSvg([]), unitBarsSvg(byUnit([row({ status: 'cancelled' })], org))]) {
      expect(empty.startsWith('<svg')).toBe(true);
      expect(empty.endsWith('</svg>')).toBe(true);
      expect(balanced(empty)).toBe(true);
      expect(empty).toContain('Chưa có dữ liệu');
    }
  });

  it('says when a unit only has cancelled tasks', () => {
    const only: UnitLine[] = byUnit([row({ status: 'cancelled', unit: 'TTRA' }), row({ status: 'overdue', unit: 'HCTH' })], org);
    expect(unitBarsSvg(only)).toContain('chỉ có nhiệm vụ đã hủy (1)');
  });
});

describe('completionChartSvg', () => {
  const at = (date: string) => toInstant(date, '10:00');
  const points = completionOverTime(
    [
      row({ status: 'done_on_time', closedAt: at('2024-12-31') }),
      row({ status: 'done_late', closedAt: at('2025-01-15') }),
      row({ status: 'done_on_time', closedAt: at('2025-01-16') }),
    ],
    '2025-01-20',
    4,
  );
  const svg = completionChartSvg(points);

  it('is a well-formed, accessible SVG with dd/mm labels and a Vietnamese title', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain('width="100%"');
    expect(svg).toMatch(/role="img" aria-label="Số nhiệm vụ hoàn thành theo tuần, từ tuần 30\/12\/2024 đến tuần 20\/01\/2025: lũy kế 3 nhiệm vụ/);
    expect(svg).toContain('<title>Số nhiệm vụ hoàn thành theo tuần');
    for (const label of ['30/12', '06/01', '13/01', '20/01']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('Tuần từ 13/01/2025: 2 hoàn thành');
    expect(completionChartSvg(points)).toBe(svg);
  });

  it('renders "Chưa có dữ liệu" without completions', () => {
    for (const empty of [completionChartSvg([]), completionChartSvg(completionOverTime([], '2025-01-20', 4))]) {
      expect(empty.startsWith('<svg')).toBe(true);
      expect(empty.endsWith('</svg>')).toBe(true);
      expect(balanced(empty)).toBe(true);
      expect(empty).toContain('Chưa có dữ liệu');
    }
  });

  it('thins out week labels on a long, narrow chart but keeps the latest', () => {
    const many = completionOverTime([row({ status: 'done_on_time', closedAt: at('2025-01-15') })], '2025-06-30', 52);
    const narrow = completionChartSvg(many, { width: 320 });
    const labels = [...narrow.matchAll(/>(\d\d\/\d\d)<\/text>/g)].map((m) => m[1]);
    expect(labels.length).toBeLessThan(12);
    expect(labels.at(-1)).toBe('30/06');
  });
});
