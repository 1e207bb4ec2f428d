// Plan documents as admins receive them: .docx and .pdf made here from known content parse to
// the same tasks as their text; bad files get a clear error.
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { DocumentError, readPlanDocument } from '../../client/documents.js';
import { parseOrg } from '../../domain/org.js';
import { importPlanText } from '../../domain/plan-import.js';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
const org = parseOrg(read('../../examples/org-so-noi-vu.yaml'), 'org');
const province = parseOrg(read('../../examples/org-tinh-hau-giang.yaml'), 'org-tinh');
const seedText = read('../fixtures/plans/000_741de00ae627158f.txt');
const tableText = read('../fixtures/plans/sample-table-plan.txt');
const dir = mkdtempSync(join(tmpdir(), 'plan-docs-'));
const font = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

/** What matters of an import: refs, units, deadlines. */
const essence = (text: string, o = org) =>
  importPlanText(text, o).tasks.map((t) => ({ ref: t.ref, lead: t.lead, support: t.support, deadline: t.deadline }));

async function writeDocx(name: string, children: (Paragraph | Table)[]): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, await Packer.toBuffer(new Document({ sections: [{ children }] })));
  return file;
}

function writePdf(name: string, lines: string[]): Promise<string> {
  const file = join(dir, name);
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => {
      writeFileSync(file, Buffer.concat(chunks));
      resolve(file);
    });
    doc.on('error', reject);
    doc.font(font).fontSize(11);
    for (const line of lines) doc.text(line || ' ');
    doc.end();
  });
}

describe('reading plan documents', () => {
  it('a .docx of seed 000 gives the same tasks as its text', async () => {
    const file = await writeDocx('seed.docx', seedText.split('\n').map((l) => new Paragraph(l)));
    expect(essence(await readPlanDocument(file))).toEqual(essence(seedText));
  });

  it('a .docx with the table plan gives the same tasks as its text', async () => {
    const rows = tableText.split('\n').filter((l) => l.includes('|'));
    const before = tableText.split('\n').filter((l) => !l.includes('|'));
    const cells = (l: string) => l.replace(/\|\s*$/, '').split('|').map((c) => c.trim());
    const width = Math.max(...rows.map((r) => cells(r).length));
    const table = new Table({
      rows: rows.map(
        (r) =>
          new TableRow({
            children: Array.from({ length: width }, (_, i) => new TableCell({ children: [new Paragraph(cells(r)[i] ?? '')] })),
          }),
      ),
    });
    const file = await writeDocx('table.docx', [...before.map((l) => new Paragraph(l)), table]);
    const fromDocx = essence(await readPlanDocument(file), province);
    expect(fromDocx.map((t) => t.ref)).toEqual(essence(tableText, province).map((t) => t.ref));
    expect(fromDocx).toEqual(essence(tableText, province));
  });

  it('a .pdf of seed 000 gives the same tasks as its text', async () => {
    const file = await writePdf('seed.pdf', seedText.split('\n'));
    expect(essence(await readPlanDocument(file))).toEqual(essence(seedText));
  });

  it('a .txt is read as it is', async () => {
    const file = join(dir, 'seed.txt');
    writeFileSync(file, seedText);
    expect(await readPlanDocument(file)).toBe(seedText);
  });
});

describe('bad documents', () => {
  const fails = async (file: string, vi: RegExp) => {
    const err = await readPlanDocument(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DocumentError);
    expect((err as DocumentError).message).toMatch(vi);
  };

  it('an empty file', async () => {
    writeFileSync(join(dir, 'empty.docx'), '');
    await fails(join(dir, 'empty.docx'), /rỗng/);
  });

  it('a 50 MB file', async () => {
    const big = join(dir, 'big.pdf');
    writeFileSync(big, '');
    truncateSync(big, 50 * 1024 * 1024);
    await fails(big, /quá lớn \(50 MB; tối đa 20 MB\)/);
  });

  it('a corrupted .docx and a corrupted .pdf', async () => {
    const good = readFileSync(await writeDocx('ok.docx', [new Paragraph('Kế hoạch')]));
    writeFileSync(join(dir, 'broken.docx'), good.subarray(0, Math.floor(good.length / 2)));
    await fails(join(dir, 'broken.docx'), /bị hỏng hoặc không phải \.docx/);
    writeFileSync(join(dir, 'broken.pdf'), '%PDF-1.7\nrác');
    await fails(join(dir, 'broken.pdf'), /bị hỏng hoặc không phải \.pdf/);
  });

  it('binary data named .txt, an unknown format, a missing file', async () => {
    writeFileSync(join(dir, 'bin.txt'), Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    await fails(join(dir, 'bin.txt'), /không phải văn bản UTF-8/);
    writeFileSync(join(dir, 'plan.odt'), 'x');
    await fails(join(dir, 'plan.odt'), /Không đọc được định dạng «\.odt»/);
    await fails(join(dir, 'khong-co.txt'), /Không tìm thấy tệp/);
  });

  it('a document that is not a plan gives no tasks and a warning', async () => {
    const file = await writeDocx('letter.docx', [new Paragraph('Kính gửi: các cơ quan, đơn vị.'), new Paragraph('Đề nghị phối hợp.')]);
    const r = importPlanText(await readPlanDocument(file), org);
    expect(r.tasks).toEqual([]);
    expect(r.warnings[0]!.vi).toContain('không giống một kế hoạch');
  });
});
