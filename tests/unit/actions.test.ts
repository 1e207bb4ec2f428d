// The action table every front end reads: one entry per action of the rules, each sending the
// update of its own name, reading only the fields it needs, and confirming in Vietnamese.
import { describe, expect, it } from 'vitest';
import { doneText, TASK_ACTIONS } from '../../client/actions.js';
import { refusal, type Action } from '../../domain/authz.js';

const ACTIONS = Object.keys(TASK_ACTIONS) as Action[];

describe('the action table', () => {
  it('has every action the rules know, each sending the update of its name', () => {
    // The same set the rules check (domain/authz.ts, domain/task-rules.ts).
    expect(ACTIONS.sort()).toEqual(
      ['acknowledge', 'activate', 'answerExplanation', 'approveCompletion', 'attachEvidence', 'cancel', 'decideExtension', 'reassign', 'rejectCompletion', 'reportCompletion', 'reportProgress', 'requestExplanation', 'requestExtension'].sort(),
    );
    for (const a of ACTIONS) {
      expect(TASK_ACTIONS[a].update.name).toBe(a);
      expect(refusal(a, new Set())?.en).toMatch(new RegExp(`^not allowed: ${a} `));
    }
  });

  it('reads the fields an action needs and drops the rest (the actor is added by whoever acts)', () => {
    expect(TASK_ACTIONS.rejectCompletion.input.parse({ reason: ' thiếu số liệu ', actor: 'x', extra: 1 })).toEqual({ reason: 'thiếu số liệu' });
    expect(TASK_ACTIONS.reassign.input.safeParse({}).success).toBe(false);
    expect(TASK_ACTIONS.decideExtension.input.safeParse({ approve: 'yes' }).success).toBe(false);
    expect(TASK_ACTIONS.attachEvidence.input.safeParse({ kind: 'video', url: 'https://a.vn' }).success).toBe(false);
    // What the rules refuse in words (a percent out of range, a date that does not exist) passes the shape.
    expect(TASK_ACTIONS.reportProgress.input.safeParse({ percent: Number.NaN, note: '' }).success).toBe(true);
    expect(TASK_ACTIONS.activate.input.safeParse({ due: '2026-02-30' }).success).toBe(true);
  });

  it('confirms in Vietnamese, by what was decided', () => {
    expect(doneText('decideExtension', { approve: true })).toBe('Đã đồng ý gia hạn.');
    expect(doneText('decideExtension', { approve: false, reason: 'x' })).toBe('Đã không đồng ý gia hạn.');
    expect(doneText('reportProgress', { percent: 60, note: '' })).toBe('Đã ghi nhận tiến độ 60%.');
  });
});
