// Reminders that reach every person, on the real dev server: the Zalo double keeps Zalo's rules
// (the 7-day window, templates by user id and by phone, refusals), e-mail goes to a real SMTP
// server on loopback, people answer through signed webhook requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showTask } from '../../client/tasks.js';
import { reachReport } from '../../client/reach.js';
import { installTokens } from '../../client/zalo-tokens.js';
import { issueLinkCode } from '../../client/accounts.js';
import { registeredTemplates } from '../../bot/zalo-double.js';
import { loadTemplates } from '../../client/files.js';
import { NOT_LINKED_ASK_PHONE } from '../../bot/handlers.js';
import type { Org } from '../../domain/org.js';
import { taskWorkflowId, type UnitTaskView } from '../../domain/task.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { eventually, ORG, testPlan } from '../helpers/harness-core.js';
import { startSmtp, type SmtpSink } from '../helpers/smtp.js';

const DAY = 24 * 3600_000;

// The shipped example templates, in force all day here: the night rule is tested without a server
// (tests/unit/reach.test.ts, zalo-double.test.ts).
const TEMPLATES = { ...loadTemplates('config/zalo-templates.example.yaml'), hours: { start: '00:00', end: '24:00' } };

/** The example org with phones and addresses, and two people who share a phone. */
const TEST_ORG: Org = {
  ...ORG,
  people: ORG.people.map((p) => {
    const extra: Record<string, { phone?: string; email?: string }> = {
      'hcth.cv2': { phone: '84912000002' },
      'hcth.pho': { phone: '84912000003' },
      'hcth.cv1': { email: 'hai@snv.example.vn' },
      'xdcq.cv1': { phone: '84912000011' },
      'btg.cv1': { phone: '84912000012' },
      'ccvc.cv2': { phone: '84912000021' },
      'xdcq.cv2': { phone: '84912000099' },
      'ccvc.cv1': { phone: '84912000099' },
    };
    return { ...p, zaloUserId: undefined, ...extra[p.id] };
  }),
};
const LINKED = ['ld.giamdoc', 'ld.pgd1', 'ld.pgd2', 'ld.pgd3', 'hcth.truong', 'tccb.truong', 'xdcq.truong', 'ccvc.truong', 'btdkt.truong'];

async function unitView(h: BotHarness, workflowId: string): Promise<UnitTaskView> {
  const shown = await showTask(h.client, workflowId);
  if (shown.kind !== 'unit') throw new Error('expected a unit task');
  return shown.view;
}

/** A task whose due-morning reminder comes at the next office opening far enough ahead to be planned (a few seconds away). */
async function remindedTask(h: BotHarness, assignee: string, lead = assignee.split('.')[0]!.toUpperCase()) {
  const due = h.nextOfficeDay();
  const plan = await h.startPlan(
    testPlan([{ assignee, lead: [lead], deadline: { kind: 'date', due, text: `Ngày ${due}` }, policy: { reminders: { workingDaysBefore: [], dueMorning: true } } }]),
  );
  return taskWorkflowId(plan.id, 'II.1.(1)');
}

/** Links a person whose last interaction with the OA was `ago` ms ago (the double and our store agree). */
async function linkQuiet(h: BotHarness, personId: string, ago: number): Promise<string> {
  const z = h.zaloId(personId);
  const at = Date.now() - ago;
  await h.store.zaloLink(z, personId, Date.now());
  h.double.addUser(z, personId, { lastInteractionAt: at });
  await h.store.zaloInteraction(z, at);
  return z;
}

async function deliveryNote(h: BotHarness, id: string, match: RegExp): Promise<string> {
  return eventually(
    async () => (await unitView(h, id)).timeline.find((e) => e.kind === 'delivery' && match.test(e.text))?.text,
    30_000,
    `a delivery note matching ${match}`,
    async () => (await unitView(h, id)).timeline.filter((e) => e.kind === 'delivery').map((e) => e.text),
  );
}

// The two parts below have their own harness and mostly wait on business time: they run at the
// same time, the tests of each one after another.
describe.concurrent('reminders that reach every person', () => {
  let h: BotHarness;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtp();
    // Office hours at 5 s a day; nights and weekends, when no reminder falls, pass 20 times faster.
    h = await startBotHarness({ secondsPerDay: 5, offHoursSpeedup: 20, org: TEST_ORG, link: LINKED, templates: TEMPLATES, mail: { url: smtp.url, from: 'Nhắc việc <nhacviec@snv.example.vn>' } });
  });
  afterAll(async () => {
    await h?.stop();
    await smtp?.close();
  });

  it.sequential('silent for 8 days: the reminder arrives as a template by user id, and a reply to it completes the task', async () => {
    const z = await linkQuiet(h, 'hcth.cv2', 8 * DAY);
    const id = await remindedTask(h, 'hcth.cv2');
    const tpl = await eventually(() => h.double.sentTo(z).find((m) => m.via === 'template'), 40_000, 'the template');
    expect(tpl.data).toMatchObject({ ten_can_bo: 'Bùi Thị Hạnh', ma_nhiem_vu: 'II.1.(1)', noi_dung: 'Nhiệm vụ thử 1' });
    expect(h.double.calls.filter((c) => c.path.endsWith('/message/cs') && c.error === -230)).toEqual([]);
    expect(await deliveryNote(h, id, /Bùi Thị Hạnh/)).toBe('Gửi Bùi Thị Hạnh: đã gửi bằng tin mẫu Zalo theo tài khoản.');
    // The reply (with the ref the template carries) works like any message and reopens the window.
    expect(await h.ask('hcth.cv2', 'xong II.1.(1) đã hoàn thành rà soát')).toContain('chờ đồng chí Trưởng phòng Hành chính – Tổng hợp Hoàng Văn Giang duyệt');
    expect((await unitView(h, id)).status).toBe('awaiting_approval');
    expect(await h.store.zaloInteractionOf(z)).toBeGreaterThan(Date.now() - 60_000);
    expect(h.sentTo('hcth.cv2').at(-1)?.via).toBe('cs');
  });

  it.sequential('no Zalo account: the reminder goes by phone template to the account of the org chart\'s number', async () => {
    h.double.addUser('z-pho-own-account', 'Võ Thị Hà', { phone: '84912000003', lastInteractionAt: Date.now() - 40 * DAY });
    const id = await remindedTask(h, 'hcth.pho');
    const m = await eventually(() => h.double.sentTo('z-pho-own-account')[0], 40_000, 'the phone template');
    expect(m).toMatchObject({ via: 'template_phone', phone: '84912000003', data: { ten_can_bo: 'Võ Thị Hà', ma_nhiem_vu: 'II.1.(1)' } });
    expect(await deliveryNote(h, id, /Võ Thị Hà/)).toBe('Gửi Võ Thị Hà: đã gửi bằng tin mẫu qua số điện thoại.');
  });

  it.sequential('no Zalo and no phone: e-mail, read back from the SMTP server', async () => {
    const id = await remindedTask(h, 'hcth.cv1');
    const mail = await eventually(() => smtp.mails.find((x) => x.subject?.includes('II.1.(1)') && x.to && JSON.stringify(x.to).includes('hai@snv.example.vn')), 40_000, 'the e-mail');
    expect(mail.subject).toBe('[Đề án 06] Nhắc việc — nhiệm vụ II.1.(1)');
    expect(mail.text).toMatch(/^Nhắc việc: Nhiệm vụ II\.1\.\(1\) «Nhiệm vụ thử 1»/);
    expect(mail.text).toContain('«xong II.1.(1)»');
    expect(await deliveryNote(h, id, /Đặng Văn Hải/)).toBe('Gửi Đặng Văn Hải: đã gửi qua thư điện tử.');
  });

  it.sequential('reachable by nothing: the head gets it, and the person is listed as unreachable', async () => {
    const id = await remindedTask(h, 'tccb.cv2');
    const fwd = await h.received('tccb.truong', /^\[Chuyển thay cho đồng chí Dương Văn Long vì chưa liên kết tài khoản Zalo\] Nhắc việc/, 40_000);
    expect(fwd.via).toBe('cs');
    expect(await deliveryNote(h, id, /Dương Văn Long/)).toMatch(
      /^Gửi Dương Văn Long: không có kênh nào liên lạc được \(chưa liên kết tài khoản Zalo; .*chưa có số điện thoại.*\) — chuyển thay cho Đỗ Văn Khánh: đã gửi bằng tin nhắn Zalo\.$/,
    );
    const rows = await reachReport(TEST_ORG, h.store, await h.delivery.rulesFor({ kind: 'reminder' }), Date.now(), { unit: 'TCCB' });
    expect(rows[0]?.channels).toEqual([]);
    expect(rows.find((r) => r.person.id === 'tccb.cv2')?.channels).toEqual([]);
    expect(rows.find((r) => r.person.id === 'tccb.truong')?.channels[0]).toBe('zalo_cs');
  });

  it.sequential('a blocked user (-217) is tried once and never again', async () => {
    const z = await linkQuiet(h, 'xdcq.cv1', 3600_000);
    h.double.setBlocked(z, true);
    const first = await remindedTask(h, 'xdcq.cv1', 'XDCQ');
    await h.received('xdcq.truong', /^\[Chuyển thay cho đồng chí .* vì đã chặn Zalo OA\]/, 40_000);
    expect(await deliveryNote(h, first, /đã chặn Zalo OA/)).toMatch(/^Gửi .*: tin nhắn Zalo không gửi được \(đã chặn Zalo OA\) — chuyển thay cho/);
    const refusedBefore = h.double.calls.filter((c) => c.error === -217).length;
    expect(refusedBefore).toBe(1);
    const second = await remindedTask(h, 'xdcq.cv1', 'XDCQ');
    expect(await deliveryNote(h, second, /đã chặn Zalo OA/)).toMatch(/không có kênh nào liên lạc được \(đã chặn Zalo OA/);
    expect(h.double.calls.filter((c) => c.error === -217)).toHaveLength(1);
  });

  it.sequential('a template Zalo sends only by phone: -249 once, then by phone', async () => {
    const registered = registeredTemplates(TEMPLATES)['401001']!;
    h.double.registerTemplate('401001', { ...registered, byUserId: false });
    try {
      const z = await linkQuiet(h, 'ccvc.cv2', 9 * DAY);
      h.double.setPhone(z, '84912000021');
      const id = await remindedTask(h, 'ccvc.cv2');
      await eventually(() => h.double.sentTo(z).find((m) => m.via === 'template_phone'), 40_000, 'the phone template');
      const name = TEST_ORG.people.find((p) => p.id === 'ccvc.cv2')!.name;
      expect(await deliveryNote(h, id, /tin mẫu qua số điện thoại/)).toBe(
        `Gửi ${name}: tin mẫu Zalo theo tài khoản không gửi được (tin mẫu này chỉ gửi được qua số điện thoại); đã gửi bằng tin mẫu qua số điện thoại.`,
      );
      expect(await h.store.refusalsOf('ccvc.cv2', 0)).toMatchObject([{ channel: 'zalo_template_uid', code: -249 }]);
    } finally {
      h.double.registerTemplate('401001', registered);
    }
  });

  it.sequential('a signed event delivered 2 hours late is accepted; the same delivery again changes nothing', async () => {
    const z = h.zaloId('btdkt.truong');
    const before = h.sentTo('btdkt.truong').length;
    const late = await h.double.userSendsText(z, 'ds', { at: Date.now() - 2 * 3600_000 });
    expect(late.status).toBe(200);
    expect(JSON.parse(late.body)).toEqual({ ok: true });
    await eventually(() => h.sentTo('btdkt.truong').length > before, 30_000, 'the answer to the late event');
    const again = await h.double.redeliver(late);
    expect(JSON.parse(again.body)).toEqual({ ok: true, duplicate: true });
    await h.inbox.idle();
    expect(h.sentTo('btdkt.truong').length).toBe(before + 1);
    // Older than the configured limit (3 h): refused.
    const stale = await h.double.userSendsText(z, 'ds', { at: Date.now() - 3 * 3600_000 - 60_000 });
    expect(stale.status).toBe(401);
  });

  it.sequential('links an account by phone after the person confirms; a phone two people share, or none, gets the code route', async () => {
    const stranger = 'z-new-account-of-xdcq-cv2';
    // A phone the org chart gives two people: no guess.
    expect((await h.double.userFollows(stranger)).status).toBe(200);
    await eventually(() => h.double.sentTo(stranger).find((m) => m.via === 'request_user_info'), 20_000, 'the request for the phone');
    await eventually(() => h.double.sentTo(stranger).find((m) => m.text === NOT_LINKED_ASK_PHONE), 20_000, 'the greeting');
    await h.double.userSubmitsInfo(stranger, { name: 'Xuân', phone: '84912000099' });
    const ambiguous = await eventually(() => h.double.sentTo(stranger).find((m) => m.text.includes('trùng với nhiều cán bộ')), 20_000, 'the explanation');
    expect(ambiguous.text).toContain('dk <mã>');
    expect(await h.store.zaloLinkOf(stranger)).toBeUndefined();

    // An unknown phone: no link either.
    await h.double.userSubmitsInfo(stranger, { name: 'Xuân', phone: '0987 654 321' });
    await eventually(() => h.double.sentTo(stranger).find((m) => m.text.includes('chưa có trong danh sách cán bộ')), 20_000, 'the unknown-phone answer');

    // A linked person asking to link is told so.
    expect(await h.ask('xdcq.truong', 'liên kết')).toBe(`Tài khoản Zalo này đã liên kết với đồng chí ${TEST_ORG.people.find((p) => p.id === 'xdcq.truong')!.name}.`);

    // One match: a confirmation first, the link only after it.
    const own = 'z-own-account-of-btg-cv1';
    h.double.addUser(own, 'Nam');
    await h.double.userSendsText(own, 'liên kết');
    await eventually(() => h.double.sentTo(own).find((m) => m.via === 'request_user_info'), 20_000, 'the request for the phone');
    await h.double.userSubmitsInfo(own, { name: 'Nam', phone: '84912000012' });
    const confirm = await eventually(() => h.double.sentTo(own).find((m) => m.text.includes('Xác nhận liên kết')), 20_000, 'the confirmation');
    const btg = TEST_ORG.people.find((p) => p.id === 'btg.cv1')!;
    expect(confirm.text).toMatch(new RegExp(`^Số điện thoại 0912 000 012 trùng với đồng chí ${btg.name} \\(${btg.title}\\)\\. Đề nghị bấm «Xác nhận liên kết»`));
    expect(await h.store.zaloLinkOf(own)).toBeUndefined();
    const payload = String(confirm.buttons[0]!.payload);
    expect(payload).toMatch(/^dk \d{6}$/);
    // The code in the button works only from this account.
    await h.double.userSendsText(stranger, payload);
    await eventually(() => h.double.sentTo(stranger).find((m) => m.text.startsWith('Mã liên kết không đúng')), 20_000, 'the refusal to another account');
    await h.double.userSendsText(own, payload);
    await eventually(async () => (await h.store.zaloLinkOf(own))?.personId === 'btg.cv1', 20_000, 'the link');
    await eventually(() => h.double.sentTo(own).find((m) => m.text.startsWith(`Đã liên kết Zalo với tài khoản ${btg.name}`)), 20_000, 'the welcome');
  });

  it.sequential('never re-points an account already linked to someone else', async () => {
    const taken = h.zaloId('tccb.truong');
    await h.double.userSubmitsInfo(taken, { name: 'Khánh', phone: '84912000002' });
    await eventually(() => h.double.sentTo(taken).find((m) => m.text.startsWith('Đã ghi nhận số điện thoại 0912 000 002')), 20_000, 'the answer');
    expect((await h.store.zaloLinkOf(taken))?.personId).toBe('tccb.truong');
    // The phone of a linked user is noted as theirs (the number of their own Zalo account).
    expect(await h.store.personPhoneOf('tccb.truong')).toBe('84912000002');
    // A code issued for someone else, sent from an account linked already: refused, the link unchanged.
    const { code } = await issueLinkCode(TEST_ORG, h.store, 'tccb.cv1', Date.now());
    expect(await h.ask('tccb.truong', `dk ${code}`)).toMatch(/^Tài khoản Zalo này đã liên kết với đồng chí Đỗ Văn Khánh; hệ thống không tự chuyển sang cán bộ khác/);
    expect((await h.store.zaloLinkOf(taken))?.personId).toBe('tccb.truong');
    expect(await h.store.zaloLinkOfPerson('tccb.cv1')).toBeUndefined();
  });
});

describe.concurrent('a refresh token Zalo refuses, on the real server', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ secondsPerDay: 10, offHoursSpeedup: 20, org: TEST_ORG, link: ['hcth.cv2', 'hcth.truong', 'ld.giamdoc', 'ld.pgd1'], templates: TEMPLATES });
  });
  afterAll(() => h?.stop());

  it.sequential('alerts, holds the reminder (no forwarding, no retry loop), and delivers it once after a new token, telling the timeline', async () => {
    await h.store.zaloTokensPut({ accessToken: 'an-expired-access-token', refreshToken: 'a-refresh-token-zalo-no-longer-knows', expiresAt: Date.now() - 1000, updatedAt: Date.now() - DAY });
    const id = await remindedTask(h, 'hcth.cv2');
    await eventually(async () => (await h.store.outboxWaiting(10)).find((r) => r.workflowId === id), 40_000, 'the reminder held');
    expect(await deliveryNote(h, id, /chờ gửi lại/)).toBe(
      'Gửi Bùi Thị Hạnh: tin nhắn Zalo không gửi được (Zalo OA chưa có mã truy cập hợp lệ) — chờ gửi lại khi Zalo OA có mã truy cập mới.',
    );
    expect(await h.zalo.tokens.problem()).toBeDefined();
    const refreshes = h.double.refreshCalls;
    await h.waiting.kick();
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.double.refreshCalls).toBe(refreshes);
    expect(h.sentTo('hcth.cv2')).toEqual([]);
    expect(h.sentTo('hcth.truong')).toEqual([]);

    const fresh = h.double.issueTokens();
    await installTokens(h.store, { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken }, Date.now());
    await h.waiting.kick();
    await h.waiting.kick();
    expect(h.sentTo('hcth.cv2').filter((m) => m.text.startsWith('Nhắc việc: Nhiệm vụ II.1.(1)'))).toHaveLength(1);
    expect(await deliveryNote(h, id, /đã gửi bằng tin nhắn Zalo/)).toBe('Gửi Bùi Thị Hạnh: đã gửi bằng tin nhắn Zalo.');
    expect(await h.store.outboxWaiting(10)).toEqual([]);
  });
});
