import { describe, expect, it } from 'vitest';
import { deliveryLines, type Delivery } from '../../domain/notification.js';
import { displayPhone, maskPhone, normalisePhone } from '../../domain/phone.js';
import {
  chooseChannels,
  DEFAULT_TEMPLATE_HOURS,
  DEFAULT_WINDOW_MARGIN_MS,
  DEFAULT_WINDOW_MS,
  isPersonRefusal,
  localMinutes,
  refusalActive,
  type ChannelRules,
  type Reach,
} from '../../domain/reach.js';
import { toInstant } from '../../domain/calendar.js';

const DAY = 24 * 3600_000;
/** Tuesday 4 March 2025, 09:00 in Hà Nội. */
const NOW = toInstant('2025-03-04', '09:00');
const NIGHT = toInstant('2025-03-04', '23:00');

const rules = (o: Partial<ChannelRules> = {}): ChannelRules => ({
  windowMs: DEFAULT_WINDOW_MS,
  windowMarginMs: DEFAULT_WINDOW_MARGIN_MS,
  zalo: true,
  template: { templateId: '401001', byUserId: true },
  templateHours: { ...DEFAULT_TEMPLATE_HOURS },
  email: true,
  ...o,
});
const person = (o: Partial<Reach> = {}): Reach => ({ personId: 'hcth.cv2', zaloUserId: 'z1', follower: true, lastInteractionAt: NOW - DAY, phone: '84912345678', email: 'hanh@snv.gov.vn', refusals: [], ...o });
const channels = (r: Reach, at = NOW, ru = rules()) => chooseChannels(r, at, ru).channels;

describe('phone numbers as Zalo wants them (84…)', () => {
  it.each([
    ['0912 345 678', '84912345678'],
    ['0912.345.678', '84912345678'],
    ['+84 912 345 678', '84912345678'],
    ['84912345678', '84912345678'],
    ['0084912345678', '84912345678'],
    ['(0292) 3 123 456', '842923123456'],
    ['0386-123-456', '84386123456'],
    [912345678, undefined],
    ['912345678', undefined],
    ['091234567', undefined],
    ['0112345678', undefined],
    ['+1 212 555 0100', undefined],
    ['09123456789012', undefined],
    ['0912abc678', undefined],
    ['', undefined],
  ])('%s → %s', (raw, want) => {
    expect(normalisePhone(raw)).toBe(want);
  });

  it('shows and masks a number as people write it', () => {
    expect(displayPhone('84912345678')).toBe('0912 345 678');
    expect(maskPhone('84912345678')).toBe('0912 *** 678');
  });
});

describe('channel choice', () => {
  it('inside the 7-day window: the consultation message first, then the templates and e-mail', () => {
    expect(channels(person())).toEqual(['zalo_cs', 'zalo_template_uid', 'zalo_template_phone', 'email']);
  });

  it('silent for 8 days: no consultation message; the template by user id first', () => {
    const c = chooseChannels(person({ lastInteractionAt: NOW - 8 * DAY }), NOW, rules());
    expect(c.channels).toEqual(['zalo_template_uid', 'zalo_template_phone', 'email']);
    expect(c.skipped).toEqual([{ channel: 'zalo_cs', vi: 'quá 7 ngày không tương tác với Zalo OA' }]);
  });

  it('stops relying on the window the safety margin before it closes', () => {
    const edge = NOW - (DEFAULT_WINDOW_MS - DEFAULT_WINDOW_MARGIN_MS) + 60_000;
    expect(channels(person({ lastInteractionAt: edge }))[0]).toBe('zalo_cs');
    expect(channels(person({ lastInteractionAt: edge - 2 * 60_000 }))[0]).toBe('zalo_template_uid');
    expect(channels(person({ lastInteractionAt: edge }), NOW, rules({ windowMarginMs: DAY }))[0]).toBe('zalo_template_uid');
  });

  it('nothing known of the last interaction: the consultation message is tried (Zalo answers -230 if the window is shut)', () => {
    expect(channels(person({ lastInteractionAt: undefined }))[0]).toBe('zalo_cs');
  });

  it('no Zalo account: the template by phone, then e-mail', () => {
    const c = chooseChannels(person({ zaloUserId: undefined, follower: undefined, lastInteractionAt: undefined }), NOW, rules());
    expect(c.channels).toEqual(['zalo_template_phone', 'email']);
    expect(c.skipped.map((s) => s.vi)).toEqual(['chưa liên kết tài khoản Zalo', 'chưa liên kết tài khoản Zalo']);
  });

  it('a template Zalo sends only by phone is never tried by user id', () => {
    expect(channels(person({ lastInteractionAt: NOW - 9 * DAY }), NOW, rules({ template: { templateId: '9', byUserId: false } }))).toEqual(['zalo_template_phone', 'email']);
  });

  it('templates only in their hours (22:00–05:59 refused): at night e-mail only', () => {
    expect(channels(person({ lastInteractionAt: NOW - 9 * DAY }), NIGHT)).toEqual(['email']);
    expect(chooseChannels(person({ lastInteractionAt: NOW - 9 * DAY }), NIGHT, rules()).skipped.map((s) => s.vi)).toContain('ngoài giờ Zalo cho gửi tin mẫu');
    expect(channels(person(), NIGHT)).toEqual(['zalo_cs', 'email']);
    expect(channels(person({ lastInteractionAt: NOW - 9 * DAY }), NIGHT, rules({ templateHours: { start: '00:00', end: '24:00' } }))).toEqual([
      'zalo_template_uid',
      'zalo_template_phone',
      'email',
    ]);
  });

  it('no template configured for the kind, no SMTP, no address: skipped with the reason', () => {
    const c = chooseChannels(person({ lastInteractionAt: NOW - 9 * DAY, email: undefined }), NOW, rules({ template: undefined, email: false }));
    expect(c.channels).toEqual([]);
    expect(c.skipped.map((s) => s.vi)).toEqual([
      'quá 7 ngày không tương tác với Zalo OA',
      'chưa cấu hình tin mẫu cho loại thông báo này',
      'chưa cấu hình tin mẫu cho loại thông báo này',
      'chưa cấu hình máy chủ thư',
    ]);
    expect(channels(person({ email: undefined }), NOW, rules())).toEqual(['zalo_cs', 'zalo_template_uid', 'zalo_template_phone']);
  });

  it('Zalo unusable (no valid token): e-mail only', () => {
    const c = chooseChannels(person(), NOW, rules({ zalo: false }));
    expect(c.channels).toEqual(['email']);
    expect(c.skipped.every((s) => s.vi === 'Zalo OA chưa có mã truy cập hợp lệ')).toBe(true);
  });

  it('unfollowed: no consultation message, templates still', () => {
    expect(channels(person({ follower: false }))).toEqual(['zalo_template_uid', 'zalo_template_phone', 'email']);
  });
});

describe('refusals', () => {
  const refused = (code: number, channel: Reach['refusals'][number]['channel'], at = NOW - 3600_000, o: Partial<Reach> = {}) =>
    person({ lastInteractionAt: NOW - 2 * 3600_000, ...o, refusals: [{ channel, code, at }] });

  it('the published per-user codes are refusals; token, rate and malformed-request codes are not', () => {
    for (const c of [-213, -217, -218, -227, -230, -232, -234, -244, -249]) expect(isPersonRefusal(c), String(c)).toBe(true);
    for (const c of [-32, -201, -211, -216, -220, -1]) expect(isPersonRefusal(c), String(c)).toBe(false);
  });

  it('-217 (blocked the OA) closes every Zalo channel until the person writes again', () => {
    expect(channels(refused(-217, 'zalo_cs'))).toEqual(['email']);
    expect(channels(refused(-217, 'zalo_cs', NOW - 3600_000, { lastInteractionAt: NOW - 60_000 }))).toEqual(['zalo_cs', 'zalo_template_uid', 'zalo_template_phone', 'email']);
  });

  it('-249 closes the template by user id for 30 days, whatever the person does', () => {
    expect(channels(refused(-249, 'zalo_template_uid', NOW - 3600_000, { lastInteractionAt: NOW - 9 * DAY }))).toEqual(['zalo_template_phone', 'email']);
    expect(channels(refused(-249, 'zalo_template_uid', NOW - 31 * DAY, { lastInteractionAt: NOW - 9 * DAY }))).toEqual(['zalo_template_uid', 'zalo_template_phone', 'email']);
  });

  it('-230 closes the consultation message until the next interaction', () => {
    const r = refused(-230, 'zalo_cs', NOW - 3600_000, { lastInteractionAt: undefined });
    expect(channels(r)[0]).toBe('zalo_template_uid');
    expect(refusalActive(r.refusals[0]!, { ...r, lastInteractionAt: NOW }, NOW)).toBe(false);
  });

  it('-213 lasts until a follow; -218 for a day; -234 only for the message it refused', () => {
    expect(channels(refused(-213, 'zalo_cs', NOW - 3600_000, { follower: false }))[0]).toBe('zalo_template_uid');
    expect(channels(refused(-218, 'zalo_template_uid'))).toEqual(['zalo_cs', 'zalo_template_phone', 'email']);
    expect(channels(refused(-218, 'zalo_template_uid', NOW - 2 * DAY))).toContain('zalo_template_uid');
    expect(channels(refused(-234, 'zalo_template_uid'))).toContain('zalo_template_uid');
  });

  it('-118 (no Zalo account for that phone) closes the template by phone; a mailbox refused (550) closes e-mail for a day', () => {
    expect(channels(refused(-118, 'zalo_template_phone'))).toEqual(['zalo_cs', 'zalo_template_uid', 'email']);
    expect(channels(refused(550, 'email'))).not.toContain('email');
  });
});

describe('time of day in Hà Nội', () => {
  it('is UTC+7 all year', () => {
    expect(localMinutes(Date.UTC(2025, 0, 1, 0, 0))).toBe(7 * 60);
    expect(localMinutes(Date.UTC(2025, 6, 1, 16, 59))).toBe(23 * 60 + 59);
    expect(localMinutes(Date.UTC(2025, 6, 1, 17, 0))).toBe(0);
  });
});

describe('what the timeline says of a delivery', () => {
  const to = { id: 'hcth.cv2', name: 'Bùi Thị Hạnh', title: 'Chuyên viên' };
  const a = (o: Partial<NonNullable<Delivery['attempts']>[number]>) => ({ personId: 'hcth.cv2', personName: 'Bùi Thị Hạnh', channel: 'zalo_cs' as const, ok: true, ...o });

  it('each channel tried, in order, with its outcome', () => {
    const d: Delivery = {
      delivered: true,
      to,
      attempts: [a({ ok: false, code: -230, reason: 'quá 7 ngày không tương tác với Zalo OA' }), a({ channel: 'zalo_template_phone' })],
    };
    expect(deliveryLines(d, to)).toEqual(['Gửi Bùi Thị Hạnh: tin nhắn Zalo không gửi được (quá 7 ngày không tương tác với Zalo OA); đã gửi bằng tin mẫu qua số điện thoại.']);
  });

  it('up the chain when nobody else could, and nobody at all', () => {
    const up: Delivery = {
      delivered: true,
      attempts: [a({ channel: 'none', ok: false, reason: 'chưa liên kết tài khoản Zalo; chưa có số điện thoại' }), a({ personId: 'hcth.truong', personName: 'Hoàng Văn Giang', channel: 'email' })],
    };
    expect(deliveryLines(up, to)[0]).toBe(
      'Gửi Bùi Thị Hạnh: không có kênh nào liên lạc được (chưa liên kết tài khoản Zalo; chưa có số điện thoại) — chuyển thay cho Hoàng Văn Giang: đã gửi qua thư điện tử.',
    );
    expect(deliveryLines({ delivered: false, attempts: [a({ channel: 'none', ok: false, reason: 'x' })] }, to)[0]).toMatch(/— không ai nhận được\.$/);
    expect(deliveryLines({ delivered: false, waiting: 'Zalo OA có mã truy cập mới', attempts: [a({ channel: 'none', ok: false, reason: 'x' })] }, to)[0]).toMatch(
      /— chờ gửi lại khi Zalo OA có mã truy cập mới\.$/,
    );
  });

  it('keeps the wording of deliveries recorded before attempts were reported (replayed histories)', () => {
    expect(deliveryLines({ delivered: true, to }, to)).toEqual([]);
    expect(deliveryLines({ delivered: false, insteadOf: { person: to, reason: 'chưa quan tâm Zalo OA' } }, to)).toEqual(['Không gửi được tin nhắn cho Bùi Thị Hạnh (chưa quan tâm Zalo OA).']);
    expect(deliveryLines(undefined, to)).toEqual([]);
  });
});
