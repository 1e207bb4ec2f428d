// The shipped examples: the example org chart of a Sở Nội vụ and seed plan 000 (encoded by hand)
// must parse, fit together, and say what the document says.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseOrg } from '../../domain/org.js';
import { checkPlanAgainstOrg, parsePlan, type Plan, type PlanTask } from '../../domain/plan.js';
import { InvalidFileError } from '../../domain/validation.js';

const ORG_FILE = 'examples/org-so-noi-vu.yaml';
const PLAN_FILE = 'examples/plan-000-so-noi-vu-hau-giang-2024.yaml';

function readExample(name: string): string {
  return readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');
}

const org = parseOrg(readExample('org-so-noi-vu.yaml'), ORG_FILE);
const plan = parsePlan(readExample('plan-000-so-noi-vu-hau-giang-2024.yaml'), PLAN_FILE);

function task(p: Plan, ref: string): PlanTask {
  const t = p.tasks.find((x) => x.ref === ref);
  if (!t) throw new Error(`no task ${ref}`);
  return t;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}

const REFS = [
  'II.1.(1)',
  'II.1.(2)',
  'II.2.(1)',
  'II.2.(2)',
  'II.2.(3)',
  'II.2.(4)',
  'II.2.(5)',
  'II.2.(6)',
  'II.2.(7)',
  'II.2.(8)',
  'II.2.(9)',
  'II.2.(10)',
  'II.3.(1)',
  'II.3.(2)',
  'II.4',
  'II.5.(1)',
  'II.5.(2)',
  'II.6.(1)',
  'II.6.(2)',
  'II.7',
  'II.8',
];

/** Agencies outside the Sở that the plan names as coordinating units. */
const EXTERNAL = new Set([
  'Sở Thông tin và Truyền thông',
  'Công an tỉnh',
  'Văn phòng UBND tỉnh',
  'Trung tâm Phục vụ hành chính công tỉnh',
  'Các Sở, ban, ngành tỉnh, địa phương',
]);

describe('examples/org-so-noi-vu.yaml', () => {
  it('parses, with the units of a Sở Nội vụ', () => {
    expect(org.agency).toEqual({ name: 'Sở Nội vụ tỉnh Hậu Giang', parent: 'UBND tỉnh Hậu Giang', place: 'Hậu Giang' });
    expect(org.units.map((u) => u.code)).toEqual(['HCTH', 'TCCB', 'XDCQ', 'CCVC', 'CCHC', 'TTRA', 'BTDKT', 'BTG', 'TTLT']);
    const hcth = org.units.find((u) => u.code === 'HCTH');
    expect(hcth?.aliases).toEqual(
      expect.arrayContaining(['Phòng Hành chính – Tổng hợp', 'Phòng Hành chính - Tổng hợp', 'Phòng HC-TH', 'HC-TH', 'HCTH', 'Văn phòng Sở']),
    );
    expect(org.units.find((u) => u.code === 'CCVC')?.aliases).toContain('Phòng Công chức, viên chức');
  });

  it('has one admin in HCTH, two Zalo ids (as strings), and 2–3 deputies', () => {
    const admins = org.people.filter((p) => p.roles.includes('admin')).map((p) => p.id);
    expect(admins).toHaveLength(1);
    const hcth = org.units.find((u) => u.code === 'HCTH')!;
    expect([hcth.head, ...hcth.members]).toContain(admins[0]);
    const zalo = org.people.filter((p) => p.zaloUserId !== undefined);
    expect(zalo).toHaveLength(2);
    for (const p of zalo) expect(typeof p.zaloUserId).toBe('string');
    expect(org.leadership.deputies.length).toBeGreaterThanOrEqual(2);
    expect(org.leadership.deputies.length).toBeLessThanOrEqual(3);
  });
});

describe('examples/plan-000-so-noi-vu-hau-giang-2024.yaml (seed 000, by hand)', () => {
  it('fits the example org chart', () => {
    expect(() => checkPlanAgainstOrg(plan, org, PLAN_FILE)).not.toThrow();
  });

  it('has the document header of the plan', () => {
    expect(plan.id).toBe('snv-hau-giang-2024-de-an-06');
    expect(plan.document.issuer).toBe('Sở Nội vụ tỉnh Hậu Giang');
    expect(plan.document.number).toMatch(/\/KH-SNV$/);
    expect(plan.document.date).toBeUndefined(); // left blank in the signed document
    expect(plan.endDate).toBeUndefined();
  });

  it('has exactly the 21 numbered tasks of section II, in order', () => {
    expect(plan.tasks).toHaveLength(21);
    expect(plan.tasks.map((t) => t.ref)).toEqual(REFS);
  });

  it('spot-checks units and deadlines against the document', () => {
    const t21 = task(plan, 'II.2.(1)');
    expect(t21.deadline).toMatchObject({ kind: 'date', due: '2024-06-30', text: 'Quý II năm 2024' });
    expect(t21.lead).toEqual(['HCTH']);

    const t25 = task(plan, 'II.2.(5)');
    expect(t25.deadline).toMatchObject({ kind: 'date', due: '2024-11-30', text: 'Tháng 11 năm 2024' });
    expect(t25.lead).toBe('all');
    expect(t25.targets.join(' ')).toContain('80%');

    const t23 = task(plan, 'II.2.(3)');
    expect(t23.lead).toEqual(['TCCB']);
    expect(t23.support).toContain('HCTH');

    expect(task(plan, 'II.5.(1)').lead).toEqual(['HCTH', 'TCCB']);
    expect(task(plan, 'II.1.(2)').deadline.kind).toBe('event');
    expect(task(plan, 'II.3.(1)').deadline).toEqual({ kind: 'ongoing', text: 'Thực hiện thường xuyên' });
    expect(task(plan, 'II.3.(2)').deadline.kind).toBe('event');

    const t27 = task(plan, 'II.2.(7)');
    expect(t27.content).not.toContain('Đơn vị chủ trì');
    expect(t27.support).toEqual(['Trung tâm Phục vụ hành chính công tỉnh']);
  });

  it('has the reporting schedule of section III.2', () => {
    expect(plan.reporting?.owner).toBe('HCTH');
    expect(plan.reporting?.recipient).toBe('Công an tỉnh (qua Phòng Cảnh sát quản lý hành chính về trật tự xã hội)');
    expect(plan.reporting?.cycles.map((c) => c.cycle)).toEqual(['monthly', 'quarterly', 'half-yearly', 'yearly']);
  });

  it('is clean: short titles, one-line content, support is a unit code or a named agency', () => {
    const units = new Set(org.units.map((u) => u.code));
    for (const t of plan.tasks) {
      expect(t.title.split(/\s+/).length, t.ref).toBeLessThanOrEqual(12);
      expect(t.content, t.ref).not.toMatch(/\n| {2}/);
      expect(t.deadline.text, t.ref).not.toMatch(/\n| {2}|\.$/);
      if (t.lead !== 'all') for (const code of t.lead) expect(t.support, t.ref).not.toContain(code);
      for (const s of t.support) expect(units.has(s) || EXTERNAL.has(s), `${t.ref}: ${s}`).toBe(true);
    }
  });
});

describe('invalid files are refused with the path of the problem', () => {
  it('an org whose unit head is not a person', () => {
    const text = [
      'agency: { name: Sở Nội vụ tỉnh Hậu Giang }',
      'people:',
      '  - { id: gd, name: Nguyễn Văn An, title: Giám đốc Sở }',
      'units:',
      '  - { code: HCTH, name: Phòng Hành chính – Tổng hợp, kind: Phòng, head: khong.co }',
      'leadership: { director: gd }',
    ].join('\n');
    const err = thrown(() => parseOrg(text, 'org-bad.yaml'));
    expect(err).toBeInstanceOf(InvalidFileError);
    const e = err as InvalidFileError;
    expect(e.file).toBe('org-bad.yaml');
    expect(e.issues.map((i) => i.path)).toContain('units[0].head');
    expect(e.message).toContain('units[0].head');
  });

  it('a plan whose lead unit is not in the org chart', () => {
    const text = [
      'id: bad-plan',
      'title: Kế hoạch thử',
      'document: { number: 01/KH-SNV, issuer: Sở Nội vụ tỉnh Hậu Giang }',
      'tasks:',
      '  - ref: II.1.(1)',
      '    title: Nhiệm vụ thử',
      '    content: Nội dung thử.',
      '    lead: [KHONGCO]',
      '    deadline: { kind: ongoing, text: Thường xuyên }',
    ].join('\n');
    const bad = parsePlan(text, 'plan-bad.yaml');
    const err = thrown(() => checkPlanAgainstOrg(bad, org, 'plan-bad.yaml'));
    expect(err).toBeInstanceOf(InvalidFileError);
    const e = err as InvalidFileError;
    expect(e.issues.map((i) => i.path)).toEqual(['tasks[0].lead[0]']);
    expect(e.message).toContain('tasks[0].lead[0]');
  });
});
