// Several web processes draining one store's inbox: each event handled once, each person's
// events in the order they arrived, and a person's queue taken over when its process is gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BotEvent } from '../../bot/events.js';
import { InboxProcessor } from '../../bot/inbox.js';
import { SqliteStore } from '../../store/sqlite.js';

const log = pino({ level: 'silent' });
const T0 = Date.parse('2026-03-02T02:00:00Z');

/** A text a person sent, as Zalo delivers it. */
const body = (user: string, n: number) =>
  JSON.stringify({
    app_id: '1234567890123456789',
    user_id_by_app: user,
    event_name: 'user_send_text',
    timestamp: String(T0 + n),
    sender: { id: user },
    recipient: { id: '999' },
    message: { msg_id: `${user}-${String(n).padStart(3, '0')}`, text: `tin ${n}` },
  });

let dir: string;
let stores: SqliteStore[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'inbox-'));
  stores = [];
});
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});
/** One process's handle on the shared store file. */
const open = () => {
  const s = new SqliteStore(join(dir, 'state.sqlite'));
  stores.push(s);
  return s;
};
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('the inbox drained by several processes', () => {
  it('handles every event once, and each person\'s in order, whichever process takes them', async () => {
    const [a, b] = [open(), open()];
    const people = ['u1', 'u2', 'u3', 'u4'];
    for (let n = 0; n < 10; n++) for (const u of people) await a.inboxAccept(`msg:${u}-${String(n).padStart(3, '0')}`, body(u, n), T0 + n);
    const seen: { by: string; user: string; key: string }[] = [];
    const handler = (by: string) => async (e: BotEvent) => {
      seen.push({ by, user: e.zaloUserId, key: e.key });
      await tick(); // the other process runs meanwhile
      return 'ok';
    };
    const p1 = new InboxProcessor({ store: a, handle: handler('p1'), log, holder: 'p1' });
    const p2 = new InboxProcessor({ store: b, handle: handler('p2'), log, holder: 'p2' });
    p1.kick();
    p2.kick();
    await Promise.all([p1.idle(), p2.idle()]);
    for (let i = 0; i < 5 && (await a.inboxStats()).pending > 0; i++) {
      p1.kick();
      p2.kick();
      await Promise.all([p1.idle(), p2.idle()]);
    }
    await Promise.all([p1.stop(), p2.stop()]);

    expect(seen).toHaveLength(40);
    expect(new Set(seen.map((s) => s.key)).size).toBe(40);
    for (const u of people) {
      const mine = seen.filter((s) => s.user === u).map((s) => s.key);
      expect(mine).toEqual([...mine].sort());
    }
    expect(await a.inboxStats()).toEqual({ pending: 0 });
  });

  it('a person whose process died is taken over once its lease runs out', async () => {
    const [a, b] = [open(), open()];
    await a.inboxAccept('msg:u9-000', body('u9', 0), T0);
    // The dead process took u9's queue and never finished.
    expect(await a.leaseTake('inbox:u9', 'dead', Date.now(), 300)).toBe(true);
    const handled: string[] = [];
    const p = new InboxProcessor({ store: b, handle: async (e) => (handled.push(e.key), 'ok'), log, holder: 'alive', leaseMs: 300 });
    p.kick();
    await p.idle();
    expect(handled).toEqual([]);
    await new Promise((r) => setTimeout(r, 600)); // the retry scheduled for when the lease runs out
    await p.idle();
    await p.stop();
    expect(handled).toEqual(['msg:u9-000']);
  });
});
