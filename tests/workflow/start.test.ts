// `npm start` as a newcomer runs it: embedded server persisted under DATA_DIR, worker, health,
// the example plan started once; Ctrl-C stops cleanly and a restart carries on.
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { planTasks } from '../../client/visibility.js';
import { freePort } from '../global-setup.js';
import { eventually } from '../helpers/harness.js';
import { nodeFlagsOf } from '../../scripts/node-flags.js';

/**
 * `npm start` (node with its V8 flags and tsx, the workflow code bundled as the worker starts), or with
 * `bundled` as a deployment runs it: the entry point bundled once for the run
 * (helpers/node-bundle.ts: plain `node`, no TypeScript compiled in the process) and the workflow
 * code bundled beforehand (WORKFLOW_BUNDLE, the run's bundle).
 */
function start(env: NodeJS.ProcessEnv, how: 'tsx' | 'bundled' = 'bundled', ...args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const [entry, extra] = how === 'tsx' ? [[...nodeFlagsOf('start'), '--import', 'tsx', 'worker/main.ts'], {}] : [[inject('bundledMain')], { WORKFLOW_BUNDLE: inject('workflowBundlePath') }];
  const child = spawn(process.execPath, [...entry, ...args], { env: { ...extra, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function health(port: number): Promise<{ ok: boolean; temporal: { reachable: boolean } } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return res.status === 200 ? ((await res.json()) as { ok: boolean; temporal: { reachable: boolean } }) : undefined;
  } catch {
    return undefined;
  }
}

/** `npm start` on its own data directory, ports and task queue, on the embedded server. */
async function freshEnv(prefix: string, taskQueue: string): Promise<{ env: NodeJS.ProcessEnv; dataDir: string; port: number; devPort: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const [port, devPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(devPort),
    TEMPORAL_UI_PORT: '0',
    TEMPORAL_CLI: inject('temporalCli'),
    TEMPORAL_TASK_QUEUE: taskQueue,
  };
  delete env.TEMPORAL_ADDRESS;
  return { env, dataDir, port, devPort };
}

// Independent apps (each its own data, ports and server) that mostly wait, on startup and on
// business time: the tests run at once.
describe.concurrent('npm start', () => {
  it('runs everything, starts the example plan once, and survives a restart on the same data', async () => {
    const { env, port, devPort } = await freshEnv('de-an-06-start-', 'npm-start-test');

    // The first start as a newcomer runs it; the restart runs the bundled build of the same sources.
    let app = start(env, 'tsx');
    expect((await eventually(() => health(port), 90_000, 'healthz', () => app.output()))!.temporal.reachable).toBe(true);
    await eventually(() => app.output().includes('example plan started'), 30_000, 'example plan', () => app.output());
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${devPort}` }) });
    const first = await eventually(async () => {
      const rows = await planTasks(client, 'snv-hau-giang-2024-de-an-06');
      // "các Phòng, Ban, Trung tâm": one workflow for each of the 9 units.
      return new Set(rows.map((r) => r.ref)).size === 21 && rows.filter((r) => r.ref === 'II.2.(5)').length === 9 && rows;
    }, 120_000, 'example plan tasks');
    expect(first.find((r) => r.ref === 'II.2.(1)')).toMatchObject({ unit: 'HCTH', assignee: 'hcth.cv1', due: '2024-06-30' });

    // Without Zalo credentials: the local double and the /dev/zalo chat page, through the signed webhook.
    const base = `http://127.0.0.1:${port}`;
    expect(app.output()).toContain('using the local Zalo double');
    expect(await (await fetch(`${base}/dev/zalo`)).text()).toContain('Zalo OA — bản thử trên máy');
    const home = await fetch(`${base}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([303, '/dang-nhap?next=%2F']);
    expect(await (await fetch(`${base}/dang-nhap`)).text()).toContain('Mã đăng nhập được gửi qua Zalo OA');
    const unsigned = await fetch(`${base}/zalo/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"app_id":"1","timestamp":"1700000000000"}' });
    expect([unsigned.status, await unsigned.json()]).toEqual([401, { ok: false, error: 'unsigned' }]);
    const chat = async (person: string) =>
      ((await (await fetch(`${base}/dev/zalo/api/chat?person=${person}`)).json()) as { messages: { from: string; text: string }[] }).messages;
    const say = (person: string, text: string) =>
      fetch(`${base}/dev/zalo/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ person, text }) });
    expect((await say('hcth.cv1', 'ds')).status).toBe(200);
    await eventually(async () => (await chat('hcth.cv1')).find((m) => m.from === 'oa' && m.text.startsWith('Nhiệm vụ của đồng chí')), 30_000, 'the list in the chat');
    await say('tccb.cv1', 'ds');
    await eventually(async () => (await chat('tccb.cv1')).find((m) => m.text.includes('chưa được liên kết')), 30_000, 'the unlinked answer');
    const { code } = (await (await fetch(`${base}/dev/zalo/api/link-code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"person":"tccb.cv1"}' })).json()) as { code: string };
    await say('tccb.cv1', `dk ${code}`);
    await eventually(async () => (await chat('tccb.cv1')).find((m) => m.text.startsWith('Đã liên kết Zalo với tài khoản Ngô Thị Lan')), 30_000, 'linked');

    app.child.kill('SIGINT');
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('stopped');
    await client.connection.close();

    app = start(env);
    await eventually(() => health(port), 90_000, 'healthz after restart', () => app.output());
    const again = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${devPort}` }) });
    const rows = await eventually(async () => {
      const r = await planTasks(again, 'snv-hau-giang-2024-de-an-06');
      return new Set(r.map((x) => x.ref)).size === 21 && r;
    }, 30_000, 'tasks after restart');
    expect(rows.every((r) => r.running)).toBe(true);
    expect(app.output()).not.toContain('example plan started');
    app.child.kill('SIGINT');
    expect(await app.exited).toBe(0);
    await again.connection.close();
  }, 400_000);

  it('--demo: its own data, never a real Zalo OA, and business time fast enough to watch the ladder climb', async () => {
    const fresh = await freshEnv('de-an-06-demo-', 'npm-start-demo');
    const { port, dataDir } = fresh;
    const env = {
      ...fresh.env,
      DEMO_SECONDS_PER_DAY: '2',
      // Two tasks, not the example's 103 workflows: the ladder is the same, the machine stays free.
      EXAMPLE_PLAN_FILE: 'tests/fixtures/plans/demo-small.yaml',
      // Credentials of a real OA: a demo must not use them.
      ZALO_APP_ID: '1234567890',
      ZALO_APP_SECRET: 'secret',
      ZALO_OA_SECRET_KEY: 'oa-secret',
      ZALO_ACCESS_TOKEN: 'access',
      ZALO_REFRESH_TOKEN: 'refresh',
    };
    const { child: app, output, exited } = start(env, 'bundled', '--demo');
    await eventually(() => health(port), 90_000, 'healthz', output);
    const out = output();
    expect(out).toContain('demo mode: the ZALO_* credentials are ignored');
    expect(out).toContain('using the local Zalo double');
    expect(existsSync(join(dataDir, 'demo', 'state.sqlite'))).toBe(true);
    expect(existsSync(join(dataDir, 'demo', 'demo-clock.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'state.sqlite'))).toBe(false);
    // Reminders, then the first step up the chain, in the local chat within a couple of minutes.
    const chat = async (person: string) =>
      ((await (await fetch(`http://127.0.0.1:${port}/dev/zalo/api/chat?person=${person}`)).json()) as { messages: { from: string; text: string }[] }).messages;
    await eventually(async () => (await chat('hcth.cv1')).find((m) => m.from === 'oa' && m.text.startsWith('Nhắc việc')), 120_000, 'a reminder in the chat', () => output().slice(-2000));
    await eventually(async () => (await chat('hcth.truong')).find((m) => m.from === 'oa' && /quá hạn|Báo cáo cấp 1/.test(m.text)), 120_000, 'an escalation to the head', () => output().slice(-2000));
    await eventually(async () => (await chat('ld.pgd1')).find((m) => m.from === 'oa' && /quá hạn|Báo cáo cấp 2/.test(m.text)), 120_000, 'an escalation to the Phó Giám đốc', () => output().slice(-2000));
    app.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 400_000);

  it('refuses to start with an invalid org chart, naming the file and the path', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'de-an-06-bad-'));
    const orgFile = join(dataDir, 'org.yaml');
    writeFileSync(orgFile, 'agency: { name: Sở }\npeople: [{ id: a, name: A, title: T }]\nunits: [{ code: HCTH, name: P, kind: Phòng, head: khong-co }]\nleadership: { director: a }\n');
    const app = start({ ...process.env, DATA_DIR: dataDir, ORG_FILE: orgFile, PORT: String(await freePort()) });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain(`${orgFile} is invalid`);
    expect(app.output()).toContain('units[0].head: no person with id "khong-co" in people');
    expect(app.output()).toContain('không có người mã «khong-co»');
  });

  it('refuses to start with an invalid Zalo templates file, naming the file, the path and the problem', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'de-an-06-bad-'));
    const file = join(dataDir, 'zalo-templates.yaml');
    writeFileSync(file, 'templates:\n  reminder:\n    templateId: "401001"\n    params: { co_quan: { value: "Sở Nội vụ tỉnh Hậu Giang", max: 10 } }\n');
    const app = start({ ...process.env, DATA_DIR: dataDir, ZALO_TEMPLATES_FILE: file, PORT: String(await freePort()) });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain(`${file} is invalid`);
    expect(app.output()).toContain('templates.reminder.params.co_quan.value: value is 24 characters, over the limit of 10');
    expect(app.output()).toContain('vượt giới hạn 10');
    // Nothing started: no dev server database, no store.
    expect(existsSync(join(dataDir, 'temporal.sqlite'))).toBe(false);
  });
});
