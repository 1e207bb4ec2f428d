// Reading a .docx as structure: paragraphs with the labels Word's numbering draws, and tables as
// grids with their merged cells, from word/document.xml, numbering.xml and styles.xml only.
// A .docx is a zip, so a small file can inflate to gigabytes: sizes are checked as declared
// before inflating and counted while inflating (a header can lie), the XML is parsed as it
// streams (nothing is held whole), and time, paragraphs and table cells are bounded too.
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
// saxes: strict and streaming, no DTD entities; @xmldom builds a DOM (measured 8 s and 626 MB for 8 MB of dense XML).
import { SaxesParser, type SaxesTagNS } from 'saxes';
// yauzl: reads the central directory without inflating anything and fails a stream that inflates past its declared size.
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { Block, PlanDocument, TableCell } from '../domain/document.js';
import { DocumentError } from './document-error.js';

const MiB = 1024 * 1024;

export interface DocxLimits {
  /** Inflated bytes of word/document.xml. */
  maxDocumentBytes: number;
  /** Inflated bytes of word/numbering.xml or word/styles.xml. */
  maxPartBytes: number;
  /** Inflated bytes of all parts read. */
  maxTotalBytes: number;
  /** Declared inflated/compressed ratio refused in parts over 1 MB (Word XML deflates about 10:1, a bomb about 1000:1). */
  maxRatio: number;
  /** Entries in the zip's central directory. */
  maxEntries: number;
  /** Wall time of the whole read (a 60 MB document.xml of real Word markup reads in about 7 s). */
  maxMillis: number;
  /** Non-empty paragraphs, in the body and in table cells. */
  maxParagraphs: number;
  /** Table positions (rows × columns) over all tables, nested ones included. */
  maxCells: number;
}

export const DOCX_LIMITS: Readonly<DocxLimits> = {
  maxDocumentBytes: 64 * MiB,
  maxPartBytes: 16 * MiB,
  maxTotalBytes: 128 * MiB,
  maxRatio: 100,
  maxEntries: 10_000,
  maxMillis: 15_000,
  maxParagraphs: 200_000,
  maxCells: 500_000,
};

const RATIO_FLOOR = MiB;
/** Word nests about 40 deep (drawings in tables); a deeper document is built to exhaust the parser. */
const MAX_DEPTH = 256;
/** A gridSpan or gridBefore wider than this is not a real table. */
const MAX_SPAN = 1000;

const PARTS = { document: 'word/document.xml', numbering: 'word/numbering.xml', styles: 'word/styles.xml' } as const;
type PartName = keyof typeof PARTS;

/** Legacy .doc and password-protected .docx are OLE compound files, not zips. */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export async function readDocx(bytes: Buffer, file: string, limits: Partial<DocxLimits> = {}): Promise<PlanDocument> {
  const budget = new Budget(file, { ...DOCX_LIMITS, ...limits });
  if (bytes.subarray(0, OLE_MAGIC.length).equals(OLE_MAGIC))
    throw new DocumentError(
      `Tệp ${file} là tệp Word cũ (.doc) hoặc đã đặt mật khẩu: hãy mở bằng Word, gỡ mật khẩu nếu có rồi lưu lại dưới dạng .docx.`,
      `${file} is an OLE compound file (legacy .doc or password-protected .docx), not a zip`,
    );
  let zip: ZipFile | undefined;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true });
    const parts = await findParts(zip, budget);
    const styles = new StylesReader();
    if (parts.styles) await inflateInto(zip, parts.styles, 'styles', budget, styles);
    const numbering = new NumberingReader();
    if (parts.numbering) await inflateInto(zip, parts.numbering, 'numbering', budget, numbering);
    const body = new BodyReader(styles, numbering, budget);
    await inflateInto(zip, parts.document, 'document', budget, body);
    return { format: 'docx', blocks: body.blocks };
  } catch (err) {
    if (err instanceof DocumentError) throw err;
    throw budget.damaged((err as Error).message);
  } finally {
    try {
      zip?.close();
    } catch {
      // Closing only drops yauzl's hold on the buffer: it must not replace the result or the error.
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Limits and their messages.

class Budget {
  private readonly started = performance.now();
  private inflated = 0;
  private paragraphs = 0;
  private positions = 0;
  private wordCells = 0;

  constructor(
    readonly file: string,
    readonly limits: DocxLimits,
  ) {}

  damaged(why: string): DocumentError {
    return new DocumentError(`Tệp ${this.file} bị hỏng hoặc không phải .docx.`, `cannot read ${this.file} as .docx: ${why}`);
  }

  refused(vi: string, en: string): DocumentError {
    return new DocumentError(`Tệp ${this.file} bị từ chối: ${vi}`, `${this.file} refused: ${en}`);
  }

  /** `what` inflates past `limit`: as declared (`size`), or as counted while inflating. */
  tooLarge(what: { vi: string; en: string }, size: number | undefined, limit: number): DocumentError {
    return size === undefined
      ? this.refused(`${what.vi} giải nén ra hơn ${mb(limit)} MB (có thể là tệp nén độc hại).`, `${what.en} inflates past ${limit} bytes`)
      : this.refused(
          `${what.vi} khi giải nén lớn ${mb(size)} MB, vượt giới hạn ${mb(limit)} MB (có thể là tệp nén độc hại).`,
          `${what.en} declares ${size} bytes inflated, limit ${limit}`,
        );
  }

  /** Inflated bytes of every part together. */
  inflate(n: number): void {
    this.inflated += n;
    if (this.inflated > this.limits.maxTotalBytes) throw this.tooLarge(ALL_PARTS, undefined, this.limits.maxTotalBytes);
  }

  tick(): void {
    const ms = performance.now() - this.started;
    if (ms > this.limits.maxMillis)
      throw this.refused(
        `đọc quá ${(this.limits.maxMillis / 1000).toLocaleString('vi-VN')} giây mà chưa xong.`,
        `reading took over ${this.limits.maxMillis} ms`,
      );
  }

  paragraph(): void {
    if (++this.paragraphs > this.limits.maxParagraphs) throw this.tooMany('đoạn văn', 'paragraphs', this.limits.maxParagraphs);
  }

  /** Grid positions of a finished table. */
  cells(n: number): void {
    this.positions += n;
    if (this.positions > this.limits.maxCells) throw this.tooMany('ô bảng', 'table cells', this.limits.maxCells);
  }

  /** A <w:tc> as it is read, before its table is finished. */
  wordCell(): void {
    if (++this.wordCells > this.limits.maxCells) throw this.tooMany('ô bảng', 'table cells', this.limits.maxCells);
  }

  tooMany(vi: string, en: string, limit: number): DocumentError {
    return this.refused(`có quá nhiều ${vi} (hơn ${limit.toLocaleString('vi-VN')}).`, `more than ${limit} ${en}`);
  }
}

const ALL_PARTS = { vi: 'các phần cần đọc', en: 'the parts read' };
const mb = (n: number) => (n / MiB).toLocaleString('vi-VN', { maximumFractionDigits: 1 });

// ---------------------------------------------------------------------------------------------
// The zip: the central directory's declared sizes are judged before any byte is inflated.

async function findParts(zip: ZipFile, budget: Budget): Promise<Record<PartName, Entry | undefined> & { document: Entry }> {
  const { limits } = budget;
  if (zip.entryCount > limits.maxEntries)
    throw budget.refused(`gói .docx có quá nhiều thành phần (${zip.entryCount.toLocaleString('vi-VN')}).`, `${zip.entryCount} zip entries, limit ${limits.maxEntries}`);
  const found: Partial<Record<PartName, Entry>> = {};
  const wanted = new Map<string, PartName>(Object.entries(PARTS).map(([k, v]) => [v, k as PartName]));
  for await (const entry of zip.eachEntry()) {
    budget.tick();
    const part = wanted.get(entry.fileName.toLowerCase());
    if (part && !found[part]) found[part] = entry;
  }
  const document = found.document;
  if (!document) throw budget.damaged('no word/document.xml');
  let declared = 0;
  for (const [part, entry] of Object.entries(found) as [PartName, Entry][]) {
    const name = PARTS[part];
    if (entry.isEncrypted()) throw budget.damaged(`${name} is encrypted`);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw budget.damaged(`${name} uses compression method ${entry.compressionMethod}`);
    const limit = part === 'document' ? limits.maxDocumentBytes : limits.maxPartBytes;
    if (entry.uncompressedSize > limit) throw budget.tooLarge({ vi: `phần ${name}`, en: name }, entry.uncompressedSize, limit);
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (entry.uncompressedSize > RATIO_FLOOR && ratio > limits.maxRatio)
      throw budget.refused(
        `phần ${name} nén với tỉ lệ bất thường (${Math.round(ratio).toLocaleString('vi-VN')}:1), dấu hiệu của tệp nén độc hại.`,
        `${name} declares a ${Math.round(ratio)}:1 ratio (${entry.uncompressedSize} from ${entry.compressedSize} bytes), limit ${limits.maxRatio}:1`,
      );
    declared += entry.uncompressedSize;
  }
  if (declared > limits.maxTotalBytes) throw budget.tooLarge(ALL_PARTS, declared, limits.maxTotalBytes);
  return { ...found, document } as Record<PartName, Entry | undefined> & { document: Entry };
}

/** Streams one part into a parser, counting what is inflated: a lying header is caught by yauzl and by these counts. */
function inflateInto(zip: ZipFile, entry: Entry, part: PartName, budget: Budget, reader: PartReader): Promise<void> {
  const name = PARTS[part];
  const limit = part === 'document' ? budget.limits.maxDocumentBytes : budget.limits.maxPartBytes;
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream: Readable) => {
      if (err) return reject(budget.damaged(`${name}: ${err.message}`));
      let size = 0;
      let decoder: TextDecoder | undefined;
      let done = false;
      const fail = (e: unknown) => {
        if (done) return;
        done = true;
        stream.destroy();
        reject(e);
      };
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        try {
          size += chunk.length;
          if (size > limit) throw budget.tooLarge({ vi: `phần ${name}`, en: name }, undefined, limit);
          budget.inflate(chunk.length);
          budget.tick();
          decoder ??= new TextDecoder(chunk[0] === 0xff && chunk[1] === 0xfe ? 'utf-16le' : chunk[0] === 0xfe && chunk[1] === 0xff ? 'utf-16be' : 'utf-8');
          reader.parser.write(decoder.decode(chunk, { stream: true }));
        } catch (e) {
          fail(e);
        }
      });
      stream.on('error', (e: Error) =>
        fail(
          /too many bytes|not enough bytes/.test(e.message)
            ? new DocumentError(
                `Tệp ${budget.file} bị hỏng hoặc không phải .docx (phần ${name} giải nén ra khác kích thước đã khai báo).`,
                `cannot read ${budget.file} as .docx: ${name}: ${e.message}`,
              )
            : budget.damaged(`${name}: ${e.message}`),
        ),
      );
      stream.on('end', () => {
        if (done) return;
        try {
          reader.parser.write(decoder?.decode() ?? '');
          reader.parser.close();
        } catch (e) {
          return fail(e);
        }
        done = true;
        resolve();
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// XML walking shared by the three parts.

const W_NS = new Set(['http://schemas.openxmlformats.org/wordprocessingml/2006/main', 'http://purl.oclc.org/ooxml/wordprocessingml/main']);
const MC_NS = 'http://schemas.openxmlformats.org/markup-compatibility/2006';

/** Sees Word elements by local name; other namespaces are transparent, and `skip` subtrees are not seen at all. */
abstract class PartReader {
  readonly parser = new SaxesParser({ xmlns: true });
  /** Local names of the open elements: "" for other namespaces, "mc:…" for markup compatibility. */
  protected readonly path: string[] = [];
  private skipping = 0;

  constructor(skip: ReadonlySet<string>) {
    this.parser.on('opentag', (tag) => {
      const name = W_NS.has(tag.uri) ? tag.local : tag.uri === MC_NS ? `mc:${tag.local}` : '';
      this.path.push(name);
      if (this.path.length > MAX_DEPTH) throw new Error(`elements nested deeper than ${MAX_DEPTH}`);
      if (this.skipping) return;
      if (skip.has(name)) this.skipping = this.path.length;
      else if (name && !name.startsWith('mc:')) this.open(name, tag);
    });
    this.parser.on('closetag', () => {
      const name = this.path.pop();
      if (this.skipping) {
        if (this.path.length < this.skipping) this.skipping = 0;
        return;
      }
      if (name && !name.startsWith('mc:')) this.close(name);
    });
    this.parser.on('text', (text) => {
      if (!this.skipping) this.text(text);
    });
  }

  /** The name of the element `n` levels above the one just opened (1 = its parent). */
  protected up(n = 1): string | undefined {
    return this.path[this.path.length - 1 - n];
  }

  protected abstract open(name: string, tag: SaxesTagNS): void;
  protected close(_name: string): void {}
  protected text(_text: string): void {}
}

/** A Word attribute (w:val …) whatever prefix the document binds. */
function attr(tag: SaxesTagNS, local: string): string | undefined {
  const usual = tag.attributes[`w:${local}`];
  if (usual && W_NS.has(usual.uri)) return usual.value;
  for (const a of Object.values(tag.attributes)) if (a.local === local && W_NS.has(a.uri)) return a.value;
  return undefined;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? Math.max(-1e6, Math.min(1e6, n)) : undefined;
}

/** ST_OnOff: an element without w:val is on. */
const onOff = (v: string | undefined) => v === undefined || !/^(0|false|off)$/i.test(v);

// ---------------------------------------------------------------------------------------------
// styles.xml: what a paragraph style says about numbering, bold and headings.

interface StyleDef {
  type: string;
  name?: string;
  basedOn?: string;
  numId?: string;
  ilvl?: number;
  bold?: boolean;
}

const HEADING_STYLE = /^(heading\s*[1-9]|title|subtitle)$/i;

class StylesReader extends PartReader {
  private readonly styles = new Map<string, StyleDef>();
  private current?: StyleDef;
  defaultParagraph?: string;
  defaultBold?: boolean;

  constructor() {
    // Conditional table formatting and revisions are not the style's own properties.
    super(new Set(['tblStylePr', 'rPrChange', 'pPrChange', 'mc:Fallback']));
  }

  protected open(name: string, tag: SaxesTagNS): void {
    const cur = this.current;
    if (name === 'style') {
      const id = attr(tag, 'styleId');
      this.current = { type: attr(tag, 'type') ?? 'paragraph' };
      if (id !== undefined) {
        this.styles.set(id, this.current);
        if (this.current.type === 'paragraph' && attr(tag, 'default') !== undefined && onOff(attr(tag, 'default'))) this.defaultParagraph = id;
      }
    } else if (name === 'b' && this.up() === 'rPr') {
      if (this.up(2) === 'rPrDefault') this.defaultBold = onOff(attr(tag, 'val'));
      else if (cur && this.up(2) === 'style') cur.bold = onOff(attr(tag, 'val'));
    } else if (!cur) return;
    else if (name === 'name' && this.up() === 'style') cur.name = attr(tag, 'val');
    else if (name === 'basedOn' && this.up() === 'style') cur.basedOn = attr(tag, 'val');
    else if (name === 'numId' && this.up() === 'numPr') cur.numId = attr(tag, 'val');
    else if (name === 'ilvl' && this.up() === 'numPr') cur.ilvl = int(attr(tag, 'val'));
  }

  protected override close(name: string): void {
    if (name === 'style') this.current = undefined;
  }

  /** The style and those it is based on, nearest first (a cycle ends the chain). */
  private chain(id: string | undefined): StyleDef[] {
    const out: StyleDef[] = [];
    for (let s = id === undefined ? undefined : this.styles.get(id); s && out.length < 16 && !out.includes(s); s = s.basedOn === undefined ? undefined : this.styles.get(s.basedOn))
      out.push(s);
    return out;
  }

  numbering(id: string | undefined): { numId?: string; ilvl?: number } {
    const chain = this.chain(id);
    return { numId: chain.find((s) => s.numId !== undefined)?.numId, ilvl: chain.find((s) => s.ilvl !== undefined)?.ilvl };
  }

  bold(id: string | undefined): boolean | undefined {
    return this.chain(id).find((s) => s.bold !== undefined)?.bold;
  }

  /**
   * Word's own heading and title styles. Not a custom style's outline level: documents converted
   * from PDF put whole plans, dashes included, in styles such as "Heading #2".
   */
  heading(id: string | undefined): boolean {
    return this.chain(id).some((s) => HEADING_STYLE.test(s.name ?? ''));
  }
}

// ---------------------------------------------------------------------------------------------
// numbering.xml: list definitions, and the counters Word keeps while it draws them.

interface Level {
  start: number;
  fmt: string;
  text: string;
  /** lvlRestart: restart after this (1-based) level or a higher one is used; 0 = never. */
  restart?: number;
  legal: boolean;
}

interface NumDef {
  abstractId?: string;
  overrides: Map<number, { start?: number; level?: Level }>;
}

class NumberingReader extends PartReader {
  private readonly abstracts = new Map<string, { levels: Map<number, Level>; styleLink?: string }>();
  private readonly nums = new Map<string, NumDef>();
  private abstract?: { levels: Map<number, Level>; styleLink?: string };
  private num?: NumDef;
  private override?: { start?: number; level?: Level };
  private level?: Level;
  /** Counters belong to the abstract definition: list instances of one definition continue each other. */
  private readonly counters = new Map<string, (number | undefined)[]>();
  /** A startOverride restarts the count the first time its instance is used at that level. */
  private readonly started = new Set<string>();

  constructor() {
    // mc:Fallback is read: it holds the plain numFmt for a "custom" one Word 2010+ puts in mc:Choice.
    super(new Set(['rPr', 'pPr']));
  }

  protected open(name: string, tag: SaxesTagNS): void {
    switch (name) {
      case 'abstractNum': {
        this.abstract = { levels: new Map() };
        const id = attr(tag, 'abstractNumId');
        if (id !== undefined) this.abstracts.set(id, this.abstract);
        return;
      }
      case 'num': {
        this.num = { overrides: new Map() };
        const id = attr(tag, 'numId');
        if (id !== undefined) this.nums.set(id, this.num);
        return;
      }
      case 'abstractNumId':
        if (this.num && this.up() === 'num') this.num.abstractId = attr(tag, 'val');
        return;
      case 'lvlOverride':
        if (this.num) this.num.overrides.set(int(attr(tag, 'ilvl')) ?? 0, (this.override = {}));
        return;
      case 'startOverride':
        if (this.override) this.override.start = int(attr(tag, 'val'));
        return;
      case 'numStyleLink':
        if (this.abstract && this.up() === 'abstractNum') this.abstract.styleLink = attr(tag, 'val');
        return;
      case 'lvl': {
        const ilvl = int(attr(tag, 'ilvl')) ?? 0;
        this.level = { start: 0, fmt: 'decimal', text: '', legal: false };
        if (this.up() === 'lvlOverride' && this.override) this.override.level = this.level;
        else if (this.abstract) this.abstract.levels.set(ilvl, this.level);
        return;
      }
    }
    const lvl = this.level;
    if (!lvl) return;
    const val = attr(tag, 'val');
    if (name === 'start') lvl.start = int(val) ?? 0;
    // A "custom" format (mc:Choice) is drawn with its plain fallback, in whichever order they come.
    else if (name === 'numFmt' && val && (val !== 'custom' || lvl.fmt === 'decimal')) lvl.fmt = val;
    else if (name === 'lvlText') lvl.text = val ?? '';
    else if (name === 'lvlRestart') lvl.restart = int(val);
    else if (name === 'isLgl') lvl.legal = onOff(val);
  }

  protected override close(name: string): void {
    if (name === 'abstractNum') this.abstract = undefined;
    else if (name === 'num') this.num = undefined;
    else if (name === 'lvlOverride') this.override = undefined;
    else if (name === 'lvl') this.level = undefined;
  }

  /**
   * Counts one numbered paragraph and returns the label Word draws for it; undefined when the
   * instance does not exist (Word then draws nothing).
   */
  next(numId: string, ilvl: number, styles: StylesReader): { label?: string } | undefined {
    const num = this.nums.get(numId);
    if (!num || ilvl < 0 || ilvl > 8) return undefined;
    const abstractId = this.resolve(num.abstractId, styles);
    const abstract = abstractId === undefined ? undefined : this.abstracts.get(abstractId);
    if (!abstract || abstractId === undefined) return undefined;
    const def = (i: number) => num.overrides.get(i)?.level ?? abstract.levels.get(i);
    const level = def(ilvl);
    if (!level) return {};
    let counters = this.counters.get(abstractId);
    if (!counters) this.counters.set(abstractId, (counters = []));
    const override = num.overrides.get(ilvl)?.start;
    const key = `${numId}:${ilvl}`;
    if (!this.started.has(key)) {
      this.started.add(key);
      if (override !== undefined) counters[ilvl] = override - 1;
    }
    counters[ilvl] = (counters[ilvl] ?? level.start - 1) + 1;
    for (let d = ilvl + 1; d < 9; d++) {
      const restart = def(d)?.restart;
      if (restart === undefined || restart > d || ilvl < restart) counters[d] = undefined;
    }
    if (level.fmt === 'bullet') return { label: bullet(level.text) };
    const text = level.text.replace(/%([1-9])/g, (_, k: string) => {
      const i = Number(k) - 1;
      const d = def(i);
      return formatNumber(counters[i] ?? d?.start ?? 1, level.legal && d?.fmt !== 'none' ? 'decimal' : (d?.fmt ?? 'decimal'));
    });
    return { label: text.trim() || undefined };
  }

  /** An abstract that only links to a numbering style (numStyleLink) takes the definition the style points to. */
  private resolve(abstractId: string | undefined, styles: StylesReader): string | undefined {
    for (let hops = 0; abstractId !== undefined && hops < 4; hops++) {
      const link = this.abstracts.get(abstractId)?.styleLink;
      if (link === undefined) return abstractId;
      const numId = styles.numbering(link).numId;
      const next = numId === undefined ? undefined : this.nums.get(numId)?.abstractId;
      if (next === undefined || next === abstractId) return abstractId;
      abstractId = next;
    }
    return abstractId;
  }
}

/** Dashes (typed or from symbol fonts) stay "-", a "+" stays "+", any other bullet glyph is "•". */
function bullet(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (/^[-\u2010-\u2015\u2212\ufe63\uff0d\uf02d]$/.test(t)) return '-';
  if (t === '+') return '+';
  return '•';
}

function formatNumber(n: number, fmt: string): string {
  switch (fmt) {
    case 'none':
      return '';
    case 'lowerLetter':
      return letters(n);
    case 'upperLetter':
      return letters(n).toUpperCase();
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'upperRoman':
      return roman(n);
    case 'decimalZero':
      return n >= 0 && n < 10 ? `0${n}` : String(n);
    default:
      // decimal, and the formats (ordinal, Asian numerals …) a Vietnamese plan does not use: their number.
      return String(n);
  }
}

/** Word's letters: a … z, then aa … zz, aaa … */
function letters(n: number): string {
  if (n < 1 || n > 26 * 10) return String(n);
  return String.fromCharCode(97 + ((n - 1) % 26)).repeat(Math.floor((n - 1) / 26) + 1);
}

function roman(n: number): string {
  if (n < 1 || n >= 4000) return String(n);
  let out = '';
  for (const [v, s] of [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']] as const)
    for (; n >= v; n -= v) out += s;
  return out;
}

// ---------------------------------------------------------------------------------------------
// document.xml: the body.

interface ParaState {
  parts: string[];
  line?: number;
  style?: string;
  numId?: string;
  ilvl?: number;
  /** The paragraph's own outline level says heading (or, level 9, body text) over its style's name. */
  outline?: boolean;
  /** Runs with visible text, and how many of them are bold. */
  textRuns: number;
  boldRuns: number;
}

interface RunState {
  bold?: boolean;
  style?: string;
  hidden: boolean;
  hasText: boolean;
}

type Merge = 'restart' | 'continue';

interface CellState {
  paras: string[];
  span: number;
  vMerge?: Merge;
  hMerge?: Merge;
}

interface RowState {
  cells: CellState[];
  before: number;
  after: number;
}

/** Deleted and moved-away text, revisions' old properties, content-control properties, drawings and text boxes are not body text. */
const BODY_SKIP = new Set([
  'del',
  'moveFrom',
  'pPrChange',
  'rPrChange',
  'tblPrChange',
  'trPrChange',
  'tcPrChange',
  'sectPrChange',
  'tblGridChange',
  'numberingChange',
  'sdtPr',
  'sdtEndPr',
  'drawing',
  'pict',
  'object',
  'txbxContent',
  'mc:Fallback',
]);

/** The properties read from the body (most elements are not, and need no attribute lookup). */
const BODY_PROPERTIES = new Set(['b', 'rStyle', 'vanish', 'pStyle', 'outlineLvl', 'numId', 'ilvl', 'gridBefore', 'gridAfter', 'gridSpan', 'vMerge', 'hMerge']);

class BodyReader extends PartReader {
  readonly blocks: Block[] = [];
  private bodyParagraphs = 0;
  private tablesSeen = 0;
  private para?: ParaState;
  /** Nested <w:p> (malformed) continue their outer paragraph. */
  private paraDepth = 0;
  private run?: RunState;
  private inText = false;
  private readonly tables: RowState[][] = [];

  constructor(
    private readonly styles: StylesReader,
    private readonly numbering: NumberingReader,
    private readonly budget: Budget,
  ) {
    super(BODY_SKIP);
  }

  private row(): RowState | undefined {
    return this.tables.at(-1)?.at(-1);
  }

  private cell(): CellState | undefined {
    return this.row()?.cells.at(-1);
  }

  protected open(name: string, tag: SaxesTagNS): void {
    const para = this.para;
    const run = this.run;
    switch (name) {
      case 'p':
        if (this.paraDepth++ > 0) return;
        this.para = { parts: [], textRuns: 0, boldRuns: 0 };
        // Body paragraphs are numbered as Word counts them, empty ones included.
        if (!this.tables.length) this.para.line = ++this.bodyParagraphs;
        return;
      case 'r':
        this.run = { hidden: false, hasText: false };
        return;
      case 't':
        this.inText = this.up() === 'r';
        return;
      case 'tab':
      case 'ptab':
      case 'br':
      case 'cr':
        if (run && para && this.up() === 'r') para.parts.push(' ');
        return;
      case 'noBreakHyphen':
        if (run && para && this.up() === 'r') para.parts.push('-');
        return;
      case 'tbl':
        this.tables.push([]);
        return;
      case 'tr':
        this.tables.at(-1)?.push({ cells: [], before: 0, after: 0 });
        return;
      case 'tc':
        this.budget.wordCell();
        this.row()?.cells.push({ paras: [], span: 1 });
        return;
    }
    if (!BODY_PROPERTIES.has(name)) return;
    const val = attr(tag, 'val');
    const parent = this.up();
    if (parent === 'rPr' && this.up(2) === 'r' && run) {
      if (name === 'b') run.bold = onOff(val);
      else if (name === 'rStyle') run.style = val;
      else if (name === 'vanish') run.hidden = onOff(val);
    } else if (para && parent === 'pPr') {
      if (name === 'pStyle') para.style = val;
      else if (name === 'outlineLvl') para.outline = (int(val) ?? 9) < 9;
    } else if (para && parent === 'numPr' && this.up(2) === 'pPr') {
      if (name === 'numId') para.numId = val;
      else if (name === 'ilvl') para.ilvl = int(val);
    } else if (parent === 'trPr') {
      const row = this.row();
      if (row && name === 'gridBefore') row.before = span(val, 0);
      else if (row && name === 'gridAfter') row.after = span(val, 0);
    } else if (parent === 'tcPr') {
      const cell = this.cell();
      if (!cell) return;
      if (name === 'gridSpan') cell.span = span(val, 1);
      else if (name === 'vMerge') cell.vMerge = val === 'restart' ? 'restart' : 'continue';
      else if (name === 'hMerge') cell.hMerge = val === 'restart' ? 'restart' : 'continue';
    }
  }

  protected override text(text: string): void {
    const { para, run } = this;
    if (!this.inText || !para || !run || run.hidden) return;
    para.parts.push(text);
    if (!run.hasText && /\S/.test(text)) run.hasText = true;
  }

  protected override close(name: string): void {
    if (name === 't') this.inText = false;
    else if (name === 'r') {
      const { para, run } = this;
      if (para && run?.hasText) {
        para.textRuns++;
        if (run.bold ?? this.styles.bold(run.style) ?? this.styles.bold(para.style ?? this.styles.defaultParagraph) ?? this.styles.defaultBold) para.boldRuns++;
      }
      this.run = undefined;
    } else if (name === 'p') {
      if (--this.paraDepth === 0) this.endParagraph();
    } else if (name === 'tbl') this.endTable();
  }

  private endParagraph(): void {
    const p = this.para;
    this.para = undefined;
    if (!p) return;
    const style = p.style ?? this.styles.defaultParagraph;
    const fromStyle = this.styles.numbering(style);
    // numId 0 on the paragraph switches off a style's numbering; a numbered empty paragraph still counts.
    const numId = p.numId ?? fromStyle.numId;
    const ilvl = p.ilvl ?? fromStyle.ilvl ?? 0;
    const numbered = numId !== undefined && numId !== '0' ? this.numbering.next(numId, ilvl, this.styles) : undefined;
    const text = tidy(p.parts.join(''));
    if (!text) return;
    this.budget.paragraph();
    const label = numbered?.label;
    const cell = this.cell();
    if (this.tables.length && cell) {
      cell.paras.push(label ? `${label} ${text}` : text);
      return;
    }
    const heading = (p.outline ?? this.styles.heading(style)) || (p.textRuns > 0 && p.boldRuns === p.textRuns);
    this.blocks.push({
      kind: 'paragraph',
      text,
      ...(label ? { label } : {}),
      ...(numbered ? { level: ilvl } : {}),
      ...(heading ? { heading: true } : {}),
      source: p.line === undefined ? {} : { line: p.line },
    });
  }

  private endTable(): void {
    const rows = this.tables.pop();
    if (!rows) return;
    const grid = expandGrid(rows, this.budget);
    if (this.tables.length) {
      // A table in a cell becomes that cell's text, a line per row.
      const text = grid
        .map((r) => r.filter((c) => !c.from && c.text).map((c) => c.text.replace(/\s*\n\s*/g, ' ')).join(' | '))
        .filter(Boolean)
        .join('\n');
      if (text) this.cell()?.paras.push(text);
      return;
    }
    if (!grid.length || !grid[0]!.length) return;
    this.blocks.push({ kind: 'table', rows: grid, source: { table: this.tablesSeen++ } });
  }
}

const span = (v: string | undefined, min: number) => Math.max(min, Math.min(MAX_SPAN, int(v) ?? min));

/** Whitespace as a reader sees it, and one Unicode form for Vietnamese diacritics (Word keeps what was typed or pasted). */
const tidy = (s: string) => s.replace(/\s+/g, ' ').trim().normalize('NFC');

/**
 * Rows of Word cells to a grid of equal width: gridBefore/gridAfter and short rows are empty
 * positions; a gridSpan or hMerge fills positions to the right, a vMerge continuation the
 * positions below its origin, all with the origin's text and `from` its position.
 */
function expandGrid(rows: RowState[], budget: Budget): TableCell[][] {
  const width = Math.max(0, ...rows.map((r) => r.before + r.cells.reduce((n, c) => n + c.span, 0) + r.after));
  budget.cells(width * rows.length);
  interface Region {
    row: number;
    col: number;
    texts: string[];
  }
  const owners: (Region | undefined)[][] = rows.map(() => new Array<Region | undefined>(width).fill(undefined));
  rows.forEach((r, i) => {
    let col = r.before;
    for (const c of r.cells) {
      const text = c.paras.join('\n');
      const above = i > 0 ? owners[i - 1]![col] : undefined;
      const left = col > 0 ? owners[i]![col - 1] : undefined;
      let region: Region;
      if (c.vMerge === 'continue' && above && above.col === col) region = above;
      else if (c.hMerge === 'continue' && left) region = left;
      else region = { row: i, col, texts: [] };
      // A continuation cell with text of its own (Word moves it into the merged cell): keep it.
      if (text && !region.texts.includes(text)) region.texts.push(text);
      for (let k = 0; k < c.span; k++) owners[i]![col + k] = region;
      col += c.span;
    }
  });
  return owners.map((row, i) =>
    row.map((region, j): TableCell => {
      if (!region) return { text: '' };
      const text = region.texts.join('\n');
      return region.row === i && region.col === j ? { text } : { text, from: [region.row, region.col] };
    }),
  );
}
