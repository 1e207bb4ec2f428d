// The managers' actions on a task page: which engine rule each form answers to, and the form →
// the action of client/actions.ts (whose confirmation is shown once it is done). No HTML and no routing here.
import type { ActionCall } from '../client/actions.js';
import { TaskActionError } from '../client/tasks.js';
import type { Action } from '../domain/authz.js';
import { parseDateInput } from '../domain/date-input.js';

/** The form each action posts, and the engine's rule that says who may take it. */
export const FORM_ACTION: Record<string, Action> = {
  approve: 'approveCompletion',
  reject: 'rejectCompletion',
  'extend-yes': 'decideExtension',
  'extend-no': 'decideExtension',
  activate: 'activate',
  explain: 'requestExplanation',
  reassign: 'reassign',
  cancel: 'cancel',
};

/** The form of an action → the action and what the form gives. */
export function actionOf(form: string, body: Record<string, string>): ActionCall {
  switch (form) {
    case 'approve':
      return { action: 'approveCompletion', input: {} };
    case 'reject':
      return { action: 'rejectCompletion', input: { reason: body.reason ?? '' } };
    case 'extend-yes':
      return { action: 'decideExtension', input: { approve: true } };
    case 'extend-no':
      return { action: 'decideExtension', input: { approve: false, reason: body.reason ?? '' } };
    case 'explain':
      return { action: 'requestExplanation', input: { question: body.question ?? '' } };
    case 'cancel':
      // The confirmation box is required in the form; a request without it changes nothing.
      if (body.confirm !== 'yes') throw new TaskActionError('Đề nghị đánh dấu ô xác nhận hủy nhiệm vụ.', 'cancel without confirmation');
      return { action: 'cancel', input: { reason: body.reason ?? '' } };
    case 'reassign':
      if (!body.to) throw new TaskActionError('Đề nghị chọn cán bộ được giao.', 'reassign without a person');
      return { action: 'reassign', input: { to: body.to } };
    case 'activate': {
      const d = parseDateInput(body.due ?? '');
      if (!d.ok) throw new TaskActionError(d.vi, `bad date "${body.due}"`);
      return { action: 'activate', input: { due: d.date } };
    }
    default:
      throw new TaskActionError('Thao tác không hợp lệ.', `unknown action "${form}"`);
  }
}
