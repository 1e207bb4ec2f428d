// Linking a Zalo account by phone: the bot asks the user to share the phone of their Zalo account
// (request_user_info); a phone that matches exactly one person of the org chart gets a
// confirmation (a button, or the code it carries); nothing is linked without it, and an account
// already linked to someone else is never re-pointed.
import type { QuickAction } from '../domain/notification.js';
import type { Org, Person } from '../domain/org.js';
import { displayPhone, maskPhone, normalisePhone } from '../domain/phone.js';
import type { AccountStore, OnceStore, ReachStore } from '../store/store.js';
import { issueLinkCode, peopleWithPhone } from '../client/accounts.js';
import type { ZaloClient } from './zalo-client.js';

export interface LinkAnswer {
  text: string;
  actions?: QuickAction[];
  outcome: string;
}

/** The card of the request: Zalo shows it with a button that shares the user's name and phone. */
export const USER_INFO_REQUEST = {
  title: 'Liên kết tài khoản nhắc việc Đề án 06',
  subtitle: 'Đề nghị đồng chí chia sẻ số điện thoại Zalo để hệ thống đối chiếu với danh sách cán bộ của cơ quan và gửi nhắc việc đúng người.',
  imageUrl: 'https://stc-oa.zdn.vn/resource/oa/images/request-user-info.png',
};

const CODE_ROUTE = 'Đồng chí cũng có thể liên hệ quản trị viên để nhận mã liên kết, rồi gửi «dk <mã>», ví dụ «dk 123456».';

/** Sends the request (once per event key); what the user then shares arrives as a submit_info event. */
export async function requestPhone(zalo: ZaloClient, store: AccountStore & ReachStore & OnceStore, zaloUserId: string, key: string, now: number): Promise<void> {
  const once = `request-info:${key}`;
  if (await store.onceDone(once)) return;
  await zalo.message.requestUserInfo(zaloUserId, USER_INFO_REQUEST);
  await store.onceMark(once, now);
}

/** What the bot answers to a shared phone. */
export async function answerSharedPhone(org: Org, store: AccountStore & ReachStore & OnceStore, zaloUserId: string, linked: Person | undefined, rawPhone: string, now: number): Promise<LinkAnswer> {
  const phone = normalisePhone(rawPhone);
  if (!phone)
    return { text: `Số điện thoại «${rawPhone.slice(0, 20)}» không phải số điện thoại Việt Nam hợp lệ. ${CODE_ROUTE}`, outcome: 'phone invalid' };
  if (linked) {
    // Already linked: the shared number is the one of their Zalo account, the best for template messages.
    await store.personPhoneSet(linked.id, phone, now);
    return { text: `Đã ghi nhận số điện thoại ${displayPhone(phone)} cho tài khoản của đồng chí ${linked.name}.`, outcome: `phone noted for ${linked.id}` };
  }
  const matches = await peopleWithPhone(org, store, phone);
  if (matches.length === 0)
    return {
      text: `Số điện thoại ${displayPhone(phone)} chưa có trong danh sách cán bộ của cơ quan, nên chưa liên kết được. ${CODE_ROUTE}`,
      outcome: 'phone unknown',
    };
  if (matches.length > 1)
    return {
      text: `Số điện thoại ${displayPhone(phone)} trùng với nhiều cán bộ trong danh sách của cơ quan, nên hệ thống không tự liên kết được. ${CODE_ROUTE}`,
      outcome: `phone ambiguous (${matches.length})`,
    };
  const person = matches[0]!;
  const other = await store.zaloLinkOfPerson(person.id);
  if (other && other.zaloUserId !== zaloUserId)
    return {
      text: `Cán bộ có số điện thoại ${maskPhone(phone)} đã liên kết với một tài khoản Zalo khác. Nếu đồng chí đổi tài khoản Zalo, đề nghị liên hệ quản trị viên để nhận mã liên kết mới.`,
      outcome: `phone of ${person.id}, linked elsewhere`,
    };
  const { code } = await issueLinkCode(org, store, person.id, now, zaloUserId);
  return {
    text:
      `Số điện thoại ${displayPhone(phone)} trùng với đồng chí ${person.name} (${person.title}). ` +
      `Đề nghị bấm «Xác nhận liên kết» (hoặc gửi «dk ${code}») để nhận nhắc việc tại tài khoản Zalo này. Nếu không phải đồng chí, vui lòng bỏ qua tin này.`,
    actions: [{ title: 'Xác nhận liên kết', payload: `dk ${code}` }],
    outcome: `phone matches ${person.id}: confirmation asked`,
  };
}
