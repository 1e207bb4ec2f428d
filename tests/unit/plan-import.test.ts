// Importing plan documents: seed 000 against its hand-encoded plan, the table sample against a province org.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOrg } from '../../domain/org.js';
import { checkPlanAgainstOrg, parsePlan, planSchema } from '../../domain/plan.js';
import { importPlanText, titleOf, toPlanInput } from '../../domain/plan-import.js';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
const org = parseOrg(read('../../examples/org-so-noi-vu.yaml'), 'org-so-noi-vu');
const province = parseOrg(read('../../examples/org-tinh-hau-giang.yaml'), 'org-tinh-hau-giang');
const hand = parsePlan(read('../../examples/plan-000-so-noi-vu-hau-giang-2024.yaml'), 'plan-000');
const allUnits = org.units.map((u) => u.code);

describe('importing seed 000 (prose)', () => {
  const imported = importPlanText(read('../fixtures/plans/000_741de00ae627158f.txt'), org);
  const byRef = new Map(imported.tasks.map((t) => [t.ref, t]));

  it('finds the 21 tasks with the units and deadlines of the hand-encoded plan', () => {
    expect(imported.tasks.map((t) => t.ref)).toEqual(hand.tasks.map((t) => t.ref));
    for (const h of hand.tasks.filter((t) => !t.ref.startsWith('II.6'))) {
      const t = byRef.get(h.ref)!;
      expect([t.ref, [...t.lead].sort()]).toEqual([h.ref, [...(h.lead === 'all' ? allUnits : h.lead)].sort()]);
      expect([t.ref, t.deadline]).toEqual([h.ref, h.deadline]);
      // II.2.(3)'s hand encoding also names partners that only its body text mentions.
      if (h.ref !== 'II.2.(3)') expect([t.ref, t.support]).toEqual([h.ref, h.support]);
    }
  });

  it('warns, and guesses nothing, where the document names no unit or deadline (section 6)', () => {
    for (const ref of ['II.6.(1)', 'II.6.(2)']) {
      const t = byRef.get(ref)!;
      expect(t.lead).toEqual([]);
      expect(t.deadline.kind).toBe('unknown');
      expect(t.warnings.map((w) => w.vi)).toEqual(['văn bản không ghi đơn vị thực hiện', 'văn bản không ghi thời hạn']);
    }
    expect(imported.warnings).toHaveLength(4);
  });

  it('reads the reporting regime of section III.2 and the plan header', () => {
    expect(imported.plan.reporting).toMatchObject({ owner: 'HCTH', recipient: 'Công an tỉnh (qua Phòng Cảnh sát quản lý hành chính về trật tự xã hội)' });
    expect(imported.plan.reporting!.cycles.map((c) => c.cycle)).toEqual(['monthly', 'quarterly', 'half-yearly', 'yearly']);
    expect(imported.plan.id).toBe('snv-2024-kh-snv');
    expect(imported.plan.document.number).toBe('/KH-SNV');
  });

  it('becomes a plan file the engine accepts, leaving out what it cannot follow', () => {
    const { plan, skipped } = toPlanInput(imported, org);
    const parsed = planSchema.parse(plan);
    checkPlanAgainstOrg(parsed, org, 'imported');
    expect(parsed.tasks).toHaveLength(19);
    expect(skipped.map((s) => s.ref)).toEqual(['II.6.(1)', 'II.6.(2)']);
    expect(parsed.tasks.find((t) => t.ref === 'II.2.(5)')!.lead).toBe('all');
  });
});

describe('importing the table sample for a province', () => {
  const imported = importPlanText(read('../fixtures/plans/sample-table-plan.txt'), province);
  it('parses every row with its units and deadline', () => {
    expect(imported.tasks.map((t) => [t.ref, t.deadline.kind])).toEqual([
      ['I.1', 'date'],
      ['I.2', 'event'],
      ['II.1', 'phased'],
      ['II.2', 'date'],
      ['II.3', 'ongoing'],
      ['III.1', 'recurring'],
      ['III.2', 'recurring'],
      ['III.3', 'date'],
    ]);
    const first = imported.tasks[0]!;
    expect(first).toMatchObject({ lead: ['VPUBND'], support: ['CAT', 'STTTT'], deadline: { kind: 'date', due: '2023-03-31' } });
    expect(imported.tasks[2]!.lead).toHaveLength(province.units.length);
    expect(imported.tasks[5]!.support).not.toContain('CAT');
    expect(imported.warnings).toEqual([]);
    expect(imported.plan.document).toMatchObject({ number: '999/QĐ-UBND', date: '2023-02-10' });
  });
});

describe('not a plan', () => {
  it('finds no tasks and says so', () => {
    const r = importPlanText('Kính gửi: các cơ quan.\nĐề nghị các đơn vị phối hợp thực hiện.', org);
    expect(r.tasks).toEqual([]);
    expect(r.warnings[0]!.vi).toContain('không giống một kế hoạch');
  });
});

describe('titleOf', () => {
  it('keeps a short first clause, and cuts a long one at twelve words', () => {
    expect(titleOf('Rà soát từng DVC; cập nhật đầy đủ nội dung')).toBe('Rà soát từng DVC');
    expect(titleOf('Một hai ba bốn năm sáu bảy tám chín mười mười một mười hai mười ba')).toBe('Một hai ba bốn năm sáu bảy tám chín mười mười một…');
  });
});
