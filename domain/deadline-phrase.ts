// Deadline phrases as Vietnamese plans write them ("Quý II năm 2024", "Thực hiện thường xuyên",
// "Trước ngày 15 hằng tháng", "Khi có văn bản hướng dẫn của Trung ương") read into the kinds of
// deadline the engine runs. Pure: no I/O, no clock, no Node built-ins.
//
// Matching runs on fold(text) (lower case, no diacritics), so "Quý II năm 2024", "quy ii nam 2024"
// and "QUÝ  II  NĂM 2024" read the same. Before matching, PDF noise is repaired: a word broken by
// hyphenation ("thường xuy- ên") is joined, a key word split by a stray space ("th áng") is
// rejoined, spaces around / - . between digits are dropped ("3 / 2022"), and document references
// ("Kế hoạch số 82/KH-UBND ngày 10/5/2022") are masked so their issue dates never become due dates.
//
// The grammar, in the order it is tried:
//  1. Empty → unknown.
//  2. Event: the phrase (after "Thời gian hoàn thành:" and verbs such as "hoàn thành", "thực hiện")
//     starts with khi / sau / trước khi / theo / tùy / căn cứ / a document (Kế hoạch, Quyết định…),
//     or gives a relative period ("trong vòng 30 ngày kể từ…"). Dates inside are ignored.
//  3. Recurring: the phrase names a cycle (hằng/hàng/mỗi/định kỳ tháng, quý, 6 tháng, năm;
//     "6 tháng một lần"; "tháng cuối quý"). A phrase that names a cycle is recurring with that cycle
//     even if it also says "thường xuyên": "Hằng năm, thường xuyên" is recurring yearly.
//     "ngày 15" gives the day of the cycle's last month by which the check-in is due (the engine's
//     meaning of `day`). Explicit months must be last months of the cycle; with "hằng năm" they may
//     name a shorter cycle ("trước ngày 15/6 và 15/12 hằng năm" is half-yearly, day 15). Anything
//     the engine cannot express (day 29–31, "cuối tháng", "tháng sau", weekly, two cycles, a
//     month that is not the cycle's last) is unknown, never rounded.
//  4. Ongoing: plain "thường xuyên", "liên tục", "hằng ngày" with no cycle and no date. With a date
//     too ("Thường xuyên, trước 30/6/2024") it is unknown: which one is meant is not ours to pick.
//  5. Phased: two or more segments separated by ";" or a line break (or, failing that, "," / "và"),
//     each "label [từ|trước|…] when" or "label: when" ("cấp tỉnh từ ngày 01/6/2022",
//     "Giai đoạn 1: trước 30/6/2024"). Labels are kept as written.
//  6. A date, a month, a quarter, a part of a year, a year, or a range of them:
//     "15/3/2022", "ngày 15 tháng 3 năm 2022", "2024-06-30" → that day;
//     "Tháng 3/2022", "tháng 03-2022", "T6/2022" → last day of the month;
//     "Quý II năm 2024", "Quý 2/2024" → last day of the quarter;
//     "6 tháng đầu năm" → 30/6, "9 tháng đầu năm" → 30/9, "N tháng cuối năm" → 31/12;
//     "Năm 2024" → 31/12/2024; "Từ tháng 3 đến tháng 6 năm 2024", "Năm 2024-2025" → end of the range.
//     Lead words "trong", "cả", "chậm nhất", "muộn nhất", "đến (hết)", "cuối", "hết", "dự kiến"
//     change nothing: the due date is the last day of what they name.
//     "trước ngày X" (and "trước X" for a full date): the due date is X itself. Vietnamese
//     administrative practice reads "trước ngày 15/3" as "by 15/3", the last day the work may come
//     in, not 14/3. "trước" before a month, quarter or year ("trước Quý III/2024") can mean the end
//     of the period before or of that one, so it is unknown.
//     "từ ngày X" alone is the day the work must be in force (as in phased plans) → X;
//     "từ tháng/quý/năm …" without an end is only a start → unknown.
//     "đầu"/"giữa" (early/mid) name no day → unknown.
//     A phrase with no year takes ctx.year (the plan's year); without one it is unknown.
//     A trailing reference ("Năm 2024, theo Kế hoạch số …") or a parenthesis without digits or a
//     condition ("(dự kiến)") is dropped; a condition ("hoặc khi có hướng dẫn") makes it unknown.
//  7. Anything else, or a date that does not exist (31/6, 29/02/2023, tháng 13, Quý V) → unknown
//     with a Vietnamese and an English warning quoting the phrase. No date is ever guessed.
import { isValidIsoDate, lastDayOfMonth, lastDayOfQuarter, type IsoDate } from './calendar.js';
import type { Cycle } from './plan.js';
import { fold, tidy } from './text.js';

export type ParsedDeadline =
  | { kind: 'date'; due: IsoDate; text: string }
  | { kind: 'recurring'; cycle: Cycle; day?: number; text: string }
  | { kind: 'ongoing'; text: string }
  | { kind: 'event'; text: string }
  | { kind: 'phased'; phases: { label: string; due: IsoDate }[]; text: string }
  | { kind: 'unknown'; text: string; warning: { vi: string; en: string } };

export interface DeadlinePhraseContext {
  /** The plan's year, for phrases that give none ("6 tháng đầu năm", "Quý II"). */
  year?: number;
}

type Reason = { vi: string; en: string };

/** Years a plan can plausibly name; others are typos ("năm 0224"). */
const YEAR_MIN = 1900;
const YEAR_MAX = 2999;
/** The engine's recurring `day` must exist in every month. */
const MAX_CYCLE_DAY = 28;

const CYCLE_VI: Record<Cycle, string> = { monthly: 'hằng tháng', quarterly: 'hằng quý', 'half-yearly': '6 tháng', yearly: 'hằng năm' };

const R = {
  empty: { vi: 'chưa ghi thời hạn', en: 'no deadline is written' },
  notUnderstood: {
    vi: 'không hiểu cách ghi này; hãy ghi ngày (ví dụ 30/6/2024), tháng, quý hoặc năm, «thường xuyên», «hằng tháng» hoặc «khi có văn bản hướng dẫn»',
    en: 'this wording is not understood; write a date (e.g. 30/6/2024), a month, quarter or year, "thường xuyên" (ongoing), "hằng tháng" (monthly) or "khi có văn bản hướng dẫn" (on an event)',
  },
  badDate: (d: number, m: number, y?: number): Reason => {
    const s = `${d}/${m}${y === undefined ? '' : `/${y}`}`;
    return { vi: `ngày ${s} không có trên lịch`, en: `${s} is not a calendar date` };
  },
  badMonth: (m: number): Reason => ({ vi: `không có tháng ${m}`, en: `there is no month ${m}` }),
  badQuarter: (q: string): Reason => ({ vi: `không có quý ${q.toUpperCase()} (chỉ có quý I–IV)`, en: `there is no quarter ${q.toUpperCase()} (only I–IV)` }),
  badPart: (n: number): Reason => ({ vi: `một năm không có ${n} tháng`, en: `a year has no ${n} months` }),
  badYear: (y: number): Reason => {
    const s = String(y).padStart(4, '0');
    return { vi: `năm ${s} không hợp lệ`, en: `${s} is not a plausible year` };
  },
  noYear: { vi: 'không ghi năm và kế hoạch không cho biết năm', en: 'no year is written and the plan gives none' },
  beforePeriod: {
    vi: '«trước» một tháng, quý hoặc năm có thể hiểu là hết kỳ trước đó hoặc hết chính kỳ đó; hãy ghi ngày cụ thể',
    en: '"trước" (before) a month, quarter or year can mean the end of the period before or of that one; write the exact date',
  },
  openStart: { vi: 'chỉ ghi thời điểm bắt đầu, không có thời hạn', en: 'only a start is given, no deadline' },
  vague: { vi: '«đầu» hoặc «giữa» kỳ không chỉ ra ngày nào', en: '"đầu"/"giữa" (early/mid) does not name a day' },
  backwards: { vi: 'khoảng thời gian kết thúc trước khi bắt đầu', en: 'the range ends before it starts' },
  condition: {
    vi: 'thời hạn kèm điều kiện hoặc phương án khác («khi», «hoặc», «nếu»); hãy ghi một thời hạn',
    en: 'the deadline comes with a condition or an alternative ("khi", "hoặc", "nếu"); write one deadline',
  },
  severalDates: { vi: 'có nhiều mốc thời gian, không rõ mốc nào là thời hạn', en: 'there are several dates and no telling which one is the deadline' },
  ongoingWithDate: {
    vi: 'vừa ghi «thường xuyên» vừa ghi mốc thời gian; hãy chọn một',
    en: 'it says both "thường xuyên" (ongoing) and a date; choose one',
  },
  severalCycles: (names: string[]): Reason => ({
    vi: `có nhiều chu kỳ (${names.join(', ')}); mỗi nhiệm vụ chỉ có một chu kỳ`,
    en: `it names several cycles (${names.join(', ')}); a task has one`,
  }),
  unsupportedCycle: (name: string): Reason => ({
    vi: `chu kỳ «${name}» chưa được hỗ trợ (chỉ có hằng tháng, hằng quý, 6 tháng, hằng năm)`,
    en: `the cycle "${name}" is not supported (monthly, quarterly, half-yearly or yearly only)`,
  }),
  noCycle: {
    vi: 'ghi «định kỳ» nhưng không rõ hằng tháng, hằng quý, 6 tháng hay hằng năm',
    en: 'it says "định kỳ" (periodic) but not whether monthly, quarterly, half-yearly or yearly',
  },
  cycleDayTooLate: (d: number): Reason => ({
    vi: `hạn ngày ${d} của mỗi kỳ không dùng được vì không tháng nào cũng có; chỉ dùng ngày 1–${MAX_CYCLE_DAY}`,
    en: `day ${d} of each cycle cannot be used since not every month has it; use days 1–${MAX_CYCLE_DAY}`,
  }),
  cycleLastDay: {
    vi: `hạn «cuối tháng» của mỗi kỳ không dùng được; hãy ghi một ngày từ 1 đến ${MAX_CYCLE_DAY}`,
    en: `a "cuối tháng" (month-end) cycle deadline cannot be used; write a day from 1 to ${MAX_CYCLE_DAY}`,
  },
  cycleBadDay: { vi: 'ngày hạn của mỗi kỳ không có trên lịch', en: 'the day due in each cycle is not a calendar day' },
  cycleSeveralDays: { vi: 'có nhiều ngày hạn khác nhau trong mỗi kỳ', en: 'it gives different due days within a cycle' },
  cycleMonth: (cycle: Cycle): Reason => ({
    vi: `hạn phải rơi vào tháng cuối của mỗi kỳ ${CYCLE_VI[cycle]}`,
    en: `the check-in must fall in the last month of each ${cycle} cycle`,
  }),
  cycleNextPeriod: { vi: 'hạn rơi vào kỳ sau, chưa được hỗ trợ', en: 'a check-in due in the following period is not supported' },
} satisfies Record<string, Reason | ((...args: never[]) => Reason)>;

function unknown(text: string, reason: Reason): ParsedDeadline {
  return { kind: 'unknown', text, warning: { vi: `Thời hạn «${text}»: ${reason.vi}.`, en: `Deadline "${text}": ${reason.en}.` } };
}

// ---------------------------------------------------------------------------
// Text preparation
// ---------------------------------------------------------------------------

/** The phrase as stored: tidied, soft hyphens and zero-width characters gone, no trailing . , ; … or "./.". */
function cleanText(raw: string): string {
  return tidy(raw.replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '')).replace(/(?:\.\/\.|[\s.,;…])+$/u, '');
}

/** Key words a PDF may split with a stray space ("th áng"); rejoined before matching. */
const SPLIT_KEYWORDS = ['thuong', 'xuyen', 'thang', 'truoc', 'trong', 'ngay', 'quy', 'nam', 'hang', 'dinh', 'lien', 'cuoi', 'theo'].map(
  (w) => ({ w, re: new RegExp(String.raw`\b${[...w].join(String.raw`\s?`)}\b`, 'g') }),
);

/** A full date as written in a document reference. */
const REF_DATE = String.raw`\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}`;
/** "số 82/KH-UBND ngày 10/5/2022", "45/2020/NĐ-CP", "01/KH-UBND ngày 02 tháng 01 năm 2021". */
const RE_REF = new RegExp(String.raw`(?:\bso\s*)?\b\d+(?:/\d{2,4})?/[a-z][a-z0-9.-]*(?:/[a-z0-9.-]+)*(?:\s*,?\s*ngay\s+(?:${REF_DATE}))?`, 'g');

const LABEL = /^(?:thoi gian|thoi han|han)(?:\s+(?:hoan thanh|thuc hien|bao cao|trien khai))?\s*:\s*/;
const FILLERS = /^(?:(?:hoan thanh|thuc hien|trien khai|tiep tuc|to chuc|bao cao|xong|duoc|se|phai)(?:\s*[,:.]\s*|\s+|$))+/;

/** fold(text) with PDF noise repaired and references masked, lead labels and verbs removed. */
function prepare(text: string): string {
  let s = fold(text);
  s = s.replace(/([a-z])-\s+([a-z])/g, '$1$2'); // hyphenation: "thuong xuy- en"
  for (const { w, re } of SPLIT_KEYWORDS) s = s.replace(re, w);
  s = s.replace(/(\d)\s*([/.-])\s*(?=\d)/g, '$1$2'); // "3 / 2022", "2024 - 2025"
  s = s.replace(/\bt\s?(\d{1,2})(?=[/.-]\d{4}\b|\s+nam\s+\d{4}\b)/g, 'thang $1'); // "T6/2022"
  s = s.replace(RE_REF, '@ref');
  s = s.replace(/^[\s\-+*•·]+/, '');
  s = s.replace(LABEL, '').replace(FILLERS, '');
  return s.trim();
}

/** fold() character by character, with the index in `s` of every folded character. */
function alignedFold(s: string): { f: string; at: number[] } {
  let f = '';
  const at: number[] = [];
  let i = 0;
  for (const ch of s) {
    const g = /\s/.test(ch) ? ch : fold(ch);
    for (let k = 0; k < g.length; k++) at.push(i);
    f += g;
    i += ch.length;
  }
  at.push(i);
  return { f, at };
}

// ---------------------------------------------------------------------------
// Events, cycles, ongoing
// ---------------------------------------------------------------------------

const EVENT_HEAD =
  /^(?:(?:khi|truoc khi|theo|tuy|ngay khi|ngay sau|can cu|phu thuoc|dua tren|dong thoi|cung voi|ke hoach|quyet dinh|nghi quyet|nghi dinh|chi thi|cong van|thong tu|thong bao|van ban|de an|chuong trinh)\b|sau\b(?!\s+thang\s+(?:dau|cuoi))|@ref)/;
const RELATIVE =
  /\b(?:trong vong|trong thoi han|trong thoi gian)\s+\d+\s+(?:ngay|thang|tuan|nam)\b(?!\s+(?:dau|cuoi))|(?<!\bngay\s)\b\d+\s+(?:ngay|thang|tuan|nam)(?:\s+lam viec)?\s+(?:ke tu|tinh tu|sau khi|sau ngay)\b/;

function isEvent(m: string): boolean {
  return EVENT_HEAD.test(m) || RELATIVE.test(m);
}

const N_MONTHS = String.raw`(\d{1,2}|mot|ba|sau|muoi hai)`;
const ONCE = String.raw`\s*(?:(?:0?1|mot)\s+lan|/\s*lan)\b`;
/** "hằng"/"hàng"/"mỗi"/"định kỳ", but not the noun "hàng" ("ngân hàng", "khách hàng"). */
const EVERY = String.raw`\b(?:dinh ky|moi|(?<!\b(?:ngan|khach|cua|mat|don|giao|kho|xep)\s)hang)\s+`;
const ONE = String.raw`(?:(?:0?1|mot)\s+)?`;
const NUMBER_WORDS: Record<string, number> = { mot: 1, ba: 3, sau: 6, chin: 9, 'muoi hai': 12, nua: 6 };
const CYCLE_OF_MONTHS: Record<number, Cycle> = { 1: 'monthly', 3: 'quarterly', 6: 'half-yearly', 12: 'yearly' };

/** Patterns naming a cycle; 'months' means "every N months" with N in group 1 (default 1). */
const CYCLE_PATTERNS: [RegExp, Cycle | 'months' | 'weekly'][] = [
  [new RegExp(`${EVERY}(?:${N_MONTHS}\\s+)?thang\\b`, 'g'), 'months'],
  [new RegExp(`\\b(?:${N_MONTHS}\\s+)?thang${ONCE}`, 'g'), 'months'],
  [new RegExp(`${EVERY}${ONE}quy\\b`, 'g'), 'quarterly'],
  [new RegExp(`\\bquy${ONCE}`, 'g'), 'quarterly'],
  [/\bthang cuoi (?:cung )?(?:cua )?(?:moi |hang )?quy\b/g, 'quarterly'],
  [new RegExp(`${EVERY}nua nam\\b`, 'g'), 'half-yearly'],
  [new RegExp(`\\bnua nam${ONCE}`, 'g'), 'half-yearly'],
  [new RegExp(`${EVERY}${ONE}nam\\b`, 'g'), 'yearly'],
  [new RegExp(`\\bnam${ONCE}`, 'g'), 'yearly'],
  [new RegExp(`${EVERY}${ONE}tuan\\b`, 'g'), 'weekly'],
  [new RegExp(`\\btuan${ONCE}`, 'g'), 'weekly'],
];

const LAST_MONTHS: Record<Cycle, readonly number[]> = {
  monthly: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  quarterly: [3, 6, 9, 12],
  'half-yearly': [6, 12],
  yearly: [12],
};

/** "ngày 15", "ngày 15/6", "ngày 15 tháng 12" (a year, if any, is ignored). */
const RE_CYCLE_DAY = /\bngay\s+(\d{1,2})(?:[/.-](\d{1,2})(?:[/.-]\d{4})?|\s+thang\s+(\d{1,2})\b)?(?![\d/])/g;
/** "15/6" without "ngày". */
const RE_CYCLE_DAY_MONTH = /(?<![\d/])(\d{1,2})[/.-](\d{1,2})(?:[/.-]\d{4})?(?![\d/])/g;
/** "trước 15 hằng tháng". */
const RE_CYCLE_BARE_DAY = /\b(?:truoc|den|vao|cham nhat|muon nhat)\s+(\d{1,2})\b(?![/.-]\d)(?!\s+(?:thang|nam|quy|ngay|tuan)\b)/g;

type CycleRead = { ok: true; cycle: Cycle; day?: number } | { ok: false; reason: Reason };

function parseRecurring(m: string): CycleRead | undefined {
  const cycles = new Set<Cycle>();
  const unsupported: string[] = [];
  for (const [re, kind] of CYCLE_PATTERNS) {
    for (const g of m.matchAll(re)) {
      if (kind === 'weekly') unsupported.push('hằng tuần');
      else if (kind !== 'months') cycles.add(kind);
      else {
        const n = g[1] === undefined ? 1 : (NUMBER_WORDS[g[1]] ?? Number(g[1]));
        const c = CYCLE_OF_MONTHS[n];
        if (c) cycles.add(c);
        else unsupported.push(`${n} tháng`);
      }
    }
  }
  if (!cycles.size && !unsupported.length) return undefined;
  if (unsupported.length) return { ok: false, reason: R.unsupportedCycle(unsupported[0]!) };
  if (cycles.size > 1) return { ok: false, reason: R.severalCycles([...cycles].map((c) => CYCLE_VI[c])) };
  const named = [...cycles][0]!;

  if (/\b(?:thang|quy|nam|ky) (?:sau|ke tiep)\b/.test(m)) return { ok: false, reason: R.cycleNextPeriod };
  if (/\bcuoi thang\b/.test(m)) return { ok: false, reason: R.cycleLastDay };
  if (/\b(?:dau|giua) (?:thang|quy|nam|ky)\b/.test(m)) return { ok: false, reason: R.vague };
  if (/\bthang (?:dau|giua|thu (?:nhat|hai|1|2))\b/.test(m)) return { ok: false, reason: R.cycleMonth(named) };

  const days = new Set<number>();
  const months = new Set<number>();
  const note = (d: string | undefined, mo: string | undefined): void => {
    if (d !== undefined) days.add(Number(d));
    if (mo !== undefined) months.add(Number(mo));
  };
  let rest = m.replace(RE_CYCLE_DAY, (_all, d: string, m1?: string, m2?: string) => {
    note(d, m1 ?? m2);
    return ' ';
  });
  rest = rest.replace(RE_CYCLE_DAY_MONTH, (_all, d: string, mo: string) => {
    note(d, mo);
    return ' ';
  });
  for (const g of rest.matchAll(RE_CYCLE_BARE_DAY)) note(g[1], undefined);

  if ([...days].some((d) => d < 1 || d > 31) || [...months].some((mo) => mo < 1 || mo > 12)) return { ok: false, reason: R.cycleBadDay };
  let cycle = named;
  if (months.size) {
    if (named === 'yearly') {
      const exact = (['yearly', 'half-yearly', 'quarterly', 'monthly'] as const).find(
        (c) => LAST_MONTHS[c].length === months.size && LAST_MONTHS[c].every((mo) => months.has(mo)),
      );
      if (exact) cycle = exact;
    }
    if (![...months].every((mo) => LAST_MONTHS[cycle].includes(mo))) return { ok: false, reason: R.cycleMonth(cycle) };
  }
  if (days.size > 1) return { ok: false, reason: R.cycleSeveralDays };
  const day = [...days][0];
  if (day === undefined) return { ok: true, cycle };
  if (day > MAX_CYCLE_DAY) return { ok: false, reason: R.cycleDayTooLate(day) };
  return { ok: true, cycle, day };
}

const ONGOING = /\b(?:thuong xuyen|lien tuc|hang ngay|moi ngay|thuong ky)\b/;
/** Anything that looks like a date, month, quarter or year (document references are masked already). */
const DATE_TOKENS =
  /\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{4})?\b|\b(?:thang|quy)\s*(?:\d{1,2}|[ivx]+)\b(?:[/.-]\d{4}|\s*,?\s*(?:nam\s*)?\d{4})?|\b\d{1,2}\s+thang\s+\d{1,2}(?:\s+nam\s+\d{4})?|\b\d{4}\b/g;

function countDateTokens(m: string): number {
  return [...m.matchAll(DATE_TOKENS)].length;
}

// ---------------------------------------------------------------------------
// Dates, months, quarters, years and ranges
// ---------------------------------------------------------------------------

type Spec =
  | { unit: 'day'; d: number; m: number; y?: number }
  | { unit: 'month'; m: number; y?: number }
  | { unit: 'quarter'; q: 1 | 2 | 3 | 4; y?: number }
  /** Months from..to of a year: "6 tháng đầu năm" is 1..6. */
  | { unit: 'part'; from: number; to: number; y?: number }
  | { unit: 'year'; y: number };

type SpecRead = { ok: true; spec: Spec } | { ok: false; reason: Reason };
type Resolved = { ok: true; start: IsoDate; due: IsoDate } | { ok: false; reason: Reason };
type When = { ok: true; due: IsoDate } | { ok: false; matched: boolean; reason: Reason };

/** A year after a month, quarter or "6 tháng đầu năm": "/2024", "-2024", " năm 2024", ", 2024". */
const YEAR_TAIL = String.raw`(?:\s*[/.-]\s*|\s*,\s*(?:nam\s*)?|\s+(?:nam\s*)?)(\d{4})`;
const RE_ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const RE_DMY = /^(?:ngay\s*)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?$/;
const RE_DMY_WORDS = new RegExp(String.raw`^(?:ngay\s*)?(\d{1,2})\s+thang\s+(\d{1,2})(?:${YEAR_TAIL})?$`);
const RE_MONTH_BARE = /^(\d{1,2})[/.-](\d{4})$/;
const RE_MONTH = new RegExp(String.raw`^(?:thang\s*|t)(\d{1,2})(?:${YEAR_TAIL})?$`);
const RE_QUARTER = new RegExp(String.raw`^quy\s*([ivxlcdm]+|\d{1,2})(?:${YEAR_TAIL})?$`);
const RE_PART = /^(\d{1,2}|ba|sau|chin|nua)\s+(?:thang\s+)?(dau|cuoi)\s*(?:nam(?:\s*,?\s*(\d{4}))?|,?\s*(\d{4}))$/;
const RE_YEAR = /^(?:nam\s*)?(\d{4})$/;
const QUARTERS: Record<string, 1 | 2 | 3 | 4> = { i: 1, ii: 2, iii: 3, iv: 4 };

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function isoOf(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

function yearOk(y: number): boolean {
  return y >= YEAR_MIN && y <= YEAR_MAX;
}

function optYear(s: string | undefined): number | undefined {
  return s === undefined ? undefined : Number(s);
}

function withYear(spec: Spec, y: number | undefined): SpecRead {
  if (y !== undefined && !yearOk(y)) return { ok: false, reason: R.badYear(y) };
  return { ok: true, spec: y === undefined ? spec : { ...spec, y } };
}

function daySpec(d: number, m: number, y: number | undefined): SpecRead {
  if (m < 1 || m > 12 || d < 1 || d > 31 || (y !== undefined && yearOk(y) && !isValidIsoDate(isoOf(y, m, d)))) {
    return { ok: false, reason: R.badDate(d, m, y) };
  }
  return withYear({ unit: 'day', d, m }, y);
}

function monthSpec(m: number, y: number | undefined): SpecRead {
  if (m < 1 || m > 12) return { ok: false, reason: R.badMonth(m) };
  return withYear({ unit: 'month', m }, y);
}

function quarterSpec(token: string, y: number | undefined): SpecRead {
  const q = /^\d+$/.test(token) ? ([1, 2, 3, 4] as const).find((n) => n === Number(token)) : QUARTERS[token];
  if (q === undefined) return { ok: false, reason: R.badQuarter(token) };
  return withYear({ unit: 'quarter', q }, y);
}

function partSpec(count: string, which: string, y: number | undefined): SpecRead {
  const n = NUMBER_WORDS[count] ?? Number(count);
  if (n < 1 || n > 12) return { ok: false, reason: R.badPart(n) };
  return withYear(which === 'dau' ? { unit: 'part', from: 1, to: n } : { unit: 'part', from: 13 - n, to: 12 }, y);
}

/** One date, month, quarter, part of a year or year, the whole of `e`; undefined if it is none. */
function parseSpec(e: string): SpecRead | undefined {
  let g: RegExpExecArray | null;
  if ((g = RE_ISO.exec(e))) return daySpec(Number(g[3]), Number(g[2]), Number(g[1]));
  if ((g = RE_DMY.exec(e)) || (g = RE_DMY_WORDS.exec(e))) return daySpec(Number(g[1]), Number(g[2]), optYear(g[3]));
  if ((g = RE_MONTH_BARE.exec(e))) return monthSpec(Number(g[1]), Number(g[2]));
  if ((g = RE_MONTH.exec(e))) return monthSpec(Number(g[1]), optYear(g[2]));
  if ((g = RE_QUARTER.exec(e))) return quarterSpec(g[1]!, optYear(g[2]));
  if ((g = RE_PART.exec(e))) return partSpec(g[1]!, g[2]!, optYear(g[3] ?? g[4]));
  if ((g = RE_YEAR.exec(e))) return withYear({ unit: 'year', y: Number(g[1]) }, Number(g[1]));
  return undefined;
}

/** First and last day of what a spec names, in its own year or else `fallback`. */
function resolve(spec: Spec, fallback: number | undefined): Resolved {
  const y = spec.y ?? fallback;
  if (y === undefined) return { ok: false, reason: R.noYear };
  switch (spec.unit) {
    case 'day': {
      const iso = isoOf(y, spec.m, spec.d);
      return isValidIsoDate(iso) ? { ok: true, start: iso, due: iso } : { ok: false, reason: R.badDate(spec.d, spec.m, y) };
    }
    case 'month':
      return { ok: true, start: isoOf(y, spec.m, 1), due: lastDayOfMonth(y, spec.m) };
    case 'quarter':
      return { ok: true, start: isoOf(y, spec.q * 3 - 2, 1), due: lastDayOfQuarter(y, spec.q) };
    case 'part':
      return { ok: true, start: isoOf(y, spec.from, 1), due: lastDayOfMonth(y, spec.to) };
    case 'year':
      return { ok: true, start: isoOf(y, 1, 1), due: lastDayOfMonth(y, 12) };
  }
}

const UNIT_WORD: Record<Spec['unit'], string> = { day: 'ngay ', month: 'thang ', quarter: 'quy ', part: '', year: 'nam ' };

/**
 * "A đến B", "A - B": due at the end of B. B may leave out its unit ("Quý II-III/2024") and
 * either side its year, taken from the other side, then from the plan.
 */
function parseRange(e: string, fallback: number | undefined): { unit: Spec['unit']; when: When } | undefined {
  const splits: [string, string][] = [];
  for (const g of e.matchAll(/\s+(?:den|toi|cho den)\s+(?:het\s+)?|\s*-\s*/g)) {
    splits.push([e.slice(0, g.index).trim(), e.slice(g.index + g[0].length).trim()]);
  }
  for (const [left, right] of splits) {
    const a = parseSpec(left);
    if (!a) continue;
    let b = parseSpec(right);
    if (!b && a.ok && /^[\divx]/.test(right)) b = parseSpec(UNIT_WORD[a.spec.unit] + right);
    if (!b) continue;
    if (!a.ok) return { unit: 'day', when: { ok: false, matched: true, reason: a.reason } };
    if (!b.ok) return { unit: 'day', when: { ok: false, matched: true, reason: b.reason } };
    const yb = b.spec.y ?? a.spec.y ?? fallback;
    const ra = resolve(a.spec, a.spec.y ?? yb);
    const rb = resolve(b.spec, yb);
    if (!ra.ok) return { unit: b.spec.unit, when: { ok: false, matched: true, reason: ra.reason } };
    if (!rb.ok) return { unit: b.spec.unit, when: { ok: false, matched: true, reason: rb.reason } };
    if (ra.start > rb.due) return { unit: b.spec.unit, when: { ok: false, matched: true, reason: R.backwards } };
    return { unit: b.spec.unit, when: { ok: true, due: rb.due } };
  }
  return undefined;
}

/** Lead words before a date; "trước", "từ", "đầu"/"giữa" are noted, the others change nothing. */
const PREFIX =
  /^(hoan thanh|thuc hien|trong thoi gian|trong giai doan|giai doan|trong|ca|vao|cham nhat(?: la)?|muon nhat(?: la)?|han chot|han|xong|la|du kien|khoang|truoc|bat dau tu|bat dau|ke tu|tu|den het|cho den|den|toi|cuoi|het|dau|giua)(?:\s*[,:]\s*|\s+)/;
/** Conditions that keep a parenthesis from being dropped. */
const CONDITION = /\b(?:khi|hoac|neu|tru|sau)\b/;

/** A date expression with its lead words: "trước ngày 15/3/2022", "trong Quý I năm 2025". */
function parseWhen(input: string, fallback: number | undefined): When {
  let e = input
    .replace(/\s*\(([^()]*)\)/g, (all, inner: string) => (/\d/.test(inner) || CONDITION.test(inner) ? all : ''))
    .replace(/[\s,;:(-]+$/, '')
    .trim();
  let before = false;
  let from = false;
  for (let g = PREFIX.exec(e); g; g = PREFIX.exec(e)) {
    const w = g[1]!;
    if (w === 'dau' || w === 'giua') return { ok: false, matched: true, reason: R.vague };
    if (w === 'truoc') before = true;
    if (w === 'tu' || w === 'ke tu' || w === 'bat dau' || w === 'bat dau tu') from = true;
    e = e.slice(g[0].length);
  }
  const fail = (reason: Reason): When => ({ ok: false, matched: true, reason });
  const single = parseSpec(e);
  if (single) {
    if (!single.ok) return fail(single.reason);
    if (before && single.spec.unit !== 'day') return fail(R.beforePeriod);
    if (from && single.spec.unit !== 'day') return fail(R.openStart);
    const r = resolve(single.spec, fallback);
    return r.ok ? { ok: true, due: r.due } : fail(r.reason);
  }
  const range = parseRange(e, fallback);
  if (range) {
    if (range.when.ok && before && range.unit !== 'day') return fail(R.beforePeriod);
    return range.when;
  }
  return { ok: false, matched: false, reason: R.notUnderstood };
}

/** parseWhen, also accepting a trailing reference: "Năm 2024, theo Kế hoạch số …". */
function parseWhenWithReference(m: string, fallback: number | undefined): When {
  const w = parseWhen(m, fallback);
  if (w.ok || w.matched) return w;
  const cut = /\btheo\b/.exec(m);
  if (cut && cut.index > 0) {
    const head = parseWhen(m.slice(0, cut.index), fallback);
    if (head.ok || head.matched) return head;
  }
  if (CONDITION.test(m)) return { ok: false, matched: false, reason: R.condition };
  // "Trong năm 2023, 2024", "Năm 2025 và 2026": work through those years, due at the end of the last.
  const years = /^(?:(?:trong|ca|thuc hien)\s+)?(?:cac\s+)?nam\s+(20\d\d(?:\s*(?:,|;|va|-)\s*(?:nam\s+)?20\d\d)+)$/.exec(m);
  if (years) {
    const all = [...years[1]!.matchAll(/20\d\d/g)].map((y) => Number(y[0]));
    if (all.every(yearOk)) return { ok: true, due: isoOf(Math.max(...all), 12, 31) };
  }
  if (countDateTokens(m) >= 2) return { ok: false, matched: false, reason: R.severalDates };
  if (/\bdinh ky\b/.test(m)) return { ok: false, matched: false, reason: R.noCycle };
  return w;
}

// ---------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------

/** Where the "when" of a segment starts, after its label ("cấp tỉnh | từ ngày 01/6/2022"). */
const SEGMENT_WHEN =
  /\b(?:tu|ke tu|truoc|trong|den|cham nhat|muon nhat|han|hoan thanh|thuc hien|ngay|thang|quy|nam|cuoi|het)\b|\d{1,2}\s*[/.-]\s*\d/;

type Segment = { label: string; when: When } | undefined;

function parseSegment(orig: string, fallback: number | undefined): Segment {
  const { f, at } = alignedFold(orig);
  const colon = f.indexOf(':');
  let labelEnd: number;
  let whenStart: number;
  if (colon >= 0) {
    labelEnd = colon;
    whenStart = colon + 1;
  } else {
    const g = SEGMENT_WHEN.exec(f);
    if (!g) return undefined;
    labelEnd = whenStart = g.index;
  }
  const label = orig.slice(0, at[labelEnd]).replace(/^[\s\-+*•·]+|[\s,:;\-–]+$/g, '');
  if (!/\p{L}/u.test(label)) return undefined;
  const when = parseWhen(prepare(orig.slice(at[whenStart])), fallback);
  return when.ok || when.matched ? { label, when } : undefined;
}

/** Two or more labelled, dated segments; undefined if the phrase is not shaped so. */
function parsePhased(raw: string, fallback: number | undefined): { label: string; due: IsoDate }[] | Reason | undefined {
  const s = cleanText(raw.replace(/\r\n?|\n/g, ' ; '));
  const { f, at } = alignedFold(s);
  for (const sep of [/;/g, /,|\bva\b/g]) {
    const pieces: string[] = [];
    let start = 0;
    for (const g of f.matchAll(sep)) {
      pieces.push(s.slice(at[start], at[g.index]));
      start = g.index + g[0].length;
    }
    pieces.push(s.slice(at[start]));
    const segments = pieces.map((p) => p.trim()).filter((p) => p.length > 0);
    if (segments.length < 2) continue;
    const read = segments.map((p) => parseSegment(p, fallback));
    if (read.some((r) => r === undefined)) continue;
    const phases: { label: string; due: IsoDate }[] = [];
    for (const r of read) {
      if (!r!.when.ok) return r!.when.reason;
      phases.push({ label: r!.label, due: r!.when.due });
    }
    return phases;
  }
  return undefined;
}

// ---------------------------------------------------------------------------

/**
 * Reads a deadline phrase from a plan ("Thời gian hoàn thành: …"). Never guesses: whatever it
 * cannot read for certain comes back as `unknown`, with a warning in Vietnamese and in English
 * that quotes the phrase. `ctx.year` (the plan's year) completes phrases without a year.
 */
export function parseDeadlinePhrase(text: string, ctx: DeadlinePhraseContext = {}): ParsedDeadline {
  const fallback = ctx.year;
  if (fallback !== undefined && !(Number.isInteger(fallback) && yearOk(fallback))) {
    throw new RangeError(`Plan year out of range: ${String(fallback)}`);
  }
  const clean = cleanText(text);
  if (!clean) return unknown(clean, R.empty);
  const m = prepare(clean);
  if (!m) return unknown(clean, R.notUnderstood);

  if (isEvent(m)) return { kind: 'event', text: clean };

  const cycle = parseRecurring(m);
  if (cycle) {
    if (!cycle.ok) return unknown(clean, cycle.reason);
    return cycle.day === undefined ? { kind: 'recurring', cycle: cycle.cycle, text: clean } : { kind: 'recurring', cycle: cycle.cycle, day: cycle.day, text: clean };
  }

  if (ONGOING.test(m)) return countDateTokens(m) > 0 ? unknown(clean, R.ongoingWithDate) : { kind: 'ongoing', text: clean };

  const phases = parsePhased(text, fallback);
  if (Array.isArray(phases)) return { kind: 'phased', phases, text: clean };
  if (phases) return unknown(clean, phases);

  const when = parseWhenWithReference(m, fallback);
  return when.ok ? { kind: 'date', due: when.due, text: clean } : unknown(clean, when.reason);
}
