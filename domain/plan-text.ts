// Finding the tasks in a plan document (layout noise included): its header, the seed's own
// layout (section II, "(n)" items, "Đơn vị thực hiện: …"), otherwise the outline
// (plan-outline.ts) and the task tables (plan-table.ts). This stage only cuts the document into
// raw tasks; units and deadline phrases are understood later.
import { documentText, textDocument, type PlanDocument, type Table } from './document.js';
import type { PlanHeader, RawPlan, RawTask } from './raw-plan.js';
import { tablesFromLines } from './line-tables.js';
import { outlineTasks } from './plan-outline.js';
import { tableTasks } from './plan-table.js';
import { fold, tidy } from './text.js';

export type { FieldOrigin, PlanHeader, RawPlan, RawTask } from './raw-plan.js';

/** Lines, tidied, with page numbers dropped and words hyphenated over a line break joined. */
export function cleanLines(text: string): string[] {
  const raw = text.normalize('NFC').replace(/\r\n?/g, '\n').split('\n');
  // A number alone on its line is a page number next to a page break ("\f") or between dashes
  // ("- 3 -"); elsewhere it may be a table row's number on a line of its own, and is kept.
  const pageBreakNear = (i: number) => [raw[i - 1], raw[i], raw[i + 1]].some((l) => l?.includes('\f'));
  const lines = raw.map((l, i) => ({ text: tidy(l.replace(/\f/g, ' ')), pageNumber: /^-\s*\d{1,3}\s*-$/.test(tidy(l)) || (/^\d{1,3}$/.test(tidy(l.replace(/\f/g, ''))) && pageBreakNear(i)) }));
  const out: string[] = [];
  for (const { text: line, pageNumber } of lines) {
    if (!line || pageNumber || /^trang \d+/i.test(line)) continue;
    const prev = out[out.length - 1];
    // "thường xuy-" + "ên": a word broken by the PDF's hyphenation.
    if (prev && /\p{L}-$/u.test(prev) && /^\p{Ll}/u.test(line)) out[out.length - 1] = prev.slice(0, -1) + line;
    else out.push(line);
  }
  return out;
}

// Matched on folded lines (no diacritics, lower case), so "Don vi thuc hien:" is found too.
const UNITS_LABEL = /^(don vi|co quan)(\s*\/\s*(nguoi|don vi|co quan))?\s*(thuc hien|chu tri)(\s*\/\s*chu tri)?\s*:\s*/;
const DEADLINE_LABEL = /^(thoi gian hoan thanh|thoi gian thuc hien|thoi han hoan thanh|thoi han|thoi gian)\s*:\s*/;

/** The text after a label at the start of the line. Folding keeps a precomposed line's length. */
function label(line: string, re: RegExp): string | undefined {
  const m = re.exec(fold(line));
  return m ? line.slice(m[0].length).trim() : undefined;
}


export function parseHeader(lines: string[]): PlanHeader {
  const header: PlanHeader = {};
  for (const line of lines.slice(0, 25)) {
    const num = /Số\s*:\s*([^|,]*?\/[^\s|,]+)/iu.exec(line);
    // "362 /KH-SGDĐT": a number stamped into the blank by the e-signing system.
    if (num && !header.number) header.number = tidy(num[1]!).replace(/\s+\//gu, '/');
    // "Hậu Giang, ngày 10 tháng 02 năm 2023": the place and date line, not a cited document's date.
    const date = /\p{L},\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/iu.exec(line);
    if (date && !header.date) header.date = `${date[3]}-${date[2]!.padStart(2, '0')}-${date[1]!.padStart(2, '0')}`;
  }
  const first = lines[0]?.split('|')[0];
  const second = lines[1]?.split('|')[0];
  // "UBND TỈNH HẬU GIANG CỘNG HÒA …" / "SỞ NỘI VỤ Độc lập …": the issuer is the part before the motto.
  const issuer = [first, second]
    .map((l) => (l ?? '').replace(/CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM.*$|Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc.*$/iu, '').trim())
    .filter((l) => l && !/^Số\s*:/iu.test(l));
  if (issuer.length) header.agency = issuer[issuer.length - 1];
  const kh = lines.findIndex((l) => /^(KẾ HOẠCH|QUYẾT ĐỊNH|PHÂN CÔNG NHIỆM VỤ)$/u.test(l));
  if (kh >= 0) {
    const title: string[] = [];
    for (const l of lines.slice(kh + 1, kh + 6)) {
      if (/^(Thực hiện|Căn cứ|I\.|TT\s*\|)/u.test(l) || l.includes('|')) break;
      title.push(l);
    }
    if (title.length) header.title = tidy(title.join(' '));
  }
  return header;
}

const MOTTO = /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc/iu;
const DOCUMENT_KIND = /^(KẾ HOẠCH|CHƯƠNG TRÌNH|QUYẾT ĐỊNH|PHÂN CÔNG NHIỆM VỤ)\b/u;
const DOCUMENT_KIND_FOLDED = /^(ke ?hoach|chuong ?trinh|quyet ?dinh|phan cong nhiem vu)(\s|$)/;

/**
 * The issuer from the document's header block, read as laid out: the agency block on the left
 * (a table's first column, or the lines before the motto), its last line being the issuer under
 * its parent ("UBND TỈNH ĐỒNG THÁP" / "SỞ GIÁO DỤC VÀ ĐÀO TẠO"). Undefined when there is no such block.
 */
export function issuerOf(doc: PlanDocument): string | undefined {
  const lines: string[] = [];
  for (const b of doc.blocks) {
    if (b.kind === 'paragraph') {
      const t = b.text.trim();
      // The document's kind ("KẾ HOẠCH", OCR's "KÉ HOẠCH" too), a section or "Căn cứ" ends the header.
      if (DOCUMENT_KIND.test(t) || DOCUMENT_KIND_FOLDED.test(fold(t)) || /^[IVXL]{1,4}\s*[.\-–]\s/u.test(t) || /^căn cứ/iu.test(t)) break;
      lines.push(b.text.split(MOTTO)[0]!);
    } else {
      for (const row of b.rows) lines.push(...(row[0]?.text ?? '').split('\n').map((l) => l.split(MOTTO)[0]!));
      if (b.rows.some((r) => r.some((c) => MOTTO.test(c.text)))) break; // the header table ends the block
    }
    if (lines.length > 12) break;
  }
  const agency = lines
    .map((l) => tidy(l.replace(/Số\s*:.*$/iu, '')))
    .filter((l) => l && !/^[-_–—.\s*]+$/u.test(l) && /\p{Lu}/u.test(l) && l === l.toUpperCase() && l.split(' ').length <= 14);
  // "ỦY BAN NHÂN DÂN" / "TỈNH LÂM ĐỒNG": a name wrapped over two lines is one agency.
  const joined: string[] = [];
  for (const l of agency) {
    if (joined.length && /^(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|ĐẶC KHU)\b/u.test(l) && !/\b(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|XÃ)\b/u.test(joined.at(-1)!))
      joined[joined.length - 1] = `${joined.at(-1)} ${l}`;
    else joined.push(l);
  }
  return joined.at(-1);
}

/** The prose form: section II's numbered items. */
function parseProse(lines: string[]): RawTask[] {
  const start = lines.findIndex((l) => /^II\.\s/u.test(l));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && /^III\.\s/u.test(l));
  const body = lines.slice(start + 1, end < 0 ? undefined : end);
  const tasks: RawTask[] = [];
  let groupNo = '';
  let group: string | undefined;
  let current: RawTask | undefined;
  let field: 'content' | 'units' | 'deadline' = 'content';
  let groupHasItems = false;

  const append = (text: string) => {
    if (!current) return;
    if (field === 'content') current.content = tidy(`${current.content} ${text}`);
    else if (field === 'units') current.unitsText = tidy(`${current.unitsText ?? ''} ${text}`);
    else current.deadlineText = tidy(`${current.deadlineText ?? ''} ${text}`);
  };

  for (const line of body) {
    const heading = /^(\d{1,2})\.\s+(.+)$/u.exec(line);
    const item = /^\((\d{1,2})\)\s*(.*)$/u.exec(line);
    const units = label(line, UNITS_LABEL);
    const deadline = label(line, DEADLINE_LABEL);
    if (heading && !units && !deadline) {
      groupNo = heading[1]!;
      group = heading[2]!;
      groupHasItems = false;
      // A group with no numbered items is itself a task; it starts with the heading's next line.
      current = { ref: `II.${groupNo}`, group, content: '' };
      tasks.push(current);
      field = 'content';
    } else if (item) {
      if (!groupHasItems && current?.ref === `II.${groupNo}` && !current.content) tasks.pop();
      groupHasItems = true;
      current = { ref: `II.${groupNo}.(${item[1]})`, ...(group ? { group } : {}), content: item[2] ?? '' };
      tasks.push(current);
      field = 'content';
    } else if (units !== undefined) {
      field = 'units';
      if (current) current.unitsText = units;
    } else if (deadline !== undefined) {
      field = 'deadline';
      if (current) current.deadlineText = deadline;
    } else if (/^\(?đính kèm/iu.test(line)) {
      current = undefined;
    } else {
      append(line);
    }
  }
  // A group heading whose task never got any content (the items carried it all) is no task.
  return tasks
    .filter((t) => t.content || t.unitsText || t.deadlineText)
    .map((t) => ({
      ...t,
      ...(t.unitsText ? { unitsText: t.unitsText.replace(/\.$/, '') } : {}),
      ...(t.deadlineText ? { deadlineText: t.deadlineText.replace(/\.$/, '') } : {}),
    }));
}

/** The sentence of section III that sets the reporting regime. */
function reportingSentence(lines: string[]): string | undefined {
  const text = lines.join(' ');
  const m = /(Định kỳ[^.]*?(hằng|hàng) tháng[^]*?báo cáo[^.]*\.)/iu.exec(text) ?? /([^.]*báo cáo[^.]*(hằng|hàng) (tháng|quý)[^.]*\.)/iu.exec(text);
  return m ? tidy(m[1]!) : undefined;
}

export function extractPlan(text: string): RawPlan {
  return extractPlanDocument(textDocument(cleanLines(text).join('\n')));
}

/** The plan in a document: its header, the work its body assigns, and its task tables. */
export function extractPlanDocument(read: PlanDocument): RawPlan {
  // Text copied out of a PDF may hold tables one cell per line.
  const doc = tablesFromLines(read);
  const lines = cleanLines(documentText(doc));
  const header = parseHeader(lines);
  const issuer = issuerOf(doc);
  if (issuer) header.agency = issuer;
  const reportingText = reportingSentence(lines);
  const table = tableTasks(doc.blocks.filter((b): b is Table => b.kind === 'table'));
  // The "section II, (n) items, Đơn vị thực hiện:" layout counts only when its labels are there.
  const labelled = parseProse(lines);
  const prose = labelled.some((t) => t.unitsText || t.deadlineText) ? labelled : [];
  // Otherwise the document's outline: any section, any labels.
  const body = prose.length ? prose : outlineTasks(doc);
  if (table.length) {
    // A plan may assign some work in its body and the rest in a table (often an appendix after the signature).
    const tasks = prose.length ? table : [...body.filter((t) => t.unitsText), ...table];
    return { form: 'table', header, tasks, ...(reportingText ? { reportingText } : {}) };
  }
  return { form: 'prose', header, tasks: body, ...(reportingText ? { reportingText } : {}) };
}
