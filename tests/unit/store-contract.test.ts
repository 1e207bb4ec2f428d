// One contract for every store: the same behaviour tests run against SQLite (a temp file) and
// PostgreSQL (a schema of its own per test, in a database of its own per run, on the run's
// throwaway cluster: tests/global-setup.ts). `again()` opens a second handle on the same data, the
// way a second worker or web process would, so what must hold across processes is tested here too.
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Notification } from '../../domain/notification.js';
import { parsePlan } from '../../domain/plan.js';
import { REFUSAL_MEMORY_MS } from '../../domain/reach.js';
import { loadConfig } from '../../runtime/config.js';
import { openStore } from '../../store/open.js';
import { migratePostgres, PostgresStore } from '../../store/postgres.js';
import { PG_MIGRATIONS } from '../../store/postgres-migrations.js';
import { SqliteStore } from '../../store/sqlite.js';
import type { PlanDraft, Session, Store, ZaloTokens } from '../../store/store.js';
import { byUnit, completionOf, completionOverTime, countByStatus, countsOf, sortForDashboard, unitLinesOf } from '../../domain/dashboard.js';
import type { Org } from '../../domain/org.js';
import { TASK_STATUSES } from '../../domain/status.js';
import { allOf, anyOf, EVERY_TASK, matchesWhere, type TaskWhere } from '../../domain/task-list.js';
import type { TaskRecord } from '../../domain/task-record.js';
import { compareTaskRefs } from '../../domain/task-ref.js';

/** The units' order for unit lines (names as codes). */
const ORG_UNITS = { units: ['KHTC', 'HCTH', 'TTRA'].map((code) => ({ code, name: code })) } as unknown as Org;

const ARTIFACTS = resolve('tests/.artifacts');
/** 30 June 2025, 07:30 in Hà Nội: epoch ms beyond 2^31, as every real one is. */
const T0 = Date.UTC(2025, 5, 30, 0, 30);
const SEC = 1000;
const HOUR = 3600_000;

interface Opened {
  store: Store;
  /** Another handle on the same data (another process). */
  again(): Promise<Store>;
}

interface Backend {
  name: string;
  setup(): Promise<void>;
  fresh(): Promise<Opened>;
  teardown(): Promise<void>;
}

let seq = 0;
const uniq = () => `${process.pid}_${Date.now().toString(36)}_${++seq}`;

function sqliteBackend(): Backend {
  let dir = '';
  return {
    name: 'sqlite',
    async setup() {
      mkdirSync(ARTIFACTS, { recursive: true });
      dir = mkdtempSync(join(ARTIFACTS, 'store-contract-'));
    },
    async fresh() {
      const file = join(dir, `${uniq()}.sqlite`);
      return { store: new SqliteStore(file), again: async () => new SqliteStore(file) };
    },
    async teardown() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The run's cluster, a database of our own on it, and a schema per test. */
const pgTest = {
  admin: undefined as pg.Client | undefined,
  database: '',
  url: '',
  async setup() {
    const server = inject('databaseUrl');
    this.database = `store_contract_${uniq()}`;
    const root = new pg.Client(server);
    await root.connect();
    try {
      await root.query(`CREATE DATABASE ${this.database}`);
    } finally {
      await root.end();
    }
    const u = new URL(server);
    u.pathname = `/${this.database}`;
    this.url = u.toString();
    this.admin = new pg.Client(this.url);
    await this.admin.connect();
  },
  async schema(): Promise<string> {
    const name = `t_${uniq()}`;
    await this.admin!.query(`CREATE SCHEMA ${name}`);
    return name;
  },
  config(schema: string) {
    return { connectionString: this.url, options: `-c search_path=${schema}` };
  },
  async teardown() {
    await this.admin?.end();
    this.admin = undefined;
    if (!this.database) return;
    const root = new pg.Client(inject('databaseUrl'));
    await root.connect();
    try {
      await root.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    } finally {
      await root.end();
    }
  },
};

function postgresBackend(): Backend {
  return {
    name: 'postgres',
    setup: () => pgTest.setup(),
    async fresh() {
      const config = pgTest.config(await pgTest.schema());
      return { store: await PostgresStore.open(config), again: () => PostgresStore.open(config) };
    },
    teardown: () => pgTest.teardown(),
  };
}

const note = (key: string, o: Partial<Notification> = {}): Notification => ({
  key,
  kind: 'reminder',
  to: { id: 'hcth.cv2', name: 'Nguyễn Thị Hạnh', title: 'Chuyên viên' },
  planId: 'plan-a',
  workflowId: 'plan/plan-a/task/II.2.(1)',
  taskRef: 'II.2.(1)',
  text: 'Nhắc việc: còn 3 ngày làm việc đến hạn «Rà soát DVC»',
  actions: [{ title: 'Nhận việc', payload: 'nhận 1' }],
  ...o,
});

const tokens = (o: Partial<ZaloTokens> = {}): ZaloTokens => ({ accessToken: 'acc-1', refreshToken: 'ref-1', expiresAt: T0 + 25 * HOUR, updatedAt: T0, ...o });

const count = <T>(xs: T[], x: T) => xs.filter((y) => y === x).length;

/** Rounds of a race: each round, `n` callers spread over the handles at once. Races are caught by chance, so several rounds. */
const ROUNDS = 5;
async function race<T>(handles: Store[], n: number, fn: (s: Store, i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => fn(handles[i % handles.length]!, i)));
}

describe.each([sqliteBackend(), postgresBackend()])('the $name store', (backend) => {
  let opened: Opened;
  let store: Store;
  const handles: Store[] = [];
  /** A second process on the same data. */
  const other = async () => {
    const s = await opened.again();
    handles.push(s);
    return s;
  };
  /** This process and two others. */
  const three = async () => [store, await other(), await other()];

  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    opened = await backend.fresh();
    store = opened.store;
    handles.push(store);
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
  });

  describe('plans', () => {
    const plan = parsePlan(readFileSync('examples/plan-000-so-noi-vu-hau-giang-2024.yaml', 'utf8'), 'plan-000');

    it('comes back whole; saved again, it keeps its first start time', async () => {
      await store.planSave(plan, T0);
      expect(await store.planGet(plan.id)).toEqual({ id: plan.id, title: plan.title, documentNumber: plan.document.number, taskCount: plan.tasks.length, startedAt: T0, plan });
      await store.planSave({ ...plan, title: 'Kế hoạch sửa đổi', tasks: plan.tasks.slice(0, 2) }, T0 + HOUR);
      const again = await store.planGet(plan.id);
      expect(again).toMatchObject({ title: 'Kế hoạch sửa đổi', taskCount: 2, startedAt: T0 });
      expect(await store.planGet('no-such-plan')).toBeUndefined();
    });

    it('are listed by start time, then by id in byte order', async () => {
      await store.planSave({ ...plan, id: 'beta' }, T0);
      await store.planSave({ ...plan, id: 'alpha' }, T0);
      await store.planSave({ ...plan, id: 'Zeta' }, T0);
      await store.planSave({ ...plan, id: 'omega' }, T0 - SEC);
      expect((await store.planList()).map((p) => p.id)).toEqual(['omega', 'Zeta', 'alpha', 'beta']);
      // The summaries list the same plans in the same order, without their tasks.
      expect(await store.planSummaries()).toEqual((await store.planList()).map(({ plan: _plan, ...summary }) => summary));
    });

    it('keep the last saved progress of their start, seen from any process', async () => {
      const progress = { planId: plan.id, total: 19, started: 4, existing: 1, startedAt: T0, updatedAt: T0 + SEC };
      await store.planStartSave(progress);
      await store.planStartSave({ ...progress, started: 18, updatedAt: T0 + 2 * SEC, finishedAt: T0 + 2 * SEC });
      expect(await (await other()).planStartGet(plan.id)).toEqual({ ...progress, started: 18, updatedAt: T0 + 2 * SEC, finishedAt: T0 + 2 * SEC });
      expect(await store.planStartGet('no-such-plan')).toBeUndefined();
    });
  });

  describe('outbox', () => {
    it('records a notification once by its key; the first one stays', async () => {
      const n = note('k1');
      expect(await store.outboxRecord(n, T0)).toBe(true);
      expect(await store.outboxRecord({ ...n, text: 'khác' }, T0 + SEC)).toBe(false);
      const row = await store.outboxGet('k1');
      expect(row).toEqual({ ...n, status: 'pending', attempts: 0, createdAt: T0 });
      expect(row && 'sentAt' in row).toBe(false);
      expect(typeof row?.createdAt).toBe('number');
      expect(await store.outboxGet('missing')).toBeUndefined();
    });

    it('counts attempts and marks sent; a sent one never goes back to waiting', async () => {
      await store.outboxRecord(note('k1'), T0);
      await store.outboxMarkAttempt('k1');
      await store.outboxMarkAttempt('k1');
      await store.outboxMarkSent('k1', T0 + 5 * SEC);
      await store.outboxMarkWaiting('k1');
      expect(await store.outboxGet('k1')).toMatchObject({ status: 'sent', attempts: 2, sentAt: T0 + 5 * SEC });
      expect(await store.outboxWaiting(10)).toEqual([]);
    });

    it('holds waiting messages oldest first (ties in recording order), with an offset', async () => {
      await store.outboxRecord(note('late'), T0 + 2 * SEC);
      await store.outboxRecord(note('first'), T0);
      await store.outboxRecord(note('second'), T0);
      await store.outboxRecord(note('pending'), T0 + SEC);
      for (const k of ['late', 'second', 'first']) await store.outboxMarkWaiting(k);
      expect((await store.outboxWaiting(10)).map((r) => r.key)).toEqual(['first', 'second', 'late']);
      expect((await store.outboxWaiting(1, 1)).map((r) => r.key)).toEqual(['second']);
      expect(await store.outboxWaiting(10, 3)).toEqual([]);
      expect((await store.outboxWaiting(10))[0]).toMatchObject({ status: 'waiting', kind: 'reminder', to: { id: 'hcth.cv2' } });
      await store.outboxMarkSent('first', T0 + 3 * SEC);
      expect((await store.outboxWaiting(10)).map((r) => r.key)).toEqual(['second', 'late']);
    });

    it('lists by workflow, plan and recipient, in time order', async () => {
      await store.outboxRecord(note('a', { workflowId: 'w1', planId: 'p1' }), T0 + 3);
      await store.outboxRecord(note('b', { workflowId: 'w2', planId: 'p1', to: { id: 'tccb.cv1', name: 'Lê Văn B', title: 'Chuyên viên' } }), T0 + 1);
      await store.outboxRecord(note('c', { workflowId: 'w1', planId: 'p2' }), T0 + 2);
      const keys = async (f?: Parameters<Store['outboxList']>[0]) => (await store.outboxList(f)).map((r) => r.key);
      expect(await keys()).toEqual(['b', 'c', 'a']);
      expect(await keys({ workflowId: 'w1' })).toEqual(['c', 'a']);
      expect(await keys({ planId: 'p1' })).toEqual(['b', 'a']);
      expect(await keys({ to: 'tccb.cv1' })).toEqual(['b']);
      expect(await keys({ workflowId: 'w1', planId: 'p1' })).toEqual(['a']);
      expect(await keys({ to: 'nobody' })).toEqual([]);
    });
  });

  describe('Zalo tokens', () => {
    it('are seeded only while none are stored; put replaces them', async () => {
      expect(await store.zaloTokensGet()).toBeUndefined();
      expect(await store.zaloTokensSeed(tokens())).toBe(true);
      expect(await store.zaloTokensSeed(tokens({ accessToken: 'acc-env', refreshToken: 'ref-env' }))).toBe(false);
      expect(await store.zaloTokensGet()).toEqual(tokens());
      const next = tokens({ accessToken: 'acc-2', refreshToken: 'ref-2', expiresAt: T0 + 50 * HOUR, updatedAt: T0 + HOUR });
      await store.zaloTokensPut(next);
      expect(await (await other()).zaloTokensGet()).toEqual(next);
    });

    it('lend the refresh lease to one holder until it expires; the holder may renew it', async () => {
      expect(await store.zaloRefreshLease('w1', T0, 30 * SEC)).toBe(false); // nothing to refresh yet
      await store.zaloTokensSeed(tokens());
      expect(await store.zaloRefreshLease('w1', T0, 30 * SEC)).toBe(true);
      expect(await store.zaloRefreshLease('w2', T0 + SEC, 30 * SEC)).toBe(false);
      expect(await store.zaloRefreshLease('w1', T0 + 2 * SEC, 30 * SEC)).toBe(true); // until T0 + 32 s
      expect(await store.zaloRefreshLease('w2', T0 + 31 * SEC, 30 * SEC)).toBe(false);
      await store.zaloTokensPut(tokens({ accessToken: 'acc-2', refreshToken: 'ref-2' }));
      expect(await store.zaloRefreshLease('w2', T0 + 31 * SEC, 30 * SEC)).toBe(false); // storing the pair keeps the lease
      expect(await store.zaloRefreshLease('w2', T0 + 32 * SEC, 30 * SEC)).toBe(true);
    });

    it('are released by their holder only', async () => {
      await store.zaloTokensSeed(tokens());
      expect(await store.zaloRefreshLease('w1', T0, 30 * SEC)).toBe(true);
      await store.zaloRefreshRelease('w2');
      expect(await store.zaloRefreshLease('w3', T0 + SEC, 30 * SEC)).toBe(false);
      await store.zaloRefreshRelease('w1');
      expect(await store.zaloRefreshLease('w3', T0 + SEC, 30 * SEC)).toBe(true);
    });

    it('lend the lease to exactly one of many processes asking at once', async () => {
      await store.zaloTokensSeed(tokens());
      const all = await three();
      for (let round = 0; round < ROUNDS; round++) {
        const now = T0 + round * HOUR;
        const got = await race(all, 12, (s, i) => s.zaloRefreshLease(`w${i}`, now, 30 * SEC));
        expect(count(got, true)).toBe(1);
      }
    });
  });

  describe('accounts', () => {
    it('link codes are single use and expire', async () => {
      await store.linkCodeIssue('hcth.cv2', 'h1', T0 + 10 * 60 * SEC);
      await store.linkCodeIssue('hcth.cv3', 'h-old', T0);
      expect(await store.linkCodeRedeem('wrong', T0)).toBeUndefined();
      expect(await store.linkCodeRedeem('h-old', T0)).toBeUndefined(); // expired at T0
      expect(await store.linkCodeRedeem('h1', T0, 'zu-any')).toBe('hcth.cv2');
      expect(await store.linkCodeRedeem('h1', T0 + SEC)).toBeUndefined();
    });

    it('a link code bound to a Zalo account works for that account only', async () => {
      await store.linkCodeIssue('hcth.cv2', 'h1', T0 + HOUR, 'zu1');
      expect(await store.linkCodeRedeem('h1', T0, 'zu2')).toBeUndefined();
      expect(await store.linkCodeRedeem('h1', T0)).toBeUndefined();
      expect(await store.linkCodeRedeem('h1', T0, 'zu1')).toBe('hcth.cv2');
    });

    it('a link code is used up by exactly one of many processes redeeming it at once', async () => {
      const all = await three();
      for (let round = 0; round < ROUNDS; round++) {
        await store.linkCodeIssue('hcth.cv2', `h${round}`, T0 + HOUR);
        const got = await race(all, 12, (s, i) => s.linkCodeRedeem(`h${round}`, T0, `zu${i}`));
        expect(count(got, 'hcth.cv2')).toBe(1);
        expect(count(got, undefined)).toBe(11);
      }
    });

    it('counts failed attempts by scope and key within a window, forgetting them after a day', async () => {
      await store.attemptRecord('link', 'zu1', T0);
      await store.attemptRecord('link', 'zu1', T0 + SEC);
      await store.attemptRecord('link', 'zu2', T0 + SEC);
      await store.attemptRecord('signin', 'zu1', T0 + SEC);
      await store.attemptRecord('link', 'zu1', T0 + 2 * SEC);
      expect(await store.attemptCount('link', 'zu1', T0)).toBe(3);
      expect(await store.attemptCount('link', 'zu1', T0 + SEC)).toBe(2);
      expect(await store.attemptCount('link', 'zu2', T0)).toBe(1);
      expect(await store.attemptCount('signin', 'zu1', T0)).toBe(1);
      expect(await store.attemptCount('signin', 'zu9', T0)).toBe(0);
      await store.attemptRecord('link', 'zu1', T0 + 25 * HOUR);
      expect(await store.attemptCount('link', 'zu1', 0)).toBe(1);
      expect(await store.attemptCount('link', 'zu2', 0)).toBe(0);
    });

    it('links one Zalo account per person; a new link replaces the old', async () => {
      await store.zaloLink('zu1', 'hcth.cv2', T0);
      expect(await store.zaloLinkOf('zu1')).toEqual({ zaloUserId: 'zu1', personId: 'hcth.cv2', linkedAt: T0 });
      expect(await store.zaloLinkOfPerson('hcth.cv2')).toEqual({ zaloUserId: 'zu1', personId: 'hcth.cv2', linkedAt: T0 });
      await store.zaloLink('zu2', 'hcth.cv2', T0 + SEC);
      expect(await store.zaloLinkOf('zu1')).toBeUndefined();
      expect((await store.zaloLinkOfPerson('hcth.cv2'))?.zaloUserId).toBe('zu2');
      await store.zaloLink('zu2', 'tccb.cv1', T0 + 2 * SEC);
      expect(await store.zaloLinkOfPerson('hcth.cv2')).toBeUndefined();
      expect(await store.zaloLinkOfPerson('tccb.cv1')).toEqual({ zaloUserId: 'zu2', personId: 'tccb.cv1', linkedAt: T0 + 2 * SEC });
    });

    it('keeps one link per person when two processes link them at once', async () => {
      const all = await three();
      for (let round = 0; round < ROUNDS; round++) {
        await race(all, 9, (s, i) => s.zaloLink(`zu${round}-${i}`, `p${round}`, T0 + i));
        const linked = await Promise.all(Array.from({ length: 9 }, (_, i) => store.zaloLinkOf(`zu${round}-${i}`)));
        expect(linked.filter(Boolean)).toHaveLength(1);
      }
    });

    it('remembers since when an account is unreachable, until it follows again or is linked again', async () => {
      await store.zaloLink('zu1', 'hcth.cv2', T0);
      await store.zaloSetReachable('zu1', false, T0 + 10);
      await store.zaloSetReachable('zu1', false, T0 + 20);
      expect((await store.zaloLinkOf('zu1'))?.unreachableSince).toBe(T0 + 10);
      await store.zaloSetReachable('zu1', true, T0 + 30);
      const back = await store.zaloLinkOf('zu1');
      expect(back && 'unreachableSince' in back).toBe(false);
      await store.zaloSetReachable('zu1', false, T0 + 40);
      expect((await store.zaloLinkOfPerson('hcth.cv2'))?.unreachableSince).toBe(T0 + 40);
      await store.zaloLink('zu1', 'hcth.cv2', T0 + 50);
      expect(await store.zaloLinkOf('zu1')).toEqual({ zaloUserId: 'zu1', personId: 'hcth.cv2', linkedAt: T0 + 50 });
      await store.zaloSetReachable('zu-unknown', false, T0); // no link: nothing happens
      expect(await store.zaloLinkOf('zu-unknown')).toBeUndefined();
    });
  });

  describe('webhook inbox', () => {
    const body = JSON.stringify({ event_name: 'user_send_text', message: { msg_id: 'm1', text: 'xong 2 đã hoàn thành' } });

    it('accepts a delivery once by its key; the first body stays', async () => {
      expect(await store.inboxAccept('m1', body, T0)).toBe(true);
      expect(await store.inboxAccept('m1', '{"replay":true}', T0 + SEC)).toBe(false);
      const row = await store.inboxGet('m1');
      expect(row).toEqual({ key: 'm1', body, receivedAt: T0, status: 'pending', attempts: 0 });
      expect(row && 'outcome' in row).toBe(false);
      expect(await store.inboxGet('m2')).toBeUndefined();
    });

    it('accepts a delivery exactly once when several processes receive it at once', async () => {
      const all = await three();
      for (let round = 0; round < ROUNDS; round++) {
        const got = await race(all, 12, (s, i) => s.inboxAccept(`m${round}`, body, T0 + i));
        expect(count(got, true)).toBe(1);
      }
      expect(await all[1]!.inboxCount()).toBe(ROUNDS);
    });

    it('gives pending deliveries oldest first (ties in arrival order); finished ones leave the queue', async () => {
      await store.inboxAccept('e3', body, T0 + 2);
      await store.inboxAccept('e1', body, T0);
      await store.inboxAccept('e2', body, T0);
      expect((await store.inboxPending(10)).map((r) => r.key)).toEqual(['e1', 'e2', 'e3']);
      expect((await store.inboxPending(2)).map((r) => r.key)).toEqual(['e1', 'e2']);
      await store.inboxFinish('e1', 'done', 'đã ghi nhận');
      await store.inboxFinish('e2', 'failed', 'lỗi tạm thời');
      expect((await store.inboxPending(10)).map((r) => r.key)).toEqual(['e3']);
      expect(await store.inboxGet('e1')).toMatchObject({ status: 'done', attempts: 1, outcome: 'đã ghi nhận' });
      expect(await store.inboxGet('e2')).toMatchObject({ status: 'failed', attempts: 1, outcome: 'lỗi tạm thời' });
    });

    it('counts deliveries and prunes handled ones received before a time, forgetting their keys', async () => {
      await store.inboxAccept('a', body, T0);
      await store.inboxAccept('b', body, T0 + 1);
      await store.inboxAccept('c', body, T0 + 5);
      await store.inboxFinish('a', 'done', 'ok');
      await store.inboxFinish('c', 'failed', 'x');
      expect(await store.inboxCount()).toBe(3);
      expect(await store.inboxPrune(T0 + 5)).toBe(1); // a; c is not before T0 + 5; b is pending
      expect(await store.inboxCount()).toBe(2);
      expect(await store.inboxPrune(T0 + HOUR)).toBe(1); // c; b is still pending
      expect((await store.inboxPending(10)).map((r) => r.key)).toEqual(['b']);
      expect(await store.inboxAccept('a', body, T0 + HOUR)).toBe(true);
    });

    it('says how many deliveries wait and since when the oldest has', async () => {
      expect(await store.inboxStats()).toEqual({ pending: 0 });
      await store.inboxAccept('x', body, T0 + 7);
      await store.inboxAccept('y', body, T0 + 3);
      await store.inboxAccept('z', body, T0 + 9);
      await store.inboxFinish('y', 'done', 'ok');
      expect(await store.inboxStats()).toEqual({ pending: 2, oldestPendingAt: T0 + 7 });
    });
  });

  describe('leases', () => {
    it('one holder at a time until it runs out; the holder renews it; another takes it after', async () => {
      const b = await other();
      expect(await store.leaseTake('inbox:z1', 'p1', T0, 30 * SEC)).toBe(true);
      expect(await b.leaseTake('inbox:z1', 'p2', T0 + 10 * SEC, 30 * SEC)).toBe(false);
      expect(await store.leaseTake('inbox:z1', 'p1', T0 + 20 * SEC, 30 * SEC)).toBe(true); // renewed to T0 + 50 s
      expect(await b.leaseTake('inbox:z1', 'p2', T0 + 40 * SEC, 30 * SEC)).toBe(false);
      expect(await b.leaseTake('inbox:z1', 'p2', T0 + 50 * SEC, 30 * SEC)).toBe(true);
      expect(await store.leaseTake('inbox:z2', 'p1', T0, 30 * SEC)).toBe(true); // names are apart
    });

    it('are released by their holder only', async () => {
      await store.leaseTake('outbox.waiting', 'p1', T0, HOUR);
      await store.leaseRelease('outbox.waiting', 'p2');
      expect(await store.leaseTake('outbox.waiting', 'p2', T0 + SEC, HOUR)).toBe(false);
      await store.leaseRelease('outbox.waiting', 'p1');
      expect(await store.leaseTake('outbox.waiting', 'p2', T0 + SEC, HOUR)).toBe(true);
    });

    it('go to exactly one of many processes asking at once', async () => {
      const all = await three();
      for (let round = 0; round < ROUNDS; round++) {
        const got = await race(all, 12, (s, i) => s.leaseTake(`inbox:r${round}`, `w${i}`, T0, 30 * SEC));
        expect(count(got, true)).toBe(1);
      }
    });
  });

  describe('once-markers', () => {
    it('are done once marked, for every process; marking again is harmless', async () => {
      expect(await store.onceDone('reply:m1')).toBe(false);
      await store.onceMark('reply:m1', T0);
      await store.onceMark('reply:m1', T0 + SEC);
      expect(await store.onceDone('reply:m1')).toBe(true);
      expect(await (await other()).onceDone('reply:m1')).toBe(true);
      expect(await store.onceDone('reply:m2')).toBe(false);
    });
  });

  describe('dashboard sign-in', () => {
    const session: Session = { id: 's1', personId: 'ld.giamdoc', csrf: 'c1', createdAt: T0, expiresAt: T0 + 8 * HOUR };

    it('sessions are valid on every process until they expire or are deleted', async () => {
      await store.sessionCreate(session);
      const b = await other();
      expect(await b.sessionGet('s1', T0 + HOUR)).toEqual(session);
      expect(await b.sessionGet('s1', T0 + 8 * HOUR)).toBeUndefined();
      expect(await store.sessionGet('s2', T0)).toBeUndefined();
      await b.sessionDelete('s1');
      expect(await store.sessionGet('s1', T0 + HOUR)).toBeUndefined();
    });

    it('sign-in codes belong to one person, are single use and expire', async () => {
      await store.signinCodeIssue('ld.giamdoc', 'h1', T0 + 5 * 60 * SEC);
      await store.signinCodeIssue('ld.giamdoc', 'h-old', T0);
      expect(await store.signinCodeRedeem('ld.giamdoc', 'wrong', T0)).toBe(false);
      expect(await store.signinCodeRedeem('ld.pgd1', 'h1', T0)).toBe(false);
      expect(await store.signinCodeRedeem('ld.giamdoc', 'h-old', T0)).toBe(false);
      expect(await store.signinCodeRedeem('ld.giamdoc', 'h1', T0)).toBe(true);
      expect(await store.signinCodeRedeem('ld.giamdoc', 'h1', T0 + SEC)).toBe(false);
    });

    it('a sign-in code is used up by exactly one of many processes redeeming it at once', async () => {
      const all = await three();
      for (let round = 0; round < ROUNDS; round++) {
        await store.signinCodeIssue('ld.giamdoc', `h${round}`, T0 + HOUR);
        const got = await race(all, 12, (s) => s.signinCodeRedeem('ld.giamdoc', `h${round}`, T0));
        expect(count(got, true)).toBe(1);
      }
    });
  });

  describe('settings', () => {
    it('are put, read and deleted', async () => {
      expect(await store.settingGet('k')).toBeUndefined();
      await store.settingPut('k', 'một');
      await store.settingPut('k', 'hai');
      expect(await store.settingGet('k')).toBe('hai');
      await store.settingPut('k', undefined);
      expect(await store.settingGet('k')).toBeUndefined();
    });

    it('getOrCreate makes a value once and returns it ever after', async () => {
      let made = 0;
      expect(await store.settingGetOrCreate('session_secret', () => `s${++made}`)).toBe('s1');
      const never = () => {
        throw new Error('made again');
      };
      expect(await store.settingGetOrCreate('session_secret', never)).toBe('s1');
      expect(await (await other()).settingGetOrCreate('session_secret', never)).toBe('s1');
      expect(made).toBe(1);
    });

    it('getOrCreate gives every racing process the same, stored value', async () => {
      const all = await three();
      for (let round = 0; round < ROUNDS; round++) {
        const key = `secret-${round}`;
        const got = await race(all, 9, (s, i) => s.settingGetOrCreate(key, () => `from-${i}`));
        expect(new Set(got).size).toBe(1);
        expect(got[0]).toMatch(/^from-\d$/);
        expect(await store.settingGet(key)).toBe(got[0]);
      }
    });
  });

  describe('plan drafts and conversations', () => {
    it('a draft comes back as saved, odd characters and all; saving again replaces it', async () => {
      const text = 'KẾ HOẠCH\u0000 số 12/KH-SNV — “Đề án 06” \ud83d\udcc4\n\tII.2.(1) Rà soát';
      const draft: PlanDraft = {
        id: 'd1',
        personId: 'hcth.truong',
        fileName: 'ke-hoach.txt',
        text,
        document: { format: 'txt', blocks: [], text },
        edits: { 'II.2.(1)': { units: 'HCTH', deadline: 'Quý II năm 2025' } },
        plan: { id: 'snv-2025', title: 'Kế hoạch 2025' },
        createdAt: T0,
      };
      await store.draftSave(draft);
      expect(await store.draftGet('d1')).toEqual(draft);
      await store.draftSave({ ...draft, startedPlanId: 'snv-2025' });
      expect((await (await other()).draftGet('d1'))?.startedPlanId).toBe('snv-2025');
      expect(await store.draftGet('d2')).toBeUndefined();
    });

    it('the bot remembers the latest context of each conversation', async () => {
      expect(await store.botContextGet('hcth.cv2')).toBeUndefined();
      await store.botContextPut('hcth.cv2', { list: ['w1', 'w2'], updatedAt: T0 });
      const next = { list: ['w3'], lastWorkflowId: 'w3', pending: { command: 'tiến độ', at: T0 + SEC }, updatedAt: T0 + SEC };
      await store.botContextPut('hcth.cv2', next);
      expect(await store.botContextGet('hcth.cv2')).toEqual(next);
      expect(await store.botContextGet('tccb.cv1')).toBeUndefined();
    });
  });

  describe('reach', () => {
    it('keeps the latest interaction of each Zalo user', async () => {
      await store.zaloInteraction('zu1', T0 + 10);
      await store.zaloInteraction('zu1', T0);
      expect(await store.zaloInteractionOf('zu1')).toBe(T0 + 10);
      await store.zaloInteraction('zu1', T0 + 20);
      expect(await store.zaloInteractionOf('zu1')).toBe(T0 + 20);
      expect(await store.zaloInteractionOf('zu2')).toBeUndefined();
    });

    it('keeps the phone a person shared last', async () => {
      await store.personPhoneSet('hcth.cv2', '84912345678', T0);
      await store.personPhoneSet('hcth.cv2', '84987654321', T0 + SEC);
      expect(await store.personPhoneOf('hcth.cv2')).toBe('84987654321');
      expect(await store.personPhoneOf('tccb.cv1')).toBeUndefined();
    });

    it('gives refusals since a time, oldest first (ties in recording order), and forgets them after 30 days', async () => {
      await store.refusalRecord('hcth.cv2', 'zalo_cs', -213, T0);
      await store.refusalRecord('hcth.cv2', 'email', 550, T0 + 10);
      await store.refusalRecord('hcth.cv2', 'zalo_template_uid', -124, T0 + 10);
      await store.refusalRecord('tccb.cv1', 'zalo_cs', -213, T0 + 10);
      expect(await store.refusalsOf('hcth.cv2', T0 + 5)).toEqual([
        { channel: 'email', code: 550, at: T0 + 10 },
        { channel: 'zalo_template_uid', code: -124, at: T0 + 10 },
      ]);
      expect(await store.refusalsOf('hcth.cv2', T0)).toHaveLength(3);
      await store.refusalRecord('hcth.cv2', 'zalo_cs', -230, T0 + 11 + REFUSAL_MEMORY_MS);
      expect(await store.refusalsOf('hcth.cv2', 0)).toEqual([{ channel: 'zalo_cs', code: -230, at: T0 + 11 + REFUSAL_MEMORY_MS }]);
      expect(await store.refusalsOf('tccb.cv1', 0)).toEqual([]);
    });
  });

  describe('rate bucket', () => {
    it('grants a burst, then asks to wait for the next token', async () => {
      const take = (at: number) => store.rateTake('zalo', 60, 3, at);
      expect([await take(T0), await take(T0), await take(T0)]).toEqual([0, 0, 0]);
      expect(await take(T0)).toBe(1000);
      expect(await take(T0 + 500)).toBe(500);
      expect(await take(T0 + 1000)).toBe(0);
      expect(await take(T0 + 1000)).toBe(1000);
      expect(await store.rateTake('other', 60, 3, T0 + 1000)).toBe(0); // buckets are apart
    });

    it('is one budget for every process, however many ask at once', async () => {
      const all = await three();
      for (let round = 0; round < ROUNDS; round++) {
        const got = await race(all, 15, (s) => s.rateTake(`zalo-${round}`, 60, 5, T0));
        expect(count(got, 0)).toBe(5);
        expect(got.filter((w) => w > 0)).toHaveLength(10);
      }
    });

    it('a pause holds every taker; a later pause extends it, an earlier one never shortens it', async () => {
      const take = (s: Store, at: number) => s.rateTake('zalo', 60, 3, at);
      expect(await take(store, T0)).toBe(0);
      await store.ratePause('zalo', T0 + 60 * SEC);
      const b = await other();
      expect(await take(b, T0 + SEC)).toBe(59 * SEC);
      await b.ratePause('zalo', T0 + 30 * SEC);
      expect(await take(store, T0 + SEC)).toBe(59 * SEC);
      // After the pause: one call, then the steady rate.
      expect(await take(store, T0 + 60 * SEC)).toBe(0);
      expect(await take(store, T0 + 60 * SEC)).toBe(1000);
      await store.ratePause('zalo', T0 + 90 * SEC);
      expect(await take(b, T0 + 61 * SEC)).toBe(29 * SEC);
    });

    it('a pause on a bucket never used holds it too', async () => {
      await store.ratePause('fresh', T0 + 5 * SEC);
      expect(await store.rateTake('fresh', 60, 3, T0)).toBe(5 * SEC);
      expect(await store.rateTake('fresh', 60, 3, T0 + 5 * SEC)).toBe(0);
      expect(await store.rateTake('fresh', 60, 3, T0 + 5 * SEC)).toBe(1000);
    });
  });
  describe('task read model', () => {
    const UNITS = ['HCTH', 'TTRA', 'VP_1', 'KHTC'];
    const PEOPLE = ['hcth.cv1', 'hcth.cv2', 'ttra.cv1', 'gd'];
    const TITLES = ['Rà soát dịch vụ công', 'Làm sạch dữ liệu dân cư', 'Báo cáo 100% kết quả', 'Đẩy mạnh thanh toán_trực tuyến', 'Ứng dụng VNeID'];
    const REFS = ['I.1', 'I.2', 'I.10', 'II.1.(1)', 'II.1.(2)', 'II.1.(10)', 'II.2.a', 'II.2.b', 'II.2.đ', 'II.2.d', 'IX.1', 'V.3', '3.1', '3.1.a', '10'];

    /** A deterministic spread of rows over every field the questions read. */
    function records(n: number): TaskRecord[] {
      let x = 7;
      const pick = <T>(xs: readonly T[]): T => xs[(x = (x * 1103515245 + 12345) % 2147483648) % xs.length]!;
      return Array.from({ length: n }, (_, i) => {
        const status = pick(TASK_STATUSES);
        const done = status === 'done_on_time' || status === 'done_late' || status === 'cancelled';
        const due = pick([undefined, '2025-06-02', '2025-06-30', '2025-07-15', '2025-12-31']);
        return {
          workflowId: `plan/p${i % 3}/task/${i}`,
          planId: `p${i % 3}`,
          planTitle: `Kế hoạch ${i % 3}`,
          ref: pick(REFS),
          title: pick(TITLES),
          unit: pick(UNITS),
          assignee: pick(PEOPLE),
          status,
          ...(due ? { due } : {}),
          escalationLevel: pick([0, 0, 1, 2, 3]),
          running: !done,
          ...(done ? { closedAt: T0 - pick([0, 1, 8, 20, 40]) * 24 * HOUR } : {}),
          recurring: pick([true, false]),
          version: 1_000 + i,
          updatedAt: T0,
          report: { unitName: `Phòng ${i % 4}`, assigneeName: 'Nguyễn Thị Hạnh', result: pick(['Chưa có báo cáo tiến độ', 'Đạt 60%: đã rà soát «100%» hồ sơ']), ...(done ? { doneAt: T0 - HOUR } : {}) },
        };
      });
    }

    const byRef = (a: TaskRecord, b: TaskRecord) => {
      const plain = (p: string, q: string) => (p < q ? -1 : p > q ? 1 : 0);
      return compareTaskRefs(a.ref, b.ref) || plain(a.unit, b.unit) || plain(a.planId, b.planId) || plain(a.workflowId, b.workflowId);
    };

    it('keeps the newest version of a row: an older or repeated write changes nothing, from any process', async () => {
      const [r] = records(1);
      expect(await store.taskPut({ ...r!, version: 10, status: 'not_due' })).toBe(true);
      expect(await store.taskPut({ ...r!, version: 10, status: 'overdue' })).toBe(false);
      expect(await store.taskPut({ ...r!, version: 9, status: 'done_late' })).toBe(false);
      expect((await store.taskGet(r!.workflowId))?.status).toBe('not_due');
      expect(await store.taskPut({ ...r!, version: 11, status: 'overdue', escalationLevel: 2 })).toBe(true);
      expect(await store.taskGet(r!.workflowId)).toEqual({ ...r!, version: 11, status: 'overdue', escalationLevel: 2 });
      // Writes of one task arriving in any order through three handles: the highest version stays.
      const hs = await three();
      const versions = Array.from({ length: 30 }, (_, i) => 100 + i).sort(() => Math.random() - 0.5);
      await Promise.all(versions.map((v, i) => hs[i % 3]!.taskPut({ ...r!, version: v, assignee: `p${v}` })));
      expect(await store.taskGet(r!.workflowId)).toMatchObject({ version: 129, assignee: 'p129' });
      await store.taskRemove(r!.workflowId);
      expect(await store.taskGet(r!.workflowId)).toBeUndefined();
    });

    it('answers every question as matchesWhere does, in the dashboard\'s and the plan\'s order, page by page', async () => {
      const rows = records(400);
      for (const r of rows) await store.taskPut(r);
      const questions: TaskWhere[] = [
        EVERY_TASK,
        { planId: 'p1' },
        { unitIn: ['HCTH', 'VP_1'] },
        { unitIn: [] },
        { any: [] },
        { statusIn: ['overdue', 'awaiting_approval'] },
        allOf({ running: true }, anyOf({ assignee: 'hcth.cv1' }, allOf({ unitIn: ['TTRA'] }, anyOf({ statusIn: ['overdue'] }, { escalationAtLeast: 2 })))),
        { refIn: ['II.2.đ', 'I.10'] },
        allOf({ dueFrom: '2025-06-30' }, { dueTo: '2025-07-15' }),
        { running: false },
        { not: { dueFrom: '2025-06-30' } },
        allOf({ not: { statusIn: ['overdue'] } }, { not: allOf({ statusIn: ['awaiting_approval'] }, { unitIn: ['HCTH'] }) }),
        { text: 'ra soat' },
        { text: 'DỮ LIỆU dân' },
        { text: '100%' },
        { text: 'thanh_truc' },
        { text: '%' },
        { text: 'ii.2 d' },
      ];
      for (const q of questions) {
        const expected = rows.filter((r) => matchesWhere(r, q));
        const attention = sortForDashboard(expected).map((r) => r.workflowId);
        expect((await store.taskFind(q)).map((r) => r.workflowId), JSON.stringify(q)).toEqual(attention);
        expect((await store.taskFind(q, { order: 'attention', offset: 20, limit: 15 })).map((r) => r.workflowId)).toEqual(attention.slice(20, 35));
        expect((await store.taskFind(q, { order: 'ref' })).map((r) => r.workflowId), JSON.stringify(q)).toEqual([...expected].sort(byRef).map((r) => r.workflowId));
        const summary = await store.taskSummary(q);
        expect(countsOf(summary.tallies)).toEqual(countByStatus(expected));
        expect(unitLinesOf(summary.tallies, ORG_UNITS)).toEqual(byUnit(expected, ORG_UNITS));
        expect(completionOf(summary.doneByDay, '2025-06-30', 8)).toEqual(completionOverTime(expected, '2025-06-30', 8));
      }
      // What is read back is what was written.
      expect(await store.taskFind({ planId: 'p2' }, { order: 'ref' })).toEqual(rows.filter((r) => r.planId === 'p2').sort(byRef));
    });

    it('a summary\'s stamp changes when a matching row is written, and not when a write is refused', async () => {
      const rows = records(20);
      for (const r of rows) await store.taskPut(r);
      const q: TaskWhere = { planId: 'p1' };
      const before = (await store.taskSummary(q)).stamp;
      const target = rows.find((r) => r.planId === 'p1')!;
      await store.taskPut({ ...target, version: 1 });
      expect((await store.taskSummary(q)).stamp).toBe(before);
      const b = await other();
      await b.taskPut({ ...target, version: target.version + 1, escalationLevel: 3 });
      const after = (await store.taskSummary(q)).stamp;
      expect(after).not.toBe(before);
      await store.taskPut({ ...rows.find((r) => r.planId === 'p2')!, version: 99_999 });
      expect((await store.taskSummary(q)).stamp).toBe(after);
    });
  });
});

describe('PostgreSQL migrations', () => {
  beforeAll(() => pgTest.setup());
  afterAll(() => pgTest.teardown());

  const versions = async (schema: string) =>
    (await pgTest.admin!.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows.map((r) => r.version);

  it('several processes starting at once apply each version exactly once', async () => {
    const schema = await pgTest.schema();
    const config = pgTest.config(schema);
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open(config)));
    try {
      expect(await versions(schema)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      await stores[0]!.settingPut('k', 'v');
      expect(await stores[5]!.settingGet('k')).toBe('v');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const pool = new pg.Pool(config);
    try {
      expect(await migratePostgres(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('a new version is applied once by one of the processes starting together, on top of the old ones', async () => {
    const schema = await pgTest.schema();
    const config = pgTest.config(schema);
    await (await PostgresStore.open(config)).close();
    const next = [...PG_MIGRATIONS, { version: 1000, name: 'test: an added column', sql: 'ALTER TABLE settings ADD COLUMN note TEXT' }];
    const pools = Array.from({ length: 5 }, () => new pg.Pool(config));
    try {
      const applied = await Promise.all(pools.map((p) => migratePostgres(p, next)));
      expect(applied.flat()).toEqual([1000]);
      expect(await versions(schema)).toEqual([...PG_MIGRATIONS.map((m) => m.version), 1000]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('a failing version leaves no trace and stops the start', async () => {
    const schema = await pgTest.schema();
    const config = pgTest.config(schema);
    const broken = [...PG_MIGRATIONS, { version: 999, name: 'test: broken', sql: 'CREATE TABLE half_done (id INT); SELECT no_such_column FROM settings' }];
    await expect(PostgresStore.open(config, { migrations: broken })).rejects.toThrow(/migration 999 \(test: broken\)/);
    expect(await versions(schema)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    const half = await pgTest.admin!.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'half_done'`, [schema]);
    expect(half.rowCount).toBe(0);
  });
});

describe('openStore', () => {
  beforeAll(() => pgTest.setup());
  afterAll(() => pgTest.teardown());

  it('opens PostgreSQL when DATABASE_URL is set, SQLite in DATA_DIR otherwise', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = mkdtempSync(join(ARTIFACTS, 'open-store-'));
    try {
      const sqlite = await openStore(loadConfig({ DATA_DIR: dir }));
      expect(sqlite).toBeInstanceOf(SqliteStore);
      await sqlite.close();
      expect(existsSync(join(dir, 'state.sqlite'))).toBe(true);
      const postgres = await openStore(loadConfig({ DATA_DIR: dir, DATABASE_URL: pgTest.url }));
      expect(postgres).toBeInstanceOf(PostgresStore);
      await postgres.settingPut('k', 'v');
      expect(await postgres.settingGet('k')).toBe('v');
      await postgres.close();
      await postgres.close(); // closing twice is harmless, as with SQLite
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a DATABASE_URL that is not PostgreSQL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u@h/db' })).toThrow(/DATABASE_URL/);
  });
});
