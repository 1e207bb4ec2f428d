// Which store a process uses: PostgreSQL when DATABASE_URL is set (several processes share it),
// otherwise the embedded SQLite file in DATA_DIR, as before.
import { join } from 'node:path';
import type { Config } from '../runtime/config.js';
import { PostgresStore, type PostgresStoreOptions } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** The SQLite file worker/main.ts and the CLI have always used. */
export function sqliteStorePath(dataDir: string): string {
  return join(dataDir, 'state.sqlite');
}

/** Opens the store, its schema migrated; a PostgreSQL that cannot be reached or migrated fails here, at start. */
export async function openStore(config: Pick<Config, 'dataDir' | 'DATABASE_URL'>, opts: PostgresStoreOptions = {}): Promise<Store> {
  if (config.DATABASE_URL) return PostgresStore.open(config.DATABASE_URL, opts);
  return new SqliteStore(sqliteStorePath(config.dataDir));
}

/** Where the store is, for logs: the URL without its password. */
export function describeStore(config: Pick<Config, 'dataDir' | 'DATABASE_URL'>): string {
  if (!config.DATABASE_URL) return `sqlite ${sqliteStorePath(config.dataDir)}`;
  try {
    const u = new URL(config.DATABASE_URL);
    if (u.password) u.password = '***';
    return `postgres ${u.toString()}`;
  } catch {
    return 'postgres (DATABASE_URL)';
  }
}
