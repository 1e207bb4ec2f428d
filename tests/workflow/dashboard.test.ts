// The dashboard over HTTP on the real dev server: sign-in with a code sent through the Zalo
// double, sessions, CSRF, and the role checks on every page and action.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showTask } from '../../client/tasks.js';
import { actOnTask } from '../../client/tasks.js';
import { taskWorkflowId } from '../../domain/task.js';
import { SESSION_COOKIE } from '../../web/auth.js';
import { ADMIN_TOKEN, startDashboardHarness, type DashboardHarness } from '../helpers/dashboard-harness.js';
import { eventually, testPlan } from '../helpers/harness-core.js';
import { WebClient } from '../helpers/web-client.js';


describe('dashboard over HTTP', () => {
  let h: DashboardHarness;
  let base: string;
  let hcthTask: string;
  let tccbTask: string;

  beforeAll(async () => {
    h = await startDashboardHarness({ secondsPerDay: 600 });
    base = h.base;
    const plan = await h.startPlan(
      testPlan([
        { assignee: 'hcth.cv2', deadline: { kind: 'date', due: '2025-03-28', text: 'Ngày 28/3/2025' } },
        { lead: ['TCCB'], deadline: { kind: 'date', due: '2025-03-28', text: 'Ngày 28/3/2025' } },
      ]),
    );
    hcthTask = taskWorkflowId(plan.id, 'II.1.(1)');
    tccbTask = taskWorkflowId(plan.id, 'II.1.(2)');
    await eventually(async () => (await showTask(h.client, tccbTask).catch(() => undefined)) && (await showTask(h.client, hcthTask).catch(() => undefined)), 20_000, 'tasks');
  });
  afterAll(() => h?.stop());

  async function signIn(personId: string): Promise<WebClient> {
    const c = new WebClient(base);
    await c.get('/dang-nhap');
    const before = h.sentTo(personId).length;
    const sent = await c.post('/dang-nhap/gui-ma', { _csrf: c.csrf(), person: personId, next: '/' });
    expect(sent.status).toBe(200);
    const code = await h.signInCode(personId, before);
    const res = await c.post('/dang-nhap', { _csrf: c.csrf(), person: personId, code, next: '/' });
    expect(res.status).toBe(303);
    expect(c.cookies.has(SESSION_COOKIE)).toBe(true);
    return c;
  }

  it('no session: pages send to the sign-in page, actions are refused', async () => {
    const c = new WebClient(base);
    const res = await c.get('/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dang-nhap?next=%2F');
    expect((await c.get(`/nhiem-vu?id=${encodeURIComponent(hcthTask)}`)).status).toBe(303);
    const act = await c.post('/nhiem-vu/thao-tac', { id: hcthTask, action: 'cancel', reason: 'x' });
    expect(act.status).toBe(401);
    expect((await c.get('/dang-nhap')).text_).toContain('Mã đăng nhập được gửi qua Zalo OA');
  });

  it('signs in with the code from Zalo; the code works once; sign-out ends the session', async () => {
    const c = await signIn('hcth.cv2');
    const home = await c.get('/');
    expect(home.status).toBe(200);
    expect(home.text_).toContain('Bùi Thị Hạnh · Cán bộ');
    const csrf = c.csrf();
    expect((await c.post('/dang-xuat', { _csrf: csrf })).status).toBe(303);
    expect((await c.get('/')).status).toBe(303);
  });

  it('refuses a wrong code, then throttles after five', async () => {
    const c = new WebClient(base);
    await c.get('/dang-nhap');
    for (let i = 0; i < 5; i++) {
      const r = await c.post('/dang-nhap', { _csrf: c.csrf(), person: 'xdcq.cv2', code: '000000' });
      expect(r.status).toBe(401);
      expect(r.text_).toContain('Mã đăng nhập không đúng hoặc đã hết hạn.');
    }
    const blocked = await c.post('/dang-nhap', { _csrf: c.csrf(), person: 'xdcq.cv2', code: '123456' });
    expect(blocked.status).toBe(429);
    expect(c.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('ADMIN_TOKEN signs in an admin of the org chart, and nobody else', async () => {
    const c = new WebClient(base);
    await c.get('/dang-nhap');
    const no = await c.post('/dang-nhap', { _csrf: c.csrf(), person: 'hcth.cv2', adminToken: ADMIN_TOKEN });
    expect(no.status).toBe(401);
    const yes = await c.post('/dang-nhap', { _csrf: c.csrf(), person: 'hcth.cv1', adminToken: ADMIN_TOKEN });
    expect(yes.status).toBe(303);
    expect((await c.get('/')).text_).toContain('Đặng Văn Hải · Quản trị viên');
  });

  it('staff of one unit cannot read or act on another unit’s task', async () => {
    const c = await signIn('hcth.cv2');
    const home = await c.get('/');
    expect(home.text_).toContain(hcthTask);
    expect(home.text_).not.toContain(tccbTask);
    const read = await c.get(`/nhiem-vu?id=${encodeURIComponent(tccbTask)}`);
    expect(read.status).toBe(403);
    expect(read.text_).toContain('Đồng chí không có quyền xem nhiệm vụ này.');
    await c.get('/');
    const act = await c.post('/nhiem-vu/thao-tac', { _csrf: c.csrf(), id: tccbTask, action: 'cancel', reason: 'thử' });
    expect(act.status).toBe(403);
    const after = await showTask(h.client, tccbTask);
    expect(after.kind === 'unit' && after.view.phase).toBe('active');
  });

  it('only messages the server wrote are shown; a task link without its id is a clear 400, not a 500', async () => {
    const c = await signIn('hcth.truong');
    const forged = await c.get(`/nhiem-vu?id=${encodeURIComponent(hcthTask)}&ok=${encodeURIComponent('Tài khoản bị khóa, gọi 0900')}&sig=abc`);
    expect(forged.status).toBe(200);
    expect(forged.text_).not.toContain('Tài khoản bị khóa');
    const home = await c.get(`/?ok=${encodeURIComponent('Đã duyệt toàn bộ')}`);
    expect(home.text_).not.toContain('Đã duyệt toàn bộ');
    const empty = await c.get('/nhiem-vu?id=');
    expect(empty.status).toBe(400);
    expect(empty.text_).toContain('Đường dẫn thiếu mã nhiệm vụ.');
    expect((await c.get('/nhiem-vu')).status).toBe(400);
  });

  it('a task page offers only what the person may do, asks to confirm a cancellation, and reads in Vietnamese dates', async () => {
    // (Each person here signs in once: sign-in codes are rate-limited per person.)
    const plan = await h.startPlan(testPlan([{ assignee: 'hcth.pho', deadline: { kind: 'date', due: '2025-01-10', text: 'Ngày 10/1/2025' } }]));
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    await eventually(async () => (await showTask(h.client, id).catch(() => undefined))?.view.status === 'overdue', 20_000, 'the task to be overdue');
    await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.pho', note: 'đã xong' });

    // The assignee: no decisions of his head's.
    const staff = await signIn('hcth.pho');
    const own = (await staff.get(`/nhiem-vu?id=${encodeURIComponent(id)}`)).text_;
    for (const label of ['Duyệt kết quả', 'Từ chối', 'Giao lại', 'Hủy nhiệm vụ']) expect(own).not.toContain(label);
    // Dates as dd/mm/yyyy hh:mm, oldest first; how late it is.
    expect(own).toMatch(/<ol class="timeline">\s*<li><span class="muted">\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}<\/span> — Bắt đầu theo dõi/);
    expect(own).toMatch(/quá hạn \d+ ngày/);

    // An admin may cancel and reassign but not approve; the Phó Giám đốc in charge approves.
    const admin = await signIn('hcth.cv1');
    const adminPage = (await admin.get(`/nhiem-vu?id=${encodeURIComponent(id)}`)).text_;
    expect(adminPage).not.toContain('Duyệt kết quả');
    expect(adminPage).toContain('<option value="">— chọn cán bộ —</option>');
    expect(adminPage).toContain('name="confirm" value="yes" required');
    const unconfirmed = await admin.post('/nhiem-vu/thao-tac', { _csrf: admin.csrf(), id, action: 'cancel', reason: 'thử' });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.text_).toContain('Đề nghị đánh dấu ô xác nhận hủy nhiệm vụ.');
    const shown = await showTask(h.client, id);
    expect(shown.kind === 'unit' && shown.view.phase).toBe('awaiting_approval');
    const head = await signIn('ld.pgd1');
    expect((await head.get(`/nhiem-vu?id=${encodeURIComponent(id)}`)).text_).toContain('Duyệt kết quả');
    // The filter's date fields take dd/mm/yyyy and show it back that way.
    const filtered = (await head.get('/?dueFrom=01%2F01%2F2025&dueTo=31%2F01%2F2025')).text_;
    expect(filtered).toContain('value="01/01/2025"');
    expect(filtered).toContain(id);
  });

  it('a leader\'s overview: what awaits him first, ten overdue with a link to all, units ranked by overdue, the rest paged', async () => {
    const late = { lead: ['CCVC'], deadline: { kind: 'date' as const, due: '2025-01-10', text: 'Ngày 10/1/2025' } };
    const later = { lead: ['CCVC'], deadline: { kind: 'date' as const, due: '2025-12-30', text: 'Ngày 30/12/2025' } };
    const plan = await h.startPlan(testPlan([...Array.from({ length: 12 }, () => late), ...Array.from({ length: 52 }, () => later)]));
    const waiting = taskWorkflowId(plan.id, 'II.1.(13)');
    await eventually(async () => (await showTask(h.client, waiting).catch(() => undefined))?.view.status === 'not_due', 30_000, 'the tasks to start');
    const assignee = (await showTask(h.client, waiting)).view as { assignee: { id: string } };
    await actOnTask(h.client, waiting, 'reportCompletion', { actor: assignee.assignee.id, note: 'xong' });
    // ld.pgd1 is in charge of CCVC: the completion waits for him.
    const c = await signIn('ld.pgd1');
    // Each task's row is written by its workflow as it starts: wait for all 64 of this plan.
    await eventually(async () => (await c.get(`/?planId=${plan.id}`)).text_.includes('· 64 nhiệm vụ ·'), 30_000, 'the 64 tasks of the plan on the overview');
    const home = await eventually(async () => {
      const all = await c.get('/');
      const late = Number(/id="overdue"><h2>Quá hạn \((\d+)\)/.exec(all.text_)?.[1] ?? 0);
      return all.text_.includes('Chờ đồng chí duyệt') && late >= 12 && all;
    }, 30_000, 'the overview to show the completion and the twelve late tasks');
    const text = home.text_;
    expect(text.indexOf('id="decide"')).toBeLessThan(text.indexOf('id="overdue"'));
    expect(text).toMatch(/id="decide"><h2>Chờ đồng chí duyệt \(\d+\)[\s\S]*?II\.1\.\(13\)/);
    const overdueSection = /<section class="card" id="overdue">[\s\S]*?<\/section>/.exec(text)![0];
    expect((overdueSection.match(/<tr class="overdue"/g) ?? []).length).toBe(10);
    expect(overdueSection).toMatch(/<a href="\/\?status=overdue">Xem tất cả \d+ nhiệm vụ quá hạn<\/a>/);
    // Units ranked by overdue: CCVC (12 late) first.
    expect(/<table id="units">[\s\S]*?data-unit="([A-Z]+)"/.exec(text)![1]).toBe('CCVC');
    // The list below repeats none of the overdue tasks, and pages by 50.
    const list = /<section class="card" id="list">[\s\S]*?<\/section>/.exec(text)![0];
    expect(list).not.toContain('class="overdue"');
    expect(list).toMatch(/Trang 1\/\d+ · <a href="\/\?trang=2">Trang sau<\/a>/);
    const second = await c.get('/?trang=2');
    expect(/<section class="card" id="list">[\s\S]*?<\/section>/.exec(second.text_)![0]).toMatch(/Trang 2\/\d+ · <a href="\/\?trang=1">Trang trước<\/a>/);
    // On a phone the unit and the person stay readable under the title.
    expect(list).toMatch(/<span class="sm-only muted"><br>Phòng Công chức, viên chức · /);
  });

  it('a forged or expired cookie is no session', async () => {
    const forged = new WebClient(base);
    forged.cookies.set(SESSION_COOKIE, 'made-up-session.c2lnbmF0dXJl');
    expect((await forged.get('/')).status).toBe(303);

    const c = await signIn('hcth.truong');
    const [id, mac] = c.cookies.get(SESSION_COOKIE)!.split('.');
    const tampered = new WebClient(base);
    tampered.cookies.set(SESSION_COOKIE, `${id}x.${mac}`);
    expect((await tampered.get('/')).status).toBe(303);

    const s = (await h.store.sessionGet(decodeURIComponent(id!), Date.now()))!;
    await h.store.sessionDelete(s.id);
    await h.store.sessionCreate({ ...s, expiresAt: Date.now() - 1 });
    expect((await c.get('/')).status).toBe(303);
  });

  it('every form needs its CSRF token and the same origin', async () => {
    const c = await signIn('hcth.truong');
    await c.get(`/nhiem-vu?id=${encodeURIComponent(hcthTask)}`);
    const token = c.csrf();
    expect((await c.post('/nhiem-vu/thao-tac', { id: hcthTask, action: 'explain', question: 'vì sao' })).status).toBe(403);
    expect((await c.post('/nhiem-vu/thao-tac', { _csrf: 'wrong', id: hcthTask, action: 'explain', question: 'vì sao' })).status).toBe(403);
    expect((await c.post('/nhiem-vu/thao-tac', { _csrf: token, id: hcthTask, action: 'explain', question: 'vì sao' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await c.post('/dang-xuat', {})).status).toBe(403);
    const view = await showTask(h.client, hcthTask);
    expect(view.kind === 'unit' && view.view.explanation).toBeUndefined();
  });

  it('the head approves a completion from the task page; the overview shows it', async () => {
    await actOnTask(h.client, hcthTask, 'reportCompletion', { actor: 'hcth.cv2', note: 'đã gửi báo cáo' });
    const c = await signIn('hcth.truong');
    const page = await c.get(`/nhiem-vu?id=${encodeURIComponent(hcthTask)}`);
    expect(page.text_).toContain('Duyệt kết quả');
    const res = await c.post('/nhiem-vu/thao-tac', { _csrf: c.csrf(), id: hcthTask, action: 'approve' });
    expect(res.status).toBe(303);
    const after = await c.get(res.headers.get('location')!);
    expect(after.text_).toContain('Đã duyệt kết quả.');
    expect(after.text_).toContain('hoàn thành đúng hạn');
    const home = await eventually(async () => {
      const r = await c.get('/?status=done_on_time');
      return r.text_.includes(hcthTask) && r;
    }, 20_000, 'the overview to show the approved task');
    expect(home.text_).toContain('data-status="done_on_time"');
  });

  it('an admin uploads the seed 000 document, fixes a unit in the preview and starts the plan; bad files start nothing', async () => {
    const staff = await signIn('hcth.cv2');
    expect((await staff.get('/ke-hoach/moi')).status).toBe(403);

    const c = await signIn('hcth.cv1');
    await c.get('/ke-hoach/moi');
    const token = c.csrf();
    const upload = async (name: string, bytes: Buffer) => {
      const fd = new FormData();
      fd.append('_csrf', token);
      fd.append('file', new Blob([new Uint8Array(bytes)]), name);
      const res = await fetch(`${base}/ke-hoach/xem-truoc`, { method: 'POST', body: fd, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), origin: base } });
      const text = await res.text();
      c.lastHtml = text;
      return { status: res.status, text };
    };
    const junk = await upload('ke-hoach.pdf', Buffer.from('not a pdf at all'));
    expect(junk.status).toBe(400);
    expect(junk.text).toContain('«ke-hoach.pdf»');
    const empty = await upload('trong.txt', Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('rỗng');
    const huge = await upload('lon.txt', Buffer.alloc(21 * 1024 * 1024, 0x61));
    expect(huge.status).toBe(413);
    expect(huge.text).toContain('Tệp quá lớn: tối đa 20 MB.');
    const plansBefore = (await h.store.planList()).length;

    const seed = readFileSync('tests/fixtures/plans/000_741de00ae627158f.txt');
    const shown = await upload('ke-hoach-000.txt', seed);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('21 nhiệm vụ đọc được');
    const draft = /name="draft" value="([^"]+)"/.exec(shown.text)![1]!;
    const rows = [...shown.text.matchAll(/name="ref(\d+)" value="([^"]+)"/g)].map((m) => ({ i: m[1]!, ref: m[2]! }));
    expect(rows).toHaveLength(21);
    const target = rows.find((r) => r.ref === 'II.2.(1)')!;
    const form: Record<string, string> = { _csrf: token, draft, count: String(rows.length) };
    for (const r of rows) {
      form[`ref${r.i}`] = r.ref;
      form[`units${r.i}`] = new RegExp(`name="units${r.i}" value="([^"]*)"`).exec(shown.text)![1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
      form[`deadline${r.i}`] = new RegExp(`name="deadline${r.i}" value="([^"]*)"`).exec(shown.text)![1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
    }
    form[`units${target.i}`] = 'Phòng Tổ chức cán bộ';
    // The same document is uploaded by other tests on this server: a plan id of its own.
    form.planId = `t-upload-${process.pid}-${Date.now().toString(36)}`;
    const edited = await c.post('/ke-hoach/sua', form);
    expect(edited.status).toBe(200);
    expect(edited.text_).toMatch(/data-ref="II\.2\.\(1\)">[\s\S]*?Phòng Tổ chức cán bộ<\/span>/);

    const refused = await c.post('/ke-hoach/khoi-dong', { _csrf: token, draft });
    expect(refused.status).toBe(409);
    expect(refused.text_).toMatch(/Chưa khởi động: còn \d+ cảnh báo/);
    const started = await c.post('/ke-hoach/khoi-dong', { _csrf: token, draft, allowWarnings: '1' });
    expect(started.status).toBe(303);
    const planId = new URL(started.headers.get('location')!, base).searchParams.get('planId')!;
    const id = taskWorkflowId(planId, 'II.2.(1)');
    const view = await eventually(async () => (await showTask(h.client, id).catch(() => undefined)), 20_000, 'the started task');
    expect(view.kind === 'unit' && view.view.unit.code).toBe('TCCB');
    expect((await h.store.planGet(planId))?.plan.tasks).toHaveLength(19);
    expect(await h.store.planList()).toHaveLength(plansBefore + 1);
    // The request answered at once; the progress page follows the start to its end.
    expect(started.headers.get('location')).toBe(`/ke-hoach/tien-do?planId=${planId}`);
    const finished = await eventually(async () => {
      const p = await c.get(`/ke-hoach/tien-do?planId=${planId}`);
      return p.text_.includes('data-state="finished"') && p.text_;
    }, 20_000, 'the progress page to say the start is finished');
    expect(finished).toMatch(/Đã khởi động 19\/19 nhiệm vụ \(100%\)/);
    expect(finished).toContain('Đã khởi động kế hoạch: 19 luồng theo dõi mới.');
    // A start whose process died half-way: the page says it stopped, and «Tiếp tục» finishes it without starting anything twice.
    const stopped = (await h.store.planStartGet(planId))!;
    await h.store.planStartSave({ ...stopped, started: 7, finishedAt: undefined, updatedAt: Date.now() - 60_000 } as typeof stopped);
    const stalled = await c.get(`/ke-hoach/tien-do?planId=${planId}`);
    expect(stalled.text_).toContain('data-state="stalled"');
    expect(stalled.text_).toContain('Việc khởi động đã dừng giữa chừng.');
    const resumed = await c.post('/ke-hoach/khoi-dong-tiep', { _csrf: token, planId });
    expect(resumed.status).toBe(303);
    const again1 = await eventually(async () => {
      const p = await c.get(`/ke-hoach/tien-do?planId=${planId}`);
      return p.text_.includes('data-state="finished"') && p.text_;
    }, 20_000, 'the resumed start to finish');
    expect(again1).toContain('Đã khởi động kế hoạch: 0 luồng theo dõi mới, 19 đã chạy từ trước.');

    // The same document again: the preview says it is running, and it starts only when confirmed as another plan.
    const again = await upload('ke-hoach-000-lan-2.txt', seed);
    expect(again.text).toContain('Văn bản này đã được khởi động ngày');
    expect(again.text).toContain(`mã «${planId}»`);
    const draft2 = /name="draft" value="([^"]+)"/.exec(again.text)![1]!;
    const repeat = await c.post('/ke-hoach/khoi-dong', { _csrf: token, draft: draft2, allowWarnings: '1' });
    expect(repeat.status).toBe(409);
    expect(repeat.text_).toContain('văn bản này đã được khởi động');
    expect(await h.store.planList()).toHaveLength(plansBefore + 1);
  });

  it('the live overview answers 304 until a task changes', async () => {
    const c = await signIn('ld.giamdoc');
    const first = await c.get('/', { 'x-partial': '1' });
    expect(first.headers.get('etag')).toMatch(/^W\/"/);
    expect(first.text_).not.toContain('<html');
    // Timers keep changing tasks and the shared snapshot is re-read in the background: ask again
    // with the latest ETag until nothing changed in between.
    let etag = first.headers.get('etag')!;
    await eventually(async () => {
      const again = await c.get('/', { 'x-partial': '1', 'if-none-match': etag });
      if (again.status === 304) return true;
      etag = again.headers.get('etag')!;
      return false;
    }, 20_000, 'a 304 for an unchanged overview');
    await c.get(`/nhiem-vu?id=${encodeURIComponent(tccbTask)}`);
    const token = c.csrf();
    const acted = await c.post('/nhiem-vu/thao-tac', { _csrf: token, id: tccbTask, action: 'cancel', reason: 'trùng với kế hoạch khác', confirm: 'yes' });
    expect(acted.status).toBe(303);
    const changed = await eventually(async () => {
      const r = await c.get('/', { 'x-partial': '1', 'if-none-match': etag });
      return r.status === 200 && r;
    }, 20_000, 'a new version of the overview');
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('reports: staff are refused; a head builds one now and downloads its files', async () => {
    const staff = await signIn('hcth.cv2');
    expect((await staff.get('/bao-cao')).status).toBe(403);
    const c = await signIn('hcth.truong');
    const list = await c.get('/bao-cao');
    expect(list.text_).toContain('Chưa có báo cáo nào.');
    const planId = hcthTask.split('/')[1]!;
    const token = c.csrf();
    const bad = await c.post('/bao-cao/tao', { _csrf: token, plan: planId, period: '2025-13' });
    expect((await c.get(bad.headers.get('location')!)).text_).toContain('Kỳ báo cáo «2025-13» không đúng dạng');
    // Any other text in ?error= is not shown as an alert.
    expect((await c.get(`/bao-cao?error=${encodeURIComponent('Hệ thống bị lỗi, gọi 0900')}`)).text_).not.toContain('Hệ thống bị lỗi');
    // The period as people write it.
    const built = await c.post('/bao-cao/tao', { _csrf: token, plan: planId, period: 'Tháng 3/2025' });
    expect(built.status).toBe(303);
    const after = await c.get(built.headers.get('location')!);
    expect(after.text_).toContain('Đã lập báo cáo');
    // Listed by period, in words, with both files.
    expect(after.text_).toMatch(/<b>Báo cáo tháng 03\/2025<\/b> — <a href="[^"]*bao-cao-2025-03\.docx">văn bản \(DOCX\)<\/a> · <a href="[^"]*bao-cao-2025-03\.xlsx">bảng số liệu \(XLSX\)<\/a> <span class="muted">lập lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}<\/span>/);
    const file = await fetch(`${base}/bao-cao/tai?plan=${encodeURIComponent(planId)}&file=bao-cao-2025-03.xlsx`, { headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    const sneaky = await c.get(`/bao-cao/tai?plan=${encodeURIComponent(planId)}&file=..%2F..%2Fstate.sqlite`);
    expect(sneaky.status).toBe(404);
  });

  it('security headers on the live overview and a task page; /readyz and /metrics on the real server', async () => {
    const c = await signIn('ld.giamdoc');
    for (const path of ['/', `/nhiem-vu?id=${encodeURIComponent(hcthTask)}`]) {
      const res = await c.get(path);
      expect(res.status).toBe(200);
      const policy = res.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("frame-ancestors 'none'");
      expect(/script-src ([^;]*)/.exec(policy)?.[1]).toBe("'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      // The page's scripts are files of this origin only.
      expect(res.text_).not.toMatch(/<script(?![^>]*\bsrc=)/);
    }
    expect((await c.get('/')).text_).toMatch(/<script src="\/static\/live\.js\?v=[0-9a-f]+" defer><\/script>/);

    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, temporal: { ok: true }, store: { ok: true }, zalo: { ok: true, configured: true } }]);

    const text = await eventually(async () => {
      const t = await (await fetch(`${base}/metrics`)).text();
      return /^de_an_06_visibility_up 1$/m.test(t) && t;
    }, 10_000, 'visibility read by /metrics');
    const byStatus = [...text.matchAll(/^de_an_06_tasks\{status="([a-z_]+)"\} (\d+)$/gm)];
    expect(byStatus.map((m) => m[1]).sort()).toEqual(['awaiting_activation', 'awaiting_approval', 'cancelled', 'done_late', 'done_on_time', 'due_soon', 'not_due', 'overdue']);
    expect(byStatus.reduce((n, m) => n + Number(m[2]), 0)).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^de_an_06_escalations\{level="3"\} \d+$/m);
    expect(text).toMatch(/^de_an_06_inbox_pending \d+$/m);
    // Sign-in codes went out on Zalo through the delivery notifier of this harness (counted in its own registry, not here).
    expect(text).toContain('# TYPE de_an_06_notifications_total counter');
  });
});
