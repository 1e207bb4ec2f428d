// The Node flags that `npm start` and `npm run worker` give the process (package.json): the bench
// and the start test run the worker the way those scripts do.
import { readFileSync } from 'node:fs';

/** The flags between `node` and `--import tsx` in a package.json script, as separate arguments. */
export function nodeFlagsOf(script: 'start' | 'worker'): string[] {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  const flags = /^node ((?:--\S+ )*?)--import tsx /.exec(scripts[script] ?? '')?.[1] ?? '';
  return flags.split(' ').filter(Boolean);
}
