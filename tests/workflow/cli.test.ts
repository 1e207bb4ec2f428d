// The admin CLI end to end: real processes against the run's dev server.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parsePlan } from '../../domain/plan.js';
import { eventually, startHarness, testPlan, type Harness } from '../helpers/harness.js';

const run = promisify(execFile);

describe('admin CLI', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const plan = testPlan([{ deadline: { kind: 'date', due: '2025-03-28', text: 'Ngày 28/3/2025' } }, {}]);
  const t1 = `${plan.id}/II.1.(1)`;

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  beforeAll(async () => {
    h = await startHarness({ secondsPerDay: 30 });
    dir = mkdtempSync(join(tmpdir(), 'de-an-06-cli-'));
    env = { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: h.taskQueue, DATA_DIR: dir };
    writeFileSync(join(dir, 'plan.yaml'), stringify(plan));
  });
  afterAll(() => h?.stop());

  it('starts a plan once, lists it, and drives a task to done', async () => {
    const first = await cli('plan', 'start', join(dir, 'plan.yaml'));
    expect(first.stdout).toContain(`Đã khởi động kế hoạch ${plan.id} (2 nhiệm vụ): 2 luồng theo dõi mới, 0 đã chạy từ trước.`);
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

    const noYes = await cli('plan', 'start', seed, '--allow-warnings');
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
    expect(badPeriod.stderr).toContain('Kỳ báo cáo "2025-13" không đúng dạng');

    writeFileSync(join(dir, 'empty.txt'), '');
    const empty = await cli('plan', 'parse', join(dir, 'empty.txt'));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('rỗng');
  });

  it('refuses bad input with a Vietnamese reason and a non-zero exit', async () => {
    const t2 = `${plan.id}/II.1.(2)`;
    const outsider = await cli('task', 'ack', t2, '--as', 'tccb.cv1');
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toContain('Bạn không thuộc đơn vị hoặc lãnh đạo phụ trách nhiệm vụ này.');
    expect((await cli('task', 'ack', t2, '--as', 'ai.do')).stderr).toContain('Không có người mã "ai.do"');
    expect((await cli('task', 'extend', t2, '31/02/2025', 'chờ', '--as', 'hcth.cv1')).stderr).toContain('Ngày 31/02/2025 không tồn tại.');
    expect((await cli('task', 'show', `${plan.id}/II.9.(9)`)).stderr).toContain('Không tìm thấy nhiệm vụ');

    writeFileSync(join(dir, 'bad.yaml'), stringify({ ...plan, id: 'bad-plan', tasks: [{ ...plan.tasks[0], lead: ['XYZ'] }] }));
    const bad = await cli('plan', 'start', join(dir, 'bad.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('tasks[0].lead[0]: đơn vị chủ trì "XYZ" không có trong sơ đồ tổ chức');
    expect((await cli('plan', 'list', '--json')).stdout).not.toContain('bad-plan');
  });
});
