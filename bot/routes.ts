// The bot's commands as data: one small handler per command type, each given one context. A task
// command first finds its task (onTask), then acts through client/tasks.ts (the same updates and
// authorization as the CLI) with the event key as its update id.
import { actOnTask } from '../client/tasks.js';
import { formatDate } from '../domain/notification.js';
import { unitsOf } from '../domain/org.js';
import type { Action } from '../domain/authz.js';
import type { UnitTaskView } from '../domain/task.js';
import type { ActionInputs } from '../domain/task-rules.js';
import { redeemLinkCode } from '../client/accounts.js';
import { helpFor, HELP_TEXT, type BotCommand, type TaskRefArg } from './commands.js';
import { done, label, remember, type Answer, type CommandContext, type CommandOf, type CommandRoutes } from './context.js';
import { requestPhone } from './phone-link.js';
import { matchMember, resolveTask, unitView } from './resolve.js';
import { formatList, personTasks, unitSummary } from './task-lists.js';

export function runCommand<K extends BotCommand['type']>(ctx: CommandContext<CommandOf<K>>): Promise<Answer> {
  return ROUTES[ctx.command.type](ctx);
}

type TaskCommand = Extract<BotCommand, { task: TaskRefArg }>;

/** A task command's context once its task is found. */
type TaskContext<C extends TaskCommand> = CommandContext<C> & {
  workflowId: string;
  /** Sends the update as the person, once per event. */
  act<K extends Action>(action: K, input: ActionInputs[K]): Promise<UnitTaskView>;
  /** Asks for what the command lacks; the next message answers it (or «hủy»). */
  ask(text: string): Promise<Answer>;
};

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

const describe = (t: TaskRefArg): string => (t.kind === 'index' ? String(t.index) : t.ref);

/** Finds the command's task (it becomes the one the person last acted on), then runs the handler on it. */
const onTask =
  <C extends TaskCommand>(handler: (t: TaskContext<C>) => Promise<Answer>) =>
  async (ctx: CommandContext<C>): Promise<Answer> => {
    const { deps, person, command } = ctx;
    const workflowId = await resolveTask(deps, person, command.task);
    await remember(deps.store, person.id, { lastWorkflowId: workflowId });
    return handler({
      ...ctx,
      workflowId,
      act: (action, input) => actOnTask(deps.client, workflowId, action, { ...input, actor: person.id }, { updateId: `bot:${ctx.eventKey}` }),
      ask: async (text) => {
        const word = COMMAND_WORD[command.type];
        if (word) await remember(deps.store, person.id, { pending: { command: `${word} ${describe(command.task)}`, at: Date.now() } });
        return { text: word ? `${text} Gõ «hủy» để bỏ qua.` : text, outcome: `asked: ${command.type}` };
      },
    });
  };

/** "không", "ko": a completion with nothing to add. */
const NOTHING = /^(?:không|khong|ko|k|không có|khong co)\.?$/iu;

const ROUTES: CommandRoutes = {
  link: async ({ deps, zaloUserId, person, command, now }) => {
    const r = await redeemLinkCode(deps.org, deps.store, zaloUserId, command.code, now());
    if (!r.ok && r.reason === 'linked_elsewhere')
      return {
        text: `Tài khoản Zalo này đã liên kết với đồng chí ${r.to.name}; hệ thống không tự chuyển sang cán bộ khác. Đề nghị liên hệ quản trị viên nếu cần đổi.`,
        outcome: `link refused: linked to ${r.to.id}`,
      };
    if (!r.ok)
      return r.reason === 'throttled'
        ? { text: 'Đồng chí đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau 1 giờ.', outcome: 'link throttled' }
        : {
            text: `Mã liên kết không đúng hoặc đã hết hạn.${person ? ` Tài khoản Zalo này vẫn liên kết với ${person.name}.` : ''} Đề nghị liên hệ quản trị viên để nhận mã mới.`,
            outcome: 'link refused',
          };
    const units = unitsOf(deps.org, r.person.id).map((c) => deps.org.units.find((u) => u.code === c)!.name);
    return {
      text: `Đã liên kết Zalo với tài khoản ${r.person.name} (${r.person.title}${units.length ? `, ${units.join(', ')}` : ''}). Từ nay đồng chí nhận nhắc việc tại đây. Gõ «ds» để xem nhiệm vụ, «trợ giúp» để xem hướng dẫn.`,
      outcome: `linked ${r.person.id}`,
    };
  },

  linkRequest: async ({ deps, zaloUserId, person, eventKey, now }) => {
    if (person) return { text: `Tài khoản Zalo này đã liên kết với đồng chí ${person.name}.`, outcome: 'already linked' };
    await requestPhone(deps.zalo, deps.store, zaloUserId, eventKey, now());
    return { text: 'Đề nghị đồng chí bấm chia sẻ thông tin ở tin nhắn trên để hệ thống đối chiếu số điện thoại với danh sách cán bộ.', outcome: 'phone asked' };
  },

  help: async ({ command, audience }) => ({ text: command.more ? HELP_TEXT : helpFor(audience), outcome: 'help' }),

  cancel: async ({ pending }) =>
    pending
      ? { text: `Đã hủy thao tác «${pending.command}».`, outcome: 'cancelled' }
      : { text: 'Không có thao tác nào đang làm dở.', outcome: 'nothing to cancel' },

  unknown: async ({ command }) => ({ text: command.reply, outcome: 'not understood' }),

  list: async ({ deps, person }) => {
    const rows = await personTasks(deps.client, deps.store, deps.org, person);
    await remember(deps.store, person.id, { list: rows.map((r) => r.workflowId) });
    return { text: formatList(deps.org, person, rows), outcome: `listed ${rows.length}` };
  },

  unitSummary: async ({ deps, person }) => {
    const text = await unitSummary(deps.store, deps.org, person);
    return text
      ? { text, outcome: 'unit summary' }
      : { text: 'Lệnh «đơn vị» dành cho lãnh đạo đơn vị và lãnh đạo Sở. Gõ «ds» để xem nhiệm vụ của đồng chí.', outcome: 'refused: unit summary for staff' };
  },

  acknowledge: onTask(async ({ act }) => {
    const v = await act('acknowledge', {});
    return done(v, `Đã ghi nhận đồng chí nhận ${label(v)}${v.due ? `, hạn ${formatDate(v.due)}` : ''}.`);
  }),

  progress: onTask(async ({ deps, command, workflowId, act, ask }) => {
    // Without a percent the last one stands; with none ever given, the bot asks (never a silent 0 %).
    const percent = command.percent ?? (command.note ? (await unitView(deps, workflowId)).progress?.percent : undefined);
    if (percent === undefined) return ask('Đề nghị đồng chí gửi tỷ lệ hoàn thành và nội dung đã làm, ví dụ: «60% đã rà soát xong 3/5 thủ tục».');
    const v = await act('reportProgress', { percent, note: command.note });
    return done(v, `Đã ghi nhận tiến độ ${percent}% của ${label(v)}.`);
  }),

  complete: onTask(async ({ command, act, ask }) => {
    if (!command.note) return ask('Đề nghị đồng chí gửi kết quả ngắn gọn (văn bản đã ban hành, số liệu…) để lãnh đạo duyệt; nếu không có gì thêm, gõ «không».');
    const v = await act('reportCompletion', { note: NOTHING.test(command.note) ? '' : command.note });
    return done(
      v,
      v.phase === 'awaiting_approval'
        ? `Đã ghi nhận báo cáo hoàn thành ${label(v)}, chờ đồng chí ${v.chain.head.title} ${v.chain.head.name} duyệt; hệ thống sẽ báo kết quả cho đồng chí. Có thể gửi ảnh hoặc tệp minh chứng ngay sau tin này.`
        : `Đã ghi nhận báo cáo kỳ này của ${label(v)}.`,
    );
  }),

  requestExtension: onTask(async ({ command, act, ask }) => {
    if (!command.until || !command.reason) return ask('Đề nghị đồng chí gửi ngày xin gia hạn đến và lý do, ví dụ: «30/6 chờ số liệu của Sở Tài chính».');
    const v = await act('requestExtension', { until: command.until, reason: command.reason });
    return done(v, `Đã ghi nhận đề nghị gia hạn ${label(v)} đến ngày ${formatDate(command.until)}, chờ đồng chí ${v.chain.head.title} ${v.chain.head.name} cho ý kiến.`);
  }),

  explain: onTask(async ({ command, act, ask }) => {
    if (!command.answer) return ask('Đề nghị đồng chí gửi nội dung giải trình, ví dụ: «chậm do chưa nhận được số liệu».');
    const v = await act('answerExplanation', { answer: command.answer });
    return done(v, `Đã gửi giải trình về ${label(v)}.`);
  }),

  approve: onTask(async ({ command, act }) => {
    const v = await act('approveCompletion', command.note ? { note: command.note } : {});
    return done(v, `Đã duyệt kết quả ${label(v)}.`);
  }),

  reject: onTask(async ({ command, act, ask }) => {
    if (!command.reason) return ask('Đề nghị đồng chí gửi lý do chưa duyệt, ví dụ: «thiếu biểu số liệu».');
    const v = await act('rejectCompletion', { reason: command.reason });
    return done(v, `Đã trả lại ${label(v)} để tiếp tục thực hiện.`);
  }),

  decideExtension: onTask(async ({ command, act, ask }) => {
    if (!command.approve && !command.reason) return ask('Đề nghị đồng chí gửi lý do không đồng ý gia hạn, ví dụ: «đã gia hạn một lần».');
    const v = await act('decideExtension', { approve: command.approve, ...(command.reason ? { reason: command.reason } : {}) });
    return done(v, command.approve ? `Đã đồng ý gia hạn ${label(v)}${v.due ? ` đến ngày ${formatDate(v.due)}` : ''}.` : `Đã không đồng ý gia hạn ${label(v)}; hạn cũ giữ nguyên.`);
  }),

  requestExplanation: onTask(async ({ command, act, ask }) => {
    if (!command.question) return ask('Đề nghị đồng chí gửi nội dung cần giải trình, ví dụ: «vì sao chậm tiến độ».');
    const v = await act('requestExplanation', { question: command.question });
    return done(v, `Đã gửi yêu cầu giải trình tới ${v.assignee.name}.`);
  }),

  reassign: onTask(async ({ deps, command, workflowId, act, ask }) => {
    const view = await unitView(deps, workflowId);
    const to = command.to ? matchMember(view, command.to) : undefined;
    if (!to) {
      const names = view.chain.members.filter((m) => m.id !== view.assignee.id).map((m) => m.name);
      return ask(
        `${command.to ? `Không tìm thấy «${command.to}» trong ${view.chain.unit.name}. ` : ''}Đề nghị ghi người nhận, ví dụ: «giao lại ${describe(command.task)} ${names[0] ?? 'Nguyễn Văn B'}». ` +
          `Cán bộ của đơn vị: ${names.join(', ')}.`,
      );
    }
    const v = await act('reassign', { to: to.id });
    return done(v, `Đã giao lại ${label(v)} cho ${to.name}.`);
  }),
};
