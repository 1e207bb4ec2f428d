// What staff and managers type to the Zalo OA bot, read into commands. Pure: no I/O, no clock
// (today comes in), no lookups — "2" stays "the 2nd task in this person's list" and a name in
// "giao lại 2 Nguyễn Văn B" stays a name; the caller resolves both.
//
// Matching is done on folded words (lower case, no diacritics), so "nhan 2", "NHẬN 2" and
// "tien do 2 60%" all work; command words may carry a typo within reason; notes, reasons and
// answers keep the person's own text (with diacritics, tidied).
import { isValidIsoDate, type IsoDate } from '../domain/calendar.js';
import { parseDateInput } from '../domain/date-input.js';
import { fold, levenshtein, tidy } from '../domain/text.js';

/** "2" = the 2nd task in the person's list; "II.2.(1)" = a task ref, as typed. */
export type TaskRefArg = { kind: 'index'; index: number } | { kind: 'ref'; ref: string };

/** Whom the bot is talking to: a linked chuyên viên, or someone who decides (head, Phó Giám đốc, Giám đốc). */
export type Audience = 'staff' | 'leader';

export type BotCommand =
  | { type: 'list' }
  | { type: 'help'; more?: true }
  | { type: 'cancel' }
  | { type: 'unitSummary' }
  | { type: 'link'; code: string }
  | { type: 'linkRequest' }
  | { type: 'acknowledge'; task: TaskRefArg }
  | { type: 'progress'; task: TaskRefArg; percent?: number; note: string }
  | { type: 'complete'; task: TaskRefArg; note: string }
  | { type: 'requestExtension'; task: TaskRefArg; until?: IsoDate; reason: string }
  | { type: 'explain'; task: TaskRefArg; answer: string }
  | { type: 'approve'; task: TaskRefArg; note: string }
  | { type: 'reject'; task: TaskRefArg; reason: string }
  | { type: 'decideExtension'; task: TaskRefArg; approve: boolean; reason: string }
  | { type: 'reassign'; task: TaskRefArg; to: string }
  | { type: 'requestExplanation'; task: TaskRefArg; question: string }
  | { type: 'unknown'; reply: string };

type Kind =
  | 'list'
  | 'help'
  | 'helpMore'
  | 'cancel'
  | 'unitSummary'
  | 'link'
  | 'linkRequest'
  | 'acknowledge'
  | 'progress'
  | 'complete'
  | 'requestExtension'
  | 'explain'
  | 'approve'
  | 'reject'
  | 'approveExtension'
  | 'refuseExtension'
  | 'reassign'
  | 'requestExplanation';

interface CommandSpec {
  kind: Kind;
  /** Folded phrases that name the command (one space between words). */
  phrases: string[];
  /** The command word(s) as shown to people. */
  word: string;
  /** A full example, as shown to people. */
  example: string;
  /** What it does (help text). */
  does: string;
}

const SPECS: CommandSpec[] = [
  { kind: 'list', phrases: ['ds', 'danh sach'], word: 'ds', example: 'ds', does: 'xem danh sách nhiệm vụ của mình (số thứ tự dùng trong các lệnh)' },
  { kind: 'link', phrases: ['dk', 'dang ky', 'dang ki'], word: 'dk', example: 'dk 123456', does: 'liên kết Zalo với tài khoản bằng mã được cấp' },
  { kind: 'linkRequest', phrases: ['lien ket', 'lien ket zalo', 'lien ket tai khoan'], word: 'liên kết', example: 'liên kết', does: 'liên kết Zalo bằng số điện thoại đã khai báo với cơ quan' },
  { kind: 'help', phrases: ['tro giup', 'giup', 'help', 'hd', 'huong dan'], word: 'trợ giúp', example: 'trợ giúp', does: 'xem hướng dẫn ngắn' },
  { kind: 'helpMore', phrases: ['tro giup them', 'huong dan them', 'huong dan day du'], word: 'trợ giúp thêm', example: 'trợ giúp thêm', does: 'xem đủ các lệnh' },
  { kind: 'cancel', phrases: ['huy', 'huy bo', 'thoi'], word: 'hủy', example: 'hủy', does: 'bỏ thao tác đang làm dở' },
  { kind: 'acknowledge', phrases: ['nhan', 'da nhan'], word: 'nhận', example: 'nhận 2', does: 'xác nhận đã nhận nhiệm vụ' },
  { kind: 'progress', phrases: ['tien do', 'bao cao tien do', 'cap nhat tien do'], word: 'tiến độ', example: 'tiến độ 2 60% đã rà soát xong 3/5 thủ tục', does: 'báo cáo tiến độ (phần trăm không bắt buộc)' },
  { kind: 'complete', phrases: ['xong', 'da xong', 'hoan thanh', 'da hoan thanh'], word: 'xong', example: 'xong 2 đã gửi báo cáo số 15/BC-SNV', does: 'báo cáo hoàn thành, chờ lãnh đạo duyệt' },
  { kind: 'requestExtension', phrases: ['gia han', 'xin gia han'], word: 'gia hạn', example: 'gia hạn 2 30/6 lý do chờ số liệu của Sở Tài chính', does: 'xin gia hạn đến ngày mới' },
  { kind: 'explain', phrases: ['giai trinh'], word: 'giải trình', example: 'giải trình 2 chậm do chưa nhận được số liệu', does: 'trả lời yêu cầu giải trình' },
  { kind: 'approve', phrases: ['duyet', 'dong y'], word: 'duyệt', example: 'duyệt 2', does: 'duyệt kết quả hoàn thành' },
  { kind: 'reject', phrases: ['tu choi', 'khong duyet', 'khong dong y'], word: 'từ chối', example: 'từ chối 2 lý do thiếu biểu số liệu', does: 'chưa duyệt, trả lại để tiếp tục thực hiện' },
  { kind: 'approveExtension', phrases: ['dong y gia han', 'duyet gia han', 'cho gia han'], word: 'đồng ý gia hạn', example: 'đồng ý gia hạn 2', does: 'đồng ý cho gia hạn' },
  { kind: 'refuseExtension', phrases: ['khong gia han', 'tu choi gia han', 'khong dong y gia han', 'khong cho gia han'], word: 'không gia hạn', example: 'không gia hạn 2 lý do đã gia hạn một lần', does: 'không đồng ý gia hạn, giữ hạn cũ' },
  { kind: 'reassign', phrases: ['giao lai'], word: 'giao lại', example: 'giao lại 2 Nguyễn Văn B', does: 'giao nhiệm vụ cho người khác' },
  { kind: 'requestExplanation', phrases: ['yeu cau giai trinh', 'yc giai trinh'], word: 'yêu cầu giải trình', example: 'yêu cầu giải trình 2 vì sao chậm tiến độ', does: 'yêu cầu người thực hiện giải trình' },
  { kind: 'unitSummary', phrases: ['don vi'], word: 'đơn vị', example: 'đơn vị', does: 'xem tình hình nhiệm vụ của đơn vị' },
];

const spec = (kind: Kind): CommandSpec => SPECS.find((s) => s.kind === kind)!;

const line = (k: Kind): string => `• ${spec(k).example} — ${spec(k).does}`;

/** Every command, grouped by who uses it («trợ giúp thêm»). */
export const HELP_TEXT: string = [
  'Hướng dẫn dùng trợ lý nhắc việc Đề án 06. Gõ có dấu hay không dấu đều được. ' +
    '«2» là nhiệm vụ thứ 2 trong danh sách «ds»; có thể ghi số hiệu nhiệm vụ thay cho số thứ tự, ví dụ «nhận II.2.(1)».',
  '',
  'Chung:',
  line('list'),
  line('link'),
  line('linkRequest'),
  line('help'),
  line('cancel'),
  '',
  'Cán bộ thực hiện:',
  line('acknowledge'),
  line('progress'),
  line('complete'),
  line('requestExtension') + ' (ngày ghi 30/6 hoặc 30/6/2025)',
  line('explain'),
  '',
  'Lãnh đạo:',
  line('approve'),
  line('reject'),
  line('approveExtension'),
  line('refuseExtension'),
  line('reassign'),
  line('requestExplanation'),
  line('unitSummary'),
].join('\n');

/** The commands each audience uses, most used first. */
const COMMANDS_OF: Record<Audience, Kind[]> = {
  staff: ['list', 'acknowledge', 'progress', 'complete', 'requestExtension', 'explain'],
  leader: ['list', 'approve', 'reject', 'approveExtension', 'refuseExtension', 'reassign', 'requestExplanation', 'unitSummary'],
};

/** The short help («trợ giúp»): only the commands of the person's role, and the way to the rest. */
export function helpFor(audience: Audience): string {
  return [
    'Các lệnh thường dùng (gõ có dấu hay không dấu đều được; «2» là số thứ tự trong «ds»):',
    ...COMMANDS_OF[audience].map(line),
    'Gõ «trợ giúp thêm» để xem đủ các lệnh, «hủy» để bỏ thao tác đang làm dở.',
  ].join('\n');
}

const shortHelp = (audience: Audience | undefined): string =>
  audience
    ? `Các lệnh thường dùng: ${COMMANDS_OF[audience].map((k) => `«${spec(k).example.split(' ').slice(0, spec(k).word.split(' ').length + 1).join(' ')}»`).join(', ')}. Gõ «trợ giúp» để xem hướng dẫn.`
    : 'Gõ «liên kết» để liên kết Zalo bằng số điện thoại, hoặc «dk <mã>» với mã do quản trị viên cấp.';

// ---------------------------------------------------------------------------------------------

interface Tok {
  /** As typed (tidied). */
  raw: string;
  /** Folded, without surrounding punctuation: what command and filler words are matched on. */
  word: string;
}

const EDGE_PUNCT = /^[\s.,;:!?"'«»“”()[\]{}…/\\#*_~–—-]+|[\s.,;:!?"'«»“”()[\]{}…/\\#*_~–—-]+$/g;

function tok(raw: string): Tok {
  return { raw, word: fold(raw).replace(EDGE_PUNCT, '') };
}

const isPunct = (t: Tok): boolean => t.word === '' && !/\d/.test(t.raw);

/** A command needs this many edits at most: none for 2-letter words ("ds", "dk", "hd": every 2-letter word is one edit away), 1 up to 5 characters, 2 beyond. */
function threshold(phrase: string): number {
  return phrase.length <= 2 ? 0 : phrase.length <= 5 ? 1 : 2;
}

interface Match {
  spec: CommandSpec;
  phrase: string;
  /** Tokens the command words took. */
  k: number;
  dist: number;
}

/** The leading tokens that can be command words: up to the first number or task ref. */
function windowOf(toks: Tok[]): number {
  let w = 0;
  while (w < toks.length && w < 6 && !/\d/.test(toks[w]!.raw) && toks[w]!.word !== '') w++;
  return w;
}

function candidates(toks: Tok[]): Match[] {
  const w = windowOf(toks);
  const words = toks.slice(0, w).map((t) => t.word);
  const out: Match[] = [];
  for (const s of SPECS) {
    for (const phrase of s.phrases) {
      const n = phrase.split(' ').length;
      // k = n - 1 lets two words typed together ("hoanthanh") match.
      for (const k of new Set([n, n - 1])) {
        if (k < 1 || k > w) continue;
        const typed = words.slice(0, k).join(' ');
        // Typed together, only the space may be missing, not a word ("đồng" is not "đồng ý").
        if (k < n && typed.length < phrase.length - 1) continue;
        const dist = levenshtein(typed, phrase);
        if (dist <= threshold(phrase)) out.push({ spec: s, phrase, k, dist });
      }
    }
  }
  // Longer commands win over their prefixes ("không gia hạn" over "gia hạn" is by position; "từ
  // chối gia hạn" over "từ chối" is by length), then fewer edits, then the longer phrase.
  return out.sort((a, b) => b.k - a.k || a.dist - b.dist || b.phrase.length - a.phrase.length);
}

type Found = { ok: true; match: Match; toks: Tok[] } | { ok: false; near: CommandSpec; or: CommandSpec } | undefined;

function findCommand(toks: Tok[]): Found {
  const best = candidates(toks)[0];
  if (!best) return undefined;
  // A short command followed by words that look like a mistyped longer one ("đồng ý gja hạnn 2"):
  // ask rather than act on the shorter ("đồng ý" = approve the result).
  const w = windowOf(toks);
  for (const s of SPECS) {
    if (s === best.spec) continue;
    for (const longer of s.phrases) {
      if (!longer.startsWith(best.phrase + ' ')) continue;
      const n = longer.split(' ').length;
      if (n <= best.k || n > w) continue;
      const d = levenshtein(toks.slice(0, n).map((t) => t.word).join(' '), longer);
      if (d <= threshold(longer) + 1) return { ok: false, near: s, or: best.spec };
    }
  }
  return { ok: true, match: best, toks };
}

/** The command word closest to what was typed, however far, among those the person uses. */
function closest(toks: Tok[], audience: Audience | undefined): CommandSpec {
  // Leaders are given tasks too: their suggestions include the staff commands.
  const allowed = audience ? new Set<Kind>([...COMMANDS_OF.staff, ...(audience === 'leader' ? COMMANDS_OF.leader : []), 'help']) : new Set<Kind>(['link', 'linkRequest', 'help']);
  let best = spec(audience ? 'list' : 'linkRequest');
  let bestScore = Infinity;
  const words = toks.map((t) => t.word).filter((w) => w !== '');
  for (const s of SPECS.filter((x) => allowed.has(x.kind))) {
    for (const phrase of s.phrases) {
      const n = phrase.split(' ').length;
      const typed = words.slice(0, n).join(' ');
      if (!typed) continue;
      const score = levenshtein(typed, phrase) / Math.max(phrase.length, typed.length);
      if (score < bestScore) {
        bestScore = score;
        best = s;
      }
    }
  }
  return best;
}

/** What a sentence that is not a command means to do, by its words ("em báo cáo nhiệm vụ 2 đã xong rồi ạ"). */
const INTENTS: { kind: Kind; re: RegExp; audience?: Audience }[] = [
  { kind: 'refuseExtension', re: /\b(?:khong|chua) (?:dong y |cho )?gia han\b/, audience: 'leader' },
  { kind: 'approveExtension', re: /\b(?:dong y|dong y cho|cho phep) gia han\b/, audience: 'leader' },
  { kind: 'requestExtension', re: /\b(?:gia han|lui han|them thoi gian|xin them)\b/ },
  { kind: 'approve', re: /\b(?:duyet|dat yeu cau)\b/, audience: 'leader' },
  { kind: 'complete', re: /\b(?:xong|hoan thanh|hoan tat)\b/ },
  { kind: 'progress', re: /\b(?:tien do|phan tram|\d{1,3} ?%|dang lam|dang thuc hien)/ },
  { kind: 'explain', re: /\b(?:giai trinh|ly do cham|vi sao cham)\b/ },
  { kind: 'acknowledge', re: /^(?:ok|oke|okay|vang|da|da vang|vang a|da a|ro|da ro|nhan duoc|da nhan duoc|em nhan|toi nhan)\b/ },
];

function intentOf(toks: Tok[], audience: Audience | undefined): { spec: CommandSpec; task?: string } | undefined {
  if (!audience) return undefined;
  const f = toks.map((t) => t.word).filter(Boolean).join(' ');
  const task = toks.map((t) => readTaskToken(t)).find((x): x is { task: TaskRefArg; rest: Tok[] } => !!x && 'task' in x)?.task;
  const hit = INTENTS.find((i) => (!i.audience || i.audience === audience) && i.re.test(f));
  if (!hit) return undefined;
  return { spec: spec(hit.kind), ...(task ? { task: task.kind === 'index' ? String(task.index) : task.ref } : {}) };
}

/** The example of a command with the person's own task number in it. */
function exampleFor(s: CommandSpec, task: string | undefined): string {
  if (!task) return s.example;
  const words = s.word.split(' ').length;
  const parts = s.example.split(' ');
  return /\d/.test(parts[words] ?? '') ? [...parts.slice(0, words), task, ...parts.slice(words + 1)].join(' ') : s.example;
}

function notUnderstood(clean: string, toks: Tok[], audience: Audience | undefined, near?: CommandSpec, or?: CommandSpec): BotCommand {
  if (!clean) return { type: 'unknown', reply: `Chưa hiểu tin nhắn (tin nhắn trống). ${shortHelp(audience)}` };
  const shown = clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
  const intent = near ? undefined : intentOf(toks, audience);
  const first = near ?? intent?.spec ?? closest(toks, audience);
  const guess = or ? `«${exampleFor(first, intent?.task)}» hay «${or.example}»` : `«${exampleFor(first, intent?.task)}»`;
  return { type: 'unknown', reply: `Chưa hiểu tin nhắn «${shown}». Có phải đồng chí muốn gửi ${guess}? ${shortHelp(audience)}` };
}

// --- arguments -------------------------------------------------------------------------------

const REF_RE = /^[A-Za-z0-9.()_-]+$/;
/** Words people put between the command and the task: "nhận việc 2", "duyệt báo cáo 2", "xong nv 3". */
const TASK_FILLERS = [['nv'], ['so'], ['nhiem', 'vu'], ['cong', 'viec'], ['viec'], ['bao', 'cao'], ['ket', 'qua']];

function startsWithWords(toks: Tok[], words: string[]): boolean {
  return words.length <= toks.length && words.every((w, i) => toks[i]!.word === w);
}

function skipPunct(toks: Tok[]): Tok[] {
  let i = 0;
  while (i < toks.length && isPunct(toks[i]!)) i++;
  return toks.slice(i);
}

type TaskArg = { task: TaskRefArg; rest: Tok[] } | { error: string } | undefined;

function readTaskToken(t: Tok | undefined): TaskArg {
  if (!t) return undefined;
  const s = t.raw.replace(/^#/, '').replace(/[.,;:!?]+$/, '');
  if (/^\d+$/.test(s)) {
    const index = Number(s);
    if (index < 1) return { error: 'Số thứ tự nhiệm vụ bắt đầu từ 1. Gõ «ds» để xem danh sách.' };
    return { task: { kind: 'index', index }, rest: [] };
  }
  if (REF_RE.test(s) && /\d/.test(s)) return { task: { kind: 'ref', ref: s }, rest: [] };
  return undefined;
}

function takeTask(toks: Tok[]): TaskArg {
  let rest = skipPunct(toks);
  let found = readTaskToken(rest[0]);
  if (!found) {
    const filler = TASK_FILLERS.find((f) => startsWithWords(rest, f));
    if (filler) {
      found = readTaskToken(rest[filler.length]);
      if (found) rest = rest.slice(filler.length);
    }
  }
  if (found && 'task' in found) return { task: found.task, rest: rest.slice(1) };
  return found;
}

function missingTask(s: CommandSpec): BotCommand {
  return {
    type: 'unknown',
    reply:
      `Thiếu số thứ tự hoặc số hiệu nhiệm vụ sau «${s.word}». ` +
      `Ví dụ: «${s.example}» (nhiệm vụ thứ 2 trong danh sách «ds») hoặc «${s.word} II.2.(1)».`,
  };
}

/** The person's text from these tokens, without leading punctuation. */
function textOf(toks: Tok[]): string {
  return tidy(toks.map((t) => t.raw).join(' ').replace(/^[\s.,;:!?–—-]+/, ''));
}

/** Drops "lý do", "ly do", "vì", "bởi vì", "vì lý do" in front of a reason. */
function reasonOf(toks: Tok[], messageHasDiacritics: boolean): string {
  let rest = skipPunct(toks);
  // "vi" without diacritics is also the start of "vi phạm": only taken for "vì" in a message
  // written without diacritics.
  const vi = (t: Tok | undefined) => !!t && (t.raw.toLowerCase().replace(/[:,]$/, '') === 'vì' || (!messageHasDiacritics && t.word === 'vi'));
  if (vi(rest[0]) && startsWithWords(rest.slice(1), ['ly', 'do'])) rest = rest.slice(3);
  else if (startsWithWords(rest, ['ly', 'do']) || startsWithWords(rest, ['li', 'do'])) rest = rest.slice(2);
  else if (rest[0]?.word === 'boi' && vi(rest[1])) rest = rest.slice(2);
  else if (vi(rest[0])) rest = rest.slice(1);
  return textOf(rest);
}

// Percent: "60%", "60 %", "60 phần trăm", "62,5%".
const NUM = String.raw`(\d{1,4}(?:[.,]\d{1,2})?)`;

interface PercentAt {
  value: number;
  start: number;
  end: number;
  typed: string;
}

function percentAt(toks: Tok[], i: number): PercentAt | undefined {
  const t = toks[i];
  if (!t) return undefined;
  const glued = new RegExp(`^${NUM}%[.,;:]?$`).exec(t.raw);
  const num = (s: string) => Number(s.replace(',', '.'));
  if (glued) return { value: num(glued[1]!), start: i, end: i + 1, typed: `${glued[1]}%` };
  const bare = new RegExp(`^${NUM}$`).exec(t.raw);
  if (!bare) return undefined;
  if (toks[i + 1] && /^%[.,;:]?$/.test(toks[i + 1]!.raw)) return { value: num(bare[1]!), start: i, end: i + 2, typed: `${bare[1]}%` };
  if (toks[i + 1]?.word === 'phan' && toks[i + 2]?.word === 'tram') return { value: num(bare[1]!), start: i, end: i + 3, typed: `${bare[1]} phần trăm` };
  return undefined;
}

function progressOf(s: CommandSpec, task: TaskRefArg, toks: Tok[]): BotCommand {
  let rest = skipPunct(toks);
  // "đạt 60%", "được 60%", "là 60%".
  const lead = ['dat', 'duoc', 'la'].includes(rest[0]?.word ?? '') && percentAt(rest, 1) ? 1 : 0;
  let p = percentAt(rest, lead);
  let note: string;
  if (p) note = textOf(rest.slice(p.end));
  else {
    // A percent further on ("đã rà soát 60% hồ sơ") is the progress, and the note stays whole.
    for (let i = 0; i < rest.length && !p; i++) p = percentAt(rest, i);
    // "tiến độ 2 60" and "tiến độ 5 60 đã chuẩn hóa 12 biểu mẫu": a number right after the task is the percent.
    if (!p && /^\d{1,4}[.,;:]?$/.test(rest[0]?.raw ?? '')) {
      const typed = rest[0]!.raw.replace(/[.,;:]$/, '');
      p = { value: Number(typed), start: 0, end: 1, typed: `${typed}%` };
    }
    note = p && p.start === 0 ? textOf(rest.slice(p.end)) : textOf(rest);
  }
  if (!p) return { type: 'progress', task, note };
  if (!(p.value >= 0 && p.value <= 100)) {
    return { type: 'unknown', reply: `Tiến độ phải từ 0% đến 100% (tin nhắn ghi ${p.typed}). Ví dụ: «${s.example}».` };
  }
  return { type: 'progress', task, percent: p.value, note };
}

const DATE_FILLERS = new Set(['den', 'toi', 'ngay', 'het', 'han']);
const DMY_RE = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/;
const ISO_RE = /^\d{4}-\d{1,2}-\d{1,2}$/;

type DateArg = { ok: true; date: IsoDate } | { ok: false; reply: string };

/** "30/6" → the next 30 June on or after today; "30/6/2024", "30/6/24", "2024-06-30" as written. */
function readDate(typed: string, today: IsoDate): DateArg {
  const bad: DateArg = { ok: false, reply: `Ngày ${typed} không tồn tại.` };
  if (ISO_RE.test(typed)) {
    const r = parseDateInput(typed);
    return r.ok ? { ok: true, date: r.date } : bad;
  }
  const m = DMY_RE.exec(typed);
  if (!m) return bad;
  const [, d, mo, y] = m;
  if (y) {
    const r = parseDateInput(`${d}/${mo}/${y.length === 2 ? `20${y}` : y}`);
    return r.ok ? { ok: true, date: r.date } : bad;
  }
  const mmdd = `${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  // Exists in no year at all (31/6, 30/2, 12/13)?
  if (!isValidIsoDate(`2000-${mmdd}`)) return bad;
  const year = Number(today.slice(0, 4));
  const thisYear = `${today.slice(0, 4)}-${mmdd}`;
  const date = thisYear >= today ? thisYear : `${String(year + 1).padStart(4, '0')}-${mmdd}`;
  // 29/2 in a year that is not a leap year.
  if (!isValidIsoDate(date)) return { ok: false, reply: `Ngày ${typed}/${date.slice(0, 4)} không tồn tại.` };
  return { ok: true, date };
}

function extensionOf(s: CommandSpec, task: TaskRefArg, toks: Tok[], today: IsoDate, diacritics: boolean): BotCommand {
  let rest = skipPunct(toks);
  let i = 0;
  while (i < rest.length && i < 3 && DATE_FILLERS.has(rest[i]!.word)) i++;
  const typed = rest[i]?.raw.replace(/[.,;:]+$/, '');
  if (typed === undefined || !(DMY_RE.test(typed) || ISO_RE.test(typed))) {
    return { type: 'requestExtension', task, reason: reasonOf(rest, diacritics) };
  }
  const d = readDate(typed, today);
  if (!d.ok) return { type: 'unknown', reply: d.reply };
  if (d.date < today) {
    const [y, m, day] = d.date.split('-');
    return { type: 'unknown', reply: `Ngày ${day}/${m}/${y} đã qua: đề nghị ghi ngày gia hạn mới. Ví dụ: «${s.example}».` };
  }
  rest = rest.slice(i + 1);
  return { type: 'requestExtension', task, until: d.date, reason: reasonOf(rest, diacritics) };
}

function build(s: CommandSpec, toks: Tok[], today: IsoDate, diacritics: boolean): BotCommand {
  switch (s.kind) {
    case 'list':
      return { type: 'list' };
    case 'help':
      return { type: 'help' };
    case 'helpMore':
      return { type: 'help', more: true };
    case 'cancel':
      return { type: 'cancel' };
    case 'unitSummary':
      return { type: 'unitSummary' };
    case 'linkRequest': {
      // "liên kết 123456": a code after the words is the code route.
      const code = skipPunct(toks)[0]?.raw.replace(/[.,;:!?]+$/, '');
      return code && /^\d{4,8}$/.test(code) ? { type: 'link', code } : { type: 'linkRequest' };
    }
    case 'link': {
      let rest = skipPunct(toks);
      if (rest[0]?.word === 'ma' && rest.length > 1) rest = rest.slice(1); // "đăng ký mã 123456"
      const code = rest[0]?.raw.replace(/[.,;:!?]+$/, '');
      if (!code) return { type: 'unknown', reply: 'Thiếu mã đăng ký. Ví dụ: «dk 123456» (mã do quản trị hệ thống cấp).' };
      return { type: 'link', code };
    }
    default:
      break;
  }
  const arg = takeTask(toks);
  if (!arg) return missingTask(s);
  if ('error' in arg) return { type: 'unknown', reply: arg.error };
  const { task, rest } = arg;
  switch (s.kind) {
    case 'acknowledge':
      return { type: 'acknowledge', task };
    case 'progress':
      return progressOf(s, task, rest);
    case 'complete':
      return { type: 'complete', task, note: textOf(rest) };
    case 'requestExtension':
      return extensionOf(s, task, rest, today, diacritics);
    case 'explain':
      return { type: 'explain', task, answer: textOf(rest) };
    case 'approve':
      return { type: 'approve', task, note: textOf(rest) };
    case 'reject':
      return { type: 'reject', task, reason: reasonOf(rest, diacritics) };
    case 'approveExtension':
      return { type: 'decideExtension', task, approve: true, reason: reasonOf(rest, diacritics) };
    case 'refuseExtension':
      return { type: 'decideExtension', task, approve: false, reason: reasonOf(rest, diacritics) };
    case 'reassign': {
      let to = skipPunct(rest);
      if (to[0]?.word === 'cho') to = to.slice(1); // "giao lại 2 cho Nguyễn Văn B"
      return { type: 'reassign', task, to: textOf(to) };
    }
    case 'requestExplanation':
      return { type: 'requestExplanation', task, question: textOf(rest) };
    default:
      throw new Error(`unreachable: ${s.kind}`);
  }
}

/** Reads one chat message. `today` (Asia/Ho_Chi_Minh business date) resolves "30/6" to a year. */
export function parseCommand(text: string, ctx: { today: IsoDate; audience?: Audience }): BotCommand {
  if (!isValidIsoDate(ctx.today)) throw new Error(`parseCommand: today must be a YYYY-MM-DD date, got "${String(ctx.today)}"`);
  const clean = tidy(text ?? '');
  if (/^[?？]+$/.test(clean)) return { type: 'help' };
  let toks = skipPunct(clean ? clean.split(' ').map(tok) : []);
  let found = findCommand(toks);
  if (!found) {
    // "nhan2", "tien do2": digits typed against the command word.
    const w = windowOf(toks);
    const glued = toks[w] && /^([\p{L}\p{M}]+)(\d.*)$/u.exec(toks[w]!.raw);
    if (glued) {
      toks = [...toks.slice(0, w), tok(glued[1]!), tok(glued[2]!), ...toks.slice(w + 1)];
      found = findCommand(toks);
    }
  }
  if (!found) return notUnderstood(clean, toks, ctx.audience);
  if (!found.ok) return notUnderstood(clean, toks, ctx.audience, found.near, found.or);
  const diacritics = /[\u0300-\u036f]/.test(clean.normalize('NFD')) || /[đĐ]/.test(clean);
  return build(found.match.spec, found.toks.slice(found.match.k), ctx.today, diacritics);
}
