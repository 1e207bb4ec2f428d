// `npm run bench -- import [--only NAME]`: the importer on every document of the corpus of real
// plans (tests/fixtures/corpus) and the two samples from ../shared, scored against their
// hand-checked expectations: tasks found, and lead units, supporting units and deadlines right.
import { mkdirSync, writeFileSync } from 'node:fs';
import { importCorpusDocument, loadCorpus, ratio, type DocumentScore } from '../tests/helpers/corpus.js';

export interface ImportBenchResult {
  documents: (DocumentScore & { tasksFound: number; leads: number; supports: number; deadlines: number })[];
  totals: { expected: number; matched: number; tasksFound: number; leads: number; supports: number; deadlines: number; header: number; seconds: number };
}

export async function importBench(o: { only?: string; details?: boolean }): Promise<ImportBenchResult> {
  const docs = loadCorpus().filter((d) => !o.only || d.name.includes(o.only));
  const documents: ImportBenchResult['documents'] = [];
  for (const d of docs) {
    const s = await importCorpusDocument(d);
    documents.push({
      ...s,
      tasksFound: ratio(s.matched, s.expected),
      leads: ratio(s.leadRight, s.expected),
      supports: ratio(s.supportRight, s.expected),
      deadlines: ratio(s.deadlineRight, s.expected),
      missing: o.details ? s.missing : s.missing.slice(0, 5),
      wrong: o.details ? s.wrong : s.wrong.slice(0, 5),
    });
  }
  const sum = (f: (d: DocumentScore) => number) => documents.reduce((a, d) => a + f(d), 0);
  const expected = sum((d) => d.expected);
  const result: ImportBenchResult = {
    documents,
    totals: {
      expected,
      matched: sum((d) => d.matched),
      tasksFound: ratio(sum((d) => d.matched), expected),
      leads: ratio(sum((d) => d.leadRight), expected),
      supports: ratio(sum((d) => d.supportRight), expected),
      deadlines: ratio(sum((d) => d.deadlineRight), expected),
      header: ratio(sum((d) => d.header.right), sum((d) => d.header.of)),
      seconds: Math.round(sum((d) => d.seconds) * 100) / 100,
    },
  };
  mkdirSync('bench/results', { recursive: true });
  if (!o.only) writeFileSync('bench/results/import.json', `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
