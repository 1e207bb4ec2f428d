// Notifications the engine sends to people, and their Vietnamese wording.
import { VN_UTC_OFFSET_MINUTES, type IsoDate } from './calendar.js';
import type { PersonRef } from './org.js';
import { attemptText, type Attempt } from './reach.js';

export const NOTIFICATION_KINDS = [
  'reminder',
  'escalation',
  'overdue',
  'approval_request',
  'decision',
  'extension_request',
  'explanation_request',
  'assigned',
  'activated',
  'cancelled',
  'check_in',
  'report',
  'signin_code',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

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
  /** Who receives it instead when `to` cannot be reached (the next one up the chain). Older notifications. */
  fallback?: PersonRef;
  /** Everyone up the chain above `to`, nearest first: tried in turn when `to` cannot be reached. */
  fallbacks?: PersonRef[];
  /** The facts a fixed-text channel (a Zalo template, an e-mail subject) is filled from. */
  facts?: NotificationFacts;
}

/** What each kind of notification is about, in a few words (a template's "summary" parameter, an e-mail's subject). */
export const KIND_SUMMARIES: Record<NotificationKind, string> = {
  reminder: 'Nhắc việc',
  escalation: 'Nhiệm vụ quá hạn, đề nghị chỉ đạo',
  overdue: 'Nhiệm vụ đã quá hạn',
  approval_request: 'Đề nghị duyệt kết quả',
  decision: 'Kết quả xử lý',
  extension_request: 'Đề nghị gia hạn',
  explanation_request: 'Yêu cầu giải trình',
  assigned: 'Giao nhiệm vụ',
  activated: 'Kích hoạt nhiệm vụ',
  cancelled: 'Hủy nhiệm vụ',
  check_in: 'Đề nghị báo cáo định kỳ',
  report: 'Báo cáo định kỳ',
  signin_code: 'Mã đăng nhập',
};

export interface NotificationFacts {
  title?: string;
  unit?: string;
  due?: IsoDate;
  /** One line saying what the notification is about ("Nhắc việc: còn 3 ngày làm việc"). */
  summary?: string;
  /** A one-time code (sign-in). */
  code?: string;
}

/** What a message waiting in the outbox waits for (a refresh token only a person can renew). */
export const WAITING_FOR_ZALO = 'Zalo OA có mã truy cập mới';

/** What became of a notification, when the channel can tell. */
export interface Delivery {
  delivered: boolean;
  /** Set when it went to `fallback` because `to` could not be reached; the reason is Vietnamese. */
  insteadOf?: { person: PersonRef; reason: string };
  /** Who finally got it (absent when nobody could be reached). */
  to?: PersonRef;
  /** Every channel tried, in order, with its outcome. */
  attempts?: Attempt[];
  /** Set when the message waits in the outbox for Zalo to be usable again (no valid token); it goes out once then. */
  waiting?: string;
  /** Nobody in the chain could be reached now (no link, no phone, no address): held and tried again. */
  unreached?: true;
}

export function formatDate(d: IsoDate): string {
  const [y, m, day] = d.split('-');
  return `${day}/${m}/${y}`;
}

/** "dd/mm/yyyy HH:MM" in Asia/Ho_Chi_Minh, whatever the server's zone (UTC+7 all year, no DST). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms + VN_UTC_OFFSET_MINUTES * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
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

/** A leader who acts, as staff read it: "Trưởng phòng Hành chính – Tổng hợp Hoàng Văn Giang". */
const titled = (p: PersonRef): string => (p.title ? `${p.title} ${p.name}` : p.name);

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
    `Đồng chí ${titled(by)} đã duyệt kết quả ${label}: hoàn thành ${onTime ? 'đúng hạn' : 'quá hạn'}.`,
  rejected: (label: string, by: PersonRef, reason: string, due?: IsoDate, overdue?: boolean) =>
    `Đồng chí ${titled(by)} chưa duyệt kết quả ${label}. Lý do: ${reason}. Đề nghị đồng chí tiếp tục thực hiện và báo cáo lại` +
    (due ? `; hạn ngày ${formatDate(due)}${overdue ? ' (đã quá hạn)' : ''}.` : '.'),
  extensionRequest: (label: string, by: PersonRef, until: IsoDate, reason: string) =>
    `${by.name} xin gia hạn ${label} đến ngày ${formatDate(until)}. Lý do: ${reason}. Đề nghị đồng chí cho ý kiến.`,
  extensionApproved: (label: string, by: PersonRef, until: IsoDate) =>
    `Đồng chí ${titled(by)} đồng ý gia hạn ${label} đến ngày ${formatDate(until)}.`,
  extensionRefused: (label: string, by: PersonRef, reason: string) =>
    `Đồng chí ${titled(by)} không đồng ý gia hạn ${label}${reason ? `. Lý do: ${reason}` : ''}. Hạn cũ giữ nguyên.`,
  explanationRequest: (label: string, by: PersonRef, question: string, due: IsoDate) =>
    `${by.title} ${by.name} yêu cầu giải trình về ${label}: ${question}. Hạn trả lời: ${formatDate(due)}.`,
  explanationReminder: (label: string, due: IsoDate) =>
    `Nhắc việc: chưa có giải trình về ${label}, hạn trả lời ngày ${formatDate(due)}.`,
  explanationEscalation: (label: string, assignee: PersonRef, due: IsoDate) =>
    `${assignee.name} chưa giải trình về ${label} (hạn ngày ${formatDate(due)}). Đề nghị đồng chí đôn đốc.`,
  explanationAnswered: (label: string, by: PersonRef, answer: string) => `${by.name} đã giải trình về ${label}: ${answer}`,
  assigned: (label: string, by: PersonRef, due: string) =>
    `Đồng chí ${titled(by)} giao đồng chí thực hiện ${label}, thời hạn: ${due}. Đề nghị bấm «Đã nhận» để xác nhận.`,
  activated: (label: string, by: PersonRef, due: IsoDate) =>
    `Đồng chí ${titled(by)} đã kích hoạt ${label}, hạn hoàn thành ngày ${formatDate(due)}.`,
  cancelled: (label: string, by: PersonRef, reason: string) => `Đồng chí ${titled(by)} đã hủy ${label}. Lý do: ${reason}.`,
  forwarded: (to: PersonRef, reason: string, text: string) =>
    `[Chuyển thay cho đồng chí ${to.name} vì ${reason}] ${text}`,
  deliveredInstead: (missed: PersonRef, reason: string, got: PersonRef) =>
    `Không gửi được tin nhắn cho ${missed.name} (${reason}); đã gửi thay cho ${got.title} ${got.name}.`,
  undelivered: (missed: PersonRef, reason: string) => `Không gửi được tin nhắn cho ${missed.name} (${reason}).`,
  waiting: (missed: PersonRef, until: string) => `Chưa gửi được tin nhắn cho ${missed.name}; sẽ gửi khi ${until}.`,
  evidenceAdded: (by: PersonRef, what: string) => `${by.name} gửi minh chứng: ${what}.`,
  reportReady: (planTitle: string, period: string, total: number, done: number, overdue: number, files: string[], submitBy: IsoDate) =>
    `Đã tổng hợp báo cáo ${period} kế hoạch «${planTitle}»: ${total} nhiệm vụ, đã hoàn thành ${done}, quá hạn ${overdue}. ` +
    `Tệp báo cáo: ${files.join('; ')}. Đề nghị rà soát và gửi trước ngày ${formatDate(submitBy)}.`,
};

/**
 * What the task's timeline says of one notification's delivery: every channel tried for every
 * person, in order. Empty when the channel tells nothing (the log notifier).
 */
export function deliveryLines(d: Delivery | undefined, to: PersonRef): string[] {
  if (!d) return [];
  if (!d.attempts?.length) {
    // Deliveries recorded before attempts were reported.
    if (d.insteadOf && d.to) return [texts.deliveredInstead(d.insteadOf.person, d.insteadOf.reason, d.to)];
    if (d.waiting) return [texts.waiting(to, d.waiting)];
    return d.delivered ? [] : [texts.undelivered(to, d.insteadOf?.reason ?? 'không liên lạc được')];
  }
  const people: { id: string; name: string; parts: string[] }[] = [];
  for (const a of d.attempts) {
    let p = people.at(-1);
    if (!p || p.id !== a.personId) people.push((p = { id: a.personId, name: a.personName, parts: [] }));
    p.parts.push(attemptText(a));
  }
  const [first, ...rest] = people;
  const segments = [`Gửi ${first!.name}: ${first!.parts.join('; ')}`];
  for (const p of rest) segments.push(`chuyển thay cho ${p.name}: ${p.parts.join('; ')}`);
  if (d.waiting) segments.push(`chờ gửi lại khi ${d.waiting}`);
  else if (!d.delivered) segments.push('không ai nhận được');
  return [`${segments.join(' — ')}.`];
}
