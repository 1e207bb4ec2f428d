// Turns a Zalo event into what the engine does and what the person reads back. One small handler
// per command; all task changes go through client/tasks.ts (the same updates and authorization as
// the CLI), each with the event key as its update id so a re-processed event changes nothing twice.
import type { Client } from '@temporalio/client';
import { findPlanTasks, quote, type TaskRow } from '../client/plans.js';
import { actOnTask, showTask, TaskActionError } from '../client/tasks.js';
import { businessDateOf } from '../domain/calendar.js';
import { formatDate, taskLabel, type QuickAction } from '../domain/notification.js';
import { unitsOf, type Org, type Person } from '../domain/org.js';
import { STATUS_LABELS } from '../domain/status.js';
import { taskWorkflowId, type UnitTaskView } from '../domain/task.js';
import { fold } from '../domain/text.js';
import type { Store } from '../store/store.js';
import * as msg from '../workflows/messages.js';
import { personOfZalo, redeemLinkCode } from './accounts.js';
import { answerSharedPhone, requestPhone } from './phone-link.js';
import { helpFor, HELP_TEXT, parseCommand, type Audience, type BotCommand, type TaskRefArg } from './commands.js';
import type { Attachment, BotEvent } from './events.js';
import { sendText } from './outbound.js';
import { formatList, personTasks, unitsInCharge, unitSummary } from './task-lists.js';
import type { ZaloClient } from './zalo-client.js';

export interface BotDeps {
  org: Org;
  store: Store;
  client: Client;
  zalo: ZaloClient;
  now?: () => number;
}

/** What a handler answers: the reply, and a short outcome for the inbox record. */
interface Answer {
  text: string;
  actions?: QuickAction[];
  outcome: string;
}

export const NOT_LINKED =
  'Xin chào! Tài khoản Zalo này chưa được liên kết với cán bộ nào trong hệ thống nhắc việc Đề án 06. ' +
  'Đề nghị đồng chí gõ «liên kết» để liên kết bằng số điện thoại đã khai báo với cơ quan, hoặc liên hệ quản trị viên để nhận mã liên kết rồi gửi «dk <mã>», ví dụ «dk 123456».';

export const NOT_LINKED_ASK_PHONE =
  'Xin chào! Tài khoản Zalo này chưa được liên kết với cán bộ nào trong hệ thống nhắc việc Đề án 06. ' +
  'Đề nghị đồng chí chia sẻ số điện thoại ở tin nhắn phía trên để hệ thống đối chiếu, hoặc gửi «dk <mã>» với mã do quản trị viên cấp.';

export function createBot(deps: BotDeps): (event: BotEvent) => Promise<string> {
  const now = deps.now ?? Date.now;
  return async (event) => {
    // Every act of the user opens Zalo's 7-day window (an unfollow does not). Real time: Zalo's clock.
    if (event.type !== 'unfollow') deps.store.zaloInteraction(event.zaloUserId, Math.min(event.at || Date.now(), Date.now()));
    const answer = await answerEvent(deps, event, now);
    if (answer.text) await sendText(deps.zalo, deps.store, { userId: event.zaloUserId, text: answer.text, actions: answer.actions ?? [], key: `reply:${event.key}`, now });
    return answer.outcome;
  };
}

async function answerEvent(deps: BotDeps, event: BotEvent, now: () => number): Promise<Answer> {
  const { org, store } = deps;
  const person = personOfZalo(org, store, event.zaloUserId);
  switch (event.type) {
    case 'unfollow':
      store.zaloSetReachable(event.zaloUserId, false, now());
      return { text: '', outcome: 'unfollowed' };
    case 'follow':
      store.zaloSetReachable(event.zaloUserId, true, now());
      if (person) return { text: `Chào mừng đồng chí ${person.name} trở lại với trợ lý nhắc việc Đề án 06. Gõ «ds» để xem nhiệm vụ, «trợ giúp» để xem hướng dẫn.`, outcome: 'greeted' };
      await requestPhone(deps.zalo, store, event.zaloUserId, event.key, now());
      return { text: NOT_LINKED_ASK_PHONE, outcome: 'greeted unlinked, phone asked' };
    case 'submit_info':
      return answerSharedPhone(deps.org, store, event.zaloUserId, person, event.phone, now());
    case 'attachments':
      if (!person) return { text: NOT_LINKED, outcome: 'unknown user' };
      return guarded(() => attachEvidence(deps, person, event.key, event.attachments, event.text));
    case 'text': {
      const audience = person ? audienceOf(org, person) : undefined;
      const cmd = parseCommand(event.text, { today: businessDateOf(now()), ...(audience ? { audience } : {}) });
      if (cmd.type === 'link') return link(deps, event.zaloUserId, person, cmd.code, now());
      if (cmd.type === 'linkRequest') {
        if (person) return { text: `Tài khoản Zalo này đã liên kết với đồng chí ${person.name}.`, outcome: 'already linked' };
        await requestPhone(deps.zalo, store, event.zaloUserId, event.key, now());
        return { text: 'Đề nghị đồng chí bấm chia sẻ thông tin ở tin nhắn trên để hệ thống đối chiếu số điện thoại với danh sách cán bộ.', outcome: 'phone asked' };
      }
      if (!person) return { text: NOT_LINKED, outcome: 'unknown user' };
      return guarded(() => converse(deps, person, audience!, cmd, event.text, event.key, now()));
    }
  }
}

/** How long a question the bot asked waits for its answer. */
export const PENDING_MS = 30 * 60_000;

const audienceOf = (org: Org, p: Person): Audience => (unitsInCharge(org, p).role === 'staff' ? 'staff' : 'leader');

/**
 * A message after a question the bot asked ("Đề nghị ghi ngày và lý do …") answers it unless it is a
 * command of its own; «hủy» leaves the question. One question at a time per person.
 */
async function converse(deps: BotDeps, p: Person, audience: Audience, cmd: BotCommand, text: string, key: string, now: number): Promise<Answer> {
  const asked = deps.store.botContextGet(p.id)?.pending;
  // The question's age on the wall clock: `now` is business time, which a demo runs fast.
  const pending = asked && Date.now() - asked.at < PENDING_MS ? asked : undefined;
  if (asked) remember(deps.store, p.id, { pending: undefined });
  if (cmd.type === 'cancel')
    return pending
      ? { text: `Đã hủy thao tác «${pending.command}».`, outcome: 'cancelled' }
      : { text: 'Không có thao tác nào đang làm dở.', outcome: 'nothing to cancel' };
  if (pending && cmd.type === 'unknown') {
    const answer = parseCommand(`${pending.command} ${text}`, { today: businessDateOf(now), audience });
    // An answer that is still wrong (a date that does not exist) keeps the question open.
    if (answer.type === 'unknown') {
      remember(deps.store, p.id, { pending: { command: pending.command, at: Date.now() } });
      return { text: `${answer.reply.split('. Ví dụ')[0]!.replace(/\.?$/, '.')} Đề nghị gửi lại, hoặc gõ «hủy».`, outcome: 'answer not understood' };
    }
    cmd = answer;
  }
  return runCommand(deps, p, audience, cmd, key);
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

function link(deps: BotDeps, zaloUserId: string, current: Person | undefined, code: string, now: number): Answer {
  const r = redeemLinkCode(deps.org, deps.store, zaloUserId, code, now);
  if (!r.ok && r.reason === 'linked_elsewhere')
    return {
      text: `Tài khoản Zalo này đã liên kết với đồng chí ${r.to.name}; hệ thống không tự chuyển sang cán bộ khác. Đề nghị liên hệ quản trị viên nếu cần đổi.`,
      outcome: `link refused: linked to ${r.to.id}`,
    };
  if (!r.ok)
    return r.reason === 'throttled'
      ? { text: 'Đồng chí đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau 1 giờ.', outcome: 'link throttled' }
      : {
          text: `Mã liên kết không đúng hoặc đã hết hạn.${current ? ` Tài khoản Zalo này vẫn liên kết với ${current.name}.` : ''} Đề nghị liên hệ quản trị viên để nhận mã mới.`,
          outcome: 'link refused',
        };
  const units = unitsOf(deps.org, r.person.id).map((c) => deps.org.units.find((u) => u.code === c)!.name);
  return {
    text: `Đã liên kết Zalo với tài khoản ${r.person.name} (${r.person.title}${units.length ? `, ${units.join(', ')}` : ''}). Từ nay đồng chí nhận nhắc việc tại đây. Gõ «ds» để xem nhiệm vụ, «trợ giúp» để xem hướng dẫn.`,
    outcome: `linked ${r.person.id}`,
  };
}

type TaskCommand = Extract<BotCommand, { task: TaskRefArg }>;

async function runCommand(deps: BotDeps, p: Person, audience: Audience, cmd: BotCommand, key: string): Promise<Answer> {
  switch (cmd.type) {
    case 'help':
      return { text: cmd.more ? HELP_TEXT : helpFor(audience), outcome: 'help' };
    case 'cancel':
      return { text: 'Không có thao tác nào đang làm dở.', outcome: 'nothing to cancel' };
    case 'unknown':
      return { text: cmd.reply, outcome: 'not understood' };
    case 'link':
    case 'linkRequest':
      return { text: '', outcome: 'unreachable' };
    case 'list': {
      const rows = await personTasks(deps.client, deps.store, deps.org, p);
      remember(deps.store, p.id, { list: rows.map((r) => r.workflowId) });
      return { text: formatList(deps.org, p, rows), outcome: `listed ${rows.length}` };
    }
    case 'unitSummary': {
      const text = await unitSummary(deps.client, deps.store, deps.org, p);
      return text
        ? { text, outcome: 'unit summary' }
        : { text: 'Lệnh «đơn vị» dành cho lãnh đạo đơn vị và lãnh đạo Sở. Gõ «ds» để xem nhiệm vụ của đồng chí.', outcome: 'refused: unit summary for staff' };
    }
    default:
      return taskCommand(deps, p, cmd, key);
  }
}

/** The command word that a question completes ("gia hạn 2" + the answer). */
const COMMAND_WORD: Partial<Record<TaskCommand['type'], string>> = {
  progress: 'tiến độ',
  complete: 'xong',
  requestExtension: 'gia hạn',
  explain: 'giải trình',
  reject: 'từ chối',
  decideExtension: 'không gia hạn',
  requestExplanation: 'yêu cầu giải trình',
  reassign: 'giao lại',
};

/** "không", "ko": a completion with nothing to add. */
const NOTHING = /^(?:không|khong|ko|k|không có|khong co)\.?$/iu;

async function taskCommand(deps: BotDeps, p: Person, cmd: TaskCommand, key: string): Promise<Answer> {
  const workflowId = await resolveTask(deps, p, cmd.task);
  remember(deps.store, p.id, { lastWorkflowId: workflowId });
  const act = <A extends object>(update: Parameters<typeof actOnTask>[2], args: A) =>
    actOnTask(deps.client, workflowId, update, { ...args, actor: p.id }, { updateId: `bot:${key}` });
  const n = describe(cmd.task);
  // A command that needs more asks for it; the next message answers (or «hủy»).
  const usage = (text: string): Answer => {
    const word = COMMAND_WORD[cmd.type];
    if (word) remember(deps.store, p.id, { pending: { command: `${word} ${n}`, at: Date.now() } });
    return { text: word ? `${text} Gõ «hủy» để bỏ qua.` : text, outcome: `asked: ${cmd.type}` };
  };
  let v: UnitTaskView;
  switch (cmd.type) {
    case 'acknowledge':
      v = await act(msg.acknowledge, {});
      return done(v, `Đã ghi nhận đồng chí nhận ${label(v)}${v.due ? `, hạn ${formatDate(v.due)}` : ''}.`);
    case 'progress': {
      // Without a percent the last one stands; with none ever given, the bot asks (never a silent 0 %).
      const percent = cmd.percent ?? (cmd.note ? (await current(deps, workflowId)).progress?.percent : undefined);
      if (percent === undefined) return usage('Đề nghị đồng chí gửi tỷ lệ hoàn thành và nội dung đã làm, ví dụ: «60% đã rà soát xong 3/5 thủ tục».');
      v = await act(msg.reportProgress, { percent, note: cmd.note });
      return done(v, `Đã ghi nhận tiến độ ${percent}% của ${label(v)}.`);
    }
    case 'complete':
      if (!cmd.note) return usage('Đề nghị đồng chí gửi kết quả ngắn gọn (văn bản đã ban hành, số liệu…) để lãnh đạo duyệt; nếu không có gì thêm, gõ «không».');
      v = await act(msg.reportCompletion, { note: NOTHING.test(cmd.note) ? '' : cmd.note });
      return done(
        v,
        v.phase === 'awaiting_approval'
          ? `Đã ghi nhận báo cáo hoàn thành ${label(v)}, chờ đồng chí ${v.chain.head.title} ${v.chain.head.name} duyệt; hệ thống sẽ báo kết quả cho đồng chí. Có thể gửi ảnh hoặc tệp minh chứng ngay sau tin này.`
          : `Đã ghi nhận báo cáo kỳ này của ${label(v)}.`,
      );
    case 'requestExtension':
      if (!cmd.until || !cmd.reason) return usage('Đề nghị đồng chí gửi ngày xin gia hạn đến và lý do, ví dụ: «30/6 chờ số liệu của Sở Tài chính».');
      v = await act(msg.requestExtension, { until: cmd.until, reason: cmd.reason });
      return done(v, `Đã ghi nhận đề nghị gia hạn ${label(v)} đến ngày ${formatDate(cmd.until)}, chờ đồng chí ${v.chain.head.title} ${v.chain.head.name} cho ý kiến.`);
    case 'explain':
      if (!cmd.answer) return usage('Đề nghị đồng chí gửi nội dung giải trình, ví dụ: «chậm do chưa nhận được số liệu».');
      v = await act(msg.answerExplanation, { answer: cmd.answer });
      return done(v, `Đã gửi giải trình về ${label(v)}.`);
    case 'approve':
      v = await act(msg.approveCompletion, cmd.note ? { note: cmd.note } : {});
      return done(v, `Đã duyệt kết quả ${label(v)}.`);
    case 'reject':
      if (!cmd.reason) return usage('Đề nghị đồng chí gửi lý do chưa duyệt, ví dụ: «thiếu biểu số liệu».');
      v = await act(msg.rejectCompletion, { reason: cmd.reason });
      return done(v, `Đã trả lại ${label(v)} để tiếp tục thực hiện.`);
    case 'decideExtension':
      if (!cmd.approve && !cmd.reason) return usage('Đề nghị đồng chí gửi lý do không đồng ý gia hạn, ví dụ: «đã gia hạn một lần».');
      v = await act(msg.decideExtension, { approve: cmd.approve, ...(cmd.reason ? { reason: cmd.reason } : {}) });
      return done(v, cmd.approve ? `Đã đồng ý gia hạn ${label(v)}${v.due ? ` đến ngày ${formatDate(v.due)}` : ''}.` : `Đã không đồng ý gia hạn ${label(v)}; hạn cũ giữ nguyên.`);
    case 'requestExplanation':
      if (!cmd.question) return usage('Đề nghị đồng chí gửi nội dung cần giải trình, ví dụ: «vì sao chậm tiến độ».');
      v = await act(msg.requestExplanation, { question: cmd.question });
      return done(v, `Đã gửi yêu cầu giải trình tới ${v.assignee.name}.`);
    case 'reassign': {
      const view = await current(deps, workflowId);
      const to = cmd.to ? matchMember(view, cmd.to) : undefined;
      if (!to) {
        const names = view.chain.members.filter((m) => m.id !== view.assignee.id).map((m) => m.name);
        return usage(
          `${cmd.to ? `Không tìm thấy «${cmd.to}» trong ${view.chain.unit.name}. ` : ''}Đề nghị ghi người nhận, ví dụ: «giao lại ${n} ${names[0] ?? 'Nguyễn Văn B'}». ` +
            `Cán bộ của đơn vị: ${names.join(', ')}.`,
        );
      }
      v = await act(msg.reassign, { to: to.id });
      return done(v, `Đã giao lại ${label(v)} cho ${to.name}.`);
    }
  }
}

async function attachEvidence(deps: BotDeps, p: Person, key: string, attachments: Attachment[], caption: string): Promise<Answer> {
  const target = await evidenceTarget(deps, p);
  if (!target)
    return {
      text: 'Chưa rõ minh chứng này thuộc nhiệm vụ nào. Đề nghị gửi «tiến độ <số> …» hoặc «xong <số> …» trước, rồi gửi lại ảnh hoặc tệp.',
      outcome: 'evidence without task',
    };
  let v: UnitTaskView | undefined;
  for (const [i, a] of attachments.entries()) {
    v = await actOnTask(
      deps.client,
      target,
      msg.attachEvidence,
      { actor: p.id, kind: a.kind, url: a.url, ...(a.name ?? caption ? { name: (a.name ?? caption).slice(0, 200) } : {}) },
      { updateId: `bot:${key}#${i}` },
    );
  }
  return done(v!, `Đã đính kèm ${attachments.length} minh chứng vào ${label(v!)}.`);
}

/** The task the person last acted on, else their only open task of their own. */
async function evidenceTarget(deps: BotDeps, p: Person): Promise<string | undefined> {
  const last = deps.store.botContextGet(p.id)?.lastWorkflowId;
  if (last) return last;
  const own = await findPlanTasks(deps.client, deps.store, `ExecutionStatus = 'Running' AND TaskAssignee = ${quote(p.id)}`);
  return own.length === 1 ? own[0]!.workflowId : undefined;
}

const label = (v: UnitTaskView): string => taskLabel(v.task.ref, v.task.title, v.unit.name);
const describe = (t: TaskRefArg): string => (t.kind === 'index' ? String(t.index) : t.ref);
const done = (v: UnitTaskView, text: string): Answer => ({ text: `${text} Trạng thái: ${STATUS_LABELS[v.status]}.`, outcome: `${v.workflowId}: ${v.status}` });

async function current(deps: BotDeps, workflowId: string): Promise<UnitTaskView> {
  const shown = await showTask(deps.client, workflowId);
  if (shown.kind === 'unit') return shown.view;
  throw new TaskActionError('Nhiệm vụ do nhiều đơn vị chủ trì; hãy chọn nhiệm vụ theo số thứ tự trong «ds».', 'multi-unit task: use the list');
}

function remember(store: Store, personId: string, patch: { list?: string[]; lastWorkflowId?: string; pending?: { command: string; at: number } | undefined }): void {
  const ctx = store.botContextGet(personId) ?? { list: [], updatedAt: 0 };
  store.botContextPut(personId, { ...ctx, ...patch, updatedAt: Date.now() });
}

/** "2" → the 2nd task of the list the person last saw (made now if they never asked); a ref → that task where they work. */
async function resolveTask(deps: BotDeps, p: Person, arg: TaskRefArg): Promise<string> {
  if (arg.kind === 'index') {
    let list = deps.store.botContextGet(p.id)?.list;
    if (!list?.length) {
      list = (await personTasks(deps.client, deps.store, deps.org, p)).map((r) => r.workflowId);
      remember(deps.store, p.id, { list });
    }
    const id = list[arg.index - 1];
    if (!id)
      throw new TaskActionError(
        list.length ? `Không có nhiệm vụ số ${arg.index} trong danh sách (có ${list.length}). Gõ «ds» để xem lại.` : 'Đồng chí hiện không có nhiệm vụ nào đang mở.',
        `no task #${arg.index} in the list of ${p.id}`,
      );
    return id;
  }
  // Refs are stored as the plan writes them ("II.2.(1)"); people may type them in lower case.
  let rows: TaskRow[] = [];
  for (const ref of new Set([arg.ref, arg.ref.toUpperCase()])) {
    rows = await findPlanTasks(deps.client, deps.store, `ExecutionStatus = 'Running' AND TaskRef = ${quote(ref)}`);
    if (rows.length) break;
  }
  // Visibility lags behind a plan just started: ask the tasks the stored plans name directly.
  if (!rows.length) rows = await tasksByRef(deps, arg.ref);
  const mine = pickForPerson(deps.org, p, rows);
  if (mine.length === 1) return mine[0]!.workflowId;
  const chosen = mine.length > 1 ? latestAbout(deps.store, p.id, mine) : undefined;
  if (chosen) return chosen;
  if (mine.length === 0) throw new TaskActionError(`Không tìm thấy nhiệm vụ số hiệu ${arg.ref} của đồng chí. Gõ «ds» để xem danh sách.`, `no task ${arg.ref} for ${p.id}`);
  throw new TaskActionError(`Có ${mine.length} nhiệm vụ số hiệu ${arg.ref}; đề nghị dùng số thứ tự trong «ds».`, `ambiguous ref ${arg.ref} for ${p.id}`);
}

/** The open unit tasks of the stored plans with this ref, read from the workflows themselves. */
async function tasksByRef(deps: BotDeps, typed: string): Promise<TaskRow[]> {
  const unitRow = async (workflowId: string, planId: string): Promise<TaskRow[]> => {
    const shown = await showTask(deps.client, workflowId).catch(() => undefined);
    if (!shown) return [];
    // A task of several units: its units' shares.
    if (shown.kind === 'multi') return (await Promise.all(shown.view.units.map((u) => unitRow(u.workflowId, planId)))).flat();
    const v = shown.view;
    if (v.phase === 'done' || v.phase === 'cancelled') return [];
    return [{ workflowId, planId, ref: v.task.ref, unit: v.unit.code, assignee: v.assignee.id, status: v.status, ...(v.due ? { due: v.due } : {}), escalationLevel: v.escalationLevel, running: true }];
  };
  const found = deps.store
    .planList()
    .flatMap((p) => p.plan.tasks.filter((t) => t.ref.toUpperCase() === typed.toUpperCase()).map((t) => ({ planId: p.id, workflowId: taskWorkflowId(p.id, t.ref) })));
  return (await Promise.all(found.map((f) => unitRow(f.workflowId, f.planId)))).flat();
}

/**
 * Several plans may share a ref ("II.1.(1)"): a tapped button answers the latest message the
 * person got about one of them; otherwise the one in the list they last saw.
 */
function latestAbout(store: Store, personId: string, rows: TaskRow[]): string | undefined {
  const ids = new Set(rows.map((r) => r.workflowId));
  const sent = store.outboxList({ to: personId }).filter((n) => ids.has(n.workflowId));
  if (sent.length) return sent[sent.length - 1]!.workflowId;
  const listed = (store.botContextGet(personId)?.list ?? []).filter((id) => ids.has(id));
  return listed.length === 1 ? listed[0] : undefined;
}

/** Of the tasks with a ref, those the person works on or oversees (leadership: all). */
function pickForPerson(org: Org, p: Person, rows: TaskRow[]): TaskRow[] {
  const own = rows.filter((r) => r.assignee === p.id);
  if (own.length) return own;
  const charge = unitsInCharge(org, p);
  const units = new Set([...unitsOf(org, p.id), ...charge.units]);
  const inUnits = rows.filter((r) => units.has(r.unit));
  if (inUnits.length || charge.role === 'director' || p.roles.includes('admin')) return inUnits.length ? inUnits : rows;
  return [];
}

/** A member of the task's unit by id, full name, or the end of their name ("B", "Văn B"). */
function matchMember(view: UnitTaskView, typed: string): { id: string; name: string } | undefined {
  const t = fold(typed).trim();
  const members = view.chain.members;
  const exact = members.find((m) => m.id === typed.trim() || fold(m.name) === t);
  if (exact) return exact;
  const tail = members.filter((m) => fold(m.name).endsWith(` ${t}`));
  return tail.length === 1 ? tail[0] : undefined;
}
