// From a plan document's text to a plan the engine can run: raw tasks (plan-text), their
// units (unit-phrase) and deadlines (deadline-phrase), and the reporting regime. Everything
// not understood becomes a warning; nothing is guessed.
import { parseDeadlinePhrase, type ParsedDeadline } from './deadline-phrase.js';
import type { Org } from './org.js';
import type { Cycle, PlanInput } from './plan.js';
import type { PlanDocument, SourceRef } from './document.js';
import { extractPlan, extractPlanDocument, type FieldOrigin, type RawPlan, type RawTask } from './plan-text.js';
import { fold, tidy } from './text.js';
import { resolveUnits } from './unit-phrase.js';

export interface ImportWarning {
  ref?: string;
  vi: string;
  en: string;
}

export interface ImportedTask {
  ref: string;
  title: string;
  content: string;
  /** Unit codes of the org, or names of agencies outside it. */
  lead: string[];
  support: string[];
  deadline: ParsedDeadline;
  /** The unit phrase as the document (or an admin's edit) writes it. */
  unitsText?: string;
  warnings: ImportWarning[];
  /** Where the task was read (page and line, or table and row). */
  source?: SourceRef;
  /** Values the importer read into the text rather than found stated: an admin should check them. */
  uncertain: { field: 'lead' | 'deadline' | 'task'; vi: string; en: string }[];
}

/** An admin's corrections of a task's unit phrase or deadline phrase, by ref. */
export type ImportEdits = Record<string, { units?: string; deadline?: string }>;

export interface ImportedPlan {
  plan: {
    id: string;
    title: string;
    document: { number: string; date?: string; issuer: string };
    reporting?: { owner: string; recipient?: string; cycles: { cycle: Cycle; text: string }[] };
  };
  tasks: ImportedTask[];
  warnings: ImportWarning[];
}

const TITLE_WORDS = 12;

/** A short title: the task's first clause, at most twelve words. */
export function titleOf(content: string): string {
  const clause = tidy(content).split(/[;:.](\s|$)/u)[0] ?? content;
  const words = clause.split(' ');
  return words.length <= TITLE_WORDS ? clause : `${words.slice(0, TITLE_WORDS).join(' ')}…`;
}

/** "snv-2024-kh-snv" style id from the issuer, the year and the document number. */
export function planIdOf(issuer: string, number: string, year?: number): string {
  const slug = (s: string) =>
    fold(s)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const parts = [slug(issuer).split('-').map((w) => w[0]).join(''), year ? String(year) : '', slug(number)].filter(Boolean);
  return parts.join('-').slice(0, 60) || 'ke-hoach';
}

const REPORT_CYCLES: [Cycle, RegExp][] = [
  ['monthly', /(hang|hàng) thang/],
  ['quarterly', /(hang|hàng) quy/],
  ['half-yearly', /6 thang|sau thang/],
  ['yearly', /(01|1|mot) nam|hang nam/],
];

/** The reporting regime sentence ("Định kỳ hằng tháng (trước ngày 15), hằng quý …") as report cycles. */
export function reportingOf(text: string, org: Org): ImportedPlan['plan']['reporting'] | undefined {
  const folded = fold(text);
  const cycles = REPORT_CYCLES.filter(([, re]) => re.test(folded)).map(([cycle]) => ({ cycle, text: tidy(text) }));
  if (cycles.length === 0) return undefined;
  const units = resolveUnits(text, org);
  const owner = units.lead === 'all' ? undefined : units.lead[0];
  if (!owner) return undefined;
  const recipient = /báo cáo[^.]*?\svề\s+(.+?)\.?$/iu.exec(tidy(text))?.[1];
  return { owner, ...(recipient ? { recipient } : {}), cycles };
}

const ORIGIN_DOUBT: Record<FieldOrigin, { vi: string; en: string } | undefined> = {
  label: undefined,
  column: undefined,
  heading: { vi: 'suy ra từ tiêu đề nhóm', en: 'taken from the heading above' },
  inline: { vi: 'suy ra từ câu văn', en: 'read from the sentence' },
};

/** What an admin should check: values read into the text, and everything OCR read. */
function doubtsOf(raw: RawTask, ocr: boolean, edits: { units?: string; deadline?: string } | undefined): ImportedTask['uncertain'] {
  const out: ImportedTask['uncertain'] = [];
  if (ocr) out.push({ field: 'task', vi: 'đọc từ bản scan (OCR), cần đối chiếu văn bản', en: 'read by OCR from a scan' });
  const lead = raw.how?.units && !edits?.units ? ORIGIN_DOUBT[raw.how.units] : undefined;
  if (lead) out.push({ field: 'lead', vi: `đơn vị chủ trì ${lead.vi}`, en: `lead units ${lead.en}` });
  const deadline = raw.how?.deadline && !edits?.deadline ? ORIGIN_DOUBT[raw.how.deadline] : undefined;
  if (deadline) out.push({ field: 'deadline', vi: `thời hạn ${deadline.vi}`, en: `deadline ${deadline.en}` });
  return out;
}

function importTask(raw: RawTask, org: Org, year: number | undefined, uncertain: ImportedTask['uncertain'] = []): ImportedTask {
  const warnings: ImportWarning[] = [];
  const warn = (vi: string, en: string) => warnings.push({ ref: raw.ref, vi, en });
  let lead: string[] = [];
  let support: string[] = [];
  if (raw.unitsText) {
    const u = resolveUnits(raw.unitsText, org);
    lead = u.lead === 'all' ? org.units.map((x) => x.code) : [...u.lead, ...u.external];
    support = u.support;
    u.warnings.forEach((w) => warn(w.vi, w.en));
  } else {
    warn('văn bản không ghi đơn vị thực hiện', 'the document names no responsible unit');
  }
  if (raw.supportText) {
    const s = resolveUnits(raw.supportText, org);
    const all = s.lead === 'all' ? org.units.map((x) => x.code).filter((c) => !lead.includes(c)) : [...s.lead, ...s.external];
    support = [...new Set([...support, ...all, ...s.support])];
    s.warnings.forEach((w) => warn(w.vi, w.en));
  }
  const deadline: ParsedDeadline = raw.deadlineText
    ? parseDeadlinePhrase(raw.deadlineText, year ? { year } : {})
    : { kind: 'unknown', text: '', warning: { vi: 'văn bản không ghi thời hạn', en: 'the document gives no deadline' } };
  if (deadline.kind === 'unknown') warn(deadline.warning.vi, deadline.warning.en);
  support = support.filter((s) => !lead.includes(s));
  return {
    ref: raw.ref,
    title: titleOf(raw.content || raw.group || raw.ref),
    content: tidy(raw.content),
    lead,
    support,
    deadline,
    ...(raw.unitsText ? { unitsText: raw.unitsText } : {}),
    warnings,
    ...(raw.source ? { source: raw.source } : {}),
    uncertain,
  };
}

export function importPlanText(text: string, org: Org, edits: ImportEdits = {}): ImportedPlan {
  return importRawPlan(extractPlan(text), org, edits);
}

/** A document read with its structure (tables with merged cells, Word numbering) rather than as text. */
export function importPlanDocument(doc: PlanDocument, org: Org, edits: ImportEdits = {}): ImportedPlan {
  return importRawPlan(extractPlanDocument(doc), org, edits, !!doc.ocr);
}

function importRawPlan(raw: RawPlan, org: Org, edits: ImportEdits, ocr = false): ImportedPlan {
  // Edited phrases are read exactly as the document's own would be.
  raw.tasks = raw.tasks.map((t) => {
    const e = edits[t.ref];
    if (!e) return t;
    return { ...t, ...(e.units !== undefined ? { unitsText: e.units } : {}), ...(e.deadline !== undefined ? { deadlineText: e.deadline } : {}) };
  });
  const warnings: ImportWarning[] = [];
  if (raw.tasks.length === 0) {
    warnings.push({ vi: 'không tìm thấy nhiệm vụ nào: văn bản không giống một kế hoạch', en: 'no tasks found: the text does not look like a plan' });
  }
  // The plan's own year: the last "năm 20xx" of its title ("… đến năm 2030 tại Sở Nội vụ năm 2024"), else its date.
  const titleYears = [...(raw.header.title ?? '').matchAll(/năm (20\d\d)\b/gu)].map((m) => m[1]);
  const yearText = titleYears[titleYears.length - 1] ?? raw.header.date?.slice(0, 4);
  const year = yearText ? Number(yearText) : undefined;
  const issuer = raw.header.agency ?? org.agency.name;
  const number = raw.header.number ?? 'chưa rõ số';
  const tasks = raw.tasks.map((t) => importTask(t, org, year, doubtsOf(t, ocr, edits[t.ref])));
  const reporting = raw.reportingText ? reportingOf(raw.reportingText, org) : undefined;
  return {
    plan: {
      id: planIdOf(issuer, number, year),
      title: raw.header.title ?? 'Kế hoạch (chưa rõ tên)',
      document: { number, ...(raw.header.date ? { date: raw.header.date } : {}), issuer },
      ...(reporting ? { reporting } : {}),
    },
    tasks,
    warnings: [...warnings, ...tasks.flatMap((t) => t.warnings)],
  };
}

/** The imported plan as a plan file the engine accepts; tasks it cannot run yet are left out with a warning. */
export function toPlanInput(imported: ImportedPlan, org: Org): { plan: PlanInput; skipped: ImportWarning[] } {
  const codes = new Set(org.units.map((u) => u.code));
  const skipped: ImportWarning[] = [];
  const tasks: PlanInput['tasks'] = [];
  for (const t of imported.tasks) {
    const internal = t.lead.filter((l) => codes.has(l));
    if (internal.length === 0 || t.deadline.kind === 'unknown') {
      skipped.push({ ref: t.ref, vi: 'chưa đủ đơn vị chủ trì trong sơ đồ tổ chức hoặc thời hạn để theo dõi', en: 'no internal lead unit or no understood deadline' });
      continue;
    }
    const all = internal.length === codes.size;
    // Every understood kind already has the plan file's deadline shape.
    const deadline = t.deadline;
    tasks.push({
      ref: t.ref,
      title: t.title,
      content: t.content,
      lead: all ? 'all' : internal,
      support: [...t.support, ...t.lead.filter((l) => !codes.has(l))],
      deadline,
    });
  }
  return { plan: { ...imported.plan, tasks }, skipped };
}
