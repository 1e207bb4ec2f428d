// Finding the tasks in a plan's text, as extracted from a signed document (layout noise
// included). Two forms: prose with numbered items followed by "Đơn vị thực hiện: …" and
// "Thời gian hoàn thành: …" lines, and tables "TT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối
// hợp | Thời gian thực hiện". This stage only cuts the text into raw tasks; units and deadline
// phrases are understood later.
import { textDocument } from './document.js';
import { outlineTasks } from './plan-outline.js';
import { fold, tidy } from './text.js';

export interface RawTask {
  /** "II.2.(5)" for prose, "II.1" for a table row. */
  ref: string;
  /** The heading of the group the task belongs to ("Phục vụ giải quyết thủ tục hành chính…"). */
  group?: string;
  content: string;
  /** Prose: the whole "Đơn vị thực hiện" phrase; tables: the lead column. */
  unitsText?: string;
  /** Tables: the coordinating column. */
  supportText?: string;
  deadlineText?: string;
}

export interface PlanHeader {
  agency?: string;
  number?: string;
  date?: string;
  title?: string;
}

export interface RawPlan {
  form: 'prose' | 'table';
  header: PlanHeader;
  tasks: RawTask[];
  /** The sentence that sets the reporting regime ("Định kỳ hằng tháng (trước ngày 15) …"). */
  reportingText?: string;
}

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];

/** Lines, tidied, with page numbers dropped and words hyphenated over a line break joined. */
export function cleanLines(text: string): string[] {
  const lines = text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\f/g, '\n')
    .split('\n')
    .map((l) => tidy(l));
  const out: string[] = [];
  for (const line of lines) {
    if (!line || /^(-\s*)?\d{1,3}(\s*-)?$/.test(line) || /^trang \d+/i.test(line)) continue;
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

function romanIndex(s: string): number {
  return ROMAN.indexOf(s.toUpperCase());
}

export function parseHeader(lines: string[]): PlanHeader {
  const header: PlanHeader = {};
  for (const line of lines.slice(0, 25)) {
    const num = /Số\s*:\s*([^|,]*?\/[^\s|,]+)/iu.exec(line);
    if (num && !header.number) header.number = tidy(num[1]!);
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

/** The table form: rows with cells separated by "|". */
function parseTable(lines: string[]): RawTask[] | undefined {
  // A task table names the work and who leads it; a schedule ("STT | Đơn vị được kiểm tra | Thời gian") does not.
  const headIdx = lines.findIndex(
    (l) => l.includes('|') && /^(tt|stt)\b/.test(fold(l)) && /nhiem vu|noi dung|hoat dong|cong viec|giai phap/.test(fold(l)) && /chu tri|thuc hien|phu trach/.test(fold(l)),
  );
  if (headIdx < 0) return undefined;
  const head = lines[headIdx]!.split('|').map((c) => fold(c));
  const col = (re: RegExp) => head.findIndex((c) => re.test(c));
  const cTask = col(/nhiem vu|noi dung/);
  const cLead = col(/chu tri|thuc hien/);
  const cSupport = col(/phoi hop/);
  const cTime = col(/thoi gian|thoi han/);
  const tasks: RawTask[] = [];
  let section = '';
  let group: string | undefined;
  for (const line of lines.slice(headIdx + 1)) {
    if (!line.includes('|')) continue;
    const cells = line.split('|').map((c) => tidy(c));
    const first = cells[0] ?? '';
    if (romanIndex(first) >= 0) {
      section = first.toUpperCase();
      group = cells[1] || undefined;
      continue;
    }
    const cell = (i: number) => (i >= 0 ? cells[i] || undefined : undefined);
    if (/^\d+$/.test(first)) {
      tasks.push({
        ref: section ? `${section}.${first}` : first,
        ...(group ? { group } : {}),
        content: cell(cTask) ?? '',
        ...(cell(cLead) ? { unitsText: cell(cLead)! } : {}),
        ...(cell(cSupport) ? { supportText: cell(cSupport)! } : {}),
        ...(cell(cTime) ? { deadlineText: cell(cTime)! } : {}),
      });
      continue;
    }
    // A row split over two lines: its cells fill what the task still lacks.
    const prev = tasks[tasks.length - 1];
    if (!prev) continue;
    for (const text of cells.filter(Boolean)) continuation(prev, text);
  }
  return tasks;
}

/** Where the text of a continuation row goes: a deadline-looking phrase to the deadline, else to the units. */
function continuation(task: RawTask, text: string): void {
  const looksLikeDeadline = /(thang|quy|nam|ngay|thuong xuyen|hang|dinh ky|khi co|theo lo trinh|\d{1,2}\/\d{4})/.test(fold(text));
  if (!task.deadlineText && looksLikeDeadline) task.deadlineText = text;
  else if (!task.unitsText) task.unitsText = text;
  else if (!task.supportText) task.supportText = text;
  else if (!task.deadlineText) task.deadlineText = text;
  else task.content = tidy(`${task.content} ${text}`);
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
  const lines = cleanLines(text);
  const header = parseHeader(lines);
  const table = parseTable(lines);
  const reportingText = reportingSentence(lines);
  // The "section II, (n) items, Đơn vị thực hiện:" layout counts only when its labels are there.
  const labelled = parseProse(lines);
  const prose = labelled.some((t) => t.unitsText || t.deadlineText) ? labelled : [];
  // Not the "section II, (n) items, Đơn vị thực hiện:" layout: read the document's outline instead.
  const body = prose.length ? prose : outlineTasks(textDocument(lines.join('\n')));
  if (table && table.length) {
    // A plan may assign some work in its body and the rest in a table (often an appendix after the signature).
    const tasks = prose.length ? table : [...body.filter((t) => t.unitsText), ...table];
    return { form: 'table', header, tasks, ...(reportingText ? { reportingText } : {}) };
  }
  return { form: 'prose', header, tasks: body, ...(reportingText ? { reportingText } : {}) };
}
