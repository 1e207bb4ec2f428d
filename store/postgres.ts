// The store on PostgreSQL (chosen by DATABASE_URL, store/open.ts): the same contract as the SQLite
// store (store/sqlite.ts), made safe for several worker and web processes sharing one database.
// Every check-then-write is one statement or one transaction holding the row's lock, because
// unlike SQLite's single writer, other processes run between our statements.
import pg from 'pg';
import type { PoolClient, PoolConfig, QueryResultRow } from 'pg';
import type { Notification } from '../domain/notification.js';
import type { Plan } from '../domain/plan.js';
import type { PlanStartProgress } from '../domain/plan-start.js';
import { REFUSAL_MEMORY_MS, type Channel, type Refusal } from '../domain/reach.js';
import { PG_MIGRATIONS, type PgMigration } from './postgres-migrations.js';
import type { TaskSummary, TaskTally, TaskWhere } from '../domain/task-list.js';
import type { TaskRecord } from '../domain/task-record.js';
import { summaryOf, TASK_COLUMNS, taskPageSql, taskSummarySql, taskUpsertSql, taskValues, toTaskRecord, whereSql, type TaskDbRow } from './task-sql.js';
import type { BotContext, PlanSummary, TaskPage, InboxRow, OutboxFilter, OutboxRow, PlanDraft, PlanRecord, Session, Store, ZaloLink, ZaloTokens } from './store.js';
import { takeToken } from './rate-bucket.js';
import { PLAN_SUMMARY_COLUMNS, toInboxRow, toLink, toOutboxRow, toPlanRecord, toPlanSummary, type InboxDbRow, type LinkDbRow, type OutboxDbRow, type PlanDbRow, type TokenDbRow } from './rows.js';

const PG_TASK_UPSERT = taskUpsertSql(TASK_COLUMNS.map((_, i) => `$${i + 1}`), "nextval('task_rows_seq')");

/** First key of the migration advisory lock (the second is the schema's hash): this application's schema changes. */
const MIGRATION_LOCK_CLASS = 0x0dea06;

/** How long failed attempts are kept (the widest window any caller counts over). */
const ATTEMPT_MEMORY_MS = 24 * 3600_000;

// BIGINT (epoch ms, COUNT(*)) arrives as a string by default; these values stay far below 2^53.
// Set on this pool only, not pg's global parsers, so other users of `pg` in the process are untouched.
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

export interface PostgresStoreOptions {
  /** Errors of idle pooled connections (a restarted server); they must not crash the process. */
  onError?: (err: Error) => void;
  migrations?: readonly PgMigration[];
}

/** BIGINT columns take integers: a warped demo clock can hand us fractional milliseconds. */
const ms = (t: number): number => Math.round(t);

export class PostgresStore implements Store {
  private readonly pool: pg.Pool;
  /** Settles when the schema is current; every query waits for it. */
  private readonly ready: Promise<void>;

  /** Starts applying migrations at once; use `PostgresStore.open` to wait for them (and fail at start). */
  constructor(config: string | PoolConfig, opts: PostgresStoreOptions = {}) {
    const base: PoolConfig = typeof config === 'string' ? { connectionString: config } : config;
    this.pool = new pg.Pool({ max: 10, ...base, types });
    this.pool.on('error', opts.onError ?? ((err) => console.error(`postgres store: idle connection error: ${err.message}`)));
    this.ready = migratePostgres(this.pool, opts.migrations).then(() => undefined);
    // Reported by the first query (or `open`), not as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  static async open(config: string | PoolConfig, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(config, opts);
    try {
      await store.ready;
    } catch (err) {
      await store.pool.end().catch(() => undefined);
      throw err;
    }
    return store;
  }

  private async q<R extends QueryResultRow = QueryResultRow>(sql: string, args: unknown[] = []): Promise<pg.QueryResult<R>> {
    await this.ready;
    return this.pool.query<R>(sql, args);
  }

  private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    await this.ready;
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      c.release();
      return out;
    } catch (err) {
      // A connection whose ROLLBACK failed is discarded rather than handed to the next caller mid-transaction.
      await c.query('ROLLBACK').then(
        () => c.release(),
        (e: Error) => c.release(e),
      );
      throw err;
    }
  }

  async outboxRecord(n: Notification, now: number): Promise<boolean> {
    const res = await this.q(
      `INSERT INTO outbox (key, kind, to_id, workflow_id, plan_id, payload, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
      [n.key, n.kind, n.to.id, n.workflowId, n.planId, JSON.stringify(n), ms(now)],
    );
    return res.rowCount === 1;
  }

  async outboxGet(key: string): Promise<OutboxRow | undefined> {
    const r = (await this.q<OutboxDbRow>('SELECT * FROM outbox WHERE key = $1', [key])).rows[0];
    return r && toOutboxRow(r);
  }

  async outboxMarkAttempt(key: string): Promise<void> {
    await this.q('UPDATE outbox SET attempts = attempts + 1 WHERE key = $1', [key]);
  }

  async outboxMarkSent(key: string, now: number): Promise<void> {
    await this.q(`UPDATE outbox SET status = 'sent', sent_at = $2 WHERE key = $1`, [key, ms(now)]);
  }

  async outboxMarkWaiting(key: string): Promise<void> {
    await this.q(`UPDATE outbox SET status = 'waiting' WHERE key = $1 AND status <> 'sent'`, [key]);
  }

  async outboxWaiting(limit: number, offset = 0): Promise<OutboxRow[]> {
    const res = await this.q<OutboxDbRow>(`SELECT * FROM outbox WHERE status = 'waiting' ORDER BY created_at, seq LIMIT $1 OFFSET $2`, [limit, offset]);
    return res.rows.map(toOutboxRow);
  }

  async outboxList(filter: OutboxFilter = {}): Promise<OutboxRow[]> {
    const where: string[] = [];
    const args: string[] = [];
    const add = (col: string, v: string | undefined) => {
      if (v) (args.push(v), where.push(`${col} = $${args.length}`));
    };
    add('workflow_id', filter.workflowId);
    add('plan_id', filter.planId);
    add('to_id', filter.to);
    const res = await this.q<OutboxDbRow>(`SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, seq`, args);
    return res.rows.map(toOutboxRow);
  }

  async planSave(p: Plan, now: number): Promise<void> {
    // A plan started again keeps its first start time.
    await this.q(
      `INSERT INTO plans (id, title, document, task_count, plan, started_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, document = excluded.document,
         task_count = excluded.task_count, plan = excluded.plan`,
      [p.id, p.title, p.document.number, p.tasks.length, JSON.stringify(p), ms(now)],
    );
  }

  async planList(): Promise<PlanRecord[]> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    return (await this.q<PlanDbRow>('SELECT * FROM plans ORDER BY started_at, id COLLATE "C"')).rows.map(toPlanRecord);
  }

  async planSummaries(): Promise<PlanSummary[]> {
    return (await this.q<PlanDbRow>(`SELECT ${PLAN_SUMMARY_COLUMNS} FROM plans ORDER BY started_at, id`)).rows.map(toPlanSummary);
  }

  async planStartSave(p: PlanStartProgress): Promise<void> {
    await this.q('INSERT INTO plan_starts (plan_id, progress) VALUES ($1, $2) ON CONFLICT (plan_id) DO UPDATE SET progress = excluded.progress', [p.planId, JSON.stringify(p)]);
  }

  async planStartGet(planId: string): Promise<PlanStartProgress | undefined> {
    const { rows } = await this.q<{ progress: string }>('SELECT progress FROM plan_starts WHERE plan_id = $1', [planId]);
    return rows[0] && (JSON.parse(rows[0].progress) as PlanStartProgress);
  }

  async planGet(id: string): Promise<PlanRecord | undefined> {
    const r = (await this.q<PlanDbRow>('SELECT * FROM plans WHERE id = $1', [id])).rows[0];
    return r && toPlanRecord(r);
  }

  async zaloTokensGet(): Promise<ZaloTokens | undefined> {
    const r = (await this.q<TokenDbRow>('SELECT access_token, refresh_token, expires_at, updated_at FROM zalo_tokens WHERE id = 1')).rows[0];
    return r && { accessToken: r.access_token, refreshToken: r.refresh_token, expiresAt: r.expires_at, updatedAt: r.updated_at };
  }

  async zaloTokensSeed(t: ZaloTokens): Promise<boolean> {
    const res = await this.q(
      'INSERT INTO zalo_tokens (id, access_token, refresh_token, expires_at, updated_at) VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
      [t.accessToken, t.refreshToken, ms(t.expiresAt), ms(t.updatedAt)],
    );
    return res.rowCount === 1;
  }

  async zaloTokensPut(t: ZaloTokens): Promise<void> {
    // The lease columns are left alone: the holder stores the new pair, then releases.
    await this.q(
      `INSERT INTO zalo_tokens (id, access_token, refresh_token, expires_at, updated_at) VALUES (1, $1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
         expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      [t.accessToken, t.refreshToken, ms(t.expiresAt), ms(t.updatedAt)],
    );
  }

  async zaloRefreshLease(holder: string, now: number, ttlMs: number): Promise<boolean> {
    // One conditional UPDATE: a concurrent taker waits on the row lock, then re-checks the condition
    // against the winner's row and matches nothing.
    const res = await this.q('UPDATE zalo_tokens SET lease_holder = $1, lease_until = $2 WHERE id = 1 AND (lease_until <= $3 OR lease_holder = $1)', [
      holder,
      ms(now + ttlMs),
      ms(now),
    ]);
    return res.rowCount === 1;
  }

  async zaloRefreshRelease(holder: string): Promise<void> {
    await this.q('UPDATE zalo_tokens SET lease_holder = NULL, lease_until = 0 WHERE id = 1 AND lease_holder = $1', [holder]);
  }

  async linkCodeIssue(personId: string, codeHash: string, expiresAt: number, zaloUserId?: string): Promise<void> {
    // Issuing a code again replaces it, unused (SQLite's INSERT OR REPLACE).
    await this.q(
      `INSERT INTO link_codes (code_hash, person_id, expires_at, zalo_user_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (code_hash) DO UPDATE SET person_id = excluded.person_id, expires_at = excluded.expires_at,
         zalo_user_id = excluded.zalo_user_id, used_at = NULL`,
      [codeHash, personId, ms(expiresAt), zaloUserId ?? null],
    );
  }

  async linkCodeRedeem(codeHash: string, now: number, zaloUserId?: string): Promise<string | undefined> {
    // Check and use in one statement: of two concurrent redeemers only one sees `used_at IS NULL`.
    const res = await this.q<{ person_id: string }>(
      `UPDATE link_codes SET used_at = $2
       WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 AND (zalo_user_id IS NULL OR zalo_user_id = $3)
       RETURNING person_id`,
      [codeHash, ms(now), zaloUserId ?? null],
    );
    return res.rows[0]?.person_id;
  }

  async attemptCount(scope: string, key: string, since: number): Promise<number> {
    const res = await this.q<{ n: number }>('SELECT COUNT(*) AS n FROM attempts WHERE scope = $1 AND key = $2 AND at >= $3', [scope, key, ms(since)]);
    return res.rows[0]?.n ?? 0;
  }

  async attemptRecord(scope: string, key: string, now: number): Promise<void> {
    await this.tx(async (c) => {
      await c.query('DELETE FROM attempts WHERE at < $1', [ms(now - ATTEMPT_MEMORY_MS)]);
      await c.query('INSERT INTO attempts (scope, key, at) VALUES ($1, $2, $3)', [scope, key, ms(now)]);
    });
  }

  async signinCodeIssue(personId: string, codeHash: string, expiresAt: number): Promise<void> {
    await this.q(
      `INSERT INTO signin_codes (person_id, code_hash, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (person_id, code_hash) DO UPDATE SET expires_at = excluded.expires_at, used_at = NULL`,
      [personId, codeHash, ms(expiresAt)],
    );
  }

  async signinCodeRedeem(personId: string, codeHash: string, now: number): Promise<boolean> {
    const res = await this.q('UPDATE signin_codes SET used_at = $3 WHERE person_id = $1 AND code_hash = $2 AND used_at IS NULL AND expires_at > $3', [
      personId,
      codeHash,
      ms(now),
    ]);
    return res.rowCount === 1;
  }

  async settingGet(key: string): Promise<string | undefined> {
    return (await this.q<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key])).rows[0]?.value;
  }

  async settingPut(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) await this.q('DELETE FROM settings WHERE key = $1', [key]);
    else await this.q('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async settingGetOrCreate(key: string, make: () => string): Promise<string> {
    const existing = await this.settingGet(key);
    if (existing !== undefined) return existing;
    const made = await this.q<{ value: string }>('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value', [key, make()]);
    if (made.rows[0]) return made.rows[0].value;
    // Another process inserted first: ON CONFLICT waited for its commit, so a new statement sees its value.
    const winner = await this.settingGet(key);
    if (winner === undefined) throw new Error(`setting ${key} vanished while being created`);
    return winner;
  }

  async zaloInteraction(zaloUserId: string, at: number): Promise<void> {
    await this.q(
      `INSERT INTO zalo_interactions (zalo_user_id, at) VALUES ($1, $2)
       ON CONFLICT (zalo_user_id) DO UPDATE SET at = GREATEST(zalo_interactions.at, excluded.at)`,
      [zaloUserId, ms(at)],
    );
  }

  async zaloInteractionOf(zaloUserId: string): Promise<number | undefined> {
    return (await this.q<{ at: number }>('SELECT at FROM zalo_interactions WHERE zalo_user_id = $1', [zaloUserId])).rows[0]?.at;
  }

  async personPhoneSet(personId: string, phone: string, now: number): Promise<void> {
    await this.q('INSERT INTO person_phones (person_id, phone, at) VALUES ($1, $2, $3) ON CONFLICT (person_id) DO UPDATE SET phone = excluded.phone, at = excluded.at', [
      personId,
      phone,
      ms(now),
    ]);
  }

  async personPhoneOf(personId: string): Promise<string | undefined> {
    return (await this.q<{ phone: string }>('SELECT phone FROM person_phones WHERE person_id = $1', [personId])).rows[0]?.phone;
  }

  async refusalRecord(personId: string, channel: Channel, code: number, at: number): Promise<void> {
    await this.tx(async (c) => {
      await c.query('DELETE FROM refusals WHERE at < $1', [ms(at - REFUSAL_MEMORY_MS)]);
      await c.query('INSERT INTO refusals (person_id, channel, code, at) VALUES ($1, $2, $3, $4)', [personId, channel, code, ms(at)]);
    });
  }

  async refusalsOf(personId: string, since: number): Promise<Refusal[]> {
    return (await this.q<Refusal>('SELECT channel, code, at FROM refusals WHERE person_id = $1 AND at >= $2 ORDER BY at, seq', [personId, ms(since)])).rows;
  }

  async rateTake(bucket: string, perMinute: number, burst: number, now: number): Promise<number> {
    now = ms(now);
    // One transaction holding the bucket's row lock: every process's read-refill-take is one step.
    return this.tx(async (c) => {
      await c.query('INSERT INTO rate_buckets (name, tokens, last, paused_until) VALUES ($1, $2, $3, 0) ON CONFLICT (name) DO NOTHING', [bucket, burst, now]);
      const r = (await c.query<{ tokens: number; last: number; paused_until: number }>('SELECT tokens, last, paused_until FROM rate_buckets WHERE name = $1 FOR UPDATE', [bucket]))
        .rows[0]!;
      const { bucket: b, wait } = takeToken({ tokens: r.tokens, last: r.last, pausedUntil: r.paused_until }, perMinute, burst, now);
      if (now < r.paused_until) return wait;
      await c.query('UPDATE rate_buckets SET tokens = $2, last = $3 WHERE name = $1', [bucket, b.tokens, b.last]);
      return wait;
    });
  }

  async ratePause(bucket: string, until: number): Promise<void> {
    // Restart gently after the pause: one call at its end, then the steady rate. One upsert: atomic.
    await this.q(
      `INSERT INTO rate_buckets (name, tokens, last, paused_until) VALUES ($1, 1, $2, $2)
       ON CONFLICT (name) DO UPDATE SET
         tokens = CASE WHEN rate_buckets.paused_until < excluded.paused_until THEN 1 ELSE rate_buckets.tokens END,
         last = GREATEST(rate_buckets.last, excluded.last),
         paused_until = GREATEST(rate_buckets.paused_until, excluded.paused_until)`,
      [bucket, ms(until)],
    );
  }

  async sessionCreate(s: Session): Promise<void> {
    await this.q('INSERT INTO sessions (id, person_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      s.id,
      s.personId,
      s.csrf,
      ms(s.createdAt),
      ms(s.expiresAt),
    ]);
  }

  async sessionGet(id: string, now: number): Promise<Session | undefined> {
    const r = (
      await this.q<{ id: string; person_id: string; csrf: string; created_at: number; expires_at: number }>('SELECT * FROM sessions WHERE id = $1 AND expires_at > $2', [id, ms(now)])
    ).rows[0];
    return r && { id: r.id, personId: r.person_id, csrf: r.csrf, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  async sessionDelete(id: string): Promise<void> {
    await this.q('DELETE FROM sessions WHERE id = $1', [id]);
  }

  async zaloLink(zaloUserId: string, personId: string, now: number): Promise<void> {
    await this.tx(async (c) => {
      // One Zalo account per person: two processes linking the same person take turns here,
      // so the last link replaces the other instead of both surviving.
      await c.query(`SELECT pg_advisory_xact_lock(hashtext('zalo_link:' || $1::text))`, [personId]);
      await c.query('DELETE FROM zalo_links WHERE person_id = $1 AND zalo_user_id <> $2', [personId, zaloUserId]);
      await c.query(
        `INSERT INTO zalo_links (zalo_user_id, person_id, linked_at) VALUES ($1, $2, $3)
         ON CONFLICT (zalo_user_id) DO UPDATE SET person_id = excluded.person_id, linked_at = excluded.linked_at, unreachable_since = NULL`,
        [zaloUserId, personId, ms(now)],
      );
    });
  }

  async zaloLinkOf(zaloUserId: string): Promise<ZaloLink | undefined> {
    const r = (await this.q<LinkDbRow>('SELECT * FROM zalo_links WHERE zalo_user_id = $1', [zaloUserId])).rows[0];
    return r && toLink(r);
  }

  async zaloLinkOfPerson(personId: string): Promise<ZaloLink | undefined> {
    const r = (await this.q<LinkDbRow>('SELECT * FROM zalo_links WHERE person_id = $1 ORDER BY linked_at DESC LIMIT 1', [personId])).rows[0];
    return r && toLink(r);
  }

  async zaloSetReachable(zaloUserId: string, reachable: boolean, now: number): Promise<void> {
    // Unreachable since the first sign of it: a later one keeps the earlier time.
    if (reachable) await this.q('UPDATE zalo_links SET unreachable_since = NULL WHERE zalo_user_id = $1', [zaloUserId]);
    else await this.q('UPDATE zalo_links SET unreachable_since = COALESCE(unreachable_since, $2) WHERE zalo_user_id = $1', [zaloUserId, ms(now)]);
  }

  async inboxAccept(key: string, body: string, now: number): Promise<boolean> {
    const res = await this.q('INSERT INTO inbox (key, body, received_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING', [key, body, ms(now)]);
    return res.rowCount === 1;
  }

  async inboxPending(limit: number): Promise<InboxRow[]> {
    const res = await this.q<InboxDbRow>(`SELECT * FROM inbox WHERE status = 'pending' ORDER BY received_at, seq LIMIT $1`, [limit]);
    return res.rows.map(toInboxRow);
  }

  async inboxGet(key: string): Promise<InboxRow | undefined> {
    const r = (await this.q<InboxDbRow>('SELECT * FROM inbox WHERE key = $1', [key])).rows[0];
    return r && toInboxRow(r);
  }

  async inboxFinish(key: string, status: 'done' | 'failed', outcome: string): Promise<void> {
    await this.q('UPDATE inbox SET status = $2, outcome = $3, attempts = attempts + 1 WHERE key = $1', [key, status, outcome]);
  }

  async inboxPrune(before: number): Promise<number> {
    return (await this.q(`DELETE FROM inbox WHERE status <> 'pending' AND received_at < $1`, [ms(before)])).rowCount ?? 0;
  }

  async inboxStats(): Promise<{ pending: number; oldestPendingAt?: number }> {
    const r = (await this.q<{ n: number; oldest: number | null }>(`SELECT COUNT(*)::int AS n, MIN(received_at) AS oldest FROM inbox WHERE status = 'pending'`)).rows[0];
    return { pending: r?.n ?? 0, ...(r?.oldest != null ? { oldestPendingAt: Number(r.oldest) } : {}) };
  }

  async leaseTake(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    // One statement: concurrent takers serialise on the row; the loser's WHERE no longer matches.
    const res = await this.q(
      `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
       WHERE leases.holder = excluded.holder OR leases.until <= $4`,
      [name, holder, ms(now + ttlMs), ms(now)],
    );
    return res.rowCount === 1;
  }

  async leaseRelease(name: string, holder: string): Promise<void> {
    await this.q('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async inboxCount(): Promise<number> {
    return (await this.q<{ n: number }>('SELECT COUNT(*) AS n FROM inbox')).rows[0]?.n ?? 0;
  }

  async onceDone(key: string): Promise<boolean> {
    return (await this.q('SELECT 1 FROM once_done WHERE key = $1', [key])).rowCount === 1;
  }

  async onceMark(key: string, now: number): Promise<void> {
    await this.q('INSERT INTO once_done (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, ms(now)]);
  }

  async draftSave(d: PlanDraft): Promise<void> {
    await this.q('INSERT INTO plan_drafts (id, draft, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET draft = excluded.draft, created_at = excluded.created_at', [
      d.id,
      JSON.stringify(d),
      ms(d.createdAt),
    ]);
  }

  async draftGet(id: string): Promise<PlanDraft | undefined> {
    const r = (await this.q<{ draft: string }>('SELECT draft FROM plan_drafts WHERE id = $1', [id])).rows[0];
    return r && (JSON.parse(r.draft) as PlanDraft);
  }

  async botContextGet(personId: string): Promise<BotContext | undefined> {
    const r = (await this.q<{ context: string }>('SELECT context FROM bot_context WHERE person_id = $1', [personId])).rows[0];
    return r && (JSON.parse(r.context) as BotContext);
  }

  async botContextPut(personId: string, ctx: BotContext): Promise<void> {
    await this.q('INSERT INTO bot_context (person_id, context) VALUES ($1, $2) ON CONFLICT (person_id) DO UPDATE SET context = excluded.context', [
      personId,
      JSON.stringify(ctx),
    ]);
  }

  async taskPut(r: TaskRecord): Promise<boolean> {
    return (await this.q(PG_TASK_UPSERT, taskValues(r))).rowCount === 1;
  }

  async taskGet(workflowId: string): Promise<TaskRecord | undefined> {
    const { rows } = await this.q<TaskDbRow>('SELECT * FROM task_rows WHERE workflow_id = $1', [workflowId]);
    return rows[0] && toTaskRecord(rows[0]);
  }

  async taskFind(where: TaskWhere, page: TaskPage = {}): Promise<TaskRecord[]> {
    const args: unknown[] = [];
    const bind = (v: unknown) => (args.push(v), `$${args.length}`);
    const sql = taskPageSql(whereSql(where, bind), page.order ?? 'attention', bind(page.limit ?? null), bind(page.offset ?? 0));
    return (await this.q<TaskDbRow>(sql, args)).rows.map(toTaskRecord);
  }

  async taskSummary(where: TaskWhere): Promise<TaskSummary> {
    const args: unknown[] = [];
    const clause = whereSql(where, (v) => (args.push(v), `$${args.length}`));
    const sql = taskSummarySql(clause);
    const [groups, days] = await Promise.all([this.q<TaskTally & { seqs: string | null }>(sql.groups, args), this.q<{ day: string; count: number }>(sql.days, args)]);
    return summaryOf(groups.rows, days.rows);
  }

  async taskRemove(workflowId: string): Promise<void> {
    await this.q('DELETE FROM task_rows WHERE workflow_id = $1', [workflowId]);
  }

  async close(): Promise<void> {
    // Idempotent, like SQLite's: pg's Pool throws when ended twice.
    if (this.pool.ended || this.pool.ending) return;
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}

/**
 * Brings the schema up to date and returns the versions this call applied. Several processes may
 * start at once: a session-level advisory lock (per schema) lets one migrate while the others wait,
 * then find every version recorded in schema_migrations and apply nothing. Each version runs in its
 * own transaction with its schema_migrations row, so a failed version leaves no half-applied trace.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('SELECT pg_advisory_lock($1, hashtext(current_schema()))', [MIGRATION_LOCK_CLASS]);
    try {
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const done = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        try {
          await c.query('BEGIN');
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.version);
      }
      return applied;
    } finally {
      await c.query('SELECT pg_advisory_unlock($1, hashtext(current_schema()))', [MIGRATION_LOCK_CLASS]).catch((err: Error) => {
        // Dropping the connection releases the lock too.
        broken = err;
      });
    }
  } finally {
    c.release(broken);
  }
}
