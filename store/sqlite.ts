// The embedded store: one SQLite file under data/ (WAL, so readers never block the worker).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Notification } from '../domain/notification.js';
import type { Plan } from '../domain/plan.js';
import type { PlanStartProgress } from '../domain/plan-start.js';
import { REFUSAL_MEMORY_MS, type Channel, type Refusal } from '../domain/reach.js';
import { takeToken } from './rate-bucket.js';
import { PLAN_SUMMARY_COLUMNS, toInboxRow, toLink, toOutboxRow, toPlanRecord, toPlanSummary, type InboxDbRow, type LinkDbRow, type OutboxDbRow, type PlanDbRow, type TokenDbRow } from './rows.js';
import type { TaskSummary, TaskTally, TaskWhere } from '../domain/task-list.js';
import type { TaskRecord } from '../domain/task-record.js';
import { summaryOf, TASK_COLUMNS, taskPageSql, taskSummarySql, taskUpsertSql, taskValues, toTaskRecord, whereSql, type TaskDbRow } from './task-sql.js';
import type { BotContext, PlanSummary, TaskPage, InboxRow, OutboxFilter, OutboxRow, PlanDraft, PlanRecord, Session, Store, ZaloLink, ZaloTokens } from './store.js';

/** SQLite has one writer: the next sequence number is the largest plus one, inside the insert. */
const SQLITE_TASK_UPSERT = taskUpsertSql(TASK_COLUMNS.map(() => '?'), '(SELECT COALESCE(MAX(seq), 0) + 1 FROM task_rows)');

const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS outbox (
     key TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     to_id TEXT NOT NULL,
     workflow_id TEXT NOT NULL,
     plan_id TEXT NOT NULL,
     payload TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending',
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     sent_at INTEGER
   );
   CREATE INDEX IF NOT EXISTS outbox_workflow ON outbox(workflow_id, created_at);
   CREATE INDEX IF NOT EXISTS outbox_to ON outbox(to_id, created_at);`,
  `CREATE TABLE IF NOT EXISTS plans (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     document TEXT NOT NULL,
     task_count INTEGER NOT NULL,
     plan TEXT NOT NULL,
     started_at INTEGER NOT NULL
   );`,
  `CREATE TABLE IF NOT EXISTS zalo_tokens (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     access_token TEXT NOT NULL,
     refresh_token TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     lease_holder TEXT,
     lease_until INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE IF NOT EXISTS zalo_links (
     zalo_user_id TEXT PRIMARY KEY,
     person_id TEXT NOT NULL,
     linked_at INTEGER NOT NULL,
     unreachable_since INTEGER
   );
   CREATE INDEX IF NOT EXISTS zalo_links_person ON zalo_links(person_id, linked_at);
   CREATE TABLE IF NOT EXISTS link_codes (
     code_hash TEXT PRIMARY KEY,
     person_id TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER
   );
   CREATE TABLE IF NOT EXISTS link_attempts (zalo_user_id TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX IF NOT EXISTS link_attempts_user ON link_attempts(zalo_user_id, at);
   CREATE TABLE IF NOT EXISTS inbox (
     key TEXT PRIMARY KEY,
     body TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending',
     attempts INTEGER NOT NULL DEFAULT 0,
     outcome TEXT
   );
   CREATE INDEX IF NOT EXISTS inbox_pending ON inbox(status, received_at);
   CREATE TABLE IF NOT EXISTS once_done (key TEXT PRIMARY KEY, at INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS bot_context (person_id TEXT PRIMARY KEY, context TEXT NOT NULL);`,
  `DROP TABLE IF EXISTS link_attempts;
   CREATE TABLE IF NOT EXISTS attempts (scope TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX IF NOT EXISTS attempts_key ON attempts(scope, key, at);
   CREATE TABLE IF NOT EXISTS signin_codes (
     person_id TEXT NOT NULL,
     code_hash TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER,
     PRIMARY KEY (person_id, code_hash)
   );
   CREATE TABLE IF NOT EXISTS sessions (
     id TEXT PRIMARY KEY,
     person_id TEXT NOT NULL,
     csrf TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS plan_drafts (id TEXT PRIMARY KEY, draft TEXT NOT NULL, created_at INTEGER NOT NULL);`,
  `CREATE TABLE IF NOT EXISTS zalo_interactions (zalo_user_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS person_phones (person_id TEXT PRIMARY KEY, phone TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS refusals (person_id TEXT NOT NULL, channel TEXT NOT NULL, code INTEGER NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX IF NOT EXISTS refusals_person ON refusals(person_id, at);
   CREATE TABLE IF NOT EXISTS rate_buckets (name TEXT PRIMARY KEY, tokens REAL NOT NULL, last INTEGER NOT NULL, paused_until INTEGER NOT NULL DEFAULT 0);
   ALTER TABLE link_codes ADD COLUMN zalo_user_id TEXT;
   CREATE INDEX IF NOT EXISTS outbox_status ON outbox(status, created_at);`,
  `CREATE TABLE IF NOT EXISTS leases (
     name TEXT PRIMARY KEY,
     holder TEXT NOT NULL,
     until INTEGER NOT NULL
   );`,
  `CREATE TABLE IF NOT EXISTS task_rows (
     workflow_id TEXT PRIMARY KEY,
     plan_id TEXT NOT NULL,
     plan_title TEXT NOT NULL,
     ref TEXT NOT NULL,
     ref_key TEXT NOT NULL,
     title TEXT NOT NULL,
     search TEXT NOT NULL,
     unit TEXT NOT NULL,
     assignee TEXT NOT NULL,
     status TEXT NOT NULL,
     attention INTEGER NOT NULL,
     urgency INTEGER NOT NULL,
     due TEXT,
     due_key TEXT NOT NULL,
     escalation INTEGER NOT NULL,
     running INTEGER NOT NULL,
     closed_at INTEGER,
     closed_day TEXT,
     recurring INTEGER NOT NULL,
     version INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     report TEXT NOT NULL,
     seq INTEGER NOT NULL
   );
   CREATE INDEX IF NOT EXISTS task_rows_attention ON task_rows(attention, urgency, due_key, ref_key, unit, plan_id, workflow_id);
   CREATE INDEX IF NOT EXISTS task_rows_ref ON task_rows(ref_key, unit, plan_id, workflow_id);
   CREATE INDEX IF NOT EXISTS task_rows_plan ON task_rows(plan_id, unit, status, seq);
   CREATE INDEX IF NOT EXISTS task_rows_unit ON task_rows(unit, status, seq);
   CREATE INDEX IF NOT EXISTS task_rows_assignee ON task_rows(assignee, status);
   CREATE INDEX IF NOT EXISTS task_rows_status ON task_rows(status, escalation);
   CREATE INDEX IF NOT EXISTS task_rows_seq ON task_rows(seq);
   CREATE TABLE IF NOT EXISTS plan_starts (plan_id TEXT PRIMARY KEY, progress TEXT NOT NULL);`,
];

// Every method is async only to meet the Store contract: its body runs synchronously (better-sqlite3),
// so each transaction below completes within the call and never spans an await.
export class SqliteStore implements Store {
  private readonly db: Database.Database;

  /** Prepared once per SQL text: preparing costs about as much as a small write (0.5 ms). */
  private readonly statements = new Map<string, Database.Statement>();

  private prepare(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      // Filters build their SQL from the question asked: bounded, so a stream of distinct ones cannot grow it.
      if (this.statements.size >= 500) this.statements.clear();
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // A row written here (an accepted webhook event, a new refresh token) must survive a power cut.
    this.db.pragma('synchronous = FULL');
    // The task read model is read whole for the dashboard's counts: keep 50,000 rows (~25 MB) in
    // memory rather than SQLite's default 2 MB cache, which rereads them from the OS on every page.
    this.db.pragma('cache_size = -65536');
    this.migrate();
    // Query planner statistics (ANALYZE) where they are missing or stale.
    this.db.pragma('optimize = 0x10002');
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = this.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    let version = row?.version ?? 0;
    if (!row) this.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
    for (; version < MIGRATIONS.length; version++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version]!);
        this.prepare('UPDATE schema_version SET version = ?').run(version + 1);
      })();
    }
  }

  async outboxRecord(n: Notification, now: number): Promise<boolean> {
    const res = this
      .prepare(
        `INSERT OR IGNORE INTO outbox (key, kind, to_id, workflow_id, plan_id, payload, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(n.key, n.kind, n.to.id, n.workflowId, n.planId, JSON.stringify(n), now);
    return res.changes === 1;
  }

  async outboxGet(key: string): Promise<OutboxRow | undefined> {
    const row = this.prepare('SELECT * FROM outbox WHERE key = ?').get(key) as OutboxDbRow | undefined;
    return row && toOutboxRow(row);
  }

  async outboxMarkAttempt(key: string): Promise<void> {
    this.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE key = ?').run(key);
  }

  async outboxMarkSent(key: string, now: number): Promise<void> {
    this.prepare(`UPDATE outbox SET status = 'sent', sent_at = ? WHERE key = ?`).run(now, key);
  }

  async outboxMarkWaiting(key: string): Promise<void> {
    this.prepare(`UPDATE outbox SET status = 'waiting' WHERE key = ? AND status <> 'sent'`).run(key);
  }

  async outboxWaiting(limit: number, offset = 0): Promise<OutboxRow[]> {
    return (this.prepare(`SELECT * FROM outbox WHERE status = 'waiting' ORDER BY created_at, rowid LIMIT ? OFFSET ?`).all(limit, offset) as OutboxDbRow[]).map(toOutboxRow);
  }

  async outboxList(filter: OutboxFilter = {}): Promise<OutboxRow[]> {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.workflowId) (where.push('workflow_id = ?'), args.push(filter.workflowId));
    if (filter.planId) (where.push('plan_id = ?'), args.push(filter.planId));
    if (filter.to) (where.push('to_id = ?'), args.push(filter.to));
    const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, rowid`;
    return (this.prepare(sql).all(...args) as OutboxDbRow[]).map(toOutboxRow);
  }

  async planSave(p: Plan, now: number): Promise<void> {
    this
      .prepare(
        `INSERT INTO plans (id, title, document, task_count, plan, started_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, document = excluded.document,
           task_count = excluded.task_count, plan = excluded.plan`,
      )
      .run(p.id, p.title, p.document.number, p.tasks.length, JSON.stringify(p), now);
  }

  async planList(): Promise<PlanRecord[]> {
    const rows = this.prepare('SELECT * FROM plans ORDER BY started_at, id').all() as PlanDbRow[];
    return rows.map(toPlanRecord);
  }

  async planSummaries(): Promise<PlanSummary[]> {
    return (this.prepare(`SELECT ${PLAN_SUMMARY_COLUMNS} FROM plans ORDER BY started_at, id`).all() as PlanDbRow[]).map(toPlanSummary);
  }

  async planStartSave(p: PlanStartProgress): Promise<void> {
    this.prepare('INSERT INTO plan_starts (plan_id, progress) VALUES (?, ?) ON CONFLICT(plan_id) DO UPDATE SET progress = excluded.progress').run(p.planId, JSON.stringify(p));
  }

  async planStartGet(planId: string): Promise<PlanStartProgress | undefined> {
    const row = this.prepare('SELECT progress FROM plan_starts WHERE plan_id = ?').get(planId) as { progress: string } | undefined;
    return row && (JSON.parse(row.progress) as PlanStartProgress);
  }

  async planGet(id: string): Promise<PlanRecord | undefined> {
    const row = this.prepare('SELECT * FROM plans WHERE id = ?').get(id) as PlanDbRow | undefined;
    return row && toPlanRecord(row);
  }

  async zaloTokensGet(): Promise<ZaloTokens | undefined> {
    const r = this.prepare('SELECT * FROM zalo_tokens WHERE id = 1').get() as TokenDbRow | undefined;
    return r && { accessToken: r.access_token, refreshToken: r.refresh_token, expiresAt: r.expires_at, updatedAt: r.updated_at };
  }

  async zaloTokensSeed(t: ZaloTokens): Promise<boolean> {
    const res = this
      .prepare('INSERT OR IGNORE INTO zalo_tokens (id, access_token, refresh_token, expires_at, updated_at) VALUES (1, ?, ?, ?, ?)')
      .run(t.accessToken, t.refreshToken, t.expiresAt, t.updatedAt);
    return res.changes === 1;
  }

  async zaloTokensPut(t: ZaloTokens): Promise<void> {
    this
      .prepare(
        `INSERT INTO zalo_tokens (id, access_token, refresh_token, expires_at, updated_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
           expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      )
      .run(t.accessToken, t.refreshToken, t.expiresAt, t.updatedAt);
  }

  async zaloRefreshLease(holder: string, now: number, ttlMs: number): Promise<boolean> {
    const res = this
      .prepare('UPDATE zalo_tokens SET lease_holder = ?, lease_until = ? WHERE id = 1 AND (lease_until <= ? OR lease_holder = ?)')
      .run(holder, now + ttlMs, now, holder);
    return res.changes === 1;
  }

  async zaloRefreshRelease(holder: string): Promise<void> {
    this.prepare('UPDATE zalo_tokens SET lease_holder = NULL, lease_until = 0 WHERE id = 1 AND lease_holder = ?').run(holder);
  }

  async linkCodeIssue(personId: string, codeHash: string, expiresAt: number, zaloUserId?: string): Promise<void> {
    this
      .prepare('INSERT OR REPLACE INTO link_codes (code_hash, person_id, expires_at, zalo_user_id) VALUES (?, ?, ?, ?)')
      .run(codeHash, personId, expiresAt, zaloUserId ?? null);
  }

  async linkCodeRedeem(codeHash: string, now: number, zaloUserId?: string): Promise<string | undefined> {
    return this.db.transaction(() => {
      const r = this
        .prepare('SELECT person_id FROM link_codes WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? AND (zalo_user_id IS NULL OR zalo_user_id = ?)')
        .get(codeHash, now, zaloUserId ?? null) as { person_id: string } | undefined;
      if (!r) return undefined;
      this.prepare('UPDATE link_codes SET used_at = ? WHERE code_hash = ?').run(now, codeHash);
      return r.person_id;
    })();
  }

  async attemptCount(scope: string, key: string, since: number): Promise<number> {
    return (this.prepare('SELECT COUNT(*) AS n FROM attempts WHERE scope = ? AND key = ? AND at >= ?').get(scope, key, since) as { n: number }).n;
  }

  async attemptRecord(scope: string, key: string, now: number): Promise<void> {
    this.db.transaction(() => {
      this.prepare('DELETE FROM attempts WHERE at < ?').run(now - 24 * 3600_000);
      this.prepare('INSERT INTO attempts (scope, key, at) VALUES (?, ?, ?)').run(scope, key, now);
    })();
  }

  async signinCodeIssue(personId: string, codeHash: string, expiresAt: number): Promise<void> {
    this.prepare('INSERT OR REPLACE INTO signin_codes (person_id, code_hash, expires_at) VALUES (?, ?, ?)').run(personId, codeHash, expiresAt);
  }

  async signinCodeRedeem(personId: string, codeHash: string, now: number): Promise<boolean> {
    return (
      this
        .prepare('UPDATE signin_codes SET used_at = ? WHERE person_id = ? AND code_hash = ? AND used_at IS NULL AND expires_at > ?')
        .run(now, personId, codeHash, now).changes === 1
    );
  }

  async settingGet(key: string): Promise<string | undefined> {
    return (this.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  async settingPut(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.prepare('DELETE FROM settings WHERE key = ?').run(key);
    else this.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async zaloInteraction(zaloUserId: string, at: number): Promise<void> {
    this
      .prepare('INSERT INTO zalo_interactions (zalo_user_id, at) VALUES (?, ?) ON CONFLICT(zalo_user_id) DO UPDATE SET at = MAX(at, excluded.at)')
      .run(zaloUserId, at);
  }

  async zaloInteractionOf(zaloUserId: string): Promise<number | undefined> {
    return (this.prepare('SELECT at FROM zalo_interactions WHERE zalo_user_id = ?').get(zaloUserId) as { at: number } | undefined)?.at;
  }

  async personPhoneSet(personId: string, phone: string, now: number): Promise<void> {
    this.prepare('INSERT OR REPLACE INTO person_phones (person_id, phone, at) VALUES (?, ?, ?)').run(personId, phone, now);
  }

  async personPhoneOf(personId: string): Promise<string | undefined> {
    return (this.prepare('SELECT phone FROM person_phones WHERE person_id = ?').get(personId) as { phone: string } | undefined)?.phone;
  }

  async refusalRecord(personId: string, channel: Channel, code: number, at: number): Promise<void> {
    this.db.transaction(() => {
      this.prepare('DELETE FROM refusals WHERE at < ?').run(at - REFUSAL_MEMORY_MS);
      this.prepare('INSERT INTO refusals (person_id, channel, code, at) VALUES (?, ?, ?, ?)').run(personId, channel, code, at);
    })();
  }

  async refusalsOf(personId: string, since: number): Promise<Refusal[]> {
    return this.prepare('SELECT channel, code, at FROM refusals WHERE person_id = ? AND at >= ? ORDER BY at, rowid').all(personId, since) as Refusal[];
  }

  async rateTake(bucket: string, perMinute: number, burst: number, now: number): Promise<number> {
    // IMMEDIATE: the read and the write are one step for every process on this file.
    return this.db.transaction(() => {
      const r = this.prepare('SELECT tokens, last, paused_until FROM rate_buckets WHERE name = ?').get(bucket) as
        | { tokens: number; last: number; paused_until: number }
        | undefined;
      const pausedUntil = r?.paused_until ?? 0;
      const { bucket: b, wait } = takeToken({ tokens: r ? r.tokens : burst, last: r ? r.last : now, pausedUntil }, perMinute, burst, now);
      if (now < pausedUntil) return wait;
      this
        .prepare(
          `INSERT INTO rate_buckets (name, tokens, last, paused_until) VALUES (?, ?, ?, ?)
           ON CONFLICT(name) DO UPDATE SET tokens = excluded.tokens, last = excluded.last`,
        )
        .run(bucket, b.tokens, b.last, pausedUntil);
      return wait;
    }).immediate();
  }

  async ratePause(bucket: string, until: number): Promise<void> {
    // Restart gently after the pause: one call at its end, then the steady rate.
    this
      .prepare(
        `INSERT INTO rate_buckets (name, tokens, last, paused_until) VALUES (?, 1, ?, ?)
         ON CONFLICT(name) DO UPDATE SET tokens = CASE WHEN paused_until < excluded.paused_until THEN 1 ELSE tokens END,
           last = MAX(last, excluded.last), paused_until = MAX(paused_until, excluded.paused_until)`,
      )
      .run(bucket, until, until);
  }

  async sessionCreate(s: Session): Promise<void> {
    this.prepare('INSERT INTO sessions (id, person_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(s.id, s.personId, s.csrf, s.createdAt, s.expiresAt);
  }

  async sessionGet(id: string, now: number): Promise<Session | undefined> {
    const r = this.prepare('SELECT * FROM sessions WHERE id = ? AND expires_at > ?').get(id, now) as
      | { id: string; person_id: string; csrf: string; created_at: number; expires_at: number }
      | undefined;
    return r && { id: r.id, personId: r.person_id, csrf: r.csrf, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  async sessionDelete(id: string): Promise<void> {
    this.prepare('DELETE FROM sessions WHERE id = ?').run(id);
  }

  async settingGetOrCreate(key: string, make: () => string): Promise<string> {
    return this.db.transaction(() => {
      const r = this.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
      if (r) return r.value;
      const value = make();
      this.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(key, value);
      return value;
    })();
  }

  async zaloLink(zaloUserId: string, personId: string, now: number): Promise<void> {
    this.db.transaction(() => {
      // One Zalo account per person: a new link replaces the old one.
      this.prepare('DELETE FROM zalo_links WHERE person_id = ? AND zalo_user_id <> ?').run(personId, zaloUserId);
      this
        .prepare(
          `INSERT INTO zalo_links (zalo_user_id, person_id, linked_at) VALUES (?, ?, ?)
           ON CONFLICT(zalo_user_id) DO UPDATE SET person_id = excluded.person_id, linked_at = excluded.linked_at, unreachable_since = NULL`,
        )
        .run(zaloUserId, personId, now);
    })();
  }

  async zaloLinkOf(zaloUserId: string): Promise<ZaloLink | undefined> {
    const r = this.prepare('SELECT * FROM zalo_links WHERE zalo_user_id = ?').get(zaloUserId) as LinkDbRow | undefined;
    return r && toLink(r);
  }

  async zaloLinkOfPerson(personId: string): Promise<ZaloLink | undefined> {
    const r = this.prepare('SELECT * FROM zalo_links WHERE person_id = ? ORDER BY linked_at DESC LIMIT 1').get(personId) as LinkDbRow | undefined;
    return r && toLink(r);
  }

  async zaloSetReachable(zaloUserId: string, reachable: boolean, now: number): Promise<void> {
    this
      .prepare(`UPDATE zalo_links SET unreachable_since = ${reachable ? 'NULL' : 'COALESCE(unreachable_since, ?)'} WHERE zalo_user_id = ?`)
      .run(...(reachable ? [zaloUserId] : [now, zaloUserId]));
  }

  async inboxAccept(key: string, body: string, now: number): Promise<boolean> {
    return this.prepare('INSERT OR IGNORE INTO inbox (key, body, received_at) VALUES (?, ?, ?)').run(key, body, now).changes === 1;
  }

  async inboxPending(limit: number): Promise<InboxRow[]> {
    const rows = this.prepare(`SELECT * FROM inbox WHERE status = 'pending' ORDER BY received_at, rowid LIMIT ?`).all(limit) as InboxDbRow[];
    return rows.map(toInboxRow);
  }

  async inboxGet(key: string): Promise<InboxRow | undefined> {
    const r = this.prepare('SELECT * FROM inbox WHERE key = ?').get(key) as InboxDbRow | undefined;
    return r && toInboxRow(r);
  }

  async inboxFinish(key: string, status: 'done' | 'failed', outcome: string): Promise<void> {
    this.prepare('UPDATE inbox SET status = ?, outcome = ?, attempts = attempts + 1 WHERE key = ?').run(status, outcome, key);
  }

  async inboxPrune(before: number): Promise<number> {
    return this.prepare(`DELETE FROM inbox WHERE status <> 'pending' AND received_at < ?`).run(before).changes;
  }

  async inboxStats(): Promise<{ pending: number; oldestPendingAt?: number }> {
    const r = this.prepare(`SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM inbox WHERE status = 'pending'`).get() as { n: number; oldest: number | null };
    return { pending: r.n, ...(r.oldest !== null ? { oldestPendingAt: r.oldest } : {}) };
  }

  async leaseTake(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    // One statement: a free, expired or own lease is (re)taken; another holder's live one is left alone.
    const res = this
      .prepare(
        `INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE leases.holder = excluded.holder OR leases.until <= ?`,
      )
      .run(name, holder, now + ttlMs, now);
    return res.changes === 1;
  }

  async leaseRelease(name: string, holder: string): Promise<void> {
    this.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  async inboxCount(): Promise<number> {
    return (this.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number }).n;
  }

  async onceDone(key: string): Promise<boolean> {
    return !!this.prepare('SELECT 1 FROM once_done WHERE key = ?').get(key);
  }

  async onceMark(key: string, now: number): Promise<void> {
    this.prepare('INSERT OR IGNORE INTO once_done (key, at) VALUES (?, ?)').run(key, now);
  }

  async draftSave(d: PlanDraft): Promise<void> {
    this.prepare('INSERT OR REPLACE INTO plan_drafts (id, draft, created_at) VALUES (?, ?, ?)').run(d.id, JSON.stringify(d), d.createdAt);
  }

  async draftGet(id: string): Promise<PlanDraft | undefined> {
    const r = this.prepare('SELECT draft FROM plan_drafts WHERE id = ?').get(id) as { draft: string } | undefined;
    return r && (JSON.parse(r.draft) as PlanDraft);
  }

  async botContextGet(personId: string): Promise<BotContext | undefined> {
    const r = this.prepare('SELECT context FROM bot_context WHERE person_id = ?').get(personId) as { context: string } | undefined;
    return r && (JSON.parse(r.context) as BotContext);
  }

  async botContextPut(personId: string, ctx: BotContext): Promise<void> {
    this.prepare('INSERT OR REPLACE INTO bot_context (person_id, context) VALUES (?, ?)').run(personId, JSON.stringify(ctx));
  }

  private taskWrites = 0;
  /** Task rows when the planner's statistics were last taken. */
  private taskRowsAnalyzed = 0;

  async taskPut(r: TaskRecord): Promise<boolean> {
    // A plan start grows the read model from nothing to thousands of rows in minutes; with statistics
    // taken on a few rows SQLite reads a plan filter as selective and sorts every row of it
    // (50,000 rows: 110 ms a page instead of 5). Taken again whenever the rows have doubled.
    if (++this.taskWrites % 1000 === 0) {
      const { n } = this.prepare('SELECT COUNT(*) AS n FROM task_rows').get() as { n: number };
      if (n >= 2 * this.taskRowsAnalyzed) {
        this.db.exec('ANALYZE task_rows');
        this.taskRowsAnalyzed = n;
      }
    }
    // A row is derived from its workflow (versioned, rebuilt by `read-model rebuild`), so its commit
    // skips the fsync that accepted input gets: a row lost to a power cut is repaired by the task's
    // next change or a rebuild, and the worker's event loop is not held 2 ms per row.
    this.prepare('PRAGMA synchronous = NORMAL').run();
    try {
      return this.prepare(SQLITE_TASK_UPSERT).run(...taskValues(r)).changes === 1;
    } finally {
      this.prepare('PRAGMA synchronous = FULL').run();
    }
  }

  async taskGet(workflowId: string): Promise<TaskRecord | undefined> {
    const row = this.prepare('SELECT * FROM task_rows WHERE workflow_id = ?').get(workflowId) as TaskDbRow | undefined;
    return row && toTaskRecord(row);
  }

  async taskFind(where: TaskWhere, page: TaskPage = {}): Promise<TaskRecord[]> {
    const args: unknown[] = [];
    const bind = (v: unknown) => (args.push(v), '?');
    const sql = taskPageSql(whereSql(where, bind), page.order ?? 'attention', bind(page.limit ?? -1), bind(page.offset ?? 0));
    return (this.prepare(sql).all(...args) as TaskDbRow[]).map(toTaskRecord);
  }

  async taskSummary(where: TaskWhere): Promise<TaskSummary> {
    const args: unknown[] = [];
    const clause = whereSql(where, (v) => (args.push(v), '?'));
    const sql = taskSummarySql(clause);
    const groups = this.prepare(sql.groups).all(...args) as (TaskTally & { seqs: number })[];
    const days = this.prepare(sql.days).all(...args) as { day: string; count: number }[];
    return summaryOf(groups, days);
  }

  async taskRemove(workflowId: string): Promise<void> {
    this.prepare('DELETE FROM task_rows WHERE workflow_id = ?').run(workflowId);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
