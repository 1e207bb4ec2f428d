// Pure parts of the bot: splitting long texts for Zalo, and which tasks a person's list holds.
import { describe, expect, it } from 'vitest';
import { splitMessage, buttonsOf } from '../../bot/outbound.js';
import { listWhere } from '../../bot/task-lists.js';
import { unitsInCharge } from '../../domain/org.js';
import { staffActions } from '../../domain/notification.js';
import { ORG } from '../helpers/harness-core.js';

const person = (id: string) => ORG.people.find((p) => p.id === id)!;

describe('splitMessage', () => {
  it('keeps a short text whole', () => {
    expect(splitMessage('Nhắc việc: hạn 30/06/2024.')).toEqual(['Nhắc việc: hạn 30/06/2024.']);
  });

  it('splits on line breaks so that no part exceeds 2,000 characters, losing nothing', () => {
    const lines = Array.from({ length: 90 }, (_, i) => `${i + 1}. II.2.(${i}) Rà soát, đánh giá quy trình thủ tục hành chính — quá hạn`);
    const text = lines.join('\n');
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expect(parts.join('\n')).toBe(text);
    for (const p of parts) expect(p.split('\n').every((l) => lines.includes(l))).toBe(true);
  });

  it('splits a text without line breaks on spaces, and a text without spaces anywhere', () => {
    const words = 'nhiệm vụ '.repeat(500).trim();
    const parts = splitMessage(words, 100);
    expect(parts.every((p) => p.length <= 100 && !p.startsWith(' ') && !p.endsWith(' '))).toBe(true);
    expect(parts.join(' ')).toBe(words);
    expect(splitMessage('x'.repeat(250), 100)).toEqual(['x'.repeat(100), 'x'.repeat(100), 'x'.repeat(50)]);
  });
});

describe('buttons', () => {
  it('are oa.query.show buttons whose payload comes back as the command', () => {
    expect(buttonsOf(staffActions('II.2.(1)'))[0]).toEqual({ title: 'Đã nhận', type: 'oa.query.show', payload: 'nhận II.2.(1)' });
  });
});

describe('a person’s list', () => {
  it('staff: their own open tasks', () => {
    expect(unitsInCharge(ORG, person('hcth.cv2'))).toEqual({ role: 'staff', units: [] });
    expect(listWhere(ORG, person('hcth.cv2'))).toEqual({ all: [{ running: true }, { any: [{ assignee: 'hcth.cv2' }] }] });
  });

  it('a Trưởng phòng: also every open task of the unit', () => {
    expect(listWhere(ORG, person('hcth.truong'))).toEqual({ all: [{ running: true }, { any: [{ assignee: 'hcth.truong' }, { unitIn: ['HCTH'] }] }] });
  });

  it('a Phó Giám đốc: what awaits a decision, is overdue or escalated in the units in charge', () => {
    const { role, units } = unitsInCharge(ORG, person('ld.pgd1'));
    expect(role).toBe('deputy');
    expect(listWhere(ORG, person('ld.pgd1'))).toEqual({
      all: [{ running: true }, { any: [{ assignee: 'ld.pgd1' }, { all: [{ unitIn: units }, { any: [{ statusIn: ['awaiting_approval', 'overdue'] }, { escalationAtLeast: 2 }] }] }] }],
    });
  });

  it('the Giám đốc: level 3, and decisions of the units no deputy is in charge of', () => {
    expect(listWhere(ORG, person('ld.giamdoc'))).toEqual({
      all: [
        { running: true },
        { any: [{ assignee: 'ld.giamdoc' }, { any: [{ escalationAtLeast: 3 }, { all: [{ unitIn: ['TCCB', 'TTRA'] }, { statusIn: ['awaiting_approval', 'overdue'] }] }] }] },
      ],
    });
  });
});
