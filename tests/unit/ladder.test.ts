// planLadder with the default policy and the shipped calendar table (config/calendar.yaml):
// exact instants of every reminder and escalation, in Asia/Ho_Chi_Minh.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { WorkingCalendar, toInstant, type IsoDate } from '../../domain/calendar.js';
import { calendarConfigSchema } from '../../domain/calendar-config.js';
import { chainFor, parseOrg } from '../../domain/org.js';
import { dueInstant, escalationTarget, planLadder, type Escalation, type LadderState, type Reminder } from '../../domain/ladder.js';
import { DEFAULT_POLICY, resolvePolicy } from '../../domain/policy.js';
import { parseWith, parseYamlFile } from '../../domain/validation.js';

const calendarFile = fileURLToPath(new URL('../../config/calendar.yaml', import.meta.url));
const cal = new WorkingCalendar(parseWith(calendarConfigSchema, parseYamlFile(readFileSync(calendarFile, 'utf8'), calendarFile), calendarFile));

const fresh = (): LadderState => ({ remindersSent: [], escalationLevel: 0, topRepeats: 0 });

/** Long before every ladder below. */
const EARLY = toInstant('2024-01-01', '00:00');

/** Office opening (07:30) of a business date. */
const open = (d: IsoDate) => toInstant(d, '07:30');

/** onDueDate defaults to true for the due-morning reminder; false marks a due date on a day off. */
type R = [date: IsoDate, key: string, daysLeft: number, onDueDate?: boolean];
const reminders = (rs: R[]): Reminder[] =>
  rs.map(([d, key, daysLeft, onDueDate]) => ({ at: open(d), key, daysLeft, onDueDate: onDueDate ?? key === 'due-morning' }));

const ESCALATION_KEYS: [1 | 2 | 3, number, string][] = [
  [1, 0, 'level-1'],
  [2, 0, 'level-2'],
  [3, 0, 'level-3'],
  [3, 1, 'level-3-repeat-1'],
  [3, 2, 'level-3-repeat-2'],
  [3, 3, 'level-3-repeat-3'],
];

/** Escalations from level `fromLevel` (1..3) and repeat `fromRepeat`, at the given instants. */
function escalations(ats: number[], fromIndex = 0): Escalation[] {
  return ats.map((at, i) => {
    const [level, repeat, key] = ESCALATION_KEYS[fromIndex + i]!;
    return { at, level, repeat, key };
  });
}
const escalationsOn = (dates: IsoDate[], fromIndex = 0) => escalations(dates.map(open), fromIndex);

describe('the shipped calendar, as the ladder sees it', () => {
  it.each([
    ['2025-01-24', true], // Friday before Tết Ất Tỵ
    ['2025-01-27', false], // Tết break (Monday)
    ['2025-01-31', false],
    ['2025-02-03', true], // first working day after Tết
    ['2025-04-07', false], // Giỗ Tổ Hùng Vương 2025
    ['2025-04-26', true], // swapped Saturday
    ['2025-04-30', false],
    ['2025-05-01', false],
    ['2025-05-02', false], // swapped away
    ['2025-05-05', true],
    ['2024-06-29', false], // Saturday
    ['2024-02-29', true],
  ])('%s is a working day: %s', (d, working) => {
    expect(cal.isWorkingDay(d)).toBe(working);
  });

  it('toInstant is local time (UTC+7)', () => {
    expect(toInstant('2025-03-04', '07:30')).toBe(Date.parse('2025-03-04T07:30:00+07:00'));
    expect(dueInstant('2025-03-12')).toBe(Date.parse('2025-03-13T00:00:00+07:00'));
  });
});

describe('planLadder: the default ladder (7/3/1 working days before + due morning, then 3 levels + 3 repeats)', () => {
  const cases: {
    name: string;
    due: IsoDate;
    reminders: R[];
    dueAt: IsoDate;
    dueSoon: IsoDate;
    escalations: IsoDate[];
  }[] = [
    {
      name: 'an ordinary week (due Wed 12/03/2025)',
      due: '2025-03-12',
      reminders: [
        ['2025-03-03', 'before-7', 7],
        ['2025-03-07', 'before-3', 3],
        ['2025-03-11', 'before-1', 1],
        ['2025-03-12', 'due-morning', 0],
      ],
      dueAt: '2025-03-13',
      dueSoon: '2025-03-03',
      escalations: ['2025-03-13', '2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27'],
    },
    {
      name: 'right after Tết 2025 (due Wed 05/02/2025): 25/01–02/02 are skipped',
      due: '2025-02-05',
      reminders: [
        ['2025-01-20', 'before-7', 7],
        ['2025-01-24', 'before-3', 3],
        ['2025-02-04', 'before-1', 1],
        ['2025-02-05', 'due-morning', 0],
      ],
      dueAt: '2025-02-06',
      dueSoon: '2025-01-20',
      escalations: ['2025-02-06', '2025-02-10', '2025-02-12', '2025-02-14', '2025-02-18', '2025-02-20'],
    },
    {
      name: 'the first working day after Tết 2025 (due Mon 03/02/2025)',
      due: '2025-02-03',
      reminders: [
        ['2025-01-16', 'before-7', 7],
        ['2025-01-22', 'before-3', 3],
        ['2025-01-24', 'before-1', 1],
        ['2025-02-03', 'due-morning', 0],
      ],
      dueAt: '2025-02-04',
      dueSoon: '2025-01-16',
      escalations: ['2025-02-04', '2025-02-06', '2025-02-10', '2025-02-12', '2025-02-14', '2025-02-18'],
    },
    {
      name: 'escalations across Tết 2025 (due Thu 23/01/2025)',
      due: '2025-01-23',
      reminders: [
        ['2025-01-14', 'before-7', 7],
        ['2025-01-20', 'before-3', 3],
        ['2025-01-22', 'before-1', 1],
        ['2025-01-23', 'due-morning', 0],
      ],
      dueAt: '2025-01-24',
      dueSoon: '2025-01-14',
      escalations: ['2025-01-24', '2025-02-04', '2025-02-06', '2025-02-10', '2025-02-12', '2025-02-14'],
    },
    {
      name: 'a Sunday (due Sun 16/03/2025): the due morning is Friday 14/03 and absorbs "before-1"',
      due: '2025-03-16',
      reminders: [
        ['2025-03-06', 'before-7', 7],
        ['2025-03-12', 'before-3', 3],
        ['2025-03-14', 'due-morning', 0, false],
      ],
      dueAt: '2025-03-17',
      dueSoon: '2025-03-06',
      escalations: ['2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27', '2025-03-31'],
    },
    {
      name: 'right after 30/4–1/5 2025 (due Mon 05/05/2025): Saturday 26/04 is worked, Friday 02/05 is off',
      due: '2025-05-05',
      reminders: [
        ['2025-04-22', 'before-7', 7],
        ['2025-04-26', 'before-3', 3],
        ['2025-04-29', 'before-1', 1],
        ['2025-05-05', 'due-morning', 0],
      ],
      dueAt: '2025-05-06',
      dueSoon: '2025-04-22',
      escalations: ['2025-05-06', '2025-05-08', '2025-05-12', '2025-05-14', '2025-05-16', '2025-05-20'],
    },
    {
      name: 'escalations across 30/4–1/5 2025 (due Fri 25/04/2025): level 1 on the swapped Saturday',
      due: '2025-04-25',
      reminders: [
        ['2025-04-16', 'before-7', 7],
        ['2025-04-22', 'before-3', 3],
        ['2025-04-24', 'before-1', 1],
        ['2025-04-25', 'due-morning', 0],
      ],
      dueAt: '2025-04-26',
      dueSoon: '2025-04-16',
      escalations: ['2025-04-26', '2025-04-29', '2025-05-06', '2025-05-08', '2025-05-12', '2025-05-14'],
    },
    {
      name: 'the end of a quarter on a Sunday (due 30/06/2024)',
      due: '2024-06-30',
      reminders: [
        ['2024-06-20', 'before-7', 7],
        ['2024-06-26', 'before-3', 3],
        ['2024-06-28', 'due-morning', 0, false],
      ],
      dueAt: '2024-07-01',
      dueSoon: '2024-06-20',
      escalations: ['2024-07-01', '2024-07-03', '2024-07-05', '2024-07-09', '2024-07-11', '2024-07-15'],
    },
    {
      name: 'a leap day (due Thu 29/02/2024)',
      due: '2024-02-29',
      reminders: [
        ['2024-02-20', 'before-7', 7],
        ['2024-02-26', 'before-3', 3],
        ['2024-02-28', 'before-1', 1],
        ['2024-02-29', 'due-morning', 0],
      ],
      dueAt: '2024-03-01',
      dueSoon: '2024-02-20',
      escalations: ['2024-03-01', '2024-03-05', '2024-03-07', '2024-03-11', '2024-03-13', '2024-03-15'],
    },
  ];

  it.each(cases)('$name', (c) => {
    const ladder = planLadder(cal, c.due, DEFAULT_POLICY, fresh(), EARLY);
    expect(ladder).toEqual({
      dueSoonAt: open(c.dueSoon),
      dueAt: toInstant(c.dueAt, '00:00'),
      reminders: reminders(c.reminders),
      escalations: escalationsOn(c.escalations),
    });
    // Reminders before the deadline, escalations after it.
    for (const r of ladder.reminders) expect(r.at).toBeLessThan(ladder.dueAt);
    for (const e of ladder.escalations) expect(e.at).toBeGreaterThanOrEqual(ladder.dueAt);
  });
});

describe('planLadder: what is left out', () => {
  const due = '2025-03-12';
  const all: R[] = [
    ['2025-03-03', 'before-7', 7],
    ['2025-03-07', 'before-3', 3],
    ['2025-03-11', 'before-1', 1],
    ['2025-03-12', 'due-morning', 0],
  ];
  const only = (...keys: string[]) => reminders(all.filter(([, k]) => keys.includes(k)));

  it.each<{ name: string; now: number; state: Partial<LadderState>; expected: Reminder[] }>([
    { name: 'nothing yet', now: EARLY, state: {}, expected: reminders(all) },
    { name: 'now exactly at a reminder keeps it', now: toInstant('2025-03-07', '07:30'), state: {}, expected: only('before-3', 'before-1', 'due-morning') },
    { name: 'a minute later it is in the past', now: toInstant('2025-03-07', '07:31'), state: {}, expected: only('before-1', 'due-morning') },
    { name: 'the due morning itself', now: toInstant('2025-03-12', '07:30'), state: {}, expected: only('due-morning') },
    { name: 'after the due morning', now: toInstant('2025-03-12', '07:31'), state: {}, expected: [] },
    { name: 'already sent', now: EARLY, state: { remindersSent: ['before-7', 'before-1'] }, expected: only('before-3', 'due-morning') },
    {
      name: 'already sent and in the past',
      now: toInstant('2025-03-05', '10:00'),
      state: { remindersSent: ['before-7', 'before-3'] },
      expected: only('before-1', 'due-morning'),
    },
    { name: 'quiet until the day of a reminder keeps it', now: EARLY, state: { quietUntil: '2025-03-07' }, expected: only('before-3', 'before-1', 'due-morning') },
    { name: 'quiet until 11/03 drops earlier dates', now: EARLY, state: { quietUntil: '2025-03-11' }, expected: only('before-1', 'due-morning') },
    { name: 'quiet past the due date drops all', now: EARLY, state: { quietUntil: '2025-03-13' }, expected: [] },
    {
      name: 'quiet, sent and past together',
      now: toInstant('2025-03-04', '08:00'),
      state: { quietUntil: '2025-03-08', remindersSent: ['before-1'] },
      expected: only('due-morning'),
    },
  ])('$name', ({ now, state, expected }) => {
    const ladder = planLadder(cal, due, DEFAULT_POLICY, { ...fresh(), ...state }, now);
    expect(ladder.reminders).toEqual(expected);
    // Leaving reminders out changes neither the deadline nor the escalations.
    expect(ladder.dueAt).toBe(toInstant('2025-03-13', '00:00'));
    expect(ladder.dueSoonAt).toBe(open('2025-03-03'));
    expect(ladder.escalations).toEqual(
      escalationsOn(['2025-03-13', '2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27']),
    );
  });
});

describe('planLadder: dueAt and dueSoonAt', () => {
  it.each<[due: IsoDate, dueSoonWorkingDays: number, dueSoon: IsoDate, dueAt: IsoDate]>([
    ['2025-03-12', 7, '2025-03-03', '2025-03-13'],
    ['2025-03-12', 3, '2025-03-07', '2025-03-13'],
    ['2025-03-12', 1, '2025-03-11', '2025-03-13'],
    ['2025-03-12', 0, '2025-03-12', '2025-03-13'],
    ['2025-02-05', 3, '2025-01-24', '2025-02-06'], // across Tết
    ['2025-05-05', 3, '2025-04-26', '2025-05-06'], // the swapped Saturday
    ['2025-03-16', 7, '2025-03-06', '2025-03-17'], // a Sunday
    ['2025-03-16', 1, '2025-03-14', '2025-03-17'],
    ['2024-12-31', 1, '2024-12-30', '2025-01-01'], // year end
  ])('due %s, dueSoonWorkingDays %i → from %s 07:30, overdue at midnight before %s', (due, n, dueSoon, dueAt) => {
    const ladder = planLadder(cal, due, resolvePolicy({ dueSoonWorkingDays: n }), fresh(), EARLY);
    expect(ladder.dueSoonAt).toBe(open(dueSoon));
    expect(ladder.dueAt).toBe(toInstant(dueAt, '00:00'));
    expect(dueInstant(due)).toBe(toInstant(dueAt, '00:00'));
  });

  // A task must read "sắp đến hạn" before it reads "quá hạn". With dueSoonWorkingDays 0 and a due
  // date on a day off, addWorkingDays(due, -0) moves FORWARD to the next working day, so dueSoonAt
  // falls after dueAt and the status jumps from "chưa đến hạn" straight to "quá hạn".
  // Expected, like the due-morning reminder: the last working day before the day off.
  it.each<[due: IsoDate, dueSoon: IsoDate]>([
    ['2025-03-16', '2025-03-14'], // Sunday → Friday
    ['2025-04-30', '2025-04-29'], // Ngày Chiến thắng (Wed) → Tuesday
  ])('dueSoonWorkingDays 0 with a due date on a day off (%s): dueSoonAt is not after dueAt', (due, dueSoon) => {
    const ladder = planLadder(cal, due, resolvePolicy({ dueSoonWorkingDays: 0 }), fresh(), EARLY);
    expect(ladder.dueSoonAt).toBeLessThanOrEqual(ladder.dueAt);
    expect(ladder.dueSoonAt).toBe(open(dueSoon));
  });
});

describe('planLadder: escalation', () => {
  const due = '2025-03-12';

  it.each<{ name: string; due?: IsoDate; now: number; escalations: number[] }>([
    {
      name: 'planned before the deadline: level 1 at the first opening after it',
      now: EARLY,
      escalations: ['2025-03-13', '2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27'].map(open),
    },
    {
      name: 'planned at midnight, the deadline itself',
      now: toInstant('2025-03-13', '00:00'),
      escalations: ['2025-03-13', '2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27'].map(open),
    },
    {
      name: 'planned late, early in the morning of a working day: that opening',
      now: toInstant('2025-03-13', '06:00'),
      escalations: ['2025-03-13', '2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27'].map(open),
    },
    {
      name: 'planned late, at the opening itself',
      now: toInstant('2025-03-13', '07:30'),
      escalations: ['2025-03-13', '2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27'].map(open),
    },
    {
      name: 'planned late inside office hours: level 1 now, the next levels count from its day',
      now: toInstant('2025-03-14', '10:15'),
      escalations: [toInstant('2025-03-14', '10:15'), ...['2025-03-18', '2025-03-20', '2025-03-24', '2025-03-26', '2025-03-28'].map(open)],
    },
    {
      name: 'planned late one minute before closing',
      now: toInstant('2025-03-14', '16:59'),
      escalations: [toInstant('2025-03-14', '16:59'), ...['2025-03-18', '2025-03-20', '2025-03-24', '2025-03-26', '2025-03-28'].map(open)],
    },
    {
      name: 'planned late at closing time (end exclusive): the next opening, Monday',
      now: toInstant('2025-03-14', '17:00'),
      escalations: ['2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27', '2025-03-31'].map(open),
    },
    {
      name: 'planned late on a Friday night: Monday',
      now: toInstant('2025-03-14', '21:00'),
      escalations: ['2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27', '2025-03-31'].map(open),
    },
    {
      name: 'planned late on a Saturday: Monday',
      now: toInstant('2025-03-15', '10:00'),
      escalations: ['2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27', '2025-03-31'].map(open),
    },
    {
      name: 'planned late during Tết: the first opening after it',
      due: '2025-01-23',
      now: toInstant('2025-01-27', '09:00'),
      escalations: ['2025-02-03', '2025-02-05', '2025-02-07', '2025-02-11', '2025-02-13', '2025-02-17'].map(open),
    },
    {
      name: 'planned late on the swapped Saturday 26/04/2025, in office hours: now',
      due: '2025-04-24',
      now: toInstant('2025-04-26', '09:00'),
      escalations: [toInstant('2025-04-26', '09:00'), ...['2025-04-29', '2025-05-06', '2025-05-08', '2025-05-12', '2025-05-14'].map(open)],
    },
  ])('$name', (c) => {
    const ladder = planLadder(cal, c.due ?? due, DEFAULT_POLICY, fresh(), c.now);
    expect(ladder.escalations).toEqual(escalations(c.escalations));
    if (c.now > EARLY) expect(ladder.reminders).toEqual([]);
  });

  it.each<{ name: string; state: Partial<LadderState>; now: number; due?: IsoDate; expected: Escalation[] }>([
    {
      name: 'after level 2: level 3 and the repeats, counted from lastEscalationAt',
      state: { escalationLevel: 2, lastEscalationAt: open('2025-03-17') },
      now: toInstant('2025-03-17', '07:31'),
      expected: escalationsOn(['2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27'], 2),
    },
    {
      name: 'after level 2 fired late in the day: from its business date',
      state: { escalationLevel: 2, lastEscalationAt: toInstant('2025-03-18', '16:59') },
      now: toInstant('2025-03-18', '17:30'),
      expected: escalationsOn(['2025-03-20', '2025-03-24', '2025-03-26', '2025-03-28'], 2),
    },
    {
      name: 'after level 2 just before Tết: level 3 skips the break',
      due: '2025-01-21',
      state: { escalationLevel: 2, lastEscalationAt: open('2025-01-24') },
      now: toInstant('2025-01-24', '08:00'),
      expected: escalationsOn(['2025-02-04', '2025-02-06', '2025-02-10', '2025-02-12'], 2),
    },
    {
      name: 'after level 1: levels 2 and 3 and the repeats',
      state: { escalationLevel: 1, lastEscalationAt: open('2025-03-13') },
      now: toInstant('2025-03-13', '07:31'),
      expected: escalationsOn(['2025-03-17', '2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27'], 1),
    },
    {
      name: 'at the top with one repeat done: repeats 2 and 3',
      state: { escalationLevel: 3, topRepeats: 1, lastEscalationAt: open('2025-03-21') },
      now: toInstant('2025-03-21', '09:00'),
      expected: escalationsOn(['2025-03-25', '2025-03-27'], 4),
    },
    {
      name: 'at the top with every repeat done: nothing',
      state: { escalationLevel: 3, topRepeats: 3, lastEscalationAt: open('2025-03-27') },
      now: toInstant('2025-03-27', '09:00'),
      expected: [],
    },
  ])('$name', (c) => {
    const ladder = planLadder(
      cal,
      c.due ?? due,
      DEFAULT_POLICY,
      { ...fresh(), remindersSent: ['before-7', 'before-3', 'before-1', 'due-morning'], ...c.state },
      c.now,
    );
    expect(ladder.escalations).toEqual(c.expected);
    expect(ladder.reminders).toEqual([]);
  });

  it.each<{ name: string; step: number; cap: number; dates: IsoDate[] }>([
    { name: 'repeatCap 0: exactly three escalations', step: 2, cap: 0, dates: ['2025-03-13', '2025-03-17', '2025-03-19'] },
    { name: 'step 1, cap 1', step: 1, cap: 1, dates: ['2025-03-13', '2025-03-14', '2025-03-17', '2025-03-18'] },
    { name: 'step 3, cap 2', step: 3, cap: 2, dates: ['2025-03-13', '2025-03-18', '2025-03-21', '2025-03-26', '2025-03-31'] },
  ])('$name', ({ step, cap, dates }) => {
    const policy = resolvePolicy({ escalation: { stepWorkingDays: step, repeatCap: cap } });
    const ladder = planLadder(cal, due, policy, fresh(), EARLY);
    expect(ladder.escalations).toEqual(escalationsOn(dates));
    expect(ladder.escalations).toHaveLength(3 + cap);
  });
});

describe('planLadder: an extension re-plans from a fresh state', () => {
  const oldDue = '2025-03-12';

  it.each<{ name: string; now: number; newDue: IsoDate; reminders: R[]; escalations: IsoDate[] }>([
    {
      name: 'granted on the due date, after the due morning; Giỗ Tổ 07/04 is skipped',
      now: toInstant('2025-03-12', '15:00'),
      newDue: '2025-03-26',
      reminders: [
        ['2025-03-17', 'before-7', 7],
        ['2025-03-21', 'before-3', 3],
        ['2025-03-25', 'before-1', 1],
        ['2025-03-26', 'due-morning', 0],
      ],
      escalations: ['2025-03-27', '2025-03-31', '2025-04-02', '2025-04-04', '2025-04-09', '2025-04-11'],
    },
    {
      name: 'granted when already overdue',
      now: toInstant('2025-03-14', '10:00'),
      newDue: '2025-03-26',
      reminders: [
        ['2025-03-17', 'before-7', 7],
        ['2025-03-21', 'before-3', 3],
        ['2025-03-25', 'before-1', 1],
        ['2025-03-26', 'due-morning', 0],
      ],
      escalations: ['2025-03-27', '2025-03-31', '2025-04-02', '2025-04-04', '2025-04-09', '2025-04-11'],
    },
    {
      name: 'a short extension: reminders already in the past are left out',
      now: toInstant('2025-03-12', '15:00'),
      newDue: '2025-03-18',
      reminders: [
        ['2025-03-13', 'before-3', 3],
        ['2025-03-17', 'before-1', 1],
        ['2025-03-18', 'due-morning', 0],
      ],
      escalations: ['2025-03-19', '2025-03-21', '2025-03-25', '2025-03-27', '2025-03-31', '2025-04-02'],
    },
  ])('$name', (c) => {
    const before = planLadder(cal, oldDue, DEFAULT_POLICY, fresh(), c.now);
    expect(before.reminders).toEqual([]);

    const after = planLadder(cal, c.newDue, DEFAULT_POLICY, fresh(), c.now);
    expect(after.dueAt).toBe(dueInstant(c.newDue));
    expect(after.reminders).toEqual(reminders(c.reminders));
    expect(after.escalations).toEqual(escalationsOn(c.escalations));
    for (const e of after.escalations) expect(e.at).toBeGreaterThanOrEqual(dueInstant(c.newDue));
    for (const r of after.reminders) expect(r.at).toBeGreaterThanOrEqual(c.now);
  });
});

describe('escalationTarget', () => {
  const org = parseOrg(readFileSync(fileURLToPath(new URL('../../examples/org-so-noi-vu.yaml', import.meta.url)), 'utf8'), 'org');
  it('goes to the unit head, the Phó Giám đốc in charge, then the Giám đốc', () => {
    const chain = chainFor(org, 'HCTH');
    expect([1, 2, 3].map((l) => escalationTarget(chain, l as 1 | 2 | 3).id)).toEqual(['hcth.truong', 'ld.pgd1', 'ld.giamdoc']);
  });
  it('goes straight to the Giám đốc when no Phó Giám đốc is in charge of the unit', () => {
    const chain = chainFor(org, 'TCCB');
    expect([1, 2, 3].map((l) => escalationTarget(chain, l as 1 | 2 | 3).id)).toEqual(['tccb.truong', 'ld.giamdoc', 'ld.giamdoc']);
  });
});
