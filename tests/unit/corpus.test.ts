// The importer on the corpus of real published plans (tests/fixtures/corpus), scored against
// hand-checked expectations. Each document must do at least as well as its floor in
// tests/fixtures/corpus/floors.json: the floors only ever go up (raise them when the importer
// improves; `npm run bench -- import` prints the figures). The two samples from ../shared stay at 100 %.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importCorpusDocument, loadCorpus, ratio } from '../helpers/corpus.js';

type Floor = { tasks: number; leads: number; deadlines: number };
const FLOORS = JSON.parse(readFileSync('tests/fixtures/corpus/floors.json', 'utf8')) as Record<string, Floor>;
const corpus = loadCorpus();

describe('the corpus of real plans', () => {
  it('has a floor for every document and a document for every floor', () => {
    expect(Object.keys(FLOORS).sort()).toEqual(corpus.map((d) => d.name).sort());
  });

  it.each(corpus.map((d) => [d.name, d] as const))('%s', async (_name, doc) => {
    const s = await importCorpusDocument(doc);
    const got = { tasks: ratio(s.matched, s.expected), leads: ratio(s.leadRight, s.expected), deadlines: ratio(s.deadlineRight, s.expected) };
    const floor = FLOORS[doc.name]!;
    expect(got.tasks, `tasks found (missing: ${s.missing.slice(0, 3).join(' | ')})${s.error ? `; ${s.error}` : ''}`).toBeGreaterThanOrEqual(floor.tasks);
    expect(got.leads, 'lead units right').toBeGreaterThanOrEqual(floor.leads);
    expect(got.deadlines, 'deadlines right').toBeGreaterThanOrEqual(floor.deadlines);
  }, 600_000);
});
