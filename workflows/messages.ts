// The messages a task workflow answers. Clients import these definitions; the workflow implements them.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TaskStatus } from '../domain/status.js';
import type { MultiUnitTaskView, UnitTaskView } from '../domain/task.js';
import type { ActionArgs } from '../domain/task-rules.js';

export const getTaskState = defineQuery<UnitTaskView>('getTaskState');
export const getMultiUnitState = defineQuery<MultiUnitTaskView>('getMultiUnitState');

export const acknowledge = defineUpdate<UnitTaskView, [ActionArgs['acknowledge']]>('acknowledge');
export const reportProgress = defineUpdate<UnitTaskView, [ActionArgs['reportProgress']]>('reportProgress');
export const reportCompletion = defineUpdate<UnitTaskView, [ActionArgs['reportCompletion']]>('reportCompletion');
export const approveCompletion = defineUpdate<UnitTaskView, [ActionArgs['approveCompletion']]>('approveCompletion');
export const rejectCompletion = defineUpdate<UnitTaskView, [ActionArgs['rejectCompletion']]>('rejectCompletion');
export const requestExtension = defineUpdate<UnitTaskView, [ActionArgs['requestExtension']]>('requestExtension');
export const decideExtension = defineUpdate<UnitTaskView, [ActionArgs['decideExtension']]>('decideExtension');
export const reassign = defineUpdate<UnitTaskView, [ActionArgs['reassign']]>('reassign');
export const requestExplanation = defineUpdate<UnitTaskView, [ActionArgs['requestExplanation']]>('requestExplanation');
export const answerExplanation = defineUpdate<UnitTaskView, [ActionArgs['answerExplanation']]>('answerExplanation');
export const attachEvidence = defineUpdate<UnitTaskView, [ActionArgs['attachEvidence']]>('attachEvidence');
export const activate = defineUpdate<UnitTaskView, [ActionArgs['activate']]>('activate');
export const cancel = defineUpdate<UnitTaskView, [ActionArgs['cancel']]>('cancel');

/** A notification that waited in the outbox (Zalo unusable) went out later: what the timeline should say. */
export const deliveryReported = defineSignal<[{ lines: string[] }]>('deliveryReported');
/** A unit's share of a multi-unit task tells its parent when its status changes. */
export const unitStatusChanged = defineSignal<[{ unit: string; workflowId: string; status: TaskStatus }]>('unitStatusChanged');

/** The error type of a refused action; its message is Vietnamese, its first detail English. */
export const REFUSED = 'TaskActionRefused';
