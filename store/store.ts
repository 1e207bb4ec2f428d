// State that belongs to no workflow, behind one asynchronous interface: the embedded SQLite store
// (store/sqlite.ts) by default, PostgreSQL (store/postgres.ts) in production.
import type { Notification } from '../domain/notification.js';
import type { PlanDocument } from '../domain/document.js';
import type { Plan } from '../domain/plan.js';
import type { PlanStartProgress } from '../domain/plan-start.js';
import type { Channel, Refusal } from '../domain/reach.js';
import type { TaskOrder, TaskSummary, TaskWhere } from '../domain/task-list.js';
import type { TaskRecord } from '../domain/task-record.js';

export interface OutboxRow extends Notification {
  /** 'waiting': held until it can go out (Zalo usable again, or someone in the chain reachable); delivered once then. */
  status: 'pending' | 'sent' | 'waiting';
  attempts: number;
  createdAt: number;
  sentAt?: number;
}

export interface OutboxFilter {
  workflowId?: string;
  planId?: string;
  to?: string;
}

/** A started plan without its tasks: what lists of plans show. */
export interface PlanSummary {
  id: string;
  title: string;
  documentNumber: string;
  taskCount: number;
  startedAt: number;
}

export interface PlanRecord extends PlanSummary {
  plan: Plan;
}

/** The OA's token pair. The refresh token is single use: whoever refreshes must store the new pair first. */
export interface ZaloTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
  updatedAt: number;
}

/** A Zalo user id linked to a person of the org chart. */
export interface ZaloLink {
  zaloUserId: string;
  personId: string;
  linkedAt: number;
  /** Set on `unfollow` (or when Zalo says the person does not follow the OA); cleared on `follow`. */
  unreachableSince?: number;
}

/** A webhook delivery accepted for processing (the durable queue between the webhook and the bot). */
export interface InboxRow {
  key: string;
  body: string;
  receivedAt: number;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  outcome?: string;
}

/** What the bot remembers of a conversation: the list the person last saw, the task they last acted on. */
export interface BotContext {
  list: string[];
  lastWorkflowId?: string;
  /** A question the bot asked (after a button that needs more): the command it completes and when. */
  pending?: { command: string; at: number };
  updatedAt: number;
}

export interface Session {
  id: string;
  personId: string;
  /** The anti-CSRF token every form of this session carries. */
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

export interface PlanDraft {
  id: string;
  personId: string;
  fileName: string;
  text: string;
  /** The document's structure (tables, numbering) as read; older drafts have only `text`. */
  document?: PlanDocument;
  edits: Record<string, { units?: string; deadline?: string }>;
  /** The admin's choice of plan id and title over what the importer read. */
  plan?: { id?: string; title?: string };
  createdAt: number;
  /** Set once the plan was started from it. */
  startedPlanId?: string;
}

/** What is known of reaching people beyond their Zalo link: interactions, shared phones, refusals. */
export interface ReachStore {
  /** Records an interaction of a Zalo user with the OA; the latest time is kept. */
  zaloInteraction(zaloUserId: string, at: number): Promise<void>;
  zaloInteractionOf(zaloUserId: string): Promise<number | undefined>;
  /** A phone number ("84…") a person shared through Zalo. */
  personPhoneSet(personId: string, phone: string, now: number): Promise<void>;
  personPhoneOf(personId: string): Promise<string | undefined>;
  refusalRecord(personId: string, channel: Channel, code: number, at: number): Promise<void>;
  /** Refusals of a person since `since`, oldest first. */
  refusalsOf(personId: string, since: number): Promise<Refusal[]>;
}

/** A token bucket shared by every process that uses the store (Zalo's per-app rate limit). */
export interface RateStore {
  /** Takes one token; 0 when granted, otherwise the milliseconds to wait before asking again. */
  rateTake(bucket: string, perMinute: number, burst: number, now: number): Promise<number>;
  /** Holds every taker until `until` (extends, never shortens). */
  ratePause(bucket: string, until: number): Promise<void>;
}

/** Plans that were started (their tasks live in Temporal). */
export interface PlanStore {
  planSave(p: Plan, now: number): Promise<void>;
  planList(): Promise<PlanRecord[]>;
  /** The plans without their tasks (a plan of 10,000 tasks is megabytes to parse). */
  planSummaries(): Promise<PlanSummary[]>;
  /** How far a plan's start has gone (the last saved state replaces the one before). */
  planStartSave(p: PlanStartProgress): Promise<void>;
  planStartGet(planId: string): Promise<PlanStartProgress | undefined>;
  planGet(id: string): Promise<PlanRecord | undefined>;
}

/** Notifications on their way out, each once by its key. */
export interface OutboxStore {
  /** Records a notification; false when its key was recorded before. */
  outboxRecord(n: Notification, now: number): Promise<boolean>;
  outboxGet(key: string): Promise<OutboxRow | undefined>;
  outboxMarkAttempt(key: string): Promise<void>;
  outboxMarkSent(key: string, now: number): Promise<void>;
  /** Holds a notification until Zalo is usable again. */
  outboxMarkWaiting(key: string): Promise<void>;
  /** Held messages, oldest first, skipping `offset` of them. */
  outboxWaiting(limit: number, offset?: number): Promise<OutboxRow[]>;
  outboxList(filter?: OutboxFilter): Promise<OutboxRow[]>;
}

/** The OA's tokens: the stored pair, the first pair (only when none is stored), a new pair, and who may refresh. */
export interface ZaloTokenStore {
  zaloTokensGet(): Promise<ZaloTokens | undefined>;
  zaloTokensSeed(t: ZaloTokens): Promise<boolean>;
  zaloTokensPut(t: ZaloTokens): Promise<void>;
  /** Takes the refresh lease (across processes) until `now + ttlMs`; false while another holder has it. */
  zaloRefreshLease(holder: string, now: number, ttlMs: number): Promise<boolean>;
  zaloRefreshRelease(holder: string): Promise<void>;
}

/** Failed attempts (wrong link or sign-in codes) of a kind by one key since `since`; `attemptRecord` counts one more. */
export interface AttemptStore {
  attemptCount(scope: string, key: string, since: number): Promise<number>;
  attemptRecord(scope: string, key: string, now: number): Promise<void>;
}

/** Zalo accounts linked to people: one-time codes (stored hashed) and the links themselves. */
export interface AccountStore extends AttemptStore {
  /** `zaloUserId`: the code works only for that Zalo account (a code offered after a phone match). */
  linkCodeIssue(personId: string, codeHash: string, expiresAt: number, zaloUserId?: string): Promise<void>;
  /** The person of an unused, unexpired code (bound to no account or to this one), which is used up by this call. */
  linkCodeRedeem(codeHash: string, now: number, zaloUserId?: string): Promise<string | undefined>;
  zaloLink(zaloUserId: string, personId: string, now: number): Promise<void>;
  zaloLinkOf(zaloUserId: string): Promise<ZaloLink | undefined>;
  zaloLinkOfPerson(personId: string): Promise<ZaloLink | undefined>;
  zaloSetReachable(zaloUserId: string, reachable: boolean, now: number): Promise<void>;
}

/** Webhook deliveries accepted for processing. */
export interface InboxStore {
  /** Records a webhook delivery once; false when its key was accepted before (a repeated delivery). */
  inboxAccept(key: string, body: string, now: number): Promise<boolean>;
  inboxPending(limit: number): Promise<InboxRow[]>;
  inboxGet(key: string): Promise<InboxRow | undefined>;
  inboxFinish(key: string, status: 'done' | 'failed', outcome: string): Promise<void>;
  inboxCount(): Promise<number>;
  /** Forgets handled deliveries received before `before` (their dedupe keys with them); returns how many. */
  inboxPrune(before: number): Promise<number>;
  /** Deliveries waiting to be handled, and when the oldest of them arrived (for /metrics). */
  inboxStats(): Promise<{ pending: number; oldestPendingAt?: number }>;
}

/**
 * Named leases shared by every process on the store: one holder at a time until its lease runs out
 * (a holder that dies is replaced after that). A person's inbox, the pass over held notifications.
 */
export interface LeaseStore {
  /** Takes the lease, or renews it for its holder, until `now + ttlMs`; false while another holder has it. */
  leaseTake(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  leaseRelease(name: string, holder: string): Promise<void>;
}

/** Markers of things done once (a reply sent, a part of a long message sent). */
export interface OnceStore {
  onceDone(key: string): Promise<boolean>;
  onceMark(key: string, now: number): Promise<void>;
}

/** Dashboard sign-in: one-time codes per person (hashed, single use) and sessions. */
export interface SessionStore extends AttemptStore {
  signinCodeIssue(personId: string, codeHash: string, expiresAt: number): Promise<void>;
  signinCodeRedeem(personId: string, codeHash: string, now: number): Promise<boolean>;
  sessionCreate(s: Session): Promise<void>;
  sessionGet(id: string, now: number): Promise<Session | undefined>;
  sessionDelete(id: string): Promise<void>;
}

/** Values made once and kept (e.g. the cookie-signing secret when none is configured). */
export interface SettingStore {
  settingGetOrCreate(key: string, make: () => string): Promise<string>;
  settingGet(key: string): Promise<string | undefined>;
  /** undefined deletes the setting. */
  settingPut(key: string, value: string | undefined): Promise<void>;
}

/** A plan document being reviewed on the dashboard before it is started. */
export interface DraftStore {
  draftSave(d: PlanDraft): Promise<void>;
  draftGet(id: string): Promise<PlanDraft | undefined>;
}

/** What the bot remembers of each person's conversation. */
export interface ConversationStore {
  botContextGet(personId: string): Promise<BotContext | undefined>;
  botContextPut(personId: string, ctx: BotContext): Promise<void>;
}

/** Which rows of a question, in what order. */
export interface TaskPage {
  order?: TaskOrder;
  offset?: number;
  /** Default: every row. */
  limit?: number;
}

/** The task read model (domain/task-list.ts): one row per unit task, written by its workflow on every change. */
export interface TaskStore {
  /** Writes the row unless one with this version or a newer one is stored; true when written. */
  taskPut(r: TaskRecord): Promise<boolean>;
  taskGet(workflowId: string): Promise<TaskRecord | undefined>;
  taskFind(where: TaskWhere, page?: TaskPage): Promise<TaskRecord[]>;
  /** Counts by unit and status, completions by day, and a stamp that changes with any matching row. */
  taskSummary(where: TaskWhere): Promise<TaskSummary>;
  /** Forgets a task's row (a rebuild found no such workflow). */
  taskRemove(workflowId: string): Promise<void>;
}

/** The whole store, as the SQLite (and a PostgreSQL) implementation provides it; consumers ask for the parts they use. */
export interface Store
  extends PlanStore,
    OutboxStore,
    ZaloTokenStore,
    AccountStore,
    InboxStore,
    OnceStore,
    SessionStore,
    SettingStore,
    DraftStore,
    ConversationStore,
    LeaseStore,
    ReachStore,
    RateStore,
    TaskStore {
  close(): Promise<void>;
}
