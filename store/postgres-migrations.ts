// The PostgreSQL schema, as an ordered list of versions. A version, once released, is never edited:
// a change is a new entry at the end. Applied by migratePostgres at start (store/postgres.ts).
//
// Conventions, and why:
// * epoch milliseconds are BIGINT (beyond INTEGER's 2^31); the store parses them back to numbers;
// * JSON documents (notifications, plans, drafts, bot contexts) are TEXT holding JSON.stringify's
//   output: jsonb refuses the \u0000 escape a PDF's text can carry and does not keep the text as written;
// * `seq` (identity) breaks ties in time order the way SQLite's rowid does.
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'initial schema (SQLite store schema version 5)',
    sql: `
      CREATE TABLE outbox (
        key TEXT PRIMARY KEY,
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        kind TEXT NOT NULL,
        to_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        plan_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        sent_at BIGINT
      );
      CREATE INDEX outbox_workflow ON outbox (workflow_id, created_at);
      CREATE INDEX outbox_to ON outbox (to_id, created_at);
      CREATE INDEX outbox_plan ON outbox (plan_id, created_at);
      CREATE INDEX outbox_status ON outbox (status, created_at, seq);

      CREATE TABLE plans (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        document TEXT NOT NULL,
        task_count INTEGER NOT NULL,
        plan TEXT NOT NULL,
        started_at BIGINT NOT NULL
      );

      CREATE TABLE zalo_tokens (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        access_token TEXT NOT NULL,
        refresh_token TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        lease_holder TEXT,
        lease_until BIGINT NOT NULL DEFAULT 0
      );

      CREATE TABLE zalo_links (
        zalo_user_id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        linked_at BIGINT NOT NULL,
        unreachable_since BIGINT
      );
      CREATE INDEX zalo_links_person ON zalo_links (person_id, linked_at);

      CREATE TABLE link_codes (
        code_hash TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT,
        zalo_user_id TEXT
      );

      CREATE TABLE attempts (scope TEXT NOT NULL, key TEXT NOT NULL, at BIGINT NOT NULL);
      CREATE INDEX attempts_key ON attempts (scope, key, at);
      CREATE INDEX attempts_at ON attempts (at);

      CREATE TABLE inbox (
        key TEXT PRIMARY KEY,
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        body TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        outcome TEXT
      );
      CREATE INDEX inbox_pending ON inbox (status, received_at, seq);

      CREATE TABLE once_done (key TEXT PRIMARY KEY, at BIGINT NOT NULL);
      CREATE TABLE bot_context (person_id TEXT PRIMARY KEY, context TEXT NOT NULL);

      CREATE TABLE signin_codes (
        person_id TEXT NOT NULL,
        code_hash TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT,
        PRIMARY KEY (person_id, code_hash)
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE plan_drafts (id TEXT PRIMARY KEY, draft TEXT NOT NULL, created_at BIGINT NOT NULL);

      CREATE TABLE zalo_interactions (zalo_user_id TEXT PRIMARY KEY, at BIGINT NOT NULL);
      CREATE TABLE person_phones (person_id TEXT PRIMARY KEY, phone TEXT NOT NULL, at BIGINT NOT NULL);
      CREATE TABLE refusals (
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        person_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        code INTEGER NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX refusals_person ON refusals (person_id, at);
      CREATE INDEX refusals_at ON refusals (at);

      CREATE TABLE rate_buckets (
        name TEXT PRIMARY KEY,
        tokens DOUBLE PRECISION NOT NULL,
        last BIGINT NOT NULL,
        paused_until BIGINT NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 2,
    name: 'named leases (a person\'s inbox, the pass over held notifications)',
    sql: `
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        until BIGINT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'the task read model (one row per unit task, written by its workflow) and plan start progress',
    sql: `
      CREATE SEQUENCE task_rows_seq;
      CREATE TABLE task_rows (
        workflow_id TEXT COLLATE "C" PRIMARY KEY,
        plan_id TEXT COLLATE "C" NOT NULL,
        plan_title TEXT NOT NULL,
        ref TEXT COLLATE "C" NOT NULL,
        ref_key TEXT COLLATE "C" NOT NULL,
        title TEXT NOT NULL,
        search TEXT COLLATE "C" NOT NULL,
        unit TEXT COLLATE "C" NOT NULL,
        assignee TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        attention INTEGER NOT NULL,
        urgency INTEGER NOT NULL,
        due TEXT COLLATE "C",
        due_key TEXT COLLATE "C" NOT NULL,
        escalation INTEGER NOT NULL,
        running INTEGER NOT NULL,
        closed_at BIGINT,
        closed_day TEXT COLLATE "C",
        recurring INTEGER NOT NULL,
        version BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        report TEXT NOT NULL,
        seq BIGINT NOT NULL
      );
      CREATE INDEX task_rows_attention ON task_rows (attention, urgency, due_key, ref_key, unit, plan_id, workflow_id);
      CREATE INDEX task_rows_ref ON task_rows (ref_key, unit, plan_id, workflow_id);
      CREATE INDEX task_rows_plan ON task_rows (plan_id, unit, status, seq);
      CREATE INDEX task_rows_unit ON task_rows (unit, status, seq);
      CREATE INDEX task_rows_assignee ON task_rows (assignee, status);
      CREATE INDEX task_rows_status ON task_rows (status, escalation);
      CREATE TABLE plan_starts (plan_id TEXT PRIMARY KEY, progress TEXT NOT NULL);
    `,
  },
];
