// Reading "Đơn vị thực hiện" phrases into lead / support / external units, against the example org of a
// Sở Nội vụ and the example org of a province (UBND tỉnh Hậu Giang).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chainFor, parseOrg, type Org } from '../../domain/org.js';
import { matchUnit, resolveUnits } from '../../domain/unit-phrase.js';

function loadOrg(file: string): Org {
  return parseOrg(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8'), `examples/${file}`);
}

const snv = loadOrg('org-so-noi-vu.yaml');
const tinh = loadOrg('org-tinh-hau-giang.yaml');

const SNV_ALL = ['HCTH', 'TCCB', 'XDCQ', 'CCVC', 'CCHC', 'TTRA', 'BTDKT', 'BTG', 'TTLT'];
const snvBut = (...codes: string[]) => SNV_ALL.filter((c) => !codes.includes(c));

const PROVINCIAL = ['SNV', 'CAT', 'STTTT', 'VPUBND', 'STP', 'SYT', 'SGDDT', 'SLDTBXH', 'STC', 'SKHDT', 'TTPVHCC'];
const DISTRICTS = ['TPVT', 'TPNB', 'TXLM', 'HCT', 'HCTA', 'HLM', 'HPH', 'HVT'];
const TINH_ALL = [...PROVINCIAL, ...DISTRICTS];
const tinhBut = (...codes: string[]) => TINH_ALL.filter((c) => !codes.includes(c));

interface Row {
  text: string;
  lead: string[] | 'all';
  support?: string[];
  external?: string[];
  /** How many warnings; each listed string must appear in one of them (English). */
  warnings?: number;
  warn?: string[];
}

function check(org: Org, row: Row): void {
  const r = resolveUnits(row.text, org);
  expect({ lead: r.lead, support: r.support, external: r.external }).toEqual({
    lead: row.lead,
    support: row.support ?? [],
    external: row.external ?? [],
  });
  expect(r.warnings.map((w) => w.en)).toHaveLength(row.warnings ?? 0);
  for (const s of row.warn ?? []) expect(r.warnings.some((w) => w.en.includes(s))).toBe(true);
  for (const w of r.warnings) {
    expect(w.vi).not.toBe('');
    expect(w.en).not.toBe('');
  }
}

// ── Against the Sở Nội vụ ───────────────────────────────────────────────────────────────────────────────────

const SO_NOI_VU: Row[] = [
  // Seed 000, as the PDF text has them (line breaks and all).
  {
    text: 'Đơn vị thực hiện: Phòng Hành chính – Tổng hợp, phối hợp với các Phòng, \n\nBan, Trung tâm. ',
    lead: ['HCTH'],
    support: snvBut('HCTH'),
  },
  {
    text: 'Đơn vị/người thực hiện: Thủ trưởng các Phòng, Ban, Trung tâm và toàn thể \n\ncông chức, viên chức, người lao động thuộc Sở. ',
    lead: 'all',
  },
  {
    text: 'Đơn vị thực hiện: Thủ trưởng các Phòng, Ban, Trung tâm và toàn thể công \n\nchức, viên chức, người lao động thuộc Sở. ',
    lead: 'all',
  },
  { text: 'Đơn vị thực hiện: Phòng Tổ chức cán bộ phối hợp với Phòng Hành chính – \n\nTổng hợp. ', lead: ['TCCB'], support: ['HCTH'] },
  {
    text: '-Đơn vị chủ trì: Sở, ban, ngành tỉnh, địa phương.-Đơn vị phối hợp: Sở Thông \n\ntin và Truyền thông, Công an tỉnh, Văn phòng UBND tỉnh. ',
    lead: [],
    external: ['Sở, ban, ngành tỉnh, địa phương'],
    support: ['Sở Thông tin và Truyền thông', 'Công an tỉnh', 'Văn phòng UBND tỉnh'],
  },
  {
    // Item (7) whole: the province's assignment quoted, then the Sở's own line, which is the one read.
    text:
      'tử.-Đơn vị chủ trì: Sở, ban, ngành tỉnh, địa phương.-Đơn vị phối hợp: Sở Thông \n\ntin và Truyền thông, Công an tỉnh, ' +
      'Văn phòng UBND tỉnh. \n\nĐơn vị thực hiện: Phòng Hành chính – Tổng hợp phối hợp với Trung tâm \n\nPhục vụ hành chính công tỉnh. ',
    lead: ['HCTH'],
    support: ['Trung tâm Phục vụ hành chính công tỉnh'],
  },
  {
    text: 'Đơn vị thực hiện: Phòng Hành chính – Tổng hợp phối hợp với Trung tâm \n\nPhục vụ hành chính công tỉnh. ',
    lead: ['HCTH'],
    support: ['Trung tâm Phục vụ hành chính công tỉnh'],
  },
  {
    text: 'Đơn vị thực hiện: Phòng Hành chính – Tổng hợp phối hợp với Sở Thông tin \n\nvà Truyền thông, Công an tỉnh, Văn phòng UBND tỉnh. ',
    lead: ['HCTH'],
    support: ['Sở Thông tin và Truyền thông', 'Công an tỉnh', 'Văn phòng UBND tỉnh'],
  },
  { text: 'Đơn vị thực hiện: Các Phòng, Ban, Trung tâm thuộc và trực thuộc Sở. ', lead: 'all' },
  { text: 'Đơn vị thực hiện: Các Phòng, Ban, Trung tâm. ', lead: 'all' },
  {
    text: ' Đơn vị thực hiện: Phòng Hành chính – Tổng hợp, Phòng TCCB phối hợp với \n\ncác Phòng, Ban, Trung tâm. ',
    lead: ['HCTH', 'TCCB'],
    support: snvBut('HCTH', 'TCCB'),
  },
  {
    text: 'Đơn vị thực hiện: Phòng HC-TH, Phòng TCCB vị phối hợp với các Sở, ban, \n\nngành tỉnh, địa phương ',
    lead: ['HCTH', 'TCCB'],
    support: ['Các Sở, ban, ngành tỉnh, địa phương'],
  },
  {
    text: 'Phòng Hành \n\nchính – Tổng hợp phối hợp với các Phòng, Ban, Trung tâm thuộc và trực thuộc \n\nSở',
    lead: ['HCTH'],
    support: snvBut('HCTH'),
  },
  {
    text: '(3) Phối hợp với các Văn phòng UBND tỉnh, Sở Thông tin và Truyền thông',
    lead: [],
    support: ['Văn phòng UBND tỉnh', 'Sở Thông tin và Truyền thông'],
    warnings: 1,
    warn: ['No lead unit'],
  },
  { text: '- Phòng, Ban, Trung tâm thuộc và trực thuộc;', lead: 'all' },
  {
    text: 'Ban Thi đua – Khen thưởng phối hợp với Công an tỉnh (đơn vị chủ trì) và Văn phòng UBND tỉnh',
    lead: ['BTDKT'],
    support: ['Công an tỉnh', 'Văn phòng UBND tỉnh'],
  },
  {
    text: 'Phòng Tổ chức cán bộ phối hợp với Văn phòng UBND tỉnh (đơn vị chủ trì) và Công an tỉnh',
    lead: ['TCCB'],
    support: ['Văn phòng UBND tỉnh', 'Công an tỉnh'],
  },
  // The sample table plan's cells, read by a Sở: every agency is outside it.
  { text: 'Văn phòng UBND tỉnh', lead: [], external: ['Văn phòng UBND tỉnh'] },
  {
    text: 'Cơ quan phối hợp: Công an tỉnh; Sở Thông tin và Truyền thông',
    lead: [],
    support: ['Công an tỉnh', 'Sở Thông tin và Truyền thông'],
    warnings: 1,
  },
  {
    text: 'Các sở, ban, ngành, UBND các huyện, thị xã, thành phố',
    lead: [],
    external: ['Các sở, ban, ngành, UBND các huyện, thị xã, thành phố'],
  },
  {
    text: 'Sở Tư pháp phối hợp với Các sở, ban, ngành, UBND các huyện, thị xã, thành phố',
    lead: [],
    external: ['Sở Tư pháp'],
    support: ['Các sở, ban, ngành, UBND các huyện, thị xã, thành phố'],
  },
  {
    text: 'UBND các huyện, thị xã, thành phố phối hợp với Sở Thông tin và Truyền thông',
    lead: [],
    external: ['UBND các huyện, thị xã, thành phố'],
    support: ['Sở Thông tin và Truyền thông'],
  },
  { text: 'Công an tỉnh phối hợp với Các sở, ban, ngành', lead: [], external: ['Công an tỉnh'], support: ['Các sở, ban, ngành'] },
  // Without diacritics.
  {
    text: 'Don vi thuc hien: Phong Hanh chinh - Tong hop, phoi hop voi cac Phong, Ban, Trung tam.',
    lead: ['HCTH'],
    support: snvBut('HCTH'),
  },
  { text: 'Cac Phong, Ban, Trung tam thuoc va truc thuoc So', lead: 'all' },
  { text: 'Thu truong cac Phong, Ban, Trung tam va toan the cong chuc, vien chuc, nguoi lao dong thuoc So', lead: 'all' },
  { text: 'Phong To chuc can bo phoi hop voi Phong Hanh chinh - Tong hop', lead: ['TCCB'], support: ['HCTH'] },
  { text: 'phong hc - th phoi hop voi cong an tinh', lead: ['HCTH'], support: ['Cong an tinh'] },
  { text: 'Phong Hanh chinh Tong hop', lead: ['HCTH'] },
  // Abbreviations.
  { text: 'HCTH', lead: ['HCTH'] },
  { text: 'Phòng HCTH, P. TCCB', lead: ['HCTH', 'TCCB'] },
  { text: 'HC-TH phối hợp với TCCB', lead: ['HCTH'], support: ['TCCB'] },
  { text: 'Phòng XDCQ&CTTN; Phòng CCVC', lead: ['XDCQ', 'CCVC'] },
  { text: 'Ban TĐ-KT và Ban TG', lead: ['BTDKT', 'BTG'] },
  { text: 'BTĐKT phối hợp với TTLT', lead: ['BTDKT'], support: ['TTLT'] },
  { text: 'Phòng HCTH/Phòng TCCB', lead: ['HCTH', 'TCCB'] },
  // Typos: the unit assumed is named in a warning.
  { text: 'Phòng Tổ chúc cán bộ', lead: ['TCCB'], warnings: 1, warn: ['(TCCB)'] },
  {
    text: 'Phòng Hành chánh – Tổng hợp phối hợp với Phòng Cải cách hành chánh',
    lead: ['HCTH'],
    support: ['CCHC'],
    warnings: 2,
    warn: ['(HCTH)', '(CCHC)'],
  },
  { text: 'Trung tâm Lưu trữ lịch xử', lead: ['TTLT'], warnings: 1, warn: ['(TTLT)'] },
  { text: 'Phòng Xây dựng chính quền', lead: ['XDCQ'], warnings: 1, warn: ['(XDCQ)'] },
  { text: 'Ban HCTH', lead: ['HCTH'], warnings: 1, warn: ['(HCTH)'] },
  // The kind word is optional; names with commas and "và" inside stay whole.
  { text: 'Tổ chức cán bộ', lead: ['TCCB'] },
  { text: 'Phòng Công chức, viên chức', lead: ['CCVC'] },
  { text: 'Phòng Xây dựng chính quyền và Công tác thanh niên phối hợp với Ban Tôn giáo', lead: ['XDCQ'], support: ['BTG'] },
  { text: 'Văn phòng Sở', lead: ['HCTH'] },
  { text: 'Thanh tra Sở, Phòng CCVC phối hợp với Bộ Nội vụ', lead: ['TTRA', 'CCVC'], support: ['Bộ Nội vụ'] },
  // "các Phòng, Ban, Trung tâm" in other forms, as lead and as support.
  { text: 'Phòng Cải cách hành chính chủ trì, phối hợp với các phòng, ban, trung tâm', lead: ['CCHC'], support: snvBut('CCHC') },
  {
    text: 'Phòng TCCB phối hợp với các Phòng, Ban, Trung tâm và Công an tỉnh',
    lead: ['TCCB'],
    support: [...snvBut('TCCB'), 'Công an tỉnh'],
  },
  { text: 'Phòng HCTH phối hợp với các đơn vị thuộc và trực thuộc Sở', lead: ['HCTH'], support: snvBut('HCTH') },
  { text: 'Các Phòng, Ban, Trung tâm phối hợp với Phòng HCTH', lead: 'all' },
  // Line breaks between the items of a table cell.
  { text: 'Phòng Hành chính – Tổng hợp\nPhòng Tổ chức cán bộ', lead: ['HCTH', 'TCCB'] },
  {
    text: 'Phòng HCTH phối hợp với Trung tâm Phục vụ hành chính công tỉnh; Bưu điện tỉnh',
    lead: ['HCTH'],
    support: ['Trung tâm Phục vụ hành chính công tỉnh', 'Bưu điện tỉnh'],
  },
  // Not understood: kept by name, with a warning.
  {
    text: 'Phòng Cảnh sát quản lý hành chính về trật tự xã hội',
    lead: [],
    external: ['Phòng Cảnh sát quản lý hành chính về trật tự xã hội'],
    warnings: 1,
    warn: ['No unit "Phòng Cảnh sát'],
  },
  {
    text: 'Phòng HCTH phối hợp với các cơ quan, đơn vị có liên quan',
    lead: ['HCTH'],
    support: ['Các cơ quan, đơn vị có liên quan'],
    warnings: 1,
  },
];

describe('resolveUnits against the Sở Nội vụ', () => {
  it('has a table of at least 40 phrases', () => {
    expect(SO_NOI_VU.length).toBeGreaterThanOrEqual(40);
  });
  it.each(SO_NOI_VU.map((row) => [row.text.replace(/\s+/g, ' ').trim(), row] as const))('%s', (_, row) => check(snv, row));
});

// ── Against the province ────────────────────────────────────────────────────────────────────────────────────

const TINH: Row[] = [
  // Names a plain comma or "và" would cut: a bare kind word names nothing alone.
  { text: 'Báo và Đài Phát thanh, Truyền hình tỉnh', lead: [], external: ['Báo và Đài Phát thanh, Truyền hình tỉnh'] },
  { text: 'Công an tỉnh chủ trì, phối hợp với các Bộ, ngành liên quan', lead: ['CAT'], support: ['Bộ, ngành liên quan'] },
  { text: 'Công an tỉnh, phối hợp với chính quyền địa phương', lead: ['CAT'], support: ['Chính quyền địa phương'], warnings: 1 },
  // A unit named with the two bodies above it; two levels alone may be two units.
  { text: 'Phòng 5, Cục Cảnh sát điều tra, Bộ Công an chủ trì', lead: [], external: ['Phòng 5, Cục Cảnh sát điều tra, Bộ Công an'], warnings: 1 },
  { text: 'Phòng Y tế, Sở Tư pháp', lead: ['STP'], external: ['Phòng Y tế'], warnings: 1 },
  // The units are in another document: none here, and the admin is asked.
  { text: 'Theo phân công tại Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh', lead: [], warnings: 1, warn: ['assigned in another document'] },
  // "đơn vị được giao" is a label only with its colon.
  { text: 'Đơn vị được giao: Sở Tư pháp', lead: ['STP'] },
  { text: 'Sở Thông tin và Truyền thông chủ trì, phối hợp với Công an tỉnh', lead: ['STTTT'], support: ['CAT'] },
  { text: 'UBND các huyện, thị xã, thành phố', lead: DISTRICTS },
  { text: 'Các sở, ban, ngành tỉnh; UBND cấp huyện', lead: 'all' },
  { text: 'Các sở, ban, ngành, UBND các huyện, thị xã, thành phố', lead: 'all' },
  { text: 'Sở, ban, ngành tỉnh, địa phương', lead: 'all' },
  { text: 'Các sở, ban, ngành', lead: PROVINCIAL },
  // The sample table plan, lead "phối hợp với" support.
  { text: 'Văn phòng UBND tỉnh phối hợp với Công an tỉnh; Sở Thông tin và Truyền thông', lead: ['VPUBND'], support: ['CAT', 'STTTT'] },
  { text: 'Sở Tư pháp phối hợp với Các sở, ban, ngành, UBND các huyện, thị xã, thành phố', lead: ['STP'], support: tinhBut('STP') },
  { text: 'UBND các huyện, thị xã, thành phố phối hợp với Sở Thông tin và Truyền thông', lead: DISTRICTS, support: ['STTTT'] },
  { text: 'Công an tỉnh phối hợp với Các sở, ban, ngành', lead: ['CAT'], support: PROVINCIAL.filter((c) => c !== 'CAT') },
  { text: 'Sở Thông tin và Truyền thông phối hợp với Văn phòng UBND tỉnh', lead: ['STTTT'], support: ['VPUBND'] },
  // Abbreviations, no diacritics, line breaks.
  { text: 'Sở TT&TT phối hợp với CA tỉnh, VP UBND tỉnh', lead: ['STTTT'], support: ['CAT', 'VPUBND'] },
  { text: 'So Thong tin va Truyen thong phoi hop voi Cong an tinh', lead: ['STTTT'], support: ['CAT'] },
  { text: 'Sở GD&ĐT, Sở LĐ-TB&XH phối hợp với Sở Y tế', lead: ['SGDDT', 'SLDTBXH'], support: ['SYT'] },
  { text: 'Sở Giáo dục và Đào tạo, Sở Lao động - Thương binh và Xã hội', lead: ['SGDDT', 'SLDTBXH'] },
  { text: 'Văn phòng UBND tỉnh\nCông an tỉnh\nSở Thông tin và Truyền thông', lead: ['VPUBND', 'CAT', 'STTTT'] },
  { text: 'Ủy ban nhân dân thị xã Long Mỹ, UBND huyện Long Mỹ', lead: ['TXLM', 'HLM'] },
  { text: 'UBND huyện Châu Thành A phối hợp với UBND huyện Châu Thành', lead: ['HCTA'], support: ['HCT'] },
  // Outside the province, typos, units missing from the chart.
  { text: 'Trung tâm Phục vụ hành chính công tỉnh phối hợp với Bộ Công an', lead: ['TTPVHCC'], support: ['Bộ Công an'] },
  { text: 'Bộ Thông tin và Truyền thông', lead: [], external: ['Bộ Thông tin và Truyền thông'] },
  { text: 'UBND tỉnh', lead: [], external: ['UBND tỉnh'] },
  { text: 'UBND huyện Phụng Hiện', lead: ['HPH'], warnings: 1, warn: ['(HPH)'] },
  {
    text: 'Sở Văn hóa, Thể thao và Du lịch',
    lead: [],
    external: ['Sở Văn hóa, Thể thao và Du lịch'],
    warnings: 1,
    warn: ['No unit "Sở Văn hóa, Thể thao và Du lịch"'],
  },
];

describe('resolveUnits against the province', () => {
  it('has a table of at least 10 phrases', () => {
    expect(TINH.length).toBeGreaterThanOrEqual(10);
  });
  it.each(TINH.map((row) => [row.text.replace(/\s+/g, ' ').trim(), row] as const))('%s', (_, row) => check(tinh, row));
});

describe('matchUnit', () => {
  it('matches codes, names and aliases exactly, with or without diacritics, kind word or punctuation', () => {
    for (const name of ['TCCB', 'Phòng TCCB', 'P. TCCB', 'Tổ chức cán bộ', 'phong to chuc can bo', 'PHÒNG TỔ CHỨC CÁN BỘ'])
      expect(matchUnit(name, snv), name).toEqual({ code: 'TCCB', exact: true });
    for (const name of ['Phòng HC-TH', 'Phòng HCTH', 'phong hc - th', 'Phòng Hành chính - Tổng hợp', 'HC–TH'])
      expect(matchUnit(name, snv), name).toEqual({ code: 'HCTH', exact: true });
    expect(matchUnit('Sở TTTT', tinh)).toEqual({ code: 'STTTT', exact: true });
    expect(matchUnit('Văn phòng Ủy ban nhân dân tỉnh', tinh)).toEqual({ code: 'VPUBND', exact: true });
  });
  it('takes typos in long names, not in short codes', () => {
    expect(matchUnit('Phòng Tổ chúc cán bộ', snv)).toEqual({ code: 'TCCB', exact: false });
    expect(matchUnit('Phòng Cải cách hành chánh', snv)).toEqual({ code: 'CCHC', exact: false });
    expect(matchUnit('TCB', snv)).toBeUndefined();
    expect(matchUnit('HCT', snv)).toBeUndefined();
    expect(matchUnit('Phòng Tổ chức cán bộ hành chính', snv)).toBeUndefined();
  });
  it('does not take an outside agency for a unit with a similar name', () => {
    expect(matchUnit('Bộ Thông tin và Truyền thông', tinh)).toBeUndefined();
    expect(matchUnit('Bộ Nội vụ', tinh)).toBeUndefined();
    expect(matchUnit('UBND tỉnh', tinh)).toBeUndefined();
    expect(matchUnit('Sở Nội vụ', snv)).toBeUndefined();
    expect(matchUnit('Thanh tra tỉnh', snv)).toBeUndefined();
  });
});

describe('the example org of a province', () => {
  it('parses', () => {
    expect(tinh.agency.name).toBe('UBND tỉnh Hậu Giang');
    expect(tinh.units.map((u) => u.code)).toEqual(TINH_ALL);
    expect(new Set(tinh.units.map((u) => u.kind))).toEqual(new Set(['Sở', 'Ngành', 'Văn phòng', 'Trung tâm', 'UBND cấp huyện']));
  });
  it('gives every unit a head and one or two members, one admin, and a Chủ tịch over the Phó Chủ tịch', () => {
    for (const u of tinh.units) {
      expect(u.members.length, u.code).toBeGreaterThanOrEqual(1);
      expect(u.members.length, u.code).toBeLessThanOrEqual(2);
      expect(u.members, u.code).not.toContain(u.head);
    }
    expect(tinh.people.filter((p) => p.roles.includes('admin'))).toHaveLength(1);
    expect(chainFor(tinh, 'CAT').director.title).toBe('Chủ tịch UBND tỉnh');
    expect(chainFor(tinh, 'STTTT').deputy?.title).toBe('Phó Chủ tịch UBND tỉnh');
    expect(chainFor(tinh, 'HVT').deputy).toBeUndefined();
    expect(chainFor(tinh, 'HVT').head.title).toBe('Chủ tịch UBND huyện Vị Thủy');
  });
});
