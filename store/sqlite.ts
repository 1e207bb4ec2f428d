// The embedded store: one SQLite file under data/ (WAL, so readers never block the worker).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Notification } from '../domain/notification.js';
import type { Plan } from '../domain/plan.js';
import type { OutboxFilter, OutboxRow, PlanRecord, Store } from './store.js';

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
];

interface Row {
  key: string;
  payload: string;
  status: 'pending' | 'sent';
  attempts: number;
  created_at: number;
  sent_at: number | null;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = this.db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    let version = row?.version ?? 0;
    if (!row) this.db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
    for (; version < MIGRATIONS.length; version++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version]!);
        this.db.prepare('UPDATE schema_version SET version = ?').run(version + 1);
      })();
    }
  }

  outboxRecord(n: Notification, now: number): boolean {
    const res = this.db
      .prepare(
        `INSERT OR IGNORE INTO outbox (key, kind, to_id, workflow_id, plan_id, payload, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(n.key, n.kind, n.to.id, n.workflowId, n.planId, JSON.stringify(n), now);
    return res.changes === 1;
  }

  outboxGet(key: string): OutboxRow | undefined {
    const row = this.db.prepare('SELECT * FROM outbox WHERE key = ?').get(key) as Row | undefined;
    return row && toOutboxRow(row);
  }

  outboxMarkAttempt(key: string): void {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE key = ?').run(key);
  }

  outboxMarkSent(key: string, now: number): void {
    this.db.prepare(`UPDATE outbox SET status = 'sent', sent_at = ? WHERE key = ?`).run(now, key);
  }

  outboxList(filter: OutboxFilter = {}): OutboxRow[] {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.workflowId) (where.push('workflow_id = ?'), args.push(filter.workflowId));
    if (filter.planId) (where.push('plan_id = ?'), args.push(filter.planId));
    if (filter.to) (where.push('to_id = ?'), args.push(filter.to));
    const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, rowid`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(toOutboxRow);
  }

  planSave(p: Plan, now: number): void {
    this.db
      .prepare(
        `INSERT INTO plans (id, title, document, task_count, plan, started_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, document = excluded.document,
           task_count = excluded.task_count, plan = excluded.plan`,
      )
      .run(p.id, p.title, p.document.number, p.tasks.length, JSON.stringify(p), now);
  }

  planList(): PlanRecord[] {
    const rows = this.db.prepare('SELECT * FROM plans ORDER BY started_at, id').all() as PlanRow[];
    return rows.map(toPlanRecord);
  }

  planGet(id: string): PlanRecord | undefined {
    const row = this.db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as PlanRow | undefined;
    return row && toPlanRecord(row);
  }

  close(): void {
    this.db.close();
  }
}

interface PlanRow {
  id: string;
  title: string;
  document: string;
  task_count: number;
  plan: string;
  started_at: number;
}

function toPlanRecord(r: PlanRow): PlanRecord {
  return { id: r.id, title: r.title, documentNumber: r.document, taskCount: r.task_count, startedAt: r.started_at, plan: JSON.parse(r.plan) as Plan };
}

function toOutboxRow(r: Row): OutboxRow {
  const n = JSON.parse(r.payload) as Notification;
  return { ...n, status: r.status, attempts: r.attempts, createdAt: r.created_at, ...(r.sent_at ? { sentAt: r.sent_at } : {}) };
}
