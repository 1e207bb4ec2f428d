// The shapes a unit task workflow takes in, keeps and shows. Pure types and small helpers.
import type { IsoDate } from './calendar.js';
import type { EscalationLevel, LadderState } from './ladder.js';
import type { Chain, PersonRef } from './org.js';
import type { Deadline } from './plan.js';
import type { Policy } from './policy.js';
import type { TaskStatus } from './status.js';

export interface TaskSpec {
  ref: string;
  title: string;
  content: string;
  deadline: Deadline;
  targets: string[];
  support: string[];
}

export interface UnitTaskInput {
  planId: string;
  planTitle: string;
  task: TaskSpec;
  chain: Chain;
  policy: Policy;
  assignee: PersonRef;
  /** Recurring tasks stop after this date. */
  endDate?: IsoDate;
  /** Set when this unit's share is one child of a task led by several units. */
  parentWorkflowId?: string;
  /** State carried over continue-as-new. */
  carried?: UnitTaskState;
  /**
   * The starter writes the task's first read-model row (task-record.ts startingRecord) right after
   * the start, so the workflow writes from its first change on.
   */
  rowByStarter?: true;
}

export interface MultiUnitTaskInput {
  planId: string;
  planTitle: string;
  task: TaskSpec;
  units: Omit<UnitTaskInput, 'planId' | 'planTitle' | 'task' | 'parentWorkflowId' | 'carried'>[];
}

export type Phase = 'waiting' | 'active' | 'awaiting_approval' | 'done' | 'cancelled';

export interface TimelineEntry {
  at: number;
  kind: string;
  actor?: string;
  text: string;
}

export interface Evidence {
  kind: 'image' | 'file' | 'link';
  url: string;
  name?: string;
  by: PersonRef;
  at: number;
}

export interface Explanation {
  requestedBy: PersonRef;
  question: string;
  due: IsoDate;
  answer?: { by: PersonRef; text: string; at: number };
  ladder: LadderState;
}

export interface CycleState {
  key: string;
  label: string;
  start: IsoDate;
  end: IsoDate;
  /** Real instant at which the period is over. */
  endsAt: number;
  checkedIn: boolean;
  /** Cycles whose check-in was late or missed, for the final verdict. */
  lateCycles: number;
}

export interface UnitTaskState {
  phase: Phase;
  status: TaskStatus;
  assignee: PersonRef;
  chain: Chain;
  acknowledgedBy?: PersonRef;
  due?: IsoDate;
  originalDue?: IsoDate;
  dueAt?: number;
  dueSoonAt?: number;
  progress?: { percent: number; note: string; by: PersonRef; at: number };
  completion?: { note: string; evidence: string[]; by: PersonRef; at: number };
  /** Files and photos sent as proof of the work (from Zalo or the web). */
  evidence?: Evidence[];
  extensionRequest?: { until: IsoDate; reason: string; by: PersonRef; at: number };
  explanation?: Explanation;
  cycle?: CycleState;
  /** Phased deadlines: the milestone being worked on. */
  phaseIndex?: number;
  /** Milestones (or the single deadline) completed after their due date. */
  lateMilestones?: number;
  ladder: LadderState;
  cancelled?: { by: PersonRef; reason: string; at: number };
  timeline: TimelineEntry[];
  /** Counts notifications; with the workflow id it makes each one's idempotency key. */
  notificationSeq: number;
  /** The version of the last row written to the task read model (domain/task-list.ts). */
  recorded?: number;
}

/** What a query returns: the full state plus what identifies the task. */
export interface UnitTaskView extends UnitTaskState {
  workflowId: string;
  planId: string;
  planTitle: string;
  task: TaskSpec;
  unit: { code: string; name: string };
  escalationLevel: EscalationLevel;
}

/** The input of one unit's child of a task led by several units (the parent starts it, the starter writes its first row). */
export function childInputOf(input: MultiUnitTaskInput, unit: MultiUnitTaskInput['units'][number], parentWorkflowId: string): UnitTaskInput {
  return { ...unit, planId: input.planId, planTitle: input.planTitle, task: input.task, parentWorkflowId };
}

/** The view of a unit task's state under its input (what its query answers and its row is built from). */
export function viewOf(input: Pick<UnitTaskInput, 'planId' | 'planTitle' | 'task'>, s: UnitTaskState, workflowId: string, status: TaskStatus): UnitTaskView {
  return { ...s, status, workflowId, planId: input.planId, planTitle: input.planTitle, task: input.task, unit: s.chain.unit, escalationLevel: s.ladder.escalationLevel };
}

export interface MultiUnitTaskView {
  workflowId: string;
  planId: string;
  task: TaskSpec;
  status: TaskStatus;
  units: { unit: string; workflowId: string; status: TaskStatus; done: boolean }[];
}

/** An action by a person of the org chart, named by id. */
export interface Acting {
  actor: string;
}

export const taskWorkflowId = (planId: string, ref: string): string => `plan/${planId}/task/${ref}`;
export const unitWorkflowId = (planId: string, ref: string, unit: string): string => `${taskWorkflowId(planId, ref)}/unit/${unit}`;
