// The Zalo bot end to end on the real dev server: people speak only through signed webhook
// requests from the Zalo double, and everything they read is what the double received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnTask, showTask } from '../../client/tasks.js';
import { issueLinkCode } from '../../client/accounts.js';
import { addDays, businessDateOf } from '../../domain/calendar.js';
import { taskWorkflowId, type UnitTaskView } from '../../domain/task.js';
import { eventually, ORG, settled, testPlan } from '../helpers/harness-core.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { and, findTasks, is, RUNNING } from '../../client/visibility.js';

async function unitView(h: BotHarness, workflowId: string): Promise<UnitTaskView> {
  const shown = await showTask(h.client, workflowId);
  if (shown.kind !== 'unit') throw new Error('expected a unit task');
  return shown.view;
}

// The three parts below have their own harness (worker, double, store) and mostly wait on Zalo
// retries and business time: they run at the same time, the tests of each one after another.
describe.concurrent('Zalo bot: a task from reminder to approval', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ secondsPerDay: 120 });
  });
  afterAll(() => h?.stop());

  it.sequential('reminds with buttons; the assignee acknowledges, reports 60 %, completes with a photo; the head approves', async () => {
    const plan = await h.startPlan(
      testPlan([{ assignee: 'hcth.cv2', deadline: { kind: 'date', due: '2025-03-10', text: 'Ngày 10/3/2025' }, policy: { reminders: { workingDaysBefore: [5], dueMorning: false } } }]),
    );
    const id = taskWorkflowId(plan.id, 'II.1.(1)');

    const reminder = await h.received('hcth.cv2', /^Nhắc việc: Nhiệm vụ II\.1\.\(1\)/);
    expect(reminder.buttons.map((b) => [b.title, b.type, b.payload])).toEqual([
      ['Đã nhận', 'oa.query.show', 'nhận II.1.(1)'],
      ['Báo cáo tiến độ', 'oa.query.show', 'tiến độ II.1.(1)'],
      ['Đã hoàn thành', 'oa.query.show', 'xong II.1.(1)'],
      ['Xin gia hạn', 'oa.query.show', 'gia hạn II.1.(1)'],
    ]);

    // One tap on "Đã nhận": the payload comes back as the person's message.
    expect(await h.ask('hcth.cv2', 'nhận II.1.(1)')).toMatch(/^Đã ghi nhận đồng chí nhận Nhiệm vụ II\.1\.\(1\).*hạn 10\/03\/2025/);
    expect((await unitView(h, id)).acknowledgedBy?.id).toBe('hcth.cv2');

    const list = await h.ask('hcth.cv2', 'ds');
    expect(list).toContain('1. II.1.(1) Nhiệm vụ thử 1 — hạn 10/03/2025');
    expect(await h.ask('hcth.cv2', 'tien do 1 60% da ra soat xong 3/5 thu tuc')).toContain('Đã ghi nhận tiến độ 60%');
    expect((await unitView(h, id)).progress).toMatchObject({ percent: 60, note: 'da ra soat xong 3/5 thu tuc' });
    // A percent typed without "%" right after the task is the percent, not 0 %.
    expect(await h.ask('hcth.cv2', 'tiến độ 1 70 đã chuẩn hóa 12 biểu mẫu')).toContain('Đã ghi nhận tiến độ 70%');
    expect((await unitView(h, id)).progress).toMatchObject({ percent: 70, note: 'đã chuẩn hóa 12 biểu mẫu' });

    expect(await h.ask('hcth.cv2', 'xong 1 đã gửi báo cáo số 15/BC-SNV')).toContain('chờ đồng chí Trưởng phòng Hành chính – Tổng hợp Hoàng Văn Giang duyệt');
    const before = h.sentTo('hcth.cv2').length;
    const photo = await h.double.userSendsImage(h.zaloId('hcth.cv2'), 'https://photo-stal.zadn.vn/evidence/bien-ban.jpg', 'Biên bản rà soát');
    expect(photo.status).toBe(200);
    await eventually(() => h.sentTo('hcth.cv2').slice(before).find((m) => m.text.startsWith('Đã đính kèm 1 minh chứng')), 30_000, 'the evidence reply');
    const awaiting = await unitView(h, id);
    expect(awaiting.evidence).toMatchObject([{ kind: 'image', url: 'https://photo-stal.zadn.vn/evidence/bien-ban.jpg', name: 'Biên bản rà soát', by: { id: 'hcth.cv2' } }]);
    expect(awaiting.completion?.evidence).toEqual(['https://photo-stal.zadn.vn/evidence/bien-ban.jpg']);

    const request = await h.received('hcth.truong', /báo cáo đã hoàn thành Nhiệm vụ II\.1\.\(1\)/);
    expect(request.buttons.map((b) => b.payload)).toEqual(['duyệt II.1.(1)', 'từ chối II.1.(1)']);
    expect(await h.ask('hcth.truong', 'duyệt II.1.(1)')).toContain('Trạng thái: hoàn thành đúng hạn.');
    expect((await unitView(h, id)).status).toBe('done_on_time');
    // A leader is named with his title in what staff receive.
    await h.received('hcth.cv2', /^Đồng chí Trưởng phòng Hành chính – Tổng hợp Hoàng Văn Giang đã duyệt kết quả Nhiệm vụ II\.1\.\(1\).*: hoàn thành đúng hạn\.$/);
  });

  it.sequential('managers decide from Zalo: extension, explanation, reassignment, and the unit summary', async () => {
    const plan = await h.startPlan(testPlan([{ assignee: 'hcth.cv2', deadline: { kind: 'date', due: '2025-03-20', text: 'Ngày 20/3/2025' } }]));
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    await eventually(async () => (await unitView(h, id).catch(() => undefined))?.status, 20_000, 'the task to start');

    // The button asks for the date and the reason; the next message gives them.
    expect(await h.ask('hcth.cv2', 'gia hạn II.1.(1)')).toContain('Đề nghị đồng chí gửi ngày xin gia hạn đến và lý do');
    expect(await h.ask('hcth.cv2', '31/3 cho so lieu cua So Tai chinh')).toContain('Đã ghi nhận đề nghị gia hạn Nhiệm vụ II.1.(1)');
    expect((await unitView(h, id)).extensionRequest).toMatchObject({ until: '2025-03-31', reason: 'cho so lieu cua So Tai chinh' });
    const ask = await h.received('hcth.truong', /xin gia hạn Nhiệm vụ II\.1\.\(1\).*đến ngày 31\/03\/2025/);
    expect(ask.buttons.map((b) => b.payload)).toEqual(['đồng ý gia hạn II.1.(1)', 'không gia hạn II.1.(1)']);
    expect(await h.ask('hcth.truong', 'đồng ý gia hạn II.1.(1)')).toContain('Đã đồng ý gia hạn');
    expect((await unitView(h, id)).due).toBe('2025-03-31');
    await h.received('hcth.cv2', /đồng ý gia hạn Nhiệm vụ II\.1\.\(1\).*đến ngày 31\/03\/2025/);

    expect(await h.ask('hcth.truong', 'yêu cầu giải trình II.1.(1) vì sao chưa có số liệu')).toContain('Đã gửi yêu cầu giải trình tới Bùi Thị Hạnh');
    await h.received('hcth.cv2', /yêu cầu giải trình về Nhiệm vụ II\.1\.\(1\)/);
    expect(await h.ask('hcth.cv2', 'giải trình II.1.(1) Sở Tài chính chưa gửi số liệu')).toContain('Đã gửi giải trình');
    expect((await unitView(h, id)).explanation?.answer?.text).toBe('Sở Tài chính chưa gửi số liệu');

    expect(await h.ask('hcth.truong', 'giao lại II.1.(1)')).toContain('Cán bộ của đơn vị:');
    expect(await h.ask('hcth.truong', 'giao lai II.1.(1) vo thi ha')).toContain('Đã giao lại Nhiệm vụ II.1.(1)');
    expect((await unitView(h, id)).assignee.id).toBe('hcth.pho');
    await h.received('hcth.pho', /giao đồng chí thực hiện Nhiệm vụ II\.1\.\(1\)/);

    const summary = await h.ask('hcth.truong', 'don vi');
    expect(summary).toMatch(/^Tình hình nhiệm vụ — Phòng Hành chính – Tổng hợp \(\d+ nhiệm vụ\):/);
    expect(summary).toMatch(/• (chưa đến hạn|sắp đến hạn): \d+/);
    expect(await h.ask('hcth.cv2', 'đơn vị')).toContain('Lệnh «đơn vị» dành cho lãnh đạo');
    // Staff cannot approve: the engine's rule, with the reason.
    expect(await h.ask('hcth.pho', 'duyệt II.1.(1)')).toMatch(/Đồng chí không có quyền thực hiện thao tác này|Không thực hiện được/);
  });

  it.sequential('buttons that need more start a short dialogue: the next message answers, «hủy» leaves it, a refusal needs a reason', async () => {
    // Already overdue when it starts: the answers must state the status after each decision.
    const plan = await h.startPlan(testPlan([{ assignee: 'hcth.cv2', deadline: { kind: 'date', due: '2025-01-10', text: 'Ngày 10/1/2025' } }]));
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    await eventually(async () => (await unitView(h, id).catch(() => undefined))?.status === 'overdue', 20_000, 'the task to be overdue');

    expect(await h.ask('hcth.cv2', 'xong II.1.(1)')).toContain('Đề nghị đồng chí gửi kết quả ngắn gọn');
    expect(await h.ask('hcth.cv2', 'hủy')).toBe('Đã hủy thao tác «xong II.1.(1)».');
    expect((await unitView(h, id)).phase).toBe('active');
    // After «hủy» a free sentence is not taken as the answer.
    expect(await h.ask('hcth.cv2', 'đã gửi báo cáo')).toMatch(/^Chưa hiểu tin nhắn/);

    expect(await h.ask('hcth.cv2', 'gia hạn II.1.(1)')).toContain('Gõ «hủy» để bỏ qua.');
    // A date that does not exist keeps the question open.
    expect(await h.ask('hcth.cv2', '31/2/2026 chờ kinh phí')).toContain('Đề nghị gửi lại, hoặc gõ «hủy».');
    expect(await h.ask('hcth.cv2', '15/1/2027 chờ kinh phí')).toContain('đến ngày 15/01/2027, chờ đồng chí Trưởng phòng Hành chính – Tổng hợp Hoàng Văn Giang cho ý kiến');

    // A "thường xuyên" task reads as this cycle's report, not as a plain deadline.
    const monthly = await h.startPlan(testPlan([{ assignee: 'hcth.cv2', deadline: { kind: 'recurring', cycle: 'monthly', text: 'Thường xuyên, báo cáo trước ngày 10 hằng tháng' } }], { endDate: '2027-12-31' }));
    const monthlyId = taskWorkflowId(monthly.id, 'II.1.(1)');
    await eventually(async () => (await unitView(h, monthlyId).catch(() => undefined))?.due, 20_000, 'the monthly task to start');
    await eventually(async () => (await h.ask('hcth.cv2', 'ds')).match(/II\.1\.\(1\) Nhiệm vụ thử 1 — định kỳ, báo cáo kỳ này trước \d{2}\/\d{2}\/\d{4}/), 20_000, 'the periodic task in the list');

    // The head's list starts with what awaits his decision, with the commands for it, in one message.
    const listAt = h.sentTo('hcth.truong').length;
    await h.say('hcth.truong', 'ds');
    const list = await eventually(() => h.sentTo('hcth.truong').slice(listAt).find((m) => m.text.startsWith('Việc đồng chí theo dõi')), 30_000, 'the head list');
    expect(list.text).toMatch(/\nChờ đồng chí quyết định \(1\):\n1\. II\.1\.\(1\) Nhiệm vụ thử 1 — Bùi Thị Hạnh xin gia hạn đến 15\/01\/2027 \(chờ kinh phí\) → «đồng ý gia hạn 1» hoặc «không gia hạn 1 lý do …»/);
    expect(list.text).toContain('Lệnh của lãnh đạo: «duyệt 1»');
    expect(list.text).not.toContain('«nhận 1»');
    expect(list.text.length).toBeLessThanOrEqual(2000);
    expect(h.sentTo('hcth.truong').slice(listAt).filter((m) => !/quá hạn|Báo cáo cấp/.test(m.text))).toHaveLength(1);

    // The Giám đốc's summary: units ranked by overdue, the overdue list cut with what is left counted.
    const summaryAt = h.sentTo('ld.giamdoc').length;
    await h.say('ld.giamdoc', 'đơn vị');
    const summary = await eventually(() => h.sentTo('ld.giamdoc').slice(summaryAt).find((m) => m.text.startsWith('Tình hình nhiệm vụ')), 30_000, 'the director summary');
    expect(summary.text).toMatch(/Theo đơn vị \(quá hạn \/ đang theo dõi\):\n• Phòng Hành chính – Tổng hợp: [1-9]\d* quá hạn \/ \d+ đang theo dõi/);

    // "Không gia hạn" at one tap asks for the reason; the reason completes it.
    expect(await h.ask('hcth.truong', 'không gia hạn II.1.(1)')).toContain('Đề nghị đồng chí gửi lý do không đồng ý gia hạn');
    expect((await unitView(h, id)).extensionRequest).toBeDefined();
    const refusedAt = h.sentTo('hcth.truong').length;
    await h.say('hcth.truong', 'đã gia hạn một lần');
    const refused = await eventually(() => h.sentTo('hcth.truong').slice(refusedAt).find((m) => m.text.startsWith('Đã không đồng ý gia hạn Nhiệm vụ II.1.(1)')), 30_000, 'the refusal reply');
    expect(refused.text).toMatch(/Trạng thái: quá hạn\.$/);
    await h.received('hcth.cv2', /không đồng ý gia hạn Nhiệm vụ II\.1\.\(1\).*Lý do: đã gia hạn một lần\. Hạn cũ giữ nguyên\./);

    // An extension granted: the answer states the status under the new deadline, not the old one.
    expect(await h.ask('hcth.cv2', 'gia hạn II.1.(1) 15/1/2027 lý do chờ kinh phí')).toContain('Đã ghi nhận đề nghị gia hạn');
    // (Escalations of the overdue task may reach the head meanwhile: wait for the reply itself.)
    const replyTo = async (who: string, text: string, re: RegExp) => {
      const n = h.sentTo(who).length;
      await h.say(who, text);
      return (await eventually(() => h.sentTo(who).slice(n).find((m) => re.test(m.text)), 30_000, `a reply matching ${re}`)).text;
    };
    const granted = await replyTo('hcth.truong', 'đồng ý gia hạn II.1.(1)', /^Đã đồng ý gia hạn Nhiệm vụ II\.1\.\(1\)/);
    expect(granted).toContain('đến ngày 15/01/2027');
    expect(granted).not.toContain('quá hạn');

    // A completion with nothing to add; a rejection tells the real deadline.
    expect(await h.ask('hcth.cv2', 'xong II.1.(1)')).toContain('gõ «không»');
    expect(await h.ask('hcth.cv2', 'không')).toContain('Đã ghi nhận báo cáo hoàn thành');
    expect((await unitView(h, id)).completion?.note).toBe('');
    expect(await h.ask('hcth.truong', 'từ chối II.1.(1)')).toContain('Đề nghị đồng chí gửi lý do chưa duyệt');
    expect(await h.ask('hcth.truong', 'thiếu biểu số liệu')).toContain('Đã trả lại Nhiệm vụ II.1.(1)');
    const rejected = await h.received('hcth.cv2', /chưa duyệt kết quả Nhiệm vụ II\.1\.\(1\)/);
    expect(rejected.text).toContain('Đề nghị đồng chí tiếp tục thực hiện và báo cáo lại; hạn ngày 15/01/2027.');
    expect(rejected.text).not.toContain('trở lại trạng thái');
  });

  it.sequential('refuses a staff member of another unit, and says why', async () => {
    const plan = await h.startPlan(testPlan([{ assignee: 'hcth.cv2', deadline: { kind: 'date', due: '2025-03-28', text: 'Ngày 28/3/2025' } }]));
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    await eventually(async () => (await unitView(h, id).catch(() => undefined))?.status, 20_000, 'the task to start');
    // TCCB's staff see no such task of theirs; TCCB's head is refused by the engine's rules.
    expect(await h.ask('tccb.cv1', `nhận II.1.(1)`)).toMatch(/Không tìm thấy nhiệm vụ số hiệu II\.1\.\(1\) của đồng chí|Có \d+ nhiệm vụ số hiệu/);
    const view = await unitView(h, id);
    expect(view.acknowledgedBy).toBeUndefined();
    expect(view.timeline.filter((e) => e.actor === 'tccb.cv1')).toEqual([]);
  });

  it.sequential('answers the same delivery once: a repeated webhook changes nothing and sends no second reply', async () => {
    const first = await h.say('hcth.cv1', 'trợ giúp');
    expect(first.status).toBe(200);
    const key = `msg:${(first.event.message as { msg_id: string }).msg_id}`;
    await eventually(async () => (await h.store.inboxGet(key))?.status === 'done', 20_000, 'help handled');
    const count = h.sentTo('hcth.cv1').length;
    const again = await h.double.redeliver(first);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ ok: true, duplicate: true });
    await h.inbox.idle();
    expect(h.sentTo('hcth.cv1')).toHaveLength(count);
  });

  it.sequential('links an unknown Zalo account with a one-time code, and only once', async () => {
    const stranger = '7000000000000000001';
    const hello = await h.double.userSendsText(stranger, 'ds');
    expect(hello.status).toBe(200);
    await eventually(() => h.double.sentTo(stranger)[0], 20_000, 'the unlinked answer');
    expect(h.double.sentTo(stranger)[0]!.text).toContain('chưa được liên kết');

    const { code } = await issueLinkCode(ORG, h.store, 'xdcq.cv2', Date.now());
    await h.double.userSendsText(stranger, `dk ${code}`);
    await eventually(() => h.double.sentTo(stranger).find((m) => m.text.startsWith('Đã liên kết Zalo với tài khoản Phan Thị Ngọc')), 20_000, 'linked');
    expect((await h.store.zaloLinkOfPerson('xdcq.cv2'))?.zaloUserId).toBe(stranger);

    const other = '7000000000000000002';
    await h.double.userSendsText(other, `dk ${code}`);
    await eventually(() => h.double.sentTo(other).find((m) => m.text.startsWith('Mã liên kết không đúng hoặc đã hết hạn')), 20_000, 'a used code refused');
    expect(await h.store.zaloLinkOf(other)).toBeUndefined();
  });
});

describe.concurrent('Zalo bot: escalation and unreachable people', () => {
  let h: BotHarness;
  beforeAll(async () => {
    // Office hours at 2 s a day; nights and weekends pass 10 times faster.
    h = await startBotHarness({ secondsPerDay: 2, offHoursSpeedup: 10 });
  });
  afterAll(() => h?.stop());

  it.sequential('a missed deadline escalates to the head, then to the Phó Giám đốc in charge, each through Zalo', async () => {
    const plan = await h.startPlan(testPlan([{ assignee: 'hcth.cv2', deadline: { kind: 'date', due: '2025-03-04', text: 'Ngày 04/3/2025' } }]));
    const head = await h.received('hcth.truong', /Nhiệm vụ II\.1\.\(1\).*đã quá hạn.*Báo cáo cấp 1/, 40_000);
    expect(head.buttons.length).toBeGreaterThan(0);
    await h.received('ld.pgd1', /Nhiệm vụ II\.1\.\(1\).*đã quá hạn.*Báo cáo cấp 2/, 40_000);
    // Done with it: its overdue notices to hcth.cv2 would otherwise be "the latest message" in the next test.
    await actOnTask(h.client, taskWorkflowId(plan.id, 'II.1.(1)'), 'cancel', { actor: 'ld.giamdoc', reason: 'kết thúc phần thử' });
  });

  it.sequential('two plans with the same ref: a tapped button answers the task of the latest message', async () => {
    const due = addDays(businessDateOf(h.clock.toBusiness(Date.now())), 5);
    const reminded = { assignee: 'hcth.cv2', deadline: { kind: 'date' as const, due, text: `Ngày ${due}` }, policy: { reminders: { workingDaysBefore: [1], dueMorning: false } } };
    // Far ahead of business time (about 5 s a week), whatever the machine's speed: no message about A while the test runs.
    const far = addDays(businessDateOf(h.clock.toBusiness(Date.now())), 90);
    const quiet = { assignee: 'hcth.cv2', deadline: { kind: 'date' as const, due: far, text: `Ngày ${far}` } };
    const a = await h.startPlan(testPlan([quiet]));
    const b = await h.startPlan(testPlan([reminded]));
    const idA = taskWorkflowId(a.id, 'II.1.(1)');
    const idB = taskWorkflowId(b.id, 'II.1.(1)');
    await eventually(async () => (await h.outbox({ workflowId: idB, kind: 'reminder' })).find((r) => r.status === 'sent'), 30_000, 'the reminder of plan B');
    expect(await h.ask('hcth.cv2', 'nhận II.1.(1)')).toContain('Đã ghi nhận đồng chí nhận');
    expect((await unitView(h, idB)).acknowledgedBy?.id).toBe('hcth.cv2');
    expect((await unitView(h, idA)).acknowledgedBy).toBeUndefined();
  });

  it.sequential('a person who does not follow the OA: the message goes to the unit head and the timeline says so', async () => {
    h.double.setFollower(h.zaloId('hcth.pho'), false);
    // Business time runs on (office hours at 2 s a day): the deadline is set from today so the reminder is still ahead.
    const due = addDays(businessDateOf(h.clock.toBusiness(Date.now())), 14);
    const plan = await h.startPlan(
      testPlan([{ assignee: 'hcth.pho', deadline: { kind: 'date', due, text: `Ngày ${due}` }, policy: { reminders: { workingDaysBefore: [8], dueMorning: false } } }]),
    );
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    const forwarded = await h.received('hcth.truong', /^\[Chuyển thay cho đồng chí Võ Thị Hà vì chưa quan tâm Zalo OA\] Nhắc việc: Nhiệm vụ II\.1\.\(1\)/, 40_000);
    expect(forwarded.text).toContain('Nhắc việc');
    const view = await eventually(async () => {
      const v = await unitView(h, id);
      return v.timeline.some((e) => e.kind === 'delivery') && v;
    }, 20_000, 'the timeline note');
    // Every channel tried is in the timeline (issue 9): the consultation message refused, no template configured, then the head.
    expect(view.timeline.find((e) => e.kind === 'delivery')!.text).toBe(
      'Gửi Võ Thị Hà: tin nhắn Zalo không gửi được (chưa quan tâm Zalo OA) — chuyển thay cho Hoàng Văn Giang: đã gửi bằng tin nhắn Zalo.',
    );
    expect(h.sentTo('hcth.pho')).toEqual([]);
  });
});

describe.concurrent('Zalo bot: faults', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ secondsPerDay: 600 });
  });
  afterAll(() => h?.stop());

  async function openTask(assignee: string) {
    const plan = await h.startPlan(testPlan([{ assignee, deadline: { kind: 'date', due: '2025-03-28', text: 'Ngày 28/3/2025' } }]));
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    await eventually(async () => (await unitView(h, id).catch(() => undefined))?.status, 20_000, 'the task to start');
    // The bot finds a task by its ref through visibility, which lags the workflow a little.
    await eventually(async () => (await findTasks(h.client, and(RUNNING, is('PlanId', plan.id), is('TaskRef', 'II.1.(1)')))).length > 0, 20_000, 'visibility to list the task');
    return id;
  }

  it.sequential('Zalo answers -216 once: the token is refreshed once and the reply delivered', async () => {
    const refreshes = h.double.refreshCalls;
    const stored = (await h.store.zaloTokensGet())!;
    h.double.failNext(-216, 1, 'message');
    expect(await h.ask('hcth.cv1', 'trợ giúp')).toContain('Các lệnh thường dùng');
    expect(h.double.refreshCalls).toBe(refreshes + 1);
    const now = (await h.store.zaloTokensGet())!;
    expect(now.refreshToken).not.toBe(stored.refreshToken);
    expect(now.accessToken).not.toBe(stored.accessToken);
  });

  it.sequential('Zalo down for a while: the update happens once, the reply and the approval request arrive once it is back', async () => {
    const id = await openTask('hcth.cv2');
    expect(await h.ask('hcth.cv2', 'nhận II.1.(1)')).toContain('Đã ghi nhận đồng chí nhận');
    const headBefore = h.sentTo('hcth.truong').length;
    const staffBefore = h.sentTo('hcth.cv2').length;
    h.double.setDown(true);
    const d = await h.say('hcth.cv2', 'xong II.1.(1) đã gửi báo cáo');
    expect(d.status).toBe(200);
    await eventually(async () => (await unitView(h, id)).phase === 'awaiting_approval', 20_000, 'the completion to be recorded');
    // Down for a while: the approval request has failed twice (the reply, retried every few hundred ms, more often).
    await eventually(async () => (await h.outbox({ workflowId: id, kind: 'approval_request' })).find((r) => r.attempts >= 2), 20_000, 'two failed sends');
    expect(h.sentTo('hcth.cv2')).toHaveLength(staffBefore);
    expect(h.sentTo('hcth.truong')).toHaveLength(headBefore);

    h.double.setDown(false);
    await h.received('hcth.cv2', /^Đã ghi nhận báo cáo hoàn thành Nhiệm vụ II\.1\.\(1\)/, 40_000);
    await h.received('hcth.truong', /báo cáo đã hoàn thành Nhiệm vụ II\.1\.\(1\)/, 40_000);
    // Nothing left that could send either again: the message handled, the workflow with nothing in flight.
    const key = `msg:${(d.event.message as { msg_id: string }).msg_id}`;
    await eventually(async () => (await h.store.inboxGet(key))?.status === 'done', 20_000, 'the message handled');
    await settled(h.client, id);
    expect(h.sentTo('hcth.cv2').slice(staffBefore).filter((m) => m.text.startsWith('Đã ghi nhận báo cáo hoàn thành'))).toHaveLength(1);
    expect(h.sentTo('hcth.truong').slice(headBefore).filter((m) => m.text.includes('báo cáo đã hoàn thành Nhiệm vụ II.1.(1)'))).toHaveLength(1);
    expect((await unitView(h, id)).timeline.filter((e) => e.kind === 'completion')).toHaveLength(1);
  });

  it.sequential('Zalo refuses a notification as malformed (-201): not retried forever, not forwarded, and the timeline says so', async () => {
    const id = await openTask('hcth.cv1');
    h.double.failNext(-201, 1, 'message');
    await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.cv1', note: 'đã xong' });
    const view = await eventually(async () => {
      const v = await unitView(h, id);
      return v.timeline.some((e) => e.kind === 'delivery') && v;
    }, 20_000, 'the timeline note');
    expect(view.timeline.find((e) => e.kind === 'delivery')!.text).toBe('Gửi Hoàng Văn Giang: tin nhắn Zalo không gửi được (Zalo từ chối tin nhắn (mã lỗi -201)) — không ai nhận được.');
    expect((await h.outbox({ workflowId: id, kind: 'approval_request' }))[0]!.status).toBe('sent');
  });

  it.sequential('events accepted while the bot is stopped are handled after a restart', async () => {
    const id = await openTask('hcth.pho');
    await h.stopInbox();
    const d = await h.say('hcth.pho', 'nhận II.1.(1)');
    expect(d.status).toBe(200);
    const key = `msg:${(d.event.message as { msg_id: string }).msg_id}`;
    expect((await h.store.inboxGet(key))?.status).toBe('pending');
    await new Promise((r) => setTimeout(r, 500));
    expect((await unitView(h, id)).acknowledgedBy).toBeUndefined();

    h.startInbox();
    await h.received('hcth.pho', /^Đã ghi nhận đồng chí nhận Nhiệm vụ II\.1\.\(1\)/);
    expect((await unitView(h, id)).acknowledgedBy?.id).toBe('hcth.pho');
    expect((await h.store.inboxGet(key))?.status).toBe('done');
  });
});
