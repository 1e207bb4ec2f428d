// OCR of scanned PDF pages: poppler's pdftoppm rasterises one page, Tesseract with its Vietnamese
// model returns word boxes (TSV), which the PDF reader lays out exactly like a text layer.
// Runtime requirement (only for scans): Debian's tesseract-ocr, tesseract-ocr-vie and poppler-utils
// on the server; scripts/install-ocr.sh installs them (the test run does it by itself).
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { INLINE_MARK } from '../domain/document.js';

/** A recognised word, in points from the page's top-left corner; y is its line's baseline (estimated). */
export interface OcrWord {
  str: string;
  x: number;
  y: number;
  w: number;
  size: number;
  /** Which recognised line (unique in the page). */
  line: number;
}

export interface OcrTools {
  tesseract: string;
  pdftoppm: string;
}

/** Why OCR cannot run here, in words for the operator's log; undefined when it can. */
export async function ocrUnavailable(tools: OcrTools): Promise<string | undefined> {
  let langs: string;
  try {
    // Tesseract 4/5 prints the list on stdout (older versions on stderr).
    const r = await run(tools.tesseract, ['--list-langs'], { timeoutMs: 20_000 });
    langs = r.stdout + r.stderr;
  } catch (err) {
    return `tesseract is not available (${(err as Error).message})`;
  }
  if (!langs.split(/\s+/).includes('vie')) return "tesseract has no Vietnamese model ('vie')";
  try {
    await run(tools.pdftoppm, ['-v'], { timeoutMs: 20_000 });
  } catch (err) {
    return `pdftoppm (poppler-utils) is not available (${(err as Error).message})`;
  }
  return undefined;
}

export class OcrTimeout extends Error {
  constructor(readonly what: string) {
    super(`${what} timed out`);
    this.name = 'OcrTimeout';
  }
}

export interface OcrPageJob {
  /** 1-based page number in the PDF. */
  page: number;
  /** Page size in points (to keep the raster of a huge page bounded). */
  width: number;
  height: number;
}

export interface OcrOptions {
  tools: OcrTools;
  dpi: number;
  concurrency: number;
  pageTimeoutMs: number;
  /** Date.now() after which no OCR may run. */
  deadline: number;
  /** A private temporary directory: the caller removes it. */
  dir: string;
  pdfPath: string;
}

/** A raster of at most this many pixels per page (an A4 page at 300 dpi is 8.7 M). */
const MAX_PIXELS = 40_000_000;

/**
 * OCR the pages, `concurrency` at a time (Tesseract limited to one thread each: on a small
 * machine that is much faster than one multi-threaded Tesseract). The first failure (a timeout,
 * the budget) kills the running processes and is thrown.
 */
export async function ocrPages(jobs: OcrPageJob[], opts: OcrOptions): Promise<Map<number, OcrWord[]>> {
  const out = new Map<number, OcrWord[]>();
  const abort = new AbortController();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !abort.signal.aborted) {
      const job = jobs[next++]!;
      out.set(job.page, await ocrPage(job, opts, abort.signal));
    }
  };
  // The first failure is the cause; the others are the processes it had killed.
  let first: { error: unknown } | undefined;
  const workers = Array.from({ length: Math.max(1, Math.min(opts.concurrency, jobs.length)) }, () =>
    worker().catch((error: unknown) => {
      first ??= { error };
      abort.abort();
    }),
  );
  await Promise.all(workers);
  if (first) throw first.error;
  return out;
}

async function ocrPage(job: OcrPageJob, opts: OcrOptions, signal: AbortSignal): Promise<OcrWord[]> {
  const inches = (job.width / 72) * (job.height / 72);
  const dpi = Math.max(72, Math.min(opts.dpi, Math.floor(Math.sqrt(MAX_PIXELS / Math.max(inches, 1e-6)))));
  const prefix = join(opts.dir, `page-${job.page}`);
  const started = Date.now();
  const left = () => Math.min(opts.pageTimeoutMs - (Date.now() - started), opts.deadline - Date.now());
  const budget = (what: string) => {
    const ms = left();
    if (ms <= 0) throw new OcrTimeout(what);
    return ms;
  };
  try {
    // PGM, not PNG: pdftoppm's PNG encoding of a 300 dpi page takes ~20 s, the raw map 0.5 s.
    await run(opts.tools.pdftoppm, ['-r', String(dpi), '-gray', '-f', String(job.page), '-l', String(job.page), '-singlefile', opts.pdfPath, prefix], {
      timeoutMs: budget(`rasterising page ${job.page}`),
      signal,
      label: `rasterising page ${job.page}`,
    });
    const { stdout } = await run(opts.tools.tesseract, [`${prefix}.pgm`, 'stdout', '-l', 'vie', '--psm', '3', 'tsv'], {
      timeoutMs: budget(`OCR of page ${job.page}`),
      signal,
      label: `OCR of page ${job.page}`,
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      maxBuffer: 32 * 1024 * 1024,
    });
    return parseTsv(stdout, 72 / dpi);
  } finally {
    await rm(`${prefix}.pgm`, { force: true });
  }
}

/**
 * Tesseract's TSV: one row per page, block, paragraph, line and word (pixels). The words of a
 * line share one baseline and size, so a line stays a line; `scale` turns pixels into points.
 */
export function parseTsv(tsv: string, scale: number): OcrWord[] {
  const lines = new Map<string, { bottom: number; height: number }>();
  const words: { key: string; str: string; left: number; top: number; width: number; height: number }[] = [];
  for (const row of tsv.split('\n')) {
    const f = row.split('\t');
    if (f.length < 12 || f[0] === 'level') continue;
    const [level, , block, par, line] = f;
    const left = Number(f[6]);
    const top = Number(f[7]);
    const width = Number(f[8]);
    const height = Number(f[9]);
    const conf = Number(f[10]);
    const key = `${block}.${par}.${line}`;
    if (level === '4') lines.set(key, { bottom: top + height, height });
    else if (level === '5') {
      const str = f.slice(11).join(' ').trim();
      // Near-zero confidence is stamps, signatures and specks read as letters (a handwritten
      // "Số: 996" still comes through, misread, at 10-20).
      if (str && conf >= 10) words.push({ key, str, left, top, width, height });
    }
  }
  const ids = new Map([...lines.keys()].map((k, i) => [k, i]));
  // TSV has boxes, not baselines. Many Vietnamese words reach below the baseline (g, p, y and the
  // dot below: ạ, ệ, ụ…): the baseline is near the higher word bottoms. The size (one em) from
  // how far the typical word rises above it (capitals and accents: about 3/4 em).
  const byLine = new Map<string, { top: number; bottom: number }[]>();
  for (const w of words) byLine.set(w.key, [...(byLine.get(w.key) ?? []), { top: w.top, bottom: w.top + w.height }]);
  const quantile = (xs: number[], q: number) => xs.slice().sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
  const geometry = new Map<string, { baseline: number; size: number }>();
  for (const [key, boxes] of byLine) {
    const line = lines.get(key);
    const baseline = quantile(
      boxes.map((b) => b.bottom),
      0.3,
    );
    const rise = baseline - quantile(
      boxes.map((b) => b.top),
      0.5,
    );
    const size = Math.min(rise / 0.75, line?.height ?? Infinity);
    geometry.set(key, { baseline, size: size > 0 ? size : (line?.height ?? 10) });
  }
  const inLine = new Map<string, typeof words>();
  for (const w of words) inLine.set(w.key, [...(inLine.get(w.key) ?? []), w]);
  return words.flatMap((w) => {
    const g = geometry.get(w.key);
    if (!g || !lines.has(w.key)) return [];
    const str = superscriptMark(w, inLine.get(w.key)!, quantile) ?? w.str;
    return [{ str, x: w.left * scale, y: g.baseline * scale, w: w.width * scale, size: Math.max(1, g.size * scale), line: ids.get(w.key)! }];
  });
}

/**
 * A small mark raised above the line ("⁽¹⁾ Chủ trì …; ⁽²⁾ …"): Tesseract reads such superscript
 * numbers as "#", "®", "3)"; kept as "(n)" when a digit survives, else as INLINE_MARK. Measured
 * against the words beside it, not the whole line: a scan is often skewed.
 */
function superscriptMark(
  w: { str: string; left: number; top: number; width: number; height: number },
  line: { str: string; left: number; top: number; width: number; height: number }[],
  quantile: (xs: number[], q: number) => number,
): string | undefined {
  // A mark read glued to the word after it ("#'Tuyên"): symbols no Vietnamese word starts with.
  const glued = /^[#®©§¤@%&]+['’)]*(?=\p{L}{2})/u.exec(w.str);
  if (glued) return `${INLINE_MARK} ${w.str.slice(glued[0].length)}`;
  // A quote or dash is raised by nature; one right after ";" or ":" is a mark all the same.
  const before = line.filter((o) => o.left < w.left).sort((a, b) => b.left - a.left)[0];
  const punctuation = /^[-–—.,:;'"`~_*]+$/u.test(w.str);
  const afterClause = /^['’`]$/u.test(w.str) && !!before && /[;:]$/u.test(before.str);
  if (w.str.length > 4 || /\p{Ll}{2}/u.test(w.str) || (punctuation && !afterClause)) return undefined;
  // Vietnamese has no apostrophe, and after ";" or ":" a quote cannot close one: a lone one there is a
  // mark whatever its box (Tesseract sometimes stretches it down to the baseline).
  if (afterClause) return INLINE_MARK;
  // Only words that sit on the baseline say where it is (no g, p, y, dot below, comma or bracket);
  // a straight line through their bottoms follows a skewed scan.
  const on = line.filter((o) => o !== w && o.str.length > 1 && !/[gpqyjỳỹỷýỵạặậẹệịọộợụự(),;]/iu.test(o.str));
  if (on.length < 3) return undefined;
  const mid = (o: { left: number; width: number }) => o.left + o.width / 2;
  const mx = on.reduce((a, o) => a + mid(o), 0) / on.length;
  const my = on.reduce((a, o) => a + o.top + o.height, 0) / on.length;
  const sxx = on.reduce((a, o) => a + (mid(o) - mx) ** 2, 0);
  const slope = sxx > 0 ? on.reduce((a, o) => a + (mid(o) - mx) * (o.top + o.height - my), 0) / sxx : 0;
  const bottom = my + slope * (mid(w) - mx);
  const height = quantile(
    on.map((o) => o.height),
    0.5,
  );
  const raised = bottom - (w.top + w.height) > 0.2 * height && w.height < 0.85 * height;
  if (!raised) return undefined;
  const digit = /\d{1,2}/.exec(w.str)?.[0];
  return digit ? `(${digit})` : INLINE_MARK;
}

interface RunResult {
  stdout: string;
  stderr: string;
}

/** A command with a hard timeout: the child is killed (SIGKILL) on timeout or abort. */
export function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv; maxBuffer?: number; label?: string },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new Error('aborted'));
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const max = opts.maxBuffer ?? 1024 * 1024;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let failure: Error | undefined;
    const kill = (why: Error) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(new OcrTimeout(opts.label ?? cmd)), Math.max(1, opts.timeoutMs));
    const onAbort = () => kill(new Error('aborted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) kill(new Error(`${cmd}: output over ${max} bytes`));
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (e) => {
      // Not started (ENOENT…): there may be no 'close' to wait for.
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(failure ?? e);
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (failure) return reject(failure);
      if (code !== 0) return reject(new Error(`${cmd} exited with ${code ?? sig}: ${stderr.trim().slice(0, 300)}`));
      resolve({ stdout, stderr });
    });
  });
}
