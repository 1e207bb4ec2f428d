// The .docx reader: Word numbering, headings, tables with merged cells and sources, from files made
// here (with the docx package, or raw zips for markup it does not write); hostile zips refused in
// bounded time and memory; the real plans of the corpus read as their hand-checked expectations say.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, createInflateRaw, deflateRawSync } from 'node:zlib';
import {
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph as DocxParagraph,
  Table as DocxTable,
  TableCell as DocxTableCell,
  TableRow,
  TextRun,
} from 'docx';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readDocx, type DocxLimits } from '../../client/docx-reader.js';
import { DocumentError, readPlanDocument, readPlanStructure } from '../../client/documents.js';
import { documentText, type Paragraph, type PlanDocument, type Table } from '../../domain/document.js';

const dir = mkdtempSync(join(tmpdir(), 'docx-reader-'));
const MiB = 1024 * 1024;

const paragraphs = (doc: PlanDocument) => doc.blocks.filter((b): b is Paragraph => b.kind === 'paragraph');
const tables = (doc: PlanDocument) => doc.blocks.filter((b): b is Table => b.kind === 'table');
/** label + text, as a reader of the printed page sees the paragraph. */
const shown = (p: Paragraph) => (p.label ? `${p.label} ${p.text}` : p.text);

async function docx(children: (DocxParagraph | DocxTable)[], numbering?: ConstructorParameters<typeof Document>[0]['numbering']): Promise<PlanDocument> {
  const bytes = await Packer.toBuffer(new Document({ ...(numbering ? { numbering } : {}), sections: [{ children }] }));
  return readDocx(bytes, 'test.docx');
}

const cell = (text: string | string[], opts: { columnSpan?: number; rowSpan?: number } = {}) =>
  new DocxTableCell({ children: (Array.isArray(text) ? text : [text]).map((t) => new DocxParagraph(t)), ...opts });

// ---- raw zips: markup the docx package does not write, and zips that lie ----

interface ZipPart {
  name: string;
  data?: string | Buffer;
  /** Already deflated bytes (then `size` is the declared inflated size). */
  deflated?: Buffer;
  size?: number;
}

/** A minimal zip writer, so a test controls every declared size. */
function zip(parts: ZipPart[]): Buffer {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const data = typeof p.data === 'string' ? Buffer.from(p.data) : p.data;
    const body = p.deflated ?? deflateRawSync(data ?? Buffer.alloc(0));
    const size = p.size ?? data?.length ?? 0;
    const crc = data ? crc32(data) : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    out.push(local, name, body);
    central.push(entry, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, cd, end]);
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const NS = `xmlns:w="${W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"`;
const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const documentXml = (body: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${NS}><w:body>${body}</w:body></w:document>`;
const rawDocx = (body: string, parts: Record<string, string> = {}) =>
  zip([{ name: '[Content_Types].xml', data: CONTENT_TYPES }, { name: 'word/document.xml', data: documentXml(body) }, ...Object.entries(parts).map(([name, data]) => ({ name, data }))]);
const run = (text: string, rPr = '') => `<w:r>${rPr ? `<w:rPr>${rPr}</w:rPr>` : ''}<w:t xml:space="preserve">${text}</w:t></w:r>`;
const para = (text: string, pPr = '') => `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ''}${run(text)}</w:p>`;
const tc = (text: string, tcPr = '') => `<w:tc>${tcPr ? `<w:tcPr>${tcPr}</w:tcPr>` : ''}${text ? para(text) : '<w:p/>'}</w:tc>`;

/**
 * A deflated word/document.xml: a body of spaces, about `inflated` bytes, made from one
 * full-flushed 1 MiB segment repeated (each segment stands alone), so a 1.5 GB bomb costs the
 * test 1.5 MB and no inflating.
 */
function bomb(inflated: number): { deflated: Buffer; size: number } {
  const head = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><w:document ${NS}><w:body>`);
  const flush = { level: 9, finishFlush: constants.Z_FULL_FLUSH };
  const segment = deflateRawSync(Buffer.alloc(MiB, ' '), flush);
  const n = Math.ceil((inflated - head.length) / MiB);
  // 0x03 0x00: an empty final block ends the deflate stream.
  const deflated = Buffer.concat([deflateRawSync(head, flush), ...new Array<Buffer>(n).fill(segment), Buffer.from([0x03, 0x00])]);
  return { deflated, size: head.length + n * MiB };
}

/** Inflates as a stream, counting: the bomb is what it claims, without holding it. */
function inflatedSize(deflated: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const z = createInflateRaw();
    z.on('data', (c: Buffer) => (n += c.length));
    z.on('end', () => resolve(n));
    z.on('error', reject);
    z.end(deflated);
  });
}

/** Runs `f`, sampling the process's RSS meanwhile: how long it took and how much RSS grew at most. */
async function measured<T>(f: () => Promise<T>): Promise<{ result: T | DocumentError; ms: number; rssGrowth: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  let result: T | DocumentError;
  try {
    result = await f();
  } catch (err) {
    if (!(err instanceof DocumentError)) throw err;
    result = err;
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  peak = Math.max(peak, process.memoryUsage().rss);
  return { result, ms, rssGrowth: peak - before };
}

async function refusal(bytes: Buffer, limits: Partial<DocxLimits> = {}): Promise<DocumentError> {
  const err = await readDocx(bytes, 'plan.docx', limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentError);
  return err as DocumentError;
}

describe('paragraphs', () => {
  it('Word numbering gives labels: numbered, lettered and Roman levels that restart as Word restarts them', async () => {
    const n = (text: string, reference: string, level: number, instance?: number) =>
      new DocxParagraph({ text, numbering: { reference, level, ...(instance === undefined ? {} : { instance }) } });
    const doc = await docx(
      [
        n('MỤC TIÊU', 'muc', 0),
        n('Cải cách thể chế', 'muc', 1),
        n('Rà soát văn bản', 'muc', 2),
        n('Công bố danh mục', 'muc', 2),
        n('Sở Tư pháp chủ trì', 'muc', 3),
        n('Các sở phối hợp', 'muc', 3),
        n('Cải cách thủ tục hành chính', 'muc', 1),
        n('Rà soát thủ tục', 'muc', 2),
        n('Văn phòng UBND tỉnh chủ trì', 'muc', 3),
        n('TỔ CHỨC THỰC HIỆN', 'muc', 0),
        n('Công tác triển khai', 'muc', 1),
        n('Sở Nội vụ', 'chu', 0),
        n('Sở Tài chính', 'chu', 0),
        new DocxParagraph('Đoạn văn thường không đánh số.'),
        n('Sở Y tế', 'chu', 0),
        // A new instance of the same list restarts it; an empty numbered paragraph is still counted.
        n('Công an tỉnh', 'chu', 0, 2),
        n('', 'chu', 0, 2),
        n('Sở Công Thương', 'chu', 0, 2),
      ],
      {
        config: [
          {
            reference: 'muc',
            levels: [
              { level: 0, format: LevelFormat.UPPER_ROMAN, text: '%1.' },
              { level: 1, format: LevelFormat.DECIMAL, text: '%2.' },
              { level: 2, format: LevelFormat.DECIMAL, text: '%2.%3.' },
              { level: 3, format: LevelFormat.LOWER_LETTER, text: '%4)' },
            ],
          },
          { reference: 'chu', levels: [{ level: 0, format: LevelFormat.LOWER_LETTER, text: '%1)' }] },
        ],
      },
    );
    expect(paragraphs(doc).map((p) => [p.label, p.level, p.text])).toEqual([
      ['I.', 0, 'MỤC TIÊU'],
      ['1.', 1, 'Cải cách thể chế'],
      ['1.1.', 2, 'Rà soát văn bản'],
      ['1.2.', 2, 'Công bố danh mục'],
      ['a)', 3, 'Sở Tư pháp chủ trì'],
      ['b)', 3, 'Các sở phối hợp'],
      ['2.', 1, 'Cải cách thủ tục hành chính'],
      ['2.1.', 2, 'Rà soát thủ tục'],
      ['a)', 3, 'Văn phòng UBND tỉnh chủ trì'],
      ['II.', 0, 'TỔ CHỨC THỰC HIỆN'],
      ['1.', 1, 'Công tác triển khai'],
      ['a)', 0, 'Sở Nội vụ'],
      ['b)', 0, 'Sở Tài chính'],
      [undefined, undefined, 'Đoạn văn thường không đánh số.'],
      ['c)', 0, 'Sở Y tế'],
      ['a)', 0, 'Công an tỉnh'],
      ['c)', 0, 'Sở Công Thương'],
    ]);
    // The importer reads the label in front of the text.
    expect(documentText(doc).split('\n')).toContain('1.2. Công bố danh mục');
  });

  it('bullets: dashes stay "-", "+" stays, other glyphs are "•"', async () => {
    const b = (text: string, level: number) => new DocxParagraph({ text, numbering: { reference: 'gach', level } });
    const doc = await docx(
      [
        b('Sở Tư pháp', 0),
        b('rà soát văn bản', 1),
        b('ý kiến', 2),
        b('Sở Nội vụ', 3),
        new DocxParagraph({ text: 'Chấm tròn của docx', bullet: { level: 0 } }),
      ],
      {
        config: [
          {
            reference: 'gach',
            levels: [
              { level: 0, format: LevelFormat.BULLET, text: '-' },
              { level: 1, format: LevelFormat.BULLET, text: '+' },
              { level: 2, format: LevelFormat.BULLET, text: '\uf0b7' },
              { level: 3, format: LevelFormat.BULLET, text: '–' },
            ],
          },
        ],
      },
    );
    expect(paragraphs(doc).map(shown)).toEqual(['- Sở Tư pháp', '+ rà soát văn bản', '• ý kiến', '- Sở Nội vụ', '• Chấm tròn của docx']);
    expect(paragraphs(doc).map((p) => p.level)).toEqual([0, 1, 2, 3, 0]);
  });

  it('headings: heading and title styles, or text that is bold in every run', async () => {
    const doc = await docx([
      new DocxParagraph({ text: 'KẾ HOẠCH', heading: HeadingLevel.TITLE }),
      new DocxParagraph({ text: 'I. MỤC ĐÍCH, YÊU CẦU', heading: HeadingLevel.HEADING_1 }),
      new DocxParagraph({ children: [new TextRun({ text: '1. Sở Nội vụ', bold: true }), new TextRun({ text: ' ' }), new TextRun({ text: '(cơ quan thường trực)', bold: true })] }),
      new DocxParagraph({ children: [new TextRun({ text: 'Sở Nội vụ:', bold: true }), new TextRun(' chủ trì, theo dõi, đôn đốc.')] }),
      new DocxParagraph('Văn bản thường.'),
    ]);
    expect(paragraphs(doc).map((p) => [p.text, p.heading])).toEqual([
      ['KẾ HOẠCH', true],
      ['I. MỤC ĐÍCH, YÊU CẦU', true],
      ['1. Sở Nội vụ (cơ quan thường trực)', true],
      ['Sở Nội vụ: chủ trì, theo dõi, đôn đốc.', undefined],
      ['Văn bản thường.', undefined],
    ]);
  });

  it('sources: each paragraph its 1-based place among the body paragraphs (empty ones counted), each table its index', async () => {
    const doc = await docx([
      new DocxParagraph('Một'),
      new DocxParagraph(''),
      new DocxParagraph('Ba'),
      new DocxTable({ rows: [new TableRow({ children: [cell('ô')] })] }),
      new DocxParagraph('Bốn'),
      new DocxTable({ rows: [new TableRow({ children: [cell('ô')] })] }),
    ]);
    expect(doc.format).toBe('docx');
    expect(doc.blocks.map((b) => [b.kind, b.source])).toEqual([
      ['paragraph', { line: 1 }],
      ['paragraph', { line: 3 }],
      ['table', { table: 0 }],
      ['paragraph', { line: 4 }],
      ['table', { table: 1 }],
    ]);
  });
});

describe('tables', () => {
  it('a merged header cell and a unit cell merged over 3 rows fill the grid, the covered positions marked with their origin', async () => {
    const numbering = {
      config: [{ reference: 'gach', levels: [{ level: 0, format: LevelFormat.BULLET, text: '-' }] }],
    };
    const units = new DocxTableCell({
      children: [new DocxParagraph({ text: 'Sở Tư pháp', numbering: { reference: 'gach', level: 0 } }), new DocxParagraph({ text: 'Văn phòng UBND tỉnh', numbering: { reference: 'gach', level: 0 } })],
    });
    const doc = await docx(
      [
        new DocxParagraph('PHỤ LỤC'),
        new DocxTable({
          rows: [
            new TableRow({ children: [cell('STT'), cell('Nhiệm vụ'), cell('Đơn vị thực hiện', { columnSpan: 2 }), cell('Thời hạn')] }),
            new TableRow({ children: [cell('1'), cell('Rà soát văn bản'), cell('Sở Nội vụ', { rowSpan: 3 }), units, cell('Quý I/2026')] }),
            new TableRow({ children: [cell('2'), cell('Công bố danh mục'), cell('Công an tỉnh'), cell('Quý II/2026')] }),
            new TableRow({ children: [cell('3'), cell(['Báo cáo', 'kết quả']), cell(''), cell('Tháng 12/2026')] }),
          ],
        }),
        new DocxParagraph('Giữa hai bảng'),
        new DocxTable({
          rows: [
            new TableRow({ children: [cell('TT'), cell('Nội dung'), cell('Trách nhiệm')] }),
            new TableRow({ children: [cell('1'), cell('Tuyên truyền'), cell('Sở Văn hóa, Thể thao và Du lịch')] }),
          ],
        }),
      ],
      numbering,
    );
    const [first, second] = tables(doc);
    expect(first!.rows).toEqual([
      [{ text: 'STT' }, { text: 'Nhiệm vụ' }, { text: 'Đơn vị thực hiện' }, { text: 'Đơn vị thực hiện', from: [0, 2] }, { text: 'Thời hạn' }],
      [{ text: '1' }, { text: 'Rà soát văn bản' }, { text: 'Sở Nội vụ' }, { text: '- Sở Tư pháp\n- Văn phòng UBND tỉnh' }, { text: 'Quý I/2026' }],
      [{ text: '2' }, { text: 'Công bố danh mục' }, { text: 'Sở Nội vụ', from: [1, 2] }, { text: 'Công an tỉnh' }, { text: 'Quý II/2026' }],
      [{ text: '3' }, { text: 'Báo cáo\nkết quả' }, { text: 'Sở Nội vụ', from: [1, 2] }, { text: '' }, { text: 'Tháng 12/2026' }],
    ]);
    expect(first!.source).toEqual({ table: 0 });
    // A second table has its own columns.
    expect(second!.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['TT', 'Nội dung', 'Trách nhiệm'],
      ['1', 'Tuyên truyền', 'Sở Văn hóa, Thể thao và Du lịch'],
    ]);
    expect(second!.source).toEqual({ table: 1 });
    // The line importer sees each row once, merged positions empty.
    expect(documentText(doc).split('\n')).toEqual([
      'PHỤ LỤC',
      'STT | Nhiệm vụ | Đơn vị thực hiện |  | Thời hạn |',
      '1 | Rà soát văn bản | Sở Nội vụ | - Sở Tư pháp - Văn phòng UBND tỉnh | Quý I/2026 |',
      '2 | Công bố danh mục |  | Công an tỉnh | Quý II/2026 |',
      '3 | Báo cáo kết quả |  |  | Tháng 12/2026 |',
      'Giữa hai bảng',
      'TT | Nội dung | Trách nhiệm |',
      '1 | Tuyên truyền | Sở Văn hóa, Thể thao và Du lịch |',
    ]);
  });

  it('a table inside a cell becomes that cell text, a line per row, and is not counted as a table', async () => {
    const inner = new DocxTable({
      rows: [new TableRow({ children: [cell('Ngày 1'), cell('Khai mạc')] }), new TableRow({ children: [cell('Ngày 2'), cell('Bế mạc')] })],
    });
    const doc = await docx([
      new DocxTable({
        rows: [new TableRow({ children: [cell('1'), new DocxTableCell({ children: [new DocxParagraph('Lịch hội nghị'), inner] }), cell('Sở Nội vụ')] })],
      }),
      new DocxTable({ rows: [new TableRow({ children: [cell('sau')] })] }),
    ]);
    expect(tables(doc).map((t) => t.rows)).toEqual([
      [[{ text: '1' }, { text: 'Lịch hội nghị\nNgày 1 | Khai mạc\nNgày 2 | Bế mạc' }, { text: 'Sở Nội vụ' }]],
      [[{ text: 'sau' }]],
    ]);
    expect(tables(doc).map((t) => t.source.table)).toEqual([0, 1]);
  });

  it('gridBefore, gridAfter and a legacy hMerge give rows of one width; a table in a content control is read', async () => {
    const table =
      '<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>' +
      `<w:tr>${tc('A', '<w:gridSpan w:val="2"/>')}${tc('B')}</w:tr>` +
      `<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>${tc('C')}${tc('D')}</w:tr>` +
      `<w:tr><w:trPr><w:gridAfter w:val="1"/></w:trPr>${tc('E')}${tc('F')}</w:tr>` +
      `<w:tr>${tc('G', '<w:hMerge w:val="restart"/>')}${tc('', '<w:hMerge/>')}${tc('H')}</w:tr>` +
      '</w:tbl>';
    const doc = await readDocx(
      rawDocx(`<w:sdt><w:sdtPr><w:alias w:val="Bảng"/><w:placeholder><w:docPart w:val="x"/></w:placeholder></w:sdtPr><w:sdtContent>${table}</w:sdtContent></w:sdt>`),
      'raw.docx',
    );
    expect(tables(doc)[0]!.rows).toEqual([
      [{ text: 'A' }, { text: 'A', from: [0, 0] }, { text: 'B' }],
      [{ text: '' }, { text: 'C' }, { text: 'D' }],
      [{ text: 'E' }, { text: 'F' }, { text: '' }],
      [{ text: 'G' }, { text: 'G', from: [3, 0] }, { text: 'H' }],
    ]);
  });
});

describe('Word markup the docx package does not write', () => {
  it('content controls, revisions, hidden text, text boxes, tabs and breaks: the text a reader of the page sees', async () => {
    const textBox =
      '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>' +
      para('DỰ THẢO') +
      '</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>' +
      para('DỰ THẢO') +
      '</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>';
    const body =
      `<w:sdt><w:sdtPr><w:alias w:val="Tiêu đề"/></w:sdtPr><w:sdtContent>${para('KẾ HOẠCH')}</w:sdtContent></w:sdt>` +
      '<w:p/>' +
      '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>' +
      // "Kế" typed with a combining accent (NFD): read as the precomposed letter.
      `${run('Ke\u0302\u0301')}<w:r><w:tab/></w:r>${run('hoạch')}<w:r><w:br/></w:r>${run('số\u00a0\u00a012')}` +
      `<w:del w:id="1"><w:r><w:delText>đã xóa</w:delText></w:r></w:del><w:ins w:id="2">${run(' thêm')}</w:ins>` +
      `${run(' ẩn', '<w:vanish/>')}${textBox}<w:moveFrom w:id="3">${run(' chuyển đi')}</w:moveFrom>` +
      `<w:r><w:instrText> PAGE </w:instrText></w:r>${run(' /KH')}<w:r><w:noBreakHyphen/></w:r>${run('UBND')}</w:p>` +
      `<w:p>${run('   ')}</w:p>` +
      para('Cuối');
    const doc = await readDocx(rawDocx(body), 'raw.docx');
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: 'KẾ HOẠCH', source: { line: 1 } },
      { kind: 'paragraph', text: 'Kế hoạch số 12 thêm /KH-UBND', source: { line: 3 } },
      { kind: 'paragraph', text: 'Cuối', source: { line: 5 } },
    ]);
  });

  it('numbering from a paragraph style, switched off by numId 0, restarted by a startOverride instance that the style list then continues', async () => {
    const styles =
      `<?xml version="1.0"?><w:styles ${NS}>` +
      '<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="28"/></w:rPr></w:rPrDefault></w:docDefaults>' +
      '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>' +
      '<w:style w:type="paragraph" w:styleId="Dieu"><w:name w:val="Điều"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>' +
      '<w:style w:type="paragraph" w:styleId="u1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>' +
      '<w:style w:type="paragraph" w:styleId="Dam"><w:name w:val="Đậm"/><w:rPr><w:b/></w:rPr></w:style>' +
      '<w:style w:type="paragraph" w:styleId="Heading20"><w:name w:val="Heading #2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>' +
      '</w:styles>';
    const numbering =
      `<?xml version="1.0"?><w:numbering ${NS}>` +
      '<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Điều %1."/></w:lvl></w:abstractNum>' +
      '<w:abstractNum w:abstractNumId="8">' +
      '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl>' +
      '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%2)"/></w:lvl>' +
      // Word 2010+ writes a "custom" format with a plain fallback.
      '<w:lvl w:ilvl="2"><w:start w:val="9"/><mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="001, 002, 003, ..."/></mc:Choice>' +
      '<mc:Fallback><w:numFmt w:val="decimalZero"/></mc:Fallback></mc:AlternateContent><w:lvlText w:val="%3"/></w:lvl>' +
      '</w:abstractNum>' +
      '<w:num w:numId="5"><w:abstractNumId w:val="7"/></w:num>' +
      '<w:num w:numId="6"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>' +
      '<w:num w:numId="9"><w:abstractNumId w:val="8"/></w:num>' +
      '</w:numbering>';
    const num = (id: number, ilvl = 0) => `<w:numPr><w:ilvl w:val="${ilvl}"/><w:numId w:val="${id}"/></w:numPr>`;
    const body =
      para('Phạm vi', '<w:pStyle w:val="Dieu"/>') +
      para('Đối tượng', '<w:pStyle w:val="Dieu"/>') +
      para('Không đánh số', `<w:pStyle w:val="Dieu"/>${num(0)}`) +
      para('Đánh số lại', num(6)) +
      para('Tiếp theo', '<w:pStyle w:val="Dieu"/>') +
      para('Chữ', num(9)) +
      para('La Mã', num(9, 1)) +
      para('La Mã', num(9, 1)) +
      para('Số có 0', num(9, 2)) +
      para('Số có 0', num(9, 2)) +
      para('Chữ', num(9)) +
      para('La Mã', num(9, 1)) +
      para('Chương', '<w:pStyle w:val="u1"/>') +
      para('Đoạn tự đặt mức đề mục', '<w:outlineLvl w:val="1"/>') +
      para('Đề mục bỏ mức', '<w:pStyle w:val="u1"/><w:outlineLvl w:val="9"/>') +
      para('Kiểu chữ đậm', '<w:pStyle w:val="Dam"/>') +
      `<w:p><w:pPr><w:pStyle w:val="Dam"/></w:pPr>${run('Kiểu đậm,', '')}${run(' chữ thường', '<w:b w:val="0"/>')}</w:p>` +
      // A converted PDF's custom style with an outline level, its bold switched off: body text.
      `<w:p><w:pPr><w:pStyle w:val="Heading20"/></w:pPr>${run('- Gạch đầu dòng', '<w:b w:val="0"/>')}</w:p>` +
      para('9. Mục in đậm theo kiểu', '<w:pStyle w:val="Heading20"/>');
    const doc = await readDocx(rawDocx(body, { 'word/styles.xml': styles, 'word/numbering.xml': numbering }), 'raw.docx');
    expect(paragraphs(doc).map((p) => [shown(p), p.heading ?? false])).toEqual([
      ['Điều 1. Phạm vi', false],
      ['Điều 2. Đối tượng', false],
      ['Không đánh số', false],
      ['Điều 1. Đánh số lại', false],
      ['Điều 2. Tiếp theo', false],
      ['A. Chữ', false],
      ['(i) La Mã', false],
      ['(ii) La Mã', false],
      ['09 Số có 0', false],
      ['10 Số có 0', false],
      ['B. Chữ', false],
      ['(i) La Mã', false],
      ['Chương', true],
      ['Đoạn tự đặt mức đề mục', true],
      ['Đề mục bỏ mức', false],
      ['Kiểu chữ đậm', true],
      ['Kiểu đậm, chữ thường', false],
      ['- Gạch đầu dòng', false],
      ['9. Mục in đậm theo kiểu', true],
    ]);
  });

  it('any namespace prefix for the Word namespace', async () => {
    const xml = `<?xml version="1.0"?><x:document xmlns:x="${W}"><x:body><x:p><x:r><x:t>Tiền tố khác</x:t></x:r></x:p></x:body></x:document>`;
    const doc = await readDocx(zip([{ name: 'word/document.xml', data: xml }]), 'x.docx');
    expect(paragraphs(doc).map((p) => p.text)).toEqual(['Tiền tố khác']);
  });
});

describe('bad input', () => {
  it('a 1.5 GB bomb (1.5 MB of zip) is refused from its declared size before anything is inflated', async () => {
    const { deflated, size } = bomb(1536 * MiB);
    expect(deflated.length).toBeLessThan(1.6 * MiB);
    expect(await inflatedSize(deflated)).toBe(size);
    const bytes = zip([{ name: '[Content_Types].xml', data: CONTENT_TYPES }, { name: 'word/document.xml', deflated, size }]);
    const { result, ms, rssGrowth } = await measured(() => readDocx(bytes, 'bomb.docx'));
    expect(result).toBeInstanceOf(DocumentError);
    expect((result as DocumentError).message).toBe(
      'Tệp bomb.docx bị từ chối: phần word/document.xml khi giải nén lớn 1.536 MB, vượt giới hạn 64 MB (có thể là tệp nén độc hại).',
    );
    expect((result as DocumentError).en).toContain(`declares ${size} bytes inflated, limit ${64 * MiB}`);
    expect(ms).toBeLessThan(5000);
    expect(rssGrowth).toBeLessThan(64 * MiB);
  });

  it('the same bomb declaring 4 MB is stopped once it inflates past that, streamed in bounded memory', async () => {
    const { deflated } = bomb(1536 * MiB);
    const bytes = zip([{ name: 'word/document.xml', deflated, size: 4 * MiB }]);
    const { result, ms, rssGrowth } = await measured(() => readDocx(bytes, 'liar.docx'));
    expect(result).toBeInstanceOf(DocumentError);
    expect((result as DocumentError).message).toBe('Tệp liar.docx bị hỏng hoặc không phải .docx (phần word/document.xml giải nén ra khác kích thước đã khai báo).');
    expect((result as DocumentError).en).toMatch(/too many bytes/);
    expect(ms).toBeLessThan(5000);
    expect(rssGrowth).toBeLessThan(64 * MiB);
  });

  it('a part whose declared ratio is a bomb’s is refused before inflating, even under the size limit', async () => {
    const { deflated, size } = bomb(8 * MiB);
    const err = await refusal(zip([{ name: 'word/document.xml', deflated, size }]));
    expect(err.message).toMatch(/^Tệp plan\.docx bị từ chối: phần word\/document\.xml nén với tỉ lệ bất thường \([\d.]+:1\), dấu hiệu của tệp nén độc hại\.$/);
  });

  it('the time bound stops a long read', async () => {
    const { deflated, size } = bomb(8 * MiB);
    const err = await refusal(zip([{ name: 'word/document.xml', deflated, size }]), { maxRatio: Infinity, maxMillis: 50 });
    expect(err.message).toBe('Tệp plan.docx bị từ chối: đọc quá 0,05 giây mà chưa xong.');
  });

  it('limits on the parts together, paragraphs, table cells and zip entries', async () => {
    const plan = await Packer.toBuffer(
      new Document({
        sections: [{ children: [...['Một', 'Hai', 'Ba', 'Bốn'].map((t) => new DocxParagraph(t)), new DocxTable({ rows: [new TableRow({ children: [cell('a'), cell('b'), cell('c')] })] })] }],
      }),
    );
    expect((await refusal(plan, { maxTotalBytes: 1000 })).message).toMatch(/^Tệp plan\.docx bị từ chối: các phần cần đọc khi giải nén lớn [\d,]+ MB, vượt giới hạn 0 MB/);
    expect((await refusal(plan, { maxParagraphs: 3 })).message).toBe('Tệp plan.docx bị từ chối: có quá nhiều đoạn văn (hơn 3).');
    expect((await refusal(plan, { maxCells: 2 })).message).toBe('Tệp plan.docx bị từ chối: có quá nhiều ô bảng (hơn 2).');
    expect((await refusal(plan, { maxEntries: 3 })).message).toMatch(/^Tệp plan\.docx bị từ chối: gói \.docx có quá nhiều thành phần \(\d+\)\.$/);
    expect(paragraphs(await readDocx(plan, 'plan.docx', { maxParagraphs: 7, maxCells: 3 }))).toHaveLength(4);
  });

  it('random bytes, a zip without word/document.xml, malformed XML, an entity bomb and absurd nesting: damaged', async () => {
    const damaged = /^Tệp plan\.docx bị hỏng hoặc không phải \.docx\.$/;
    expect((await refusal(randomBytes(64 * 1024))).message).toMatch(damaged);
    const noDocument = await refusal(zip([{ name: 'xl/workbook.xml', data: '<workbook/>' }]));
    expect(noDocument.message).toMatch(damaged);
    expect(noDocument.en).toContain('no word/document.xml');
    expect((await refusal(rawDocx('<w:p><w:r><w:t>không đóng</w:r></w:p>'))).message).toMatch(damaged);
    const laughs = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document ${NS}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>`;
    expect((await refusal(zip([{ name: 'word/document.xml', data: laughs }]))).message).toMatch(damaged);
    const deep = `<w:document ${NS}><w:body>${'<w:sdt><w:sdtContent>'.repeat(5000)}${'</w:sdtContent></w:sdt>'.repeat(5000)}</w:body></w:document>`;
    expect((await refusal(zip([{ name: 'word/document.xml', data: deep }]))).message).toMatch(damaged);
  });

  it('a legacy .doc (or an encrypted .docx) is told apart from a damaged file', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), randomBytes(4096)]);
    expect((await refusal(ole)).message).toBe(
      'Tệp plan.docx là tệp Word cũ (.doc) hoặc đã đặt mật khẩu: hãy mở bằng Word, gỡ mật khẩu nếu có rồi lưu lại dưới dạng .docx.',
    );
  });

  it('readPlanDocument refuses the bomb file with the same message', async () => {
    const { deflated, size } = bomb(1536 * MiB);
    const file = join(dir, 'bomb.docx');
    writeFileSync(file, zip([{ name: 'word/document.xml', deflated, size }]));
    await expect(readPlanDocument(file)).rejects.toThrow(/bị từ chối: phần word\/document\.xml khi giải nén lớn 1\.536 MB, vượt giới hạn 64 MB/);
  });
});

describe('the corpus of real plans', () => {
  const corpus = new URL('../fixtures/corpus/', import.meta.url);
  const files = readdirSync(new URL('docs/', corpus)).filter((f) => f.endsWith('.docx'));
  const read = (name: string) => readPlanStructure(new URL(`docs/${name}`, corpus).pathname);
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

  it('has the eight Word files', () => expect(files).toHaveLength(8));

  it.each(files)('%s: every title, unit and deadline of its hand-checked expectations is in the text read', async (name) => {
    const expected = parse(readFileSync(new URL(`expected/${name.replace(/\.docx$/, '.yaml')}`, corpus), 'utf8')) as {
      tasks: { title: string; lead: string[]; support: string[]; deadline: string }[];
    };
    const text = norm(documentText(await read(name)));
    const missing = expected.tasks.flatMap((t) => [t.title, t.deadline, ...t.lead, ...t.support]).filter((s) => s && !text.includes(norm(s)));
    expect(missing).toEqual([]);
  });

  it('tables per document, as in the Word XML', async () => {
    const counts = Object.fromEntries(await Promise.all(files.map(async (f) => [f, tables(await read(f)).length] as const)));
    expect(counts).toEqual({
      'dong-thap-thpt-cao-lanh-2-kh-58-2026.docx': 2,
      'lam-dong-ubnd-kh-cchc-2026-2030-draft.docx': 3,
      'lam-dong-ubnd-kh-cchc-2026-draft.docx': 3,
      'lam-dong-ubnd-kh-kiem-tra-cchc-2026-draft.docx': 3,
      'lam-dong-ubnd-kh-pcmt-2030-draft.docx': 2,
      'lam-dong-ubnd-kh-thi-dua-cchc-2026-draft.docx': 2,
      'lam-dong-ubnd-kh-tuyen-truyen-cchc-2026-draft.docx': 4,
      'quang-ninh-mttq-luong-minh-kh-16-2025.docx': 2,
    });
  });

  it('CCHC 2026: area headings and a)/b) items exist only as Word numbering; the appendix keeps its merged cells', async () => {
    const doc = await read('lam-dong-ubnd-kh-cchc-2026-draft.docx');
    const numbered = paragraphs(doc).filter((p) => p.label);
    const words = (p: Paragraph, n: number) => `${p.label} ${p.text.split(' ').slice(0, n).join(' ')}`;
    expect(numbered.map((p) => words(p, 4))).toEqual([
      '1. Cải cách thể chế',
      '2. Cải cách thủ tục',
      '3. Cải cách tổ chức',
      '4. Cải cách chế độ',
      '5. Cải cách tài chính',
      '6. Xây dựng và phát',
      '7. Công tác chỉ đạo,',
      'a) Các sở, ban, ngành',
      'b) Cơ quan, đơn vị',
      'c) Sở Nội vụ có',
      'a) Kinh phí thực hiện',
      'b) Các cơ quan, đơn',
    ]);
    expect(numbered.slice(0, 7).every((p) => p.heading && p.level === 0)).toBe(true);
    const appendix = tables(doc)[2]!;
    expect(appendix.rows).toHaveLength(60);
    expect(appendix.rows[0]!.map((c) => c.text)).toEqual([
      'STT',
      'Nhiệm vụ',
      'Sản phẩm',
      'Thời gian hoàn thành',
      'Chủ trì thực hiện',
      'Phối hợp thực hiện',
      'Theo dõi, kiểm tra, đôn đốc',
    ]);
    // Row II.5: Chủ trì and Phối hợp merged across (gridSpan 2).
    expect(appendix.rows[11]![4]!.text).toMatch(/^Theo phân công tại Quyết định/);
    expect(appendix.rows[11]![5]).toEqual({ text: appendix.rows[11]![4]!.text, from: [11, 4] });
    // Row VII.2: STT and Nhiệm vụ merged down into the next row (a second task with its own product).
    expect(appendix.rows[51]![0]!.text).toBe('2');
    expect(appendix.rows[52]!.slice(0, 2)).toEqual([
      { text: '2', from: [51, 0] },
      { text: appendix.rows[51]![1]!.text, from: [51, 1] },
    ]);
    expect(appendix.rows[52]![2]!.from).toBeUndefined();
  });

  it('CCHC 2026-2030: typed section numbers (no Word numbering); a unit cell spanning Phối hợp and Theo dõi', async () => {
    const doc = await read('lam-dong-ubnd-kh-cchc-2026-2030-draft.docx');
    expect(paragraphs(doc).filter((p) => p.label)).toEqual([]);
    const appendix = tables(doc)[2]!;
    expect(appendix.rows).toHaveLength(67);
    expect(appendix.rows[51]!.slice(4)).toEqual([{ text: 'Các cơ quan, đơn vị, địa phương' }, { text: 'Sở Nội vụ' }, { text: 'Sở Nội vụ', from: [51, 5] }]);
  });

  it('PCMT 2030: bold numbered sub-headings are headings; dashes in its converted "Heading #2" style, bold switched off, are not', async () => {
    const doc = await read('lam-dong-ubnd-kh-pcmt-2030-draft.docx');
    const find = (start: string) => paragraphs(doc).find((p) => p.text.startsWith(start));
    expect(find('1.1. Các sở, ban, ngành, địa phương')?.heading).toBe(true);
    expect(find('4.4. Đề nghị Viện Kiểm sát nhân dân tỉnh')?.heading).toBe(true);
    expect(find('- Đẩy mạnh công tác tuyên truyền phòng, chống ma túy')?.heading).toBeUndefined();
    expect(find('- Bộ Chỉ huy quân sự tỉnh tham mưu triển khai')?.heading).toBeUndefined();
    expect(find('- Xây dựng Kế hoạch tổ chức triển khai thực hiện toàn diện')?.heading).toBeUndefined();
  });

  it('Tuyên truyền CCHC 2026: the two inline schedule tables, cells of two paragraphs kept on two lines', async () => {
    const [, sectors, communes] = tables(await read('lam-dong-ubnd-kh-tuyen-truyen-cchc-2026-draft.docx'));
    expect(sectors!.rows).toHaveLength(12);
    expect(communes!.rows).toHaveLength(11);
    expect(sectors!.rows[0]!.map((c) => c.text)).toEqual(['TT', 'Nội dung', 'Trách nhiệm\nthực hiện', 'Thời gian\n(Năm 2026)']);
    expect(sectors!.rows[2]![2]!.text).toBe('Lãnh đạo\nSở Giáo dục và Đào tạo');
  });

  it('Cao Lãnh 2: the "Nơi nhận" cell of the signature table is merged down four rows', async () => {
    const [, signature] = tables(await read('dong-thap-thpt-cao-lanh-2-kh-58-2026.docx'));
    expect(signature!.rows.map((r) => r[0]!.from)).toEqual([undefined, [0, 0], [0, 0], [0, 0]]);
    expect(signature!.rows[0]![0]!.text).toMatch(/^Nơi nhận:\n- Sở GDĐT \(bc\);/);
    expect(signature!.rows[3]![1]!.text).toBe('Trần Thanh Vũ');
  });
});
