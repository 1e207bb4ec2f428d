// Policy defaults and overrides, who may do what on a task of Phòng HCTH, and the combined status.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { findInChain, nextUp, refusal, rolesOf, type Action, type Role } from '../../domain/authz.js';
import { chainFor, parseOrg, personRef } from '../../domain/org.js';
import { DEFAULT_POLICY, policyOverrideSchema, policySchema, resolvePolicy, type Policy, type PolicyOverride } from '../../domain/policy.js';
import { combinedStatus, type TaskStatus } from '../../domain/status.js';

const DEFAULTS: Policy = {
  reminders: { workingDaysBefore: [7, 3, 1], dueMorning: true },
  dueSoonWorkingDays: 7,
  escalation: { stepWorkingDays: 2, repeatCap: 3 },
  progressQuietWorkingDays: 3,
  checkInDay: 10,
  explanationWorkingDays: 3,
  reportDay: 10,
  calendar: { extraHolidays: [], extraWorkdays: [] },
};

describe('policy', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_POLICY).toEqual(DEFAULTS);
    expect(policySchema.parse({})).toEqual(DEFAULTS);
    expect(resolvePolicy()).toEqual(DEFAULTS);
    expect(resolvePolicy(undefined, undefined)).toEqual(DEFAULTS);
    expect(resolvePolicy({}, {})).toEqual(DEFAULTS);
  });

  const plan: PolicyOverride = {
    reminders: { workingDaysBefore: [5, 2] },
    escalation: { stepWorkingDays: 1 },
    dueSoonWorkingDays: 5,
    checkInDay: 15,
    calendar: {
      extraHolidays: [{ date: '2025-03-10', name: 'Nghỉ theo quyết định của UBND tỉnh' }],
      extraWorkdays: [{ date: '2025-03-15', name: 'Làm bù' }],
    },
  };
  const task: PolicyOverride = {
    reminders: { dueMorning: false },
    escalation: { repeatCap: 0 },
    checkInDay: 20,
    explanationWorkingDays: 5,
    calendar: {
      officeHours: { start: '08:00', end: '17:30' },
      extraHolidays: [{ date: '2025-03-11', name: 'Nghỉ đột xuất' }],
    },
  };

  it.each<{ name: string; overrides: (PolicyOverride | undefined)[]; expected: Policy }>([
    {
      name: 'plan override over the defaults',
      overrides: [plan],
      expected: {
        ...DEFAULTS,
        reminders: { workingDaysBefore: [5, 2], dueMorning: true },
        escalation: { stepWorkingDays: 1, repeatCap: 3 },
        dueSoonWorkingDays: 5,
        checkInDay: 15,
        calendar: {
          extraHolidays: [{ date: '2025-03-10', name: 'Nghỉ theo quyết định của UBND tỉnh' }],
          extraWorkdays: [{ date: '2025-03-15', name: 'Làm bù' }],
        },
      },
    },
    {
      name: 'task override alone',
      overrides: [undefined, task],
      expected: {
        ...DEFAULTS,
        reminders: { workingDaysBefore: [7, 3, 1], dueMorning: false },
        escalation: { stepWorkingDays: 2, repeatCap: 0 },
        checkInDay: 20,
        explanationWorkingDays: 5,
        reportDay: 10,
        calendar: {
          officeHours: { start: '08:00', end: '17:30' },
          extraHolidays: [{ date: '2025-03-11', name: 'Nghỉ đột xuất' }],
          extraWorkdays: [],
        },
      },
    },
    {
      name: 'plan then task: the task wins, nested objects keep the other fields, holidays concatenate',
      overrides: [plan, task],
      expected: {
        reminders: { workingDaysBefore: [5, 2], dueMorning: false },
        dueSoonWorkingDays: 5,
        escalation: { stepWorkingDays: 1, repeatCap: 0 },
        progressQuietWorkingDays: 3,
        checkInDay: 20,
        explanationWorkingDays: 5,
        reportDay: 10,
        calendar: {
          officeHours: { start: '08:00', end: '17:30' },
          extraHolidays: [
            { date: '2025-03-10', name: 'Nghỉ theo quyết định của UBND tỉnh' },
            { date: '2025-03-11', name: 'Nghỉ đột xuất' },
          ],
          extraWorkdays: [{ date: '2025-03-15', name: 'Làm bù' }],
        },
      },
    },
    {
      name: 'explicitly undefined fields do not erase the plan values',
      overrides: [plan, { reminders: { workingDaysBefore: undefined }, checkInDay: undefined, escalation: {} }],
      expected: {
        ...DEFAULTS,
        reminders: { workingDaysBefore: [5, 2], dueMorning: true },
        escalation: { stepWorkingDays: 1, repeatCap: 3 },
        dueSoonWorkingDays: 5,
        checkInDay: 15,
        calendar: {
          extraHolidays: [{ date: '2025-03-10', name: 'Nghỉ theo quyết định của UBND tỉnh' }],
          extraWorkdays: [{ date: '2025-03-15', name: 'Làm bù' }],
        },
      },
    },
    {
      name: 'zero values are values (dueSoon 0, quiet 0, repeatCap 0)',
      overrides: [{ dueSoonWorkingDays: 0, progressQuietWorkingDays: 0, escalation: { repeatCap: 0 } }],
      expected: { ...DEFAULTS, dueSoonWorkingDays: 0, progressQuietWorkingDays: 0, escalation: { stepWorkingDays: 2, repeatCap: 0 } },
    },
  ])('$name', ({ overrides, expected }) => {
    const p = resolvePolicy(...overrides);
    expect(p).toEqual(expected);
    // The result is a valid policy.
    expect(policySchema.parse(p)).toEqual(expected);
  });

  it('never changes DEFAULT_POLICY or the overrides', () => {
    const planCopy = JSON.parse(JSON.stringify(plan)) as PolicyOverride;
    const d = resolvePolicy();
    d.reminders.workingDaysBefore.push(99);
    d.calendar.extraHolidays.push({ date: '2025-12-24', name: 'x' });
    const p = resolvePolicy(plan, task);
    p.calendar.extraHolidays.push({ date: '2025-12-24', name: 'x' });
    expect(DEFAULT_POLICY).toEqual(DEFAULTS);
    expect(plan).toEqual(planCopy);
    expect(resolvePolicy()).toEqual(DEFAULTS);
  });

  it.each<[what: string, input: unknown]>([
    ['checkInDay 31', { checkInDay: 31 }],
    ['checkInDay 0', { checkInDay: 0 }],
    ['checkInDay 10.5', { checkInDay: 10.5 }],
    ['a negative escalation step', { escalation: { stepWorkingDays: -1 } }],
    ['a zero escalation step', { escalation: { stepWorkingDays: 0 } }],
    ['repeatCap 21', { escalation: { repeatCap: 21 } }],
    ['a negative repeatCap', { escalation: { repeatCap: -1 } }],
    ['a reminder 0 days before', { reminders: { workingDaysBefore: [7, 0] } }],
    ['a reminder 61 days before', { reminders: { workingDaysBefore: [61] } }],
    ['a negative dueSoonWorkingDays', { dueSoonWorkingDays: -1 }],
    ['explanationWorkingDays 0', { explanationWorkingDays: 0 }],
    ['dueMorning as a string', { reminders: { dueMorning: 'yes' } }],
    ['an extra holiday that does not exist', { calendar: { extraHolidays: [{ date: '2025-02-29', name: 'x' }] } }],
    ['office hours not HH:MM', { calendar: { officeHours: { start: '7:30', end: '17:00' } } }],
  ])('policySchema and policyOverrideSchema reject %s', (_what, input) => {
    expect(policySchema.safeParse(input).success).toBe(false);
    expect(policyOverrideSchema.safeParse(input).success).toBe(false);
  });

  it('accepts the bounds', () => {
    const p = policySchema.parse({ checkInDay: 28, escalation: { stepWorkingDays: 30, repeatCap: 0 }, dueSoonWorkingDays: 0 });
    expect(p.checkInDay).toBe(28);
    expect(p.escalation).toEqual({ stepWorkingDays: 30, repeatCap: 0 });
    expect(p.reminders).toEqual({ workingDaysBefore: [7, 3, 1], dueMorning: true });
    expect(p.dueSoonWorkingDays).toBe(0);
  });

  it('explains a bad date in Vietnamese and English', () => {
    const r = policySchema.safeParse({ calendar: { extraHolidays: [{ date: '2025-02-29', name: 'x' }] } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('ngày không tồn tại');
    expect(r.error?.issues[0]?.message).toContain('not an existing date');
  });
});

describe('authz on a task of Phòng HCTH (examples/org-so-noi-vu.yaml)', () => {
  const orgFile = fileURLToPath(new URL('../../examples/org-so-noi-vu.yaml', import.meta.url));
  const org = parseOrg(readFileSync(orgFile, 'utf8'), orgFile);
  const chain = chainFor(org, 'HCTH');
  const assignee = personRef(org, 'hcth.cv2');

  it('builds the chain: head, members, deputy in charge, director, admins', () => {
    expect(chain.unit).toEqual({ code: 'HCTH', name: 'Phòng Hành chính – Tổng hợp' });
    expect(chain.head.id).toBe('hcth.truong');
    expect(chain.focal.id).toBe('hcth.cv1');
    expect(chain.members.map((m) => m.id)).toEqual(['hcth.truong', 'hcth.pho', 'hcth.cv1', 'hcth.cv2']);
    expect(chain.deputy?.id).toBe('ld.pgd1');
    expect(chain.director.id).toBe('ld.giamdoc');
    expect(chain.admins.map((a) => a.id)).toEqual(['hcth.cv1']);
  });

  it.each<[person: string, roles: Role[]]>([
    ['hcth.cv2', ['assignee', 'member']],
    ['hcth.pho', ['member']],
    ['hcth.truong', ['member', 'head']],
    ['hcth.cv1', ['member', 'admin']],
    ['ld.pgd1', ['deputy']],
    ['ld.giamdoc', ['director']],
    ['ld.pgd2', []],
    ['tccb.truong', []],
    ['nobody', []],
  ])('%s has roles %j', (person, roles) => {
    expect([...rolesOf(chain, assignee, person)].sort()).toEqual([...roles].sort());
  });

  // Columns: the assignee (cv2), a plain member (pho), the head, the admin (cv1), the deputy in charge,
  // the director, another deputy, the head of another unit.
  const PEOPLE = ['hcth.cv2', 'hcth.pho', 'hcth.truong', 'hcth.cv1', 'ld.pgd1', 'ld.giamdoc', 'ld.pgd2', 'tccb.truong'] as const;
  const Y = true;
  const N = false;
  const TABLE: Record<Action, [boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean]> = {
    //                   cv2 pho truong cv1 pgd1 gd  pgd2 tccb
    acknowledge: [Y, Y, Y, Y, N, N, N, N],
    reportProgress: [Y, N, Y, N, N, N, N, N],
    reportCompletion: [Y, N, Y, N, N, N, N, N],
    requestExtension: [Y, N, Y, N, N, N, N, N],
    answerExplanation: [Y, N, Y, N, N, N, N, N],
    attachEvidence: [Y, Y, Y, Y, N, N, N, N],
    approveCompletion: [N, N, Y, N, Y, Y, N, N],
    rejectCompletion: [N, N, Y, N, Y, Y, N, N],
    decideExtension: [N, N, Y, N, Y, Y, N, N],
    reassign: [N, N, Y, Y, Y, Y, N, N],
    requestExplanation: [N, N, Y, N, Y, Y, N, N],
    activate: [N, N, N, Y, Y, Y, N, N],
    cancel: [N, N, N, Y, Y, Y, N, N],
  };
  const rows = (Object.keys(TABLE) as Action[]).flatMap((action) =>
    PEOPLE.map((person, i) => [action, person, TABLE[action][i]!] as [Action, string, boolean]),
  );

  it('the table covers all 13 actions', () => {
    expect(Object.keys(TABLE)).toHaveLength(13);
    expect(rows).toHaveLength(13 * PEOPLE.length);
  });

  it.each(rows)('%s by %s → allowed: %s', (action, person, allowed) => {
    const r = refusal(action, rolesOf(chain, assignee, person));
    if (allowed) {
      expect(r).toBeUndefined();
    } else {
      expect(r).toBeDefined();
      expect(r!.vi).toMatch(/^Đồng chí không có quyền thực hiện thao tác này: chỉ .+ mới được thực hiện\.$/);
      expect(r!.en).toMatch(new RegExp(`^not allowed: ${action} needs one of `));
    }
  });

  it.each<[action: Action, who: string]>([
    ['acknowledge', 'cán bộ của đơn vị được giao'],
    ['reportProgress', 'người được giao hoặc trưởng đơn vị'],
    ['approveCompletion', 'trưởng đơn vị hoặc lãnh đạo Sở phụ trách'],
    ['reassign', 'trưởng đơn vị, lãnh đạo Sở phụ trách hoặc quản trị viên'],
    ['activate', 'lãnh đạo Sở phụ trách hoặc quản trị viên'],
    ['cancel', 'lãnh đạo Sở phụ trách hoặc quản trị viên'],
  ])('refusal of %s names who may, in Vietnamese', (action, who) => {
    expect(refusal(action, new Set())).toEqual({
      vi: `Đồng chí không có quyền thực hiện thao tác này: chỉ ${who} mới được thực hiện.`,
      en: expect.stringMatching(new RegExp(`^not allowed: ${action} needs one of [a-z, ]+$`)),
    });
  });

  it('the assignee is a role even outside the unit (a task handed to someone else)', () => {
    const outsider = personRef(org, 'tccb.cv1');
    expect([...rolesOf(chain, outsider, 'tccb.cv1')]).toEqual(['assignee']);
    expect(refusal('reportCompletion', rolesOf(chain, outsider, 'tccb.cv1'))).toBeUndefined();
    expect(refusal('approveCompletion', rolesOf(chain, outsider, 'tccb.cv1'))).toBeDefined();
  });

  it('finds people of the chain, and nobody else', () => {
    expect(findInChain(chain, assignee, 'ld.pgd1')?.name).toBe('Trần Thị Bình');
    expect(findInChain(chain, assignee, 'hcth.cv2')?.id).toBe('hcth.cv2');
    expect(findInChain(chain, assignee, 'ld.pgd2')).toBeUndefined();
  });

  it('a unit no deputy is in charge of goes straight to the director', () => {
    const tccb = chainFor(org, 'TCCB');
    expect(tccb.deputy).toBeUndefined();
    expect(refusal('approveCompletion', rolesOf(tccb, personRef(org, 'tccb.cv1'), 'ld.pgd1'))).toBeDefined();
    expect(refusal('approveCompletion', rolesOf(tccb, personRef(org, 'tccb.cv1'), 'ld.giamdoc'))).toBeUndefined();
  });
});

describe('combinedStatus', () => {
  it.each<[statuses: TaskStatus[], expected: TaskStatus]>([
    [['not_due', 'due_soon', 'overdue', 'awaiting_approval'], 'overdue'],
    [['awaiting_activation', 'overdue', 'done_on_time', 'cancelled'], 'overdue'],
    [['done_late', 'overdue'], 'overdue'],
    [['due_soon', 'awaiting_approval', 'not_due'], 'awaiting_approval'],
    [['not_due', 'due_soon'], 'due_soon'],
    [['not_due', 'awaiting_activation'], 'not_due'],
    [['awaiting_activation', 'done_on_time'], 'awaiting_activation'],
    [['done_late', 'not_due'], 'not_due'],
    [['cancelled', 'cancelled'], 'cancelled'],
    [['cancelled'], 'cancelled'],
    [['done_on_time', 'done_late', 'cancelled'], 'done_late'],
    [['done_on_time', 'done_late'], 'done_late'],
    [['done_on_time', 'done_on_time'], 'done_on_time'],
    [['done_on_time', 'cancelled'], 'done_on_time'],
    [['overdue'], 'overdue'],
    [[], 'not_due'],
  ])('%j → %s', (statuses, expected) => {
    expect(combinedStatus(statuses)).toBe(expected);
  });
});

describe('nextUp: who receives a message a person cannot', () => {
  const orgFile = fileURLToPath(new URL('../../examples/org-so-noi-vu.yaml', import.meta.url));
  const org = parseOrg(readFileSync(orgFile, 'utf8'), orgFile);
  it.each([
    ['HCTH', 'hcth.cv2', 'hcth.truong'],
    ['HCTH', 'hcth.truong', 'ld.pgd1'],
    ['HCTH', 'ld.pgd1', 'ld.giamdoc'],
    ['HCTH', 'ld.giamdoc', undefined],
    ['TCCB', 'tccb.truong', 'ld.giamdoc'],
  ])('%s: %s → %s', (unit, person, up) => {
    expect(nextUp(chainFor(org, unit), person)?.id).toBe(up);
  });
});
