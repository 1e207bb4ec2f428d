// The order test files start in: the longest first, so the forks finish together instead of
// one running a long file alone at the end. Vitest orders by the durations of the last run when
// its results cache has them; a fresh checkout (CI) has none, and Vitest would then start the
// largest files first, which puts the OCR of the corpus (a short file, about two minutes) last.
// Without durations, the files below go first, longest first; the rest follow in Vitest's order.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Rough seconds on a 2-core machine, three forks; only the order matters. */
const EXPECTED_SECONDS: Record<string, number> = {
  'tests/unit/corpus.test.ts': 120,
  'tests/workflow/start.test.ts': 70,
  'tests/unit/webhook-fuzz.test.ts': 45,
  'tests/workflow/restart.test.ts': 35,
  'tests/workflow/lifecycle.test.ts': 32,
  'tests/workflow/dashboard.test.ts': 28,
  'tests/workflow/read-model.test.ts': 25,
  'tests/workflow/plan.test.ts': 25,
  'tests/unit/pdf-reader.test.ts': 22,
  'tests/browser/dashboard.test.ts': 22,
  'tests/workflow/reach.test.ts': 20,
  'tests/workflow/cli.test.ts': 18,
  'tests/unit/store-contract.test.ts': 15,
  'tests/workflow/bot.test.ts': 12,
  'tests/workflow/ladder.test.ts': 11,
  'tests/workflow/notifier.test.ts': 7,
  'tests/replay/replay.test.ts': 6,
  'tests/workflow/report.test.ts': 6,
};

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const known = (f: TestSpecification) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`);
    if (sorted.every(known)) return sorted;
    const expected = (f: TestSpecification) => EXPECTED_SECONDS[relative(root, f.moduleId)] ?? 0;
    // Stable: files without an estimate keep Vitest's order.
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => expected(b.f) - expected(a.f) || a.i - b.i).map(({ f }) => f);
  }
}

function relative(root: string, file: string): string {
  const r = file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
  return r.replaceAll('\\', '/');
}
