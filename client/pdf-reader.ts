// A PDF plan as structure: pdfjs text items with their positions (or Tesseract's word boxes for
// a scanned page) become lines, paragraphs and tables. Running headers and footers (gazette
// headers, a repeated document header, page numbers) are removed by position and repetition;
// tables are found from column alignment (and from drawn borders when there are any), and a table
// continued on the next page stays one table. Limits on pages and OCR time keep a hostile or
// huge file from taking the server's time.
// Scanned pages need Tesseract + its Vietnamese model + pdftoppm on the server (see client/ocr.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { INLINE_MARK, type Block, type Paragraph, type PlanDocument, type Table, type TableCell } from '../domain/document.js';
import { levenshtein } from '../domain/text.js';
import { DocumentError } from './document-error.js';
import { ocrPages, OcrTimeout, ocrUnavailable, type OcrWord } from './ocr.js';

export interface PdfLimits {
  /** Pages a plan may have: a longer PDF is refused before its pages are read. */
  maxPages: number;
  /** Scanned pages (no text layer) that may be OCRed in one document. */
  maxOcrPages: number;
  /** Wall-clock budget for all OCR of one document, ms. */
  ocrBudgetMs: number;
  /** Rasterising plus OCR of one page, ms. */
  ocrPageTimeoutMs: number;
  ocrDpi: number;
  /** OCR processes at once (each single-threaded). */
  ocrConcurrency: number;
  /** The commands (a non-standard install; tests hide them). */
  tesseractPath: string;
  pdftoppmPath: string;
}

export const PDF_LIMITS: PdfLimits = {
  maxPages: 500,
  maxOcrPages: 40,
  ocrBudgetMs: 10 * 60_000,
  ocrPageTimeoutMs: 120_000,
  ocrDpi: 300,
  // OCR_CONCURRENCY leaves cores to the worker on a shared machine (the test run sets 1).
  ocrConcurrency: Math.max(1, Number(process.env.OCR_CONCURRENCY) || Math.min(4, availableParallelism())),
  tesseractPath: 'tesseract',
  pdftoppmPath: 'pdftoppm',
};

/** A run of text, in points from the page's top-left corner; y is the baseline. */
export interface TextItem {
  str: string;
  x: number;
  y: number;
  w: number;
  size: number;
  bold?: boolean;
  /** OCR: the recognised line the word belongs to (kept together). */
  line?: number;
}

/** A drawn horizontal or vertical line (x0 ≤ x1, y0 ≤ y1): table borders. */
export interface Rule {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PageLayout {
  /** 1-based. */
  page: number;
  width: number;
  height: number;
  items: TextItem[];
  rules: Rule[];
}

// ---------------------------------------------------------------------------------------------
// Reading the file

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDoc = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

export async function readPdf(bytes: Buffer, file: string, limits: Partial<PdfLimits> = {}): Promise<PlanDocument> {
  const lim: PdfLimits = { ...PDF_LIMITS, ...limits };
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const damaged = (err: unknown) =>
    new DocumentError(`Tệp ${file} bị hỏng hoặc không phải .pdf.`, `cannot read ${file} as .pdf: ${(err as Error).message}`);
  let doc: PdfDoc;
  try {
    doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  } catch (err) {
    if ((err as Error).name === 'PasswordException')
      throw new DocumentError(`Tệp ${file} được đặt mật khẩu: hãy gửi bản không có mật khẩu.`, `${file} is password-protected`);
    throw damaged(err);
  }
  try {
    // The page count comes from the page tree: known before any page is read.
    if (doc.numPages > lim.maxPages)
      throw new DocumentError(
        `Tệp ${file} có ${doc.numPages.toLocaleString('vi-VN')} trang, quá giới hạn ${lim.maxPages.toLocaleString('vi-VN')} trang của một kế hoạch.`,
        `${file} has ${doc.numPages} pages (limit ${lim.maxPages})`,
      );
    const pages: PageLayout[] = [];
    const scans: PageLayout[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      let read: { layout: PageLayout; scan: boolean };
      try {
        read = await readPage(pdfjs, doc, n);
      } catch (err) {
        throw damaged(err);
      }
      pages.push(read.layout);
      if (!read.scan) continue;
      scans.push(read.layout);
      // Refused as soon as it is known (a scan's page images take ~0.5 s each to go through).
      if (scans.length === 1) await requireOcr(file, lim);
      if (scans.length > lim.maxOcrPages)
        throw new DocumentError(
          `Tệp ${file} có hơn ${lim.maxOcrPages} trang là ảnh quét cần nhận dạng chữ (OCR), quá giới hạn của máy chủ. Hãy gửi bản .docx hoặc .pdf có chữ, hoặc tách kế hoạch thành các tệp ngắn hơn.`,
          `${file}: over ${lim.maxOcrPages} scanned pages to OCR (limit ${lim.maxOcrPages}), refused at page ${n} of ${doc.numPages}`,
        );
    }
    if (scans.length) await ocr(scans, bytes, file, lim);
    return { format: 'pdf', blocks: layoutPages(pages), pages: doc.numPages, ...(scans.length ? { ocr: true } : {}) };
  } finally {
    await doc.destroy();
  }
}

const ocrTools = (lim: PdfLimits) => ({ tesseract: lim.tesseractPath, pdftoppm: lim.pdftoppmPath });

async function requireOcr(file: string, lim: PdfLimits): Promise<void> {
  const missing = await ocrUnavailable(ocrTools(lim));
  if (missing)
    throw new DocumentError(
      `Tệp ${file} là bản quét (ảnh chụp, không có lớp chữ) nên cần nhận dạng chữ (OCR), nhưng máy chủ chưa cài OCR (Tesseract với dữ liệu tiếng Việt). Hãy báo quản trị hệ thống cài đặt, hoặc gửi bản .docx hoặc .pdf có chữ.`,
      `${file} is a scanned PDF (pages without a text layer) and OCR is unavailable: ${missing}. Install it as root with scripts/install-ocr.sh (apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils)`,
    );
}

async function ocr(scans: PageLayout[], bytes: Buffer, file: string, lim: PdfLimits): Promise<void> {
  const tools = ocrTools(lim);
  const dir = await mkdtemp(join(tmpdir(), 'plan-ocr-'));
  const started = Date.now();
  try {
    const pdfPath = join(dir, 'plan.pdf');
    await writeFile(pdfPath, bytes);
    const words = await ocrPages(
      scans.map((p) => ({ page: p.page, width: p.width, height: p.height })),
      {
        tools,
        dpi: lim.ocrDpi,
        concurrency: lim.ocrConcurrency,
        pageTimeoutMs: lim.ocrPageTimeoutMs,
        deadline: started + lim.ocrBudgetMs,
        dir,
        pdfPath,
      },
    );
    for (const p of scans) p.items = (words.get(p.page) ?? []).map((w: OcrWord) => ({ ...w }));
  } catch (err) {
    if (err instanceof OcrTimeout) {
      const minutes = (ms: number) => (ms / 60_000).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
      throw new DocumentError(
        `Nhận dạng chữ (OCR) tệp quét ${file} vượt quá thời gian cho phép (${minutes(lim.ocrBudgetMs)} phút cho cả tệp, ${minutes(lim.ocrPageTimeoutMs)} phút mỗi trang). Hãy gửi bản .docx hoặc .pdf có chữ.`,
        `${file}: OCR over its time limit (${err.message}; budget ${lim.ocrBudgetMs} ms, ${lim.ocrPageTimeoutMs} ms per page) after ${Date.now() - started} ms`,
      );
    }
    throw new DocumentError(`Không nhận dạng được chữ (OCR) trong tệp quét ${file}.`, `${file}: OCR failed: ${(err as Error).message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const BOLD_FONT = /bold|black|heavy|semibold|demi|,b$|-b$/i;

async function readPage(pdfjs: PdfJs, doc: PdfDoc, n: number): Promise<{ layout: PageLayout; scan: boolean }> {
  const page = await doc.getPage(n);
  try {
    const vp = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    // Every annotation's appearance: e-signing systems stamp the number and day into the blanks.
    const ops = await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.ENABLE });
    const bold = new Map<string, boolean>();
    for (const name of Object.keys(content.styles)) {
      try {
        const font = page.commonObjs.has(name) ? (page.commonObjs.get(name) as { name?: string }) : undefined;
        bold.set(name, BOLD_FONT.test(font?.name ?? ''));
      } catch {
        bold.set(name, false);
      }
    }
    const items: TextItem[] = [];
    for (const it of content.items) {
      if (!('str' in it) || !it.str) continue;
      const m = pdfjs.Util.transform(vp.transform, it.transform) as number[];
      const item = toItem(it.str, m, it.width, bold.get(it.fontName) ?? false);
      if (item) items.push(item);
    }
    const scanned = scanOperators(pdfjs, ops, vp.transform as number[]);
    items.push(...scanned.annotationText);
    const width = vp.width;
    const height = vp.height;
    const chars = items.reduce((sum, it) => sum + it.str.replace(/\s+/g, '').length, 0);
    const cover = scanned.imageArea / (width * height);
    // A scan: a page-sized image with (almost) no text; the few characters are a signing stamp.
    // Text drawn as outlines (many filled paths, no text) is rasterised and read the same way.
    const scan = (chars < 160 && cover >= 0.5) || (chars < 20 && (cover >= 0.2 || scanned.fills >= 300));
    return { layout: { page: n, width, height, items, rules: scanned.rules }, scan };
  } finally {
    page.cleanup();
  }
}

/** A text item from its viewport matrix; upright horizontal text only (rotated stamps are left out). */
function toItem(str: string, m: number[], width: number, bold: boolean): TextItem | undefined {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = m;
  const size = Math.hypot(c, d);
  if (size < 1 || a <= 0 || Math.abs(b) > 0.2 * Math.abs(a)) return undefined;
  const text = str.normalize('NFC').replace(/[\u00a0\u2000-\u200b\u202f\u3000]/g, ' ').replace(/[\u0000-\u001f\u007f\u00ad\ufffd]/g, '');
  if (!text) return undefined;
  return { str: text, x: e, y: f, w: Math.max(0, width), size, bold };
}

interface Operators {
  rules: Rule[];
  imageArea: number;
  fills: number;
  annotationText: TextItem[];
}

type Matrix = number[];

/**
 * Walks a page's operator list with the graphics state: drawn lines (table borders), how much of
 * the page images cover, and the text drawn by annotation appearances (not in getTextContent).
 */
function scanOperators(pdfjs: PdfJs, ol: { fnArray: number[]; argsArray: unknown[] }, base: Matrix): Operators {
  const OPS = pdfjs.OPS;
  const mul = (m1: Matrix, m2: Matrix) => pdfjs.Util.transform(m1, m2) as Matrix;
  const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0]! * x + m[2]! * y + m[4]!, m[1]! * x + m[3]! * y + m[5]!];
  const asMatrix = (v: unknown): Matrix | undefined => {
    const arr = Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v as ArrayLike<number>) : undefined;
    return arr && arr.length === 6 && arr.every((x) => typeof x === 'number' && Number.isFinite(x)) ? arr : undefined;
  };
  const out: Operators = { rules: [], imageArea: 0, fills: 0, annotationText: [] };
  const stack: Matrix[] = [];
  let ctm = base;
  let annotations = 0;
  // Text state, followed only inside annotations.
  let tm: Matrix = [1, 0, 0, 1, 0, 0];
  let tlm: Matrix = [1, 0, 0, 1, 0, 0];
  let fontSize = 0;
  let charSpacing = 0;
  let wordSpacing = 0;
  let hScale = 1;
  let leading = 0;
  let rise = 0;
  const moveText = (x: number, y: number) => {
    tlm = mul(tlm, [1, 0, 0, 1, x, y]);
    tm = tlm.slice();
  };
  const show = (glyphs: unknown) => {
    if (!Array.isArray(glyphs)) return;
    let str = '';
    let advance = 0;
    for (const g of glyphs) {
      if (typeof g === 'number') {
        advance -= (g * fontSize) / 1000;
        continue;
      }
      const glyph = g as { unicode?: string; width?: number; isSpace?: boolean } | null;
      if (!glyph) continue;
      str += glyph.unicode ?? '';
      advance += ((glyph.width ?? 0) * fontSize) / 1000 + charSpacing + (glyph.isSpace ? wordSpacing : 0);
    }
    advance *= hScale;
    const m = mul(mul(ctm, tm), [1, 0, 0, 1, 0, rise]);
    const scaled = [m[0]! * fontSize * hScale, m[1]! * fontSize * hScale, m[2]! * fontSize, m[3]! * fontSize, m[4]!, m[5]!];
    const item = str.trim() ? toItem(str, scaled, advance * Math.hypot(m[0]!, m[1]!), false) : undefined;
    if (item) out.annotationText.push(item);
    tm = mul(tm, [1, 0, 0, 1, advance, 0]);
  };
  const fnArray = ol.fnArray;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = (ol.argsArray[i] ?? []) as unknown[];
    switch (fn) {
      case OPS.save:
        stack.push(ctm);
        break;
      case OPS.restore:
      case OPS.paintFormXObjectEnd:
        ctm = stack.pop() ?? ctm;
        break;
      case OPS.transform: {
        const m = asMatrix(args);
        if (m) ctm = mul(ctm, m);
        break;
      }
      case OPS.paintFormXObjectBegin: {
        stack.push(ctm);
        const m = asMatrix(args[0]);
        if (m) ctm = mul(ctm, m);
        break;
      }
      case OPS.beginAnnotation: {
        stack.push(ctm);
        annotations++;
        const t = asMatrix(args[2]);
        const m = asMatrix(args[3]);
        if (t) ctm = mul(ctm, t);
        if (m) ctm = mul(ctm, m);
        break;
      }
      case OPS.endAnnotation:
        ctm = stack.pop() ?? ctm;
        annotations = Math.max(0, annotations - 1);
        break;
      case OPS.constructPath:
        pathRules(args, ctm, apply, OPS, out);
        break;
      case OPS.paintImageXObject:
      case OPS.paintInlineImageXObject:
      case OPS.paintImageMaskXObject:
      case OPS.paintImageXObjectRepeat: {
        const pts = [apply(ctm, 0, 0), apply(ctm, 1, 0), apply(ctm, 0, 1), apply(ctm, 1, 1)];
        const xs = pts.map((p) => p[0]);
        const ys = pts.map((p) => p[1]);
        out.imageArea += (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
        break;
      }
      default:
        if (annotations === 0) break;
        switch (fn) {
          case OPS.beginText:
            tm = [1, 0, 0, 1, 0, 0];
            tlm = [1, 0, 0, 1, 0, 0];
            break;
          case OPS.setFont:
            fontSize = Number(args[1]) || 0;
            break;
          case OPS.setTextMatrix: {
            const m = asMatrix(args) ?? asMatrix(args[0]);
            if (m) {
              tm = m;
              tlm = m.slice();
            }
            break;
          }
          case OPS.moveText:
            moveText(Number(args[0]) || 0, Number(args[1]) || 0);
            break;
          case OPS.setLeadingMoveText:
            leading = -(Number(args[1]) || 0);
            moveText(Number(args[0]) || 0, Number(args[1]) || 0);
            break;
          case OPS.nextLine:
            moveText(0, -leading);
            break;
          case OPS.setLeading:
            leading = Number(args[0]) || 0;
            break;
          case OPS.setCharSpacing:
            charSpacing = Number(args[0]) || 0;
            break;
          case OPS.setWordSpacing:
            wordSpacing = Number(args[0]) || 0;
            break;
          case OPS.setHScale:
            hScale = (Number(args[0]) || 100) / 100;
            break;
          case OPS.setTextRise:
            rise = Number(args[0]) || 0;
            break;
          case OPS.showText:
          case OPS.showSpacedText:
            show(args[0]);
            break;
          case OPS.nextLineShowText:
            moveText(0, -leading);
            show(args[0]);
            break;
          case OPS.nextLineSetSpacingShowText:
            wordSpacing = Number(args[0]) || 0;
            charSpacing = Number(args[1]) || 0;
            moveText(0, -leading);
            show(args[2]);
            break;
        }
    }
  }
  return out;
}

/** Straight axis-aligned segments of a stroked path, and thin filled rectangles, as rules. */
function pathRules(
  args: unknown[],
  ctm: Matrix,
  apply: (m: Matrix, x: number, y: number) => [number, number],
  OPS: PdfJs['OPS'],
  out: Operators,
): void {
  const op = args[0] as number;
  const stroke = op === OPS.stroke || op === OPS.closeStroke || op === OPS.fillStroke || op === OPS.eoFillStroke || op === OPS.closeFillStroke || op === OPS.closeEOFillStroke;
  const fill = op === OPS.fill || op === OPS.eoFill || op === OPS.fillStroke || op === OPS.eoFillStroke || op === OPS.closeFillStroke || op === OPS.closeEOFillStroke;
  if (!stroke && !fill) return; // clipping paths and invisible ones
  if (fill) out.fills++;
  if (out.rules.length > 5000) return; // a drawing, not a table: bounded work
  const raw = (args[1] as unknown[] | undefined)?.[0];
  if (!raw || !(Array.isArray(raw) || ArrayBuffer.isView(raw))) return;
  const data = Array.from(raw as ArrayLike<number>);
  const subpaths: [number, number][][] = [];
  let cur: [number, number][] = [];
  for (let i = 0; i < data.length; ) {
    const d = data[i++];
    if (d === 0) {
      if (cur.length) subpaths.push(cur);
      cur = [apply(ctm, data[i]!, data[i + 1]!)];
      i += 2;
    } else if (d === 1) {
      cur.push(apply(ctm, data[i]!, data[i + 1]!));
      i += 2;
    } else if (d === 2) {
      // Curves are not borders: break the subpath.
      if (cur.length) subpaths.push(cur);
      cur = [apply(ctm, data[i + 4]!, data[i + 5]!)];
      i += 6;
    } else if (d === 3) {
      if (cur.length) subpaths.push(cur);
      cur = [apply(ctm, data[i + 2]!, data[i + 3]!)];
      i += 4;
    } else if (d === 4) {
      if (cur.length > 1) cur.push(cur[0]!);
    } else break;
  }
  if (cur.length) subpaths.push(cur);
  const add = (x0: number, y0: number, x1: number, y1: number) => {
    const r = { x0: Math.min(x0, x1), y0: Math.min(y0, y1), x1: Math.max(x0, x1), y1: Math.max(y0, y1) };
    const w = r.x1 - r.x0;
    const h = r.y1 - r.y0;
    if ((h <= 2.5 && w >= 4) || (w <= 2.5 && h >= 4)) out.rules.push(r);
  };
  for (const sp of subpaths) {
    if (fill) {
      const xs = sp.map((p) => p[0]);
      const ys = sp.map((p) => p[1]);
      const x0 = Math.min(...xs);
      const x1 = Math.max(...xs);
      const y0 = Math.min(...ys);
      const y1 = Math.max(...ys);
      // A thin filled rectangle is a border line; a big one is shading.
      if (y1 - y0 <= 2.5 && x1 - x0 >= 4) add(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2);
      else if (x1 - x0 <= 2.5 && y1 - y0 >= 4) add((x0 + x1) / 2, y0, (x0 + x1) / 2, y1);
    }
    if (stroke)
      for (let k = 1; k < sp.length; k++) {
        const [ax, ay] = sp[k - 1]!;
        const [bx, by] = sp[k]!;
        if (Math.abs(ay - by) <= 0.5 || Math.abs(ax - bx) <= 0.5) add(ax, ay, bx, by);
      }
  }
}

// ---------------------------------------------------------------------------------------------
// Lines

interface Chunk {
  x0: number;
  x1: number;
  text: string;
  items: TextItem[];
}

interface Line {
  page: number;
  /** 1-based line number on its page (before running headers are removed). */
  no: number;
  y: number;
  size: number;
  x0: number;
  x1: number;
  text: string;
  items: TextItem[];
  /** Runs of text separated by a gap wider than a word gap or a vertical border: table cells, header columns. */
  chunks: Chunk[];
  /** Two columns side by side (a gap of several em): the document header, the signature block. */
  wide: boolean;
  bold: boolean;
}

/**
 * Text items on one baseline (within a tolerance relative to font size) become one line; text
 * overlapping text already on the line (a stamp over a title, two OCR lines interleaved) does not.
 * An OCR line is kept together.
 */
function buildLines(page: PageLayout): Line[] {
  const units: { y: number; size: number; items: TextItem[] }[] = [];
  const ocrLines = new Map<number, (typeof units)[number]>();
  for (const it of page.items) {
    if (!it.str.trim() && it.w <= 0) continue;
    if (it.line === undefined) units.push({ y: it.y, size: it.size, items: [it] });
    else {
      const u = ocrLines.get(it.line);
      if (u) u.items.push(it);
      else {
        const unit = { y: it.y, size: it.size, items: [it] };
        ocrLines.set(it.line, unit);
        units.push(unit);
      }
    }
  }
  units.sort((a, b) => a.y - b.y || a.items[0]!.x - b.items[0]!.x);
  const groups: { y: number; size: number; weight: number; items: TextItem[] }[] = [];
  // (Bounded work: a line of hundreds of one-glyph items is plain text, not a stamp over text.)
  const overlaps = (g: (typeof groups)[number], u: (typeof units)[number]) =>
    g.items.length * u.items.length <= 40_000 &&
    u.items.some(
      (a) =>
        a.str.trim() &&
        g.items.some((b) => b.str.trim() && b.str !== a.str && Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 0.3 * Math.min(a.size, b.size)),
    );
  for (const u of units) {
    let best: (typeof groups)[number] | undefined;
    let bestDy = Infinity;
    for (let k = groups.length - 1; k >= 0; k--) {
      const g = groups[k]!;
      if (g.y < u.y - 3 * Math.max(g.size, u.size)) break;
      const dy = Math.abs(g.y - u.y);
      // Superscripts (a raised note number) stay on their line; the next line does not.
      if (dy <= 0.45 * Math.max(g.size, u.size) && dy <= 0.8 * Math.min(g.size, u.size) + 0.5 && dy < bestDy && !overlaps(g, u)) {
        best = g;
        bestDy = dy;
      }
    }
    const weight = u.items.reduce((n, it) => n + it.str.trim().length, 0);
    if (best) {
      best.items.push(...u.items);
      if (weight) {
        best.y = (best.y * best.weight + u.y * weight) / (best.weight + weight);
        best.weight += weight;
        best.size = Math.max(best.size, u.size);
      }
    } else groups.push({ y: u.y, size: u.size, weight, items: u.items.slice() });
  }
  groups.sort((a, b) => a.y - b.y);
  const verticals = page.rules.filter((r) => r.x1 - r.x0 <= 2.5);
  const lines: Line[] = [];
  for (const g of groups) {
    const sorted = g.items.slice().sort((a, b) => a.x - b.x);
    const border = (from: number, to: number) =>
      verticals.some((r) => r.x0 >= from - 1 && r.x0 <= to + 1 && r.y0 <= g.y - 0.3 * g.size && r.y1 >= g.y - 0.3 * g.size);
    // OCR reads specks at a scan's edges and a box's frame as "`", "ˆ", "/": alone, they are no text
    // (a list mark the OCR found is).
    const chunks = joinItems(sorted, g.size, border).filter((c) => c.items.some((it) => it.line === undefined) || /[\p{L}\p{N}]/u.test(c.text) || c.text.includes(INLINE_MARK));
    if (!chunks.length) continue;
    const solid = sorted.filter((it) => it.str.trim());
    const chars = solid.reduce((s, it) => s + it.str.length, 0);
    const boldChars = solid.filter((it) => it.bold).reduce((s, it) => s + it.str.length, 0);
    lines.push({
      page: page.page,
      no: lines.length + 1,
      y: g.y,
      size: g.size,
      x0: chunks[0]!.x0,
      x1: Math.max(...chunks.map((c) => c.x1)),
      text: chunks.map((c) => c.text).join(' '),
      items: solid,
      chunks,
      wide: chunks.some((c, k) => k > 0 && c.x0 - chunks[k - 1]!.x1 > 2 * g.size),
      bold: chars > 0 && boldChars >= 0.7 * chars,
    });
  }
  return lines;
}

/**
 * Items of one line, left to right, as text: a space where the gap is a word gap (or a
 * whitespace item says so), none inside a word split into several items; a new chunk where the
 * gap is wide or a border lies between.
 */
function joinItems(items: TextItem[], lineSize: number, border: (from: number, to: number) => boolean): Chunk[] {
  const chunks: Chunk[] = [];
  let cur: Chunk | undefined;
  let end = -Infinity;
  let pendingSpace = false;
  // Where a whitespace item starts: a space only if the next text leaves it room (pdfjs also
  // emits a whitespace item running over text that follows right after).
  let spaceAt: number | undefined;
  let last: TextItem | undefined;
  for (const it of items) {
    if (!it.str.trim()) {
      spaceAt ??= it.x;
      continue;
    }
    // The same text printed twice a hair apart (fake bold) is one.
    if (last && last.str === it.str && Math.abs(last.x - it.x) < 0.5 * it.size) continue;
    const size = Math.max(it.size, 0.6 * lineSize);
    const gap = it.x - end;
    // Cell texts in a table can be as close as their padding; a word gap, even justified, is narrower.
    if (!cur || gap > 0.65 * size || (gap > -0.5 && border(end, it.x))) {
      cur = { x0: it.x, x1: it.x + it.w, text: it.str.trimStart(), items: [it] };
      chunks.push(cur);
    } else {
      // OCR words are words: always a space between them.
      const spaced = pendingSpace || (spaceAt !== undefined && it.x - spaceAt >= 0.1 * size);
      const space = (spaced && gap > -0.25 * size) || gap > 0.15 * size || (it.line !== undefined && last?.line !== undefined);
      if (space && !/\s$/.test(cur.text) && !/^\s/.test(it.str)) cur.text += ' ';
      cur.text += it.str;
      cur.items.push(it);
      cur.x1 = Math.max(cur.x1, it.x + it.w);
    }
    end = Math.max(it.x + it.w, cur.x1);
    pendingSpace = /\s$/.test(it.str);
    spaceAt = undefined;
    last = it;
  }
  for (const c of chunks) c.text = c.text.replace(/\s+/g, ' ').trim();
  return chunks.filter((c) => c.text);
}

// ---------------------------------------------------------------------------------------------
// Running headers and footers

const fold = (s: string) =>
  s
    .normalize('NFC')
    .toLowerCase()
    .replace(/\d+/g, '#')
    .replace(/[^\p{L}#]+/gu, ' ')
    .replace(/^(# )+|( #)+$/g, '')
    .trim();

/** "2", "- 3 -", "Trang 4", "4/10" (punctuation and OCR specks removed first). */
const PAGE_NUMBER = /^(trang\s*)?(\d{1,4})(\s*(\/|trên|of)\s*\d{1,4})?$/iu;
/** The first page's own header lines: kept even when a running header looks like them. */
const DOCUMENT_HEADER = /CỘNG H[OÒ]A X[AÃ] H[OỘ]I|Độc lập\s*[-–]\s*Tự do|^Số\s*:|\p{L},\s*ngày\s+\d/iu;

/** Similar enough to be the same running header: same text once digits are folded, OCR slips aside. */
function similar(a: string, b: string): boolean {
  if (a === b) return true;
  a = a.slice(0, 100);
  b = b.slice(0, 100);
  const longer = Math.max(a.length, b.length);
  if (!longer || Math.abs(a.length - b.length) > 0.2 * longer) return false;
  return levenshtein(a, b) <= 0.15 * longer;
}

/**
 * Removes, in the top and bottom bands of the pages, lines that repeat on most pages (digits
 * folded, small differences allowed) and lone page numbers.
 */
function removeRunning(pages: Line[][], layouts: PageLayout[]): Line[][] {
  const BAND = 0.12;
  const edge = (lines: Line[], h: number, top: boolean): Line[] => {
    const picked: Line[] = [];
    for (const l of (top ? lines : lines.slice().reverse()).slice(0, 4)) {
      if (top ? l.y - l.size > h * BAND : l.y < h * (1 - BAND)) break;
      // A table's header row repeated at the top of each page is the table's (three cells or more).
      if (l.chunks.length < 3) picked.push(l);
    }
    return picked;
  };
  const remove = new Set<Line>();
  for (const top of [true, false]) {
    const bands = pages.map((lines, i) => edge(lines, layouts[i]!.height, top));
    const need = Math.max(2, Math.ceil(0.5 * pages.length));
    const byKey = new Map<string, { pages: Set<number>; lines: Line[] }>();
    bands.forEach((band, i) => {
      for (const l of band) {
        const key = fold(l.text);
        if (!key) continue;
        const e = byKey.get(key) ?? { pages: new Set<number>(), lines: [] };
        e.pages.add(i);
        e.lines.push(l);
        byKey.set(key, e);
      }
    });
    const keys = [...byKey.keys()];
    // Nearly the same text (OCR slips, a changing word): pairwise, so only for a bounded number.
    const fuzzy = keys.length <= 150;
    for (const key of keys) {
      const group = [key, ...(fuzzy ? keys.filter((o) => o !== key && similar(o, key)) : [])];
      const pagesWith = new Set(group.flatMap((k) => [...byKey.get(k)!.pages]));
      if (pagesWith.size >= need) for (const k of group) for (const l of byKey.get(k)!.lines) remove.add(l);
    }
    bands.forEach((band, i) => {
      const w = layouts[i]!.width;
      for (const [k, l] of band.entries()) {
        // Specks (an OCR "`" at the margin) aside, the line is the number alone.
        const real = l.chunks.filter((c) => /[\p{L}\p{N}]/u.test(c.text));
        const m = real.length === 1 ? PAGE_NUMBER.exec(real[0]!.text.replace(/[^\p{L}\p{N}/]+/gu, ' ').trim()) : null;
        if (!m) continue;
        const value = Number(m[2]);
        const centre = (l.x0 + l.x1) / 2;
        // Centred, or at a corner as the outermost line (not a table's row number near the edge).
        const placed = Math.abs(centre - w / 2) < 0.15 * w || (k === 0 && (l.x1 > 0.8 * w || l.x0 < 0.2 * w));
        if (placed && Math.abs(value - (i + 1)) <= 3 && pages.length > 1) remove.add(l);
      }
    });
  }
  // The first page's document header appears once; a running header that looks like it does not take it.
  for (const l of pages[0] ?? []) if (DOCUMENT_HEADER.test(l.text)) remove.delete(l);
  // An e-signing stamp printed above the document header ("SAO Y / Bộ Công an / Thời gian ký: …")
  // is not the document: it would be read as the issuer.
  const first = pages[0] ?? [];
  const motto = first.slice(0, 8).findIndex((l) => NATIONAL_HEADER.test(l.text));
  if (motto > 0 && first.slice(0, motto).some((l) => SIGNING_STAMP.test(l.text))) for (const l of first.slice(0, motto)) remove.add(l);
  return pages.map((lines) => lines.filter((l) => !remove.has(l)));
}

const NATIONAL_HEADER = /CỘNG H[OÒ]A X[AÃ] H[OỘ]I|ĐẢNG C[OỘ]NG\S* S[AẢ]N|Độc lập\s*[-–]\s*Tự do/iu;
const SIGNING_STAMP = /Thời gian ký|Ký bởi|\d{4}(-\d\d-\d\d)?[T\s]+\d{1,2}:\d\d:\d\d/iu;

// ---------------------------------------------------------------------------------------------
// Tables

const ORDINAL = /^(\d{1,3}(\.\d{1,3})*|[IVXLC]{1,7}|[a-zđ]|S\.?\s?TT|TT|Số\s+TT)[.)]?$/iu;

interface Region {
  lines: Line[];
  /** Left edges of the columns after the first, in points. */
  seps: number[];
  left: number;
  right: number;
}

interface Grid {
  page: number;
  xs: number[];
  ys: number[];
  top: number;
  bottom: number;
  rules: Rule[];
}

/** Drawn tables: connected horizontal and vertical borders with at least two columns and a row. */
function findGrids(page: PageLayout): Grid[] {
  const rules = page.rules;
  // Pairwise below: a page of more borders than any table page has is a drawing.
  if (rules.length < 4 || rules.length > 1500) return [];
  const parent = rules.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const tol = 2;
  const horizontal = (r: Rule) => r.y1 - r.y0 <= 2.5;
  const touch = (a: Rule, b: Rule) => a.x0 <= b.x1 + tol && b.x0 <= a.x1 + tol && a.y0 <= b.y1 + tol && b.y0 <= a.y1 + tol;
  for (let i = 0; i < rules.length; i++) for (let j = i + 1; j < rules.length; j++) if (touch(rules[i]!, rules[j]!)) parent[find(i)] = find(j);
  const groups = new Map<number, Rule[]>();
  rules.forEach((r, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), r]));
  const grids: Grid[] = [];
  const cluster = (vals: number[]) => {
    const out: number[] = [];
    for (const v of vals.sort((a, b) => a - b)) if (!out.length || v - out[out.length - 1]! > 3) out.push(v);
    return out;
  };
  for (const group of groups.values()) {
    const hs = group.filter(horizontal);
    const vs = group.filter((r) => !horizontal(r));
    if (hs.length < 2 || vs.length < 3) continue;
    const xs = cluster(vs.map((r) => (r.x0 + r.x1) / 2));
    const ys = cluster(hs.map((r) => (r.y0 + r.y1) / 2));
    if (xs.length < 3 || ys.length < 2) continue;
    if (xs[xs.length - 1]! - xs[0]! < 50 || ys[ys.length - 1]! - ys[0]! < 8) continue;
    grids.push({ page: page.page, xs, ys, top: ys[0]!, bottom: ys[ys.length - 1]!, rules: group });
  }
  return grids.sort((a, b) => a.top - b.top);
}

/** Column bands from where text is: separators in the x-gaps no chunk of the table's lines covers. */
function bandsOf(lines: Line[]): { seps: number[]; left: number; right: number } {
  const chunks = lines.flatMap((l) => l.chunks);
  const left = chunks.reduce((m, c) => Math.min(m, c.x0), Infinity);
  const right = chunks.reduce((m, c) => Math.max(m, c.x1), -Infinity);
  const n = Math.max(1, Math.ceil(right - left));
  if (n > 5000) return { seps: [], left, right };
  const cover = new Array<number>(n + 1).fill(0);
  for (const c of chunks) for (let x = Math.floor(c.x0 - left); x < Math.ceil(c.x1 - left); x++) if (x >= 0 && x <= n) cover[x]!++;
  const allow = Math.floor(0.12 * lines.length);
  const seps: number[] = [];
  let start = -1;
  for (let x = 0; x <= n; x++) {
    const free = cover[x]! <= allow;
    if (free && start < 0) start = x;
    if ((!free || x === n) && start >= 0) {
      if (!free && start > 0 && x - start >= 3) seps.push(left + (start + x) / 2);
      start = -1;
    }
  }
  return { seps, left, right };
}

const bandOf = (seps: number[], x: number) => {
  let b = 0;
  while (b < seps.length && x >= seps[b]!) b++;
  return b;
};

/** Does every chunk of the line sit in one column (a cell's wrapped text, a row number)? */
function fits(line: Line, r: { seps: number[]; left: number; right: number }): boolean {
  const tol = 0.5 * line.size;
  if (line.x0 < r.left - 2 * line.size || line.x1 > r.right + 2 * line.size) return false;
  return line.chunks.every((c) => {
    const b = bandOf(r.seps, c.x0 + 0.5);
    const end = b < r.seps.length ? r.seps[b]! : r.right;
    return c.x1 <= end + tol;
  });
}

/** A section or group row: a short ordinal in the first column, its title spanning the rest. */
function sectionRow(line: Line, r: { seps: number[] }): boolean {
  const first = line.chunks[0]!;
  return r.seps.length > 0 && bandOf(r.seps, first.x0 + 0.5) === 0 && ORDINAL.test(first.text) && line.chunks.length >= 2;
}

/**
 * Tables found from text alone: a seed line has three or more chunks; consecutive lines whose
 * chunks keep at least three aligned column bands (wrapped cell text, a row number alone, section
 * rows spanning the row) form the table; it may continue on the next page.
 */
function streamRegions(lines: Line[], pageLast: Set<Line>, pageFirst: Set<Line>): Region[] {
  const regions: Region[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.chunks.length < 3) {
      i++;
      continue;
    }
    const seeds = [lines[i]!];
    let bands = bandsOf(seeds);
    if (bands.seps.length < 2) {
      i++;
      continue;
    }
    const region: Line[] = [lines[i]!];
    let j = i + 1;
    const close = (a: Line, b: Line) =>
      a.page === b.page ? b.y - a.y <= 3.5 * Math.max(a.size, b.size) : pageLast.has(a) && pageFirst.has(b);
    for (; j < lines.length; j++) {
      const prev = region[region.length - 1]!;
      const l = lines[j]!;
      if (!close(prev, l)) break;
      if (l.chunks.length >= 3) {
        const next = bandsOf([...seeds, l]);
        if (next.seps.length >= 2 && next.seps.length >= bands.seps.length - 1) {
          seeds.push(l);
          bands = next;
          region.push(l);
          continue;
        }
      }
      if (fits(l, bands) || sectionRow(l, bands)) {
        region.push(l);
        continue;
      }
      // A row spanning the table (a group title) between two rows of it.
      const after = lines[j + 1];
      if (after && close(l, after) && (after.chunks.length >= 3 ? bandsOf([...seeds, after]).seps.length >= 2 : fits(after, bands)) && l.x0 >= bands.left - l.size) {
        region.push(l);
        continue;
      }
      break;
    }
    // A header line above the first seed (a header cell alone on its line).
    let k = i - 1;
    while (k >= 0 && lines[k]!.page === lines[i]!.page && region[0]!.y - lines[k]!.y <= 2 * region[0]!.size && fits(lines[k]!, bands) && lines[k]!.chunks.length >= 2) {
      region.unshift(lines[k]!);
      k--;
    }
    if (seeds.length >= 2) {
      regions.push({ lines: region, ...bands });
      i = j;
    } else i++;
  }
  return regions;
}

interface RowLines {
  lines: Line[];
}

/** Rows of a stream table: a row starts at a line with an ordinal (or a new entry) in the first column. */
function streamRows(region: Region): RowLines[] {
  const lines = region.lines;
  const first = (l: Line) => l.chunks.filter((c) => bandOf(region.seps, c.x0 + 0.5) === 0).map((c) => c.text).join(' ');
  const ordinals = lines.filter((l) => ORDINAL.test(first(l))).length;
  const withFirst = lines.filter((l) => first(l)).length;
  const byOrdinal = ordinals >= 2 && ordinals >= 0.6 * withFirst;
  const anchors: number[] = [];
  lines.forEach((l, i) => {
    const text = first(l);
    if (!text) return;
    if (byOrdinal) {
      if (ORDINAL.test(text)) anchors.push(i);
      return;
    }
    const prev = lines[i - 1];
    if (!prev || !first(prev) || prev.page !== l.page || l.y - prev.y > 1.6 * l.size) anchors.push(i);
  });
  if (!anchors.length) return [{ lines }];
  const step = (p: number) => (lines[p - 1]!.page === lines[p]!.page ? lines[p]!.y - lines[p - 1]!.y : Infinity);
  const steps = lines.slice(1).map((_, k) => step(k + 1));
  const lineStep = Math.min(...steps.filter((g) => g > 0.9 * lines[0]!.size), Infinity);
  // A row starts at the widest vertical gap between the previous row's anchor and its own (a
  // number centred in its cell sits below the row's first lines); on a tie, right at the anchor.
  // Lines before the first anchor are its row too, unless a row gap sets them apart (the rest of
  // a row continued from the previous page).
  const starts = [0];
  if (anchors[0]! > 0) {
    let best = 0;
    let bestGap = 0;
    for (let p = 1; p <= anchors[0]!; p++)
      if (step(p) >= bestGap) {
        best = p;
        bestGap = step(p);
      }
    if (best > 0 && bestGap >= 1.4 * lineStep) starts.push(best);
  }
  for (let a = 1; a < anchors.length; a++) {
    const lo = Math.max(anchors[a - 1]! + 1, starts[starts.length - 1]! + 1);
    const hi = anchors[a]!;
    let best = hi;
    let bestGap = -Infinity;
    for (let p = lo; p <= hi; p++) {
      const prev = lines[p - 1]!;
      const cur = lines[p]!;
      const gap = prev.page === cur.page ? cur.y - prev.y : Infinity;
      if (gap >= bestGap - 0.15 * cur.size) {
        best = p;
        bestGap = Math.max(gap, bestGap);
      }
    }
    starts.push(Math.max(best, starts[starts.length - 1]! + 1));
  }
  return starts.map((s, k) => ({ lines: lines.slice(s, starts[k + 1] ?? lines.length) }));
}

/**
 * The grid of a stream table: each chunk to the column it starts in, spanning the ones it covers;
 * a title that spans columns in a row with nothing else but its ordinal spans the whole row.
 */
function streamTable(region: Region, rows: RowLines[]): TableCell[][] {
  const width = region.seps.length + 1;
  const grid: TableCell[][] = [];
  for (const row of rows) {
    const parts: { texts: { line: Line; text: string }[] }[] = Array.from({ length: width }, () => ({ texts: [] }));
    const span = new Array<number>(width).fill(-1);
    let widest = 0;
    for (const line of row.lines)
      for (const chunk of splitChunks(line, region.seps)) {
        const b = bandOf(region.seps, chunk.x0 + 0.5);
        const e = Math.max(b, bandOf(region.seps, chunk.x1 - 0.5 * line.size));
        parts[b]!.texts.push({ line, text: chunk.text });
        for (let c = b + 1; c <= e; c++) if (span[c] === -1) span[c] = b;
        widest = Math.max(widest, e - b);
      }
    const filled = parts.map((p, c) => (p.texts.length ? c : -1)).filter((c) => c >= 0);
    if (widest >= 1 && filled.length === 2 && filled[0] === 0) for (let c = filled[1]! + 1; c < width; c++) if (span[c] === -1) span[c] = filled[1]!;
    const r = grid.length;
    const cells: TableCell[] = parts.map((p) => ({ text: cellText(p.texts) }));
    for (let c = 1; c < width; c++) {
      const origin = span[c]!;
      if (origin >= 0 && !cells[c]!.text) cells[c] = { text: cells[origin]!.text, from: [r, origin] };
    }
    grid.push(cells);
  }
  return grid;
}

/**
 * A chunk crossing a column separator is split there when the separator falls in a gap wider than
 * its other word gaps (two cells' texts close together); a title spanning columns stays whole.
 */
function splitChunks(line: Line, seps: number[]): Chunk[] {
  const out: Chunk[] = [];
  for (const c of line.chunks) {
    const its = c.items.slice().sort((a, b) => a.x - b.x);
    if (its.length < 2 || bandOf(seps, c.x0 + 0.5) === bandOf(seps, c.x1 - 0.5)) {
      out.push(c);
      continue;
    }
    const gaps = its.slice(1).map((it, k) => ({ k: k + 1, from: its[k]!.x + its[k]!.w, to: it.x }));
    const widths = gaps.map((g) => g.to - g.from).sort((a, b) => a - b);
    const median = widths[Math.floor(widths.length / 2)] ?? 0;
    const wide = (w: number) => w >= 0.45 * line.size && (gaps.length < 3 || w >= 1.5 * median);
    const cut = gaps.filter((g) => wide(g.to - g.from) && seps.some((s) => s >= g.from - 1 && s <= g.to + 1));
    if (!cut.length) {
      out.push(c);
      continue;
    }
    let from = 0;
    for (const g of [...cut, { k: its.length }]) {
      const part = its.slice(from, g.k);
      if (part.length) {
        const chunks = joinItems(part, line.size, () => false);
        out.push({ x0: part[0]!.x, x1: Math.max(...part.map((p) => p.x + p.w)), text: chunks.map((ch) => ch.text).join(' '), items: part });
      }
      from = g.k;
    }
  }
  return out;
}

const LIST_START = /^([-–—+•*]\s|\d{1,2}(\.\d{1,2})*[.)]\s|[a-zđ]\)\s)/u;

/** A cell's lines as one text: wrapped lines joined by a space, a new list item on a new line. */
function cellText(parts: ({ text: string } | string)[]): string {
  let text = '';
  for (const p of parts) {
    const t = typeof p === 'string' ? p : p.text;
    if (!t) continue;
    if (!text) text = t;
    else text = LIST_START.test(t) ? `${text}\n${t}` : joinWrapped(text, t);
  }
  return text.trim();
}

/** A drawn table's grid: rows and columns from its borders; a missing border inside is a merged cell. */
function ruledTable(grid: Grid, lines: Line[]): TableCell[][] {
  const { xs, ys, rules } = grid;
  const nRows = ys.length - 1;
  const nCols = xs.length - 1;
  const vert = rules.filter((r) => r.x1 - r.x0 <= 2.5);
  const horiz = rules.filter((r) => r.y1 - r.y0 <= 2.5);
  const hasV = (x: number, y0: number, y1: number) => {
    const mid = (y0 + y1) / 2;
    return vert.some((r) => Math.abs((r.x0 + r.x1) / 2 - x) <= 2.5 && r.y0 <= mid && r.y1 >= mid);
  };
  const hasH = (y: number, x0: number, x1: number) => {
    const mid = (x0 + x1) / 2;
    return horiz.some((r) => Math.abs((r.y0 + r.y1) / 2 - y) <= 2.5 && r.x0 <= mid && r.x1 >= mid);
  };
  const texts: { line: Line; text: string }[][][] = Array.from({ length: nRows }, () => Array.from({ length: nCols }, () => []));
  for (const line of lines) {
    const yMid = line.y - 0.3 * line.size;
    const r = ys.findIndex((y, k) => k < nRows && yMid >= y && yMid < ys[k + 1]!);
    if (r < 0) continue;
    for (const chunk of line.chunks) {
      const x = chunk.x0 + 0.5;
      let c = xs.findIndex((v, k) => k < nCols && x >= v - 1 && x < xs[k + 1]!);
      if (c < 0) c = x < xs[0]! ? 0 : nCols - 1;
      texts[r]![c]!.push({ line, text: chunk.text });
    }
  }
  // Origins: a cell without its left border continues the cell on its left; without its top
  // border, the one above.
  const origin: [number, number][][] = [];
  for (let r = 0; r < nRows; r++) {
    origin.push([]);
    for (let c = 0; c < nCols; c++) {
      let o: [number, number] = [r, c];
      if (c > 0 && !hasV(xs[c]!, ys[r]!, ys[r + 1]!)) o = origin[r]![c - 1]!;
      else if (r > 0 && !hasH(ys[r]!, xs[c]!, xs[c + 1]!)) o = origin[r - 1]![c]!;
      origin[r]!.push(o);
    }
  }
  const pooled = new Map<string, { line: Line; text: string }[]>();
  for (let r = 0; r < nRows; r++)
    for (let c = 0; c < nCols; c++) {
      const key = origin[r]![c]!.join(',');
      pooled.set(key, [...(pooled.get(key) ?? []), ...texts[r]![c]!]);
    }
  const rows: TableCell[][] = [];
  const keep: number[] = [];
  for (let r = 0; r < nRows; r++) {
    // A sliver between double borders, or a row with nothing of its own, is no row.
    const own = texts[r]!.some((t) => t.length) || origin[r]!.some(([or], c) => or === r && texts[r]![c]!.length);
    if (!own && ys[r + 1]! - ys[r]! < 4) continue;
    keep.push(r);
  }
  const rowIndex = new Map(keep.map((r, k) => [r, k]));
  for (const r of keep) {
    rows.push(
      origin[r]!.map(([or, oc], c) => {
        const text = cellText((pooled.get(`${or},${oc}`) ?? []).slice().sort((a, b) => a.line.page - b.line.page || a.line.y - b.line.y));
        if (or === r && oc === c) return { text };
        const from = rowIndex.get(or);
        return from === undefined ? { text } : { text, from: [from, oc] as [number, number] };
      }),
    );
  }
  // An origin row dropped as a sliver leaves its continuations on their own.
  return rows.filter((row) => row.some((c) => c.text));
}

// ---------------------------------------------------------------------------------------------
// Blocks

interface PendingTable {
  table: Table;
  seps: number[];
  left: number;
  page: number;
  /** The table's last line on its page is the page's last line. */
  endsPage: boolean;
}

/** Lines, tables and paragraphs of the whole document in reading order. */
export function layoutPages(layouts: PageLayout[]): Block[] {
  const pageLines = removeRunning(layouts.map(buildLines), layouts);
  const pageLast = new Set<Line>();
  const pageFirst = new Set<Line>();
  for (const lines of pageLines) {
    if (lines.length) {
      pageFirst.add(lines[0]!);
      pageLast.add(lines[lines.length - 1]!);
    }
  }
  // Drawn tables first; the lines inside them are theirs.
  const inGrid = new Map<Line, Grid>();
  const grids: Grid[] = [];
  pageLines.forEach((lines, i) => {
    for (const g of findGrids(layouts[i]!)) {
      const inside = lines.filter((l) => l.y - 0.3 * l.size >= g.top && l.y - 0.3 * l.size <= g.bottom && l.x0 >= g.xs[0]! - 2 && l.x1 <= g.xs[g.xs.length - 1]! + 2);
      if (!inside.length) continue;
      const used = new Set(inside.map((l) => bandOf(g.xs.slice(1, -1), l.chunks[0]!.x0 + 0.5)));
      // A framed paragraph or a one-cell box is not a table.
      if (used.size < 2 && inside.every((l) => l.chunks.length < 2)) continue;
      grids.push(g);
      for (const l of inside) inGrid.set(l, g);
    }
  });
  const all = pageLines.flat();
  const margins = marginsOf(all);
  const free = all.filter((l) => !inGrid.has(l));
  const regions = streamRegions(free, pageLast, pageFirst);
  const inRegion = new Map<Line, Region>();
  for (const r of regions) for (const l of r.lines) inRegion.set(l, r);

  const blocks: Block[] = [];
  let tables = 0;
  let pending: PendingTable | undefined;
  let para: Line[] = [];
  const flushPara = () => {
    if (para.length) blocks.push(paragraphOf(para));
    para = [];
  };
  const emitTable = (rows: TableCell[][], first: Line, last: Line, seps: number[], left: number, startsPage = pageFirst.has(first)) => {
    flushPara();
    if (pending && pending.endsPage && startsPage && first.page === pending.page + 1 && sameColumns(pending, seps, left)) {
      appendContinuation(pending.table, rows);
      pending.page = last.page;
      pending.endsPage = pageLast.has(last);
      return;
    }
    const table: Table = { kind: 'table', rows: padRows(rows), source: { page: first.page, line: first.no, table: tables++ } };
    blocks.push(table);
    pending = { table, seps, left, page: last.page, endsPage: pageLast.has(last) };
  };
  // A table is emitted where its first line is; its other lines are skipped wherever they are
  // (text beside a drawn table can sit between them in reading order).
  const done = new Set<Grid | Region>();
  for (let i = 0; i < all.length; ) {
    const line = all[i]!;
    const grid = inGrid.get(line);
    const region = inRegion.get(line);
    if ((grid && done.has(grid)) || (region && done.has(region))) {
      i++;
      continue;
    }
    if (grid) {
      done.add(grid);
      const lines = all.filter((l) => inGrid.get(l) === grid);
      i++;
      const rows = ruledTable(grid, lines);
      emitTable(rows, lines[0]!, lines[lines.length - 1]!, grid.xs.slice(1, -1), grid.xs[0]!);
      continue;
    }
    if (region) {
      done.add(region);
      const lines = region.lines;
      i++;
      // Each page's part on its own: the header row repeated at the top of the next page is
      // dropped line by line (a row continued there has no ordinal to start a row of its own).
      let header: string[] | undefined;
      for (const page of [...new Set(lines.map((l) => l.page))]) {
        let part = lines.filter((l) => l.page === page);
        const startsPage = pageFirst.has(part[0]!);
        if (header) {
          let k = 0;
          while (k < part.length && k < header.length && lineKey(part[k]!) === header[k]) k++;
          if (k === header.length) part = part.slice(k);
          if (!part.length) continue;
        }
        const rows = streamRows({ ...region, lines: part });
        header ??= rows.length > 1 ? rows[0]!.lines.map(lineKey) : undefined;
        emitTable(streamTable(region, rows), part[0]!, part[part.length - 1]!, region.seps, region.left, startsPage);
      }
      continue;
    }
    if (para.length && !continues(para, line, margins)) flushPara();
    para.push(line);
    pending = undefined;
    i++;
  }
  flushPara();
  return blocks;
}

function sameColumns(p: PendingTable, seps: number[], left: number): boolean {
  if (p.seps.length !== seps.length) return false;
  const tol = 6;
  return Math.abs(p.left - left) <= 2 * tol && p.seps.every((s, k) => Math.abs(s - seps[k]!) <= tol);
}

const lineKey = (l: Line) => l.text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const rowKey = (row: TableCell[]) => row.map((c) => c.text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')).join('|');

/**
 * The part of a table on the next page: its repeated header rows are dropped; a first row with
 * nothing in the first (ordinal) column is the previous row continued across the page break.
 */
function appendContinuation(table: Table, rows: TableCell[][]): void {
  let k = 0;
  while (k < rows.length && k < table.rows.length && rowKey(rows[k]!) === rowKey(table.rows[k]!) && rowKey(rows[k]!).replace(/\|/g, '')) k++;
  const rest = rows.slice(k);
  const width = table.rows[0]?.length ?? 0;
  const body = table.rows.slice(1);
  const numbered = body.filter((r) => r[0]?.text && !r[0].from).length >= 0.6 * body.length;
  const head = rest[0];
  const last = table.rows[table.rows.length - 1];
  if (head && last && numbered && !head[0]?.text && !head[0]?.from) {
    head.forEach((cell, c) => {
      const into = last[c];
      if (!into || !cell.text || cell.from) return;
      const [or, oc] = into.from ?? [table.rows.length - 1, c];
      const text = cellText([into.text, cell.text]);
      // The merged cell's text is on every position it covers.
      for (const row of table.rows)
        for (const pos of row) if (pos === into || (pos.from && pos.from[0] === or && pos.from[1] === oc) || pos === table.rows[or]?.[oc]) pos.text = text;
    });
    rest.shift();
  }
  const offset = table.rows.length;
  for (const row of rest) {
    const shifted = row.map((c) => (c.from ? { ...c, from: [c.from[0] + offset - k, c.from[1]] as [number, number] } : c));
    while (shifted.length < width) shifted.push({ text: '' });
    table.rows.push(shifted.slice(0, Math.max(width, shifted.length)));
  }
  table.rows = padRows(table.rows);
}

function padRows(rows: TableCell[][]): TableCell[][] {
  const width = Math.max(0, ...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...Array.from({ length: width - r.length }, () => ({ text: '' }))]);
}

/**
 * Does the line continue the paragraph (a wrapped line), rather than start a new one? Only when
 * the previous line was full (the line's first word would not have fitted), the line is not
 * indented more, the spacing and font are the same and it does not start a list item.
 */
function continues(para: Line[], line: Line, margins: Margins): boolean {
  const prev = para[para.length - 1]!;
  if (prev.wide || line.wide) return false;
  if (LIST_START.test(line.text) || /^([IVXLC]+|\d{1,2})\.\s/u.test(line.text)) return false;
  // OCR sizes are estimates from word boxes: a looser match.
  const ocr = line.items.some((it) => it.line !== undefined);
  if (prev.bold !== line.bold || Math.abs(prev.size - line.size) > (ocr ? 0.3 : 0.15) * prev.size) return false;
  if (line.page !== prev.page) {
    if (line.page !== prev.page + 1) return false;
  } else if (line.y - prev.y > 1.9 * Math.max(prev.size, line.size) || line.y <= prev.y) return false;
  const left = margins.left(line.page);
  const em = line.size;
  // A wrapped line starts at the margin (or where the paragraph's other wrapped lines start);
  // the paragraph's first line at the margin or indented (not centred, not a signature block).
  if (para.length === 1) {
    if (line.x0 > left + 0.5 * em || prev.x0 > margins.left(prev.page) + 6 * em) return false;
  } else if (Math.abs(line.x0 - Math.min(...para.slice(1).map((l) => l.x0))) > 0.5 * em) return false;
  const word = /^\S+/u.exec(line.text)?.[0] ?? '';
  const perChar = (line.x1 - line.x0) / Math.max(1, line.text.length);
  return prev.x1 + perChar * (word.length + 1) > margins.right - 1;
}

interface Margins {
  left: (page: number) => number;
  right: number;
}

/** Where body lines start (per page: odd and even pages may differ) and end. */
function marginsOf(lines: Line[]): Margins {
  const single = lines.filter((l) => !l.wide);
  const mode = (xs: number[]) => {
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(Math.round(x), (counts.get(Math.round(x)) ?? 0) + 1);
    let best: number | undefined;
    let n = 0;
    for (const [x, c] of counts) if (c > n || (c === n && best !== undefined && x < best)) [best, n] = [x, c];
    return best;
  };
  const all = mode(single.map((l) => l.x0)) ?? 0;
  const perPage = new Map<number, number>();
  for (const page of new Set(single.map((l) => l.page))) {
    const xs = single.filter((l) => l.page === page).map((l) => l.x0);
    if (xs.length >= 5) perPage.set(page, mode(xs)!);
  }
  // The margin is the leftmost common start (indented first lines are common too).
  const left = (page: number) => Math.min(perPage.get(page) ?? all, all + 20);
  return { left, right: textRight(lines) };
}

/** The right text margin: where the longer single-column lines end (most lines of justified text). */
function textRight(lines: Line[]): number {
  const ends = lines.filter((l) => !l.wide).map((l) => l.x1);
  ends.sort((a, b) => b - a);
  return ends.length ? ends[Math.floor(0.2 * (ends.length - 1))]! : Infinity;
}

/** Wrapped text joined: a space, except after a code broken at its hyphen or slash ("BGDĐT-" "GDPT"). */
function joinWrapped(a: string, b: string): string {
  if (!a) return b;
  return /[\p{L}\p{N}][-/]$/u.test(a) && /^[\p{Lu}\p{N}]/u.test(b) ? a + b : `${a} ${b}`;
}

function paragraphOf(lines: Line[]): Paragraph {
  const text = lines.reduce((t, l) => joinWrapped(t, l.text), '').replace(/\s+/g, ' ').trim();
  const first = lines[0]!;
  return { kind: 'paragraph', text, ...(lines.every((l) => l.bold) ? { heading: true } : {}), source: { page: first.page, line: first.no } };
}
