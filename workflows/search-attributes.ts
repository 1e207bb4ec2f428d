// Custom search attributes: "every overdue task of Phòng X" is one visibility query.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair, type SearchAttributeUpdatePair, type TypedSearchAttributes } from '@temporalio/common';
import type { IsoDate } from '../domain/calendar.js';
import type { TaskStatus } from '../domain/status.js';
import type { UnitTaskInput, UnitTaskState } from '../domain/task.js';
import { initialState } from '../domain/task-rules.js';

export const PlanIdKey = defineSearchAttributeKey('PlanId', SearchAttributeType.KEYWORD);
export const TaskRefKey = defineSearchAttributeKey('TaskRef', SearchAttributeType.KEYWORD);
export const TaskUnitKey = defineSearchAttributeKey('TaskUnit', SearchAttributeType.KEYWORD);
export const TaskAssigneeKey = defineSearchAttributeKey('TaskAssignee', SearchAttributeType.KEYWORD);
export const TaskStatusKey = defineSearchAttributeKey('TaskStatus', SearchAttributeType.KEYWORD);
export const TaskDueKey = defineSearchAttributeKey('TaskDue', SearchAttributeType.DATETIME);
export const EscalationLevelKey = defineSearchAttributeKey('EscalationLevel', SearchAttributeType.INT);

/** Name → CLI type, for registering them on a server (`--search-attribute Name=Type`). */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Datetime' | 'Int'> = {
  PlanId: 'Keyword',
  TaskRef: 'Keyword',
  TaskUnit: 'Keyword',
  TaskAssignee: 'Keyword',
  TaskStatus: 'Keyword',
  TaskDue: 'Datetime',
  EscalationLevel: 'Int',
};

/** What visibility holds of one unit task. */
export interface UnitTaskAttributes {
  planId: string;
  ref: string;
  unit: string;
  assignee: string;
  status: TaskStatus;
  /** The deadline's day; indexed as its last second in Vietnam. */
  due?: IsoDate;
  escalationLevel: number;
}

/** The unit task's search attributes: given at start by the client and upserted by the workflow on change. */
export function unitTaskSearchAttributes(a: UnitTaskAttributes): SearchAttributeUpdatePair[] {
  return [
    { key: PlanIdKey, value: a.planId },
    { key: TaskRefKey, value: a.ref },
    { key: TaskUnitKey, value: a.unit },
    { key: TaskAssigneeKey, value: a.assignee },
    { key: TaskStatusKey, value: a.status },
    { key: TaskDueKey, value: a.due ? new Date(`${a.due}T23:59:59+07:00`) : null },
    { key: EscalationLevelKey, value: a.escalationLevel },
  ];
}

/** A unit task's attributes from its state, showing `status`: what the workflow upserts on a change. */
export function unitTaskAttributesOf(planId: string, ref: string, s: Pick<UnitTaskState, 'chain' | 'assignee' | 'due' | 'ladder'>, status: TaskStatus): SearchAttributeUpdatePair[] {
  return unitTaskSearchAttributes({ planId, ref, unit: s.chain.unit.code, assignee: s.assignee.id, status, ...(s.due ? { due: s.due } : {}), escalationLevel: s.ladder.escalationLevel });
}

/** A start request takes no empty values. */
const forStart = (pairs: SearchAttributeUpdatePair[]): SearchAttributePair[] => pairs.filter((p): p is SearchAttributePair => p.value !== null);

/** The same list for a start request. */
export function unitTaskStartAttributes(a: UnitTaskAttributes): SearchAttributePair[] {
  return forStart(unitTaskSearchAttributes(a));
}

/** True when the execution already holds every pair (a start that carried them): an upsert would change nothing. */
export function alreadyHeld(pairs: SearchAttributeUpdatePair[], held: TypedSearchAttributes): boolean {
  return pairs.every(({ key, value }) => {
    const now = held.get(key);
    if (value === null || value === undefined) return now === undefined;
    return value instanceof Date ? now instanceof Date && now.getTime() === value.getTime() : now === value;
  });
}

/** The attributes of a unit task as it starts, for the start request (the client's, or the parent's for a child). */
export function initialUnitTaskAttributes(input: Pick<UnitTaskInput, 'planId' | 'task' | 'assignee' | 'chain'>): SearchAttributePair[] {
  const s = initialState(input);
  return forStart(unitTaskAttributesOf(input.planId, input.task.ref, s, s.status));
}
