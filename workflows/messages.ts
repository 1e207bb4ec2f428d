// The messages a task workflow answers. Clients import these definitions; the workflow implements them.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar.js';
import type { TaskStatus } from '../domain/status.js';
import type { Acting, MultiUnitTaskView, UnitTaskView } from '../domain/task.js';

export const getTaskState = defineQuery<UnitTaskView>('getTaskState');
export const getMultiUnitState = defineQuery<MultiUnitTaskView>('getMultiUnitState');

export const acknowledge = defineUpdate<UnitTaskView, [Acting]>('acknowledge');
export const reportProgress = defineUpdate<UnitTaskView, [Acting & { percent: number; note: string }]>('reportProgress');
export const reportCompletion = defineUpdate<UnitTaskView, [Acting & { note: string; evidence?: string[] }]>('reportCompletion');
export const approveCompletion = defineUpdate<UnitTaskView, [Acting & { note?: string }]>('approveCompletion');
export const rejectCompletion = defineUpdate<UnitTaskView, [Acting & { reason: string }]>('rejectCompletion');
export const requestExtension = defineUpdate<UnitTaskView, [Acting & { until: IsoDate; reason: string }]>('requestExtension');
export const decideExtension = defineUpdate<UnitTaskView, [Acting & { approve: boolean; reason?: string }]>('decideExtension');
export const reassign = defineUpdate<UnitTaskView, [Acting & { to: string; unit?: string }]>('reassign');
export const requestExplanation = defineUpdate<UnitTaskView, [Acting & { question: string }]>('requestExplanation');
export const answerExplanation = defineUpdate<UnitTaskView, [Acting & { answer: string }]>('answerExplanation');
export const attachEvidence = defineUpdate<UnitTaskView, [Acting & { kind: 'image' | 'file' | 'link'; url: string; name?: string }]>('attachEvidence');
export const activate = defineUpdate<UnitTaskView, [Acting & { due: IsoDate }]>('activate');
export const cancel = defineUpdate<UnitTaskView, [Acting & { reason: string }]>('cancel');

/** A unit's share of a multi-unit task tells its parent when its status changes. */
/** A notification that waited in the outbox (Zalo unusable) went out later: what the timeline should say. */
export const deliveryReported = defineSignal<[{ lines: string[] }]>('deliveryReported');
export const unitStatusChanged = defineSignal<[{ unit: string; workflowId: string; status: TaskStatus }]>('unitStatusChanged');

/** The error type of a refused action; its message is Vietnamese, its first detail English. */
export const REFUSED = 'TaskActionRefused';
