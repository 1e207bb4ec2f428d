// What every bot handler is given (one context object) and gives back (an Answer), and the
// conversation memory the handlers share.
import type { Client } from '@temporalio/client';
import { taskLabel, type QuickAction } from '../domain/notification.js';
import type { Org, Person } from '../domain/org.js';
import { STATUS_LABELS } from '../domain/status.js';
import type { UnitTaskView } from '../domain/task.js';
import type { Store } from '../store/store.js';
import type { Audience, BotCommand } from './commands.js';
import type { BotEvent } from './events.js';
import type { ZaloClient } from './zalo-client.js';

export interface BotDeps {
  org: Org;
  store: Store;
  client: Client;
  zalo: ZaloClient;
  now?: () => number;
}

/** What a handler answers: the reply, and a short outcome for the inbox record. */
export interface Answer {
  text: string;
  actions?: QuickAction[];
  outcome: string;
}

/** A question the bot asked: the command its answer completes, and when (wall clock). */
export interface Pending {
  command: string;
  at: number;
}

/** An event, as its handler gets it. */
export interface EventContext<E extends BotEvent = BotEvent> {
  deps: BotDeps;
  event: E;
  /** The person the Zalo account is linked to, if it is. */
  person: Person | undefined;
  /** Business time, which a demo runs fast. */
  now: () => number;
}

/** The commands that work before the Zalo account is linked to anyone. */
export type GuestCommand = Extract<BotCommand, { type: 'link' | 'linkRequest' }>;
export type MemberCommand = Exclude<BotCommand, GuestCommand>;

export const isGuest = (cmd: BotCommand): cmd is GuestCommand => cmd.type === 'link' || cmd.type === 'linkRequest';

/** Who wrote: every command but the guest ones comes from a linked person. */
type Sender<C extends BotCommand> = C extends GuestCommand ? { person: Person | undefined } : { person: Person; audience: Audience };

/** A command, as its handler gets it. */
export type CommandContext<C extends BotCommand = BotCommand> = Sender<C> & {
  deps: BotDeps;
  command: C;
  zaloUserId: string;
  /** The event's dedupe key: the update id of what the command changes, so a re-processed event changes nothing twice. */
  eventKey: string;
  now: () => number;
  /** The question this message may answer, still open when it came. */
  pending?: Pending;
};

export type CommandOf<K extends BotCommand['type']> = Extract<BotCommand, { type: K }>;

/** The bot's routing: one handler per command type, the compiler checks none is missing. */
export type CommandRoutes = { [K in BotCommand['type']]: (ctx: CommandContext<CommandOf<K>>) => Promise<Answer> };

export async function remember(store: Store, personId: string, patch: { list?: string[]; lastWorkflowId?: string; pending?: Pending | undefined }): Promise<void> {
  const ctx = (await store.botContextGet(personId)) ?? { list: [], updatedAt: 0 };
  await store.botContextPut(personId, { ...ctx, ...patch, updatedAt: Date.now() });
}

export const label = (v: UnitTaskView): string => taskLabel(v.task.ref, v.task.title, v.unit.name);

/** The answer after a change: what was done, and where the task now stands. */
export const done = (v: UnitTaskView, text: string): Answer => ({ text: `${text} Trạng thái: ${STATUS_LABELS[v.status]}.`, outcome: `${v.workflowId}: ${v.status}` });
