// Who can be reached, and how, right now. Zalo accepts a consultation message only within 7 days
// of the person's last interaction with the OA; outside it, only a registered template message
// (by Zalo user id, or by the phone number of the person's Zalo account) gets through, and only
// in the day; e-mail is the channel outside Zalo; the next one up the chain is the last resort.
// Pure: the store supplies a person's `Reach`, the notifier acts on the ordered channels.
import { VN_UTC_OFFSET_MINUTES } from './calendar.js';

export const CHANNELS = ['zalo_cs', 'zalo_template_uid', 'zalo_template_phone', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** How a channel is named to people (timeline, "Liên lạc" page, CLI). */
export const CHANNEL_LABELS: Record<Channel, string> = {
  zalo_cs: 'tin nhắn Zalo',
  zalo_template_uid: 'tin mẫu Zalo theo tài khoản',
  zalo_template_phone: 'tin mẫu Zalo qua số điện thoại',
  email: 'thư điện tử',
};

/** A refusal Zalo (or the mail server) gave for one person on one channel. */
export interface Refusal {
  channel: Channel;
  code: number;
  at: number;
}

/** What the store knows of a person's ways of being reached. */
export interface Reach {
  personId: string;
  zaloUserId?: string;
  /** false after an unfollow or a -213; undefined when nothing is known. */
  follower?: boolean;
  /** Epoch ms of the person's last interaction with the OA (message, button, follow, shared info). */
  lastInteractionAt?: number;
  /** "84…", from the org chart or shared through Zalo. */
  phone?: string;
  email?: string;
  /** Recent refusals (the store keeps 30 days). */
  refusals: Refusal[];
}

/** The configuration channel choice depends on, for one kind of notification. */
export interface ChannelRules {
  /** Zalo's consultation window (7 days) and how long before its end we stop relying on it. */
  windowMs: number;
  windowMarginMs: number;
  /** False while Zalo cannot be used at all (no usable access token). */
  zalo: boolean;
  /** The template configured for this kind, if any; `byUserId: false` for templates Zalo sends only by phone. */
  template?: { templateId: string; byUserId: boolean };
  /** Local (Asia/Ho_Chi_Minh) hours in which Zalo accepts template messages: [start, end). */
  templateHours: { start: string; end: string };
  /** An SMTP transport is configured. */
  email: boolean;
}

export const DEFAULT_WINDOW_MS = 7 * 24 * 3600_000;
export const DEFAULT_WINDOW_MARGIN_MS = 6 * 3600_000;
export const DEFAULT_TEMPLATE_HOURS = { start: '06:00', end: '22:00' } as const;
/** How long a refusal is remembered at most. */
export const REFUSAL_MEMORY_MS = 30 * 24 * 3600_000;

type Lifts = 'interaction' | 'follow' | 'day' | 'memory' | 'message';

interface RefusalRule {
  /** Channels the refusal closes for the person (`same` = the channel that was refused). */
  closes: readonly (Channel | 'same')[];
  /** What opens them again: the person's next interaction, a follow, the next day, the end of the memory, or nothing beyond this message. */
  lifts: Lifts;
  vi: string;
}

const ZALO_ALL: readonly Channel[] = ['zalo_cs', 'zalo_template_uid', 'zalo_template_phone'];

/**
 * Per-person refusals (Zalo's published codes; the 1xx codes are the template-by-phone API's).
 * Each is final for that channel and that message: never retried, and remembered for the person.
 */
export const REFUSAL_RULES: Record<number, RefusalRule> = {
  [-213]: { closes: ['zalo_cs'], lifts: 'follow', vi: 'chưa quan tâm Zalo OA' },
  [-217]: { closes: ZALO_ALL, lifts: 'interaction', vi: 'đã chặn Zalo OA' },
  [-218]: { closes: ['same'], lifts: 'day', vi: 'đã hết lượt nhận tin trong ngày' },
  [-227]: { closes: ZALO_ALL, lifts: 'interaction', vi: 'tài khoản Zalo bị khóa hoặc không hoạt động quá 45 ngày' },
  [-230]: { closes: ['zalo_cs'], lifts: 'interaction', vi: 'quá 7 ngày không tương tác với Zalo OA' },
  [-232]: { closes: ['zalo_cs'], lifts: 'interaction', vi: 'đã hết thời hạn tương tác với Zalo OA' },
  [-234]: { closes: ['same'], lifts: 'message', vi: 'Zalo không cho gửi vào giờ này' },
  [-244]: { closes: ['same'], lifts: 'interaction', vi: 'người nhận đã chặn loại tin này' },
  [-249]: { closes: ['zalo_template_uid'], lifts: 'memory', vi: 'tin mẫu này chỉ gửi được qua số điện thoại' },
  [-108]: { closes: ['zalo_template_phone'], lifts: 'memory', vi: 'số điện thoại không hợp lệ' },
  [-114]: { closes: ['same'], lifts: 'interaction', vi: 'người nhận không nhận tin mẫu' },
  [-118]: { closes: ['zalo_template_phone'], lifts: 'memory', vi: 'số điện thoại không có tài khoản Zalo' },
  [-119]: { closes: ['same'], lifts: 'interaction', vi: 'tài khoản Zalo không nhận được tin mẫu' },
  [-139]: { closes: ['same'], lifts: 'interaction', vi: 'người nhận đã từ chối loại tin này' },
  [-133]: { closes: ['same'], lifts: 'message', vi: 'Zalo không cho gửi tin mẫu vào ban đêm' },
  // SMTP: the mail server refuses the mailbox.
  [550]: { closes: ['email'], lifts: 'day', vi: 'máy chủ thư từ chối địa chỉ' },
  [551]: { closes: ['email'], lifts: 'day', vi: 'máy chủ thư từ chối địa chỉ' },
  [553]: { closes: ['email'], lifts: 'day', vi: 'địa chỉ thư không hợp lệ' },
};

/** Codes that refuse the message for this person on this channel (as opposed to a fault of ours or of Zalo). */
export const isPersonRefusal = (code: number): boolean => code in REFUSAL_RULES;

export const refusalReason = (code: number): string => REFUSAL_RULES[code]?.vi ?? `Zalo từ chối (mã ${code})`;

/** Why a channel is not used now; Vietnamese, for the timeline and the "Liên lạc" page. */
export type Skip = { channel: Channel; vi: string };

export interface ChannelChoice {
  /** The channels to try, in order. */
  channels: Channel[];
  /** The channels left out, each with its reason. */
  skipped: Skip[];
}

const DAY_MS = 24 * 3600_000;

/** Minutes since local midnight in Asia/Ho_Chi_Minh. */
export function localMinutes(now: number): number {
  const m = Math.floor(now / 60_000) + VN_UTC_OFFSET_MINUTES;
  return ((m % 1440) + 1440) % 1440;
}

/** HH:MM, and 24:00 for the end of the day. */
export const HOUR_RE = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

function minutesOf(hhmm: string): number {
  const m = HOUR_RE.exec(hhmm);
  if (m?.[3]) return 1440;
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function withinHours(now: number, hours: { start: string; end: string }): boolean {
  const t = localMinutes(now);
  return t >= minutesOf(hours.start) && t < minutesOf(hours.end);
}

/** Is a refusal still in force for its person at `now`? */
export function refusalActive(r: Refusal, reach: Reach, now: number): boolean {
  const rule = REFUSAL_RULES[r.code];
  if (!rule || now - r.at >= REFUSAL_MEMORY_MS) return false;
  switch (rule.lifts) {
    case 'message':
      return false;
    case 'day':
      return now - r.at < DAY_MS;
    case 'memory':
      return true;
    case 'follow':
      return reach.follower !== true || (reach.lastInteractionAt ?? 0) <= r.at;
    case 'interaction':
      return (reach.lastInteractionAt ?? 0) <= r.at;
  }
}

/** The channels a refusal closes (for the rest of its message too). */
export function closedBy(r: Pick<Refusal, 'channel' | 'code'>): Channel[] {
  return (REFUSAL_RULES[r.code]?.closes ?? []).map((c) => (c === 'same' ? r.channel : c));
}

/** Is the consultation window open now (with the safety margin)? undefined when nothing is known of the last interaction. */
export function windowOpen(reach: Reach, now: number, rules: Pick<ChannelRules, 'windowMs' | 'windowMarginMs'>): boolean | undefined {
  if (reach.lastInteractionAt === undefined) return undefined;
  return now - reach.lastInteractionAt < rules.windowMs - rules.windowMarginMs;
}

/**
 * The channels to try for one notification, in order: the consultation message while the window is
 * open (or when nothing is known yet: Zalo's answer tells); the template by user id, then by phone,
 * in the template hours; e-mail. Refusals in force close what they close.
 */
export function chooseChannels(reach: Reach, now: number, rules: ChannelRules): ChannelChoice {
  const channels: Channel[] = [];
  const skipped: Skip[] = [];
  const closed = new Map<Channel, number>();
  for (const r of reach.refusals) if (refusalActive(r, reach, now)) for (const c of closedBy(r)) if (!closed.has(c)) closed.set(c, r.code);
  const consider = (c: Channel, why: string | undefined) => {
    const code = closed.get(c);
    if (why) skipped.push({ channel: c, vi: why });
    else if (code !== undefined) skipped.push({ channel: c, vi: refusalReason(code) });
    else channels.push(c);
  };
  const noZalo = rules.zalo ? undefined : 'Zalo OA chưa có mã truy cập hợp lệ';
  const daytime = withinHours(now, rules.templateHours);
  const templateWhy = noZalo ?? (!rules.template ? 'chưa cấu hình tin mẫu cho loại thông báo này' : !daytime ? 'ngoài giờ Zalo cho gửi tin mẫu' : undefined);

  const open = windowOpen(reach, now, rules);
  consider(
    'zalo_cs',
    noZalo ??
      (!reach.zaloUserId
        ? 'chưa liên kết tài khoản Zalo'
        : reach.follower === false
          ? 'chưa quan tâm hoặc đã bỏ quan tâm Zalo OA'
          : open === false
            ? 'quá 7 ngày không tương tác với Zalo OA'
            : undefined),
  );
  consider(
    'zalo_template_uid',
    templateWhy ?? (!reach.zaloUserId ? 'chưa liên kết tài khoản Zalo' : rules.template?.byUserId === false ? 'tin mẫu này chỉ gửi được qua số điện thoại' : undefined),
  );
  consider('zalo_template_phone', templateWhy ?? (!reach.phone ? 'chưa có số điện thoại' : undefined));
  consider('email', !rules.email ? 'chưa cấu hình máy chủ thư' : !reach.email ? 'chưa có địa chỉ thư điện tử' : undefined);
  return { channels, skipped };
}

/** One try of one channel for one person, as the timeline tells it. */
export interface Attempt {
  personId: string;
  personName: string;
  /** 'none': no channel could be tried (the reason says why). */
  channel: Channel | 'none';
  ok: boolean;
  /** Vietnamese reason when not ok. */
  reason?: string;
  code?: number;
}

/** "đã gửi bằng tin mẫu qua số điện thoại" / "tin nhắn Zalo không gửi được (quá 7 ngày …)". */
export function attemptText(a: Attempt): string {
  const how: Record<Channel, string> = {
    zalo_cs: 'bằng tin nhắn Zalo',
    zalo_template_uid: 'bằng tin mẫu Zalo theo tài khoản',
    zalo_template_phone: 'bằng tin mẫu qua số điện thoại',
    email: 'qua thư điện tử',
  };
  if (a.channel === 'none') return `không có kênh nào liên lạc được (${a.reason ?? 'không rõ'})`;
  return a.ok ? `đã gửi ${how[a.channel]}` : `${CHANNEL_LABELS[a.channel]} không gửi được (${a.reason ?? 'lỗi không rõ'})`;
}
