import { TypedSearchAttributes } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { alreadyHeld, initialUnitTaskAttributes, TaskDueKey, TaskStatusKey, unitTaskSearchAttributes, unitTaskStartAttributes, type UnitTaskAttributes } from '../../workflows/search-attributes.js';

const task: UnitTaskAttributes = { planId: 'p1', ref: 'II.1.(1)', unit: 'HCTH', assignee: 'hcth.cv1', status: 'not_due', due: '2025-03-20', escalationLevel: 0 };

describe('unit task search attributes', () => {
  it('indexes the deadline as its last second in Vietnam', () => {
    const due = unitTaskSearchAttributes(task).find((p) => p.key.name === TaskDueKey.name);
    expect((due!.value as Date).toISOString()).toBe('2025-03-20T16:59:59.000Z');
  });

  it('a start without a deadline carries no empty value', () => {
    const { due: _, ...noDue } = task;
    expect(unitTaskSearchAttributes(noDue).find((p) => p.key.name === TaskDueKey.name)!.value).toBeNull();
    expect(unitTaskStartAttributes(noDue).map((p) => p.key.name)).not.toContain(TaskDueKey.name);
  });

  it('what a start carried is already held, so the first publish upserts nothing', () => {
    const held = new TypedSearchAttributes(unitTaskStartAttributes(task));
    expect(alreadyHeld(unitTaskSearchAttributes(task), held)).toBe(true);
    const noDue = new TypedSearchAttributes(unitTaskStartAttributes({ ...task, due: undefined }));
    expect(alreadyHeld(unitTaskSearchAttributes({ ...task, due: undefined }), noDue)).toBe(true);
  });

  it('any difference needs an upsert: status, a later deadline, a deadline gone, a start that carried only the plan', () => {
    const held = new TypedSearchAttributes(unitTaskStartAttributes(task));
    expect(alreadyHeld(unitTaskSearchAttributes({ ...task, status: 'overdue' }), held)).toBe(false);
    expect(alreadyHeld(unitTaskSearchAttributes({ ...task, due: '2025-03-28' }), held)).toBe(false);
    expect(alreadyHeld(unitTaskSearchAttributes({ ...task, due: undefined }), held)).toBe(false);
    expect(alreadyHeld(unitTaskSearchAttributes({ ...task, escalationLevel: 1 }), held)).toBe(false);
    const planOnly = new TypedSearchAttributes(unitTaskStartAttributes(task).slice(0, 2));
    expect(alreadyHeld(unitTaskSearchAttributes(task), planOnly)).toBe(false);
    expect(new TypedSearchAttributes(unitTaskStartAttributes(task)).get(TaskStatusKey)).toBe('not_due');
  });

  it('a task starts with the status its workflow publishes before the deadline is planned, and no deadline when it waits on an event', () => {
    const chain = { unit: { code: 'HCTH', name: 'Phòng Hành chính' } } as Parameters<typeof initialUnitTaskAttributes>[0]['chain'];
    const assignee = { id: 'hcth.cv1', name: 'Chuyên viên', title: 'Chuyên viên' };
    const named = (pairs: ReturnType<typeof initialUnitTaskAttributes>) => Object.fromEntries(pairs.map((p) => [p.key.name, p.value instanceof Date ? p.value.toISOString() : p.value]));
    const dated = initialUnitTaskAttributes({ planId: 'p1', task: { ref: 'a', title: 't', content: '', deadline: { kind: 'date', due: '2025-03-20', text: '' } } as never, assignee, chain });
    expect(named(dated)).toEqual({ PlanId: 'p1', TaskRef: 'a', TaskUnit: 'HCTH', TaskAssignee: 'hcth.cv1', TaskStatus: 'not_due', TaskDue: '2025-03-20T16:59:59.000Z', EscalationLevel: 0 });
    const event = initialUnitTaskAttributes({ planId: 'p1', task: { ref: 'b', title: 't', content: '', deadline: { kind: 'event', text: 'Khi có hướng dẫn' } } as never, assignee, chain });
    expect(named(event)).toEqual({ PlanId: 'p1', TaskRef: 'b', TaskUnit: 'HCTH', TaskAssignee: 'hcth.cv1', TaskStatus: 'awaiting_activation', EscalationLevel: 0 });
  });
});
