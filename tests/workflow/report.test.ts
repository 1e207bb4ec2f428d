// A report built on the real server, read back: its counts match the workflows' states.
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportNow, reportScheduleId } from '../../client/reports.js';
import { actOnTask, showTask } from '../../client/tasks.js';
import type { TaskStatus } from '../../domain/status.js';
import { REPORT_STATUS_LABELS } from '../../domain/report.js';
import { taskWorkflowId, unitWorkflowId, type UnitTaskView } from '../../domain/task.js';
import * as msg from '../../workflows/messages.js';
import { eventually, startHarness, testPlan, type Harness } from '../helpers/harness.js';
import { ARTIFACTS } from '../global-setup.js';

const run = promisify(execFile);

describe('reports', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ secondsPerDay: 30 });
  });
  afterAll(() => h?.stop());

  it('gathers every task, writes a DOCX and an XLSX whose counts match, and tells the reporting unit', async () => {
    const later = { kind: 'date' as const, due: '2025-03-28', text: 'Ngày 28/3/2025' };
    const plan = await h.startPlan(
      testPlan(
        [
          { deadline: later },
          { deadline: later },
          { deadline: { kind: 'date', due: '2025-02-28', text: 'Tháng 2/2025' } },
          { deadline: { kind: 'event', text: 'Khi có văn bản hướng dẫn' } },
          { lead: ['HCTH', 'TCCB'], deadline: later },
        ],
        { reporting: { owner: 'HCTH', cycles: [{ cycle: 'monthly', text: 'hằng tháng (trước ngày 15)' }] } },
      ),
    );
    const id = (n: number) => taskWorkflowId(plan.id, `II.1.(${n})`);
    await actOnTask(h.client, id(1), 'reportCompletion', { actor: 'hcth.cv1', note: 'đã xong' });
    await actOnTask(h.client, id(1), 'approveCompletion', { actor: 'hcth.truong' });
    await actOnTask(h.client, id(2), 'reportCompletion', { actor: 'hcth.cv1', note: 'chờ duyệt' });
    await eventually(async () => ((await showTask(h.client, id(3))).view as UnitTaskView).status === 'overdue', 10_000, 'overdue');
    const unitIds = [id(1), id(2), id(3), id(4), unitWorkflowId(plan.id, 'II.1.(5)', 'HCTH'), unitWorkflowId(plan.id, 'II.1.(5)', 'TCCB')];
    await eventually(async () => {
      for (const u of unitIds) await h.client.workflow.getHandle(u).query(msg.getTaskState);
      return true;
    }, 10_000, 'children started');

    const report = await buildReportNow(h.client, plan.id, '2025-03', h.taskQueue);
    const states = await Promise.all(unitIds.map(async (u) => (await h.client.workflow.getHandle(u).query(msg.getTaskState)).status));
    const expected: Partial<Record<TaskStatus, number>> = {};
    for (const s of states) expected[s] = (expected[s] ?? 0) + 1;
    expect(expected).toMatchObject({ done_on_time: 1, awaiting_approval: 1, overdue: 1, awaiting_activation: 1, not_due: 2 });
    expect(report.total).toBe(6);

    // The workbook: Vietnamese statuses (no codes), dates stored as dates, a frozen and filtered header, A4.
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(report.xlsx);
    const sheet = book.getWorksheet('Nhiệm vụ')!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    const statusCol = header.indexOf('Tình trạng');
    const dueCol = header.indexOf('Thời hạn');
    const fromXlsx: Partial<Record<string, number>> = {};
    sheet.eachRow((r, n) => {
      if (n > 1) fromXlsx[String(r.getCell(statusCol).value)] = (fromXlsx[String(r.getCell(statusCol).value)] ?? 0) + 1;
    });
    const labelled: Partial<Record<string, number>> = {};
    for (const [k, v] of Object.entries(expected)) labelled[{ ...REPORT_STATUS_LABELS }[k as TaskStatus].replace(/^./u, (c) => c.toUpperCase())] = v;
    expect(fromXlsx).toEqual(labelled);
    expect(JSON.stringify(sheet.getSheetValues())).not.toMatch(/awaiting_|not_due|done_on_time|overdue/);
    expect(sheet.getRow(2).getCell(dueCol).value).toBeInstanceOf(Date);
    expect(sheet.getColumn(dueCol).numFmt).toBe('dd/mm/yyyy');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, fitToPage: true });
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(40);
    const summary = book.getWorksheet('Tổng hợp')!;
    const totalRow = summary.getRow(summary.rowCount).values as unknown[];
    expect(totalRow[1]).toBe('Tổng cộng');
    expect(totalRow[2]).toBe(6);

    // The document: the letterhead, addressee and signature of Nghị định 30/2020, the narrative, the appendix.
    const { value: docText } = await mammoth.extractRawText({ path: report.docx });
    expect(docText).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(docText).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(docText).toMatch(/Số: +\/BC-SNV/);
    expect(docText).toContain('BÁO CÁO');
    expect(docText).toContain('Kết quả thực hiện Kế hoạch thử nghiệm tháng 03/2025');
    expect(docText).not.toMatch(/thực hiện Triển khai thực hiện|Kế hoạch số \//);
    expect(docText).toContain('Kính gửi: UBND tỉnh Hậu Giang.');
    expect(docText).toContain('Thực hiện Kế hoạch số 01/KH-TEST');
    expect(docText).toContain('Tổng số nhiệm vụ (tính theo đơn vị thực hiện): 6.');
    expect(docText).toContain('Đã hoàn thành: 1 (đúng hạn: 1; quá hạn: 0).');
    expect(docText).toContain('Quá hạn: 1.');
    expect(docText).toContain('Chờ duyệt: 1.');
    for (const section of ['I. KẾT QUẢ ĐẠT ĐƯỢC', 'II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN', 'III. KIẾN NGHỊ, ĐỀ XUẤT', 'IV. NHIỆM VỤ TRỌNG TÂM THÁNG 04/2025', 'Nơi nhận:', 'GIÁM ĐỐC', 'PHỤ LỤC'])
      expect(docText).toContain(section);
    expect(docText).toMatch(/II\.1\.\(3\) Nhiệm vụ thử 3 \(Phòng Hành chính – Tổng hợp, hạn 28\/02\/2025\)/);
    expect(docText).toContain('Đề nghị UBND tỉnh Hậu Giang sớm có văn bản hướng dẫn để triển khai 1 nhiệm vụ đang chờ.');
    expect(docText).not.toMatch(/Chờ kích hoạt|awaiting_activation|Cấp báo cáo/);
    // One appendix row per task (5), the task of two units with each unit's status.
    expect(docText).toMatch(/Phòng Hành chính – Tổng hợp: chưa đến hạn\s+Phòng Tổ chức cán bộ: chưa đến hạn/);
    expect(docText).toContain('Tổng cộng: 5 nhiệm vụ, 6 lượt đơn vị thực hiện');

    // Rendered by LibreOffice: the body on A4 portrait, the appendix landscape; pages 1 and 2 saved to look at.
    const shots = join(ARTIFACTS, 'screenshots');
    mkdirSync(shots, { recursive: true });
    const out = mkdtempSync(join(tmpdir(), 'report-pdf-'));
    await run('soffice', ['--headless', `-env:UserInstallation=file://${out}/profile`, '--convert-to', 'pdf', '--outdir', out, report.docx], { timeout: 120_000 });
    const pdf = join(out, basename(report.docx).replace(/\.docx$/, '.pdf'));
    const info = (await run('pdfinfo', ['-f', '1', '-l', '99', pdf])).stdout;
    const sizes = [...info.matchAll(/Page +\d+ size: +([\d.]+) x ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(sizes[0]![0]).toBeCloseTo(595.3, 0); // A4 portrait
    expect(sizes[0]![1]).toBeCloseTo(841.9, 0);
    expect(sizes.at(-1)![0]).toBeGreaterThan(sizes.at(-1)![1]); // the appendix, landscape
    await run('pdftoppm', ['-r', '80', '-f', '1', '-l', '2', '-png', pdf, join(shots, 'report-page')]);
    expect(readdirSync(shots).filter((f) => /^report-page-\d+\.png$/.test(f)).length).toBeGreaterThanOrEqual(2);

    const told = await eventually(async () => {
      const r = (await h.outbox({ kind: 'report' })).filter((n) => n.planId === plan.id);
      return r.length === 2 && r;
    }, 10_000, 'report notifications');
    expect(told.map((n) => n.to.id).sort()).toEqual(['hcth.cv1', 'hcth.truong']);
    expect(told[0]!.text).toContain('Đề nghị rà soát và gửi trước ngày 15/03/2025.');

    // The plan's regime became a schedule, in Vietnam's time zone.
    const schedule = await h.client.schedule.getHandle(reportScheduleId(plan.id, 'monthly')).describe();
    expect(schedule.spec.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(schedule.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 10, end: 10, step: 1 }] });
    await h.client.schedule.getHandle(reportScheduleId(plan.id, 'monthly')).delete();
  });
});
