import { describe, expect, it } from 'vitest';
import { parseDeadlinePhrase, type ParsedDeadline } from '../../domain/deadline-phrase.js';
import { deadlineSchema, type Cycle } from '../../domain/plan.js';

type Want =
  | { kind: 'date'; due: string }
  | { kind: 'recurring'; cycle: Cycle; day?: number }
  | { kind: 'ongoing' }
  | { kind: 'event' }
  | { kind: 'phased'; phases: { label: string; due: string }[] }
  | { kind: 'unknown' };

const date = (due: string): Want => ({ kind: 'date', due });
const every = (cycle: Cycle, day?: number): Want => (day === undefined ? { kind: 'recurring', cycle } : { kind: 'recurring', cycle, day });
const ONGOING: Want = { kind: 'ongoing' };
const EVENT: Want = { kind: 'event' };
const UNKNOWN: Want = { kind: 'unknown' };
const phased = (...phases: [string, string][]): Want => ({ kind: 'phased', phases: phases.map(([label, due]) => ({ label, due })) });

/** Phrase, expected reading, and (when they differ from the defaults) the plan year and the stored text. */
type Row = [phrase: string, want: Want, opts?: { year?: number; text?: string }];

const MULTI_CYCLE =
  'Định kỳ hằng tháng (trước ngày 15), hằng quý (trước ngày 15 tháng cuối cùng của quý), 6 tháng (trước ngày 15/6), 01 năm (trước ngày 15/12)';

const ROWS: Row[] = [
  // A list of years: through the last of them (issue 10: "Trong năm 2023, 2024")
  ['Trong năm 2023, 2024', date('2024-12-31')],
  ['Trong nam 2023, 2024', date('2024-12-31')],
  ['Năm 2025 và 2026', date('2026-12-31')],
  ['Năm 2025 - 2026', date('2026-12-31')],
  ['Trong các năm 2024, 2025, 2026', date('2026-12-31')],
  ['Quý III/2027', date('2027-09-30')],
  ['quy III/2027', date('2027-09-30')],
  ['Hằng năm và từng giai đoạn', every('yearly')],
  // Month → last day of the month
  ['Tháng 3/2022', date('2022-03-31')],
  ['Thang 3/2022', date('2022-03-31')],
  ['Tháng 11 năm 2024', date('2024-11-30')], // seed 000
  ['thang 11 nam 2024', date('2024-11-30')],
  ['trong tháng 6 năm 2022', date('2022-06-30')],
  ['trong thang 6 nam 2022', date('2022-06-30')],
  ['tháng 03-2022', date('2022-03-31')],
  ['thang 03-2022', date('2022-03-31')],
  ['T6/2022', date('2022-06-30')],
  ['t6/2022', date('2022-06-30')],
  ['Tháng 2/2024', date('2024-02-29')],
  ['Tháng 2/2023', date('2023-02-28')],
  ['THÁNG  11   NĂM 2024', date('2024-11-30'), { text: 'THÁNG 11 NĂM 2024' }],
  ['Tháng 3 / 2022', date('2022-03-31')],
  ['Th áng 11 năm 2024', date('2024-11-30')],
  ['Tháng 3/2023', date('2023-03-31')], // sample table
  ['Tháng 6', date('2024-06-30'), { year: 2024 }],
  ['Tháng 6', UNKNOWN],
  ['Tháng 6, 2024', date('2024-06-30')],
  ['tháng 13/2024', UNKNOWN],
  ['thang 13/2024', UNKNOWN],
  ['Tháng 11 năm 20 24', UNKNOWN],
  // Quarter → last day of the quarter
  ['Quý II năm 2024', date('2024-06-30')], // seed 000
  ['Quy II nam 2024', date('2024-06-30')],
  ['Quý  II năm 2024', date('2024-06-30'), { text: 'Quý II năm 2024' }],
  ['Quý 2/2024', date('2024-06-30')],
  ['quy 2/2024', date('2024-06-30')],
  ['quý IV/2023', date('2023-12-31')],
  ['QUY IV/2023', date('2023-12-31')],
  ['trong Quý I năm 2025', date('2025-03-31')],
  ['trong quy i nam 2025', date('2025-03-31')],
  ['Quý 3 năm 2024', date('2024-09-30')],
  ['quy 3 nam 2024', date('2024-09-30')],
  ['Quý II năm 2023', date('2023-06-30')], // sample table
  ['Quý II', date('2025-06-30'), { year: 2025 }],
  ['Quý V/2024', UNKNOWN],
  ['Quy V/2024', UNKNOWN],
  ['Quý 5 năm 2024', UNKNOWN],
  ['Thời gian hoàn thành: Quý II năm 2024.', date('2024-06-30'), { text: 'Thời gian hoàn thành: Quý II năm 2024' }],
  // Year → 31/12
  ['Năm 2022', date('2022-12-31')],
  ['Nam 2022', date('2022-12-31')],
  ['Trong năm 2024', date('2024-12-31')], // seed 000
  ['trong nam 2024', date('2024-12-31')],
  ['Cả năm 2024', date('2024-12-31')],
  ['ca nam 2024', date('2024-12-31')],
  ['Hoàn thành trong năm 2025', date('2025-12-31')],
  ['hoan thanh trong nam 2025', date('2025-12-31')],
  ['Năm 2023', date('2023-12-31')], // sample table
  ['Đến hết năm 2025', date('2025-12-31')],
  ['Cuối năm 2024', date('2024-12-31')],
  ['Năm 2024, theo Kế hoạch số 19/KH-UBND ngày 31/01/2024', date('2024-12-31')],
  ['Năm 2024 (dự kiến)', date('2024-12-31')],
  // Parts of a year
  ['6 tháng đầu năm', date('2024-06-30'), { year: 2024 }],
  ['6 thang dau nam', date('2025-06-30'), { year: 2025 }],
  ['6 tháng đầu năm', UNKNOWN],
  ['6 tháng đầu năm 2024', date('2024-06-30')],
  ['6 tháng cuối năm 2024', date('2024-12-31')],
  ['6 thang cuoi nam 2024', date('2024-12-31')],
  ['9 tháng đầu năm 2024', date('2024-09-30')],
  ['9 thang dau nam 2024', date('2024-09-30')],
  ['Sáu tháng đầu năm 2024', date('2024-06-30')],
  ['13 tháng đầu năm 2024', UNKNOWN],
  // A day
  ['ngày 15/3/2022', date('2022-03-15')],
  ['ngay 15/3/2022', date('2022-03-15')],
  ['15/03/2022', date('2022-03-15')],
  ['ngày 15 tháng 3 năm 2022', date('2022-03-15')],
  ['ngay 15 thang 3 nam 2022', date('2022-03-15')],
  ['trước ngày 15/3/2022', date('2022-03-15')],
  ['truoc ngay 15/3/2022', date('2022-03-15')],
  ['chậm nhất ngày 15/3/2022', date('2022-03-15')],
  ['cham nhat ngay 15/3/2022', date('2022-03-15')],
  ['hoàn thành trước ngày 30/6/2024', date('2024-06-30')],
  ['Hoan thanh truoc ngay 30/6/2024', date('2024-06-30')],
  ['Trước 30 / 6 / 2024.', date('2024-06-30'), { text: 'Trước 30 / 6 / 2024' }],
  ['Từ ngày 01/7/2024', date('2024-07-01')],
  ['2024-06-30', date('2024-06-30')],
  ['ngày 15/3', date('2024-03-15'), { year: 2024 }],
  ['ngày 29/02/2024', date('2024-02-29')],
  ['ngay 29/02/2024', date('2024-02-29')],
  ['ngày 29/02/2023', UNKNOWN],
  ['29/02/2023', UNKNOWN],
  ['31/6/2024', UNKNOWN],
  ['ngay 31/6/2024', UNKNOWN],
  ['15/3/22', UNKNOWN],
  // Ranges → end of the range
  ['Từ tháng 3 đến tháng 6 năm 2024', date('2024-06-30')],
  ['tu thang 3 den thang 6 nam 2024', date('2024-06-30')],
  ['Năm 2024-2025', date('2025-12-31')],
  ['nam 2024 - 2025', date('2025-12-31')],
  ['2024 - 2025', date('2025-12-31')],
  ['Quý II-III/2024', date('2024-09-30')],
  ['Năm 2025-2024', UNKNOWN],
  // Ongoing
  ['Thường xuyên', ONGOING], // seed 000
  ['thuong xuyen', ONGOING],
  ['THƯỜNG XUYÊN.', ONGOING, { text: 'THƯỜNG XUYÊN' }],
  ['Thực hiện thường xuyên', ONGOING], // seed 000
  ['thuc hien thuong xuyen', ONGOING],
  ['Thực hiện thường xuyên.', ONGOING, { text: 'Thực hiện thường xuyên' }],
  ['Liên tục', ONGOING],
  ['lien tuc', ONGOING],
  ['thường xuy- ên', ONGOING],
  ['Thường xuy ên', ONGOING],
  ['Thường xuyên, trước 30/6/2024', UNKNOWN],
  // Recurring
  ['Hằng năm, thường xuyên', every('yearly')],
  ['Hang nam, thuong xuyen', every('yearly')],
  ['trước ngày 15 hằng tháng', every('monthly', 15)],
  ['truoc ngay 15 hang thang', every('monthly', 15)],
  ['Trước ngày 15 hàng tháng', every('monthly', 15)], // sample table
  ['hàng tháng', every('monthly')],
  ['định kỳ hằng tháng', every('monthly')],
  ['dinh ky hang thang', every('monthly')],
  ['hằng quý', every('quarterly')],
  ['hang quy', every('quarterly')],
  ['định kỳ hằng quý (trước ngày 15 tháng cuối quý)', every('quarterly', 15)],
  ['dinh ky hang quy (truoc ngay 15 thang cuoi quy)', every('quarterly', 15)],
  ['định kỳ 6 tháng', every('half-yearly')],
  ['dinh ky 6 thang', every('half-yearly')],
  ['6 tháng một lần', every('half-yearly')],
  ['6 thang 1 lan', every('half-yearly')],
  ['hằng năm', every('yearly')],
  ['định kỳ hằng năm', every('yearly')],
  ['dinh ky hang nam', every('yearly')],
  ['Trước ngày 15/6 và trước ngày 15/12 hằng năm', every('half-yearly', 15)], // sample table
  ['Trước ngày 31/12 hằng năm', UNKNOWN],
  ['hằng tuần', UNKNOWN],
  ['hằng tháng, trước ngày 5 tháng sau', UNKNOWN],
  [MULTI_CYCLE, UNKNOWN], // seed 000, section III
  ['Định kỳ', UNKNOWN],
  ['Hằng năm (trước ngày 15/12)', every('yearly', 15)],
  ['hằng quý (trước ngày 20/3, 20/6, 20/9, 20/12)', every('quarterly', 20)],
  ['ngân hàng năm 2024', UNKNOWN], // the noun "hàng" names no cycle
  // Events: their dates are never due dates
  ['Khi có văn bản hướng dẫn của Trung ương', EVENT],
  ['khi co van ban huong dan cua trung uong', EVENT],
  ['Khi có hướng dẫn', EVENT],
  ['KHI CÓ HƯỚNG DẪN', EVENT],
  ['Khi có văn bản đề nghị góp ý của Trung ương', EVENT], // sample table
  ['Theo lộ trình Kế hoạch số 82/KH-UBND ngày 10/5/2022', EVENT], // seed 000
  ['Theo lộ trình Kế hoạch số 82/KH-UBND  ngày\n10/5/2022.', EVENT, { text: 'Theo lộ trình Kế hoạch số 82/KH-UBND ngày 10/5/2022' }],
  ['theo lo trinh ke hoach so 82/kh-ubnd ngay 10/5/2022', EVENT],
  ['Theo tiến độ của Chính phủ', EVENT],
  ['theo tien do cua chinh phu', EVENT],
  ['Theo Kế hoạch 01/KH-UBND ngày 02 tháng 01 năm 2021 của UBND tỉnh', EVENT], // seed 000
  [
    'Theo Kế hoạch 01/KH-UBND ngày 02 tháng 01 năm \n2021 của UBND tỉnh.',
    EVENT,
    { text: 'Theo Kế hoạch 01/KH-UBND ngày 02 tháng 01 năm 2021 của UBND tỉnh' },
  ],
  ['Theo yêu cầu', EVENT],
  ['theo yeu cau', EVENT],
  ['Sau khi Bộ Công an ban hành hướng dẫn', EVENT],
  ['sau khi co huong dan', EVENT],
  ['Trong vòng 30 ngày kể từ ngày ký', EVENT],
  // Phased
  [
    'cấp tỉnh từ ngày 01/6/2022; cấp huyện từ ngày 01/12/2022; cấp xã từ ngày 01/6/2023',
    phased(['cấp tỉnh', '2022-06-01'], ['cấp huyện', '2022-12-01'], ['cấp xã', '2023-06-01']),
  ],
  [
    'cap tinh tu ngay 01/6/2022; cap huyen tu ngay 01/12/2022; cap xa tu ngay 01/6/2023',
    phased(['cap tinh', '2022-06-01'], ['cap huyen', '2022-12-01'], ['cap xa', '2023-06-01']),
  ],
  [
    'Cấp tỉnh từ ngày 01/6/2023; cấp huyện từ ngày 01/12/2023; cấp xã từ ngày 01/6/2024', // sample table
    phased(['Cấp tỉnh', '2023-06-01'], ['cấp huyện', '2023-12-01'], ['cấp xã', '2024-06-01']),
  ],
  [
    'cấp tỉnh từ ngày 01/6/2022, cấp huyện từ ngày 01/12/2022 và cấp xã từ ngày 01/6/2023',
    phased(['cấp tỉnh', '2022-06-01'], ['cấp huyện', '2022-12-01'], ['cấp xã', '2023-06-01']),
  ],
  ['Giai đoạn 1: trước 30/6/2024; giai đoạn 2: trước 31/12/2024', phased(['Giai đoạn 1', '2024-06-30'], ['giai đoạn 2', '2024-12-31'])],
  ['giai doan 1: truoc 30/6/2024; giai doan 2: truoc 31/12/2024', phased(['giai doan 1', '2024-06-30'], ['giai doan 2', '2024-12-31'])],
  [
    'Giai đoạn 1: trước 30/6/2024\nGiai đoạn 2: trước 31/12/2024',
    phased(['Giai đoạn 1', '2024-06-30'], ['Giai đoạn 2', '2024-12-31']),
    { text: 'Giai đoạn 1: trước 30/6/2024 Giai đoạn 2: trước 31/12/2024' },
  ],
  ['Cấp tỉnh: Quý II/2024; cấp huyện: Quý IV/2024', phased(['Cấp tỉnh', '2024-06-30'], ['cấp huyện', '2024-12-31'])],
  ['cấp tỉnh từ ngày 31/6/2022; cấp huyện từ ngày 01/12/2022', UNKNOWN],
  // Not understood, or not certain
  ['', UNKNOWN],
  ['   ', UNKNOWN, { text: '' }],
  ['Trước Quý III/2024', UNKNOWN],
  ['Từ năm 2024', UNKNOWN],
  ['Đầu năm 2024', UNKNOWN],
  ['Quý II/2024 hoặc khi có hướng dẫn', UNKNOWN],
  ['Trước 30/6/2024 và 31/12/2024', UNKNOWN],
  ['Sớm nhất có thể', UNKNOWN],
  ['Trước tháng 6/2024', UNKNOWN],
  ['Năm 0224', UNKNOWN],
  ['Tháng 6 năm 2024 (khi có kinh phí)', UNKNOWN],
];

describe('parseDeadlinePhrase', () => {
  it('has a large table', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(80);
  });

  it.each(ROWS)('%j', (phrase, want, opts) => {
    const got = parseDeadlinePhrase(phrase, opts?.year === undefined ? undefined : { year: opts.year });
    const text = opts?.text ?? phrase;
    if (want.kind === 'unknown') {
      expect(got).toMatchObject({ kind: 'unknown', text });
      if (got.kind === 'unknown') {
        expect(got.warning.vi).toContain(`«${text}»`);
        expect(got.warning.en).toContain(`"${text}"`);
      }
    } else {
      expect(got).toEqual({ ...want, text });
      // Everything read is something the plan schema accepts as is.
      expect(deadlineSchema.safeParse(got).success).toBe(true);
    }
  });

  it('gives unknown results a Vietnamese and an English warning that quote the phrase and say why', () => {
    const cases: [string, RegExp, RegExp][] = [
      ['31/6/2024', /31\/6\/2024 không có trên lịch/, /31\/6\/2024 is not a calendar date/],
      ['29/02/2023', /29\/2\/2023 không có trên lịch/, /not a calendar date/],
      ['tháng 13/2024', /không có tháng 13/, /no month 13/],
      ['Quý V/2024', /không có quý V/, /no quarter V/],
      ['6 tháng đầu năm', /không ghi năm/, /no year/],
      ['', /chưa ghi thời hạn/, /no deadline/],
      ['Trước Quý III/2024', /«trước»/, /"trước" \(before\)/],
      ['Trước ngày 31/12 hằng năm', /ngày 31/, /day 31/],
      [MULTI_CYCLE, /nhiều chu kỳ/, /several cycles/],
      ['Sớm nhất có thể', /không hiểu/, /not understood/],
    ];
    for (const [phrase, vi, en] of cases) {
      const got: ParsedDeadline = parseDeadlinePhrase(phrase);
      expect(got.kind, phrase).toBe('unknown');
      if (got.kind !== 'unknown') continue;
      expect(got.warning.vi).toMatch(vi);
      expect(got.warning.en).toMatch(en);
      expect(got.warning.vi).toContain(`«${got.text}»`);
      expect(got.warning.en).toContain(`"${got.text}"`);
      expect(got.warning.vi).not.toBe(got.warning.en);
    }
  });

  it('lets a year in the phrase win over the plan year', () => {
    expect(parseDeadlinePhrase('Quý II năm 2024', { year: 2030 })).toEqual({ kind: 'date', due: '2024-06-30', text: 'Quý II năm 2024' });
  });

  it('refuses an impossible plan year', () => {
    expect(() => parseDeadlinePhrase('Quý II', { year: 20245 })).toThrow(RangeError);
  });
});
