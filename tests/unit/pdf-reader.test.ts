// The PDF reader: text items with positions become lines, paragraphs and tables; running headers
// and page numbers go; scans are OCRed (Tesseract, installed by the test setup) through the same
// layout; limits refuse huge files and slow OCR with a clear message. PDFs are drawn here with
// pdfkit at known positions; the real plans of the corpus are read too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentError, readPlanStructure } from '../../client/documents.js';
import { parseTsv } from '../../client/ocr.js';
import { readPdf, type PdfLimits } from '../../client/pdf-reader.js';
import { documentText, type Paragraph, type PlanDocument, type Table } from '../../domain/document.js';
import { parseHeader } from '../../domain/plan-text.js';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const dir = mkdtempSync(join(tmpdir(), 'pdf-reader-'));
const corpus = (name: string) => fileURLToPath(new URL(`../fixtures/corpus/docs/${name}`, import.meta.url));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Doc = InstanceType<typeof PDFDocument>;

/** A PDF drawn by `draw` (A4, DejaVu, no automatic page breaks in the way). */
function pdf(draw: (doc: Doc) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 20, autoFirstPage: true });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('body', FONT);
    doc.registerFont('bold', BOLD);
    doc.font('body');
    draw(doc);
    doc.end();
  });
}

const paragraphs = (d: PlanDocument) => d.blocks.filter((b): b is Paragraph => b.kind === 'paragraph');
const tables = (d: PlanDocument) => d.blocks.filter((b): b is Table => b.kind === 'table');
const grid = (t: Table) => t.rows.map((r) => r.map((c) => (c.from ? '<' : c.text)));

async function refusal(p: Promise<unknown>): Promise<DocumentError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentError);
  return err as DocumentError;
}

/** OCR slips aside: most words of the phrase are in the text. */
function roughly(text: string, phrase: string, share = 0.75): boolean {
  const words = new Set(text.toLowerCase().split(/[\s,.;:()"“”]+/u));
  const wanted = phrase.toLowerCase().split(/[\s,.;:()"“”]+/u).filter(Boolean);
  return wanted.filter((w) => words.has(w)).length >= share * wanted.length;
}

describe('lines from positioned text', () => {
  it('joins the items of a line in x order, with a space at word gaps and none inside a word', async () => {
    const bytes = await pdf((doc) => {
      doc.fontSize(12);
      const y = 100;
      // Written right half first, and one word in two pieces with no gap: "Hạn" + "h".
      const x0 = 60;
      const space = doc.widthOfString(' ');
      const w1 = doc.widthOfString('Sở Nội vụ chủ trì,');
      const w2 = doc.widthOfString('Hạn');
      doc.text('h chót: Quý III/2027', x0 + w1 + space + w2, y, { lineBreak: false });
      doc.text('Sở Nội vụ chủ trì,', x0, y, { lineBreak: false });
      doc.text('Hạn', x0 + w1 + space, y, { lineBreak: false });
      // A raised note number stays on its line; the next line (same x) is its own line.
      const end = x0 + w1 + space + w2 + doc.widthOfString('h chót: Quý III/2027 ');
      doc.fontSize(7).text('1', end, y + 1, { lineBreak: false });
      doc.fontSize(12).text('Công an tỉnh phối hợp.', x0, y + 40, { lineBreak: false });
    });
    const d = await readPdf(bytes, 'dong.pdf');
    expect(paragraphs(d).map((p) => p.text)).toEqual(['Sở Nội vụ chủ trì, Hạnh chót: Quý III/2027 1', 'Công an tỉnh phối hợp.']);
    expect(paragraphs(d).map((p) => p.source)).toEqual([
      { page: 1, line: 1 },
      { page: 1, line: 2 },
    ]);
    expect(d).toMatchObject({ format: 'pdf', pages: 1 });
    expect(d.ocr).toBeUndefined();
  });

  it('joins the wrapped lines of a paragraph, not the lines of a list or a heading', async () => {
    const long =
      'Các sở, ban, ngành tỉnh, Ủy ban nhân dân các huyện, thị xã, thành phố căn cứ chức năng, nhiệm vụ được giao tổ chức triển khai thực hiện Kế hoạch này, báo cáo kết quả về Sở Nội vụ trước ngày 15 hằng tháng.';
    const bytes = await pdf((doc) => {
      doc.font('bold').fontSize(12).text('IV. TỔ CHỨC THỰC HIỆN', 60, 100, { width: 470 });
      doc.font('body').text(long, 60, doc.y + 6, { width: 470, indent: 30 });
      doc.text('- Sở Tư pháp chủ trì rà soát.', 60, doc.y + 6, { width: 470, indent: 30 });
      doc.text('- Công an tỉnh phối hợp.', 60, doc.y, { width: 470, indent: 30 });
    });
    const d = await readPdf(bytes, 'list.pdf');
    expect(paragraphs(d).map((p) => p.text)).toEqual(['IV. TỔ CHỨC THỰC HIỆN', long, '- Sở Tư pháp chủ trì rà soát.', '- Công an tỉnh phối hợp.']);
    expect(paragraphs(d)[0]!.heading).toBe(true);
    expect(paragraphs(d)[1]!.heading).toBeUndefined();
  });
});

describe('running headers and footers', () => {
  it('removes a gazette header, a repeated document header and page numbers, and keeps the first page’s header', async () => {
    const bytes = await pdf((doc) => {
      for (let page = 1; page <= 3; page++) {
        if (page > 1) doc.addPage();
        doc.fontSize(9);
        // Gazette header: its page number on the outer side, issue and date the same.
        const gazette = 'CÔNG BÁO/Số 45 + 46/Ngày 15-01-2024';
        if (page % 2) {
          doc.text(gazette, 40, 22, { lineBreak: false });
          doc.text(String(16 + page), 540, 22, { lineBreak: false });
        } else {
          doc.text(String(16 + page), 40, 22, { lineBreak: false });
          doc.text(gazette, 380, 22, { lineBreak: false });
        }
        doc.text('Kế hoạch số 12/KH-SNV ngày 10/02/2024 của Sở Nội vụ tỉnh Hậu Giang', 150, 40, { lineBreak: false });
        doc.fontSize(12);
        if (page === 1) {
          doc.text('UBND TỈNH HẬU GIANG', 60, 80, { lineBreak: false });
          doc.text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 280, 80, { lineBreak: false });
          doc.text('SỞ NỘI VỤ', 95, 96, { lineBreak: false });
          doc.text('Độc lập - Tự do - Hạnh phúc', 320, 96, { lineBreak: false });
          doc.text('Số: 12/KH-SNV', 80, 124, { lineBreak: false });
          doc.text('Hậu Giang, ngày 10 tháng 02 năm 2024', 300, 124, { lineBreak: false });
          doc.text('KẾ HOẠCH', 260, 160, { lineBreak: false });
        }
        doc.text(`Nội dung trang ${page}: Sở Nội vụ chủ trì nhiệm vụ số ${page}.`, 60, 300, { lineBreak: false });
        // A number alone in the body is text, not a page number.
        doc.text(String(page), 60, 330, { lineBreak: false });
        doc.fontSize(10).text(`- ${page} -`, 280, 805, { lineBreak: false });
      }
    });
    const d = await readPdf(bytes, 'gazette.pdf');
    const text = documentText(d);
    expect(text).not.toMatch(/CÔNG BÁO|Kế hoạch số 12\/KH-SNV ngày|- \d -/);
    expect(text.split('\n')).toEqual([
      'UBND TỈNH HẬU GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc',
      'Số: 12/KH-SNV Hậu Giang, ngày 10 tháng 02 năm 2024',
      'KẾ HOẠCH',
      'Nội dung trang 1: Sở Nội vụ chủ trì nhiệm vụ số 1.',
      '1',
      'Nội dung trang 2: Sở Nội vụ chủ trì nhiệm vụ số 2.',
      '2',
      'Nội dung trang 3: Sở Nội vụ chủ trì nhiệm vụ số 3.',
      '3',
    ]);
    // The issuer is the document's, not the running header's.
    expect(parseHeader(text.split('\n'))).toMatchObject({ agency: 'SỞ NỘI VỤ', number: '12/KH-SNV', date: '2024-02-10' });
    // Sources count the page's lines as printed (the removed header lines included).
    expect(paragraphs(d).find((p) => p.text.startsWith('Nội dung trang 2'))!.source).toEqual({ page: 2, line: 3 });
  });
});

/** Column left edges and widths of the test tables (points). */
const COLS = [40, 68, 230, 312, 394, 470];
const WIDTHS = [28, 162, 82, 82, 76, 85];
const HEADER = ['TT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành', 'Sản phẩm'];

interface Row {
  cells: string[];
  /** The ordinal centred vertically in its row (alone on its own line). */
  centred?: boolean;
  /** A section row: the title spans the row. */
  section?: boolean;
}

/** Draws rows without borders, each cell's text wrapped to its column; returns the y below. */
function drawRows(doc: Doc, rows: Row[], top: number, bold = false): number {
  const PAD = 4;
  let y = top;
  doc.fontSize(9);
  for (const row of rows) {
    doc.font(bold ? 'bold' : 'body');
    const width = (c: number) => (row.section && c === 1 ? 555 - COLS[1]! - 6 : WIDTHS[c]! - 6);
    const heights = row.cells.map((t, c) => (t ? doc.heightOfString(t, { width: width(c) }) : 0));
    const h = Math.max(...heights);
    row.cells.forEach((t, c) => {
      if (!t) return;
      const ty = c === 0 && row.centred ? y + PAD + (h - heights[0]!) / 2 : y + PAD;
      doc.text(t, COLS[c]! + 3, ty, { width: width(c) });
    });
    y += h + 2 * PAD;
  }
  doc.font('body');
  return y;
}

describe('tables from positions', () => {
  it('finds a task table: wrapped header, section rows, cells wrapped word by word, a centred number, a row and the table continued on the next page', async () => {
    const bytes = await pdf((doc) => {
      doc.fontSize(12).text('PHÂN CÔNG NHIỆM VỤ', 220, 60, { lineBreak: false });
      let y = drawRows(doc, [{ cells: HEADER }], 90, true);
      y = drawRows(
        doc,
        [
          { cells: ['I', 'Nhóm nhiệm vụ về thể chế và chính sách của tỉnh'], section: true },
          { cells: ['1', 'Rà soát quy trình nội bộ giải quyết thủ tục hành chính', 'Văn phòng UBND tỉnh', 'Công an tỉnh', 'Tháng 3/2023', 'Báo cáo'] },
          {
            cells: ['2', 'Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính', 'Sở Thông tin và Truyền thông', 'Các sở, ban, ngành; UBND các huyện', 'Quý II năm 2023', 'Kế hoạch'],
          },
          {
            cells: ['3', 'Hướng dẫn người dân nộp hồ sơ trực tuyến tại Bộ phận một cửa các cấp trong toàn tỉnh', 'UBND các huyện', 'Sở Nội vụ', 'Thường xuyên', 'Báo cáo quý'],
            centred: true,
          },
          { cells: ['II', 'Nhóm nhiệm vụ về dịch vụ công'], section: true },
          { cells: ['4', 'Kết nối hệ thống một cửa điện tử', 'Sở Thông tin và Truyền thông', 'Văn phòng UBND tỉnh', 'Quý II năm 2023', 'Hệ thống'] },
        ],
        y,
      );
      doc.addPage();
      // The next page: the header again, the rest of row 4 (nothing in the TT column), row 5.
      y = drawRows(doc, [{ cells: HEADER }], 60, true);
      y = drawRows(
        doc,
        [
          { cells: ['', 'của tỉnh với Cổng Dịch vụ công quốc gia'] },
          { cells: ['5', 'Tổng hợp, báo cáo kết quả thực hiện', 'Công an tỉnh', 'Các sở, ban, ngành', 'Trước ngày 15 hằng tháng', 'Báo cáo'] },
        ],
        y,
      );
      doc.fontSize(12).text('Nơi nhận:', 40, y + 30, { lineBreak: false });
    });
    const d = await readPdf(bytes, 'table.pdf');
    expect(tables(d)).toHaveLength(1);
    const t = tables(d)[0]!;
    expect(t.source).toEqual({ page: 1, line: 2, table: 0 });
    expect(grid(t)).toEqual([
      HEADER,
      ['I', 'Nhóm nhiệm vụ về thể chế và chính sách của tỉnh', '<', '<', '<', '<'],
      ['1', 'Rà soát quy trình nội bộ giải quyết thủ tục hành chính', 'Văn phòng UBND tỉnh', 'Công an tỉnh', 'Tháng 3/2023', 'Báo cáo'],
      ['2', 'Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính', 'Sở Thông tin và Truyền thông', 'Các sở, ban, ngành; UBND các huyện', 'Quý II năm 2023', 'Kế hoạch'],
      ['3', 'Hướng dẫn người dân nộp hồ sơ trực tuyến tại Bộ phận một cửa các cấp trong toàn tỉnh', 'UBND các huyện', 'Sở Nội vụ', 'Thường xuyên', 'Báo cáo quý'],
      ['II', 'Nhóm nhiệm vụ về dịch vụ công', '', '', '', ''],
      ['4', 'Kết nối hệ thống một cửa điện tử của tỉnh với Cổng Dịch vụ công quốc gia', 'Sở Thông tin và Truyền thông', 'Văn phòng UBND tỉnh', 'Quý II năm 2023', 'Hệ thống'],
      ['5', 'Tổng hợp, báo cáo kết quả thực hiện', 'Công an tỉnh', 'Các sở, ban, ngành', 'Trước ngày 15 hằng tháng', 'Báo cáo'],
    ]);
    // The merged positions of a spanning title point at it.
    expect(t.rows[1]![3]).toEqual({ text: 'Nhóm nhiệm vụ về thể chế và chính sách của tỉnh', from: [1, 1] });
    expect(paragraphs(d).map((p) => p.text)).toEqual(['PHÂN CÔNG NHIỆM VỤ', 'Nơi nhận:']);
    // The importer's text: one "a | b |" line per row.
    expect(documentText(d).split('\n')[5]).toBe('3 | Hướng dẫn người dân nộp hồ sơ trực tuyến tại Bộ phận một cửa các cấp trong toàn tỉnh | UBND các huyện | Sở Nội vụ | Thường xuyên | Báo cáo quý |');
  });

  it('reads a bordered table by its borders: a cell merged down two rows, a two-column table', async () => {
    const bytes = await pdf((doc) => {
      const xs = [40, 70, 300, 420, 555];
      const ys = [100, 130, 170, 210, 250];
      doc.lineWidth(0.5);
      // Between rows 2 and 3 the lead column has no border: one cell over both rows.
      for (const y of ys)
        if (y === ys[3]) doc.moveTo(xs[0]!, y).lineTo(xs[2]!, y).moveTo(xs[3]!, y).lineTo(xs[4]!, y).stroke();
        else doc.moveTo(xs[0]!, y).lineTo(xs[4]!, y).stroke();
      for (const x of xs) doc.moveTo(x, ys[0]!).lineTo(x, ys[4]!).stroke();
      doc.fontSize(10);
      const cell = (t: string, c: number, r: number, dy = 0) => doc.text(t, xs[c]! + 4, ys[r]! + 6 + dy, { width: xs[c + 1]! - xs[c]! - 8 });
      ['STT', 'Nội dung công việc', 'Đơn vị chủ trì', 'Thời hạn'].forEach((t, c) => cell(t, c, 0));
      ['1', 'Xây dựng kế hoạch tuyên truyền cải cách hành chính', 'Sở Nội vụ', 'Tháng 01/2026'].forEach((t, c) => cell(t, c, 1));
      // The merged cell's text centred over its two rows: printed in the second row's band.
      ['2', 'Tổ chức hội nghị tập huấn', 'Sở Tư pháp', 'Quý I/2026'].forEach((t, c) => (c === 2 ? cell(t, c, 2, 36) : cell(t, c, 2)));
      ['3', 'Kiểm tra, đánh giá kết quả thực hiện', '', 'Quý IV/2026'].forEach((t, c) => t && cell(t, c, 3));
      // A programme in two columns, with borders: still a table.
      const px = [40, 140, 555];
      const py = [320, 345, 370, 395];
      for (const y of py) doc.moveTo(px[0]!, y).lineTo(px[2]!, y).stroke();
      for (const x of px) doc.moveTo(x, py[0]!).lineTo(x, py[3]!).stroke();
      [
        ['THỜI GIAN', 'NỘI DUNG'],
        ['8h30 - 8h35', 'Tuyên bố lí do, giới thiệu đại biểu'],
        ['8h35 - 9h00', 'Báo cáo tóm tắt kết quả thực hiện'],
      ].forEach((row, r) => row.forEach((t, c) => doc.text(t, px[c]! + 4, py[r]! + 7, { lineBreak: false })));
    });
    const d = await readPdf(bytes, 'ruled.pdf');
    expect(tables(d).map(grid)).toEqual([
      [
        ['STT', 'Nội dung công việc', 'Đơn vị chủ trì', 'Thời hạn'],
        ['1', 'Xây dựng kế hoạch tuyên truyền cải cách hành chính', 'Sở Nội vụ', 'Tháng 01/2026'],
        ['2', 'Tổ chức hội nghị tập huấn', 'Sở Tư pháp', 'Quý I/2026'],
        ['3', 'Kiểm tra, đánh giá kết quả thực hiện', '<', 'Quý IV/2026'],
      ],
      [
        ['THỜI GIAN', 'NỘI DUNG'],
        ['8h30 - 8h35', 'Tuyên bố lí do, giới thiệu đại biểu'],
        ['8h35 - 9h00', 'Báo cáo tóm tắt kết quả thực hiện'],
      ],
    ]);
    expect(tables(d)[0]!.rows[3]![2]).toEqual({ text: 'Sở Tư pháp', from: [2, 2] });
  });
});

/** A minimal valid PDF of `n` empty pages sharing one content stream (cheap to make at any size). */
function manyPages(n: number): Buffer {
  const objects: string[] = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  const kids = Array.from({ length: n }, (_, i) => `${i + 4} 0 R`).join(' ');
  objects[2] = `<< /Type /Pages /Count ${n} /Kids [${kids}] >>`;
  objects[3] = '<< /Length 0 >>\nstream\n\nendstream';
  for (let i = 0; i < n; i++) objects[i + 4] = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>';
  let out = '%PDF-1.7\n';
  const offsets: number[] = [];
  for (let k = 1; k < objects.length; k++) {
    offsets[k] = Buffer.byteLength(out);
    out += `${k} 0 obj\n${objects[k]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let k = 1; k < objects.length; k++) out += `${String(offsets[k]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

describe('limits', () => {
  it('refuses a 2,000-page PDF quickly, before reading its pages', async () => {
    const file = join(dir, 'huge.pdf');
    writeFileSync(file, manyPages(2000));
    const started = performance.now();
    const err = await refusal(readPlanStructure(file));
    const ms = performance.now() - started;
    expect(err.message).toBe(`Tệp ${file} có 2.000 trang, quá giới hạn 500 trang của một kế hoạch.`);
    expect(err.en).toContain('2000 pages (limit 500)');
    expect(ms).toBeLessThan(3000);
    console.log(`2,000-page PDF refused in ${ms.toFixed(0)} ms`);
  });
});

const PLAN_LINES = [
  'KẾ HOẠCH',
  'Triển khai Đề án 06 tại Sở Nội vụ năm 2024',
  'I. MỤC ĐÍCH, YÊU CẦU',
  '1. Sở Nội vụ chủ trì, phối hợp với Công an tỉnh triển khai thực hiện.',
  '2. Văn phòng Sở tổng hợp, báo cáo kết quả trước ngày 15 hằng tháng.',
];

/** A plan page as a scanner gives it: pdfkit text rasterised (pdftoppm), the images put in a new PDF. */
async function scanned(name: string, withTable = true, copies = 1): Promise<Buffer> {
  const text = await pdf((doc) => {
    doc.fontSize(14);
    let y = 80;
    for (const l of PLAN_LINES) {
      doc.text(l, 60, y, { width: 480 });
      y = doc.y + 10;
    }
    if (withTable) {
      y = drawRows(doc, [{ cells: HEADER }], y + 20, true);
      drawRows(doc, [{ cells: ['1', 'Rà soát quy trình nội bộ', 'Văn phòng UBND tỉnh', 'Công an tỉnh', 'Tháng 3/2024', 'Báo cáo'] }], y);
    }
  });
  const work = mkdtempSync(join(dir, `${name}-`));
  writeFileSync(join(work, 'text.pdf'), text);
  execFileSync('pdftoppm', ['-r', '200', '-gray', '-jpeg', join(work, 'text.pdf'), join(work, 'page')]);
  const images = readdirSync(work)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  return pdf((doc) => {
    Array.from({ length: copies }, () => images)
      .flat()
      .forEach((img, i) => {
        if (i) doc.addPage();
        doc.image(join(work, img), 0, 0, { width: 595.28, height: 841.89 });
      });
  });
}


describe('OCR words', () => {
  // Tesseract's TSV for one skewed line: "1. C04: ⁽¹⁾ Chủ trì; #'Tuyên …", the superscript read as "#",
  // raised above its neighbours though the line falls 40 px from left to right.
  const row = (left: number, top: number, width: number, height: number, text: string, conf = 90) =>
    ['5', '1', '1', '1', '1', '1', left, top, width, height, conf, text].join('\t');
  const tsv = [
    'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
    ['4', '1', '1', '1', '1', '0', 490, 1130, 1800, 100, -1, ''].join('\t'),
    row(493, 1167, 50, 58, '1.'),
    row(555, 1165, 111, 39, 'C04:'),
    row(693, 1158, 40, 30, '#'),
    row(749, 1163, 95, 40, 'Chủ'),
    row(864, 1162, 80, 47, 'trì;'),
    row(1000, 1150, 40, 30, '-'),
    row(1423, 1140, 198, 44, "#'Tuyên"),
    row(1650, 1138, 60, 41, 'bố'),
    row(1750, 1137, 60, 40, 'lý'),
    row(1850, 1136, 60, 40, 'do'),
  ].join('\n');

  it('a small raised mark becomes an inline list mark; a dash stays a dash; a mark glued to its word is split off', () => {
    const words = parseTsv(tsv, 1).map((w) => w.str);
    expect(words).toEqual(['1.', 'C04:', '(•)', 'Chủ', 'trì;', '-', '(•) Tuyên', 'bố', 'lý', 'do']);
  });

  it('a lone quote after ";" is a mark even when its box reaches the baseline (Vietnamese has no apostrophe); after a word it stays', () => {
    const line = (words: string[]) =>
      [
        'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
        ['4', '1', '1', '1', '1', '0', 490, 1130, 1800, 100, -1, ''].join('\t'),
        row(500, 1160, 90, 49, 'Bộ'),
        row(610, 1160, 120, 49, 'Công'),
        row(750, 1160, 60, 49, 'an'),
        row(830, 1147, 67, 74, words[0]!),
        row(920, 1151, 33, 62, "'", 25),
      ].join('\n');
    expect(parseTsv(line(['an;']), 1).map((w) => w.str).at(-1)).toBe('(•)');
    expect(parseTsv(line(['an']), 1).map((w) => w.str).at(-1)).toBe("'");
  });
});

describe('scanned PDFs', () => {
  it('are read with OCR through the same line and table layout', async () => {
    const bytes = await scanned('scan');
    const started = performance.now();
    const d = await readPdf(bytes, 'scan.pdf');
    console.log(`OCR of a 1-page scan: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(d.ocr).toBe(true);
    const text = documentText(d);
    for (const phrase of PLAN_LINES) expect(roughly(text, phrase), `"${phrase}" in:\n${text}`).toBe(true);
    expect(text).toMatch(/KẾ HOẠCH/);
    expect(text).toMatch(/Sở Nội vụ chủ trì/);
    // The table comes out as a table: its header and the row numbered 1 in the first column.
    const [t] = tables(d);
    expect(t, text).toBeDefined();
    expect(t!.rows[0]!.length).toBeGreaterThanOrEqual(5);
    expect(roughly(t!.rows.map((r) => r.map((c) => c.text).join(' ')).join(' '), 'Nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Sản phẩm')).toBe(true);
    const row = t!.rows.find((r) => r[0]!.text === '1');
    expect(row, JSON.stringify(t!.rows)).toBeDefined();
    expect(row!.map((c) => c.text).join(' | ')).toMatch(/Công an tỉnh/);
  });

  it('are refused with a clear message when OCR is not installed', async () => {
    const bytes = await scanned('no-ocr', false);
    const err = await refusal(readPdf(bytes, 'quet.pdf', { tesseractPath: join(dir, 'no-such-tesseract') }));
    expect(err.message).toBe(
      'Tệp quet.pdf là bản quét (ảnh chụp, không có lớp chữ) nên cần nhận dạng chữ (OCR), nhưng máy chủ chưa cài OCR (Tesseract với dữ liệu tiếng Việt). Hãy báo quản trị hệ thống cài đặt, hoặc gửi bản .docx hoặc .pdf có chữ.',
    );
    expect(err.en).toMatch(/scanned PDF .*scripts\/install-ocr\.sh.*tesseract-ocr-vie/);
    // Same without pdftoppm.
    const noRaster = await refusal(readPdf(bytes, 'quet.pdf', { pdftoppmPath: join(dir, 'no-such-pdftoppm') }));
    expect(noRaster.en).toMatch(/pdftoppm/);
  });

  it('stops OCR over its limits: too many scanned pages, a time budget (processes killed, temp files removed)', async () => {
    const bytes = await scanned('limits', false, 3);
    const pages = await refusal(readPdf(bytes, 'quet.pdf', { maxOcrPages: 2 }));
    expect(pages.message).toMatch(/^Tệp quet\.pdf có hơn 2 trang là ảnh quét cần nhận dạng chữ \(OCR\), quá giới hạn của máy chủ\./);
    // A private temporary directory for this run (os.tmpdir() follows TMPDIR): nothing left in it.
    const own = mkdtempSync(join(dir, 'tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      const started = performance.now();
      const slow = await refusal(readPdf(bytes, 'quet.pdf', { ocrBudgetMs: 400 }));
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(slow.message).toMatch(/^Nhận dạng chữ \(OCR\) tệp quét quet\.pdf vượt quá thời gian cho phép/);
      expect(slow.en).toMatch(/timed out/);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(readdirSync(own)).toEqual([]);
    // Killed and reaped: no OCR process of ours is left running.
    const children = execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)]).toString();
    expect(children).not.toMatch(/tesseract|pdftoppm/);
  });
});

describe('the corpus PDFs', () => {
  const read = (name: string, limits?: Partial<PdfLimits>) => readPdf(readFileSync(corpus(name)), name, limits);

  it('dong-thap-sgddt-kh-362-2026.pdf (text layer): header with the e-signed number and day, tasks, page numbers gone, two appendix tables', async () => {
    const d = await read('dong-thap-sgddt-kh-362-2026.pdf');
    const lines = documentText(d).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'UBND TỈNH ĐỒNG THÁP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc',
      // "362" and "14" are drawn by signature widgets, not the page's text.
      'Số: 362 /KH-SGDĐT Đồng Tháp, ngày 14 tháng 4 năm 2026',
      'KẾ HOẠCH',
    ]);
    expect(parseHeader(lines)).toMatchObject({ agency: 'SỞ GIÁO DỤC VÀ ĐÀO TẠO', date: '2026-04-14' });
    expect(lines).toContain('1. Phòng Giáo dục Phổ thông');
    expect(lines).toContain('Chủ trì, phối hợp các Phòng của Sở GDĐT có liên quan xây dựng kế hoạch tiếp đón và làm việc với Đoàn kiểm tra.');
    expect(lines).toContain('Quyết toán kinh phí theo Quy chế chi tiêu nội bộ của cơ quan Sở GDĐT và quy định tài chính hiện hành.');
    expect(lines).toContain('- Cử đại diện lãnh đạo Phòng Văn hóa - Xã hội tiếp đón và làm việc với Đoàn kiểm tra.');
    // Page numbers ("2" … "5" at the page tops) are gone.
    expect(lines.filter((l) => /^\d$/.test(l))).toEqual([]);
    const [schools, programme] = tables(d);
    expect(tables(d)).toHaveLength(2);
    expect(grid(schools!).length).toBe(10);
    expect(grid(schools!)[0]).toEqual(['TT', 'Tên đơn vị', 'Cấp học']);
    expect(grid(schools!)[9]).toEqual(['9', 'Trường THPT chuyên Nguyễn Quang Diêu', 'Trung học phổ thông']);
    expect(grid(programme!)[0]).toEqual(['THỜI GIAN', 'NỘI DUNG']);
    expect(grid(programme!)[3]).toEqual(['8h45 - 09h00', 'Báo cáo tóm tắt về thực trạng các phòng học bộ môn và mức độ đáp ứng giáo dục STEM trong nhà trường trên địa bàn tỉnh Đồng Tháp']);
    expect(programme!.source.page).toBe(5);
  });

  it('dong-thap-thpt-cao-lanh-2-kh-58-2026-signed.pdf (text layer): header and the tasks of sections II and IV', async () => {
    const d = await read('dong-thap-thpt-cao-lanh-2-kh-58-2026-signed.pdf');
    const lines = documentText(d).split('\n');
    expect(parseHeader(lines)).toMatchObject({ agency: 'TRƯỜNG THPT CAO LÃNH 2', number: '58/KH-THPTCL2', date: '2026-04-15' });
    for (const title of [
      '1. Phân tích đề thi tốt nghiệp năm 2025 (môn Lịch sử)',
      '2. Tham luận “Kinh nghiệm tổ chức ôn thi TN môn Lịch sử',
      '5. Các nội dung khác xuất phát từ nhu cầu thực tế',
      '- Trường THPT Cao Lãnh 2 xây dựng kế hoạch, điều hành',
      '- Phối hợp với giáo viên môn Lịch sử các trường THPT',
    ])
      expect(lines.some((l) => l.startsWith(title)), title).toBe(true);
    expect(tables(d)).toEqual([]);
  });

  // OCR of the three scans, limited to the pages with the header and the task sections (7 of
  // their 17 pages; the whole scans take about 50 s on a 2-core machine): cut with poppler.
  const subset = (name: string, pages: number[]): Buffer => {
    const work = mkdtempSync(join(dir, 'subset-'));
    const parts = pages.map((p) => {
      const out = join(work, `p${p}.pdf`);
      execFileSync('pdfseparate', ['-f', String(p), '-l', String(p), corpus(name), out], { stdio: 'ignore' });
      return out;
    });
    if (parts.length === 1) return readFileSync(parts[0]!);
    execFileSync('pdfunite', [...parts, join(work, 'all.pdf')], { stdio: 'ignore' });
    return readFileSync(join(work, 'all.pdf'));
  };

  it('bca-tctlntw-kh-996-2026.pdf (scan, pages 1-3): header and the tasks of section III', async () => {
    const d = await readPdf(subset('bca-tctlntw-kh-996-2026.pdf', [1, 2, 3]), 'bca-996.pdf');
    expect(d.ocr).toBe(true);
    const text = documentText(d);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^BỘ CÔNG AN CỘNG HO[AÀ] XÃ HỘI CHỦ NGHĨA VIỆT NAM$/);
    expect(text).toMatch(/\/KH-TCTLNTW-C04 Hà Nội, ngày/);
    for (const phrase of [
      'Các đơn vị, địa phương tham mưu, triển khai thực hiện',
      'Giao Phòng 5, Cục Cảnh sát điều tra tội phạm về ma túy',
      'Đề nghị lãnh đạo các đơn vị, địa phương quan tâm chỉ đạo',
      'Căn cứ Kế hoạch này, đề nghị các đơn vị, địa phương',
      'Các đơn vị, địa phương báo cáo kết quả công tác phối hợp',
    ])
      expect(roughly(text, phrase), phrase).toBe(true);
    expect(lines.some((l) => /^4\. Các đơn vị, địa phương báo cáo .*kỳ 6 tháng \(từ ngày 15\/12\/2025 đến ngày 14\/6\/2026/.test(l))).toBe(true);
    // The page number at the top of page 2 is gone, the page's first line is text.
    expect(lines).not.toContain('2');
  });

  it('bca-kh-589-2025.pdf (scan, pages 1 and 5): header and the assignments of section IV', async () => {
    const d = await readPdf(subset('bca-kh-589-2025.pdf', [1, 5]), 'bca-589.pdf');
    const text = documentText(d);
    // The certified-copy e-signing stamp above the header ("SAO Y / Bộ Công an / Thời gian ký: …") is left out.
    expect(text.split('\n')[0]).toBe('BỘ CÔNG AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).not.toMatch(/Thời gian ký/);
    expect(parseHeader(text.split('\n'))).toMatchObject({ agency: 'BỘ CÔNG AN' });
    expect(text).toMatch(/\/KH-BCA-C04 Hà Nội, ngày/);
    expect(text).toMatch(/IV\. PHÂN CÔNG NHIỆM VỤ/);
    for (const phrase of ['Chủ trì, phối hợp với V01 chuẩn bị nội dung Hội nghị', 'Chủ trì chuẩn bị nội dung Hội nghị gồm', 'Công an các địa phương'])
      expect(roughly(text, phrase), phrase).toBe(true);
  });

  it('son-la-bcd-cds-kh-07-2023.pdf (scan, pages 1 and 3): header and the units of section III', async () => {
    const d = await readPdf(subset('son-la-bcd-cds-kh-07-2023.pdf', [1, 3]), 'son-la.pdf');
    const text = documentText(d);
    // The signing stamp ("Ban Tuyên giáo / 26-07-2023 10:17:01 +07:00") is left out: the header comes first.
    expect(text.split('\n')[0]).toMatch(/^BCĐ CHUY.N Đ.I S. ĐẢNG C/);
    expect(text).not.toMatch(/10:17:01/);
    expect(text).toMatch(/Sơn La, ngày 26 tháng 7 năm 2023/);
    expect(text).toMatch(/KH\/BTC/);
    for (const phrase of [
      '1. Ban Tuyên giáo Tỉnh uỷ',
      'Tham mưu cho Ban Chỉ đạo Chuyển đổi số tỉnh thực hiện',
      '2. Văn phòng Uỷ ban nhân dân tỉnh',
      'Chuẩn bị Hội trường trực tuyến; xác nhận đại biểu; sắp xếp',
      '3. Sở Thông tin và Truyền thông',
      'Lập dự trù kinh phí tổ chức Cuộc thi gửi Sở Tài chính',
    ])
      expect(roughly(text, phrase), phrase).toBe(true);
  });
});
