// The "Liên lạc" page and the Zalo token alarm over HTTP on the real dev server: who is reachable
// and how, scoped by role; the dead-token banner for admins; /healthz without any token in it.
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { installTokens, tokenProblem } from '../../client/zalo-tokens.js';
import { SESSION_COOKIE } from '../../web/auth.js';
import { formatDateTime as dateTime } from '../../domain/notification.js';
import { ADMIN_TOKEN, startDashboardHarness, type DashboardHarness } from '../helpers/dashboard-harness.js';
import { ORG } from '../helpers/harness-core.js';
import { WebClient } from '../helpers/web-client.js';

/** Left unlinked: no channel reaches them (no templates, no mail in the harness). */
const UNLINKED = 'hcth.cv2';
/** Linked, but Zalo said -230 after their last interaction. */
const REFUSED = 'tccb.cv1';
/** Linked, then unfollowed the OA. */
const UNFOLLOWED = 'xdcq.cv1';
const UNREACHABLE = [UNLINKED, REFUSED, UNFOLLOWED];

const rowsOf = (page: string) => [...page.matchAll(/<tr class="([^"]*)" data-person="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ cls: m[1]!, id: m[2]!, html: m[3]! }));
const unitPeople = (code: string) => {
  const u = ORG.units.find((x) => x.code === code)!;
  return new Set([u.head, ...u.members, ...(u.focal ? [u.focal] : [])]);
};

describe('the "Liên lạc" page and the Zalo token alarm', () => {
  let h: DashboardHarness;
  let admin: WebClient;
  let head: WebClient;

  async function signIn(personId: string): Promise<WebClient> {
    const c = new WebClient(h.base);
    await c.get('/dang-nhap');
    const before = h.sentTo(personId).length;
    expect((await c.post('/dang-nhap/gui-ma', { _csrf: c.csrf(), person: personId, next: '/' })).status).toBe(200);
    const code = await h.signInCode(personId, before);
    expect((await c.post('/dang-nhap', { _csrf: c.csrf(), person: personId, code, next: '/' })).status).toBe(303);
    return c;
  }

  beforeAll(async () => {
    h = await startDashboardHarness({ link: ORG.people.map((p) => p.id).filter((id) => id !== UNLINKED) });
    const now = Date.now();
    await h.store.refusalRecord(REFUSED, 'zalo_cs', -230, now);
    await h.store.zaloSetReachable(h.zaloId(UNFOLLOWED), false, now);
    // A refusal that leaves the person reachable (only that template channel, for a day), and a phone to mask.
    await h.store.refusalRecord('hcth.truong', 'zalo_template_uid', -218, now);
    await h.store.personPhoneSet('hcth.truong', '84912345678', now);

    admin = new WebClient(h.base);
    await admin.get('/dang-nhap');
    expect((await admin.post('/dang-nhap', { _csrf: admin.csrf(), person: 'hcth.cv1', adminToken: ADMIN_TOKEN })).status).toBe(303);
    head = await signIn('hcth.truong');
  });
  afterAll(() => h?.stop());

  it('an admin sees everyone, the unreachable first and in red, with the channel, refusals and a masked phone', async () => {
    const res = await admin.get('/lien-lac');
    expect(res.status).toBe(200);
    expect(res.text_).toContain('<a href="/lien-lac">Liên lạc</a>');
    expect(res.text_).toContain('<b>3 cán bộ không liên lạc được</b>');
    const rows = rowsOf(res.text_);
    expect(rows).toHaveLength(ORG.people.length);
    expect(new Set(rows.slice(0, 3).map((r) => r.id))).toEqual(new Set(UNREACHABLE));
    expect(rows.slice(0, 3).every((r) => r.cls === 'unreachable')).toBe(true);
    expect(rows.slice(3).every((r) => r.cls === '')).toBe(true);
    // In red: the rule is in the page's stylesheet (a file: the CSP allows no inline <style>).
    const css = /<link rel="stylesheet" href="([^"]+)"/.exec(res.text_)![1]!;
    expect((await admin.get(css)).text_).toMatch(/tr\.unreachable td\{color:#b3261e/);

    const row = (id: string) => rows.find((r) => r.id === id)!.html;
    expect(row(UNLINKED)).toContain('<td>chưa liên kết</td>');
    expect(row(UNLINKED)).toContain('<td>chưa có</td>');
    expect(row(UNLINKED)).toContain('Không kênh nào liên lạc được');
    expect(row(UNLINKED)).toContain('<li>chưa liên kết tài khoản Zalo</li>');
    expect(row(UNLINKED)).toContain('<li>chưa cấu hình máy chủ thư</li>');
    expect(row(REFUSED)).toContain('<li>quá 7 ngày không tương tác với Zalo OA</li>');
    expect(row(REFUSED)).toContain('1 lần: quá 7 ngày không tương tác với Zalo OA');
    expect(row(UNFOLLOWED)).toContain('đã liên kết; đã bỏ quan tâm');

    const truong = row('hcth.truong');
    expect(truong).toContain('<td>tin nhắn Zalo</td>');
    expect(truong).toContain('1 lần: đã hết lượt nhận tin trong ngày');
    expect(truong).toContain('0912 *** 678');
    expect(res.text_).not.toContain('0912 345 678');
    expect(truong).toMatch(/<td>\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}<\/td>/);
    expect(truong).toContain('Phòng Hành chính – Tổng hợp');

    const tccb = rowsOf((await admin.get('/lien-lac?don-vi=TCCB')).text_);
    expect(tccb.map((r) => r.id)[0]).toBe(REFUSED);
    expect(new Set(tccb.map((r) => r.id))).toEqual(unitPeople('TCCB'));
    expect((await admin.get('/lien-lac?don-vi=XYZ')).status).toBe(404);
  });

  it('a unit head sees their unit only; leadership sees everyone; staff are refused', async () => {
    const mine = await head.get('/lien-lac');
    expect(mine.status).toBe(200);
    const rows = rowsOf(mine.text_);
    expect(new Set(rows.map((r) => r.id))).toEqual(unitPeople('HCTH'));
    expect(rows[0]).toMatchObject({ id: UNLINKED, cls: 'unreachable' });
    expect(mine.text_).toContain('<b>1 cán bộ không liên lạc được</b>');
    expect(mine.text_).not.toContain(`data-person="${REFUSED}"`);
    const other = await head.get('/lien-lac?don-vi=TCCB');
    expect(other.status).toBe(403);
    expect(other.text_).not.toContain('data-person=');
    expect((await head.get('/lien-lac?don-vi=HCTH')).status).toBe(200);

    const leader = await signIn('ld.pgd1');
    const all = await leader.get('/lien-lac');
    expect(all.status).toBe(200);
    expect(rowsOf(all.text_)).toHaveLength(ORG.people.length);

    const staff = await signIn('xdcq.cv2');
    const refused = await staff.get('/lien-lac');
    expect(refused.status).toBe(403);
    expect(refused.text_).not.toContain('data-person=');
    expect((await staff.get('/')).text_).not.toContain('href="/lien-lac"');
  });

  it('fits a 390 px phone: the page does not scroll sideways, the table scrolls in its card, unreachable rows are red', async () => {
    const browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: ['--no-sandbox'] });
    try {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
      await ctx.addCookies([{ name: SESSION_COOKIE, value: admin.cookies.get(SESSION_COOKIE)!, url: h.base }]);
      const page = await ctx.newPage();
      await page.goto(`${h.base}/lien-lac`);
      await page.locator('#contacts').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const box = page.locator('#contacts').locator('xpath=..');
      expect(await box.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
      const color = await page.locator(`tr[data-person="${UNLINKED}"] td`).first().evaluate((el) => getComputedStyle(el).color);
      expect(color).toBe('rgb(179, 38, 30)');
      const plain = await page.locator('tr[data-person="hcth.truong"] td').first().evaluate((el) => getComputedStyle(el).color);
      expect(plain).not.toBe('rgb(179, 38, 30)');
    } finally {
      await browser.close();
    }
  });

  it('a refused refresh token: admins see the banner on every page, /healthz says so without any token, a new pair lifts it', async () => {
    const health = async () => {
      const r = await fetch(`${h.base}/healthz`);
      const text = await r.text();
      return { text, body: JSON.parse(text) as { ok: boolean; zalo: Record<string, unknown> } };
    };
    expect((await health()).body.zalo).toEqual({ configured: true, tokenUsable: true, needsRenewal: false });
    expect((await admin.get('/')).text_).not.toContain('zalo-token-problem');

    // The real path: an expired access token, and a refresh token Zalo never issued.
    const access = 'access-token-that-has-expired-000111';
    const refresh = 'refresh-token-zalo-never-issued-000222';
    await h.store.zaloTokensPut({ accessToken: access, refreshToken: refresh, expiresAt: Date.now() - 60_000, updatedAt: Date.now() });
    await expect(h.zalo.tokens.accessToken()).rejects.toThrow();
    const problem = (await tokenProblem(h.store))!;
    expect(problem).toBeDefined();

    const banner = `Zalo OA đã từ chối mã làm mới (refresh token) lúc ${dateTime(problem.at)}: tin nhắn đang chờ gửi. Đề nghị quản trị viên cấp mã mới bằng lệnh <code>npm run cli -- zalo token`;
    for (const path of ['/', '/bao-cao', '/lien-lac']) expect((await admin.get(path)).text_).toContain(banner);
    expect((await head.get('/')).text_).not.toContain('zalo-token-problem');
    expect((await head.get('/lien-lac')).text_).not.toContain('zalo-token-problem');

    // Without a usable token Zalo reaches nobody: every person is listed as unreachable.
    const contacts = await admin.get('/lien-lac');
    expect(contacts.text_).toContain(`<b>${ORG.people.length} cán bộ không liên lạc được</b>`);
    expect(contacts.text_).toContain('<li>Zalo OA chưa có mã truy cập hợp lệ</li>');

    const { text, body } = await health();
    expect(body.ok).toBe(true);
    expect(body.zalo).toEqual({ configured: true, tokenUsable: false, needsRenewal: true, since: problem.at });
    for (const secret of [access, refresh, problem.refreshToken]) expect(text).not.toContain(secret);

    const fresh = h.double.issueTokens();
    await installTokens(h.store, { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, expiresInSec: fresh.expiresIn }, Date.now());
    expect((await admin.get('/')).text_).not.toContain('zalo-token-problem');
    expect((await health()).body.zalo).toEqual({ configured: true, tokenUsable: true, needsRenewal: false });
    expect((await admin.get('/lien-lac')).text_).toContain('<b>3 cán bộ không liên lạc được</b>');
  });
});
