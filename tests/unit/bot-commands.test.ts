// What staff and managers type to the Zalo bot → commands (bot/commands.ts).
import { describe, expect, it } from 'vitest';
import { helpFor, HELP_TEXT, parseCommand, type BotCommand, type TaskRefArg } from '../../bot/commands.js';
import { managerActions, staffActions } from '../../domain/notification.js';

const today = '2024-05-20';
const parse = (text: string) => parseCommand(text, { today, audience: 'leader' });

const n = (index: number): TaskRefArg => ({ kind: 'index', index });
const ref = (r: string): TaskRefArg => ({ kind: 'ref', ref: r });
const REF = ref('II.2.(1)');

/** Either the exact command, or an `unknown` whose reply contains each string (or matches each regex). */
type Want = BotCommand | { unknown: (string | RegExp)[] };

const NOT_UNDERSTOOD = /^Chưa hiểu tin nhắn/;
const MISSING_TASK = 'Thiếu số thứ tự hoặc số hiệu nhiệm vụ';

const rows: [string, Want][] = [
  // --- list / help / unit summary / link
  ['ds', { type: 'list' }],
  ['DS', { type: 'list' }],
  ['danh sách', { type: 'list' }],
  ['danh sach', { type: 'list' }],
  ['Danh sách việc của tôi', { type: 'list' }],
  ['trợ giúp', { type: 'help' }],
  ['tro giup', { type: 'help' }],
  ['giúp', { type: 'help' }],
  ['help', { type: 'help' }],
  ['hd', { type: 'help' }],
  ['hướng dẫn', { type: 'help' }],
  ['huong dan', { type: 'help' }],
  ['?', { type: 'help' }],
  ['  ??  ', { type: 'help' }],
  ['đơn vị', { type: 'unitSummary' }],
  ['don vi', { type: 'unitSummary' }],
  ['dk 123456', { type: 'link', code: '123456' }],
  ['đăng ký 123456', { type: 'link', code: '123456' }],
  ['dang ky 654321', { type: 'link', code: '654321' }],
  ['Đăng kí mã AB12CD', { type: 'link', code: 'AB12CD' }],
  ['dk', { unknown: ['Thiếu mã đăng ký', 'dk 123456'] }],

  // --- acknowledge
  ['nhận 2', { type: 'acknowledge', task: n(2) }],
  ['nhan 2', { type: 'acknowledge', task: n(2) }],
  ['NHẬN 2', { type: 'acknowledge', task: n(2) }],
  ['nhân 2', { type: 'acknowledge', task: n(2) }],
  ['đã nhận 2', { type: 'acknowledge', task: n(2) }],
  ['da nhan 12', { type: 'acknowledge', task: n(12) }],
  ['  nhận\u00a0\u00a0 3  ', { type: 'acknowledge', task: n(3) }],
  ['nhan2', { type: 'acknowledge', task: n(2) }],
  ['nhận việc 4', { type: 'acknowledge', task: n(4) }],
  ['nhận #5', { type: 'acknowledge', task: n(5) }],
  ['nhn 2', { type: 'acknowledge', task: n(2) }],
  ['nhận II.1', { type: 'acknowledge', task: ref('II.1') }],
  ['nhận', { unknown: [MISSING_TASK, '«nhận 2»', '«nhận II.2.(1)»'] }],
  ['Đã nhận', { unknown: [MISSING_TASK, '«nhận 2»'] }],
  ['nhận 0', { unknown: ['bắt đầu từ 1'] }],
  ['nhna 2', { unknown: [NOT_UNDERSTOOD, 'Có phải đồng chí muốn gửi «nhận 2»'] }],

  // --- progress
  ['tiến độ 2 60% đã xong phần rà soát', { type: 'progress', task: n(2), percent: 60, note: 'đã xong phần rà soát' }],
  // A number right after the task is the percent, "%" or not; a count further on stays in the note.
  ['tiến độ 5 60 đã chuẩn hóa 12 biểu mẫu', { type: 'progress', task: n(5), percent: 60, note: 'đã chuẩn hóa 12 biểu mẫu' }],
  ['tien do 2 60% da xong phan ra soat', { type: 'progress', task: n(2), percent: 60, note: 'da xong phan ra soat' }],
  ['TIẾN ĐỘ 2 60 % đã xong', { type: 'progress', task: n(2), percent: 60, note: 'đã xong' }],
  ['tiến độ 2 60 phần trăm, chờ số liệu', { type: 'progress', task: n(2), percent: 60, note: 'chờ số liệu' }],
  ['tien do 2 60 phan tram', { type: 'progress', task: n(2), percent: 60, note: '' }],
  ['tiến độ 3: đạt 75% - đã rà soát 12 thủ tục', { type: 'progress', task: n(3), percent: 75, note: 'đã rà soát 12 thủ tục' }],
  ['tiến độ 2 62,5%', { type: 'progress', task: n(2), percent: 62.5, note: '' }],
  ['tiến độ 2 100%', { type: 'progress', task: n(2), percent: 100, note: '' }],
  ['tiến độ 2 0%', { type: 'progress', task: n(2), percent: 0, note: '' }],
  ['tiến độ 2 60', { type: 'progress', task: n(2), percent: 60, note: '' }],
  ['tiến độ 2 đã rà soát 80% hồ sơ', { type: 'progress', task: n(2), percent: 80, note: 'đã rà soát 80% hồ sơ' }],
  ['tiến độ 2 đang chờ Sở Tài chính', { type: 'progress', task: n(2), note: 'đang chờ Sở Tài chính' }],
  ['tien đo 2 40%', { type: 'progress', task: n(2), percent: 40, note: '' }],
  ['tienn do 2 40%', { type: 'progress', task: n(2), percent: 40, note: '' }],
  ['tiến độ2 40%', { type: 'progress', task: n(2), percent: 40, note: '' }],
  ['báo cáo tiến độ 3 40%', { type: 'progress', task: n(3), percent: 40, note: '' }],
  ['tiến độ 2 120%', { unknown: ['0% đến 100%', '120%'] }],
  ['tien do 2 101 phan tram', { unknown: ['0% đến 100%'] }],
  ['tiến độ 60%', { unknown: [MISSING_TASK, '«tiến độ 2 60%'] }],

  // --- complete
  ['xong 2 đã gửi báo cáo số 15/BC-SNV', { type: 'complete', task: n(2), note: 'đã gửi báo cáo số 15/BC-SNV' }],
  ['xong 2', { type: 'complete', task: n(2), note: '' }],
  ['hoàn thành 2 đã ban hành kế hoạch', { type: 'complete', task: n(2), note: 'đã ban hành kế hoạch' }],
  ['hoan thanh 2', { type: 'complete', task: n(2), note: '' }],
  ['đã hoàn thành 2', { type: 'complete', task: n(2), note: '' }],
  ['da hoan thanh 7 xong roi', { type: 'complete', task: n(7), note: 'xong roi' }],
  ['đã xong 2', { type: 'complete', task: n(2), note: '' }],
  ['hoan thnah 2', { type: 'complete', task: n(2), note: '' }],
  ['hoànthành 2', { type: 'complete', task: n(2), note: '' }],
  ['xong 2: đã gửi', { type: 'complete', task: n(2), note: 'đã gửi' }],
  ['Xong II.2.(1). Đã gửi văn bản', { type: 'complete', task: REF, note: 'Đã gửi văn bản' }],
  ['xong đã gửi báo cáo', { unknown: [MISSING_TASK, '«xong 2'] }],

  // --- request extension
  ['gia hạn 2 30/6 lý do chờ số liệu', { type: 'requestExtension', task: n(2), until: '2024-06-30', reason: 'chờ số liệu' }],
  ['gia han 2 30/6 ly do cho so lieu', { type: 'requestExtension', task: n(2), until: '2024-06-30', reason: 'cho so lieu' }],
  ['xin gia hạn 2 30/6 vì chờ số liệu', { type: 'requestExtension', task: n(2), until: '2024-06-30', reason: 'chờ số liệu' }],
  ['xin gia hạn 2 đến ngày 30/6/2024: chờ số liệu', { type: 'requestExtension', task: n(2), until: '2024-06-30', reason: 'chờ số liệu' }],
  ['gia hạn 2 15/5 lý do: nghỉ lễ', { type: 'requestExtension', task: n(2), until: '2025-05-15', reason: 'nghỉ lễ' }],
  ['gia hạn 2 20/5', { type: 'requestExtension', task: n(2), until: '2024-05-20', reason: '' }],
  ['gia hạn 2 5/1/25 chờ', { type: 'requestExtension', task: n(2), until: '2025-01-05', reason: 'chờ' }],
  ['gia hạn 2 chờ số liệu', { type: 'requestExtension', task: n(2), reason: 'chờ số liệu' }],
  ['gia hna 2 30/6', { type: 'requestExtension', task: n(2), until: '2024-06-30', reason: '' }],
  ['gia hạn 2 31/6 lý do chờ', { unknown: [/^Ngày 31\/6 không tồn tại\.$/] }],
  ['gia han 2 30/2', { unknown: [/^Ngày 30\/2 không tồn tại\.$/] }],
  ['gia hạn 2 29/2', { unknown: ['Ngày 29/2/2025 không tồn tại.'] }],
  ['gia hạn 2 31/6/2024', { unknown: ['Ngày 31/6/2024 không tồn tại.'] }],
  ['gia hạn 2 1/5/2024', { unknown: ['01/05/2024 đã qua'] }],
  ['gia hạn 30/6 lý do chờ', { unknown: [MISSING_TASK, '«gia hạn 2 30/6'] }],

  // --- explain
  ['giải trình 2 chậm do chưa nhận được số liệu', { type: 'explain', task: n(2), answer: 'chậm do chưa nhận được số liệu' }],
  ['giai trinh 2 cham do thieu nguoi', { type: 'explain', task: n(2), answer: 'cham do thieu nguoi' }],
  ['giải trình', { unknown: [MISSING_TASK, '«giải trình 2'] }],

  // --- approve / reject
  ['duyệt 2', { type: 'approve', task: n(2), note: '' }],
  ['duyet 2', { type: 'approve', task: n(2), note: '' }],
  ['duyêt 2 tốt', { type: 'approve', task: n(2), note: 'tốt' }],
  ['duyt 2', { type: 'approve', task: n(2), note: '' }],
  ['duyệt báo cáo 2', { type: 'approve', task: n(2), note: '' }],
  ['đồng ý 2', { type: 'approve', task: n(2), note: '' }],
  ['duyệt', { unknown: [MISSING_TASK, '«duyệt 2»'] }],
  ['từ chối 2 lý do thiếu biểu số liệu', { type: 'reject', task: n(2), reason: 'thiếu biểu số liệu' }],
  ['tu choi 2 ly do thieu bieu', { type: 'reject', task: n(2), reason: 'thieu bieu' }],
  ['từ chối 2 vì thiếu chữ ký', { type: 'reject', task: n(2), reason: 'thiếu chữ ký' }],
  ['từ chối 2 vi phạm quy trình', { type: 'reject', task: n(2), reason: 'vi phạm quy trình' }],
  ['không duyệt 2 thiếu số liệu', { type: 'reject', task: n(2), reason: 'thiếu số liệu' }],
  ['tu choii 2', { type: 'reject', task: n(2), reason: '' }],

  // --- decide extension (longer commands win over their prefixes)
  ['đồng ý gia hạn 2', { type: 'decideExtension', task: n(2), approve: true, reason: '' }],
  ['dong y gia han 2', { type: 'decideExtension', task: n(2), approve: true, reason: '' }],
  ['duyệt gia hạn 2', { type: 'decideExtension', task: n(2), approve: true, reason: '' }],
  ['dong y gia hna 2', { type: 'decideExtension', task: n(2), approve: true, reason: '' }],
  ['không gia hạn 2 lý do đã gia hạn một lần', { type: 'decideExtension', task: n(2), approve: false, reason: 'đã gia hạn một lần' }],
  ['khong gia han 2 vi qua nhieu lan', { type: 'decideExtension', task: n(2), approve: false, reason: 'qua nhieu lan' }],
  ['từ chối gia hạn 2', { type: 'decideExtension', task: n(2), approve: false, reason: '' }],
  ['không đồng ý gia hạn 2', { type: 'decideExtension', task: n(2), approve: false, reason: '' }],
  ['khong gia hn 2', { type: 'decideExtension', task: n(2), approve: false, reason: '' }],
  ['dong y gja hnnn 2', { unknown: [NOT_UNDERSTOOD, '«đồng ý gia hạn 2»'] }],
  ['không gia hạn', { unknown: [MISSING_TASK, '«không gia hạn 2'] }],

  // --- reassign / request explanation
  ['giao lại 2 Nguyễn Văn B', { type: 'reassign', task: n(2), to: 'Nguyễn Văn B' }],
  ['giao lai 2 cho Trần  Thị C', { type: 'reassign', task: n(2), to: 'Trần Thị C' }],
  ['giaolai 2 nv-042', { type: 'reassign', task: n(2), to: 'nv-042' }],
  ['giao lại Nguyễn Văn B', { unknown: [MISSING_TASK, '«giao lại 2'] }],
  ['yêu cầu giải trình 2 vì sao chậm tiến độ', { type: 'requestExplanation', task: n(2), question: 'vì sao chậm tiến độ' }],
  ['yeu cau giai trinh 2 ly do cham', { type: 'requestExplanation', task: n(2), question: 'ly do cham' }],
  ['yêu cầu giải trình II.2.(1) vì sao chậm?', { type: 'requestExplanation', task: REF, question: 'vì sao chậm?' }],
  ['yeu cau giai trnh 2', { type: 'requestExplanation', task: n(2), question: '' }],
  ['yêu cầu giải trình', { unknown: [MISSING_TASK, '«yêu cầu giải trình 2'] }],

  // --- gibberish
  ['asdfgh', { unknown: [NOT_UNDERSTOOD, 'Có phải đồng chí muốn gửi', 'trợ giúp'] }],
  ['Ngày mai em gửi ạ', { unknown: [NOT_UNDERSTOOD, 'Các lệnh'] }],
  ['2 xong', { unknown: [NOT_UNDERSTOOD] }],
  ['', { unknown: [NOT_UNDERSTOOD] }],
  ['ok', { unknown: [NOT_UNDERSTOOD] }],
  ['cảm ơn anh 2', { unknown: [NOT_UNDERSTOOD] }],
  ['dongy 2', { type: 'approve', task: n(2), note: '' }],
];

describe('parseCommand', () => {
  it('has a large table', () => {
    expect(rows.length).toBeGreaterThanOrEqual(70);
    expect(new Set(rows.map(([t]) => t)).size).toBe(rows.length);
  });

  it.each(rows)('%j', (text, want) => {
    const got = parse(text);
    if ('unknown' in want) {
      expect(got.type, JSON.stringify(got)).toBe('unknown');
      const reply = got.type === 'unknown' ? got.reply : '';
      for (const w of want.unknown) {
        if (typeof w === 'string') expect(reply).toContain(w);
        else expect(reply).toMatch(w);
      }
    } else {
      expect(got).toEqual(want);
    }
  });

  it('covers every command type', () => {
    const types = new Set(rows.map(([t]) => parse(t).type));
    for (const t of ['list', 'help', 'unitSummary', 'link', 'acknowledge', 'progress', 'complete', 'requestExtension', 'explain', 'approve', 'reject', 'decideExtension', 'reassign', 'requestExplanation', 'unknown']) {
      expect(types).toContain(t);
    }
  });

  it('reads the staff buttons it sends', () => {
    const [ack, progress, done, extend] = staffActions('II.2.(1)').map((a) => parse(a.payload));
    expect(ack).toEqual({ type: 'acknowledge', task: REF });
    expect(progress).toEqual({ type: 'progress', task: REF, note: '' });
    expect(progress).not.toHaveProperty('percent');
    expect(done).toEqual({ type: 'complete', task: REF, note: '' });
    expect(extend).toEqual({ type: 'requestExtension', task: REF, reason: '' });
    expect(staffActions('II.2.(1)')).toHaveLength(4);
  });

  it('reads the manager buttons it sends', () => {
    const [approve, reject, extend, reassign] = managerActions('II.2.(1)').map((a) => parse(a.payload));
    expect(approve).toEqual({ type: 'approve', task: REF, note: '' });
    expect(reject).toEqual({ type: 'reject', task: REF, reason: '' });
    expect(extend).toEqual({ type: 'decideExtension', task: REF, approve: true, reason: '' });
    expect(reassign).toEqual({ type: 'reassign', task: REF, to: '' });
    expect(managerActions('II.2.(1)')).toHaveLength(4);
  });

  it('reads button payloads for other refs and for list positions', () => {
    for (const r of ['II.1', 'I.3.(12)', '7']) {
      const task: TaskRefArg = /^\d+$/.test(r) ? n(Number(r)) : ref(r);
      for (const a of [...staffActions(r), ...managerActions(r)]) {
        const got = parse(a.payload);
        expect(got.type, a.payload).not.toBe('unknown');
        expect((got as { task: TaskRefArg }).task, a.payload).toEqual(task);
      }
    }
  });

  it('keeps the text as typed, decomposed or not', () => {
    const decomposed = 'xong 2 Đã gửi Sở Nội vụ'.normalize('NFD');
    expect(parse(decomposed)).toEqual({ type: 'complete', task: n(2), note: 'Đã gửi Sở Nội vụ' });
  });

  it('resolves a day and month to the next occurrence on or after today', () => {
    expect(parseCommand('gia hạn 2 1/1', { today: '2024-12-31' })).toMatchObject({ until: '2025-01-01' });
    expect(parseCommand('gia hạn 2 31/12', { today: '2024-12-31' })).toMatchObject({ until: '2024-12-31' });
    expect(parseCommand('gia hạn 2 29/2', { today: '2024-01-10' })).toMatchObject({ until: '2024-02-29' });
  });
});

describe('HELP_TEXT', () => {
  const examples: [string, BotCommand['type']][] = [
    ['ds', 'list'],
    ['dk 123456', 'link'],
    ['liên kết', 'linkRequest'],
    ['trợ giúp', 'help'],
    ['hủy', 'cancel'],
    ['nhận 2', 'acknowledge'],
    ['tiến độ 2 60%', 'progress'],
    ['xong 2', 'complete'],
    ['gia hạn 2 30/6 lý do', 'requestExtension'],
    ['giải trình 2', 'explain'],
    ['duyệt 2', 'approve'],
    ['từ chối 2 lý do', 'reject'],
    ['đồng ý gia hạn 2', 'decideExtension'],
    ['không gia hạn 2', 'decideExtension'],
    ['giao lại 2', 'reassign'],
    ['yêu cầu giải trình 2', 'requestExplanation'],
    ['đơn vị', 'unitSummary'],
  ];

  it.each(examples)('shows «%s» and that example parses', (example, type) => {
    expect(HELP_TEXT).toContain(example);
    expect(parse(example).type).toBe(type);
  });

  it('«liên kết» asks for the phone route; with a code after it, it is the code route', () => {
    expect(parse('lien ket')).toEqual({ type: 'linkRequest' });
    expect(parse('Liên kết tài khoản')).toEqual({ type: 'linkRequest' });
    expect(parse('liên kết 123456')).toEqual({ type: 'link', code: '123456' });
  });

  it('every example line in it parses to a command', () => {
    const lines = HELP_TEXT.split('\n').filter((l) => l.startsWith('• '));
    expect(lines.length).toBe(examples.length);
    for (const l of lines) {
      const example = l.slice(2).split(' — ')[0]!;
      expect(parse(example).type, example).not.toBe('unknown');
    }
  });

  it('has sections for staff and managers, in Vietnamese with diacritics, within a Zalo message', () => {
    expect(HELP_TEXT).toContain('Cán bộ thực hiện:');
    expect(HELP_TEXT).toContain('Lãnh đạo:');
    expect(HELP_TEXT.indexOf('Cán bộ thực hiện:')).toBeLessThan(HELP_TEXT.indexOf('Lãnh đạo:'));
    expect(HELP_TEXT).toContain('II.2.(1)');
    expect(HELP_TEXT).toBe(HELP_TEXT.normalize('NFC'));
    expect(HELP_TEXT.length).toBeLessThanOrEqual(2000);
    expect(HELP_TEXT).not.toMatch(/\b(tien do|hoan thanh|giai trinh|tu choi)\b/);
  });

  it('short help is by role: a chuyên viên sees only his commands, a leader his decisions; both point to «trợ giúp thêm»', () => {
    const staff = helpFor('staff');
    const leader = helpFor('leader');
    expect(staff.split('\n').length).toBeLessThanOrEqual(10);
    expect(leader.split('\n').length).toBeLessThanOrEqual(10);
    expect(staff).toContain('xong 2');
    expect(staff).not.toMatch(/• (?:duyệt|từ chối|giao lại|đơn vị)/);
    expect(leader).toContain('duyệt 2');
    expect(leader).toContain('không gia hạn 2');
    for (const h of [staff, leader]) expect(h).toContain('«trợ giúp thêm»');
    expect(parse('trợ giúp thêm')).toEqual({ type: 'help', more: true });
    expect(parse('tro giup')).toEqual({ type: 'help' });
    expect(parse('huỷ')).toEqual({ type: 'cancel' });
  });

  it('what is not a command is answered by intent and by role, addressing the person as «đồng chí»', () => {
    const staff = (text: string) => (parseCommand(text, { today, audience: 'staff' }) as { reply: string }).reply;
    // "ok" from a linked person is not a link code.
    expect(staff('ok')).toContain('«nhận');
    expect(staff('ok')).not.toContain('dk');
    expect(staff('em báo cáo nhiệm vụ 2 đã xong rồi ạ')).toContain('«xong 2');
    expect(staff('em xin lùi hạn nhiệm vụ 3 ạ')).toContain('«gia hạn 3');
    // A chuyên viên is not shown the leaders' commands.
    for (const t of ['ok', 'asdfgh', 'cảm ơn anh']) expect(staff(t)).not.toMatch(/«(?:duyệt|từ chối|giao lại|đơn vị)/);
    for (const t of ['ok', 'asdfgh', '']) expect(staff(t)).not.toMatch(/\b[Bb]ạn\b/);
    // Someone not linked yet is offered the ways to link.
    expect((parseCommand('ok', { today }) as { reply: string }).reply).toContain('liên kết');
  });

  it('short help in replies fits in a Zalo message too', () => {
    const r = parse('x'.repeat(500));
    expect(r.type).toBe('unknown');
    expect((r as { reply: string }).reply.length).toBeLessThanOrEqual(2000);
  });
});
