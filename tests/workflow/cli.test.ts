// The admin CLI end to end against the run's dev server, as bundled once for the run (see
// helpers/node-bundle.ts). Most invocations run in the warm runner (helpers/cli-runner.mjs: the
// same code, each invocation with its own argv, environment, output and exit code, without
// loading the CLI's packages every time); a success and a refusal run as processes of their own
// (`cliOwnProcess`: the real exit codes), and the piped tokens through tsx, as `npm run cli` runs.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tokenProblem } from '../../client/zalo-tokens.js';
import { ZaloTokenManager } from '../../bot/zalo-tokens.js';
import type { ReachRow } from '../../client/reach.js';
import { parsePlan } from '../../domain/plan.js';
import { SqliteStore } from '../../store/sqlite.js';
import { cliProcess, warmCli, type CliResult, type WarmCli } from '../helpers/cli.js';
import { eventually, ORG, startHarness, testPlan, type Harness } from '../helpers/harness.js';

describe('admin CLI', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const plan = testPlan([{ deadline: { kind: 'date', due: '2025-03-28', text: 'Ngày 28/3/2025' } }, {}]);
  const t1 = `${plan.id}/II.1.(1)`;

  let warm: WarmCli;
  const cli = (...args: string[]): Promise<CliResult> => warm.run(args, env);
  const cliOwnProcess = (...args: string[]): Promise<CliResult> => cliProcess(inject('bundledCli'), args, env);

  beforeAll(async () => {
    warm = warmCli(inject('bundledCli'));
    h = await startHarness({ secondsPerDay: 30 });
    // The CLI shares the worker's store, as on a deployment (the read model is written there).
    dir = h.dir;
    env = { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: h.taskQueue, DATA_DIR: dir };
    writeFileSync(join(dir, 'plan.yaml'), stringify(plan));
  });
  afterAll(async () => {
    await warm?.close();
    await h?.stop();
  });

  it('starts a plan once, lists it, and drives a task to done', async () => {
    const first = await cliOwnProcess('plan', 'start', join(dir, 'plan.yaml'));
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Đã khởi động kế hoạch ${plan.id} (2 nhiệm vụ): 2 luồng theo dõi mới, 0 đã chạy từ trước.`);
    // Progress on stderr (not a terminal here: a line per tenth of the way, then the end).
    expect(first.stderr).toContain('Đã khởi động 1/2 nhiệm vụ (50%)');
    expect(first.stderr).toMatch(/Đã khởi động 2\/2 nhiệm vụ \(100%\) · [\d,]+ nhiệm vụ\/giây · xong sau \d+ giây/);
    const again = await cli('plan', 'start', join(dir, 'plan.yaml'), '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ plan: plan.id, started: 0, existing: 2 });
    expect((await cli('plan', 'list')).stdout).toContain(plan.id);

    expect((await cli('task', 'ack', t1, '--as', 'hcth.cv2')).stdout).toContain('Người được giao: Bùi Thị Hạnh (Chuyên viên Phòng Hành chính – Tổng hợp), đã nhận');
    expect((await cli('task', 'progress', t1, '60%', 'đã', 'rà', 'soát', '--as', 'hcth.cv2')).code).toBe(0);
    expect((await cli('task', 'complete', t1, 'xong', '--as', 'hcth.cv2')).stdout).toContain('Trạng thái: chờ duyệt');
    expect((await cli('task', 'approve', t1, '--as', 'hcth.truong')).stdout).toContain('Trạng thái: hoàn thành đúng hạn');

    const shown = await cli('task', 'show', t1);
    expect(shown.stdout).toContain('Diễn biến:');
    expect(shown.stdout).toContain('báo cáo tiến độ 60%: đã rà soát');
    expect(JSON.parse((await cli('task', 'show', t1, '--json')).stdout).status).toBe('done_on_time');

    const status = await eventually(async () => {
      const r = await cli('plan', 'status', plan.id);
      return r.stdout.includes('hoàn thành đúng hạn: 1') && r.stdout;
    }, 20_000, 'plan status');
    expect(status).toContain('II.1.(2)');
  });

  it('parses a plan document, and starts one only with --yes and no warnings left', async () => {
    const seed = join('tests', 'fixtures', 'plans', '000_741de00ae627158f.txt');
    const parsed = JSON.parse((await cli('plan', 'parse', seed, '--json')).stdout);
    expect(parsed.tasks).toHaveLength(21);
    expect(parsed.tasks[2]).toMatchObject({ ref: 'II.2.(1)', lead: ['HCTH'], deadline: { kind: 'date', due: '2024-06-30', text: 'Quý II năm 2024' } });
    expect(parsed.warnings).toHaveLength(4);
    const yamlOut = (await cli('plan', 'parse', seed, '--yaml')).stdout;
    expect(yamlOut).toContain('# Chưa đưa vào: II.6.(1)');
    writeFileSync(join(dir, 'imported.yaml'), yamlOut);
    expect(parsePlan(yamlOut, 'imported.yaml').tasks).toHaveLength(19);
    expect((await cli('plan', 'parse', seed)).stdout).toContain('II.2.(5)   tất cả 9 đơn vị');

    const noYes = await cliOwnProcess('plan', 'start', seed, '--allow-warnings');
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toContain('Chưa khởi động: xem lại bảng trên rồi chạy lại với --yes.');
    const warned = await cli('plan', 'start', seed, '--yes');
    expect(warned.stderr).toContain('Không khởi động: còn 4 cảnh báo.');
    expect((await cli('plan', 'list', '--json')).stdout).not.toContain('snv-2024-kh-snv');

    const table = join('tests', 'fixtures', 'plans', 'sample-table-plan.txt');
    const started = await cli('plan', 'start', table, '--org', 'examples/org-tinh-hau-giang.yaml', '--yes', '--json');
    expect(JSON.parse(started.stdout)).toMatchObject({ started: 8, existing: 0 });

    writeFileSync(join(dir, 'letter.txt'), 'Kính gửi: các cơ quan, đơn vị.\nĐề nghị phối hợp thực hiện.\n');
    const letter = await cli('plan', 'start', join(dir, 'letter.txt'), '--yes', '--allow-warnings');
    expect(letter.code).toBe(1);
    expect(letter.stderr).toContain('Không khởi động: không tìm thấy nhiệm vụ nào: văn bản không giống một kế hoạch.');

    const badPeriod = await cli('report', 'build', plan.id, '--period', '2025-13');
    expect(badPeriod.stderr).toContain('Kỳ báo cáo «2025-13» không đúng dạng');

    writeFileSync(join(dir, 'empty.txt'), '');
    const empty = await cli('plan', 'parse', join(dir, 'empty.txt'));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('rỗng');
  });

  it('refuses bad input with a Vietnamese reason and a non-zero exit', async () => {
    const t2 = `${plan.id}/II.1.(2)`;
    const outsider = await cli('task', 'ack', t2, '--as', 'tccb.cv1');
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toContain('Đồng chí không thuộc đơn vị hoặc lãnh đạo phụ trách nhiệm vụ này.');
    expect((await cli('task', 'ack', t2, '--as', 'ai.do')).stderr).toContain('Không có người mã «ai.do»');
    expect((await cli('task', 'extend', t2, '31/02/2025', 'chờ', '--as', 'hcth.cv1')).stderr).toContain('Ngày 31/02/2025 không tồn tại.');
    expect((await cli('task', 'show', `${plan.id}/II.9.(9)`)).stderr).toContain('Không tìm thấy nhiệm vụ');

    writeFileSync(join(dir, 'bad.yaml'), stringify({ ...plan, id: 'bad-plan', tasks: [{ ...plan.tasks[0], lead: ['XYZ'] }] }));
    const bad = await cli('plan', 'start', join(dir, 'bad.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('tasks[0].lead[0]: đơn vị chủ trì «XYZ» không có trong sơ đồ tổ chức');
    expect((await cli('plan', 'list', '--json')).stdout).not.toContain('bad-plan');
  });

  it('person reach: who a reminder reaches now, the unreachable first; a dead Zalo token makes everyone unreachable', async () => {
    const hcth = ORG.units.find((u) => u.code === 'HCTH')!;
    const state = () => new SqliteStore(join(dir, 'state.sqlite'));
    let s = state();
    const now = Date.now();
    await s.zaloTokensPut({ accessToken: 'reach-test-access-token-0001', refreshToken: 'reach-test-refresh-token-0001', expiresAt: now + 3600_000, updatedAt: now });
    await s.zaloLink('zalo-of-hcth-truong', 'hcth.truong', now);
    await s.zaloInteraction('zalo-of-hcth-truong', now);
    await s.close();

    const reach = async (...extra: string[]) => JSON.parse((await cli('person', 'reach', '--unit', 'HCTH', '--json', ...extra)).stdout) as ReachRow[];
    const rows = await reach();
    expect(new Set(rows.map((r) => r.person.id))).toEqual(new Set([hcth.head, ...hcth.members]));
    expect(rows.at(-1)).toMatchObject({ person: { id: 'hcth.truong' }, zaloUserId: 'zalo-of-hcth-truong', channels: ['zalo_cs'] });
    for (const r of rows.slice(0, -1)) {
      expect(r.channels).toEqual([]);
      expect(r.skipped).toContainEqual({ channel: 'zalo_cs', vi: 'chưa liên kết tài khoản Zalo' });
    }

    const text = await cli('person', 'reach', '--unit', 'HCTH');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${rows.length - 1} cán bộ không liên lạc được (trên tổng số ${rows.length} cán bộ).`);
    const lines = text.stdout.split('\n');
    const first = lines.findIndex((l) => l.startsWith('───'));
    expect(lines.slice(first + 1, first + rows.length).every((l) => l.includes('KHÔNG LIÊN LẠC ĐƯỢC (chưa liên kết tài khoản Zalo'))).toBe(true);
    const truong = lines.find((l) => l.startsWith('hcth.truong'))!;
    expect(truong).toContain('tin nhắn Zalo');
    expect(truong).not.toContain('KHÔNG LIÊN LẠC ĐƯỢC');
    const everyone = JSON.parse((await cli('person', 'reach', '--json')).stdout) as ReachRow[];
    expect(everyone).toHaveLength(ORG.people.length);
    const unknown = await cli('person', 'reach', '--unit', 'XYZ');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Không có đơn vị mã «XYZ» trong sơ đồ tổ chức.');

    // Zalo refuses the refresh token of an expired pair (the token manager's own path): nobody is reachable.
    s = state();
    await s.zaloTokensPut({ accessToken: 'reach-test-access-token-0001', refreshToken: 'reach-test-refresh-token-0001', expiresAt: Date.now() - 1000, updatedAt: Date.now() });
    const refused = new ZaloTokenManager({ store: s, refresh: () => Promise.reject(Object.assign(new Error('Invalid refresh token'), { kind: 'token' })) });
    await expect(refused.accessToken()).rejects.toThrow();
    expect(await tokenProblem(s)).toBeDefined();
    await s.close();
    const dead = await reach();
    expect(dead.every((r) => r.channels.length === 0)).toBe(true);
    expect(dead.find((r) => r.person.id === 'hcth.truong')!.skipped).toContainEqual({ channel: 'zalo_cs', vi: 'Zalo OA chưa có mã truy cập hợp lệ' });
    expect((await cli('person', 'reach', '--unit', 'HCTH')).stdout).toContain('Zalo OA chưa có mã truy cập hợp lệ: tin nhắn Zalo tạm thời không gửi được');

    // An admin installs a new pair: stored, never printed, the problem lifted, the head reachable again.
    const access = 'new-access-token-from-console-0123456789';
    const refresh = 'new-refresh-token-from-console-9876543210';
    const before = Date.now();
    const installed = await cli('zalo', 'token', access, refresh, '--expires-in', '3600');
    expect(installed.code).toBe(0);
    expect(installed.stdout.trim()).toBe('Đã lưu mã truy cập Zalo mới; các tin nhắn đang chờ sẽ được gửi trong ít phút.');
    expect(installed.stdout + installed.stderr).not.toContain(access);
    expect(installed.stdout + installed.stderr).not.toContain(refresh);
    s = state();
    const stored = (await s.zaloTokensGet())!;
    expect(stored).toMatchObject({ accessToken: access, refreshToken: refresh });
    expect(stored.expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(stored.expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(await tokenProblem(s)).toBeUndefined();
    await s.close();
    expect((await reach()).at(-1)).toMatchObject({ person: { id: 'hcth.truong' }, channels: ['zalo_cs'] });

    // From standard input, so the tokens stay out of the shell history.
    const piped = spawnSync(process.execPath, ['--import', 'tsx', 'cli/index.ts', 'zalo', 'token'], { env, input: `${access}-2\n${refresh}-2\n`, encoding: 'utf8', timeout: 60_000 });
    expect(piped.status).toBe(0);
    expect(piped.stdout + piped.stderr).not.toContain(access);
    s = state();
    expect(await s.zaloTokensGet()).toMatchObject({ accessToken: `${access}-2`, refreshToken: `${refresh}-2` });
    await s.close();
  });

  it('zalo token refuses what cannot be a token, and stores nothing', async () => {
    const pairBefore = async () => {
      const s = new SqliteStore(join(dir, 'state.sqlite'));
      const t = await s.zaloTokensGet();
      await s.close();
      return t;
    };
    const kept = await pairBefore();
    const long = 'a-perfectly-long-token-0123456789';
    for (const args of [['short', long], [long, 'abc123'], ['', long], [long, '                    '], [long, 'has spaces inside the token']]) {
      const r = await cli('zalo', 'token', ...args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Mã không hợp lệ: mã truy cập và mã làm mới phải là chuỗi ký tự liền, không có khoảng trắng, dài ít nhất 16 ký tự.');
      expect(r.stderr).not.toContain(long);
    }
    const same = await cli('zalo', 'token', long, long);
    expect(same.code).toBe(1);
    expect(same.stderr).toContain('Mã truy cập và mã làm mới trùng nhau');
    const badTtl = await cli('zalo', 'token', long, `${long}-r`, '--expires-in', '90000000');
    expect(badTtl.code).toBe(1);
    expect(badTtl.stderr).toContain('Thời hạn --expires-in «90000000» không hợp lệ');
    expect(await pairBefore()).toEqual(kept);
  });
});
