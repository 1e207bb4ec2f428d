// Cutting plan documents into raw tasks: seed 000 (prose) against its hand-encoded form, the table sample.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../domain/plan.js';
import { cleanLines, extractPlan } from '../../domain/plan-text.js';

const seed = readFileSync(new URL('../fixtures/plans/000_741de00ae627158f.txt', import.meta.url), 'utf8');
const table = readFileSync(new URL('../fixtures/plans/sample-table-plan.txt', import.meta.url), 'utf8');
const handEncoded = parsePlan(readFileSync(new URL('../../examples/plan-000-so-noi-vu-hau-giang-2024.yaml', import.meta.url), 'utf8'), 'plan-000');

describe('extractPlan: prose (seed 000)', () => {
  const raw = extractPlan(seed);

  it('finds the 21 numbered tasks of section II, with the refs of the hand-encoded plan', () => {
    expect(raw.form).toBe('prose');
    expect(raw.tasks.map((t) => t.ref)).toEqual(handEncoded.tasks.map((t) => t.ref));
  });

  it('takes each deadline phrase as the document writes it', () => {
    const byRef = new Map(raw.tasks.map((t) => [t.ref, t]));
    for (const t of handEncoded.tasks) {
      if (t.ref.startsWith('II.6')) expect(byRef.get(t.ref)!.deadlineText).toBeUndefined();
      else expect(byRef.get(t.ref)!.deadlineText).toBe(t.deadline.text);
    }
  });

  it('takes the units phrase, joined over line breaks', () => {
    const byRef = new Map(raw.tasks.map((t) => [t.ref, t]));
    expect(byRef.get('II.2.(3)')!.unitsText).toBe('Phòng Tổ chức cán bộ phối hợp với Phòng Hành chính – Tổng hợp');
    expect(byRef.get('II.2.(2)')!.unitsText).toBe('Thủ trưởng các Phòng, Ban, Trung tâm và toàn thể công chức, viên chức, người lao động thuộc Sở');
    expect(byRef.get('II.7')!.unitsText).toBe('Phòng HC-TH, Phòng TCCB vị phối hợp với các Sở, ban, ngành tỉnh, địa phương');
    expect(byRef.get('II.6.(1)')!.unitsText).toBeUndefined();
  });

  it('keeps content whole and free of page-break noise', () => {
    const t = raw.tasks.find((x) => x.ref === 'II.2.(3)')!;
    expect(t.content.startsWith('Phối hợp với các Văn phòng UBND tỉnh, Sở Thông tin và Truyền thông')).toBe(true);
    expect(t.content).toContain('(thực hiện phương án theo hướng chuyển giao dần nhiệm vụ này');
    expect(t.group).toBe('Phục vụ giải quyết thủ tục hành chính và dịch vụ công trực tuyến');
  });

  it('reads the header and the reporting regime of section III', () => {
    expect(raw.header).toMatchObject({ number: '/KH-SNV', agency: 'SỞ NỘI VỤ' });
    expect(raw.header.date).toBeUndefined();
    expect(raw.header.title).toContain('Triển khai thực hiện Đề án phát triển ứng dụng dữ liệu về dân cư');
    expect(raw.reportingText).toMatch(/^Định kỳ hằng tháng \(trước ngày 15\), hằng quý .* Phòng Hành chính – Tổng hợp/u);
  });
});

describe('extractPlan: table (sample)', () => {
  const raw = extractPlan(table);
  it('finds every row, with sections, split rows and empty cells', () => {
    expect(raw.form).toBe('table');
    expect(raw.tasks.map((t) => t.ref)).toEqual(['I.1', 'I.2', 'II.1', 'II.2', 'II.3', 'III.1', 'III.2', 'III.3']);
    expect(raw.tasks[0]).toMatchObject({ unitsText: 'Văn phòng UBND tỉnh', supportText: 'Công an tỉnh; Sở Thông tin và Truyền thông', deadlineText: 'Tháng 3/2023' });
    expect(raw.tasks[2]).toMatchObject({
      unitsText: 'Các sở, ban, ngành, UBND các huyện, thị xã, thành phố',
      deadlineText: 'Cấp tỉnh từ ngày 01/6/2023; cấp huyện từ ngày 01/12/2023; cấp xã từ ngày 01/6/2024',
    });
    expect(raw.tasks[2]!.supportText).toBeUndefined();
    expect(raw.header).toMatchObject({ number: '999/QĐ-UBND', date: '2023-02-10' });
  });
});

describe('cleanLines', () => {
  it('drops page numbers, joins hyphenated words, tidies spaces', () => {
    expect(cleanLines('Thực hiện thường xuy-\nên.\n 12 \n\fĐơn  vị   thực hiện')).toEqual(['Thực hiện thường xuyên.', 'Đơn vị thực hiện']);
  });
});
