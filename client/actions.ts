// Every action a person takes on a task, once: the workflow update it sends, the schema of what the
// person gives (beside who they are), and the Vietnamese confirmation once it went through. The
// bot, the dashboard and the CLI all read this table and act through `actOnTask` (client/tasks.ts).
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import type { Action } from '../domain/authz.js';
import type { UnitTaskView } from '../domain/task.js';
import type { ActionInputs, ArgsOf } from '../domain/task-rules.js';
import * as msg from '../workflows/messages.js';

/** What the person gives for an action: its arguments without the actor. */
export type ActionInput<K extends Action> = ActionInputs[K];

export interface TaskAction<K extends Action> {
  update: UpdateDefinition<UnitTaskView, [ArgsOf<K>]>;
  /** Reads the input from a form or a command line; the workflow checks it again (see domain/task-rules.ts). */
  input: z.ZodType<ActionInput<K>>;
  /** What the person reads once the action went through. */
  done: (input: ActionInput<K>) => string;
}

const text = z.string().trim();
// A date's existence is the workflow's to refuse, in words ("Ngày … không tồn tại").
const date = z.string();

export const TASK_ACTIONS: { [K in Action]: TaskAction<K> } = {
  acknowledge: { update: msg.acknowledge, input: z.object({}), done: () => 'Đã nhận nhiệm vụ.' },
  reportProgress: {
    update: msg.reportProgress,
    // Not a number yet: the workflow answers it in words ("Tỷ lệ tiến độ phải là số nguyên …").
    input: z.object({ percent: z.number().or(z.nan()), note: text }),
    done: (a) => `Đã ghi nhận tiến độ ${a.percent}%.`,
  },
  reportCompletion: {
    update: msg.reportCompletion,
    input: z.object({ note: text, evidence: z.array(z.string()).optional() }),
    done: () => 'Đã báo cáo hoàn thành, chờ duyệt.',
  },
  attachEvidence: {
    update: msg.attachEvidence,
    input: z.object({ kind: z.enum(['image', 'file', 'link']), url: text, name: text.optional() }),
    done: () => 'Đã ghi nhận minh chứng.',
  },
  approveCompletion: { update: msg.approveCompletion, input: z.object({ note: text.optional() }), done: () => 'Đã duyệt kết quả.' },
  rejectCompletion: { update: msg.rejectCompletion, input: z.object({ reason: text }), done: () => 'Đã trả lại để tiếp tục thực hiện.' },
  requestExtension: { update: msg.requestExtension, input: z.object({ until: date, reason: text }), done: () => 'Đã gửi đề nghị gia hạn.' },
  decideExtension: {
    update: msg.decideExtension,
    input: z.object({ approve: z.boolean(), reason: text.optional() }),
    done: (a) => (a.approve ? 'Đã đồng ý gia hạn.' : 'Đã không đồng ý gia hạn.'),
  },
  reassign: { update: msg.reassign, input: z.object({ to: z.string().min(1), unit: z.string().min(1).optional() }), done: () => 'Đã giao lại nhiệm vụ.' },
  requestExplanation: { update: msg.requestExplanation, input: z.object({ question: text }), done: () => 'Đã gửi yêu cầu giải trình.' },
  answerExplanation: { update: msg.answerExplanation, input: z.object({ answer: text }), done: () => 'Đã gửi nội dung giải trình.' },
  activate: { update: msg.activate, input: z.object({ due: date }), done: () => 'Đã kích hoạt nhiệm vụ.' },
  cancel: { update: msg.cancel, input: z.object({ reason: text }), done: () => 'Đã hủy nhiệm vụ.' },
};

/** One action with what the person gives: what a form or a command line is read into. */
export type ActionCall = { [K in Action]: { action: K; input: ActionInputs[K] } }[Action];

/** The confirmation of an action that went through. */
export function doneText<K extends Action>(action: K, input: ActionInputs[K]): string {
  return TASK_ACTIONS[action].done(input);
}
