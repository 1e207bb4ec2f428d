// Turns a Zalo event into what the engine does and what the person reads back. Routing is data:
// one handler per event type here, one per command in routes.ts, each given one context object.
// A text from a linked person passes the open question first (converse), then its command's route.
import { actOnTask, TaskActionError } from '../client/tasks.js';
import { businessDateOf } from '../domain/calendar.js';
import { unitsInCharge, type Org, type Person } from '../domain/org.js';
import type { UnitTaskView } from '../domain/task.js';
import { personOfZalo } from '../client/accounts.js';
import { parseCommand, type Audience } from './commands.js';
import { done, isGuest, label, remember, type Answer, type BotDeps, type CommandContext, type EventContext, type MemberCommand } from './context.js';
import type { BotEvent } from './events.js';
import { sendText } from './outbound.js';
import { answerSharedPhone, requestPhone } from './phone-link.js';
import { evidenceTarget } from './resolve.js';
import { runCommand } from './routes.js';

export type { BotDeps } from './context.js';

export const NOT_LINKED =
  'Xin chào! Tài khoản Zalo này chưa được liên kết với cán bộ nào trong hệ thống nhắc việc Đề án 06. ' +
  'Đề nghị đồng chí gõ «liên kết» để liên kết bằng số điện thoại đã khai báo với cơ quan, hoặc liên hệ quản trị viên để nhận mã liên kết rồi gửi «dk <mã>», ví dụ «dk 123456».';

export const NOT_LINKED_ASK_PHONE =
  'Xin chào! Tài khoản Zalo này chưa được liên kết với cán bộ nào trong hệ thống nhắc việc Đề án 06. ' +
  'Đề nghị đồng chí chia sẻ số điện thoại ở tin nhắn phía trên để hệ thống đối chiếu, hoặc gửi «dk <mã>» với mã do quản trị viên cấp.';

/** How long a question the bot asked waits for its answer. */
export const PENDING_MS = 30 * 60_000;

export function createBot(deps: BotDeps): (event: BotEvent) => Promise<string> {
  const now = deps.now ?? Date.now;
  return async (event) => {
    // Every act of the user opens Zalo's 7-day window (an unfollow does not). Real time: Zalo's clock.
    if (event.type !== 'unfollow') await deps.store.zaloInteraction(event.zaloUserId, Math.min(event.at || Date.now(), Date.now()));
    const answer = await onEvent({ deps, event, person: await personOfZalo(deps.org, deps.store, event.zaloUserId), now });
    if (answer.text) await sendText(deps.zalo, deps.store, { userId: event.zaloUserId, text: answer.text, actions: answer.actions ?? [], key: `reply:${event.key}`, now });
    return answer.outcome;
  };
}

type EventOf<T extends BotEvent['type']> = Extract<BotEvent, { type: T }>;

function onEvent<T extends BotEvent['type']>(ctx: EventContext<EventOf<T>>): Promise<Answer> {
  return EVENT_ROUTES[ctx.event.type](ctx);
}

const EVENT_ROUTES: { [T in BotEvent['type']]: (ctx: EventContext<EventOf<T>>) => Promise<Answer> } = {
  unfollow: async ({ deps, event, now }) => {
    await deps.store.zaloSetReachable(event.zaloUserId, false, now());
    return { text: '', outcome: 'unfollowed' };
  },

  follow: async ({ deps, event, person, now }) => {
    await deps.store.zaloSetReachable(event.zaloUserId, true, now());
    if (person) return { text: `Chào mừng đồng chí ${person.name} trở lại với trợ lý nhắc việc Đề án 06. Gõ «ds» để xem nhiệm vụ, «trợ giúp» để xem hướng dẫn.`, outcome: 'greeted' };
    await requestPhone(deps.zalo, deps.store, event.zaloUserId, event.key, now());
    return { text: NOT_LINKED_ASK_PHONE, outcome: 'greeted unlinked, phone asked' };
  },

  submit_info: async ({ deps, event, person, now }) => answerSharedPhone(deps.org, deps.store, event.zaloUserId, person, event.phone, now()),

  attachments: async (ctx) => {
    const { person } = ctx;
    return person ? guarded(() => attachEvidence({ ...ctx, person })) : { text: NOT_LINKED, outcome: 'unknown user' };
  },

  text: async ({ deps, event, person, now }) => {
    const audience = person && audienceOf(deps.org, person);
    const command = parseCommand(event.text, { today: businessDateOf(now()), ...(audience ? { audience } : {}) });
    const base = { deps, zaloUserId: event.zaloUserId, eventKey: event.key, now };
    // Linking works for anyone; everything else needs a linked account.
    if (isGuest(command)) return runCommand({ ...base, person, command });
    if (!person || !audience) return { text: NOT_LINKED, outcome: 'unknown user' };
    return guarded(() => converse({ ...base, person, audience, command }, event.text));
  },
};

const audienceOf = (org: Org, p: Person): Audience => (unitsInCharge(org, p).role === 'staff' ? 'staff' : 'leader');

/**
 * A message after a question the bot asked ("Đề nghị ghi ngày và lý do …") answers it unless it is a
 * command of its own; «hủy» leaves the question. One question at a time per person.
 */
async function converse(ctx: CommandContext<MemberCommand>, text: string): Promise<Answer> {
  const { deps, person } = ctx;
  const asked = (await deps.store.botContextGet(person.id))?.pending;
  // The question's age on the wall clock: `now` is business time, which a demo runs fast.
  const pending = asked && Date.now() - asked.at < PENDING_MS ? asked : undefined;
  if (asked) await remember(deps.store, person.id, { pending: undefined });
  if (!pending || ctx.command.type !== 'unknown') return runCommand({ ...ctx, pending });
  const answer = parseCommand(`${pending.command} ${text}`, { today: businessDateOf(ctx.now()), audience: ctx.audience });
  // An answer that is still wrong (a date that does not exist) keeps the question open.
  if (answer.type === 'unknown') {
    await remember(deps.store, person.id, { pending: { command: pending.command, at: Date.now() } });
    return { text: `${answer.reply.split('. Ví dụ')[0]!.replace(/\.?$/, '.')} Đề nghị gửi lại, hoặc gõ «hủy».`, outcome: 'answer not understood' };
  }
  // Only task commands ask, so their answer never links an account.
  if (isGuest(answer)) return { text: '', outcome: 'unreachable' };
  return runCommand({ ...ctx, command: answer });
}

/** A refused or impossible action is answered in Vietnamese; anything else is retried later. */
async function guarded(f: () => Promise<Answer>): Promise<Answer> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof TaskActionError) return { text: err.message, outcome: `refused: ${err.en}` };
    throw err;
  }
}

/** Photos and files go to the task the person means (resolve.ts: evidenceTarget), one update each. */
async function attachEvidence({ deps, event, person }: EventContext<EventOf<'attachments'>> & { person: Person }): Promise<Answer> {
  const target = await evidenceTarget(deps, person);
  if (!target)
    return {
      text: 'Chưa rõ minh chứng này thuộc nhiệm vụ nào. Đề nghị gửi «tiến độ <số> …» hoặc «xong <số> …» trước, rồi gửi lại ảnh hoặc tệp.',
      outcome: 'evidence without task',
    };
  const caption = event.text;
  let v: UnitTaskView | undefined;
  for (const [i, a] of event.attachments.entries()) {
    v = await actOnTask(
      deps.client,
      target,
      'attachEvidence',
      { actor: person.id, kind: a.kind, url: a.url, ...(a.name ?? caption ? { name: (a.name ?? caption).slice(0, 200) } : {}) },
      { updateId: `bot:${event.key}#${i}` },
    );
  }
  return done(v!, `Đã đính kèm ${event.attachments.length} minh chứng vào ${label(v!)}.`);
}
