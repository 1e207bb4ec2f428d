// The managers' actions on a task page: which engine rule each form answers to, the form → the
// engine's update, and the text shown once it is done. No HTML and no routing here.
import { TaskActionError, type actOnTask } from '../client/tasks.js';
import type { Action } from '../domain/authz.js';
import { parseDateInput } from '../domain/date-input.js';
import * as msg from '../workflows/messages.js';

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

/** The form of an action → the engine's update and its arguments. */
export function updateFor(action: string, body: Record<string, string>): { update: Parameters<typeof actOnTask>[2]; args: object } {
  switch (action) {
    case 'approve':
      return { update: msg.approveCompletion, args: {} };
    case 'reject':
      return { update: msg.rejectCompletion, args: { reason: body.reason ?? '' } };
    case 'extend-yes':
      return { update: msg.decideExtension, args: { approve: true } };
    case 'extend-no':
      return { update: msg.decideExtension, args: { approve: false, reason: body.reason ?? '' } };
    case 'explain':
      return { update: msg.requestExplanation, args: { question: body.question ?? '' } };
    case 'cancel':
      // The confirmation box is required in the form; a request without it changes nothing.
      if (body.confirm !== 'yes') throw new TaskActionError('Đề nghị đánh dấu ô xác nhận hủy nhiệm vụ.', 'cancel without confirmation');
      return { update: msg.cancel, args: { reason: body.reason ?? '' } };
    case 'reassign':
      if (!body.to) throw new TaskActionError('Đề nghị chọn cán bộ được giao.', 'reassign without a person');
      return { update: msg.reassign, args: { to: body.to } };
    case 'activate': {
      const d = parseDateInput(body.due ?? '');
      if (!d.ok) throw new TaskActionError(d.vi, `bad date "${body.due}"`);
      return { update: msg.activate, args: { due: d.date } };
    }
    default:
      throw new TaskActionError('Thao tác không hợp lệ.', `unknown action "${action}"`);
  }
}

const DONE_TEXT: Record<string, string> = {
  approve: 'Đã duyệt kết quả.',
  reject: 'Đã trả lại để tiếp tục thực hiện.',
  'extend-yes': 'Đã đồng ý gia hạn.',
  'extend-no': 'Đã không đồng ý gia hạn.',
  reassign: 'Đã giao lại nhiệm vụ.',
  explain: 'Đã gửi yêu cầu giải trình.',
  cancel: 'Đã hủy nhiệm vụ.',
  activate: 'Đã kích hoạt nhiệm vụ.',
};

/** The flash message after an action went through. */
export const doneText = (action: string): string => DONE_TEXT[action] ?? 'Đã thực hiện.';
