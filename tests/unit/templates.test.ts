import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOTIFICATION_KINDS, type Notification } from '../../domain/notification.js';
import { parseOrg } from '../../domain/org.js';
import { fillTemplate, fitTo, parseTemplates } from '../../domain/templates.js';
import { InvalidFileError } from '../../domain/validation.js';

const EXAMPLE = 'config/zalo-templates.example.yaml';

function refusal(yaml: string): InvalidFileError {
  try {
    parseTemplates(yaml, 'zalo-templates.yaml');
  } catch (err) {
    if (err instanceof InvalidFileError) return err;
    throw err;
  }
  throw new Error('accepted');
}

const n: Notification = {
  key: 'wf#1:reminder',
  kind: 'reminder',
  to: { id: 'hcth.cv2', name: 'Bùi Thị Hạnh', title: 'Chuyên viên' },
  planId: 'p',
  workflowId: 'wf',
  taskRef: 'II.2.(5)',
  text: 'Nhắc việc: …',
  actions: [],
  facts: { title: 'Rà soát, chuẩn hóa toàn bộ quy trình nội bộ giải quyết thủ tục hành chính thuộc thẩm quyền của Sở trên Hệ thống thông tin giải quyết TTHC', unit: 'Phòng Hành chính – Tổng hợp', due: '2025-06-30', summary: 'Nhắc việc' },
};

describe('Zalo templates configuration', () => {
  it('the shipped example is valid, for known kinds, in the day', () => {
    const cfg = parseTemplates(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
    expect(cfg.hours).toEqual({ start: '06:00', end: '22:00' });
    for (const kind of Object.keys(cfg.templates)) expect(NOTIFICATION_KINDS).toContain(kind);
    expect(cfg.templates.reminder?.params.ma_nhiem_vu).toEqual({ from: 'task_ref', max: 30 });
    expect(cfg.templates.signin_code?.byUserId).toBe(false);
  });

  it('refuses an unknown kind of notification, naming it and the kinds there are', () => {
    const e = refusal('templates:\n  nhac_viec:\n    templateId: "1"\n    params: { a: { from: task_ref, max: 30 } }\n');
    expect(e.issues[0]!.path).toBe('templates.nhac_viec');
    expect(e.issues[0]!.en).toMatch(/unknown notification kind "nhac_viec"; kinds: reminder, escalation/);
    expect(e.issues[0]!.vi).toMatch(/loại thông báo «nhac_viec» không có/);
  });

  it('refuses a parameter with nothing to fill it, and one with both a source and a value', () => {
    expect(refusal('templates:\n  reminder:\n    templateId: "1"\n    params: { ma: { max: 30 } }\n').issues[0]).toMatchObject({
      path: 'templates.reminder.params.ma',
      en: 'parameter needs "from" or "value"',
    });
    expect(refusal('templates:\n  reminder:\n    templateId: "1"\n    params: { ma: { from: task_ref, value: "x", max: 30 } }\n').issues[0]!.en).toMatch(/not both/);
    expect(refusal('templates:\n  reminder:\n    templateId: "1"\n    params: { ma: { from: due, max: 30 } }\n').issues[0]!.path).toBe('templates.reminder.params.ma.from');
    expect(refusal('templates:\n  reminder:\n    templateId: "1"\n    params: {}\n').issues[0]!.en).toMatch(/at least one parameter/);
  });

  it('refuses a fixed value longer than its parameter allows, and a limit beyond Zalo\'s', () => {
    const e = refusal('templates:\n  reminder:\n    templateId: "1"\n    params: { co_quan: { value: "Sở Nội vụ tỉnh Hậu Giang", max: 10 } }\n');
    expect(e.issues[0]).toMatchObject({ path: 'templates.reminder.params.co_quan.value', en: 'value is 24 characters, over the limit of 10' });
    expect(e.vietnamese).toMatch(/vượt giới hạn 10/);
    expect(refusal('templates:\n  reminder:\n    templateId: "1"\n    params: { a: { from: message, max: 5000 } }\n').issues[0]!.path).toBe('templates.reminder.params.a.max');
  });

  it('refuses a template id that is not Zalo\'s, a misspelt key, and hours that run backwards', () => {
    expect(refusal('templates:\n  reminder:\n    templateId: "abc"\n    params: { a: { from: task_ref, max: 5 } }\n').issues[0]!.path).toBe('templates.reminder.templateId');
    expect(refusal('templates:\n  reminder:\n    templateID: "1"\n    params: { a: { from: task_ref, max: 5 } }\n').issues.map((i) => i.path)).toContain('templates.reminder');
    expect(refusal('hours: { start: "22:00", end: "06:00" }\n').issues[0]!.path).toBe('hours');
  });

  it('fills every parameter from the notification, within its length', () => {
    const cfg = parseTemplates(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
    const data = fillTemplate(cfg.templates.reminder!, n, 'Bùi Thị Hạnh');
    expect(data).toEqual({
      ten_can_bo: 'Bùi Thị Hạnh',
      ma_nhiem_vu: 'II.2.(5)',
      noi_dung: expect.stringMatching(/^Rà soát, chuẩn hóa toàn bộ quy trình nội bộ .*…$/),
      han_hoan_thanh: '30/06/2025',
      don_vi: 'Phòng Hành chính – Tổng hợp',
    });
    for (const [k, v] of Object.entries(data)) expect(v.length, k).toBeLessThanOrEqual(cfg.templates.reminder!.params[k]!.max);
    expect(fillTemplate(cfg.templates.signin_code!, { ...n, kind: 'signin_code', taskRef: '', facts: { code: '042917' } }, 'x')).toEqual({ otp: '042917' });
  });

  it('cuts on a word boundary where it can', () => {
    expect(fitTo('Rà soát thủ tục hành chính', 12)).toBe('Rà soát thủ…');
    expect(fitTo('  ngắn  ', 30)).toBe('ngắn');
    expect(fitTo('abcdefghijklmnop', 5)).toBe('abcd…');
  });
});

describe('phone and e-mail in the org chart', () => {
  const org = (person: string) =>
    `agency: { name: Sở }\npeople:\n  - { id: a, name: A, title: Giám đốc${person} }\nunits:\n  - { code: U, name: Phòng U, kind: Phòng, head: a }\nleadership: { director: a }\n`;

  it('stores phones as 84… and refuses what is not a Vietnamese number or an address', () => {
    expect(parseOrg(org(', phone: "0912 345 678", email: a@snv.gov.vn'), 'org.yaml').people[0]).toMatchObject({ phone: '84912345678', email: 'a@snv.gov.vn' });
    expect(() => parseOrg(org(', phone: "12345"'), 'org.yaml')).toThrow(/people\[0\]\.phone: "12345" is not a Vietnamese phone number/);
    expect(() => parseOrg(org(', email: "a at snv"'), 'org.yaml')).toThrow(/people\[0\]\.email/);
  });
});
