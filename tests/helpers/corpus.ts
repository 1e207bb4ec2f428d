// (No vitest imports here: the import bench uses it too.)
// The corpus of real plans (tests/fixtures/corpus) and how the importer's reading of each is
// scored against the hand-checked expectations: tasks found, and for each found task whether its
// lead units, supporting units and deadline phrase are the document's.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { readPlanStructure } from '../../client/documents.js';
import { loadOrg } from '../../client/files.js';
import { orgSchema, type Org } from '../../domain/org.js';
import { importPlanDocument, type ImportedPlan, type ImportedTask } from '../../domain/plan-import.js';
import { fold, levenshtein } from '../../domain/text.js';

export const CORPUS_DIR = 'tests/fixtures/corpus';

export interface ExpectedTask {
  title: string;
  lead: string[];
  support: string[];
  deadline: string;
}

export interface CorpusDocument {
  name: string;
  file: string;
  issuer?: string;
  number?: string;
  date?: string;
  /** Units are codes of this org chart; otherwise names as the document writes them. */
  org?: string;
  form?: string;
  format?: string;
  tasks: ExpectedTask[];
}

/** Every document with its expectations: the corpus's own, then the two samples from ../shared. */
export function loadCorpus(): CorpusDocument[] {
  const docs: CorpusDocument[] = [];
  const expectedDir = join(CORPUS_DIR, 'expected');
  for (const f of readdirSync(expectedDir).filter((x) => x.endsWith('.yaml')).sort()) {
    const y = parse(readFileSync(join(expectedDir, f), 'utf8')) as Omit<CorpusDocument, 'name' | 'file'>;
    const base = basename(f, '.yaml');
    const file = readdirSync(join(CORPUS_DIR, 'docs')).find((d) => basename(d, extname(d)) === base);
    if (!file) throw new Error(`corpus: no document for ${f}`);
    docs.push({ ...y, name: base, file: join(CORPUS_DIR, 'docs', file), tasks: y.tasks ?? [] });
  }
  const sharedDir = join(CORPUS_DIR, 'shared');
  for (const f of readdirSync(sharedDir).filter((x) => x.endsWith('.yaml')).sort()) {
    const y = parse(readFileSync(join(sharedDir, f), 'utf8')) as Omit<CorpusDocument, 'name' | 'file'> & { document: string };
    docs.push({ ...y, name: basename(f, '.yaml'), file: resolve(dirname(join(sharedDir, f)), y.document), tasks: y.tasks ?? [] });
  }
  return docs;
}

/** An org chart none of the corpus documents names: every unit stays a name, as written. */
export const NEUTRAL_ORG: Org = orgSchema.parse({
  agency: { name: 'Cơ quan thử' },
  people: [{ id: 'a', name: 'Người thử', title: 'Giám đốc' }],
  units: [{ code: 'ZZ', name: 'Đơn vị không có trong văn bản nào', kind: 'Phòng', head: 'a' }],
  leadership: { director: 'a' },
});

const norm = (s: string) =>
  fold(s)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

function sameName(a: string, b: string): boolean {
  const x = norm(a);
  const y = norm(b);
  if (!x || !y) return false;
  return x === y || (y.length >= 6 && x.includes(y)) || (x.length >= 6 && y.includes(x));
}

/** The same set of units, each expected one found and nothing found beyond them. */
function sameUnits(expected: string[], found: string[]): boolean {
  if (expected.length === 0) return found.length === 0;
  return expected.every((e) => found.some((f) => sameName(e, f))) && found.every((f) => expected.some((e) => sameName(e, f)));
}

function sameDeadline(expected: string, found: string): boolean {
  const x = norm(expected);
  const y = norm(found);
  if (!x || !y) return x === y;
  return x === y || x.includes(y) || y.includes(x);
}

/** Does a found task start with the expected title (its first words, folded), or nearly (after a label or a lead-in)? */
function sameTask(e: ExpectedTask, t: ImportedTask, strict: boolean, words: number): boolean {
  const want = norm(e.title).split(' ').slice(0, words).join(' ');
  const text = norm(`${t.content || t.title}`);
  if (text.startsWith(want)) return true;
  // A scan's misread letters ("V01" read "VI"): a long start within two edits still names the task.
  if (want.length >= 20 && levenshtein(text.slice(0, want.length), want) <= 2) return true;
  if (strict) return false;
  // After a short lead-in, or after "<unit>:" ("Bộ Chỉ huy quân sự tỉnh …: Phối hợp với …").
  const raw = fold(t.content || t.title);
  const colon = raw.indexOf(':');
  const at = text.indexOf(want);
  return at >= 0 && (at <= 30 || (colon >= 0 && colon <= 200 && norm(raw.slice(colon + 1)).startsWith(want)));
}

export interface DocumentScore {
  name: string;
  expected: number;
  found: number;
  matched: number;
  leadRight: number;
  supportRight: number;
  deadlineRight: number;
  seconds: number;
  error?: string;
  /** Expected titles no found task matched (for reading, not for counting). */
  missing: string[];
  /** What was read wrong in matched tasks (for reading). */
  wrong: string[];
  /** Of the header's issuer, number and date the expectations give, how many were read right. */
  header: { right: number; of: number };
}

export function scoreImport(doc: CorpusDocument, imported: ImportedPlan | undefined, seconds: number, error?: string): DocumentScore {
  const found = imported?.tasks ?? [];
  const used = new Set<number>();
  let next = 0;
  let leadRight = 0;
  let supportRight = 0;
  let deadlineRight = 0;
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const e of doc.tasks) {
    // In order where possible; a title that starts a task beats one found inside another.
    let j = -1;
    // The whole expected start first (several titles may share their first words), then its first six words.
    for (const [strict, words] of [[true, Infinity], [true, 6], [false, Infinity], [false, 6]] as const) {
      if (j < 0) j = found.findIndex((t, k) => k >= next && !used.has(k) && sameTask(e, t, strict, words));
      if (j < 0) j = found.findIndex((t, k) => !used.has(k) && sameTask(e, t, strict, words));
    }
    if (j < 0) {
      missing.push(e.title);
      continue;
    }
    used.add(j);
    next = j + 1;
    const t = found[j]!;
    const problems: string[] = [];
    if (sameUnits(e.lead, t.lead)) leadRight++;
    else problems.push(`lead ${JSON.stringify(e.lead)} ≠ ${JSON.stringify(t.lead)}`);
    if (sameUnits(e.support, t.support)) supportRight++;
    else problems.push(`support ${JSON.stringify(e.support)} ≠ ${JSON.stringify(t.support)}`);
    if (sameDeadline(e.deadline, t.deadline.text)) deadlineRight++;
    else problems.push(`deadline "${e.deadline}" ≠ "${t.deadline.text}"`);
    if (problems.length) wrong.push(`${t.ref} «${e.title.slice(0, 40)}»: ${problems.join('; ')}`);
  }
  const header = { right: 0, of: 0 };
  const d = imported?.plan.document;
  const check = (want: string | null | undefined, got: string | undefined, same: (a: string, b: string) => boolean) => {
    if (want === undefined || want === null) return;
    header.of++;
    if (same(want, got ?? '')) header.right++;
    else wrong.push(`header: "${want}" ≠ "${got ?? ''}"`);
  };
  check(doc.issuer, d?.issuer, (a, b) => sameName(a, b) || sameName(a.replace(/^UBND\b/u, 'Ủy ban nhân dân'), b));
  // A blank "Số: /KH-UBND" is no number.
  check(doc.number, d?.number, (a, b) => norm(a) === norm(/^\s*\//.test(b) ? '' : b));
  check(doc.date, d?.date, (a, b) => a === b);
  return {
    header,
    name: doc.name,
    expected: doc.tasks.length,
    found: found.length,
    matched: used.size,
    leadRight,
    supportRight,
    deadlineRight,
    seconds,
    ...(error ? { error } : {}),
    missing,
    wrong,
  };
}

/** Reads a corpus document and imports it (with its own org chart, or one that names none of its units). */
export async function importCorpusDocument(doc: CorpusDocument): Promise<DocumentScore> {
  const started = performance.now();
  try {
    const document = await readPlanStructure(doc.file);
    const org = doc.org ? loadOrg(doc.org) : NEUTRAL_ORG;
    const imported = importPlanDocument(document, org);
    // "lead: all" / "support: all" in an expectation: every unit of the org chart ("các Phòng, Ban, Trung tâm").
    const all = org.units.map((u) => u.code);
    const every = (x: string[] | 'all' | undefined) => (x === 'all' ? all : (x ?? []));
    const tasks = doc.tasks.map((t) => ({ ...t, lead: every(t.lead as string[] | 'all'), support: every(t.support as string[] | 'all' | undefined) }));
    return scoreImport({ ...doc, tasks }, imported, (performance.now() - started) / 1000);
  } catch (err) {
    return scoreImport(doc, undefined, (performance.now() - started) / 1000, (err as Error).message.slice(0, 200));
  }
}

export const ratio = (n: number, d: number): number => (d === 0 ? 1 : Math.round((n / d) * 1000) / 1000);
