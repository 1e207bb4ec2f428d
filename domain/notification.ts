// Notifications the engine sends to people, and their Vietnamese wording.
import type { IsoDate } from './calendar.js';
import type { PersonRef } from './org.js';

export type NotificationKind =
  | 'reminder'
  | 'escalation'
  | 'overdue'
  | 'approval_request'
  | 'decision'
  | 'extension_request'
  | 'explanation_request'
  | 'assigned'
  | 'activated'
  | 'cancelled'
  | 'check_in'
  | 'report';

/** A button a person can tap to answer (Zalo `oa.query.show`: the payload comes back as their message). */
export interface QuickAction {
  title: string;
  payload: string;
}

export interface Notification {
  /** Stable across retries and replays: a notifier delivers each key at most once where it can tell. */
  key: string;
  kind: NotificationKind;
  to: PersonRef;
  planId: string;
  workflowId: string;
  taskRef: string;
  text: string;
  actions: QuickAction[];
  /** Who receives it instead when `to` cannot be reached (the next one up the chain). */
  fallback?: PersonRef;
}

/** What became of a notification, when the channel can tell. */
export interface Delivery {
  delivered: boolean;
  /** Set when it went to `fallback` because `to` could not be reached; the reason is Vietnamese. */
  insteadOf?: { person: PersonRef; reason: string };
  /** Who finally got it (absent when nobody could be reached). */
  to?: PersonRef;
}

export function formatDate(d: IsoDate): string {
  const [y, m, day] = d.split('-');
  return `${day}/${m}/${y}`;
}

export function staffActions(ref: string): QuickAction[] {
  return [
    { title: 'Đã nhận', payload: `nhận ${ref}` },
    { title: 'Báo cáo tiến độ', payload: `tiến độ ${ref}` },
    { title: 'Đã hoàn thành', payload: `xong ${ref}` },
    { title: 'Xin gia hạn', payload: `gia hạn ${ref}` },
  ];
}

export function managerActions(ref: string): QuickAction[] {
  return [
    { title: 'Duyệt', payload: `duyệt ${ref}` },
    { title: 'Từ chối', payload: `từ chối ${ref}` },
    { title: 'Gia hạn', payload: `đồng ý gia hạn ${ref}` },
    { title: 'Giao lại', payload: `giao lại ${ref}` },
  ];
}

/** "Nhiệm vụ II.2.(1) «Rà soát dịch vụ công» (Phòng Hành chính – Tổng hợp)". */
export function taskLabel(ref: string, title: string, unitName: string): string {
  return `Nhiệm vụ ${ref} «${title}» (${unitName})`;
}

export const texts = {
  reminder: (label: string, due: IsoDate, daysLeft: number, onDueDate: boolean) =>
    daysLeft > 0
      ? `Nhắc việc: ${label} đến hạn ngày ${formatDate(due)}, còn ${daysLeft} ngày làm việc. Đề nghị báo cáo tiến độ.`
      : onDueDate
        ? `Nhắc việc: ${label} đến hạn hôm nay, ngày ${formatDate(due)}. Đề nghị hoàn thành và báo cáo kết quả.`
        : `Nhắc việc: ${label} đến hạn ngày ${formatDate(due)} (ngày nghỉ); hôm nay là ngày làm việc cuối cùng trước hạn. Đề nghị hoàn thành và báo cáo kết quả.`,
  checkIn: (label: string, period: string, due: IsoDate) =>
    `Nhắc việc: đề nghị báo cáo kết quả thực hiện ${label} trong ${period}, hạn ngày ${formatDate(due)}.`,
  escalation: (label: string, due: IsoDate, assignee: PersonRef, level: number, repeat: number) =>
    `${repeat > 0 ? `Nhắc lại lần ${repeat}: ` : ''}${label} đã quá hạn (hạn ngày ${formatDate(due)}), người được giao: ${assignee.name}. ` +
    `Báo cáo cấp ${level}: đề nghị đồng chí chỉ đạo, đôn đốc thực hiện.`,
  overdueToAssignee: (label: string, due: IsoDate, escalatedTo: PersonRef) =>
    `${label} đã quá hạn (hạn ngày ${formatDate(due)}) và đã được báo cáo đến ${escalatedTo.title} ${escalatedTo.name}. Đề nghị khẩn trương hoàn thành.`,
  approvalRequest: (label: string, by: PersonRef, note: string) =>
    `${by.name} báo cáo đã hoàn thành ${label}${note ? `: ${note}` : ''}. Đề nghị đồng chí xem xét, duyệt.`,
  approved: (label: string, by: PersonRef, onTime: boolean) =>
    `${by.name} đã duyệt kết quả ${label}: hoàn thành ${onTime ? 'đúng hạn' : 'quá hạn'}.`,
  rejected: (label: string, by: PersonRef, reason: string) =>
    `${by.name} chưa duyệt kết quả ${label}. Lý do: ${reason}. Nhiệm vụ trở lại trạng thái đang thực hiện.`,
  extensionRequest: (label: string, by: PersonRef, until: IsoDate, reason: string) =>
    `${by.name} xin gia hạn ${label} đến ngày ${formatDate(until)}. Lý do: ${reason}. Đề nghị đồng chí cho ý kiến.`,
  extensionApproved: (label: string, by: PersonRef, until: IsoDate) =>
    `${by.name} đồng ý gia hạn ${label} đến ngày ${formatDate(until)}.`,
  extensionRefused: (label: string, by: PersonRef, reason: string) =>
    `${by.name} không đồng ý gia hạn ${label}${reason ? `. Lý do: ${reason}` : ''}. Hạn cũ giữ nguyên.`,
  explanationRequest: (label: string, by: PersonRef, question: string, due: IsoDate) =>
    `${by.title} ${by.name} yêu cầu giải trình về ${label}: ${question}. Hạn trả lời: ${formatDate(due)}.`,
  explanationReminder: (label: string, due: IsoDate) =>
    `Nhắc việc: chưa có giải trình về ${label}, hạn trả lời ngày ${formatDate(due)}.`,
  explanationEscalation: (label: string, assignee: PersonRef, due: IsoDate) =>
    `${assignee.name} chưa giải trình về ${label} (hạn ngày ${formatDate(due)}). Đề nghị đồng chí đôn đốc.`,
  explanationAnswered: (label: string, by: PersonRef, answer: string) => `${by.name} đã giải trình về ${label}: ${answer}`,
  assigned: (label: string, by: PersonRef, due: string) =>
    `${by.name} giao đồng chí thực hiện ${label}, thời hạn: ${due}. Đề nghị xác nhận "đã nhận".`,
  activated: (label: string, by: PersonRef, due: IsoDate) =>
    `${by.name} đã kích hoạt ${label}, hạn hoàn thành ngày ${formatDate(due)}.`,
  cancelled: (label: string, by: PersonRef, reason: string) => `${by.name} đã hủy ${label}. Lý do: ${reason}.`,
  forwarded: (to: PersonRef, reason: string, text: string) =>
    `[Chuyển thay cho đồng chí ${to.name} vì ${reason}] ${text}`,
  deliveredInstead: (missed: PersonRef, reason: string, got: PersonRef) =>
    `Không gửi được tin nhắn cho ${missed.name} (${reason}); đã gửi thay cho ${got.title} ${got.name}.`,
  undelivered: (missed: PersonRef, reason: string) => `Không gửi được tin nhắn cho ${missed.name} (${reason}).`,
  evidenceAdded: (by: PersonRef, what: string) => `${by.name} gửi minh chứng: ${what}.`,
  reportReady: (planTitle: string, period: string, total: number, done: number, overdue: number, files: string[], submitBy: IsoDate) =>
    `Đã tổng hợp báo cáo ${period} kế hoạch «${planTitle}»: ${total} nhiệm vụ, đã hoàn thành ${done}, quá hạn ${overdue}. ` +
    `Tệp báo cáo: ${files.join('; ')}. Đề nghị rà soát và gửi trước ngày ${formatDate(submitBy)}.`,
};
