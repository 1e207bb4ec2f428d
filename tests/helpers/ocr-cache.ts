// (No vitest imports here: the global setup uses it.)
// The corpus test and the PDF reader's test OCR the same pages of the same scans (7 of the
// corpus's 17 scanned pages). A `tesseract` placed first on the tests' PATH answers a page image
// it has already read in this run from a cache that lives as long as the run, in any fork: each
// page is still OCRed by Tesseract once per run, through the same code. While one fork reads a
// page, the other waits for it instead of reading it too (a lock per page). Anything that is not
// "IMAGE stdout …" (--list-langs, --version) goes to Tesseract unchanged. Tesseract runs at a
// low CPU priority (nice 10: a tenth of a busy core): the time-warped workflow tests come first.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Writes `dir`/bin/tesseract and its cache `dir`/pages; returns the bin folder to put first on
 * PATH, or undefined (no cache, tests OCR every page) when Tesseract or the tools the script
 * needs (flock, setpriv, nice, sha256sum: util-linux and coreutils) are missing.
 */
export async function ocrCache(dir: string): Promise<string | undefined> {
  const which = (cmd: string) => run('sh', ['-c', `command -v ${cmd}`]).then(
    (r) => r.stdout.trim() || undefined,
    () => undefined,
  );
  const [tesseract, ...tools] = await Promise.all(['tesseract', 'flock', 'setpriv', 'nice', 'sha256sum'].map(which));
  if (!tesseract || tools.some((t) => !t)) return undefined;
  const bin = join(dir, 'bin');
  const pages = join(dir, 'pages');
  mkdirSync(bin, { recursive: true });
  mkdirSync(pages, { recursive: true });
  const script = join(bin, 'tesseract');
  // Temporary files go to the cache folder, never to $TMPDIR (a test checks that OCR leaves none
  // there). When the script is killed (the OCR time budget), Tesseract dies with it (pdeathsig).
  writeFileSync(
    script,
    `#!/bin/sh
# Written by tests/helpers/ocr-cache.ts for one test run.
REAL=${quote(tesseract)}
CACHE=${quote(pages)}
if [ "$#" -lt 2 ] || [ "$2" != stdout ] || [ ! -f "$1" ]; then exec "$REAL" "$@"; fi
image=$1
shift 2
key=$( { printf '%s\\n' "$*"; cat "$image"; } | sha256sum | cut -c1-64 )
exec 9>"$CACHE/$key.lock"
flock 9
if [ ! -f "$CACHE/$key.tsv" ]; then
  setpriv --pdeathsig KILL nice -n 10 "$REAL" "$image" stdout "$@" >"$CACHE/$key.$$" 9>&- || { status=$?; rm -f "$CACHE/$key.$$"; exit "$status"; }
  mv "$CACHE/$key.$$" "$CACHE/$key.tsv"
fi
exec cat "$CACHE/$key.tsv"
`,
  );
  chmodSync(script, 0o755);
  return bin;
}
