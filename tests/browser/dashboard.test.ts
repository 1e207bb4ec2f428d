// The dashboard in headless Chromium (Debian's, driven by playwright-core) on the real dev server:
// sign in with the code from the Zalo double, an overdue task in red, an approval that the open
// overview shows by itself, and a plan started from its document after fixing a unit.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { showTask } from '../../client/tasks.js';
import { taskWorkflowId } from '../../domain/task.js';
import { ARTIFACTS } from '../global-setup.js';
import { startDashboardHarness, type DashboardHarness } from '../helpers/dashboard-harness.js';
import { eventually, testPlan } from '../helpers/harness-core.js';

const SHOTS = join(ARTIFACTS, 'screenshots');

describe('dashboard in a browser', () => {
  let h: DashboardHarness;
  let browser: Browser;
  let overdueTask: string;
  let approvalTask: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: ['--no-sandbox'] });
    h = await startDashboardHarness({ secondsPerDay: 4 });
    const plan = await h.startPlan(
      testPlan([
        { assignee: 'hcth.cv2', title: 'Rà soát dịch vụ công trực tuyến', deadline: { kind: 'date', due: '2025-03-03', text: 'Ngày 03/3/2025' } },
        { assignee: 'hcth.cv2', title: 'Báo cáo kết quả thu thập dữ liệu', deadline: { kind: 'date', due: '2025-06-30', text: 'Ngày 30/6/2025' } },
      ]),
    );
    overdueTask = taskWorkflowId(plan.id, 'II.1.(1)');
    approvalTask = taskWorkflowId(plan.id, 'II.1.(2)');
    await eventually(async () => {
      const v = await showTask(h.client, overdueTask).catch(() => undefined);
      return v?.kind === 'unit' && v.view.status === 'overdue';
    }, 30_000, 'the first task to be overdue');
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  /** What Chromium reports in the console about the Content-Security-Policy (a blocked inline script, style, …). */
  function cspViolations(ctx: BrowserContext): string[] {
    const seen: string[] = [];
    ctx.on('console', (m) => {
      if (/Content Security Policy|Refused to (execute|apply|load|connect|frame)/i.test(m.text())) seen.push(`${m.location().url}: ${m.text()}`);
    });
    ctx.on('weberror', (e) => seen.push(`error: ${e.error().message}`));
    return seen;
  }

  async function signIn(page: Page, personId: string): Promise<void> {
    await page.goto(`${h.base}/`);
    await expect.poll(() => page.url()).toContain('/dang-nhap');
    const before = h.sentTo(personId).length;
    await page.getByLabel('Mã cán bộ hoặc họ tên').fill(personId);
    await page.getByRole('button', { name: 'Gửi mã qua Zalo' }).click();
    await page.getByText('Đã gửi mã đăng nhập qua Zalo').waitFor();
    await page.getByLabel('Mã đăng nhập (6 số)').fill(await h.signInCode(personId, before));
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.waitForURL(`${h.base}/`);
  }

  it('signs in with the Zalo code, shows the overdue task in red, and the overview follows an approval by itself', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'vi-VN' });
    const violations = cspViolations(ctx);
    const overview = await ctx.newPage();
    await signIn(overview, 'hcth.truong');
    await expect.poll(() => overview.locator('header .who').textContent()).toContain('Hoàng Văn Giang');

    const row = overview.locator(`#overdue tr[data-workflow-id="${overdueTask}"]`);
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('overdue');
    const color = await row.locator('td').nth(1).evaluate((el) => getComputedStyle(el).color);
    expect(color).toBe('rgb(179, 38, 30)');
    await overview.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });
    // On a phone: nothing wider than the screen (wide tables scroll inside their card).
    await overview.setViewportSize({ width: 390, height: 844 });
    expect(await overview.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await overview.screenshot({ path: join(SHOTS, 'overview-phone.png'), fullPage: true });
    await overview.setViewportSize({ width: 1200, height: 900 });

    // The assignee reports completion from Zalo; the open overview shows "chờ duyệt" without a reload.
    const count = (status: string) => overview.locator(`a.count[data-status="${status}"] b`).textContent();
    const doneBefore = Number(await count('done_on_time'));
    expect(await h.ask('hcth.cv2', 'xong II.1.(2) đã gửi báo cáo')).toContain('Đã ghi nhận báo cáo hoàn thành');
    await expect.poll(() => count('awaiting_approval'), { timeout: 20_000 }).toBe('1');

    const task = await ctx.newPage();
    await task.goto(`${h.base}/nhiem-vu?id=${encodeURIComponent(approvalTask)}`);
    await task.screenshot({ path: join(SHOTS, 'task.png'), fullPage: true });
    await task.setViewportSize({ width: 390, height: 844 });
    expect(await task.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await task.screenshot({ path: join(SHOTS, 'task-phone.png'), fullPage: true });
    await task.setViewportSize({ width: 1200, height: 900 });
    // The conversation that led here, as the staff member saw it in Zalo.
    const chat = await ctx.newPage();
    await chat.setViewportSize({ width: 390, height: 844 });
    await chat.goto(`${h.base}/dev/zalo`);
    await chat.locator('#who').selectOption('hcth.cv2');
    await chat.getByText('Đã ghi nhận báo cáo hoàn thành').first().waitFor();
    await chat.screenshot({ path: join(SHOTS, 'chat-phone.png'), fullPage: true });
    // The chat page's script (a file now) still works: a message sent shows the bot's reply.
    // (Business days last 4 s here: the next escalation's notice may arrive before or after the reply.)
    const lists = chat.locator('#log .m.oa', { hasText: 'Nhiệm vụ của đồng chí' });
    const listsBefore = await lists.count();
    await chat.locator('#text').fill('ds');
    await chat.getByRole('button', { name: 'Gửi', exact: true }).click();
    await chat.locator('#log .m.user', { hasText: /^ds$/ }).last().waitFor();
    await expect.poll(() => lists.count(), { timeout: 20_000 }).toBe(listsBefore + 1);
    await task.getByRole('button', { name: 'Duyệt kết quả' }).click();
    await task.getByText('Đã duyệt kết quả.').waitFor();
    await expect.poll(() => count('done_on_time'), { timeout: 20_000 }).toBe(String(doneBefore + 1));
    expect(await count('awaiting_approval')).toBe('0');
    // The overview (its live refresh included), the task page and the chat: nothing the CSP blocked.
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('an admin uploads the seed 000 document, fixes a unit in the preview and starts the plan', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'vi-VN' });
    const violations = cspViolations(ctx);
    const page = await ctx.newPage();
    await signIn(page, 'hcth.cv1');
    await page.getByRole('link', { name: 'Khởi động kế hoạch' }).click();
    await page.setInputFiles('input[type=file]', 'tests/fixtures/plans/000_741de00ae627158f.txt');
    await page.getByRole('button', { name: 'Đọc và xem trước' }).click();
    await page.getByText('21 nhiệm vụ đọc được').waitFor();
    await page.screenshot({ path: join(SHOTS, 'preview.png'), fullPage: true });
    expect(violations).toEqual([]);
    // On a phone the preview is not cut off: nothing wider than the screen (the table scrolls in its card).
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, 'preview-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });

    await page.getByLabel('Đơn vị chủ trì II.2.(1)').fill('Phòng Tổ chức cán bộ');
    // The same document is uploaded by other tests on this server: a plan id of its own.
    await page.getByLabel('Mã kế hoạch').fill(`t-browser-${process.pid}-${Date.now().toString(36)}`);
    await page.getByRole('button', { name: 'Cập nhật xem trước' }).click();
    await expect.poll(() => page.locator('tr[data-ref="II.2.(1)"] td').nth(2).textContent()).toContain('Phòng Tổ chức cán bộ');
    await page.getByLabel(/Vẫn khởi động dù còn cảnh báo/).check();
    await page.getByRole('button', { name: /Khởi động kế hoạch \(/ }).click();
    // The progress page follows the start live, then links to the plan's overview.
    await page.getByText('Đã khởi động kế hoạch').waitFor();
    const planId = new URL(page.url()).searchParams.get('planId')!;
    await page.screenshot({ path: join(SHOTS, 'start-progress.png'), fullPage: true });
    await page.getByRole('link', { name: 'Xem tình hình thực hiện kế hoạch' }).click();
    const started = await eventually(async () => {
      const v = await showTask(h.client, taskWorkflowId(planId, 'II.2.(1)')).catch(() => undefined);
      return v?.kind === 'unit' && v.view;
    }, 20_000, 'the started plan');
    expect(started.unit.code).toBe('TCCB');
    // The started plan appears on the overview.
    await expect.poll(async () => (await page.locator('table').last().textContent()) ?? '', { timeout: 20_000 }).toContain('II.2.(1)');
    expect(violations).toEqual([]);
    await ctx.close();
  });
});
