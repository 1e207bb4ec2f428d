// Tasks in a prose plan of any layout: the document's outline (Roman sections, numbered,
// lettered, dashed items; Word numbering labels or labels typed in the text), which sections
// assign work ("NHIỆM VỤ", "TỔ CHỨC THỰC HIỆN", "PHÂN CÔNG" …) and which only explain it
// ("MỤC ĐÍCH, YÊU CẦU" …), unit headings whose items inherit the unit ("1. Sở Nội vụ" then a), b)),
// and fields given by labels ("- Đơn vị chủ trì: …") or inline ("Sở Tư pháp chủ trì, phối hợp với …").
// Pure: the document structure in, raw tasks out; units and deadline phrases are understood later.
import type { Paragraph, PlanDocument } from './document.js';
import type { RawTask } from './raw-plan.js';
import { fold, tidy } from './text.js';

type LabelKind = 'roman' | 'number' | 'number2' | 'paren' | 'letter' | 'dash';

/** Nesting rank of each kind of label: a smaller rank contains the larger ones. */
const RANK: Record<LabelKind, number> = { roman: 0, number: 1, number2: 2, letter: 3, paren: 4, dash: 5 };

interface Item {
  kind: LabelKind;
  label: string;
  text: string;
  /** Unlabelled paragraphs that follow, until the next label. */
  more: string[];
  children: Item[];
  parent?: Item;
  source: Paragraph['source'];
  /** An unlabelled paragraph made an item of its unit heading. */
  fromParagraph?: boolean;
}

const LETTERS = 'a|b|c|d|đ|e|g|h|i|k|l|m|n|o|p|q|r|s|t|u|v|x|y';
const LABEL_RES: [LabelKind, RegExp][] = [
  ['roman', /^((?:X{0,3})(?:IX|IV|V?I{0,3}))\s*[./]\s+(?=\S)/u],
  ['number2', /^(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)\.?\s+(?=\S)/u],
  // "9, VNPT Sơn La": a scan's "9." read as "9,", taken only before a capital.
  ['number', /^(\d{1,2})(?:\s*[./)]\s+(?=\S)|,\s+(?=\p{Lu}))/u],
  ['paren', /^\((\d{1,2})\)\s*(?=\S)/u],
  ['letter', new RegExp(`^(${LETTERS})\\s*\\)\\s*(?=\\S)`, 'u')],
  ['dash', /^([-–—+•*])\s*(?=\S)/u],
];

/** A paragraph's label (Word numbering, or typed at the start of its text) and the text after it. */
export function labelOf(p: Pick<Paragraph, 'text' | 'label'>): { kind: LabelKind; label: string; text: string } | undefined {
  const typed = p.label ? `${p.label} ${p.text}` : p.text;
  for (const [kind, re] of LABEL_RES) {
    const m = re.exec(typed);
    if (m && m[1] !== '') return { kind, label: m[1]!, text: typed.slice(m[0].length).trim() };
  }
  return undefined;
}

// ── Sections ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * Section titles that assign work; those that state aims ("MỤC ĐÍCH, YÊU CẦU"); and those that set a
 * procedure ("KINH PHÍ", "HỒ SƠ KHEN THƯỞNG"), which may still give a named unit work (matched on folded text).
 */
const TASK_SECTION = /nhiem vu|giai phap|to chuc thuc hien|phan cong|trach nhiem|^phu luc/;
const PURPOSE_SECTION = /^(muc dich|yeu cau|muc tieu|quan diem|can cu|tinh hinh|thuc trang|ket qua|thanh phan|doi tuong|pham vi|chi tieu)/;
const PROCEDURE_SECTION = /^(thoi gian\s*(,|va)?\s*(dia diem|hinh thuc|thanh phan)|kinh phi|che do bao cao|tieu chuan|hinh thuc|ho so|khen thuong|thu tuc)/;

// ── Units named in the text ──────────────────────────────────────────────────────────────────────────
// Matched with diacritics ("Phòng" is a unit, "phong trào" is not); text typed without diacritics is
// matched on the folded words instead.

const AGENCY_WORDS = [
  'sở', 'phòng', 'ban', 'văn phòng', 'trung tâm', 'ubnd', 'ủy ban nhân dân', 'uỷ ban nhân dân', 'ủy ban mặt trận', 'uỷ ban mặt trận',
  'công an', 'bộ', 'cục', 'tổng cục', 'vụ', 'trường', 'bảo hiểm xã hội', 'đài', 'báo', 'hội', 'đoàn', 'liên đoàn', 'mặt trận',
  'tỉnh đoàn', 'chi cục', 'ngân hàng', 'kho bạc', 'thanh tra', 'hội đồng', 'viện', 'bệnh viện', 'cơ quan', 'đơn vị', 'địa phương',
  'ngành', 'tổ công tác', 'ban chỉ đạo', 'ban tổ chức', 'tổ chuyên môn', 'tổ', 'nhà trường', 'chủ tịch', 'giám đốc', 'thủ trưởng',
  'lãnh đạo', 'bộ chỉ huy', 'bưu điện', 'giáo viên', 'người đứng đầu', 'lực lượng', 'chính quyền', 'cấp ủy', 'cấp uỷ', 'tỉnh ủy',
  'tỉnh uỷ', 'hải quan', 'bộ đội biên phòng', 'cảnh sát', 'tòa án', 'toà án', 'viện kiểm sát', 'ủy ban', 'uỷ ban',
  'viettel', 'vnpt', 'mobifone', 'công ty', 'tổng công ty', 'tập đoàn',
  // Plans of mass organisations assign work to people by their office.
  'đồng chí', 'cán bộ', 'chuyên viên', 'tổ chức chính trị', 'ban thường trực', 'ban thường vụ', 'phó chủ tịch', 'phó giám đốc',
  'trưởng phòng', 'phó trưởng phòng', 'trưởng ban', 'phó trưởng ban',
];
/** Words that start like an agency but are not one ("phong trào", "hội nghị", "ban hành", "báo cáo" …). */
const NOT_AGENCY = ['hội nghị', 'hội thảo', 'hội thi', 'ban hành', 'báo cáo', 'đoàn kết', 'trường hợp', 'bộ máy', 'tổ chức', 'đơn vị tính', 'ngành nghề', 'cơ quan hóa'];
/** Agencies that start with a word of NOT_AGENCY ("tổ chức chính trị - xã hội"). */
const AGENCY_DESPITE = ['tổ chức chính trị'];
/** Verbs that end a unit phrase at the start of a sentence ("Sở Tư pháp chủ trì …"). */
const ASSIGN_WORDS = [
  'chủ trì', 'thực hiện', 'hỗ trợ', 'phối hợp', 'tham mưu', 'có trách nhiệm', 'xây dựng', 'tổ chức', 'cho ý kiến', 'báo cáo',
  'hướng dẫn', 'theo dõi', 'kiểm tra', 'triển khai', 'đánh giá', 'chủ động', 'căn cứ', 'rà soát', 'tăng cường', 'đề xuất',
  'ban hành', 'tuyên truyền', 'quán triệt', 'chỉ đạo', 'nghiên cứu', 'bố trí', 'đảm bảo', 'bảo đảm', 'phổ biến', 'tổng hợp',
  'gửi', 'tiếp tục', 'nâng cao', 'đẩy mạnh', 'duy trì', 'cập nhật', 'chuẩn bị', 'tập trung', 'phân công', 'cử', 'lập', 'đôn đốc',
  'thành lập', 'phát động', 'rà soát', 'chịu trách nhiệm', 'nắm', 'thường xuyên', 'định kỳ', 'khẩn trương', 'phải', 'có văn bản', 'có kế hoạch', 'có ý kiến', 'giúp', 'trình', 'thẩm định', 'thông báo',
];

const alt = (words: string[], f: (w: string) => string) =>
  [...new Set(words.map(f))]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
const lower = (w: string) => w.toLowerCase();

function wordRes(f: (w: string) => string) {
  return {
    // Units are also named by their code in ministry plans ("C04", "V01", "H01").
    start: new RegExp(`^(?:đối với |doi voi |giao |đề nghị |de nghi )?(?:(?:các |cac |mọi |moi )?(?:(?:${alt(AGENCY_DESPITE, f)})|(?!(?:${alt(NOT_AGENCY, f)})(?![\\p{L}]))(?:${alt(AGENCY_WORDS, f)}))(?![\\p{L}])|[a-zđ]\\d{2}(?![\\p{L}\\d]))`, 'u'),
    assign: new RegExp(`\\s(?:${alt(ASSIGN_WORDS, f)})(?![\\p{L}])`, 'u'),
  };
}
const WITH_MARKS = wordRes(lower);
const FOLDED = wordRes(fold);

/** The text to match (lower case, diacritics kept) and the patterns for it. */
function matchable(text: string): { t: string; re: typeof WITH_MARKS } {
  const t = text.toLowerCase();
  return fold(text) === t ? { t, re: FOLDED } : { t, re: WITH_MARKS };
}

const startsWithAgency = (text: string) => {
  const m = matchable(text);
  return m.re.start.test(m.t);
};

/** "1. Sở Nội vụ", "2. Các cơ quan, đơn vị được kiểm tra", "4. Đối với Uỷ ban nhân dân cấp xã": a heading that is only a unit. */
function unitHeading(text: string): string | undefined {
  // "Giao Sở Nội vụ (Cơ quan Thường trực …):", "Các cơ quan, đơn vị được kiểm tra".
  const t = tidy(text.replace(/\([^)]*\)/gu, ' ')).replace(/\s*[:.]$/u, '');
  const m = matchable(t);
  const start = m.re.start.exec(m.t);
  // The agency's own words ("Ban Chỉ đạo", "Tổ công tác") are not a verb; "được kiểm tra" is passive.
  const active = ` ${m.t.slice(start?.[0].length ?? 0)}`.replace(/\s(?:được|duoc)\s+\S+(?:\s\S+)?/gu, ' ');
  // Several units are separated by ";" ("Các sở, ban, ngành; UBND các xã, phường"): each must be one.
  const parts = t.split(';').map((x) => x.trim());
  if (parts.length > 1 && !parts.every((x) => startsWithAgency(x))) return undefined;
  if (!start || t.split(' ').length > 24 || m.re.assign.test(active)) return undefined;
  return t.replace(/^(Đối với|Giao|Đề nghị)\s+/iu, '');
}

/** A clause that may come before the unit: "Căn cứ Kế hoạch này, …", "Quý I/2027, …", "Sau khi …, …". */
const LEADING_CLAUSE = /^(?:lưu ý|luu y|chú ý|chu y|căn cứ|can cu|trên cơ sở|tren co so|sau khi|trước|truoc|trong|quý|quy|năm|nam|tháng|thang|hằng|hang|định kỳ|dinh ky|ngay|ngày)[^,;:]{0,140}[,:]\s*/u;

/** A unit phrase at the start of a sentence, before the verb that assigns the work. */
function leadingUnits(text: string): string | undefined {
  const { t, re } = matchable(text);
  const giao = /^(?:[^,;]{0,60}\s(?:giao|giao cho)\s+|(?:đề nghị|de nghi)\s+)/u.exec(t) ?? (re.start.test(t) ? null : LEADING_CLAUSE.exec(t));
  const from = giao ? giao[0].length : 0;
  const rest = t.slice(from);
  const start = re.start.exec(rest);
  if (!start) return undefined;
  // The verb comes after the agency's own words ("Ban Chỉ đạo … chủ trì").
  const after = start[0].length;
  const verb = re.assign.exec(rest.slice(after));
  if (!verb || verb.index + after > 200) return undefined;
  const unit = tidy(text.slice(from, from + after + verb.index).split(':')[0]!)
    .replace(/[,:]$/u, '')
    .replace(/^(?:giao(?: cho)?|đề nghị|de nghi|đối với|doi voi)\s+/iu, '');
  return unit.split(' ').length >= 2 || /^[A-ZĐ]/u.test(unit) ? unit : undefined;
}

/** "<unit>: <task>" ("Các trường THPT tại Phụ lục I: Chuẩn bị …"): the unit before the colon, or nothing. */
function colonUnit(text: string): string | undefined {
  const colon = text.indexOf(':');
  if (colon < 3 || colon > 120) return undefined;
  const head = text.slice(0, colon);
  const m = matchable(head);
  return m.re.start.test(m.t) && !m.re.assign.test(m.t) ? tidy(head) : undefined;
}

/**
 * A lead-in that ends with ':' and whose last sentence has a unit as its subject ("Riêng Uỷ ban nhân
 * dân phường X cử … và chỉ đạo …:"): the items it introduces are that unit's.
 */
function introUnit(text: string): string | undefined {
  if (!/:\s*$/u.test(text)) return undefined;
  const last = text.split(/(?<=[.;])\s+/u).at(-1)!;
  return leadingUnits(last.replace(/^(?:riêng|rieng|đồng thời|dong thoi|ngoài ra|ngoai ra)\s+/iu, ''));
}

/** "… – Trường THPT Thống Linh hỗ trợ thực hiện." : the unit named after a dash at the end. */
function trailingUnits(text: string): string | undefined {
  const m = /\s[-–—]\s+([^–—-]{3,120}?)\s*(?:hỗ trợ thực hiện|thực hiện|chủ trì|cho ý kiến[^.]*)\.?$/iu.exec(text);
  if (!m) return undefined;
  return startsWithAgency(m[1]!) ? tidy(m[1]!) : undefined;
}

/** "phối hợp với Y" after the lead: the supporting units, up to the verb or the end of the clause. */
function supportAfter(text: string): string | undefined {
  const { t, re } = matchable(text);
  const m = /(?:phối hợp|phoi hop)(?:\s+(?:chặt chẽ|chat che|tốt|tot))?(?:\s+(?:với|voi|cùng|cung))?\s+/u.exec(t);
  if (!m) return undefined;
  const from = m.index + m[0].length;
  const rest = t.slice(from);
  if (!re.start.test(rest)) return undefined;
  let end = rest.search(/[.;:(]|\s(?:để|de|nhằm|nham)\s/u);
  if (end < 0) end = rest.length;
  const verb = re.assign.exec(rest);
  if (verb && verb.index < end) end = verb.index;
  const unit = tidy(text.slice(from, from + end)).replace(/[,]$/u, '');
  return unit || undefined;
}

/** A deadline written inside the task's sentence: "… trong Quý I/2026", "(… trước ngày 15/3/2026)". */
const INLINE_DEADLINES = [
  /(?:trước|chậm nhất(?: là)?(?: vào)?) ngày \d{1,2}\/\d{1,2}(?:\/\d{4})?/iu,
  // A leading "Trước khi …:" / "Sau khi …," clause: the event the work waits for or must precede.
  /^(?:trước khi|sau khi) [^,:;.]{3,80}(?=[,:])/iu,
  /(?:trong |trước |hoàn thành )?quý (?:I{1,3}|IV|[1-4])(?:\/| năm )\d{4}/iu,
  /(?:trong |trước )tháng \d{1,2}(?:\/| năm )\d{4}/iu,
  /(?:trong|hoàn thành trong|hoàn thành trước) năm \d{4}/iu,
];

export function inlineDeadline(text: string): string | undefined {
  let best: RegExpExecArray | undefined;
  for (const re of INLINE_DEADLINES) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.index)) best = m;
  }
  return best ? tidy(best[0]) : undefined;
}

const FIELD_LABELS: [keyof Pick<RawTask, 'unitsText' | 'supportText' | 'deadlineText'>, RegExp][] = [
  ['unitsText', /^(?:[-–+•]\s*)?(?:đơn vị|cơ quan)(?:\s*\/\s*(?:người|đơn vị|cơ quan))?\s*(?:chủ trì|thực hiện|chịu trách nhiệm)(?:\s*\/\s*chủ trì)?\s*:\s*/iu],
  ['supportText', /^(?:[-–+•]\s*)?(?:đơn vị|cơ quan)\s*phối hợp\s*:\s*/iu],
  ['deadlineText', /^(?:[-–+•]\s*)?(?:thời gian hoàn thành|thời gian thực hiện|thời hạn hoàn thành|thời hạn|thời gian)\s*:\s*/iu],
];

function fieldOf(text: string): [keyof Pick<RawTask, 'unitsText' | 'supportText' | 'deadlineText'>, string] | undefined {
  for (const [k, re] of FIELD_LABELS) {
    const m = re.exec(text);
    if (m) return [k, tidy(text.slice(m[0].length)).replace(/\.$/u, '')];
  }
  return undefined;
}

/** Where the body ends: the closing sentence, the recipients, the signature block. */
const CLOSING = /^(tren day la|noi nhan|kt\.|tm\.|q\. |k\/t|chu tich$|giam doc$|pho chu tich$|pho giam doc$)/;
const APPENDIX = /^phu luc\b/;

// ── The outline ──────────────────────────────────────────────────────────────────────────────────────

function outline(doc: PlanDocument): Item[] {
  const roots: Item[] = [];
  const stack: Item[] = [];
  for (const b of doc.blocks) {
    if (b.kind !== 'paragraph') continue;
    const l = labelOf(b);
    if (!l) {
      const f = fold(b.text);
      if (APPENDIX.test(f)) {
        // An appendix after the signature: a section of its own (it assigns work).
        const section: Item = { kind: 'roman', label: 'PL', text: tidy(b.text), more: [], children: [], source: b.source };
        roots.push(section);
        stack.length = 0;
        stack.push(section);
      } else if (CLOSING.test(f)) stack.length = 0; // the signature block and what follows belong to no item
      else if (stack.at(-1)?.kind === 'dash' && stack.at(-1)!.parent && colonUnit(b.text)) {
        // "<unit>: <task>" after a dashed list is the next task, not more of the last dash.
        stack.pop();
        const parent = stack.at(-1)!;
        const item: Item = { kind: 'dash', label: '-', text: tidy(b.text), more: [], children: [], parent, source: b.source };
        parent.children.push(item);
        stack.push(item);
      } else stack.at(-1)?.more.push(tidy(b.text));
      continue;
    }
    const item: Item = { kind: l.kind, label: l.label, text: tidy(l.text), more: [], children: [], source: b.source };
    // A label of a kind seen above it nests under it; the same or a higher kind closes what is open.
    while (stack.length && RANK[stack.at(-1)!.kind] >= RANK[item.kind]) stack.pop();
    const parent = stack.at(-1);
    if (parent) {
      item.parent = parent;
      parent.children.push(item);
    } else roots.push(item);
    stack.push(item);
  }
  return roots;
}

const fieldDashes = (item: Item) => item.children.filter((c) => c.kind === 'dash' && !c.children.length && fieldOf(c.text));

/**
 * Blocks of fields ("- Thời gian hoàn thành: …", "- Đơn vị chủ trì: …") belong to the level of the outline
 * where the plan gives them (the kind of label most blocks follow). A block placed after the last of a
 * list of items belongs to more than that item:
 * - below that level ("2.1. …" then "(1) … (2) … (3) …" then the block): to the item at that level, whose
 *   sub-items are steps of one task;
 * - at that level ("3.1. … 3.2. … 3.3. …" then the block, none of them with fields): to each of them.
 */
function placeFieldBlocks(roots: Item[]): void {
  const holders: Item[] = [];
  const walk = (i: Item) => {
    if (fieldDashes(i).length) holders.push(i);
    i.children.forEach(walk);
  };
  roots.forEach(walk);
  const byKind = new Map<LabelKind, number>();
  for (const h of holders) byKind.set(h.kind, (byKind.get(h.kind) ?? 0) + 1);
  const level = [...byKind].sort((a, b) => b[1] - a[1])[0];
  if (!level || level[1] < 2) return;
  const kind = level[0];
  for (const h of holders) {
    const parent = h.parent;
    if (!parent || parent.children.at(-1) !== h) continue;
    // The block runs from its first field to the end ("- Kết quả: …" goes with it).
    const first = h.children.indexOf(fieldDashes(h)[0]!);
    const block = h.children.slice(first);
    if (!block.every((c) => c.kind === 'dash' && !c.children.length)) continue;
    const siblings = parent.children.filter((c) => c !== h && c.kind === h.kind);
    if (siblings.some((c) => fieldDashes(c).length)) continue;
    if (RANK[h.kind] > RANK[kind]) {
      let owner: Item | undefined = parent;
      while (owner && owner.kind !== kind) owner = owner.parent;
      if (!owner || fieldDashes(owner).length) continue;
      h.children = h.children.filter((c) => !block.includes(c));
      owner.children.push(...block.map((c) => ({ ...c, parent: owner })));
    } else if (h.kind === kind) {
      for (const c of siblings) if (!c.children.length) c.children = block.map((b) => ({ ...b, parent: c }));
    }
  }
}

/**
 * What the headings above an item make of it: the nearest one that says decides ("MỤC TIÊU, NHIỆM VỤ"
 * assigns work; its "a) Mục tiêu" only explains it); a plan without sections is all work.
 */
function contextOf(item: Item): 'task' | 'purpose' | 'procedure' | undefined {
  let sectioned = false;
  for (let a = item.parent; a; a = a.parent) {
    const f = fold(a.text);
    if (TASK_SECTION.test(f)) return 'task';
    if (PURPOSE_SECTION.test(f)) return 'purpose';
    if (PROCEDURE_SECTION.test(f)) return 'procedure';
    sectioned ||= a.kind === 'roman';
  }
  // A Roman section that does not say ("II. NỘI DUNG") assigns only work that names its unit.
  return sectioned ? undefined : 'task';
}

function refOf(item: Item): string {
  const parts: string[] = [];
  for (let i: Item | undefined = item; i; i = i.parent) parts.unshift(i.kind === 'paren' ? `(${i.label})` : i.kind === 'dash' ? String(i.parent ? i.parent.children.filter((c) => c.kind === 'dash').indexOf(i) + 1 : 1) : i.label);
  return parts.join('.');
}

/** "(1)", "(•)" (a mark whose number a scan lost) after the start, a colon, a semicolon or a full stop. */
const INLINE_LABEL = /(?:^|(?<=[:;.]\s*))\((\d{1,2}|•)\)\s*/gu;

/**
 * Items listed inside one paragraph ("1. C04: ⁽¹⁾ Chủ trì …; ⁽²⁾ Tuyên bố …"): each becomes an item of its
 * own under what comes before the first mark (here the unit "C04:"). Applied to the whole tree.
 */
function splitInline(item: Item): Item {
  item.children.forEach(splitInline);
  if (item.kind === 'paren') return item;
  const whole = [item.text, ...item.more].join(' ');
  const marks = [...whole.matchAll(INLINE_LABEL)];
  if (marks.length < 2) return item;
  const parts: Item[] = marks.map((m, k) => ({
    kind: 'paren',
    label: m[1] === '•' ? String(k + 1) : m[1]!,
    text: tidy(whole.slice(m.index + m[0].length, marks[k + 1]?.index ?? whole.length)).replace(/;$/u, '.'),
    more: [],
    children: [],
    parent: item,
    source: item.source,
  }));
  item.text = tidy(whole.slice(0, marks[0]!.index));
  item.more = [];
  item.children = [...parts, ...item.children];
  return item;
}

/** Raw tasks of a prose plan read from its outline; empty when the document has none. */
export function outlineTasks(doc: PlanDocument): RawTask[] {
  const tasks: RawTask[] = [];
  const visit = (item: Item, inherited: string | undefined) => {
    const paragraphs = item.more.filter((m) => !fieldOf(m));
    const heading = item.kind !== 'roman' && (item.children.length > 0 || paragraphs.length > 0) ? unitHeading(item.text) : undefined;
    if (heading && paragraphs.length) {
      // "1. Phòng Giáo dục Phổ thông" then plain paragraphs: each paragraph is one of the unit's tasks.
      const parts: Item[] = paragraphs.map((text) => ({ kind: 'dash', label: '-', text, more: [], children: [], parent: item, source: item.source, fromParagraph: true }));
      item.children = [...parts, ...item.children];
      item.more = [];
    }
    const unit = heading ?? inherited;
    const labelled = item.more.map(fieldOf).filter((x): x is NonNullable<typeof x> => !!x);
    const own = fieldOf(item.text);
    // "… hoàn thành các mặt công tác, như:" then dashes: examples of one piece of work, not tasks of their own.
    const examples = /\b(?:như|nhu)\s*:$/iu.test(item.text) && item.children.length > 0 && item.children.every((c) => c.kind === 'dash' && !c.children.length);
    // Dashes that give a field ("- Đơn vị chủ trì: …") make the item one task, its other dashes its details.
    // So do fields after its sub-items ("(1) … (2) …" then "- Thời gian hoàn thành: …"): the sub-items are its steps.
    const fielded = fieldDashes(item).length > 0 && item.children.every((c) => !c.children.length);
    const leaf = examples || fielded || item.children.length === 0;
    if (item.kind !== 'roman' && !heading && leaf) {
      const context = contextOf(item);
      const inTaskSection = context === 'task';
      const fields: Partial<RawTask> = {};
      for (const [k, v] of [...labelled, ...item.children.map((c) => fieldOf(c.text)).filter((x): x is NonNullable<typeof x> => !!x)]) fields[k] = v;
      const details = examples || fielded ? item.children.filter((c) => !fieldOf(c.text)).map((c) => `${c.kind === 'paren' ? `(${c.label})` : '-'} ${[c.text, ...c.more].join(' ')}`) : [];
      const body = [item.text, ...item.more.filter((m) => !fieldOf(m)), ...details].join(' ');
      // The unit may open the item or one of its paragraphs ("a) Tổ chức chương trình …:" then "Báo … chủ trì, …").
      const sentences = [item.text, ...item.more.filter((m) => !fieldOf(m))];
      const lead = fields.unitsText ?? sentences.map(leadingUnits).find(Boolean) ?? trailingUnits(body);
      if (own) return; // a stray label line is a field of the task above, not a task
      const ownLead = fields.unitsText ?? leadingUnits(item.text);
      if (context === 'purpose' || (context === 'procedure' && !ownLead)) {
        // Even there, a paragraph that gives a named unit work is a task: in a statement of aims only with a
        // deadline ("Các cơ quan … gửi về Sở Nội vụ trước ngày 15/02/2027"); in a procedure, any
        // ("Căn cứ Kế hoạch này, các cơ quan … xây dựng tiêu chuẩn khen thưởng").
        item.more.forEach((p, k) => {
          const unitsText = leadingUnits(p);
          const deadlineText = inlineDeadline(p);
          if (!unitsText || (!deadlineText && context === 'purpose')) return;
          tasks.push({
            ref: `${refOf(item)}.${k + 1}`,
            source: item.source,
            how: { units: 'inline', ...(deadlineText ? { deadline: 'inline' as const } : {}) },
            content: tidy(p),
            unitsText,
            ...(supportAfter(p) ? { supportText: supportAfter(p)! } : {}),
            ...(deadlineText ? { deadlineText } : {}),
          });
        });
        return;
      }
      if (inTaskSection || fields.unitsText || lead) {
        // Without a lead, only a task that is itself "Phối hợp với Y …" names its supporting units.
        const support = fields.supportText ?? (lead || unit || /^(?:phối hợp|phoi hop)\s/iu.test(item.text) ? sentences.map(supportAfter).find(Boolean) : undefined);
        const unitsText = fields.unitsText ?? lead ?? unit;
        const deadlineText = fields.deadlineText ?? inlineDeadline(body);
        const how = {
          ...(unitsText ? { units: fields.unitsText ? ('label' as const) : lead ? ('inline' as const) : ('heading' as const) } : {}),
          ...(deadlineText ? { deadline: fields.deadlineText ? ('label' as const) : ('inline' as const) } : {}),
        };
        tasks.push({
          ref: refOf(item),
          source: item.source,
          how,
          ...(item.parent && !unitHeading(item.parent.text) ? { group: item.parent.text } : {}),
          content: tidy(body),
          ...(unitsText ? { unitsText } : {}),
          ...(support && support !== unitsText ? { supportText: support } : {}),
          ...(deadlineText ? { deadlineText } : {}),
        });
      }
      return;
    }
    // Items after a lead-in with its own subject ("Riêng <unit> …:") are that unit's.
    let intro = introUnit(item.text);
    for (const c of item.children) {
      if (c.fromParagraph) {
        visit(c, unit);
        intro = introUnit(c.text);
      } else visit(c, intro ?? unit);
    }
  };
  const roots = outline(doc).map(splitInline);
  placeFieldBlocks(roots);
  for (const r of roots) visit(r, undefined);
  return tasks;
}
