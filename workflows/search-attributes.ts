// Custom search attributes: "every overdue task of Phòng X" is one visibility query.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
