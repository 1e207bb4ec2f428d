// What people type, resolved against the engine: "2" or a task ref to the task they mean, a name
// to a member of the task's unit (bot/commands.ts leaves both as typed).
import { showTask, TaskActionError } from '../client/tasks.js';
import type { TaskRow } from '../domain/dashboard.js';
import { unitsInCharge, unitsOf, type Org, type Person } from '../domain/org.js';
import { allOf } from '../domain/task-list.js';
import { taskWorkflowId, type UnitTaskView } from '../domain/task.js';
import { fold } from '../domain/text.js';
import type { Store } from '../store/store.js';
import type { TaskRefArg } from './commands.js';
import { remember, type BotDeps } from './context.js';
import { personTasks } from './task-lists.js';

/** "2" → the 2nd task of the list the person last saw (made now if they never asked); a ref → that task where they work. */
export async function resolveTask(deps: BotDeps, p: Person, arg: TaskRefArg): Promise<string> {
  if (arg.kind === 'index') {
    let list = (await deps.store.botContextGet(p.id))?.list;
    if (!list?.length) {
      list = (await personTasks(deps.client, deps.store, deps.org, p)).map((r) => r.workflowId);
      await remember(deps.store, p.id, { list });
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
    rows = await deps.store.taskFind(allOf({ running: true }, { refIn: [ref] }));
    if (rows.length) break;
  }
  // A task just started may not have written its row yet: ask the tasks the stored plans name directly.
  if (!rows.length) rows = await tasksByRef(deps, arg.ref);
  const mine = pickForPerson(deps.org, p, rows);
  if (mine.length === 1) return mine[0]!.workflowId;
  const chosen = mine.length > 1 ? await latestAbout(deps.store, p.id, mine) : undefined;
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
  const found = (await deps.store.planList()).flatMap((p) => p.plan.tasks.filter((t) => t.ref.toUpperCase() === typed.toUpperCase()).map((t) => ({ planId: p.id, workflowId: taskWorkflowId(p.id, t.ref) })));
  return (await Promise.all(found.map((f) => unitRow(f.workflowId, f.planId)))).flat();
}

/**
 * Several plans may share a ref ("II.1.(1)"): a tapped button answers the latest message the
 * person got about one of them; otherwise the one in the list they last saw.
 */
async function latestAbout(store: Store, personId: string, rows: TaskRow[]): Promise<string | undefined> {
  const ids = new Set(rows.map((r) => r.workflowId));
  const sent = (await store.outboxList({ to: personId })).filter((n) => ids.has(n.workflowId));
  if (sent.length) return sent[sent.length - 1]!.workflowId;
  const listed = ((await store.botContextGet(personId))?.list ?? []).filter((id) => ids.has(id));
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

/** The task evidence goes to: the one the person last acted on, else their only open task of their own. */
export async function evidenceTarget(deps: BotDeps, p: Person): Promise<string | undefined> {
  const last = (await deps.store.botContextGet(p.id))?.lastWorkflowId;
  if (last) return last;
  const own = await deps.store.taskFind(allOf({ running: true }, { assignee: p.id }), { limit: 2 });
  return own.length === 1 ? own[0]!.workflowId : undefined;
}

/** A task of one unit as it stands; a task of several units is chosen by its unit's line in «ds». */
export async function unitView(deps: BotDeps, workflowId: string): Promise<UnitTaskView> {
  const shown = await showTask(deps.client, workflowId);
  if (shown.kind === 'unit') return shown.view;
  throw new TaskActionError('Nhiệm vụ do nhiều đơn vị chủ trì; hãy chọn nhiệm vụ theo số thứ tự trong «ds».', 'multi-unit task: use the list');
}

/** A member of the task's unit by id, full name, or the end of their name ("B", "Văn B"). */
export function matchMember(view: UnitTaskView, typed: string): { id: string; name: string } | undefined {
  const t = fold(typed).trim();
  const members = view.chain.members;
  const exact = members.find((m) => m.id === typed.trim() || fold(m.name) === t);
  if (exact) return exact;
  const tail = members.filter((m) => fold(m.name).endsWith(` ${t}`));
  return tail.length === 1 ? tail[0] : undefined;
}
